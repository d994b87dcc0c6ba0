//! `dealbox-cli crm …` end to end: a profile with a mailbox whose cache holds real messages, driven only
//! through the binary — team, settings, exceptions, import, process, explain, sidebar, triage, actions.

#![allow(clippy::unwrap_used)]

use dealbox_tests::crm_common;

use std::path::Path;
use std::process::Command;

use crm_common::Mail;
use dealbox_core::cache::{self, Fetched};
use dealbox_core::store::{Store, DB_FILE};

/// The `dealbox-cli` binary next to this test's target dir, built once if needed.
/// The CLI binary, built once per test process by the library (so no other module relinks it while a test here
/// runs it).
fn cli() -> &'static Path {
    dealbox_tests::cli_binary()
}

struct Profile {
    dir: tempfile::TempDir,
}

impl Profile {
    fn new() -> Profile {
        Profile { dir: tempfile::tempdir().unwrap() }
    }
    /// Run the CLI; returns (exit code, stdout, stderr).
    fn run(&self, args: &[&str]) -> (i32, String, String) {
        let out = Command::new(cli())
            .args(args)
            .env("DEALBOX_PROFILE", self.dir.path())
            .env("DEALBOX_LOG", "error")
            .output()
            .unwrap();
        (
            out.status.code().unwrap_or(-1),
            String::from_utf8_lossy(&out.stdout).into_owned(),
            String::from_utf8_lossy(&out.stderr).into_owned(),
        )
    }
    fn ok(&self, args: &[&str]) -> String {
        let (code, out, err) = self.run(args);
        assert_eq!(code, 0, "dealbox-cli {args:?} failed:\n{out}\n{err}");
        out
    }
    fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.ok(args)).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}"))
    }
    /// Put messages into the mailbox's cache as a sync would (the CLI is not running meanwhile).
    fn deliver(&self, folder: &str, role: &str, mails: &[Mail]) -> Vec<i64> {
        let store = Store::open(&self.dir.path().join(DB_FILE)).unwrap();
        let account: i64 =
            store.conn().unwrap().query_row("SELECT id FROM accounts WHERE name = 'sales'", [], |r| r.get(0)).unwrap();
        let f = cache::upsert_folder(&store, account, folder, folder, Some("/"), Some(role)).unwrap();
        let raws: Vec<Vec<u8>> = mails.iter().map(|m| m.raw()).collect();
        let next: u32 =
            store.conn().unwrap().query_row("SELECT coalesce(max(uid), 0) FROM messages", [], |r| r.get(0)).unwrap();
        let batch: Vec<Fetched<'_>> = raws
            .iter()
            .enumerate()
            .map(|(i, raw)| Fetched {
                uid: next + 1 + i as u32,
                flags: vec![],
                modseq: None,
                size: raw.len() as u64,
                raw,
                internal_date: None,
            })
            .collect();
        cache::store_messages(&store, account, f, &batch).unwrap()
    }
}

fn now() -> i64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64
}

#[test]
fn every_rule_can_be_driven_from_the_cli() {
    let p = Profile::new();
    p.ok(&[
        "account",
        "add",
        "--name",
        "sales",
        "--email",
        "sales@ourco.test",
        "--imap",
        "localhost:10143",
        "--imap-security",
        "none",
        "--smtp",
        "localhost:10587",
        "--smtp-security",
        "none",
        "--password-command",
        "echo pw",
        "--no-discover",
    ]);
    p.ok(&["crm", "users", "add", "Alice", "--email", "alice@ourco.test", "--email", "sales@ourco.test", "--admin"]);
    p.ok(&["crm", "users", "add", "Bob", "--email", "bob@ourco.test"]);
    p.ok(&["crm", "users", "add", "Carol", "--email", "carol@ourco.test", "--inactive"]);
    let users = p.ok(&["crm", "users", "list", "--json"]);
    assert_eq!(users.lines().count(), 3);
    let s = p.json(&[
        "crm",
        "settings",
        "sales",
        "--queue",
        "3,2",
        "--days",
        "30",
        "--always-new-lead",
        "forms@site.test",
        "--json",
    ]);
    assert_eq!(s["queue"], serde_json::json!([3, 2]));
    assert_eq!(s["alwaysNewLead"], serde_json::json!(["forms@site.test"]));
    p.ok(&["crm", "exceptions", "add", "partner.test"]);
    assert_eq!(p.ok(&["crm", "exceptions", "list"]).trim(), "domain   partner.test");

    // Import a CSV: the preview shows the mapping and the bad row; the import skips it.
    let csv = p.dir.path().join("contacts.csv");
    std::fs::write(&csv, "Full Name,E-mail,Company,Website\nJane Roe,jane@acme.test,Acme,acme.test\nBroken,nope,,\n")
        .unwrap();
    let preview = p.ok(&["crm", "import", csv.to_str().unwrap(), "--preview"]);
    assert!(preview.contains("E-mail                         -> email"), "{preview}");
    assert!(preview.contains("line     3: will be skipped: 'nope' is not an email address"), "{preview}");
    assert_eq!(p.ok(&["crm", "contacts"]), "", "the preview wrote nothing");
    let (code, out, err) = p.run(&["crm", "import", csv.to_str().unwrap()]);
    assert_eq!(code, 0, "{err}");
    assert!(out.starts_with("imported 1 contacts and 1 companies; 0 already known, 1 bad rows skipped"), "{out}");
    assert!(err.contains("line 3: 'nope' is not an email address"), "{err}");
    p.ok(&["crm", "add-deal", "Renewal", "--amount", "1200.50", "--contact", "1", "--stage", "Proposal"]);

    let t = now();
    let mails = [
        Mail::incoming("Jane Roe <jane@acme.test>").subject("Renewal terms").date(t - 30 * 3600),
        Mail::incoming("Pat <pat@newco.test>").subject("Prices please").date(t - 3600),
        Mail::incoming("Ann <ann@partner.test>").date(t - 3600),
        Mail::incoming("Bob <bob@ourco.test>").date(t - 3600),
        Mail::incoming("Jane Roe <jane@acme.test>").date(t - 90 * 86400),
        Mail::incoming("Web form <forms@site.test>").subject("New request").date(t - 3600),
        Mail::incoming("MAILER-DAEMON@mx.newco.test").subject("Undelivered Mail Returned to Sender").date(t - 3600),
    ];
    let ids = p.deliver("INBOX", "inbox", &mails);
    let spam = p.deliver("Junk", "junk", &[Mail::incoming("x@spam.test").date(t - 3600)]);
    assert!(p.ok(&["crm", "explain", &ids[0].to_string()]).starts_with("not processed yet"));
    let out = p.ok(&["crm", "process", "--account", "sales"]);
    assert!(out.starts_with("sales: 8 messages — 1 linked, 2 created, 5 skipped"), "{out}");

    let explain = |id: i64| p.ok(&["crm", "explain", &id.to_string()]);
    assert!(
        explain(ids[0]).starts_with("linked: matched the contact with address jane@acme.test and its one open deal")
    );
    assert!(explain(ids[1]).starts_with("created: no CRM record matches pat@newco.test: created a lead"));
    assert_eq!(
        explain(ids[2]).lines().next().unwrap(),
        "skipped: the sender is on the exception list (entry \"partner.test\")"
    );
    assert_eq!(explain(ids[3]).lines().next().unwrap(), "skipped: sent by a user of this account");
    assert_eq!(
        explain(ids[4]).lines().next().unwrap(),
        "skipped: older than the processing window: the email is 90 days old and this mailbox processes emails of the last 30 days"
    );
    assert!(explain(ids[5])
        .starts_with("created: forms@site.test is on this mailbox's always-new-lead list: created a new lead"));
    assert_eq!(
        explain(ids[6]).lines().next().unwrap(),
        "skipped: automated email (a bounce or delivery status notification): it never creates a lead"
    );
    assert_eq!(explain(spam[0]).lines().next().unwrap(), "skipped: in the Spam folder");
    // Round-robin: Carol (3) is inactive, so both new leads went to Bob (2).
    let leads: Vec<serde_json::Value> =
        p.ok(&["crm", "leads", "--json"]).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(leads.iter().map(|l| l["responsibleId"].as_i64()).collect::<Vec<_>>(), vec![Some(2), Some(2)]);

    // The sidebar, as JSON for the UI.
    let s = p.json(&["crm", "sidebar", &ids[0].to_string(), "--json"]);
    assert_eq!(s["participants"][0]["contact"]["name"], "Jane Roe");
    assert_eq!(s["participants"][0]["company"]["name"], "Acme");
    assert_eq!(s["openDeals"][0]["amount"], "1200.50 EUR");
    assert_eq!(s["outcome"]["kind"], "linked");

    // Triage: Jane waits 30 hours; Pat only one.
    let tri = p.ok(&["crm", "triage", "--hours", "24"]);
    assert!(tri.contains("Renewal terms"), "{tri}");
    assert!(!tri.contains("Prices please"), "{tri}");

    // Quick actions: save the exception-listed email by hand, refuse our own user's, exclude by domain.
    assert!(p.ok(&["crm", "save", &ids[2].to_string()]).starts_with("created: no CRM record matches ann@partner.test"));
    let (code, _, err) = p.run(&["crm", "save", &ids[3].to_string()]);
    assert_eq!(code, 2);
    assert_eq!(err.trim(), "error: The email does not match CRM rules: sent by a user of this account");
    assert_eq!(
        p.ok(&["crm", "exclude", &ids[1].to_string(), "--domain"]).trim(),
        "added domain newco.test to the exception list"
    );
    p.ok(&["crm", "note", "deal:1", "Asked for a 3-year price"]);
    assert_eq!(p.ok(&["crm", "deal-stage", "1", "Won"]).trim(), "deal #1 is now Won (won)");
    assert!(p.ok(&["crm", "search", "acme"]).contains("company:1"));
    let export = p.ok(&["crm", "export", "contacts"]);
    assert!(
        export.starts_with("name,email,other emails,phones,company,responsible\r\nJane Roe,jane@acme.test,,,Acme,"),
        "{export}"
    );
}
