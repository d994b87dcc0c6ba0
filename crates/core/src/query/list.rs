//! Message lists and conversations of a view (one account or all, one folder or all), paged.

use rusqlite::params;
use serde::Serialize;

use super::summary::{summary, MessageSummary, Sort, SCOPE, SUMMARY_COLS};
use super::Binds;
use crate::error::Result;
use crate::store::Store;

/// Messages newest first, optionally of one account and/or one folder (by name or role).
pub fn list(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    limit: u32,
    offset: u32,
) -> Result<Vec<MessageSummary>> {
    list_sorted(store, account_id, folder, Sort::NewestFirst, limit, offset)
}

/// [`list`] in either order. Each folder of the view is walked in date order on its
/// `(folder_id, date, id)` index for `offset + limit` rows, and the walks are merged: a page costs the
/// rows up to it, not a sort of the whole folder.
pub fn list_sorted(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    sort: Sort,
    limit: u32,
    offset: u32,
) -> Result<Vec<MessageSummary>> {
    let conn = store.conn()?;
    let ids = view_folders(&conn, account_id, folder)?;
    if ids.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    let dir = sort.dir();
    let mut args = Binds::default();
    let (limit, offset, n) = (args.bind(limit), args.bind(offset), args.bind(i64::from(offset) + i64::from(limit)));
    let mut walks = Vec::with_capacity(ids.len());
    for id in ids {
        let id = args.bind(id);
        walks.push(format!(
            r"SELECT * FROM (
                SELECT m.id AS mid, m.date AS d FROM messages m WHERE m.folder_id = {id}
                ORDER BY m.date {dir}, m.id {dir} LIMIT {n})"
        ));
    }
    let mut st = conn.prepare(&format!(
        r"WITH w AS ({})
         SELECT {SUMMARY_COLS}
         FROM w JOIN messages m ON m.id = w.mid JOIN folders f ON f.id = m.folder_id
         ORDER BY w.d {dir}, w.mid {dir}
         LIMIT {limit} OFFSET {offset}",
        walks.join("\n UNION ALL ")
    ))?;
    let rows = st.query_map(args.params(), summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The folders of a view: one account or all, one folder (by name or role) or all of them.
fn view_folders(conn: &rusqlite::Connection, account_id: Option<i64>, folder: Option<&str>) -> Result<Vec<i64>> {
    let mut st = conn.prepare_cached(
        r"SELECT f.id FROM folders f WHERE (?1 IS NULL OR f.account_id = ?1)
         AND (?2 IS NULL OR f.name = ?2 OR f.role = lower(?2)) ORDER BY f.id",
    )?;
    let ids = st.query_map(params![account_id, folder], |r| r.get(0))?.collect::<rusqlite::Result<Vec<i64>>>()?;
    Ok(ids)
}

/// One conversation (thread) of a view: its latest message there, and what the others add up to.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Conversation {
    pub thread_id: i64,
    /// The thread's latest message in this view.
    pub latest: MessageSummary,
    /// Messages of the thread in this view.
    pub count: i64,
    pub unread: i64,
    pub flagged: bool,
    pub has_attachments: bool,
    /// Unix seconds of the latest message (what the list is sorted by).
    pub last_date: i64,
}

/// A page of conversations and how many the whole view has.
#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConversationPage {
    /// Conversations in the view; counted for the first page only.
    pub total: Option<i64>,
    pub rows: Vec<Conversation>,
}

/// The view's messages grouped by thread (within each folder), ordered by each thread's latest message,
/// paged. Each folder is walked in date order on its `(folder_id, date, id)` index, keeping the messages
/// with no later one in their thread (one probe of `(folder_id, thread_id, date, id)` each); the counts
/// come from one pass over each shown thread. `total` is counted on the first page only (`None` after).
pub fn conversations(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    sort: Sort,
    limit: u32,
    offset: u32,
) -> Result<ConversationPage> {
    let conn = store.conn()?;
    let ids = view_folders(&conn, account_id, folder)?;
    let total = if offset == 0 { Some(conversation_count(&conn, &ids)?) } else { None };
    if ids.is_empty() || limit == 0 {
        return Ok(ConversationPage { total, rows: vec![] });
    }
    let dir = sort.dir();
    let mut args = Binds::default();
    let (limit, offset, n) = (args.bind(limit), args.bind(offset), args.bind(i64::from(offset) + i64::from(limit)));
    let mut walks = Vec::with_capacity(ids.len());
    for id in ids {
        let id = args.bind(id);
        walks.push(format!(
            r"SELECT * FROM (
                SELECT m.id AS mid, m.date AS d, m.folder_id AS fid, coalesce(m.thread_id, m.id) AS tid
                FROM messages m
                WHERE m.folder_id = {id} AND NOT EXISTS (
                  SELECT 1 FROM messages l
                  WHERE l.folder_id = m.folder_id AND l.thread_id = m.thread_id AND (l.date, l.id) > (m.date, m.id))
                ORDER BY m.date {dir}, m.id {dir} LIMIT {n})"
        ));
    }
    // count << 32 | unread << 2 | flagged << 1 | attachment, in one pass over the thread's rows.
    let mut st = conn.prepare(&format!(
        r"WITH w AS ({}), p AS (SELECT * FROM w ORDER BY d {dir}, mid {dir} LIMIT {limit} OFFSET {offset})
         SELECT {SUMMARY_COLS}, p.tid,
           (SELECT (count(*) << 32) + (sum(t.seen = 0) << 2)
              + (max(t.flagged) << 1) + max(t.has_attachments)
            FROM messages t WHERE t.folder_id = p.fid AND t.thread_id = p.tid)
         FROM p JOIN messages m ON m.id = p.mid JOIN folders f ON f.id = m.folder_id
         ORDER BY p.d {dir}, p.mid {dir}",
        walks.join("\n UNION ALL ")
    ))?;
    let rows = st
        .query_map(args.params(), |r| {
            let latest = summary(r)?;
            let packed: Option<i64> = r.get(14)?;
            // A message without a thread id stands alone.
            let packed = packed.filter(|p| *p >> 32 > 0).unwrap_or_else(|| {
                (1 << 32)
                    | (i64::from(latest.unread) << 2)
                    | (i64::from(latest.flagged) << 1)
                    | i64::from(latest.has_attachments)
            });
            Ok(Conversation {
                thread_id: r.get(13)?,
                count: packed >> 32,
                unread: (packed >> 2) & 0x3fff_ffff,
                flagged: packed & 2 != 0,
                has_attachments: packed & 1 != 0,
                last_date: latest.timestamp,
                latest,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(ConversationPage { total, rows })
}

/// Conversations in these folders (distinct threads of each, on the covering thread index).
fn conversation_count(conn: &rusqlite::Connection, folder_ids: &[i64]) -> Result<i64> {
    let mut n = 0;
    for id in folder_ids {
        n += conn.query_row(
            r"SELECT (SELECT count(*) FROM (SELECT DISTINCT thread_id FROM messages WHERE folder_id = ?1 AND thread_id IS NOT NULL))
             + (SELECT count(*) FROM messages WHERE folder_id = ?1 AND thread_id IS NULL)",
            [id],
            |r| r.get::<_, i64>(0),
        )?;
    }
    Ok(n)
}

/// The messages of one conversation in a view (what expanding it shows), in the list's order.
pub fn conversation_messages(
    store: &Store,
    account_id: Option<i64>,
    folder: Option<&str>,
    thread_id: i64,
    sort: Sort,
) -> Result<Vec<MessageSummary>> {
    let conn = store.conn()?;
    let dir = sort.dir();
    let mut st = conn.prepare_cached(&format!(
        r"SELECT {SUMMARY_COLS} FROM messages m JOIN folders f ON f.id = m.folder_id
         WHERE {SCOPE} AND (m.thread_id = ?3 OR (m.thread_id IS NULL AND m.id = ?3))
         ORDER BY m.date {dir}, m.id {dir} LIMIT 1000"
    ))?;
    let rows = st.query_map(params![account_id, folder, thread_id], summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::cache::{self, Fetched};
    use crate::query::fixtures::{mail, threads};

    #[test]
    fn conversations_group_a_thread_under_its_latest_message_with_counts() {
        let store = threads();
        let page = conversations(&store, Some(1), Some("INBOX"), Sort::NewestFirst, 10, 0).unwrap();
        assert_eq!(page.total, Some(3));
        let subjects: Vec<&str> = page.rows.iter().map(|c| c.latest.subject.as_str()).collect();
        assert_eq!(subjects, vec!["Re: Renewal", "Invoice", "Pricing"]);
        let a = &page.rows[0];
        assert_eq!((a.count, a.unread, a.flagged), (2, 1, false));
        assert_eq!(page.rows[1].count, 1);
        assert!(page.rows[1].flagged);
        let inner = conversation_messages(&store, Some(1), Some("INBOX"), a.thread_id, Sort::NewestFirst).unwrap();
        assert_eq!(inner.iter().map(|m| m.subject.as_str()).collect::<Vec<_>>(), vec!["Re: Renewal", "Renewal"]);
    }

    #[test]
    fn conversations_page_and_sort_oldest_first() {
        let store = threads();
        let old = conversations(&store, None, Some("inbox"), Sort::OldestFirst, 2, 0).unwrap();
        assert_eq!(old.total, Some(3));
        // Ordered by each thread's latest message: Pricing (3), Invoice (4), Renewal (5).
        assert_eq!(old.rows.iter().map(|c| c.latest.subject.as_str()).collect::<Vec<_>>(), vec!["Pricing", "Invoice"]);
        let rest = conversations(&store, None, Some("inbox"), Sort::OldestFirst, 2, 2).unwrap();
        assert_eq!(rest.rows.len(), 1);
        assert_eq!(rest.rows[0].latest.subject, "Re: Renewal");
        let past = conversations(&store, None, Some("inbox"), Sort::OldestFirst, 2, 10).unwrap();
        assert_eq!((past.total, past.rows.len()), (None, 0));
        let empty = conversations(&store, None, Some("Archive"), Sort::NewestFirst, 2, 0).unwrap();
        assert_eq!((empty.total, empty.rows.len()), (Some(0), 0));
        let msgs = list_sorted(&store, None, Some("inbox"), Sort::OldestFirst, 10, 0).unwrap();
        assert_eq!(msgs.first().unwrap().subject, "Renewal");
        assert_eq!(msgs.last().unwrap().subject, "Re: Renewal");
    }

    #[test]
    fn rows_carry_the_crm_outcome_of_their_message() {
        let store = threads();
        store
            .conn()
            .unwrap()
            .execute(
                r"INSERT INTO crm_outcomes (account_id, message_key, outcome, reason, processed_at)
                 VALUES (1, 'a2@x', 'linked', 'known contact', 0), (1, 'b1@x', 'skipped', 'newsletter', 0)",
                [],
            )
            .unwrap();
        let rows = list(&store, None, Some("inbox"), 10, 0).unwrap();
        let crm: Vec<(&str, Option<&str>)> = rows.iter().map(|m| (m.subject.as_str(), m.crm.as_deref())).collect();
        assert_eq!(
            crm,
            vec![("Re: Renewal", Some("linked")), ("Invoice", None), ("Pricing", Some("skipped")), ("Renewal", None)]
        );
    }

    #[test]
    fn pages_of_several_folders_merge_in_date_order() {
        let store = threads();
        let conn = store.conn().unwrap();
        conn.execute(
            r"INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security, smtp_host, smtp_port,
             smtp_security, credential, secret_ref, created_at) VALUES ('b', 'b@x.test', 'b', 'h', 1, 'tls', 'h', 1,
             'tls', 'keyring', 'ref2', 0)",
            [],
        )
        .unwrap();
        drop(conn);
        let inbox2 = cache::upsert_folder(&store, 2, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        let raw = [2u32, 6].map(|d| mail(&format!("o{d}@x"), None, d, "o@x.test", "b@x.test", &format!("Other {d}")));
        let fetched: Vec<Fetched<'_>> = raw
            .iter()
            .enumerate()
            .map(|(k, r)| Fetched {
                uid: k as u32 + 1,
                flags: vec![],
                modseq: None,
                size: 1,
                raw: r.as_bytes(),
                internal_date: None,
            })
            .collect();
        cache::store_messages(&store, 2, inbox2, &fetched).unwrap();
        let page = |offset, sort| -> Vec<String> {
            list_sorted(&store, None, Some("inbox"), sort, 2, offset).unwrap().into_iter().map(|m| m.subject).collect()
        };
        assert_eq!(page(0, Sort::NewestFirst), vec!["Other 6", "Re: Renewal"]);
        assert_eq!(page(2, Sort::NewestFirst), vec!["Invoice", "Pricing"]);
        assert_eq!(page(4, Sort::NewestFirst), vec!["Other 2", "Renewal"]);
        assert_eq!(page(0, Sort::OldestFirst), vec!["Renewal", "Other 2"]);
        let convs = conversations(&store, None, Some("inbox"), Sort::NewestFirst, 10, 0).unwrap();
        assert_eq!(convs.total, Some(5));
        assert_eq!(convs.rows.iter().map(|c| c.count).collect::<Vec<_>>(), vec![1, 2, 1, 1, 1]);
    }

    #[test]
    fn hot_list_queries_use_their_indexes() {
        let store = threads();
        let conn = store.conn().unwrap();
        let plan = |sql: &str| -> String {
            let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            st.query_map([], |r| r.get::<_, String>(3)).unwrap().map(Result::unwrap).collect::<Vec<_>>().join("; ")
        };
        let unread = plan(&crate::query::folders::FOLDERS.replace("?1", "NULL"));
        assert!(unread.contains("messages_folder_unread (folder_id=?)"), "{unread}");
        let page = plan("SELECT m.id FROM messages m WHERE m.folder_id = 1 ORDER BY m.date DESC, m.id DESC LIMIT 100");
        assert!(page.contains("messages_folder_date_id") && !page.contains("TEMP B-TREE"), "{page}");
        let latest =
            plan("SELECT 1 FROM messages l WHERE l.folder_id = 1 AND l.thread_id = 2 AND (l.date, l.id) > (5, 6)");
        assert!(latest.contains("messages_folder_thread"), "{latest}");
    }
}
