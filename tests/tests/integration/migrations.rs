//! The profile database across versions: a fresh one, an upgrade from schema version 1 with accounts, mail and
//! an outbox in it (everything kept, mailboxes keep working), and a database from a newer Dealbox refused.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::path::Path;
use std::sync::Arc;

use dealbox_core::account::{Credential, Security};
use dealbox_core::secrets::{MemorySecrets, Secrets};
use dealbox_core::store::{latest_version, Store, DB_FILE};
use dealbox_core::{query, Core, Sensitive};
use dealbox_tests::{MailServer, Profile};
use rusqlite::{params, Connection};

const TABLES: &[&str] = &[
    "settings",
    "accounts",
    "folders",
    "messages",
    "bodies",
    "attachments",
    "messages_fts",
    "pending_changes",
    "outbox",
];

fn tables(conn: &Connection) -> Vec<String> {
    let mut st = conn.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").unwrap();
    st.query_map([], |r| r.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

fn user_version(path: &Path) -> i64 {
    Connection::open(path).unwrap().query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap()
}

#[test]
fn a_fresh_profile_gets_every_table_at_the_latest_version() {
    let profile = Profile::new();
    let core = Core::open(profile.path(), Arc::new(MemorySecrets::default())).unwrap();
    assert_eq!(core.store().version().unwrap(), latest_version());
    let have = tables(&core.store().conn().unwrap());
    for t in TABLES {
        assert!(have.iter().any(|h| h == t), "table {t} is missing; have {have:?}");
    }
    assert!(core.accounts().list().unwrap().is_empty());
}

/// What a Dealbox with schema version 1 wrote: two accounts (keyring and password command), a folder with
/// its sync cursor, a message with body and FTS entry, a pending flag change, an outbox row and a setting.
/// Plain SQL against the version-1 schema, as that version's code wrote it.
fn write_version_1_profile(dir: &Path, imap: (&str, u16), smtp: (&str, u16)) {
    let store = Store::open_upto(&dir.join(DB_FILE), 1).unwrap();
    assert_eq!(store.version().unwrap(), 1);
    let conn = store.conn().unwrap();
    conn.execute(
        "INSERT INTO accounts (id, name, email, display_name, addresses, username, imap_host, imap_port, \
         imap_security, smtp_host, smtp_port, smtp_security, credential, secret_ref, password_command, \
         trust_ca_pem, insecure, signature, fetch_days, save_sent_copy, notify, created_at) \
         VALUES (1, 'work', 'alice@example.test', 'Alice Example', '[\"sales@example.test\"]', 'alice', ?1, ?2, \
         'tls', ?3, ?4, 'tls', 'keyring', 'account-v1-work', NULL, NULL, 0, '-- \nAlice', 30, 1, 1, 1700000000)",
        params![imap.0, imap.1, smtp.0, smtp.1],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO accounts (id, name, email, username, imap_host, imap_port, imap_security, smtp_host, \
         smtp_port, smtp_security, credential, secret_ref, password_command, created_at) \
         VALUES (2, 'cmd', 'alice@example.test', 'alice', ?1, ?2, 'starttls', ?3, ?4, 'starttls', 'command', \
         'account-v1-cmd', 'printf %s alice-pw', 1700000001)",
        params![imap.0, imap.1, smtp.0, smtp.1],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO folders (id, account_id, name, display_name, delimiter, role, uidvalidity, uidnext, \
         highestmodseq, last_sync) VALUES (10, 1, 'INBOX', 'Inbox', '/', 'inbox', 1234, 43, 99, 1700000100)",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO messages (id, account_id, folder_id, uid, message_id, subject, from_name, from_addr, to_json, \
         date, size, flags, modseq, has_attachments, body_state) \
         VALUES (100, 1, 10, 42, '<renewal-1@example.test>', 'Contract renewal for Acme', 'Jane Buyer', \
         'jane@acme.example', '[]', 1700000050, 2048, '\\Seen \\Flagged', 98, 0, 'fetched')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO bodies (message_id, raw, text) VALUES (100, ?1, 'Please send the quote for the renewal.')",
        [b"Subject: Contract renewal for Acme\r\n\r\nPlease send the quote for the renewal.\r\n".as_slice()],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO messages_fts (rowid, subject, addresses, body) VALUES (100, 'Contract renewal for Acme', \
         'jane@acme.example Jane Buyer', 'Please send the quote for the renewal.')",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO pending_changes (account_id, folder_name, uid, kind, arg, created_at) \
         VALUES (1, 'INBOX', 42, 'add_flags', '\\Answered', 1700000200)",
        [],
    )
    .unwrap();
    conn.execute(
        "INSERT INTO outbox (account_id, message_id, envelope_from, recipients, raw, state, attempts, created_at) \
         VALUES (1, '<quote-1@example.test>', 'alice@example.test', '[\"jane@acme.example\"]', ?1, 'queued', 1, \
         1700000300)",
        [b"Subject: Quote\r\n\r\nHere is the quote.\r\n".as_slice()],
    )
    .unwrap();
    conn.execute("INSERT INTO settings (key, value) VALUES ('max_mailboxes', '3')", []).unwrap();
}

#[test]
fn upgrading_a_version_1_profile_keeps_accounts_mail_changes_and_outbox() {
    let profile = Profile::new();
    write_version_1_profile(profile.path(), ("127.0.0.1", 10993), ("127.0.0.1", 10465));
    let secrets = Arc::new(MemorySecrets::default());
    secrets.set("account-v1-work", &Sensitive::new("kept-in-keyring".into())).unwrap();

    let core = Core::open(profile.path(), secrets.clone()).unwrap();
    assert_eq!(core.store().version().unwrap(), latest_version());
    assert_eq!(user_version(&profile.path().join(DB_FILE)), latest_version());

    let accounts = core.accounts().list().unwrap();
    assert_eq!(accounts.iter().map(|a| a.name.as_str()).collect::<Vec<_>>(), ["work", "cmd"]);
    let work = &accounts[0];
    assert_eq!(work.email, "alice@example.test");
    assert_eq!(work.display_name, "Alice Example");
    assert_eq!(work.addresses, ["sales@example.test"]);
    assert_eq!(work.username, "alice");
    assert_eq!((work.imap.host.as_str(), work.imap.port, work.imap.security), ("127.0.0.1", 10993, Security::Tls));
    assert_eq!((work.smtp.port, work.smtp.security), (10465, Security::Tls));
    assert_eq!(work.credential, Credential::Keyring);
    assert_eq!(work.fetch_days, Some(30));
    assert_eq!(work.signature, "-- \nAlice");
    // The keyring entry written before the upgrade is still the account's password.
    assert_eq!(work.password(secrets.as_ref()).unwrap().expose(), "kept-in-keyring");
    assert_eq!(accounts[1].credential, Credential::Command("printf %s alice-pw".into()));
    assert_eq!(core.accounts().max_mailboxes().unwrap(), 3);

    let folders = query::folders(core.store(), Some(work.id)).unwrap();
    assert_eq!(folders.len(), 1);
    assert_eq!((folders[0].name.as_str(), folders[0].role.as_deref(), folders[0].total), ("INBOX", Some("inbox"), 1));
    let cursor: (i64, i64, i64) = core
        .store()
        .conn()
        .unwrap()
        .query_row("SELECT uidvalidity, uidnext, highestmodseq FROM folders WHERE id = 10", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(cursor, (1234, 43, 99), "the sync cursor must survive, or the next sync refetches everything");

    let list = query::list(core.store(), Some(work.id), Some("inbox"), 50, 0).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(
        (list[0].uid, list[0].subject.as_str(), list[0].from.as_str()),
        (42, "Contract renewal for Acme", "jane@acme.example")
    );
    assert!(list[0].flagged && !list[0].unread);
    let found = query::search(core.store(), None, "quote", 10).unwrap();
    assert_eq!(found.iter().map(|m| m.id).collect::<Vec<_>>(), [100], "the FTS index must survive");
    let raw = query::raw(core.store(), 100).unwrap();
    assert!(String::from_utf8_lossy(&raw).contains("Please send the quote"));

    let conn = core.store().conn().unwrap();
    let outbox: (String, String, i64, Vec<u8>) = conn
        .query_row("SELECT message_id, state, attempts, raw FROM outbox", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
        })
        .unwrap();
    assert_eq!((outbox.0.as_str(), outbox.1.as_str(), outbox.2), ("<quote-1@example.test>", "queued", 1));
    assert!(String::from_utf8_lossy(&outbox.3).contains("Here is the quote."));
    let pending: (String, i64, String) = conn
        .query_row("SELECT kind, uid, arg FROM pending_changes", [], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap();
    assert_eq!(pending, ("add_flags".into(), 42, "\\Answered".into()));
}

#[test]
fn the_cli_lists_an_upgraded_profile_and_its_mail() {
    let profile = Profile::new();
    write_version_1_profile(profile.path(), ("127.0.0.1", 10993), ("127.0.0.1", 10465));
    let out = profile.run(&["account", "list", "--json"]);
    out.assert_ok();
    let names: Vec<String> = out
        .stdout
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["name"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(names, ["work", "cmd"]);
    let out = profile.run(&["list", "--json"]);
    out.assert_ok().assert_says("Contract renewal for Acme");
    assert_eq!(user_version(&profile.path().join(DB_FILE)), latest_version());
}

#[test]
fn a_mailbox_connected_before_the_upgrade_still_connects_after_it() {
    let Some(mail) = MailServer::require() else { return };
    let profile = Profile::new();
    let (imap, smtp) = (mail.port("MAIL_IMAP_PORT"), mail.port("MAIL_SMTP_SUBMISSION_PORT"));
    write_version_1_profile(profile.path(), (mail.host(), imap), (mail.host(), smtp));
    let ca = mail.ca_pem();
    // Version 1 stored the account's CA in the row; set it the way that version's `account edit` did.
    Connection::open(profile.path().join(DB_FILE))
        .unwrap()
        .execute("UPDATE accounts SET trust_ca_pem = ?1 WHERE name = 'cmd'", [std::fs::read_to_string(&ca).unwrap()])
        .unwrap();
    let out = profile.run(&["account", "test", "cmd"]);
    out.assert_ok().assert_says("ok   IMAP").assert_says("ok   SMTP");
    assert_eq!(user_version(&profile.path().join(DB_FILE)), latest_version());
}

#[test]
fn a_database_from_a_newer_dealbox_is_refused_and_left_untouched() {
    let profile = Profile::new();
    let db = profile.path().join(DB_FILE);
    let future = latest_version() + 1;
    {
        let c = Connection::open(&db).unwrap();
        c.execute_batch("CREATE TABLE from_the_future (x INTEGER) STRICT; INSERT INTO from_the_future (x) VALUES (7);")
            .unwrap();
        c.pragma_update(None, "user_version", future).unwrap();
    }
    let before = std::fs::read(&db).unwrap();

    let out = profile.run(&["account", "list"]);
    assert!(!out.success(), "a newer database must be refused:\n{out}");
    out.assert_says("newer Dealbox").assert_says(&format!("schema version {future}")).assert_says("Update Dealbox");
    assert_eq!(user_version(&db), future, "the version must not be touched");
    let x: i64 = Connection::open(&db).unwrap().query_row("SELECT x FROM from_the_future", [], |r| r.get(0)).unwrap();
    assert_eq!(x, 7);
    assert!(std::fs::read(&db).unwrap() == before, "the database file must be left byte for byte as it was");
}
