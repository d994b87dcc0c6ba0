//! Manager triage: client emails linked to the CRM that nobody answered for more than N hours, grouped
//! by responsible manager, oldest first.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::repo::{ActivityRepo, RecordRepo, TeamRepo};
use super::sidebar::UserBrief;
use super::sqlite::SqliteCrm;
use crate::error::Result;
use crate::query::rfc3339;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriageItem {
    pub activity_id: i64,
    /// The cached message, when this profile has it.
    pub message_id: Option<i64>,
    pub account_id: i64,
    pub subject: String,
    pub date: String,
    pub timestamp: i64,
    pub waiting_hours: i64,
    /// The records the email is bound to (`kind #id name`).
    pub client: Vec<String>,
    /// The same records as a person calls them.
    pub client_names: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TriageGroup {
    /// `None`: nobody is responsible.
    pub responsible: Option<UserBrief>,
    pub items: Vec<TriageItem>,
}

/// Emails waiting longer than this many days are history, not triage.
pub const TRIAGE_WINDOW_DAYS: i64 = 30;
const MAX_ITEMS: u32 = 5_000;

/// Unanswered client emails older than `hours`, grouped by responsible manager; groups ordered by their
/// oldest email, emails oldest first, the unassigned group last.
pub fn triage(store: &Store, hours: u32, now: i64) -> Result<Vec<TriageGroup>> {
    let conn = store.conn()?;
    let repo = SqliteCrm::new(&conn);
    let until = now - hours as i64 * 3600;
    let since = now - TRIAGE_WINDOW_DAYS * crate::time::DAY;
    let mut local = conn.prepare_cached("SELECT id FROM messages WHERE account_id = ?1 AND message_id = ?2 LIMIT 1")?;
    let mut groups: Vec<TriageGroup> = Vec::new();
    let mut keys: Vec<Option<i64>> = Vec::new();
    for a in repo.unanswered(since, until, MAX_ITEMS)? {
        if a.links.is_empty() {
            continue;
        }
        let (client, client_names): (Vec<String>, Vec<String>) =
            a.links.iter().map(|e| repo.label_and_name(*e)).collect::<Result<Vec<_>>>()?.into_iter().unzip();
        let item = TriageItem {
            activity_id: a.id,
            message_id: local.query_row(rusqlite::params![a.account_id, a.message_key], |r| r.get(0)).optional()?,
            account_id: a.account_id,
            subject: a.subject.clone(),
            date: rfc3339(a.date),
            timestamp: a.date,
            waiting_hours: (now - a.date) / 3600,
            client,
            client_names,
        };
        match keys.iter().position(|k| *k == a.responsible_id) {
            Some(i) => groups[i].items.push(item),
            None => {
                let responsible = match a.responsible_id {
                    Some(id) => repo.user(id)?.map(|u| UserBrief { id: u.id, name: u.name, active: u.active }),
                    None => None,
                };
                keys.push(a.responsible_id);
                groups.push(TriageGroup { responsible, items: vec![item] });
            }
        }
    }
    // Activities came oldest first, so each group's first item is its oldest.
    groups.sort_by_key(|g| (g.responsible.is_none(), g.items.first().map(|i| i.timestamp)));
    Ok(groups)
}
