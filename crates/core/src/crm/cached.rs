//! Running the CRM rules on cached mail (`messages` + `bodies`): after a sync stored new messages, on
//! `crm process`, and for one message when the sidebar or "Save to CRM" needs it.

use rusqlite::{params, Connection, OptionalExtension};
use serde::Serialize;

use super::model::{norm_address, Outcome, OutcomeKind};
use super::process::{process, MailInput, Mode};
use super::repo::TeamRepo;
use super::sqlite::SqliteCrm;
use crate::cache::mailboxes_from_json;
use crate::error::Result;
use crate::parse::{self, Mailbox, Parsed};
use crate::store::Store;

/// Messages per transaction: long enough to be fast, short enough not to hold the database for long.
const PAGE: usize = 200;

/// What a processing run did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProcessReport {
    pub messages: usize,
    pub linked: usize,
    pub created: usize,
    pub skipped: usize,
    /// Messages that could not be processed, with the reason (each rolled back on its own).
    pub errors: Vec<String>,
    /// Warnings raised during the run ("queue is broken: …"), once each.
    pub warnings: Vec<String>,
}

impl ProcessReport {
    fn add(&mut self, o: &Outcome) {
        self.messages += 1;
        match o.kind {
            OutcomeKind::Linked => self.linked += 1,
            OutcomeKind::Created => self.created += 1,
            OutcomeKind::Skipped => self.skipped += 1,
        }
        if let Some(w) = &o.warning {
            if !self.warnings.contains(w) {
                self.warnings.push(w.clone());
            }
        }
    }
}

/// Every connected mailbox: (account id, its addresses lower-case).
pub fn mailboxes(conn: &Connection) -> Result<Vec<(i64, Vec<String>)>> {
    let mut st = conn.prepare_cached("SELECT id, email, addresses FROM accounts ORDER BY id")?;
    let rows = st
        .query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, String>(1)?, r.get::<_, String>(2)?)))?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows
        .into_iter()
        .map(|(id, email, extra)| {
            let mut v: Vec<String> = Vec::new();
            let extra: Vec<String> = serde_json::from_str(&extra).unwrap_or_default();
            for a in std::iter::once(email).chain(extra) {
                if let Some(a) = norm_address(&a) {
                    if !v.contains(&a) {
                        v.push(a);
                    }
                }
            }
            (id, v)
        })
        .collect())
}

/// One cached message, ready for the rules.
#[derive(Debug, Clone)]
pub struct CachedMessage {
    pub id: i64,
    pub account_id: i64,
    pub folder_role: Option<String>,
    pub seen: bool,
    pub parsed: Parsed,
    /// vCard attachments as text (only read when asked for).
    pub vcards: Vec<String>,
}

const ROW_COLS: &str = r"m.id, m.account_id, f.role, m.flags, m.message_id, m.in_reply_to, m.refs, m.subject,
    m.from_name, m.from_addr, m.to_json, m.cc_json, m.date";

struct Row {
    id: i64,
    account_id: i64,
    role: Option<String>,
    flags: String,
    envelope: Parsed,
}

fn read_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<Row> {
    let refs: String = r.get(6)?;
    let to: String = r.get(10)?;
    let cc: String = r.get(11)?;
    Ok(Row {
        id: r.get(0)?,
        account_id: r.get(1)?,
        role: r.get(2)?,
        flags: r.get(3)?,
        envelope: Parsed {
            message_id: r.get(4)?,
            in_reply_to: r.get(5)?,
            references: refs.split_whitespace().map(str::to_string).collect(),
            subject: r.get(7)?,
            from: Mailbox { name: r.get(8)?, addr: r.get(9)? },
            to: mailboxes_from_json(&to),
            cc: mailboxes_from_json(&cc),
            date: Some(r.get(12)?),
            content_type: "text/plain".into(),
            ..Default::default()
        },
    })
}

fn complete(conn: &Connection, row: Row, want_vcards: bool) -> Result<CachedMessage> {
    let raw: Option<Vec<u8>> = conn
        .prepare_cached("SELECT raw FROM bodies WHERE message_id = ?1")?
        .query_row([row.id], |r| r.get(0))
        .optional()?;
    // The full parse gives the headers that mark automated mail; the envelope columns stay the
    // source of truth for the key (same Message-ID, same date fallback as the cache).
    let mut parsed = match raw.as_deref().map(parse::parse) {
        Some(Ok(p)) => p,
        _ => row.envelope.clone(),
    };
    parsed.message_id = row.envelope.message_id.clone();
    parsed.date = row.envelope.date;
    parsed.from = row.envelope.from.clone();
    parsed.to = row.envelope.to.clone();
    parsed.cc = row.envelope.cc.clone();
    parsed.subject = row.envelope.subject.clone();
    let vcards = match (&raw, want_vcards) {
        (Some(raw), true) => super::vcard::attachments_of(raw),
        _ => vec![],
    };
    Ok(CachedMessage {
        id: row.id,
        account_id: row.account_id,
        folder_role: row.role,
        seen: row.flags.split_whitespace().any(|f| f.eq_ignore_ascii_case("\\Seen")),
        parsed,
        vcards,
    })
}

/// One cached message by its id (the `id` of `list --json`).
pub fn load(conn: &Connection, message_id: i64, want_vcards: bool) -> Result<CachedMessage> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1"
        ))?
        .query_row([message_id], read_row)
        .optional()?
        .ok_or_else(|| crate::error::no_message(message_id))?;
    complete(conn, row, want_vcards)
}

/// The CRM key of a cached message, from its row alone.
pub fn key_of(conn: &Connection, message_id: i64) -> Result<(i64, String)> {
    let row = conn
        .prepare_cached(&format!(
            "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1"
        ))?
        .query_row([message_id], read_row)
        .optional()?
        .ok_or_else(|| crate::error::no_message(message_id))?;
    Ok((row.account_id, super::rules::message_key(&row.envelope)))
}

/// Run the rules on one loaded message.
pub fn process_loaded(
    repo: &SqliteCrm<'_>,
    mailboxes: &[(i64, Vec<String>)],
    m: &CachedMessage,
    now: i64,
    mode: Mode,
) -> Result<Outcome> {
    let own: &[String] = mailboxes.iter().find(|(id, _)| *id == m.account_id).map(|(_, a)| a.as_slice()).unwrap_or(&[]);
    let connected: Vec<String> = mailboxes.iter().flat_map(|(_, a)| a.iter().cloned()).collect();
    let input = MailInput {
        account_id: m.account_id,
        own_addresses: own,
        connected_addresses: &connected,
        folder_role: m.folder_role.as_deref(),
        parsed: &m.parsed,
        seen: m.seen,
        vcards: &m.vcards,
    };
    process(repo, &input, now, mode)
}

/// Process every cached message of one mailbox, oldest first (so a thread's first email comes before its
/// replies). Already-linked messages keep their outcome; skipped ones are looked at again.
pub fn process_account(store: &Store, account_id: i64, now: i64) -> Result<ProcessReport> {
    let mut report = ProcessReport::default();
    let mut after = (i64::MIN, i64::MIN);
    loop {
        let mut conn = store.conn()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let rows = tx
            .prepare_cached(&format!(
                r"SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
                 WHERE m.account_id = ?1 AND (m.date > ?2 OR (m.date = ?2 AND m.id > ?3))
                 ORDER BY m.date, m.id LIMIT ?4"
            ))?
            .query_map(params![account_id, after.0, after.1, PAGE as i64], read_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        if rows.is_empty() {
            break;
        }
        if let Some(last) = rows.last() {
            after = (last.envelope.date.unwrap_or(0), last.id);
        }
        run_rows(&tx, rows, now, &mut report)?;
        tx.commit()?;
    }
    Ok(report)
}

/// Process these cached messages (e.g. the ones a sync just stored), oldest first. The sync engine calls
/// this after `cache::store_messages`.
pub fn process_messages(store: &Store, message_ids: &[i64], now: i64) -> Result<ProcessReport> {
    let mut report = ProcessReport::default();
    for chunk in message_ids.chunks(PAGE) {
        let mut conn = store.conn()?;
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let mut rows = Vec::with_capacity(chunk.len());
        {
            let mut st = tx.prepare_cached(&format!(
                "SELECT {ROW_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1"
            ))?;
            for id in chunk {
                if let Some(r) = st.query_row([id], read_row).optional()? {
                    rows.push(r);
                }
            }
        }
        rows.sort_by_key(|r| (r.envelope.date, r.id));
        run_rows(&tx, rows, now, &mut report)?;
        tx.commit()?;
    }
    Ok(report)
}

fn run_rows(conn: &Connection, rows: Vec<Row>, now: i64, report: &mut ProcessReport) -> Result<()> {
    let boxes = mailboxes(conn)?;
    let repo = SqliteCrm::new(conn);
    for row in rows {
        let id = row.id;
        let want_vcards = repo.mailbox_settings(row.account_id)?.import_vcards;
        let m = complete(conn, row, want_vcards)?;
        match process_loaded(&repo, &boxes, &m, now, Mode::Sync) {
            Ok(o) => report.add(&o),
            Err(e) => report.errors.push(format!("message {id}: {e}")),
        }
    }
    Ok(())
}

/// The stored outcome of a cached message, if it was processed.
pub fn outcome_of(store: &Store, message_id: i64) -> Result<Option<Outcome>> {
    let conn = store.conn()?;
    let (account_id, key) = key_of(&conn, message_id)?;
    SqliteCrm::new(&conn).outcome(account_id, &key)
}

/// "Save to CRM" on a cached message: forced past the processing window, the folder and the exception list.
pub fn save_to_crm(store: &Store, message_id: i64, now: i64) -> Result<Outcome> {
    let conn = store.conn()?;
    let boxes = mailboxes(&conn)?;
    let repo = SqliteCrm::new(&conn);
    let m = load(&conn, message_id, repo.mailbox_settings(key_of(&conn, message_id)?.0)?.import_vcards)?;
    process_loaded(&repo, &boxes, &m, now, Mode::Manual)
}
