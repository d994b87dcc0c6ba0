//! An empty Tauri 2 window (about:blank, no IPC, no commands): the floor that `tests/bench/ui-bench` measures
//! Dealbox's idle memory against, built from the same tauri/wry/WebKitGTK as the app.
//!
//!   cargo build --release -p dealbox --features dealbox/custom-protocol --example empty_window

use tauri::{Url, WebviewUrl, WebviewWindowBuilder};

fn main() {
    let context = tauri::generate_context!("../tauri.conf.json");
    let result = tauri::Builder::default()
        .setup(|app| {
            let blank = Url::parse("about:blank")?;
            WebviewWindowBuilder::new(app, "empty", WebviewUrl::External(blank))
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
