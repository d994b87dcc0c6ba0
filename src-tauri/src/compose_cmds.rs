//! Compose, drafts and the outbox: thin commands over `dealbox_core::send`. Sending puts the draft in the
//! durable outbox and starts a flush at once (one flush at a time); `outbox-changed` events tell the UI to
//! refetch the outbox.

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use dealbox_core::send::addresses::Suggestion;
use dealbox_core::send::compose::{AttachmentSource, Draft};
use dealbox_core::send::drafts::DraftInfo;
use dealbox_core::send::outbox;
use dealbox_core::send::service::{OutboxEvents, OutboxService, RETRY_EVERY};
use dealbox_core::send::{staging, Composed};
use dealbox_core::store::unix_now;
use dealbox_core::Core;
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;

use crate::commands::blocking;
use crate::dto::UiError;
use crate::AppState;

/// The event the UI listens to; it carries the account id and the UI refetches the outbox.
pub const OUTBOX_EVENT: &str = "outbox-changed";

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComposeAttachmentDto {
    /// Where the file was staged (in the profile); the message is built from it when sent.
    pub path: String,
    pub filename: String,
    pub size: u64,
    pub mime_type: Option<String>,
    pub content_id: Option<String>,
}

/// What the user is writing (the core's `Draft`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftDto {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    /// The rich-text body; `null` for plain text. Sent as multipart/alternative with `text`.
    pub html: Option<String>,
    pub attachments: Vec<ComposeAttachmentDto>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The cached message this answers (marked \Answered once sent).
    pub reply_to_message: Option<i64>,
}

impl From<Draft> for DraftDto {
    fn from(d: Draft) -> Self {
        Self {
            to: d.to,
            cc: d.cc,
            bcc: d.bcc,
            subject: d.subject,
            text: d.text,
            html: d.html,
            attachments: d
                .attachments
                .into_iter()
                .map(|a| ComposeAttachmentDto {
                    size: a.size(),
                    filename: a.shown_name(),
                    path: a.path.to_string_lossy().to_string(),
                    mime_type: a.mime_type,
                    content_id: a.content_id,
                })
                .collect(),
            in_reply_to: d.in_reply_to,
            references: d.references,
            reply_to_message: d.reply_to_message,
        }
    }
}

impl From<DraftDto> for Draft {
    fn from(d: DraftDto) -> Self {
        Self {
            to: d.to,
            cc: d.cc,
            bcc: d.bcc,
            subject: d.subject,
            text: d.text,
            html: d.html,
            attachments: d
                .attachments
                .into_iter()
                .map(|a| AttachmentSource {
                    path: PathBuf::from(a.path),
                    filename: Some(a.filename),
                    content_id: a.content_id,
                    mime_type: a.mime_type,
                })
                .collect(),
            in_reply_to: d.in_reply_to,
            references: d.references,
            reply_to_message: d.reply_to_message,
        }
    }
}

/// A compose window's content: the account it is sent from and the saved draft (if saved yet).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComposeDto {
    pub account_id: i64,
    pub draft_id: Option<i64>,
    pub draft: DraftDto,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItemDto {
    pub id: i64,
    pub account_id: i64,
    pub subject: String,
    pub recipients: Vec<String>,
    /// queued | sending | committing | parked | sent | done
    pub state: String,
    pub attempts: i64,
    /// The server's words for a parked message (or why it waits).
    pub last_error: Option<String>,
    /// Unix seconds.
    pub next_attempt_at: i64,
    pub created_at: i64,
}

impl From<outbox::OutboxItem> for OutboxItemDto {
    fn from(i: outbox::OutboxItem) -> Self {
        Self {
            id: i.id,
            account_id: i.account_id,
            subject: i.subject,
            recipients: i.recipients,
            state: i.state.to_string(),
            attempts: i.attempts,
            last_error: i.last_error,
            next_attempt_at: i.next_attempt_at,
            created_at: i.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftSummaryDto {
    pub id: i64,
    pub account_id: i64,
    pub subject: String,
    pub to: Vec<String>,
    pub updated_at: i64,
}

impl From<DraftInfo> for DraftSummaryDto {
    fn from(d: DraftInfo) -> Self {
        Self { id: d.id, account_id: d.account_id, subject: d.subject, to: d.to, updated_at: d.updated_at }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddressSuggestionDto {
    pub name: String,
    pub address: String,
    pub company: Option<String>,
    /// "contact" (CRM) or "recent".
    pub source: String,
}

impl From<Suggestion> for AddressSuggestionDto {
    fn from(s: Suggestion) -> Self {
        Self { name: s.name, address: s.address, company: s.company, source: s.source.to_string() }
    }
}

impl From<Composed> for ComposeDto {
    fn from(c: Composed) -> Self {
        Self { account_id: c.account_id, draft_id: c.draft_id, draft: c.draft.into() }
    }
}

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

/// The running outbox service, managed as Tauri state (replaced when the window switches profile).
#[derive(Default)]
pub struct OutboxHandle(RwLock<Option<Arc<OutboxService>>>);

impl OutboxHandle {
    /// Send what is due now (see [`OutboxService::kick`]).
    pub fn kick(&self, account_id: Option<i64>, upload: bool) {
        match self.0.read().ok().and_then(|s| s.clone()) {
            Some(s) => s.kick(account_id, upload),
            None => tracing::warn!("the outbox service is not running"),
        }
    }
}

/// Start the outbox service for `core`: send what was left in the outbox, retry what comes due.
pub fn start(app: &AppHandle, core: Arc<Core>) {
    let handle = app.clone();
    let events: OutboxEvents = Arc::new(move |account: Option<i64>| {
        let _ = handle.emit_to("main", OUTBOX_EVENT, account);
    });
    let rt = tauri::async_runtime::handle();
    let _enter = rt.inner().enter();
    let service = Arc::new(OutboxService::start(core, events, RETRY_EVERY));
    if let Ok(mut s) = app.state::<OutboxHandle>().0.write() {
        *s = Some(service);
    }
}
