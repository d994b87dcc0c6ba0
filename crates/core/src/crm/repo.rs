//! The CRM's storage, behind a trait: the embedded SQLite database implements it today
//! ([`super::sqlite::SqliteCrm`]); a shared team database can implement it later.
//!
//! Every lookup by address or domain takes a lower-case value (see [`super::model::norm_address`])
//! and must be an index lookup: processing calls them for every message.

use super::model::*;
use crate::error::Result;

/// Team users, the exception list, per-mailbox settings, outcomes and warnings.
pub trait TeamRepo {
    fn add_user(&self, user: &NewUser, now: i64) -> Result<User>;
    fn users(&self) -> Result<Vec<User>>;
    fn user(&self, id: i64) -> Result<Option<User>>;
    fn set_user_flags(&self, id: i64, active: Option<bool>, admin: Option<bool>) -> Result<()>;
    /// The user one of whose addresses this is.
    fn user_by_address(&self, address: &str) -> Result<Option<i64>>;

    fn add_exception(&self, entry: &str, now: i64) -> Result<Exception>;
    fn remove_exception(&self, entry: &str) -> Result<bool>;
    fn exceptions(&self) -> Result<Vec<Exception>>;
    /// The exception-list entry that covers this address (the address itself, its domain or a parent
    /// domain), if any.
    fn exception_for(&self, address: &str) -> Result<Option<String>>;

    /// The mailbox's settings, or the defaults when it has none yet.
    fn mailbox_settings(&self, account_id: i64) -> Result<MailboxSettings>;
    fn save_mailbox_settings(&self, settings: &MailboxSettings, now: i64) -> Result<()>;
    fn set_queue_position(&self, account_id: i64, position: usize) -> Result<()>;

    fn outcome(&self, account_id: i64, message_key: &str) -> Result<Option<Outcome>>;
    fn put_outcome(&self, outcome: &Outcome) -> Result<()>;

    fn raise_warning(&self, account_id: i64, kind: &str, message: &str, now: i64) -> Result<()>;
    fn clear_warning(&self, account_id: i64, kind: &str) -> Result<()>;
    /// Warnings of one mailbox, or of all when `None`.
    fn warnings(&self, account_id: Option<i64>) -> Result<Vec<Warning>>;
}

/// Contacts, companies, leads and deals.
pub trait RecordRepo {
    fn add_company(&self, company: &NewCompany, now: i64) -> Result<i64>;
    fn company(&self, id: i64) -> Result<Option<Company>>;
    fn companies(&self, limit: u32, offset: u32) -> Result<Vec<Company>>;
    fn company_by_address(&self, address: &str) -> Result<Option<i64>>;
    fn company_by_domain(&self, domain: &str) -> Result<Option<i64>>;
    fn company_by_name(&self, name: &str) -> Result<Option<i64>>;
    fn add_company_domain(&self, company_id: i64, domain: &str) -> Result<()>;

    fn add_contact(&self, contact: &NewContact, now: i64) -> Result<i64>;
    fn contact(&self, id: i64) -> Result<Option<Contact>>;
    fn contacts(&self, limit: u32, offset: u32) -> Result<Vec<Contact>>;
    fn contact_by_address(&self, address: &str) -> Result<Option<i64>>;

    fn add_lead(&self, lead: &NewLead, now: i64) -> Result<i64>;
    fn lead(&self, id: i64) -> Result<Option<Lead>>;
    fn leads(&self, limit: u32, offset: u32) -> Result<Vec<Lead>>;
    /// The in-progress lead for this address, returning-customer leads first.
    fn open_lead_by_address(&self, address: &str) -> Result<Option<i64>>;
    /// Whether this address had a lead that is closed now (won or lost).
    fn has_closed_lead(&self, address: &str) -> Result<bool>;
    fn set_lead_status(&self, id: i64, status: Status, now: i64) -> Result<()>;

    fn stages(&self) -> Result<Vec<Stage>>;
    fn add_deal(&self, deal: &NewDeal, now: i64) -> Result<i64>;
    fn deal(&self, id: i64) -> Result<Option<Deal>>;
    fn deals(&self, limit: u32, offset: u32) -> Result<Vec<Deal>>;
    /// In-progress deals of this contact or this company.
    fn open_deals_for(&self, contact_id: Option<i64>, company_id: Option<i64>) -> Result<Vec<Deal>>;
    fn set_deal_stage(&self, id: i64, stage_id: i64, now: i64) -> Result<()>;

    /// The responsible user of a record.
    fn responsible_of(&self, entity: EntityRef) -> Result<Option<i64>>;
    /// A short human label ("contact #3 Jane Doe <jane@acme.test>").
    fn label(&self, entity: EntityRef) -> Result<String> {
        Ok(self.label_and_name(entity)?.0)
    }
    /// The CRM's one search: records of these kinds (in this order, each sorted by name) that every word
    /// matches: it starts the record's name or title (any word of it), its address or its domain.
    /// Case-insensitive; LIKE wildcards in a word are literal.
    fn find_records(&self, words: &[String], kinds: &[EntityKind], limit: u32) -> Result<Vec<EntityRef>>;

    /// What a person calls the record: "Jane Roe <jane@acme.test>", "ACME Corp", "Renewal 2027 (Proposal,
    /// 12,000 EUR)" — the label without its `kind #id` reference and quotes.
    fn display_name(&self, e: EntityRef) -> Result<String> {
        Ok(self.label_and_name(e)?.1)
    }

    /// [`Self::label`] and [`Self::display_name`] from one read of the record.
    fn label_and_name(&self, e: EntityRef) -> Result<(String, String)>;

    /// Search contacts, companies, leads and deals by the words of `query` (see [`Self::find_records`]),
    /// each with its label and name.
    fn search_records(&self, query: &str, limit: u32) -> Result<Vec<RecordHit>> {
        let words: Vec<String> = query.split_whitespace().map(str::to_string).collect();
        let kinds = [EntityKind::Contact, EntityKind::Company, EntityKind::Lead, EntityKind::Deal];
        let found = self.find_records(&words, &kinds, limit)?;
        found
            .into_iter()
            .map(|e| {
                let (label, name) = self.label_and_name(e)?;
                Ok(RecordHit { entity: e, label, name })
            })
            .collect()
    }
}

/// Activities, notes and tasks.
pub trait ActivityRepo {
    /// Insert an activity with its links; marks earlier incoming activities of the thread answered when
    /// this one is outgoing. Returns the new id.
    fn add_activity(&self, activity: &NewActivity, now: i64) -> Result<i64>;
    fn activity(&self, id: i64) -> Result<Option<Activity>>;
    fn activity_by_message(&self, account_id: i64, message_key: &str) -> Result<Option<Activity>>;
    /// The latest activity (of any mailbox) whose message is one of `message_keys`.
    fn activity_for_messages(&self, message_keys: &[String]) -> Result<Option<Activity>>;
    fn link_activity(&self, activity_id: i64, entity: EntityRef) -> Result<()>;
    /// The newest activities bound to any of `entities`.
    fn timeline(&self, entities: &[EntityRef], limit: u32) -> Result<Vec<Activity>>;
    /// Whether a deal has an activity in this thread.
    fn deal_in_thread(&self, deal_id: i64, thread_key: &str) -> Result<bool>;
    /// Date of the newest activity bound to a record.
    fn last_activity_at(&self, entity: EntityRef) -> Result<Option<i64>>;
    /// Incoming activities with no reply from us, dated in `[since, until)`, oldest first.
    fn unanswered(&self, since: i64, until: i64, limit: u32) -> Result<Vec<Activity>>;

    fn add_note(&self, entity: EntityRef, body: &str, author_id: Option<i64>, now: i64) -> Result<i64>;
    fn notes(&self, entity: EntityRef, limit: u32) -> Result<Vec<Note>>;
    fn add_task(
        &self,
        entity: EntityRef,
        title: &str,
        due_at: Option<i64>,
        responsible_id: Option<i64>,
        now: i64,
    ) -> Result<i64>;
    fn tasks(&self, entity: EntityRef, include_done: bool) -> Result<Vec<Task>>;
    fn set_task_done(&self, id: i64, done: bool) -> Result<()>;
}

/// The whole CRM storage. Implement the three parts and `atomically`.
pub trait CrmRepo: TeamRepo + RecordRepo + ActivityRepo {
    /// Run `f` so that either all of its writes land or none do (a savepoint in SQLite).
    fn atomically(&self, f: &mut dyn FnMut(&dyn CrmRepo) -> Result<()>) -> Result<()>;
}
