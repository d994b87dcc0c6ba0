//! Mail accounts: settings in SQLite, the password in the `Secrets` store (never in SQLite).

use std::fmt;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, ErrorKind, Hint, Result, Sensitive};
use crate::secrets::{run_password_command, Secrets};

mod accounts;

pub use accounts::Accounts;

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
pub enum Security {
    /// Implicit TLS from the first byte (IMAPS 993, SMTPS 465).
    Tls,
    /// Plain connection upgraded with STARTTLS; refused if the server does not offer it.
    Starttls,
    /// No encryption: only for loopback or an account marked insecure.
    None,
}

impl fmt::Display for Security {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Security::Tls => "tls",
            Security::Starttls => "starttls",
            Security::None => "none",
        })
    }
}

impl FromStr for Security {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "tls" | "ssl" | "implicit" => Ok(Security::Tls),
            "starttls" => Ok(Security::Starttls),
            "none" | "plain" => Ok(Security::None),
            other => Err(Error::config(format!("unknown security '{other}': use tls, starttls or none"))),
        }
    }
}

/// A host and port with its security.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Endpoint {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl Endpoint {
    /// Parse `host:port` (or `[v6]:port`); the port defaults from the security.
    pub fn parse(hostport: &str, security: Security, default_tls: u16, default_plain: u16) -> Result<Self> {
        let default = if security == Security::Tls { default_tls } else { default_plain };
        let (host, port) = split_host_port(hostport, default)?;
        Ok(Endpoint { host, port, security })
    }

    pub fn is_loopback(&self) -> bool {
        let h = self.host.trim_start_matches('[').trim_end_matches(']');
        h.eq_ignore_ascii_case("localhost") || h.parse::<std::net::IpAddr>().map(|ip| ip.is_loopback()).unwrap_or(false)
    }
}

fn split_host_port(s: &str, default_port: u16) -> Result<(String, u16)> {
    let s = s.trim();
    if s.is_empty() {
        return Err(Error::config("a server address is empty"));
    }
    let (host, port) = if let Some(rest) = s.strip_prefix('[') {
        let (h, after) = rest.split_once(']').ok_or_else(|| Error::config(format!("bad address '{s}'")))?;
        (h.to_string(), after.strip_prefix(':'))
    } else if s.matches(':').count() == 1 {
        let (h, p) = s.split_once(':').unwrap_or((s, ""));
        (h.to_string(), Some(p))
    } else {
        (s.to_string(), None)
    };
    let port = match port {
        Some(p) => p.parse::<u16>().map_err(|_| Error::config(format!("bad port in '{s}'")))?,
        None => default_port,
    };
    if host.is_empty() || host.contains(char::is_whitespace) {
        return Err(Error::config(format!("bad host name in '{s}'")));
    }
    Ok((host, port))
}

/// Where the password comes from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "command", rename_all = "lowercase")]
pub enum Credential {
    /// The OS keyring, under `secret_ref`.
    Keyring,
    /// A command that prints the password (like mbsync's PassCmd).
    Command(String),
}

/// An account as stored. Holds no secret.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Account {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub display_name: String,
    pub addresses: Vec<String>,
    pub username: String,
    pub imap: Endpoint,
    pub smtp: Endpoint,
    pub credential: Credential,
    #[serde(skip)]
    pub secret_ref: String,
    #[serde(skip)]
    pub trust_ca_pem: Option<String>,
    pub has_trusted_ca: bool,
    pub pinned_cert_sha256: Option<String>,
    pub insecure: bool,
    pub signature: String,
    /// Fetch messages for this many days; `None` is all mail.
    pub fetch_days: Option<u32>,
    pub save_sent_copy: bool,
    pub notify: bool,
}

/// What sync says for an offline account instead of trying the network. The only offline accounts are
/// the sample-data mailboxes (`dealbox-demo`), so the message names them the way their users know them.
pub const OFFLINE_NOTHING_TO_SYNC: &str = "demo account: nothing to sync (it holds sample data and has no server)";
/// What sending says for an offline account.
pub const OFFLINE_CANNOT_SEND: &str =
    "demo account: it cannot send (it holds sample data and has no server); add a real account to send mail";

impl Account {
    /// An offline account has no server: its IMAP host is in the reserved `.invalid` domain, which never
    /// resolves (RFC 2606, RFC 6761), as the sample-data mailbox's `demo.invalid` is. Sync records a check
    /// that did nothing instead of a network error, and sending refuses at once.
    pub fn is_offline(&self) -> bool {
        let host = self.imap.host.trim_end_matches('.').to_ascii_lowercase();
        host == "invalid" || host.ends_with(".invalid")
    }

    /// Every address that belongs to this mailbox, lower-cased.
    pub fn all_addresses(&self) -> Vec<String> {
        let mut v = vec![self.email.to_lowercase()];
        for a in &self.addresses {
            let a = a.to_lowercase();
            if !v.contains(&a) {
                v.push(a);
            }
        }
        v
    }

    /// The password, from the keyring or the password command.
    pub fn password(&self, secrets: &dyn Secrets) -> Result<Sensitive<String>> {
        match &self.credential {
            Credential::Command(cmd) => {
                run_password_command(cmd).map_err(|e| e.context(format!("account {}", self.name)))
            }
            Credential::Keyring => secrets.get(&self.secret_ref)?.ok_or_else(|| {
                Error::new(
                    ErrorKind::Keyring,
                    format!("no password for account {} in the keyring; enter it again", self.name),
                )
                .with_hint(Hint::SetPassword { account: self.name.clone() })
            }),
        }
    }

    /// Refuse a cleartext connection unless it stays on this machine or the user said `insecure`.
    pub fn check_cleartext_allowed(&self, ep: &Endpoint) -> Result<()> {
        if ep.security == Security::None && !ep.is_loopback() && !self.insecure {
            return Err(Error::config(format!(
                "{}:{} is set to no encryption; the password would cross the network in clear text. Use tls or \
                 starttls, or mark the account insecure if you really mean it.",
                ep.host, ep.port
            )));
        }
        Ok(())
    }
}

/// Read a CA certificate (PEM) the user gave by path, to trust for this account's servers.
pub fn read_trust_ca(path: &std::path::Path) -> Result<String> {
    std::fs::read_to_string(path).map_err(|e| {
        Error::config(format!("cannot read the CA certificate {}: {e} (give the path of a PEM file)", path.display()))
    })
}

/// A certificate fingerprint as the user accepted it: 64 hex digits (colons and spaces allowed), lower-cased.
pub fn parse_sha256(s: &str) -> Result<String> {
    let hex: String = s.chars().filter(|c| !matches!(c, ':' | ' ')).collect::<String>().to_ascii_lowercase();
    if hex.len() == 64 && hex.chars().all(|c| c.is_ascii_hexdigit()) {
        Ok(hex)
    } else {
        Err(Error::config(format!("'{s}' is not a SHA-256 certificate fingerprint (64 hex digits)")))
    }
}

impl NewAccount {
    /// The account as it would be stored, trusting exactly the server certificate with this SHA-256
    /// fingerprint (one the user accepted after a connection test), to test its settings before saving.
    pub fn unsaved_trusting(self, cert_sha256: Option<&str>) -> Result<Account> {
        let pinned = cert_sha256.map(parse_sha256).transpose()?;
        Ok(Account { pinned_cert_sha256: pinned, ..self.unsaved() })
    }

    /// The account as it would be stored, to test its settings before saving.
    pub fn unsaved(self) -> Account {
        Account {
            id: 0,
            name: self.name,
            email: self.email,
            display_name: self.display_name,
            addresses: self.addresses,
            username: self.username,
            imap: self.imap,
            smtp: self.smtp,
            credential: self.credential,
            secret_ref: String::new(),
            has_trusted_ca: self.trust_ca_pem.is_some(),
            trust_ca_pem: self.trust_ca_pem,
            pinned_cert_sha256: None,
            insecure: self.insecure,
            signature: self.signature,
            fetch_days: self.fetch_days,
            save_sent_copy: self.save_sent_copy,
            notify: self.notify,
        }
    }
}

/// Settings for a new account (or the full new state of an edited one).
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub name: String,
    pub email: String,
    pub display_name: String,
    pub addresses: Vec<String>,
    pub username: String,
    pub imap: Endpoint,
    pub smtp: Endpoint,
    pub credential: Credential,
    pub trust_ca_pem: Option<String>,
    pub insecure: bool,
    pub signature: String,
    pub fetch_days: Option<u32>,
    pub save_sent_copy: bool,
    pub notify: bool,
}

/// The profile-wide setting that caps mailboxes per user (the brief ties it to the plan).
pub const MAX_MAILBOXES_KEY: &str = "max_mailboxes";
pub const DEFAULT_MAX_MAILBOXES: i64 = 10;

pub fn validate_email(addr: &str) -> Result<()> {
    let bad_char = addr.chars().any(|c| c.is_whitespace() || c.is_control() || "<>,;\"".contains(c));
    let ok = match addr.rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty() && !domain.is_empty() && (domain.contains('.') || domain == "localhost")
        }
        None => false,
    };
    if ok && !bad_char && addr.len() <= 254 {
        Ok(())
    } else {
        Err(Error::config(format!("'{}' is not an email address", addr.escape_debug())))
    }
}

pub(super) fn validate(a: &NewAccount) -> Result<()> {
    if a.name.trim().is_empty() || a.name.chars().any(|c| c.is_control()) {
        return Err(Error::config("the account needs a name (letters, digits, no control characters)"));
    }
    validate_email(&a.email)?;
    for extra in &a.addresses {
        validate_email(extra)?;
    }
    if a.username.is_empty() {
        return Err(Error::config("the account needs a user name for the server"));
    }
    if let Credential::Command(c) = &a.credential {
        if c.trim().is_empty() {
            return Err(Error::config("the password command is empty"));
        }
    }
    if let Some(pem) = &a.trust_ca_pem {
        crate::net::parse_pem_certs(pem)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_port_parsing() {
        let e = Endpoint::parse("127.0.0.1:10993", Security::Tls, 993, 143).unwrap();
        assert_eq!((e.host.as_str(), e.port), ("127.0.0.1", 10993));
        let e = Endpoint::parse("imap.example.com", Security::Starttls, 993, 143).unwrap();
        assert_eq!(e.port, 143);
        let e = Endpoint::parse("[::1]:1", Security::Tls, 993, 143).unwrap();
        assert_eq!(e.host, "::1");
        assert!(e.is_loopback());
        assert!(Endpoint::parse("host:abc", Security::Tls, 993, 143).is_err());
    }

    #[test]
    fn a_certificate_fingerprint_is_64_hex_digits_in_any_common_spelling() {
        let hex = "AB".repeat(32);
        assert_eq!(parse_sha256(&hex).unwrap(), "ab".repeat(32));
        let colons = vec!["ab"; 32].join(":");
        assert_eq!(parse_sha256(&colons).unwrap(), "ab".repeat(32));
        assert_eq!(parse_sha256("abcd").unwrap_err().kind, ErrorKind::Config);
        assert!(parse_sha256(&"zz".repeat(32)).is_err());
    }
}
