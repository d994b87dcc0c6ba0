//! Mirroring IMAP mailboxes into the local cache, and deciding when to check.
//!
//! - [`policy`]: when is the next check due (pure, fake-clock tested).
//! - [`plan`]: cached state + server state -> actions (pure, tested case by case).
//! - [`engine`]: one check of one account over IMAP; [`conn`] runs the commands.
//! - [`queue`]: local changes (read, flag, move, delete…) applied at once and replayed to the server.
//! - [`status`]: per-account last check / last error / failures, for the policy and `status`.
//! - [`service`]: the scheduler, one task per account.
//! - [`after_check`]: work run after each successful check (the core registers CRM processing).

pub mod after_check;
pub mod conn;
pub mod engine;
pub mod folders;
pub mod plan;
pub mod policy;
pub mod queue;
pub mod service;
pub mod status;
pub mod utf7;

use std::sync::Arc;

use serde::Serialize;

use crate::account::Account;
use crate::error::{Error, Result, Sensitive};
use crate::imap::Timeouts;
use crate::store::Store;

pub use after_check::{AfterCheck, AfterCheckHooks};

/// What is being fetched.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Headers only, so the list is usable early.
    Headers,
    /// Full messages.
    Messages,
}

/// Events for the UI; they carry IDs, the UI refetches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SyncEvent {
    /// `done` of `total` messages of a folder are stored.
    #[serde(rename_all = "camelCase")]
    Progress { account_id: i64, folder: String, stage: Stage, done: u64, total: u64 },
    /// Messages of a folder were added, removed or changed.
    #[serde(rename_all = "camelCase")]
    MessagesChanged { account_id: i64, folder_id: i64 },
    /// Folders were added or removed.
    #[serde(rename_all = "camelCase")]
    FoldersChanged { account_id: i64 },
    /// A check started.
    #[serde(rename_all = "camelCase")]
    CheckStarted { account_id: i64 },
    /// A check ended; `error` says why it failed.
    #[serde(rename_all = "camelCase")]
    CheckFinished { account_id: i64, error: Option<String> },
    /// The IDLE connection on the Inbox is up (true) or down (false).
    #[serde(rename_all = "camelCase")]
    Idle { account_id: i64, connected: bool },
}

/// Where events go (a channel sender, the CLI's progress bar, a test's recorder).
pub type EventSink = Arc<dyn Fn(SyncEvent) + Send + Sync>;

/// An event sink that drops everything.
pub fn no_events() -> EventSink {
    Arc::new(|_| {})
}

/// Knobs for one check.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// Now, from the injected clock (the fetch window is counted back from it).
    pub now: i64,
    /// Only this folder (server name, display name or role).
    pub folder: Option<String>,
    pub timeouts: Timeouts,
    /// Fetch headers first when a folder has more new messages than this.
    pub headers_first_over: usize,
    /// UIDs per FETCH command.
    pub fetch_chunk: usize,
    /// FETCH commands in flight at once.
    pub pipeline_depth: usize,
    /// Messages per storing transaction (or bytes, whichever comes first).
    pub batch_count: usize,
    pub batch_bytes: usize,
    /// Behave as if the server had no CONDSTORE/QRESYNC (tests, broken servers).
    pub disable_condstore: bool,
}

impl Default for SyncOptions {
    fn default() -> Self {
        Self {
            now: crate::store::unix_now(),
            folder: None,
            timeouts: Timeouts::default(),
            headers_first_over: 500,
            fetch_chunk: 100,
            pipeline_depth: 3,
            batch_count: 250,
            batch_bytes: 16 << 20,
            disable_condstore: false,
        }
    }
}

/// What one check did.
#[derive(Debug, Default)]
pub struct SyncReport {
    pub folders: usize,
    pub added: u64,
    pub removed: u64,
    pub flags_changed: u64,
    /// Queued local changes that reached the server.
    pub uploaded: usize,
    /// Folders the server refused (the others were synced).
    pub folder_errors: Vec<(String, Error)>,
}

/// One check of one account, recorded in the account's sync status (last check, errors, failures in a row),
/// then the `after` hooks when it succeeded ([`crate::Core::check_account`] passes the core's).
pub async fn check_account(
    store: Arc<Store>,
    account: &Account,
    password: Result<Sensitive<String>>,
    opts: &SyncOptions,
    events: &EventSink,
    after: &[Arc<dyn AfterCheck>],
) -> Result<SyncReport> {
    let mut slot = None;
    let result = check_with(store, account, &mut slot, password, opts, events, after).await;
    if let Some(conn) = slot {
        conn.logout().await;
    }
    result
}

/// A check over the connection in `slot` (opened if empty or broken; left there for reuse, e.g. IDLE),
/// then the `after` hooks when it succeeded, before the check is reported finished.
pub async fn check_with(
    store: Arc<Store>,
    account: &Account,
    slot: &mut Option<conn::Conn>,
    password: Result<Sensitive<String>>,
    opts: &SyncOptions,
    events: &EventSink,
    after: &[Arc<dyn AfterCheck>],
) -> Result<SyncReport> {
    events(SyncEvent::CheckStarted { account_id: account.id });
    if account.is_offline() {
        // No server behind it (sample data): a check that does nothing, instead of a network error.
        status::record_success(&store, account.id, opts.now, 0, 0)?;
        events(SyncEvent::CheckFinished { account_id: account.id, error: None });
        return Ok(SyncReport::default());
    }
    let result = async {
        if slot.as_ref().is_none_or(|c| c.is_broken()) {
            *slot = None;
            *slot = Some(engine::open(account, &password?, opts).await?);
        }
        let conn = slot.as_mut().ok_or_else(|| Error::internal("no connection"))?;
        let r = engine::sync_with(conn, store.clone(), account, opts, events).await;
        if conn.is_broken() {
            *slot = None;
        }
        r
    }
    .await;
    match &result {
        Ok(r) => status::record_success(&store, account.id, opts.now, r.added, r.removed)?,
        Err(e) => status::record_failure(&store, account.id, opts.now, e)?,
    }
    if result.is_ok() {
        after_check::run_all(after, &store, account, opts.now).await;
    }
    events(SyncEvent::CheckFinished {
        account_id: account.id,
        error: result.as_ref().err().map(|e| e.message.clone()),
    });
    result
}

#[cfg(test)]
mod tests {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use super::*;
    use crate::account::{Credential, Endpoint, NewAccount, Security};
    use crate::secrets::NoSecrets;
    use crate::Core;

    const NOW: i64 = 1_793_869_200;

    fn offline_account(host: &str) -> NewAccount {
        NewAccount {
            name: "Sample".into(),
            email: "sample@example.test".into(),
            display_name: "Sample".into(),
            addresses: vec![],
            username: "sample".into(),
            imap: Endpoint { host: host.into(), port: 993, security: Security::Tls },
            smtp: Endpoint { host: host.into(), port: 465, security: Security::Tls },
            credential: Credential::Command("echo not-a-password".into()),
            trust_ca_pem: None,
            insecure: false,
            signature: String::new(),
            fetch_days: None,
            save_sent_copy: true,
            notify: false,
        }
    }

    struct Counting(Arc<AtomicUsize>);

    impl AfterCheck for Counting {
        fn name(&self) -> &'static str {
            "counting"
        }
        fn run(&self, _: &Store, _: &Account, _: i64) -> Result<()> {
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(())
        }
    }

    #[tokio::test]
    async fn an_offline_account_records_a_check_that_did_nothing_and_cannot_send() {
        let tmp = tempfile::tempdir().unwrap();
        let mut core = Core::open(tmp.path(), Arc::new(NoSecrets("no keyring".into()))).unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        core.add_after_check(Arc::new(Counting(ran.clone())));
        let acc = core.accounts().add(&offline_account("Demo.Invalid"), None).unwrap();
        assert!(acc.is_offline());
        let opts = SyncOptions { now: NOW, ..SyncOptions::default() };
        let report = core.check_account(&acc, &opts, &no_events()).await.unwrap();
        assert_eq!((report.added, report.folders), (0, 0));
        let s = status::load(&core.store, acc.id).unwrap();
        assert_eq!((s.last_check, s.failures), (Some(NOW), 0), "a check that did nothing, not a failure");
        assert_eq!(ran.load(Ordering::SeqCst), 0, "nothing arrived, so nothing runs after the check");

        let draft = crate::send::compose::Draft {
            to: vec!["anna@example.test".into()],
            subject: "Training dates".into(),
            text: "January works.".into(),
            ..Default::default()
        };
        let err = crate::send::outbox::enqueue(&core.store, &acc, &draft).err().unwrap();
        assert_eq!(err.message, crate::account::OFFLINE_CANNOT_SEND);
        assert!(crate::send::outbox::list(&core.store, None).unwrap().is_empty());
    }

    #[test]
    fn only_hosts_in_the_reserved_invalid_domain_are_offline() {
        let tmp = tempfile::tempdir().unwrap();
        let core = Core::open(tmp.path(), Arc::new(NoSecrets("no keyring".into()))).unwrap();
        for (i, (host, offline)) in [
            ("demo.invalid", true),
            ("mail.example.invalid.", true),
            ("invalid", true),
            ("imap.example.com", false),
            ("invalid.example.com", false),
            ("127.0.0.1", false),
        ]
        .into_iter()
        .enumerate()
        {
            let mut new = offline_account(host);
            new.name = format!("a{i}");
            new.email = format!("a{i}@example.test");
            let acc = core.accounts().add(&new, None).unwrap();
            assert_eq!(acc.is_offline(), offline, "{host}");
        }
    }

    #[tokio::test]
    async fn a_failing_hook_does_not_stop_the_next_one() {
        struct Failing;
        impl AfterCheck for Failing {
            fn name(&self) -> &'static str {
                "failing"
            }
            fn run(&self, _: &Store, _: &Account, _: i64) -> Result<()> {
                Err(Error::internal("broken on purpose"))
            }
        }
        let tmp = tempfile::tempdir().unwrap();
        let core = Core::open(tmp.path(), Arc::new(NoSecrets("no keyring".into()))).unwrap();
        let acc = core.accounts().add(&offline_account("demo.invalid"), None).unwrap();
        let ran = Arc::new(AtomicUsize::new(0));
        let hooks: AfterCheckHooks = vec![Arc::new(Failing), Arc::new(Counting(ran.clone()))];
        after_check::run_all(&hooks, &core.store, &acc, NOW).await;
        assert_eq!(ran.load(Ordering::SeqCst), 1);
    }
}
