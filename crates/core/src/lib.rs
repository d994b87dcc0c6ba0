//! Dealbox core: the local store, accounts, mail cache, sync, sending and CRM.
//!
//! GUI-free: no tauri, keyring or notify-rust here. Platform services come in through small
//! traits ([`secrets::Secrets`]) that the CLI and the desktop shell implement.
#![forbid(unsafe_code)]

pub mod account;
pub mod attachments;
pub mod autoconfig;
pub mod cache;
pub mod conntest;
pub mod crm;
pub mod error;
pub mod imap;
pub mod mail;
pub mod net;
pub mod notify;
pub mod parse;
pub mod presets;
pub mod profile;
pub mod query;
pub mod remote_content;
pub mod secrets;
pub mod send;
pub mod settings;
pub mod smtp_probe;
pub mod store;
pub mod sync;
pub mod time;

use std::path::{Path, PathBuf};
use std::sync::Arc;

pub use error::{Error, ErrorKind, Hint, Result, Sensitive};

use account::{Account, Accounts};
use secrets::Secrets;
use store::Store;
use sync::{AfterCheck, AfterCheckHooks, EventSink, SyncOptions, SyncReport};

/// One profile: a directory holding the database and staged attachments. Its methods are the core's front
/// door: the app and the CLI reach mail, sending, the CRM and settings through them, never the store.
pub struct Core {
    dir: PathBuf,
    store: Arc<Store>,
    pub secrets: Arc<dyn Secrets>,
    /// Run after each successful check of an account, by the sync service and [`Core::check_account`].
    after_check: AfterCheckHooks,
}

impl Core {
    /// Open (creating if needed) the profile in `dir`.
    pub fn open(dir: &Path, secrets: Arc<dyn Secrets>) -> Result<Self> {
        std::fs::create_dir_all(dir)
            .map_err(|e| Error::storage(format!("cannot create the profile directory {}: {e}", dir.display())))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700));
        }
        let store = Store::open(&dir.join(store::DB_FILE))?;
        Ok(Self { dir: dir.to_path_buf(), store: Arc::new(store), secrets, after_check: Self::default_after_check() })
    }

    /// The hooks every profile runs after a successful check: new mail goes through the CRM rules.
    fn default_after_check() -> AfterCheckHooks {
        vec![Arc::new(crm::new_mail::ProcessNewMail)]
    }

    /// What runs after each successful check of an account (CRM processing of the new mail by default).
    pub fn after_check(&self) -> &[Arc<dyn AfterCheck>] {
        &self.after_check
    }

    /// Run `hook` after each successful check too (after the default ones), in services started from now on.
    pub fn add_after_check(&mut self, hook: Arc<dyn AfterCheck>) {
        self.after_check.push(hook);
    }

    /// One check of `account` as the app does it: sync with its server (an offline account only records a
    /// check that did nothing), then the after-check hooks. Recorded in the account's sync status.
    pub async fn check_account(&self, account: &Account, opts: &SyncOptions, events: &EventSink) -> Result<SyncReport> {
        let password = account.password(self.secrets.as_ref());
        sync::check_account(self.store.clone(), account, password, opts, events, &self.after_check).await
    }

    /// The profile's database, for the integration tests, benchmarks and fixture builders that check or seed
    /// it directly (feature `test-support`). Not part of the front door: the app and the CLI never use it, and
    /// a test checks they do not.
    #[cfg(feature = "test-support")]
    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { store: &self.store, secrets: self.secrets.as_ref() }
    }

    /// Cached mail: folders, lists, one message made safe to show, search, local changes, attachments.
    pub fn mail(&self) -> mail::Mail<'_> {
        mail::Mail { core: self }
    }

    /// Writing and sending: drafts, replies, the outbox, staged attachments, address suggestions.
    pub fn compose(&self) -> send::Compose<'_> {
        send::Compose { core: self }
    }

    /// The CRM: the sidebar of a message, records, quick actions, the exception list, Needs reply.
    pub fn crm(&self) -> crm::Crm<'_> {
        crm::Crm { core: self }
    }

    /// An account's settings as the Settings screen shows them (fetch window, notifications, signature, CRM).
    pub fn account_settings(&self, account_id: i64) -> Result<settings::AccountSettings> {
        settings::load(&self.store, self.secrets.as_ref(), account_id)
    }

    /// Save them all or nothing; returns what was saved.
    pub fn save_account_settings(&self, s: &settings::AccountSettings, now: i64) -> Result<settings::AccountSettings> {
        settings::save(&self.store, self.secrets.as_ref(), s, now)
    }

    /// Whether mail of this account is routed to the clients' managers (the check policy reads it).
    pub fn routing_on(&self, account_id: i64) -> bool {
        sync::status::routing_on(&self.store, account_id)
    }

    /// The last check of an account and its outcome (what `status` and the status line show).
    pub fn sync_status(&self, account_id: i64) -> Result<sync::status::SyncStatus> {
        sync::status::load(&self.store, account_id)
    }
}

/// Log filter directives every log subscriber (CLI, desktop app) must add after the user's filter: these
/// targets print secrets at trace level (async-imap logs each command it sends, LOGIN with the password).
pub const LOG_REDACTIONS: &[&str] = &["async_imap=debug"];

/// The platform's default profile directory (e.g. `~/.local/share/dealbox` on Linux).
pub fn default_profile_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("dealbox")
}
