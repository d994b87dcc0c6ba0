//! SIGKILL `dealbox-cli sync` in the middle of a 1,000-message sync, 20 times, then sync again:
//! the database is intact, the cache equals the server, nothing is duplicated.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;

use sync_common::*;

/// The CLI binary (built by cargo once per test process; a no-op under tests/run-all).
fn cli() -> PathBuf {
    dealbox_tests::cli_binary().to_path_buf()
}

#[test]
fn sync_killed_at_random_points_then_resumed_leaves_an_exact_cache() {
    let _bench = dealbox_tests::mailboxes::exclusive(&["bench1k"]); // re-seeds it
    let Some(env) = mail_env() else { return };
    let bin = cli();
    seed(&env, "bench1k", 1000, &[]);
    let (dir, core, acc) = profile(&env, "bench1k");
    drop(core);
    let run = || {
        Command::new(&bin)
            .args(["sync", "--account", "bench1k"])
            .env("DEALBOX_PROFILE", dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn dealbox-cli sync")
    };
    // Twenty kill points spread over the sync (fault injection, not synchronisation): during connect and
    // LIST, during the headers pass, during the bodies. Each run resumes where the killed ones left off.
    let mut killed_mid_way = 0;
    for i in 0..20u64 {
        let delay_ms = ((i * 7) % 20 + 1) * 60; // 60 ms .. 1.2 s, shuffled
        let mut child = run();
        std::thread::sleep(Duration::from_millis(delay_ms));
        if child.try_wait().expect("try_wait").is_none() {
            killed_mid_way += 1;
        }
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
    }
    assert!(killed_mid_way >= 3, "only {killed_mid_way} kills hit a running sync; the kill points need adjusting");

    let status = run().wait().expect("final sync");
    assert!(status.success(), "the sync after the kills failed");
    let core =
        dealbox_core::Core::open(dir.path(), std::sync::Arc::new(dealbox_core::secrets::MemorySecrets::default()))
            .expect("reopen");
    assert_cache_healthy(&core);
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(async {
        let mut s = imap(&env, "bench1k").await;
        assert_folder_matches(&core, &acc, &mut s, "INBOX").await;
        let _ = s.logout().await;
    });
    let conn = core.store().conn().unwrap();
    let dupes: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT message_id FROM messages WHERE message_id IS NOT NULL \
             GROUP BY folder_id, message_id HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dupes, 0, "duplicated messages in the cache");
    let headers_only: i64 =
        conn.query_row("SELECT COUNT(*) FROM messages WHERE body_state = 'headers'", [], |r| r.get(0)).unwrap();
    assert_eq!(headers_only, 0, "every message has its body after the final sync");
}
