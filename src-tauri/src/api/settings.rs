//! Settings: per-account settings (fetch window, notifications, signature, CRM), the team's exception list,
//! and "Explore with sample data" (switch this window to the demo profile). One call into the core each.

use crate::api::blocking;
use crate::wire::settings::*;
use crate::wire::{AppInfo, UiError};
use crate::AppState;
use dealbox_core::settings::AccountSettings;
use dealbox_core::store::unix_now;
use tauri::{AppHandle, State};

#[tauri::command]
pub async fn account_settings(state: State<'_, AppState>, account_id: i64) -> Result<AccountSettingsDto, UiError> {
    blocking(&state, move |c| c.account_settings(account_id).map(Into::into)).await
}

/// Save everything on the account's Settings page, or nothing when any part is invalid.
#[tauri::command]
pub async fn save_account_settings(
    state: State<'_, AppState>,
    settings: AccountSettingsDto,
) -> Result<AccountSettingsDto, UiError> {
    let s: AccountSettings = settings.into();
    blocking(&state, move |c| c.save_account_settings(&s, unix_now()).map(Into::into)).await
}

#[tauri::command]
pub async fn crm_users(state: State<'_, AppState>) -> Result<Vec<CrmUserDto>, UiError> {
    let users = blocking(&state, |c| c.crm().users()).await?;
    Ok(users.into_iter().map(|u| CrmUserDto { id: u.id, name: u.name, active: u.active }).collect())
}

/// The team's exception list: senders and domains never taken into the CRM.
#[tauri::command]
pub async fn crm_exceptions(state: State<'_, AppState>) -> Result<Vec<String>, UiError> {
    Ok(blocking(&state, |c| c.crm().exceptions()).await?.into_iter().map(|e| e.entry).collect())
}

#[tauri::command]
pub async fn add_crm_exception(state: State<'_, AppState>, entry: String) -> Result<String, UiError> {
    Ok(blocking(&state, move |c| c.crm().add_exception(&entry, unix_now())).await?.entry)
}

#[tauri::command]
pub async fn remove_crm_exception(state: State<'_, AppState>, entry: String) -> Result<bool, UiError> {
    blocking(&state, move |c| c.crm().remove_exception(&entry)).await
}

#[tauri::command]
pub async fn open_demo(app: AppHandle, state: State<'_, AppState>) -> Result<AppInfo, UiError> {
    let dir = dealbox_demo::default_dir();
    let core = tauri::async_runtime::spawn_blocking({
        let dir = dir.clone();
        move || {
            let secrets = std::sync::Arc::new(dealbox_platform::OsKeyring::new());
            dealbox_demo::open_or_create(&dir, dealbox_core::store::unix_now(), secrets)
        }
    })
    .await
    .map_err(|e| UiError::internal(format!("a background task failed: {e}")))??;
    let core = state.switch(dir, core);
    crate::services::start_sync(&app, &core)?;
    crate::services::start_outbox(&app, core);
    Ok(crate::api::app::app_info(state))
}
