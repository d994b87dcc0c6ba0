//! The end-to-end harness: tauri-driver + WebKitWebDriver driving the real app (see app.rs for what it needs).
//! The modules of the `e2e` test binary use it (`use crate::common::*`); `tests/examples/ui_bench.rs` includes it
//! with `#[path]`.
#![allow(dead_code, clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use serde_json::json;

/// One app at a time: each test starts its own window.
pub static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

pub fn which(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path).map(|d| d.join(name)).find(|p| p.is_file())
}

/// The app binary, tauri-driver and WebKitWebDriver, or what is missing.
pub fn prerequisites() -> Result<(PathBuf, PathBuf), String> {
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
pub fn newer_source_than(binary: &Path) -> Option<PathBuf> {
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

pub fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

pub struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

pub struct Session {
    pub client: Client,
    _driver: Driver,
}

/// The app and tauri-driver, or `None` after saying what is missing (a failure with `DEALBOX_E2E=1`).
pub fn ready() -> Option<(PathBuf, PathBuf)> {
    match prerequisites() {
        Ok(p) => Some(p),
        Err(missing) => {
            assert!(std::env::var_os("DEALBOX_E2E").is_none(), "DEALBOX_E2E is set but this is missing: {missing}");
            eprintln!("SKIPPED (end-to-end): missing {missing}");
            None
        }
    }
}

/// Start tauri-driver and the app on `profile`; `None` when prerequisites are missing. Opening the WebDriver
/// session is tried three times (fresh ports each time): now and then WebKitWebDriver drops the very first
/// request ("IncompleteMessage") before the app is up.
pub async fn start(profile: &Path) -> Option<Session> {
    start_with_env(profile, &[]).await
}

/// [`start`] with extra environment for the app (e.g. its own XDG_DATA_HOME).
pub async fn start_with_env(profile: &Path, env: &[(&str, &Path)]) -> Option<Session> {
    let (app, driver) = ready()?;
    let mut last = String::new();
    for attempt in 1..=3 {
        match start_once(profile, env, &app, &driver).await {
            Ok(s) => return Some(s),
            Err(e) => {
                eprintln!("opening a WebDriver session on the app failed (attempt {attempt} of 3): {e}");
                last = e;
            }
        }
    }
    panic!("open a WebDriver session on the app: {last}");
}

async fn start_once(profile: &Path, env: &[(&str, &Path)], app: &Path, driver: &Path) -> Result<Session, String> {
    let (port, native_port) = (free_port(), free_port());
    let mut cmd = Command::new(driver);
    cmd.args(["--port", &port.to_string(), "--native-port", &native_port.to_string()])
        .env("DEALBOX_PROFILE", profile)
        .env("WEBKIT_DISABLE_COMPOSITING_MODE", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::inherit());
    for (k, v) in env {
        cmd.env(k, v);
    }
    let driver = Driver(cmd.spawn().expect("start tauri-driver"));
    // Wait until tauri-driver listens (bounded: it either binds within seconds or fails).
    let deadline = Instant::now() + Duration::from_secs(20);
    while TcpStream::connect(("127.0.0.1", port)).is_err() {
        if Instant::now() > deadline {
            return Err(format!("tauri-driver did not listen on port {port}"));
        }
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
        .map_err(|e| e.to_string())?;
    Ok(Session { client, _driver: driver })
}

/// Evaluate `script` in the window until `ok` holds (`Ok` with that value) or `within` has passed (`Err` with the
/// last value). The pause between tries only sets how often to look; the condition ends the wait.
pub async fn poll_script(
    c: &Client,
    script: &str,
    ok: impl Fn(&serde_json::Value) -> bool,
    within: Duration,
) -> Result<serde_json::Value, serde_json::Value> {
    let deadline = Instant::now() + within;
    loop {
        let v = c.execute(script, vec![]).await.unwrap();
        if ok(&v) {
            return Ok(v);
        }
        if Instant::now() >= deadline {
            return Err(v);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

/// [`poll_script`], failing the test after `within` with `what` it waited for, the last value and the window's text.
pub async fn wait_script(
    c: &Client,
    what: &str,
    script: &str,
    ok: impl Fn(&serde_json::Value) -> bool,
    within: Duration,
) -> serde_json::Value {
    match poll_script(c, script, ok, within).await {
        Ok(v) => v,
        Err(last) => {
            let page = c.execute("return document.body.innerText", vec![]).await.unwrap_or_default();
            panic!(
                "timed out after {within:?} waiting for {what}; last value: {last}; the window shows:\n{}",
                page.as_str().unwrap_or("")
            );
        }
    }
}

pub async fn wait_for(c: &Client, css: &str) -> fantoccini::elements::Element {
    c.wait().at_most(Duration::from_secs(20)).for_element(Locator::Css(css)).await.unwrap_or_else(|e| {
        panic!("no element {css} in the app window: {e}");
    })
}

/// Deliver a plain message from Jane Roe through the test server's MX port (no AUTH, local domain only).
pub fn deliver(mx: &str, to: &str, subject: &str) {
    let headers = format!("From: Jane Roe <jane.roe@example.test>\r\nTo: <{to}>\r\nSubject: {subject}\r\n");
    deliver_raw(mx, "jane.roe@example.test", to, &format!("{headers}\r\nHere is the signed contract.\r\n"));
}

/// The SMTP dialogue with the MX port: `message` is the whole message (headers, blank line, body; CRLF line ends,
/// no line that is a lone ".").
pub fn deliver_raw(mx: &str, from: &str, to: &str, message: &str) {
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
        (format!("MAIL FROM:<{from}>"), "250"),
        (format!("RCPT TO:<{to}>"), "250"),
        ("DATA".to_string(), "354"),
    ] {
        write!(w, "{cmd}\r\n").unwrap();
        expect(code);
    }
    write!(w, "{message}.\r\n").unwrap();
    expect("250");
    write!(w, "QUIT\r\n").unwrap();
}

#[allow(unused_imports)] // tests/examples/ui_bench.rs includes this file and needs no delivery
pub use dealbox_tests::wait_delivered;

/// `dealbox-cli account add` for a test user on the test servers (IMAPS and SMTPS with the private CA, the
/// password from a command so the window needs no keyring entry); `extra` adds flags such as `--fetch all`.
pub fn add_server_account(
    profile: &dealbox_tests::Profile,
    ms: &dealbox_tests::MailServer,
    name: &str,
    user: &str,
    extra: &[&str],
) {
    let password_command = format!("echo {}", ms.password(user));
    let (imaps, smtps, ca) = (ms.imaps(), ms.smtps(), ms.ca_pem().to_string_lossy().into_owned());
    let mut args = vec!["account", "add", "--name", name, "--email", ms.email(user), "--user", user];
    args.extend(["--imap", &imaps, "--imap-security", "tls", "--smtp", &smtps, "--smtp-security", "tls"]);
    args.extend(["--trust-ca", &ca, "--password-command", &password_command]);
    args.extend(extra);
    profile.run(&args).assert_ok();
}
