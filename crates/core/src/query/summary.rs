//! One row of a message list, as every list, conversation and search query selects it.

use rusqlite::Row;

use crate::time::rfc3339;
use serde::Serialize;

/// One row of a message list.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageSummary {
    pub id: i64,
    pub uid: u32,
    pub account_id: i64,
    pub folder: String,
    pub subject: String,
    pub from: String,
    pub from_name: String,
    /// RFC 3339, UTC.
    pub date: String,
    pub timestamp: i64,
    pub flags: Vec<String>,
    pub unread: bool,
    pub flagged: bool,
    pub has_attachments: bool,
    pub thread_id: Option<i64>,
    pub size: i64,
    /// What the CRM did with it: "linked", "created", "skipped"; `None` when not processed (yet).
    pub crm: Option<String>,
}

/// The CRM outcome is looked up by the message's CRM key (its Message-ID without angle brackets; see
/// `crm::rules::message_key`), one primary-key probe per row shown.
pub(super) const SUMMARY_COLS: &str = r"m.id, m.uid, m.account_id, f.name, m.subject, m.from_addr, m.from_name, m.date, m.flags,
    m.has_attachments, m.thread_id, m.size,
    (SELECT o.outcome FROM crm_outcomes o WHERE o.account_id = m.account_id
       AND o.message_key = trim(trim(m.message_id), '<>'))";

/// The order of a message list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub enum Sort {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl Sort {
    pub(super) fn dir(self) -> &'static str {
        match self {
            Sort::NewestFirst => "DESC",
            Sort::OldestFirst => "ASC",
        }
    }
}

/// Messages of a view: one account or all (`None`), one folder by name or role, or every folder (`None`).
pub(super) const SCOPE: &str =
    "(?1 IS NULL OR m.account_id = ?1) AND (?2 IS NULL OR f.name = ?2 OR f.role = lower(?2))";

pub(super) fn summary(r: &Row<'_>) -> rusqlite::Result<MessageSummary> {
    let flags: String = r.get(8)?;
    let flags: Vec<String> = flags.split_whitespace().map(str::to_string).collect();
    let ts: i64 = r.get(7)?;
    Ok(MessageSummary {
        id: r.get(0)?,
        uid: r.get(1)?,
        account_id: r.get(2)?,
        folder: r.get(3)?,
        subject: r.get(4)?,
        from: r.get(5)?,
        from_name: r.get(6)?,
        date: rfc3339(ts),
        timestamp: ts,
        unread: !flags.iter().any(|f| f.eq_ignore_ascii_case("\\Seen")),
        flagged: flags.iter().any(|f| f.eq_ignore_ascii_case("\\Flagged")),
        flags,
        has_attachments: r.get(9)?,
        thread_id: r.get(10)?,
        size: r.get(11)?,
        crm: r.get(12)?,
    })
}
