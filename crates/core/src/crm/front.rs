//! The CRM side of the core's front door: what the app and the CLI ask of the CRM. Callers never open
//! the SQLite CRM or the store themselves, so the CRM behind these calls can change (a team server's
//! replica) without touching them.

use std::path::Path;

use crate::crm::model::{Deal, EntityKind, EntityRef, Exception, Outcome, RecordHit, Stage, User};
use crate::crm::repo::CrmRepo;
use crate::crm::repo::{RecordRepo, TeamRepo};
use crate::crm::sidebar::{self, Sidebar};
use crate::crm::sqlite;
use crate::crm::triage::{self, TriageGroup};
use crate::crm::{actions, cached, import};
use crate::error::{Error, Result};
use crate::Core;

/// Reached with [`Core::crm`].
pub struct Crm<'a> {
    pub(crate) core: &'a Core,
}

impl Crm<'_> {
    fn store(&self) -> &crate::store::Store {
        &self.core.store
    }

    fn read<T>(&self, f: impl FnOnce(&sqlite::SqliteCrm<'_>) -> Result<T>) -> Result<T> {
        let conn = self.store().conn()?;
        f(&sqlite::SqliteCrm::new(&conn))
    }

    /// Everything the CRM knows about a cached message: participants, responsible, deals, timeline, why.
    pub fn sidebar(&self, message_id: i64) -> Result<Sidebar> {
        sidebar::sidebar(self.store(), message_id)
    }

    /// Contacts, companies, leads and deals matching `query` (prefix of a name, address, domain or title).
    pub fn search_records(&self, query: &str, limit: u32) -> Result<Vec<RecordHit>> {
        self.read(|r| r.search_records(query, limit))
    }

    /// The pipeline's stages, in order.
    pub fn stages(&self) -> Result<Vec<Stage>> {
        self.read(|r| r.stages())
    }

    /// The team's users (managers a record can be assigned to).
    pub fn users(&self) -> Result<Vec<User>> {
        self.read(|r| r.users())
    }

    /// Senders and domains whose mail is never taken into the CRM.
    pub fn exceptions(&self) -> Result<Vec<Exception>> {
        self.read(|r| r.exceptions())
    }

    pub fn add_exception(&self, entry: &str, now: i64) -> Result<Exception> {
        sqlite::write(self.store(), |crm| crm.add_exception(entry, now))
    }

    /// Returns whether it was there.
    pub fn remove_exception(&self, entry: &str) -> Result<bool> {
        sqlite::write(self.store(), |crm| crm.remove_exception(entry))
    }

    /// Create a contact or a lead from the message's sender and link the message to it.
    pub fn create_from_sender(&self, message_id: i64, kind: EntityKind, now: i64) -> Result<Outcome> {
        actions::create_from_sender(self.store(), message_id, kind, now)
    }

    pub fn link(&self, message_id: i64, record: EntityRef, now: i64) -> Result<Outcome> {
        actions::link_to_record(self.store(), message_id, record, now)
    }

    pub fn choose_deal(&self, message_id: i64, deal_id: i64, now: i64) -> Result<Outcome> {
        actions::choose_deal(self.store(), message_id, deal_id, now)
    }

    pub fn set_deal_stage(&self, deal_id: i64, stage: &str, now: i64) -> Result<Deal> {
        actions::set_deal_stage(self.store(), deal_id, stage, now)
    }

    /// Never take this sender's (or with `whole_domain`, their domain's) mail into the CRM.
    pub fn exclude_sender(&self, message_id: i64, whole_domain: bool, now: i64) -> Result<Exception> {
        actions::exclude_sender(self.store(), message_id, whole_domain, now)
    }

    /// A note on a record; an empty note is refused.
    pub fn add_note(&self, record: EntityRef, body: &str, now: i64) -> Result<i64> {
        let body = body.trim();
        if body.is_empty() {
            return Err(Error::config("write the note first"));
        }
        actions::add_note(self.store(), record, body, None, now)
    }

    /// A task on a record, due at `due_at` (unix seconds) if given; a task needs a title.
    pub fn add_task(&self, record: EntityRef, title: &str, due_at: Option<i64>, now: i64) -> Result<i64> {
        let title = title.trim();
        if title.is_empty() {
            return Err(Error::config("give the task a title"));
        }
        actions::add_task(self.store(), record, title, due_at, None, now)
    }

    /// Take a message the rules left out into the CRM anyway.
    pub fn save_to_crm(&self, message_id: i64, now: i64) -> Result<Outcome> {
        actions::save_to_crm(self.store(), message_id, now)
    }

    /// Run `f` on the CRM's repository in one transaction: all of its writes land, or none.
    pub fn transaction<T>(&self, f: impl FnOnce(&dyn CrmRepo) -> Result<T>) -> Result<T> {
        sqlite::write(self.store(), |crm| f(crm))
    }

    /// Import contacts and companies from a CSV or vCard file.
    pub fn import_file(&self, path: &Path, overrides: Option<&str>, now: i64) -> Result<import::ImportReport> {
        import::import_file(self.store(), path, overrides, now)
    }

    /// What the CRM did with a cached message, and why.
    pub fn outcome_of(&self, message_id: i64) -> Result<Option<Outcome>> {
        cached::outcome_of(self.store(), message_id)
    }

    /// Apply the CRM rules to the account's cached mail not yet processed.
    pub fn process_account(&self, account_id: i64, now: i64) -> Result<cached::ProcessReport> {
        cached::process_account(self.store(), account_id, now)
    }

    /// Client mail nobody answered for more than `hours`, by responsible manager.
    pub fn needs_reply(&self, hours: u32, now: i64) -> Result<Vec<TriageGroup>> {
        triage::triage(self.store(), hours, now)
    }
}
