//! End-to-end tests of the reader and the CRM sidebar in the real window (tauri-driver + WebKitWebDriver;
//! see app.rs for what they need and how to run them).
//!
//! - A real newsletter (SpamAssassin corpus, `tests/fixtures/reader/`) whose image hosts point at a loopback
//!   HTTP server started here: nothing is requested until "Load images"; then the images are, but never the
//!   newsletter's own open tracker or a 1×1 pixel; "Always for this sender" survives restarting the app.
//! - A hostile message (script, event handlers, javascript: links, meta refresh, remote CSS) runs nothing,
//!   requests nothing, and cannot reach the IPC even by the raw transports.
//! - "Create contact" in the sidebar creates the contact and the sidebar shows it.
//!
//! With `DEALBOX_SCREENSHOTS=1` the tests also write `docs/screenshots/{reader-remote-images-blocked,
//! crm-sidebar,needs-reply}.png`.
#![allow(clippy::unwrap_used)]

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use crate::common::*;
use dealbox_core::account::{Credential, Endpoint, NewAccount, Security};
use dealbox_core::cache::{store_messages, upsert_folder, Fetched};
use dealbox_core::secrets::MemorySecrets;
use dealbox_core::Core;
use fantoccini::{Client, Locator};
use serde_json::{json, Value};

/// A loopback HTTP server that answers every request with a 1×1 GIF (never cacheable) and logs the paths.
struct Web {
    port: u16,
    log: Arc<Mutex<Vec<String>>>,
}

impl Web {
    fn start() -> Web {
        let listener = TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let log = Arc::new(Mutex::new(Vec::new()));
        let l = log.clone();
        std::thread::spawn(move || {
            for stream in listener.incoming().flatten() {
                let l = l.clone();
                std::thread::spawn(move || {
                    let mut reader = BufReader::new(stream.try_clone().unwrap());
                    let mut first = String::new();
                    if reader.read_line(&mut first).is_err() {
                        return;
                    }
                    let mut line = String::new();
                    while reader.read_line(&mut line).is_ok_and(|n| n > 2) {
                        line.clear();
                    }
                    let path = first.split_whitespace().nth(1).unwrap_or("").to_string();
                    l.lock().unwrap().push(path);
                    const GIF: &[u8] = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\xff\xff\xff\x00\x00\x00!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;";
                    let mut w = stream;
                    let _ = write!(
                        w,
                        "HTTP/1.1 200 OK\r\nContent-Type: image/gif\r\nCache-Control: no-store\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
                        GIF.len()
                    );
                    let _ = w.write_all(GIF);
                });
            }
        });
        Web { port, log }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn requests(&self) -> Vec<String> {
        self.log.lock().unwrap().clone()
    }

    /// Wait (bounded) until a request whose path contains `part` arrived.
    async fn wait_for(&self, part: &str) {
        let deadline = Instant::now() + Duration::from_secs(20);
        while !self.requests().iter().any(|p| p.contains(part)) {
            assert!(Instant::now() < deadline, "nothing requested {part} in time; requests: {:?}", self.requests());
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
}

/// A stand-in `xdg-open` that records what the app asks the system to open: returns the record's path and a PATH
/// with the stand-in first, to give tauri-driver and the app (not this process: the tests of this binary run in
/// parallel and the environment is shared). Also keeps real browsers from starting during the tests.
fn stub_system_browser() -> (&'static Path, &'static Path) {
    static STUB: std::sync::OnceLock<(std::path::PathBuf, std::path::PathBuf)> = std::sync::OnceLock::new();
    let (log, path) = STUB.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("dealbox-e2e-reader-bin-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = dir.join("opened.log");
        let script = dir.join("xdg-open");
        std::fs::write(&script, format!("#!/bin/sh\nprintf '%s\\n' \"$*\" >> '{}'\n", log.display())).unwrap();
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&script, std::fs::Permissions::from_mode(0o755)).unwrap();
        let path = std::env::var_os("PATH").unwrap_or_default();
        let mut dirs = vec![dir];
        dirs.extend(std::env::split_paths(&path));
        (log, std::env::join_paths(dirs).unwrap().into())
    });
    (log, path)
}

fn rfc2822_now() -> String {
    time::OffsetDateTime::now_utc().format(&time::format_description::well_known::Rfc2822).unwrap()
}

/// The corpus newsletter's HTML (its MIME structure is broken: no closing boundary) in a clean message, with
/// its image hosts on `web`, a unique subject, today's date, and a 1×1 pixel.
fn newsletter(web: &Web, subject: &str) -> String {
    let path = workspace_root().join("tests/fixtures/reader/oracle_net_techblast.eml");
    let raw = String::from_utf8_lossy(&std::fs::read(path).unwrap()).into_owned();
    let html = raw.split_once("Content-Type: text/html").unwrap().1.trim_start();
    let html = html
        // Only the images move to the loopback server; the links keep their real targets.
        .replace("src=\"http://otn.oracle.com/", &format!("src=\"{}/otn/", web.url()))
        .replace("src=\"http://www.oracle.com/", &format!("src=\"{}/www/", web.url()))
        .replacen(
            "<body bgcolor=\"#FFFFFF\" link=\"#000000\" vlink=\"#000000\">",
            &format!(
                "<body bgcolor=\"#FFFFFF\" link=\"#000000\" vlink=\"#000000\"><img src=\"{}/img/s.gif?id=42\" width=\"1\" height=\"1\">",
                web.url()
            ),
            1,
        );
    assert!(html.contains(&web.url()) && html.contains("trackurl") && html.contains("s.gif"), "the fixture changed");
    format!(
        "From: Oracle Technology Network <replies@oracleeblast.com>\r\nTo: alice@example.test\r\nSubject: {subject}\r\n\
         Date: {}\r\nMessage-ID: <techblast.{}.{subject_len}@oracleeblast.com>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=iso-8859-1\r\n\r\n{html}\r\n",
        rfc2822_now(),
        std::process::id(),
        subject_len = subject.len()
    )
}

fn hostile(web: &Web, subject: &str) -> String {
    let u = web.url();
    let html = format!(
        r#"<html><head><meta http-equiv="refresh" content="0;url={u}/refresh"><link rel="stylesheet" href="{u}/css">
<style>@import url({u}/import); body {{ background: url({u}/bg) }}</style>
<script>document.title = 'pwned'; parent.document.title = 'pwned'; fetch('{u}/script');</script></head>
<body onload="fetch('{u}/onload'); document.title = 'pwned'">
<p id="hello">Please review the invoice.</p>
<img src="x" onerror="fetch('{u}/onerror'); parent.__pwned = 1">
<svg onload="fetch('{u}/svg')"><circle r="4"/></svg>
<a id="js" href="javascript:fetch('{u}/javascript')">Open the invoice</a>
<a id="ip" href="{u}/login">https://bank.example.test/login</a>
<iframe src="{u}/iframe"></iframe><object data="{u}/object"></object><embed src="{u}/embed">
<form action="{u}/form"><input name="q" autofocus onfocus="fetch('{u}/onfocus')"></form>
<video src="{u}/video" autoplay></video><audio src="{u}/audio" autoplay></audio>
</body></html>"#
    );
    format!(
        "From: Mallory <billing@evil-invoices.test>\r\nTo: Alice Martin <alice@example.test>\r\nSubject: {subject}\r\n\
         Date: {}\r\nMessage-ID: <hostile.{}@evil-invoices.test>\r\nMIME-Version: 1.0\r\n\
         Content-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n",
        rfc2822_now(),
        std::process::id()
    )
}

fn plain(from: &str, subject: &str, id: &str) -> String {
    format!(
        "From: {from}\r\nTo: Alice Martin <alice@example.test>\r\nSubject: {subject}\r\nDate: {}\r\n\
         Message-ID: <{id}>\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello Alice, could we get a quote?\r\n",
        rfc2822_now()
    )
}

/// A profile with one account (nothing listens on its server, so syncs never touch this mail) and `raws` in its Inbox.
fn profile_with(dir: &Path, raws: &[String]) {
    let core = Core::open(dir, Arc::new(MemorySecrets::default())).unwrap();
    let ep = || Endpoint { host: "127.0.0.1".into(), port: 1, security: Security::Tls };
    let account = core
        .accounts()
        .add(
            &NewAccount {
                name: "work".into(),
                email: "alice@example.test".into(),
                display_name: "Alice Martin".into(),
                addresses: vec![],
                username: "alice@example.test".into(),
                imap: ep(),
                smtp: ep(),
                credential: Credential::Command("echo x".into()),
                trust_ca_pem: None,
                insecure: false,
                signature: String::new(),
                fetch_days: Some(30),
                save_sent_copy: true,
                notify: false,
            },
            None,
        )
        .unwrap()
        .id;
    let inbox = upsert_folder(core.store(), account, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
    let batch: Vec<Fetched<'_>> = raws
        .iter()
        .enumerate()
        .map(|(i, raw)| Fetched {
            uid: i as u32 + 1,
            flags: vec![],
            modseq: None,
            size: raw.len() as u64,
            raw: raw.as_bytes(),
            internal_date: None,
        })
        .collect();
    store_messages(core.store(), account, inbox, &batch).unwrap();
}

/// Click the list row whose text contains `subject`, then wait for the reader to show it.
async fn open_row(c: &Client, subject: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        let clicked: Value = c
            .execute(
                "const row = [...document.querySelectorAll('[role=option]')].find(r => r.textContent.includes(arguments[0]));
                 if (row) row.click();
                 return !!row;",
                vec![json!(subject)],
            )
            .await
            .unwrap();
        if clicked == json!(true) {
            break;
        }
        assert!(Instant::now() < deadline, "no row with {subject:?} in the list");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    wait_until(
        c,
        "the reader shows the message",
        "return document.querySelector('article h1')?.textContent ?? ''",
        |v| v.as_str().is_some_and(|s| s.contains(subject)),
    )
    .await;
}

/// Evaluate `script` until `ok` holds (bounded); returns the last value.
async fn wait_until(c: &Client, what: &str, script: &str, ok: impl Fn(&Value) -> bool) -> Value {
    wait_script(c, what, script, ok, Duration::from_secs(20)).await
}

async fn click_button(c: &Client, text: &str) {
    let clicked: Value = c
        .execute(
            "const b = [...document.querySelectorAll('button')].find(b => b.textContent.trim() === arguments[0] && !b.disabled);
             if (b) b.click();
             return !!b;",
            vec![json!(text)],
        )
        .await
        .unwrap();
    assert_eq!(clicked, json!(true), "no enabled button {text:?}");
}

async fn screenshot(c: &Client, name: &str) {
    if std::env::var_os("DEALBOX_SCREENSHOTS").is_none() {
        return;
    }
    let png = c.screenshot().await.unwrap();
    let dir = workspace_root().join("docs/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join(format!("{name}.png")), png).unwrap();
}

const BANNER: &str = "return document.querySelector('[data-testid=remote-banner]')?.textContent ?? ''";

#[tokio::test]
async fn remote_images_load_only_when_allowed_and_tracking_pixels_never() {
    let _one = ONE_AT_A_TIME.lock().await;
    let web = Web::start();
    let pid = std::process::id();
    let subject = format!("TechBlast {pid}");
    let other = format!("Quote request {pid}");
    let profile = tempfile::tempdir().unwrap();
    profile_with(
        profile.path(),
        &[newsletter(&web, &subject), plain("Pat Doe <pat@client.test>", &other, &format!("q.{pid}@client.test"))],
    );
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;

    open_row(c, &subject).await;
    let banner =
        wait_until(c, "the remote-content banner", BANNER, |v| v.as_str().is_some_and(|s| !s.is_empty())).await;
    assert!(banner.as_str().unwrap().contains("remote images are hidden"), "{banner}");
    screenshot(c, "reader-remote-images-blocked").await;

    // Show another message and this one again: still nothing requested.
    open_row(c, &other).await;
    open_row(c, &subject).await;
    wait_until(c, "the banner again", BANNER, |v| v.as_str().is_some_and(|s| !s.is_empty())).await;
    assert!(web.requests().is_empty(), "remote content was requested before 'Load images': {:?}", web.requests());

    click_button(c, "Load images").await;
    for image in ["/otn/otn300x65.gif", "/otn/techblast/images/LightBulb.gif", "/otn/techblast/images/email2friend.gif"]
    {
        web.wait_for(image).await;
    }
    wait_until(c, "the banner to go", BANNER, |v| v == "").await;
    // Loading the images above proves the frame fetched what it was allowed to; the trackers were in the same document.
    let seen = web.requests();
    assert!(!seen.iter().any(|p| p.contains("trackurl")), "the newsletter's open tracker was requested: {seen:?}");
    assert!(!seen.iter().any(|p| p.contains("/img/s.gif")), "the 1×1 pixel was requested: {seen:?}");

    // "Load images" is for this message only; "Always for this sender" is remembered, across a restart too.
    open_row(c, &other).await;
    open_row(c, &subject).await;
    wait_until(c, "the banner after reopening", BANNER, |v| v.as_str().is_some_and(|s| !s.is_empty())).await;
    click_button(c, "Always for this sender").await;
    wait_until(c, "the sender line", "return document.querySelector('article').textContent", |v| {
        v.as_str().is_some_and(|s| s.contains("Images from replies@oracleeblast.com always load"))
    })
    .await;
    s.client.clone().close().await.unwrap();
    drop(s); // stops this tauri-driver before the next app starts

    web.log.lock().unwrap().clear();
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    open_row(c, &subject).await;
    web.wait_for("/otn/otn300x65.gif").await;
    let article: Value = c.execute("return document.querySelector('article').textContent", vec![]).await.unwrap();
    let article = article.as_str().unwrap();
    assert!(!article.contains("remote images are hidden"), "the sender's choice was forgotten: {article}");
    assert!(article.contains("always load"), "{article}");
    let seen = web.requests();
    assert!(!seen.iter().any(|p| p.contains("trackurl") || p.contains("/img/s.gif")), "a tracker loaded: {seen:?}");
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn a_hostile_message_runs_nothing_requests_nothing_and_cannot_reach_the_ipc() {
    let _one = ONE_AT_A_TIME.lock().await;
    let web = Web::start();
    let pid = std::process::id();
    let subject = format!("Invoice overdue {pid}");
    let news = format!("TechBlast {pid}");
    let profile = tempfile::tempdir().unwrap();
    profile_with(profile.path(), &[hostile(&web, &subject), newsletter(&web, &news)]);
    let (opened_log, path) = stub_system_browser();
    let Some(s) = start_with_env(profile.path(), &[("PATH", path)]).await else { return };
    let c = &s.client;

    open_row(c, &subject).await;
    let frame = wait_for(c, "iframe[title='Message body']").await;
    // The link whose text shows another host than its target is flagged in the reader.
    let warning = wait_until(
        c,
        "the link warning",
        "return document.querySelector('[data-testid=link-warning]')?.textContent ?? ''",
        |v| v.as_str().is_some_and(|s| !s.is_empty()),
    )
    .await;
    assert!(warning.as_str().unwrap().contains("goes somewhere other than it shows"), "{warning}");

    // The message's id, asked through the page's own IPC (which the page has, unlike the frame).
    let id: Value = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('list_messages', { query: { accountId: null, folder: 'inbox', offset: 0, limit: 50 } })
               .then(r => done(r.find(m => m.subject.includes(arguments[0])).id), e => done('error ' + JSON.stringify(e)));",
            vec![json!(subject)],
        )
        .await
        .unwrap();
    let id = id.as_i64().unwrap_or_else(|| panic!("the page could not list messages: {id}"));

    frame.clone().enter_frame().await.unwrap();
    let inside: Value = c
        .execute(
            "const all = [...document.body.querySelectorAll('*')];
             const links = [...document.querySelectorAll('a')];
             const js = links.find(a => a.textContent === 'Open the invoice');
             if (js) js.click();
             const ip = links.find(a => a.textContent === 'https://bank.example.test/login');
             return {
               hello: document.querySelector('p')?.textContent ?? null,
               scripts: document.querySelectorAll('script').length,
               handlers: all.filter(e => [...e.attributes].some(a => a.name.startsWith('on'))).length,
               jsLinks: links.filter(a => /^\\s*javascript:/i.test(a.getAttribute('href') || '')).length,
               embeds: document.body.querySelectorAll('iframe, object, embed, form, video, audio, link, meta, style').length,
               ipFlag: ip ? ip.getAttribute('data-suspicious') : null,
               ipTitle: ip ? ip.getAttribute('title') : null,
               ipc: [typeof window.__TAURI_INTERNALS__, typeof window.__TAURI__, typeof window.ipc],
             };",
            vec![],
        )
        .await
        .unwrap();
    // Even a script that did run in the frame (WebDriver's does) gets nowhere through the raw transports:
    // WebKit's message handler (visible in every frame) and the IPC custom protocol.
    let raw_ipc: Value = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             const h = window.webkit && window.webkit.messageHandlers && window.webkit.messageHandlers.ipc;
             let posted = 'no handler';
             if (h) {
               try {
                 h.postMessage(JSON.stringify({ cmd: 'crm_create_from_sender', callback: 4242, error: 4243,
                                                payload: { messageId: arguments[0], kind: 'contact' }, options: {} }));
                 posted = 'posted';
               } catch (e) { posted = 'threw ' + e; }
             }
             fetch('ipc://localhost/crm_create_from_sender', { method: 'POST',
                   body: JSON.stringify({ messageId: arguments[0], kind: 'contact' }),
                   headers: { 'Content-Type': 'application/json', 'Tauri-Callback': '1', 'Tauri-Error': '2' } })
               .then(r => r.text().then(t => done({ posted, fetch: 'answered ' + r.status + ' ' + t })),
                     e => done({ posted, fetch: 'refused: ' + e }));",
            vec![json!(id)],
        )
        .await
        .unwrap();
    c.enter_parent_frame().await.unwrap();
    assert!(raw_ipc["fetch"].as_str().unwrap().starts_with("refused"), "the frame reached the IPC protocol: {raw_ipc}");
    // Control: the same command from the app's page works — which it could not if the frame's attempt had
    // created the contact first ("already contact #…").
    let from_page: Value = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             window.__TAURI_INTERNALS__.invoke('crm_create_from_sender', { messageId: arguments[0], kind: 'contact' })
               .then(() => done('ok'), e => done('error ' + JSON.stringify(e)));",
            vec![json!(id)],
        )
        .await
        .unwrap();
    assert_eq!(
        from_page, "ok",
        "the frame's raw IPC message created the contact ({raw_ipc}), or the page cannot: {from_page}"
    );

    assert_eq!(inside["hello"], "Please review the invoice.", "the message body is not in the frame: {inside}");
    assert_eq!(inside["scripts"], 0, "{inside}");
    assert_eq!(inside["handlers"], 0, "event handler attributes survived: {inside}");
    assert_eq!(inside["jsLinks"], 0, "{inside}");
    assert_eq!(inside["embeds"], 0, "frames, objects, forms, media, stylesheets or refreshes survived: {inside}");
    assert_eq!(inside["ipFlag"], "true", "the lying link is not flagged: {inside}");
    assert!(inside["ipTitle"].as_str().unwrap_or("").contains(&format!("{}/login", web.url())), "{inside}");
    assert_eq!(inside["ipc"], json!(["undefined", "undefined", "undefined"]), "IPC in the frame: {inside}");

    // A link clicked in the email goes to the system browser, not into the frame.
    frame.clone().enter_frame().await.unwrap();
    // A real (WebDriver) click, as a user's: scripted clicks cannot navigate from a frame without scripts.
    c.find(Locator::XPath("//a[text()='https://bank.example.test/login']")).await.unwrap().click().await.unwrap();
    c.enter_parent_frame().await.unwrap();
    let login = format!("{}/login", web.url());
    let deadline = Instant::now() + Duration::from_secs(20);
    while !std::fs::read_to_string(opened_log).unwrap_or_default().contains(&login) {
        assert!(
            Instant::now() < deadline,
            "the link was not handed to the system browser ({}); requests: {:?}; frames: {:?}",
            opened_log.display(),
            web.requests(),
            c.execute(
                "return [...document.querySelectorAll('iframe')].map(f => f.getAttribute('src') || 'srcdoc')",
                vec![]
            )
            .await
            .ok()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    frame.clone().enter_frame().await.unwrap();
    let still: Value =
        c.execute("return [location.href, document.querySelector('p')?.textContent]", vec![]).await.unwrap();
    c.enter_parent_frame().await.unwrap();
    assert_eq!(still, json!(["about:srcdoc", "Please review the invoice."]), "the frame navigated away");

    // Let the webview do real network work (a newsletter's allowed images) so anything the hostile
    // message managed to start would have arrived by now.
    open_row(c, &news).await;
    click_button(c, "Load images").await;
    web.wait_for("/otn/otn300x65.gif").await;
    let seen = web.requests();
    let hostile: Vec<&String> = seen.iter().filter(|p| !p.starts_with("/otn/")).collect();
    assert!(hostile.is_empty(), "the hostile message made requests: {hostile:?}");
    let page: Value = c
        .execute("return { title: document.title, pwned: typeof window.__pwned, crm: document.querySelector('aside').textContent }", vec![])
        .await
        .unwrap();
    assert_eq!(page["title"], "Dealbox", "{page}");
    assert_eq!(page["pwned"], "undefined", "{page}");
    s.client.close().await.unwrap();
}

#[tokio::test]
async fn creating_a_contact_from_the_sidebar_shows_it_in_the_sidebar() {
    let _one = ONE_AT_A_TIME.lock().await;
    let pid = std::process::id();
    let subject = format!("Quote for 40 seats {pid}");
    let profile = tempfile::tempdir().unwrap();
    profile_with(
        profile.path(),
        &[plain("Pat Doe <pat.doe@newclient.test>", &subject, &format!("c.{pid}@newclient.test"))],
    );
    let Some(s) = start(profile.path()).await else { return };
    let c = &s.client;
    open_row(c, &subject).await;
    const ASIDE: &str = "return document.querySelector('aside').textContent";
    let before =
        wait_until(c, "an empty sidebar", ASIDE, |v| v.as_str().is_some_and(|s| s.contains("Create contact"))).await;
    assert!(before.as_str().unwrap().contains("Nothing in the CRM about Pat Doe yet"), "{before}");

    click_button(c, "Create contact").await;
    let after =
        wait_until(c, "the new contact", ASIDE, |v| v.as_str().is_some_and(|s| s.contains("Contact created"))).await;
    let after = after.as_str().unwrap();
    assert!(!after.contains("No CRM data yet") && !after.contains("Create contact"), "{after}");
    let card: Value = c
        .execute("return [...document.querySelectorAll('aside .card .name')].map(e => e.textContent)", vec![])
        .await
        .unwrap();
    assert_eq!(card, json!(["Pat Doe"]), "{after}");
    // The reader's outcome line says where the email went.
    let line: Value = c
        .execute("return document.querySelector('[data-testid=crm-outcome]')?.textContent ?? ''", vec![])
        .await
        .unwrap();
    assert!(line.as_str().unwrap().contains("Created Pat Doe"), "{line}");
    s.client.close().await.unwrap();

    // The core has it: a contact with that address.
    let core = Core::open(profile.path(), Arc::new(MemorySecrets::default())).unwrap();
    let hits = dealbox_core::crm::sqlite::write(core.store(), |r| {
        dealbox_core::crm::RecordRepo::search_records(r, "pat.doe@newclient.test", 5)
    })
    .unwrap();
    assert!(hits.iter().any(|h| h.entity.kind == dealbox_core::crm::EntityKind::Contact), "{hits:?}");
}

fn with_attachments(subject: &str) -> String {
    format!(
        "From: Pat Doe <pat@client.test>\r\nTo: alice@example.test\r\nSubject: {subject}\r\nDate: {}\r\n\
         Message-ID: <att.{}@client.test>\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n\
         --XX\r\nContent-Type: text/plain\r\n\r\nThe quote and the installer.\r\n\
         --XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"quote.pdf\"\r\n\
         Content-Transfer-Encoding: base64\r\n\r\nJVBERi0xLjQgcXVvdGU=\r\n\
         --XX\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; filename=\"invoice.pdf.sh\"\r\n\r\n\
         #!/bin/sh\r\ntouch /tmp/pwned\r\n--XX--\r\n",
        rfc2822_now(),
        std::process::id()
    )
}

#[tokio::test]
async fn attachments_open_with_the_system_handler_but_programs_never_do() {
    let _one = ONE_AT_A_TIME.lock().await;
    let subject = format!("Quote and installer {}", std::process::id());
    let profile = tempfile::tempdir().unwrap();
    profile_with(profile.path(), &[with_attachments(&subject)]);
    let (opened_log, path) = stub_system_browser();
    let Some(s) = start_with_env(profile.path(), &[("PATH", path)]).await else { return };
    let c = &s.client;
    open_row(c, &subject).await;
    let list = wait_until(c, "the attachments", "return document.querySelector('footer')?.textContent ?? ''", |v| {
        v.as_str().is_some_and(|s| s.contains("invoice.pdf.sh"))
    })
    .await;
    let list = list.as_str().unwrap();
    assert!(list.contains("quote.pdf") && list.contains("PDF"), "{list}");
    assert!(list.contains("Program — not opened"), "the script is not flagged: {list}");
    let buttons: Value = c
        .execute(
            "return [...document.querySelectorAll('footer button')].map(b => b.getAttribute('aria-label'))",
            vec![],
        )
        .await
        .unwrap();
    assert_eq!(buttons, json!(["Open quote.pdf", "Save quote.pdf", "Save invoice.pdf.sh"]), "a program can be opened");

    c.find(Locator::Css("footer button[aria-label='Open quote.pdf']")).await.unwrap().click().await.unwrap();
    let deadline = Instant::now() + Duration::from_secs(20);
    let opened = loop {
        let log = std::fs::read_to_string(opened_log).unwrap_or_default();
        if let Some(line) = log.lines().find(|l| l.ends_with("/quote.pdf")) {
            break line.to_string();
        }
        assert!(Instant::now() < deadline, "quote.pdf was not handed to the system handler: {log}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    };
    assert_eq!(std::fs::read(&opened).unwrap(), b"%PDF-1.4 quote", "{opened}");
    let dir = Path::new(&opened).parent().unwrap().parent().unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(std::fs::metadata(dir).unwrap().permissions().mode() & 0o777, 0o700, "{} is not private", dir.display());
    wait_until(c, "the notice", "return document.querySelector('.att-notice')?.textContent ?? ''", |v| {
        v == "Opened quote.pdf"
    })
    .await;
    s.client.close().await.unwrap();
}

/// Screenshots of the CRM sidebar and the Needs-reply view on the sample-data profile (only with DEALBOX_SCREENSHOTS=1).
#[tokio::test]
async fn screenshots_of_the_sidebar_and_needs_reply() {
    if std::env::var_os("DEALBOX_SCREENSHOTS").is_none() {
        return;
    }
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().unwrap();
    let profile = dir.path().join("demo");
    dealbox_demo::create_profile(&profile, dealbox_core::store::unix_now(), Arc::new(MemorySecrets::default()))
        .unwrap();
    let Some(s) = start(&profile).await else { return };
    let c = &s.client;
    wait_for(c, ".list [role='option'] .subject").await;
    // The first message whose sidebar knows a deal: open the rows in turn until a sidebar shows open deals (each
    // row gets a bound to show them, which ends as soon as they are there).
    let aside = "return document.querySelector('aside')?.textContent ?? ''";
    let has_deals = |v: &Value| v.as_str().is_some_and(|a| a.contains("Open deals"));
    let deadline = Instant::now() + Duration::from_secs(30);
    for i in 0.. {
        c.execute("document.querySelectorAll('[role=option]')[arguments[0]]?.click()", vec![json!(i % 12)])
            .await
            .unwrap();
        if poll_script(c, aside, has_deals, Duration::from_secs(2)).await.is_ok() || Instant::now() > deadline {
            break;
        }
    }
    screenshot(c, "crm-sidebar").await;
    c.find(Locator::XPath("//nav//button[contains(., 'Needs reply')]")).await.unwrap().click().await.unwrap();
    wait_for(c, "section[aria-label='Needs reply'] header").await;
    // Loaded: its items, the "every email has an answer" note, or an error.
    let loaded = "return !!document.querySelector('.needs .item, .needs .empty, .needs [role=alert]')";
    wait_until(c, "the Needs-reply list", loaded, |v| v == &json!(true)).await;
    let clicked = c
        .execute("const i = document.querySelector('.needs .item:not(:disabled)'); i?.click(); return !!i", vec![])
        .await
        .unwrap();
    if clicked == json!(true) {
        let shown = "return !!document.querySelector('.needs .item.current') \
                     && !!document.querySelector('article h1')?.textContent";
        wait_until(c, "the reader to show the clicked item", shown, |v| v == &json!(true)).await;
    }
    screenshot(c, "needs-reply").await;
    s.client.close().await.unwrap();
}
