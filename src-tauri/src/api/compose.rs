//! Compose, drafts and the outbox: thin commands over `dealbox_core::send`. Sending puts the draft in the
//! durable outbox and starts a flush at once (one flush at a time); `outbox-changed` events tell the UI to
//! refetch the outbox.

use crate::api::blocking;
use crate::services::OutboxHandle;
use crate::wire::compose::*;
use crate::wire::UiError;
use crate::AppState;
use dealbox_core::send::staging;
use dealbox_core::store::unix_now;
use tauri::{AppHandle, Emitter, State};

/// A blank message from `account_id` (or the first account).
#[tauri::command]
pub async fn compose_new(state: State<'_, AppState>, account_id: Option<i64>) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| c.compose().new_message(account_id).map(Into::into)).await
}

/// A reply (or reply-all) to a cached message, from the account that received it.
#[tauri::command]
pub async fn compose_reply(state: State<'_, AppState>, message_id: i64, all: bool) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| c.compose().reply(message_id, all).map(Into::into)).await
}

/// Forward a cached message inline (its text quoted below the new one).
#[tauri::command]
pub async fn compose_forward(state: State<'_, AppState>, message_id: i64) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| c.compose().forward(message_id, false).map(Into::into)).await
}

/// Reopen a saved draft.
#[tauri::command]
pub async fn open_draft(state: State<'_, AppState>, draft_id: i64) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| c.compose().open_draft(draft_id).map(Into::into)).await
}

#[tauri::command]
pub async fn list_drafts(state: State<'_, AppState>) -> Result<Vec<DraftSummaryDto>, UiError> {
    blocking(&state, |c| Ok(c.compose().drafts(None)?.into_iter().map(Into::into).collect())).await
}

/// Save the draft as the user types (create it when `draft_id` is null); returns its id.
#[tauri::command]
pub async fn save_draft(
    state: State<'_, AppState>,
    account_id: i64,
    draft_id: Option<i64>,
    draft: DraftDto,
) -> Result<i64, UiError> {
    blocking(&state, move |c| c.compose().save_draft(account_id, draft_id, &draft.into())).await
}

/// Throw a draft away (its server copy goes with the next upload).
#[tauri::command]
pub async fn discard_draft(
    state: State<'_, AppState>,
    outbox: State<'_, OutboxHandle>,
    draft_id: i64,
) -> Result<(), UiError> {
    if let Some(id) = blocking(&state, move |c| c.compose().discard_draft(draft_id)).await? {
        outbox.kick(Some(id), true);
    }
    Ok(())
}

/// The compose window closed: upload its draft to the server's Drafts folder.
#[tauri::command]
pub fn upload_drafts(outbox: State<'_, OutboxHandle>, account_id: i64) {
    outbox.kick(Some(account_id), true);
}

/// Send: validate, put it in the outbox and start sending at once. If validation fails nothing is queued
/// and the draft stays. Returns the outbox id.
#[tauri::command]
pub async fn send_draft(
    app: AppHandle,
    state: State<'_, AppState>,
    outbox: State<'_, OutboxHandle>,
    account_id: i64,
    draft_id: Option<i64>,
    draft: DraftDto,
) -> Result<i64, UiError> {
    let id = blocking(&state, move |c| c.compose().send(account_id, draft_id, &draft.into())).await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, account_id);
    outbox.kick(Some(account_id), true);
    Ok(id)
}

/// What is in the outbox: everything not yet done, and what was sent in the last minutes.
#[tauri::command]
pub async fn list_outbox(state: State<'_, AppState>) -> Result<Vec<OutboxItemDto>, UiError> {
    blocking(&state, |c| Ok(c.compose().outbox(unix_now())?.into_iter().map(Into::into).collect())).await
}

/// Put a parked message back in the queue and try it now.
#[tauri::command]
pub async fn retry_outbox(
    app: AppHandle,
    state: State<'_, AppState>,
    outbox: State<'_, OutboxHandle>,
    id: i64,
) -> Result<(), UiError> {
    blocking(&state, move |c| c.compose().retry(id)).await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, ());
    outbox.kick(None, false);
    Ok(())
}

/// Delete a queued or parked message.
#[tauri::command]
pub async fn delete_outbox(app: AppHandle, state: State<'_, AppState>, id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| c.compose().delete(id)).await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, ());
    Ok(())
}

/// Take a parked message out of the outbox as a draft, to fix and send again.
#[tauri::command]
pub async fn edit_outbox(app: AppHandle, state: State<'_, AppState>, id: i64) -> Result<ComposeDto, UiError> {
    let dto: ComposeDto = blocking(&state, move |c| c.compose().edit(id).map(Into::into)).await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, dto.account_id);
    Ok(dto)
}

/// To/Cc/Bcc autocomplete: CRM contacts, then recent correspondents.
#[tauri::command]
pub async fn suggest_addresses(
    state: State<'_, AppState>,
    text: String,
    limit: u32,
) -> Result<Vec<AddressSuggestionDto>, UiError> {
    let limit = limit.min(50) as usize;
    blocking(&state, move |c| Ok(c.compose().suggest(&text, limit)?.into_iter().map(Into::into).collect())).await
}

/// A file the user picked or dropped: its bytes arrive as the raw request body, its name (URI-encoded) in
/// the `x-filename` header. The core checks it against the 25 MB limit before keeping it.
#[tauri::command]
pub async fn stage_attachment(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<ComposeAttachmentDto, UiError> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(UiError::internal("stage_attachment expects the file's bytes as the request body"));
    };
    let name = request.headers().get("x-filename").and_then(|v| v.to_str().ok()).map(staging::percent_decode);
    let (name, bytes) = (name.unwrap_or_default(), bytes.clone());
    let s = blocking(&state, move |c| c.compose().stage(&name, &bytes)).await?;
    Ok(ComposeAttachmentDto {
        path: s.path.to_string_lossy().to_string(),
        filename: s.filename,
        size: s.size,
        mime_type: None,
        content_id: None,
    })
}
