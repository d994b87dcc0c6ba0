//! What sync looks like to the UI: its events and each account's status.

use dealbox_core::sync::policy::NextCheck;
use dealbox_core::sync::service::AccountState;
use dealbox_core::sync::status::SyncStatus;
use dealbox_core::sync::SyncEvent;
use serde::Serialize;
use ts_rs::TS;

/// The event name the UI listens to.
pub const SYNC_EVENT: &str = "sync-event";

/// `SyncEvent` for the UI.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(tag = "type", rename_all = "camelCase")]
pub enum SyncEventDto {
    #[serde(rename_all = "camelCase")]
    Progress { account_id: i64, folder: String, done: u64, total: u64 },
    #[serde(rename_all = "camelCase")]
    MessagesChanged { account_id: i64, folder_id: i64 },
    #[serde(rename_all = "camelCase")]
    FoldersChanged { account_id: i64 },
    #[serde(rename_all = "camelCase")]
    CheckStarted { account_id: i64 },
    #[serde(rename_all = "camelCase")]
    CheckFinished { account_id: i64, error: Option<String> },
    #[serde(rename_all = "camelCase")]
    Idle { account_id: i64, connected: bool },
}

impl From<SyncEvent> for SyncEventDto {
    fn from(e: SyncEvent) -> Self {
        match e {
            SyncEvent::Progress { account_id, folder, done, total, .. } => {
                SyncEventDto::Progress { account_id, folder, done, total }
            }
            SyncEvent::MessagesChanged { account_id, folder_id } => {
                SyncEventDto::MessagesChanged { account_id, folder_id }
            }
            SyncEvent::FoldersChanged { account_id } => SyncEventDto::FoldersChanged { account_id },
            SyncEvent::CheckStarted { account_id } => SyncEventDto::CheckStarted { account_id },
            SyncEvent::CheckFinished { account_id, error } => SyncEventDto::CheckFinished { account_id, error },
            SyncEvent::Idle { account_id, connected } => SyncEventDto::Idle { account_id, connected },
        }
    }
}

/// What the scheduler and the last checks say about an account, for the status line.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SyncStatusDto {
    pub account_id: i64,
    /// A check is running now.
    pub checking: bool,
    /// The Inbox is watched with IMAP IDLE (new mail shows up at once).
    pub idle: bool,
    /// Unix seconds.
    pub last_check: Option<i64>,
    pub last_success: Option<i64>,
    pub last_error: Option<String>,
    pub last_error_code: Option<String>,
    pub failures: u32,
    /// Set after several failed checks in a row: what is wrong and what to do.
    pub problem: Option<String>,
    /// "in 8 min: owner online", "not scheduled: waiting for the network".
    pub next_check: Option<String>,
    /// When the next check is due (unix seconds); null when none is scheduled.
    pub next_check_at: Option<i64>,
    /// Why (the policy's reason): "owner_online", "network_down", "nobody_online", "retry_after_error", …
    pub next_reason: Option<String>,
}

/// The stored status of an account's checks with what the running service knows right now.
pub fn status_dto(account_id: i64, s: SyncStatus, live: Option<AccountState>, now: i64) -> SyncStatusDto {
    let live = live.unwrap_or_default();
    SyncStatusDto {
        account_id,
        checking: live.checking,
        idle: live.idle_connected,
        next_check: live.next_check.map(|n| n.describe(now)),
        next_check_at: match live.next_check {
            Some(NextCheck::At { at, .. }) => Some(at),
            _ => None,
        },
        next_reason: live
            .next_check
            .and_then(|n| serde_json::to_value(n.reason()).ok().and_then(|v| v.as_str().map(str::to_string))),
        last_check: s.last_check,
        last_success: s.last_success,
        problem: s.problem().map(|p| p.message),
        last_error: s.last_error,
        last_error_code: s.last_error_kind,
        failures: s.failures,
    }
}
