//! The sample-data profile (`dealbox-cli demo create DIR`, `dealbox --demo`): built offline, a few hundred
//! messages, a known client's thread linked to its deal, automated mail skipped with its reason, refused
//! twice, and the same `now` always gives the same profile.

#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dealbox_core::secrets::NoSecrets;
use dealbox_core::store::DB_FILE;
use dealbox_demo as demo;
use dealbox_tests::{cli_binary, run, Output, Profile};
use serde_json::Value;

/// 2026-11-05 09:00 UTC: a fixed clock, so the profile (and these tests) never depend on the day they run.
const NOW: i64 = 1_793_869_200;

/// A temp dir holding a demo profile built by the CLI (in `<tmp>/demo`, a directory that does not exist yet).
struct Demo {
    tmp: Profile,
}

impl Demo {
    fn dir(&self) -> PathBuf {
        self.tmp.path().join("demo")
    }

    /// Build it with the real binary, with no session bus: the demo must never need the keyring.
    fn create() -> Demo {
        let d = Demo { tmp: Profile::new() };
        let out = d.create_again();
        out.assert_ok().assert_says("Created the Dealbox demo profile");
        d
    }

    fn create_again(&self) -> Output {
        let mut c = self.tmp.command(&["demo", "create"]);
        c.arg(self.dir()).args(["--now", &NOW.to_string()]);
        c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/dealbox-demo-test-bus");
        run(c, None)
    }

    /// `dealbox-cli --profile <demo> ARGS`.
    fn cli(&self, args: &[&str]) -> Output {
        let mut c = std::process::Command::new(cli_binary());
        c.arg("--profile").arg(self.dir()).args(args).env_remove("DEALBOX_PROFILE");
        c.env("DBUS_SESSION_BUS_ADDRESS", "unix:path=/nonexistent/dealbox-demo-test-bus");
        run(c, None)
    }

    fn json_lines(&self, args: &[&str]) -> Vec<Value> {
        let out = self.cli(args);
        out.assert_ok();
        out.stdout.lines().map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}"))).collect()
    }

    fn json(&self, args: &[&str]) -> Value {
        let out = self.cli(args);
        out.assert_ok();
        serde_json::from_str(&out.stdout).unwrap_or_else(|e| panic!("{args:?}: not JSON: {e}\n{out}"))
    }

    /// `crm explain ID` as printed.
    fn explain(&self, id: i64) -> String {
        let out = self.cli(&["crm", "explain", &id.to_string()]);
        out.assert_ok();
        out.stdout
    }

    /// The newest message found by a search.
    fn first(&self, query: &str) -> Value {
        let rows = self.json_lines(&["search", query, "--json", "--limit", "200"]);
        rows.into_iter().next().unwrap_or_else(|| panic!("`search {query}` found nothing"))
    }
}

fn id(v: &Value) -> i64 {
    v["id"].as_i64().unwrap()
}

#[test]
fn the_demo_profile_opens_offline_with_hundreds_of_messages_in_every_folder() {
    let d = Demo::create();
    let all = d.json_lines(&["list", "--json", "--limit", "5000"]);
    assert!((200..=600).contains(&all.len()), "{} messages", all.len());
    let unread = all.iter().filter(|m| m["unread"] == true).count();
    let flagged = all.iter().filter(|m| m["flagged"] == true).count();
    assert!(unread >= 5 && unread < all.len() / 2, "{unread} unread of {}", all.len());
    assert!(flagged >= 3, "{flagged} flagged");
    let oldest = all.iter().map(|m| m["timestamp"].as_i64().unwrap()).min().unwrap();
    let newest = all.iter().map(|m| m["timestamp"].as_i64().unwrap()).max().unwrap();
    assert!((NOW - 86_400..NOW).contains(&newest), "newest message at {newest}");
    assert!((NOW - 61 * 86_400..NOW - 50 * 86_400).contains(&oldest), "oldest message at {oldest}");
    assert!(all.iter().any(|m| m["hasAttachments"] == true));

    let folders = d.json_lines(&["folders", "--json"]);
    for role in ["inbox", "sent", "drafts", "archive", "trash", "junk"] {
        let f = folders.iter().find(|f| f["role"] == role).unwrap_or_else(|| panic!("no {role} folder"));
        assert!(f["total"].as_i64().unwrap() > 0, "the {role} folder is empty");
    }
    let threads: std::collections::HashSet<i64> = all.iter().filter_map(|m| m["threadId"].as_i64()).collect();
    assert!(threads.len() < all.len() * 3 / 4, "{} threads for {} messages: few replies", threads.len(), all.len());

    // Non-ASCII names and subjects in Italian and German came through the real parser.
    assert!(all.iter().any(|m| m["subject"].as_str().unwrap().contains("Rückfrage")));
    assert!(all.iter().any(|m| m["subject"].as_str().unwrap().contains("modalità")));
    assert!(all.iter().any(|m| m["fromName"] == "Jürgen Müller" || m["fromName"] == "Käthe Schäfer"));

    // Sync knows there is no server, and says so instead of a network error.
    d.cli(&["sync"]).assert_ok().assert_says("Demo Sales: demo account: nothing to sync");
    let s = d.json_lines(&["sync", "--json"]);
    assert_eq!(s[0]["demo"], true);
    // Sending is refused at once, clearly, instead of parking a message on a DNS error.
    let to = "anna.schneider@nordwind-logistik.test";
    let out = d.cli(&["send", "--account", "Demo Sales", "--to", to, "--subject", "Training dates", "--queue-only"]);
    assert!(!out.success(), "sending from the demo account must be refused:\n{out}");
    out.assert_says("demo account: it cannot send");
}

#[test]
fn a_known_clients_thread_is_found_linked_and_shown_with_its_contact_company_and_deal() {
    let d = Demo::create();
    let rows = d.json_lines(&["search", "fleet rollout", "--json"]);
    assert!(rows.len() >= 4, "the fleet rollout thread has {} messages:\n{rows:?}", rows.len());
    let thread = rows[0]["threadId"].as_i64().unwrap();
    assert!(rows.iter().all(|r| r["threadId"].as_i64() == Some(thread)), "one conversation: {rows:?}");
    let anna: Vec<&Value> = rows.iter().filter(|r| r["from"] == "anna.schneider@nordwind-logistik.test").collect();
    assert!(anna.len() >= 3);
    let first = anna.last().unwrap(); // newest first: the last is the email that started it
    let why = d.explain(id(first));
    assert!(why.starts_with("linked: matched the contact with address anna.schneider@nordwind-logistik.test"), "{why}");
    assert!(why.contains("Fleet rollout 2027"), "{why}");
    let newest = anna.first().unwrap();
    assert!(d.explain(id(newest)).starts_with("linked: "), "{}", d.explain(id(newest)));

    let s = d.json(&["crm", "sidebar", &id(newest).to_string(), "--json"]);
    let from = &s["participants"][0];
    assert_eq!(from["contact"]["name"], "Anna Schneider", "{s:#}");
    assert_eq!(from["company"]["name"], "Nordwind Logistik GmbH", "{s:#}");
    let deal = s["openDeals"].as_array().unwrap().iter().find(|d| d["title"] == "Fleet rollout 2027 — 40 vehicles");
    let deal = deal.unwrap_or_else(|| panic!("no open fleet deal in {s:#}"));
    assert_eq!(deal["amount"], "48500.00 EUR");
    assert_eq!(deal["stage"], "Negotiation");
    assert_eq!(s["responsible"]["name"], "Daniel Weber");
    assert!(s["timeline"].as_array().unwrap().len() >= 3, "{s:#}");
    assert!(s["openTasks"].as_array().unwrap().iter().any(|t| t["title"].as_str().unwrap().contains("January")));
}

#[test]
fn automated_mail_and_other_rules_are_skipped_with_their_reasons() {
    let d = Demo::create();
    let newsletter = d.first("from:news@logisticsweekly.test");
    let why = d.explain(id(&newsletter));
    assert!(why.starts_with("skipped: automated email (bulk mail)"), "{why}");

    let bounce = d.first("from:mailer-daemon");
    let why = d.explain(id(&bounce));
    assert!(why.starts_with("skipped: automated email (a bounce or delivery status notification)"), "{why}");

    let auto = d.first("subject:Automatic");
    assert!(d.explain(id(&auto)).starts_with("skipped: automated email (an auto-reply)"));
    let accountants = d.first("from:bruni-commercialisti");
    assert!(d.explain(id(&accountants)).contains("on the exception list (entry \"bruni-commercialisti.test\")"));
    let team = d.first("from:marta.rossi@dealbox-demo.test");
    assert!(d.explain(id(&team)).contains("sent by a user of this account"));

    // Two open deals: the user is asked to choose; a vCard made a contact; new senders made leads.
    let showroom = d.first("from:paolo.ferretti@ferretti-arredamenti.test subject:Showroom");
    let why = d.explain(id(&showroom));
    assert!(why.contains("choose a deal"), "{why}");
    let card = d.first("subject:Ansprechpartnerin");
    assert!(d.explain(id(&card)).contains("1 contact from vCard attachments"), "{}", d.explain(id(&card)));
    let kaethe = d.first("from:k.schaefer@kessler-maschinenbau.test");
    let why = d.explain(id(&kaethe));
    assert!(why.starts_with("linked: matched the contact with address k.schaefer@kessler-maschinenbau.test"), "{why}");
    let contacts = d.json_lines(&["crm", "contacts", "--json"]);
    assert!(contacts.iter().any(|c| c["name"] == "Käthe Schäfer"));
    let inquiry = d.first("from:owen@fletcher-bikes.test");
    assert!(d.explain(id(&inquiry)).starts_with("created: no CRM record matches owen@fletcher-bikes.test"));

    // Every kind of outcome exists, and old mail says why it was left out.
    let db = rusqlite::Connection::open(d.dir().join(DB_FILE)).unwrap();
    let reasons: Vec<String> = db
        .prepare("SELECT DISTINCT reason FROM crm_outcomes WHERE outcome = 'skipped'")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    for needle in
        ["older than the processing window", "in the Drafts folder", "in the Spam folder", "addressed only to users"]
    {
        assert!(reasons.iter().any(|r| r.contains(needle)), "no skip reason with {needle:?} in {reasons:#?}");
    }
    let leads = d.json_lines(&["crm", "leads", "--json"]);
    for status in ["in_progress", "won", "lost"] {
        assert!(leads.iter().any(|l| l["status"] == status), "no {status} lead");
    }
    assert!(leads.iter().any(|l| l["returningCustomer"] == true), "no returning customer");
    let deals = d.json_lines(&["crm", "deals", "--json"]);
    assert!(deals.len() >= 20);
    for stage in ["New", "Qualified", "Proposal", "Negotiation", "Won", "Lost"] {
        assert!(deals.iter().any(|x| x["stage"] == stage), "no deal in {stage}");
    }
    assert!(deals.iter().any(|x| x["currency"] == "USD") && deals.iter().any(|x| x["currency"] == "EUR"));
}

#[test]
fn creating_twice_into_the_same_dir_is_refused_clearly_and_changes_nothing() {
    let d = Demo::create();
    let before = d.json_lines(&["list", "--json", "--limit", "5000"]).len();
    let out = d.create_again();
    out.assert_ok().assert_says("already holds the Dealbox demo profile; nothing was changed");
    assert_eq!(d.json_lines(&["list", "--json", "--limit", "5000"]).len(), before);

    // The core refuses too, with a config error naming the directory.
    let err = demo::create_profile(&d.dir(), NOW, Arc::new(NoSecrets("no keyring here".into()))).err().unwrap();
    assert_eq!(err.kind, dealbox_core::ErrorKind::Config);
    assert!(err.message.contains("already holds the Dealbox demo profile"), "{err}");

    // A directory with anything else in it is never touched.
    let other = d.tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let mut c = d.tmp.command(&["demo", "create"]);
    c.arg(&other);
    let out = run(c, None);
    out.assert_code(2).assert_says("is not empty");
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);
    assert!(!demo::is_demo_profile(&other));
    // No half-built directory is left next to it.
    let leftovers: Vec<_> = std::fs::read_dir(d.tmp.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().contains("creating"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

/// Every row of the mail cache and the CRM, as text, sorted.
fn dump(dir: &Path) -> Vec<String> {
    let db = rusqlite::Connection::open(dir.join(DB_FILE)).unwrap();
    let tables: Vec<String> = db
        .prepare(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND (name LIKE 'crm_%' OR name IN \
             ('messages', 'bodies', 'attachments', 'folders')) ORDER BY name",
        )
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert!(tables.len() > 10, "{tables:?}");
    let mut rows = Vec::new();
    for t in tables {
        let mut st = db.prepare(&format!("SELECT * FROM {t}")).unwrap();
        let n = st.column_count();
        let mut q = st.query([]).unwrap();
        while let Some(r) = q.next().unwrap() {
            let cells: Vec<String> = (0..n).map(|i| format!("{:?}", r.get_ref(i).unwrap())).collect();
            rows.push(format!("{t}: {}", cells.join(" | ")));
        }
    }
    rows.sort();
    rows
}

#[test]
fn the_same_now_gives_the_same_messages_and_crm_rows() {
    let tmp = Profile::new();
    let secrets = || -> Arc<dyn dealbox_core::secrets::Secrets> { Arc::new(NoSecrets("no keyring here".into())) };
    let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
    drop(demo::create_profile(&a, NOW, secrets()).unwrap());
    drop(demo::create_profile(&b, NOW, secrets()).unwrap());
    let (da, db) = (dump(&a), dump(&b));
    assert!(da.len() > 1000, "{} rows", da.len());
    if da != db {
        let diff: Vec<_> = da.iter().zip(&db).filter(|(x, y)| x != y).take(3).collect();
        panic!("two demo profiles built at the same moment differ (first differences): {diff:#?}");
    }
    // open_or_create opens the existing profile instead of building another.
    let core = demo::open_or_create(&a, NOW + 3600, secrets()).unwrap();
    assert_eq!(
        demo::summary(&core).unwrap().messages as usize,
        da.iter().filter(|r| r.starts_with("messages:")).count()
    );
    drop(core);
    assert_eq!(dump(&a), da);
}
