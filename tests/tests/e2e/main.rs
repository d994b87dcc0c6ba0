//! The end-to-end tests in one test binary: the real app in its real window, driven over WebDriver
//! (tauri-driver + WebKitWebDriver); what they need is in `app.rs`, the harness in `common.rs`.
//!
//! They stay apart from the `integration` binary: cargo runs test binaries one after another, so no
//! integration test touches the mailboxes (carol, dana, erin, bob), the display or dunst while a window is
//! open. Inside this binary every test takes [`common::ONE_AT_A_TIME`] first: one app window at a time.
//!
//! One module: `cargo test -p dealbox-tests --test e2e reader::`.

mod common;

#[allow(dead_code)]
#[path = "../../../src-tauri/examples/fill_profile.rs"]
mod fill_profile;

mod app;
mod compose;
mod list;
mod reader;
mod settings;
