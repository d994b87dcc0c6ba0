//! The core stays GUI-free: `cargo tree -p dealbox-core -i X` finds nothing for tauri, the keyring crates and
//! notify-rust. Each check has a positive control, so a typo or a changed cargo output cannot make it pass.

use std::process::{Command, Stdio};

use dealbox_tests::workspace_root;

/// `cargo tree -p PACKAGE -i CRATE --target all`: the path from PACKAGE to CRATE, or None if there is none.
fn inverse_tree(package: &str, krate: &str) -> Option<String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let out = Command::new(cargo)
        .args(["tree", "--quiet", "-p", package, "-i", krate, "--target", "all", "-e", "normal,build"])
        .arg("--manifest-path")
        .arg(workspace_root().join("Cargo.toml"))
        .stdin(Stdio::null())
        .output()
        .expect("run cargo tree");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let stderr = String::from_utf8_lossy(&out.stderr).into_owned();
    if out.status.success() {
        return if stdout.trim().is_empty() { None } else { Some(stdout) };
    }
    // Several versions in the lock file: check each one ("name@version" lines in the help).
    if stderr.contains("is ambiguous") {
        let found: Vec<String> = stderr
            .lines()
            .map(str::trim)
            .filter(|l| l.starts_with(&format!("{krate}@")))
            .filter_map(|spec| inverse_tree(package, spec))
            .collect();
        assert!(
            stderr.lines().any(|l| l.trim().starts_with(&format!("{krate}@"))),
            "unexpected cargo output:\n{stderr}"
        );
        return if found.is_empty() { None } else { Some(found.join("\n")) };
    }
    // cargo's way of saying "CRATE is not in PACKAGE's dependency graph".
    assert!(
        stderr.contains("did not match any packages"),
        "cargo tree -p {package} -i {krate} failed for another reason:\n{stderr}"
    );
    None
}

#[test]
fn the_desktop_app_depends_on_tauri_so_the_check_can_see_it() {
    let tree = inverse_tree("dealbox", "tauri").expect("the shell must depend on tauri");
    assert!(tree.contains("dealbox v"), "{tree}");
}

#[test]
fn the_platform_crate_depends_on_keyring_core_so_the_check_can_see_it() {
    let tree = inverse_tree("dealbox-platform", "keyring-core").expect("dealbox-platform must depend on keyring-core");
    assert!(tree.contains("dealbox-platform v"), "{tree}");
}

#[test]
fn the_core_depends_on_no_gui_keyring_or_notification_crate() {
    for krate in
        ["tauri", "tauri-runtime", "wry", "keyring", "keyring-core", "zbus-secret-service-keyring-store", "notify-rust"]
    {
        if let Some(tree) = inverse_tree("dealbox-core", krate) {
            panic!("dealbox-core must stay GUI-free, but it depends on {krate}:\n{tree}");
        }
    }
}
