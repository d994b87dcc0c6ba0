//! Drafts: saved locally as the user types (a crash loses at most the last save), uploaded to the
//! server's Drafts folder (replacing the previous version), removed after sending.

use futures::TryStreamExt;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use crate::account::Account;
use crate::error::{Error, ErrorKind, Result};
use crate::imap::{self, ImapSession, Timeouts};
use crate::send::compose::{self, Draft};
use crate::send::outbox;
use crate::store::{text_enum, unix_now, Store};
use crate::Core;

text_enum! {
    /// Where a draft is (the `drafts.state` column).
    pub enum DraftState {
        /// Being written: listed, saved as the user types.
        Editing = "editing",
        /// Sent or discarded: only its server copy is left to remove.
        Sent = "sent",
    }
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DraftInfo {
    pub id: i64,
    pub account_id: i64,
    pub subject: String,
    pub to: Vec<String>,
    pub updated_at: i64,
    pub uploaded: bool,
}

/// Save (create or replace) a draft locally. Cheap: call it as the user types.
pub fn save(store: &Store, account_id: i64, id: Option<i64>, d: &Draft) -> Result<i64> {
    let json = serde_json::to_string(d)?;
    let conn = store.conn()?;
    match id {
        Some(id) => {
            let n = conn.execute(
                "UPDATE drafts SET body = ?1, updated_at = ?2, dirty = 1 WHERE id = ?3 AND account_id = ?4 AND state = 'editing'",
                params![json, unix_now(), id, account_id],
            )?;
            if n == 0 {
                return Err(Error::not_found(format!("no draft {id} for this account")));
            }
            Ok(id)
        }
        None => {
            conn.execute(
                "INSERT INTO drafts (account_id, body, updated_at) VALUES (?1, ?2, ?3)",
                params![account_id, json, unix_now()],
            )?;
            Ok(conn.last_insert_rowid())
        }
    }
}

pub fn get(store: &Store, id: i64) -> Result<Draft> {
    let body: Option<String> = store
        .conn()?
        .query_row("SELECT body FROM drafts WHERE id = ?1 AND state = 'editing'", [id], |r| r.get(0))
        .optional()?;
    let body = body.ok_or_else(|| Error::not_found(format!("no draft {id}")))?;
    Ok(serde_json::from_str(&body)?)
}

pub fn list(store: &Store, account_id: Option<i64>) -> Result<Vec<DraftInfo>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        r"SELECT id, account_id, body, updated_at, dirty FROM drafts WHERE state = 'editing'
         AND (?1 IS NULL OR account_id = ?1) ORDER BY updated_at DESC",
    )?;
    let rows = st
        .query_map([account_id], |r| {
            let body: String = r.get(2)?;
            let d: Draft = serde_json::from_str(&body).unwrap_or_default();
            let dirty: bool = r.get(4)?;
            Ok(DraftInfo {
                id: r.get(0)?,
                account_id: r.get(1)?,
                subject: d.subject,
                to: d.to,
                updated_at: r.get(3)?,
                uploaded: !dirty,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// Discard a draft; its server copy is removed on the next upload.
pub fn discard(store: &Store, id: i64) -> Result<()> {
    let n = store.conn()?.execute(
        "UPDATE drafts SET state = ?1, dirty = 1 WHERE id = ?2 AND state = 'editing'",
        params![DraftState::Sent, id],
    )?;
    if n == 0 {
        return Err(Error::not_found(format!("no draft {id}")));
    }
    Ok(())
}

/// Put the draft in the outbox. It is validated first (25 MB, addresses, header injection); if that fails
/// the draft stays exactly as it was.
pub fn send(store: &Store, account: &Account, id: i64) -> Result<i64> {
    let d = get(store, id)?;
    let (outbox_id, _) = outbox::enqueue(store, account, &d)?;
    store.conn()?.execute("UPDATE drafts SET state = ?1, dirty = 1 WHERE id = ?2", params![DraftState::Sent, id])?;
    Ok(outbox_id)
}

/// Upload changed drafts to the server's Drafts folder, replacing their previous version, and remove the
/// server copies of drafts that were sent or discarded.
pub async fn upload(core: &Core, account: &Account, t: Timeouts) -> Result<usize> {
    struct Pending {
        id: i64,
        body: String,
        old: Option<String>,
        state: DraftState,
    }
    let pending: Vec<Pending> = {
        let conn = core.store.conn()?;
        let mut st = conn.prepare(
            "SELECT id, body, server_message_id, state FROM drafts WHERE account_id = ?1 AND dirty = 1 ORDER BY id",
        )?;
        let rows = st
            .query_map([account.id], |r| {
                Ok(Pending { id: r.get(0)?, body: r.get(1)?, old: r.get(2)?, state: r.get(3)? })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    if pending.is_empty() {
        return Ok(0);
    }
    let password = account.password(core.secrets.as_ref())?;
    let mut session = imap::connect(account, &password, t).await?;
    let folder = outbox::drafts_folder(&core.store, account, &mut session, t).await?;
    let host = account.imap.host.clone();
    let mut done = 0;
    for p in pending {
        if p.state == DraftState::Editing {
            let d: Draft = serde_json::from_str(&p.body)?;
            let built = compose::build_draft(account, &d)?;
            crate::net::with_timeout(t.io, &host, "saving the draft", async {
                session
                    .append(&folder, Some("(\\Draft \\Seen)"), None, &built.raw)
                    .await
                    .map_err(|e| Error::new(ErrorKind::Protocol, format!("{host}: saving the draft failed: {e}")))
            })
            .await?;
            // The new version is safe on the server before the old one goes.
            core.store.conn()?.execute(
                "UPDATE drafts SET server_message_id = ?1, dirty = 0 WHERE id = ?2 AND body = ?3",
                params![built.message_id, p.id, p.body],
            )?;
        }
        if let Some(old) = &p.old {
            delete_by_message_id(&mut session, &folder, old, t, &host).await?;
        }
        if p.state != DraftState::Editing {
            core.store.conn()?.execute("DELETE FROM drafts WHERE id = ?1", [p.id])?;
        }
        done += 1;
    }
    let _ = tokio::time::timeout(t.io, session.logout()).await;
    Ok(done)
}

async fn delete_by_message_id(
    session: &mut ImapSession,
    folder: &str,
    mid: &str,
    t: Timeouts,
    host: &str,
) -> Result<()> {
    let mid = mid.replace(['"', '\\', '\r', '\n'], "");
    crate::net::with_timeout(t.io, host, "removing the old draft", async {
        let perr = |e: async_imap::error::Error| {
            Error::new(ErrorKind::Protocol, format!("{host}: removing the old draft: {e}"))
        };
        session.select(folder).await.map_err(perr)?;
        let uids = session.uid_search(format!("HEADER Message-ID \"<{mid}>\"")).await.map_err(perr)?;
        if uids.is_empty() {
            return Ok(());
        }
        let set = uids.iter().map(u32::to_string).collect::<Vec<_>>().join(",");
        let _: Vec<_> = session
            .uid_store(&set, "+FLAGS.SILENT (\\Deleted)")
            .await
            .map_err(perr)?
            .try_collect()
            .await
            .map_err(perr)?;
        let _: Vec<_> = session.uid_expunge(&set).await.map_err(perr)?.try_collect().await.map_err(perr)?;
        Ok(())
    })
    .await
}
