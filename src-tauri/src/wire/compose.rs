//! What compose, drafts and the outbox look like to the UI.

use dealbox_core::send::addresses::Suggestion;
use dealbox_core::send::compose::{AttachmentSource, Draft};
use dealbox_core::send::drafts::DraftInfo;
use dealbox_core::send::outbox;
use dealbox_core::send::Composed;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use ts_rs::TS;

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
