//! The scheduler: one task per account, driven by the pure [`policy`](super::policy).
//!
//! Each account task owns its IMAP connection, asks the policy when the next check is due, and waits for
//! that time, a wake-up (Sync pressed, window opened), a presence change, IMAP IDLE news on the Inbox, or
//! stop. The wake-up channel is bounded(1): many Sync presses while a check runs merge into one more check.
//! Accounts never wait for each other, so a slow or broken server stalls only its own task.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use serde::Serialize;
use tokio::sync::{mpsc, watch};
use tokio::task::JoinHandle;

use super::conn::Conn;
use super::policy::{NextCheck, Presence, Trigger};
use super::{check_with, status, AfterCheckHooks, EventSink, SyncEvent, SyncOptions};
use crate::error::{Error, Result};
use crate::secrets::Secrets;
use crate::store::Store;
use crate::Core;

pub use crate::time::{Clock, SystemClock};

/// How the service runs.
#[derive(Debug, Clone)]
pub struct ServiceOptions {
    /// Options for each check (its `now` is replaced by the clock's at every check).
    pub sync: SyncOptions,
    /// Keep an IDLE connection on the Inbox between checks.
    pub idle: bool,
    /// Re-issue IDLE this often (keepalive; a dead connection is noticed and replaced).
    pub idle_keepalive: Duration,
    /// Wait this long before re-opening IDLE after it failed (doubling on each failure in a row, up to ten
    /// times). When the server dropped the connection, the re-opening starts with a check: mail may have
    /// arrived while nobody was listening.
    pub idle_retry: Duration,
}

impl Default for ServiceOptions {
    fn default() -> Self {
        Self {
            sync: SyncOptions::default(),
            idle: true,
            idle_keepalive: Duration::from_secs(5 * 60),
            idle_retry: Duration::from_secs(60),
        }
    }
}

/// What the service knows about one account right now.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct AccountState {
    pub checking: bool,
    pub idle_connected: bool,
    pub next_check: Option<NextCheck>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
struct Env {
    presence: Presence,
}

struct AccountTask {
    wake: mpsc::Sender<Trigger>,
    stop: watch::Sender<bool>,
    handle: JoinHandle<()>,
}

struct Shared {
    store: Arc<Store>,
    secrets: Arc<dyn Secrets>,
    events: EventSink,
    /// Run after each successful check (the core's hooks: CRM processing of the new mail).
    after_check: AfterCheckHooks,
    clock: Arc<dyn Clock>,
    opts: ServiceOptions,
    env: watch::Sender<Env>,
    states: Mutex<HashMap<i64, AccountState>>,
}

/// The running scheduler. Drop or [`SyncService::stop`] ends every account task.
pub struct SyncService {
    shared: Arc<Shared>,
    tasks: Mutex<HashMap<i64, AccountTask>>,
}

impl SyncService {
    /// Start one task per account of `core`, each running the core's after-check hooks after every
    /// successful check. Presence starts as "owner online, network up".
    pub fn start(core: &Core, events: EventSink, clock: Arc<dyn Clock>, opts: ServiceOptions) -> Result<Self> {
        let env = Env { presence: Presence { owner_online: true, any_user_online: true, network_up: true } };
        let (env_tx, _) = watch::channel(env);
        let svc = Self {
            shared: Arc::new(Shared {
                store: core.store.clone(),
                secrets: core.secrets.clone(),
                events,
                after_check: core.after_check().to_vec(),
                clock,
                opts,
                env: env_tx,
                states: Mutex::new(HashMap::new()),
            }),
            tasks: Mutex::new(HashMap::new()),
        };
        svc.refresh_accounts()?;
        Ok(svc)
    }

    fn tasks(&self) -> Result<std::sync::MutexGuard<'_, HashMap<i64, AccountTask>>> {
        self.tasks.lock().map_err(|_| Error::internal("sync service lock poisoned"))
    }

    /// Start tasks for new accounts and stop those of removed ones (call after adding/removing accounts).
    pub fn refresh_accounts(&self) -> Result<()> {
        let ids: Vec<i64> =
            crate::account::Accounts { store: &self.shared.store, secrets: self.shared.secrets.as_ref() }
                .list()?
                .iter()
                .map(|a| a.id)
                .collect();
        let mut tasks = self.tasks()?;
        tasks.retain(|id, t| {
            let keep = ids.contains(id);
            if !keep {
                let _ = t.stop.send(true);
            }
            keep
        });
        for id in ids {
            if tasks.contains_key(&id) {
                continue;
            }
            let (wake, wake_rx) = mpsc::channel(1);
            let (stop, stop_rx) = watch::channel(false);
            let handle = tokio::spawn(account_loop(self.shared.clone(), id, wake_rx, stop_rx));
            tasks.insert(id, AccountTask { wake, stop, handle });
        }
        Ok(())
    }

    /// The user pressed Sync for this account. Presses while a check runs merge into one more check.
    pub fn sync_now(&self, account_id: i64) -> Result<()> {
        let tasks = self.tasks()?;
        let t = tasks.get(&account_id).ok_or_else(|| Error::not_found(format!("no account with id {account_id}")))?;
        let _ = t.wake.try_send(Trigger::SyncPressed); // full: a check is already queued
        Ok(())
    }

    /// The mail window was opened or brought to the front: check every account now.
    pub fn window_opened(&self) -> Result<()> {
        for t in self.tasks()?.values() {
            let _ = t.wake.try_send(Trigger::WindowOpened);
        }
        Ok(())
    }

    /// Who is online (the shell reports the owner's app, the team's presence, and the network).
    pub fn set_presence(&self, presence: Presence) {
        self.shared.env.send_modify(|e| e.presence = presence);
    }

    /// The network came up or went down.
    pub fn set_online(&self, network_up: bool) {
        self.shared.env.send_modify(|e| e.presence.network_up = network_up);
    }

    /// Decide again now (e.g. after "route existing clients to assigned managers" was switched in the CRM's
    /// mailbox settings, which the policy reads for each account).
    pub fn reconsider(&self) {
        self.shared.env.send_modify(|_| {});
    }

    /// What the service knows about an account (checking, IDLE, next check).
    pub fn state(&self, account_id: i64) -> AccountState {
        self.shared.states.lock().ok().and_then(|s| s.get(&account_id).cloned()).unwrap_or_default()
    }

    /// Stop every task and wait for them (a running check is abandoned; its partial work is kept).
    pub async fn stop(self) {
        let tasks: Vec<AccountTask> = match self.tasks.lock() {
            Ok(mut t) => t.drain().map(|(_, v)| v).collect(),
            Err(_) => return,
        };
        for t in &tasks {
            let _ = t.stop.send(true);
        }
        for t in tasks {
            let _ = t.handle.await;
        }
    }
}

impl Drop for SyncService {
    fn drop(&mut self) {
        if let Ok(tasks) = self.tasks.lock() {
            for t in tasks.values() {
                let _ = t.stop.send(true);
            }
        }
    }
}

fn set_state(shared: &Shared, id: i64, f: impl FnOnce(&mut AccountState)) {
    if let Ok(mut s) = shared.states.lock() {
        f(s.entry(id).or_default());
    }
}

/// Has the Inbox moved on (new mail, a UIDVALIDITY reset) since the last check stored its cursor?
fn inbox_moved_on(store: &Store, account_id: i64, sel: &super::conn::Selected) -> bool {
    let stored = store.conn().ok().and_then(|c| {
        c.query_row(
            "SELECT uidvalidity, uidnext FROM folders WHERE account_id = ?1 AND role = 'inbox'",
            [account_id],
            |r| Ok((r.get::<_, Option<i64>>(0)?, r.get::<_, Option<i64>>(1)?)),
        )
        .ok()
    });
    let Some((validity, next)) = stored else { return false };
    let differs =
        |stored: Option<i64>, now: Option<u32>| matches!((stored, now), (Some(a), Some(b)) if a != i64::from(b));
    differs(validity, sel.uidvalidity) || differs(next, sel.uidnext)
}

/// One account's life: decide, check, wait (with IDLE), repeat.
async fn account_loop(
    shared: Arc<Shared>,
    id: i64,
    mut wake: mpsc::Receiver<Trigger>,
    mut stop: watch::Receiver<bool>,
) {
    let mut env_rx = shared.env.subscribe();
    let mut conn: Option<Conn> = None;
    let mut trigger: Option<Trigger> = None;
    let mut idle_retry_at: Option<tokio::time::Instant> = None;
    let mut idle_failures: u32 = 0;
    // IDLE's connection was lost (server restart, kicked, NAT timeout): reconnect at `idle_retry_at`.
    let mut idle_lost = false;
    // Mail that arrives between the end of a check and the start of IDLE is in the SELECT's UIDNEXT, not in
    // an IDLE notice: such a SELECT starts one more check instead (once, until IDLE has run, so a cursor that
    // never matches cannot loop).
    let mut recheck_allowed = true;
    loop {
        if *stop.borrow() {
            break;
        }
        let env = *env_rx.borrow_and_update();
        let now = shared.clock.now();
        let next = match status::load(&shared.store, id) {
            Ok(s) => {
                let mut input = s.policy_input(now, env.presence, status::routing_on(&shared.store, id));
                input.trigger = trigger;
                super::policy::next_check(&input)
            }
            Err(e) => {
                tracing::warn!(account = id, error = %e, "cannot read the sync status");
                NextCheck::Never { reason: super::policy::Reason::NobodyOnline }
            }
        };
        set_state(&shared, id, |s| s.next_check = Some(next));
        if next.is_due(now) {
            trigger = None;
            let account =
                match (crate::account::Accounts { store: &shared.store, secrets: shared.secrets.as_ref() }).get(id) {
                    Ok(a) => a,
                    Err(_) => break, // the account was removed
                };
            let password = account.password(shared.secrets.as_ref());
            let opts = SyncOptions { now, ..shared.opts.sync.clone() };
            set_state(&shared, id, |s| s.checking = true);
            let check = check_with(
                shared.store.clone(),
                &account,
                &mut conn,
                password,
                &opts,
                &shared.events,
                &shared.after_check,
            );
            let stopped = tokio::select! {
                r = check => {
                    if let Err(e) = r {
                        tracing::info!(account = id, error = %e, "check failed");
                    }
                    false
                }
                _ = stop.changed() => true,
            };
            if stopped {
                conn = None; // abandoned mid-command: drop the connection, do not reuse it
                break;
            }
            set_state(&shared, id, |s| s.checking = false);
            continue;
        }
        if !env.presence.network_up {
            conn = None;
        }
        // Wait until the check is due, or something happens.
        let wait = match next {
            NextCheck::At { at, .. } => Duration::from_secs((at - now).max(1) as u64),
            NextCheck::Never { .. } => Duration::from_secs(24 * 3600),
        };
        let idle_allowed = shared.opts.idle
            && env.presence.network_up
            && matches!(next, NextCheck::At { .. })
            && idle_retry_at.is_none_or(|t| tokio::time::Instant::now() >= t);
        let mut woke: Option<Option<Trigger>> = None;
        let mut stopping = false;
        // Without IDLE the connection is not kept between checks.
        match conn.take().filter(|c| idle_allowed && !c.is_broken()) {
            Some(mut c) => {
                // IDLE on the Inbox until news, the keepalive, or anything else that needs the loop.
                let interrupt = async {
                    tokio::select! {
                        t = wake.recv() => woke = Some(t),
                        _ = env_rx.changed() => {}
                        _ = stop.changed() => stopping = true,
                    }
                };
                let result = async {
                    let sel = c.select("INBOX").await?;
                    if recheck_allowed && inbox_moved_on(&shared.store, id, &sel) {
                        recheck_allowed = false;
                        return Ok(true);
                    }
                    recheck_allowed = true;
                    set_state(&shared, id, |s| s.idle_connected = true);
                    shared.events.as_ref()(SyncEvent::Idle { account_id: id, connected: true });
                    c.idle(wait.min(shared.opts.idle_keepalive), interrupt).await
                }
                .await;
                set_state(&shared, id, |s| s.idle_connected = false);
                match result {
                    Ok(news) => {
                        idle_failures = 0;
                        if news {
                            trigger = Some(Trigger::SyncPressed); // news on the server: check now
                        }
                    }
                    Err(e) => {
                        idle_failures += 1;
                        let delay = shared.opts.idle_retry * 2u32.pow(idle_failures.min(10) - 1);
                        tracing::info!(account = id, error = %e, ?delay, "IDLE failed; retrying later");
                        idle_retry_at = Some(tokio::time::Instant::now() + delay);
                        idle_lost = c.is_broken();
                        shared.events.as_ref()(SyncEvent::Idle { account_id: id, connected: false });
                    }
                }
                if !c.is_broken() {
                    conn = Some(c);
                }
            }
            None => {
                // A lost IDLE connection is re-opened by a check at the retry time, if that comes first.
                let reconnect_at = idle_retry_at
                    .filter(|_| idle_lost && shared.opts.idle && env.presence.network_up)
                    .filter(|_| matches!(next, NextCheck::At { .. }));
                let sleep_until = tokio::time::Instant::now() + wait;
                let until = reconnect_at.map_or(sleep_until, |r| r.min(sleep_until));
                tokio::select! {
                    _ = stop.changed() => stopping = true,
                    t = wake.recv() => woke = Some(t),
                    _ = env_rx.changed() => {}
                    _ = tokio::time::sleep_until(until) => {
                        if reconnect_at.is_some_and(|r| r <= tokio::time::Instant::now()) {
                            idle_lost = false;
                            trigger = Some(Trigger::SyncPressed);
                        }
                    }
                }
            }
        }
        if stopping {
            break;
        }
        match woke {
            Some(Some(t)) => trigger = Some(t),
            Some(None) => break, // the service is gone
            None => {}
        }
    }
    if let Some(c) = conn {
        c.logout().await;
    }
}
