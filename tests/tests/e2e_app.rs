//! End-to-end tests of the real desktop app in its real window: tauri-driver + WebKitWebDriver.
//!
//! Needs, besides a display (run inside the headless desktop session: dbus-run-session + Xvfb):
//! - `cargo install tauri-driver --version 2.1.0 --locked` (on PATH, or `TAURI_DRIVER=/path`),
//! - Debian's `webkit2gtk-driver` (WebKitWebDriver),
//! - the release app with the UI embedded: `(cd ui && npm ci && npm run build)` then
//!   `cargo build --release -p dealbox --features dealbox/custom-protocol` (or `DEALBOX_APP=/path/to/dealbox`).
//!
//! When something is missing the tests print what and return; with `DEALBOX_E2E=1` they fail instead.
#![allow(clippy::unwrap_used)]

#[allow(dead_code)]
#[path = "../../src-tauri/examples/fill_profile.rs"]
mod fill_profile;

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::{json, Value};

/// One app at a time: each test starts its own window.
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The app binary, tauri-driver and WebKitWebDriver, or what is missing.
fn prerequisites() -> Result<(PathBuf, PathBuf), String> {
    let mut missing = vec![];
    let app = std::env::var_os("DEALBOX_APP").map(PathBuf::from).unwrap_or_else(|| {
        let target =
            std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| workspace_root().join("target"));
        target.join("release/dealbox")
    });
    const BUILD: &str = "cd ui && npm run build; cargo build --release -p dealbox --features dealbox/custom-protocol";
    if !app.is_file() {
        missing.push(format!("the app at {} (build it: {BUILD})", app.display()));
    } else if let Some(newer) = newer_source_than(&app) {
        missing.push(format!("a fresh app: {} is older than {} (rebuild: {BUILD})", app.display(), newer.display()));
    }
    let home_driver = std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cargo/bin/tauri-driver"));
    let driver = std::env::var_os("TAURI_DRIVER")
        .map(PathBuf::from)
        .or_else(|| which("tauri-driver"))
        .or(home_driver.filter(|p| p.is_file()));
    if driver.is_none() {
        missing.push("tauri-driver (cargo install tauri-driver --version 2.1.0 --locked)".into());
    }
    if which("WebKitWebDriver").is_none() {
        missing.push("WebKitWebDriver (apt-get install webkit2gtk-driver)".into());
    }
    if std::env::var_os("DISPLAY").is_none() && std::env::var_os("WAYLAND_DISPLAY").is_none() {
        missing.push("a display (run inside the headless desktop session)".into());
    }
    match (missing.is_empty(), driver) {
        (true, Some(d)) => Ok((app, d)),
        _ => Err(missing.join("; ")),
    }
}

/// A source file of the app (shell, UI, core) changed after `binary` was built, so testing it would test old code.
fn newer_source_than(binary: &Path) -> Option<PathBuf> {
    let built = std::fs::metadata(binary).and_then(|m| m.modified()).ok()?;
    let root = workspace_root();
    let mut stack: Vec<PathBuf> =
        ["src-tauri/src", "src-tauri/capabilities", "ui/src", "crates/core/src", "tauri.conf.json", "ui/index.html"]
            .iter()
            .map(|p| root.join(p))
            .collect();
    while let Some(p) = stack.pop() {
        let Ok(meta) = std::fs::metadata(&p) else { continue };
        if meta.is_dir() {
            stack.extend(std::fs::read_dir(&p).into_iter().flatten().flatten().map(|e| e.path()));
        } else if meta.modified().is_ok_and(|m| m > built) {
            return Some(p);
        }
    }
    None
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

struct Session {
    client: Client,
    _driver: Driver,
}

/// The app and tauri-driver, or `None` after saying what is missing (a failure with `DEALBOX_E2E=1`).
fn ready() -> Option<(PathBuf, PathBuf)> {
    match prerequisites() {
        Ok(p) => Some(p),
        Err(missing) => {
            assert!(std::env::var_os("DEALBOX_E2E").is_none(), "DEALBOX_E2E is set but this is missing: {missing}");
            eprintln!("SKIPPED (end-to-end): missing {missing}");
            None
        }
    }
}

/// Start tauri-driver and the app on `profile`; `None` when prerequisites are missing.
async fn start(profile: &Path) -> Option<Session> {
    let (app, driver) = ready()?;
    let (port, native_port) = (free_port(), free_port());
    let child = Command::new(driver)
        .args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("DEALBOX_PROFILE", profile)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tauri-driver");
    let driver = Driver(child);
    // Wait until tauri-driver listens (bounded: it either binds within seconds or fails).
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        assert!(Instant::now() < deadline, "tauri-driver did not listen on port {port}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let caps = json!({
        "browserName": "wry",
        "tauri:options": {
            "application": app,
            "args": ["--profile", profile],
        }
    });
    let client = ClientBuilder::native()
        .capabilities(caps.as_object().unwrap().clone())
        .connect(&format!("http://127.0.0.1:{port}"))
        .await
        .expect("open a WebDriver session on the app");
    Some(Session { client, _driver: driver })
}

async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap_or_else(|e| {
        panic!("no element {css} in the app window: {e}");
    })
}

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
    assert_eq!(frame.attr("sandbox").await.unwrap().as_deref(), Some(""), "the email frame must be fully sandboxed");
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

/// Deliver a plain message through the test server's MX port (no AUTH, local domain only).
fn deliver(mx: &str, to: &str, subject: &str) {
    let stream = TcpStream::connect(mx).unwrap();
    let mut reader = BufReader::new(stream.try_clone().unwrap());
    let mut w = stream;
    let mut expect = |code: &str| {
        let mut line = String::new();
        loop {
            line.clear();
            reader.read_line(&mut line).unwrap();
            if line.len() < 4 || line.as_bytes()[3] != b'-' {
                break;
            }
        }
        assert!(line.starts_with(code), "SMTP said {line:?}, expected {code}");
    };
    expect("220");
    for (cmd, code) in [
        ("EHLO e2e.example.test".to_string(), "250"),
        ("MAIL FROM:<jane.roe@example.test>".to_string(), "250"),
        (format!("RCPT TO:<{to}>"), "250"),
        ("DATA".to_string(), "354"),
    ] {
        write!(w, "{cmd}\r\n").unwrap();
        expect(code);
    }
    write!(
        w,
        "From: Jane Roe <jane.roe@example.test>\r\nTo: <{to}>\r\nSubject: {subject}\r\n\r\nHere is the signed contract.\r\n.\r\n"
    )
    .unwrap();
    expect("250");
    write!(w, "QUIT\r\n").unwrap();
}

#[tokio::test]
async fn mail_delivered_while_the_window_is_open_shows_up_after_sync() {
    let _one = ONE_AT_A_TIME.lock().await;
    if ready().is_none() {
        return;
    }
    let Some(ms) = dealbox_tests::MailServer::require() else { return };
    let profile = dealbox_tests::Profile::new();
    let password_command = format!("echo {}", ms.password("carol"));
    profile
        .run(&[
            "account",
            "add",
            "--name",
            "work",
            "--email",
            ms.email("carol"),
            "--user",
            "carol",
            "--imap",
            &ms.imaps(),
            "--imap-security",
            "tls",
            "--smtp",
            &ms.smtps(),
            "--smtp-security",
            "tls",
            "--trust-ca",
            &ms.ca_pem().to_string_lossy(),
            "--password-command",
            &password_command,
            "--fetch",
            "all",
        ])
        .assert_ok();
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    // The window checks the account as it opens.
    c.wait()
        .at_most(Duration::from_secs(30))
        .for_element(Locator::XPath("//nav//p[starts-with(normalize-space(.), 'Checked')]"))
        .await
        .unwrap_or_else(|e| panic!("the first check did not finish: {e}"));

    let subject = format!("Signed contract {}", std::process::id());
    deliver(&ms.addr("MAIL_SMTP_MX_PORT"), ms.email("carol"), &subject);
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
