//! The integration tests, one module per topic, in one test binary: the core, the CLI and the test helpers are
//! linked once instead of once per file. They run against the real test servers (`tests/servers/up`), the real
//! `dealbox-cli` and, for `keyring`, the desktop session's Secret Service; see tests/README.md.
//!
//! The tests of all modules run in parallel. A test that uses a test user's mailbox on the shared server holds it
//! through [`dealbox_tests::mailboxes`] (exclusively when it re-seeds the mailbox or deletes a folder); anything
//! else a test creates (profiles, folders, subjects) is its own.
//!
//! One module: `cargo test -p dealbox-tests --test integration sync_mirror::`.

mod account_test;
mod crm_after_sync;
mod crm_cli;
mod crm_corpus;
mod crm_import;
mod crm_property;
mod crm_round_robin;
mod crm_rules;
mod crm_sidebar;
mod demo_profile;
mod gui_free;
mod keyring;
mod migrations;
mod send_crash;
mod send_smtp;
mod sync_changes;
mod sync_cli;
mod sync_cut;
mod sync_kill;
mod sync_mirror;
mod sync_queue;
mod sync_service;
mod ui_contract;
