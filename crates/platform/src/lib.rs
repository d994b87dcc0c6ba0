//! OS services for Dealbox: the keyring (Secret Service on Linux, Keychain on macOS, Credential
//! Manager on Windows) behind the core's `Secrets` trait. Shared by the CLI and the desktop shell.
#![forbid(unsafe_code)]

use std::sync::{Arc, OnceLock};

use dealbox_core::error::{Error, ErrorKind, Result, Sensitive};
use dealbox_core::secrets::{Secrets, KEYRING_SERVICE};
use keyring_core::{CredentialStore, Entry};

/// The OS keyring. Connecting is lazy: the first use says precisely why it is unavailable.
#[derive(Default)]
pub struct OsKeyring {
    store: OnceLock<std::result::Result<Arc<CredentialStore>, String>>,
}

impl OsKeyring {
    pub fn new() -> Self {
        Self::default()
    }

    fn store(&self) -> Result<Arc<CredentialStore>> {
        self.store.get_or_init(open_store).clone().map_err(|why| Error::new(ErrorKind::Keyring, why))
    }

    fn entry(&self, key: &str) -> Result<Entry> {
        Entry::new_in_store(&self.store()?, KEYRING_SERVICE, key).map_err(|e| explain("open the keyring entry", &e))
    }
}

#[cfg(target_os = "linux")]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    match zbus_secret_service_keyring_store::Store::new() {
        Ok(s) => Ok(s as Arc<CredentialStore>),
        Err(e) => Err(explain("connect to the keyring", &e).message),
    }
}

#[cfg(target_os = "macos")]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    apple_native_keyring_store::keychain::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| explain("open the macOS Keychain", &e).message)
}

#[cfg(target_os = "windows")]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    windows_native_keyring_store::Store::new()
        .map(|s| s as Arc<CredentialStore>)
        .map_err(|e| explain("open the Windows Credential Manager", &e).message)
}

#[cfg(not(any(target_os = "linux", target_os = "macos", target_os = "windows")))]
fn open_store() -> std::result::Result<Arc<CredentialStore>, String> {
    Err("no OS keyring is supported on this platform".into())
}

const HINT: &str = " Use a password command instead (`--password-command CMD`, a command that prints the password).";

/// Turn a keyring error into a message that says why and what to do. Never includes a secret.
fn explain(what: &str, e: &keyring_core::Error) -> Error {
    let detail = e.to_string();
    let why = if detail.contains("Failed to connect")
        || detail.contains("DBUS_SESSION_BUS_ADDRESS")
        || detail.contains("/run/user")
    {
        "there is no D-Bus session bus (are you in a desktop session? over SSH, start one with dbus-run-session)"
            .to_string()
    } else if detail.contains("ServiceUnknown") || detail.contains("org.freedesktop.secrets") {
        "no Secret Service is running on the session bus (install and start gnome-keyring or KeePassXC's secret service)".to_string()
    } else if matches!(e, keyring_core::Error::NoStorageAccess(_))
        || detail.contains("Locked")
        || detail.contains("locked")
    {
        "the keyring is locked (unlock it, e.g. by logging in to the desktop, and try again)".to_string()
    } else {
        format!("the keyring reported: {detail}")
    };
    Error::new(ErrorKind::Keyring, format!("cannot {what}: {why}.{HINT}"))
}

impl Secrets for OsKeyring {
    fn status(&self) -> Result<()> {
        // A read of an entry that does not exist exercises the bus, the service and the lock.
        let probe = self.entry("dealbox-status-probe")?;
        match probe.get_password() {
            Ok(_) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(explain("use the keyring", &e)),
        }
    }

    fn set(&self, key: &str, secret: &Sensitive<String>) -> Result<()> {
        self.entry(key)?.set_password(secret.expose()).map_err(|e| explain("store the password in the keyring", &e))
    }

    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        match self.entry(key)?.get_password() {
            Ok(p) => Ok(Some(Sensitive::new(p))),
            Err(keyring_core::Error::NoEntry) => Ok(None),
            Err(e) => Err(explain("read the password from the keyring", &e)),
        }
    }

    fn delete(&self, key: &str) -> Result<()> {
        match self.entry(key)?.delete_credential() {
            Ok(()) | Err(keyring_core::Error::NoEntry) => Ok(()),
            Err(e) => Err(explain("delete the password from the keyring", &e)),
        }
    }
}
