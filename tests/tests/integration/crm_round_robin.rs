//! Round-robin assignment of new records through a mailbox's responsible queue: fair over 1,000 new
//! senders with inactive users in the queue, the position kept between runs, and the broken-queue
//! fallback to admins with a visible warning.

#![allow(clippy::unwrap_used)]

use dealbox_tests::crm_common;

use std::collections::HashMap;

use crm_common::*;
use dealbox_core::crm::{ActivityRepo, Mode, OutcomeKind, RecordRepo, TeamRepo};

fn new_sender(i: usize) -> Mail {
    Mail::incoming(&format!("Sender {i} <sender{i}@company{}.test>", i % 97))
}

/// Who got the lead of each processed message.
fn assignees(env: &Env, range: std::ops::Range<usize>) -> Vec<Option<i64>> {
    range
        .map(|i| {
            let o = env.run(&new_sender(i), Some("inbox"), Mode::Sync).unwrap();
            assert_eq!(o.kind, OutcomeKind::Created, "{}", o.reason);
            let lead = env.with(|r| r.lead(o.entities[0].id).unwrap().unwrap());
            let act = env.with(|r| r.activity(o.activity_id.unwrap()).unwrap().unwrap());
            assert_eq!(act.responsible_id, lead.responsible_id, "the email goes to whoever got the lead");
            lead.responsible_id
        })
        .collect()
}

#[test]
fn a_thousand_new_senders_are_shared_fairly_among_active_users_of_the_queue() {
    let env = Env::new();
    let (dave, erin, frank) = env.with(|r| {
        (
            r.add_user(&user("Dave", &["dave@ourco.test"], true, false), NOW).unwrap().id,
            r.add_user(&user("Erin", &["erin@ourco.test"], false, false), NOW).unwrap().id,
            r.add_user(&user("Frank", &["frank@ourco.test"], true, false), NOW).unwrap().id,
        )
    });
    // Carol and Erin are inactive: they are skipped, in place.
    env.settings(|s| s.queue = vec![env.bob, env.carol, dave, erin, frank]);
    // In ten runs, as ten syncs would: the position survives between them.
    let mut got = Vec::new();
    for batch in 0..10 {
        got.extend(assignees(&env, batch * 100..batch * 100 + 100));
    }
    assert_eq!(&got[..6], &[Some(env.bob), Some(dave), Some(frank), Some(env.bob), Some(dave), Some(frank)]);
    let mut count: HashMap<Option<i64>, usize> = HashMap::new();
    for g in &got {
        *count.entry(*g).or_default() += 1;
    }
    assert_eq!(count.get(&Some(env.bob)), Some(&334));
    assert_eq!(count.get(&Some(dave)), Some(&333));
    assert_eq!(count.get(&Some(frank)), Some(&333));
    assert_eq!(count.get(&Some(env.carol)), None, "inactive users get nothing");
    assert_eq!(count.get(&Some(erin)), None);
    assert!(env.with(|r| r.warnings(None).unwrap()).is_empty(), "a working queue raises no warning");
    // A user who becomes inactive mid-way is skipped from then on; back to active, they are in again.
    env.with(|r| r.set_user_flags(dave, Some(false), None).unwrap());
    let next = assignees(&env, 1000..1004);
    assert!(!next.contains(&Some(dave)));
    assert_eq!(next.iter().filter(|g| **g == Some(env.bob)).count(), 2);
}

#[test]
fn a_queue_of_inactive_users_falls_back_to_admins_and_says_the_queue_is_broken() {
    let env = Env::new();
    let admin2 = env.with(|r| r.add_user(&user("Zoe", &["zoe@ourco.test"], true, true), NOW).unwrap().id);
    env.settings(|s| s.queue = vec![env.carol]);
    let got = assignees(&env, 0..4);
    assert_eq!(got, vec![Some(env.alice), Some(admin2), Some(env.alice), Some(admin2)], "admins take turns");
    let want = "queue is broken: every user in the responsible queue of this mailbox is inactive; new records go \
                to the admins until the queue is fixed in this mailbox's CRM settings";
    let o = env.run(&new_sender(99), None, Mode::Sync).unwrap();
    assert_eq!(o.warning.as_deref(), Some(want), "the outcome carries the warning");
    let warnings = env.with(|r| r.warnings(Some(env.account)).unwrap());
    assert_eq!(warnings.len(), 1);
    assert_eq!(warnings[0].message, want);
    assert_eq!(warnings[0].count, 5);

    // An empty queue says so.
    env.settings(|s| s.queue.clear());
    env.run(&new_sender(100), None, Mode::Sync).unwrap();
    let w = env.with(|r| r.warnings(Some(env.account)).unwrap());
    assert!(
        w[0].message.starts_with("queue is broken: the responsible queue of this mailbox is empty;"),
        "{}",
        w[0].message
    );

    // Fixing the queue clears the warning at the next assignment.
    env.settings(|s| s.queue = vec![env.bob]);
    assert_eq!(assignees(&env, 200..201), vec![Some(env.bob)]);
    assert!(env.with(|r| r.warnings(None).unwrap()).is_empty());
}

#[test]
fn no_active_admin_leaves_the_record_unassigned_and_says_so() {
    let env = Env::new();
    env.with(|r| r.set_user_flags(env.alice, None, Some(false)).unwrap());
    env.settings(|s| s.queue.clear());
    let o = env.run(&new_sender(1), None, Mode::Sync).unwrap();
    assert_eq!(o.kind, OutcomeKind::Created, "the lead is still created");
    assert_eq!(env.with(|r| r.lead(o.entities[0].id).unwrap().unwrap().responsible_id), None);
    assert!(o.warning.unwrap().contains("there is no active admin, so new records have no responsible user"));
}
