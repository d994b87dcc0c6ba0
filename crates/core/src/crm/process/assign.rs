//! Who gets a new record (the mailbox's round-robin queue), and the records rule 5 creates.

use super::MailInput;
use crate::crm::model::*;
use crate::crm::repo::CrmRepo;
use crate::crm::rules::is_freemail;
use crate::error::Result;

/// The user who gets a new record: the next active user of the queue; when the queue is empty or all
/// inactive, an admin, with a "queue is broken" warning raised for the mailbox.
pub fn next_responsible(repo: &dyn CrmRepo, s: &MailboxSettings, now: i64) -> Result<(Option<i64>, Option<String>)> {
    let n = s.queue.len();
    for i in 0..n {
        let idx = (s.queue_position + i) % n;
        if repo.user(s.queue[idx])?.is_some_and(|u| u.active) {
            repo.set_queue_position(s.account_id, (idx + 1) % n)?;
            repo.clear_warning(s.account_id, QUEUE_BROKEN)?;
            return Ok((Some(s.queue[idx]), None));
        }
    }
    let detail = if n == 0 {
        "the responsible queue of this mailbox is empty"
    } else {
        "every user in the responsible queue of this mailbox is inactive"
    };
    let admins: Vec<i64> = repo.users()?.into_iter().filter(|u| u.active && u.admin).map(|u| u.id).collect();
    let (who, msg) = if admins.is_empty() {
        (None, format!("queue is broken: {detail} and there is no active admin, so new records have no responsible user; fix the queue in this mailbox's CRM settings"))
    } else {
        let who = admins[s.queue_position % admins.len()];
        repo.set_queue_position(s.account_id, (s.queue_position + 1) % admins.len())?;
        (Some(who), format!("queue is broken: {detail}; new records go to the admins until the queue is fixed in this mailbox's CRM settings"))
    };
    repo.raise_warning(s.account_id, QUEUE_BROKEN, &msg, now)?;
    Ok((who, Some(msg)))
}

/// The warning kind raised while a mailbox's queue cannot assign anyone.
pub const QUEUE_BROKEN: &str = "queue_broken";

pub(super) fn mailbox_owner(repo: &dyn CrmRepo, input: &MailInput<'_>) -> Result<Option<i64>> {
    for a in input.own_addresses {
        if let Some(u) = repo.user_by_address(a)? {
            return Ok(Some(u));
        }
    }
    Ok(None)
}

pub(super) fn create_lead(
    repo: &dyn CrmRepo,
    input: &MailInput<'_>,
    settings: &MailboxSettings,
    addr: &str,
    name: &str,
    who: Option<i64>,
    now: i64,
) -> Result<i64> {
    let p = input.parsed;
    let person = if name.trim().is_empty() { addr.to_string() } else { name.trim().to_string() };
    let title = if p.subject.trim().is_empty() { format!("Email from {person}") } else { p.subject.trim().to_string() };
    let company_name = domain_of(addr).filter(|d| !is_freemail(d)).unwrap_or("").to_string();
    repo.add_lead(
        &NewLead {
            title,
            name: name.trim().to_string(),
            address: addr.to_string(),
            company_name,
            source: settings.lead_source.clone(),
            status: Status::InProgress,
            returning_customer: repo.has_closed_lead(addr)?,
            responsible_id: who,
            account_id: Some(input.account_id),
        },
        now,
    )
}

/// Create contacts from vCard attachments whose addresses the CRM does not know yet.
pub(super) fn import_vcards(repo: &dyn CrmRepo, cards: &[String], who: Option<i64>, now: i64) -> Result<usize> {
    let mut n = 0;
    for text in cards {
        let (parsed, _errors) = crate::crm::vcard::parse(text);
        for card in parsed {
            let mut known = false;
            for a in &card.emails {
                if let Some(a) = norm_address(a) {
                    known |= repo.contact_by_address(&a)?.is_some();
                }
            }
            if known || (card.emails.is_empty() && card.name.is_empty()) {
                continue;
            }
            let company_id = match card.org.as_deref().filter(|o| !o.is_empty()) {
                Some(org) => match repo.company_by_name(org)? {
                    Some(id) => Some(id),
                    None => Some(repo.add_company(&NewCompany { name: org.into(), ..Default::default() }, now)?),
                },
                None => None,
            };
            let addresses = card.emails.iter().filter_map(|a| norm_address(a)).collect();
            repo.add_contact(
                &NewContact {
                    name: card.name.clone(),
                    addresses,
                    phones: card.phones.clone(),
                    company_id,
                    responsible_id: who,
                },
                now,
            )?;
            n += 1;
        }
    }
    Ok(n)
}
