//! The UI benchmark (a script, not a test): drives the real app over WebDriver on a big profile and measures
//! in the page (performance.now() + MutationObserver + requestAnimationFrame, no polling):
//!   - cold start: the app process's start time (from /proc) to the first rows of the inbox painted;
//!   - open a message: click on a row to the reader showing it;
//!   - the CRM sidebar: click on a row to the sidebar showing that message's CRM data;
//!   - search: one input event with the whole query to its results shown;
//!   - idle memory: PSS (/proc/PID/smaps_rollup) summed over the app and its WebKit processes, against an
//!     empty Tauri window measured the same way in the same run.
//!
//! Run it through `tests/bench/ui-bench` (builds, fills the profile, runs this inside the desktop session).
//!   ui_bench --profile DIR --app PATH --empty PATH [--runs N] [--idle SECS]
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../tests/e2e/common.rs"]
mod e2e_common;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use fantoccini::Client;
use serde_json::{json, Value};

struct Opts {
    profile: PathBuf,
    app: PathBuf,
    empty: PathBuf,
    runs: usize,
    idle: u64,
}

fn opts() -> Opts {
    let mut a = std::env::args().skip(1);
    let mut o = Opts { profile: PathBuf::new(), app: PathBuf::new(), empty: PathBuf::new(), runs: 5, idle: 20 };
    while let Some(k) = a.next() {
        let v = a.next().unwrap_or_else(|| panic!("{k} needs a value"));
        match k.as_str() {
            "--profile" => o.profile = v.into(),
            "--app" => o.app = v.into(),
            "--empty" => o.empty = v.into(),
            "--runs" => o.runs = v.parse().unwrap(),
            "--idle" => o.idle = v.parse().unwrap(),
            _ => panic!("unknown option {k}"),
        }
    }
    assert!(
        o.profile.is_dir() && o.app.is_file() && o.empty.is_file(),
        "usage: ui_bench --profile DIR --app PATH --empty PATH"
    );
    o
}

fn median(v: &mut [f64]) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = v.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        v[n / 2]
    } else {
        (v[n / 2 - 1] + v[n / 2]) / 2.0
    }
}

// ---- /proc ------------------------------------------------------------------------------------------

fn parents() -> HashMap<u32, u32> {
    let mut out = HashMap::new();
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        let Ok(stat) = std::fs::read_to_string(format!("/proc/{pid}/stat")) else { continue };
        // pid (comm) state ppid ...: comm may hold spaces, so split after the last ')'.
        let rest = &stat[stat.rfind(')').unwrap() + 2..];
        let ppid: u32 = rest.split_whitespace().nth(1).unwrap().parse().unwrap();
        out.insert(pid, ppid);
    }
    out
}

/// `pid` and all its descendants.
fn tree(pid: u32) -> Vec<u32> {
    let p = parents();
    let mut out = vec![pid];
    let mut i = 0;
    while i < out.len() {
        let cur = out[i];
        out.extend(p.iter().filter(|(_, pp)| **pp == cur).map(|(c, _)| *c));
        i += 1;
    }
    out
}

fn comm(pid: u32) -> String {
    std::fs::read_to_string(format!("/proc/{pid}/comm")).unwrap_or_default().trim().to_string()
}

fn pss_kib(pid: u32) -> u64 {
    let s = std::fs::read_to_string(format!("/proc/{pid}/smaps_rollup")).unwrap_or_default();
    s.lines()
        .find(|l| l.starts_with("Pss:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// PSS of the process tree in MiB, and what each process took.
fn pss_tree(pid: u32) -> (f64, String) {
    let mut total = 0;
    let mut parts = vec![];
    for p in tree(pid) {
        let k = pss_kib(p);
        total += k;
        parts.push(format!("{} {:.0}", comm(p), k as f64 / 1024.0));
    }
    (total as f64 / 1024.0, parts.join(", "))
}

/// The start of a process as unix seconds (from /proc/PID/stat starttime and the boot time).
///
/// The boot time is now minus `/proc/uptime` (10 ms resolution), less 10 ms so the error can only make a start look
/// slower. (`btime` in /proc/stat is truncated to the second: it made every start look up to 1 s slower — 0.28 s on
/// the machine of the 2026-11-27 runs.)
fn process_start(pid: u32) -> f64 {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap();
    let rest = &stat[stat.rfind(')').unwrap() + 2..];
    let ticks: f64 = rest.split_whitespace().nth(19).unwrap().parse().unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs_f64();
    let uptime: f64 =
        std::fs::read_to_string("/proc/uptime").unwrap().split_whitespace().next().unwrap().parse().unwrap();
    let btime = now - uptime - 0.01;
    let hz: f64 = String::from_utf8(Command::new("getconf").arg("CLK_TCK").output().unwrap().stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    btime + ticks / hz
}

/// The newest running process whose executable is `exe`.
fn newest_process_of(exe: &Path) -> Option<u32> {
    let exe = exe.canonicalize().ok()?;
    let mut best: Option<(f64, u32)> = None;
    for e in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = e.file_name().to_string_lossy().parse::<u32>() else { continue };
        if std::fs::read_link(format!("/proc/{pid}/exe")).ok().as_deref() != Some(exe.as_path()) {
            continue;
        }
        let t = process_start(pid);
        if best.is_none_or(|(bt, _)| t > bt) {
            best = Some((t, pid));
        }
    }
    best.map(|(_, p)| p)
}

fn kill_tree(pid: u32) {
    for p in tree(pid).into_iter().rev() {
        let _ = Command::new("kill").arg(p.to_string()).status();
    }
}

/// Start `exe args`, let it idle, and measure the PSS of its process tree.
fn idle_pss(exe: &Path, args: &[&str], idle: u64) -> (f64, String) {
    let mut child = Command::new(exe)
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| panic!("start {}: {e}", exe.display()));
    // A benchmark waits for the idle state on purpose: memory after the window settled.
    std::thread::sleep(Duration::from_secs(idle));
    let out = pss_tree(child.id());
    assert!(tree(child.id()).len() > 1, "{} has no WebKit processes: did the window open?", exe.display());
    kill_tree(child.id());
    let _ = child.wait();
    out
}

// ---- in the page ------------------------------------------------------------------------------------

async fn script(c: &Client, js: &str, args: Vec<Value>) -> Value {
    c.execute_async(js, args).await.unwrap_or_else(|e| panic!("script failed: {e}"))
}

/// Click row `k`; ms until the reader shows it and until the CRM sidebar has its data (each at the next frame).
const OPEN_JS: &str = r#"
const [k, done] = arguments;
const list = document.querySelector('section.list');
const row = list.querySelector(`[data-index="${k}"]`);
const id = row.dataset.id;
const t0 = performance.now();
let msg = null, crm = null;
const finish = () => { if (typeof msg === 'number' && typeof crm === 'number') { obs.disconnect(); done([msg, crm, id]); } };
const check = () => {
  if (msg === null && list.dataset.open === id) { msg = 'wait'; requestAnimationFrame(() => { msg = performance.now() - t0; finish(); }); }
  if (crm === null && list.dataset.crmFor === id) { crm = 'wait'; requestAnimationFrame(() => { crm = performance.now() - t0; finish(); }); }
};
const obs = new MutationObserver(check);
obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
setTimeout(() => { obs.disconnect(); done([msg, crm, id, `timed out: open=${list.dataset.open} crm=${list.dataset.crmFor} reader=${document.querySelector("article.reader")?.innerText.slice(0, 200)} errors=${[...document.querySelectorAll("[role=alert]")].map(e => e.textContent)} attrs=${[...list.attributes].map(a => a.name).join(",")}`]); }, 10000);
row.click();
"#;

/// Type a whole query in one input event; ms until its results are shown (at the next frame).
const SEARCH_JS: &str = r#"
const [q, done] = arguments;
const input = document.querySelector('header input[type="search"]');
const t0 = performance.now();
const shown = () => document.querySelector('section.list')?.dataset.resultsFor === q;
const obs = new MutationObserver(() => { if (shown()) { obs.disconnect(); requestAnimationFrame(() => done(performance.now() - t0)); } });
obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
input.focus();
input.value = q;
input.dispatchEvent(new Event('input', { bubbles: true }));
"#;

/// Type a query one key at a time (`gap` ms apart, like a person); ms from the last key to its results.
const TYPE_JS: &str = r#"
const [q, gap, done] = arguments;
const input = document.querySelector('header input[type="search"]');
input.focus();
let i = 0, t0 = 0;
const shown = () => document.querySelector('section.list')?.dataset.resultsFor === q;
const obs = new MutationObserver(() => { if (t0 && shown()) { obs.disconnect(); requestAnimationFrame(() => done(performance.now() - t0)); } });
obs.observe(document.body, { subtree: true, childList: true, attributes: true, characterData: true });
const key = () => {
  i += 1;
  input.value = q.slice(0, i);
  if (i === q.length) t0 = performance.now();
  input.dispatchEvent(new Event('input', { bubbles: true }));
  if (i < q.length) setTimeout(key, gap);
};
key();
"#;

/// Clear the box; resolves when the folder list is back.
const CLEAR_JS: &str = r#"
const [done] = arguments;
const input = document.querySelector('header input[type="search"]');
const back = () => { const l = document.querySelector('section.list'); return l && !l.dataset.resultsFor && l.querySelector('[data-index="0"][data-id]'); };
if (back() && !input.value) { done(true); } else {
  const obs = new MutationObserver(() => { if (back()) { obs.disconnect(); done(true); } });
  obs.observe(document.body, { subtree: true, childList: true, attributes: true });
  input.value = '';
  input.dispatchEvent(new Event('input', { bubbles: true }));
}
"#;

/// The page's "first rows painted" mark as unix seconds.
const PAINTED_JS: &str = r#"
const [done] = arguments;
const get = () => performance.getEntriesByName('dealbox:list-painted')[0];
const mark = (n) => performance.getEntriesByName(n)[0]?.startTime ?? -1;
const nav = () => performance.getEntriesByType('navigation')[0] ?? {};
const report = (m) => done({ at: (performance.timeOrigin + m.startTime) / 1000, origin: performance.timeOrigin / 1000,
  loaded: nav().domContentLoadedEventEnd ?? -1, painted: m.startTime, rows: document.querySelectorAll('section.list [role="option"]').length, total: document.querySelector('.count-total')?.textContent,
  response: nav().responseEnd ?? -1, script: mark('dealbox:script'), ipc: mark('dealbox:first-ipc'),
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1,
  calls: ['accounts', 'folders', 'status', 'page', 'data', 'list-rendered'].map((n) => `${n} ${mark('dealbox:' + n).toFixed(0)}`).join(', ') });
if (get()) report(get()); else {
  const obs = new PerformanceObserver(() => { if (get()) { obs.disconnect(); report(get()); } });
  obs.observe({ type: 'mark', buffered: true });
}
"#;

/// The empty window's page: when it started (unix seconds) and loaded (ms after its start).
const EMPTY_JS: &str = r#"
const [done] = arguments;
const report = () => done({ origin: performance.timeOrigin / 1000,
  loaded: performance.getEntriesByType('navigation')[0]?.loadEventEnd ?? -1,
  fcp: performance.getEntriesByName('first-contentful-paint')[0]?.startTime ?? -1 });
if (document.readyState === 'complete') setTimeout(report, 0); else addEventListener('load', () => setTimeout(report, 0));
"#;

const QUERIES: &[&str] = &["renewal", "from:jane", "subject:invoice", "pilot rollout", "is:unread budget", "acme"];

/// The people of `fill_profile` as CRM contacts with their companies (so the sidebar and the search's CRM
/// group have something to show).
fn seed_crm(dir: &Path) {
    let csv = "name,email,company,domain\n\
        Jane Roe,jane.roe@acme-corp.test,ACME Corp,acme-corp.test\n\
        Sam Carter,sam.carter@acme-corp.test,ACME Corp,acme-corp.test\n\
        Marco Bianchi,marco.bianchi@globex.test,Globex,globex.test\n\
        Jürgen Müller,j.mueller@initech.test,Initech,initech.test\n\
        Li Wei,li.wei@initech.test,Initech,initech.test\n\
        Priya Natarajan,priya@umbrella.test,Umbrella,umbrella.test\n\
        Tom O'Brien,tom.obrien@hooli.test,Hooli,hooli.test\n";
    let path = dir.join("crm-contacts.csv");
    std::fs::write(&path, csv).unwrap();
    let store = dealbox_core::store::Store::open(&dir.join(dealbox_core::store::DB_FILE)).unwrap();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs() as i64;
    let report = dealbox_core::crm::import::import_file(&store, &path, None, now).unwrap();
    println!("CRM contacts imported: {report:?}");
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    if args.get(1).map(String::as_str) == Some("--time-queries") {
        let store = dealbox_core::store::Store::open(&Path::new(&args[2]).join(dealbox_core::store::DB_FILE)).unwrap();
        use dealbox_core::query::{self, Sort};
        for _ in 0..3 {
            let t = Instant::now();
            let f = query::folders(&store, None).unwrap();
            let t1 = t.elapsed();
            let c = query::conversations(&store, None, Some("inbox"), Sort::NewestFirst, 100, 0).unwrap();
            let t2 = t.elapsed();
            let l = query::list_sorted(&store, None, Some("inbox"), Sort::NewestFirst, 100, 0).unwrap();
            let t3 = t.elapsed();
            let s = query::search(&store, None, "renewal", 300).unwrap();
            let t4 = t.elapsed();
            println!(
                "folders {} {:?} · conversations {} (total {:?}) {:?} · list {} {:?} · search {} {:?}",
                f.len(),
                t1,
                c.rows.len(),
                c.total,
                t2 - t1,
                l.len(),
                t3 - t2,
                s.len(),
                t4 - t3
            );
        }
        return;
    }
    if args.get(1).map(String::as_str) == Some("--seed-crm") {
        seed_crm(Path::new(&args[2]));
        return;
    }
    let o = opts();
    let now = SystemTime::now().duration_since(UNIX_EPOCH).unwrap().as_secs();
    println!("ui-bench: profile {} · {} runs · idle {} s · unix time {now}", o.profile.display(), o.runs, o.idle);
    std::env::set_var("DEALBOX_APP", &o.app);

    let (mut cold, mut open, mut side, mut search, mut typed) = (vec![], vec![], vec![], vec![], vec![]);
    let mut page_start = vec![];
    for run in 0..o.runs {
        let _one = e2e_common::ONE_AT_A_TIME.lock().await;
        let started = Instant::now();
        let s = e2e_common::start(&o.profile).await.expect("the app, tauri-driver and WebKitWebDriver");
        let c = &s.client;
        let painted = script(c, PAINTED_JS, vec![]).await;
        let pid = newest_process_of(&o.app).expect("the app's process");
        let start = process_start(pid);
        let ms = (painted["at"].as_f64().unwrap() - start) * 1000.0;
        let f = |k: &str| painted[k].as_f64().unwrap_or(-1.0);
        let origin = (f("origin") - start) * 1000.0;
        println!(
            "run {run}: cold start to inbox painted {ms:.0} ms (page started {origin:.0} ms after the process; from \
             there: index.html loaded at {:.0} ms, the bundle running at {:.0}, its DOM ready at {:.0}, first paint \
             {:.0}, the first IPC answer at {:.0}, then {}, the list painted at {:.0} ms; {} rows in the DOM, {}; \
             session up after {:.1} s)",
            f("response"),
            f("script"),
            f("loaded"),
            f("fcp"),
            f("ipc"),
            painted["calls"].as_str().unwrap_or("?"),
            f("painted"),
            painted["rows"],
            painted["total"].as_str().unwrap_or("?"),
            started.elapsed().as_secs_f64()
        );
        cold.push(ms);
        page_start.push(origin);
        for k in [2, 5, 9] {
            let r = script(c, OPEN_JS, vec![json!(k)]).await;
            let (Some(m), Some(crm)) = (r[0].as_f64(), r[1].as_f64()) else { panic!("opening row {k}: {r}") };
            println!("  open row {k} (message {}): reader {m:.1} ms, CRM sidebar {crm:.1} ms", r[2]);
            open.push(m);
            side.push(crm);
        }
        for q in QUERIES {
            let ms = script(c, SEARCH_JS, vec![json!(q)]).await.as_f64().unwrap();
            println!("  search {q:?}: {ms:.1} ms");
            search.push(ms);
            script(c, CLEAR_JS, vec![]).await;
        }
        let ms = script(c, TYPE_JS, vec![json!("renewal"), json!(120)]).await.as_f64().unwrap();
        println!("  typed \"renewal\" (120 ms a key): {ms:.1} ms from the last key to its results");
        typed.push(ms);
        script(c, CLEAR_JS, vec![]).await;
        let _ = s.client.clone().close().await;
        drop(s);
    }

    // The floor for the start: the empty Tauri window, started the same way (over WebDriver).
    let mut empty_start = vec![];
    std::env::set_var("DEALBOX_APP", &o.empty);
    for run in 0..o.runs {
        let _one = e2e_common::ONE_AT_A_TIME.lock().await;
        let s = e2e_common::start(&o.profile).await.expect("the empty window, tauri-driver and WebKitWebDriver");
        let r = script(&s.client, EMPTY_JS, vec![]).await;
        let pid = newest_process_of(&o.empty).expect("the empty window's process");
        let start = process_start(pid);
        let f = |k: &str| r[k].as_f64().unwrap_or(-1.0);
        let origin = (f("origin") - start) * 1000.0;
        println!(
            "empty window {run}: page started {origin:.0} ms after the process; from there: loaded at {:.0} ms, \
             first paint {:.0} ms",
            f("loaded"),
            f("fcp")
        );
        empty_start.push(origin);
        let _ = s.client.clone().close().await;
        drop(s);
    }
    std::env::set_var("DEALBOX_APP", &o.app);

    println!("idle memory: each window left alone {} s, then PSS summed over its process tree", o.idle);
    let (mut floor, mut ours) = (vec![], vec![]);
    for _ in 0..2 {
        let (e, parts) = idle_pss(&o.empty, &[], o.idle);
        println!("  empty Tauri window: {e:.0} MiB ({parts})");
        floor.push(e);
        let (a, parts) = idle_pss(&o.app, &["--profile", o.profile.to_str().unwrap()], o.idle);
        println!("  Dealbox, 100k profile: {a:.0} MiB ({parts})");
        ours.push(a);
    }

    let (cold, open, side, search, typed) =
        (median(&mut cold), median(&mut open), median(&mut side), median(&mut search), median(&mut typed));
    let (floor, ours) = (median(&mut floor), median(&mut ours));
    println!();
    println!("| measure | median | target | ratio |");
    println!("|---|---|---|---|");
    let row = |name: &str, v: f64, target: f64, unit: &str| {
        println!("| {name} | {v:.0} {unit} | ≤ {target:.0} {unit} | {:.2} |", v / target);
    };
    row("cold start to inbox painted", cold, 1000.0, "ms");
    println!(
        "| of which: process start to the page's navigation start | {:.0} ms (empty window: {:.0} ms) | — | — |",
        median(&mut page_start),
        median(&mut empty_start)
    );
    row("open a message", open, 100.0, "ms");
    row("CRM sidebar shown (from the click)", side, 50.0, "ms");
    row("search results (one input event)", search, 100.0, "ms");
    println!("| search typed key by key (from the last key) | {typed:.0} ms | — | — |");
    println!(
        "| idle PSS, app + WebKit | {ours:.0} MiB | ≤ {:.0} MiB (floor {floor:.0} + 100) | {:.2} |",
        floor + 100.0,
        ours / (floor + 100.0)
    );
    println!("| over the empty window | {:.0} MiB | ≤ 100 MiB | {:.2} |", ours - floor, (ours - floor) / 100.0);
}
