//! The sidebar's quick actions on a cached message: create a contact or lead from the sender, link to an
//! existing record, choose the deal, add a note or task, change a deal's stage, put the sender or their
//! domain on the exception list, save to CRM. Each runs in one transaction.

use rusqlite::Connection;

use super::cached::{self, load, mailboxes, CachedMessage};
use super::model::*;
use super::process::next_responsible;
use super::repo::{ActivityRepo, CrmRepo, RecordRepo, TeamRepo};
use super::rules::{self, is_freemail, message_key, SkipReason};
use super::sqlite::SqliteCrm;
use crate::error::{Error, Result};
use crate::store::Store;

fn in_tx<T>(store: &Store, f: impl FnOnce(&Connection, &SqliteCrm<'_>) -> Result<T>) -> Result<T> {
    let mut conn = store.conn()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let out = {
        let repo = SqliteCrm::new(&tx);
        f(&tx, &repo)?
    };
    tx.commit()?;
    Ok(out)
}

/// The other side of a message: the sender of incoming mail, the first outside recipient of outgoing mail.
fn counterpart(repo: &dyn CrmRepo, boxes: &[(i64, Vec<String>)], m: &CachedMessage) -> Result<(String, String)> {
    let own: Vec<String> = boxes.iter().filter(|(id, _)| *id == m.account_id).flat_map(|(_, a)| a.clone()).collect();
    let connected: Vec<String> = boxes.iter().flat_map(|(_, a)| a.iter().cloned()).collect();
    let p = &m.parsed;
    let from = norm_address(&p.from.addr).ok_or_else(|| Error::config("the email has no sender address"))?;
    let ours = |a: &str| -> Result<bool> { Ok(connected.iter().any(|c| c == a) || repo.user_by_address(a)?.is_some()) };
    if !own.contains(&from) {
        if ours(&from)? {
            return Err(Error::config(rules::refusal(&SkipReason::FromOurUser)));
        }
        return Ok((from, p.from.name.clone()));
    }
    for r in p.to.iter().chain(p.cc.iter()) {
        if let Some(a) = norm_address(&r.addr) {
            if !ours(&a)? {
                return Ok((a, r.name.clone()));
            }
        }
    }
    Err(Error::config(rules::refusal(&SkipReason::OnlyToOurUsers)))
}

/// Bind the message to `entity`: create its activity if it has none, add the link otherwise, and record
/// the outcome as linked by hand.
fn link(
    conn: &Connection,
    repo: &SqliteCrm<'_>,
    m: &CachedMessage,
    entity: EntityRef,
    kind: OutcomeKind,
    now: i64,
) -> Result<Outcome> {
    let boxes = mailboxes(conn)?;
    let own: Vec<String> = boxes.iter().filter(|(id, _)| *id == m.account_id).flat_map(|(_, a)| a.clone()).collect();
    let p = &m.parsed;
    let key = message_key(p);
    let label = repo.label(entity)?;
    let mut outcome = repo.outcome(m.account_id, &key)?;
    let activity_id = match repo.activity_by_message(m.account_id, &key)? {
        Some(a) => {
            repo.link_activity(a.id, entity)?;
            a.id
        }
        None => {
            let direction = match norm_address(&p.from.addr) {
                Some(f) if own.contains(&f) => Direction::Out,
                _ => Direction::In,
            };
            let refs: Vec<String> = p
                .references
                .iter()
                .chain(p.in_reply_to.iter())
                .map(|r| r.trim_matches(['<', '>']).to_string())
                .collect();
            let prev = if refs.is_empty() { None } else { repo.activity_for_messages(&refs)? };
            repo.add_activity(
                &NewActivity {
                    account_id: m.account_id,
                    message_key: key.clone(),
                    direction,
                    subject: p.subject.clone(),
                    date: p.date.unwrap_or(now),
                    thread_key: prev
                        .as_ref()
                        .map(|a| a.thread_key.clone())
                        .or_else(|| refs.first().cloned())
                        .unwrap_or_else(|| key.clone()),
                    previous_id: prev.map(|a| a.id),
                    completed: direction == Direction::Out || m.seen,
                    responsible_id: repo.responsible_of(entity)?,
                    links: vec![entity],
                },
                now,
            )?
        }
    };
    let o = match outcome.take() {
        Some(mut o) if o.kind != OutcomeKind::Skipped => {
            if !o.entities.contains(&entity) {
                o.entities.push(entity);
                o.what = if o.what.is_empty() { label } else { format!("{}; {label}", o.what) };
            }
            o.processed_at = now;
            o
        }
        _ => Outcome {
            account_id: m.account_id,
            message_key: key,
            kind,
            reason: match kind {
                OutcomeKind::Created => format!("created by hand from this email: {}", entity.kind),
                _ => format!("linked by hand to the {}", entity.kind),
            },
            what: label,
            entities: vec![entity],
            activity_id: Some(activity_id),
            choose_deal: false,
            deal_candidates: vec![],
            warning: None,
            forced: true,
            processed_at: now,
        },
    };
    repo.put_outcome(&o)?;
    Ok(o)
}

/// Create a contact (`EntityKind::Contact`) or a lead (`EntityKind::Lead`) from the message's sender (or,
/// for outgoing mail, its first outside recipient), assigned round-robin, and link the message to it.
pub fn create_from_sender(store: &Store, message_id: i64, kind: EntityKind, now: i64) -> Result<Outcome> {
    in_tx(store, |conn, repo| {
        let boxes = mailboxes(conn)?;
        let m = load(conn, message_id, false)?;
        let (addr, name) = counterpart(repo, &boxes, &m)?;
        let settings = repo.mailbox_settings(m.account_id)?;
        let entity = match kind {
            EntityKind::Contact => {
                if let Some(id) = repo.contact_by_address(&addr)? {
                    return Err(Error::config(format!(
                        "{addr} is already contact #{id}: link the email to it instead"
                    )));
                }
                let (who, _) = next_responsible(repo, &settings, now)?;
                let company_id = match domain_of(&addr).filter(|d| !is_freemail(d)) {
                    Some(d) => repo.company_by_domain(d)?,
                    None => None,
                };
                let id = repo.add_contact(
                    &NewContact {
                        name: name.trim().into(),
                        addresses: vec![addr.clone()],
                        phones: vec![],
                        company_id,
                        responsible_id: who,
                    },
                    now,
                )?;
                EntityRef::new(EntityKind::Contact, id)
            }
            EntityKind::Lead => {
                if let Some(id) = repo.open_lead_by_address(&addr)? {
                    return Err(Error::config(format!(
                        "{addr} already has the open lead #{id}: link the email to it instead"
                    )));
                }
                let (who, _) = next_responsible(repo, &settings, now)?;
                let subject = m.parsed.subject.trim();
                let id = repo.add_lead(
                    &NewLead {
                        title: if subject.is_empty() { format!("Email from {addr}") } else { subject.into() },
                        name: name.trim().into(),
                        address: addr.clone(),
                        company_name: domain_of(&addr).filter(|d| !is_freemail(d)).unwrap_or("").into(),
                        source: settings.lead_source.clone(),
                        status: Status::InProgress,
                        returning_customer: repo.has_closed_lead(&addr)?,
                        responsible_id: who,
                        account_id: Some(m.account_id),
                    },
                    now,
                )?;
                EntityRef::new(EntityKind::Lead, id)
            }
            other => {
                return Err(Error::config(format!("a {other} cannot be created from a sender: use contact or lead")))
            }
        };
        link(conn, repo, &m, entity, OutcomeKind::Created, now)
    })
}

/// Link the message to an existing record (found with [`RecordRepo::search_records`]).
pub fn link_to_record(store: &Store, message_id: i64, entity: EntityRef, now: i64) -> Result<Outcome> {
    in_tx(store, |conn, repo| {
        let boxes = mailboxes(conn)?;
        let m = load(conn, message_id, false)?;
        counterpart(repo, &boxes, &m)?; // refuses our own users' mail
        link(conn, repo, &m, entity, OutcomeKind::Linked, now)
    })
}

/// Choose the deal for a message whose outcome asked for it.
pub fn choose_deal(store: &Store, message_id: i64, deal_id: i64, now: i64) -> Result<Outcome> {
    in_tx(store, |conn, repo| {
        let m = load(conn, message_id, false)?;
        let deal = repo.deal(deal_id)?.ok_or_else(|| Error::not_found(format!("no deal #{deal_id}")))?;
        let mut o = link(conn, repo, &m, EntityRef::new(EntityKind::Deal, deal.id), OutcomeKind::Linked, now)?;
        if o.choose_deal {
            o.choose_deal = false;
            o.deal_candidates.clear();
            o.reason = format!("{} (deal chosen by hand)", o.reason.trim_end_matches(": choose a deal"));
            repo.put_outcome(&o)?;
        }
        Ok(o)
    })
}

/// Move a deal to the stage with this name.
pub fn set_deal_stage(store: &Store, deal_id: i64, stage: &str, now: i64) -> Result<Deal> {
    in_tx(store, |_, repo| {
        let stages = repo.stages()?;
        let s = stages.iter().find(|s| s.name.eq_ignore_ascii_case(stage.trim())).ok_or_else(|| {
            Error::config(format!(
                "no deal stage '{stage}' (stages: {})",
                stages.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(", ")
            ))
        })?;
        repo.set_deal_stage(deal_id, s.id, now)?;
        repo.deal(deal_id)?.ok_or_else(|| Error::not_found(format!("no deal #{deal_id}")))
    })
}

/// Put the message's sender (or their whole domain) on the team's exception list.
pub fn exclude_sender(store: &Store, message_id: i64, whole_domain: bool, now: i64) -> Result<Exception> {
    in_tx(store, |conn, repo| {
        let boxes = mailboxes(conn)?;
        let m = load(conn, message_id, false)?;
        let (addr, _) = counterpart(repo, &boxes, &m)?;
        let entry = if whole_domain {
            let d = domain_of(&addr).ok_or_else(|| Error::config(format!("{addr} has no domain")))?;
            if is_freemail(d) {
                return Err(Error::config(format!(
                    "{d} is a free-mail domain shared by many people: add the address {addr} instead"
                )));
            }
            d.to_string()
        } else {
            addr
        };
        repo.add_exception(&entry, now)
    })
}

/// Add a note to a record.
pub fn add_note(store: &Store, entity: EntityRef, body: &str, author: Option<i64>, now: i64) -> Result<i64> {
    in_tx(store, |_, repo| repo.add_note(entity, body, author, now))
}

/// Add a task to a record.
pub fn add_task(
    store: &Store,
    entity: EntityRef,
    title: &str,
    due_at: Option<i64>,
    responsible: Option<i64>,
    now: i64,
) -> Result<i64> {
    in_tx(store, |_, repo| {
        let who = match responsible {
            Some(u) => Some(u),
            None => repo.responsible_of(entity)?,
        };
        repo.add_task(entity, title, due_at, who, now)
    })
}

/// "Save to CRM": the rules, forced past the processing window, the folder and the exception list.
pub fn save_to_crm(store: &Store, message_id: i64, now: i64) -> Result<Outcome> {
    cached::save_to_crm(store, message_id, now)
}
