//! SIGKILL the sender at random points while it sends 20 messages; afterwards every message is delivered
//! exactly once and none is left in the outbox. Real Postfix + Dovecot on loopback (`tests/servers/up`).
#![allow(clippy::unwrap_used)]

use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::Duration;

use dealbox_core::account::{Credential, Endpoint, NewAccount, Security};
use dealbox_core::imap::{self, Timeouts};
use dealbox_core::secrets::MemorySecrets;
use dealbox_core::send::compose::Draft;
use dealbox_core::send::outbox;
use dealbox_core::Core;

fn cli() -> &'static std::path::Path {
    dealbox_tests::cli_binary()
}

fn ca_pem() -> String {
    std::fs::read_to_string(dealbox_tests::mail_root().join("etc/tls/ca.pem"))
        .expect("the test mail server is not set up: run tests/servers/up")
}

fn settings(user: &str) -> NewAccount {
    NewAccount {
        name: user.into(),
        email: format!("{user}@example.test"),
        display_name: String::new(),
        addresses: vec![],
        username: user.into(),
        imap: Endpoint { host: "127.0.0.1".into(), port: 10993, security: Security::Tls },
        smtp: Endpoint { host: "127.0.0.1".into(), port: 10465, security: Security::Tls },
        credential: Credential::Command(format!("echo {user}-pw")),
        trust_ca_pem: Some(ca_pem()),
        insecure: false,
        signature: String::new(),
        fetch_days: None,
        save_sent_copy: true,
        notify: true,
    }
}

/// Deterministic pseudo-random kill delays (xorshift), spread over a send of the whole batch.
fn delays(n: usize, seed: u64, max_ms: u64) -> Vec<u64> {
    let mut x = seed;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x % max_ms
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn killing_the_sender_twenty_times_never_loses_or_doubles_a_message() {
    let _mailboxes = dealbox_tests::mailboxes::shared(&["alice", "sink"]);
    let dir = tempfile::tempdir().unwrap();
    let mut ids = Vec::new();
    {
        let core = Core::open(dir.path(), Arc::new(MemorySecrets::default())).unwrap();
        let alice = core.accounts().add(&settings("alice"), None).unwrap();
        for i in 0..20 {
            let d = Draft {
                to: vec!["sink@example.test".into()],
                subject: format!("crash test {i}"),
                text: format!("message {i}\n"),
                ..Default::default()
            };
            ids.push(outbox::enqueue(core.store(), &alice, &d).unwrap().1.message_id);
        }
    }
    let seed = std::env::var("DEALBOX_CRASH_SEED").ok().and_then(|s| s.parse().ok()).unwrap_or(0x9E37_79B9_7F4A_7C15);
    eprintln!("kill delays from seed {seed} (set DEALBOX_CRASH_SEED to replay)");
    for ms in delays(20, seed, 400) {
        let mut child = Command::new(cli())
            .args(["--profile", dir.path().to_str().unwrap(), "outbox", "--flush"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // Fault injection, not synchronisation: the kill lands wherever the sender happens to be.
        std::thread::sleep(Duration::from_millis(ms));
        child.kill().unwrap(); // SIGKILL
        child.wait().unwrap();
    }
    // A last, undisturbed run finishes the job.
    let out =
        Command::new(cli()).args(["--profile", dir.path().to_str().unwrap(), "outbox", "--flush"]).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));

    let core = Core::open(dir.path(), Arc::new(MemorySecrets::default())).unwrap();
    let left: Vec<_> = outbox::list(core.store(), None)
        .unwrap()
        .into_iter()
        .filter(|i| i.state != outbox::OutboxState::Done)
        .collect();
    assert!(left.is_empty(), "left in the outbox: {left:?}");
    let unconfirmed = outbox::list(core.store(), None).unwrap().iter().filter(|i| i.last_error.is_some()).count();
    eprintln!(
        "{unconfirmed} message(s) were recovered as sent-but-unconfirmed (killed between the final dot and the reply)"
    );
    let ok: String = core.store().conn().unwrap().query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(ok, "ok");

    let sink = core.accounts().add(&settings("sink"), None).unwrap();
    let mut s =
        imap::connect(&sink, &dealbox_core::Sensitive::new("sink-pw".into()), Timeouts::default()).await.unwrap();
    s.select("INBOX").await.unwrap();
    let alice = core.accounts().find("alice").unwrap();
    let mut a =
        imap::connect(&alice, &dealbox_core::Sensitive::new("alice-pw".into()), Timeouts::default()).await.unwrap();
    a.select("Sent").await.unwrap();
    for mid in &ids {
        let n = s.uid_search(format!("HEADER Message-ID \"<{mid}>\"")).await.unwrap().len();
        assert_eq!(n, 1, "<{mid}> was delivered {n} times");
        let n = a.uid_search(format!("HEADER Message-ID \"<{mid}>\"")).await.unwrap().len();
        assert_eq!(n, 1, "<{mid}> has {n} copies in Sent");
    }
}
