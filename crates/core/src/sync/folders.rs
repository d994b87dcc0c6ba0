//! Server folders: roles from SPECIAL-USE or names, display names, and the local folder rows.

use rusqlite::{params, OptionalExtension};

use super::conn::ListEntry;
use super::plan::Cursor;
use super::utf7;
use crate::error::Result;
use crate::store::Store;

/// A folder as the server lists it, with what we make of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteFolder {
    pub name: String,
    pub display_name: String,
    pub delimiter: Option<String>,
    pub role: Option<&'static str>,
    pub selectable: bool,
    /// The folder's state from LIST-STATUS, when the server sent it.
    pub status: Option<Cursor>,
}

fn role_from_attributes(attrs: &[String]) -> Option<&'static str> {
    for a in attrs {
        let r = match a.to_ascii_lowercase().as_str() {
            "\\sent" => "sent",
            "\\drafts" => "drafts",
            "\\trash" => "trash",
            "\\junk" => "junk",
            "\\archive" => "archive",
            _ => continue,
        };
        return Some(r);
    }
    None
}

/// Guess a role from a folder's last name component (servers without SPECIAL-USE).
pub fn role_from_name(display_name: &str, delimiter: Option<&str>) -> Option<&'static str> {
    if display_name.eq_ignore_ascii_case("INBOX") {
        return Some("inbox");
    }
    let leaf = match delimiter {
        Some(d) if !d.is_empty() => display_name.rsplit(d).next().unwrap_or(display_name),
        _ => display_name,
    };
    let l = leaf.trim().to_lowercase();
    let role = match l.as_str() {
        "sent"
        | "sent items"
        | "sent messages"
        | "sent mail"
        | "gesendet"
        | "gesendete elemente"
        | "gesendete objekte"
        | "envoyés"
        | "éléments envoyés"
        | "enviados"
        | "inviata"
        | "posta inviata" => "sent",
        "drafts" | "draft" | "entwürfe" | "brouillons" | "borradores" | "bozze" => "drafts",
        "trash"
        | "deleted items"
        | "deleted messages"
        | "bin"
        | "papierkorb"
        | "gelöschte elemente"
        | "corbeille"
        | "papelera"
        | "cestino" => "trash",
        "junk" | "spam" | "junk e-mail" | "junk email" | "bulk mail" | "indésirables" => "junk",
        "archive" | "archives" | "archiv" | "all mail" => "archive",
        _ => return None,
    };
    Some(role)
}

/// Turn a LIST answer into folders with roles; each role goes to one folder (SPECIAL-USE wins over names).
pub fn classify(entries: &[ListEntry]) -> Vec<RemoteFolder> {
    let mut out: Vec<RemoteFolder> = entries
        .iter()
        .map(|e| {
            let attrs_lower: Vec<String> = e.attributes.iter().map(|a| a.to_ascii_lowercase()).collect();
            let selectable = !attrs_lower.iter().any(|a| a == "\\noselect" || a == "\\nonexistent");
            let display_name = utf7::decode(&e.name);
            let display_name = if e.name.eq_ignore_ascii_case("INBOX") { "Inbox".to_string() } else { display_name };
            RemoteFolder {
                role: if e.name.eq_ignore_ascii_case("INBOX") {
                    Some("inbox")
                } else {
                    role_from_attributes(&e.attributes)
                },
                name: e.name.clone(),
                display_name,
                delimiter: e.delimiter.clone(),
                selectable,
                status: e.status,
            }
        })
        .collect();
    // Name heuristics only for roles no folder claims by attribute.
    for i in 0..out.len() {
        if out[i].role.is_some() || !out[i].selectable {
            continue;
        }
        if let Some(r) = role_from_name(&out[i].display_name, out[i].delimiter.as_deref()) {
            if !out.iter().any(|f| f.role == Some(r)) {
                out[i].role = Some(r);
            }
        }
    }
    // One folder per role.
    let mut seen = Vec::new();
    for f in out.iter_mut() {
        if let Some(r) = f.role {
            if seen.contains(&r) {
                f.role = None;
            } else {
                seen.push(r);
            }
        }
    }
    out.sort_by_key(|f| (role_rank(f.role), f.name.clone()));
    out
}

fn role_rank(role: Option<&str>) -> u8 {
    match role {
        Some("inbox") => 0,
        Some("sent") => 1,
        Some("drafts") => 2,
        Some("archive") => 3,
        Some("junk") => 4,
        Some("trash") => 5,
        _ => 6,
    }
}

/// A local folder row.
#[derive(Debug, Clone)]
pub struct LocalFolder {
    pub id: i64,
    pub name: String,
    pub cursor: Option<Cursor>,
}

pub fn local_folders(store: &Store, account_id: i64) -> Result<Vec<LocalFolder>> {
    let conn = store.conn()?;
    let mut st = conn.prepare(
        "SELECT id, name, uidvalidity, uidnext, highestmodseq FROM folders WHERE account_id = ?1 ORDER BY id",
    )?;
    let rows = st
        .query_map([account_id], |r| {
            let uv: Option<i64> = r.get(2)?;
            let un: Option<i64> = r.get(3)?;
            let hm: Option<i64> = r.get(4)?;
            Ok(LocalFolder {
                id: r.get(0)?,
                name: r.get(1)?,
                cursor: match (uv, un) {
                    (Some(uv), Some(un)) => {
                        Some(Cursor { uidvalidity: uv as u32, uidnext: un as u32, highestmodseq: hm.map(|v| v as u64) })
                    }
                    _ => None,
                },
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

pub fn folder_cursor(store: &Store, folder_id: i64) -> Result<Option<Cursor>> {
    let conn = store.conn()?;
    let row: Option<(Option<i64>, Option<i64>, Option<i64>)> = conn
        .query_row("SELECT uidvalidity, uidnext, highestmodseq FROM folders WHERE id = ?1", [folder_id], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .optional()?;
    Ok(match row {
        Some((Some(uv), Some(un), hm)) => {
            Some(Cursor { uidvalidity: uv as u32, uidnext: un as u32, highestmodseq: hm.map(|v| v as u64) })
        }
        _ => None,
    })
}

/// Save the cursor after a folder's sync completed (and `last_sync`).
pub fn save_cursor(store: &Store, folder_id: i64, c: Option<Cursor>, now: i64) -> Result<()> {
    let conn = store.conn()?;
    conn.execute(
        "UPDATE folders SET uidvalidity = ?1, uidnext = ?2, highestmodseq = ?3, last_sync = ?4 WHERE id = ?5",
        params![
            c.map(|c| c.uidvalidity as i64),
            c.map(|c| c.uidnext as i64),
            c.and_then(|c| c.highestmodseq.map(|v| v as i64)),
            now,
            folder_id
        ],
    )?;
    Ok(())
}

/// True when some cached messages of the folder still wait for their bodies.
pub fn has_header_only(store: &Store, folder_id: i64) -> Result<bool> {
    let conn = store.conn()?;
    Ok(conn.query_row(
        "SELECT EXISTS (SELECT 1 FROM messages WHERE folder_id = ?1 AND body_state = 'headers')",
        [folder_id],
        |r| r.get(0),
    )?)
}

/// Remove every cached message of a folder (FTS rows too); the folder row stays, its cursor is cleared.
pub fn clear_folder(store: &Store, folder_id: i64) -> Result<usize> {
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    tx.execute("DELETE FROM messages_fts WHERE rowid IN (SELECT id FROM messages WHERE folder_id = ?1)", [folder_id])?;
    let n = tx.execute("DELETE FROM messages WHERE folder_id = ?1", [folder_id])?;
    tx.execute(
        "UPDATE folders SET uidvalidity = NULL, uidnext = NULL, highestmodseq = NULL WHERE id = ?1",
        [folder_id],
    )?;
    tx.commit()?;
    Ok(n)
}

/// Delete a folder that no longer exists on the server, with its cached messages.
pub fn delete_folder(store: &Store, folder_id: i64) -> Result<usize> {
    let n = clear_folder(store, folder_id)?;
    store.conn()?.execute("DELETE FROM folders WHERE id = ?1", [folder_id])?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn e(name: &str, attrs: &[&str]) -> ListEntry {
        ListEntry {
            name: name.into(),
            delimiter: Some("/".into()),
            attributes: attrs.iter().map(|s| s.to_string()).collect(),
            status: None,
        }
    }

    #[test]
    fn special_use_attributes_give_roles() {
        let f = classify(&[
            e("INBOX", &[]),
            e("Sent", &["\\Sent", "\\HasNoChildren"]),
            e("Gesendet", &[]),
            e("Müll", &["\\Trash"]),
            e("Projekte/Gr&APYA3w-e", &["\\HasNoChildren"]),
            e("Projekte", &["\\Noselect", "\\HasChildren"]),
        ]);
        let role = |n: &str| f.iter().find(|x| x.name == n).unwrap().role;
        assert_eq!(role("INBOX"), Some("inbox"));
        assert_eq!(role("Sent"), Some("sent"));
        assert_eq!(role("Gesendet"), None, "SPECIAL-USE already named the sent folder");
        assert_eq!(role("Müll"), Some("trash"));
        let g = f.iter().find(|x| x.name == "Projekte/Gr&APYA3w-e").unwrap();
        assert_eq!(g.display_name, "Projekte/Größe");
        assert!(!f.iter().find(|x| x.name == "Projekte").unwrap().selectable);
        assert_eq!(f[0].name, "INBOX", "Inbox first");
    }

    #[test]
    fn names_give_roles_without_special_use() {
        let f = classify(&[
            e("inbox", &[]),
            e("INBOX/Sent Items", &[]),
            e("Deleted Messages", &[]),
            e("Spam", &[]),
            e("Entw&APw-rfe", &[]),
            e("Archive", &[]),
            e("Trash", &[]),
        ]);
        let role = |n: &str| f.iter().find(|x| x.name == n).unwrap().role;
        assert_eq!(role("inbox"), Some("inbox"));
        assert_eq!(role("INBOX/Sent Items"), Some("sent"));
        assert_eq!(role("Spam"), Some("junk"));
        assert_eq!(role("Entw&APw-rfe"), Some("drafts"));
        assert_eq!(role("Archive"), Some("archive"));
        assert_eq!(
            [role("Deleted Messages"), role("Trash")].iter().filter(|r| **r == Some("trash")).count(),
            1,
            "only one trash"
        );
    }
}
