//! The sample-data profile: one command gives a newcomer a full mailbox and CRM to explore, offline.
//!
//! A second consumer of `dealbox-core` (like the CLI), reaching it only through its public API.
//! [`create_profile`] builds the profile deterministically from a fixed seed and the `now` it is given: a
//! demo mailbox ("Demo Sales") whose servers are `demo.invalid` (a name that can never resolve, RFC 2606),
//! so the core treats it as offline ([`Account::is_offline`]: sync has nothing to fetch, sending refuses);
//! a few hundred realistic messages stored through [`Core::store_messages`] (the real parsing, threading
//! and full-text paths); a CRM written through the CRM repository; and the CRM processing run over the
//! cached mail, so every message has its outcome ("linked", "created", "skipped: why").
//!
//! The profile is built in a temporary sibling directory and renamed into place, so a directory either
//! holds a complete demo profile or nothing of it.

mod data;
mod extras;
mod mail;
mod mime;
mod seed;
mod text;

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dealbox_core::account::{Account, Credential, Endpoint, NewAccount, Security};
use dealbox_core::cache::Fetched;
use dealbox_core::error::{Error, Result};
use dealbox_core::profile::{self, ProfileStats};
use dealbox_core::secrets::Secrets;
use dealbox_core::Core;

pub use extras::WALKTHROUGH_SUBJECT;
pub use seed::PROCESS_DAYS;

/// The server host of the demo mailbox: `.invalid` never resolves, so nothing can reach the network.
pub const DEMO_HOST: &str = "demo.invalid";
/// The directory name of the demo profile inside the platform's data directory.
pub const DIR_NAME: &str = "dealbox-demo";
/// The `settings` key that marks a profile as the demo profile.
pub const MARKER_KEY: &str = "demo_profile";
/// What sync says for the demo mailbox (an offline account) instead of trying the network.
pub const NOTHING_TO_SYNC: &str = dealbox_core::account::OFFLINE_NOTHING_TO_SYNC;
/// What sending says for the demo mailbox.
pub const CANNOT_SEND: &str = dealbox_core::account::OFFLINE_CANNOT_SEND;
/// The demo mailbox's name and address.
pub const ACCOUNT_NAME: &str = data::MAILBOX_NAME;
pub const ACCOUNT_EMAIL: &str = data::MAILBOX_ADDR;

/// The seed of every random choice: the same `now` always gives the same profile.
const SEED: u64 = 0x0DEA_1B0C_5EED_2026;

/// The folders of the demo mailbox: (server name, display name, role).
const FOLDERS: &[(&str, &str, &str)] = &[
    ("INBOX", "Inbox", "inbox"),
    ("Sent", "Sent", "sent"),
    ("Drafts", "Drafts", "drafts"),
    ("Archive", "Archive", "archive"),
    ("Trash", "Trash", "trash"),
    ("Junk", "Junk", "junk"),
];

/// `<data dir>/dealbox-demo` (e.g. `~/.local/share/dealbox-demo` on Linux).
pub fn default_dir() -> PathBuf {
    dirs::data_dir().unwrap_or_else(|| PathBuf::from(".")).join(DIR_NAME)
}

/// The demo mailbox: its servers are [`DEMO_HOST`], so it is also offline ([`Account::is_offline`]).
pub fn is_demo_account(account: &Account) -> bool {
    account.imap.host.eq_ignore_ascii_case(DEMO_HOST)
}

/// Whether `dir` holds a (complete) demo profile. Reads the database without changing it.
pub fn is_demo_profile(dir: &Path) -> bool {
    profile::peek_setting(dir, MARKER_KEY).is_some()
}

fn is_empty_dir(dir: &Path) -> Result<bool> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(Error::config(format!("cannot read {}: {e}", dir.display()))),
    }
}

/// Build the demo profile in `dir`, which must be new or empty, and open it.
pub fn create_profile(dir: &Path, now: i64, secrets: Arc<dyn Secrets>) -> Result<Core> {
    if is_demo_profile(dir) {
        return Err(Error::config(format!(
            "{} already holds the Dealbox demo profile; open it with --profile {} (nothing was changed)",
            dir.display(),
            dir.display()
        )));
    }
    if !is_empty_dir(dir)? {
        return Err(Error::config(format!(
            "{} is not empty; the demo profile needs a new or empty directory (nothing was changed)",
            dir.display()
        )));
    }
    let full = if dir.exists() { dir.canonicalize() } else { std::path::absolute(dir) }
        .map_err(|e| Error::config(format!("cannot resolve {}: {e}", dir.display())))?;
    let (Some(parent), Some(name)) = (full.parent(), full.file_name()) else {
        return Err(Error::config(format!("{} is not a directory name the demo profile can use", dir.display())));
    };
    std::fs::create_dir_all(parent).map_err(|e| Error::storage(format!("cannot create {}: {e}", parent.display())))?;
    let tmp = parent.join(format!(".{}.creating-{}", name.to_string_lossy(), std::process::id()));
    if tmp.exists() {
        std::fs::remove_dir_all(&tmp)
            .map_err(|e| Error::storage(format!("cannot remove the leftover {}: {e}", tmp.display())))?;
    }
    let built = Core::open(&tmp, secrets.clone()).and_then(|core| build(&core, now));
    if let Err(e) = built {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e.context("the demo profile could not be built".to_string()));
    }
    let placed =
        if full.exists() { std::fs::remove_dir(&full) } else { Ok(()) }.and_then(|()| std::fs::rename(&tmp, &full));
    if let Err(e) = placed {
        let _ = std::fs::remove_dir_all(&tmp);
        // Another process (a second window started at the same time) put its demo profile there first.
        if is_demo_profile(&full) {
            return Core::open(&full, secrets);
        }
        return Err(Error::storage(format!("cannot move the demo profile into {}: {e}", full.display())));
    }
    Core::open(&full, secrets)
}

/// Open the demo profile in `dir`, creating it on first use (what `dealbox --demo` and the first-run
/// "Explore with sample data" button call). A non-empty `dir` that is not a demo profile is refused.
pub fn open_or_create(dir: &Path, now: i64, secrets: Arc<dyn Secrets>) -> Result<Core> {
    if is_demo_profile(dir) {
        return Core::open(dir, secrets);
    }
    create_profile(dir, now, secrets)
}

/// The demo account's settings.
fn demo_account() -> NewAccount {
    NewAccount {
        name: ACCOUNT_NAME.into(),
        email: ACCOUNT_EMAIL.into(),
        display_name: ACCOUNT_NAME.into(),
        addresses: vec![],
        username: ACCOUNT_EMAIL.into(),
        imap: Endpoint { host: DEMO_HOST.into(), port: 993, security: Security::Tls },
        smtp: Endpoint { host: DEMO_HOST.into(), port: 465, security: Security::Tls },
        // Never the keyring: the demo must work on machines without one, and leave nothing behind.
        credential: Credential::Command("echo demo-password-not-real".into()),
        trust_ca_pem: None,
        insecure: false,
        signature: "Demo Sales · Dealbox sample data".into(),
        fetch_days: None,
        save_sent_copy: true,
        notify: false,
    }
}

fn build(core: &Core, now: i64) -> Result<()> {
    let account = core.accounts().add(&demo_account(), None)?;
    let mut folders = Vec::with_capacity(FOLDERS.len());
    for (name, display, role) in FOLDERS {
        folders.push((*role, core.add_folder(account.id, name, display, Some(role))?));
    }
    let mut rng = mail::Rng::new(SEED);
    core.crm().transaction(|repo| seed::seed(repo, account.id, now, &mut rng))?;
    let mut gen = mail::Gen::new(now, SEED.rotate_left(17));
    gen.client_threads();
    gen.extras();
    store_all(core, account.id, &folders, &gen.out)?;
    let report = core.crm().process_account(account.id, now)?;
    if let Some(e) = report.errors.first() {
        return Err(Error::internal(format!("CRM processing of the sample mail failed: {e}")));
    }
    core.set_setting(MARKER_KEY, &now.to_string())
}

/// Store the messages oldest first, as a sync would deliver them (UIDs ascending per folder), so threads
/// form across folders exactly as they do for real mail.
fn store_all(core: &Core, account_id: i64, folders: &[(&str, i64)], msgs: &[mail::DemoMessage]) -> Result<()> {
    let mut order: Vec<usize> = (0..msgs.len()).collect();
    order.sort_by_key(|&i| (msgs[i].mail.date, i));
    let raws: Vec<Vec<u8>> = msgs.iter().map(|m| m.mail.to_raw()).collect();
    let mut next_uid: Vec<u32> = vec![1; folders.len()];
    let mut start = 0;
    while start < order.len() {
        let role = msgs[order[start]].role;
        let mut end = start;
        while end < order.len() && msgs[order[end]].role == role {
            end += 1;
        }
        let f = folders
            .iter()
            .position(|(r, _)| *r == role)
            .ok_or_else(|| Error::internal(format!("the demo mailbox has no {role} folder")))?;
        let batch: Vec<Fetched<'_>> = order[start..end]
            .iter()
            .map(|&i| {
                let uid = next_uid[f];
                next_uid[f] += 1;
                Fetched {
                    uid,
                    flags: msgs[i].flags(),
                    modseq: None,
                    size: raws[i].len() as u64,
                    raw: &raws[i],
                    internal_date: Some(msgs[i].mail.date),
                }
            })
            .collect();
        core.store_messages(account_id, folders[f].1, &batch)?;
        start = end;
    }
    Ok(())
}

/// What a demo profile holds, for the CLI's and the app's "created" message.
pub type Summary = ProfileStats;

/// Count what the profile holds (read only).
pub fn summary(core: &Core) -> Result<Summary> {
    core.stats()
}

#[cfg(test)]
mod tests {
    use super::*;
    use dealbox_core::secrets::NoSecrets;
    use dealbox_core::sync::{self, status, SyncOptions};

    const NOW: i64 = 1_793_869_200;

    #[tokio::test]
    async fn the_demo_mailbox_never_reaches_the_network_and_needs_no_keyring() {
        let tmp = tempfile::tempdir().unwrap();
        let core = create_profile(&tmp.path().join("demo"), NOW, Arc::new(NoSecrets("no keyring".into()))).unwrap();
        let acc = core.accounts().find(ACCOUNT_NAME).unwrap();
        assert!(is_demo_account(&acc));
        assert!(acc.is_offline(), "the core must know the demo mailbox has no server");
        assert!(acc.password(core.secrets.as_ref()).is_ok(), "the password command works without a keyring");
        let opts = SyncOptions { now: NOW, ..SyncOptions::default() };
        let report = core.check_account(&acc, &opts, &sync::no_events()).await.unwrap();
        assert_eq!((report.added, report.folders), (0, 0));
        let s = status::load(core.store(), acc.id).unwrap();
        assert_eq!((s.last_check, s.failures), (Some(NOW), 0), "a check that did nothing, not a failure");

        let draft = dealbox_core::send::compose::Draft {
            to: vec!["anna.schneider@nordwind-logistik.test".into()],
            subject: "Training dates".into(),
            text: "January works.".into(),
            ..Default::default()
        };
        let err = dealbox_core::send::outbox::enqueue(core.store(), &acc, &draft).err().unwrap();
        assert_eq!(err.message, CANNOT_SEND);
        assert!(dealbox_core::send::outbox::list(core.store(), None).unwrap().is_empty());
    }
}
