/// The app's own commands: each gets `allow-*`/`deny-*` permissions, granted to the main window only in
/// `capabilities/main.json`. Keep in sync with `invoke_handler!` in `src/lib.rs`.
const COMMANDS: &[&str] = &[
    "app_info",
    "list_accounts",
    "list_folders",
    "list_messages",
    "get_message",
    "change_message",
    "search_messages",
    "discover_settings",
    "test_connection",
    "add_account",
    "crm_sidebar",
    "crm_create_from_sender",
    "crm_search_records",
    "crm_link_record",
    "crm_choose_deal",
    "crm_stages",
    "crm_set_deal_stage",
    "crm_exclude_sender",
    "crm_add_note",
    "crm_add_task",
    "crm_save_to_crm",
    "crm_needs_reply",
    "set_remote_sender",
    "open_attachment",
    "save_attachment",
    "sync_now",
    "sync_status",
    "compose_new",
    "compose_reply",
    "compose_forward",
    "open_draft",
    "list_drafts",
    "save_draft",
    "discard_draft",
    "upload_drafts",
    "send_draft",
    "list_outbox",
    "retry_outbox",
    "delete_outbox",
    "edit_outbox",
    "suggest_addresses",
    "stage_attachment",
    "account_settings",
    "save_account_settings",
    "crm_users",
    "crm_exceptions",
    "add_crm_exception",
    "remove_crm_exception",
    "open_demo",
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
