//! The UI's TypeScript, checked against the commands: `ui/src/lib/backend/types.ts` declares every type a
//! command sends or receives (found by build.rs's `visit_command_types` and ts-rs, dependencies included) plus
//! the events' payloads; `ui/src/lib/backend/commands.ts` is build.rs's typed wrappers. Both are committed for
//! the UI's build; `UPDATE_TYPES=1 cargo test -p dealbox typescript` rewrites them, and these tests fail while
//! either is stale.

use std::collections::BTreeMap;
use ts_rs::{TypeVisitor, TS};

/// Collects declarations of named types, following their fields; wrappers (`Option`, `Vec`) pass through.
struct Decls {
    cfg: ts_rs::Config,
    by_name: BTreeMap<String, String>,
}

impl TypeVisitor for Decls {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() {
            T::visit_generics(self);
            return;
        }
        let name = T::ident(&self.cfg);
        if !self.by_name.contains_key(&name) {
            self.by_name.insert(name.clone(), String::new());
            T::visit_dependencies(self);
            self.by_name.insert(name, T::decl(&self.cfg));
        }
    }
}

/// The names these core types had as copies in wire/; kept until the UI uses the core's names.
const OLD_NAMES: &[(&str, &str)] = &[
    ("SecurityDto", "Security"),
    ("ServerDto", "Endpoint"),
    ("ProbeDto", "ProbeResult"),
    ("AddressDto", "Mailbox"),
    ("SortDto", "Sort"),
    ("CrmHitDto", "CrmHit"),
    ("NewSenderDto", "NewSenderAction"),
];

/// The generated `types.ts`.
pub fn typescript() -> String {
    let mut decls = Decls { cfg: ts_rs::Config::new().with_large_int("number"), by_name: BTreeMap::new() };
    crate::visit_command_types(&mut decls);
    // Not in a command's signature: the error every command may fail with, and the events' payloads.
    decls.visit::<crate::wire::UiError>();
    decls.visit::<crate::wire::sync::SyncEventDto>();
    decls.visit::<crate::notifications::OpenMailDto>();
    let mut out = String::from(
        "// Generated from the commands' types by `UPDATE_TYPES=1 cargo test -p dealbox typescript` (src-tauri/src/bindings.rs).\n\
         // Do not edit by hand: a test fails when this file is stale.\n\n",
    );
    for d in decls.by_name.values() {
        out.push_str("export ");
        out.push_str(d);
        out.push_str("\n\n");
    }
    for (old, core) in OLD_NAMES {
        out.push_str(&format!("export type {old} = {core};\n"));
    }
    out
}

// The file I/O is test code (as the GUI-free scan of the shell expects).
#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use std::path::Path;

    fn check(file: &str, fresh: &str) {
        let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/lib/backend").join(file);
        if std::env::var_os("UPDATE_TYPES").is_some() {
            std::fs::write(&path, fresh).unwrap();
        }
        let on_disk = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            on_disk == fresh,
            "{} is stale: regenerate it with `UPDATE_TYPES=1 cargo test -p dealbox typescript` and commit it",
            path.display()
        );
    }

    #[test]
    fn typescript_bindings_are_up_to_date() {
        let fresh = typescript();
        // The walk reaches nested types (the sidebar's people) and the core's own (ErrorKind through UiError).
        for t in ["CrmSidebarDto", "CrmPersonDto", "ErrorKind", "Hint", "MessageQuery", "SyncEventDto"] {
            assert!(fresh.contains(&format!("export type {t} = ")), "{t} is missing from types.ts");
        }
        check("types.ts", &fresh);
    }

    #[test]
    fn typescript_command_bindings_are_up_to_date() {
        let fresh = include_str!(concat!(env!("OUT_DIR"), "/commands.ts"));
        assert!(fresh.contains("syncNow: (accountId) => invoke<void>('sync_now', { accountId })"), "{fresh}");
        check("commands.ts", fresh);
    }
}
