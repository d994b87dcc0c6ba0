//! Per-account sync status (last check, last error, failures in a row) and the cached state of a folder.

use std::collections::BTreeMap;

use rusqlite::{params, OptionalExtension};
use serde::Serialize;

use super::plan::{normalize_flags, CachedMessage};
use super::policy::{self, NextCheck, PolicyInput, Presence, Problem};
use crate::cache::BodyState;
use crate::error::{Error, ErrorKind, Result};
use crate::store::Store;

/// What the last checks of an account left behind.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatus {
    pub account_id: i64,
    pub last_check: Option<i64>,
    pub last_success: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_kind: Option<String>,
    pub failures: u32,
    pub messages_added: i64,
    pub messages_removed: i64,
}

fn kind_from_code(code: &str) -> Option<ErrorKind> {
    use ErrorKind::*;
    [Dns, Refused, Tls, Auth, Timeout, Network, Protocol, Config, Limit, Keyring, NotFound, Storage, Internal]
        .into_iter()
        .find(|k| k.code() == code)
}

impl SyncStatus {
    pub fn error_kind(&self) -> Option<ErrorKind> {
        self.last_error_kind.as_deref().and_then(kind_from_code)
    }

    /// The *problem* state (after 3 failed checks in a row), with its reason.
    pub fn problem(&self) -> Option<Problem> {
        policy::problem(self.failures, self.error_kind(), self.last_error.as_deref())
    }

    /// The policy's input for this account at `now`.
    pub fn policy_input(&self, now: i64, presence: Presence, routing_on: bool) -> PolicyInput {
        PolicyInput {
            now,
            presence,
            routing_on,
            last_check: self.last_check,
            failures: self.failures,
            last_error: if self.failures > 0 { self.error_kind() } else { None },
            trigger: None,
        }
    }

    pub fn next_check(&self, now: i64, presence: Presence, routing_on: bool) -> NextCheck {
        policy::next_check(&self.policy_input(now, presence, routing_on))
    }
}

pub fn load(store: &Store, account_id: i64) -> Result<SyncStatus> {
    let conn = store.conn()?;
    let row = conn
        .query_row(
            r"SELECT last_check, last_success, last_error, last_error_kind, failures, messages_added, messages_removed
             FROM sync_status WHERE account_id = ?1",
            [account_id],
            |r| {
                Ok(SyncStatus {
                    account_id,
                    last_check: r.get(0)?,
                    last_success: r.get(1)?,
                    last_error: r.get(2)?,
                    last_error_kind: r.get(3)?,
                    failures: r.get::<_, i64>(4)?.clamp(0, u32::MAX as i64) as u32,
                    messages_added: r.get(5)?,
                    messages_removed: r.get(6)?,
                })
            },
        )
        .optional()?;
    Ok(row.unwrap_or(SyncStatus { account_id, ..Default::default() }))
}

pub fn record_success(store: &Store, account_id: i64, now: i64, added: u64, removed: u64) -> Result<()> {
    store.conn()?.execute(
        r"INSERT INTO sync_status (account_id, last_check, last_success, last_error, last_error_kind, failures,
         messages_added, messages_removed) VALUES (?1, ?2, ?2, NULL, NULL, 0, ?3, ?4)
         ON CONFLICT(account_id) DO UPDATE SET last_check = excluded.last_check, last_success = excluded.last_success,
         last_error = NULL, last_error_kind = NULL, failures = 0, messages_added = excluded.messages_added,
         messages_removed = excluded.messages_removed",
        params![account_id, now, added as i64, removed as i64],
    )?;
    Ok(())
}

pub fn record_failure(store: &Store, account_id: i64, now: i64, e: &Error) -> Result<()> {
    store.conn()?.execute(
        r"INSERT INTO sync_status (account_id, last_check, last_error, last_error_kind, failures)
         VALUES (?1, ?2, ?3, ?4, 1)
         ON CONFLICT(account_id) DO UPDATE SET last_check = excluded.last_check, last_error = excluded.last_error,
         last_error_kind = excluded.last_error_kind, failures = failures + 1",
        params![account_id, now, e.message, e.kind.code()],
    )?;
    Ok(())
}

/// "Route existing clients to assigned managers" for this mailbox, from the CRM's mailbox settings
/// (on unless the CRM says otherwise, as in its defaults).
pub fn routing_on(store: &Store, account_id: i64) -> bool {
    let Ok(conn) = store.conn() else { return true };
    conn.query_row("SELECT route_to_manager FROM crm_mailbox_settings WHERE account_id = ?1", [account_id], |r| {
        r.get::<_, bool>(0)
    })
    .unwrap_or(true)
}

/// The cached messages of a folder: UID -> flags and whether the body is there.
pub fn cached_state(store: &Store, folder_id: i64) -> Result<BTreeMap<u32, CachedMessage>> {
    let conn = store.conn()?;
    let mut st = conn.prepare_cached("SELECT uid, flags, body_state FROM messages WHERE folder_id = ?1")?;
    let rows = st.query_map([folder_id], |r| {
        let uid: i64 = r.get(0)?;
        let flags: String = r.get(1)?;
        let state: BodyState = r.get(2)?;
        Ok((
            uid as u32,
            CachedMessage { flags: normalize_flags(flags.split_whitespace()), has_body: state != BodyState::Headers },
        ))
    })?;
    let mut out = BTreeMap::new();
    for row in rows {
        let (uid, m) = row?;
        out.insert(uid, m);
    }
    Ok(out)
}

/// Apply server flag changes to cached messages in one transaction.
pub fn set_flags(store: &Store, folder_id: i64, changes: &[(u32, Vec<String>)]) -> Result<()> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    {
        let mut st = tx.prepare_cached("UPDATE messages SET flags = ?1 WHERE folder_id = ?2 AND uid = ?3")?;
        for (uid, flags) in changes {
            st.execute(params![flags.join(" "), folder_id, uid])?;
        }
    }
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn store_with_account() -> (Store, i64) {
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
        (store, 1)
    }

    #[test]
    fn three_failures_in_a_row_make_a_problem_until_a_success() {
        let (store, id) = store_with_account();
        let err = Error::new(ErrorKind::Auth, "IMAP login to h failed: check the password");
        for n in 1..=3 {
            record_failure(&store, id, 100 + n, &err).unwrap();
        }
        let s = load(&store, id).unwrap();
        assert_eq!(s.failures, 3);
        assert_eq!(s.last_check, Some(103));
        let p = s.problem().expect("a problem after 3 failures");
        assert_eq!(p.reason, policy::ProblemReason::LoginFailed);
        assert!(p.message.contains("check the password"));
        record_success(&store, id, 200, 5, 1).unwrap();
        let s = load(&store, id).unwrap();
        assert_eq!((s.failures, s.problem(), s.last_error.clone()), (0, None, None));
        assert_eq!((s.last_success, s.messages_added), (Some(200), 5));
    }

    #[test]
    fn routing_follows_the_crm_mailbox_setting_and_is_on_by_default() {
        let (store, id) = store_with_account();
        assert!(routing_on(&store, id), "the CRM's default");
        store
            .conn()
            .unwrap()
            .execute(
                "INSERT INTO crm_mailbox_settings (account_id, route_to_manager, updated_at) VALUES (?1, 0, 0)",
                [id],
            )
            .unwrap();
        assert!(!routing_on(&store, id));
        // Team online, owner away: routing off means the daily check.
        let team = Presence { owner_online: false, any_user_online: true, network_up: true };
        let mut s = load(&store, id).unwrap();
        s.last_check = Some(0);
        assert_eq!(s.next_check(60, team, routing_on(&store, id)).reason(), policy::Reason::UserOnlineDaily);
    }

    #[test]
    fn an_account_never_checked_has_an_empty_status() {
        let (store, id) = store_with_account();
        let s = load(&store, id).unwrap();
        assert_eq!(s.last_check, None);
        let owner = Presence { owner_online: true, any_user_online: true, network_up: true };
        assert!(s.next_check(5, owner, false).is_due(5));
    }
}
