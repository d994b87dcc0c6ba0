//! The message list: conversations (grouped by thread in the core's SQL), sort order, bulk actions and
//! the CRM group of the search box. Each command is one call into the core plus error mapping.

use crate::api::{blocking, MAX_PAGE};
use crate::wire::list::*;
use crate::wire::{ChangeDto, MessageSummaryDto, UiError};
use crate::AppState;
use dealbox_core::query::{CrmHit, Sort};
use tauri::State;

/// A page of conversations of a view (`folder` a name or a role; no account + "inbox" = the unified inbox).
#[tauri::command]
pub async fn list_conversations(
    state: State<'_, AppState>,
    query: MessageQuery,
) -> Result<ConversationPageDto, UiError> {
    let MessageQuery { account_id, folder, sort, offset, limit } = query;
    let (limit, sort) = (limit.min(MAX_PAGE), sort.unwrap_or_default());
    let p =
        blocking(&state, move |c| c.mail().conversations(account_id, folder.as_deref(), sort, limit, offset)).await?;
    Ok(p.into())
}

/// The messages of one conversation in the view (an expanded row).
#[tauri::command]
pub async fn conversation_messages(
    state: State<'_, AppState>,
    account_id: Option<i64>,
    folder: Option<String>,
    thread_id: i64,
    sort: Option<Sort>,
) -> Result<Vec<MessageSummaryDto>, UiError> {
    let sort = sort.unwrap_or_default();
    let v = blocking(&state, move |c| c.mail().conversation_messages(account_id, folder.as_deref(), thread_id, sort))
        .await?;
    Ok(v.into_iter().map(Into::into).collect())
}

/// One change to many messages (the selection): one call, not one per message. Returns how many changed.
#[tauri::command]
pub async fn change_messages(state: State<'_, AppState>, ids: Vec<i64>, change: ChangeDto) -> Result<u32, UiError> {
    let n = blocking(&state, move |c| c.mail().change_all(&ids, &change.into())).await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// CRM contacts and companies for the search box's second group.
#[tauri::command]
pub async fn search_crm(state: State<'_, AppState>, query: String, limit: u32) -> Result<Vec<CrmHit>, UiError> {
    let limit = limit.min(50);
    blocking(&state, move |c| c.mail().search_crm(&query, limit)).await
}

/// The window's `online`/`offline` events: tell the sync policy whether the network is up.
#[tauri::command]
pub fn network_changed(app: tauri::AppHandle, online: bool) {
    crate::services::network_changed(&app, online);
}
