//! `dealbox-cli sync`, `status`, `mark` and `move` as a person uses them: plain words, the problem state after
//! three failed checks in a row, and queued changes.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use dealbox_tests::{closed_port, Profile};
use sync_common::*;

#[test]
fn sync_and_status_speak_plainly_and_three_failed_checks_make_a_problem() {
    let _bob = dealbox_tests::mailboxes::shared(&["bob"]);
    let Some(env) = mail_env() else { return };
    let p = Profile::new();
    let imaps = format!("{}:{}", env.host, env.imaps_port);
    let ca = env.ca.to_string_lossy().into_owned();
    p.run(&[
        "account",
        "add",
        "--name",
        "bob",
        "--email",
        "bob@example.test",
        "--user",
        "bob",
        "--imap",
        &imaps,
        "--imap-security",
        "tls",
        "--smtp",
        "127.0.0.1:10465",
        "--trust-ca",
        &ca,
        "--password-command",
        "printf %s bob-pw",
        "--fetch",
        "all",
    ])
    .assert_ok();
    p.run(&["status"]).assert_ok().assert_says("last check:  never").assert_says("next check:  now: never checked yet");

    let out = p.run(&["sync", "--account", "bob"]);
    out.assert_ok().assert_says("bob: ").assert_says(" new, ");
    p.run(&["status"])
        .assert_ok()
        .assert_says(", ok (")
        .assert_says("next check:  in 10 min: owner online")
        .assert_says("problem:     none");

    // A local change is queued and shown until the next sync takes it up.
    let listed = p.run(&["list", "--account", "bob", "--folder", "inbox", "--limit", "1", "--json"]);
    let id = serde_json::from_str::<serde_json::Value>(listed.assert_ok().stdout.lines().next().unwrap()).unwrap()
        ["id"]
        .as_i64()
        .unwrap()
        .to_string();
    p.run(&["mark", &id, "--flag"]).assert_ok().assert_says("reaches the server with the next sync");
    p.run(&["status"]).assert_says("queued:      1 local changes");
    p.run(&["sync", "--account", "bob"]).assert_ok().assert_says("1 local changes uploaded");
    p.run(&["mark", &id, "--unflag"]).assert_ok();
    p.run(&["sync", "--account", "bob"]).assert_ok();

    // The server goes away: after three failed checks in a row the mailbox has a problem, with the reason.
    let dead = format!("127.0.0.1:{}", closed_port());
    p.run(&["account", "edit", "bob", "--imap", &dead, "--imap-security", "none"]).assert_ok();
    for n in 1..=3 {
        let out = p.run(&["sync", "--account", "bob"]);
        assert!(!out.success(), "sync {n} against a closed port must fail:\n{out}");
        out.assert_says("refused the connection");
        let status = p.run(&["status"]);
        status.assert_says(&format!("failed ({n} in a row)"));
        if n < 3 {
            status.assert_says("problem:     none");
        } else {
            status.assert_says("problem:     server unreachable: ").assert_says("next check:  in 4 min: retrying");
        }
    }
    // Back online: one good check clears the problem.
    p.run(&["account", "edit", "bob", "--imap", &imaps, "--imap-security", "tls"]).assert_ok();
    p.run(&["sync", "--account", "bob"]).assert_ok();
    p.run(&["status"]).assert_says("problem:     none").assert_says(", ok (");
}
