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
pub mod demo;
pub mod error;
pub mod imap;
pub mod net;
pub mod notify;
pub mod parse;
pub mod presets;
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

pub use error::{Error, ErrorKind, Result, Sensitive};

use account::Accounts;
use secrets::Secrets;
use store::Store;

/// One profile: a directory holding the database (and later attachments and logs).
pub struct Core {
    dir: PathBuf,
    pub store: Arc<Store>,
    pub secrets: Arc<dyn Secrets>,
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
        Ok(Self { dir: dir.to_path_buf(), store: Arc::new(store), secrets })
    }

    pub fn dir(&self) -> &Path {
        &self.dir
    }

    pub fn accounts(&self) -> Accounts<'_> {
        Accounts { store: &self.store, secrets: self.secrets.as_ref() }
    }
}

/// Log filter directives every log subscriber (CLI, desktop app) must add after the user's filter: these
/// targets print secrets at trace level (async-imap logs each command it sends, LOGIN with the password).
pub const LOG_REDACTIONS: &[&str] = &["async_imap=debug"];

/// The platform's default profile directory (e.g. `~/.local/share/dealbox` on Linux).
pub fn default_profile_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join("dealbox")
}
