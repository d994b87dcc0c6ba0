//! The whole path a salesperson relies on: a client writes, `sync` brings the mail in, and the CRM links it
//! to the client's records without anyone running `crm process`. Real Postfix + Dovecot on loopback.
#![allow(clippy::unwrap_used)]

use dealbox_tests::{MailServer, Profile};

fn add(p: &Profile, server: &MailServer, user: &str) {
    let ca = server.ca_pem();
    let email = format!("{user}@example.test");
    let pw = format!("echo {}", server.password(user));
    p.run(&[
        "account",
        "add",
        "--name",
        user,
        "--email",
        &email,
        "--user",
        user,
        "--imap",
        &server.imaps(),
        "--imap-security",
        "tls",
        "--smtp",
        &server.smtps(),
        "--smtp-security",
        "tls",
        "--trust-ca",
        ca.to_str().unwrap(),
        "--password-command",
        &pw,
    ])
    .assert_ok();
}

#[test]
fn mail_from_an_existing_client_is_linked_by_the_sync_itself() {
    let _mailboxes = dealbox_tests::mailboxes::shared(&["bob", "carol"]);
    let Some(server) = MailServer::require() else { return };
    let carol = Profile::new();
    add(&carol, &server, "carol");
    let csv = carol.path().join("contacts.csv");
    std::fs::write(&csv, "name,email,company\nBob Client,bob@example.test,ACME Corp\n").unwrap();
    carol.run(&["crm", "import", csv.to_str().unwrap()]).assert_ok();

    let bob = Profile::new();
    add(&bob, &server, "bob");
    let unique = format!("renewal-{}", std::process::id());
    let body = bob.path().join("body.txt");
    std::fs::write(&body, "Shall we renew for 2027?\n").unwrap();
    bob.run(&[
        "send",
        "--account",
        "bob",
        "--to",
        "carol@example.test",
        "--subject",
        &format!("Contract {unique}"),
        "--body-file",
        body.to_str().unwrap(),
    ])
    .assert_ok();

    // Postfix delivers asynchronously: wait (bounded) until the message is in carol's Inbox, so the sync must find it.
    dealbox_tests::wait_delivered("carol", &format!("Contract {unique}"));
    carol.run(&["sync", "--account", "carol", "--folder", "INBOX"]).assert_ok();
    let found = carol.run(&["search", &format!("subject:{unique}"), "--json"]);
    found.assert_ok();
    let rows: Vec<serde_json::Value> = found.stdout.lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 1, "the message arrived once: {found}");
    let id = rows[0]["id"].as_i64().unwrap().to_string();

    let explain = carol.run(&["crm", "explain", &id]);
    explain.assert_ok();
    assert!(explain.stdout.starts_with("linked"), "{explain}");
    assert!(explain.stdout.contains("Bob Client"), "{explain}");
    // Syncing again neither re-links nor creates anything new.
    carol.run(&["sync", "--account", "carol", "--folder", "INBOX"]).assert_ok();
    let leads = carol.run(&["crm", "leads", "--json"]);
    assert!(!leads.stdout.contains("bob@example.test"), "no lead for an existing client: {leads}");
}
