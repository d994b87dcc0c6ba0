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

use super::model::*;
use super::repo::CrmRepo;
use super::rules::{self, automated, excluded_folder, is_freemail, message_key, SkipReason};
use crate::error::{Error, Result};
use crate::parse::{self, Parsed};
use crate::time::DAY;

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

/// The message's direction and the people on the other side.
struct Parties {
    direction: Direction,
    from: Option<String>,
    /// Outside addresses: the sender of incoming mail, or the recipients of outgoing mail that are not ours.
    others: Vec<(String, String)>,
    recipients: usize,
}

fn parties(repo: &dyn CrmRepo, input: &MailInput<'_>) -> Result<Parties> {
    let p = input.parsed;
    let from = norm_address(&p.from.addr);
    let direction = match &from {
        Some(f) if input.own_addresses.contains(f) => Direction::Out,
        _ => Direction::In,
    };
    let mut recips: Vec<(String, String)> = Vec::new();
    for m in p.to.iter().chain(p.cc.iter()) {
        if let Some(a) = norm_address(&m.addr) {
            if !recips.iter().any(|(x, _)| *x == a) {
                recips.push((a, m.name.clone()));
            }
        }
    }
    let others = match direction {
        Direction::In => from.iter().map(|f| (f.clone(), p.from.name.clone())).collect(),
        Direction::Out => {
            let mut v = Vec::new();
            for (a, n) in &recips {
                if !is_ours(repo, input, a)? {
                    v.push((a.clone(), n.clone()));
                }
            }
            v
        }
    };
    Ok(Parties { direction, from, others, recipients: recips.len() })
}

/// A team user's address or a connected mailbox's.
pub fn is_ours(repo: &dyn CrmRepo, input: &MailInput<'_>, addr: &str) -> Result<bool> {
    Ok(input.connected_addresses.iter().any(|a| a == addr)
        || input.own_addresses.iter().any(|a| a == addr)
        || repo.user_by_address(addr)?.is_some())
}

/// Rule 1. `Err` only for storage failures.
fn skip_reason(
    repo: &dyn CrmRepo,
    input: &MailInput<'_>,
    settings: &MailboxSettings,
    parties: &mut Parties,
    now: i64,
    mode: Mode,
) -> Result<Option<SkipReason>> {
    let p = input.parsed;
    let forced = mode == Mode::Manual;
    if !forced && !settings.link_enabled {
        return Ok(Some(SkipReason::LinkingOff));
    }
    let date = p.date.unwrap_or(now);
    if !forced && settings.process_days > 0 && now - date > settings.process_days as i64 * DAY {
        return Ok(Some(SkipReason::TooOld { age_days: (now - date) / DAY, window_days: settings.process_days }));
    }
    if !forced {
        if let Some(role) = excluded_folder(input.folder_role) {
            return Ok(Some(SkipReason::Folder(role.into())));
        }
    }
    let auto = automated(p);
    if let Some(from) = parties.from.clone() {
        if let Some(reason) = party_skip(repo, input, parties, &from, auto.is_some(), forced)? {
            return Ok(Some(reason));
        }
    }
    if let Some(a) = auto {
        return Ok(Some(SkipReason::Automated(a)));
    }
    if parties.from.is_none() {
        return Ok(Some(SkipReason::NoSender));
    }
    Ok(None)
}

/// The skips that depend on who sent the message and to whom: our own notifications, our users, mail
/// only to our users, the exception list.
fn party_skip(
    repo: &dyn CrmRepo,
    input: &MailInput<'_>,
    parties: &mut Parties,
    from: &str,
    automated: bool,
    forced: bool,
) -> Result<Option<SkipReason>> {
    let p = input.parsed;
    if parties.direction == Direction::Out {
        let to_self_only = parties.recipients == 0
            || p.to
                .iter()
                .chain(p.cc.iter())
                .all(|m| norm_address(&m.addr).is_some_and(|a| input.own_addresses.contains(&a)));
        if automated || to_self_only {
            return Ok(Some(SkipReason::OwnNotification));
        }
    } else if is_ours(repo, input, from)? {
        return Ok(Some(SkipReason::FromOurUser));
    }
    if parties.direction == Direction::Out && parties.others.is_empty() {
        return Ok(Some(SkipReason::OnlyToOurUsers));
    }
    if !forced {
        let mut first_entry = None;
        let mut kept = Vec::new();
        for (a, n) in parties.others.drain(..) {
            match repo.exception_for(&a)? {
                Some(e) => {
                    first_entry.get_or_insert(e);
                }
                None => kept.push((a, n)),
            }
        }
        parties.others = kept;
        if parties.others.is_empty() {
            if let Some(entry) = first_entry {
                return Ok(Some(SkipReason::Exception { entry, outgoing: parties.direction == Direction::Out }));
            }
        }
    }
    Ok(None)
}

/// A record that matched an address.
struct Matched {
    entity: EntityRef,
    company_id: Option<i64>,
    how: String,
}

/// Rule 4's address part: contact, returning-customer lead, lead, company by address, company by domain.
fn match_address(repo: &dyn CrmRepo, addr: &str) -> Result<Option<Matched>> {
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
fn rank_deals(repo: &dyn CrmRepo, deals: &[Deal], thread_key: &str, subject: &str) -> Result<Vec<i64>> {
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

fn mailbox_owner(repo: &dyn CrmRepo, input: &MailInput<'_>) -> Result<Option<i64>> {
    for a in input.own_addresses {
        if let Some(u) = repo.user_by_address(a)? {
            return Ok(Some(u));
        }
    }
    Ok(None)
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

fn create_lead(
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
fn import_vcards(repo: &dyn CrmRepo, cards: &[String], who: Option<i64>, now: i64) -> Result<usize> {
    let mut n = 0;
    for text in cards {
        let (parsed, _errors) = super::vcard::parse(text);
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
