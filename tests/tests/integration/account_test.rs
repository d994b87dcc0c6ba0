//! `dealbox-cli account test` against the real Dovecot and Postfix of `tests/servers/up`: success over TLS and
//! STARTTLS, and a precise, different message for a wrong password, a wrong port and an unknown CA.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use dealbox_tests::{closed_port, require_secret_service, MailServer, Output, Profile};
use serde_json::Value;

/// The servers, the keyring, and a profile; `None` (skip) or a panic (CI) when something is missing.
fn setup() -> Option<(MailServer, Profile)> {
    let mail = MailServer::require()?;
    require_secret_service()?;
    Some((mail, Profile::new()))
}

fn test_json(profile: &Profile, account: &str) -> (Output, Value) {
    let out = profile.run(&["account", "test", account, "--json", "--timeout", "10"]);
    let report: Value = serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("no JSON report ({e}):\n{out}"));
    (out, report)
}

#[test]
fn an_account_over_tls_passes_the_connection_test() {
    let Some((mail, profile)) = setup() else { return };
    let ca = mail.ca_pem();
    // The exact spelling scripts and the issue use.
    let add = profile.run_with_stdin(
        &[
            "account",
            "add",
            "--name",
            "work",
            "--email",
            "alice@example.test",
            "--user",
            "alice",
            "--imap",
            &mail.imaps(),
            "--imap-security",
            "tls",
            "--smtp",
            &mail.smtps(),
            "--smtp-security",
            "tls",
            "--trust-ca",
            ca.to_str().unwrap(),
            "--password-stdin",
        ],
        &format!("{}\n", mail.password("alice")),
    );
    add.assert_ok();

    let out = profile.run(&["account", "test", "work"]);
    out.assert_ok()
        .assert_says(&format!("ok   IMAP: IMAP {} (tls): logged in as alice", mail.imaps()))
        .assert_says(&format!("ok   SMTP: SMTP {} (tls): logged in as alice", mail.smtps()))
        .assert_says("CONDSTORE");

    let (out, report) = test_json(&profile, "work");
    out.assert_ok();
    assert_eq!(report["imap"]["ok"], true, "{report}");
    assert_eq!(report["smtp"]["ok"], true, "{report}");
    profile.run(&["account", "remove", "work"]).assert_ok();
}

#[test]
fn an_account_over_starttls_passes_the_connection_test() {
    let Some((mail, profile)) = setup() else { return };
    let ca = mail.ca_pem();
    let add = profile.add_account(
        "work",
        "alice",
        (&mail.imap_starttls(), "starttls"),
        (&mail.submission(), "starttls"),
        Some(&ca),
        mail.password("alice"),
    );
    add.assert_ok();
    let out = profile.run(&["account", "test", "work"]);
    out.assert_ok()
        .assert_says(&format!("IMAP {} (starttls): logged in as alice", mail.imap_starttls()))
        .assert_says(&format!("SMTP {} (starttls): logged in as alice", mail.submission()));
    profile.run(&["account", "remove", "work"]).assert_ok();
}

#[test]
fn the_no_condstore_server_passes_without_announcing_condstore() {
    let Some((mail, profile)) = setup() else { return };
    let imaps = mail.addr("MAIL_NOCONDSTORE_IMAPS_PORT");
    let add = profile.add_account(
        "plain",
        "alice",
        (&imaps, "tls"),
        (&mail.smtps(), "tls"),
        Some(&mail.ca_pem()),
        mail.password("alice"),
    );
    add.assert_ok();
    let (out, report) = test_json(&profile, "plain");
    out.assert_ok();
    let imap = report["imap"]["message"].as_str().unwrap();
    assert!(imap.contains("IDLE") && imap.contains("MOVE"), "{imap}");
    assert!(!imap.contains("CONDSTORE") && !imap.contains("QRESYNC"), "{imap}");
    profile.run(&["account", "remove", "plain"]).assert_ok();
}

#[test]
fn a_wrong_password_an_unknown_port_and_an_unknown_ca_each_get_their_own_message() {
    let Some((mail, profile)) = setup() else { return };
    let ca = mail.ca_pem();
    let (imaps, smtps) = (mail.imaps(), mail.smtps());

    // 1. Wrong password: both servers reject the login.
    profile
        .add_account("badpw", "alice", (&imaps, "tls"), (&smtps, "tls"), Some(&ca), "not-alices-password")
        .assert_ok();
    let (auth_out, report) = test_json(&profile, "badpw");
    auth_out.assert_code(3); // ErrorKind::Auth
    for side in ["imap", "smtp"] {
        assert_eq!(report[side]["ok"], false, "{report}");
        assert_eq!(report[side]["code"], "auth", "{report}");
        let msg = report[side]["message"].as_str().unwrap();
        assert!(msg.contains("rejected the user name or password for alice"), "{msg}");
        assert!(!msg.contains("not-alices-password"), "the message must not repeat the password: {msg}");
    }
    let auth_msg = report["imap"]["message"].as_str().unwrap().to_string();

    // 2. Wrong port: nothing listens there.
    let port = closed_port();
    let dead = format!("127.0.0.1:{port}");
    profile
        .add_account("badport", "alice", (&dead, "tls"), (&smtps, "tls"), Some(&ca), mail.password("alice"))
        .assert_ok();
    let (port_out, report) = test_json(&profile, "badport");
    assert!(!port_out.success(), "{port_out}");
    assert_eq!(report["imap"]["code"], "refused", "{report}");
    let port_msg = report["imap"]["message"].as_str().unwrap().to_string();
    assert!(port_msg.contains(&format!("127.0.0.1:{port} refused the connection")), "{port_msg}");
    assert_eq!(report["smtp"]["ok"], true, "SMTP on the right port still works: {report}");

    // 3. A certificate from a CA the account does not trust (added without --trust-ca).
    profile.add_account("noca", "alice", (&imaps, "tls"), (&smtps, "tls"), None, mail.password("alice")).assert_ok();
    let (ca_out, report) = test_json(&profile, "noca");
    assert!(!ca_out.success(), "{ca_out}");
    let fingerprint = mail.cert_sha256();
    for side in ["imap", "smtp"] {
        assert_eq!(report[side]["code"], "tls", "{report}");
        let msg = report[side]["message"].as_str().unwrap();
        assert!(msg.contains("unknown certificate authority"), "{msg}");
        assert!(msg.contains(&format!("SHA-256 fingerprint {fingerprint}")), "{msg} should name {fingerprint}");
        assert!(!msg.contains("dealbox-cli") && !msg.contains("--"), "the core's words name no command: {msg}");
        let hint = &report[side]["hint"];
        assert_eq!(hint["action"], "trustCertificate", "{report}");
        assert_eq!(hint["sha256"], fingerprint.as_str(), "the hint carries the certificate to accept: {report}");
    }
    // Without --json the CLI turns the hint into the command to run.
    let text = profile.run(&["account", "test", "noca"]);
    assert!(
        text.stdout.contains(&format!("to fix: dealbox-cli account trust-cert noca --sha256 {fingerprint}")),
        "{text}"
    );
    assert!(text.stdout.contains("--trust-ca"), "{text}");
    let ca_msg = report["imap"]["message"].as_str().unwrap().to_string();

    // Different kinds, different words: a user can tell the three apart (and from a success).
    let msgs = [&auth_msg, &port_msg, &ca_msg];
    for (i, a) in msgs.iter().enumerate() {
        for b in &msgs[i + 1..] {
            assert_ne!(a, b);
        }
    }
    assert!(!port_msg.contains("certificate") && !port_msg.contains("password"), "{port_msg}");
    assert!(!ca_msg.contains("password") && !ca_msg.contains("refused"), "{ca_msg}");
    assert!(!auth_msg.contains("certificate") && !auth_msg.contains("refused the connection"), "{auth_msg}");

    // The fingerprint in the message is the one to accept: after trust-cert, the same account passes.
    profile.run(&["account", "trust-cert", "noca", "--sha256", &fingerprint]).assert_ok();
    profile.run(&["account", "test", "noca"]).assert_ok();

    for name in ["badpw", "badport", "noca"] {
        profile.run(&["account", "remove", name]).assert_ok();
    }
}
