//! Fill a profile with two accounts and realistic cached mail, for looking at the app without a
//! server (screenshots, manual checks, end-to-end tests):
//!
//!   cargo run -p dealbox --example fill_profile -- /tmp/dealbox-look [--count N]
//!
//! The accounts use a password command (no keyring needed) and a server address where nothing listens
//! (127.0.0.1:1), so a sync fails as "offline" and never touches this mail; the mail
//! goes straight into the cache through `dealbox_core::cache::store_messages`.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use dealbox_core::account::{Credential, Endpoint, NewAccount, Security};
use dealbox_core::cache::{store_messages, upsert_folder, Fetched};
use dealbox_core::secrets::MemorySecrets;
use dealbox_core::Core;
use time::format_description::well_known::Rfc2822;
use time::{Duration, OffsetDateTime};

const PEOPLE: &[(&str, &str)] = &[
    ("Jane Roe", "jane.roe@acme-corp.test"),
    ("Marco Bianchi", "marco.bianchi@globex.test"),
    ("Jürgen Müller", "j.mueller@initech.test"),
    ("Priya Natarajan", "priya@umbrella.test"),
    ("Tom O'Brien", "tom.obrien@hooli.test"),
    ("Zoë Lefèvre", "zoe@vandelay.test"),
    ("Sam Carter", "sam.carter@acme-corp.test"),
    ("Li Wei", "li.wei@initech.test"),
];

const TOPICS: &[&str] = &[
    "Renewal 2027 — next steps",
    "Quote request: 40 seats, annual plan",
    "Follow-up on yesterday's demo",
    "Contract redlines (v3)",
    "Pricing for the EU subsidiaries",
    "Can we move Thursday's call?",
    "Security questionnaire",
    "Intro: procurement contact",
    "Pilot results and rollout plan",
    "Invoice INV-20417",
    "Onboarding schedule",
    "Budget approval for Q1",
];

const LINES: &[&str] = &[
    "Thanks for the quick turnaround on this.",
    "Could you send over the updated figures before Friday?",
    "Our finance team signed off on the first phase.",
    "Legal has a couple of comments on section 4.2, nothing blocking.",
    "We would like to start with the pilot group of 12 users in January.",
    "Let me know if a call early next week works for you.",
    "Attached is the summary we discussed.",
    "The CFO asked whether multi-year pricing is an option.",
];

fn encode_word(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let b64 = base64(s.as_bytes());
    format!("=?UTF-8?B?{b64}?=")
}

fn base64(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

struct Mail {
    from: (String, String),
    to: (String, String),
    subject: String,
    date: OffsetDateTime,
    message_id: String,
    in_reply_to: Option<String>,
    body: Body,
}

enum Body {
    Text(String),
    Html { text: String, html: String },
    WithAttachment { text: String, filename: String, data: Vec<u8> },
}

fn render(m: &Mail) -> String {
    let mut h = format!(
        "From: {} <{}>\r\nTo: {} <{}>\r\nSubject: {}\r\nDate: {}\r\nMessage-ID: {}\r\nMIME-Version: 1.0\r\n",
        encode_word(&m.from.0),
        m.from.1,
        encode_word(&m.to.0),
        m.to.1,
        encode_word(&m.subject),
        m.date.format(&Rfc2822).unwrap(),
        m.message_id
    );
    if let Some(irt) = &m.in_reply_to {
        h.push_str(&format!("In-Reply-To: {irt}\r\nReferences: {irt}\r\n"));
    }
    match &m.body {
        Body::Text(t) => format!("{h}Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n{t}\r\n"),
        Body::Html { text, html } => format!(
            "{h}Content-Type: multipart/alternative; boundary=\"alt\"\r\n\r\n--alt\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--alt\r\nContent-Type: text/html; charset=utf-8\r\n\r\n{html}\r\n--alt--\r\n"
        ),
        Body::WithAttachment { text, filename, data } => format!(
            "{h}Content-Type: multipart/mixed; boundary=\"mix\"\r\n\r\n--mix\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n{text}\r\n--mix\r\nContent-Type: application/pdf; name=\"{filename}\"\r\nContent-Disposition: attachment; filename=\"{filename}\"\r\nContent-Transfer-Encoding: base64\r\n\r\n{}\r\n--mix--\r\n",
            base64(data)
        ),
    }
}

const NEWSLETTER: &str = r#"<table width="100%" cellpadding="0" cellspacing="0" style="background-color:#f3f5f9"><tr><td align="center" style="padding:24px">
<table width="560" cellpadding="0" cellspacing="0" style="background-color:#ffffff;border-radius:8px">
<tr><td style="padding:20px 28px"><img src="https://news.salesweekly.test/logo.png" width="160" height="40" alt="Sales Weekly"></td></tr>
<tr><td style="padding:0 28px"><h2 style="color:#14213d;font-family:Georgia,serif">Five habits of teams that close in Q4</h2>
<p style="color:#333333;font-size:15px">Pipeline reviews that end with a decision, not a status update. Mutual action plans the buyer actually edits.
And three more habits we saw across 400 B2B teams this year.</p>
<img src="https://news.salesweekly.test/chart.png" width="504" height="220" alt="Win rates by habit">
<p><a href="https://news.salesweekly.test/read/q4-habits" style="color:#ffffff;background-color:#e76f51;padding:10px 18px;border-radius:6px;text-decoration:none;display:inline-block">Read the full story</a></p>
</td></tr>
<tr><td style="padding:16px 28px;color:#888888;font-size:12px">You receive this because you subscribed at salesweekly.test. <a href="https://news.salesweekly.test/unsubscribe">Unsubscribe</a></td></tr>
</table><img src="https://t.salesweekly.test/open.gif?u=8812" width="1" height="1" alt=""><script>document.title='pwned'</script></td></tr></table>"#;

struct Gen {
    seed: u64,
}

impl Gen {
    fn next(&mut self) -> usize {
        self.seed = self.seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.seed >> 33) as usize
    }
    fn pick<'a, T>(&mut self, v: &'a [T]) -> &'a T {
        &v[self.next() % v.len()]
    }
}

fn account(core: &Core, name: &str, email: &str, display: &str) -> i64 {
    if let Ok(a) = core.accounts().find(name) {
        return a.id;
    }
    // Port 1 on loopback: nothing listens there, so a sync never replaces this sample mail.
    let ep = || Endpoint { host: "127.0.0.1".into(), port: 1, security: Security::Tls };
    let new = NewAccount {
        name: name.into(),
        email: email.into(),
        display_name: display.into(),
        addresses: vec![],
        username: email.into(),
        imap: ep(),
        smtp: ep(),
        credential: Credential::Command("echo x".into()),
        trust_ca_pem: None,
        insecure: false,
        signature: String::new(),
        fetch_days: Some(30),
        save_sent_copy: true,
        notify: true,
    };
    core.accounts().add(&new, None).unwrap().id
}

fn fill_inbox(core: &Core, account_id: i64, me: (&str, &str), count: usize, g: &mut Gen, extras: bool) {
    let inbox = upsert_folder(core.store(), account_id, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
    let sent = upsert_folder(core.store(), account_id, "Sent", "Sent", Some("/"), Some("sent")).unwrap();
    upsert_folder(core.store(), account_id, "Drafts", "Drafts", Some("/"), Some("drafts")).unwrap();
    let archive = upsert_folder(core.store(), account_id, "Archive", "Archive", Some("/"), Some("archive")).unwrap();
    let now = OffsetDateTime::now_utc();
    let me = (me.0.to_string(), me.1.to_string());
    let mut inbox_mail: Vec<(Mail, Vec<String>)> = vec![];
    let mut sent_mail = vec![];
    let mut archive_mail = vec![];
    for i in 0..count {
        let (name, addr) = *g.pick(PEOPLE);
        let topic = *g.pick(TOPICS);
        let age = Duration::minutes((i as i64) * 97 + (g.next() % 50) as i64);
        let id = format!("<{account_id}.{i}@{}>", addr.split('@').nth(1).unwrap());
        let reply = i % 4 == 1;
        let text = format!(
            "Hi {},\n\n{}\n{}\n\nBest,\n{}\n",
            me.0.split(' ').next().unwrap_or(""),
            g.pick(LINES),
            g.pick(LINES),
            name
        );
        let body = if i % 7 == 3 {
            Body::WithAttachment { text, filename: "proposal-v3.pdf".into(), data: b"%PDF-1.4 sample".repeat(200) }
        } else {
            Body::Text(text)
        };
        let mail = Mail {
            from: (name.into(), addr.into()),
            to: me.clone(),
            subject: if reply { format!("Re: {topic}") } else { topic.to_string() },
            date: now - age,
            message_id: id,
            in_reply_to: None,
            body,
        };
        let mut flags = vec![];
        if i % 3 != 0 || i > count / 2 {
            flags.push("\\Seen".to_string());
        }
        if i % 11 == 5 {
            flags.push("\\Flagged".to_string());
        }
        if i % 5 == 4 {
            archive_mail.push((mail, flags));
        } else {
            inbox_mail.push((mail, flags));
        }
        if i % 6 == 2 {
            sent_mail.push((
                Mail {
                    from: me.clone(),
                    to: (name.into(), addr.into()),
                    subject: format!("Re: {topic}"),
                    date: now - age + Duration::minutes(30),
                    message_id: format!("<{account_id}.sent.{i}@example.test>"),
                    in_reply_to: Some(format!("<{account_id}.{i}@{}>", addr.split('@').nth(1).unwrap())),
                    body: Body::Text("Thanks — I'll get back to you by tomorrow.\n".into()),
                },
                vec!["\\Seen".to_string()],
            ));
        }
    }
    if extras {
        inbox_mail.push((
            Mail {
                from: ("Sales Weekly".into(), "news@salesweekly.test".into()),
                to: me.clone(),
                subject: "Five habits of teams that close in Q4".into(),
                date: now - Duration::minutes(42),
                message_id: "<nl.1@salesweekly.test>".into(),
                in_reply_to: None,
                body: Body::Html { text: "Five habits of teams that close in Q4".into(), html: NEWSLETTER.into() },
            },
            vec![],
        ));
        inbox_mail.push((
            Mail {
                from: ("<b>Mallory</b> <script>alert(1)</script>".into(), "mallory@evil.test".into()),
                to: me.clone(),
                subject: "<img src=x onerror=alert(1)> Your invoice is overdue".into(),
                date: now - Duration::hours(30),
                message_id: "<evil.1@evil.test>".into(),
                in_reply_to: None,
                body: Body::Text("Subjects and names with markup are shown as text.\n".into()),
            },
            vec!["\\Seen".to_string()],
        ));
    }
    for (folder, mails) in [(inbox, inbox_mail), (sent, sent_mail), (archive, archive_mail)] {
        let raws: Vec<(String, Vec<String>)> = mails.iter().map(|(m, f)| (render(m), f.clone())).collect();
        let batch: Vec<Fetched<'_>> = raws
            .iter()
            .enumerate()
            .map(|(i, (raw, flags))| Fetched {
                uid: i as u32 + 1,
                flags: flags.clone(),
                modseq: None,
                size: raw.len() as u64,
                raw: raw.as_bytes(),
                internal_date: None,
            })
            .collect();
        store_messages(core.store(), account_id, folder, &batch).unwrap();
    }
}

/// Two accounts, `work` (with `count` inbox messages, a newsletter with remote images and a tracking
/// pixel, and a message whose subject and sender name are markup) and `sales` (`count / 3`).
pub fn fill(dir: &Path, count: usize) {
    let core = Core::open(dir, Arc::new(MemorySecrets::default())).unwrap();
    let mut g = Gen { seed: 7 };
    let work = account(&core, "work", "alice@example.test", "Alice Martin");
    fill_inbox(&core, work, ("Alice Martin", "alice@example.test"), count, &mut g, true);
    let sales = account(&core, "sales", "sales@example.test", "Sales team");
    fill_inbox(&core, sales, ("Sales team", "sales@example.test"), count / 3, &mut g, false);
}

#[allow(dead_code)]
fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("usage: fill_profile DIR [--count N]"));
    let count = match (args.next().as_deref(), args.next()) {
        (Some("--count"), Some(n)) => n.parse().expect("--count takes a number"),
        _ => 60,
    };
    fill(&dir, count);
    println!("Filled {} with accounts work and sales.", dir.display());
}
