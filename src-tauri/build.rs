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
];

fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(COMMANDS)),
    )
    .expect("tauri build step failed");
}
