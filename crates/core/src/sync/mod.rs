//! Mirroring IMAP mailboxes into the local cache, and deciding when to check.
//!
//! - [`policy`]: when is the next check due (pure, fake-clock tested).
//! - [`plan`]: cached state + server state -> actions (pure, tested case by case).

pub mod plan;
pub mod policy;
