//! The sample CRM, written through the CRM repository (the same calls the CLI and the app make): the team,
//! companies and contacts, deals in every stage, leads in every status, the exception list, the demo
//! mailbox's settings with its responsible queue, and a few notes and tasks.

use super::data::{self, COMPANIES, DEALS, LEADS, USERS};
use super::mail::{Rng, DAY};
use dealbox_core::crm::{
    CrmRepo, EntityKind, EntityRef, MailboxSettings, NewCompany, NewContact, NewDeal, NewLead, NewSenderAction,
    NewUser, Status,
};
use dealbox_core::error::{Error, Result};

/// The days of mail the demo mailbox links to the CRM: older sample mail shows the "processing window" reason.
pub const PROCESS_DAYS: u32 = 45;

fn phone(lang: data::Lang, n: usize) -> String {
    match lang {
        data::Lang::De => format!("+49 40 5550 {:04}", 1000 + n * 37 % 9000),
        data::Lang::It => format!("+39 02 5550 {:04}", 1000 + n * 53 % 9000),
        data::Lang::En => format!("+1 555 01{:02}", n % 100),
    }
}

/// Write the CRM; `account_id` is the demo mailbox.
pub fn seed(repo: &dyn CrmRepo, account_id: i64, now: i64, rng: &mut Rng) -> Result<()> {
    let mut users = Vec::with_capacity(USERS.len());
    for (name, addr, admin, active) in USERS {
        let u = repo.add_user(
            &NewUser { name: (*name).into(), addresses: vec![(*addr).into()], active: *active, admin: *admin },
            now - 400 * DAY,
        )?;
        users.push(u.id);
    }
    let user = |i: usize| users.get(i).copied();

    let mut companies = Vec::with_capacity(COMPANIES.len());
    let mut people: Vec<Vec<i64>> = Vec::with_capacity(COMPANIES.len());
    let mut n = 0;
    for (ci, c) in COMPANIES.iter().enumerate() {
        let created = now - rng.range(90, 700) * DAY;
        let responsible = user(data::responsible_for(ci));
        let id = repo.add_company(
            &NewCompany {
                name: c.name.into(),
                domains: vec![c.domain.into()],
                addresses: vec![],
                responsible_id: responsible,
            },
            created,
        )?;
        companies.push(id);
        let mut ids = Vec::with_capacity(c.people.len());
        for (first, last) in c.people {
            n += 1;
            ids.push(repo.add_contact(
                &NewContact {
                    name: format!("{first} {last}"),
                    addresses: vec![data::address_of(first, last, c.domain)],
                    phones: vec![phone(c.lang, n)],
                    company_id: Some(id),
                    responsible_id: responsible,
                },
                created + rng.range(0, 60) * DAY,
            )?);
        }
        people.push(ids);
    }
    for (i, (name, addr, lang)) in data::PRIVATE_CLIENTS.iter().enumerate() {
        repo.add_contact(
            &NewContact {
                name: (*name).into(),
                addresses: vec![(*addr).into()],
                phones: vec![phone(*lang, 500 + i)],
                company_id: None,
                responsible_id: user(if *lang == data::Lang::It { data::SOFIA } else { data::DANIEL }),
            },
            now - rng.range(60, 300) * DAY,
        )?;
    }

    let stages = repo.stages()?;
    let mut deal_ids = Vec::with_capacity(DEALS.len());
    for (company, person, title, stage, amount, currency) in DEALS {
        let stage_id = stages
            .iter()
            .find(|s| s.name.eq_ignore_ascii_case(stage))
            .map(|s| s.id)
            .ok_or_else(|| Error::internal(format!("the CRM has no deal stage '{stage}'")))?;
        let contact_id = person.and_then(|p| people.get(*company).and_then(|ids| ids.get(p)).copied());
        deal_ids.push(repo.add_deal(
            &NewDeal {
                title: (*title).into(),
                stage_id,
                amount_minor: amount * 100,
                currency: (*currency).into(),
                contact_id,
                company_id: companies.get(*company).copied(),
                lead_id: None,
                responsible_id: user(data::responsible_for(*company)),
            },
            now - rng.range(5, 120) * DAY,
        )?);
    }

    let sources = ["Website", "Trade fair", "Referral", "Email"];
    for (i, (title, name, addr, company, status, who)) in LEADS.iter().enumerate() {
        let status: Status = status.parse()?;
        repo.add_lead(
            &NewLead {
                title: (*title).into(),
                name: (*name).into(),
                address: (*addr).into(),
                company_name: (*company).into(),
                source: sources[i % sources.len()].into(),
                status,
                returning_customer: false,
                responsible_id: user(*who),
                account_id: Some(account_id),
            },
            now - rng.range(15, 300) * DAY,
        )?;
    }

    repo.add_exception(data::EXCEPTION_DOMAIN, now - 200 * DAY)?;
    repo.save_mailbox_settings(
        &MailboxSettings {
            account_id,
            link_enabled: true,
            process_days: PROCESS_DAYS,
            new_incoming: NewSenderAction::Lead,
            new_outgoing: NewSenderAction::Contact,
            lead_source: "Email (sales@)".into(),
            queue: [data::DANIEL, data::SOFIA].iter().filter_map(|i| user(*i)).collect(),
            queue_position: 0,
            route_to_manager: true,
            always_new_lead: vec![data::ALWAYS_NEW_LEAD.into()],
            import_vcards: true,
        },
        now - 200 * DAY,
    )?;

    // Notes and tasks the sidebar shows next to the walkthrough thread and the two-deal client.
    let deal = |i: usize| deal_ids.get(i).map(|id| EntityRef::new(EntityKind::Deal, *id));
    if let Some(d) = deal(0) {
        repo.add_note(
            d,
            "Anna prefers calls in the morning. The board approved the budget for 40 vehicles.",
            user(data::DANIEL),
            now - 8 * DAY,
        )?;
        repo.add_task(
            d,
            "Confirm the January training dates with Anna",
            Some(now + 2 * DAY),
            user(data::DANIEL),
            now - DAY,
        )?;
    }
    if let Some(c) = companies.get(data::FERRETTI) {
        repo.add_note(
            EntityRef::new(EntityKind::Company, *c),
            "Two projects running: the showroom refit and the 2027 catalogue. Keep them apart in quotes.",
            user(data::SOFIA),
            now - 20 * DAY,
        )?;
    }
    if let Some(d) = DEALS.iter().position(|d| d.0 == data::KESSLER).and_then(deal) {
        repo.add_task(
            d,
            "Send the framework contract draft to Käthe Schäfer",
            Some(now + 5 * DAY),
            user(data::DANIEL),
            now - 2 * DAY,
        )?;
    }
    Ok(())
}
