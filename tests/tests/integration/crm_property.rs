//! No duplicate leads or activities: random streams of messages — new mail, client replies, our replies,
//! the same message again in another folder, mail to two mailboxes, whole resyncs — through the cache
//! path the sync engine uses. Invariants: at most one lead per unknown sender, one activity per message
//! and mailbox, an outcome for every cached message.
//!
//! Replays from a seed: `CRM_SEED=1234 cargo test -p dealbox-tests --test integration crm_property::`.

#![allow(clippy::unwrap_used)]

use dealbox_tests::crm_common;

use std::collections::{HashMap, HashSet};

use crm_common::*;
use dealbox_core::cache::{self, Fetched};
use dealbox_core::crm::{cached, RecordRepo};

const SENDERS: &[&str] = &[
    "Ann <ann@alpha.test>",
    "Ben <ben@alpha.test>",
    "Cid <cid@beta.test>",
    "Dee <dee@gmail.com>",
    "Eve <eve@gmail.com>",
    "Fay <FAY@Gamma.test>",
    "Gus <gus@delta.test>",
    "Hal <hal@yahoo.co.uk>",
    "Ivy <ivy@epsilon.test>",
    "Jo <jo@zeta.test>",
];

struct World {
    env: Env,
    inbox: i64,
    sent: i64,
    archive: i64,
    support_inbox: i64,
    uid: u32,
    sent_mail: Vec<Mail>,
    /// Every cached message id and its Message-ID.
    cached: Vec<(i64, String)>,
}

impl World {
    fn new() -> World {
        let env = Env::new();
        let f =
            |acc, name: &str, role| cache::upsert_folder(&env.store, acc, name, name, Some("/"), Some(role)).unwrap();
        let (inbox, sent, archive) =
            (f(env.account, "INBOX", "inbox"), f(env.account, "Sent", "sent"), f(env.account, "Archive", "archive"));
        let support_inbox = f(env.other_account, "INBOX", "inbox");
        World { env, inbox, sent, archive, support_inbox, uid: 0, sent_mail: vec![], cached: vec![] }
    }

    /// Store a message in a folder as a sync would, then run the CRM on the new message.
    fn deliver(&mut self, account: i64, folder: i64, m: &Mail) {
        self.uid += 1;
        let raw = m.raw();
        let batch = [Fetched {
            uid: self.uid,
            flags: vec![],
            modseq: None,
            size: raw.len() as u64,
            raw: &raw,
            internal_date: None,
        }];
        let ids = cache::store_messages(&self.env.store, account, folder, &batch).unwrap();
        let r = cached::process_messages(&self.env.store, &ids, NOW).unwrap();
        assert!(r.errors.is_empty(), "{:?}", r.errors);
        self.cached.push((ids[0], m.message_id.clone()));
    }
}

fn run(seed: u64, steps: usize) {
    let mut rng = Rng(seed);
    let mut w = World::new();
    for step in 0..steps {
        let t = NOW - 20 * DAY + step as i64 * 600;
        match rng.below(100) {
            // New mail from a client, sometimes copied to the support mailbox too.
            0..=34 => {
                let from = SENDERS[rng.below(SENDERS.len())];
                let mut m = Mail::incoming(from).date(t).subject(&format!("Request {}", rng.below(1000)));
                let both = rng.chance(20);
                if both {
                    m = m.cc(&[SUPPORT]);
                }
                w.deliver(w.env.account, w.inbox, &m);
                if both {
                    w.deliver(w.env.other_account, w.support_inbox, &m);
                }
                w.sent_mail.push(m);
            }
            // A client replies in an earlier thread (maybe from a colleague's address).
            35..=54 if !w.sent_mail.is_empty() => {
                let parent = w.sent_mail[rng.below(w.sent_mail.len())].clone();
                let from =
                    if rng.chance(70) { parent.from.clone() } else { SENDERS[rng.below(SENDERS.len())].to_string() };
                let m = Mail::incoming(&from).date(t).reply_to(&parent);
                w.deliver(w.env.account, w.inbox, &m);
                w.sent_mail.push(m);
            }
            // We reply.
            55..=69 if !w.sent_mail.is_empty() => {
                let parent = w.sent_mail[rng.below(w.sent_mail.len())].clone();
                let to = if parent.from.contains(SALES) { parent.to[0].clone() } else { parent.from.clone() };
                let m = Mail::outgoing(&to).date(t).reply_to(&parent);
                w.deliver(w.env.account, w.sent, &m);
                w.sent_mail.push(m);
            }
            // The same message again: moved to Archive, or re-fetched into the same folder.
            70..=84 if !w.sent_mail.is_empty() => {
                let m = w.sent_mail[rng.below(w.sent_mail.len())].clone();
                let folder = if rng.chance(50) { w.archive } else { w.inbox };
                w.deliver(w.env.account, folder, &m);
            }
            // A whole resync of a mailbox.
            85..=92 => {
                let acc = if rng.chance(80) { w.env.account } else { w.env.other_account };
                let r = cached::process_account(&w.env.store, acc, NOW).unwrap();
                assert!(r.errors.is_empty(), "seed {seed}: {:?}", r.errors);
            }
            // An auto-reply or a bounce from a client's server.
            _ => {
                let from = SENDERS[rng.below(SENDERS.len())];
                let m = Mail::incoming(from)
                    .date(t)
                    .subject("Automatic reply: away")
                    .header("Auto-Submitted", "auto-replied");
                w.deliver(w.env.account, w.inbox, &m);
            }
        }
    }
    check(seed, &w);
}

fn check(seed: u64, w: &World) {
    let env = &w.env;
    // At most one lead per sender address (case-insensitive: FAY@Gamma.test is fay@gamma.test).
    let leads = env.with(|r| r.leads(100_000, 0).unwrap());
    let mut per_address: HashMap<String, usize> = HashMap::new();
    for l in &leads {
        *per_address.entry(l.address.clone()).or_default() += 1;
    }
    for (a, n) in &per_address {
        assert!(*n <= 1, "seed {seed}: {n} leads for {a}");
        assert_eq!(a, &a.to_lowercase(), "seed {seed}: addresses are stored lower-case");
    }
    // One activity per message and mailbox; every linked or created outcome has exactly its activity.
    let conn = env.store.conn().unwrap();
    let dup: i64 = conn
        .query_row(
            "SELECT COUNT(*) FROM (SELECT account_id, message_key FROM crm_activities GROUP BY 1, 2 HAVING COUNT(*) > 1)",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(dup, 0, "seed {seed}: duplicate activities");
    let (acts, linked): (i64, i64) = conn
        .query_row(
            "SELECT (SELECT COUNT(*) FROM crm_activities), \
             (SELECT COUNT(*) FROM crm_outcomes WHERE outcome != 'skipped' AND activity_id IS NOT NULL)",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(acts, linked, "seed {seed}: activities and linked outcomes differ");
    drop(conn);
    // Every cached message has an outcome, and messages that share a Message-ID share it.
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut keys = HashSet::new();
    for (id, mid) in &w.cached {
        let o = cached::outcome_of(&env.store, *id)
            .unwrap()
            .unwrap_or_else(|| panic!("seed {seed}: message {id} has no outcome"));
        let acc: i64 = env
            .store
            .conn()
            .unwrap()
            .query_row("SELECT account_id FROM messages WHERE id = ?1", [id], |r| r.get(0))
            .unwrap();
        let k = format!("{acc}/{mid}");
        let v = format!("{:?}/{:?}", o.kind, o.activity_id);
        if let Some(prev) = seen.insert(k.clone(), v.clone()) {
            assert_eq!(prev, v, "seed {seed}: {k} changed outcome on a repeat");
        }
        keys.insert(k);
    }
    assert!(!keys.is_empty());
}

#[test]
fn random_streams_never_duplicate_leads_or_activities() {
    let seeds: Vec<u64> = match std::env::var("CRM_SEED") {
        Ok(s) => vec![s.parse().expect("CRM_SEED is a number")],
        Err(_) => (1..=12).map(|i| 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(i)).collect(),
    };
    for seed in seeds {
        println!("seed {seed}");
        run(seed, 160);
    }
}
