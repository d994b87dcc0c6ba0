//! The CRM: contacts, companies, leads, deals and activities linked to mail, with a "why" for every
//! message.
//!
//! - [`model`]: the records; [`repo`]: the storage traits; [`sqlite`]: the embedded implementation.
//! - [`rules`] and [`process`]: the linking rules, pure over a parsed message and a repository;
//!   [`cached`]: the same rules over the mail cache (what the sync engine calls).
//! - [`sidebar`], [`actions`], [`triage`]: what the desktop app shows and does.
//! - [`import`] ([`csv`], [`vcard`]): contacts and companies in and out.

pub mod actions;
pub mod cached;
pub mod csv;
pub mod front;
pub mod import;
pub mod model;
pub mod new_mail;
pub mod process;
pub mod repo;
pub mod rules;
pub mod sidebar;
pub mod sqlite;
pub mod triage;
pub mod vcard;

pub use front::Crm;
pub use model::*;
pub use process::{process, MailInput, Mode};
pub use repo::{ActivityRepo, CrmRepo, RecordRepo, TeamRepo};
pub use sqlite::SqliteCrm;
