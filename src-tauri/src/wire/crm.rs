//! What the CRM sidebar and Needs reply look like to the UI.

use dealbox_core::crm::sidebar::{DealBrief, Sidebar};
use dealbox_core::crm::triage::TriageGroup;
use dealbox_core::crm::EntityRef;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmPersonDto {
    /// from, to or cc.
    pub role: String,
    pub name: String,
    pub address: String,
    pub contact: Option<String>,
    pub contact_id: Option<i64>,
    pub company: Option<String>,
    pub company_id: Option<i64>,
    /// "Renewal 2027 (in progress)".
    pub lead: Option<String>,
    pub lead_id: Option<i64>,
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
    /// The records the message is bound to, named for the outcome line ("ACME Corp", "deal Renewal 2027").
    pub links: Vec<CrmRecordDto>,
    /// Saved by hand ("Save to CRM").
    pub forced: bool,
}

/// A CRM record the UI can name and act on (notes, tasks, links).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmRecordDto {
    /// contact, company, lead or deal.
    pub kind: String,
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmNoteDto {
    pub id: i64,
    pub body: String,
    pub created_at: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct CrmTaskDto {
    pub id: i64,
    pub title: String,
    pub due_at: Option<i64>,
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
    /// The deals to choose from when the outcome asks for one, best first (as the core ranks them).
    pub deal_choices: Vec<CrmDealDto>,
    pub notes: Vec<CrmNoteDto>,
    pub open_tasks: Vec<CrmTaskDto>,
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

fn deal_dto(d: DealBrief) -> CrmDealDto {
    CrmDealDto { id: d.id, title: d.title, stage: d.stage, amount: d.amount }
}

impl From<Sidebar> for CrmSidebarDto {
    fn from(s: Sidebar) -> Self {
        // Name the outcome's records from what the sidebar already holds; anything else keeps the core's label.
        let mut known: Vec<CrmRecordDto> = Vec::new();
        for p in &s.participants {
            if let Some(c) = &p.contact {
                known.push(CrmRecordDto { kind: "contact".into(), id: c.id, name: c.name.clone() });
            }
            if let Some(c) = &p.company {
                known.push(CrmRecordDto { kind: "company".into(), id: c.id, name: c.name.clone() });
            }
            if let Some(l) = &p.lead {
                known.push(CrmRecordDto { kind: "lead".into(), id: l.id, name: l.title.clone() });
            }
        }
        for d in s.open_deals.iter().chain(s.deal_choices.iter()) {
            known.push(CrmRecordDto { kind: "deal".into(), id: d.id, name: d.title.clone() });
        }
        let name_of = |e: &EntityRef| -> CrmRecordDto {
            known.iter().find(|k| k.kind == e.kind.as_str() && k.id == e.id).cloned().unwrap_or_else(|| CrmRecordDto {
                kind: e.kind.as_str().into(),
                id: e.id,
                name: format!("{} #{}", e.kind.as_str(), e.id),
            })
        };
        let outcome = s.outcome.map(|o| CrmOutcomeDto {
            kind: o.kind.as_str().to_string(),
            links: o.entities.iter().map(name_of).collect(),
            what: o.what,
            reason: o.reason,
            choose_deal: o.choose_deal,
            forced: o.forced,
        });
        Self {
            message_id: s.message_id,
            people: s
                .participants
                .into_iter()
                .map(|p| CrmPersonDto {
                    role: p.role,
                    name: p.name,
                    address: p.address,
                    contact_id: p.contact.as_ref().map(|c| c.id),
                    contact: p.contact.map(|c| c.name),
                    company_id: p.company.as_ref().map(|c| c.id),
                    company: p.company.map(|c| c.name),
                    lead_id: p.lead.as_ref().map(|l| l.id),
                    lead: p.lead.map(|l| format!("{} ({})", l.title, word(&l.status).replace('_', " "))),
                    ours: p.ours,
                })
                .collect(),
            responsible: s.responsible.map(|u| u.name),
            open_deals: s.open_deals.into_iter().map(deal_dto).collect(),
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
            outcome,
            deal_choices: s.deal_choices.into_iter().map(deal_dto).collect(),
            notes: s
                .notes
                .into_iter()
                .take(5)
                .map(|n| CrmNoteDto { id: n.id, body: n.body, created_at: n.created_at })
                .collect(),
            open_tasks: s
                .open_tasks
                .into_iter()
                .take(5)
                .map(|t| CrmTaskDto { id: t.id, title: t.title, due_at: t.due_at })
                .collect(),
            warnings: s.warnings,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NeedsReplyItemDto {
    pub activity_id: i64,
    /// The cached message, when this profile has it (opens in the reader).
    pub message_id: Option<i64>,
    pub subject: String,
    pub timestamp: i64,
    pub waiting_hours: i64,
    /// The client records the email is bound to.
    pub client: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NeedsReplyGroupDto {
    /// `null`: nobody is responsible.
    pub responsible: Option<String>,
    pub items: Vec<NeedsReplyItemDto>,
}

/// Client emails with no reply for more than `hours`, grouped by responsible manager, oldest first.
impl From<TriageGroup> for NeedsReplyGroupDto {
    fn from(g: TriageGroup) -> Self {
        Self {
            responsible: g.responsible.map(|u| u.name),
            items: g
                .items
                .into_iter()
                .map(|i| NeedsReplyItemDto {
                    activity_id: i.activity_id,
                    message_id: i.message_id,
                    subject: i.subject,
                    timestamp: i.timestamp,
                    waiting_hours: i.waiting_hours,
                    client: i.client_names,
                })
                .collect(),
        }
    }
}
