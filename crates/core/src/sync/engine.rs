//! One check of one account: connect, upload queued changes, list folders, sync each folder.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::conn::{BatchSink, Conn, FetchedMsg};
use super::folders::{self, RemoteFolder};
use super::plan::{self, choose_strategy, normalize_flags, uid_set, Cursor, Listing, ServerCaps, Strategy};
use super::{queue, status, EventSink, Stage, SyncEvent, SyncOptions, SyncReport};
use crate::account::Account;
use crate::cache::{self, Fetched};
use crate::error::{Error, ErrorKind, Result, Sensitive};
use crate::imap;
use crate::store::Store;
use crate::time::{imap_date, DAY};

/// Connect, log in, re-read capabilities and enable QRESYNC when offered.
pub async fn open(account: &Account, password: &Sensitive<String>, opts: &SyncOptions) -> Result<Conn> {
    let host = account.imap.host.clone();
    let mut session = imap::connect(account, password, opts.timeouts).await?;
    let caps = imap::capabilities(&mut session, &host, opts.timeouts).await?;
    let mut conn = Conn::new(session, &host, opts.timeouts, caps);
    if !opts.disable_condstore {
        conn.enable_qresync().await?;
    } else {
        conn.caps.retain(|c| !c.eq_ignore_ascii_case("CONDSTORE") && !c.eq_ignore_ascii_case("QRESYNC"));
    }
    Ok(conn)
}

/// Sync over an open connection (the scheduler keeps one per account).
pub async fn sync_with(
    conn: &mut Conn,
    store: Arc<Store>,
    account: &Account,
    opts: &SyncOptions,
    events: &EventSink,
) -> Result<SyncReport> {
    // A larger page cache for this connection: B-tree lookups during a first sync stay in memory.
    store.conn()?.execute_batch("PRAGMA cache_size = -65536")?;
    let mut report = SyncReport { uploaded: queue::replay(conn, &store, account.id).await?, ..Default::default() };
    let remote = folders::classify(&conn.list().await?);
    let wanted: Vec<&RemoteFolder> = match &opts.folder {
        Some(f) => {
            let fl = f.to_lowercase();
            let found: Vec<&RemoteFolder> = remote
                .iter()
                .filter(|r| r.name == *f || r.display_name.to_lowercase() == fl || r.role == Some(fl.as_str()))
                .collect();
            if found.is_empty() {
                return Err(Error::not_found(format!("the server has no folder '{f}' for account {}", account.name))
                    .with_hint(crate::error::Hint::ListFolders { account: account.name.clone() }));
            }
            found
        }
        None => remote.iter().collect(),
    };
    // Folders deleted (or renamed) on the server go locally too, with their messages.
    if opts.folder.is_none() {
        let names: BTreeSet<&str> = remote.iter().filter(|r| r.selectable).map(|r| r.name.as_str()).collect();
        for local in folders::local_folders(&store, account.id)? {
            if !names.contains(local.name.as_str()) {
                report.removed += folders::delete_folder(&store, local.id)? as u64;
                events(SyncEvent::FoldersChanged { account_id: account.id });
            }
        }
    }
    for f in wanted.into_iter().filter(|f| f.selectable) {
        let folder_id =
            cache::upsert_folder(&store, account.id, &f.name, &f.display_name, f.delimiter.as_deref(), f.role)?;
        match sync_folder(conn, &store, account, folder_id, f, opts, events).await {
            Ok(r) => {
                report.added += r.added;
                report.removed += r.removed;
                report.flags_changed += r.flags_changed;
                report.folders += 1;
            }
            // A folder the server refuses (NO/BAD) does not stop the others; a broken connection does.
            Err(e) if e.kind == ErrorKind::Protocol && !conn.is_broken() => {
                tracing::warn!(folder = %f.name, error = %e, "folder not synced");
                report.folder_errors.push((f.display_name.clone(), e));
            }
            Err(e) => return Err(e),
        }
    }
    Ok(report)
}

#[derive(Debug, Default)]
struct FolderResult {
    added: u64,
    removed: u64,
    flags_changed: u64,
}

async fn sync_folder(
    conn: &mut Conn,
    store: &Arc<Store>,
    account: &Account,
    folder_id: i64,
    f: &RemoteFolder,
    opts: &SyncOptions,
    events: &EventSink,
) -> Result<FolderResult> {
    let caps = ServerCaps { condstore: conn.has_cap("CONDSTORE"), qresync: conn.has_cap("QRESYNC") };
    // LIST-STATUS already told us this folder's state: skip the SELECT when nothing changed.
    if let Some(st) = f.status {
        let old = folders::folder_cursor(store, folder_id)?;
        if choose_strategy(old, st, caps) == Strategy::Unchanged && !folders::has_header_only(store, folder_id)? {
            return Ok(FolderResult::default());
        }
    }
    let sel = conn.select(&f.name).await?;
    let Some(uidvalidity) = sel.uidvalidity else {
        return Err(Error::new(ErrorKind::Protocol, format!("{}: SELECT {} gave no UIDVALIDITY", conn.host, f.name)));
    };
    let mut cached = status::cached_state(store, folder_id)?;
    let old = folders::folder_cursor(store, folder_id)?;
    let server_uidnext = sel.uidnext.unwrap_or(0);
    let server = Cursor { uidvalidity, uidnext: server_uidnext, highestmodseq: sel.highestmodseq };
    let mut result = FolderResult::default();
    let mut strategy = choose_strategy(old, server, caps);
    if let Strategy::Reset(why) = strategy {
        tracing::info!(folder = %f.name, ?why, "folder reset: cached UIDs dropped");
        result.removed += folders::clear_folder(store, folder_id)? as u64;
        cached.clear();
        strategy = Strategy::Full;
    }
    let window = account.fetch_days.map(|d| format!("SINCE {}", imap_date(opts.now - d as i64 * DAY)));
    let mut listing = Listing { exists: Some(sel.exists), ..Default::default() };
    match strategy {
        Strategy::Unchanged | Strategy::Reset(_) => {}
        // An empty folder: nothing to list (some servers refuse "1:*" there), everything cached is gone.
        _ if sel.exists == 0 => listing.all = Some(BTreeSet::new()),
        Strategy::ChangedSince { modseq, qresync } => {
            let fl = conn.uid_fetch_flags("1:*", Some((modseq, qresync))).await?;
            listing.flags = fl.flags;
            listing.vanished = fl.vanished;
            if let Some(prev) = old {
                if server_uidnext > prev.uidnext {
                    let crit = match &window {
                        Some(w) => format!("UID {}:* {w}", prev.uidnext),
                        None => format!("UID {}:*", prev.uidnext),
                    };
                    listing.wanted = conn.uid_search(&crit).await?.into_iter().filter(|u| *u >= prev.uidnext).collect();
                }
            }
            if !qresync {
                listing.all = Some(conn.uid_search("ALL").await?);
            }
        }
        Strategy::Full if cached.is_empty() => {
            listing.wanted = conn.uid_search(window.as_deref().unwrap_or("ALL")).await?;
        }
        Strategy::Full => {
            let fl = conn.uid_fetch_flags("1:*", None).await?;
            listing.all = Some(fl.flags.keys().copied().collect());
            listing.flags = fl.flags;
            listing.wanted = match &window {
                Some(w) => conn.uid_search(w).await?,
                None => listing.all.clone().unwrap_or_default(),
            };
        }
    }
    // Messages that arrived during this session are picked up next time (UIDNEXT from SELECT).
    listing.wanted.retain(|u| server_uidnext == 0 || *u < server_uidnext);
    let actions =
        plan::plan(&cached, &listing).map_err(|e| Error::new(ErrorKind::Protocol, format!("{}: {}", f.name, e.0)))?;
    if !actions.drop.is_empty() {
        result.removed += cache::remove_uids(store, folder_id, &actions.drop)? as u64;
    }
    if !actions.set_flags.is_empty() {
        status::set_flags(store, folder_id, &actions.set_flags)?;
        result.flags_changed += actions.set_flags.len() as u64;
    }
    if !actions.drop.is_empty() || !actions.set_flags.is_empty() {
        events(SyncEvent::MessagesChanged { account_id: account.id, folder_id });
    }
    let mut bodies = actions.fetch_bodies.clone();
    if !actions.fetch.is_empty() {
        let headers_first = actions.fetch.len() > opts.headers_first_over;
        fetch_and_store(conn, store, account.id, folder_id, f, &actions.fetch, headers_first, opts, events).await?;
        result.added += actions.fetch.len() as u64;
        if headers_first {
            bodies.splice(0..0, actions.fetch.iter().copied());
        }
    }
    if !bodies.is_empty() {
        fetch_and_store(conn, store, account.id, folder_id, f, &bodies, false, opts, events).await?;
    }
    let uidnext = if server_uidnext > 0 { server_uidnext } else { cached.keys().max().map(|u| u + 1).unwrap_or(1) };
    let cursor = Cursor { uidvalidity, uidnext, highestmodseq: if caps.condstore { sel.highestmodseq } else { None } };
    folders::save_cursor(store, folder_id, Some(cursor), opts.now)?;
    Ok(result)
}

/// Fetch `uids` (newest first) in pipelined chunks; a blocking thread parses and stores batches meanwhile.
#[allow(clippy::too_many_arguments)]
async fn fetch_and_store(
    conn: &mut Conn,
    store: &Arc<Store>,
    account_id: i64,
    folder_id: i64,
    f: &RemoteFolder,
    uids: &[u32],
    headers_only: bool,
    opts: &SyncOptions,
    events: &EventSink,
) -> Result<()> {
    let stage = if headers_only { Stage::Headers } else { Stage::Messages };
    let total = uids.len() as u64;
    let chunk = if headers_only { opts.fetch_chunk * 4 } else { opts.fetch_chunk };
    let chunks: Vec<String> = uids.chunks(chunk.max(1)).map(uid_set).collect();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<Vec<FetchedMsg>>(2);
    let (store2, ev, folder) = (store.clone(), events.clone(), f.display_name.clone());
    events(SyncEvent::Progress { account_id, folder: folder.clone(), stage, done: 0, total });
    let worker = tokio::task::spawn_blocking(move || -> Result<()> {
        let mut done = 0u64;
        while let Some(batch) = rx.blocking_recv() {
            let items: Vec<Fetched<'_>> = batch
                .iter()
                .map(|m| Fetched {
                    uid: m.uid,
                    flags: normalize_flags(&m.flags),
                    modseq: m.modseq,
                    size: m.size,
                    raw: &m.raw,
                    internal_date: m.internal_date,
                })
                .collect();
            if headers_only {
                cache::store_headers(&store2, account_id, folder_id, &items)?;
            } else {
                cache::store_messages(&store2, account_id, folder_id, &items)?;
            }
            done += items.len() as u64;
            ev(SyncEvent::Progress { account_id, folder: folder.clone(), stage, done, total });
            ev(SyncEvent::MessagesChanged { account_id, folder_id });
        }
        Ok(())
    });
    let mut sink = BatchSink::new(tx, opts.batch_count, opts.batch_bytes);
    let fetched = conn.uid_fetch_messages(&chunks, headers_only, opts.pipeline_depth, &mut sink).await;
    let flushed = match fetched {
        Ok(()) => sink.flush().await,
        Err(e) => Err(e),
    };
    drop(sink);
    let stored = worker.await.map_err(|e| Error::internal(format!("the storing thread failed: {e}")))?;
    // The storing error explains a failed send; otherwise report the network error.
    stored?;
    flushed
}
