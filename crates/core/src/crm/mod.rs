//! The CRM: contacts, companies, leads, deals and activities linked to mail, with a "why" for every
//! message.
//!
//! - [`model`]: the records; [`repo`]: the storage traits; [`sqlite`]: the embedded implementation.
//! - [`rules`] and [`process`]: the linking rules, pure over a parsed message and a repository.

pub mod model;
pub mod process;
pub mod repo;
pub mod rules;
pub mod sqlite;
pub mod vcard;

pub use model::*;
pub use process::{process, MailInput, Mode};
pub use repo::{ActivityRepo, CrmRepo, RecordRepo, TeamRepo};
pub use sqlite::SqliteCrm;
