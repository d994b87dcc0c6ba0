//! Reading the cache: folders, message lists, one message, search.

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::cache::mailboxes_from_json;
use crate::error::{Error, Result};
use crate::parse::Mailbox;
use crate::store::Store;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderInfo {
    pub id: i64,
    pub account_id: i64,
    pub account: String,
    pub name: String,
    pub display_name: String,
    pub role: Option<String>,
    pub total: i64,
    pub unread: i64,
    pub last_sync: Option<i64>,
}

pub fn folders(store: &Store, account_id: Option<i64>) -> Result<Vec<FolderInfo>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        "SELECT f.id, f.account_id, a.name, f.name, f.display_name, f.role, \
           (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id), \
           (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id AND (' ' || m.flags || ' ') NOT LIKE '% \\Seen %'), \
           f.last_sync \
         FROM folders f JOIN accounts a ON a.id = f.account_id \
         WHERE (?1 IS NULL OR f.account_id = ?1) \
         ORDER BY f.account_id, CASE f.role WHEN 'inbox' THEN 0 WHEN 'drafts' THEN 1 WHEN 'sent' THEN 2 \
           WHEN 'archive' THEN 3 WHEN 'junk' THEN 4 WHEN 'trash' THEN 5 ELSE 6 END, f.name",
    )?;
    let rows = st
        .query_map([account_id], |r| {
            Ok(FolderInfo {
                id: r.get(0)?,
                account_id: r.get(1)?,
                account: r.get(2)?,
                name: r.get(3)?,
                display_name: r.get(4)?,
                role: r.get(5)?,
                total: r.get(6)?,
                unread: r.get(7)?,
                last_sync: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

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
}

const SUMMARY_COLS: &str = "m.id, m.uid, m.account_id, f.name, m.subject, m.from_addr, m.from_name, m.date, m.flags, \
    m.has_attachments, m.thread_id, m.size";

fn summary(r: &Row<'_>) -> rusqlite::Result<MessageSummary> {
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
    })
}

pub fn rfc3339(ts: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .and_then(|t| t.format(&time::format_description::well_known::Rfc3339).ok())
        .unwrap_or_default()
}

/// Messages newest first, optionally of one account and/or one folder (by name or role).
pub fn list(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    limit: u32,
    offset: u32,
) -> Result<Vec<MessageSummary>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(&format!(
        "SELECT {SUMMARY_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id \
         WHERE (?1 IS NULL OR m.account_id = ?1) AND (?2 IS NULL OR f.name = ?2 OR f.role = lower(?2)) \
         ORDER BY m.date DESC, m.id DESC LIMIT ?3 OFFSET ?4"
    ))?;
    let rows =
        st.query_map(params![account_id, folder, limit, offset], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

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
                "SELECT {SUMMARY_COLS}, m.message_id, m.in_reply_to, m.to_json, m.cc_json, b.text, b.html, m.parse_warning \
                 FROM messages m JOIN folders f ON f.id = m.folder_id LEFT JOIN bodies b ON b.message_id = m.id WHERE m.id = ?1"
            ),
            [id],
            |r| {
                let to: String = r.get(14)?;
                let cc: String = r.get(15)?;
                Ok(MessageDetail {
                    summary: summary(r)?,
                    message_id: r.get(12)?,
                    in_reply_to: r.get(13)?,
                    to: mailboxes_from_json(&to),
                    cc: mailboxes_from_json(&cc),
                    text: r.get(16)?,
                    html: r.get(17)?,
                    attachments: vec![],
                    parse_warning: r.get(18)?,
                })
            },
        )
        .optional()?;
    let mut d =
        row.ok_or_else(|| Error::not_found(format!("no message with id {id} (ids come from `list --json`)")))?;
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

/// Search terms understood by the search box.
#[derive(Debug, Default, PartialEq)]
pub struct SearchQuery {
    pub fts: Vec<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub subject: Vec<String>,
    pub has_attachment: bool,
    pub unread: bool,
    pub flagged: bool,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

fn fts_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn parse_day(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).ok().map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// Parse `from:x to:y subject:z has:attachment is:unread before:2026-01-01 after:… words`.
pub fn parse_query(q: &str) -> SearchQuery {
    let mut out = SearchQuery::default();
    for tok in q.split_whitespace() {
        let (k, v) = tok.split_once(':').unwrap_or(("", tok));
        match (k.to_ascii_lowercase().as_str(), v) {
            ("from", v) if !v.is_empty() => out.from.push(v.to_lowercase()),
            ("to", v) if !v.is_empty() => out.to.push(v.to_lowercase()),
            ("subject", v) if !v.is_empty() => out.subject.push(v.to_string()),
            ("has", "attachment") => out.has_attachment = true,
            ("is", "unread") => out.unread = true,
            ("is", "flagged") | ("is", "starred") => out.flagged = true,
            ("before", v) if parse_day(v).is_some() => out.before = parse_day(v),
            ("after", v) if parse_day(v).is_some() => out.after = parse_day(v),
            _ => out.fts.push(tok.to_string()),
        }
    }
    out
}

/// Full-text search over subject, addresses and body, newest first.
pub fn search(store: &Store, account_id: Option<i64>, q: &str, limit: u32) -> Result<Vec<MessageSummary>> {
    let sq = parse_query(q);
    let mut match_terms: Vec<String> = sq.fts.iter().map(|t| format!("{}*", fts_quote(t))).collect();
    for s in &sq.subject {
        match_terms.push(format!("subject : {}", fts_quote(s)));
    }
    for a in sq.from.iter().chain(sq.to.iter()) {
        match_terms.push(format!("addresses : {}", fts_quote(a)));
    }
    let fts = if match_terms.is_empty() { None } else { Some(match_terms.join(" AND ")) };
    let conn = store.conn()?;
    let mut sql = format!("SELECT {SUMMARY_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id WHERE (?1 IS NULL OR m.account_id = ?1)");
    if fts.is_some() {
        sql.push_str(" AND m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH ?2)");
    } else {
        sql.push_str(" AND ?2 IS NULL");
    }
    // FTS matched the address anywhere (from, to, cc); `from:` must be the sender.
    for f in &sq.from {
        sql.push_str(&format!(
            " AND (m.from_addr LIKE '%' || {} || '%' OR lower(m.from_name) LIKE '%' || {} || '%')",
            sql_lit(f),
            sql_lit(f)
        ));
    }
    if sq.has_attachment {
        sql.push_str(" AND m.has_attachments = 1");
    }
    if sq.unread {
        sql.push_str(" AND (' ' || m.flags || ' ') NOT LIKE '% \\Seen %'");
    }
    if sq.flagged {
        sql.push_str(" AND (' ' || m.flags || ' ') LIKE '% \\Flagged %'");
    }
    if let Some(b) = sq.before {
        sql.push_str(&format!(" AND m.date < {b}"));
    }
    if let Some(a) = sq.after {
        sql.push_str(&format!(" AND m.date >= {a}"));
    }
    sql.push_str(" ORDER BY m.date DESC, m.id DESC LIMIT ?3");
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params![account_id, fts, limit], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A SQL string literal (single quotes doubled); only for values we embed in generated SQL.
fn sql_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_syntax() {
        let q = parse_query("from:Jane subject:renewal has:attachment is:unread after:2026-01-01 budget");
        assert_eq!(q.from, vec!["jane"]);
        assert_eq!(q.subject, vec!["renewal"]);
        assert!(q.has_attachment && q.unread);
        assert_eq!(q.after, Some(1_767_225_600));
        assert_eq!(q.fts, vec!["budget"]);
    }
}
