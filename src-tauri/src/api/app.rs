//! The app itself, its accounts and the mail of one view: app info, accounts, folders, messages, one
//! message, changes, search, account discovery, test and add.

use crate::api::{blocking, MAX_PAGE};
use crate::wire::*;
use crate::AppState;
use dealbox_core::account::{Account, Credential, Endpoint, NewAccount};
use dealbox_core::imap::Timeouts;
use dealbox_core::{autoconfig, conntest, Error, Sensitive};
use std::time::Duration;
use tauri::State;

#[tauri::command]
pub fn app_info(state: State<'_, AppState>) -> AppInfo {
    AppInfo {
        version: env!("CARGO_PKG_VERSION").into(),
        profile_dir: state.profile_dir().display().to_string(),
        profile_error: state.core().err(),
    }
}

#[tauri::command]
pub async fn list_accounts(state: State<'_, AppState>) -> Result<Vec<AccountDto>, UiError> {
    let v = blocking(&state, |c| c.accounts().list()).await?;
    Ok(v.into_iter().map(Into::into).collect())
}

#[tauri::command]
pub async fn list_folders(state: State<'_, AppState>, account_id: Option<i64>) -> Result<Vec<FolderDto>, UiError> {
    let v = blocking(&state, move |c| c.mail().folders(account_id)).await?;
    Ok(v.into_iter().map(Into::into).collect())
}

/// Messages newest first (or as `query.sort` says); no account and the folder "inbox" is the unified inbox.
#[tauri::command]
pub async fn list_messages(
    state: State<'_, AppState>,
    query: crate::wire::list::MessageQuery,
) -> Result<Vec<MessageSummaryDto>, UiError> {
    let crate::wire::list::MessageQuery { account_id, folder, sort, offset, limit } = query;
    let (limit, sort) = (limit.min(MAX_PAGE), sort.unwrap_or_default());
    let v = blocking(&state, move |c| c.mail().list(account_id, folder.as_deref(), sort, limit, offset)).await?;
    Ok(v.into_iter().map(Into::into).collect())
}

/// One message for the reader, its HTML sanitised; remote images only when `allow_remote` or when the
/// user allowed them always for this sender.
#[tauri::command]
pub async fn get_message(state: State<'_, AppState>, id: i64, allow_remote: bool) -> Result<MessageViewDto, UiError> {
    blocking(&state, move |c| c.mail().view(id, allow_remote).map(MessageViewDto::from)).await
}

/// Read/unread, flag, delete, archive, spam: applied to the cache now, sent to the server by the next sync.
#[tauri::command]
pub async fn change_message(state: State<'_, AppState>, id: i64, change: ChangeDto) -> Result<(), UiError> {
    blocking(&state, move |c| c.mail().change(id, &change.into())).await
}

#[tauri::command]
pub async fn search_messages(
    state: State<'_, AppState>,
    query: String,
    account_id: Option<i64>,
    limit: u32,
    sort: Option<dealbox_core::query::Sort>,
) -> Result<Vec<MessageSummaryDto>, UiError> {
    let (limit, sort) = (limit.min(MAX_PAGE), sort.unwrap_or_default());
    let v = blocking(&state, move |c| c.mail().search(account_id, &query, sort, limit)).await?;
    Ok(v.into_iter().map(Into::into).collect())
}

/// Server settings for an address: a provider preset, else autoconfig, else a guess to be tested.
#[tauri::command]
pub async fn discover_settings(email: String) -> Result<ProviderDto, UiError> {
    Ok(autoconfig::discover(email.trim(), Duration::from_secs(8)).await?.into())
}

fn new_account(input: &AccountInput) -> Result<NewAccount, UiError> {
    let trust_ca_pem = match input.trust_ca_path.as_deref().map(str::trim) {
        Some(path) if !path.is_empty() => Some(dealbox_core::account::read_trust_ca(path.as_ref())?),
        _ => None,
    };
    Ok(NewAccount {
        name: input.name.trim().to_string(),
        email: input.email.trim().to_string(),
        display_name: input.display_name.trim().to_string(),
        addresses: vec![],
        username: input.username.trim().to_string(),
        imap: trimmed(&input.imap),
        smtp: trimmed(&input.smtp),
        credential: match input.password_command.as_deref().map(str::trim) {
            Some(cmd) if !cmd.is_empty() => Credential::Command(cmd.to_string()),
            _ => Credential::Keyring,
        },
        trust_ca_pem,
        insecure: false,
        signature: String::new(),
        fetch_days: input.fetch_days,
        save_sent_copy: true,
        notify: true,
    })
}

fn trimmed(e: &Endpoint) -> Endpoint {
    Endpoint { host: e.host.trim().to_string(), ..e.clone() }
}

fn password_for(account: &Account, password: Option<String>) -> Result<Sensitive<String>, UiError> {
    match (&account.credential, password) {
        (Credential::Command(_), _) => Ok(account.password(&dealbox_core::secrets::NoSecrets(String::new()))?),
        (Credential::Keyring, Some(p)) if !p.is_empty() => Ok(Sensitive::new(p)),
        (Credential::Keyring, _) => Err(Error::config("enter the password (or a password command)").into()),
    }
}

/// Test IMAP and SMTP with settings that are not saved yet; each side says precisely what failed.
#[tauri::command]
pub async fn test_connection(input: AccountInput, password: Option<String>) -> Result<ConnectionReportDto, UiError> {
    let account = new_account(&input)?.unsaved_trusting(input.trust_cert_sha256.as_deref())?;
    let pw = tauri::async_runtime::spawn_blocking({
        let account = account.clone();
        move || password_for(&account, password)
    })
    .await
    .map_err(|e| UiError::internal(format!("a background task failed: {e}")))??;
    Ok(conntest::test_account(&account, &pw, Timeouts::default()).await.into())
}

/// Save the account; the password goes to the OS keyring (or the password command is stored).
#[tauri::command]
pub async fn add_account(
    app: tauri::AppHandle,
    state: State<'_, AppState>,
    input: AccountInput,
    password: Option<String>,
) -> Result<AccountDto, UiError> {
    let (new, pin) = (new_account(&input)?, input.trust_cert_sha256);
    let pw = password.filter(|p| !p.is_empty()).map(Sensitive::new);
    let a = blocking(&state, move |c| c.accounts().add_trusting(&new, pw.as_ref(), pin.as_deref())).await?;
    crate::services::accounts_changed(&app);
    Ok(a.into())
}
