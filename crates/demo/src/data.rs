//! The fixed cast of the sample profile: the team, the client companies with their people, deals and
//! leads. Every domain is under `.test` (RFC 2606) except a few free-mail addresses, which the CRM rules
//! must see as free-mail; nothing is ever sent to any of them.

/// The language a client writes in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    En,
    It,
    De,
}

/// The demo mailbox.
pub const MAILBOX_NAME: &str = "Demo Sales";
pub const MAILBOX_ADDR: &str = "sales@dealbox-demo.test";

/// Team users: (name, address, admin, active).
pub const USERS: &[(&str, &str, bool, bool)] = &[
    ("Marta Rossi", "marta.rossi@dealbox-demo.test", true, true),
    ("Daniel Weber", "daniel.weber@dealbox-demo.test", false, true),
    ("Sofia Bianchi", "sofia.bianchi@dealbox-demo.test", false, true),
    ("Tom Becker", "tom.becker@dealbox-demo.test", false, false),
];
/// Indexes into [`USERS`].
pub const MARTA: usize = 0;
pub const DANIEL: usize = 1;
pub const SOFIA: usize = 2;
pub const TOM: usize = 3;

pub struct CompanyDef {
    pub name: &'static str,
    pub domain: &'static str,
    pub lang: Lang,
    /// UTC offset of the company's mail, in minutes.
    pub tz: i32,
    /// People: (first name, last name).
    pub people: &'static [(&'static str, &'static str)],
}

const fn co(
    name: &'static str,
    domain: &'static str,
    lang: Lang,
    tz: i32,
    people: &'static [(&'static str, &'static str)],
) -> CompanyDef {
    CompanyDef { name, domain, lang, tz, people }
}

use Lang::{De, En, It};

/// The known client of the walkthrough: its first person writes the "fleet rollout" thread.
pub const NORDWIND: usize = 0;
/// A client with two open deals: its mail asks the user to choose a deal.
pub const FERRETTI: usize = 1;
pub const BRIGHTLINE: usize = 2;
pub const KESSLER: usize = 8;
pub const SCHWARZWALD: usize = 16;
pub const GRUBER: usize = 26;

#[rustfmt::skip]
pub const COMPANIES: &[CompanyDef] = &[
    co("Nordwind Logistik GmbH", "nordwind-logistik.test", De, 60, &[("Anna", "Schneider"), ("Jürgen", "Müller"), ("Lena", "Hoffmann")]),
    co("Ferretti Arredamenti S.r.l.", "ferretti-arredamenti.test", It, 60, &[("Paolo", "Ferretti"), ("Chiara", "Colombo"), ("Niccolò", "Galli")]),
    co("Brightline Analytics Inc.", "brightline.test", En, -300, &[("Megan", "Carter"), ("Jason", "Reed"), ("Priya", "Shah")]),
    co("Alpenblick Hotels AG", "alpenblick-hotels.test", De, 60, &[("Katrin", "Bauer"), ("Lukas", "Wagner"), ("Stefan", "Egger")]),
    co("Cantina Valdobbia", "cantinavaldobbia.test", It, 60, &[("Giovanni", "Esposito"), ("Francesca", "Ricci"), ("Rosa", "Costa")]),
    co("Harborview Medical Supplies", "harborview-medical.test", En, -300, &[("Emily", "Brooks"), ("Ryan", "Patel"), ("Linda", "Gomez")]),
    co("Meridian Freight Ltd", "meridianfreight.test", En, 0, &[("Oliver", "Hughes"), ("Charlotte", "Evans")]),
    co("Officine Lombarde S.p.A.", "officine-lombarde.test", It, 60, &[("Alessandro", "Marino"), ("Elena", "Greco"), ("Davide", "Conti")]),
    co("Kessler & Söhne Maschinenbau", "kessler-maschinenbau.test", De, 60, &[("Michael", "Kessler"), ("Sabine", "Wolf")]),
    co("Bluefin Software", "bluefin.test", En, -480, &[("Kevin", "Nguyen"), ("Rachel", "Kim"), ("Omar", "Haddad")]),
    co("Studio Moretti Architetti", "studiomoretti.test", It, 60, &[("Luca", "Moretti"), ("Giulia", "Fontana")]),
    co("Greenfield Organics", "greenfield-organics.test", En, -360, &[("Hannah", "Miller"), ("Tyler", "Scott")]),
    co("Tecnoplast Veneto S.r.l.", "tecnoplast.test", It, 60, &[("Matteo", "Barbieri"), ("Sara", "De Luca"), ("Giorgio", "Pavan")]),
    co("Lindqvist Design AB", "lindqvist.test", En, 60, &[("Erik", "Lindqvist"), ("Astrid", "Berg")]),
    co("Oakridge Capital Partners", "oakridge-capital.test", En, -300, &[("Nathan", "Foster"), ("Olivia", "Price")]),
    co("Farmacia Centrale Torino", "farmaciacentrale.test", It, 60, &[("Roberta", "Gallo"), ("Federico", "Rinaldi")]),
    co("Schwarzwald Uhren KG", "schwarzwald-uhren.test", De, 60, &[("Thomas", "Fischer"), ("Monika", "Weiß"), ("Uwe", "Zimmermann")]),
    co("Pacific Rim Traders", "pacificrim.test", En, 480, &[("Grace", "Lin"), ("Henry", "Zhou")]),
    co("Caffè Aurora", "caffeaurora.test", It, 60, &[("Antonio", "Ferrara"), ("Valentina", "Russo"), ("Simone", "Leone")]),
    co("Helix Biotech", "helixbio.test", En, -300, &[("Sarah", "Mitchell"), ("David", "Chen"), ("Karen", "O'Neil")]),
    co("Sunstone Solar", "sunstone-solar.test", En, -420, &[("Jessica", "Turner"), ("Brandon", "Lee")]),
    co("Vetreria Muranese", "vetreria-muranese.test", It, 60, &[("Nicolò", "Zanetti"), ("Lucia", "Dal Molin")]),
    co("Brandt Elektrotechnik GmbH", "brandt-elektro.test", De, 60, &[("Frank", "Brandt"), ("Julia", "Krüger"), ("Dieter", "Braun")]),
    co("Summit Outdoor Gear", "summitoutdoor.test", En, -420, &[("Chris", "Walker"), ("Amanda", "Hill")]),
    co("Libreria Dante", "libreriadante.test", It, 60, &[("Beatrice", "Mancini")]),
    co("Northwave Telecom", "northwave.test", En, 0, &[("James", "Taylor"), ("Sophie", "Wright"), ("Aisha", "Khan")]),
    co("Gruber Bau GmbH", "gruber-bau.test", De, 60, &[("Markus", "Schmitt"), ("Petra", "Lang"), ("Florian", "Huber")]),
    co("Atlas Consulting Group", "atlasconsulting.test", En, -300, &[("Laura", "Bennett"), ("Mark", "Sullivan")]),
    co("Darsena Blu Nautica", "darsenablu.test", It, 60, &[("Stefano", "Marchetti"), ("Ilaria", "Serra")]),
    co("Quantum Print Solutions", "quantumprint.test", En, 0, &[("Peter", "Collins"), ("Zoe", "Adams"), ("Ben", "Harris")]),
];

/// Private clients on free-mail: (name, address, language).
pub const PRIVATE_CLIENTS: &[(&str, &str, Lang)] = &[
    ("Marco Pellegrini", "marco.pellegrini78@libero.it", It),
    ("Heike Neumann", "heike.neumann@web.de", De),
    ("Tom Harris", "tomharris.consulting@gmail.com", En),
    ("Giada Ferri", "giada.ferri@gmail.com", It),
    ("Sven Richter", "s.richter@gmx.de", De),
];

/// A deal: (company, person index or none, title, stage name, amount in major units, currency).
pub type DealDef = (usize, Option<usize>, &'static str, &'static str, i64, &'static str);

#[rustfmt::skip]
pub const DEALS: &[DealDef] = &[
    (NORDWIND, Some(0), "Fleet rollout 2027 — 40 vehicles", "Negotiation", 48_500, "EUR"),
    (NORDWIND, Some(0), "Pilot 2026 — 5 vehicles", "Won", 6_200, "EUR"),
    (FERRETTI, Some(0), "Showroom Milano refit", "Proposal", 27_800, "EUR"),
    (FERRETTI, Some(1), "Catalogo 2027 print run", "Qualified", 9_400, "EUR"),
    (BRIGHTLINE, Some(0), "Analytics seats renewal", "Negotiation", 18_000, "USD"),
    (3, Some(0), "Hotel booking integration", "Proposal", 32_000, "EUR"),
    (4, None, "Export labels redesign", "New", 4_500, "EUR"),
    (5, Some(0), "Supply portal licenses", "Lost", 12_500, "USD"),
    (6, Some(0), "Route optimisation add-on", "Qualified", 15_750, "EUR"),
    (7, Some(0), "Manutenzione impianti 2027", "Won", 21_000, "EUR"),
    (KESSLER, Some(0), "Wartungsvertrag Maschinenpark", "Negotiation", 36_400, "EUR"),
    (9, Some(1), "Enterprise plan upgrade", "Proposal", 24_000, "USD"),
    (10, None, "Licenze CAD studio", "New", 3_800, "EUR"),
    (11, Some(0), "Webshop integration", "Won", 8_900, "USD"),
    (12, Some(0), "Stampi serie B", "Lost", 14_200, "EUR"),
    (14, Some(0), "Investor CRM rollout", "Qualified", 41_000, "USD"),
    (SCHWARZWALD, Some(0), "Onlineshop Relaunch", "Proposal", 19_500, "EUR"),
    (17, None, "Import docs automation", "New", 11_000, "USD"),
    (19, Some(0), "Lab inventory pilot", "Negotiation", 27_500, "USD"),
    (20, Some(0), "Installer network licenses", "Won", 16_400, "USD"),
    (22, Some(0), "Schaltschrank-Konfigurator", "Qualified", 22_800, "EUR"),
    (23, Some(0), "Retail POS sync", "Lost", 7_300, "USD"),
    (25, Some(0), "Call-center seats Q1", "Proposal", 52_000, "EUR"),
    (GRUBER, Some(0), "Baustellen-App Lizenzen", "New", 6_800, "EUR"),
    (27, Some(0), "Partner programme", "Qualified", 12_000, "USD"),
    (29, None, "Print portal white-label", "Won", 30_500, "EUR"),
];

/// Leads entered by hand: (title, name, address, company name, status, responsible user).
#[rustfmt::skip]
pub const LEADS: &[(&str, &str, &str, &str, &str, usize)] = &[
    ("Website inquiry — 20 seats", "Lisa Hartmann", "lisa.hartmann@hartmann-it.test", "Hartmann IT", "in_progress", DANIEL),
    ("Richiesta demo per showroom", "Andrea Villa", "andrea.villa@villa-ceramiche.test", "Villa Ceramiche", "in_progress", SOFIA),
    ("Trade fair contact: Riverbend Foods", "John Doyle", "j.doyle@riverbendfoods.test", "Riverbend Foods", "in_progress", MARTA),
    ("Partnership inquiry", "Mia Schulz", "mia.schulz@web.de", "", "in_progress", DANIEL),
    ("Pricing question (import business)", "Carlos Romero", "carlos@romero-import.test", "Romero Import", "in_progress", MARTA),
    ("Preventivo spedizioni nazionali", "Elisa Ferraro", "elisa.ferraro@ferraro-trasporti.test", "Ferraro Trasporti", "in_progress", SOFIA),
    ("Starter plan", "Fabio Gentile", "fabio@gentile-vini.test", "Gentile Vini", "won", SOFIA),
    ("Consulting hours package", "Ursula Klein", "ursula.klein@klein-partner.test", "Klein & Partner", "won", DANIEL),
    ("Small office bundle", "Paul Wagner", "paul@wagner-steuer.test", "Wagner Steuerberatung", "won", DANIEL),
    ("Agency package", "Nina Vogel", "nina.vogel@vogel-media.test", "Vogel Media", "lost", DANIEL),
    ("Annual plan", "Rick Morgan", "rick@morgan-bikes.test", "Morgan Bikes", "lost", MARTA),
    ("Nonprofit discount", "Amy Ross", "amy@brightfuture-ngo.test", "Bright Future NGO", "lost", MARTA),
];

/// The team's exception list: the accountants' private mail never goes to the CRM.
pub const EXCEPTION_DOMAIN: &str = "bruni-commercialisti.test";
/// Every email from this address creates a new lead (a trade-fair portal).
pub const ALWAYS_NEW_LEAD: &str = "leads@tradefair-portal.test";

/// The user responsible for a company (and its people).
pub fn responsible_for(company: usize) -> usize {
    match COMPANIES[company].lang {
        De => DANIEL,
        It => SOFIA,
        En if company.is_multiple_of(2) => MARTA,
        En => DANIEL,
    }
}

/// `Jürgen Müller` at `nordwind-logistik.test` → `juergen.mueller@nordwind-logistik.test`.
pub fn address_of(first: &str, last: &str, domain: &str) -> String {
    format!("{}.{}@{domain}", fold(first), fold(last))
}

/// Lower-case ASCII for a local part: umlauts spelled out, accents dropped, spaces and quotes removed.
pub fn fold(s: &str) -> String {
    let mut out = String::new();
    for c in s.to_lowercase().chars() {
        match c {
            'ä' => out.push_str("ae"),
            'ö' => out.push_str("oe"),
            'ü' => out.push_str("ue"),
            'ß' => out.push_str("ss"),
            'à' | 'á' => out.push('a'),
            'è' | 'é' => out.push('e'),
            'ì' | 'í' => out.push('i'),
            'ò' | 'ó' => out.push('o'),
            'ù' | 'ú' => out.push('u'),
            c if c.is_ascii_alphanumeric() => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cast_has_the_promised_size_and_unique_addresses() {
        assert_eq!(COMPANIES.len(), 30);
        let people: usize = COMPANIES.iter().map(|c| c.people.len()).sum::<usize>() + PRIVATE_CLIENTS.len();
        assert!((75..=90).contains(&people), "{people} contacts");
        let mut all: Vec<String> = COMPANIES
            .iter()
            .flat_map(|c| c.people.iter().map(|(f, l)| address_of(f, l, c.domain)))
            .chain(PRIVATE_CLIENTS.iter().map(|p| p.1.to_string()))
            .collect();
        let n = all.len();
        all.sort();
        all.dedup();
        assert_eq!(all.len(), n, "duplicate contact addresses");
        assert_eq!(address_of("Jürgen", "Müller", "x.test"), "juergen.mueller@x.test");
        assert_eq!(address_of("Karen", "O'Neil", "x.test"), "karen.oneil@x.test");
        assert_eq!(DEALS.len(), 26);
    }
}
