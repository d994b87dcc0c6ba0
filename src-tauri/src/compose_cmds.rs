//! Compose, drafts and the outbox: thin commands over `dealbox_core::send`. Sending puts the draft in the
//! durable outbox and starts a flush at once (one flush at a time); `outbox-changed` events tell the UI to
//! refetch the outbox.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use dealbox_core::account::Account;
use dealbox_core::imap::Timeouts;
use dealbox_core::send::compose::{self, AttachmentSource, Draft};
use dealbox_core::send::{addresses, drafts, edit, outbox, reply};
use dealbox_core::store::unix_now;
use dealbox_core::{query, Core, Error};
use serde::{Deserialize, Serialize};
use tauri::{AppHandle, Emitter, Manager, State};
use ts_rs::TS;

use crate::commands::blocking;
use crate::dto::UiError;
use crate::AppState;

/// The event the UI listens to; it carries the account id and the UI refetches the outbox.
pub const OUTBOX_EVENT: &str = "outbox-changed";

/// How often the outbox is looked at for messages whose retry is due (backoff, no network, filing in Sent
/// failed); a look with nothing due is one SELECT.
const RETRY_EVERY: Duration = Duration::from_secs(20);

/// Messages sent less than this long ago still show in the outbox (as "Sent").
const SHOW_SENT_FOR: i64 = 10 * 60;

#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComposeAttachmentDto {
    /// Where the file was staged (in the profile); the message is built from it when sent.
    pub path: String,
    pub filename: String,
    pub size: u64,
    pub mime_type: Option<String>,
    pub content_id: Option<String>,
}

/// What the user is writing (the core's `Draft`).
#[derive(Debug, Clone, Serialize, Deserialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftDto {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    /// The rich-text body; `null` for plain text. Sent as multipart/alternative with `text`.
    pub html: Option<String>,
    pub attachments: Vec<ComposeAttachmentDto>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The cached message this answers (marked \Answered once sent).
    pub reply_to_message: Option<i64>,
}

impl From<Draft> for DraftDto {
    fn from(d: Draft) -> Self {
        Self {
            to: d.to,
            cc: d.cc,
            bcc: d.bcc,
            subject: d.subject,
            text: d.text,
            html: d.html,
            attachments: d
                .attachments
                .into_iter()
                .map(|a| ComposeAttachmentDto {
                    size: std::fs::metadata(&a.path).map(|m| m.len()).unwrap_or(0),
                    filename: a.filename.clone().unwrap_or_else(|| {
                        a.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
                    }),
                    path: a.path.to_string_lossy().to_string(),
                    mime_type: a.mime_type,
                    content_id: a.content_id,
                })
                .collect(),
            in_reply_to: d.in_reply_to,
            references: d.references,
            reply_to_message: d.reply_to_message,
        }
    }
}

impl From<DraftDto> for Draft {
    fn from(d: DraftDto) -> Self {
        Self {
            to: d.to,
            cc: d.cc,
            bcc: d.bcc,
            subject: d.subject,
            text: d.text,
            html: d.html,
            attachments: d
                .attachments
                .into_iter()
                .map(|a| AttachmentSource {
                    path: PathBuf::from(a.path),
                    filename: Some(a.filename),
                    content_id: a.content_id,
                    mime_type: a.mime_type,
                })
                .collect(),
            in_reply_to: d.in_reply_to,
            references: d.references,
            reply_to_message: d.reply_to_message,
        }
    }
}

/// A compose window's content: the account it is sent from and the saved draft (if saved yet).
#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct ComposeDto {
    pub account_id: i64,
    pub draft_id: Option<i64>,
    pub draft: DraftDto,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct OutboxItemDto {
    pub id: i64,
    pub account_id: i64,
    pub subject: String,
    pub recipients: Vec<String>,
    /// queued | sending | committing | parked | sent | done
    pub state: String,
    pub attempts: i64,
    /// The server's words for a parked message (or why it waits).
    pub last_error: Option<String>,
    /// Unix seconds.
    pub next_attempt_at: i64,
    pub created_at: i64,
}

impl From<outbox::OutboxItem> for OutboxItemDto {
    fn from(i: outbox::OutboxItem) -> Self {
        Self {
            id: i.id,
            account_id: i.account_id,
            subject: i.subject,
            recipients: i.recipients,
            state: i.state.to_string(),
            attempts: i.attempts,
            last_error: i.last_error,
            next_attempt_at: i.next_attempt_at,
            created_at: i.created_at,
        }
    }
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct DraftSummaryDto {
    pub id: i64,
    pub account_id: i64,
    pub subject: String,
    pub to: Vec<String>,
    pub updated_at: i64,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct AddressSuggestionDto {
    pub name: String,
    pub address: String,
    pub company: Option<String>,
    /// "contact" (CRM) or "recent".
    pub source: String,
}

/// Staged attachments and forwarded originals live here until the draft is sent or discarded.
fn compose_dir(core: &Core) -> dealbox_core::Result<PathBuf> {
    let p = core.dir().join("compose");
    std::fs::create_dir_all(&p)?;
    Ok(p)
}

/// Attachments are only ever files Dealbox staged itself (picked or dropped files, forwarded originals,
/// parked messages taken back): a draft naming any other path is refused, so a compromised page could not
/// mail out arbitrary files from the disk.
fn check_attachments(core: &Core, d: &Draft) -> dealbox_core::Result<()> {
    let root = compose_dir(core)?.canonicalize()?;
    for a in &d.attachments {
        let inside = a.path.canonicalize().map(|p| p.starts_with(&root)).unwrap_or(false);
        if !inside {
            return Err(Error::config(format!(
                "the attachment {} was not added through Dealbox; attach it again",
                a.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default()
            )));
        }
    }
    Ok(())
}

/// Remove staged attachment files once the message no longer needs them (sent or discarded).
fn drop_staged(core: &Core, d: &Draft) {
    let Ok(root) = compose_dir(core).and_then(|r| Ok(r.canonicalize()?)) else { return };
    for a in &d.attachments {
        if let Ok(p) = a.path.canonicalize() {
            if p.starts_with(&root) && p != root {
                let _ = std::fs::remove_file(&p);
                if let Some(parent) = p.parent().filter(|d| *d != root) {
                    let _ = std::fs::remove_dir(parent); // only when empty
                }
            }
        }
    }
}

/// The account a new message is sent from: the one asked for, else the first that can send.
fn sending_account(core: &Core, account_id: Option<i64>) -> dealbox_core::Result<Account> {
    if let Some(id) = account_id {
        return core.accounts().get(id);
    }
    let all = core.accounts().list()?;
    all.iter()
        .find(|a| !dealbox_core::demo::is_demo_account(a))
        .or(all.first())
        .cloned()
        .ok_or_else(|| Error::config("add an account first"))
}

/// A blank message from `account_id` (or the first account).
#[tauri::command]
pub async fn compose_new(state: State<'_, AppState>, account_id: Option<i64>) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| {
        let a = sending_account(c, account_id)?;
        Ok(ComposeDto { account_id: a.id, draft_id: None, draft: Draft::default().into() })
    })
    .await
}

/// A reply (or reply-all) to a cached message, from the account that received it.
#[tauri::command]
pub async fn compose_reply(state: State<'_, AppState>, message_id: i64, all: bool) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| {
        let m = query::get(&c.store, message_id)?;
        let a = c.accounts().get(m.summary.account_id)?;
        let d = reply::reply(&c.store, &a, message_id, all)?;
        Ok(ComposeDto { account_id: a.id, draft_id: None, draft: d.into() })
    })
    .await
}

/// Forward a cached message inline (its text quoted below the new one).
#[tauri::command]
pub async fn compose_forward(state: State<'_, AppState>, message_id: i64) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| {
        let m = query::get(&c.store, message_id)?;
        let d = reply::forward(&c.store, message_id, false, &compose_dir(c)?)?;
        Ok(ComposeDto { account_id: m.summary.account_id, draft_id: None, draft: d.into() })
    })
    .await
}

/// Reopen a saved draft.
#[tauri::command]
pub async fn open_draft(state: State<'_, AppState>, draft_id: i64) -> Result<ComposeDto, UiError> {
    blocking(&state, move |c| {
        let info = drafts::list(&c.store, None)?
            .into_iter()
            .find(|d| d.id == draft_id)
            .ok_or_else(|| Error::not_found(format!("no draft {draft_id}")))?;
        let d = drafts::get(&c.store, draft_id)?;
        Ok(ComposeDto { account_id: info.account_id, draft_id: Some(draft_id), draft: d.into() })
    })
    .await
}

#[tauri::command]
pub async fn list_drafts(state: State<'_, AppState>) -> Result<Vec<DraftSummaryDto>, UiError> {
    blocking(&state, |c| {
        Ok(drafts::list(&c.store, None)?
            .into_iter()
            .map(|d| DraftSummaryDto {
                id: d.id,
                account_id: d.account_id,
                subject: d.subject,
                to: d.to,
                updated_at: d.updated_at,
            })
            .collect())
    })
    .await
}

/// Save the draft as the user types (create it when `draft_id` is null); returns its id.
#[tauri::command]
pub async fn save_draft(
    state: State<'_, AppState>,
    account_id: i64,
    draft_id: Option<i64>,
    draft: DraftDto,
) -> Result<i64, UiError> {
    blocking(&state, move |c| {
        let d: Draft = draft.into();
        check_attachments(c, &d)?;
        drafts::save(&c.store, account_id, draft_id, &d)
    })
    .await
}

/// Throw a draft away (its server copy goes with the next upload).
#[tauri::command]
pub async fn discard_draft(app: AppHandle, state: State<'_, AppState>, draft_id: i64) -> Result<(), UiError> {
    let account = blocking(&state, move |c| {
        let info = drafts::list(&c.store, None)?.into_iter().find(|d| d.id == draft_id);
        let d = drafts::get(&c.store, draft_id)?;
        drafts::discard(&c.store, draft_id)?;
        drop_staged(c, &d);
        Ok(info.map(|i| i.account_id))
    })
    .await?;
    if let (Ok(core), Some(id)) = (state.core(), account) {
        kick(&app, core, Some(id), true);
    }
    Ok(())
}

/// The compose window closed: upload its draft to the server's Drafts folder.
#[tauri::command]
pub async fn upload_drafts(app: AppHandle, state: State<'_, AppState>, account_id: i64) -> Result<(), UiError> {
    kick(&app, state.core()?, Some(account_id), true);
    Ok(())
}

/// Send: save the draft, validate it (addresses, 25 MB per attachment), put it in the outbox and start
/// sending at once. If validation fails nothing is queued and the draft stays. Returns the outbox id.
#[tauri::command]
pub async fn send_draft(
    app: AppHandle,
    state: State<'_, AppState>,
    account_id: i64,
    draft_id: Option<i64>,
    draft: DraftDto,
) -> Result<i64, UiError> {
    let draft: Draft = draft.into();
    let id = blocking(&state, move |c| {
        compose::validate(&draft)?;
        check_attachments(c, &draft)?;
        let account = c.accounts().get(account_id)?;
        let id = drafts::save(&c.store, account_id, draft_id, &draft)?;
        let outbox_id = drafts::send(&c.store, &account, id)?;
        // The outbox holds the whole message now; the staged files are not needed any more.
        drop_staged(c, &draft);
        Ok(outbox_id)
    })
    .await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, account_id);
    kick(&app, state.core()?, Some(account_id), true);
    Ok(id)
}

/// What is in the outbox: everything not yet done, and what was sent in the last minutes.
#[tauri::command]
pub async fn list_outbox(state: State<'_, AppState>) -> Result<Vec<OutboxItemDto>, UiError> {
    let since = unix_now() - SHOW_SENT_FOR;
    blocking(&state, move |c| {
        Ok(outbox::list(&c.store, None)?
            .into_iter()
            .filter(|i| i.state != outbox::OutboxState::Done || i.last_error.is_some() || i.created_at >= since)
            .map(OutboxItemDto::from)
            .collect())
    })
    .await
}

/// Put a parked message back in the queue and try it now.
#[tauri::command]
pub async fn retry_outbox(app: AppHandle, state: State<'_, AppState>, id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| outbox::retry(&c.store, id)).await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, ());
    kick(&app, state.core()?, None, false);
    Ok(())
}

/// Delete a queued or parked message.
#[tauri::command]
pub async fn delete_outbox(app: AppHandle, state: State<'_, AppState>, id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| outbox::delete(&c.store, id)).await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, ());
    Ok(())
}

/// Take a parked message out of the outbox as a draft, to fix and send again.
#[tauri::command]
pub async fn edit_outbox(app: AppHandle, state: State<'_, AppState>, id: i64) -> Result<ComposeDto, UiError> {
    let dto = blocking(&state, move |c| {
        let (account_id, draft_id, d) = edit::to_draft(&c.store, id, &compose_dir(c)?)?;
        Ok(ComposeDto { account_id, draft_id: Some(draft_id), draft: d.into() })
    })
    .await?;
    let _ = app.emit_to("main", OUTBOX_EVENT, dto.account_id);
    Ok(dto)
}

/// To/Cc/Bcc autocomplete: CRM contacts, then recent correspondents.
#[tauri::command]
pub async fn suggest_addresses(
    state: State<'_, AppState>,
    text: String,
    limit: u32,
) -> Result<Vec<AddressSuggestionDto>, UiError> {
    blocking(&state, move |c| {
        let ours: Vec<String> = c.accounts().list()?.iter().flat_map(|a| a.all_addresses()).collect();
        Ok(addresses::suggest(&c.store, &text, &ours, limit.min(50) as usize)?
            .into_iter()
            .map(|s| AddressSuggestionDto {
                name: s.name,
                address: s.address,
                company: s.company,
                source: s.source.to_string(),
            })
            .collect())
    })
    .await
}

fn percent_decode(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let hex = |c: u8| (c as char).to_digit(16);
        if b[i] == b'%' && i + 2 < b.len() {
            if let (Some(h), Some(l)) = (hex(b[i + 1]), hex(b[i + 2])) {
                out.push((h * 16 + l) as u8);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A file the user picked or dropped: its bytes arrive as the raw request body, its name (URI-encoded) in
/// the `x-filename` header. It is checked against the 25 MB limit by the core before it is kept.
#[tauri::command]
pub async fn stage_attachment(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<ComposeAttachmentDto, UiError> {
    let tauri::ipc::InvokeBody::Raw(bytes) = request.body() else {
        return Err(UiError::internal("stage_attachment expects the file's bytes as the request body"));
    };
    let name = request.headers().get("x-filename").and_then(|v| v.to_str().ok()).map(percent_decode);
    let name = name.filter(|n| !n.trim().is_empty()).unwrap_or_else(|| "attachment".into());
    let bytes = bytes.clone();
    blocking(&state, move |c| {
        // Keep only the last path component, without control characters.
        let clean: String = name.rsplit(['/', '\\']).next().unwrap_or("").chars().filter(|c| !c.is_control()).collect();
        let clean = if clean.trim().trim_matches('.').is_empty() { "attachment".to_string() } else { clean };
        let dir = compose_dir(c)?.join(unique_name());
        std::fs::create_dir_all(&dir)?;
        let path = dir.join(&clean);
        std::fs::write(&path, &bytes)?;
        let src =
            AttachmentSource { path: path.clone(), filename: Some(clean.clone()), content_id: None, mime_type: None };
        let check = Draft { attachments: vec![src], ..Default::default() };
        if let Err(e) = compose::validate_content(&check) {
            let _ = std::fs::remove_dir_all(&dir);
            return Err(e);
        }
        Ok(ComposeAttachmentDto {
            path: path.to_string_lossy().to_string(),
            filename: clean,
            size: bytes.len() as u64,
            mime_type: None,
            content_id: None,
        })
    })
    .await
}

/// A fresh directory name for one staged file (two files may have the same name).
fn unique_name() -> String {
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{nanos}-{}-{}", std::process::id(), COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed))
}

/// One flush at a time: two flushes of one account could pick the same queued message.
static FLUSHING: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// Send what is due in the outbox (of one account, or all) now, in the background; with `upload`, also
/// bring the server's Drafts folder up to date. The UI hears `outbox-changed` before and after.
pub fn kick(app: &AppHandle, core: Arc<Core>, account_id: Option<i64>, upload: bool) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let _one = FLUSHING.lock().await;
        let accounts = match core.accounts().list() {
            Ok(a) => a,
            Err(e) => return tracing::warn!("outbox: cannot list accounts: {e}"),
        };
        for a in accounts.into_iter().filter(|a| account_id.is_none_or(|id| id == a.id)) {
            if dealbox_core::demo::is_demo_account(&a) {
                continue;
            }
            match outbox::flush(&core, &a, Timeouts::default()).await {
                Ok(r) if !(r.sent.is_empty() && r.parked.is_empty() && r.waiting.is_empty()) => {
                    let _ = app.emit_to("main", OUTBOX_EVENT, a.id);
                }
                Ok(_) => {}
                Err(e) => tracing::warn!("outbox of account {}: {e}", a.id),
            }
            if upload {
                if let Err(e) = drafts::upload(&core, &a, Timeouts::default()).await {
                    tracing::warn!("drafts of account {}: {e}", a.id);
                }
            }
            let _ = app.emit_to("main", OUTBOX_EVENT, a.id);
        }
    });
}

/// Send what was left in the outbox when the window opens, and retry waiting messages every minute.
pub fn start(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            if let Ok(core) = app.state::<AppState>().core() {
                kick(&app, core, None, false);
            }
            tokio::time::sleep(RETRY_EVERY).await;
        }
    });
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_staged_files_can_be_attached_and_they_are_removed_after_sending() {
        let dir = tempfile::tempdir().unwrap();
        let core = Core::open(dir.path(), Arc::new(dealbox_core::secrets::MemorySecrets::default())).unwrap();
        let outside = dir.path().join("secret.txt");
        std::fs::write(&outside, "not for mail").unwrap();
        let att = |path: PathBuf| AttachmentSource { path, filename: None, content_id: None, mime_type: None };
        let d = Draft { attachments: vec![att(outside.clone())], ..Default::default() };
        let err = check_attachments(&core, &d).unwrap_err();
        assert!(err.message.contains("was not added through Dealbox"), "{}", err.message);
        // A path that climbs out of the staging dir is outside too.
        let sneaky = compose_dir(&core).unwrap().join("..").join("secret.txt");
        assert!(check_attachments(&core, &Draft { attachments: vec![att(sneaky)], ..Default::default() }).is_err());

        let staged_dir = compose_dir(&core).unwrap().join(unique_name());
        std::fs::create_dir_all(&staged_dir).unwrap();
        let staged = staged_dir.join("offer.pdf");
        std::fs::write(&staged, "%PDF").unwrap();
        let d = Draft { attachments: vec![att(staged.clone())], ..Default::default() };
        check_attachments(&core, &d).unwrap();
        drop_staged(&core, &d);
        assert!(!staged.exists() && !staged_dir.exists(), "the staged file and its directory are gone");
        assert!(outside.exists(), "nothing outside the staging dir is touched");
    }

    #[test]
    fn file_names_arrive_uri_encoded() {
        assert_eq!(percent_decode("Offerta%20ACME%20%E2%82%AC.pdf"), "Offerta ACME €.pdf");
        assert_eq!(percent_decode("50%"), "50%");
        assert_eq!(percent_decode("a%zzb"), "a%zzb");
    }
}
