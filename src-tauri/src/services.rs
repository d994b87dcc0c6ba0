//! The core's long-running services as Tauri state: the sync scheduler and the outbox, started for the
//! opened profile (and replaced when the window switches profile), their events forwarded to the window.

use crate::wire::compose::OUTBOX_EVENT;
use crate::wire::sync::*;
use crate::wire::UiError;
use dealbox_core::send::service::{OutboxEvents, OutboxService, RETRY_EVERY};
use dealbox_core::sync::service::{ServiceOptions, SyncService, SystemClock};
use dealbox_core::sync::{EventSink, SyncEvent};
use dealbox_core::Core;
use std::sync::{Arc, RwLock};
use tauri::{AppHandle, Emitter, Manager, State};

/// The running scheduler, managed as Tauri state once the window exists (replaced when the window switches
/// to another profile; the old one stops when dropped).
pub struct SyncHandle(std::sync::RwLock<Arc<SyncService>>);

impl SyncHandle {
    pub fn service(&self) -> Option<Arc<SyncService>> {
        self.0.read().ok().map(|s| s.clone())
    }
}

/// Start the scheduler for `core`, sending its events to the main window, and check every account now.
pub fn start_sync(app: &AppHandle, core: &Arc<Core>) -> dealbox_core::Result<()> {
    let handle = app.clone();
    let profile = core.clone();
    let events: EventSink = Arc::new(move |e: SyncEvent| {
        if let Some(n) = handle.try_state::<crate::notifications::Notifier>() {
            n.on_sync_event(&handle, &profile, &e);
        }
        let _ = handle.emit_to("main", SYNC_EVENT, SyncEventDto::from(e));
    });
    // The service spawns its tasks on the runtime Tauri's async commands run on.
    let rt = tauri::async_runtime::handle();
    let _enter = rt.inner().enter();
    let service = Arc::new(SyncService::start(core, events, Arc::new(SystemClock), ServiceOptions::default())?);
    service.window_opened()?;
    match app.try_state::<SyncHandle>() {
        Some(h) => {
            if let Ok(mut s) = h.0.write() {
                *s = service;
            }
        }
        None => {
            app.manage(SyncHandle(std::sync::RwLock::new(service)));
        }
    }
    Ok(())
}

/// The window came to the front: check now (the policy merges this with a check already running).
pub fn window_focused(app: &AppHandle) {
    if let Some(s) = app.try_state::<SyncHandle>().and_then(|s| s.service()) {
        if let Err(e) = s.window_opened() {
            tracing::warn!("cannot wake the sync service: {e}");
        }
    }
}

pub(crate) fn service(s: &Option<State<'_, SyncHandle>>) -> Result<Arc<SyncService>, UiError> {
    s.as_ref().and_then(|s| s.service()).ok_or_else(|| UiError::internal("the sync service is not running"))
}

/// A new account was added: give it a task (it is checked at once, having never been checked).
pub fn accounts_changed(app: &AppHandle) {
    if let Some(s) = app.try_state::<SyncHandle>().and_then(|s| s.service()) {
        if let Err(e) = s.refresh_accounts() {
            tracing::warn!("cannot refresh the sync service's accounts: {e}");
        }
    }
}

/// The window saw the network go away or come back (`navigator.onLine`): the policy waits for it.
pub fn network_changed(app: &AppHandle, online: bool) {
    if let Some(s) = app.try_state::<SyncHandle>().and_then(|s| s.service()) {
        s.set_online(online);
        if online {
            // Back online: check now rather than at the next interval.
            if let Err(e) = s.window_opened() {
                tracing::warn!("cannot wake the sync service: {e}");
            }
        }
    }
}

/// The running outbox service, managed as Tauri state (replaced when the window switches profile).
#[derive(Default)]
pub struct OutboxHandle(RwLock<Option<Arc<OutboxService>>>);

impl OutboxHandle {
    /// Send what is due now (see [`OutboxService::kick`]).
    pub fn kick(&self, account_id: Option<i64>, upload: bool) {
        match self.0.read().ok().and_then(|s| s.clone()) {
            Some(s) => s.kick(account_id, upload),
            None => tracing::warn!("the outbox service is not running"),
        }
    }
}

/// Start the outbox service for `core`: send what was left in the outbox, retry what comes due.
pub fn start_outbox(app: &AppHandle, core: Arc<Core>) {
    let handle = app.clone();
    let events: OutboxEvents = Arc::new(move |account: Option<i64>| {
        let _ = handle.emit_to("main", OUTBOX_EVENT, account);
    });
    let rt = tauri::async_runtime::handle();
    let _enter = rt.inner().enter();
    let service = Arc::new(OutboxService::start(core, events, RETRY_EVERY));
    if let Ok(mut s) = app.state::<OutboxHandle>().0.write() {
        *s = Some(service);
    }
}
