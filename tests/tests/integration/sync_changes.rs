//! Changes made by another IMAP client converge after one sync, with and without CONDSTORE/QRESYNC.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use sync_common::*;

/// One test at a time, and no other test in alice's mailbox meanwhile: each syncs all of alice's folders and each
/// deletes a folder — Dovecot ends a session whose selected folder another client deletes ("Mailbox was deleted
/// under us").
fn alone_in_alices_mailbox() -> dealbox_tests::mailboxes::MailboxGuard {
    dealbox_tests::mailboxes::exclusive(&["alice"])
}

async fn changes_converge(condstore: bool) {
    let _alice = alone_in_alices_mailbox();
    let Some(env) = mail_env() else { return };
    let mut s = imap(&env, "alice").await;
    let folder = fresh_folder(&mut s, if condstore { "changes-cs" } else { "changes-plain" }).await;
    let dest = fresh_folder(&mut s, &format!("{folder}-dest")).await;
    for (i, flags) in ["(\\Seen)", "(\\Seen)", "()", "(\\Flagged)", "()"].iter().enumerate() {
        append(&mut s, &folder, &format!("message {i} of {folder}"), flags).await;
    }
    // Without CONDSTORE: the second Dovecot, which does not announce CONDSTORE/QRESYNC, on the same mailboxes.
    let port = if condstore { env.imaps_port } else { env.nocondstore_imaps_port };
    let (_dir, core, acc) = profile_on(&env, "alice", port);
    let o = opts();
    sync_once(&core, &acc, &o).await.expect("first sync");
    assert_folder_matches(&core, &acc, &mut s, &folder).await;
    let modseq: Option<i64> = core
        .store()
        .conn()
        .unwrap()
        .query_row("SELECT highestmodseq FROM folders WHERE account_id = ?1 AND name = ?2", (acc.id, &folder), |r| {
            r.get(0)
        })
        .unwrap();
    assert_eq!(modseq.is_some(), condstore, "the cursor keeps HIGHESTMODSEQ only when the server offers CONDSTORE");

    // Another client: new mail, flag changes, an expunge and a move.
    s.select(&folder).await.expect("select");
    append(&mut s, &folder, &format!("new one of {folder}"), "()").await;
    append(&mut s, &folder, &format!("new two of {folder}"), "(\\Answered)").await;
    s.uid_store("1", "+FLAGS (\\Flagged)").await.expect("store").try_collect_all().await;
    s.uid_store("2", "-FLAGS (\\Seen)").await.expect("store").try_collect_all().await;
    s.uid_store("3", "+FLAGS (\\Deleted)").await.expect("store").try_collect_all().await;
    s.uid_expunge("3").await.expect("expunge").try_collect_all().await;
    s.uid_mv("4", &dest).await.expect("move");

    let r = sync_once(&core, &acc, &o).await.expect("second sync");
    assert!(r.added >= 3, "two new + one moved in: {r:?}");
    for f in [&folder, &dest] {
        assert_folder_matches(&core, &acc, &mut s, f).await;
    }
    let cached = cache_folder(&core, acc.id, &folder);
    assert!(!cached.contains_key(&3) && !cached.contains_key(&4), "expunged and moved UIDs are gone");
    assert!(cached[&1].flags.contains(&"\\Flagged".to_string()));
    assert!(!cached[&2].flags.contains(&"\\Seen".to_string()));
    assert_cache_healthy(&core);
    let _ = s.delete(&folder).await;
    let _ = s.delete(&dest).await;
    let _ = s.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_from_another_client_converge_with_condstore_and_qresync() {
    changes_converge(true).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changes_from_another_client_converge_without_condstore() {
    changes_converge(false).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn recreated_folder_with_a_new_uidvalidity_leaves_no_stale_messages() {
    let _alice = alone_in_alices_mailbox();
    let Some(env) = mail_env() else { return };
    let mut s = imap(&env, "alice").await;
    let folder = fresh_folder(&mut s, "recreated").await;
    for i in 0..4 {
        append(&mut s, &folder, &format!("old {i} of {folder}"), "(\\Seen)").await;
    }
    let (_dir, core, acc) = profile(&env, "alice");
    sync_once(&core, &acc, &opts()).await.expect("first sync");
    let before = cache_folder(&core, acc.id, &folder);
    assert_eq!(before.len(), 4);
    let old_validity = s.select(&folder).await.expect("select").uid_validity;

    s.close().await.expect("close");
    s.delete(&folder).await.expect("delete");
    s.create(&folder).await.expect("create");
    for i in 0..2 {
        append(&mut s, &folder, &format!("new {i} of {folder}"), "()").await;
    }
    let new_validity = s.select(&folder).await.expect("select").uid_validity;
    assert_ne!(old_validity, new_validity, "the server gave the recreated folder a new UIDVALIDITY");

    sync_once(&core, &acc, &opts()).await.expect("second sync");
    assert_folder_matches(&core, &acc, &mut s, &folder).await;
    let after = cache_folder(&core, acc.id, &folder);
    assert!(after.values().all(|m| m.subject.starts_with("new ")), "no stale message survived: {after:?}");
    assert_cache_healthy(&core);
    let _ = s.delete(&folder).await;
    let _ = s.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn folders_deleted_on_the_server_disappear_locally() {
    let _alice = alone_in_alices_mailbox();
    let Some(env) = mail_env() else { return };
    let mut s = imap(&env, "alice").await;
    let folder = fresh_folder(&mut s, "doomed").await;
    append(&mut s, &folder, &format!("only message of {folder}"), "()").await;
    let (_dir, core, acc) = profile(&env, "alice");
    sync_once(&core, &acc, &opts()).await.expect("first sync");
    let has = |core: &dealbox_core::Core| {
        dealbox_core::query::folders(core.store(), Some(acc.id)).expect("folders").iter().any(|f| f.name == folder)
    };
    assert!(has(&core));
    s.delete(&folder).await.expect("delete");
    sync_once(&core, &acc, &opts()).await.expect("second sync");
    assert!(!has(&core), "the deleted folder is gone locally");
    assert!(cache_folder(&core, acc.id, &folder).is_empty());
    assert_cache_healthy(&core);
    let _ = s.logout().await;
}

trait CollectAll {
    async fn try_collect_all(self);
}

impl<S, T, E> CollectAll for S
where
    S: futures::Stream<Item = Result<T, E>> + Send,
    E: std::fmt::Debug,
{
    async fn try_collect_all(self) {
        use futures::TryStreamExt;
        let s = std::pin::pin!(self);
        let _: Vec<T> = s.try_collect().await.expect("stream");
    }
}
