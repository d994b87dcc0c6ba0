//! The CRM sidebar's quick actions and the manager's "Needs reply" view: each command is one call into
//! `dealbox_core::crm::{actions, triage}`. The UI refetches the sidebar after each.

use dealbox_core::crm::repo::RecordRepo;
use dealbox_core::crm::{actions, triage, EntityKind, EntityRef};
use dealbox_core::store::unix_now;
use serde::Serialize;
use tauri::State;
use ts_rs::TS;

use crate::commands::blocking;
use crate::crm_cmds::CrmRecordDto;
use crate::dto::UiError;
use crate::AppState;

fn entity(r: &CrmRecordDto) -> dealbox_core::Result<EntityRef> {
    Ok(EntityRef::new(r.kind.parse::<EntityKind>()?, r.id))
}

/// Create a contact or a lead (`kind`) from the message's sender and link the message to it.
#[tauri::command]
pub async fn crm_create_from_sender(state: State<'_, AppState>, message_id: i64, kind: String) -> Result<(), UiError> {
    blocking(&state, move |c| {
        let kind: EntityKind = kind.parse()?;
        actions::create_from_sender(&c.store, message_id, kind, unix_now()).map(drop)
    })
    .await
}

/// Records whose name, address or domain matches `query`, for "Link to…".
#[tauri::command]
pub async fn crm_search_records(state: State<'_, AppState>, query: String) -> Result<Vec<CrmRecordDto>, UiError> {
    blocking(&state, move |c| {
        let hits = dealbox_core::crm::sqlite::write(&c.store, |r| r.search_records(&query, 20))?;
        Ok(hits
            .into_iter()
            .map(|h| CrmRecordDto { kind: h.entity.kind.as_str().into(), id: h.entity.id, name: without_ref(&h.label) })
            .collect())
    })
    .await
}

/// Link the message to an existing record.
#[tauri::command]
pub async fn crm_link_record(state: State<'_, AppState>, message_id: i64, record: CrmRecordDto) -> Result<(), UiError> {
    blocking(&state, move |c| actions::link_to_record(&c.store, message_id, entity(&record)?, unix_now()).map(drop))
        .await
}

/// Choose the deal for a message linked to a client with several open deals.
#[tauri::command]
pub async fn crm_choose_deal(state: State<'_, AppState>, message_id: i64, deal_id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| actions::choose_deal(&c.store, message_id, deal_id, unix_now()).map(drop)).await
}

/// The deal stages, in pipeline order.
#[tauri::command]
pub async fn crm_stages(state: State<'_, AppState>) -> Result<Vec<String>, UiError> {
    blocking(&state, |c| {
        let stages = dealbox_core::crm::sqlite::write(&c.store, |r| r.stages())?;
        Ok(stages.into_iter().map(|s| s.name).collect())
    })
    .await
}

/// Move a deal to another stage.
#[tauri::command]
pub async fn crm_set_deal_stage(state: State<'_, AppState>, deal_id: i64, stage: String) -> Result<(), UiError> {
    blocking(&state, move |c| actions::set_deal_stage(&c.store, deal_id, &stage, unix_now()).map(drop)).await
}

/// Put the sender (or their whole domain) on the exception list; returns the entry added.
#[tauri::command]
pub async fn crm_exclude_sender(
    state: State<'_, AppState>,
    message_id: i64,
    whole_domain: bool,
) -> Result<String, UiError> {
    blocking(&state, move |c| Ok(actions::exclude_sender(&c.store, message_id, whole_domain, unix_now())?.entry)).await
}

#[tauri::command]
pub async fn crm_add_note(state: State<'_, AppState>, record: CrmRecordDto, body: String) -> Result<(), UiError> {
    blocking(&state, move |c| {
        let body = body.trim();
        if body.is_empty() {
            return Err(dealbox_core::Error::config("write the note first"));
        }
        actions::add_note(&c.store, entity(&record)?, body, None, unix_now()).map(drop)
    })
    .await
}

#[tauri::command]
pub async fn crm_add_task(
    state: State<'_, AppState>,
    record: CrmRecordDto,
    title: String,
    due_at: Option<i64>,
) -> Result<(), UiError> {
    blocking(&state, move |c| {
        let title = title.trim();
        if title.is_empty() {
            return Err(dealbox_core::Error::config("give the task a title"));
        }
        actions::add_task(&c.store, entity(&record)?, title, due_at, None, unix_now()).map(drop)
    })
    .await
}

/// "Save to CRM" / "Save anyway": the rules forced past the processing window; mail from our own users
/// is still refused with the rule's text.
#[tauri::command]
pub async fn crm_save_to_crm(state: State<'_, AppState>, message_id: i64) -> Result<(), UiError> {
    blocking(&state, move |c| actions::save_to_crm(&c.store, message_id, unix_now()).map(drop)).await
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NeedsReplyItemDto {
    pub activity_id: i64,
    /// The cached message, when this profile has it (opens in the reader).
    pub message_id: Option<i64>,
    pub subject: String,
    pub timestamp: i64,
    pub waiting_hours: i64,
    /// The client records the email is bound to.
    pub client: Vec<String>,
}

#[derive(Debug, Clone, Serialize, TS)]
#[serde(rename_all = "camelCase")]
pub struct NeedsReplyGroupDto {
    /// `null`: nobody is responsible.
    pub responsible: Option<String>,
    pub items: Vec<NeedsReplyItemDto>,
}

/// Client emails with no reply for more than `hours`, grouped by responsible manager, oldest first.
#[tauri::command]
pub async fn crm_needs_reply(state: State<'_, AppState>, hours: u32) -> Result<Vec<NeedsReplyGroupDto>, UiError> {
    blocking(&state, move |c| {
        let groups = triage::triage(&c.store, hours, unix_now())?;
        Ok(groups
            .into_iter()
            .map(|g| NeedsReplyGroupDto {
                responsible: g.responsible.map(|u| u.name),
                items: g
                    .items
                    .into_iter()
                    .map(|i| NeedsReplyItemDto {
                        activity_id: i.activity_id,
                        message_id: i.message_id,
                        subject: i.subject,
                        timestamp: i.timestamp,
                        waiting_hours: i.waiting_hours,
                        client: i.client.iter().map(|l| without_ref(l)).collect(),
                    })
                    .collect(),
            })
            .collect())
    })
    .await
}

/// "contact #3 Jane Roe <jane@acme.test>" → "Jane Roe <jane@acme.test>": the core's labels start with the record reference.
fn without_ref(label: &str) -> String {
    match label.split_once(" #") {
        Some((kind, rest)) if ["contact", "company", "lead", "deal"].contains(&kind) => match rest.split_once(' ') {
            Some((id, name)) if id.chars().all(|c| c.is_ascii_digit()) => name.trim_matches('"').replace("\" ", " "),
            _ => label.to_string(),
        },
        _ => label.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::without_ref;

    #[test]
    fn labels_lose_their_record_reference() {
        assert_eq!(without_ref("contact #3 Jane Roe <jane@acme.test>"), "Jane Roe <jane@acme.test>");
        assert_eq!(without_ref("company #12 ACME Corp"), "ACME Corp");
        assert_eq!(without_ref("Jane #1 fan"), "Jane #1 fan");
    }
}
