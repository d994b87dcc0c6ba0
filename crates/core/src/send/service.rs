//! The outbox service: sends what is due, in the background, one flush at a time, and looks again every
//! `retry_every` for messages whose retry came due (backoff, no network, filing in Sent failed). A look
//! with nothing due is one SELECT. Like the [`SyncService`](crate::sync::service::SyncService), it runs on
//! the caller's tokio runtime and stops when dropped.

use std::sync::{Arc, Weak};
use std::time::Duration;

use crate::imap::Timeouts;
use crate::send::{drafts, outbox};
use crate::Core;

/// Told the account whose outbox changed (`None`: look at all of them); the UI refetches the outbox.
pub type OutboxEvents = Arc<dyn Fn(Option<i64>) + Send + Sync>;

/// How often the outbox is looked at for retries that came due.
pub const RETRY_EVERY: Duration = Duration::from_secs(20);

struct Inner {
    core: Arc<Core>,
    events: OutboxEvents,
    timeouts: Timeouts,
    /// One flush at a time: two flushes of one account could pick the same queued message.
    flushing: tokio::sync::Mutex<()>,
}

/// The running outbox service. Dropping it ends the retry loop (a flush under way finishes).
pub struct OutboxService {
    inner: Arc<Inner>,
}

impl OutboxService {
    /// Send what was left in the outbox now, and look again every `retry_every`. Must be called inside a
    /// tokio runtime.
    pub fn start(core: Arc<Core>, events: OutboxEvents, retry_every: Duration) -> Self {
        let inner = Arc::new(Inner {
            core,
            events,
            timeouts: Timeouts::default(),
            flushing: tokio::sync::Mutex::const_new(()),
        });
        let weak: Weak<Inner> = Arc::downgrade(&inner);
        tokio::spawn(async move {
            loop {
                match weak.upgrade() {
                    Some(inner) => {
                        flush(inner, None, false).await;
                    }
                    None => return,
                }
                tokio::time::sleep(retry_every).await;
            }
        });
        Self { inner }
    }

    /// Send what is due now (of one account, or all) in the background; with `upload`, also bring the
    /// server's Drafts folder up to date. Events go out before and after.
    pub fn kick(&self, account_id: Option<i64>, upload: bool) {
        tokio::spawn(flush(self.inner.clone(), account_id, upload));
    }

    /// [`OutboxService::kick`], waiting until it is done.
    pub async fn flush_now(&self, account_id: Option<i64>, upload: bool) {
        flush(self.inner.clone(), account_id, upload).await
    }
}

async fn flush(inner: Arc<Inner>, account_id: Option<i64>, upload: bool) {
    let _one = inner.flushing.lock().await;
    let accounts = match inner.core.accounts().list() {
        Ok(a) => a,
        Err(e) => return tracing::warn!("outbox: cannot list accounts: {e}"),
    };
    for a in accounts.into_iter().filter(|a| account_id.is_none_or(|id| id == a.id)) {
        if a.is_offline() {
            continue;
        }
        match outbox::flush(&inner.core, &a, inner.timeouts).await {
            Ok(r) if !(r.sent.is_empty() && r.parked.is_empty() && r.waiting.is_empty()) => (inner.events)(Some(a.id)),
            Ok(_) => {}
            Err(e) => tracing::warn!("outbox of account {}: {e}", a.id),
        }
        if upload {
            if let Err(e) = drafts::upload(&inner.core, &a, inner.timeouts).await {
                tracing::warn!("drafts of account {}: {e}", a.id);
            }
        }
        (inner.events)(Some(a.id));
    }
}
