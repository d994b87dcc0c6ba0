//! The folder list with counts.

use serde::Serialize;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct FolderInfo {
    pub id: i64,
    pub account_id: i64,
    pub account: String,
    pub name: String,
    pub display_name: String,
    pub role: Option<String>,
    pub total: i64,
    pub unread: i64,
    pub last_sync: Option<i64>,
}

pub fn folders(store: &Store, account_id: Option<i64>) -> Result<Vec<FolderInfo>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        r"SELECT f.id, f.account_id, a.name, f.name, f.display_name, f.role,
           (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id),
           (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id AND (' ' || m.flags || ' ') NOT LIKE '% \Seen %'),
           f.last_sync
         FROM folders f JOIN accounts a ON a.id = f.account_id
         WHERE (?1 IS NULL OR f.account_id = ?1)
         ORDER BY f.account_id, CASE f.role WHEN 'inbox' THEN 0 WHEN 'drafts' THEN 1 WHEN 'sent' THEN 2
           WHEN 'archive' THEN 3 WHEN 'junk' THEN 4 WHEN 'trash' THEN 5 ELSE 6 END, f.name",
    )?;
    let rows = st
        .query_map([account_id], |r| {
            Ok(FolderInfo {
                id: r.get(0)?,
                account_id: r.get(1)?,
                account: r.get(2)?,
                name: r.get(3)?,
                display_name: r.get(4)?,
                role: r.get(5)?,
                total: r.get(6)?,
                unread: r.get(7)?,
                last_sync: r.get(8)?,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}
