//! The outbox: a finished message is written to SQLite first (durable), then sent. Transient failures
//! wait with backoff, permanent ones are parked with the server's words, and a send interrupted after
//! the body went out is *unknown* until the Sent folder says otherwise — never lost, never sent twice.

use futures::TryStreamExt;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::account::Account;
use crate::error::{Error, ErrorKind, Result};
use crate::imap::{self, ImapSession, Timeouts};
use crate::send::compose::{self, Built, Draft};
use crate::send::smtp::{SendOutcome, SmtpConn};
use crate::store::{text_enum, unix_now, Store};
use crate::Core;

/// The note kept on a message whose sending was interrupted between the final "." and the server's answer.
pub const UNCONFIRMED: &str = "sent, but unconfirmed: Dealbox was interrupted just after handing it to the server, \
     which almost certainly accepted it (not sent again, to avoid a duplicate). Resend if the recipient did not get it.";

/// After this many attempts a message is parked for the user instead of retried.
pub const MAX_ATTEMPTS: i64 = 8;

text_enum! {
    /// Where a message is in the outbox (the `outbox.state` column).
    pub enum OutboxState {
        /// Waiting to be sent (again, after `next_attempt_at`).
        Queued = "queued",
        /// Being sent; interrupted here, the server discarded the partial message: send again.
        Sending = "sending",
        /// The final "." went out and the answer is not recorded: the Sent folder decides.
        Committing = "committing",
        /// Given up on until the user retries it; `last_error` says why.
        Parked = "parked",
        /// Accepted by the server; the Sent copy is not filed yet.
        Sent = "sent",
        /// Sent and filed (an unconfirmed send keeps [`UNCONFIRMED`] as its `last_error`).
        Done = "done",
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItem {
    pub id: i64,
    pub account_id: i64,
    pub message_id: String,
    pub recipients: Vec<String>,
    pub subject: String,
    pub state: OutboxState,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub next_attempt_at: i64,
    pub created_at: i64,
}

/// Validate, build and store the message in the outbox. Nothing touches the network.
pub fn enqueue(store: &Store, account: &Account, draft: &Draft) -> Result<(i64, Built)> {
    if account.is_offline() {
        return Err(Error::config(crate::account::OFFLINE_CANNOT_SEND));
    }
    let built = compose::build(account, draft)?;
    let conn = store.conn()?;
    conn.execute(
        r"INSERT INTO outbox (account_id, message_id, envelope_from, recipients, raw, state, reply_to_message, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        params![
            account.id,
            built.message_id,
            built.envelope_from,
            serde_json::to_string(&built.recipients)?,
            built.raw,
            OutboxState::Queued,
            draft.reply_to_message,
            unix_now()
        ],
    )?;
    Ok((conn.last_insert_rowid(), built))
}

pub fn list(store: &Store, account_id: Option<i64>) -> Result<Vec<OutboxItem>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        r"SELECT id, account_id, message_id, recipients, raw, state, attempts, last_error, next_attempt_at, created_at
         FROM outbox WHERE (?1 IS NULL OR account_id = ?1) ORDER BY id",
    )?;
    let rows = st
        .query_map([account_id], |r| {
            let rcpts: String = r.get(3)?;
            let raw: Vec<u8> = r.get(4)?;
            Ok(OutboxItem {
                id: r.get(0)?,
                account_id: r.get(1)?,
                message_id: r.get(2)?,
                recipients: serde_json::from_str(&rcpts).unwrap_or_default(),
                subject: crate::parse::parse(&raw).map(|p| p.subject).unwrap_or_default(),
                state: r.get(5)?,
                attempts: r.get(6)?,
                last_error: r.get(7)?,
                next_attempt_at: r.get(8)?,
                created_at: r.get(9)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Put a parked message back in the queue (after the user fixed the cause), or delete it.
pub fn retry(store: &Store, id: i64) -> Result<()> {
    let n = store.conn()?.execute(
        r"UPDATE outbox SET state = 'queued', attempts = 0, next_attempt_at = 0, last_error = NULL
         WHERE id = ?1 AND (state = 'parked' OR (state = 'done' AND last_error = ?2))",
        params![id, UNCONFIRMED],
    )?;
    if n == 0 {
        return Err(Error::not_found(format!("no parked or unconfirmed message {id} in the outbox")));
    }
    Ok(())
}

pub fn delete(store: &Store, id: i64) -> Result<()> {
    let n = store.conn()?.execute("DELETE FROM outbox WHERE id = ?1 AND state IN ('queued', 'parked')", [id])?;
    if n == 0 {
        return Err(Error::not_found(format!("no queued or parked message {id} in the outbox")));
    }
    Ok(())
}

/// What one flush did.
#[derive(Debug, Default, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FlushReport {
    pub sent: Vec<String>,
    pub already_sent: Vec<String>,
    pub waiting: Vec<(String, String)>,
    pub parked: Vec<(String, String)>,
}

struct Row {
    id: i64,
    message_id: String,
    envelope_from: String,
    recipients: Vec<String>,
    raw: Vec<u8>,
    state: OutboxState,
    attempts: i64,
    reply_to_message: Option<i64>,
}

fn due_rows(store: &Store, account_id: i64, now: i64) -> Result<Vec<Row>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        r"SELECT id, message_id, envelope_from, recipients, raw, state, attempts, reply_to_message FROM outbox
         WHERE account_id = ?1 AND (state IN ('sending', 'committing', 'sent') OR (state = 'queued' AND next_attempt_at <= ?2))
         ORDER BY id",
    )?;
    let rows = st
        .query_map(params![account_id, now], |r| {
            let rc: String = r.get(3)?;
            Ok(Row {
                id: r.get(0)?,
                message_id: r.get(1)?,
                envelope_from: r.get(2)?,
                recipients: serde_json::from_str(&rc).unwrap_or_default(),
                raw: r.get(4)?,
                state: r.get(5)?,
                attempts: r.get(6)?,
                reply_to_message: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

fn set_state(store: &Store, id: i64, state: OutboxState, err: Option<&str>, next: i64) -> Result<()> {
    store.conn()?.execute(
        "UPDATE outbox SET state = ?1, last_error = ?2, next_attempt_at = ?3 WHERE id = ?4",
        params![state, err, next, id],
    )?;
    Ok(())
}

fn backoff(attempts: i64) -> i64 {
    (30i64 << attempts.clamp(0, 8)).min(3600)
}

/// Send every due message of `account`. Network trouble leaves messages queued (with backoff);
/// it is an error only when nothing could be attempted at all.
pub async fn flush(core: &Core, account: &Account, t: Timeouts) -> Result<FlushReport> {
    let store = &core.store;
    let mut report = FlushReport::default();
    let rows = due_rows(store, account.id, unix_now())?;
    if rows.is_empty() {
        return Ok(report);
    }
    let password = account.password(core.secrets.as_ref())?;
    // Interrupted sends are resolved first: look for their Message-ID in the Sent folder.
    let mut imap_session: Option<ImapSession> = None;
    // The Sent folder's name, looked up (folder roles, else LIST) once per flush, not once per message.
    let mut sent_name: Option<String> = None;
    let mut smtp: Option<SmtpConn> = None;
    for row in rows {
        if row.state == OutboxState::Committing {
            // Interrupted after the whole message and its final "." went to the server, before its answer
            // was recorded. The server almost certainly has it: resending would deliver it twice.
            if imap_session.is_none() {
                imap_session = Some(imap::connect(account, &password, t).await?);
            }
            let session = imap_session.as_mut().ok_or_else(|| Error::internal("no IMAP session"))?;
            let sent = sent_folder_once(&mut sent_name, store, account, session, t).await?;
            let filed = message_in_folder(session, &sent, &row.message_id, t, &account.imap.host).await?;
            let note = if filed { None } else { Some(UNCONFIRMED) };
            store.conn()?.execute(
                "UPDATE outbox SET state = ?1, last_error = ?2 WHERE id = ?3",
                params![OutboxState::Sent, note, row.id],
            )?;
            report.already_sent.push(row.message_id.clone());
            if filed {
                store
                    .conn()?
                    .execute("UPDATE outbox SET state = ?1 WHERE id = ?2", params![OutboxState::Done, row.id])?;
                continue;
            }
        }
        // 'sending': interrupted before the final "."; the server discarded the partial message.
        if matches!(row.state, OutboxState::Queued | OutboxState::Sending) {
            if smtp.is_none() {
                match SmtpConn::connect(account, &password, t).await {
                    Ok(c) => smtp = Some(c),
                    Err(e) => {
                        // Nothing went out: every due message waits (or is parked on a permanent problem).
                        // A failed connection does not count against the message itself.
                        let state = if e.kind.is_recoverable() { OutboxState::Queued } else { OutboxState::Parked };
                        set_state(store, row.id, state, Some(&e.message), unix_now() + backoff(row.attempts + 1))?;
                        if state == OutboxState::Parked {
                            report.parked.push((row.message_id.clone(), e.message.clone()));
                        } else {
                            report.waiting.push((row.message_id.clone(), e.message.clone()));
                        }
                        requeue_rest(store, account.id, row.id, &e.message)?;
                        return Ok(report);
                    }
                }
            }
            // Count the attempt before trying, so a message that crashes us is eventually parked.
            let attempts = row.attempts + 1;
            if attempts > MAX_ATTEMPTS {
                let why = "gave up after repeated failures; check the account and retry";
                set_state(store, row.id, OutboxState::Parked, Some(why), 0)?;
                report.parked.push((row.message_id.clone(), why.into()));
                continue;
            }
            store.conn()?.execute(
                "UPDATE outbox SET state = ?1, attempts = ?2 WHERE id = ?3",
                params![OutboxState::Sending, attempts, row.id],
            )?;
            let conn = smtp.as_mut().ok_or_else(|| Error::internal("no SMTP connection"))?;
            if let Some(limit) = conn.size_limit {
                if row.raw.len() as u64 > limit {
                    let why = format!(
                        "the message is {} bytes but {} accepts at most {limit} bytes; remove attachments and send again",
                        row.raw.len(),
                        account.smtp.host
                    );
                    set_state(store, row.id, OutboxState::Parked, Some(&why), 0)?;
                    report.parked.push((row.message_id.clone(), why));
                    continue;
                }
            }
            let mark_committing = || -> Result<()> {
                store
                    .conn()?
                    .execute("UPDATE outbox SET state = ?1 WHERE id = ?2", params![OutboxState::Committing, row.id])?;
                Ok(())
            };
            match conn.send(&row.envelope_from, &row.recipients, &row.raw, mark_committing).await {
                SendOutcome::Sent(_) => {
                    set_state(store, row.id, OutboxState::Sent, None, 0)?;
                    report.sent.push(row.message_id.clone());
                }
                SendOutcome::Transient(why) => {
                    set_state(store, row.id, OutboxState::Queued, Some(&why), unix_now() + backoff(attempts))?;
                    report.waiting.push((row.message_id.clone(), why));
                    smtp = None;
                    continue;
                }
                SendOutcome::Permanent(why) => {
                    set_state(store, row.id, OutboxState::Parked, Some(&why), 0)?;
                    report.parked.push((row.message_id.clone(), why));
                    continue;
                }
                SendOutcome::Unknown(why) => {
                    // Stays 'committing': the next flush checks the Sent folder before deciding.
                    store.conn()?.execute("UPDATE outbox SET last_error = ?1 WHERE id = ?2", params![why, row.id])?;
                    report.waiting.push((row.message_id.clone(), format!("unknown whether it was sent: {why}")));
                    smtp = None;
                    continue;
                }
            }
        }
        // Sent: file the copy and mark the original answered. Failures here keep state 'sent' and retry.
        if imap_session.is_none() {
            match imap::connect(account, &password, t).await {
                Ok(s) => imap_session = Some(s),
                Err(e) => {
                    tracing::warn!(error = %e, "sent, but cannot file the Sent copy yet");
                    continue;
                }
            }
        }
        let session = imap_session.as_mut().ok_or_else(|| Error::internal("no IMAP session"))?;
        match after_send(store, account, session, &mut sent_name, &row, t).await {
            Ok(()) => {
                store
                    .conn()?
                    .execute("UPDATE outbox SET state = ?1 WHERE id = ?2", params![OutboxState::Done, row.id])?;
            }
            Err(e) => {
                tracing::warn!(error = %e, "sent, but filing the copy failed; will retry");
                store.conn()?.execute("UPDATE outbox SET last_error = ?1 WHERE id = ?2", params![e.message, row.id])?;
            }
        }
    }
    if let Some(c) = smtp {
        c.quit().await;
    }
    if let Some(mut s) = imap_session {
        let _ = tokio::time::timeout(t.io, s.logout()).await;
    }
    Ok(report)
}

fn requeue_rest(store: &Store, account_id: i64, except: i64, why: &str) -> Result<()> {
    store.conn()?.execute(
        "UPDATE outbox SET last_error = ?1 WHERE account_id = ?2 AND id != ?3 AND state = 'queued'",
        params![why, account_id, except],
    )?;
    Ok(())
}

async fn sent_folder_once(
    cache: &mut Option<String>,
    store: &Store,
    account: &Account,
    session: &mut ImapSession,
    t: Timeouts,
) -> Result<String> {
    if let Some(name) = cache {
        return Ok(name.clone());
    }
    let name = sent_folder(store, account, session, t).await?;
    *cache = Some(name.clone());
    Ok(name)
}

async fn after_send(
    store: &Store,
    account: &Account,
    session: &mut ImapSession,
    sent_name: &mut Option<String>,
    row: &Row,
    t: Timeouts,
) -> Result<()> {
    let host = account.imap.host.clone();
    if account.save_sent_copy {
        let sent = sent_folder_once(sent_name, store, account, session, t).await?;
        // Idempotent: a copy filed before a crash is not filed twice.
        if !message_in_folder(session, &sent, &row.message_id, t, &host).await? {
            crate::net::with_timeout(t.io, &host, "APPEND to Sent", async {
                session
                    .append(&sent, Some("(\\Seen)"), None, &row.raw)
                    .await
                    .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: saving the Sent copy failed: {e}")))
            })
            .await?;
        }
    }
    if let Some(orig) = row.reply_to_message {
        mark_answered(store, session, orig, t, &host).await?;
    }
    Ok(())
}

async fn mark_answered(store: &Store, session: &mut ImapSession, message: i64, t: Timeouts, host: &str) -> Result<()> {
    let found: Option<(String, u32, String)> = store
        .conn()?
        .query_row(
            "SELECT f.name, m.uid, m.flags FROM messages m JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1",
            [message],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((folder, uid, flags)) = found else {
        return Ok(());
    };
    crate::net::with_timeout(t.io, host, "marking the original answered", async {
        session
            .select(&folder)
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: SELECT {folder}: {e}")))?;
        let stream = session
            .uid_store(uid.to_string(), "+FLAGS.SILENT (\\Answered)")
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: STORE \\Answered: {e}")))?;
        let _: Vec<_> = stream
            .try_collect()
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: STORE \\Answered: {e}")))?;
        Ok(())
    })
    .await?;
    if !flags.split_whitespace().any(|f| f.eq_ignore_ascii_case("\\Answered")) {
        let new_flags = format!("{flags} \\Answered").trim().to_string();
        store.conn()?.execute("UPDATE messages SET flags = ?1 WHERE id = ?2", params![new_flags, message])?;
    }
    Ok(())
}

/// The account's Sent folder: from the synced folder roles, else SPECIAL-USE / common names on the server.
pub async fn sent_folder(store: &Store, account: &Account, session: &mut ImapSession, t: Timeouts) -> Result<String> {
    special_folder(
        store,
        account,
        session,
        t,
        "sent",
        &["Sent", "Sent Items", "Sent Messages", "INBOX.Sent", "Sent Mail"],
    )
    .await
}

/// The account's Drafts folder.
pub async fn drafts_folder(store: &Store, account: &Account, session: &mut ImapSession, t: Timeouts) -> Result<String> {
    special_folder(store, account, session, t, "drafts", &["Drafts", "INBOX.Drafts", "Draft"]).await
}

async fn special_folder(
    store: &Store,
    account: &Account,
    session: &mut ImapSession,
    t: Timeouts,
    role: &str,
    names: &[&str],
) -> Result<String> {
    let known: Option<String> = store
        .conn()?
        .query_row(
            "SELECT name FROM folders WHERE account_id = ?1 AND role = ?2 LIMIT 1",
            params![account.id, role],
            |r| r.get(0),
        )
        .optional()?;
    if let Some(k) = known {
        return Ok(k);
    }
    let host = account.imap.host.clone();
    let list: Vec<(String, String)> = crate::net::with_timeout(t.io, &host, "LIST", async {
        let stream = session
            .list(Some(""), Some("*"))
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: LIST: {e}")))?;
        let names: Vec<_> =
            stream.try_collect().await.map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: LIST: {e}")))?;
        Ok(names.iter().map(|n| (n.name().to_string(), format!("{:?}", n.attributes()).to_ascii_lowercase())).collect())
    })
    .await?;
    if let Some((n, _)) = list.iter().find(|(_, a)| a.contains(role)) {
        return Ok(n.clone());
    }
    for want in names {
        if let Some((n, _)) = list.iter().find(|(n, _)| n.eq_ignore_ascii_case(want)) {
            return Ok(n.clone());
        }
    }
    // None yet: create the first conventional name.
    let name = names.first().copied().unwrap_or("Sent").to_string();
    crate::net::with_timeout(t.io, &host, "CREATE", async {
        session
            .create(&name)
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: cannot create {name}: {e}")))
    })
    .await?;
    Ok(name)
}

/// Is a message with this Message-ID in `folder`?
pub async fn message_in_folder(
    session: &mut ImapSession,
    folder: &str,
    message_id: &str,
    t: Timeouts,
    host: &str,
) -> Result<bool> {
    let mid = message_id.replace(['"', '\\', '\r', '\n'], "");
    crate::net::with_timeout(t.io, host, "searching the Sent folder", async {
        session
            .select(folder)
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: SELECT {folder}: {e}")))?;
        let found = session
            .uid_search(format!("HEADER Message-ID \"<{mid}>\""))
            .await
            .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: SEARCH in {folder}: {e}")))?;
        Ok(!found.is_empty())
    })
    .await
}
