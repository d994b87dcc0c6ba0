//! The CRM sidebar of the open message, its quick actions and the manager's Needs reply: one call into
//! `core.crm()` each; the UI refetches the sidebar after an action.

use crate::api::blocking;
use crate::wire::crm::CrmRecordDto;
use crate::wire::crm::*;
use crate::wire::UiError;
use crate::AppState;
use dealbox_core::crm::{EntityKind, EntityRef};
use dealbox_core::store::unix_now;
use tauri::State;

/// The CRM facts about a cached message (contact, company, responsible manager, open deals, recent activity).
#[tauri::command]
pub async fn crm_sidebar(state: State<'_, AppState>, message_id: i64) -> Result<CrmSidebarDto, UiError> {
    let core = state.core()?;
    tauri::async_runtime::spawn_blocking(move || core.crm().sidebar(message_id).map(CrmSidebarDto::from))
        .await
        .map_err(|e| UiError::internal(format!("a background task failed: {e}")))?
        .map_err(UiError::from)
}

fn entity(r: &CrmRecordDto) -> dealbox_core::Result<EntityRef> {
    Ok(EntityRef::new(r.kind.parse::<EntityKind>()?, r.id))
}

/// Create a contact (`kind` = "contact") or a lead ("lead") from the message's sender and link the message.
#[tauri::command]
pub async fn crm_create_from_sender(state: State<'_, AppState>, message_id: i64, kind: String) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().create_from_sender(message_id, kind.parse()?, unix_now()).map(drop)).await
}

/// Records for the "Link to…" search box.
#[tauri::command]
pub async fn crm_search_records(state: State<'_, AppState>, query: String) -> Result<Vec<CrmRecordDto>, UiError> {
    let hits = blocking(&state, move |c| c.crm().search_records(&query, 20)).await?;
    Ok(hits
        .into_iter()
        .map(|h| CrmRecordDto { kind: h.entity.kind.as_str().into(), id: h.entity.id, name: h.name })
        .collect())
}

/// Link the message to a record the user picked (replaces what the rules decided).
#[tauri::command]
pub async fn crm_link_record(state: State<'_, AppState>, message_id: i64, record: CrmRecordDto) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().link(message_id, entity(&record)?, unix_now()).map(drop)).await
}

/// The message belongs to this one of the contact's open deals.
#[tauri::command]
pub async fn crm_choose_deal(state: State<'_, AppState>, message_id: i64, deal_id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().choose_deal(message_id, deal_id, unix_now()).map(drop)).await
}

/// The pipeline's stage names, in order.
#[tauri::command]
pub async fn crm_stages(state: State<'_, AppState>) -> Result<Vec<String>, UiError> {
    blocking(&state, |c| Ok(c.crm().stages()?.into_iter().map(|s| s.name).collect())).await
}

#[tauri::command]
pub async fn crm_set_deal_stage(state: State<'_, AppState>, deal_id: i64, stage: String) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().set_deal_stage(deal_id, &stage, unix_now()).map(drop)).await
}

/// Never take this sender's (or their domain's) mail into the CRM; returns the exception added.
#[tauri::command]
pub async fn crm_exclude_sender(
    state: State<'_, AppState>,
    message_id: i64,
    whole_domain: bool,
) -> Result<String, UiError> {
    blocking(&state, move |c| Ok(c.crm().exclude_sender(message_id, whole_domain, unix_now())?.entry)).await
}

#[tauri::command]
pub async fn crm_add_note(state: State<'_, AppState>, record: CrmRecordDto, body: String) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().add_note(entity(&record)?, &body, unix_now()).map(drop)).await
}

#[tauri::command]
pub async fn crm_add_task(
    state: State<'_, AppState>,
    record: CrmRecordDto,
    title: String,
    due_at: Option<i64>,
) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().add_task(entity(&record)?, &title, due_at, unix_now()).map(drop)).await
}

/// Take a message the rules left out into the CRM anyway.
#[tauri::command]
pub async fn crm_save_to_crm(state: State<'_, AppState>, message_id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| c.crm().save_to_crm(message_id, unix_now()).map(drop)).await
}

/// Client mail nobody answered for more than `hours`, by responsible manager.
#[tauri::command]
pub async fn crm_needs_reply(state: State<'_, AppState>, hours: u32) -> Result<Vec<NeedsReplyGroupDto>, UiError> {
    let groups = blocking(&state, move |c| c.crm().needs_reply(hours, unix_now())).await?;
    Ok(groups.into_iter().map(Into::into).collect())
}
