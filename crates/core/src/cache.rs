//! Writing the mail cache: folders and messages (envelope, flags, body, attachments, FTS, thread id).

use rusqlite::{params, OptionalExtension, Transaction};

use crate::error::Result;
use crate::parse::{self, Mailbox, Parsed};
use crate::store::{text_enum, Store};

/// Special-use role of a folder.
pub const ROLES: &[&str] = &["inbox", "sent", "drafts", "trash", "junk", "archive"];

/// Create or update a folder row; returns its id.
pub fn upsert_folder(
    store: &Store,
    account_id: i64,
    name: &str,
    display_name: &str,
    delimiter: Option<&str>,
    role: Option<&str>,
) -> Result<i64> {
    let conn = store.conn()?;
    conn.execute(
        r"INSERT INTO folders (account_id, name, display_name, delimiter, role) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT(account_id, name) DO UPDATE SET display_name = excluded.display_name,
         delimiter = excluded.delimiter, role = excluded.role",
        params![account_id, name, display_name, delimiter, role],
    )?;
    Ok(conn.query_row(
        "SELECT id FROM folders WHERE account_id = ?1 AND name = ?2",
        params![account_id, name],
        |r| r.get(0),
    )?)
}

/// A message as fetched from the server.
#[derive(Debug, Clone)]
pub struct Fetched<'a> {
    pub uid: u32,
    pub flags: Vec<String>,
    pub modseq: Option<u64>,
    pub size: u64,
    /// The full RFC 822 message.
    pub raw: &'a [u8],
    /// Server INTERNALDATE (unix seconds), used when the Date header is missing.
    pub internal_date: Option<i64>,
}

/// Store a batch of fetched messages in one transaction. Re-storing a UID replaces its row (same id).
pub fn store_messages(store: &Store, account_id: i64, folder_id: i64, batch: &[Fetched<'_>]) -> Result<Vec<i64>> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let mut ids = Vec::with_capacity(batch.len());
    for m in batch {
        ids.push(store_one(&tx, account_id, folder_id, m)?);
    }
    tx.commit()?;
    Ok(ids)
}

text_enum! {
    /// How much of a message the cache holds (the `messages.body_state` column).
    pub enum BodyState {
        /// Nothing fetched yet (rows written by other means, e.g. tests).
        None = "none",
        /// Headers only; the body comes with a later batch.
        Headers = "headers",
        /// The whole message, parsed.
        Fetched = "fetched",
        /// The whole message, which the parser could not read (`parse_warning` says why).
        Unparseable = "unparseable",
    }
}

/// Store headers only ([`BodyState::Headers`]), so a large folder is listable before its bodies arrive.
/// Storing the full message later replaces the row in place (same id).
pub fn store_headers(store: &Store, account_id: i64, folder_id: i64, batch: &[Fetched<'_>]) -> Result<Vec<i64>> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let mut ids = Vec::with_capacity(batch.len());
    for m in batch {
        let id = store_one(&tx, account_id, folder_id, m)?;
        tx.execute("UPDATE messages SET body_state = ?1 WHERE id = ?2", params![BodyState::Headers, id])?;
        ids.push(id);
    }
    tx.commit()?;
    Ok(ids)
}

fn addresses_text(p: &Parsed) -> String {
    let mut s = String::new();
    for m in std::iter::once(&p.from).chain(p.to.iter()).chain(p.cc.iter()) {
        s.push_str(&m.name);
        s.push(' ');
        s.push_str(&m.addr);
        s.push(' ');
    }
    s
}

fn store_one(tx: &Transaction<'_>, account_id: i64, folder_id: i64, m: &Fetched<'_>) -> Result<i64> {
    let (parsed, warning) = match parse::parse(m.raw) {
        Ok(p) => (p, None),
        Err(w) => (Parsed::default(), Some(w)),
    };
    let date = parsed.date.or(m.internal_date).unwrap_or(0);
    let flags = m.flags.join(" ");
    let has_att = parsed.attachments.iter().any(|a| !a.inline || a.filename.is_some());
    let existing: Option<i64> = tx
        .query_row("SELECT id FROM messages WHERE folder_id = ?1 AND uid = ?2", params![folder_id, m.uid], |r| r.get(0))
        .optional()?;
    let thread_id = thread_for(tx, account_id, &parsed)?;
    let refs = parsed.references.join(" ");
    let to_json = serde_json::to_string(&parsed.to)?;
    let cc_json = serde_json::to_string(&parsed.cc)?;
    let body_state = if warning.is_some() { BodyState::Unparseable } else { BodyState::Fetched };
    let id =
        match existing {
            Some(id) => {
                tx.execute(
                    r"UPDATE messages SET message_id = ?1, in_reply_to = ?2, refs = ?3, subject = ?4, from_name = ?5,
                 from_addr = ?6, to_json = ?7, cc_json = ?8, date = ?9, size = ?10, flags = ?11, modseq = ?12,
                 has_attachments = ?13, body_state = ?14, parse_warning = ?15 WHERE id = ?16",
                    params![
                        parsed.message_id,
                        parsed.in_reply_to,
                        refs,
                        parsed.subject,
                        parsed.from.name,
                        parsed.from.addr,
                        to_json,
                        cc_json,
                        date,
                        m.size as i64,
                        flags,
                        m.modseq.map(|v| v as i64),
                        has_att,
                        body_state,
                        warning,
                        id
                    ],
                )?;
                tx.execute("DELETE FROM attachments WHERE message_id = ?1", [id])?;
                tx.execute("DELETE FROM messages_fts WHERE rowid = ?1", [id])?;
                id
            }
            None => {
                tx.execute(
                r"INSERT INTO messages (account_id, folder_id, uid, message_id, in_reply_to, refs, subject, from_name,
                 from_addr, to_json, cc_json, date, size, flags, modseq, has_attachments, body_state, parse_warning)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18)",
                params![
                    account_id, folder_id, m.uid, parsed.message_id, parsed.in_reply_to, refs, parsed.subject,
                    parsed.from.name, parsed.from.addr, to_json, cc_json, date, m.size as i64, flags,
                    m.modseq.map(|v| v as i64), has_att, body_state, warning
                ],
            )?;
                tx.last_insert_rowid()
            }
        };
    let thread_id = thread_id.unwrap_or(id);
    tx.execute("UPDATE messages SET thread_id = ?1 WHERE id = ?2", params![thread_id, id])?;
    tx.execute(
        r"INSERT INTO bodies (message_id, raw, text, html) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(message_id) DO UPDATE SET raw = excluded.raw, text = excluded.text, html = excluded.html",
        params![id, m.raw, parsed.text, parsed.html],
    )?;
    for a in &parsed.attachments {
        tx.execute(
            r"INSERT INTO attachments (message_id, part, filename, mime_type, size, content_id, inline)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![id, a.part, a.filename, a.mime_type, a.size as i64, a.content_id, a.inline],
        )?;
    }
    tx.execute(
        "INSERT INTO messages_fts (rowid, subject, addresses, body) VALUES (?1, ?2, ?3, ?4)",
        params![id, parsed.subject, addresses_text(&parsed), parse::index_text(&parsed)],
    )?;
    Ok(id)
}

/// The thread a message joins: by References / In-Reply-To, else by base subject among recent mail
/// with the same participants' subject; `None` starts a new thread.
fn thread_for(tx: &Transaction<'_>, account_id: i64, p: &Parsed) -> Result<Option<i64>> {
    let mut ids: Vec<&str> = p.references.iter().map(String::as_str).collect();
    if let Some(irt) = &p.in_reply_to {
        ids.push(irt);
    }
    // Messages that reference *this* message (arrived earlier, out of order) also share the thread.
    for mid in ids.iter().rev() {
        let t: Option<i64> = tx
            .query_row(
                "SELECT thread_id FROM messages WHERE account_id = ?1 AND message_id = ?2 AND thread_id IS NOT NULL LIMIT 1",
                params![account_id, mid],
                |r| r.get(0),
            )
            .optional()?;
        if t.is_some() {
            return Ok(t);
        }
    }
    if let Some(mid) = &p.message_id {
        let t: Option<i64> = tx
            .query_row(
                "SELECT thread_id FROM messages WHERE account_id = ?1 AND (in_reply_to = ?2) AND thread_id IS NOT NULL LIMIT 1",
                params![account_id, mid],
                |r| r.get(0),
            )
            .optional()?;
        if t.is_some() {
            return Ok(t);
        }
    }
    let base = parse::base_subject(&p.subject);
    let is_reply = base.len() < p.subject.trim().len();
    if is_reply && !base.is_empty() {
        // Subject fallback only for replies: "Re: X" joins the latest "X" within 60 days.
        let since = p.date.unwrap_or(0) - 60 * crate::time::DAY;
        let t: Option<i64> = tx
            .query_row(
                r"SELECT thread_id FROM messages WHERE account_id = ?1 AND date >= ?2 AND lower(subject) = ?3
                 AND thread_id IS NOT NULL ORDER BY date DESC LIMIT 1",
                params![account_id, since, base],
                |r| r.get(0),
            )
            .optional()?;
        return Ok(t);
    }
    Ok(None)
}

/// Remove cached messages of a folder by UID (expunged on the server).
pub fn remove_uids(store: &Store, folder_id: i64, uids: &[u32]) -> Result<usize> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let mut n = 0;
    for uid in uids {
        tx.execute(
            "DELETE FROM messages_fts WHERE rowid = (SELECT id FROM messages WHERE folder_id = ?1 AND uid = ?2)",
            params![folder_id, uid],
        )?;
        n += tx.execute("DELETE FROM messages WHERE folder_id = ?1 AND uid = ?2", params![folder_id, uid])?;
    }
    tx.commit()?;
    Ok(n)
}

/// Parse a JSON address list column.
pub fn mailboxes_from_json(s: &str) -> Vec<Mailbox> {
    serde_json::from_str(s).unwrap_or_default()
}
