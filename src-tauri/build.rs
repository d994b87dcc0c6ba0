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
    "list_conversations",
    "conversation_messages",
    "change_messages",
    "search_crm",
    "network_changed",
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
