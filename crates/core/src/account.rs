//! Mail accounts: settings in SQLite, the password in the `Secrets` store (never in SQLite).

use std::fmt;
use std::str::FromStr;

use rusqlite::{params, OptionalExtension, Row};
use serde::Serialize;

use crate::error::{Error, ErrorKind, Result, Sensitive};
use crate::secrets::{run_password_command, Secrets};
use crate::store::{unix_now, Store};

/// How a connection is protected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

impl Account {
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
                    format!(
                        "no password for account {} in the keyring; set it again with \
                         `dealbox-cli account edit {} --password-stdin`",
                        self.name, self.name
                    ),
                )
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

fn validate(a: &NewAccount) -> Result<()> {
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

const COLUMNS: &str = "id, name, email, display_name, addresses, username, imap_host, imap_port, imap_security, \
    smtp_host, smtp_port, smtp_security, credential, secret_ref, password_command, trust_ca_pem, \
    pinned_cert_sha256, insecure, signature, fetch_days, save_sent_copy, notify";

fn from_row(r: &Row<'_>) -> rusqlite::Result<Account> {
    let sec = |s: String| s.parse::<Security>().unwrap_or(Security::Tls);
    let addresses: String = r.get(4)?;
    let credential: String = r.get(12)?;
    let command: Option<String> = r.get(14)?;
    let trust: Option<String> = r.get(15)?;
    Ok(Account {
        id: r.get(0)?,
        name: r.get(1)?,
        email: r.get(2)?,
        display_name: r.get(3)?,
        addresses: serde_json::from_str(&addresses).unwrap_or_default(),
        username: r.get(5)?,
        imap: Endpoint { host: r.get(6)?, port: r.get(7)?, security: sec(r.get(8)?) },
        smtp: Endpoint { host: r.get(9)?, port: r.get(10)?, security: sec(r.get(11)?) },
        credential: if credential == "command" {
            Credential::Command(command.unwrap_or_default())
        } else {
            Credential::Keyring
        },
        secret_ref: r.get(13)?,
        has_trusted_ca: trust.is_some(),
        trust_ca_pem: trust,
        pinned_cert_sha256: r.get(16)?,
        insecure: r.get(17)?,
        signature: r.get(18)?,
        fetch_days: r.get(19)?,
        save_sent_copy: r.get(20)?,
        notify: r.get(21)?,
    })
}

fn new_secret_ref() -> String {
    use sha2::{Digest, Sha256};
    let mut h = Sha256::new();
    h.update(unix_now().to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    let t = crate::time::unix_nanos();
    h.update(t.to_le_bytes());
    let stack = 0u8;
    h.update(format!("{:p}", &stack).as_bytes());
    format!("account-{}", &hex::encode(h.finalize())[..32])
}

/// Account operations on a store and a secrets backend.
pub struct Accounts<'a> {
    pub store: &'a Store,
    pub secrets: &'a dyn Secrets,
}

impl Accounts<'_> {
    pub fn list(&self) -> Result<Vec<Account>> {
        let conn = self.store.conn()?;
        let mut st = conn.prepare(&format!("SELECT {COLUMNS} FROM accounts ORDER BY id"))?;
        let rows = st.query_map([], from_row)?.collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    pub fn get(&self, id: i64) -> Result<Account> {
        let conn = self.store.conn()?;
        conn.query_row(&format!("SELECT {COLUMNS} FROM accounts WHERE id = ?1"), [id], from_row)
            .optional()?
            .ok_or_else(|| Error::not_found(format!("no account with id {id}")))
    }

    /// Find by name (or by numeric id, or by email address).
    pub fn find(&self, name_or_id: &str) -> Result<Account> {
        let conn = self.store.conn()?;
        let found = conn
            .query_row(
                &format!("SELECT {COLUMNS} FROM accounts WHERE name = ?1 OR CAST(id AS TEXT) = ?1 OR email = ?1 COLLATE NOCASE ORDER BY name = ?1 DESC LIMIT 1"),
                [name_or_id],
                from_row,
            )
            .optional()?;
        found.ok_or_else(|| {
            Error::not_found(format!("no account named '{name_or_id}' (see `dealbox-cli account list`)"))
        })
    }

    pub fn max_mailboxes(&self) -> Result<i64> {
        let conn = self.store.conn()?;
        let v: Option<String> = conn
            .query_row("SELECT value FROM settings WHERE key = ?1", [MAX_MAILBOXES_KEY], |r| r.get(0))
            .optional()?;
        Ok(v.and_then(|v| v.parse().ok()).unwrap_or(DEFAULT_MAX_MAILBOXES))
    }

    pub fn set_max_mailboxes(&self, n: i64) -> Result<()> {
        if n < 1 {
            return Err(Error::config("the mailbox limit must be at least 1"));
        }
        self.store.conn()?.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![MAX_MAILBOXES_KEY, n.to_string()],
        )?;
        Ok(())
    }

    /// Add an account. With `Credential::Keyring` the password goes to the keyring first; if the keyring
    /// cannot take it, nothing is written anywhere.
    pub fn add(&self, a: &NewAccount, password: Option<&Sensitive<String>>) -> Result<Account> {
        validate(a)?;
        let limit = self.max_mailboxes()?;
        let count: i64 = self.store.conn()?.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0))?;
        if count >= limit {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "this profile already has {count} of {limit} mailboxes allowed by your plan; remove one or \
                     raise the limit (`dealbox-cli account limit N`)"
                ),
            ));
        }
        if self.find(&a.name).is_ok() {
            return Err(Error::config(format!("an account named '{}' already exists", a.name)));
        }
        let secret_ref = new_secret_ref();
        if a.credential == Credential::Keyring {
            let pw = password.ok_or_else(|| {
                Error::config("a password is needed: give --password-stdin, or --password-command CMD")
            })?;
            self.secrets.status().map_err(|e| e.context("cannot store the password in the OS keyring"))?;
            self.secrets.set(&secret_ref, pw)?;
        }
        let insert = self.insert(a, &secret_ref);
        match insert {
            Ok(id) => self.get(id),
            Err(e) => {
                if a.credential == Credential::Keyring {
                    let _ = self.secrets.delete(&secret_ref);
                }
                Err(e)
            }
        }
    }

    fn insert(&self, a: &NewAccount, secret_ref: &str) -> Result<i64> {
        let conn = self.store.conn()?;
        conn.execute(
            r"INSERT INTO accounts (name, email, display_name, addresses, username, imap_host, imap_port,
             imap_security, smtp_host, smtp_port, smtp_security, credential, secret_ref, password_command,
             trust_ca_pem, insecure, signature, fetch_days, save_sent_copy, notify, created_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17, ?18, ?19, ?20, ?21)",
            params![
                a.name,
                a.email,
                a.display_name,
                serde_json::to_string(&a.addresses)?,
                a.username,
                a.imap.host,
                a.imap.port,
                a.imap.security.to_string(),
                a.smtp.host,
                a.smtp.port,
                a.smtp.security.to_string(),
                credential_kind(&a.credential),
                secret_ref,
                credential_command(&a.credential),
                a.trust_ca_pem,
                a.insecure,
                a.signature,
                a.fetch_days,
                a.save_sent_copy,
                a.notify,
                unix_now(),
            ],
        )?;
        Ok(conn.last_insert_rowid())
    }

    /// Replace an account's settings; a new password (if given) replaces the keyring entry.
    pub fn update(&self, id: i64, a: &NewAccount, password: Option<&Sensitive<String>>) -> Result<Account> {
        validate(a)?;
        let old = self.get(id)?;
        if old.name != a.name && self.find(&a.name).map(|o| o.id != id).unwrap_or(false) {
            return Err(Error::config(format!("an account named '{}' already exists", a.name)));
        }
        if a.credential == Credential::Keyring {
            match password {
                Some(pw) => self.secrets.set(&old.secret_ref, pw)?,
                None if old.credential != Credential::Keyring => {
                    return Err(Error::config("switching to the keyring needs the password: give --password-stdin"))
                }
                None => {}
            }
        }
        {
            let conn = self.store.conn()?;
            conn.execute(
                r"UPDATE accounts SET name = ?1, email = ?2, display_name = ?3, addresses = ?4, username = ?5,
                 imap_host = ?6, imap_port = ?7, imap_security = ?8, smtp_host = ?9, smtp_port = ?10,
                 smtp_security = ?11, credential = ?12, password_command = ?13, trust_ca_pem = ?14, insecure = ?15,
                 signature = ?16, fetch_days = ?17, save_sent_copy = ?18, notify = ?19 WHERE id = ?20",
                params![
                    a.name,
                    a.email,
                    a.display_name,
                    serde_json::to_string(&a.addresses)?,
                    a.username,
                    a.imap.host,
                    a.imap.port,
                    a.imap.security.to_string(),
                    a.smtp.host,
                    a.smtp.port,
                    a.smtp.security.to_string(),
                    credential_kind(&a.credential),
                    credential_command(&a.credential),
                    a.trust_ca_pem,
                    a.insecure,
                    a.signature,
                    a.fetch_days,
                    a.save_sent_copy,
                    a.notify,
                    id
                ],
            )?;
        }
        if old.credential == Credential::Keyring && a.credential != Credential::Keyring {
            self.secrets.delete(&old.secret_ref)?;
        }
        self.get(id)
    }

    /// Store a user-confirmed certificate exception (SHA-256 of the server certificate), or clear it.
    pub fn pin_certificate(&self, id: i64, sha256_hex: Option<&str>) -> Result<()> {
        self.store.conn()?.execute(
            "UPDATE accounts SET pinned_cert_sha256 = ?1 WHERE id = ?2",
            params![sha256_hex.map(|s| s.to_ascii_lowercase()), id],
        )?;
        Ok(())
    }

    /// Remove an account, its cache and its keyring entry. Refused while its outbox holds unsent mail,
    /// unless `force` (the unsent mail is then dropped, as the user asked).
    pub fn remove(&self, id: i64, force: bool) -> Result<()> {
        let acc = self.get(id)?;
        {
            let mut conn = self.store.conn()?;
            let unsent: i64 =
                conn.query_row("SELECT COUNT(*) FROM outbox WHERE account_id = ?1 AND state != 'sent'", [id], |r| {
                    r.get(0)
                })?;
            if unsent > 0 && !force {
                return Err(Error::config(format!(
                    "account {} still has {unsent} unsent message(s) in the outbox; send or delete them first, or \
                     remove with --force to drop them",
                    acc.name
                )));
            }
            let tx = conn.transaction()?;
            tx.execute(
                "DELETE FROM messages_fts WHERE rowid IN (SELECT id FROM messages WHERE account_id = ?1)",
                [id],
            )?;
            tx.execute("DELETE FROM outbox WHERE account_id = ?1", [id])?;
            tx.execute("DELETE FROM accounts WHERE id = ?1", [id])?;
            tx.commit()?;
        }
        if acc.credential == Credential::Keyring {
            if let Err(e) = self.secrets.delete(&acc.secret_ref) {
                tracing::warn!(account = %acc.name, error = %e, "could not delete the keyring entry");
            }
        }
        Ok(())
    }
}

fn credential_kind(c: &Credential) -> &'static str {
    match c {
        Credential::Keyring => "keyring",
        Credential::Command(_) => "command",
    }
}

fn credential_command(c: &Credential) -> Option<&str> {
    match c {
        Credential::Keyring => None,
        Credential::Command(cmd) => Some(cmd),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::secrets::MemorySecrets;

    pub(crate) fn sample(name: &str) -> NewAccount {
        NewAccount {
            name: name.into(),
            email: format!("{name}@example.test"),
            display_name: "Alice Example".into(),
            addresses: vec![],
            username: name.into(),
            imap: Endpoint { host: "127.0.0.1".into(), port: 10993, security: Security::Tls },
            smtp: Endpoint { host: "127.0.0.1".into(), port: 10465, security: Security::Tls },
            credential: Credential::Keyring,
            trust_ca_pem: None,
            insecure: false,
            signature: String::new(),
            fetch_days: Some(30),
            save_sent_copy: true,
            notify: true,
        }
    }

    #[test]
    fn password_goes_to_secrets_not_to_sqlite() {
        let store = Store::open_in_memory().unwrap();
        let secrets = MemorySecrets::default();
        let accs = Accounts { store: &store, secrets: &secrets };
        let a = accs.add(&sample("alice"), Some(&Sensitive::new("canary-pw-123".into()))).unwrap();
        assert_eq!(a.password(&secrets).unwrap().expose(), "canary-pw-123");
        let conn = store.conn().unwrap();
        let dump: String = conn
            .query_row("SELECT group_concat(quote(accounts.*)) FROM accounts", [], |r| r.get(0))
            .unwrap_or_default();
        assert!(!dump.contains("canary-pw-123"));
    }

    #[test]
    fn mailbox_limit_is_enforced_with_a_clear_error() {
        let store = Store::open_in_memory().unwrap();
        let secrets = MemorySecrets::default();
        let accs = Accounts { store: &store, secrets: &secrets };
        accs.set_max_mailboxes(1).unwrap();
        accs.add(&sample("alice"), Some(&Sensitive::new("x".into()))).unwrap();
        let err = accs.add(&sample("bob"), Some(&Sensitive::new("x".into()))).unwrap_err();
        assert_eq!(err.kind, ErrorKind::Limit);
        assert!(err.message.contains("1 of 1 mailboxes"), "{err}");
    }

    #[test]
    fn removing_an_account_deletes_its_keyring_entry() {
        let store = Store::open_in_memory().unwrap();
        let secrets = MemorySecrets::default();
        let accs = Accounts { store: &store, secrets: &secrets };
        let a = accs.add(&sample("alice"), Some(&Sensitive::new("x".into()))).unwrap();
        accs.remove(a.id, false).unwrap();
        assert!(secrets.get(&a.secret_ref).unwrap().is_none());
        assert!(accs.list().unwrap().is_empty());
    }

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
    fn cleartext_is_refused_off_loopback() {
        let store = Store::open_in_memory().unwrap();
        let secrets = MemorySecrets::default();
        let accs = Accounts { store: &store, secrets: &secrets };
        let mut n = sample("alice");
        n.imap = Endpoint { host: "imap.example.com".into(), port: 143, security: Security::None };
        let a = accs.add(&n, Some(&Sensitive::new("x".into()))).unwrap();
        assert!(a.check_cleartext_allowed(&a.imap).is_err());
        assert!(a
            .check_cleartext_allowed(&Endpoint { host: "127.0.0.1".into(), port: 1, security: Security::None })
            .is_ok());
    }
}
