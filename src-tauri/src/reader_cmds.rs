//! The reader's commands: remote content allowed always for a sender, attachments opened with the
//! system handler (never programs) or saved to Downloads without replacing anything.

use dealbox_core::store::unix_now;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::commands::blocking;
use crate::dto::UiError;
use crate::AppState;

/// Load remote content from this message's sender without asking (`allow`), or ask again.
#[tauri::command]
pub async fn set_remote_sender(state: State<'_, AppState>, message_id: i64, allow: bool) -> Result<(), UiError> {
    blocking(&state, move |c| c.mail().set_remote_content_for_sender(message_id, allow, unix_now())).await
}

/// Where an attachment went.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedFileDto {
    pub path: String,
    pub file_name: String,
}

fn saved(path: std::path::PathBuf) -> SavedFileDto {
    SavedFileDto {
        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        path: path.display().to_string(),
    }
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
