//! Where passwords live. The core only knows this trait; the OS keyring implementation is in
//! `dealbox-platform`, so the core stays free of keyring and GUI dependencies.

use crate::error::{Error, ErrorKind, Result, Sensitive};

/// The service name under which every Dealbox secret is stored in the OS keyring.
pub const KEYRING_SERVICE: &str = "dealbox";

/// A store for account passwords (the OS keyring in the app and CLI, an in-memory map in tests).
pub trait Secrets: Send + Sync {
    /// Is the store usable right now? `Err` says why not (no session bus, no secret service, locked).
    fn status(&self) -> Result<()>;
    fn set(&self, key: &str, secret: &Sensitive<String>) -> Result<()>;
    /// `Ok(None)` when there is no entry for this key.
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>>;
    /// Deleting a missing entry is not an error.
    fn delete(&self, key: &str) -> Result<()>;
}

/// A store that refuses everything, saying why; for builds or sessions with no keyring.
pub struct NoSecrets(pub String);

impl Secrets for NoSecrets {
    fn status(&self) -> Result<()> {
        Err(Error::new(ErrorKind::Keyring, self.0.clone()))
    }
    fn set(&self, _: &str, _: &Sensitive<String>) -> Result<()> {
        self.status()
    }
    fn get(&self, _: &str) -> Result<Option<Sensitive<String>>> {
        self.status().map(|_| None)
    }
    fn delete(&self, _: &str) -> Result<()> {
        self.status()
    }
}

/// An in-memory store for unit tests.
#[derive(Default)]
pub struct MemorySecrets(std::sync::Mutex<std::collections::HashMap<String, String>>);

impl Secrets for MemorySecrets {
    fn status(&self) -> Result<()> {
        Ok(())
    }
    fn set(&self, key: &str, secret: &Sensitive<String>) -> Result<()> {
        self.0
            .lock()
            .map_err(|_| Error::internal("secret map poisoned"))?
            .insert(key.to_string(), secret.expose().clone());
        Ok(())
    }
    fn get(&self, key: &str) -> Result<Option<Sensitive<String>>> {
        Ok(self.0.lock().map_err(|_| Error::internal("secret map poisoned"))?.get(key).cloned().map(Sensitive::new))
    }
    fn delete(&self, key: &str) -> Result<()> {
        self.0.lock().map_err(|_| Error::internal("secret map poisoned"))?.remove(key);
        Ok(())
    }
}

/// Run a `password_command` (like mbsync's PassCmd) and take the first line of its output.
pub fn run_password_command(cmd: &str) -> Result<Sensitive<String>> {
    let shell = if cfg!(windows) { ("cmd", "/C") } else { ("sh", "-c") };
    let out = std::process::Command::new(shell.0)
        .arg(shell.1)
        .arg(cmd)
        .stdin(std::process::Stdio::null())
        .output()
        .map_err(|e| Error::config(format!("could not run the password command: {e}")))?;
    if !out.status.success() {
        // Never echo stdout: it may hold the secret.
        let err = String::from_utf8_lossy(&out.stderr);
        let err = err.lines().next().unwrap_or("").trim();
        return Err(Error::config(format!(
            "the password command failed ({}){}",
            out.status,
            if err.is_empty() { String::new() } else { format!(": {err}") }
        )));
    }
    let text = String::from_utf8(out.stdout)
        .map_err(|_| Error::config("the password command printed something that is not UTF-8"))?;
    let first = text.lines().next().unwrap_or("").to_string();
    if first.is_empty() {
        return Err(Error::config("the password command printed nothing"));
    }
    Ok(Sensitive::new(first))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn password_command_takes_the_first_line() {
        let pw = run_password_command("printf 'secret one\\nsecond'").unwrap();
        assert_eq!(pw.expose(), "secret one");
    }

    #[test]
    fn failing_password_command_does_not_echo_stdout() {
        let err = run_password_command("echo leaked; exit 3").unwrap_err();
        assert!(!err.message.contains("leaked"), "{err}");
        assert!(err.message.contains("failed"), "{err}");
    }
}
