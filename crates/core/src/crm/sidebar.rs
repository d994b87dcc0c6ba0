//! The CRM sidebar of one message, in one call: who the participants are in the CRM, the responsible
//! manager, open deals, the latest activities with this client, this message's outcome and the
//! attachments the CRM does not keep.

use rusqlite::{Connection, OptionalExtension};
use serde::Serialize;

use super::cached::{key_of, mailboxes};
use super::model::*;
use super::repo::{ActivityRepo, RecordRepo, TeamRepo};
use super::rules::is_freemail;
use super::sqlite::SqliteCrm;
use crate::cache::mailboxes_from_json;
use crate::error::{Error, Result};
use crate::query::rfc3339;
use crate::store::Store;

/// Attachments above this size are not saved to the CRM.
pub const CRM_ATTACHMENT_LIMIT: i64 = 25 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct UserBrief {
    pub id: i64,
    pub name: String,
    pub active: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordBrief {
    pub id: i64,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LeadBrief {
    pub id: i64,
    pub title: String,
    pub status: Status,
    pub returning_customer: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Participant {
    /// from, to or cc.
    pub role: String,
    pub name: String,
    pub address: String,
    /// A team user or a connected mailbox.
    pub ours: bool,
    pub user: Option<UserBrief>,
    pub contact: Option<RecordBrief>,
    pub company: Option<RecordBrief>,
    pub lead: Option<LeadBrief>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DealBrief {
    pub id: i64,
    pub title: String,
    pub stage: String,
    pub meaning: Status,
    pub amount_minor: i64,
    pub currency: String,
    /// "1200.00 EUR".
    pub amount: String,
}

impl From<&Deal> for DealBrief {
    fn from(d: &Deal) -> Self {
        DealBrief {
            id: d.id,
            title: d.title.clone(),
            stage: d.stage.clone(),
            meaning: d.meaning,
            amount_minor: d.amount_minor,
            currency: d.currency.clone(),
            amount: d.amount_display(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct TimelineItem {
    pub activity_id: i64,
    /// The cached message, when this profile has it.
    pub message_id: Option<i64>,
    pub date: String,
    pub timestamp: i64,
    pub direction: Direction,
    pub subject: String,
    pub completed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentNotSaved {
    pub filename: Option<String>,
    pub size: i64,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Sidebar {
    pub message_id: i64,
    pub account_id: i64,
    pub direction: Direction,
    pub participants: Vec<Participant>,
    pub responsible: Option<UserBrief>,
    pub open_deals: Vec<DealBrief>,
    pub timeline: Vec<TimelineItem>,
    /// `None`: not processed yet.
    pub outcome: Option<Outcome>,
    /// The deals to choose from when the outcome asks to choose one, best first.
    pub deal_choices: Vec<DealBrief>,
    pub attachments_not_saved: Vec<AttachmentNotSaved>,
    pub open_tasks: Vec<Task>,
    pub notes: Vec<Note>,
    /// Problems someone must fix for this mailbox ("queue is broken: …").
    pub warnings: Vec<String>,
}

const TIMELINE: u32 = 20;

fn user_brief(repo: &SqliteCrm<'_>, id: Option<i64>) -> Result<Option<UserBrief>> {
    Ok(match id {
        Some(id) => repo.user(id)?.map(|u| UserBrief { id: u.id, name: u.name, active: u.active }),
        None => None,
    })
}

fn company_for(repo: &SqliteCrm<'_>, addr: &str) -> Result<Option<i64>> {
    if let Some(id) = repo.company_by_address(addr)? {
        return Ok(Some(id));
    }
    if let Some(d) = domain_of(addr).filter(|d| !is_freemail(d)) {
        for d in domain_and_parents(d) {
            if let Some(id) = repo.company_by_domain(d)? {
                return Ok(Some(id));
            }
        }
    }
    Ok(None)
}

/// The sidebar of the cached message `message_id` (the `id` of `list --json`).
pub fn sidebar(store: &Store, message_id: i64) -> Result<Sidebar> {
    let conn = store.conn()?;
    // One read transaction: a consistent snapshot, and one WAL read lock instead of one per statement.
    let tx = conn.unchecked_transaction()?;
    let out = build(&tx, message_id);
    tx.finish()?;
    out
}

fn build(conn: &Connection, message_id: i64) -> Result<Sidebar> {
    let repo = SqliteCrm::new(conn);
    let (account_id, key) = key_of(conn, message_id)?;
    let (from_name, from_addr, to, cc): (String, String, String, String) = conn
        .prepare_cached("SELECT from_name, from_addr, to_json, cc_json FROM messages WHERE id = ?1")?
        .query_row([message_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
        .optional()?
        .ok_or_else(|| Error::not_found(format!("no message with id {message_id}")))?;
    let boxes = mailboxes(conn)?;
    let own: Vec<String> = boxes.iter().filter(|(id, _)| *id == account_id).flat_map(|(_, a)| a.clone()).collect();
    let connected: Vec<String> = boxes.iter().flat_map(|(_, a)| a.iter().cloned()).collect();
    let from = norm_address(&from_addr);
    let direction = if from.as_ref().is_some_and(|f| own.contains(f)) { Direction::Out } else { Direction::In };

    let mut people: Vec<(String, String, String)> = Vec::new();
    if let Some(f) = &from {
        people.push(("from".into(), from_name, f.clone()));
    }
    for (role, list) in [("to", mailboxes_from_json(&to)), ("cc", mailboxes_from_json(&cc))] {
        for m in list {
            if let Some(a) = norm_address(&m.addr) {
                if !people.iter().any(|p| p.2 == a) {
                    people.push((role.into(), m.name, a));
                }
            }
        }
    }

    let mut clients: Vec<EntityRef> = Vec::new();
    let mut client_resp: Option<i64> = None;
    let mut participants = Vec::with_capacity(people.len());
    for (role, name, address) in people {
        let user_id = repo.user_by_address(&address)?;
        let ours = user_id.is_some() || connected.contains(&address);
        let mut p = Participant {
            role,
            name,
            address: address.clone(),
            ours,
            user: user_brief(&repo, user_id)?,
            contact: None,
            company: None,
            lead: None,
        };
        if !ours {
            let mut company_id = None;
            if let Some(id) = repo.contact_by_address(&address)? {
                if let Some(c) = repo.contact(id)? {
                    clients.push(EntityRef::new(EntityKind::Contact, id));
                    client_resp = client_resp.or(c.responsible_id);
                    company_id = c.company_id;
                    p.contact = Some(RecordBrief { id, name: c.name });
                }
            }
            if let Some(id) = repo.open_lead_by_address(&address)? {
                if let Some(l) = repo.lead(id)? {
                    clients.push(EntityRef::new(EntityKind::Lead, id));
                    client_resp = client_resp.or(l.responsible_id);
                    p.lead = Some(LeadBrief {
                        id,
                        title: l.title,
                        status: l.status,
                        returning_customer: l.returning_customer,
                    });
                }
            }
            if company_id.is_none() {
                company_id = company_for(&repo, &address)?;
            }
            if let Some(id) = company_id {
                if let Some(c) = repo.company(id)? {
                    clients.push(EntityRef::new(EntityKind::Company, id));
                    client_resp = client_resp.or(c.responsible_id);
                    p.company = Some(RecordBrief { id, name: c.name });
                }
            }
        }
        participants.push(p);
    }

    let outcome = repo.outcome(account_id, &key)?;
    let activity = match outcome.as_ref().and_then(|o| o.activity_id) {
        Some(id) => repo.activity(id)?,
        None => None,
    };
    if let Some(a) = &activity {
        for e in &a.links {
            if !clients.contains(e) {
                clients.push(*e);
            }
        }
    }
    clients.sort();
    clients.dedup();

    let mut open_deals: Vec<DealBrief> = Vec::new();
    let mut push_deal = |d: &Deal| {
        if d.meaning == Status::InProgress && !open_deals.iter().any(|x| x.id == d.id) {
            open_deals.push(d.into());
        }
    };
    for e in &clients {
        match e.kind {
            EntityKind::Contact => {
                let company = repo.contact(e.id)?.and_then(|c| c.company_id);
                repo.open_deals_for(Some(e.id), company)?.iter().for_each(&mut push_deal);
            }
            EntityKind::Company => repo.open_deals_for(None, Some(e.id))?.iter().for_each(&mut push_deal),
            EntityKind::Deal => {
                if let Some(d) = repo.deal(e.id)? {
                    push_deal(&d);
                }
            }
            EntityKind::Lead => {}
        }
    }

    let mut timeline = Vec::new();
    let mut st = conn.prepare_cached("SELECT id FROM messages WHERE account_id = ?1 AND message_id = ?2 LIMIT 1")?;
    for a in repo.timeline(&clients, TIMELINE)? {
        let local: Option<i64> =
            st.query_row(rusqlite::params![a.account_id, a.message_key], |r| r.get(0)).optional()?;
        timeline.push(TimelineItem {
            activity_id: a.id,
            message_id: local,
            date: rfc3339(a.date),
            timestamp: a.date,
            direction: a.direction,
            subject: a.subject,
            completed: a.completed,
        });
    }

    let deal_choices = match &outcome {
        Some(o) if o.choose_deal => o
            .deal_candidates
            .iter()
            .filter_map(|id| repo.deal(*id).transpose())
            .collect::<Result<Vec<_>>>()?
            .iter()
            .map(DealBrief::from)
            .collect(),
        _ => vec![],
    };

    let responsible = user_brief(&repo, activity.as_ref().and_then(|a| a.responsible_id).or(client_resp))?;
    let primary = clients
        .iter()
        .find(|e| e.kind == EntityKind::Deal)
        .or_else(|| clients.iter().find(|e| e.kind == EntityKind::Lead))
        .or(clients.first())
        .copied();
    let (open_tasks, notes) = match primary {
        Some(e) => (repo.tasks(e, false)?, repo.notes(e, 5)?),
        None => (vec![], vec![]),
    };
    let attachments_not_saved = conn
        .prepare_cached("SELECT filename, size FROM attachments WHERE message_id = ?1 AND size > ?2 ORDER BY part")?
        .query_map(rusqlite::params![message_id, CRM_ATTACHMENT_LIMIT], |r| {
            Ok(AttachmentNotSaved {
                filename: r.get(0)?,
                size: r.get(1)?,
                reason: "larger than 25 MB: not saved to the CRM (it stays in the mailbox)".into(),
            })
        })?
        .collect::<rusqlite::Result<_>>()?;
    let warnings = repo.warnings(Some(account_id))?.into_iter().map(|w| w.message).collect();
    Ok(Sidebar {
        message_id,
        account_id,
        direction,
        participants,
        responsible,
        open_deals,
        timeline,
        outcome,
        deal_choices,
        attachments_not_saved,
        open_tasks,
        notes,
        warnings,
    })
}
