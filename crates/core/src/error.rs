//! Errors the caller can branch on. Messages say what happened and what to do.

use std::fmt;

/// What kind of failure this is; the UI and the scheduler branch on it, never on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorKind {
    /// The host name could not be resolved.
    Dns,
    /// The server refused the TCP connection.
    Refused,
    /// TLS failed: untrusted or changed certificate, handshake error.
    Tls,
    /// The server rejected the user name or password.
    Auth,
    /// A network step took too long.
    Timeout,
    /// Any other network failure (reset, unreachable).
    Network,
    /// The server answered something we did not expect.
    Protocol,
    /// Bad settings or input from the user.
    Config,
    /// A limit was hit (attachment size, mailboxes per user).
    Limit,
    /// The OS keyring is unavailable or refused access.
    Keyring,
    /// The thing asked for does not exist.
    NotFound,
    /// The local store failed (disk, corruption, a newer schema).
    Storage,
    /// A file that would run code if opened (a program or script attachment).
    RiskyAttachment,
    /// A bug or an unexpected state.
    Internal,
}

impl ErrorKind {
    /// True when trying again later may succeed without the user changing anything.
    pub fn is_recoverable(self) -> bool {
        matches!(self, ErrorKind::Dns | ErrorKind::Refused | ErrorKind::Timeout | ErrorKind::Network)
    }

    pub fn code(self) -> &'static str {
        match self {
            ErrorKind::Dns => "dns",
            ErrorKind::Refused => "refused",
            ErrorKind::Tls => "tls",
            ErrorKind::Auth => "auth",
            ErrorKind::Timeout => "timeout",
            ErrorKind::Network => "network",
            ErrorKind::Protocol => "protocol",
            ErrorKind::Config => "config",
            ErrorKind::Limit => "limit",
            ErrorKind::Keyring => "keyring",
            ErrorKind::NotFound => "not_found",
            ErrorKind::Storage => "storage",
            ErrorKind::RiskyAttachment => "risky_attachment",
            ErrorKind::Internal => "internal",
        }
    }
}

/// The core's error: a kind to branch on and a message for people.
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into() }
    }
    pub fn config(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Config, message)
    }
    pub fn risky_attachment(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::RiskyAttachment, message)
    }
    pub fn not_found(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NotFound, message)
    }
    pub fn storage(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Storage, message)
    }
    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::Internal, message)
    }
    /// Prefix the message with what we were doing.
    pub fn context(mut self, what: impl fmt::Display) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::storage(format!("local database error: {e}"))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Storage, format!("file error: {e}"))
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::internal(format!("JSON error: {e}"))
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A secret that must never reach logs, SQLite or serialized output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Sensitive<T>(T);

impl<T> Sensitive<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    /// The secret itself; call only where it goes to the server or the keyring.
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Sensitive(<redacted>)")
    }
}

impl<T> fmt::Display for Sensitive<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sensitive_never_prints_its_value() {
        let s = Sensitive::new("hunter2".to_string());
        assert!(!format!("{s:?} {s}").contains("hunter2"));
    }
}
