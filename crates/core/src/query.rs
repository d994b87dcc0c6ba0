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
    /// What the CRM did with it: "linked", "created", "skipped"; `None` when not processed (yet).
    pub crm: Option<String>,
}

/// The CRM outcome is looked up by the message's CRM key (its Message-ID without angle brackets; see
/// `crm::rules::message_key`), one primary-key probe per row shown.
const SUMMARY_COLS: &str = "m.id, m.uid, m.account_id, f.name, m.subject, m.from_addr, m.from_name, m.date, m.flags, \
    m.has_attachments, m.thread_id, m.size, \
    (SELECT o.outcome FROM crm_outcomes o WHERE o.account_id = m.account_id \
       AND o.message_key = trim(trim(m.message_id), '<>'))";

/// The order of a message list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum Sort {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl Sort {
    fn dir(self) -> &'static str {
        match self {
            Sort::NewestFirst => "DESC",
            Sort::OldestFirst => "ASC",
        }
    }
}

/// Messages of a view: one account or all (`None`), one folder by name or role, or every folder (`None`).
const SCOPE: &str = "(?1 IS NULL OR m.account_id = ?1) AND (?2 IS NULL OR f.name = ?2 OR f.role = lower(?2))";

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
        crm: r.get(12)?,
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
    list_sorted(store, account_id, folder, Sort::NewestFirst, limit, offset)
}

/// [`list`] in either order. Each folder of the view is walked in date order on its
/// `(folder_id, date, id)` index for `offset + limit` rows, and the walks are merged: a page costs the
/// rows up to it, not a sort of the whole folder.
pub fn list_sorted(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    sort: Sort,
    limit: u32,
    offset: u32,
) -> Result<Vec<MessageSummary>> {
    let conn = store.conn()?;
    let ids = view_folders(&conn, account_id, folder)?;
    if ids.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    let dir = sort.dir();
    let n = u64::from(offset) + u64::from(limit);
    let walks: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "SELECT * FROM (SELECT m.id AS mid, m.date AS d FROM messages m WHERE m.folder_id = {id} \
                 ORDER BY m.date {dir}, m.id {dir} LIMIT {n})"
            )
        })
        .collect();
    let mut st = conn.prepare(&format!(
        "WITH w AS ({}) SELECT {SUMMARY_COLS} FROM w JOIN messages m ON m.id = w.mid JOIN folders f ON f.id = m.folder_id \
         ORDER BY w.d {dir}, w.mid {dir} LIMIT ?1 OFFSET ?2",
        walks.join(" UNION ALL ")
    ))?;
    let rows = st.query_map(params![limit, offset], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The folders of a view: one account or all, one folder (by name or role) or all of them.
fn view_folders(conn: &rusqlite::Connection, account_id: Option<i64>, folder: Option<&str>) -> Result<Vec<i64>> {
    let mut st = conn.prepare_cached(
        "SELECT f.id FROM folders f WHERE (?1 IS NULL OR f.account_id = ?1) \
         AND (?2 IS NULL OR f.name = ?2 OR f.role = lower(?2)) ORDER BY f.id",
    )?;
    let ids = st.query_map(params![account_id, folder], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// One conversation (thread) of a view: its latest message there, and what the others add up to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub thread_id: i64,
    /// The thread's latest message in this view.
    pub latest: MessageSummary,
    /// Messages of the thread in this view.
    pub count: i64,
    pub unread: i64,
    pub flagged: bool,
    pub has_attachments: bool,
    /// Unix seconds of the latest message (what the list is sorted by).
    pub last_date: i64,
}

/// A page of conversations and how many the whole view has.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// Conversations in the view; counted for the first page only.
    pub total: Option<i64>,
    pub rows: Vec<Conversation>,
}

/// The view's messages grouped by thread (within each folder), ordered by each thread's latest message,
/// paged. Each folder is walked in date order on its `(folder_id, date, id)` index, keeping the messages
/// with no later one in their thread (one probe of `(folder_id, thread_id, date, id)` each); the counts
/// come from one pass over each shown thread. `total` is counted on the first page only (`None` after).
pub fn conversations(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    sort: Sort,
    limit: u32,
    offset: u32,
) -> Result<ConversationPage> {
    let conn = store.conn()?;
    let ids = view_folders(&conn, account_id, folder)?;
    let total = if offset == 0 { Some(conversation_count(&conn, &ids)?) } else { None };
    if ids.is_empty() || limit == 0 {
        return Ok(ConversationPage { total, rows: vec![] });
    }
    let dir = sort.dir();
    let n = u64::from(offset) + u64::from(limit);
    let walks: Vec<String> = ids
        .iter()
        .map(|id| {
            format!(
                "SELECT * FROM (SELECT m.id AS mid, m.date AS d, m.folder_id AS fid, coalesce(m.thread_id, m.id) AS tid \
                 FROM messages m WHERE m.folder_id = {id} AND NOT EXISTS (SELECT 1 FROM messages l \
                   WHERE l.folder_id = m.folder_id AND l.thread_id = m.thread_id AND (l.date, l.id) > (m.date, m.id)) \
                 ORDER BY m.date {dir}, m.id {dir} LIMIT {n})"
            )
        })
        .collect();
    // count << 32 | unread << 2 | flagged << 1 | attachment, in one pass over the thread's rows.
    let mut st = conn.prepare(&format!(
        "WITH w AS ({}), p AS (SELECT * FROM w ORDER BY d {dir}, mid {dir} LIMIT ?1 OFFSET ?2) \
         SELECT {SUMMARY_COLS}, p.tid, \
           (SELECT (count(*) << 32) + (sum(instr(t.flags, '\\Seen') = 0) << 2) \
              + (max(instr(t.flags, '\\Flagged') > 0) << 1) + max(t.has_attachments) \
            FROM messages t WHERE t.folder_id = p.fid AND t.thread_id = p.tid) \
         FROM p JOIN messages m ON m.id = p.mid JOIN folders f ON f.id = m.folder_id \
         ORDER BY p.d {dir}, p.mid {dir}",
        walks.join(" UNION ALL ")
    ))?;
    let rows = st
        .query_map(params![limit, offset], |r| {
            let latest = summary(r)?;
            let packed: Option<i64> = r.get(14)?;
            // A message without a thread id stands alone.
            let packed = packed.filter(|p| *p >> 32 > 0).unwrap_or_else(|| {
                (1 << 32)
                    | (i64::from(latest.unread) << 2)
                    | (i64::from(latest.flagged) << 1)
                    | i64::from(latest.has_attachments)
            });
            Ok(Conversation {
                thread_id: r.get(13)?,
                count: packed >> 32,
                unread: (packed >> 2) & 0x3fff_ffff,
                flagged: packed & 2 != 0,
                has_attachments: packed & 1 != 0,
                last_date: latest.timestamp,
                latest,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ConversationPage { total, rows })
}

/// Conversations in these folders (distinct threads of each, on the covering thread index).
fn conversation_count(conn: &rusqlite::Connection, folder_ids: &[i64]) -> Result<i64> {
    let mut n = 0;
    for id in folder_ids {
        n += conn.query_row(
            "SELECT (SELECT count(*) FROM (SELECT DISTINCT thread_id FROM messages WHERE folder_id = ?1 AND thread_id IS NOT NULL)) \
             + (SELECT count(*) FROM messages WHERE folder_id = ?1 AND thread_id IS NULL)",
            [id],
            |r| r.get::<_, i64>(0),
        )?;
    }
    Ok(n)
}

/// The messages of one conversation in a view (what expanding it shows), in the list's order.
pub fn conversation_messages(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    thread_id: i64,
    sort: Sort,
) -> Result<Vec<MessageSummary>> {
    let conn = store.conn()?;
    let dir = sort.dir();
    let mut st = conn.prepare_cached(&format!(
        "SELECT {SUMMARY_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id \
         WHERE {SCOPE} AND (m.thread_id = ?3 OR (m.thread_id IS NULL AND m.id = ?3)) \
         ORDER BY m.date {dir}, m.id {dir} LIMIT 1000"
    ))?;
    let rows = st.query_map(params![account_id, folder, thread_id], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
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
    /// Free words (prefix matches) and "quoted phrases" (exact), over subject, addresses and body.
    pub fts: Vec<String>,
    pub phrases: Vec<String>,
    pub from: Vec<String>,
    pub to: Vec<String>,
    pub subject: Vec<String>,
    pub has_attachment: bool,
    pub unread: bool,
    pub read: bool,
    pub flagged: bool,
    pub before: Option<i64>,
    pub after: Option<i64>,
}

impl SearchQuery {
    /// The words a person typed to find someone (free words and from:/to: values), for the CRM group.
    pub fn people_words(&self) -> Vec<String> {
        self.fts.iter().chain(self.phrases.iter()).chain(self.from.iter()).chain(self.to.iter()).cloned().collect()
    }
}

fn fts_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

fn parse_day(s: &str) -> Option<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s, &fmt).ok().map(|d| d.midnight().assume_utc().unix_timestamp())
}

/// Split a query into tokens: whitespace separates, `"…"` groups (also after `key:`); an unclosed quote
/// runs to the end. Each token is (key, value, quoted).
fn tokens(q: &str) -> Vec<(String, String, bool)> {
    let mut out = vec![];
    let mut chars = q.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            break;
        }
        let mut key = String::new();
        let mut val = String::new();
        let mut quoted = false;
        let mut in_quote = false;
        let mut seen_colon = false;
        while let Some(&c) = chars.peek() {
            if !in_quote && c.is_whitespace() {
                break;
            }
            chars.next();
            if c == '"' {
                in_quote = !in_quote;
                quoted = true;
            } else if c == ':' && !seen_colon && !in_quote && !quoted && !val.is_empty() {
                seen_colon = true;
                key = std::mem::take(&mut val);
            } else {
                val.push(c);
            }
        }
        out.push((key, val, quoted));
    }
    out
}

/// Parse `from:x to:y subject:z has:attachment is:unread is:read is:flagged before:2026-01-01 after:…`,
/// `"exact phrase"`, `from:"Jane Roe"` and free words.
pub fn parse_query(q: &str) -> SearchQuery {
    let mut out = SearchQuery::default();
    for (k, v, quoted) in tokens(q) {
        let v = v.trim().to_string();
        match (k.to_ascii_lowercase().as_str(), v.to_ascii_lowercase().as_str()) {
            (_, "") => {}
            ("from", _) => out.from.push(v.to_lowercase()),
            ("to", _) => out.to.push(v.to_lowercase()),
            ("subject", _) => out.subject.push(v),
            ("has", "attachment" | "attachments" | "attach") => out.has_attachment = true,
            ("is", "unread") => out.unread = true,
            ("is", "read") => out.read = true,
            ("is", "flagged" | "starred") => out.flagged = true,
            ("before", _) if parse_day(&v).is_some() => out.before = parse_day(&v),
            ("after", _) if parse_day(&v).is_some() => out.after = parse_day(&v),
            ("", _) if quoted => out.phrases.push(v),
            ("", _) => out.fts.push(v),
            // An unknown key ("re:", "http:") is just text.
            (_, _) => out.fts.push(format!("{k}:{v}")),
        }
    }
    out
}

/// Full-text search over subject, addresses and body, newest first.
pub fn search(store: &Store, account_id: Option<i64>, q: &str, limit: u32) -> Result<Vec<MessageSummary>> {
    search_sorted(store, account_id, q, Sort::NewestFirst, limit)
}

/// `LIKE` pattern for a lower-cased needle, `%`, `_` and `\` escaped (use with `ESCAPE '\'`).
fn like_contains(s: &str) -> String {
    let mut out = String::from("%");
    for c in s.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    sql_lit(&out)
}

/// [`search`] in either order.
pub fn search_sorted(
    store: &Store,
    account_id: Option<i64>,
    q: &str,
    sort: Sort,
    limit: u32,
) -> Result<Vec<MessageSummary>> {
    let sq = parse_query(q);
    let mut match_terms: Vec<String> = vec![];
    for t in &sq.fts {
        // FTS5's tokenizer drops punctuation; a word of only punctuation matches nothing useful.
        if t.chars().any(char::is_alphanumeric) {
            match_terms.push(format!("{}*", fts_quote(t)));
        }
    }
    for p in &sq.phrases {
        match_terms.push(fts_quote(p));
    }
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
    // FTS matched the address anywhere (from, to, cc); `from:` must be the sender, `to:` a recipient.
    for f in &sq.from {
        let p = like_contains(f);
        sql.push_str(&format!(
            " AND (lower(m.from_addr) LIKE {p} ESCAPE '\\' OR lower(m.from_name) LIKE {p} ESCAPE '\\')"
        ));
    }
    for t in &sq.to {
        let p = like_contains(t);
        sql.push_str(&format!(" AND (lower(m.to_json) LIKE {p} ESCAPE '\\' OR lower(m.cc_json) LIKE {p} ESCAPE '\\')"));
    }
    if sq.has_attachment {
        sql.push_str(" AND m.has_attachments = 1");
    }
    if sq.unread {
        sql.push_str(" AND (' ' || m.flags || ' ') NOT LIKE '% \\Seen %'");
    }
    if sq.read {
        sql.push_str(" AND (' ' || m.flags || ' ') LIKE '% \\Seen %'");
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
    let dir = sort.dir();
    sql.push_str(&format!(" ORDER BY m.date {dir}, m.id {dir} LIMIT ?3"));
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(params![account_id, fts, limit], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A CRM contact or company matching the search box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmHit {
    /// "contact" or "company".
    pub kind: String,
    pub id: i64,
    pub name: String,
    /// The contact's first address, or the company's first domain.
    pub detail: String,
    /// The contact's company.
    pub company: Option<String>,
}

/// Contacts and companies whose name (any word of it), address or domain starts with the query's words
/// (free words and from:/to: values; every word must match). Operators alone find none.
pub fn search_crm(store: &Store, q: &str, limit: u32) -> Result<Vec<CrmHit>> {
    let words: Vec<String> =
        parse_query(q).people_words().iter().map(|w| w.to_lowercase()).filter(|w| !w.trim().is_empty()).collect();
    if words.is_empty() {
        return Ok(vec![]);
    }
    let conn = store.conn()?;
    let mut contact_sql = String::from(
        "SELECT c.id, c.name, coalesce((SELECT a.address FROM crm_contact_addresses a WHERE a.contact_id = c.id \
         ORDER BY a.position LIMIT 1), ''), co.name FROM crm_contacts c LEFT JOIN crm_companies co ON co.id = c.company_id \
         WHERE 1",
    );
    let mut company_sql = String::from(
        "SELECT co.id, co.name, coalesce((SELECT d.domain FROM crm_company_domains d WHERE d.company_id = co.id \
         ORDER BY d.domain LIMIT 1), ''), NULL FROM crm_companies co WHERE 1",
    );
    for w in &words {
        let mut esc = String::new();
        for c in w.chars() {
            if matches!(c, '%' | '_' | '\\') {
                esc.push('\\');
            }
            esc.push(c);
        }
        let start = sql_lit(&format!("{esc}%"));
        let inner = sql_lit(&format!("% {esc}%"));
        contact_sql.push_str(&format!(
            " AND (lower(c.name) LIKE {start} ESCAPE '\\' OR lower(c.name) LIKE {inner} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM crm_contact_addresses a WHERE a.contact_id = c.id AND a.address LIKE {start} ESCAPE '\\'))"
        ));
        company_sql.push_str(&format!(
            " AND (lower(co.name) LIKE {start} ESCAPE '\\' OR lower(co.name) LIKE {inner} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM crm_company_domains d WHERE d.company_id = co.id AND d.domain LIKE {start} ESCAPE '\\'))"
        ));
    }
    contact_sql.push_str(" ORDER BY c.name COLLATE NOCASE LIMIT ?1");
    company_sql.push_str(" ORDER BY co.name COLLATE NOCASE LIMIT ?1");
    let mut out = vec![];
    for (sql, kind) in [(company_sql, "company"), (contact_sql, "contact")] {
        let mut st = conn.prepare(&sql)?;
        let hits = st.query_map([limit], |r| {
            Ok(CrmHit { kind: kind.into(), id: r.get(0)?, name: r.get(1)?, detail: r.get(2)?, company: r.get(3)? })
        })?;
        for h in hits {
            out.push(h?);
        }
    }
    out.truncate(limit as usize);
    Ok(out)
}

/// A SQL string literal (single quotes doubled); only for values we embed in generated SQL.
fn sql_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::cache::{self, Fetched};

    #[test]
    fn query_syntax() {
        let q = parse_query("from:Jane subject:renewal has:attachment is:unread after:2026-01-01 budget");
        assert_eq!(q.from, vec!["jane"]);
        assert_eq!(q.subject, vec!["renewal"]);
        assert!(q.has_attachment && q.unread);
        assert_eq!(q.after, Some(1_767_225_600));
        assert_eq!(q.fts, vec!["budget"]);
    }

    #[test]
    fn quoted_values_keep_their_spaces_and_unknown_keys_stay_text() {
        let q = parse_query(r#"from:"Jane Roe" "next steps" subject:"Q1 budget" re:call is:read has:attachments"#);
        assert_eq!(q.from, vec!["jane roe"]);
        assert_eq!(q.phrases, vec!["next steps"]);
        assert_eq!(q.subject, vec!["Q1 budget"]);
        assert_eq!(q.fts, vec!["re:call"]);
        assert!(q.read && q.has_attachment && !q.unread);
        let q = parse_query("before:someday from: \"unclosed phrase");
        assert_eq!(q.fts, vec!["before:someday"]);
        assert!(q.from.is_empty());
        assert_eq!(q.phrases, vec!["unclosed phrase"]);
    }

    /// One account with INBOX; messages are (uid, raw, flags).
    fn store_with(msgs: &[(u32, String, &[&str])]) -> Store {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security, smtp_host, smtp_port, \
                 smtp_security, credential, secret_ref, created_at) VALUES ('a', 'a@x.test', 'a', 'h', 1, 'tls', 'h', 1, \
                 'tls', 'keyring', 'ref', 0)",
                [],
            )
            .unwrap();
        let inbox = cache::upsert_folder(&store, 1, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        let fetched: Vec<Fetched<'_>> = msgs
            .iter()
            .map(|(uid, raw, flags)| Fetched {
                uid: *uid,
                flags: flags.iter().map(|f| f.to_string()).collect(),
                modseq: None,
                size: raw.len() as u64,
                raw: raw.as_bytes(),
                internal_date: None,
            })
            .collect();
        cache::store_messages(&store, 1, inbox, &fetched).unwrap();
        store
    }

    fn mail(id: &str, reply_to: Option<&str>, day: u32, from: &str, to: &str, subject: &str) -> String {
        let irt = reply_to.map(|r| format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n")).unwrap_or_default();
        format!(
            "Message-ID: <{id}>\r\n{irt}Date: {day:02} Mar 2026 10:00:00 +0000\r\nFrom: {from}\r\nTo: {to}\r\n\
             Subject: {subject}\r\n\r\nAbout the {subject}.\r\n"
        )
    }

    /// Thread A: a1 (day 1), a2 (day 5, reply, unread); thread B: b1 (day 3); single c1 (day 4, flagged).
    fn threads() -> Store {
        store_with(&[
            (1, mail("a1@x", None, 1, "Jane Roe <jane@acme.test>", "a@x.test", "Renewal"), &["\\Seen"]),
            (2, mail("b1@x", None, 3, "Tom <tom@hooli.test>", "a@x.test", "Pricing"), &["\\Seen"]),
            (3, mail("c1@x", None, 4, "Li <li@initech.test>", "a@x.test", "Invoice"), &["\\Seen", "\\Flagged"]),
            (4, mail("a2@x", Some("a1@x"), 5, "Jane Roe <jane@acme.test>", "a@x.test", "Re: Renewal"), &[]),
        ])
    }

    #[test]
    fn conversations_group_a_thread_under_its_latest_message_with_counts() {
        let store = threads();
        let page = conversations(&store, Some(1), Some("INBOX"), Sort::NewestFirst, 10, 0).unwrap();
        assert_eq!(page.total, Some(3));
        let subjects: Vec<&str> = page.rows.iter().map(|c| c.latest.subject.as_str()).collect();
        assert_eq!(subjects, vec!["Re: Renewal", "Invoice", "Pricing"]);
        let a = &page.rows[0];
        assert_eq!((a.count, a.unread, a.flagged), (2, 1, false));
        assert_eq!(page.rows[1].count, 1);
        assert!(page.rows[1].flagged);
        let inner = conversation_messages(&store, Some(1), Some("INBOX"), a.thread_id, Sort::NewestFirst).unwrap();
        assert_eq!(inner.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>(), vec!["Re: Renewal", "Renewal"]);
    }

    #[test]
    fn conversations_page_and_sort_oldest_first() {
        let store = threads();
        let old = conversations(&store, None, Some("inbox"), Sort::OldestFirst, 2, 0).unwrap();
        assert_eq!(old.total, Some(3));
        // Ordered by each thread's latest message: Pricing (3), Invoice (4), Renewal (5).
        assert_eq!(old.rows.iter().map(|c| c.latest.subject.as_str()).collect::<Vec<_>>(), vec!["Pricing", "Invoice"]);
        let rest = conversations(&store, None, Some("inbox"), Sort::OldestFirst, 2, 2).unwrap();
        assert_eq!(rest.rows.len(), 1);
        assert_eq!(rest.rows[0].latest.subject, "Re: Renewal");
        let past = conversations(&store, None, Some("inbox"), Sort::OldestFirst, 2, 10).unwrap();
        assert_eq!((past.total, past.rows.len()), (None, 0));
        let empty = conversations(&store, None, Some("Archive"), Sort::NewestFirst, 2, 0).unwrap();
        assert_eq!((empty.total, empty.rows.len()), (Some(0), 0));
        let msgs = list_sorted(&store, None, Some("inbox"), Sort::OldestFirst, 10, 0).unwrap();
        assert_eq!(msgs.first().unwrap().subject, "Renewal");
        assert_eq!(msgs.last().unwrap().subject, "Re: Renewal");
    }

    fn subjects(store: &Store, q: &str) -> Vec<String> {
        search(store, None, q, 50).unwrap().into_iter().map(|m| m.subject).collect()
    }

    #[test]
    fn search_operators_filter_the_local_index() {
        let store = store_with(&[
            (
                1,
                mail("1@x", None, 1, "Jane Roe <jane@acme.test>", "Bob <bob@x.test>", "Renewal next steps"),
                &["\\Seen"],
            ),
            (2, mail("2@x", None, 2, "Bob <bob@x.test>", "Jane Roe <jane@acme.test>", "Steps for the renewal"), &[]),
            (3, mail("3@x", None, 3, "Tom <tom@hooli.test>", "Bob <bob@x.test>", "Pricing 100% off"), &["\\Flagged"]),
        ]);
        assert_eq!(subjects(&store, "from:jane"), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "to:jane"), vec!["Steps for the renewal"]);
        assert_eq!(subjects(&store, "from:\"Jane Roe\""), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "\"next steps\""), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "renew"), vec!["Steps for the renewal", "Renewal next steps"]);
        assert_eq!(subjects(&store, "subject:pricing"), vec!["Pricing 100% off"]);
        assert_eq!(subjects(&store, "is:unread"), vec!["Pricing 100% off", "Steps for the renewal"]);
        assert_eq!(subjects(&store, "is:read"), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "is:flagged"), vec!["Pricing 100% off"]);
        assert_eq!(subjects(&store, "after:2026-03-02 before:2026-03-03"), vec!["Steps for the renewal"]);
        assert!(subjects(&store, "has:attachment").is_empty());
        // LIKE wildcards in a value are literal.
        assert!(subjects(&store, "from:%").is_empty());
        let oldest = search_sorted(&store, None, "is:unread", Sort::OldestFirst, 10).unwrap();
        assert_eq!(oldest[0].subject, "Steps for the renewal");
    }

    #[test]
    fn has_attachment_finds_mail_with_a_file() {
        let att = "Message-ID: <att@x>\r\nDate: 01 Mar 2026 10:00:00 +0000\r\nFrom: a@b.test\r\nSubject: Contract\r\n\
                   MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n\
                   see attached\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=c.pdf\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--XX--\r\n"
            .to_string();
        let store = store_with(&[(1, att, &[]), (2, mail("p@x", None, 2, "a@b.test", "c@d.test", "Plain"), &[])]);
        assert_eq!(subjects(&store, "has:attachment"), vec!["Contract"]);
    }

    #[test]
    fn rows_carry_the_crm_outcome_of_their_message() {
        let store = threads();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO crm_outcomes (account_id, message_key, outcome, reason, processed_at) \
                 VALUES (1, 'a2@x', 'linked', 'known contact', 0), (1, 'b1@x', 'skipped', 'newsletter', 0)",
                [],
            )
            .unwrap();
        let rows = list(&store, None, Some("inbox"), 10, 0).unwrap();
        let crm: Vec<(&str, Option<&str>)> = rows.iter().map(|m| (m.subject.as_str(), m.crm.as_deref())).collect();
        assert_eq!(
            crm,
            vec![("Re: Renewal", Some("linked")), ("Invoice", None), ("Pricing", Some("skipped")), ("Renewal", None)]
        );
    }

    #[test]
    fn crm_search_finds_contacts_and_companies_by_word_address_or_domain() {
        let store = threads();
        let conn = store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO crm_companies (id, name, created_at, updated_at) VALUES (1, 'ACME Corp', 0, 0), (2, 'Hooli', 0, 0);
             INSERT INTO crm_company_domains (domain, company_id) VALUES ('acme.test', 1);
             INSERT INTO crm_contacts (id, name, company_id, created_at, updated_at) VALUES (1, 'Jane Roe', 1, 0, 0),
               (2, 'Tom O''Brien', 2, 0, 0);
             INSERT INTO crm_contact_addresses (address, contact_id) VALUES ('jane@acme.test', 1), ('tom@hooli.test', 2);",
        )
        .unwrap();
        drop(conn);
        let hits = search_crm(&store, "roe", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].kind.as_str(), hits[0].name.as_str()), ("contact", "Jane Roe"));
        assert_eq!(hits[0].detail, "jane@acme.test");
        assert_eq!(hits[0].company.as_deref(), Some("ACME Corp"));
        let acme: Vec<(String, String)> =
            search_crm(&store, "acme", 10).unwrap().into_iter().map(|h| (h.kind, h.name)).collect();
        assert_eq!(acme, vec![("company".into(), "ACME Corp".into())]);
        assert_eq!(search_crm(&store, "from:tom@", 10).unwrap()[0].name, "Tom O'Brien");
        assert!(search_crm(&store, "is:unread", 10).unwrap().is_empty());
        assert!(search_crm(&store, "jane hooli", 10).unwrap().is_empty());
    }

    #[test]
    fn pages_of_several_folders_merge_in_date_order() {
        let store = threads();
        let conn = store.conn().unwrap();
        conn.execute(
            "INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security, smtp_host, smtp_port, \
             smtp_security, credential, secret_ref, created_at) VALUES ('b', 'b@x.test', 'b', 'h', 1, 'tls', 'h', 1, \
             'tls', 'keyring', 'ref2', 0)",
            [],
        )
        .unwrap();
        drop(conn);
        let inbox2 = cache::upsert_folder(&store, 2, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        let raw = [2u32, 6].map(|d| mail(&format!("o{d}@x"), None, d, "o@x.test", "b@x.test", &format!("Other {d}")));
        let fetched: Vec<Fetched<'_>> = raw
            .iter()
            .enumerate()
            .map(|(k, r)| Fetched {
                uid: k as u32 + 1,
                flags: vec![],
                modseq: None,
                size: 1,
                raw: r.as_bytes(),
                internal_date: None,
            })
            .collect();
        cache::store_messages(&store, 2, inbox2, &fetched).unwrap();
        let page = |offset, sort| -> Vec<String> {
            list_sorted(&store, None, Some("inbox"), sort, 2, offset).unwrap().into_iter().map(|m| m.subject).collect()
        };
        assert_eq!(page(0, Sort::NewestFirst), vec!["Other 6", "Re: Renewal"]);
        assert_eq!(page(2, Sort::NewestFirst), vec!["Invoice", "Pricing"]);
        assert_eq!(page(4, Sort::NewestFirst), vec!["Other 2", "Renewal"]);
        assert_eq!(page(0, Sort::OldestFirst), vec!["Renewal", "Other 2"]);
        let convs = conversations(&store, None, Some("inbox"), Sort::NewestFirst, 10, 0).unwrap();
        assert_eq!(convs.total, Some(5));
        assert_eq!(convs.rows.iter().map(|c| c.count).collect::<Vec<_>>(), vec![1, 2, 1, 1, 1]);
    }

    #[test]
    fn hot_list_queries_use_their_indexes() {
        let store = threads();
        let conn = store.conn().unwrap();
        let plan = |sql: &str| -> String {
            let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            st.query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let unread = plan(
            "SELECT COUNT(*) FROM messages m WHERE m.folder_id = 1 AND (' ' || m.flags || ' ') NOT LIKE '% \\Seen %'",
        );
        assert!(unread.contains("messages_folder_unread"), "{unread}");
        let page = plan("SELECT m.id FROM messages m WHERE m.folder_id = 1 ORDER BY m.date DESC, m.id DESC LIMIT 100");
        assert!(page.contains("messages_folder_date_id") && !page.contains("TEMP B-TREE"), "{page}");
        let latest =
            plan("SELECT 1 FROM messages l WHERE l.folder_id = 1 AND l.thread_id = 2 AND (l.date, l.id) > (5, 6)");
        assert!(latest.contains("messages_folder_thread"), "{latest}");
    }

    #[test]
    fn one_message_has_its_headers_body_and_crm_outcome() {
        let store = threads();
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO crm_outcomes (account_id, message_key, outcome, reason, processed_at) \
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
