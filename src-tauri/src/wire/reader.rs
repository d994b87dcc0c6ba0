//! What the reader's attachment commands answer.

use serde::Serialize;
use ts_rs::TS;

/// Where an attachment went.
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct SavedFileDto {
    pub path: String,
    pub file_name: String,
}

pub fn saved(path: std::path::PathBuf) -> SavedFileDto {
    SavedFileDto {
        file_name: path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default(),
        path: path.display().to_string(),
    }
}
