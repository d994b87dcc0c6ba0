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

/// What the shell must not reach past the core's front door for: the database, the SQLite CRM, the files.
const BEHIND_THE_FRONT_DOOR: &[&str] =
    &["rusqlite", "store.conn", ".store", "store::Store", "crm::sqlite", "SqliteCrm", "std::fs", "is_demo_account"];

/// The non-test code of each `.rs` file under `dir` (everything before a file's `#[cfg(test)]`).
fn non_test_sources(dir: &std::path::Path) -> Vec<(std::path::PathBuf, String)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).expect("read the source dir") {
            let p = e.expect("dir entry").path();
            if p.is_dir() {
                stack.push(p);
            } else if p.extension().is_some_and(|x| x == "rs") {
                let text = std::fs::read_to_string(&p).expect("read a source file");
                let code = text.split("#[cfg(test)]").next().unwrap_or("").to_string();
                out.push((p, code));
            }
        }
    }
    out.sort();
    out
}

/// `(file, line number, line)` for every line naming something behind the front door.
fn reaching_past_the_core(sources: &[(std::path::PathBuf, String)]) -> Vec<String> {
    let mut found = vec![];
    for (path, code) in sources {
        for (i, line) in code.lines().enumerate() {
            let code_part = line.split("//").next().unwrap_or("");
            if BEHIND_THE_FRONT_DOOR.iter().any(|p| code_part.contains(p)) {
                found.push(format!("{}:{}: {}", path.display(), i + 1, line.trim()));
            }
        }
    }
    found
}

#[test]
fn the_check_for_the_front_door_sees_a_store_access() {
    let fake = vec![("x.rs".into(), "fn f(c: &Core) { let conn = c.store.conn(); }\n".to_string())];
    assert_eq!(reaching_past_the_core(&fake).len(), 1);
    let in_a_comment = vec![("x.rs".into(), "// no store.conn here\n".to_string())];
    assert!(reaching_past_the_core(&in_a_comment).is_empty());
}

#[test]
fn the_shell_reaches_the_core_only_through_its_front_door() {
    let sources = non_test_sources(&workspace_root().join("src-tauri/src"));
    assert!(sources.len() > 5, "found the shell's sources");
    let found = reaching_past_the_core(&sources);
    assert!(
        found.is_empty(),
        "the shell reaches past the core's front door (add a method to Core):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_cli_reaches_the_core_only_through_its_front_door() {
    let sources = non_test_sources(&workspace_root().join("crates/cli/src"));
    assert!(sources.len() > 5, "found the CLI's sources");
    // The CLI reads and writes the user's files (bodies, attachments, exports): std::fs is its business.
    let found: Vec<String> = reaching_past_the_core(&sources)
        .into_iter()
        .filter(|l| !l.contains("std::fs") || l.contains(".store"))
        .collect();
    assert!(
        found.is_empty(),
        "the CLI reaches past the core's front door (add a method to Core):\n{}",
        found.join("\n")
    );
}

#[test]
fn the_shells_transport_types_are_a_leaf() {
    let sources = non_test_sources(&workspace_root().join("src-tauri/src/wire"));
    assert!(sources.len() > 3, "found the wire module");
    let found: Vec<String> = sources
        .iter()
        .flat_map(|(p, code)| {
            code.lines()
                .filter(|l| l.contains("crate::api") || l.contains("crate::services"))
                .map(move |l| format!("{}: {l}", p.display()))
        })
        .collect();
    assert!(found.is_empty(), "wire/ imports the commands or the services (a circle):\n{}", found.join("\n"));
}

/// Longest command body (lines between `#[tauri::command]` and the closing brace at column 0).
const MAX_COMMAND_LINES: usize = 20;

#[test]
fn every_command_is_a_few_lines() {
    let mut long = vec![];
    for (path, code) in non_test_sources(&workspace_root().join("src-tauri/src")) {
        let lines: Vec<&str> = code.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim() != "#[tauri::command]" {
                continue;
            }
            let end = lines[i..].iter().position(|l| *l == "}").map(|n| i + n).unwrap_or(lines.len());
            if end - i > MAX_COMMAND_LINES {
                long.push(format!("{}:{} ({} lines)", path.display(), i + 1, end - i));
            }
        }
    }
    assert!(long.is_empty(), "commands are one call into the core; move the logic there:\n{}", long.join("\n"));
}
