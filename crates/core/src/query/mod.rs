//! Reading the cache: folders, message lists, conversations, one message, search.

mod crm;
mod folders;
mod list;
mod message;
mod search;
mod summary;
mod syntax;

pub use crate::time::rfc3339;
pub use crm::{search_crm, CrmHit};
pub use folders::{folders, FolderInfo};
pub use list::{conversation_messages, conversations, list, list_sorted, Conversation, ConversationPage};
pub use message::{get, raw, AttachmentInfo, MessageDetail};
pub use search::{search, search_sorted};
pub use summary::{MessageSummary, Sort};
pub use syntax::{parse_query, SearchQuery};

/// The values bound to a query built from parts: [`Binds::bind`] keeps a value and returns its placeholder,
/// so the SQL text holds only placeholders, never a value.
#[derive(Default)]
pub(crate) struct Binds(Vec<rusqlite::types::Value>);

impl Binds {
    pub(crate) fn bind(&mut self, v: impl Into<rusqlite::types::Value>) -> String {
        self.0.push(v.into());
        format!("?{}", self.0.len())
    }

    pub(crate) fn params(&self) -> rusqlite::ParamsFromIter<std::slice::Iter<'_, rusqlite::types::Value>> {
        rusqlite::params_from_iter(self.0.iter())
    }
}

/// Stores to query in the tests of this module's parts.
#[cfg(test)]
#[allow(clippy::unwrap_used)]
pub(crate) mod fixtures {
    use crate::cache::{self, Fetched};
    use crate::store::Store;

    /// One account with INBOX; messages are (uid, raw, flags).
    pub(crate) fn store_with(msgs: &[(u32, String, &[&str])]) -> Store {
        let store = Store::open_in_memory().unwrap();
        store
        .conn()
        .unwrap()
        .execute(
            r"INSERT INTO accounts (name, email, username, imap_host, imap_port, imap_security, smtp_host, smtp_port,
             smtp_security, credential, secret_ref, created_at) VALUES ('a', 'a@x.test', 'a', 'h', 1, 'tls', 'h', 1,
             'tls', 'keyring', 'ref', 0)",
            [],
        )
        .unwrap();
        let inbox = cache::upsert_folder(&store, 1, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
        let fetched: Vec<Fetched<'_>> = msgs
            .iter()
            .map(|(uid, raw, flags)| Fetched {
                uid: *uid,
                flags: flags.iter().map(|f| f.to_string()).collect(),
                modseq: None,
                size: raw.len() as u64,
                raw: raw.as_bytes(),
                internal_date: None,
            })
            .collect();
        cache::store_messages(&store, 1, inbox, &fetched).unwrap();
        store
    }

    pub(crate) fn mail(id: &str, reply_to: Option<&str>, day: u32, from: &str, to: &str, subject: &str) -> String {
        let irt = reply_to.map(|r| format!("In-Reply-To: <{r}>\r\nReferences: <{r}>\r\n")).unwrap_or_default();
        format!(
            "Message-ID: <{id}>\r\n{irt}Date: {day:02} Mar 2026 10:00:00 +0000\r\nFrom: {from}\r\nTo: {to}\r\n\
         Subject: {subject}\r\n\r\nAbout the {subject}.\r\n"
        )
    }

    /// Thread A: a1 (day 1), a2 (day 5, reply, unread); thread B: b1 (day 3); single c1 (day 4, flagged).
    pub(crate) fn threads() -> Store {
        store_with(&[
            (1, mail("a1@x", None, 1, "Jane Roe <jane@acme.test>", "a@x.test", "Renewal"), &["\\Seen"]),
            (2, mail("b1@x", None, 3, "Tom <tom@hooli.test>", "a@x.test", "Pricing"), &["\\Seen"]),
            (3, mail("c1@x", None, 4, "Li <li@initech.test>", "a@x.test", "Invoice"), &["\\Seen", "\\Flagged"]),
            (4, mail("a2@x", Some("a1@x"), 5, "Jane Roe <jane@acme.test>", "a@x.test", "Re: Renewal"), &[]),
        ])
    }
}
