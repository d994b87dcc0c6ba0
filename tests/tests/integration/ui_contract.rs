//! The UI's in-memory backend (`ui/src/test/memory.ts`) is checked against the real one: this test builds
//! the demo profile (offline, fixed clock), asks the core what the app's commands ask it, converts the
//! answers with the shell's own DTOs — the JSON the window receives — and keeps them, with the data to seed
//! the in-memory backend with, in `ui/src/test/fixtures/contract.json`. `ui/src/test/contract.test.ts` seeds
//! the in-memory backend with that data, makes the same calls and fails when an answer differs.
//!
//! This test fails when the committed file is stale (it writes `contract.json.failed` beside it);
//! `UPDATE_GOLDEN=1` rewrites it — read the diff, then run the UI's tests (`npm test` in `ui/`).

#![allow(clippy::unwrap_used)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dealbox_app::wire::crm::CrmSidebarDto;
use dealbox_app::wire::list::ConversationPageDto;
use dealbox_app::wire::{AccountDto, FolderDto, MessageSummaryDto, MessageViewDto};
use dealbox_core::query::{MessageSummary, Sort};
use dealbox_core::secrets::NoSecrets;
use dealbox_core::Core;
use dealbox_tests::Profile;
use serde_json::{json, Value};

/// 2026-11-05 09:00 UTC, as in `demo_profile.rs`: the same profile on any day.
const NOW: i64 = 1_793_869_200;

/// The demo profile, built in `dir` (the one place this file reaches the demo generator).
fn demo_profile(dir: &Path) -> Core {
    dealbox_demo::create_profile(dir, NOW, Arc::new(NoSecrets("no keyring here".into()))).unwrap()
}

fn fixture_path() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../ui/src/test/fixtures/contract.json")
}

/// A DTO as the window receives it (Tauri serializes command results with serde_json).
macro_rules! to_json {
    ($v:expr) => {
        serde_json::to_value($v).unwrap()
    };
}

/// What the app's commands answer (`src-tauri/src/api/`): one core call, then
/// the shell's DTO. Argument order and names follow the UI's `Backend` interface (`ui/src/lib/backend/backend.ts`).
struct Real {
    core: Core,
}

/// `MessageQuery` of backend.ts.
struct Page<'a> {
    account_id: Option<i64>,
    folder: Option<&'a str>,
    offset: u32,
    limit: u32,
    sort: Sort,
}

impl Page<'_> {
    fn args(&self) -> Value {
        json!([{
            "accountId": self.account_id,
            "folder": self.folder,
            "offset": self.offset,
            "limit": self.limit,
            "sort": self.sort,
        }])
    }
}

fn summaries(v: Vec<MessageSummary>) -> Value {
    to_json!(v.into_iter().map(MessageSummaryDto::from).collect::<Vec<_>>())
}

impl Real {
    fn list_accounts(&self) -> Value {
        to_json!(self.core.accounts().list().unwrap().into_iter().map(AccountDto::from).collect::<Vec<_>>())
    }

    fn list_folders(&self, account_id: Option<i64>) -> Value {
        let v = self.core.mail().folders(account_id).unwrap();
        to_json!(v.into_iter().map(FolderDto::from).collect::<Vec<_>>())
    }

    fn list_messages(&self, q: &Page) -> Value {
        let v = self.core.mail().list(q.account_id, q.folder, q.sort, q.limit, q.offset);
        summaries(v.unwrap())
    }

    fn list_conversations(&self, q: &Page) -> Value {
        let p = self.core.mail().conversations(q.account_id, q.folder, q.sort, q.limit, q.offset);
        to_json!(ConversationPageDto::from(p.unwrap()))
    }

    fn conversation_messages(&self, account_id: Option<i64>, folder: Option<&str>, thread: i64, sort: Sort) -> Value {
        summaries(self.core.mail().conversation_messages(account_id, folder, thread, sort).unwrap())
    }

    fn get_message(&self, id: i64, allow_remote: bool) -> Value {
        to_json!(MessageViewDto::from(self.core.mail().view(id, allow_remote).unwrap()))
    }

    fn search_messages(&self, q: &str, account_id: Option<i64>, limit: u32, sort: Sort) -> Value {
        summaries(self.core.mail().search(account_id, q, sort, limit).unwrap())
    }

    fn crm_sidebar(&self, message_id: i64) -> Value {
        let s = self.core.crm().sidebar(message_id).unwrap();
        to_json!(CrmSidebarDto::from(s))
    }
}

/// One call of the `Backend` interface and the real answer.
fn call(method: &str, args: Value, answer: Value) -> Value {
    json!({ "method": method, "args": args, "answer": answer })
}

/// Every message of the profile as the in-memory backend stores it: its summary, plus what the reader and
/// the search look at (the HTML only for the messages the reader is asked for: it is most of the bytes).
fn seed_messages(real: &Real) -> Vec<Value> {
    let all = real.core.mail().list(None, None, Default::default(), u32::MAX, 0).unwrap();
    all.into_iter()
        .map(|m| {
            let id = m.id;
            let mut v = to_json!(MessageSummaryDto::from(m));
            let view = real.get_message(id, false);
            for key in ["to", "cc", "messageId", "text", "attachments", "suspiciousLinks"] {
                v[key] = view[key].clone();
            }
            v
        })
        .collect()
}

/// The ids the calls are about, picked from the profile by what they show rather than by number.
fn first_id(rows: &Value, pick: impl Fn(&Value) -> bool) -> i64 {
    rows.as_array().unwrap().iter().find(|r| pick(r)).map(|r| r["id"].as_i64().unwrap()).unwrap()
}

fn contract(real: &Real) -> Value {
    let newest = Sort::NewestFirst;
    let oldest = Sort::OldestFirst;
    let unified = |offset, limit, sort| Page { account_id: None, folder: Some("inbox"), offset, limit, sort };
    let accounts = real.list_accounts();
    let account = accounts[0]["id"].as_i64().unwrap();
    let mut messages = seed_messages(real);
    let seed_rows = Value::Array(messages.clone());

    let mut calls = vec![
        call("listAccounts", json!([]), accounts.clone()),
        call("listFolders", json!([null]), real.list_folders(None)),
        call("listFolders", json!([account]), real.list_folders(Some(account))),
    ];
    let mut pages = vec![unified(0, 25, newest), unified(0, 25, oldest), unified(25, 25, newest)];
    pages.push(Page { account_id: Some(account), folder: Some("sent"), offset: 0, limit: 10, sort: newest });
    pages.push(Page { account_id: Some(account), folder: None, offset: 40, limit: 10, sort: oldest });
    for p in &pages {
        calls.push(call("listMessages", p.args(), real.list_messages(p)));
    }
    for p in [unified(0, 25, newest), unified(0, 25, oldest), unified(25, 25, newest)] {
        calls.push(call("listConversations", p.args(), real.list_conversations(&p)));
    }
    // The inbox's longest conversation, expanded both ways.
    let first = real.list_conversations(&unified(0, 500, newest));
    let longest = first["rows"].as_array().unwrap().iter().max_by_key(|c| c["count"].as_i64().unwrap()).unwrap();
    let thread = longest["threadId"].as_i64().unwrap();
    for sort in [newest, oldest] {
        let answer = real.conversation_messages(None, Some("inbox"), thread, sort);
        calls.push(call("conversationMessages", json!([null, "inbox", thread, sort]), answer));
    }
    // The reader: a message with attachments, and one with a link that hides its target.
    let attached = first_id(&seed_rows, |m| m["hasAttachments"] == true);
    let suspicious = first_id(&seed_rows, |m| m["suspiciousLinks"].as_i64() > Some(0));
    for id in [attached, suspicious] {
        let view = real.get_message(id, false);
        let seeded = messages.iter_mut().find(|m| m["id"] == id).unwrap();
        seeded["html"] = view["html"].clone();
        calls.push(call("getMessage", json!([id, false]), view));
    }
    // Searches: a word both ways and within an account, a word's start, words apart, an address.
    let searches = [
        ("renewal", None, newest),
        ("renewal", None, oldest),
        ("renewal", Some(account), newest),
        ("rinnov", None, newest),
        ("helix proposal", None, newest),
        ("giovanni.esposito", None, newest),
    ];
    for (q, account_id, sort) in searches {
        let answer = real.search_messages(q, account_id, 300, sort);
        calls.push(call("searchMessages", json!([q, account_id, 300, sort]), answer));
    }
    // The CRM sidebar of a message the CRM linked to a record.
    let linked = first_id(&seed_rows, |m| m["crm"] == "linked");
    let sidebar = real.crm_sidebar(linked);
    calls.push(call("crmSidebar", json!([linked]), sidebar.clone()));

    let crm: BTreeMap<String, Value> = [(linked.to_string(), sidebar)].into();
    json!({
        "about": "Written by tests/tests/ui_contract.rs from the demo profile (UPDATE_GOLDEN=1 rewrites it); \
                  read by ui/src/test/contract.test.ts.",
        "seed": { "accounts": accounts, "folders": real.list_folders(None), "messages": messages, "crm": crm },
        "calls": calls,
    })
}

#[test]
fn the_in_memory_backend_fixture_matches_the_real_backend() {
    let tmp = Profile::new();
    let real = Real { core: demo_profile(&tmp.path().join("demo")) };
    let text = serde_json::to_string_pretty(&contract(&real)).unwrap() + "\n";
    let path = fixture_path();
    let failed = path.with_extension("json.failed");
    if std::env::var_os("UPDATE_GOLDEN").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &text).unwrap();
        let _ = std::fs::remove_file(&failed);
        return;
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    if committed != text {
        std::fs::write(&failed, &text).unwrap();
        panic!(
            "{} is stale: the real backend now answers {} (diff them; UPDATE_GOLDEN=1 rewrites it, then run `npm test` in ui/)",
            path.display(),
            failed.display()
        );
    }
    let _ = std::fs::remove_file(&failed);
}
