//! New-mail notifications through the desktop's notification server (notify-rust, D-Bus on Linux).
//!
//! The core decides what to say (`dealbox_core::notify::decide`: window not focused, the account's setting,
//! grouping, escaping); this module remembers where each check started, asks the core afterwards, shows the
//! result and handles the click. notify-rust's `wait_for_action` blocks, so every shown notification gets its
//! own thread that lives until the notification is clicked or closed.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use dealbox_core::notify::{self, Context, Notification, Open};
use dealbox_core::sync::SyncEvent;
use dealbox_core::Core;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager};
use ts_rs::TS;

/// The event the UI listens to: open this message (or this account's Inbox), sent when a notification is clicked.
pub const OPEN_MAIL_EVENT: &str = "open-mail";

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OpenMailDto {
    pub account_id: i64,
    /// `None`: several messages, open the account's Inbox.
    pub message_id: Option<i64>,
}

/// Where a running check started, per account.
#[derive(Debug, Clone, Copy)]
struct Mark {
    high_water: i64,
    first_check: bool,
}

#[derive(Default, Clone)]
pub struct Notifier {
    marks: Arc<Mutex<HashMap<i64, Mark>>>,
}

impl Notifier {
    /// Called with every sync event of `core`'s profile.
    pub fn on_sync_event(&self, app: &AppHandle, core: &Arc<Core>, e: &SyncEvent) {
        match e {
            SyncEvent::CheckStarted { account_id } => {
                let first_check = core.sync_status(*account_id).map(|s| s.last_success.is_none()).unwrap_or(true);
                match core.mail().inbox_high_water(*account_id) {
                    Ok(high_water) => {
                        if let Ok(mut m) = self.marks.lock() {
                            // A check already running keeps its earlier mark.
                            m.entry(*account_id).or_insert(Mark { high_water, first_check });
                        }
                    }
                    Err(e) => {
                        tracing::warn!(account = account_id, error = %e, "cannot read the Inbox for notifications")
                    }
                }
            }
            SyncEvent::CheckFinished { account_id, error } => {
                let mark = self.marks.lock().ok().and_then(|mut m| m.remove(account_id));
                let Some(mark) = mark else { return };
                if error.is_some() {
                    return;
                }
                let (app, core, id) = (app.clone(), core.clone(), *account_id);
                // Off the sync task: reads the database, then (if anything is shown) waits for the click.
                let spawned = std::thread::Builder::new()
                    .name("dealbox-notify".into())
                    .spawn(move || notify_new_mail(&app, &core, id, mark));
                if let Err(e) = spawned {
                    tracing::warn!("cannot start the notification thread: {e}");
                }
            }
            _ => {}
        }
    }
}

fn window_focused(app: &AppHandle) -> bool {
    app.get_webview_window("main").and_then(|w| w.is_focused().ok()).unwrap_or(false)
}

fn notify_new_mail(app: &AppHandle, core: &Core, account_id: i64, mark: Mark) {
    let decided = (|| -> dealbox_core::Result<Option<Notification>> {
        let account = core.accounts().get(account_id)?;
        let ctx = Context {
            account_id,
            account_name: &account.name,
            enabled: account.notify,
            window_focused: window_focused(app),
            first_check: mark.first_check,
        };
        // Cheap exits first: no query when nothing would be shown anyway.
        if ctx.window_focused || !ctx.enabled || ctx.first_check {
            return Ok(None);
        }
        let (total, new) = core.mail().new_inbox_mail(account_id, mark.high_water, notify::LINES_SHOWN)?;
        Ok(notify::decide(&ctx, &new, total))
    })();
    match decided {
        Ok(Some(n)) => show(app, n),
        Ok(None) => {}
        Err(e) => tracing::warn!(account = account_id, error = %e, "cannot prepare the new-mail notification"),
    }
}

fn show(app: &AppHandle, n: Notification) {
    let shown = notify_rust::Notification::new()
        .appname("Dealbox")
        .summary(&n.summary)
        .body(&n.body)
        .icon("mail-message-new")
        .action("default", "Open")
        .hint(notify_rust::Hint::Category("email.arrived".into()))
        .show();
    let handle = match shown {
        Ok(h) => h,
        Err(e) => {
            tracing::info!("no notification shown (is a notification server running?): {e}");
            return;
        }
    };
    // Blocks this (dedicated) thread until the notification is clicked or closed.
    handle.wait_for_action(|action| {
        if action == "default" {
            open(app, n.account_id, n.open);
        }
    });
}

/// Bring the window to the front and tell the UI what to open.
fn open(app: &AppHandle, account_id: i64, what: Open) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.unminimize();
        let _ = w.show();
        let _ = w.set_focus();
    }
    let message_id = match what {
        Open::Message(id) => Some(id),
        Open::Inbox(_) => None,
    };
    let _ = app.emit_to("main", OPEN_MAIL_EVENT, OpenMailDto { account_id, message_id });
}
