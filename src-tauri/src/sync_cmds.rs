//! Sync in the window, through the core's scheduler (`SyncService`: one task per account, the mail-check
//! policy, IDLE on the Inbox). The shell starts it, tells it when the window comes to the front and when
//! Sync is pressed; progress and changes reach the UI as `sync-event`s that carry ids, the UI refetches.

use std::sync::Arc;

use dealbox_core::store::unix_now;
use dealbox_core::sync::policy::NextCheck;
use dealbox_core::sync::service::{AccountState, ServiceOptions, SyncService, SystemClock};
use dealbox_core::sync::status::SyncStatus;
use dealbox_core::sync::{EventSink, SyncEvent};
use dealbox_core::Core;
use serde::Serialize;
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;

use crate::commands::blocking;
use crate::dto::UiError;
use crate::AppState;

/// The event name the UI listens to.
pub const SYNC_EVENT: &str = "sync-event";

/// `SyncEvent` for the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SyncEventDto {
    #[serde(rename_all = "camelCase")]
    Progress { account_id: i64, folder: String, done: u64, total: u64 },
    #[serde(rename_all = "camelCase")]
    MessagesChanged { account_id: i64, folder_id: i64 },
    #[serde(rename_all = "camelCase")]
    FoldersChanged { account_id: i64 },
    #[serde(rename_all = "camelCase")]
    CheckStarted { account_id: i64 },
    #[serde(rename_all = "camelCase")]
    CheckFinished { account_id: i64, error: Option<String> },
    #[serde(rename_all = "camelCase")]
    Idle { account_id: i64, connected: bool },
}

impl From<SyncEvent> for SyncEventDto {
    fn from(e: SyncEvent) -> Self {
        match e {
            SyncEvent::Progress { account_id, folder, done, total, .. } => {
                SyncEventDto::Progress { account_id, folder, done, total }
            }
            SyncEvent::MessagesChanged { account_id, folder_id } => {
                SyncEventDto::MessagesChanged { account_id, folder_id }
            }
            SyncEvent::FoldersChanged { account_id } => SyncEventDto::FoldersChanged { account_id },
            SyncEvent::CheckStarted { account_id } => SyncEventDto::CheckStarted { account_id },
            SyncEvent::CheckFinished { account_id, error } => SyncEventDto::CheckFinished { account_id, error },
            SyncEvent::Idle { account_id, connected } => SyncEventDto::Idle { account_id, connected },
        }
    }
}

/// What the scheduler and the last checks say about an account, for the status line.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusDto {
    pub account_id: i64,
    /// A check is running now.
    pub checking: bool,
    /// The Inbox is watched with IMAP IDLE (new mail shows up at once).
    pub idle: bool,
    /// Unix seconds.
    pub last_check: Option<i64>,
    pub last_success: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub failures: u32,
    /// Set after several failed checks in a row: what is wrong and what to do.
    pub problem: Option<String>,
    /// "in 8 min: owner online", "not scheduled: waiting for the network".
    pub next_check: Option<String>,
    /// When the next check is due (unix seconds); null when none is scheduled.
    pub next_check_at: Option<i64>,
    /// Why (the policy's reason): "owner_online", "network_down", "nobody_online", "retry_after_error", …
    pub next_reason: Option<String>,
}

/// The running scheduler, managed as Tauri state once the window exists (replaced when the window switches
/// to another profile; the old one stops when dropped).
pub struct SyncHandle(std::sync::RwLock<Arc<SyncService>>);

impl SyncHandle {
    pub fn service(&self) -> Option<Arc<SyncService>> {
        self.0.read().ok().map(|s| s.clone())
    }
}

/// Start the scheduler for `core`, sending its events to the main window, and check every account now.
pub fn start(app: &AppHandle, core: &Arc<Core>) -> dealbox_core::Result<()> {
    let handle = app.clone();
    let profile = core.clone();
    let events: EventSink = Arc::new(move |e: SyncEvent| {
        if let Some(n) = handle.try_state::<crate::notifications::Notifier>() {
            n.on_sync_event(&handle, &profile, &e);
        }
        let _ = handle.emit_to("main", SYNC_EVENT, SyncEventDto::from(e));
    });
    // The service spawns its tasks on the runtime Tauri's async commands run on.
    let rt = tauri::async_runtime::handle();
    let _enter = rt.inner().enter();
    let service = Arc::new(SyncService::start(core, events, Arc::new(SystemClock), ServiceOptions::default())?);
    service.window_opened()?;
    match app.try_state::<SyncHandle>() {
        Some(h) => {
            if let Ok(mut s) = h.0.write() {
                *s = service;
            }
        }
        None => {
            app.manage(SyncHandle(std::sync::RwLock::new(service)));
        }
    }
    Ok(())
}

/// The window came to the front: check now (the policy merges this with a check already running).
pub fn window_focused(app: &AppHandle) {
    if let Some(s) = app.try_state::<SyncHandle>().and_then(|s| s.service()) {
        if let Err(e) = s.window_opened() {
            tracing::warn!("cannot wake the sync service: {e}");
        }
    }
}

fn service(s: &Option<State<'_, SyncHandle>>) -> Result<Arc<SyncService>, UiError> {
    s.as_ref().and_then(|s| s.service()).ok_or_else(|| UiError::internal("the sync service is not running"))
}

/// Sync pressed: check the accounts (all, or one) now. Returns at once; progress arrives as events.
#[tauri::command]
pub fn sync_now(app: AppHandle, account_id: Option<i64>) -> Result<(), UiError> {
    let state = app.try_state::<SyncHandle>();
    let svc = service(&state)?;
    let ids = match account_id {
        Some(id) => vec![id],
        None => {
            let core = app.state::<AppState>().core()?;
            svc.refresh_accounts()?;
            core.accounts().list()?.into_iter().map(|a| a.id).collect()
        }
    };
    for id in ids {
        svc.sync_now(id)?;
    }
    Ok(())
}

/// A new account was added: give it a task (it is checked at once, having never been checked).
pub fn accounts_changed(app: &AppHandle) {
    if let Some(s) = app.try_state::<SyncHandle>().and_then(|s| s.service()) {
        if let Err(e) = s.refresh_accounts() {
            tracing::warn!("cannot refresh the sync service's accounts: {e}");
        }
    }
}

/// The window saw the network go away or come back (`navigator.onLine`): the policy waits for it.
pub fn network_changed(app: &AppHandle, online: bool) {
    if let Some(s) = app.try_state::<SyncHandle>().and_then(|s| s.service()) {
        s.set_online(online);
        if online {
            // Back online: check now rather than at the next interval.
            if let Err(e) = s.window_opened() {
                tracing::warn!("cannot wake the sync service: {e}");
            }
        }
    }
}

#[tauri::command]
pub async fn sync_status(app: AppHandle, state: State<'_, AppState>) -> Result<Vec<SyncStatusDto>, UiError> {
    let rows = blocking(&state, |core| {
        core.accounts()
            .list()?
            .into_iter()
            .map(|a| Ok((a.id, core.sync_status(a.id)?)))
            .collect::<dealbox_core::Result<Vec<_>>>()
    })
    .await?;
    let live = app.try_state::<SyncHandle>().and_then(|h| h.service());
    let now = unix_now();
    Ok(rows.into_iter().map(|(id, s)| status_dto(id, s, live.as_ref().map(|l| l.state(id)), now)).collect())
}

/// The stored status of an account's checks with what the running service knows right now.
fn status_dto(account_id: i64, s: SyncStatus, live: Option<AccountState>, now: i64) -> SyncStatusDto {
    let live = live.unwrap_or_default();
    SyncStatusDto {
        account_id,
        checking: live.checking,
        idle: live.idle_connected,
        next_check: live.next_check.map(|n| n.describe(now)),
        next_check_at: match live.next_check {
            Some(NextCheck::At { at, .. }) => Some(at),
            _ => None,
        },
        next_reason: live
            .next_check
            .and_then(|n| serde_json::to_value(n.reason()).ok().and_then(|v| v.as_str().map(str::to_string))),
        last_check: s.last_check,
        last_success: s.last_success,
        problem: s.problem().map(|p| p.message),
        last_error: s.last_error,
        last_error_code: s.last_error_kind,
        failures: s.failures,
    }
}
