//! Senders whose remote content (images, CSS, fonts) the user allowed "always for this sender", per
//! account. The reader asks [`is_allowed`] before sanitising; tracking pixels stay blocked regardless.

use rusqlite::{params, OptionalExtension};

use crate::crm::model::norm_address;
use crate::error::{Error, Result};
use crate::store::Store;

fn sender_key(sender: &str) -> Result<String> {
    norm_address(sender).ok_or_else(|| Error::config(format!("'{sender}' is not an email address")))
}

/// Does `account_id` load remote content from `sender` without asking?
pub fn is_allowed(store: &Store, account_id: i64, sender: &str) -> Result<bool> {
    let Some(key) = norm_address(sender) else { return Ok(false) };
    let conn = store.conn()?;
    Ok(conn
        .query_row(
            "SELECT 1 FROM remote_content_allowed WHERE account_id = ?1 AND sender = ?2",
            params![account_id, key],
            |_| Ok(()),
        )
        .optional()?
        .is_some())
}

/// Always load remote content from `sender` in this account (idempotent).
pub fn allow(store: &Store, account_id: i64, sender: &str, now: i64) -> Result<()> {
    let key = sender_key(sender)?;
    let conn = store.conn()?;
    conn.execute(
        r"INSERT INTO remote_content_allowed (account_id, sender, created_at) VALUES (?1, ?2, ?3)
         ON CONFLICT (account_id, sender) DO NOTHING",
        params![account_id, key, now],
    )?;
    Ok(())
}

/// Ask again before loading remote content from `sender`.
pub fn revoke(store: &Store, account_id: i64, sender: &str) -> Result<()> {
    let key = sender_key(sender)?;
    let conn = store.conn()?;
    conn.execute("DELETE FROM remote_content_allowed WHERE account_id = ?1 AND sender = ?2", params![account_id, key])?;
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn store_with_accounts() -> Store {
        let s = Store::open_in_memory().unwrap();
        {
            let c = s.conn().unwrap();
            for id in [1, 2] {
                c.execute(
                    r"INSERT INTO accounts (id, name, email, username, imap_host, imap_port, imap_security, smtp_host,
                     smtp_port, smtp_security, credential, secret_ref, created_at)
                     VALUES (?1, ?2, 'a@x.test', 'a', 'h', 993, 'tls', 'h', 465, 'tls', 'keyring', ?2, 0)",
                    rusqlite::params![id, format!("a{id}")],
                )
                .unwrap();
            }
        }
        s
    }

    #[test]
    fn a_sender_allowed_always_stays_allowed_for_that_account_only() {
        let s = store_with_accounts();
        assert!(!is_allowed(&s, 1, "news@shop.test").unwrap());
        allow(&s, 1, " News@Shop.test ", 100).unwrap();
        allow(&s, 1, "news@shop.test", 200).unwrap();
        assert!(is_allowed(&s, 1, "NEWS@shop.test").unwrap());
        assert!(!is_allowed(&s, 2, "news@shop.test").unwrap(), "per account");
        assert!(!is_allowed(&s, 1, "other@shop.test").unwrap());
        revoke(&s, 1, "news@shop.test").unwrap();
        assert!(!is_allowed(&s, 1, "news@shop.test").unwrap());
    }

    #[test]
    fn garbage_senders_are_refused_and_never_allowed() {
        let s = store_with_accounts();
        assert!(allow(&s, 1, "not an address", 1).is_err());
        assert!(!is_allowed(&s, 1, "").unwrap());
    }
}
