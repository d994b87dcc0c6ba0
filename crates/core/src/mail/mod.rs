//! The mail side of the core's front door: what the app and the CLI ask about cached mail (folders, lists,
//! conversations, one message made safe to show, search, local changes, attachments, new-mail notices).
//! Each method is one call into the modules that do the work; callers never see the store.

pub mod html;

use std::path::PathBuf;

use crate::attachments::{self, AttachmentData};
use crate::error::{Error, Result};
use crate::query::{self, ConversationPage, CrmHit, FolderInfo, MessageDetail, MessageSummary, Sort};
use crate::sync::queue::{self, LocalChange};
use crate::{notify, remote_content, store, Core};

pub use html::{sanitize_email_html, SafeHtml};

/// Reached with [`Core::mail`].
pub struct Mail<'a> {
    pub(crate) core: &'a Core,
}

/// One message for the reader: its details and its HTML made safe to show.
#[derive(Debug, Clone)]
pub struct MessageView {
    pub detail: MessageDetail,
    /// The sanitised HTML document (`None` for a plain-text message).
    pub safe_html: Option<SafeHtml>,
    /// Remote content was loaded (asked for this once, or allowed always for the sender).
    pub remote_allowed: bool,
    /// The user allowed remote content always for this sender.
    pub sender_allowed: bool,
}

impl Mail<'_> {
    fn store(&self) -> &store::Store {
        &self.core.store
    }

    /// Folders of one account, or of all with `None`.
    pub fn folders(&self, account_id: Option<i64>) -> Result<Vec<FolderInfo>> {
        query::folders(self.store(), account_id)
    }

    /// One page of messages, by `sort`. `folder` is a name or a role ("inbox"); with no account and
    /// `folder = "inbox"` this is the unified inbox.
    pub fn list(
        &self,
        account_id: Option<i64>,
        folder: Option<&str>,
        sort: Sort,
        limit: u32,
        offset: u32,
    ) -> Result<Vec<MessageSummary>> {
        query::list_sorted(self.store(), account_id, folder, sort, limit, offset)
    }

    /// One page of conversations (threads), newest activity first or by `sort`.
    pub fn conversations(
        &self,
        account_id: Option<i64>,
        folder: Option<&str>,
        sort: Sort,
        limit: u32,
        offset: u32,
    ) -> Result<ConversationPage> {
        query::conversations(self.store(), account_id, folder, sort, limit, offset)
    }

    /// The messages of one conversation in a folder.
    pub fn conversation_messages(
        &self,
        account_id: Option<i64>,
        folder: Option<&str>,
        thread_id: i64,
        sort: Sort,
    ) -> Result<Vec<MessageSummary>> {
        query::conversation_messages(self.store(), account_id, folder, thread_id, sort)
    }

    /// Full-text search with the search syntax (`from:`, `subject:`, dates, …).
    pub fn search(&self, account_id: Option<i64>, q: &str, sort: Sort, limit: u32) -> Result<Vec<MessageSummary>> {
        query::search_sorted(self.store(), account_id, q, sort, limit)
    }

    /// CRM records whose name or address matches, for the search box.
    pub fn search_crm(&self, q: &str, limit: u32) -> Result<Vec<CrmHit>> {
        query::search_crm(self.store(), q, limit)
    }

    /// One cached message, as stored.
    pub fn message(&self, id: i64) -> Result<MessageDetail> {
        query::get(self.store(), id)
    }

    /// The raw RFC 5322 bytes of a cached message.
    pub fn raw(&self, id: i64) -> Result<Vec<u8>> {
        query::raw(self.store(), id)
    }

    /// One message for the reader, its HTML sanitised; remote images only with `allow_remote` or when the
    /// user allowed them always for this sender.
    pub fn view(&self, id: i64, allow_remote: bool) -> Result<MessageView> {
        let detail = query::get(self.store(), id)?;
        let sender_allowed = remote_content::is_allowed(self.store(), detail.summary.account_id, &detail.summary.from)?;
        let remote_allowed = allow_remote || sender_allowed;
        let safe_html = detail.html.as_deref().map(|h| sanitize_email_html(h, remote_allowed));
        Ok(MessageView { detail, safe_html, remote_allowed, sender_allowed })
    }

    /// Load remote content from this message's sender without asking (`allow`), or ask again.
    pub fn set_remote_content_for_sender(&self, message_id: i64, allow: bool, now: i64) -> Result<()> {
        let m = query::get(self.store(), message_id)?;
        if allow {
            remote_content::allow(self.store(), m.summary.account_id, &m.summary.from, now)
        } else {
            remote_content::revoke(self.store(), m.summary.account_id, &m.summary.from)
        }
    }

    /// Read/unread, flag, delete, archive, spam: applied to the cache now, sent to the server by the next sync.
    pub fn change(&self, id: i64, change: &LocalChange) -> Result<()> {
        queue::apply(self.store(), id, change)
    }

    /// [`Mail::change`] for many messages in one transaction; returns how many changed.
    pub fn change_all(&self, ids: &[i64], change: &LocalChange) -> Result<usize> {
        queue::apply_all(self.store(), ids, change)
    }

    /// Changes made here and not yet on the server.
    pub fn pending_changes(&self, account_id: i64) -> Result<Vec<queue::Pending>> {
        queue::pending(self.store(), account_id)
    }

    /// An attachment's bytes, decoded from the cached message.
    pub fn attachment(&self, attachment_id: i64) -> Result<AttachmentData> {
        attachments::get(self.store(), attachment_id)
    }

    /// Write an attachment to a private folder under `base` (e.g. the session's runtime dir) to open it
    /// with the system's handler. Programs and scripts are refused (`ErrorKind::RiskyAttachment`): opening
    /// them would run them; the reader offers Save instead, with a warning.
    pub fn attachment_to_open(&self, attachment_id: i64, base: Option<PathBuf>) -> Result<PathBuf> {
        let a = self.attachment(attachment_id)?;
        let name = attachments::safe_file_name(a.info.filename.as_deref(), &a.info.mime_type);
        if attachments::is_risky(&name, &a.info.mime_type) {
            return Err(Error::risky_attachment(format!(
                "{name} is a program or script: Dealbox does not open these. Save it only if you trust the sender."
            )));
        }
        let base = base.filter(|p| p.is_dir()).unwrap_or_else(|| self.core.dir().to_path_buf());
        let dir = attachments::private_dir(&base)?.join(format!("{attachment_id}"));
        attachments::write_new(&dir, &name, &a.bytes)
    }

    /// Save an attachment into `dir` (Downloads by default) under a name that replaces nothing; returns where.
    pub fn save_attachment(&self, attachment_id: i64, dir: Option<PathBuf>) -> Result<PathBuf> {
        let a = self.attachment(attachment_id)?;
        let name = attachments::safe_file_name(a.info.filename.as_deref(), &a.info.mime_type);
        attachments::write_new(&dir.unwrap_or_else(attachments::downloads_dir), &name, &a.bytes)
    }

    /// Apply a local change to one message (the CLI's `flag`, `move`, `delete`).
    pub fn apply(&self, id: i64, change: &LocalChange) -> Result<()> {
        queue::apply(self.store(), id, change)
    }

    /// The highest message id in the account's Inbox: remember it when a check starts, and ask
    /// [`Mail::new_inbox_mail`] for what came after it.
    pub fn inbox_high_water(&self, account_id: i64) -> Result<i64> {
        notify::inbox_high_water(self.store(), account_id)
    }

    /// Unread Inbox mail above `after`: how many, and the newest `limit` with their CRM context.
    pub fn new_inbox_mail(&self, account_id: i64, after: i64, limit: usize) -> Result<(usize, Vec<notify::NewMail>)> {
        notify::new_inbox_mail(self.store(), account_id, after, limit)
    }
}
