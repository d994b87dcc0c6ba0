//! An empty Tauri 2 window (a one-line HTML page, no IPC, no commands): the floor that `tests/bench/ui-bench` measures
//! Dealbox's idle memory against, built from the same tauri/wry/WebKitGTK as the app.
//!
//!   cargo build --release -p dealbox --features dealbox/custom-protocol --example empty_window

use tauri::{Url, WebviewUrl, WebviewWindowBuilder};

fn main() {
    let context = tauri::generate_context!("../tauri.conf.json");
    let result = tauri::Builder::default()
        // A real (tiny) page from a custom scheme, so WebKit starts its web process as it does for the app
        // (about:blank starts none).
        .register_uri_scheme_protocol("empty", |_ctx, _request| {
            tauri::http::Response::builder()
                .header("Content-Type", "text/html")
                .body(b"<!doctype html><title>Empty</title><p>Empty Tauri window</p>".to_vec())
                .unwrap_or_default()
        })
        .setup(|app| {
            let page = Url::parse("empty://localhost/")?;
            WebviewWindowBuilder::new(app, "empty", WebviewUrl::External(page))
                .title("Empty Tauri window")
                .inner_size(1280.0, 800.0)
                .build()?;
            Ok(())
        })
        .run(context);
    if let Err(e) = result {
        eprintln!("error: {e}");
        std::process::exit(1);
    }
}
