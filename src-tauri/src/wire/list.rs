//! What the message list looks like to the UI: sort orders, conversations, CRM hits.

use crate::wire::MessageSummaryDto;
use dealbox_core::query::{Conversation, ConversationPage, CrmHit, Sort};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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

/// Which page of a view to list, in which order (the UI's `MessageQuery`).
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageQuery {
    /// null: all accounts.
    pub account_id: Option<i64>,
    /// A folder name or a role ("inbox"); null: every folder. No account and "inbox": the unified inbox.
    pub folder: Option<String>,
    pub offset: u32,
    pub limit: u32,
    /// By date; newest first when absent.
    #[serde(default)]
    #[ts(optional)]
    pub sort: Option<SortDto>,
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
