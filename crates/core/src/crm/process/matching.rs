//! Rule 4: the record an address matches, and which of several open deals fits the message best.

use crate::crm::model::*;
use crate::crm::repo::CrmRepo;
use crate::crm::rules::is_freemail;
use crate::error::Result;
use crate::parse;

/// A record that matched an address.
pub(super) struct Matched {
    pub(super) entity: EntityRef,
    pub(super) company_id: Option<i64>,
    pub(super) how: String,
}

/// Rule 4's address part: contact, returning-customer lead, lead, company by address, company by domain.
pub(super) fn match_address(repo: &dyn CrmRepo, addr: &str) -> Result<Option<Matched>> {
    if let Some(id) = repo.contact_by_address(addr)? {
        let company_id = repo.contact(id)?.and_then(|c| c.company_id);
        return Ok(Some(Matched {
            entity: EntityRef::new(EntityKind::Contact, id),
            company_id,
            how: format!("the contact with address {addr}"),
        }));
    }
    if let Some(id) = repo.open_lead_by_address(addr)? {
        let returning = repo.lead(id)?.is_some_and(|l| l.returning_customer);
        let what = if returning { "the returning customer's lead" } else { "the open lead" };
        return Ok(Some(Matched {
            entity: EntityRef::new(EntityKind::Lead, id),
            company_id: None,
            how: format!("{what} with address {addr}"),
        }));
    }
    if let Some(id) = repo.company_by_address(addr)? {
        return Ok(Some(Matched {
            entity: EntityRef::new(EntityKind::Company, id),
            company_id: Some(id),
            how: format!("the company with address {addr}"),
        }));
    }
    if let Some(domain) = domain_of(addr) {
        if !is_freemail(domain) {
            for d in domain_and_parents(domain) {
                if let Some(id) = repo.company_by_domain(d)? {
                    return Ok(Some(Matched {
                        entity: EntityRef::new(EntityKind::Company, id),
                        company_id: Some(id),
                        how: format!("the company with domain {d}"),
                    }));
                }
            }
        }
    }
    Ok(None)
}

/// Several open deals: best first by thread, then subject, then recency.
pub(super) fn rank_deals(repo: &dyn CrmRepo, deals: &[Deal], thread_key: &str, subject: &str) -> Result<Vec<i64>> {
    let base = parse::base_subject(subject);
    let mut scored = Vec::with_capacity(deals.len());
    for d in deals {
        let in_thread = repo.deal_in_thread(d.id, thread_key)?;
        let title = d.title.to_lowercase();
        let subject_hit = !title.is_empty() && !base.is_empty() && (base.contains(&title) || title.contains(&base));
        let recent = repo.last_activity_at(EntityRef::new(EntityKind::Deal, d.id))?.unwrap_or(0).max(d.updated_at);
        scored.push(((in_thread, subject_hit, recent, d.id), d.id));
    }
    scored.sort_by_key(|s| std::cmp::Reverse(s.0));
    Ok(scored.into_iter().map(|(_, id)| id).collect())
}
