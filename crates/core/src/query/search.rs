//! Searching the cached mail: the parsed search box turned into one query over the full-text index.

use super::summary::{summary, MessageSummary, Sort, SUMMARY_COLS};
use super::syntax::{parse_query, SearchQuery};
use super::Binds;
use crate::error::Result;
use crate::store::{like_escape, Store};

fn fts_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\"\""))
}

/// Full-text search over subject, addresses and body, newest first.
pub fn search(store: &Store, account_id: Option<i64>, q: &str, limit: u32) -> Result<Vec<MessageSummary>> {
    search_sorted(store, account_id, q, Sort::NewestFirst, limit)
}

/// [`search`] in either order.
pub fn search_sorted(
    store: &Store,
    account_id: Option<i64>,
    q: &str,
    sort: Sort,
    limit: u32,
) -> Result<Vec<MessageSummary>> {
    let (sql, args) = search_sql(&parse_query(q), account_id, sort, limit);
    let conn = store.conn()?;
    let mut st = conn.prepare(&sql)?;
    let rows = st.query_map(args.params(), summary)?.collect::<rusqlite::Result<Vec<_>>>()?;
    Ok(rows)
}

/// The query of a search and the values it binds.
fn search_sql(sq: &SearchQuery, account_id: Option<i64>, sort: Sort, limit: u32) -> (String, Binds) {
    let mut match_terms: Vec<String> = vec![];
    for t in &sq.fts {
        // FTS5's tokenizer drops punctuation; a word of only punctuation matches nothing useful.
        if t.chars().any(char::is_alphanumeric) {
            match_terms.push(format!("{}*", fts_quote(t)));
        }
    }
    for p in &sq.phrases {
        match_terms.push(fts_quote(p));
    }
    for s in &sq.subject {
        match_terms.push(format!("subject : {}", fts_quote(s)));
    }
    for a in sq.from.iter().chain(sq.to.iter()) {
        match_terms.push(format!("addresses : {}", fts_quote(a)));
    }
    let mut args = Binds::default();
    let account = args.bind(account_id);
    let mut filters = vec![format!("({account} IS NULL OR m.account_id = {account})")];
    if !match_terms.is_empty() {
        let fts = args.bind(match_terms.join(" AND "));
        filters.push(format!("m.id IN (SELECT rowid FROM messages_fts WHERE messages_fts MATCH {fts})"));
    }
    // FTS matched the address anywhere (from, to, cc); `from:` must be the sender, `to:` a recipient.
    for f in &sq.from {
        let p = args.bind(format!("%{}%", like_escape(f)));
        filters.push(format!(r"(lower(m.from_addr) LIKE {p} ESCAPE '\' OR lower(m.from_name) LIKE {p} ESCAPE '\')"));
    }
    for t in &sq.to {
        let p = args.bind(format!("%{}%", like_escape(t)));
        filters.push(format!(r"(lower(m.to_json) LIKE {p} ESCAPE '\' OR lower(m.cc_json) LIKE {p} ESCAPE '\')"));
    }
    if sq.has_attachment {
        filters.push("m.has_attachments = 1".into());
    }
    if sq.unread {
        filters.push("m.seen = 0".into());
    }
    if sq.read {
        filters.push("m.seen = 1".into());
    }
    if sq.flagged {
        filters.push("m.flagged = 1".into());
    }
    if let Some(b) = sq.before {
        filters.push(format!("m.date < {}", args.bind(b)));
    }
    if let Some(a) = sq.after {
        filters.push(format!("m.date >= {}", args.bind(a)));
    }
    let dir = sort.dir();
    let sql = format!(
        "SELECT {SUMMARY_COLS}
         FROM messages m JOIN folders f ON f.id = m.folder_id
         WHERE {}
         ORDER BY m.date {dir}, m.id {dir}
         LIMIT {}",
        filters.join("\n           AND "),
        args.bind(limit)
    );
    (sql, args)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::query::fixtures::{mail, store_with};

    fn subjects(store: &Store, q: &str) -> Vec<String> {
        search(store, None, q, 50).unwrap().into_iter().map(|m| m.subject).collect()
    }

    #[test]
    fn search_operators_filter_the_local_index() {
        let store = store_with(&[
            (
                1,
                mail("1@x", None, 1, "Jane Roe <jane@acme.test>", "Bob <bob@x.test>", "Renewal next steps"),
                &["\\Seen"],
            ),
            (2, mail("2@x", None, 2, "Bob <bob@x.test>", "Jane Roe <jane@acme.test>", "Steps for the renewal"), &[]),
            (3, mail("3@x", None, 3, "Tom <tom@hooli.test>", "Bob <bob@x.test>", "Pricing 100% off"), &["\\Flagged"]),
        ]);
        assert_eq!(subjects(&store, "from:jane"), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "to:jane"), vec!["Steps for the renewal"]);
        assert_eq!(subjects(&store, "from:\"Jane Roe\""), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "\"next steps\""), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "renew"), vec!["Steps for the renewal", "Renewal next steps"]);
        assert_eq!(subjects(&store, "subject:pricing"), vec!["Pricing 100% off"]);
        assert_eq!(subjects(&store, "is:unread"), vec!["Pricing 100% off", "Steps for the renewal"]);
        assert_eq!(subjects(&store, "is:read"), vec!["Renewal next steps"]);
        assert_eq!(subjects(&store, "is:flagged"), vec!["Pricing 100% off"]);
        assert_eq!(subjects(&store, "after:2026-03-02 before:2026-03-03"), vec!["Steps for the renewal"]);
        assert!(subjects(&store, "has:attachment").is_empty());
        // LIKE wildcards in a value are literal.
        assert!(subjects(&store, "from:%").is_empty());
        let oldest = search_sorted(&store, None, "is:unread", Sort::OldestFirst, 10).unwrap();
        assert_eq!(oldest[0].subject, "Steps for the renewal");
    }

    #[test]
    fn a_flagged_search_walks_the_flagged_index() {
        let store = store_with(&[]);
        let conn = store.conn().unwrap();
        let plan = |q: &str| -> String {
            let (sql, args) = search_sql(&parse_query(q), None, Sort::NewestFirst, 50);
            let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            st.query_map(args.params(), |r| r.get::<_, String>(3))
                .unwrap()
                .map(Result::unwrap)
                .collect::<Vec<_>>()
                .join("; ")
        };
        let flagged = plan("is:flagged");
        assert!(flagged.contains("messages_flagged") && !flagged.contains("TEMP B-TREE"), "{flagged}");
    }

    #[test]
    fn has_attachment_finds_mail_with_a_file() {
        let att = "Message-ID: <att@x>\r\nDate: 01 Mar 2026 10:00:00 +0000\r\nFrom: a@b.test\r\nSubject: Contract\r\n\
                   MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\n\
                   see attached\r\n--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=c.pdf\r\n\
                   Content-Transfer-Encoding: base64\r\n\r\nJVBERi0=\r\n--XX--\r\n"
            .to_string();
        let store = store_with(&[(1, att, &[]), (2, mail("p@x", None, 2, "a@b.test", "c@d.test", "Plain"), &[])]);
        assert_eq!(subjects(&store, "has:attachment"), vec!["Contract"]);
    }
}
