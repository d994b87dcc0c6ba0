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

/// Every folder (of one account, or of all) with its message and unread counts, in sidebar order.
/// The unread count is one probe of the partial index `messages_folder_unread` per folder.
pub(super) const FOLDERS: &str = r"SELECT f.id, f.account_id, a.name, f.name, f.display_name, f.role,
           (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id),
           (SELECT COUNT(*) FROM messages m WHERE m.folder_id = f.id AND m.seen = 0),
           f.last_sync
         FROM folders f JOIN accounts a ON a.id = f.account_id
         WHERE (?1 IS NULL OR f.account_id = ?1)
         ORDER BY f.account_id, CASE f.role WHEN 'inbox' THEN 0 WHEN 'drafts' THEN 1 WHEN 'sent' THEN 2
           WHEN 'archive' THEN 3 WHEN 'junk' THEN 4 WHEN 'trash' THEN 5 ELSE 6 END, f.name";

pub fn folders(store: &Store, account_id: Option<i64>) -> Result<Vec<FolderInfo>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(FOLDERS)?;
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

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::query::fixtures::threads;

    #[test]
    fn unread_counts_follow_every_change_of_the_flags_text() {
        let store = threads();
        let unread = || folders(&store, Some(1)).unwrap()[0].unread;
        assert_eq!(unread(), 1);
        let set = |uid: u32, flags: &str| {
            store
                .conn()
                .unwrap()
                .execute("UPDATE messages SET flags = ?1 WHERE uid = ?2", rusqlite::params![flags, uid])
                .unwrap();
        };
        set(4, "\\Answered \\Seen");
        assert_eq!(unread(), 0);
        set(1, "");
        set(2, "\\seen");
        assert_eq!(unread(), 1, "flags are case-insensitive; uid 1 is unread again");
        let (seen, flagged): (i64, i64) = store
            .conn()
            .unwrap()
            .query_row("SELECT seen, flagged FROM messages WHERE uid = 3", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((seen, flagged), (1, 1));
    }
}
