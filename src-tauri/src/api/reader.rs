//! The reader's commands: remote content allowed always for a sender, attachments opened with the
//! system handler (never programs) or saved to Downloads without replacing anything.

use crate::api::blocking;
use crate::wire::reader::*;
use crate::wire::UiError;
use crate::AppState;
use dealbox_core::store::unix_now;
use tauri::State;

/// Load remote content from this message's sender without asking (`allow`), or ask again.
#[tauri::command]
pub async fn set_remote_sender(state: State<'_, AppState>, message_id: i64, allow: bool) -> Result<(), UiError> {
    blocking(&state, move |c| c.mail().set_remote_content_for_sender(message_id, allow, unix_now())).await
}

/// Write the attachment to a private folder and open it with the system's handler. Programs
/// and scripts are refused (code `risky_attachment`): the UI offers Save instead, with a warning.
#[tauri::command]
pub async fn open_attachment(state: State<'_, AppState>, id: i64) -> Result<SavedFileDto, UiError> {
    // Per user and private: the session's runtime dir (tmpfs, removed at logout), else the profile dir.
    let base = std::env::var_os("XDG_RUNTIME_DIR").map(std::path::PathBuf::from);
    let path = blocking(&state, move |c| c.mail().attachment_to_open(id, base)).await?;
    open::that_detached(&path)
        .map_err(|e| UiError::internal(format!("no application could open {}: {e}", path.display())))?;
    Ok(saved(path))
}

/// Save the attachment to the Downloads folder under a name that replaces nothing; returns where.
#[tauri::command]
pub async fn save_attachment(state: State<'_, AppState>, id: i64) -> Result<SavedFileDto, UiError> {
    blocking(&state, move |c| c.mail().save_attachment(id, None).map(saved)).await
}
