//! Sync in the window, through the core's scheduler (`SyncService`: one task per account, the mail-check
//! policy, IDLE on the Inbox). The shell starts it, tells it when the window comes to the front and when
//! Sync is pressed; progress and changes reach the UI as `sync-event`s that carry ids, the UI refetches.

use crate::api::blocking;
use crate::services::{service, SyncHandle};
use crate::wire::sync::*;
use crate::wire::UiError;
use crate::AppState;
use dealbox_core::store::unix_now;
use tauri::{AppHandle, Manager, State};

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
