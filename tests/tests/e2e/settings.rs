//! End-to-end tests of notifications, Settings and "Explore with sample data" in the real window
//! (tauri-driver + WebKitWebDriver, inside the headless desktop session with dunst as the notification server).
//! See app.rs for what the harness needs.
//!
//! "Not focused" under Xvfb: there is no window manager, so nothing moves the keyboard focus by itself. The test
//! opens another X client (`xmessage`) and gives it the input focus with `xdotool windowfocus` — exactly what
//! happens when the user switches to another app — and checks that the webview agrees (`document.hasFocus()` is
//! false) before delivering mail. The shell reads the same state (`WebviewWindow::is_focused`).
#![allow(clippy::unwrap_used)]

use crate::fill_profile;

use std::io::Read;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::common::*;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

struct Killed(Child);

impl Drop for Killed {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn screenshot_wanted() -> bool {
    std::env::var_os("DEALBOX_SCREENSHOTS").is_some()
}

/// The screen as the user sees it, from X (`import -window root`): WebKitWebDriver's screenshot waits for a
/// repaint and hangs on a page that does not change (the first-run screen).
async fn screenshot(_c: &Client, name: &str) {
    if screenshot_wanted() {
        let path = workspace_root().join("docs/screenshots").join(name);
        let ok = Command::new("import").args(["-window", "root"]).arg(&path).status().map(|s| s.success());
        assert!(matches!(ok, Ok(true)), "import (imagemagick) could not take {}", path.display());
        eprintln!("wrote {}", path.display());
    }
}

/// Deliver a message with this subject from Jane Roe (whom the test's CRM knows as a contact of ACME Corp).
fn deliver_from_jane(mx: &str, to: &str, subject: &str) {
    deliver(mx, to, subject);
}

#[tokio::test]
async fn new_mail_while_the_window_is_in_the_background_shows_one_escaped_notification_with_crm_context() {
    let _one = ONE_AT_A_TIME.lock().await;
    if ready().is_none() {
        return;
    }
    let Some(ms) = dealbox_tests::MailServer::require() else { return };
    for tool in ["xdotool", "xmessage", "dbus-monitor", "dunstctl"] {
        if which(tool).is_none() {
            assert!(std::env::var_os("DEALBOX_E2E").is_none(), "DEALBOX_E2E is set but {tool} is missing");
            eprintln!("SKIPPED: {tool} is missing (apt-get install xdotool x11-utils dbus dunst)");
            return;
        }
    }
    let profile = dealbox_tests::Profile::new();
    add_server_account(&profile, &ms, "work", "bob", &["--fetch", "7"]);
    // The CRM knows the sender: the notification names her company.
    let csv = profile.path().join("contacts.csv");
    std::fs::write(&csv, "name,email,company\nJane Roe,jane.roe@example.test,ACME Corp\n").unwrap();
    profile.run(&["crm", "import", &csv.to_string_lossy()]).assert_ok();

    // Every Notify call on the session bus, from now on.
    let log = tempfile::NamedTempFile::new().unwrap();
    let _monitor = Killed(
        Command::new("dbus-monitor")
            // Also the app's AddMatch for ActionInvoked: notify-rust subscribes to the click only after Notify
            // returns, so a click before that is lost — the test clicks once the subscription is there.
            .args([
                "--session",
                "interface='org.freedesktop.Notifications',member='Notify'",
                "interface='org.freedesktop.DBus',member='AddMatch'",
            ])
            .stdout(log.reopen().unwrap())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );

    let Some(s) = start_with_env(profile.path(), &[]).await else { return };
    let c = &s.client;
    c.wait()
        .at_most(Duration::from_secs(60))
        .for_element(Locator::XPath("//nav//p[starts-with(normalize-space(.), 'Checked')]"))
        .await
        .unwrap_or_else(|e| panic!("the first check did not finish: {e}"));

    let pid = std::process::id();
    let mx = ms.addr("MAIL_SMTP_MX_PORT");

    // While the window has the focus, new mail makes no notification.
    focus(c, &["--name", "^Dealbox$"], true).await;
    let seen_subject = format!("Seen while focused {pid}-A");
    deliver_from_jane(&mx, ms.email("bob"), &seen_subject);
    wait_delivered("bob", &seen_subject);
    let row = format!("//*[@role='option']//span[contains(@class, 'subject')][. = '{seen_subject}']");
    sync_until(c, &row).await;
    // The check is over (its notification decision was taken as it finished).
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath("//button[contains(@class, 'sync')][@aria-busy='false']"))
        .await
        .unwrap();

    // Another app takes the focus.
    let _other = Killed(
        Command::new("xmessage")
            .args(["-name", "dealbox-e2e-other-app", "-geometry", "300x80+900+600", "Another app"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap(),
    );
    focus(c, &["--classname", "dealbox-e2e-other-app"], false).await;

    // Earlier notifications (other tests' windows) must not be the one the click below lands on.
    let closed = Command::new("dunstctl").arg("close-all").status().unwrap();
    assert!(closed.success(), "dunstctl close-all failed");
    let subject = format!("Renewal <b>{pid}</b> & <a href=\"https://evil.example\">offer</a>");
    deliver_from_jane(&mx, ms.email("bob"), &subject);
    wait_delivered("bob", &subject);
    sync_now(c).await;

    let escaped =
        format!("Renewal &lt;b&gt;{pid}&lt;/b&gt; &amp; &lt;a href=\"https://evil.example\"&gt;offer&lt;/a&gt;");
    let deadline = Instant::now() + Duration::from_secs(45);
    let call = loop {
        let mut text = String::new();
        log.reopen().unwrap().read_to_string(&mut text).unwrap();
        // dbus-monitor prints one block per call, starting with "method call".
        if let Some(block) = text.split("method call").find(|b| b.contains(&format!("&lt;b&gt;{pid}&lt;"))) {
            assert!(!text.contains(&seen_subject), "a notification was shown while the window had the focus:\n{text}");
            break block.to_string();
        }
        assert!(Instant::now() < deadline, "no notification for the new mail on the session bus; saw:\n{text}");
        tokio::time::sleep(Duration::from_millis(100)).await; // polling dbus-monitor's log
    };
    eprintln!("Notify call:{call}");
    assert!(call.contains("string \"Dealbox\""), "not from Dealbox: {call}");
    assert!(call.contains(&escaped), "the subject is not there, escaped: {call}");
    assert!(
        !call.contains("<b>") && !call.contains("<a href"),
        "raw markup from the subject reached the server: {call}"
    );
    assert!(call.contains("ACME Corp · Jane Roe"), "no CRM context for a known sender: {call}");

    // Clicking it (dunst's default action) brings the window up with the message open; when another message
    // arrived in the same check (the mailbox is shared with other tests), it is one grouped notification and
    // the click opens the account's Inbox instead.
    let grouped = call.contains(" new messages · work");
    // The app listens for the click once its AddMatch for ActionInvoked is on the bus (after the Notify call).
    let listening_by = Instant::now() + Duration::from_secs(10);
    loop {
        let mut text = String::new();
        log.reopen().unwrap().read_to_string(&mut text).unwrap();
        let after_notify = text.rsplit_once(&format!("&lt;b&gt;{pid}&lt;")).map(|(_, rest)| rest).unwrap_or("");
        if after_notify.contains("ActionInvoked") {
            break;
        }
        if Instant::now() > listening_by {
            eprintln!("no AddMatch for ActionInvoked seen after the Notify call; clicking anyway");
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await; // polling dbus-monitor's log
    }
    // dunst shows it a moment after the Notify call returns: wait (bounded) until it is on screen, then click.
    let shown_by = Instant::now() + Duration::from_secs(15);
    loop {
        let out = Command::new("dunstctl").args(["count", "displayed"]).output().unwrap();
        if String::from_utf8_lossy(&out.stdout).trim().parse::<u32>().unwrap_or(0) > 0 {
            break;
        }
        assert!(Instant::now() < shown_by, "dunst never displayed the notification");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let clicked = Command::new("dunstctl").args(["action", "0"]).status().unwrap();
    assert!(clicked.success(), "dunstctl action failed");
    let opened = if grouped {
        "//h1[starts-with(normalize-space(.), 'Inbox · work')]".to_string()
    } else {
        format!("//h1[contains(., 'Renewal <b>{pid}</b>')]")
    };
    c.wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath(&opened))
        .await
        .unwrap_or_else(|e| panic!("clicking the notification did not open {opened}: {e}"));
    if grouped {
        wait_for(c, ".list [role='option'] .subject").await;
        let listed: Value = c
            .execute("return [...document.querySelectorAll('.list .subject')].map(e => e.textContent)", vec![])
            .await
            .unwrap();
        assert!(listed.as_array().unwrap().iter().any(|s| s.as_str() == Some(subject.as_str())), "{listed}");
    }
    s.client.close().await.unwrap();
}

/// What the Sync button does (`sync_now`), called from the page so the X focus stays where it is; a check
/// already running is followed by another one (the scheduler queues the wake-up).
async fn sync_now(c: &Client) {
    c.execute("return window.__TAURI_INTERNALS__.invoke('sync_now', { accountId: null })", vec![]).await.unwrap();
}

/// Press Sync once and wait (bounded) until the element `xpath` shows up; the mail is already on the server.
async fn sync_until(c: &Client, xpath: &str) {
    sync_now(c).await;
    if let Err(e) = c.wait().at_most(Duration::from_secs(45)).for_element(Locator::XPath(xpath)).await {
        let _ = Command::new("import").args(["-window", "root", "/tmp/settings-e2e-fail.png"]).status();
        panic!("{xpath} did not show up after pressing Sync: {e} (screen: /tmp/settings-e2e-fail.png)");
    }
}

/// Give the X input focus to the window `xdotool search ARGS` finds, and wait until the webview agrees
/// (`document.hasFocus()` is `has_focus`).
async fn focus(c: &Client, search: &[&str], has_focus: bool) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let focused: Value = c.execute("return document.hasFocus()", vec![]).await.unwrap();
        if focused == json!(has_focus) {
            return;
        }
        let out = Command::new("xdotool")
            .arg("search")
            .args(["--sync", "--onlyvisible", "--limit", "1"])
            .args(search)
            .args(["windowfocus", "--sync"])
            .output()
            .unwrap();
        assert!(Instant::now() < deadline, "could not focus {search:?} (document.hasFocus() = {focused}): {out:?}");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn open_settings(c: &Client) {
    wait_for(c, "button.gear").await.click().await.unwrap();
    wait_for(c, "[role='dialog'] textarea[name='signature']").await;
}

#[tokio::test]
async fn a_setting_changed_in_the_window_is_still_there_after_a_restart() {
    let _one = ONE_AT_A_TIME.lock().await;
    let profile = tempfile::tempdir().unwrap();
    fill_profile::fill(profile.path(), 20);
    let signature = format!("Alice Martin · ACME sales {}", std::process::id());
    {
        let Some(s) = start_with_env(profile.path(), &[]).await else { return };
        let c = &s.client;
        wait_for(c, ".list [role='option'] .subject").await;
        open_settings(c).await;
        let sig = c.find(Locator::Css("textarea[name='signature']")).await.unwrap();
        sig.clear().await.unwrap();
        sig.send_keys(&signature).await.unwrap();
        let fetch = c.find(Locator::Css("select[name='fetchDays']")).await.unwrap();
        fetch.select_by_value("90").await.unwrap();
        c.find(Locator::Css("input[name='notify']")).await.unwrap().click().await.unwrap();
        c.find(Locator::XPath("//button[@type='submit'][. = 'Save']")).await.unwrap().click().await.unwrap();
        let saved = wait_for(c, "[role='status']").await;
        assert_eq!(saved.text().await.unwrap(), "Saved");
        c.execute("document.querySelector('[role=dialog] .content').scrollTop = 0", vec![]).await.unwrap();
        screenshot(c, "settings.png").await;
        s.client.close().await.unwrap();
    }
    let Some(s) = start_with_env(profile.path(), &[]).await else { return };
    let c = &s.client;
    wait_for(c, ".list [role='option'] .subject").await;
    open_settings(c).await;
    let form: Value = c
        .execute(
            "const d = document.querySelector('[role=dialog]');
             return { signature: d.querySelector('textarea[name=signature]').value,
                      fetch: d.querySelector('select[name=fetchDays]').value,
                      notify: d.querySelector('input[name=notify]').checked };",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(form, json!({ "signature": signature, "fetch": "90", "notify": false }));
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn explore_with_sample_data_opens_the_demo_mailbox() {
    let _one = ONE_AT_A_TIME.lock().await;
    let profile = tempfile::tempdir().unwrap();
    // The demo profile lives in the data dir: give the app a fresh one, so the demo is really created here.
    let data = tempfile::tempdir().unwrap();
    let Some(s) = start_with_env(profile.path(), &[("XDG_DATA_HOME", data.path())]).await else { return };
    let c = &s.client;
    let button = c
        .wait()
        .at_most(Duration::from_secs(20))
        .for_element(Locator::XPath("//button[normalize-space(.) = 'Explore with sample data']"))
        .await
        .unwrap_or_else(|e| panic!("no 'Explore with sample data' on the first-run screen: {e}"));
    screenshot(c, "first-run.png").await;
    button.click().await.unwrap();
    c.wait()
        .at_most(Duration::from_secs(90))
        .for_element(Locator::Css(".list [role='option'] .subject"))
        .await
        .unwrap_or_else(|e| panic!("the demo mailbox did not open: {e}"));
    let info: Value = c
        .execute(
            "return { rows: document.querySelectorAll('[role=option]').length,
                      nav: document.querySelector('nav').textContent,
                      setup: !!document.querySelector('form[aria-label=\"Add an account\"]') }",
            vec![],
        )
        .await
        .unwrap();
    assert!(info["rows"].as_u64().unwrap() > 5, "the demo inbox should be full: {info}");
    assert!(info["nav"].as_str().unwrap().contains(dealbox_demo::ACCOUNT_NAME), "{info}");
    assert_eq!(info["setup"], false, "{info}");
    assert!(data.path().join("dealbox-demo").is_dir(), "the demo profile was not created in the app's data dir");
    // Open the first message: the CRM sidebar of the sample data knows its people.
    c.find(Locator::Css(".list [role='option']")).await.unwrap().click().await.unwrap();
    wait_for(c, "iframe[title='Message body'], .reader h1").await;
    s.client.close().await.unwrap();
}
