//! Processing one email: the brief's rules in order, on a parsed message and a repository.
//!
//! 1. skip (with the exact reason) — processing window, folder, own notifications, our users, mail only
//!    to our users, the exception list, automated mail;
//! 2. a reply joins the earlier activity's lead or deal while it is in progress;
//! 3. "always new lead" senders get a new lead;
//! 4. match by address (contact, returning-customer lead, lead, company) and by domain (company, never
//!    free-mail); deals through the matched contact or company;
//! 5. otherwise create a lead or contact, assigned round-robin through the mailbox's queue.
//!
//! Every message gets an [`Outcome`]; processing the same message (Message-ID + mailbox) again returns the
//! stored outcome and creates nothing.

mod assign;
mod matching;
mod skip;

pub use assign::{next_responsible, QUEUE_BROKEN};
pub use skip::is_ours;

use assign::{create_lead, import_vcards, mailbox_owner};
use matching::{match_address, rank_deals};
use skip::{parties, skip_reason, Parties};

use super::model::*;
use super::repo::CrmRepo;
use super::rules::{self, message_key, SkipReason};
use crate::error::{Error, Result};
use crate::parse::Parsed;

/// One message as the processor sees it.
#[derive(Debug, Clone, Copy)]
pub struct MailInput<'a> {
    pub account_id: i64,
    /// This mailbox's own addresses, lower-case.
    pub own_addresses: &'a [String],
    /// The addresses of every connected mailbox (this one included), lower-case.
    pub connected_addresses: &'a [String],
    /// The folder's role: inbox, sent, drafts, trash, junk, archive, or `None`.
    pub folder_role: Option<&'a str>,
    pub parsed: &'a Parsed,
    /// Read already (an unread incoming email is an open activity).
    pub seen: bool,
    /// vCard attachments of the message, as text (see [`super::vcard::attachments_of`]).
    pub vcards: &'a [String],
}

/// Who asked: the sync engine, or a person pressing "Save to CRM".
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Sync,
    /// Forces past the processing window, the folder and the exception list; still refuses mail from
    /// our own users.
    Manual,
}

/// Process one message; the whole step is atomic. A manual save that breaks a rule it cannot force
/// returns a `Config` error whose message starts "The email does not match CRM rules: ".
pub fn process(repo: &dyn CrmRepo, input: &MailInput<'_>, now: i64, mode: Mode) -> Result<Outcome> {
    let mut out = None;
    repo.atomically(&mut |r| {
        out = Some(process_in(r, input, now, mode)?);
        Ok(())
    })?;
    out.ok_or_else(|| Error::internal("CRM processing finished without an outcome"))
}

/// References then In-Reply-To, without angle brackets, newest last.
fn thread_refs(p: &Parsed) -> Vec<String> {
    let mut v: Vec<String> = Vec::new();
    for r in p.references.iter().chain(p.in_reply_to.iter()) {
        let k = r.trim().trim_start_matches('<').trim_end_matches('>').to_string();
        if !k.is_empty() && !v.contains(&k) {
            v.push(k);
        }
    }
    v
}

/// What the steps after rule 1 decided.
struct Decision {
    kind: OutcomeKind,
    reason: String,
    links: Vec<EntityRef>,
    responsible: Option<i64>,
    choose_deal: bool,
    candidates: Vec<i64>,
    warning: Option<String>,
}

fn process_in(repo: &dyn CrmRepo, input: &MailInput<'_>, now: i64, mode: Mode) -> Result<Outcome> {
    let p = input.parsed;
    let key = message_key(p);
    if let Some(o) = repo.outcome(input.account_id, &key)? {
        if o.kind != OutcomeKind::Skipped {
            return Ok(o);
        }
    }
    let settings = repo.mailbox_settings(input.account_id)?;
    let mut parties = parties(repo, input)?;
    let skipped = |reason: String| Outcome {
        account_id: input.account_id,
        message_key: key.clone(),
        kind: OutcomeKind::Skipped,
        reason,
        what: String::new(),
        entities: vec![],
        activity_id: None,
        choose_deal: false,
        deal_candidates: vec![],
        warning: None,
        forced: mode == Mode::Manual,
        processed_at: now,
    };
    if let Some(reason) = skip_reason(repo, input, &settings, &mut parties, now, mode)? {
        if mode == Mode::Manual {
            return Err(Error::config(rules::refusal(&reason)));
        }
        let o = skipped(reason.to_string());
        repo.put_outcome(&o)?;
        return Ok(o);
    }
    let refs = thread_refs(p);
    let prev = if refs.is_empty() { None } else { repo.activity_for_messages(&refs)? };
    let thread_key = match &prev {
        Some(a) => a.thread_key.clone(),
        None => refs.first().cloned().unwrap_or_else(|| key.clone()),
    };
    let outgoing = parties.direction == Direction::Out;
    let decision = match decide(repo, input, &settings, &parties, prev.as_ref(), &thread_key, now, mode)? {
        Some(d) => d,
        None => {
            let address = parties.others.first().map(|o| o.0.clone()).unwrap_or_default();
            let o = skipped(SkipReason::NothingToCreate { address, outgoing }.to_string());
            repo.put_outcome(&o)?;
            return Ok(o);
        }
    };
    let mut what: Vec<String> = decision.links.iter().map(|e| repo.label(*e)).collect::<Result<_>>()?;
    if settings.import_vcards && !input.vcards.is_empty() {
        let n = import_vcards(repo, input.vcards, decision.responsible, now)?;
        if n > 0 {
            what.push(format!("{n} contact{} from vCard attachments", if n == 1 { "" } else { "s" }));
        }
    }
    let activity_id = match repo.activity_by_message(input.account_id, &key)? {
        Some(a) => {
            for e in &decision.links {
                repo.link_activity(a.id, *e)?;
            }
            a.id
        }
        None => repo.add_activity(
            &NewActivity {
                account_id: input.account_id,
                message_key: key.clone(),
                direction: parties.direction,
                subject: p.subject.clone(),
                date: p.date.unwrap_or(now),
                thread_key,
                previous_id: prev.as_ref().map(|a| a.id),
                completed: outgoing || input.seen,
                responsible_id: decision.responsible,
                links: decision.links.clone(),
            },
            now,
        )?,
    };
    let o = Outcome {
        account_id: input.account_id,
        message_key: key,
        kind: decision.kind,
        reason: decision.reason,
        what: what.join("; "),
        entities: decision.links,
        activity_id: Some(activity_id),
        choose_deal: decision.choose_deal,
        deal_candidates: decision.candidates,
        warning: decision.warning,
        forced: mode == Mode::Manual,
        processed_at: now,
    };
    repo.put_outcome(&o)?;
    Ok(o)
}

/// Rules 2–5. `None`: nothing matched and nothing may be created.
#[allow(clippy::too_many_arguments)]
fn decide(
    repo: &dyn CrmRepo,
    input: &MailInput<'_>,
    settings: &MailboxSettings,
    parties: &Parties,
    prev: Option<&Activity>,
    thread_key: &str,
    now: i64,
    mode: Mode,
) -> Result<Option<Decision>> {
    let p = input.parsed;
    let owner = mailbox_owner(repo, input)?;
    let route = |client: Option<i64>| {
        if settings.route_to_manager {
            client.or(owner)
        } else {
            owner.or(client)
        }
    };
    // Rule 2: a reply joins the earlier activity's lead or deal while it is in progress.
    if let Some(prev) = prev {
        let mut joined = Vec::new();
        for e in &prev.links {
            let open = match e.kind {
                EntityKind::Deal => repo.deal(e.id)?.is_some_and(|d| d.meaning == Status::InProgress),
                EntityKind::Lead => repo.lead(e.id)?.is_some_and(|l| l.status == Status::InProgress),
                _ => false,
            };
            if open {
                joined.push(*e);
            }
        }
        if let Some(main) = joined.iter().find(|e| e.kind == EntityKind::Deal).or(joined.first()).copied() {
            let mut links = joined.clone();
            for e in &prev.links {
                if matches!(e.kind, EntityKind::Contact | EntityKind::Company) && !links.contains(e) {
                    links.push(*e);
                }
            }
            return Ok(Some(Decision {
                kind: OutcomeKind::Linked,
                reason: format!(
                    "a reply in a thread already in the CRM: joined the {} of the earlier email",
                    main.kind
                ),
                links,
                responsible: route(repo.responsible_of(main)?),
                choose_deal: false,
                candidates: vec![],
                warning: None,
            }));
        }
    }
    let Some((primary, primary_name)) = parties.others.first().cloned() else {
        return Ok(None);
    };
    let outgoing = parties.direction == Direction::Out;
    // Rule 3: senders that always make a new lead (web forms, marketplaces).
    if !outgoing && settings.always_new_lead.contains(&primary) {
        let (who, warning) = next_responsible(repo, settings, now)?;
        let id = create_lead(repo, input, settings, &primary, &primary_name, who, now)?;
        return Ok(Some(Decision {
            kind: OutcomeKind::Created,
            reason: format!("{primary} is on this mailbox's always-new-lead list: created a new lead"),
            links: vec![EntityRef::new(EntityKind::Lead, id)],
            responsible: who,
            choose_deal: false,
            candidates: vec![],
            warning,
        }));
    }
    // Rule 4: match by address, then by domain.
    for (addr, _) in &parties.others {
        let Some(m) = match_address(repo, addr)? else {
            continue;
        };
        let mut links = vec![m.entity];
        if let Some(c) = m.company_id.filter(|_| m.entity.kind == EntityKind::Contact) {
            links.push(EntityRef::new(EntityKind::Company, c));
        }
        let deals = match m.entity.kind {
            EntityKind::Contact => repo.open_deals_for(Some(m.entity.id), m.company_id)?,
            EntityKind::Company => repo.open_deals_for(None, Some(m.entity.id))?,
            _ => vec![],
        };
        let mut reason = format!("matched {}", m.how);
        let (mut choose_deal, mut candidates) = (false, vec![]);
        let mut client_resp = repo.responsible_of(m.entity)?;
        if client_resp.is_none() {
            if let Some(co) = m.company_id {
                client_resp = repo.responsible_of(EntityRef::new(EntityKind::Company, co))?;
            }
        }
        match deals.len() {
            0 => {}
            1 => {
                links.push(EntityRef::new(EntityKind::Deal, deals[0].id));
                reason.push_str(" and its one open deal");
                client_resp = deals[0].responsible_id.or(client_resp);
            }
            n => {
                choose_deal = true;
                candidates = rank_deals(repo, &deals, thread_key, &p.subject)?;
                reason.push_str(&format!("; it has {n} open deals: choose a deal"));
            }
        }
        return Ok(Some(Decision {
            kind: OutcomeKind::Linked,
            reason,
            links,
            responsible: route(client_resp),
            choose_deal,
            candidates,
            warning: None,
        }));
    }
    // Rule 5: nothing matched.
    let action = if outgoing { settings.new_outgoing } else { settings.new_incoming };
    let action = match (action, mode) {
        (NewSenderAction::Nothing, Mode::Manual) => NewSenderAction::Lead,
        (a, _) => a,
    };
    let (created, label) = match action {
        NewSenderAction::Nothing => return Ok(None),
        NewSenderAction::Lead => {
            let (who, warning) = next_responsible(repo, settings, now)?;
            let id = create_lead(repo, input, settings, &primary, &primary_name, who, now)?;
            ((EntityRef::new(EntityKind::Lead, id), who, warning), "a lead")
        }
        NewSenderAction::Contact => {
            let (who, warning) = next_responsible(repo, settings, now)?;
            let id = repo.add_contact(
                &NewContact {
                    name: primary_name.trim().to_string(),
                    addresses: vec![primary.clone()],
                    phones: vec![],
                    company_id: None,
                    responsible_id: who,
                },
                now,
            )?;
            ((EntityRef::new(EntityKind::Contact, id), who, warning), "a contact")
        }
    };
    let (entity, who, warning) = created;
    Ok(Some(Decision {
        kind: OutcomeKind::Created,
        reason: format!("no CRM record matches {primary}: created {label}"),
        links: vec![entity],
        responsible: who,
        choose_deal: false,
        candidates: vec![],
        warning,
    }))
}
