//! Local changes made while the server is unreachable are kept across a restart and reach the server
//! exactly once when it is back.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use std::sync::Arc;

use dealbox_core::secrets::MemorySecrets;
use dealbox_core::sync::queue::{self, LocalChange};
use dealbox_core::{Core, ErrorKind};
use futures::TryStreamExt;
use sync_common::*;

fn message_id_of(core: &Core, account_id: i64, folder: &str, uid: u32) -> i64 {
    core.store()
        .conn()
        .unwrap()
        .query_row(
            "SELECT m.id FROM messages m JOIN folders f ON f.id = m.folder_id WHERE f.account_id = ?1 AND f.name = ?2 AND m.uid = ?3",
            rusqlite::params![account_id, folder, uid],
            |r| r.get(0),
        )
        .unwrap()
}

/// How many messages in `folder` have this subject.
async fn count_subject(s: &mut ImapSession, folder: &str, subject: &str) -> usize {
    s.select(folder).await.expect("select");
    s.uid_search(format!("SUBJECT \"{subject}\"")).await.expect("search").len()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_queued_while_offline_reach_the_server_exactly_once() {
    let _bob = dealbox_tests::mailboxes::exclusive(&["bob"]); // deletes its folder at the end
    let Some(env) = mail_env() else { return };
    let mut s = imap(&env, "bob").await;
    let folder = fresh_folder(&mut s, "queue").await;
    let subjects: Vec<String> = (0..5).map(|i| format!("queued {i} of {folder}")).collect();
    for subj in &subjects {
        append(&mut s, &folder, subj, "()").await;
    }
    let (dir, core, acc) = profile(&env, "bob");
    sync_once(&core, &acc, &opts()).await.expect("first sync");

    // The server becomes unreachable: point the account at a closed port.
    core.store().conn().unwrap().execute("UPDATE accounts SET imap_port = 1 WHERE id = ?1", [acc.id]).unwrap();
    let offline = core.accounts().get(acc.id).unwrap();
    queue::apply(core.store(), message_id_of(&core, acc.id, &folder, 1), &LocalChange::Seen(true)).unwrap();
    queue::apply(core.store(), message_id_of(&core, acc.id, &folder, 2), &LocalChange::Flagged(true)).unwrap();
    queue::apply(core.store(), message_id_of(&core, acc.id, &folder, 3), &LocalChange::Archive).unwrap();
    queue::apply(core.store(), message_id_of(&core, acc.id, &folder, 4), &LocalChange::Delete).unwrap();
    // Pressing "read" twice queues it once.
    queue::apply(core.store(), message_id_of(&core, acc.id, &folder, 1), &LocalChange::Seen(true)).unwrap();

    // Applied to the cache at once.
    let cached = cache_folder(&core, acc.id, &folder);
    assert_eq!(cached.keys().copied().collect::<Vec<_>>(), vec![1, 2, 5]);
    assert!(cached[&1].flags.contains(&"\\Seen".to_string()));
    assert!(cached[&2].flags.contains(&"\\Flagged".to_string()));

    for _ in 0..2 {
        let err = sync_once(&core, &offline, &opts()).await.expect_err("the server is unreachable");
        assert_eq!(err.kind, ErrorKind::Refused, "{err}");
    }
    let pending = queue::pending(core.store(), acc.id).unwrap();
    assert_eq!(pending.len(), 4, "{pending:?}");

    // Restart: a new Core on the same profile, the server reachable again.
    drop(core);
    let core = Core::open(dir.path(), Arc::new(MemorySecrets::default())).unwrap();
    core.store()
        .conn()
        .unwrap()
        .execute("UPDATE accounts SET imap_port = ?1 WHERE id = ?2", [env.imaps_port as i64, acc.id])
        .unwrap();
    let acc = core.accounts().get(acc.id).unwrap();
    let r = sync_once(&core, &acc, &opts()).await.expect("sync after the server is back");
    assert_eq!(r.uploaded, 4);
    assert!(queue::pending(core.store(), acc.id).unwrap().is_empty());

    // Exactly once on the server, and again after another sync.
    for round in 0..2 {
        assert_eq!(
            count_subject(&mut s, &folder, &subjects[2]).await,
            0,
            "round {round}: archived message left the folder"
        );
        assert_eq!(count_subject(&mut s, "Archive", &subjects[2]).await, 1, "round {round}: archived once");
        assert_eq!(count_subject(&mut s, "Trash", &subjects[3]).await, 1, "round {round}: trashed once");
        assert_eq!(count_subject(&mut s, &folder, &subjects[3]).await, 0, "round {round}");
        let r = sync_once(&core, &acc, &opts()).await.expect("sync");
        assert_eq!(r.uploaded, 0);
    }
    s.select(&folder).await.unwrap();
    let flags: Vec<_> = s.uid_fetch("1:2", "(UID FLAGS)").await.unwrap().try_collect().await.unwrap();
    for f in &flags {
        let names: Vec<String> = f.flags().map(|x| format!("{x:?}")).collect();
        match f.uid {
            Some(1) => assert!(names.iter().any(|n| n == "Seen"), "{names:?}"),
            Some(2) => assert!(names.iter().any(|n| n == "Flagged"), "{names:?}"),
            _ => {}
        }
    }
    assert_folder_matches(&core, &acc, &mut s, &folder).await;
    assert_cache_healthy(&core);
    let _ = s.delete(&folder).await;
    let _ = s.logout().await;
}
