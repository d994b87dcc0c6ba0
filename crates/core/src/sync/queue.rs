//! Local changes: applied to the cache at once, queued in `pending_changes`, replayed to the server.
//!
//! Each row is one server operation on one UID. `attempts` is incremented (and committed) *before* trying,
//! so a change that keeps failing is parked with its error instead of looping; a row is deleted only after
//! the server said OK. Replaying a row twice is harmless: flag changes are idempotent and a UID that was
//! already moved no longer exists in its source folder, so nothing is ever duplicated.

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::conn::Conn;
use crate::error::{Error, ErrorKind, Result};
use crate::store::{text_enum, unix_now, Store};

/// After this many failed attempts a change is parked (kept, shown, no longer retried).
pub const MAX_ATTEMPTS: i64 = 5;

/// What the user did to a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LocalChange {
    /// Read (true) or unread (false).
    Seen(bool),
    Flagged(bool),
    Answered(bool),
    /// Move to Trash (in Trash: delete for good).
    Delete,
    /// Move to the folder with this server name, display name or role.
    Move(String),
    Archive,
    Spam,
}

text_enum! {
    /// The server operation a queued change replays (the `pending_changes.kind` column).
    pub enum ChangeKind {
        /// `UID STORE +FLAGS (arg)`.
        AddFlags = "add_flags",
        /// `UID STORE -FLAGS (arg)`.
        RemoveFlags = "remove_flags",
        /// `UID MOVE` to the folder `arg`.
        Move = "move",
        /// `\Deleted` and `UID EXPUNGE` (deleting from Trash).
        Expunge = "expunge",
    }
}

/// A queued change, for display.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Pending {
    pub id: i64,
    pub folder: String,
    pub uid: u32,
    pub kind: ChangeKind,
    pub arg: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub parked: bool,
}

struct Target {
    account_id: i64,
    folder: String,
    role: Option<String>,
    uidvalidity: Option<i64>,
    uid: u32,
    flags: String,
}

fn target(store: &Store, message_id: i64) -> Result<Target> {
    let conn = store.conn()?;
    conn.query_row(
        r"SELECT m.account_id, f.name, f.role, f.uidvalidity, m.uid, m.flags FROM messages m
         JOIN folders f ON f.id = m.folder_id WHERE m.id = ?1",
        [message_id],
        |r| {
            Ok(Target {
                account_id: r.get(0)?,
                folder: r.get(1)?,
                role: r.get(2)?,
                uidvalidity: r.get(3)?,
                uid: r.get(4)?,
                flags: r.get(5)?,
            })
        },
    )
    .optional()?
    .ok_or_else(|| crate::error::no_message(message_id))
}

fn folder_by(store: &Store, account_id: i64, what: &str) -> Result<String> {
    let conn = store.conn()?;
    conn.query_row(
        r"SELECT name FROM folders WHERE account_id = ?1 AND (name = ?2 OR role = lower(?2) OR lower(display_name) = lower(?2))
         ORDER BY name = ?2 DESC LIMIT 1",
        params![account_id, what],
        |r| r.get(0),
    )
    .optional()?
    .ok_or_else(|| {
        Error::not_found(format!("this account has no '{what}' folder; sync first, or create it on the server"))
    })
}

/// Apply a change to the cache now and queue it for the server.
pub fn apply(store: &Store, message_id: i64, change: &LocalChange) -> Result<()> {
    let t = target(store, message_id)?;
    let flag = |on: bool, flag: &str| -> Result<()> {
        let mut flags: Vec<&str> = t.flags.split_whitespace().filter(|f| !f.eq_ignore_ascii_case(flag)).collect();
        if on {
            flags.push(flag);
        }
        flags.sort_unstable();
        let mut conn = store.conn()?;
        let tx = conn.transaction()?;
        tx.execute("UPDATE messages SET flags = ?1 WHERE id = ?2", params![flags.join(" "), message_id])?;
        insert(&tx, &t, if on { ChangeKind::AddFlags } else { ChangeKind::RemoveFlags }, flag)?;
        tx.commit()?;
        Ok(())
    };
    let dest = match change {
        LocalChange::Seen(on) => return flag(*on, "\\Seen"),
        LocalChange::Flagged(on) => return flag(*on, "\\Flagged"),
        LocalChange::Answered(on) => return flag(*on, "\\Answered"),
        LocalChange::Delete if t.role.as_deref() == Some("trash") => None,
        LocalChange::Delete => Some(folder_by(store, t.account_id, "trash")?),
        LocalChange::Move(to) => Some(folder_by(store, t.account_id, to)?),
        LocalChange::Archive => Some(folder_by(store, t.account_id, "archive")?),
        LocalChange::Spam => Some(folder_by(store, t.account_id, "junk")?),
    };
    if dest.as_deref() == Some(t.folder.as_str()) {
        return Ok(());
    }
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    match &dest {
        Some(d) => insert(&tx, &t, ChangeKind::Move, d)?,
        None => insert(&tx, &t, ChangeKind::Expunge, "")?,
    }
    // The message leaves this folder now; it appears in the destination with the next sync.
    tx.execute("DELETE FROM messages_fts WHERE rowid = ?1", [message_id])?;
    tx.execute("DELETE FROM messages WHERE id = ?1", [message_id])?;
    tx.commit()?;
    Ok(())
}

/// Apply one change to several messages (a bulk action from the list) in one call. Every message is tried;
/// returns how many changed, or the first error with how many did ("2 of 5 not changed: …").
pub fn apply_all(store: &Store, message_ids: &[i64], change: &LocalChange) -> Result<usize> {
    let mut done = 0;
    let mut failed: Vec<crate::Error> = vec![];
    for &id in message_ids {
        match apply(store, id, change) {
            Ok(()) => done += 1,
            Err(e) => failed.push(e),
        }
    }
    match failed.into_iter().next() {
        None => Ok(done),
        Some(mut e) => {
            e.message = format!("{} of {} not changed: {}", message_ids.len() - done, message_ids.len(), e.message);
            Err(e)
        }
    }
}

fn insert(tx: &rusqlite::Transaction<'_>, t: &Target, kind: ChangeKind, arg: &str) -> Result<()> {
    let exists: Option<i64> = tx
        .query_row(
            r"SELECT id FROM pending_changes WHERE account_id = ?1 AND folder_name = ?2 AND uid = ?3 AND kind = ?4
             AND arg = ?5 AND parked = 0 AND id = (SELECT max(id) FROM pending_changes WHERE account_id = ?1
             AND folder_name = ?2 AND uid = ?3)",
            params![t.account_id, t.folder, t.uid, kind, arg],
            |r| r.get(0),
        )
        .optional()?;
    if exists.is_some() {
        return Ok(()); // the same change is already the last one queued for this message
    }
    tx.execute(
        r"INSERT INTO pending_changes (account_id, folder_name, uid, kind, arg, uidvalidity, created_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        params![t.account_id, t.folder, t.uid, kind, arg, t.uidvalidity, unix_now()],
    )?;
    Ok(())
}

/// Queued changes of an account (parked ones included), oldest first.
pub fn pending(store: &Store, account_id: i64) -> Result<Vec<Pending>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        r"SELECT id, folder_name, uid, kind, arg, attempts, last_error, parked FROM pending_changes
         WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = st
        .query_map([account_id], |r| {
            Ok(Pending {
                id: r.get(0)?,
                folder: r.get(1)?,
                uid: r.get(2)?,
                kind: r.get(3)?,
                arg: r.get(4)?,
                attempts: r.get(5)?,
                last_error: r.get(6)?,
                parked: r.get(7)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// A queued row: id, folder, uid, kind, arg, uidvalidity, attempts.
type Row = (i64, String, u32, ChangeKind, String, Option<i64>, i64);

/// Replay queued changes over `conn`; returns how many reached the server. A network failure stops the
/// replay (the rows stay); a change the server refuses is retried later and parked after MAX_ATTEMPTS.
pub async fn replay(conn: &mut Conn, store: &Store, account_id: i64) -> Result<usize> {
    let rows: Vec<Row> = {
        let c = store.conn()?;
        let mut st = c.prepare(
            r"SELECT id, folder_name, uid, kind, arg, uidvalidity, attempts FROM pending_changes
             WHERE account_id = ?1 AND parked = 0 ORDER BY id",
        )?;
        let rows = st
            .query_map([account_id], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows
    };
    let mut done = 0;
    let mut selected: Option<(String, u32)> = None;
    for (id, folder, uid, kind, arg, uidvalidity, attempts) in rows {
        store.conn()?.execute("UPDATE pending_changes SET attempts = attempts + 1 WHERE id = ?1", [id])?;
        let result: Result<()> = async {
            if selected.as_ref().map(|s| s.0.as_str()) != Some(folder.as_str()) {
                let sel = conn.select(&folder).await?;
                selected = Some((folder.clone(), sel.uidvalidity.unwrap_or(0)));
            }
            let current = selected.as_ref().map(|s| s.1).unwrap_or(0);
            if let Some(uv) = uidvalidity {
                if uv as u32 != current {
                    return Err(Error::new(
                        ErrorKind::Config,
                        format!("the folder {folder} was recreated on the server; this change was not applied"),
                    ));
                }
            }
            let set = uid.to_string();
            match kind {
                ChangeKind::AddFlags => conn.uid_store(&set, "+", &arg).await,
                ChangeKind::RemoveFlags => conn.uid_store(&set, "-", &arg).await,
                ChangeKind::Move => conn.uid_move(&set, &arg).await,
                ChangeKind::Expunge => {
                    conn.uid_store(&set, "+", "\\Deleted").await?;
                    conn.uid_expunge(&set).await
                }
            }
        }
        .await;
        match result {
            Ok(()) => {
                store.conn()?.execute("DELETE FROM pending_changes WHERE id = ?1", [id])?;
                done += 1;
            }
            Err(e) if e.kind.is_recoverable() || conn.is_broken() => return Err(e),
            Err(e) => {
                let park = e.kind == ErrorKind::Config || attempts + 1 >= MAX_ATTEMPTS;
                store.conn()?.execute(
                    "UPDATE pending_changes SET last_error = ?1, parked = ?2 WHERE id = ?3",
                    params![e.message, park, id],
                )?;
                tracing::warn!(change = id, error = %e, parked = park, "queued change failed");
                if e.kind == ErrorKind::Protocol {
                    selected = None;
                }
            }
        }
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cache::{self, Fetched};

    /// An account with INBOX (3 messages), Archive and Trash; returns (store, message ids).
    fn setup() -> (Store, Vec<i64>) {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .unwrap()
            .execute(
                r"INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security, smtp_host, smtp_port,
                 smtp_security, credential, secret_ref, created_at) VALUES ('a', 'a@x.test', 'a', 'h', 1, 'tls', 'h', 1,
                 'tls', 'keyring', 'ref', 0)",
                [],
            )
            .unwrap();
        let inbox = cache::upsert_folder(&store, 1, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        cache::upsert_folder(&store, 1, "Archive", "Archive", Some("/"), Some("archive")).unwrap();
        let trash = cache::upsert_folder(&store, 1, "Trash", "Trash", Some("/"), Some("trash")).unwrap();
        let raw = b"From: x@y.test\r\nSubject: hi\r\n\r\nbody\r\n";
        let msgs: Vec<Fetched<'_>> = (1..=3)
            .map(|uid| Fetched { uid, flags: vec![], modseq: None, size: 40, raw, internal_date: None })
            .collect();
        let mut ids = cache::store_messages(&store, 1, inbox, &msgs).unwrap();
        ids.extend(cache::store_messages(&store, 1, trash, &msgs[..1]).unwrap());
        (store, ids)
    }

    fn flags_of(store: &Store, id: i64) -> String {
        store.conn().unwrap().query_row("SELECT flags FROM messages WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    }

    #[test]
    fn flag_changes_apply_at_once_and_queue_once() {
        let (store, ids) = setup();
        apply(&store, ids[0], &LocalChange::Seen(true)).unwrap();
        apply(&store, ids[0], &LocalChange::Seen(true)).unwrap();
        apply(&store, ids[0], &LocalChange::Flagged(true)).unwrap();
        assert_eq!(flags_of(&store, ids[0]), "\\Flagged \\Seen");
        let p = pending(&store, 1).unwrap();
        let kinds: Vec<(&str, &str)> = p.iter().map(|p| (p.kind.as_str(), p.arg.as_str())).collect();
        assert_eq!(kinds, vec![("add_flags", "\\Seen"), ("add_flags", "\\Flagged")]);
        apply(&store, ids[0], &LocalChange::Seen(false)).unwrap();
        assert_eq!(flags_of(&store, ids[0]), "\\Flagged");
        assert_eq!(pending(&store, 1).unwrap().last().unwrap().kind, ChangeKind::RemoveFlags);
    }

    #[test]
    fn archive_and_delete_leave_the_folder_at_once_and_queue_a_move() {
        let (store, ids) = setup();
        apply(&store, ids[0], &LocalChange::Archive).unwrap();
        apply(&store, ids[1], &LocalChange::Delete).unwrap();
        let left: i64 = store
            .conn()
            .unwrap()
            .query_row("SELECT COUNT(*) FROM messages WHERE folder_id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 1);
        let p = pending(&store, 1).unwrap();
        assert_eq!((p[0].kind.as_str(), p[0].arg.as_str(), p[0].uid), ("move", "Archive", 1));
        assert_eq!((p[1].kind.as_str(), p[1].arg.as_str(), p[1].uid), ("move", "Trash", 2));
        // Deleting in Trash deletes for good.
        apply(&store, ids[3], &LocalChange::Delete).unwrap();
        assert_eq!(pending(&store, 1).unwrap()[2].kind, ChangeKind::Expunge);
    }

    #[test]
    fn a_missing_destination_is_a_clear_error_and_changes_nothing() {
        let (store, ids) = setup();
        let err = apply(&store, ids[0], &LocalChange::Spam).unwrap_err();
        assert_eq!(err.kind, ErrorKind::NotFound);
        assert!(err.message.contains("no 'junk' folder"), "{err}");
        assert!(pending(&store, 1).unwrap().is_empty());
        assert_eq!(apply(&store, 999, &LocalChange::Seen(true)).unwrap_err().kind, ErrorKind::NotFound);
    }

    #[test]
    fn bulk_changes_apply_to_every_message_and_report_the_ones_that_failed() {
        let (store, ids) = setup();
        assert_eq!(apply_all(&store, &ids[..2], &LocalChange::Flagged(true)).unwrap(), 2);
        assert_eq!(flags_of(&store, ids[0]), "\\Flagged");
        assert_eq!(flags_of(&store, ids[1]), "\\Flagged");
        let err = apply_all(&store, &[ids[0], 9999, ids[2]], &LocalChange::Archive).unwrap_err();
        assert!(err.message.starts_with("1 of 3 not changed"), "{}", err.message);
        let left: i64 = store
            .conn()
            .unwrap()
            .query_row("SELECT count(*) FROM messages WHERE folder_id = 1", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 1, "the two archivable messages left the inbox");
    }
}
