//! CRM processing of mail that arrived since the last run: every fully fetched cached message of a mailbox
//! that has no CRM outcome yet. It runs as an after-check hook ([`ProcessNewMail`], registered by
//! [`crate::Core`]) after each successful check, so new mail from existing clients is linked (and new
//! senders handled) without re-reading the whole mailbox.

use crate::account::Account;
use crate::crm::cached::{self, ProcessReport};
use crate::error::Result;
use crate::store::Store;
use crate::sync::AfterCheck;

/// The after-check hook: new mail goes through the CRM rules (linked to clients, leads created, or skipped
/// with a reason).
pub struct ProcessNewMail;

impl AfterCheck for ProcessNewMail {
    fn name(&self) -> &'static str {
        "CRM processing"
    }

    fn run(&self, store: &Store, account: &Account, now: i64) -> Result<()> {
        let r = process_new_mail(store, account.id, now)?;
        if !r.errors.is_empty() {
            tracing::warn!(account = %account.name, errors = ?r.errors, "CRM processing failed for some messages");
        }
        if !r.warnings.is_empty() {
            // Kept with each outcome (and shown by `crm warnings` / the sidebar); not a sync problem.
            tracing::info!(account = %account.name, warnings = ?r.warnings, "CRM processing");
        }
        Ok(())
    }
}

/// Process the account's messages that have a body but no outcome yet, oldest first.
pub fn process_new_mail(store: &Store, account_id: i64, now: i64) -> Result<ProcessReport> {
    let ids: Vec<i64> = {
        let conn = store.conn()?;
        let mut st = conn.prepare_cached(
            r"SELECT m.id FROM messages m WHERE m.account_id = ?1 AND m.body_state != 'none'
             AND NOT EXISTS (SELECT 1 FROM crm_outcomes o WHERE o.account_id = m.account_id
                             AND o.message_key = m.message_id)",
        )?;
        let ids = st.query_map([account_id], |r| r.get(0))?.collect::<rusqlite::Result<Vec<_>>>()?;
        ids
    };
    if ids.is_empty() {
        return Ok(ProcessReport::default());
    }
    cached::process_messages(store, &ids, now)
}
