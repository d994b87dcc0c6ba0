//! End-to-end tests of the real desktop app in its real window: tauri-driver + WebKitWebDriver.
//!
//! Needs, besides a display (run inside the headless desktop session: dbus-run-session + Xvfb):
//! - `cargo install tauri-driver --version 2.1.0 --locked` (on PATH, or `TAURI_DRIVER=/path`),
//! - Debian's `webkit2gtk-driver` (WebKitWebDriver),
//! - the app with the UI embedded: `(cd ui && npm ci && npm run build)` then
//!   `cargo build -p dealbox --features dealbox/custom-protocol` and `DEALBOX_APP=$CARGO_TARGET_DIR/debug/dealbox`
//!   (`tests/run-all` does this, into `target/e2e-app/dealbox`).
//!
//! The harness is in `common.rs`; the other modules of this binary use it the same way.
//!
//! When something is missing the tests print what and return; with `DEALBOX_E2E=1` they fail instead.
#![allow(clippy::unwrap_used)]

use crate::fill_profile;

use std::time::Duration;

use crate::common::*;
use fantoccini::Locator;
use serde_json::{json, Value};

#[tokio::test]
async fn the_real_window_shows_the_first_run_screen_for_a_new_profile() {
    let _one = ONE_AT_A_TIME.lock().await;
    let profile = tempfile::tempdir().unwrap();
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    let heading = wait_for(c, "form[aria-label='Add an account'] h1").await;
    assert_eq!(heading.text().await.unwrap(), "Welcome to Dealbox");
    assert_eq!(c.title().await.unwrap(), "Dealbox");
    // The form asks for the address and the password; the password field is a real password field.
    let pw = c.find(Locator::Css("input[type='password']")).await.unwrap();
    assert_eq!(pw.attr("autocomplete").await.unwrap().as_deref(), Some("current-password"));
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn the_mailbox_lists_only_visible_rows_and_shows_markup_in_subjects_as_text() {
    let _one = ONE_AT_A_TIME.lock().await;
    let profile = tempfile::tempdir().unwrap();
    fill_profile::fill(profile.path(), 400);
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    wait_for(c, ".list [role='option'] .subject").await;
    let info: Value = c
        .execute(
            "return { rows: document.querySelectorAll('[role=option]').length,
                      nav: document.querySelector('nav').textContent,
                      subjects: [...document.querySelectorAll('.subject')].map(e => e.textContent),
                      injected: document.querySelectorAll('.list img, .list script, .list b').length }",
            vec![],
        )
        .await
        .unwrap();
    let rows = info["rows"].as_u64().unwrap();
    assert!(rows > 5 && rows < 60, "the list should render only what is on screen, rendered {rows} rows");
    let nav = info["nav"].as_str().unwrap();
    assert!(nav.contains("work") && nav.contains("sales") && nav.contains("All inboxes"), "{nav}");
    assert_eq!(info["injected"], 0, "markup from a subject or name became elements");
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn an_email_frame_cannot_reach_the_tauri_ipc() {
    let _one = ONE_AT_A_TIME.lock().await;
    let profile = tempfile::tempdir().unwrap();
    fill_profile::fill(profile.path(), 20);
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    wait_for(c, ".list [role='option'] .subject").await;
    // Open the newsletter (HTML with a script, remote images and a tracking pixel).
    let opened: Value = c
        .execute(
            "const row = [...document.querySelectorAll('[role=option]')]
                 .find(r => r.textContent.includes('Five habits of teams'));
             if (row) row.click();
             return !!row;",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(opened, json!(true), "the newsletter is not in the list");
    let frame = wait_for(c, "iframe[title='Message body']").await;
    // Only popups (link clicks, which the shell sends to the system browser): no scripts, no same origin.
    assert_eq!(
        frame.attr("sandbox").await.unwrap().as_deref(),
        Some("allow-popups"),
        "the email frame must be sandboxed"
    );
    wait_for(c, "button.btn").await;

    let parent: Value = c
        .execute(
            "const f = document.querySelector('iframe[title=\"Message body\"]');
             let readable;
             try { readable = !!(f.contentDocument || f.contentWindow.document); } catch (e) { readable = false; }
             return { readable, parentIpc: typeof window.__TAURI_INTERNALS__,
                      banner: document.body.innerText.includes('hidden to protect your privacy') };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(parent["parentIpc"], "object", "the page itself should have the IPC (else this test proves nothing)");
    assert_eq!(parent["readable"], false, "the page can read the email frame's document: it is not isolated");
    assert_eq!(parent["banner"], true, "remote images were not reported as blocked");

    // Look from inside the frame, as a script in the email would.
    frame.clone().enter_frame().await.unwrap();
    let inside: Value = c
        .execute(
            "let parentIpc;
             try { parentIpc = typeof window.parent.__TAURI_INTERNALS__; } catch (e) { parentIpc = 'blocked'; }
             return { ownIpc: typeof window.__TAURI_INTERNALS__, parentIpc,
                      scripts: document.querySelectorAll('script').length,
                      remoteImgs: [...document.images].filter(i => /^https?:/.test(i.getAttribute('src') || '')).length };",
            vec![],
        )
        .await
        .unwrap();
    c.enter_parent_frame().await.unwrap();
    assert_eq!(inside["ownIpc"], "undefined", "the email frame has the Tauri IPC: {inside}");
    assert_eq!(inside["parentIpc"], "blocked", "the email frame can reach the app's IPC: {inside}");
    assert_eq!(inside["scripts"], 0, "a script survived sanitising: {inside}");
    assert_eq!(inside["remoteImgs"], 0, "remote images are in the frame before 'Load images': {inside}");
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn mail_delivered_while_the_window_is_open_shows_up_after_sync() {
    let _one = ONE_AT_A_TIME.lock().await;
    if ready().is_none() {
        return;
    }
    let Some(ms) = dealbox_tests::MailServer::require() else { return };
    let profile = dealbox_tests::Profile::new();
    add_server_account(&profile, &ms, "work", "dana", &["--fetch", "all"]);
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    // The window checks the account as it opens.
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath("//nav//p[starts-with(normalize-space(.), 'Checked')]"))
        .await
        .unwrap_or_else(|e| panic!("the first check did not finish: {e}"));

    let subject = format!("Signed contract {}", std::process::id());
    deliver(&ms.addr("MAIL_SMTP_MX_PORT"), ms.email("dana"), &subject);
    wait_delivered("dana", &subject);
    c.find(Locator::Css("button.sync")).await.unwrap().click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath(&format!(
            "//*[@role='option']//span[contains(@class, 'subject')][. = '{subject}']"
        )))
        .await
        .unwrap_or_else(|e| panic!("the delivered message did not appear after Sync: {e}"));
    let top: Value =
        c.execute("return document.querySelector('[role=option] .from').textContent", vec![]).await.unwrap();
    assert_eq!(top, "Jane Roe", "the new message should be the newest row");
    s.client.close().await.unwrap();
}
