//! The CRM sidebar of the open message: one call into the core's `crm::sidebar`, flattened for the UI.

use dealbox_core::crm::sidebar::{sidebar, Sidebar};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::dto::UiError;
use crate::AppState;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmPersonDto {
    /// from, to or cc.
    pub role: String,
    pub name: String,
    pub address: String,
    pub contact: Option<String>,
    pub company: Option<String>,
    /// "Renewal 2027 (in progress)".
    pub lead: Option<String>,
    /// A team user or one of our mailboxes.
    pub ours: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmDealDto {
    pub id: i64,
    pub title: String,
    pub stage: String,
    /// "1200.00 EUR".
    pub amount: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmActivityDto {
    pub timestamp: i64,
    /// "in" or "out".
    pub direction: String,
    pub subject: String,
    pub message_id: Option<i64>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmOutcomeDto {
    /// linked, created or skipped.
    pub kind: String,
    pub what: String,
    pub reason: String,
    pub choose_deal: bool,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmSidebarDto {
    pub message_id: i64,
    pub people: Vec<CrmPersonDto>,
    pub responsible: Option<String>,
    pub open_deals: Vec<CrmDealDto>,
    pub recent: Vec<CrmActivityDto>,
    /// `null`: the message was not processed for the CRM yet.
    pub outcome: Option<CrmOutcomeDto>,
    pub warnings: Vec<String>,
}

impl CrmSidebarDto {
    /// Nothing in the CRM about this message or its people.
    pub fn is_empty(&self) -> bool {
        self.open_deals.is_empty()
            && self.recent.is_empty()
            && self.outcome.is_none()
            && self.responsible.is_none()
            && self.people.iter().all(|p| p.contact.is_none() && p.company.is_none() && p.lead.is_none())
    }
}

fn word<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

impl From<Sidebar> for CrmSidebarDto {
    fn from(s: Sidebar) -> Self {
        Self {
            message_id: s.message_id,
            people: s
                .participants
                .into_iter()
                .map(|p| CrmPersonDto {
                    role: p.role,
                    name: p.name,
                    address: p.address,
                    contact: p.contact.map(|c| c.name),
                    company: p.company.map(|c| c.name),
                    lead: p.lead.map(|l| format!("{} ({})", l.title, word(&l.status).replace('_', " "))),
                    ours: p.ours,
                })
                .collect(),
            responsible: s.responsible.map(|u| u.name),
            open_deals: s
                .open_deals
                .into_iter()
                .map(|d| CrmDealDto { id: d.id, title: d.title, stage: d.stage, amount: d.amount })
                .collect(),
            recent: s
                .timeline
                .into_iter()
                .take(5)
                .map(|t| CrmActivityDto {
                    timestamp: t.timestamp,
                    direction: word(&t.direction),
                    subject: t.subject,
                    message_id: t.message_id,
                })
                .collect(),
            outcome: s.outcome.map(|o| CrmOutcomeDto {
                kind: o.kind.as_str().to_string(),
                what: o.what,
                reason: o.reason,
                choose_deal: o.choose_deal,
            }),
            warnings: s.warnings,
        }
    }
}

/// The CRM facts about a cached message (contact, company, responsible manager, open deals, recent activity).
#[tauri::command]
pub async fn crm_sidebar(state: State<'_, AppState>, message_id: i64) -> Result<CrmSidebarDto, UiError> {
    let core = state.core()?;
    tauri::async_runtime::spawn_blocking(move || sidebar(&core.store, message_id).map(CrmSidebarDto::from))
        .await
        .map_err(|e| UiError::internal(format!("a background task failed: {e}")))?
        .map_err(UiError::from)
}
