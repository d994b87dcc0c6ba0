//! What the message list looks like to the UI: the page asked for and conversations (the sort order and
//! CRM hits are the core's `Sort` and `CrmHit`, exported to TypeScript as they are).

use crate::wire::MessageSummaryDto;
use dealbox_core::query::{Conversation, ConversationPage, Sort};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

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
    pub sort: Option<Sort>,
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
