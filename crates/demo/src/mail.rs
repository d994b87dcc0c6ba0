//! The generator of the sample mailbox: a seeded random source, client threads with replies and quotes,
//! and the bookkeeping (folder, flags) for each message. The special messages (newsletters, bounce,
//! hostile mail, …) are in [`super::extras`].

use super::data::{self, Lang, MAILBOX_ADDR, MAILBOX_NAME};
use super::mime::{Attachment, Body, Mail, Person};
use super::text;

/// SplitMix64: tiny, fast and the same on every platform, so the same seed gives the same profile.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `[0, n)`; 0 when `n` is 0.
    pub fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next_u64() % n
        }
    }

    /// A number in `[lo, hi)`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below(hi.saturating_sub(lo).max(1) as u64) as i64
    }

    /// True `pct` times out of 100.
    pub fn chance(&mut self, pct: u64) -> bool {
        self.below(100) < pct
    }

    /// An index into a slice of length `len`.
    pub fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }
}

pub const HOUR: i64 = 3600;
pub const DAY: i64 = 86_400;

/// One message of the sample mailbox and where it lives.
#[derive(Debug, Clone)]
pub struct DemoMessage {
    /// The folder's role: inbox, sent, drafts, archive, trash, junk.
    pub role: &'static str,
    pub seen: bool,
    pub flagged: bool,
    pub answered: bool,
    pub draft: bool,
    pub mail: Mail,
}

impl DemoMessage {
    pub fn flags(&self) -> Vec<String> {
        let mut f = Vec::new();
        for (on, name) in
            [(self.seen, "\\Seen"), (self.answered, "\\Answered"), (self.flagged, "\\Flagged"), (self.draft, "\\Draft")]
        {
            if on {
                f.push(name.to_string());
            }
        }
        f
    }
}

/// A client as a correspondent.
#[derive(Debug, Clone)]
pub struct Client {
    pub person: Person,
    pub first: String,
    /// The company name for the signature ("" for private clients).
    pub company: String,
    pub lang: Lang,
    pub tz: i32,
}

impl Client {
    pub fn of_company(company: usize, person: usize) -> Client {
        let c = &data::COMPANIES[company];
        let (first, last) = c.people[person % c.people.len()];
        Client {
            person: Person::new(&format!("{first} {last}"), &data::address_of(first, last, c.domain)),
            first: first.into(),
            company: c.name.into(),
            lang: c.lang,
            tz: c.tz,
        }
    }

    pub fn private(i: usize) -> Client {
        let (name, addr, lang) = data::PRIVATE_CLIENTS[i % data::PRIVATE_CLIENTS.len()];
        Client {
            person: Person::new(name, addr),
            first: name.split(' ').next().unwrap_or(name).into(),
            company: String::new(),
            lang,
            tz: 60,
        }
    }

    pub fn domain(&self) -> &str {
        self.person.addr.rsplit_once('@').map(|(_, d)| d).unwrap_or("example.test")
    }
}

/// Who writes for us: a team member, sending from the shared mailbox.
#[derive(Debug, Clone)]
pub struct Me {
    pub name: String,
    pub first: String,
}

impl Me {
    pub fn user(index: usize) -> Me {
        let name = data::USERS[index].0;
        Me { name: name.into(), first: name.split(' ').next().unwrap_or(name).into() }
    }

    pub fn person(&self) -> Person {
        Person::new(&format!("{} ({MAILBOX_NAME})", self.name), MAILBOX_ADDR)
    }
}

pub fn mailbox_person() -> Person {
    Person::new(MAILBOX_NAME, MAILBOX_ADDR)
}

/// A conversation to write.
pub struct ThreadSpec<'a> {
    pub client: &'a Client,
    pub cc: Option<Person>,
    pub me: &'a Me,
    pub subject: String,
    /// The first message's paragraph.
    pub first_text: String,
    /// Paragraphs of the following messages, in order; when shorter than the thread, the language's
    /// generic replies fill in.
    pub replies: Vec<String>,
    pub we_start: bool,
    /// Who writes each message (true: the client); when empty, the two sides take turns.
    pub incoming: Vec<bool>,
    /// The first message (0-based) that has the `cc`.
    pub cc_from: usize,
    pub start: i64,
    pub len: usize,
    /// The messages' dates; when empty, the first is `start` and the others follow after a few hours,
    /// during the writer's office hours.
    pub dates: Vec<i64>,
    pub attachments: Vec<(usize, Attachment)>,
    /// Incoming mail goes to Archive instead of Inbox.
    pub archived: bool,
}

impl<'a> ThreadSpec<'a> {
    pub fn new(client: &'a Client, me: &'a Me, subject: String, first_text: String, start: i64, len: usize) -> Self {
        ThreadSpec {
            client,
            cc: None,
            me,
            subject,
            first_text,
            replies: vec![],
            we_start: false,
            incoming: vec![],
            cc_from: 1,
            start,
            len,
            dates: vec![],
            attachments: vec![],
            archived: false,
        }
    }
}

/// The generator's state: the random source, the clock and the messages so far.
pub struct Gen {
    pub rng: Rng,
    pub now: i64,
    seq: u32,
    pub out: Vec<DemoMessage>,
}

impl Gen {
    pub fn new(now: i64, seed: u64) -> Self {
        Gen { rng: Rng::new(seed), now, seq: 0, out: Vec::new() }
    }

    /// A fresh Message-ID at `domain`.
    pub fn mid(&mut self, domain: &str) -> String {
        self.seq += 1;
        format!("demo-{:04}.{:08x}@{domain}", self.seq, self.rng.next_u64() as u32)
    }

    /// A time between `lo` and `hi` days ago, during office hours of the day it falls on.
    pub fn days_ago(&mut self, lo: i64, hi: i64) -> i64 {
        let day = self.rng.range(lo, hi.max(lo + 1));
        let t = self.now - day * DAY;
        let midnight = t - t.rem_euclid(DAY);
        let t = midnight + self.rng.range(7 * HOUR, 18 * HOUR);
        t.min(self.now - 30 * 60)
    }

    /// `days_ago` days before today, at `hour:minute` in the time zone `tz` (never later than now).
    pub fn at(&self, days_ago: i64, hour: i64, minute: i64, tz: i32) -> i64 {
        let day = self.now - days_ago * DAY;
        let t = day - day.rem_euclid(DAY) + hour * HOUR + minute * 60 - i64::from(tz) * 60;
        t.min(self.now - 30 * 60)
    }

    /// `t`, or the next working-hours moment (Monday to Friday, 8:00–19:00 in the writer's time zone).
    pub fn office_hours(&mut self, t: i64, tz: i32) -> i64 {
        let off = i64::from(tz) * 60;
        let mut local = t + off;
        for _ in 0..4 {
            let secs = local.rem_euclid(DAY);
            // 1970-01-01 was a Thursday: day 0 is Thursday, so (days + 3) % 7 counts from Monday = 0.
            let weekday = (local.div_euclid(DAY) + 3).rem_euclid(7);
            if weekday >= 5 {
                local += DAY - secs + (6 - weekday) * DAY + 8 * HOUR + self.rng.range(0, 90 * 60);
            } else if secs < 8 * HOUR {
                local += 8 * HOUR - secs + self.rng.range(0, 90 * 60);
            } else if secs >= 19 * HOUR {
                local += DAY - secs + 8 * HOUR + self.rng.range(0, 90 * 60);
            } else {
                break;
            }
        }
        local - off
    }

    pub fn push(&mut self, role: &'static str, mail: Mail, seen: bool) -> usize {
        self.out.push(DemoMessage { role, seen, flagged: false, answered: false, draft: false, mail });
        self.out.len() - 1
    }

    /// Write a conversation; returns the indexes of its messages (it stops early at `now`).
    pub fn thread(&mut self, spec: ThreadSpec<'_>) -> Vec<usize> {
        let c = spec.client;
        let lang = c.lang;
        let mut ids: Vec<String> = Vec::new();
        let mut idx: Vec<usize> = Vec::new();
        let mut date = spec.start;
        let mut prev: Option<(String, String, i64, i32, String)> = None; // (who, greeting, date, tz, paragraph)
        let mut mine = 0;
        let mut theirs = 0;
        for i in 0..spec.len {
            let incoming = spec.incoming.get(i).copied().unwrap_or(i.is_multiple_of(2) != spec.we_start);
            let tz = if incoming { c.tz } else { 60 };
            date = match spec.dates.get(i) {
                Some(d) => *d,
                None if i == 0 => self.office_hours(date, tz),
                None => {
                    let gap = self.rng.range(2 * HOUR, 30 * HOUR);
                    self.office_hours(date + gap, tz)
                }
            };
            if date > self.now - 20 * 60 {
                break;
            }
            let para = if i == 0 {
                spec.first_text.clone()
            } else if let Some(r) = spec.replies.get(i - 1) {
                r.clone()
            } else if incoming {
                let pool = text::client_replies(lang);
                theirs += 1;
                pool[(theirs + self.rng.index(pool.len())) % pool.len()].to_string()
            } else {
                let pool = text::our_replies(lang);
                mine += 1;
                pool[(mine + self.rng.index(pool.len())) % pool.len()].to_string()
            };
            let (greet, signoff) = if incoming {
                (text::greeting(lang, &spec.me.first), text::client_signoff(lang, &c.person.name, &c.company))
            } else {
                (text::greeting(lang, &c.first), text::our_signoff(lang, &spec.me.name))
            };
            let mut body = format!("{greet}\n\n{}\n\n{signoff}\n", text::paragraph(lang, &para));
            if let Some((who, pg, pdate, ptz, ppara)) = &prev {
                body.push_str(&format!(
                    "\n{}\n> {pg}\n>\n> {}\n",
                    text::quote_intro(lang, &short_date(*pdate, *ptz), who),
                    text::paragraph(lang, ppara)
                ));
            }
            let subject = if i == 0 {
                spec.subject.clone()
            } else if incoming {
                format!("{}{}", text::reply_prefix(lang), spec.subject)
            } else {
                format!("Re: {}", spec.subject)
            };
            let (from, to, domain) = if incoming {
                (c.person.clone(), vec![mailbox_person()], c.domain().to_string())
            } else {
                (spec.me.person(), vec![c.person.clone()], "dealbox-demo.test".to_string())
            };
            let mid = self.mid(&domain);
            let mut mail = Mail::text(from, to, &subject, date, mid.clone(), body);
            mail.tz_minutes = tz;
            if i >= spec.cc_from {
                mail.cc = spec.cc.iter().cloned().collect();
            }
            mail.in_reply_to = ids.last().cloned();
            mail.references = ids.iter().rev().take(10).rev().cloned().collect();
            let atts: Vec<Attachment> =
                spec.attachments.iter().filter(|(at, _)| *at == i).map(|(_, a)| a.clone()).collect();
            if !atts.is_empty() {
                if let Body::Normal { attachments, .. } = &mut mail.body {
                    *attachments = atts;
                }
            }
            let role = match (incoming, spec.archived) {
                (false, _) => "sent",
                (true, true) => "archive",
                (true, false) => "inbox",
            };
            let who = if incoming { c.person.name.clone() } else { spec.me.name.clone() };
            prev = Some((who, greet, date, tz, para));
            ids.push(mid);
            idx.push(self.push(role, mail, true));
        }
        // An incoming message we answered is \Answered; the newest incoming one is unread when recent.
        for w in idx.windows(2) {
            if self.out[w[0]].role != "sent" && self.out[w[1]].role == "sent" {
                self.out[w[0]].answered = true;
            }
        }
        if let Some(&last) = idx.last() {
            let m = &mut self.out[last];
            if m.role != "sent" && self.now - m.mail.date < 3 * DAY {
                m.seen = false;
            }
        }
        idx
    }

    /// The usual threads with every client company and private client.
    pub fn client_threads(&mut self) {
        let year = year_of(self.now) + 1;
        for (ci, company) in data::COMPANIES.iter().enumerate() {
            let me = Me::user(data::responsible_for(ci));
            let n = 1 + usize::from(self.rng.chance(80)) + usize::from(self.rng.chance(40));
            for k in 0..n {
                let mut person = k + self.rng.index(company.people.len());
                if ci == data::NORDWIND && person.is_multiple_of(company.people.len()) {
                    person += 1; // Anna Schneider has her own thread (the walkthrough)
                }
                let client = Client::of_company(ci, person);
                let we_start = self.rng.chance(25);
                let topics = if we_start { text::our_topics(company.lang) } else { text::client_topics(company.lang) };
                let (subject, first) = topics[self.rng.index(topics.len())];
                let qty = 5 + self.rng.below(60) as u32;
                let num = 10_000 + self.rng.below(89_999) as u32;
                let start = self.days_ago(1, 60);
                let len = 1 + self.rng.index(3) + self.rng.index(3);
                let mut spec = ThreadSpec::new(
                    &client,
                    &me,
                    text::fill(subject, qty, num, year, company.name),
                    text::fill(first, qty, num, year, company.name),
                    start,
                    len,
                );
                spec.we_start = we_start;
                spec.archived = self.now - start > 25 * DAY && self.rng.chance(60);
                if company.people.len() > 1 && self.rng.chance(25) {
                    spec.cc = Some(Client::of_company(ci, k + 1).person).filter(|p| *p != client.person);
                }
                let idx = self.thread(spec);
                if let Some(&i) = idx.iter().find(|&&i| self.out[i].role != "sent") {
                    self.out[i].flagged = self.rng.chance(12);
                }
            }
        }
        for i in 0..data::PRIVATE_CLIENTS.len() {
            let client = Client::private(i);
            let me = Me::user(if client.lang == Lang::It { data::SOFIA } else { data::DANIEL });
            let topics = text::client_topics(client.lang);
            let (subject, first) = topics[self.rng.index(topics.len())];
            let qty = 1 + self.rng.below(4) as u32;
            let num = 10_000 + self.rng.below(89_999) as u32;
            let start = self.days_ago(2, 40);
            let spec = ThreadSpec::new(
                &client,
                &me,
                text::fill(subject, qty, num, year, &client.person.name),
                text::fill(first, qty, num, year, &client.person.name),
                start,
                2 + self.rng.index(3),
            );
            self.thread(spec);
        }
    }
}

/// "2026-11-02 14:03" in the writer's time zone.
pub fn short_date(ts: i64, tz_minutes: i32) -> String {
    let t = ts + i64::from(tz_minutes) * 60;
    time::OffsetDateTime::from_unix_timestamp(t)
        .ok()
        .map(|d| format!("{}-{:02}-{:02} {:02}:{:02}", d.year(), u8::from(d.month()), d.day(), d.hour(), d.minute()))
        .unwrap_or_default()
}

pub fn year_of(ts: i64) -> i32 {
    time::OffsetDateTime::from_unix_timestamp(ts).map(|d| d.year()).unwrap_or(2026)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_hours_move_nights_and_weekends_to_the_next_working_morning() {
        // 2026-11-07 is a Saturday; 2026-11-05 a Thursday.
        let mut g = Gen::new(1_794_000_000, 1);
        let day = |y: i64| (y + 3).rem_euclid(7);
        let sat_noon = 1_794_052_800; // 2026-11-07 12:00 UTC
        assert_eq!(day(sat_noon / DAY), 5);
        let t = g.office_hours(sat_noon, 0);
        assert_eq!(day(t / DAY), 0, "to Monday");
        assert!((8 * HOUR..10 * HOUR).contains(&t.rem_euclid(DAY)));
        let thu_night = 1_793_919_600; // 2026-11-05 23:00 UTC
        let t = g.office_hours(thu_night, 60);
        assert!(t > thu_night && t - thu_night < 12 * HOUR, "to Friday morning");
        let thu_ten = 1_793_872_800; // 2026-11-05 10:00 UTC
        assert_eq!(g.office_hours(thu_ten, 60), thu_ten);
    }

    #[test]
    fn the_same_seed_gives_the_same_numbers() {
        let (mut a, mut b) = (Rng::new(7), Rng::new(7));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        assert_eq!(Rng::new(1).below(0), 0);
    }

    #[test]
    fn a_thread_quotes_and_references_its_earlier_messages_and_stops_at_now() {
        let now = 1_790_000_000;
        let mut g = Gen::new(now, 1);
        let client = Client::of_company(data::NORDWIND, 0);
        let me = Me::user(data::DANIEL);
        let mut spec = ThreadSpec::new(&client, &me, "Hello".into(), "first".into(), now - 2 * DAY, 5);
        spec.dates = vec![now - 2 * DAY, now - DAY, now - DAY / 2, now + DAY];
        let idx = g.thread(spec);
        assert_eq!(idx.len(), 3, "the fourth message would be in the future");
        let m = &g.out[idx[2]];
        assert_eq!(m.mail.references.len(), 2);
        assert_eq!(m.mail.subject, "AW: Hello");
        assert_eq!(g.out[idx[1]].role, "sent");
        assert!(g.out[idx[0]].answered);
        assert!(!m.seen, "the newest incoming message is unread");
        let Body::Normal { text, .. } = &m.mail.body else { panic!() };
        assert!(text.contains("schrieb Daniel Weber:"), "{text}");
    }
}
