//! The connection drops in the middle of a FETCH (a loopback proxy cuts it): the sync fails with a network
//! error, and the next sync converges with nothing missing and nothing duplicated.

#![allow(clippy::unwrap_used)]

use dealbox_tests::sync_common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use dealbox_core::sync::SyncOptions;
use dealbox_core::ErrorKind;
use sync_common::*;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// A TCP proxy to the IMAP port that closes each connection after `limit` bytes from the server.
async fn cutting_proxy(upstream: (String, u16), limit: Arc<AtomicUsize>) -> u16 {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    tokio::spawn(async move {
        while let Ok((client, _)) = listener.accept().await {
            let upstream = upstream.clone();
            let limit = limit.load(Ordering::SeqCst);
            tokio::spawn(async move {
                let Ok(server) = tokio::net::TcpStream::connect((upstream.0.as_str(), upstream.1)).await else {
                    return;
                };
                let (mut cr, mut cw) = client.into_split();
                let (mut sr, mut sw) = server.into_split();
                let up = tokio::spawn(async move { tokio::io::copy(&mut cr, &mut sw).await });
                let mut sent = 0usize;
                let mut buf = vec![0u8; 16 * 1024];
                loop {
                    let n = match sr.read(&mut buf).await {
                        Ok(0) | Err(_) => break,
                        Ok(n) => n,
                    };
                    let n = n.min(limit.saturating_sub(sent));
                    if n == 0 || cw.write_all(&buf[..n]).await.is_err() {
                        break;
                    }
                    sent += n;
                }
                up.abort(); // both directions close: the connection is cut
            });
        }
    });
    port
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_cut_mid_fetch_converges_on_the_next_sync() {
    let _alice = dealbox_tests::mailboxes::exclusive(&["alice"]); // deletes its folder at the end
    let Some(env) = mail_env() else { return };
    let mut s = imap(&env, "alice").await;
    let folder = fresh_folder(&mut s, "cut").await;
    let filler = "All work and no play makes a long message. ".repeat(500); // ~22 KB each
    for i in 0..60 {
        let raw = format!(
            "From: Sender <sender@example.test>\r\nTo: alice@example.test\r\nSubject: cut {i} of {folder}\r\n\
             Message-ID: <cut-{i}-{folder}@test.example>\r\nDate: Tue, 1 Sep 2026 10:00:00 +0000\r\n\r\n{filler}\r\n"
        );
        s.append(&folder, None, None, raw.as_bytes()).await.unwrap();
    }
    let limit = Arc::new(AtomicUsize::new(300 * 1024)); // about a third of the folder
    let port = cutting_proxy((env.host.clone(), env.imap_port), limit.clone()).await;
    let (_dir, core, acc) = profile(&env, "alice");
    core.store()
        .conn()
        .unwrap()
        .execute("UPDATE accounts SET imap_port = ?1, imap_security = 'none' WHERE id = ?2", (port as i64, acc.id))
        .unwrap();
    let acc = core.accounts().get(acc.id).unwrap();
    let o = SyncOptions {
        folder: Some(folder.clone()),
        headers_first_over: usize::MAX,
        fetch_chunk: 10,
        batch_count: 5,
        ..opts()
    };

    let err = sync_once(&core, &acc, &o).await.expect_err("the connection is cut mid-FETCH");
    assert!(matches!(err.kind, ErrorKind::Network | ErrorKind::Timeout), "{err}");
    let partial = cache_folder(&core, acc.id, &folder).len();
    assert!(partial > 0 && partial < 60, "the cut came after some batches were stored ({partial} cached)");

    limit.store(usize::MAX, Ordering::SeqCst);
    let r = sync_once(&core, &acc, &o).await.expect("sync after the cut");
    assert_eq!(r.added as usize + partial, 60, "the rest, and only the rest, was fetched: {r:?}");
    assert_folder_matches(&core, &acc, &mut s, &folder).await;
    assert_cache_healthy(&core);
    let _ = s.delete(&folder).await;
    let _ = s.logout().await;
}
