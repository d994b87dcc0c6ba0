//! Transport types between the shell and the UI (camelCase JSON), by area, for what the UI needs in another
//! shape than the core's; a core type that serializes as the UI needs it is exported to TypeScript directly
//! (`ts` feature of the core) and listed in `typescript()` below. A leaf: it imports the core, never the commands. The TypeScript declarations in
//! `ui/src/lib/backend/types.ts` are generated from these; a test fails when that file is stale.

pub mod compose;
pub mod crm;
pub mod list;
pub mod reader;
pub mod settings;
pub mod sync;

use dealbox_core::account::{Account, Credential, Endpoint, Security};
use dealbox_core::conntest::{ConnectionReport, ProbeResult};
use dealbox_core::mail::MessageView;
use dealbox_core::parse::Mailbox;
use dealbox_core::presets::{ProviderSettings, ServerSettings};
use dealbox_core::query::{AttachmentInfo, FolderInfo, MessageSummary};
use dealbox_core::{ErrorKind, Hint};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Every command fails with this: the UI branches on `code` (the core's `ErrorKind`), shows `message` under a
/// translated title for the code, and offers `hint` as an action.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct UiError {
    pub code: ErrorKind,
    pub message: String,
    pub hint: Option<Hint>,
}

impl UiError {
    pub fn internal(message: impl Into<String>) -> Self {
        Self { code: ErrorKind::Internal, message: message.into(), hint: None }
    }
}

impl From<dealbox_core::Error> for UiError {
    fn from(e: dealbox_core::Error) -> Self {
        Self { code: e.kind, message: e.message, hint: e.hint }
    }
}

impl std::fmt::Display for UiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} ({})", self.message, self.code.code())
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AppInfo {
    pub version: String,
    pub profile_dir: String,
    /// Set when the profile could not be opened (e.g. written by a newer Dealbox).
    pub profile_error: Option<UiError>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ServerDto {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

impl From<&Endpoint> for ServerDto {
    fn from(e: &Endpoint) -> Self {
        Self { host: e.host.clone(), port: e.port, security: e.security }
    }
}

impl From<&ServerSettings> for ServerDto {
    fn from(e: &ServerSettings) -> Self {
        Self { host: e.host.clone(), port: e.port, security: e.security }
    }
}

impl From<&ServerDto> for Endpoint {
    fn from(s: &ServerDto) -> Self {
        Endpoint { host: s.host.trim().to_string(), port: s.port, security: s.security }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountDto {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub display_name: String,
    pub username: String,
    pub imap: ServerDto,
    pub smtp: ServerDto,
    /// "keyring" or "command".
    pub credential: String,
    pub fetch_days: Option<u32>,
    pub notify: bool,
    /// Appended to new messages (plain text).
    pub signature: String,
}

impl From<Account> for AccountDto {
    fn from(a: Account) -> Self {
        Self {
            id: a.id,
            imap: (&a.imap).into(),
            smtp: (&a.smtp).into(),
            credential: match a.credential {
                Credential::Keyring => "keyring".into(),
                Credential::Command(_) => "command".into(),
            },
            name: a.name,
            email: a.email,
            display_name: a.display_name,
            username: a.username,
            fetch_days: a.fetch_days,
            notify: a.notify,
            signature: a.signature,
        }
    }
}

/// What the setup form sends. The password travels as a separate command argument, never in here.
#[derive(Debug, Clone, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AccountInput {
    pub name: String,
    pub email: String,
    pub display_name: String,
    pub username: String,
    pub imap: ServerDto,
    pub smtp: ServerDto,
    /// Use this command's output as the password instead of the OS keyring.
    pub password_command: Option<String>,
    pub fetch_days: Option<u32>,
    /// A PEM file with a company CA to trust for this account only.
    pub trust_ca_path: Option<String>,
    /// The SHA-256 of a server certificate the user accepted after the connection test showed it.
    pub trust_cert_sha256: Option<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ProviderDto {
    pub source: String,
    pub display_name: String,
    pub imap: ServerDto,
    pub smtp: ServerDto,
    pub username_is_email: bool,
    pub note: Option<String>,
}

impl From<ProviderSettings> for ProviderDto {
    fn from(p: ProviderSettings) -> Self {
        Self {
            imap: (&p.imap).into(),
            smtp: (&p.smtp).into(),
            source: p.source,
            display_name: p.display_name,
            username_is_email: p.username_is_email,
            note: p.note,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReportDto {
    pub ok: bool,
    pub imap: ProbeResult,
    pub smtp: ProbeResult,
}

impl From<ConnectionReport> for ConnectionReportDto {
    fn from(r: ConnectionReport) -> Self {
        Self { ok: r.ok(), imap: r.imap, smtp: r.smtp }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct FolderDto {
    pub id: i64,
    pub account_id: i64,
    pub account: String,
    pub name: String,
    pub display_name: String,
    /// inbox, sent, drafts, trash, junk, archive, or null.
    pub role: Option<String>,
    pub total: i64,
    pub unread: i64,
}

impl From<FolderInfo> for FolderDto {
    fn from(f: FolderInfo) -> Self {
        Self {
            id: f.id,
            account_id: f.account_id,
            account: f.account,
            name: f.name,
            display_name: f.display_name,
            role: f.role,
            total: f.total,
            unread: f.unread,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageSummaryDto {
    pub id: i64,
    pub account_id: i64,
    pub folder: String,
    pub subject: String,
    pub from: String,
    pub from_name: String,
    /// Unix seconds.
    pub timestamp: i64,
    pub unread: bool,
    pub flagged: bool,
    pub has_attachments: bool,
    pub thread_id: Option<i64>,
    /// What the CRM did with it: "linked", "created" or "skipped"; null when not processed.
    pub crm: Option<String>,
}

impl From<MessageSummary> for MessageSummaryDto {
    fn from(m: MessageSummary) -> Self {
        Self {
            id: m.id,
            account_id: m.account_id,
            folder: m.folder,
            subject: m.subject,
            from: m.from,
            from_name: m.from_name,
            timestamp: m.timestamp,
            unread: m.unread,
            flagged: m.flagged,
            has_attachments: m.has_attachments,
            thread_id: m.thread_id,
            crm: m.crm,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentDto {
    pub id: i64,
    pub filename: Option<String>,
    pub mime_type: String,
    pub size: i64,
    pub inline: bool,
    /// A program or script: never opened directly, only saved after a warning.
    pub risky: bool,
}

impl From<AttachmentInfo> for AttachmentDto {
    fn from(a: AttachmentInfo) -> Self {
        let name = dealbox_core::attachments::safe_file_name(a.filename.as_deref(), &a.mime_type);
        Self {
            id: a.id,
            risky: dealbox_core::attachments::is_risky(&name, &a.mime_type),
            filename: a.filename,
            mime_type: a.mime_type,
            size: a.size,
            inline: a.inline,
        }
    }
}

/// One message for the reader. `html` is already sanitised and wrapped for an `<iframe srcdoc>`.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct MessageViewDto {
    pub summary: MessageSummaryDto,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub message_id: Option<String>,
    pub text: Option<String>,
    pub html: Option<String>,
    /// Remote images removed from `html`; "Load images" re-fetches with `allowRemote`.
    pub remote_blocked: u32,
    pub remote_allowed: bool,
    /// Remote content loads for this sender without asking ("always for this sender").
    pub remote_sender_allowed: bool,
    /// Links whose text shows another address than their target, or that go to a bare IP address.
    pub suspicious_links: u32,
    pub attachments: Vec<AttachmentDto>,
    pub parse_warning: Option<String>,
}

impl From<MessageView> for MessageViewDto {
    fn from(v: MessageView) -> Self {
        let (d, safe, remote_allowed, remote_sender_allowed) =
            (v.detail, v.safe_html, v.remote_allowed, v.sender_allowed);
        let remote_blocked = safe.as_ref().map(|s| s.remote_blocked).unwrap_or(0);
        let suspicious_links = safe.as_ref().map(|s| s.suspicious_links).unwrap_or(0);
        Self {
            summary: d.summary.into(),
            to: d.to,
            cc: d.cc,
            message_id: d.message_id,
            text: d.text,
            html: safe.map(|s| s.document),
            remote_blocked,
            remote_allowed,
            remote_sender_allowed,
            suspicious_links,
            attachments: d
                .attachments
                .into_iter()
                .filter(|a| !a.inline || a.filename.is_some())
                .map(Into::into)
                .collect(),
            parse_warning: d.parse_warning,
        }
    }
}

/// What the user did to a message (applied to the cache at once, replayed to the server by the next sync).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize, TS)]
#[serde(tag = "kind", rename_all = "camelCase")]
pub enum ChangeDto {
    Seen {
        value: bool,
    },
    Flagged {
        value: bool,
    },
    Delete,
    Archive,
    Spam,
    /// To the folder with this server name, display name or role.
    Move {
        to: String,
    },
}

impl From<ChangeDto> for dealbox_core::sync::queue::LocalChange {
    fn from(c: ChangeDto) -> Self {
        use dealbox_core::sync::queue::LocalChange;
        match c {
            ChangeDto::Seen { value } => LocalChange::Seen(value),
            ChangeDto::Flagged { value } => LocalChange::Flagged(value),
            ChangeDto::Delete => LocalChange::Delete,
            ChangeDto::Archive => LocalChange::Archive,
            ChangeDto::Spam => LocalChange::Spam,
            ChangeDto::Move { to } => LocalChange::Move(to),
        }
    }
}

/// The generated TypeScript module (see `typescript_bindings_are_up_to_date`).
pub fn typescript() -> String {
    let cfg = ts_rs::Config::new().with_large_int("number");
    let decls = [
        ErrorKind::decl(&cfg),
        Hint::decl(&cfg),
        UiError::decl(&cfg),
        AppInfo::decl(&cfg),
        Security::decl(&cfg),
        ServerDto::decl(&cfg),
        AccountDto::decl(&cfg),
        AccountInput::decl(&cfg),
        ProviderDto::decl(&cfg),
        ProbeResult::decl(&cfg),
        ConnectionReportDto::decl(&cfg),
        FolderDto::decl(&cfg),
        MessageSummaryDto::decl(&cfg),
        Mailbox::decl(&cfg),
        AttachmentDto::decl(&cfg),
        MessageViewDto::decl(&cfg),
        ChangeDto::decl(&cfg),
        sync::SyncEventDto::decl(&cfg),
        sync::SyncStatusDto::decl(&cfg),
        crm::CrmPersonDto::decl(&cfg),
        crm::CrmDealDto::decl(&cfg),
        crm::CrmActivityDto::decl(&cfg),
        crm::CrmOutcomeDto::decl(&cfg),
        crm::CrmSidebarDto::decl(&cfg),
        compose::ComposeAttachmentDto::decl(&cfg),
        compose::DraftDto::decl(&cfg),
        compose::ComposeDto::decl(&cfg),
        compose::OutboxItemDto::decl(&cfg),
        compose::DraftSummaryDto::decl(&cfg),
        compose::AddressSuggestionDto::decl(&cfg),
        crate::notifications::OpenMailDto::decl(&cfg),
        dealbox_core::crm::model::NewSenderAction::decl(&cfg),
        settings::CrmSettingsDto::decl(&cfg),
        settings::AccountSettingsDto::decl(&cfg),
        settings::CrmUserDto::decl(&cfg),
        crm::CrmRecordDto::decl(&cfg),
        crm::CrmNoteDto::decl(&cfg),
        crm::CrmTaskDto::decl(&cfg),
        crm::NeedsReplyItemDto::decl(&cfg),
        crm::NeedsReplyGroupDto::decl(&cfg),
        reader::SavedFileDto::decl(&cfg),
        dealbox_core::query::Sort::decl(&cfg),
        list::MessageQuery::decl(&cfg),
        list::ConversationDto::decl(&cfg),
        list::ConversationPageDto::decl(&cfg),
        dealbox_core::query::CrmHit::decl(&cfg),
    ];
    let mut out = String::from(
        "// Generated from src-tauri/src/wire/ by `UPDATE_TYPES=1 cargo test -p dealbox typescript_bindings`.\n\
         // Do not edit by hand: a test fails when this file is stale.\n\n",
    );
    for d in decls {
        out.push_str("export ");
        out.push_str(&d);
        out.push_str("\n\n");
    }
    // The names these core types had as copies in wire/; kept until the UI uses the core's names.
    for (old, core) in [
        ("SecurityDto", "Security"),
        ("ProbeDto", "ProbeResult"),
        ("AddressDto", "Mailbox"),
        ("SortDto", "Sort"),
        ("CrmHitDto", "CrmHit"),
        ("NewSenderDto", "NewSenderAction"),
    ] {
        out.push_str(&format!("export type {old} = {core};\n"));
    }
    out.truncate(out.trim_end().len());
    out.push('\n');
    out
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn typescript_bindings_are_up_to_date() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend/types.ts");
        let fresh = typescript();
        if std::env::var_os("UPDATE_TYPES").is_some() {
            std::fs::write(&path, &fresh).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == fresh,
            "{} is stale: regenerate it with `UPDATE_TYPES=1 cargo test -p dealbox typescript_bindings` and commit it",
            path.display()
        );
    }

    #[test]
    fn errors_reach_the_ui_as_code_and_message() {
        let e: UiError = dealbox_core::Error::new(dealbox_core::ErrorKind::NotFound, "no message with id 7").into();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json, serde_json::json!({"code": "not_found", "message": "no message with id 7", "hint": null}));
        let e: UiError = dealbox_core::error::no_message(7).into();
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(json["hint"], serde_json::json!({"action": "listMessages"}));
    }
}
