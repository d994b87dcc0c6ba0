//! The CRM rules, one case per rule and per skip reason, in the brief's order, with the exact reason text.

#![allow(clippy::unwrap_used)]

use dealbox_tests::crm_common;

use crm_common::*;
use dealbox_core::crm::{
    ActivityRepo, EntityKind, EntityRef, Mode, NewCompany, NewContact, NewDeal, NewLead, NewSenderAction, OutcomeKind,
    RecordRepo, Status, TeamRepo,
};

struct Case {
    name: &'static str,
    setup: fn(&Env),
    mail: fn() -> Mail,
    role: Option<&'static str>,
    kind: OutcomeKind,
    reason: &'static str,
    /// The kinds of the records the message ends up bound to.
    bound: &'static [EntityKind],
}

fn nothing(_: &Env) {}

fn contact(env: &Env, name: &str, addr: &str, company: Option<i64>, responsible: Option<i64>) -> i64 {
    env.with(|r| {
        r.add_contact(
            &NewContact {
                name: name.into(),
                addresses: vec![addr.into()],
                phones: vec![],
                company_id: company,
                responsible_id: responsible,
            },
            NOW,
        )
        .unwrap()
    })
}

fn company(env: &Env, name: &str, domains: &[&str], addresses: &[&str]) -> i64 {
    env.with(|r| {
        r.add_company(
            &NewCompany {
                name: name.into(),
                domains: domains.iter().map(|s| s.to_string()).collect(),
                addresses: addresses.iter().map(|s| s.to_string()).collect(),
                responsible_id: None,
            },
            NOW,
        )
        .unwrap()
    })
}

fn lead(env: &Env, addr: &str, returning: bool, status: Status) -> i64 {
    env.with(|r| {
        r.add_lead(
            &NewLead {
                title: format!("lead for {addr}"),
                name: String::new(),
                address: addr.into(),
                company_name: String::new(),
                source: "test".into(),
                status,
                returning_customer: returning,
                responsible_id: None,
                account_id: None,
            },
            NOW,
        )
        .unwrap()
    })
}

fn deal(env: &Env, title: &str, contact: Option<i64>, company: Option<i64>) -> i64 {
    env.with(|r| {
        r.add_deal(
            &NewDeal {
                title: title.into(),
                stage_id: r.stages().unwrap()[0].id,
                amount_minor: 100_000,
                currency: "EUR".into(),
                contact_id: contact,
                company_id: company,
                lead_id: None,
                responsible_id: None,
            },
            NOW,
        )
        .unwrap()
    })
}

const JANE: &str = "Jane Roe <jane@acme.test>";

fn cases() -> Vec<Case> {
    use EntityKind::*;
    use OutcomeKind::*;
    vec![
        // Rule 1: skips, in order.
        Case {
            name: "mailbox with linking off",
            setup: |e| e.settings(|s| s.link_enabled = false),
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Skipped,
            reason: "linking to the CRM is off for this mailbox",
            bound: &[],
        },
        Case {
            name: "older than the processing window",
            setup: nothing,
            mail: || Mail::incoming(JANE).date(NOW - 45 * DAY),
            role: Some("inbox"),
            kind: Skipped,
            reason: "older than the processing window: the email is 45 days old and this mailbox processes emails \
                     of the last 30 days",
            bound: &[],
        },
        Case {
            name: "in drafts",
            setup: nothing,
            mail: || Mail::outgoing(JANE),
            role: Some("drafts"),
            kind: Skipped,
            reason: "in the Drafts folder",
            bound: &[],
        },
        Case {
            name: "in trash",
            setup: nothing,
            mail: || Mail::incoming(JANE),
            role: Some("trash"),
            kind: Skipped,
            reason: "in the Trash folder",
            bound: &[],
        },
        Case {
            name: "in spam",
            setup: nothing,
            mail: || Mail::incoming(JANE),
            role: Some("junk"),
            kind: Skipped,
            reason: "in the Spam folder",
            bound: &[],
        },
        Case {
            name: "notification sent by our own account",
            setup: nothing,
            mail: || Mail::new(SALES, SALES).subject("Your weekly report"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "a notification sent by this mailbox's own address",
            bound: &[],
        },
        Case {
            name: "automatic notification from our own address to a client",
            setup: nothing,
            mail: || Mail::outgoing(JANE).header("Auto-Submitted", "auto-generated"),
            role: Some("sent"),
            kind: Skipped,
            reason: "a notification sent by this mailbox's own address",
            bound: &[],
        },
        Case {
            name: "sent by one of our users",
            setup: nothing,
            mail: || Mail::incoming("Bob <bob@ourco.test>"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "sent by a user of this account",
            bound: &[],
        },
        Case {
            name: "sent from another connected mailbox",
            setup: nothing,
            mail: || Mail::incoming(SUPPORT),
            role: Some("inbox"),
            kind: Skipped,
            reason: "sent by a user of this account",
            bound: &[],
        },
        Case {
            name: "outgoing only to our users",
            setup: nothing,
            mail: || Mail::outgoing("bob@ourco.test").cc(&["Carol <CAROL@ourco.test>", SUPPORT]),
            role: Some("sent"),
            kind: Skipped,
            reason: "outgoing email addressed only to users of this account",
            bound: &[],
        },
        Case {
            name: "sender address on the exception list",
            setup: |e| {
                e.with(|r| r.add_exception("Jane@Acme.test", NOW).unwrap());
            },
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Skipped,
            reason: "the sender is on the exception list (entry \"jane@acme.test\")",
            bound: &[],
        },
        Case {
            name: "sender domain on the exception list (subdomain)",
            setup: |e| {
                e.with(|r| r.add_exception("@acme.test", NOW).unwrap());
            },
            mail: || Mail::incoming("ops@eu.acme.test"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "the sender is on the exception list (entry \"acme.test\")",
            bound: &[],
        },
        Case {
            name: "every recipient of outgoing mail on the exception list",
            setup: |e| {
                e.with(|r| r.add_exception("acme.test", NOW).unwrap());
            },
            mail: || Mail::outgoing(JANE).cc(&["bob@ourco.test"]),
            role: Some("sent"),
            kind: Skipped,
            reason: "every recipient is on the exception list (entry \"acme.test\")",
            bound: &[],
        },
        Case {
            name: "delivery status notification",
            setup: nothing,
            mail: || {
                Mail::incoming("Mail Delivery System <MAILER-DAEMON@mx.acme.test>")
                    .subject("Undelivered Mail Returned to Sender")
                    .report("delivery-status")
            },
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (a bounce or delivery status notification): it never creates a lead",
            bound: &[],
        },
        Case {
            name: "bounce without a report part, from mailer-daemon",
            setup: nothing,
            mail: || Mail::incoming("MAILER-DAEMON@mx.acme.test").subject("failure notice"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (a bounce or delivery status notification): it never creates a lead",
            bound: &[],
        },
        Case {
            name: "auto-reply by Auto-Submitted",
            setup: nothing,
            mail: || Mail::incoming(JANE).subject("Out of office").header("Auto-Submitted", "auto-replied"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (an auto-reply): it never creates a lead",
            bound: &[],
        },
        Case {
            name: "auto-reply by X-Autoreply",
            setup: nothing,
            mail: || Mail::incoming(JANE).header("X-Autoreply", "yes"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (an auto-reply): it never creates a lead",
            bound: &[],
        },
        Case {
            name: "auto-reply by Precedence auto_reply",
            setup: nothing,
            mail: || Mail::incoming(JANE).header("Precedence", "auto_reply"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (an auto-reply): it never creates a lead",
            bound: &[],
        },
        Case {
            name: "bulk mail by Precedence bulk",
            setup: nothing,
            mail: || Mail::incoming("news@shop.test").header("Precedence", "bulk"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (bulk mail): it never creates a lead",
            bound: &[],
        },
        Case {
            name: "read receipt",
            setup: nothing,
            mail: || Mail::incoming(JANE).subject("Read: Offer").report("disposition-notification"),
            role: Some("inbox"),
            kind: Skipped,
            reason: "automated email (a read receipt): it never creates a lead",
            bound: &[],
        },
        // Rule 3: always a new lead, even for a known sender.
        Case {
            name: "sender on the always-new-lead list",
            setup: |e| {
                contact(e, "Forms", "forms@site.test", None, None);
                e.settings(|s| s.always_new_lead = vec!["Forms@Site.test".into()]);
            },
            mail: || Mail::incoming("Web form <forms@site.test>").subject("New request from the website"),
            role: Some("inbox"),
            kind: Created,
            reason: "forms@site.test is on this mailbox's always-new-lead list: created a new lead",
            bound: &[Lead],
        },
        // Rule 4: matching.
        Case {
            name: "contact by exact address, case-insensitive",
            setup: |e| {
                contact(e, "Jane", "jane@acme.test", None, None);
            },
            mail: || Mail::incoming("Jane <JANE@ACME.TEST>"),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the contact with address jane@acme.test",
            bound: &[Contact],
        },
        Case {
            name: "returning-customer lead before a plain lead",
            setup: |e| {
                lead(e, "jane@acme.test", false, Status::InProgress);
                lead(e, "jane@acme.test", true, Status::InProgress);
            },
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the returning customer's lead with address jane@acme.test",
            bound: &[Lead],
        },
        Case {
            name: "open lead by address",
            setup: |e| {
                lead(e, "jane@acme.test", false, Status::InProgress);
            },
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the open lead with address jane@acme.test",
            bound: &[Lead],
        },
        Case {
            name: "company by address",
            setup: |e| {
                company(e, "Acme", &[], &["jane@acme.test"]);
            },
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the company with address jane@acme.test",
            bound: &[Company],
        },
        Case {
            name: "company by the sender's domain",
            setup: |e| {
                company(e, "Acme", &["acme.test"], &[]);
            },
            mail: || Mail::incoming("Someone New <new.person@mail.acme.test>"),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the company with domain acme.test",
            bound: &[Company],
        },
        Case {
            name: "free-mail domains never match a company",
            setup: |e| {
                company(e, "Misconfigured", &["gmail.com"], &[]);
            },
            mail: || Mail::incoming("Pat <pat@gmail.com>"),
            role: Some("inbox"),
            kind: Created,
            reason: "no CRM record matches pat@gmail.com: created a lead",
            bound: &[Lead],
        },
        Case {
            name: "contact with exactly one open deal",
            setup: |e| {
                let co = company(e, "Acme", &["acme.test"], &[]);
                let c = contact(e, "Jane", "jane@acme.test", Some(co), None);
                deal(e, "Renewal", Some(c), None);
            },
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the contact with address jane@acme.test and its one open deal",
            bound: &[Contact, Company, Deal],
        },
        Case {
            name: "contact with several open deals: choose a deal",
            setup: |e| {
                let co = company(e, "Acme", &[], &[]);
                let c = contact(e, "Jane", "jane@acme.test", Some(co), None);
                deal(e, "Renewal", Some(c), None);
                deal(e, "Upsell", None, Some(co));
            },
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Linked,
            reason: "matched the contact with address jane@acme.test; it has 2 open deals: choose a deal",
            bound: &[Contact, Company],
        },
        // Rule 5: creation.
        Case {
            name: "unknown sender: a lead",
            setup: nothing,
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Created,
            reason: "no CRM record matches jane@acme.test: created a lead",
            bound: &[Lead],
        },
        Case {
            name: "unknown sender: a contact",
            setup: |e| e.settings(|s| s.new_incoming = NewSenderAction::Contact),
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Created,
            reason: "no CRM record matches jane@acme.test: created a contact",
            bound: &[Contact],
        },
        Case {
            name: "unknown sender: nothing",
            setup: |e| e.settings(|s| s.new_incoming = NewSenderAction::Nothing),
            mail: || Mail::incoming(JANE),
            role: Some("inbox"),
            kind: Skipped,
            reason: "no CRM record matches jane@acme.test and this mailbox creates nothing for new senders of \
                     incoming email",
            bound: &[],
        },
        Case {
            name: "unknown recipient of outgoing mail: a contact (the default)",
            setup: nothing,
            mail: || Mail::outgoing(JANE).cc(&["bob@ourco.test"]),
            role: Some("sent"),
            kind: Created,
            reason: "no CRM record matches jane@acme.test: created a contact",
            bound: &[Contact],
        },
        Case {
            name: "unknown recipient of outgoing mail: nothing",
            setup: |e| e.settings(|s| s.new_outgoing = NewSenderAction::Nothing),
            mail: || Mail::outgoing(JANE),
            role: Some("sent"),
            kind: Skipped,
            reason: "no CRM record matches jane@acme.test and this mailbox creates nothing for new recipients of \
                     outgoing email",
            bound: &[],
        },
    ]
}

#[test]
fn every_rule_and_skip_reason_gives_its_exact_outcome() {
    let mut failures = Vec::new();
    for case in cases() {
        let env = Env::new();
        (case.setup)(&env);
        let mail = (case.mail)();
        let o = env.run(&mail, case.role, Mode::Sync).unwrap_or_else(|e| panic!("{}: {e}", case.name));
        let mut bound: Vec<EntityKind> = o.entities.iter().map(|e| e.kind).collect();
        bound.sort();
        let mut want = case.bound.to_vec();
        want.sort();
        if o.kind != case.kind || o.reason != case.reason || bound != want {
            failures.push(format!(
                "{}:\n   got  {:?} {:?} {:?}\n   want {:?} {:?} {:?}",
                case.name, o.kind, o.reason, bound, case.kind, case.reason, want
            ));
        }
        // Every outcome is stored, and a skipped message leaves no activity behind.
        let stored = env.with(|r| r.outcome(env.account, &o.message_key).unwrap()).expect("outcome stored");
        assert_eq!(stored, o, "{}", case.name);
        assert_eq!(env.count("crm_activities"), if o.kind == OutcomeKind::Skipped { 0 } else { 1 }, "{}", case.name);
    }
    assert!(failures.is_empty(), "{} case(s) failed:\n{}", failures.len(), failures.join("\n"));
}

#[test]
fn a_reply_joins_the_earlier_emails_lead_while_it_is_in_progress() {
    let env = Env::new();
    let first = Mail::incoming(JANE).subject("Offer for 20 seats");
    let o1 = env.run(&first, Some("inbox"), Mode::Sync).unwrap();
    assert_eq!(o1.kind, OutcomeKind::Created);
    let lead = o1.entities[0];
    // Her colleague answers in the same thread from a free-mail address nobody knows.
    let reply = Mail::incoming("Max <max.colleague@gmail.com>").reply_to(&first);
    let o2 = env.run(&reply, Some("inbox"), Mode::Sync).unwrap();
    assert_eq!(o2.kind, OutcomeKind::Linked);
    assert_eq!(o2.reason, "a reply in a thread already in the CRM: joined the lead of the earlier email");
    assert_eq!(o2.entities, vec![lead]);
    assert_eq!(env.count("crm_leads"), 1);
    let (a1, a2) = env.with(|r| {
        (r.activity(o1.activity_id.unwrap()).unwrap().unwrap(), r.activity(o2.activity_id.unwrap()).unwrap().unwrap())
    });
    assert_eq!(a2.previous_id, Some(a1.id), "the reply points at the thread's earlier activity");
    assert_eq!(a2.thread_key, a1.thread_key);

    // Once the lead is lost, a further reply is matched afresh: Max gets his own lead.
    env.with(|r| r.set_lead_status(lead.id, Status::Lost, NOW).unwrap());
    let again = Mail::incoming("Max <max.colleague@gmail.com>").reply_to(&reply);
    let o3 = env.run(&again, Some("inbox"), Mode::Sync).unwrap();
    assert_eq!(o3.kind, OutcomeKind::Created);
    assert_eq!(o3.reason, "no CRM record matches max.colleague@gmail.com: created a lead");
}

#[test]
fn a_reply_joins_the_deal_of_the_earlier_email() {
    let env = Env::new();
    let c = contact(&env, "Jane", "jane@acme.test", None, None);
    let d = deal(&env, "Renewal", Some(c), None);
    let first = Mail::incoming(JANE);
    assert_eq!(env.run(&first, None, Mode::Sync).unwrap().entities.len(), 2);
    let ours = Mail::outgoing(JANE).reply_to(&first);
    let o = env.run(&ours, Some("sent"), Mode::Sync).unwrap();
    assert_eq!(o.reason, "a reply in a thread already in the CRM: joined the deal of the earlier email");
    assert!(o.entities.contains(&EntityRef::new(EntityKind::Deal, d)));
    assert!(o.entities.contains(&EntityRef::new(EntityKind::Contact, c)));
}

#[test]
fn several_deals_are_ranked_by_thread_then_subject_then_recency() {
    let env = Env::new();
    let c = contact(&env, "Jane", "jane@acme.test", None, None);
    let old = deal(&env, "Support contract", Some(c), None);
    let renewal = deal(&env, "Renewal 2027", Some(c), None);
    let newest = deal(&env, "Hardware", Some(c), None);
    env.with(|r| {
        for (id, age) in [(old, 1000), (renewal, 500), (newest, 10)] {
            r.conn().execute("UPDATE crm_deals SET updated_at = ?1 WHERE id = ?2", [NOW - age, id]).unwrap();
        }
    });
    let o = env.run(&Mail::incoming(JANE).subject("Re: renewal 2027 questions"), None, Mode::Sync).unwrap();
    assert!(o.choose_deal);
    assert_eq!(o.deal_candidates, vec![renewal, newest, old], "subject match first, then the most recent");
}

#[test]
fn routing_sends_a_known_client_to_their_manager_or_to_the_mailbox_owner() {
    let env = Env::new();
    contact(&env, "Jane", "jane@acme.test", None, Some(env.bob));
    let o = env.run(&Mail::incoming(JANE), None, Mode::Sync).unwrap();
    let a = env.with(|r| r.activity(o.activity_id.unwrap()).unwrap().unwrap());
    assert_eq!(a.responsible_id, Some(env.bob), "route on: the client's manager");

    env.settings(|s| s.route_to_manager = false);
    let o = env.run(&Mail::incoming(JANE), None, Mode::Sync).unwrap();
    let a = env.with(|r| r.activity(o.activity_id.unwrap()).unwrap().unwrap());
    assert_eq!(a.responsible_id, Some(env.alice), "route off: the owner of the sales mailbox");
}

#[test]
fn processing_the_same_message_again_changes_nothing() {
    let env = Env::new();
    let m = Mail::incoming(JANE);
    let o1 = env.run(&m, Some("inbox"), Mode::Sync).unwrap();
    // A resync, the same message in another folder, and a manual save all return the stored outcome.
    let o2 = env.run(&m, Some("inbox"), Mode::Sync).unwrap();
    let o3 = env.run(&m, Some("archive"), Mode::Sync).unwrap();
    let o4 = env.run(&m, Some("inbox"), Mode::Manual).unwrap();
    assert_eq!(o1, o2);
    assert_eq!(o1, o3);
    assert_eq!(o1, o4);
    assert_eq!((env.count("crm_leads"), env.count("crm_activities"), env.count("crm_outcomes")), (1, 1, 1));
}

#[test]
fn save_to_crm_forces_past_age_folder_and_exception_list() {
    let env = Env::new();
    env.with(|r| r.add_exception("acme.test", NOW).unwrap());
    let m = Mail::incoming(JANE).date(NOW - 400 * DAY);
    let skipped = env.run(&m, Some("trash"), Mode::Sync).unwrap();
    assert_eq!(skipped.kind, OutcomeKind::Skipped);
    let saved = env.run(&m, Some("trash"), Mode::Manual).unwrap();
    assert_eq!(saved.kind, OutcomeKind::Created);
    assert!(saved.forced);
    // Even with "create nothing", a manual save creates the lead it was asked for.
    env.settings(|s| s.new_incoming = NewSenderAction::Nothing);
    let saved = env.run(&Mail::incoming("Pat <pat@pat.test>"), None, Mode::Manual).unwrap();
    assert_eq!(saved.kind, OutcomeKind::Created);
    assert_eq!(saved.entities[0].kind, EntityKind::Lead);
}

#[test]
fn save_to_crm_still_refuses_mail_from_our_own_users() {
    let env = Env::new();
    let e = env.run(&Mail::incoming("Bob <bob@ourco.test>"), Some("inbox"), Mode::Manual).unwrap_err();
    assert_eq!(e.message, "The email does not match CRM rules: sent by a user of this account");
    assert_eq!(e.kind, dealbox_core::ErrorKind::Config);
    assert_eq!(env.count("crm_outcomes"), 0, "a refused manual save writes nothing");
}

#[test]
fn an_unread_incoming_email_is_an_open_activity_and_a_sent_one_is_done() {
    let env = Env::new();
    let o = env.run(&Mail::incoming(JANE), None, Mode::Sync).unwrap();
    let sent = env.run(&Mail::outgoing("Pat <pat@pat.test>"), Some("sent"), Mode::Sync).unwrap();
    env.with(|r| {
        assert!(!r.activity(o.activity_id.unwrap()).unwrap().unwrap().completed);
        assert!(r.activity(sent.activity_id.unwrap()).unwrap().unwrap().completed);
    });
}

#[test]
fn a_closed_lead_makes_the_next_lead_a_returning_customer() {
    let env = Env::new();
    lead(&env, "jane@acme.test", false, Status::Won);
    let o = env.run(&Mail::incoming(JANE), None, Mode::Sync).unwrap();
    assert_eq!(o.kind, OutcomeKind::Created);
    let l = env.with(|r| r.lead(o.entities[0].id).unwrap().unwrap());
    assert!(l.returning_customer);
    assert_eq!(l.status, Status::InProgress);
    assert_eq!(l.source, "Email");
    assert_eq!(l.company_name, "acme.test");
}

#[test]
fn vcard_attachments_become_contacts_when_the_mailbox_asks_for_it() {
    let env = Env::new();
    env.settings(|s| s.import_vcards = true);
    let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Max Mustermann\r\nORG:Muster GmbH\r\nEMAIL:max@muster.test\r\n\
                TEL:+49 30 1234\r\nEND:VCARD";
    let m = Mail::incoming(JANE).attach("text/vcard", "max.vcf", card);
    let raw = m.raw();
    let vcards = dealbox_core::crm::vcard::attachments_of(&raw);
    assert_eq!(vcards.len(), 1);
    let o = env.run_parsed(&m.parsed(), None, Mode::Sync, false, &vcards).unwrap();
    assert!(o.what.contains("1 contact from vCard attachments"), "{}", o.what);
    env.with(|r| {
        let id = r.contact_by_address("max@muster.test").unwrap().expect("contact from the vCard");
        let c = r.contact(id).unwrap().unwrap();
        assert_eq!(c.name, "Max Mustermann");
        assert_eq!(c.phones, vec!["+49 30 1234"]);
        assert_eq!(c.company_name.as_deref(), Some("Muster GmbH"));
    });
}
