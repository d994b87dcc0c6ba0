//! The Dealbox desktop shell: opens a profile, creates the main window and exposes a few thin
//! commands over `dealbox-core`. Everything that decides anything lives in the core.
#![forbid(unsafe_code)]

pub mod api;
#[cfg(test)]
mod bindings;
pub mod notifications;
pub mod services;
pub mod wire;

use std::path::PathBuf;
use std::sync::{Arc, RwLock};

use clap::Parser;
use dealbox_core::Core;
use tauri::webview::NewWindowResponse;
use tauri::{Manager, Url, WebviewUrl, WebviewWindowBuilder};

use wire::UiError;

// `COMMANDS` and `invoke_handler()`, written by build.rs from the `#[tauri::command]` functions of `api/`.
include!(concat!(env!("OUT_DIR"), "/commands.rs"));

/// Command-line options of the `dealbox` binary.
#[derive(Debug, Parser)]
#[command(name = "dealbox", version, about = "Dealbox: email with a CRM sidebar for sales teams")]
pub struct Args {
    /// Profile directory (default: the platform's data dir, e.g. ~/.local/share/dealbox), as for dealbox-cli.
    #[arg(long, env = "DEALBOX_PROFILE")]
    pub profile: Option<PathBuf>,
    /// Open the sample-data profile (<data dir>/dealbox-demo), creating it on first use; works offline.
    #[arg(long)]
    pub demo: bool,
}

/// What every command can reach: the opened profile, or why it could not be opened. The window can switch
/// to another profile once ("Explore with sample data" on the first-run screen).
pub struct AppState {
    opened: RwLock<Opened>,
}

struct Opened {
    dir: PathBuf,
    core: Result<Arc<Core>, UiError>,
}

impl AppState {
    pub fn open(profile_dir: PathBuf) -> Self {
        let core = Core::open(&profile_dir, Arc::new(dealbox_platform::OsKeyring::new()));
        Self::with_core(profile_dir, core)
    }

    /// The sample-data profile, created on first use (`dealbox --demo`).
    pub fn open_demo(profile_dir: PathBuf) -> Self {
        let secrets = Arc::new(dealbox_platform::OsKeyring::new());
        let core = dealbox_demo::open_or_create(&profile_dir, dealbox_core::store::unix_now(), secrets);
        Self::with_core(profile_dir, core)
    }

    fn with_core(profile_dir: PathBuf, core: dealbox_core::Result<Core>) -> Self {
        let core = core.map(Arc::new).map_err(UiError::from);
        if let Err(e) = &core {
            tracing::error!("cannot open the profile {}: {}", profile_dir.display(), e.message);
        }
        Self { opened: RwLock::new(Opened { dir: profile_dir, core }) }
    }

    pub fn core(&self) -> Result<Arc<Core>, UiError> {
        match self.opened.read() {
            Ok(o) => o.core.clone(),
            Err(_) => Err(UiError::internal("the profile state was poisoned by an earlier panic")),
        }
    }

    pub fn profile_dir(&self) -> PathBuf {
        self.opened.read().map(|o| o.dir.clone()).unwrap_or_default()
    }

    /// From now on, commands use `core` (opened from `dir`).
    pub fn switch(&self, dir: PathBuf, core: Core) -> Arc<Core> {
        let core = Arc::new(core);
        match self.opened.write() {
            Ok(mut o) => *o = Opened { dir, core: Ok(core.clone()) },
            Err(p) => *p.into_inner() = Opened { dir, core: Ok(core.clone()) },
        }
        core
    }
}

/// Is this a URL of the app itself (or an email frame's `about:srcdoc`)? Everything else is external.
fn is_app_url(url: &Url, dev_url: Option<&Url>) -> bool {
    match url.scheme() {
        "tauri" => true,
        "about" => matches!(url.path(), "srcdoc" | "blank"),
        "http" | "https" => {
            url.host_str() == Some("tauri.localhost")
                || dev_url.is_some_and(|d| tauri::is_dev() && d.origin() == url.origin())
        }
        _ => false,
    }
}

/// Links from email open in the system browser (or mail client), never inside the app.
fn open_external(url: &Url) {
    if matches!(url.scheme(), "http" | "https" | "mailto") {
        tracing::info!("opening a {} link in the system browser", url.scheme());
        if let Err(e) = open::that_detached(url.as_str()) {
            tracing::warn!("could not open {} in the system browser: {e}", url.scheme());
        }
    }
}

/// Startup milestones for the benchmark (`DEALBOX_LOG=dealbox::startup=info`): ms since `main`.
fn startup(started: std::time::Instant, what: &str) {
    tracing::info!(target: "dealbox::startup", "{what} at {:.1} ms", started.elapsed().as_secs_f64() * 1000.0);
}

pub fn run() {
    let started = std::time::Instant::now();
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("DEALBOX_LOG").unwrap_or_else(|_| "warn".into());
    // Some crates log credentials at debug level (async-imap's LOGIN line); those directives cap them.
    for d in dealbox_core::LOG_REDACTIONS {
        if let Ok(d) = d.parse() {
            filter = filter.add_directive(d);
        }
    }
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let args = Args::parse();
    let state = if args.demo {
        AppState::open_demo(dealbox_demo::default_dir())
    } else {
        AppState::open(args.profile.unwrap_or_else(dealbox_core::default_profile_dir))
    };
    let core = state.core().ok();
    startup(started, "profile opened");

    let context = tauri::generate_context!("../tauri.conf.json");
    let dev_url = context.config().build.dev_url.clone();
    let result = tauri::Builder::default()
        .manage(state)
        .manage(notifications::Notifier::default())
        .manage(services::OutboxHandle::default())
        .invoke_handler(invoke_handler())
        .setup(move |app| {
            startup(started, "setup");
            WebviewWindowBuilder::new(app, "main", WebviewUrl::App("index.html".into()))
                .title("Dealbox")
                .inner_size(1280.0, 800.0)
                .min_inner_size(900.0, 560.0)
                // Files dropped on the window reach the page as HTML drag-and-drop (compose attachments).
                .disable_drag_drop_handler()
                .on_navigation(move |url| {
                    let ok = is_app_url(url, dev_url.as_ref());
                    tracing::debug!(
                        "navigation to a {} URL: {}",
                        url.scheme(),
                        if ok { "allowed" } else { "external" }
                    );
                    if !ok {
                        open_external(url);
                    }
                    ok
                })
                .on_new_window(|url, _features| {
                    open_external(&url);
                    NewWindowResponse::Deny
                })
                .on_page_load(move |_, p| startup(started, &format!("page load {:?}", p.event())))
                .build()?;
            startup(started, "window built");
            if let Some(core) = &core {
                if let Err(e) = services::start_sync(app.handle(), core) {
                    tracing::error!("cannot start syncing: {e}");
                }
                services::start_outbox(app.handle(), core.clone());
            }
            startup(started, "services started");
            Ok(())
        })
        .on_window_event(|window, event| {
            if let tauri::WindowEvent::Focused(true) = event {
                services::window_focused(window.app_handle());
            }
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("error: Dealbox could not start: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn only_the_app_and_email_frames_navigate_inside_the_window() {
        let u = |s: &str| Url::parse(s).unwrap();
        assert!(is_app_url(&u("tauri://localhost/index.html"), None));
        assert!(is_app_url(&u("http://tauri.localhost/index.html"), None));
        assert!(is_app_url(&u("about:srcdoc"), None));
        assert!(!is_app_url(&u("https://acme.test/renewal"), None));
        assert!(!is_app_url(&u("mailto:jane@acme.test"), None));
        assert!(!is_app_url(&u("file:///etc/passwd"), None));
        assert!(!is_app_url(&u("data:text/html,<script>x</script>"), None));
    }

    #[test]
    fn the_main_window_may_call_exactly_the_registered_commands() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("capabilities/main.json");
        let caps: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let granted: Vec<&str> = caps["permissions"].as_array().unwrap().iter().map(|p| p.as_str().unwrap()).collect();
        let mut expected: Vec<String> = COMMANDS.iter().map(|c| format!("allow-{}", c.replace('_', "-"))).collect();
        expected.extend(["core:event:allow-listen".to_string(), "core:event:allow-unlisten".to_string()]);
        assert_eq!(granted, expected);
        assert!(COMMANDS.contains(&"sync_now") && COMMANDS.len() > 50, "the commands are read: {COMMANDS:?}");
    }

    /// build.rs reads commands from `api/` only: one elsewhere would be neither callable nor allowed.
    #[test]
    fn every_command_lives_in_the_api_module() {
        let src = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![src.clone()];
        let (mut outside, mut inside) = (vec![], 0);
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                } else if std::fs::read_to_string(&p).unwrap().lines().any(|l| l.trim() == "#[tauri::command]") {
                    if p.starts_with(src.join("api")) {
                        inside += 1;
                    } else {
                        outside.push(p.display().to_string());
                    }
                }
            }
        }
        assert!(inside >= 7, "the check sees the commands in api/");
        assert!(outside.is_empty(), "commands outside src/api/ are not registered: {outside:?}");
    }
}
