//! The scheduler against the real server: merged Sync presses, independent accounts, IDLE push.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use std::sync::Arc;
use std::time::Duration;

use dealbox_core::account::{Credential, Endpoint, NewAccount, Security};
use dealbox_core::imap::Timeouts;
use dealbox_core::sync::service::{ServiceOptions, SyncService, SystemClock};
use dealbox_core::sync::{EventSink, SyncEvent, SyncOptions};
use sync_common::*;
use tokio::sync::mpsc;

fn recorder() -> (EventSink, mpsc::UnboundedReceiver<SyncEvent>) {
    let (tx, rx) = mpsc::unbounded_channel();
    (Arc::new(move |e| drop(tx.send(e))), rx)
}

/// Next event matching `pred`; fails the test after a generous bound (a guard, not a timing assertion).
async fn next_matching(rx: &mut mpsc::UnboundedReceiver<SyncEvent>, pred: impl Fn(&SyncEvent) -> bool) -> SyncEvent {
    let wait = async {
        loop {
            let e = rx.recv().await.expect("event channel closed");
            if pred(&e) {
                return e;
            }
        }
    };
    tokio::time::timeout(Duration::from_secs(60), wait).await.expect("the expected sync event never came")
}

fn finished(id: i64) -> impl Fn(&SyncEvent) -> bool {
    move |e| matches!(e, SyncEvent::CheckFinished { account_id, .. } if *account_id == id)
}

fn service_opts(idle: bool) -> ServiceOptions {
    ServiceOptions {
        sync: SyncOptions {
            timeouts: Timeouts { connect: Duration::from_secs(5), io: Duration::from_secs(5) },
            ..SyncOptions::default()
        },
        idle,
        ..ServiceOptions::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_sync_presses_during_a_check_merge_into_one_more_check() {
    let _bob = dealbox_tests::mailboxes::shared(&["bob"]);
    let Some(env) = mail_env() else { return };
    let (_dir, core, acc) = profile(&env, "bob");
    let (events, mut rx) = recorder();
    let svc = SyncService::start(&core, events, Arc::new(SystemClock), service_opts(false)).unwrap();
    // The first check runs by itself: the account was never checked.
    let first = next_matching(&mut rx, finished(acc.id)).await;
    assert!(matches!(first, SyncEvent::CheckFinished { error: None, .. }), "{first:?}");

    svc.sync_now(acc.id).unwrap();
    next_matching(&mut rx, |e| matches!(e, SyncEvent::CheckStarted { .. })).await;
    for _ in 0..20 {
        svc.sync_now(acc.id).unwrap();
    }
    next_matching(&mut rx, finished(acc.id)).await;
    next_matching(&mut rx, finished(acc.id)).await;
    svc.stop().await;
    let mut later_starts = 0;
    while let Ok(e) = rx.try_recv() {
        if matches!(e, SyncEvent::CheckStarted { .. }) {
            later_starts += 1;
        }
    }
    assert_eq!(later_starts, 0, "20 presses during a check gave exactly one more check");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_server_that_never_answers_does_not_stall_other_accounts() {
    let _bob = dealbox_tests::mailboxes::shared(&["bob"]);
    let Some(env) = mail_env() else { return };
    // A "server" that accepts connections and never says a word.
    let silent = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = silent.local_addr().unwrap().port();
    let held = tokio::spawn(async move {
        let mut socks = Vec::new();
        while let Ok((s, _)) = silent.accept().await {
            socks.push(s);
        }
    });
    let (_dir, core, good) = profile(&env, "bob");
    let stuck = core
        .accounts()
        .add(
            &NewAccount {
                name: "silent".into(),
                email: "silent@example.test".into(),
                display_name: String::new(),
                addresses: vec![],
                username: "silent".into(),
                imap: Endpoint { host: "127.0.0.1".into(), port, security: Security::None },
                smtp: Endpoint { host: "127.0.0.1".into(), port, security: Security::None },
                credential: Credential::Command("printf x".into()),
                trust_ca_pem: None,
                insecure: false,
                signature: String::new(),
                fetch_days: None,
                save_sent_copy: true,
                notify: true,
            },
            None,
        )
        .unwrap();
    let (events, mut rx) = recorder();
    let svc = SyncService::start(&core, events, Arc::new(SystemClock), service_opts(false)).unwrap();
    let first = next_matching(&mut rx, |e| matches!(e, SyncEvent::CheckFinished { .. })).await;
    assert!(
        matches!(&first, SyncEvent::CheckFinished { account_id, error: None } if *account_id == good.id),
        "the working account finished first, while the silent one still waits: {first:?}"
    );
    let SyncEvent::CheckFinished { error: Some(err), .. } = next_matching(&mut rx, finished(stuck.id)).await else {
        panic!("the silent server's check must fail");
    };
    assert!(err.contains("no IMAP greeting"), "{err}");
    let st = dealbox_core::sync::status::load(core.store(), stuck.id).unwrap();
    assert_eq!((st.failures, st.last_error_kind.as_deref()), (1, Some("timeout")));
    svc.stop().await;
    held.abort();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_mail_pushed_by_idle_is_synced_without_a_press() {
    let _bob = dealbox_tests::mailboxes::shared(&["bob"]);
    let Some(env) = mail_env() else { return };
    let (_dir, core, acc) = profile(&env, "bob");
    let (events, mut rx) = recorder();
    let svc = SyncService::start(&core, events, Arc::new(SystemClock), service_opts(true)).unwrap();
    next_matching(&mut rx, finished(acc.id)).await;
    next_matching(&mut rx, |e| matches!(e, SyncEvent::Idle { connected: true, .. })).await;
    assert!(svc.state(acc.id).idle_connected);

    let subject = format!("pushed by IDLE {}", std::process::id());
    let mut s = imap(&env, "bob").await;
    append(&mut s, "INBOX", &subject, "()").await;
    next_matching(&mut rx, |e| matches!(e, SyncEvent::CheckStarted { .. })).await;
    next_matching(&mut rx, finished(acc.id)).await;
    let cached = cache_folder(&core, acc.id, "INBOX");
    assert!(cached.values().any(|m| m.subject == subject), "the pushed message is in the cache");
    svc.stop().await;
    let _ = s.logout().await;
}

/// A TCP proxy to the plain IMAP port whose open connections can be cut, and whose new connections can be held
/// at the door, on demand.
struct Proxy {
    port: u16,
    /// Bumping it cuts every open connection.
    cut: tokio::sync::watch::Sender<u32>,
    /// While false, new connections wait before they reach the server.
    open: tokio::sync::watch::Sender<bool>,
}

async fn proxy(upstream: (String, u16)) -> Proxy {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let (cut, cut_rx) = tokio::sync::watch::channel(0u32);
    let (open, open_rx) = tokio::sync::watch::channel(true);
    tokio::spawn(async move {
        while let Ok((mut client, _)) = listener.accept().await {
            let (upstream, mut cut_rx, mut open_rx) = (upstream.clone(), cut_rx.clone(), open_rx.clone());
            cut_rx.borrow_and_update();
            tokio::spawn(async move {
                if open_rx.wait_for(|o| *o).await.is_err() {
                    return;
                }
                let Ok(mut server) = tokio::net::TcpStream::connect((upstream.0.as_str(), upstream.1)).await else {
                    return;
                };
                tokio::select! {
                    _ = tokio::io::copy_bidirectional(&mut client, &mut server) => {}
                    _ = cut_rx.changed() => {} // dropping both sockets cuts the connection
                }
            });
        }
    });
    Proxy { port, cut, open }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_lost_idle_connection_is_reopened_with_a_check_for_what_arrived_meanwhile() {
    let _bob = dealbox_tests::mailboxes::shared(&["bob"]);
    let Some(env) = mail_env() else { return };
    let p = proxy((env.host.clone(), env.imap_port)).await;
    let (_dir, core, acc) = profile(&env, "bob");
    core.store()
        .conn()
        .unwrap()
        .execute("UPDATE accounts SET imap_port = ?1, imap_security = 'none' WHERE id = ?2", (p.port as i64, acc.id))
        .unwrap();
    let (events, mut rx) = recorder();
    let opts = ServiceOptions { idle_retry: Duration::from_millis(200), ..service_opts(true) };
    let svc = SyncService::start(&core, events, Arc::new(SystemClock), opts).unwrap();
    next_matching(&mut rx, finished(acc.id)).await;
    next_matching(&mut rx, |e| matches!(e, SyncEvent::Idle { connected: true, .. })).await;

    // The server side goes away (a restart, a NAT timeout) and stays away while a message arrives.
    p.open.send_replace(false);
    p.cut.send_modify(|n| *n += 1);
    next_matching(&mut rx, |e| matches!(e, SyncEvent::Idle { connected: false, .. })).await;
    let subject = format!("arrived while IDLE was down {}", std::process::id());
    let mut s = imap(&env, "bob").await;
    append(&mut s, "INBOX", &subject, "()").await;
    p.open.send_replace(true);

    // Without a press and long before the 10-minute poll: a check finds it, then IDLE listens again.
    let done = next_matching(&mut rx, finished(acc.id)).await;
    assert!(matches!(done, SyncEvent::CheckFinished { error: None, .. }), "{done:?}");
    let cached = cache_folder(&core, acc.id, "INBOX");
    assert!(cached.values().any(|m| m.subject == subject), "the message that arrived meanwhile is in the cache");
    next_matching(&mut rx, |e| matches!(e, SyncEvent::Idle { connected: true, .. })).await;
    assert!(svc.state(acc.id).idle_connected);
    svc.stop().await;
    let _ = s.logout().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sync_pressed_while_idle_checks_at_once() {
    let _bob = dealbox_tests::mailboxes::shared(&["bob"]);
    let Some(env) = mail_env() else { return };
    let (_dir, core, acc) = profile(&env, "bob");
    let (events, mut rx) = recorder();
    let svc = SyncService::start(&core, events, Arc::new(SystemClock), service_opts(true)).unwrap();
    svc.window_opened().unwrap(); // as the app does when its window opens
    next_matching(&mut rx, finished(acc.id)).await;
    next_matching(&mut rx, |e| matches!(e, SyncEvent::Idle { connected: true, .. })).await;
    svc.sync_now(acc.id).unwrap();
    next_matching(&mut rx, |e| matches!(e, SyncEvent::CheckStarted { .. })).await;
    next_matching(&mut rx, finished(acc.id)).await;
    svc.stop().await;
}
