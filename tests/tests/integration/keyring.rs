//! Passwords and the OS keyring, against the real gnome-keyring of `tests/desktop-session`: the keyring
//! round trip, no password in the profile or the logs, and a clear refusal (with the alternative) when no
//! Secret Service runs.
#![allow(clippy::unwrap_used)] // a test: a failed unwrap is a failed test

use std::path::Path;
use std::process::Command;

use dealbox_core::secrets::{Secrets, KEYRING_SERVICE};
use dealbox_core::Sensitive;
use dealbox_platform::OsKeyring;
use dealbox_tests::{canary, have_program, require_secret_service, unavailable, MailServer, Output, Profile};

/// What `secret-tool` (libsecret, a different client than ours) finds under our service and key.
fn secret_tool_lookup(key: &str) -> Option<String> {
    let out =
        Command::new("secret-tool").args(["lookup", "service", KEYRING_SERVICE, "username", key]).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn os_keyring_stores_reads_updates_and_deletes_a_password() {
    let Some(()) = require_secret_service() else { return };
    let keyring = OsKeyring::new();
    keyring.status().expect("the unlocked gnome-keyring is usable");
    let key = canary("roundtrip-key");

    assert!(keyring.get(&key).unwrap().is_none(), "a fresh key has no password");
    keyring.set(&key, &Sensitive::new("first-password".into())).unwrap();
    assert_eq!(keyring.get(&key).unwrap().unwrap().expose(), "first-password");
    if have_program("secret-tool") {
        // Really in the Secret Service, not in some in-process fallback.
        assert_eq!(secret_tool_lookup(&key).as_deref(), Some("first-password"));
    }

    keyring.set(&key, &Sensitive::new("second-pässword ✓".into())).unwrap();
    assert_eq!(keyring.get(&key).unwrap().unwrap().expose(), "second-pässword ✓");

    keyring.delete(&key).unwrap();
    assert!(keyring.get(&key).unwrap().is_none(), "deleted");
    if have_program("secret-tool") {
        assert_eq!(secret_tool_lookup(&key), None);
    }
    keyring.delete(&key).expect("deleting a missing entry is not an error");
}

/// The ways a password could show up in text: as is, and base64-encoded inside an SMTP AUTH PLAIN token.
fn leak_forms(user: &str, password: &str) -> Vec<String> {
    fn b64(data: &[u8]) -> String {
        const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut out = String::new();
        for c in data.chunks(3) {
            let n = (u32::from(c[0]) << 16)
                | (u32::from(*c.get(1).unwrap_or(&0)) << 8)
                | u32::from(*c.get(2).unwrap_or(&0));
            for (i, shift) in [18, 12, 6, 0].into_iter().enumerate() {
                out.push(if i <= c.len() { T[(n >> shift) as usize & 63] as char } else { '=' });
            }
        }
        out
    }
    let plain = b64(format!("\0{user}\0{password}").as_bytes());
    // Compare without the padding and the last group, which depend on what follows.
    vec![password.to_string(), plain[..plain.len().saturating_sub(4)].to_string(), b64(password.as_bytes())]
}

#[track_caller]
fn assert_no_leak(what: &str, text: &str, forms: &[String]) {
    for f in forms {
        let lines: Vec<&str> = text.lines().filter(|l| l.contains(f.as_str())).collect();
        assert!(lines.is_empty(), "{what} contains the password (as {f:?}) in:\n{}", lines.join("\n"));
    }
}

#[track_caller]
fn assert_profile_clean(profile: &Profile, forms: &[String]) {
    let files = profile.files();
    assert!(files.iter().any(|f| f.ends_with("dealbox.sqlite3")), "no database in {:?}", files);
    for f in &files {
        let bytes = std::fs::read(f).unwrap();
        let text = String::from_utf8_lossy(&bytes);
        for form in forms {
            assert!(!text.contains(form.as_str()), "{} contains the password (as {form:?})", f.display());
        }
    }
}

fn traced(profile: &Profile, args: &[&str], stdin: Option<&str>) -> Output {
    let mut cmd = profile.command(args);
    cmd.env("DEALBOX_LOG", "trace").env("RUST_LOG", "trace");
    dealbox_tests::run(cmd, stdin)
}

#[test]
fn a_password_added_through_the_cli_is_in_no_file_and_no_log_line() {
    let Some(()) = require_secret_service() else { return };
    let profile = Profile::new();
    let secret = canary("pw");
    let forms = leak_forms("alice", &secret);
    let add = traced(
        &profile,
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
            "127.0.0.1:10993",
            "--imap-security",
            "tls",
            "--smtp",
            "127.0.0.1:10465",
            "--smtp-security",
            "tls",
            "--password-stdin",
        ],
        Some(&format!("{secret}\n")),
    );
    add.assert_ok().assert_says("password in the OS keyring");
    assert_no_leak("the output of `account add`", &add.all(), &forms);
    assert_profile_clean(&profile, &forms);
    for args in [&["account", "list"][..], &["account", "list", "--json"][..]] {
        let out = traced(&profile, args, None);
        out.assert_ok();
        assert_no_leak("`account list`", &out.all(), &forms);
    }

    // The connection test sends it to the servers (and fails: it is not alice's password): still no trace of it.
    if let Some(mail) = MailServer::require() {
        let ca = mail.ca_pem().to_string_lossy().into_owned();
        let (imaps, smtps) = (mail.imaps(), mail.smtps());
        let edit = ["account", "edit", "work", "--imap", &imaps, "--smtp", &smtps, "--trust-ca", &ca];
        profile.run(&edit).assert_ok();
        let out = traced(&profile, &["account", "test", "work"], None);
        out.assert_code(3).assert_says("rejected the user name or password");
        assert_no_leak("`account test` with DEALBOX_LOG=trace", &out.all(), &forms);
        assert_profile_clean(&profile, &forms);

        // With the right password, the whole login (IMAP LOGIN, SMTP AUTH PLAIN) is traced: no password in it.
        let real = mail.password("alice").to_string();
        let forms = leak_forms("alice", &real);
        traced(&profile, &["account", "edit", "work", "--password-stdin"], Some(&format!("{real}\n"))).assert_ok();
        let out = traced(&profile, &["account", "test", "work"], None);
        out.assert_ok().assert_says("ok   IMAP").assert_says("ok   SMTP");
        assert!(out.stderr.contains("TRACE"), "the test must really run with trace logging:\n{out}");
        assert_no_leak("`account test` with DEALBOX_LOG=trace", &out.all(), &forms);
        assert_profile_clean(&profile, &forms);
    }

    profile.run(&["account", "remove", "work"]).assert_ok();
}

/// Run `dealbox-cli ... account add --password-stdin` on a given session bus (or none).
fn add_with_bus(profile: &Profile, bus: Option<&Path>) -> Output {
    let args = [
        "account",
        "add",
        "--name",
        "work",
        "--email",
        "alice@example.test",
        "--user",
        "alice",
        "--imap",
        "127.0.0.1:10993",
        "--imap-security",
        "tls",
        "--smtp",
        "127.0.0.1:10465",
        "--smtp-security",
        "tls",
        "--password-stdin",
    ];
    let cmd = match bus {
        Some(config) => {
            let mut c = Command::new("dbus-run-session");
            c.arg(format!("--config-file={}", config.display())).arg("--").arg(dealbox_tests::cli_binary());
            c.arg("--profile").arg(profile.path()).args(args);
            c
        }
        None => {
            let mut c = profile.command(&args);
            c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/dealbox-test/bus");
            c
        }
    };
    dealbox_tests::run(cmd, Some("not-stored-anywhere\n"))
}

#[track_caller]
fn assert_refused_with_hint(out: &Output, reason: &str, profile: &Profile) {
    assert!(!out.success(), "account add must fail without a keyring:\n{out}");
    assert_eq!(out.code, Some(4), "exit code 4 means a keyring error:\n{out}");
    out.assert_says(reason).assert_says("--password-command");
    let list = profile.run(&["account", "list", "--json"]);
    list.assert_ok();
    assert_eq!(list.stdout.trim(), "", "nothing may be saved when the password cannot be stored");
    assert_profile_clean(profile, &["not-stored-anywhere".to_string()]);
}

#[test]
fn without_a_secret_service_account_add_says_why_and_offers_a_password_command() {
    if !have_program("dbus-run-session") {
        unavailable::<()>("dbus-run-session", "it is not installed", "Install the dbus package (tests/run-all does).");
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("bare-session.conf");
    std::fs::write(&config, dealbox_tests::BARE_BUS_CONFIG).unwrap();
    let profile = Profile::new();
    let out = add_with_bus(&profile, Some(&config));
    assert_refused_with_hint(&out, "no Secret Service is running", &profile);
}

#[test]
fn without_a_session_bus_account_add_says_why_and_offers_a_password_command() {
    let profile = Profile::new();
    let out = add_with_bus(&profile, None);
    assert_refused_with_hint(&out, "no D-Bus session bus", &profile);
}

#[test]
fn the_password_command_works_where_no_keyring_does() {
    let Some(mail) = MailServer::require() else { return };
    let profile = Profile::new();
    let ca = mail.ca_pem().to_string_lossy().into_owned();
    let command = format!("printf %s {}", mail.password("alice"));
    let (imaps, smtps) = (mail.imaps(), mail.smtps());
    let args = [
        "account",
        "add",
        "--name",
        "work",
        "--email",
        "alice@example.test",
        "--user",
        "alice",
        "--imap",
        &imaps,
        "--imap-security",
        "tls",
        "--smtp",
        &smtps,
        "--smtp-security",
        "tls",
        "--trust-ca",
        &ca,
        "--password-command",
        &command,
    ];
    for args in [&args[..], &["account", "test", "work"][..]] {
        let mut cmd = profile.command(args);
        cmd.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/dealbox-test/bus");
        let out = dealbox_tests::run(cmd, None);
        out.assert_ok();
    }
}
