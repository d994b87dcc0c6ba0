//! Shared helpers for the CRM tests: a profile with two connected mailboxes, a team, and a builder for
//! real RFC 5322 messages (parsed by the same parser the cache uses).
#![allow(dead_code, clippy::unwrap_used)]

use std::sync::atomic::{AtomicU64, Ordering};

use dealbox_core::account::{Accounts, Credential, Endpoint, NewAccount, Security};
use dealbox_core::crm::{self, CrmRepo, MailInput, Mode, NewUser, Outcome, SqliteCrm, TeamRepo};
use dealbox_core::parse::{self, Parsed};
use dealbox_core::secrets::MemorySecrets;
use dealbox_core::store::Store;

/// "Now" for every test: 2026-09-21.
pub const NOW: i64 = 1_790_000_000;
pub const DAY: i64 = 86_400;

pub const SALES: &str = "sales@ourco.test";
pub const SUPPORT: &str = "support@ourco.test";

pub struct Env {
    pub store: Store,
    /// The mailbox under test (sales@ourco.test).
    pub account: i64,
    /// A second connected mailbox (support@ourco.test).
    pub other_account: i64,
    pub alice: i64,
    pub bob: i64,
    pub carol: i64,
}

pub fn account(store: &Store, name: &str, email: &str) -> i64 {
    let secrets = MemorySecrets::default();
    let accounts = Accounts { store, secrets: &secrets };
    let ep = |port| Endpoint { host: "localhost".into(), port, security: Security::None };
    accounts
        .add(
            &NewAccount {
                name: name.into(),
                email: email.into(),
                display_name: String::new(),
                addresses: vec![],
                username: name.into(),
                imap: ep(10143),
                smtp: ep(10587),
                credential: Credential::Command("echo pw".into()),
                trust_ca_pem: None,
                insecure: false,
                signature: String::new(),
                fetch_days: None,
                save_sent_copy: true,
                notify: false,
            },
            None,
        )
        .expect("add account")
        .id
}

impl Env {
    /// Alice (admin, owns sales@), Bob (active), Carol (inactive). Sales' queue: [Bob].
    pub fn new() -> Env {
        Self::on(Store::open_in_memory().expect("store"))
    }

    pub fn on(store: Store) -> Env {
        let account = account(&store, "sales", SALES);
        let other_account = account_named(&store, "support", SUPPORT);
        let (alice, bob, carol) = {
            let conn = store.conn().unwrap();
            let r = SqliteCrm::new(&conn);
            let alice = r.add_user(&user("Alice", &["alice@ourco.test", SALES], true, true), NOW).unwrap().id;
            let bob = r.add_user(&user("Bob", &["bob@ourco.test"], true, false), NOW).unwrap().id;
            let carol = r.add_user(&user("Carol", &["carol@ourco.test"], false, false), NOW).unwrap().id;
            let mut s = r.mailbox_settings(account).unwrap();
            s.queue = vec![bob];
            r.save_mailbox_settings(&s, NOW).unwrap();
            (alice, bob, carol)
        };
        Env { store, account, other_account, alice, bob, carol }
    }

    pub fn with<R>(&self, f: impl FnOnce(&SqliteCrm<'_>) -> R) -> R {
        let conn = self.store.conn().unwrap();
        f(&SqliteCrm::new(&conn))
    }

    pub fn settings(&self, f: impl FnOnce(&mut crm::MailboxSettings)) {
        self.with(|r| {
            let mut s = r.mailbox_settings(self.account).unwrap();
            f(&mut s);
            r.save_mailbox_settings(&s, NOW).unwrap();
        })
    }

    /// Process `mail` as it sits in a folder with `role`.
    pub fn run(&self, mail: &Mail, role: Option<&str>, mode: Mode) -> dealbox_core::Result<Outcome> {
        self.run_parsed(&mail.parsed(), role, mode, false, &[])
    }

    pub fn run_parsed(
        &self,
        p: &Parsed,
        role: Option<&str>,
        mode: Mode,
        seen: bool,
        vcards: &[String],
    ) -> dealbox_core::Result<Outcome> {
        let conn = self.store.conn().unwrap();
        let repo = SqliteCrm::new(&conn);
        let own = vec![SALES.to_string()];
        let connected = vec![SALES.to_string(), SUPPORT.to_string()];
        let input = MailInput {
            account_id: self.account,
            own_addresses: &own,
            connected_addresses: &connected,
            folder_role: role,
            parsed: p,
            seen,
            vcards,
        };
        crm::process(&repo as &dyn CrmRepo, &input, NOW, mode)
    }

    pub fn count(&self, table: &str) -> i64 {
        self.store.conn().unwrap().query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0)).unwrap()
    }
}

impl Default for Env {
    fn default() -> Self {
        Self::new()
    }
}

fn account_named(store: &Store, name: &str, email: &str) -> i64 {
    account(store, name, email)
}

pub fn user(name: &str, addresses: &[&str], active: bool, admin: bool) -> NewUser {
    NewUser { name: name.into(), addresses: addresses.iter().map(|s| s.to_string()).collect(), active, admin }
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// A message built header by header, rendered as real RFC 5322 bytes.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: String,
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub subject: String,
    pub date: i64,
    pub message_id: String,
    pub headers: Vec<(String, String)>,
    pub content_type: String,
    pub body: String,
}

impl Mail {
    pub fn new(from: &str, to: &str) -> Mail {
        let n = NEXT_ID.fetch_add(1, Ordering::Relaxed);
        Mail {
            from: from.into(),
            to: vec![to.into()],
            cc: vec![],
            subject: "Question about pricing".into(),
            date: NOW - 3600,
            message_id: format!("m{n}@mail.test"),
            headers: vec![],
            content_type: "text/plain; charset=utf-8".into(),
            body: "Hello,\r\nplease send me an offer.\r\n".into(),
        }
    }
    /// From a client to the sales mailbox.
    pub fn incoming(from: &str) -> Mail {
        Mail::new(from, SALES)
    }
    /// From the sales mailbox to someone.
    pub fn outgoing(to: &str) -> Mail {
        Mail::new(&format!("Alice <{SALES}>"), to)
    }
    pub fn subject(mut self, s: &str) -> Mail {
        self.subject = s.into();
        self
    }
    pub fn id(mut self, id: &str) -> Mail {
        self.message_id = id.into();
        self
    }
    pub fn date(mut self, ts: i64) -> Mail {
        self.date = ts;
        self
    }
    pub fn to(mut self, to: &[&str]) -> Mail {
        self.to = to.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn cc(mut self, cc: &[&str]) -> Mail {
        self.cc = cc.iter().map(|s| s.to_string()).collect();
        self
    }
    pub fn header(mut self, k: &str, v: &str) -> Mail {
        self.headers.push((k.into(), v.into()));
        self
    }
    /// A reply to `parent`: In-Reply-To and References as mail programs write them.
    pub fn reply_to(mut self, parent: &Mail) -> Mail {
        let mut refs: Vec<String> = parent
            .headers
            .iter()
            .find(|(k, _)| k == "References")
            .map(|(_, v)| v.split_whitespace().map(str::to_string).collect())
            .unwrap_or_default();
        refs.push(format!("<{}>", parent.message_id));
        self.headers.retain(|(k, _)| k != "References" && k != "In-Reply-To");
        self.headers.push(("In-Reply-To".into(), format!("<{}>", parent.message_id)));
        self.headers.push(("References".into(), refs.join(" ")));
        if !parent.subject.to_lowercase().starts_with("re:") {
            self.subject = format!("Re: {}", parent.subject);
        } else {
            self.subject = parent.subject.clone();
        }
        self
    }
    /// A multipart/report (delivery-status or disposition-notification).
    pub fn report(mut self, report_type: &str) -> Mail {
        self.content_type = format!("multipart/report; report-type={report_type}; boundary=\"RPT\"");
        self.body = format!(
            "--RPT\r\nContent-Type: text/plain\r\n\r\nThis is an automatic report.\r\n--RPT\r\n\
             Content-Type: message/{}\r\n\r\nReporting-MTA: dns; mx.mail.test\r\n\r\n--RPT--\r\n",
            if report_type == "delivery-status" { "delivery-status" } else { "disposition-notification" }
        );
        self
    }
    /// Attach a file.
    pub fn attach(mut self, mime: &str, name: &str, content: &str) -> Mail {
        let text = std::mem::take(&mut self.body);
        self.content_type = "multipart/mixed; boundary=\"MIX\"".into();
        self.body = format!(
            "--MIX\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--MIX\r\nContent-Type: {mime}; \
             name=\"{name}\"\r\nContent-Disposition: attachment; filename=\"{name}\"\r\n\r\n{content}\r\n--MIX--\r\n"
        );
        self
    }

    pub fn raw(&self) -> Vec<u8> {
        let mut s = String::new();
        s.push_str(&format!("From: {}\r\n", self.from));
        if !self.to.is_empty() {
            s.push_str(&format!("To: {}\r\n", self.to.join(", ")));
        }
        if !self.cc.is_empty() {
            s.push_str(&format!("Cc: {}\r\n", self.cc.join(", ")));
        }
        s.push_str(&format!("Subject: {}\r\n", self.subject));
        s.push_str(&format!("Date: {}\r\n", rfc2822(self.date)));
        s.push_str(&format!("Message-ID: <{}>\r\n", self.message_id));
        for (k, v) in &self.headers {
            s.push_str(&format!("{k}: {v}\r\n"));
        }
        s.push_str(&format!("MIME-Version: 1.0\r\nContent-Type: {}\r\n\r\n{}", self.content_type, self.body));
        s.into_bytes()
    }

    pub fn parsed(&self) -> Parsed {
        parse::parse(&self.raw()).expect("test mail parses")
    }
}

/// Unix seconds as an RFC 2822 date in UTC.
pub fn rfc2822(ts: i64) -> String {
    let days = ts.div_euclid(DAY);
    let secs = ts.rem_euclid(DAY);
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + if m <= 2 { 1 } else { 0 };
    let wd = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"][days.rem_euclid(7) as usize];
    let mon = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][(m - 1) as usize];
    format!("{wd}, {d} {mon} {y} {:02}:{:02}:{:02} +0000", secs / 3600, secs % 3600 / 60, secs % 60)
}

/// A tiny deterministic PRNG (xorshift64*), so property tests replay from a printed seed.
pub struct Rng(pub u64);

impl Rng {
    // Not an Iterator: it never ends, and the tests call it as a plain method.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
}
