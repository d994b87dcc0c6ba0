//! One message: headers, body and attachments, or its raw source.

use rusqlite::OptionalExtension;
use serde::Serialize;

use super::summary::{summary, MessageSummary, SUMMARY_COLS};
use crate::cache::mailboxes_from_json;
use crate::error::{Error, Result};
use crate::parse::Mailbox;
use crate::store::Store;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentInfo {
    pub id: i64,
    pub filename: Option<String>,
    pub mime_type: String,
    pub size: i64,
    pub content_id: Option<String>,
    pub inline: bool,
}

/// One message with its body, for the reader and `show`.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MessageDetail {
    #[serde(flatten)]
    pub summary: MessageSummary,
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub text: Option<String>,
    /// The HTML exactly as received: untrusted. Sanitise before display.
    pub html: Option<String>,
    pub attachments: Vec<AttachmentInfo>,
    pub parse_warning: Option<String>,
}

pub fn get(store: &Store, id: i64) -> Result<MessageDetail> {
    let conn = store.conn()?;
    let row = conn
        .query_row(
            &format!(
                r"SELECT {SUMMARY_COLS}, m.message_id, m.in_reply_to, m.to_json, m.cc_json, b.text, b.html, m.parse_warning
                 FROM messages m JOIN folders f ON f.id = m.folder_id LEFT JOIN bodies b ON b.message_id = m.id WHERE m.id = ?1"
            ),
            [id],
            |r| {
                // Columns after SUMMARY_COLS (0..=12).
                let to: String = r.get(15)?;
                let cc: String = r.get(16)?;
                Ok(MessageDetail {
                    summary: summary(r)?,
                    message_id: r.get(13)?,
                    in_reply_to: r.get(14)?,
                    to: mailboxes_from_json(&to),
                    cc: mailboxes_from_json(&cc),
                    text: r.get(17)?,
                    html: r.get(18)?,
                    attachments: vec![],
                    parse_warning: r.get(19)?,
                })
            },
        )
        .optional()?;
    let mut d = row.ok_or_else(|| crate::error::no_message(id))?;
    let mut st = conn.prepare(
        "SELECT id, filename, mime_type, size, content_id, inline FROM attachments WHERE message_id = ?1 ORDER BY part",
    )?;
    d.attachments = st
        .query_map([id], |r| {
            Ok(AttachmentInfo {
                id: r.get(0)?,
                filename: r.get(1)?,
                mime_type: r.get(2)?,
                size: r.get(3)?,
                content_id: r.get(4)?,
                inline: r.get(5)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(d)
}

/// The raw message as received.
pub fn raw(store: &Store, id: i64) -> Result<Vec<u8>> {
    let conn = store.conn()?;
    conn.query_row("SELECT raw FROM bodies WHERE message_id = ?1", [id], |r| r.get(0))
        .optional()?
        .ok_or_else(|| Error::not_found(format!("message {id} has no cached body yet")))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::query::fixtures::threads;
    use crate::query::list;

    #[test]
    fn one_message_has_its_headers_body_and_crm_outcome() {
        let store = threads();
        store
            .conn()
            .unwrap()
            .execute(
                r"INSERT INTO crm_outcomes (account_id, message_key, outcome, reason, processed_at)
                 VALUES (1, 'a2@x', 'created', 'new lead', 0)",
                [],
            )
            .unwrap();
        let id = list(&store, None, Some("inbox"), 1, 0).unwrap()[0].id;
        let m = get(&store, id).unwrap();
        assert_eq!(m.summary.subject, "Re: Renewal");
        assert_eq!(m.summary.crm.as_deref(), Some("created"));
        assert_eq!(m.message_id.as_deref(), Some("a2@x"));
        assert_eq!(m.in_reply_to.as_deref().map(|s| s.trim_matches(|c| c == '<' || c == '>')), Some("a1@x"));
        assert_eq!(m.to[0].addr, "a@x.test");
        assert!(m.text.unwrap().contains("About the Re: Renewal"));
    }
}
