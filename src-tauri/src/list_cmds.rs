//! The message list: conversations (grouped by thread in the core's SQL), sort order, bulk actions and
//! the CRM group of the search box. Each command is one call into the core plus error mapping.

use dealbox_core::query::{Conversation, ConversationPage, CrmHit, Sort};
use serde::{Deserialize, Serialize};
use tauri::State;
use ts_rs::TS;

use crate::commands::{blocking, MAX_PAGE};
use crate::dto::{ChangeDto, MessageSummaryDto, UiError};
use crate::AppState;

/// The order of a list: by date, newest or oldest first.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub enum SortDto {
    #[default]
    NewestFirst,
    OldestFirst,
}

impl From<SortDto> for Sort {
    fn from(s: SortDto) -> Self {
        match s {
            SortDto::NewestFirst => Sort::NewestFirst,
            SortDto::OldestFirst => Sort::OldestFirst,
        }
    }
}

/// One row of the list in conversation mode.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationDto {
    pub thread_id: i64,
    /// The thread's latest message in this view (the row shows it; opening the row opens it).
    pub latest: MessageSummaryDto,
    /// Messages of the thread in this view.
    pub count: i64,
    pub unread: i64,
    pub flagged: bool,
    pub has_attachments: bool,
}

impl From<Conversation> for ConversationDto {
    fn from(c: Conversation) -> Self {
        Self {
            thread_id: c.thread_id,
            latest: c.latest.into(),
            count: c.count,
            unread: c.unread,
            flagged: c.flagged,
            has_attachments: c.has_attachments,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPageDto {
    /// Conversations in the whole view (the list's height); counted for the first page only (null after).
    pub total: Option<i64>,
    pub rows: Vec<ConversationDto>,
}

impl From<ConversationPage> for ConversationPageDto {
    fn from(p: ConversationPage) -> Self {
        Self { total: p.total, rows: p.rows.into_iter().map(Into::into).collect() }
    }
}

/// A CRM contact or company found by the search box.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmHitDto {
    /// "contact" or "company".
    pub kind: String,
    pub id: i64,
    pub name: String,
    /// The contact's address or the company's domain.
    pub detail: String,
    pub company: Option<String>,
}

impl From<CrmHit> for CrmHitDto {
    fn from(h: CrmHit) -> Self {
        Self { kind: h.kind, id: h.id, name: h.name, detail: h.detail, company: h.company }
    }
}

/// A page of conversations of a view (`folder` a name or a role; no account + "inbox" = the unified inbox).
#[tauri::command]
pub async fn list_conversations(
    state: State<'_, AppState>,
    account_id: Option<i64>,
    folder: Option<String>,
    sort: Option<SortDto>,
    offset: u32,
    limit: u32,
) -> Result<ConversationPageDto, UiError> {
    let (limit, sort) = (limit.min(MAX_PAGE), sort.unwrap_or_default().into());
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
    sort: Option<SortDto>,
) -> Result<Vec<MessageSummaryDto>, UiError> {
    let sort = sort.unwrap_or_default().into();
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
pub async fn search_crm(state: State<'_, AppState>, query: String, limit: u32) -> Result<Vec<CrmHitDto>, UiError> {
    let limit = limit.min(50);
    let v = blocking(&state, move |c| c.mail().search_crm(&query, limit)).await?;
    Ok(v.into_iter().map(Into::into).collect())
}

/// The window's `online`/`offline` events: tell the sync policy whether the network is up.
#[tauri::command]
pub fn network_changed(app: tauri::AppHandle, online: bool) {
    crate::sync_cmds::network_changed(&app, online);
}
