//! `dealbox-cli sync` and `dealbox-cli status`

use std::io::Write;
use std::sync::{Arc, Mutex};

use clap::Args;
use dealbox_core::account::Account;
use dealbox_core::store::unix_now;
use dealbox_core::sync::policy::{human_duration, Presence};
use dealbox_core::sync::{self, queue, EventSink, Stage, SyncEvent, SyncOptions};
use dealbox_core::{Core, Error};

#[derive(Args)]
pub struct SyncArgs {
    /// Only this account (name, id or address); default: every account, concurrently.
    #[arg(long)]
    account: Option<String>,
    /// Only this folder (server name, display name or role such as inbox).
    #[arg(long)]
    folder: Option<String>,
    /// Seconds per network step.
    #[arg(long, default_value_t = 60)]
    timeout: u64,
    /// Act as if the server had no CONDSTORE/QRESYNC (for testing the fallback).
    #[arg(long, hide = true)]
    no_condstore: bool,
    /// Fetch full messages at once instead of headers first.
    #[arg(long)]
    no_headers_first: bool,
    /// Print one JSON line per account.
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct StatusArgs {
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    json: bool,
}

fn accounts(core: &Core, which: &Option<String>) -> anyhow::Result<Vec<Account>> {
    Ok(match which {
        Some(a) => vec![core.accounts().find(a)?],
        None => core.accounts().list()?,
    })
}

/// A one-line progress display on the terminal, redrawn on each event.
struct Bar {
    lines: Mutex<std::collections::BTreeMap<i64, String>>,
    names: std::collections::HashMap<i64, String>,
}

impl Bar {
    fn draw(&self, account_id: i64, text: String) {
        let Ok(mut lines) = self.lines.lock() else { return };
        lines.insert(account_id, text);
        let all: Vec<String> = lines.values().cloned().collect();
        let mut out = std::io::stdout().lock();
        let _ = write!(out, "\r\x1b[2K{}", all.join("  |  "));
        let _ = out.flush();
    }

    fn event(&self, e: &SyncEvent) {
        if let SyncEvent::Progress { account_id, folder, stage, done, total } = e {
            let width = 24usize;
            let filled = if *total == 0 { width } else { (*done as usize * width) / (*total as usize).max(1) };
            let what = if *stage == Stage::Headers { " headers" } else { "" };
            let name = self.names.get(account_id).map(String::as_str).unwrap_or("");
            self.draw(
                *account_id,
                format!(
                    "{name} {}{what} [{}{}] {done}/{total}",
                    crate::mail_cmd::clean(folder),
                    "#".repeat(filled.min(width)),
                    ".".repeat(width - filled.min(width))
                ),
            );
        }
    }
}

pub fn sync(core: &Core, a: SyncArgs) -> anyhow::Result<()> {
    let accounts = accounts(core, &a.account)?;
    if accounts.is_empty() {
        println!("No accounts yet. Add one with `dealbox-cli account add ...`.");
        return Ok(());
    }
    // An offline mailbox (the sample data) has no server: say so rather than fail on the network.
    let (offline, accounts): (Vec<Account>, Vec<Account>) = accounts.into_iter().partition(Account::is_offline);
    for acc in &offline {
        let msg = dealbox_core::account::OFFLINE_NOTHING_TO_SYNC;
        if a.json {
            println!("{}", serde_json::json!({"account": acc.name, "ok": true, "demo": true, "message": msg}));
        } else {
            println!("{}: {msg}", acc.name);
        }
    }
    if accounts.is_empty() {
        return Ok(());
    }
    let tty = crate::stdout_is_tty() && !a.json;
    let bar = Arc::new(Bar {
        lines: Mutex::new(Default::default()),
        names: accounts.iter().map(|a| (a.id, a.name.clone())).collect(),
    });
    let events: EventSink = if tty {
        let bar = bar.clone();
        Arc::new(move |e| bar.event(&e))
    } else {
        sync::no_events()
    };
    let opts = SyncOptions {
        folder: a.folder.clone(),
        timeouts: dealbox_core::imap::Timeouts {
            connect: std::time::Duration::from_secs(a.timeout.min(60)),
            io: std::time::Duration::from_secs(a.timeout),
        },
        disable_condstore: a.no_condstore,
        headers_first_over: if a.no_headers_first { usize::MAX } else { SyncOptions::default().headers_first_over },
        ..SyncOptions::default()
    };
    let rt = crate::runtime()?;
    let results = rt.block_on(async {
        // Each check runs the core's after-check hooks too (new mail goes through the CRM rules).
        let tasks = accounts.iter().map(|acc| core.check_account(acc, &opts, &events));
        futures_join_all(tasks).await
    });
    if tty {
        println!("\r\x1b[2K");
    }
    let mut first_err: Option<Error> = None;
    for (acc, r) in accounts.iter().zip(results) {
        match r {
            Ok(r) => {
                if a.json {
                    println!(
                        "{}",
                        serde_json::json!({"account": acc.name, "ok": true, "folders": r.folders, "added": r.added,
                            "removed": r.removed, "flagsChanged": r.flags_changed, "uploaded": r.uploaded,
                            "folderErrors": r.folder_errors.iter().map(|(f, e)| format!("{f}: {e}")).collect::<Vec<_>>()})
                    );
                } else {
                    println!(
                        "{}: {} folders, {} new, {} removed, {} flag changes, {} local changes uploaded",
                        acc.name, r.folders, r.added, r.removed, r.flags_changed, r.uploaded
                    );
                    for (f, e) in &r.folder_errors {
                        println!("  folder {} was not synced: {e}", crate::mail_cmd::clean(f));
                    }
                }
            }
            Err(e) => {
                if a.json {
                    println!(
                        "{}",
                        serde_json::json!({"account": acc.name, "ok": false, "code": e.kind.code(), "error": e.message})
                    );
                } else {
                    eprintln!("{}: sync failed: {e}", acc.name);
                }
                first_err.get_or_insert(e);
            }
        }
    }
    match first_err {
        None => Ok(()),
        Some(e) if accounts.len() == 1 => Err(e.into()),
        Some(e) => Err(Error::new(e.kind, "some accounts could not be synced (see above)").into()),
    }
}

async fn futures_join_all<F: std::future::Future>(fs: impl Iterator<Item = F>) -> Vec<F::Output> {
    futures::future::join_all(fs).await
}

fn ago(now: i64, t: i64) -> String {
    let when = dealbox_core::query::rfc3339(t);
    let when = when.get(..16).unwrap_or(&when).replace('T', " ");
    format!("{when} UTC ({} ago)", human_duration(now - t))
}

pub fn status(core: &Core, a: StatusArgs) -> anyhow::Result<()> {
    let now = unix_now();
    // The CLI runs on the owner's machine: the owner is online while it runs.
    let presence = Presence { owner_online: true, any_user_online: true, network_up: true };
    for acc in accounts(core, &a.account)? {
        let s = core.sync_status(acc.id)?;
        let next = s.next_check(now, presence, core.routing_on(acc.id));
        let pending = core.mail().pending_changes(acc.id)?;
        let parked = pending.iter().filter(|p| p.parked).count();
        if a.json {
            println!(
                "{}",
                serde_json::json!({"account": acc.name, "status": s, "nextCheck": next, "nextCheckText": next.describe(now),
                    "problem": s.problem(), "pendingChanges": pending.len(), "parkedChanges": parked})
            );
            continue;
        }
        println!("{} <{}>", acc.name, acc.email);
        match s.last_check {
            None => println!("  last check:  never"),
            Some(t) if s.failures == 0 => {
                println!(
                    "  last check:  {}, ok ({} new, {} removed)",
                    ago(now, t),
                    s.messages_added,
                    s.messages_removed
                )
            }
            Some(t) => println!(
                "  last check:  {}, failed ({} in a row): {}",
                ago(now, t),
                s.failures,
                s.last_error.as_deref().unwrap_or("")
            ),
        }
        println!("  next check:  {}", next.describe(now));
        match s.problem() {
            Some(p) => println!("  problem:     {}: {}", p.reason.describe(), p.message),
            None => println!("  problem:     none"),
        }
        if !pending.is_empty() {
            println!(
                "  queued:      {} local changes waiting for the server ({parked} parked after errors)",
                pending.len()
            );
        }
        println!("  IDLE:        not connected (the app keeps an IDLE connection while it runs)");
    }
    Ok(())
}

#[derive(Args)]
pub struct MarkArgs {
    /// The message id (from `list --json`).
    message: i64,
    #[arg(long, conflicts_with = "unread")]
    read: bool,
    #[arg(long)]
    unread: bool,
    #[arg(long, conflicts_with = "unflag")]
    flag: bool,
    #[arg(long)]
    unflag: bool,
    /// Mark as answered.
    #[arg(long)]
    answered: bool,
}

#[derive(Args)]
pub struct MoveArgs {
    /// The message id (from `list --json`).
    message: i64,
    /// Destination: server name, display name, or a role (inbox, archive, junk, trash, sent, drafts).
    folder: String,
}

#[derive(Args)]
pub struct DeleteArgs {
    /// The message id (from `list --json`). Moves it to Trash; in Trash it is deleted for good.
    message: i64,
}

const LATER: &str = "it reaches the server with the next sync";

pub fn mark(core: &Core, a: MarkArgs) -> anyhow::Result<()> {
    let mut changes = Vec::new();
    if a.read || a.unread {
        changes.push((queue::LocalChange::Seen(a.read), if a.read { "read" } else { "unread" }));
    }
    if a.flag || a.unflag {
        changes.push((queue::LocalChange::Flagged(a.flag), if a.flag { "flagged" } else { "not flagged" }));
    }
    if a.answered {
        changes.push((queue::LocalChange::Answered(true), "answered"));
    }
    if changes.is_empty() {
        return Err(Error::config("say what to mark: --read, --unread, --flag, --unflag or --answered").into());
    }
    for (c, _) in &changes {
        core.mail().apply(a.message, c)?;
    }
    let what: Vec<&str> = changes.iter().map(|c| c.1).collect();
    println!("Marked message {} as {}; {LATER}.", a.message, what.join(" and "));
    Ok(())
}

pub fn move_message(core: &Core, a: MoveArgs) -> anyhow::Result<()> {
    let change = match a.folder.to_lowercase().as_str() {
        "archive" => queue::LocalChange::Archive,
        "junk" | "spam" => queue::LocalChange::Spam,
        "trash" => queue::LocalChange::Delete,
        _ => queue::LocalChange::Move(a.folder.clone()),
    };
    core.mail().apply(a.message, &change)?;
    println!("Moved message {} to {}; {LATER}.", a.message, crate::mail_cmd::clean(&a.folder));
    Ok(())
}

pub fn delete(core: &Core, a: DeleteArgs) -> anyhow::Result<()> {
    core.mail().apply(a.message, &queue::LocalChange::Delete)?;
    println!("Deleted message {}; {LATER}.", a.message);
    Ok(())
}
