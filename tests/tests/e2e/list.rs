//! End-to-end tests of the message list in the real window (see app.rs for what they need):
//! conversations, the messages/conversations toggle, search as you type, multi-select and a bulk archive
//! that reaches the real IMAP server.
#![allow(clippy::unwrap_used)]

use crate::fill_profile;

use std::time::Duration;

use crate::common::*;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

async fn text(c: &Client, css: &str) -> String {
    c.find(Locator::Css(css)).await.unwrap().text().await.unwrap()
}

/// Wait (with a deadline) until `js` returns true.
async fn until(c: &Client, what: &str, js: &str) {
    wait_script(c, what, js, |v| v == &json!(true), Duration::from_secs(30)).await;
}

#[tokio::test]
async fn conversations_expand_the_toggle_is_remembered_and_search_shows_results_as_you_type() {
    let _one = ONE_AT_A_TIME.lock().await;
    let profile = tempfile::tempdir().unwrap();
    fill_profile::fill(profile.path(), 400);
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    wait_for(c, ".list [role='option'] .subject").await;
    // Make sure the list starts in conversation mode (a previous run may have left "Messages" on).
    c.find(Locator::XPath("//div[@role='group']/button[normalize-space(.)='Conversations']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(c, "conversation rows", "return !!document.querySelector('.list[data-mode=conversations] .thread-count')")
        .await;
    let header = text(c, ".count-total").await;
    assert!(header.ends_with("conversations"), "{header}");

    // A conversation's count opens its messages below it; only visible rows are in the DOM.
    let count: u64 = text(c, ".thread-count").await.parse().unwrap();
    assert!(count > 1);
    c.find(Locator::Css(".thread-count")).await.unwrap().click().await.unwrap();
    until(c, "the conversation's messages", "return document.querySelectorAll('.row.child').length > 0").await;
    let info: Value = c
        .execute(
            "const rows = [...document.querySelectorAll('[role=option]')];
             const first = rows.findIndex(r => r.querySelector('.thread-count.open'));
             return { rows: rows.length, childAfter: rows[first + 1]?.classList.contains('child'),
                      expanded: document.querySelector('.thread-count.open')?.getAttribute('aria-expanded') };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(info["childAfter"], true, "{info}");
    assert_eq!(info["expanded"], "true", "{info}");
    assert!(info["rows"].as_u64().unwrap() < 60, "{info}");

    // One row per message, remembered for the next window.
    c.find(Locator::XPath("//div[@role='group']/button[normalize-space(.)='Messages']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        c,
        "message rows",
        "return !!document.querySelector('.list[data-mode=messages] [data-index=\"0\"][data-id]')",
    )
    .await;
    assert!(text(c, ".count-total").await.ends_with("messages"));
    assert!(c.find(Locator::Css(".thread-count")).await.is_err(), "message mode shows no conversation counts");

    // Search as you type: real keystrokes, results for the whole word.
    let input = c.find(Locator::Css("header input[type='search']")).await.unwrap();
    input.send_keys("renewal").await.unwrap();
    until(c, "results for 'renewal'", "return document.querySelector('section.list').dataset.resultsFor === 'renewal'")
        .await;
    let found: Value = c
        .execute(
            "return { title: document.querySelector('.list h1').textContent,
                      subjects: [...document.querySelectorAll('.list [role=option] .subject')].map(e => e.textContent) }",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(found["title"], "Search: renewal");
    let subjects = found["subjects"].as_array().unwrap();
    assert!(!subjects.is_empty());
    assert!(subjects.iter().all(|s| s.as_str().unwrap().to_lowercase().contains("renewal")), "{found}");
    s.client.close().await.unwrap();

    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    wait_for(c, ".list [role='option'] .subject").await;
    let mode: Value = c.execute("return document.querySelector('section.list').dataset.mode", vec![]).await.unwrap();
    assert_eq!(mode, "messages", "the list mode was not remembered");
    // Leave conversations on for the other tests.
    c.find(Locator::XPath("//div[@role='group']/button[normalize-space(.)='Conversations']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(c, "conversation mode", "return document.querySelector('section.list').dataset.mode === 'conversations'")
        .await;
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn a_shift_click_range_is_archived_in_one_action_and_the_move_reaches_the_server() {
    let _one = ONE_AT_A_TIME.lock().await;
    if ready().is_none() {
        return;
    }
    let Some(ms) = dealbox_tests::MailServer::require() else { return };
    let profile = dealbox_tests::Profile::new();
    add_server_account(&profile, &ms, "work", "erin", &["--fetch", "all"]);
    let token = format!(
        "bulk{}x{}",
        std::process::id(),
        std::time::SystemTime::UNIX_EPOCH.elapsed().unwrap().as_millis() % 100_000
    );
    let subjects: Vec<String> = (1..=3).map(|i| format!("Quote {token} part {i}")).collect();
    for s in &subjects {
        deliver(&ms.addr("MAIL_SMTP_MX_PORT"), ms.email("erin"), s);
    }
    for s in &subjects {
        wait_delivered("erin", s);
    }
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::XPath("//nav//p[starts-with(normalize-space(.), 'Checked')]"))
        .await
        .unwrap_or_else(|e| panic!("the first check did not finish: {e}"));
    // The three were in the Inbox before the window opened (see above), so its first check brought them.
    let input = c.find(Locator::Css("header input[type='search']")).await.unwrap();
    input.send_keys(&token).await.unwrap();
    until(
        c,
        "the three delivered messages in the search results",
        &format!(
            "const l = document.querySelector('section.list');
             return l.dataset.resultsFor === '{token}' && l.querySelectorAll('[role=option][data-id]').length === 3"
        ),
    )
    .await;

    // Click the first, Shift-click the third: three selected, and the reader says so.
    c.find(Locator::Css(".list [data-index='0']")).await.unwrap().click().await.unwrap();
    c.execute(
        "document.querySelector('.list [data-index=\"2\"]').dispatchEvent(new MouseEvent('click', { bubbles: true, shiftKey: true }))",
        vec![],
    )
    .await
    .unwrap();
    let panel = wait_for(c, "section[aria-label='Selection'] h2").await;
    assert_eq!(panel.text().await.unwrap(), "3 messages selected");
    let selected: Value =
        c.execute("return document.querySelectorAll('.list .row.selected').length", vec![]).await.unwrap();
    assert_eq!(selected, 3);
    c.find(Locator::Css("section[aria-label='Selection'] [data-action='archive']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(
        c,
        "the archived messages to leave the results",
        "return !document.querySelector('section[aria-label=Selection]') && document.querySelectorAll('.list [role=option][data-id]').length === 0",
    )
    .await;

    // Open the account's Archive folder, press Sync once: the check sends the move to the server and brings the
    // server's Archive folder back, which then lists all three.
    c.execute(
        "const i = document.querySelector('header input[type=search]'); i.value = ''; i.dispatchEvent(new Event('input', {bubbles: true}));",
        vec![],
    )
    .await
    .unwrap();
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath(
            "//nav//button[contains(@class,'folder')][.//span[contains(@class,'label')][normalize-space(.)='Archive']]",
        ))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    c.find(Locator::Css("button.sync")).await.unwrap().click().await.unwrap();
    until(
        c,
        "the server's Archive folder to list the three messages",
        &format!(
            "return [...document.querySelectorAll('.list [role=option] .subject')].filter(e => e.textContent.includes('{token}')).length === 3"
        ),
    )
    .await;
    s.client.close().await.unwrap();
}

/// `DEALBOX_SCREENSHOTS=1`: docs/screenshots/main-window.png — sample mail in conversations (one expanded) and
/// the status lines: two sample accounts with no server ("Offline …") and one on the test server ("Checked …").
#[tokio::test]
async fn main_window_screenshot_shows_conversations_and_the_status_lines() {
    if std::env::var_os("DEALBOX_SCREENSHOTS").is_none() {
        eprintln!("SKIPPED: set DEALBOX_SCREENSHOTS=1 to refresh docs/screenshots/main-window.png");
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    if ready().is_none() {
        return;
    }
    let Some(ms) = dealbox_tests::MailServer::require() else { return };
    let profile = dealbox_tests::Profile::new();
    fill_profile::fill(profile.path(), 400);
    add_server_account(&profile, &ms, "team", "carol", &["--fetch", "1"]);
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::XPath("//nav//p[contains(normalize-space(.), 'next check in')]"))
        .await
        .unwrap_or_else(|e| panic!("the team account's status line does not say when it checks next: {e}"));
    let lines: Value = c
        .execute("return [...document.querySelectorAll('nav p.status')].map(p => p.textContent)", vec![])
        .await
        .unwrap();
    let lines: Vec<&str> = lines.as_array().unwrap().iter().map(|l| l.as_str().unwrap()).collect();
    assert!(lines.iter().any(|l| l.starts_with("Offline — will check when the network returns")), "{lines:?}");
    assert!(lines.iter().any(|l| l.starts_with("Checked ") && l.contains("(you are online)")), "{lines:?}");
    // Conversations, the newest thread with several messages opened, and a message in the reader.
    c.find(Locator::XPath("//div[@role='group']/button[normalize-space(.)='Conversations']"))
        .await
        .unwrap()
        .click()
        .await
        .unwrap();
    until(c, "conversation rows", "return !!document.querySelector('.list[data-mode=conversations] .thread-count')")
        .await;
    c.find(Locator::Css(".thread-count")).await.unwrap().click().await.unwrap();
    until(c, "an expanded conversation", "return document.querySelectorAll('.row.child').length > 0").await;
    c.execute("document.querySelector('.row.child').click()", vec![]).await.unwrap();
    wait_for(c, "article.reader h1").await;
    let png = c.screenshot().await.unwrap();
    let path = workspace_root().join("docs/screenshots/main-window.png");
    std::fs::write(&path, png).unwrap();
    eprintln!("wrote {}", path.display());
    s.client.close().await.unwrap();
}
