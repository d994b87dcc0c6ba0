//! The sidebar query, its quick actions and manager triage, on messages stored in the cache as a sync
//! stores them.

#![allow(clippy::unwrap_used)]

use dealbox_tests::crm_common;

use crm_common::*;
use dealbox_core::cache::{self, Fetched};
use dealbox_core::crm::{
    actions, cached, sidebar, triage, EntityKind, EntityRef, NewCompany, NewContact, NewDeal, NewSenderAction,
    OutcomeKind, RecordRepo, TeamRepo,
};

struct Box_ {
    env: Env,
    inbox: i64,
    sent: i64,
    uid: u32,
}

impl Box_ {
    fn new() -> Box_ {
        let env = Env::new();
        let inbox = cache::upsert_folder(&env.store, env.account, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        let sent = cache::upsert_folder(&env.store, env.account, "Sent", "Sent", Some("/"), Some("sent")).unwrap();
        Box_ { env, inbox, sent, uid: 0 }
    }
    /// Store (as a sync would) and process; returns the cached message id.
    fn put(&mut self, folder: i64, m: &Mail, seen: bool) -> i64 {
        self.uid += 1;
        let raw = m.raw();
        let flags = if seen { vec!["\\Seen".to_string()] } else { vec![] };
        let f = Fetched { uid: self.uid, flags, modseq: None, size: raw.len() as u64, raw: &raw, internal_date: None };
        let id = cache::store_messages(&self.env.store, self.env.account, folder, &[f]).unwrap()[0];
        let r = cached::process_messages(&self.env.store, &[id], NOW).unwrap();
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        id
    }
}

/// Acme (acme.test) with Jane (managed by Bob) and one open deal.
fn acme(env: &Env) -> (i64, i64, i64) {
    env.with(|r| {
        let co = r
            .add_company(
                &NewCompany { name: "Acme".into(), domains: vec!["acme.test".into()], ..Default::default() },
                NOW,
            )
            .unwrap();
        let jane = r
            .add_contact(
                &NewContact {
                    name: "Jane Roe".into(),
                    addresses: vec!["jane@acme.test".into()],
                    phones: vec![],
                    company_id: Some(co),
                    responsible_id: Some(env.bob),
                },
                NOW,
            )
            .unwrap();
        let deal = r
            .add_deal(
                &NewDeal {
                    title: "Renewal".into(),
                    stage_id: r.stages().unwrap()[2].id,
                    amount_minor: 120_050,
                    currency: "EUR".into(),
                    contact_id: Some(jane),
                    company_id: None,
                    lead_id: None,
                    responsible_id: Some(env.bob),
                },
                NOW,
            )
            .unwrap();
        (co, jane, deal)
    })
}

#[test]
fn the_sidebar_shows_people_records_deal_timeline_outcome_and_big_attachments() {
    let mut b = Box_::new();
    let (co, jane, deal) = acme(&b.env);
    let earlier =
        b.put(b.inbox, &Mail::incoming("Jane Roe <jane@acme.test>").subject("Seats").date(NOW - 5 * DAY), true);
    let big = "A".repeat(26 * 1024 * 1024 / 76 * 76);
    let m = Mail::incoming("Jane Roe <jane@acme.test>")
        .cc(&["Max <max@acme.test>", "bob@ourco.test"])
        .subject("Signed contract")
        .attach("application/octet-stream", "scan.tif", &big);
    let id = b.put(b.inbox, &m, false);
    let s = sidebar::sidebar(&b.env.store, id).unwrap();

    let who: Vec<(&str, &str, bool)> =
        s.participants.iter().map(|p| (p.role.as_str(), p.address.as_str(), p.ours)).collect();
    assert_eq!(
        who,
        vec![
            ("from", "jane@acme.test", false),
            ("to", SALES, true),
            ("cc", "max@acme.test", false),
            ("cc", "bob@ourco.test", true)
        ]
    );
    let jane_p = &s.participants[0];
    assert_eq!(jane_p.contact.as_ref().map(|c| (c.id, c.name.as_str())), Some((jane, "Jane Roe")));
    assert_eq!(jane_p.company.as_ref().map(|c| c.id), Some(co));
    assert_eq!(s.participants[2].company.as_ref().map(|c| c.id), Some(co), "max is unknown, his domain is Acme's");
    assert_eq!(s.participants[3].user.as_ref().map(|u| u.name.as_str()), Some("Bob"));
    assert_eq!(s.responsible.as_ref().map(|u| u.id), Some(b.env.bob), "routed to Jane's manager");
    assert_eq!(s.open_deals.len(), 1);
    assert_eq!(
        (s.open_deals[0].id, s.open_deals[0].stage.as_str(), s.open_deals[0].amount.as_str()),
        (deal, "Proposal", "1200.50 EUR")
    );
    let o = s.outcome.as_ref().unwrap();
    assert_eq!(o.kind, OutcomeKind::Linked);
    assert_eq!(o.reason, "matched the contact with address jane@acme.test and its one open deal");
    assert_eq!(s.timeline.iter().map(|t| t.message_id).collect::<Vec<_>>(), vec![Some(id), Some(earlier)]);
    assert!(!s.timeline[0].completed && s.timeline[1].completed, "unread is open, read is done");
    assert_eq!(s.attachments_not_saved.len(), 1);
    assert_eq!(s.attachments_not_saved[0].filename.as_deref(), Some("scan.tif"));
    assert!(s.attachments_not_saved[0].size > 25 * 1024 * 1024);
    assert!(s.warnings.is_empty());
    // The sidebar serializes for the UI in camelCase.
    let json = serde_json::to_value(&s).unwrap();
    assert!(json["openDeals"][0]["amountMinor"].is_i64() && json["attachmentsNotSaved"].is_array());
}

#[test]
fn quick_actions_create_link_choose_move_note_and_exclude() {
    let mut b = Box_::new();
    let (_, jane, deal) = acme(&b.env);
    b.env.settings(|s| s.new_incoming = NewSenderAction::Nothing);

    // Create a lead from an unknown sender the rules skipped.
    let pat = b.put(b.inbox, &Mail::incoming("Pat Doe <pat@pat.test>").subject("Quote for 50 units"), false);
    assert_eq!(cached::outcome_of(&b.env.store, pat).unwrap().unwrap().kind, OutcomeKind::Skipped);
    let o = actions::create_from_sender(&b.env.store, pat, EntityKind::Lead, NOW).unwrap();
    assert_eq!((o.kind, o.reason.as_str()), (OutcomeKind::Created, "created by hand from this email: lead"));
    let s = sidebar::sidebar(&b.env.store, pat).unwrap();
    let lead = s.participants[0].lead.as_ref().unwrap();
    assert_eq!(lead.title, "Quote for 50 units");
    assert!(actions::create_from_sender(&b.env.store, pat, EntityKind::Lead, NOW)
        .unwrap_err()
        .message
        .contains("already has the open lead"));

    // Link another skipped email to Jane by hand.
    let other = b.put(b.inbox, &Mail::incoming("Jane Private <jane.roe@gmail.com>"), false);
    let o = actions::link_to_record(&b.env.store, other, EntityRef::new(EntityKind::Contact, jane), NOW).unwrap();
    assert_eq!(o.reason, "linked by hand to the contact");
    assert!(o.forced);

    // Two open deals: the outcome asks to choose; choosing links the deal and clears the question.
    let second = b.env.with(|r| {
        let mut d = r.deal(deal).unwrap().unwrap();
        d.title = "Upsell".into();
        r.add_deal(
            &NewDeal {
                title: d.title,
                stage_id: r.stages().unwrap()[0].id,
                amount_minor: 5_000,
                currency: "USD".into(),
                contact_id: Some(jane),
                company_id: None,
                lead_id: None,
                responsible_id: None,
            },
            NOW,
        )
        .unwrap()
    });
    let m = b.put(b.inbox, &Mail::incoming("jane@acme.test").subject("upsell details"), false);
    let s = sidebar::sidebar(&b.env.store, m).unwrap();
    assert!(s.outcome.as_ref().unwrap().choose_deal);
    assert_eq!(s.deal_choices.iter().map(|d| d.id).collect::<Vec<_>>(), vec![second, deal], "subject match first");
    let o = actions::choose_deal(&b.env.store, m, second, NOW).unwrap();
    assert!(!o.choose_deal && o.entities.contains(&EntityRef::new(EntityKind::Deal, second)));
    assert!(sidebar::sidebar(&b.env.store, m).unwrap().deal_choices.is_empty());

    // Winning a deal takes it off the open deals.
    let d = actions::set_deal_stage(&b.env.store, deal, "won", NOW).unwrap();
    assert_eq!(d.stage, "Won");
    let s = sidebar::sidebar(&b.env.store, m).unwrap();
    assert_eq!(s.open_deals.iter().map(|d| d.id).collect::<Vec<_>>(), vec![second]);
    assert!(actions::set_deal_stage(&b.env.store, deal, "Nope", NOW).unwrap_err().message.contains("Negotiation"));

    // Notes and tasks show on the client's primary record.
    let e = EntityRef::new(EntityKind::Deal, second);
    actions::add_note(&b.env.store, e, "Wants a 3-year term", None, NOW).unwrap();
    actions::add_task(&b.env.store, e, "Send the upsell quote", Some(NOW + DAY), None, NOW).unwrap();
    let s = sidebar::sidebar(&b.env.store, m).unwrap();
    assert_eq!(s.notes.iter().map(|n| n.body.as_str()).collect::<Vec<_>>(), vec!["Wants a 3-year term"]);
    assert_eq!(s.open_tasks[0].title, "Send the upsell quote");

    // Exclusions: a company domain yes, a free-mail domain no (the address instead).
    let ex = actions::exclude_sender(&b.env.store, m, true, NOW).unwrap();
    assert_eq!((ex.kind.as_str(), ex.entry.as_str()), ("domain", "acme.test"));
    let err = actions::exclude_sender(&b.env.store, other, true, NOW).unwrap_err();
    assert_eq!(
        err.message,
        "gmail.com is a free-mail domain shared by many people: add the address jane.roe@gmail.com instead"
    );
    assert_eq!(actions::exclude_sender(&b.env.store, other, false, NOW).unwrap().entry, "jane.roe@gmail.com");

    // Save to CRM refuses mail from our own users with the brief's words.
    let internal = b.put(b.inbox, &Mail::incoming("Bob <bob@ourco.test>"), false);
    let err = actions::save_to_crm(&b.env.store, internal, NOW).unwrap_err();
    assert_eq!(err.message, "The email does not match CRM rules: sent by a user of this account");
    let err =
        actions::link_to_record(&b.env.store, internal, EntityRef::new(EntityKind::Contact, jane), NOW).unwrap_err();
    assert_eq!(err.message, "The email does not match CRM rules: sent by a user of this account");
}

#[test]
fn triage_lists_unanswered_client_mail_by_manager_oldest_first() {
    let mut b = Box_::new();
    acme(&b.env);
    let dave = b.env.with(|r| r.add_user(&user("Dave", &["dave@ourco.test"], true, false), NOW).unwrap().id);
    b.env.settings(|s| s.queue = vec![dave]);
    // Jane (Bob's client) wrote twice and once got an answer; a new lead (Dave's) waits 50 hours.
    let answered = Mail::incoming("jane@acme.test").subject("Answered").date(NOW - 70 * 3600);
    b.put(b.inbox, &answered, true);
    b.put(b.sent, &Mail::outgoing("jane@acme.test").reply_to(&answered).date(NOW - 60 * 3600), true);
    let j1 = b.put(b.inbox, &Mail::incoming("jane@acme.test").subject("Invoice?").date(NOW - 30 * 3600), true);
    let j2 = b.put(b.inbox, &Mail::incoming("jane@acme.test").subject("Hello?").date(NOW - 26 * 3600), false);
    let lead =
        b.put(b.inbox, &Mail::incoming("Newbie <new@newco.test>").subject("Prices").date(NOW - 50 * 3600), false);
    b.put(b.inbox, &Mail::incoming("jane@acme.test").subject("Too fresh").date(NOW - 2 * 3600), false);
    // Not client mail: never in triage.
    b.put(b.inbox, &Mail::incoming("bob@ourco.test").subject("Lunch?").date(NOW - 40 * 3600), false);

    let groups = triage::triage(&b.env.store, 24, NOW).unwrap();
    let got: Vec<(Option<String>, Vec<Option<i64>>)> = groups
        .iter()
        .map(|g| (g.responsible.as_ref().map(|u| u.name.clone()), g.items.iter().map(|i| i.message_id).collect()))
        .collect();
    assert_eq!(
        got,
        vec![(Some("Dave".to_string()), vec![Some(lead)]), (Some("Bob".to_string()), vec![Some(j1), Some(j2)])],
        "groups by oldest waiting email; each oldest first"
    );
    assert_eq!(groups[0].items[0].waiting_hours, 50);
    // Our reply to Jane's latest clears it from triage.
    let parent = Mail::incoming("jane@acme.test").subject("Hello?").date(NOW - 26 * 3600);
    let parent_id: String = b
        .env
        .store
        .conn()
        .unwrap()
        .query_row("SELECT message_id FROM messages WHERE id = ?1", [j2], |r| r.get(0))
        .unwrap();
    b.put(b.sent, &Mail::outgoing("jane@acme.test").reply_to(&parent.id(&parent_id)).date(NOW - 3600), true);
    let groups = triage::triage(&b.env.store, 24, NOW).unwrap();
    let bob: Vec<Option<i64>> = groups
        .iter()
        .find(|g| g.responsible.as_ref().is_some_and(|u| u.name == "Bob"))
        .unwrap()
        .items
        .iter()
        .map(|i| i.message_id)
        .collect();
    assert_eq!(bob, vec![Some(j1)]);
}
