//! Tauri's build step, driven by the commands themselves: every `#[tauri::command]` function in
//! `src/api/*.rs` is read here (with `syn`), and from that one list come
//! - the invoke handler and `COMMANDS` (`$OUT_DIR/commands.rs`, included by `lib.rs`), and there too
//!   `visit_command_types`, which hands every argument and answer type to ts-rs so that `types.ts` declares
//!   exactly what the commands use (`bindings.rs`),
//! - each command's `allow-*`/`deny-*` permission and the main window's capability (`capabilities/main.json`,
//!   rewritten here when it differs, so it cannot drift),
//! - the UI's typed invoke wrappers (`$OUT_DIR/commands.ts`; `ui/src/lib/backend/commands.ts` is its committed
//!   copy, which a test keeps fresh: `UPDATE_TYPES=1 cargo test -p dealbox typescript`).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

use quote::ToTokens;

/// Besides the app's own commands, the window may only listen to events: no plugins, no other core APIs.
const CORE_PERMISSIONS: &[&str] = &["core:event:allow-listen", "core:event:allow-unlisten"];

/// Arguments Tauri fills in itself: they are not sent by the UI.
const INJECTED: &[&str] = &["State", "AppHandle", "Window", "WebviewWindow", "Webview"];

struct Command {
    module: String,
    name: String,
    docs: Vec<String>,
    /// `(camelCase name, TypeScript type, is Option)` of each argument the UI sends.
    args: Vec<(String, String, bool)>,
    /// The TypeScript type of a successful answer.
    answer: String,
    /// Takes the raw request (`tauri::ipc::Request`: bytes as the body): the UI's wrapper for it is written by
    /// hand in `tauri.ts` and declared in `backend.ts`.
    raw: bool,
}

/// One `api/` module: its `use` items and the Rust types its commands send and receive (as written there).
struct Module {
    uses: Vec<String>,
    types: Vec<String>,
}

fn camel(snake: &str) -> String {
    let mut out = String::new();
    let mut upper = false;
    for c in snake.chars() {
        if c == '_' {
            upper = true;
        } else if upper {
            out.extend(c.to_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

fn last_segment(ty: &syn::Type) -> Option<&syn::PathSegment> {
    match ty {
        syn::Type::Path(p) => p.path.segments.last(),
        syn::Type::Reference(r) => last_segment(&r.elem),
        _ => None,
    }
}

fn generic(seg: &syn::PathSegment, i: usize) -> Option<&syn::Type> {
    match &seg.arguments {
        syn::PathArguments::AngleBracketed(a) => a
            .args
            .iter()
            .filter_map(|a| match a {
                syn::GenericArgument::Type(t) => Some(t),
                _ => None,
            })
            .nth(i),
        _ => None,
    }
}

/// The TypeScript type of a Rust argument or answer, as serde_json + ts-rs write it (`types.ts` is `T`).
fn ts(ty: &syn::Type, at: &str) -> String {
    if let syn::Type::Tuple(t) = ty {
        if t.elems.is_empty() {
            return "void".into();
        }
    }
    if let syn::Type::Reference(r) = ty {
        return ts(&r.elem, at);
    }
    let seg = last_segment(ty).unwrap_or_else(|| panic!("{at}: cannot map this type to TypeScript"));
    let inner = |i| ts(generic(seg, i).unwrap_or_else(|| panic!("{at}: {} without a type argument", seg.ident)), at);
    match seg.ident.to_string().as_str() {
        "Option" => format!("{} | null", inner(0)),
        "Vec" => {
            let t = inner(0);
            if t.contains(' ') {
                format!("({t})[]")
            } else {
                format!("{t}[]")
            }
        }
        "String" | "str" => "string".into(),
        "bool" => "boolean".into(),
        "i8" | "i16" | "i32" | "i64" | "u8" | "u16" | "u32" | "u64" | "usize" | "isize" | "f32" | "f64" => {
            "number".into()
        }
        name if matches!(seg.arguments, syn::PathArguments::None) => format!("T.{name}"),
        name => panic!("{at}: {name}<…> has no TypeScript mapping in build.rs; use a DTO"),
    }
}

fn docs(attrs: &[syn::Attribute]) -> Vec<String> {
    attrs
        .iter()
        .filter(|a| a.path().is_ident("doc"))
        .filter_map(|a| match &a.meta {
            syn::Meta::NameValue(nv) => match &nv.value {
                syn::Expr::Lit(syn::ExprLit { lit: syn::Lit::Str(s), .. }) => Some(s.value().trim().to_string()),
                _ => None,
            },
            _ => None,
        })
        .collect()
}

fn is_command(attr: &syn::Attribute) -> bool {
    let segs: Vec<String> = attr.path().segments.iter().map(|s| s.ident.to_string()).collect();
    // The tests that cap a command's length look for the full path, as this build step does.
    assert!(segs != ["command"], "write #[tauri::command] in full, not #[command]");
    if segs != ["tauri", "command"] {
        return false;
    }
    assert!(
        matches!(attr.meta, syn::Meta::Path(_)),
        "#[tauri::command(...)] options are not supported by build.rs: keep the default camelCase arguments"
    );
    true
}

fn read_module(module: &str, path: &Path, modules: &mut Vec<Module>) -> Vec<Command> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()));
    let file = syn::parse_file(&text).unwrap_or_else(|e| panic!("parse {}: {e}", path.display()));
    let mut out = vec![];
    let mut m = Module { uses: vec![], types: vec![] };
    for item in file.items {
        if let syn::Item::Use(u) = &item {
            m.uses.push(u.to_token_stream().to_string());
        }
        let syn::Item::Fn(f) = item else { continue };
        if !f.attrs.iter().any(is_command) {
            continue;
        }
        let name = f.sig.ident.to_string();
        let at = format!("src/api/{module}.rs: {name}");
        let (mut args, mut raw) = (vec![], false);
        for input in &f.sig.inputs {
            let syn::FnArg::Typed(arg) = input else { panic!("{at}: a command is a free function") };
            let ident = last_segment(&arg.ty).map(|s| s.ident.to_string()).unwrap_or_default();
            if INJECTED.contains(&ident.as_str()) {
                continue;
            }
            if ident == "Request" {
                raw = true;
                continue;
            }
            let syn::Pat::Ident(pat) = &*arg.pat else { panic!("{at}: name each argument") };
            let optional = ident == "Option";
            args.push((camel(&pat.ident.to_string()), ts(&arg.ty, &at), optional));
            m.types.push(arg.ty.to_token_stream().to_string());
        }
        let answer = match &f.sig.output {
            syn::ReturnType::Default => "void".into(),
            syn::ReturnType::Type(_, ty) => match last_segment(ty) {
                Some(seg) if seg.ident == "Result" => {
                    let ok = generic(seg, 0).unwrap_or_else(|| panic!("{at}: Result without a type"));
                    m.types.extend([ok, generic(seg, 1).unwrap_or(ok)].map(|t| t.to_token_stream().to_string()));
                    ts(ok, &at)
                }
                _ => {
                    m.types.push(ty.to_token_stream().to_string());
                    ts(ty, &at)
                }
            },
        };
        out.push(Command { module: module.into(), name, docs: docs(&f.attrs), args, answer, raw });
    }
    m.types.retain(|t| t != "()");
    modules.push(m);
    out
}

fn read_commands(dir: &Path, modules: &mut Vec<Module>) -> Vec<Command> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("read {}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "rs") && !p.ends_with("mod.rs"))
        .collect();
    files.sort();
    let mut all = vec![];
    for path in files {
        let module = path.file_stem().and_then(|s| s.to_str()).unwrap_or_default().to_string();
        all.extend(read_module(&module, &path, modules));
    }
    all
}

fn capability(commands: &[Command]) -> String {
    let mut permissions: Vec<String> = commands.iter().map(|c| format!("allow-{}", c.name.replace('_', "-"))).collect();
    permissions.extend(CORE_PERMISSIONS.iter().map(|p| p.to_string()));
    let list: Vec<String> = permissions.iter().map(|p| format!("    \"{p}\"")).collect();
    format!(
        "{{\n  \"identifier\": \"main\",\n  \"description\": \"Generated by src-tauri/build.rs from the commands in \
         src/api/: the main window may call Dealbox's own commands and listen to its events; nothing else (no \
         plugins, no other core APIs).\",\n  \"windows\": [\"main\"],\n  \"local\": true,\n  \"permissions\": [\n{}\n  ]\n}}\n",
        list.join(",\n")
    )
}

/// `visit_command_types`: hands every argument and answer type of the commands to a ts-rs visitor, each in its
/// module's scope (its own `use` items), so `types.ts` declares exactly what the commands use.
fn visitor(modules: &[Module]) -> String {
    let mut s = String::from(
        "/// Every type the commands send or receive, for the TypeScript declarations (written by build.rs).\n\
         #[cfg(test)]\n\
         pub(crate) fn visit_command_types(v: &mut impl ts_rs::TypeVisitor) {\n",
    );
    for m in modules {
        s.push_str("    {\n");
        for u in &m.uses {
            let _ = writeln!(s, "        #[allow(unused_imports)]\n        {u}");
        }
        for t in &m.types {
            let _ = writeln!(s, "        v.visit::<{t}>();");
        }
        s.push_str("    }\n");
    }
    s.push_str("}\n");
    s
}

fn rust(commands: &[Command]) -> String {
    let names: Vec<String> = commands.iter().map(|c| format!("{:?}", c.name)).collect();
    let paths: Vec<String> = commands.iter().map(|c| format!("api::{}::{}", c.module, c.name)).collect();
    format!(
        "/// Every command the UI may call, by name: the `#[tauri::command]` functions of `src/api/` (read by build.rs).\n\
         pub const COMMANDS: &[&str] = &[{}];\n\n\
         fn invoke_handler() -> impl Fn(tauri::ipc::Invoke) -> bool + Send + Sync + 'static {{\n    \
         tauri::generate_handler![{}]\n}}\n",
        names.join(", "),
        paths.join(", ")
    )
}

fn typescript(commands: &[Command]) -> String {
    let mut s = String::from(
        "// Generated by src-tauri/build.rs from the #[tauri::command] functions in src-tauri/src/api/.\n\
         // Do not edit by hand: `UPDATE_TYPES=1 cargo test -p dealbox typescript` rewrites it, a test fails when\n\
         // it is stale. Arguments keep the Rust order; trailing optional ones may be left out.\n\
         import type * as T from './types';\n\n\
         /** The app's commands, one method each (raw-body commands are written by hand in tauri.ts). */\n\
         export interface Commands {\n",
    );
    let typed: Vec<&Command> = commands.iter().filter(|c| !c.raw).collect();
    for c in &typed {
        if !c.docs.is_empty() {
            let _ = writeln!(s, "  /** {} */", c.docs.join(" ").replace("*/", "* /"));
        }
        // Optional only when every argument after it is optional too.
        let mut params = vec![];
        let mut tail_optional = true;
        for (name, ty, optional) in c.args.iter().rev() {
            tail_optional &= *optional;
            params.push(if tail_optional { format!("{name}?: {ty}") } else { format!("{name}: {ty}") });
        }
        params.reverse();
        let _ = writeln!(s, "  {}({}): Promise<{}>;", camel(&c.name), params.join(", "), c.answer);
    }
    s.push_str(
        "}\n\n\
         /** Sends one command over IPC (tauri.ts: `invoke` plus error mapping). */\n\
         export type Invoke = <R>(command: string, args?: Record<string, unknown>) => Promise<R>;\n\n\
         /** The invoke wrappers: each method sends its arguments by name, as Tauri expects. */\n\
         export function commands(invoke: Invoke): Commands {\n  return {\n",
    );
    for c in &typed {
        let names: Vec<&str> = c.args.iter().map(|a| a.0.as_str()).collect();
        let args = if names.is_empty() { String::new() } else { format!(", {{ {} }}", names.join(", ")) };
        let _ = writeln!(
            s,
            "    {}: ({}) => invoke<{}>('{}'{}),",
            camel(&c.name),
            names.join(", "),
            c.answer,
            c.name,
            args
        );
    }
    s.push_str("  };\n}\n");
    s
}

fn write_if_changed(path: &Path, text: &str) {
    if std::fs::read_to_string(path).ok().as_deref() != Some(text) {
        std::fs::write(path, text).unwrap_or_else(|e| panic!("write {}: {e}", path.display()));
    }
}

fn main() {
    println!("cargo:rerun-if-changed=src/api");
    let mut modules = vec![];
    let commands = read_commands(Path::new("src/api"), &mut modules);
    assert!(commands.iter().any(|c| c.name == "sync_now"), "build.rs found no commands in src/api/");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    write_if_changed(&out.join("commands.rs"), &(rust(&commands) + "\n" + &visitor(&modules)));
    write_if_changed(&out.join("commands.ts"), &typescript(&commands));
    write_if_changed(Path::new("capabilities/main.json"), &capability(&commands));
    // tauri-build keeps the list for the whole build: leaking it (once, in a build script) is what it asks for.
    let names: &'static [&'static str] = Vec::leak(commands.iter().map(|c| &*String::leak(c.name.clone())).collect());
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .config_path("../tauri.conf.json")
            .app_manifest(tauri_build::AppManifest::new().commands(names)),
    )
    .expect("tauri build step failed");
}
