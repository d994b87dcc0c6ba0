//! The commands the UI may call, by area. Each is one call into the core plus error mapping; blocking
//! database work runs on the blocking pool so the window never stalls. build.rs reads the `#[tauri::command]`
//! functions of these modules: they are the list of commands (handler, permissions, capability, TypeScript).

pub mod app;
pub mod compose;
pub mod crm;
pub mod list;
pub mod reader;
pub mod settings;
pub mod sync;

use crate::wire::*;
use crate::AppState;
use dealbox_core::Core;
use std::sync::Arc;

/// Page size cap for lists: the UI asks for what is visible plus a margin.
pub(crate) const MAX_PAGE: u32 = 500;

pub(crate) async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(&Core) -> dealbox_core::Result<T> + Send + 'static,
{
    let core: Arc<Core> = state.core()?;
    tauri::async_runtime::spawn_blocking(move || f(&core))
        .await
        .map_err(|e| UiError::internal(format!("a background task failed: {e}")))?
        .map_err(UiError::from)
}
