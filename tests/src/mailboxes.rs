//! Locks on the test mail server's user mailboxes, for tests that run in parallel inside one test binary.
//!
//! Every test in a binary shares the same few users (alice, bob, carol, ...) on the one test server, and cargo runs
//! the tests of a binary in parallel. Two things one test may do break another test in the same mailbox:
//! - **deleting a folder**: Dovecot ends every session that has that folder selected ("Mailbox was deleted under
//!   us"), and a sync of all folders selects each folder in turn;
//! - **re-seeding** (`seed-mailbox` without `--append`): the whole mailbox is replaced (new UIDVALIDITY), so mail
//!   another test just delivered or synced is gone.
//!
//! So a test that does either holds the mailbox [`exclusive`]ly, and a test that syncs a mailbox, delivers to it
//! or reads mail from it holds it [`shared`] (shared holders run in parallel with each other). A test that only
//! logs in (`account test`) needs no lock: a login is not disturbed by either.
//!
//! Name every user a test needs in one call: the whole set is taken at once, and a holder never waits for more, so
//! two tests can never each hold one mailbox and wait for the other's. A waiting exclusive holder goes first: new
//! shared holders wait behind it. The lock is released when the returned guard is dropped (also when the test
//! panics). It is a blocking wait; in a `#[tokio::test]` take it first thing, before the test starts any task.

use std::collections::BTreeMap;
use std::sync::{Condvar, Mutex, MutexGuard, PoisonError};

#[derive(Debug, Default)]
struct State {
    shared: usize,
    exclusive: bool,
    exclusive_waiting: usize,
}

static USERS: Mutex<BTreeMap<String, State>> = Mutex::new(BTreeMap::new());
static CHANGED: Condvar = Condvar::new();

fn table() -> MutexGuard<'static, BTreeMap<String, State>> {
    // A panic never happens while the table is held, but a poisoned lock must not fail every later test.
    USERS.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Held mailboxes; dropping it releases them.
#[derive(Debug)]
#[must_use = "the mailboxes are released as soon as the guard is dropped"]
pub struct MailboxGuard {
    users: Vec<String>,
    exclusive: bool,
}

/// Hold these users' mailboxes alongside other shared holders (a test that syncs, delivers to or reads them).
pub fn shared(users: &[&str]) -> MailboxGuard {
    take(users, false)
}

/// Hold these users' mailboxes alone (a test that deletes folders in them or re-seeds them).
pub fn exclusive(users: &[&str]) -> MailboxGuard {
    take(users, true)
}

fn take(users: &[&str], exclusive: bool) -> MailboxGuard {
    let mut users: Vec<String> = users.iter().map(|u| u.to_string()).collect();
    users.sort();
    users.dedup();
    let mut t = table();
    if exclusive {
        for u in &users {
            t.entry(u.clone()).or_default().exclusive_waiting += 1;
        }
    }
    loop {
        let free = users.iter().all(|u| {
            t.get(u).is_none_or(|s| {
                if exclusive {
                    !s.exclusive && s.shared == 0
                } else {
                    !s.exclusive && s.exclusive_waiting == 0
                }
            })
        });
        if free {
            break;
        }
        t = CHANGED.wait(t).unwrap_or_else(PoisonError::into_inner);
    }
    for u in &users {
        let s = t.entry(u.clone()).or_default();
        if exclusive {
            s.exclusive_waiting -= 1;
            s.exclusive = true;
        } else {
            s.shared += 1;
        }
    }
    MailboxGuard { users, exclusive }
}

impl Drop for MailboxGuard {
    fn drop(&mut self) {
        let mut t = table();
        for u in &self.users {
            if let Some(s) = t.get_mut(u) {
                if self.exclusive {
                    s.exclusive = false;
                } else {
                    s.shared = s.shared.saturating_sub(1);
                }
            }
        }
        drop(t);
        CHANGED.notify_all();
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::atomic::{AtomicUsize, Ordering};
    use std::sync::Arc;

    #[test]
    fn shared_holders_overlap_and_an_exclusive_holder_is_alone() {
        // Names no integration test uses, so this unit test never waits for one.
        let a = shared(&["unit-a", "unit-b"]);
        let b = shared(&["unit-b"]);
        let inside = Arc::new(AtomicUsize::new(0));
        let seen = {
            let inside = inside.clone();
            std::thread::spawn(move || {
                let _x = exclusive(&["unit-b", "unit-a"]);
                inside.fetch_add(1, Ordering::SeqCst);
                inside.load(Ordering::SeqCst)
            })
        };
        // The exclusive holder waits while shared holders remain: it cannot have entered yet.
        assert_eq!(inside.load(Ordering::SeqCst), 0);
        drop(a);
        assert_eq!(inside.load(Ordering::SeqCst), 0, "one shared holder is left");
        drop(b);
        assert_eq!(seen.join().expect("the exclusive holder ran"), 1);
        let _again = shared(&["unit-a"]);
    }
}
