//! Sync from the window: "Sync now" (and the check when the window opens) runs the core's check of
//! each account; progress and changes reach the UI as `sync-event`s that carry ids, the UI refetches.

use std::sync::atomic::Ordering;
use std::sync::Arc;

use dealbox_core::store::unix_now;
use dealbox_core::sync::{self, status, EventSink, SyncEvent, SyncOptions};
use serde::Serialize;
use tauri::{AppHandle, Emitter, State};
use ts_rs::TS;

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

/// How one account's check went.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncResultDto {
    pub account_id: i64,
    pub ok: bool,
    pub code: Option<String>,
    pub message: String,
    pub added: u64,
}

/// What the last checks of an account left behind, for the status line.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusDto {
    pub account_id: i64,
    /// Unix seconds.
    pub last_check: Option<i64>,
    pub last_success: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub failures: u32,
    /// Set after several failed checks in a row: what is wrong and what to do.
    pub problem: Option<String>,
}

/// Check the accounts (all, or one) now. Presses while a check runs are merged into it.
#[tauri::command]
pub async fn sync_now(
    app: AppHandle,
    state: State<'_, AppState>,
    account_id: Option<i64>,
) -> Result<Vec<SyncResultDto>, UiError> {
    let core = state.core()?;
    if state.syncing.swap(true, Ordering::SeqCst) {
        return Ok(vec![]);
    }
    let _done = ResetOnDrop(state.syncing.clone());
    let c = core.clone();
    let accounts = tauri::async_runtime::spawn_blocking(move || {
        let accounts = c.accounts().list()?;
        let wanted: Vec<_> = accounts.into_iter().filter(|a| account_id.is_none_or(|id| id == a.id)).collect();
        // The keyring may block on D-Bus: read the passwords here, off the async threads.
        Ok::<_, dealbox_core::Error>(
            wanted
                .into_iter()
                .map(|a| {
                    let pw = a.password(c.secrets.as_ref());
                    (a, pw)
                })
                .collect::<Vec<_>>(),
        )
    })
    .await
    .map_err(|e| UiError::internal(format!("a background task failed: {e}")))??;

    let events: EventSink = Arc::new(move |e: SyncEvent| {
        let _ = app.emit_to("main", SYNC_EVENT, SyncEventDto::from(e));
    });
    let opts = SyncOptions { now: unix_now(), ..SyncOptions::default() };
    let checks =
        accounts.iter().map(|(acc, pw)| sync::check_account(core.store.clone(), acc, pw.clone(), &opts, &events));
    let results = futures::future::join_all(checks).await;
    Ok(accounts
        .iter()
        .zip(results)
        .map(|((acc, _), r)| match r {
            Ok(r) => SyncResultDto {
                account_id: acc.id,
                ok: true,
                code: None,
                message: format!("{} new, {} removed", r.added, r.removed),
                added: r.added,
            },
            Err(e) => SyncResultDto {
                account_id: acc.id,
                ok: false,
                code: Some(e.kind.code().into()),
                message: e.message,
                added: 0,
            },
        })
        .collect())
}

#[tauri::command]
pub async fn sync_status(state: State<'_, AppState>) -> Result<Vec<SyncStatusDto>, UiError> {
    let core = state.core()?;
    tauri::async_runtime::spawn_blocking(move || {
        let mut out = vec![];
        for a in core.accounts().list()? {
            let s = status::load(&core.store, a.id)?;
            out.push(SyncStatusDto {
                account_id: a.id,
                last_check: s.last_check,
                last_success: s.last_success,
                problem: s.problem().map(|p| p.message),
                last_error: s.last_error,
                last_error_code: s.last_error_kind,
                failures: s.failures,
            });
        }
        Ok(out)
    })
    .await
    .map_err(|e| UiError::internal(format!("a background task failed: {e}")))?
    .map_err(|e: dealbox_core::Error| e.into())
}

struct ResetOnDrop(Arc<std::sync::atomic::AtomicBool>);

impl Drop for ResetOnDrop {
    fn drop(&mut self) {
        self.0.store(false, Ordering::SeqCst);
    }
}
