//! Work that runs after each successful check of an account, such as CRM processing of the new mail.
//!
//! Sync only runs the hooks it is given; what they do is none of its business. The core registers its
//! default hooks where it is wired up ([`crate::Core::after_check`]); the scheduler
//! ([`super::service::SyncService`]) and [`crate::Core::check_account`] (the CLI's `sync`) run them.

use std::sync::Arc;

use crate::account::Account;
use crate::error::{Error, Result};
use crate::store::Store;

/// One piece of work after a successful check. It runs before the check is reported finished, so the UI
/// refetches once everything is in.
pub trait AfterCheck: Send + Sync {
    /// What the hook does, for the log ("CRM processing").
    fn name(&self) -> &'static str;

    /// Do the work, on a blocking thread. An error is logged and does not fail the check: the hook gets
    /// another chance after the next check.
    fn run(&self, store: &Store, account: &Account, now: i64) -> Result<()>;
}

/// The hooks a check runs, in order.
pub type AfterCheckHooks = Vec<Arc<dyn AfterCheck>>;

/// Run every hook for `account`, one after the other, each on a blocking thread.
pub(crate) async fn run_all(hooks: &[Arc<dyn AfterCheck>], store: &Arc<Store>, account: &Account, now: i64) {
    for hook in hooks {
        let (task_hook, store, task_account) = (hook.clone(), store.clone(), account.clone());
        let result = tokio::task::spawn_blocking(move || task_hook.run(&store, &task_account, now))
            .await
            .map_err(|e| Error::internal(format!("the {} task failed: {e}", hook.name())))
            .and_then(|r| r);
        if let Err(e) = result {
            tracing::warn!(account = %account.name, hook = hook.name(), error = %e, "failed after the check; will retry next check");
        }
    }
}
