//! New-mail notifications: *what* to tell the user after a check, decided here (GUI-free, tested); the shell
//! only shows the result through the desktop's notification server and opens what a click asks for.
//!
//! One notification per check per account, only while the window is not focused, only when the account's
//! notifications are on, never for the very first check of an account (that is the whole mailbox, not news).
//! Names and subjects come from strangers: notification servers interpret a subset of HTML in the body, so
//! everything we put there is escaped ([`escape_markup`]).

use rusqlite::params;

use crate::crm::repo::RecordRepo;
use crate::crm::sqlite::SqliteCrm;
use crate::error::Result;
use crate::store::Store;

/// How many senders/subjects a grouped notification lists.
pub const LINES_SHOWN: usize = 3;

/// One new message, as the notification shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewMail {
    pub message_id: i64,
    pub from_name: String,
    pub from_addr: String,
    pub subject: String,
    /// "ACME Corp · Jane Roe" when the sender is a CRM contact (company, then the contact's name).
    pub crm: Option<String>,
}

/// What a click on the notification opens.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Open {
    Message(i64),
    Inbox(i64),
}

/// A notification ready to show: `summary` is plain text (servers show it as is), `body` is escaped markup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notification {
    pub account_id: i64,
    pub summary: String,
    pub body: String,
    pub open: Open,
}

/// What the decision looks at.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    pub account_id: i64,
    /// The account's name, shown in the summary ("work").
    pub account_name: &'a str,
    /// The account's "notify me" setting.
    pub enabled: bool,
    pub window_focused: bool,
    /// The account's first check ever: everything is "new", nothing is news.
    pub first_check: bool,
}

/// Escape the characters notification servers read as markup (`&`, `<`, `>`) and drop control characters,
/// so a subject like `<b>Win</b> & <a href=…>` is shown as text and cannot add links or formatting.
pub fn escape_markup(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

/// Text for the summary line, which servers show as plain text: no control characters or line breaks, and
/// angle brackets turned into look-alikes, so a server that does read markup there cannot be fooled either.
fn plain(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            '<' => '‹',
            '>' => '›',
            c if c.is_control() => ' ',
            c => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

fn who(m: &NewMail) -> String {
    let name = m.from_name.trim();
    let person = if name.is_empty() { m.from_addr.trim() } else { name };
    match &m.crm {
        Some(crm) => crm.clone(),
        None => person.to_string(),
    }
}

fn subject(m: &NewMail) -> &str {
    let s = m.subject.trim();
    if s.is_empty() {
        "(no subject)"
    } else {
        s
    }
}

fn line(m: &NewMail) -> String {
    format!("{} — {}", escape_markup(&who(m)), escape_markup(subject(m)))
}

/// The one notification for the new mail a check found in an account, or `None` when there is nothing to say
/// (window focused, notifications off for the account, first check, nothing new). `total` is how many new
/// messages there are; `new` holds (at least) the first few, newest first.
pub fn decide(ctx: &Context<'_>, new: &[NewMail], total: usize) -> Option<Notification> {
    if ctx.window_focused || !ctx.enabled || ctx.first_check || new.is_empty() {
        return None;
    }
    let total = total.max(new.len());
    let account = plain(ctx.account_name);
    if total == 1 {
        let m = &new[0];
        return Some(Notification {
            account_id: ctx.account_id,
            summary: format!("{} · {}", plain(&who(m)), account),
            body: escape_markup(subject(m)),
            open: Open::Message(m.message_id),
        });
    }
    let mut lines: Vec<String> = new.iter().take(LINES_SHOWN).map(line).collect();
    if total > lines.len() {
        lines.push(format!("and {} more", total - lines.len()));
    }
    Some(Notification {
        account_id: ctx.account_id,
        summary: format!("{total} new messages · {account}"),
        body: lines.join("\n"),
        open: Open::Inbox(ctx.account_id),
    })
}

/// The highest message id in the account's Inbox (0 when empty): remember it when a check starts, and ask
/// [`new_inbox_mail`] for what came after it when the check is done.
pub fn inbox_high_water(store: &Store, account_id: i64) -> Result<i64> {
    let conn = store.conn()?;
    let v: Option<i64> = conn.query_row(
        r"SELECT MAX(m.id) FROM messages m JOIN folders f ON f.id = m.folder_id
         WHERE m.account_id = ?1 AND f.role = 'inbox'",
        [account_id],
        |r| r.get(0),
    )?;
    Ok(v.unwrap_or(0))
}

/// Unread Inbox messages with an id above `after`: how many, and the newest `limit` with their CRM context.
pub fn new_inbox_mail(store: &Store, account_id: i64, after: i64, limit: usize) -> Result<(usize, Vec<NewMail>)> {
    let conn = store.conn()?;
    let unread = "m.account_id = ?1 AND m.id > ?2 AND f.role = 'inbox' AND m.seen = 0 AND m.deleted = 0";
    let total: i64 = conn.query_row(
        &format!("SELECT COUNT(*) FROM messages m JOIN folders f ON f.id = m.folder_id WHERE {unread}"),
        params![account_id, after],
        |r| r.get(0),
    )?;
    let mut st = conn.prepare(&format!(
        r"SELECT m.id, m.from_name, m.from_addr, m.subject FROM messages m JOIN folders f ON f.id = m.folder_id
         WHERE {unread} ORDER BY m.date DESC, m.id DESC LIMIT ?3"
    ))?;
    let rows = st
        .query_map(params![account_id, after, limit as i64], |r| {
            Ok(NewMail {
                message_id: r.get(0)?,
                from_name: r.get(1)?,
                from_addr: r.get(2)?,
                subject: r.get(3)?,
                crm: None,
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    let crm = SqliteCrm::new(&conn);
    let mut out = Vec::with_capacity(rows.len());
    for mut m in rows {
        m.crm = crm_context(&crm, &m.from_addr).unwrap_or_else(|e| {
            tracing::debug!(error = %e, "no CRM context for a notification");
            None
        });
        out.push(m);
    }
    Ok((total as usize, out))
}

/// "ACME Corp · Jane Roe" for a known contact (just the name without a company), `None` for a stranger.
fn crm_context(crm: &SqliteCrm<'_>, address: &str) -> Result<Option<String>> {
    let Some(addr) = crate::crm::model::norm_address(address) else { return Ok(None) };
    let Some(id) = crm.contact_by_address(&addr)? else { return Ok(None) };
    let Some(c) = crm.contact(id)? else { return Ok(None) };
    let company = match (&c.company_name, c.company_id) {
        (Some(n), _) if !n.trim().is_empty() => Some(n.trim().to_string()),
        (_, Some(cid)) => crm.company(cid)?.map(|co| co.name),
        _ => None,
    };
    let name = c.name.trim();
    Ok(match (company, name.is_empty()) {
        (Some(co), false) => Some(format!("{co} · {name}")),
        (Some(co), true) => Some(co),
        (None, false) => Some(name.to_string()),
        (None, true) => None,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn ctx() -> Context<'static> {
        Context { account_id: 7, account_name: "work", enabled: true, window_focused: false, first_check: false }
    }

    fn mail(id: i64, name: &str, subject: &str) -> NewMail {
        NewMail {
            message_id: id,
            from_name: name.into(),
            from_addr: format!("{}@example.test", name.to_lowercase().replace(' ', ".")),
            subject: subject.into(),
            crm: None,
        }
    }

    #[test]
    fn nothing_is_shown_while_the_window_is_focused() {
        let c = Context { window_focused: true, ..ctx() };
        assert_eq!(decide(&c, &[mail(1, "Jane Roe", "Hi")], 1), None);
    }

    #[test]
    fn nothing_is_shown_for_an_account_with_notifications_off() {
        let c = Context { enabled: false, ..ctx() };
        assert_eq!(decide(&c, &[mail(1, "Jane Roe", "Hi")], 1), None);
    }

    #[test]
    fn the_first_check_of_an_account_is_not_news() {
        let c = Context { first_check: true, ..ctx() };
        assert_eq!(decide(&c, &[mail(1, "Jane Roe", "Hi")], 1), None);
    }

    #[test]
    fn no_new_mail_no_notification() {
        assert_eq!(decide(&ctx(), &[], 0), None);
    }

    #[test]
    fn one_message_names_the_sender_with_crm_context_and_opens_that_message() {
        let mut m = mail(42, "Jane Roe", "Re: renewal");
        m.crm = Some("ACME Corp · Jane Roe".into());
        let n = decide(&ctx(), &[m], 1).unwrap();
        assert_eq!(n.summary, "ACME Corp · Jane Roe · work");
        assert_eq!(n.body, "Re: renewal");
        assert_eq!(n.open, Open::Message(42));
    }

    #[test]
    fn a_sender_without_a_name_is_shown_by_address() {
        let mut m = mail(1, "", "Quote");
        m.from_addr = "bob@example.test".into();
        assert_eq!(decide(&ctx(), &[m], 1).unwrap().summary, "bob@example.test · work");
    }

    #[test]
    fn several_messages_are_grouped_into_one_notification_that_opens_the_inbox() {
        let new: Vec<_> = (1..=5).map(|i| mail(i, &format!("Sender {i}"), &format!("Subject {i}"))).collect();
        let n = decide(&ctx(), &new, 5).unwrap();
        assert_eq!(n.summary, "5 new messages · work");
        assert_eq!(n.open, Open::Inbox(7));
        let lines: Vec<_> = n.body.lines().collect();
        assert_eq!(lines, ["Sender 1 — Subject 1", "Sender 2 — Subject 2", "Sender 3 — Subject 3", "and 2 more"]);
    }

    #[test]
    fn a_group_counts_all_new_mail_even_when_only_the_first_few_were_loaded() {
        let new = vec![mail(9, "A", "x"), mail(8, "B", "y")];
        let n = decide(&ctx(), &new, 40).unwrap();
        assert_eq!(n.summary, "40 new messages · work");
        assert!(n.body.ends_with("and 38 more"), "{}", n.body);
    }

    #[test]
    fn markup_in_names_and_subjects_is_escaped() {
        let m = mail(1, "<b>Eve</b> & co", "<a href=\"https://evil.test\">Win</a> <img src=x>");
        let n = decide(&ctx(), &[m.clone(), mail(2, "Bob", "ok")], 2).unwrap();
        assert!(!n.body.contains('<') && !n.body.contains('>'), "{}", n.body);
        assert!(n.body.contains("&lt;b&gt;Eve&lt;/b&gt; &amp; co — &lt;a href=\"https://evil.test\"&gt;Win&lt;/a&gt;"));
        let one = decide(&ctx(), &[m], 1).unwrap();
        assert_eq!(one.summary, "‹b›Eve‹/b› & co · work");
        assert_eq!(one.body, "&lt;a href=\"https://evil.test\"&gt;Win&lt;/a&gt; &lt;img src=x&gt;");
    }

    #[test]
    fn escaping_handles_ampersands_and_control_characters() {
        assert_eq!(escape_markup("a & b"), "a &amp; b");
        assert_eq!(escape_markup("&amp;"), "&amp;amp;");
        assert_eq!(escape_markup("line\nbreak\u{7}bell"), "line breakbell");
        assert_eq!(escape_markup("Grüße — ok"), "Grüße — ok");
    }

    #[test]
    fn an_empty_subject_says_so() {
        let n = decide(&ctx(), &[mail(1, "Jane", "  ")], 1).unwrap();
        assert_eq!(n.body, "(no subject)");
    }

    mod store {
        use super::super::*;
        use crate::crm::model::{NewCompany, NewContact};
        use crate::crm::repo::RecordRepo;
        use crate::secrets::NoSecrets;

        fn insert(
            core: &crate::Core,
            account: i64,
            folder: i64,
            uid: i64,
            from: (&str, &str),
            subject: &str,
            flags: &str,
        ) {
            core.store
                .conn()
                .unwrap()
                .execute(
                    r"INSERT INTO messages (account_id, folder_id, uid, subject, from_name, from_addr, date, flags)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
                    rusqlite::params![account, folder, uid, subject, from.0, from.1, 1_780_000_000 + uid, flags],
                )
                .unwrap();
        }

        #[test]
        fn new_unread_inbox_mail_after_the_mark_comes_with_crm_context() {
            let dir = tempfile::tempdir().unwrap();
            let core = crate::Core::open(dir.path(), std::sync::Arc::new(NoSecrets(String::new()))).unwrap();
            core.store
                .conn()
                .unwrap()
                .execute(
                    r"INSERT INTO accounts (name, email, display_name, addresses, username, imap_host, imap_port,
                     imap_security, smtp_host, smtp_port, smtp_security, credential, secret_ref, created_at)
                     VALUES ('work', 'a@example.test', '', '[]', 'a', 'h', 993, 'tls', 'h', 465, 'tls', 'keyring', 'x', 0)",
                    [],
                )
                .unwrap();
            let account = core.accounts().list().unwrap()[0].id;
            let inbox =
                crate::cache::upsert_folder(&core.store, account, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
            let sent =
                crate::cache::upsert_folder(&core.store, account, "Sent", "Sent", Some("/"), Some("sent")).unwrap();
            insert(&core, account, inbox, 1, ("Old", "old@example.test"), "before the check", "");
            let mark = inbox_high_water(&core.store, account).unwrap();
            assert!(mark > 0);
            {
                let conn = core.store.conn().unwrap();
                let crm = SqliteCrm::new(&conn);
                let acme = crm.add_company(&NewCompany { name: "ACME Corp".into(), ..Default::default() }, 0).unwrap();
                let jane = NewContact {
                    name: "Jane Roe".into(),
                    addresses: vec!["jane@acme.example".into()],
                    company_id: Some(acme),
                    ..Default::default()
                };
                crm.add_contact(&jane, 0).unwrap();
            }
            insert(&core, account, inbox, 2, ("Jane Roe", "Jane@ACME.example"), "Re: renewal", "");
            insert(&core, account, inbox, 3, ("Read", "read@example.test"), "already read", "\\Seen");
            insert(&core, account, sent, 1, ("Me", "a@example.test"), "sent by me", "");
            insert(&core, account, inbox, 4, ("Stranger", "s@example.test"), "hello", "\\Flagged");

            let (total, new) = new_inbox_mail(&core.store, account, mark, 10).unwrap();
            assert_eq!(total, 2, "{new:?}");
            let got: Vec<_> = new.iter().map(|m| (m.subject.as_str(), m.crm.as_deref())).collect();
            assert_eq!(got, [("hello", None), ("Re: renewal", Some("ACME Corp · Jane Roe"))]);
            let (total, new) = new_inbox_mail(&core.store, account, mark, 1).unwrap();
            assert_eq!((total, new.len()), (2, 1));
        }
    }
}
