//! The reader's commands: remote content allowed always for a sender, attachments opened with the
//! system handler (never programs) or saved to Downloads without replacing anything.

use std::sync::Arc;

use dealbox_core::{attachments, query, remote_content, Core};
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::dto::UiError;
use crate::AppState;

async fn blocking<T, F>(state: &AppState, f: F) -> Result<T, UiError>
where
    T: Send + 'static,
    F: FnOnce(&Core) -> Result<T, UiError> + Send + 'static,
{
    let core: Arc<Core> = state.core()?;
    tauri::async_runtime::spawn_blocking(move || f(&core))
        .await
        .map_err(|e| UiError::internal(format!("a background task failed: {e}")))?
}

/// Load remote content from this message's sender without asking (`allow`), or ask again.
#[tauri::command]
pub async fn set_remote_sender(state: State<'_, AppState>, message_id: i64, allow: bool) -> Result<(), UiError> {
    blocking(&state, move |c| {
        let m = query::get(&c.store, message_id)?;
        if allow {
            remote_content::allow(&c.store, m.summary.account_id, &m.summary.from, dealbox_core::store::unix_now())?;
        } else {
            remote_content::revoke(&c.store, m.summary.account_id, &m.summary.from)?;
        }
        Ok(())
    })
    .await
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
    let path = blocking(&state, move |c| {
        let a = attachments::get(&c.store, id)?;
        let name = attachments::safe_file_name(a.info.filename.as_deref(), &a.info.mime_type);
        if attachments::is_risky(&name, &a.info.mime_type) {
            return Err(UiError {
                code: "risky_attachment".into(),
                message: format!(
                    "{name} is a program or script: Dealbox does not open these. Save it only if you trust the sender."
                ),
            });
        }
        // Per user and private: the session's runtime dir (tmpfs, removed at logout), else the profile dir.
        let base = std::env::var_os("XDG_RUNTIME_DIR")
            .map(std::path::PathBuf::from)
            .filter(|p| p.is_dir())
            .unwrap_or_else(|| c.dir().to_path_buf());
        let dir = attachments::private_dir(&base)?.join(format!("{id}"));
        Ok(attachments::write_new(&dir, &name, &a.bytes)?)
    })
    .await?;
    open::that_detached(&path)
        .map_err(|e| UiError::internal(format!("no application could open {}: {e}", path.display())))?;
    Ok(saved(path))
}

/// Save the attachment to the Downloads folder under a name that replaces nothing; returns where.
#[tauri::command]
pub async fn save_attachment(state: State<'_, AppState>, id: i64) -> Result<SavedFileDto, UiError> {
    blocking(&state, move |c| {
        let a = attachments::get(&c.store, id)?;
        let name = attachments::safe_file_name(a.info.filename.as_deref(), &a.info.mime_type);
        Ok(saved(attachments::write_new(&attachments::downloads_dir(), &name, &a.bytes)?))
    })
    .await
}
