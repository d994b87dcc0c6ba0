//! A seeded mailbox (nested and non-ASCII folders, attachments, threads) mirrored into the cache, UID by UID.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use sync_common::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn seeded_mailbox_is_mirrored_uid_by_uid_and_a_second_sync_changes_nothing() {
    let _carol = dealbox_tests::mailboxes::exclusive(&["carol"]); // re-seeds it
    let Some(env) = mail_env() else { return };
    seed(&env, "carol", 300, &["--folders"]);
    let (_dir, core, acc) = profile(&env, "carol");
    let report = sync_once(&core, &acc, &opts()).await.expect("first sync");
    assert_eq!(report.added, 300 + 30 + 30 + 15 + 20, "INBOX, Sent, Archive, Lists/rust-users, Projekte/Größe");
    assert!(report.folder_errors.is_empty(), "{:?}", report.folder_errors);

    let folders = dealbox_core::query::folders(core.store(), Some(acc.id)).expect("folders");
    let names: Vec<&str> = folders.iter().map(|f| f.display_name.as_str()).collect();
    assert!(names.contains(&"Projekte/Größe"), "modified UTF-7 decoded for display: {names:?}");
    assert!(names.contains(&"Lists/rust-users"), "nested folder: {names:?}");
    let role = |r: &str| folders.iter().find(|f| f.role.as_deref() == Some(r)).map(|f| f.name.clone());
    assert_eq!(role("inbox").as_deref(), Some("INBOX"));
    assert_eq!(role("sent").as_deref(), Some("Sent"));
    assert_eq!(role("trash").as_deref(), Some("Trash"));

    let mut s = imap(&env, "carol").await;
    for f in &folders {
        assert_folder_matches(&core, &acc, &mut s, &f.name).await;
    }
    assert_cache_healthy(&core);

    let again = sync_once(&core, &acc, &opts()).await.expect("second sync");
    assert_eq!((again.added, again.removed, again.flags_changed), (0, 0, 0));
    let status = dealbox_core::sync::status::load(core.store(), acc.id).expect("status");
    assert_eq!(status.failures, 0);
    assert!(status.last_success.is_some());
    let _ = s.logout().await;
}
