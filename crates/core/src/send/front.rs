//! The sending side of the core's front door: new messages, replies, forwards, drafts, the outbox and
//! address suggestions. Each method is one call into the modules that do the work.

use crate::account::Account;
use crate::error::{Error, Result};
use crate::send::addresses::{self, Suggestion};
use crate::send::compose::{self, AttachmentSource, Draft};
use crate::send::drafts::{self, DraftInfo};
use crate::send::outbox::{self, OutboxItem};
use crate::send::staging::{self, Staged};
use crate::send::{edit, reply};
use crate::Core;

/// Reached with [`Core::compose`].
pub struct Compose<'a> {
    pub(crate) core: &'a Core,
}

/// A message being written: the account it is sent from, its saved draft (if saved yet), its content.
#[derive(Debug, Clone)]
pub struct Composed {
    pub account_id: i64,
    pub draft_id: Option<i64>,
    pub draft: Draft,
}

/// Messages sent less than this long ago still show in the outbox (as "Sent").
pub const SHOW_SENT_FOR: i64 = 10 * 60;

impl AttachmentSource {
    /// The file's size in bytes now (0 when it is gone).
    pub fn size(&self) -> u64 {
        std::fs::metadata(&self.path).map(|m| m.len()).unwrap_or(0)
    }

    /// The name shown for it: the given one, else the file's.
    pub fn shown_name(&self) -> String {
        self.filename
            .clone()
            .unwrap_or_else(|| self.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default())
    }
}

impl Compose<'_> {
    fn store(&self) -> &crate::store::Store {
        &self.core.store
    }

    /// The account a new message is sent from: the one asked for, else the first that can send.
    pub fn sending_account(&self, account_id: Option<i64>) -> Result<Account> {
        if let Some(id) = account_id {
            return self.core.accounts().get(id);
        }
        let all = self.core.accounts().list()?;
        all.iter()
            .find(|a| !a.is_offline())
            .or(all.first())
            .cloned()
            .ok_or_else(|| Error::config("add an account first"))
    }

    /// A blank message from `account_id` (or the first account that can send).
    pub fn new_message(&self, account_id: Option<i64>) -> Result<Composed> {
        let a = self.sending_account(account_id)?;
        Ok(Composed { account_id: a.id, draft_id: None, draft: Draft::default() })
    }

    /// A reply (or reply-all) to a cached message, from the account that received it.
    pub fn reply(&self, message_id: i64, all: bool) -> Result<Composed> {
        let m = crate::query::get(self.store(), message_id)?;
        let a = self.core.accounts().get(m.summary.account_id)?;
        let draft = reply::reply(self.store(), &a, message_id, all)?;
        Ok(Composed { account_id: a.id, draft_id: None, draft })
    }

    /// Forward a cached message, inline (its text quoted below the new one) or as an attachment.
    pub fn forward(&self, message_id: i64, as_attachment: bool) -> Result<Composed> {
        let m = crate::query::get(self.store(), message_id)?;
        let draft = reply::forward(self.store(), message_id, as_attachment, &staging::dir(self.core.dir())?)?;
        Ok(Composed { account_id: m.summary.account_id, draft_id: None, draft })
    }

    /// Saved drafts of one account, or of all.
    pub fn drafts(&self, account_id: Option<i64>) -> Result<Vec<DraftInfo>> {
        drafts::list(self.store(), account_id)
    }

    /// Reopen a saved draft.
    pub fn open_draft(&self, draft_id: i64) -> Result<Composed> {
        let info = self.find_draft(draft_id)?.ok_or_else(|| Error::not_found(format!("no draft {draft_id}")))?;
        let draft = drafts::get(self.store(), draft_id)?;
        Ok(Composed { account_id: info.account_id, draft_id: Some(draft_id), draft })
    }

    fn find_draft(&self, draft_id: i64) -> Result<Option<DraftInfo>> {
        Ok(drafts::list(self.store(), None)?.into_iter().find(|d| d.id == draft_id))
    }

    /// Save the draft as the user types (create it when `draft_id` is `None`); returns its id. Its
    /// attachments must be files Dealbox staged.
    pub fn save_draft(&self, account_id: i64, draft_id: Option<i64>, draft: &Draft) -> Result<i64> {
        staging::check(self.core.dir(), draft)?;
        drafts::save(self.store(), account_id, draft_id, draft)
    }

    /// Throw a draft away with its staged files (its server copy goes with the next upload); returns its
    /// account.
    pub fn discard_draft(&self, draft_id: i64) -> Result<Option<i64>> {
        let info = self.find_draft(draft_id)?;
        let d = drafts::get(self.store(), draft_id)?;
        drafts::discard(self.store(), draft_id)?;
        staging::drop_files(self.core.dir(), &d);
        Ok(info.map(|i| i.account_id))
    }

    /// Send: validate (addresses, header injection, 25 MB per attachment), save the draft, put the message
    /// in the durable outbox. If validation fails nothing is queued and the draft stays. Returns the outbox
    /// id; the outbox service sends it.
    pub fn send(&self, account_id: i64, draft_id: Option<i64>, draft: &Draft) -> Result<i64> {
        compose::validate(draft)?;
        staging::check(self.core.dir(), draft)?;
        let account = self.core.accounts().get(account_id)?;
        let id = drafts::save(self.store(), account_id, draft_id, draft)?;
        let outbox_id = drafts::send(self.store(), &account, id)?;
        // The outbox holds the whole message now; the staged files are not needed any more.
        staging::drop_files(self.core.dir(), draft);
        Ok(outbox_id)
    }

    /// What is in the outbox: everything not yet done, and what was sent in the last [`SHOW_SENT_FOR`]
    /// seconds before `now`.
    pub fn outbox(&self, now: i64) -> Result<Vec<OutboxItem>> {
        let since = now - SHOW_SENT_FOR;
        Ok(outbox::list(self.store(), None)?
            .into_iter()
            .filter(|i| i.state != outbox::OutboxState::Done || i.last_error.is_some() || i.created_at >= since)
            .collect())
    }

    /// Every outbox row of one account, or of all (done ones too).
    pub fn outbox_all(&self, account_id: Option<i64>) -> Result<Vec<OutboxItem>> {
        outbox::list(self.store(), account_id)
    }

    /// Put a parked message back in the queue.
    pub fn retry(&self, outbox_id: i64) -> Result<()> {
        outbox::retry(self.store(), outbox_id)
    }

    /// Delete a queued or parked message.
    pub fn delete(&self, outbox_id: i64) -> Result<()> {
        outbox::delete(self.store(), outbox_id)
    }

    /// Take a parked message out of the outbox as a draft, to fix and send again.
    pub fn edit(&self, outbox_id: i64) -> Result<Composed> {
        let (account_id, draft_id, draft) = edit::to_draft(self.store(), outbox_id, &staging::dir(self.core.dir())?)?;
        Ok(Composed { account_id, draft_id: Some(draft_id), draft })
    }

    /// To/Cc/Bcc autocomplete: CRM contacts, then recent correspondents (never our own addresses).
    pub fn suggest(&self, text: &str, limit: usize) -> Result<Vec<Suggestion>> {
        let ours: Vec<String> = self.core.accounts().list()?.iter().flat_map(|a| a.all_addresses()).collect();
        addresses::suggest(self.store(), text, &ours, limit)
    }

    /// A reply from a chosen account (the CLI's `--account`), as a draft to fill in.
    pub fn reply_from(&self, account: &Account, message_id: i64, all: bool) -> Result<Draft> {
        reply::reply(self.store(), account, message_id, all)
    }

    /// Build and queue a message in the outbox without the staging rule: for a caller whose user names
    /// files directly (the CLI). Nothing touches the network; returns the outbox id and the message.
    pub fn enqueue(&self, account: &Account, draft: &Draft) -> Result<(i64, compose::Built)> {
        outbox::enqueue(self.store(), account, draft)
    }

    /// [`Compose::save_draft`] without the staging rule, for the CLI (see [`Compose::enqueue`]).
    pub fn save_draft_from_files(&self, account_id: i64, draft_id: Option<i64>, draft: &Draft) -> Result<i64> {
        drafts::save(self.store(), account_id, draft_id, draft)
    }

    /// Queue a saved draft for sending; returns the outbox id.
    pub fn send_saved_draft(&self, account: &Account, draft_id: i64) -> Result<i64> {
        drafts::send(self.store(), account, draft_id)
    }

    /// Keep a file the user picked or dropped (checked against the 25 MB limit first).
    pub fn stage(&self, name: &str, bytes: &[u8]) -> Result<Staged> {
        staging::stage(self.core.dir(), name, bytes)
    }
}
