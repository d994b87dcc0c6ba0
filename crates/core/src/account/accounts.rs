//! The accounts of a profile: rows of `accounts`, each with its password in the `Secrets` store.

use rusqlite::{params, OptionalExtension, Row};

use super::{validate, Account, Credential, Endpoint, NewAccount, Security, DEFAULT_MAX_MAILBOXES, MAX_MAILBOXES_KEY};
use crate::error::{Error, ErrorKind, Hint, Result, Sensitive};
use crate::secrets::Secrets;
use crate::store::{unix_now, Store};

const COLUMNS: &str = r"id, name, email, display_name, addresses, username, imap_host, imap_port, imap_security,
    smtp_host, smtp_port, smtp_security, credential, secret_ref, password_command, trust_ca_pem,
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
        found.ok_or_else(|| Error::not_found(format!("no account named '{name_or_id}'")).with_hint(Hint::ListAccounts))
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
    /// [`Accounts::add`], trusting exactly the server certificate with this SHA-256 fingerprint (the user
    /// accepted it after a connection test showed it); nothing is added when the fingerprint is malformed.
    pub fn add_trusting(
        &self,
        a: &NewAccount,
        password: Option<&Sensitive<String>>,
        cert_sha256: Option<&str>,
    ) -> Result<Account> {
        let pinned = cert_sha256.map(super::parse_sha256).transpose()?;
        let added = self.add(a, password)?;
        if let Some(sha) = pinned {
            self.pin_certificate(added.id, Some(&sha))?;
            return self.get(added.id);
        }
        Ok(added)
    }

    pub fn add(&self, a: &NewAccount, password: Option<&Sensitive<String>>) -> Result<Account> {
        validate(a)?;
        let limit = self.max_mailboxes()?;
        let count: i64 = self.store.conn()?.query_row("SELECT COUNT(*) FROM accounts", [], |r| r.get(0))?;
        if count >= limit {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "this profile already has {count} of {limit} mailboxes allowed by your plan; remove one or \
                     raise the limit"
                ),
            )
            .with_hint(Hint::RaiseLimit { limit }));
        }
        if self.find(&a.name).is_ok() {
            return Err(Error::config(format!("an account named '{}' already exists", a.name)));
        }
        let secret_ref = new_secret_ref();
        if a.credential == Credential::Keyring {
            let pw = password.ok_or_else(|| {
                Error::config("a password is needed (or a command that prints it)")
                    .with_hint(Hint::SetPassword { account: a.name.clone() })
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
                    return Err(Error::config("switching to the keyring needs the password")
                        .with_hint(Hint::SetPassword { account: a.name.clone() }))
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
                     remove the account anyway and drop them",
                    acc.name
                ))
                .with_hint(Hint::RemoveAnyway { account: acc.name.clone() }));
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
    use crate::account::{Credential, Endpoint, NewAccount, Security};
    use crate::error::Sensitive;
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
