//! The per-account settings a person changes in the app's Settings: how much mail to keep offline, new-mail
//! notifications, the signature, and the mailbox's CRM settings — read and saved together.

use crate::account::{Account, Accounts, NewAccount};
use crate::crm::model::MailboxSettings;
use crate::crm::repo::TeamRepo;
use crate::crm::sqlite::{self, SqliteCrm};
use crate::error::{Error, Result};
use crate::secrets::Secrets;
use crate::store::Store;

/// Longest signature accepted (characters): a signature, not a newsletter.
pub const MAX_SIGNATURE: usize = 10_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccountSettings {
    pub account_id: i64,
    /// Keep mail of the last N days offline; `None` is all mail.
    pub fetch_days: Option<u32>,
    pub notify: bool,
    pub signature: String,
    pub crm: MailboxSettings,
}

pub fn load(store: &Store, secrets: &dyn Secrets, account_id: i64) -> Result<AccountSettings> {
    let a = Accounts { store, secrets }.get(account_id)?;
    let crm = SqliteCrm::new(&*store.conn()?).mailbox_settings(account_id)?;
    Ok(AccountSettings { account_id, fetch_days: a.fetch_days, notify: a.notify, signature: a.signature, crm })
}

fn as_new(a: Account) -> NewAccount {
    NewAccount {
        name: a.name,
        email: a.email,
        display_name: a.display_name,
        addresses: a.addresses,
        username: a.username,
        imap: a.imap,
        smtp: a.smtp,
        credential: a.credential,
        trust_ca_pem: a.trust_ca_pem,
        insecure: a.insecure,
        signature: a.signature,
        fetch_days: a.fetch_days,
        save_sent_copy: a.save_sent_copy,
        notify: a.notify,
    }
}

/// Save everything; nothing is saved when any part is invalid (the CRM part is checked first).
pub fn save(store: &Store, secrets: &dyn Secrets, s: &AccountSettings, now: i64) -> Result<AccountSettings> {
    if s.fetch_days == Some(0) {
        return Err(Error::config("keep mail offline for at least one day (or choose all mail)"));
    }
    let signature = s.signature.replace("\r\n", "\n");
    if signature.chars().count() > MAX_SIGNATURE {
        return Err(Error::config(format!("the signature is too long (at most {MAX_SIGNATURE} characters)")));
    }
    if signature.chars().any(|c| c.is_control() && c != '\n' && c != '\t') {
        return Err(Error::config("the signature contains control characters"));
    }
    if s.crm.account_id != s.account_id {
        return Err(Error::config("the CRM settings belong to another mailbox"));
    }
    let accounts = Accounts { store, secrets };
    let old = accounts.get(s.account_id)?;
    sqlite::write(store, |crm| {
        let mut next = s.crm.clone();
        let before = crm.mailbox_settings(s.account_id)?;
        // The round-robin continues where it was unless the queue itself changed.
        next.queue_position = if before.queue == next.queue { before.queue_position } else { 0 };
        next.lead_source = next.lead_source.trim().to_string();
        crm.save_mailbox_settings(&next, now)
    })?;
    let mut new = as_new(old);
    new.fetch_days = s.fetch_days;
    new.notify = s.notify;
    new.signature = signature;
    accounts.update(s.account_id, &new, None)?;
    load(store, secrets, s.account_id)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::account::{Credential, Endpoint, Security};
    use crate::secrets::NoSecrets;

    fn setup() -> (tempfile::TempDir, crate::Core) {
        let dir = tempfile::tempdir().unwrap();
        let core = crate::Core::open(dir.path(), std::sync::Arc::new(NoSecrets(String::new()))).unwrap();
        let ep = |p| Endpoint { host: "127.0.0.1".into(), port: p, security: Security::None };
        let new = NewAccount {
            name: "work".into(),
            email: "alice@example.test".into(),
            display_name: "Alice".into(),
            addresses: vec![],
            username: "alice".into(),
            imap: ep(10143),
            smtp: ep(10587),
            credential: Credential::Command("echo pw".into()),
            trust_ca_pem: None,
            insecure: false,
            signature: String::new(),
            fetch_days: Some(30),
            save_sent_copy: true,
            notify: true,
        };
        core.accounts().add(&new, None).unwrap();
        (dir, core)
    }

    #[test]
    fn settings_are_saved_and_read_back() {
        let (_d, core) = setup();
        let id = core.accounts().list().unwrap()[0].id;
        let mut s = load(&core.store, &NoSecrets(String::new()), id).unwrap();
        assert_eq!((s.fetch_days, s.notify, s.signature.as_str()), (Some(30), true, ""));
        s.fetch_days = Some(90);
        s.notify = false;
        s.signature = "-- \r\nAlice, ACME sales".into();
        s.crm.process_days = 7;
        s.crm.lead_source = "  Website ".into();
        s.crm.always_new_lead = vec!["forms@example.test".into()];
        let saved = save(&core.store, &NoSecrets(String::new()), &s, 100).unwrap();
        assert_eq!(saved.signature, "-- \nAlice, ACME sales");
        assert_eq!((saved.fetch_days, saved.notify), (Some(90), false));
        assert_eq!((saved.crm.process_days, saved.crm.lead_source.as_str()), (7, "Website"));
        assert_eq!(saved.crm.always_new_lead, ["forms@example.test"]);
        // The account's other settings are untouched.
        let a = core.accounts().get(id).unwrap();
        assert_eq!((a.name.as_str(), a.imap.port), ("work", 10143));
    }

    #[test]
    fn an_invalid_part_saves_nothing() {
        let (_d, core) = setup();
        let id = core.accounts().list().unwrap()[0].id;
        let mut s = load(&core.store, &NoSecrets(String::new()), id).unwrap();
        s.signature = "new".into();
        s.crm.queue = vec![999]; // no such CRM user
        assert!(save(&core.store, &NoSecrets(String::new()), &s, 100).is_err());
        assert_eq!(core.accounts().get(id).unwrap().signature, "");
        s.crm.queue = vec![];
        s.fetch_days = Some(0);
        assert!(save(&core.store, &NoSecrets(String::new()), &s, 100).is_err());
        assert_eq!(core.accounts().get(id).unwrap().signature, "");
    }
}
