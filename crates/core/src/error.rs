//! Errors the caller can branch on. Messages say what happened and what to do.

use std::fmt;

/// What kind of failure this is; the UI and the scheduler branch on it, never on the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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

/// What the person can do about an error, as data: the CLI renders it as the command and flags to run, the
/// app as a button with translated text. Core messages never name a CLI command or flag; the hint does.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(tag = "action", rename_all = "camelCase", rename_all_fields = "camelCase")]
pub enum Hint {
    /// Enter the account's password again (the keyring has none, or switching to the keyring needs it).
    SetPassword { account: String },
    /// The server's certificate is not trusted: accept exactly this one, or add the company's CA.
    TrustCertificate { account: Option<String>, sha256: String },
    /// A limit of the plan was reached (mailboxes per profile): raise it, or remove something.
    RaiseLimit { limit: i64 },
    /// Removing would drop unsent mail: send or delete it first, or remove anyway.
    RemoveAnyway { account: String },
    /// The account named does not exist: pick one of the list.
    ListAccounts,
    /// The folder named does not exist on the server: pick one of the list.
    ListFolders { account: String },
    /// The message id does not exist (any more): pick one of the list.
    ListMessages,
    /// The CRM user id does not exist: pick one of the team's users.
    ListCrmUsers,
}

/// The core's error: a kind to branch on, a message for people, what they can do about it, and the
/// underlying error (for logs and `source()` chains).
#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub message: String,
    pub hint: Option<Hint>,
    source: Option<std::sync::Arc<dyn std::error::Error + Send + Sync>>,
}

impl Error {
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        Self { kind, message: message.into(), hint: None, source: None }
    }
    /// Say what the person can do about it.
    pub fn with_hint(mut self, hint: Hint) -> Self {
        self.hint = Some(hint);
        self
    }
    /// Keep the error this one was made from.
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(std::sync::Arc::new(source));
        self
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source.as_deref().map(|e| e as &(dyn std::error::Error + 'static))
    }
}

impl From<rusqlite::Error> for Error {
    fn from(e: rusqlite::Error) -> Self {
        Error::storage(format!("local database error: {e}")).with_source(e)
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::new(ErrorKind::Storage, format!("file error: {e}")).with_source(e)
    }
}

impl From<serde_json::Error> for Error {
    fn from(e: serde_json::Error) -> Self {
        Error::internal(format!("JSON error: {e}")).with_source(e)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A message id that is not in the cache (deleted or moved since it was listed).
pub fn no_message(id: i64) -> Error {
    Error::not_found(format!("no message with id {id} (it may have been deleted or moved)"))
        .with_hint(Hint::ListMessages)
}

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
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn an_error_keeps_its_source_and_hint() {
        let io = std::io::Error::new(std::io::ErrorKind::PermissionDenied, "denied");
        let e = Error::from(io).with_hint(Hint::ListAccounts);
        assert_eq!(e.kind, ErrorKind::Storage);
        let source = std::error::Error::source(&e).expect("the io error is kept");
        assert_eq!(source.to_string(), "denied");
        let json = serde_json::to_value(e.hint).unwrap();
        assert_eq!(json, serde_json::json!({"action": "listAccounts"}));
        let json = serde_json::to_value(Hint::TrustCertificate { account: None, sha256: "ab".into() }).unwrap();
        assert_eq!(json, serde_json::json!({"action": "trustCertificate", "account": null, "sha256": "ab"}));
    }

    #[test]
    fn sensitive_never_prints_its_value() {
        let s = Sensitive::new("hunter2".to_string());
        assert!(!format!("{s:?} {s}").contains("hunter2"));
    }
}
