//! Import and export: vCards as common exporters write them, CSV with a mapping and a preview, bad rows
//! reported by line and skipped, one transaction per import, and an export that imports back.

#![allow(clippy::unwrap_used)]

use dealbox_tests::crm_common;

use std::path::PathBuf;

use crm_common::*;
use dealbox_core::crm::import::{self, Field};
use dealbox_core::crm::{RecordRepo, TeamRepo};

/// Google Contacts "Export → vCard" (3.0, TYPE= parameters, item groups for labels).
const GOOGLE: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Jane Roe\r\nN:Roe;Jane;;;\r\n\
EMAIL;TYPE=INTERNET;TYPE=WORK:jane.roe@acme.test\r\nEMAIL;TYPE=INTERNET;TYPE=HOME:jane@gmail.com\r\n\
TEL;TYPE=CELL:+44 20 7946 0018\r\nitem1.ORG:Acme Ltd.\r\nitem1.X-ABLabel:\r\nTITLE:Buyer\r\n\
CATEGORIES:myContacts\r\nEND:VCARD\r\n\
BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Li Wei\r\nN:Li;Wei;;;\r\nEMAIL;TYPE=INTERNET:li.wei@example.cn\r\nEND:VCARD\r\n";

/// macOS Contacts (3.0, `item1.EMAIL;type=…`, folded base64 PHOTO, escaped commas).
const APPLE: &str = "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//macOS 14.0//EN\r\nN:Müller;Jörg;;;\r\n\
FN:Jörg Müller\r\nORG:Müller\\, Söhne & Co.;\r\nitem1.EMAIL;type=INTERNET;type=pref:joerg@mueller.test\r\n\
item1.X-ABLabel:_$!<Other>!$_\r\nTEL;type=WORK;type=VOICE;type=pref:+49 89 1234567\r\n\
PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQSkZJRgABAQAAAQABAAD/2wBDAAgGBgcGBQgHBwcJCQgKDBQNDAsLDBkSEw8UHRof\r\n \
Hh0aHBwgJC4nICIsIxwcKDcpLDAxNDQ0Hyc5PTgyPC4zNDL/wAALCAABAAEBAREA/8QAFAABAAAAAAAA\r\n \
AAAAAAAAAAAACf/EABQQAQAAAAAAAAAAAAAAAAAAAAD/2gAIAQEAAD8AKp//2Q==\r\nEND:VCARD\r\n";

/// Outlook "Save as vCard" (2.1, bare parameters, quoted-printable with soft line breaks, Windows-1252).
const OUTLOOK: &str = "BEGIN:VCARD\r\nVERSION:2.1\r\nN;LANGUAGE=de-de;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:\
Gr=FC=DFe;Fran=E7ois\r\nFN;CHARSET=Windows-1252;ENCODING=QUOTED-PRINTABLE:Fran=E7ois Gr=FC=DFe\r\n\
ORG:Contoso GmbH;Vertrieb\r\nTEL;WORK;VOICE:+49 30 555 0100\r\nTEL;CELL;VOICE:+49 151 555 0101\r\n\
ADR;WORK;ENCODING=QUOTED-PRINTABLE:;;Hauptstra=DFe 1=0D=0A=\r\nHaus 2;Berlin;;10115;Deutschland\r\n\
EMAIL;PREF;INTERNET:francois.gruesse@contoso.test\r\nREV:20260115T101500Z\r\nEND:VCARD\r\n";

/// Thunderbird / Nextcloud (4.0, VALUE=uri, mailto: and tel: values, LF line ends).
const THUNDERBIRD: &str = "BEGIN:VCARD\nVERSION:4.0\nFN:Ana Souza\nN:Souza;Ana;;;\n\
EMAIL;PREF=1;TYPE=work:ana@souza.test\nEMAIL;TYPE=home:ana.souza@proton.me\n\
TEL;VALUE=uri;TYPE=cell:tel:+55-11-5555-0100\nORG:Souza & Filhos\nUID:urn:uuid:4fbe8971-0bc3-424c-9c26-36c3e1eff6b1\n\
END:VCARD\n";

fn file(dir: &tempfile::TempDir, name: &str, text: &str) -> PathBuf {
    let p = dir.path().join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn vcards_from_common_exporters_import_correctly() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let mut total = 0;
    for (name, text) in
        [("google.vcf", GOOGLE), ("apple.vcf", APPLE), ("outlook.vcf", OUTLOOK), ("tb.vcf", THUNDERBIRD)]
    {
        let r = import::import_file(&env.store, &file(&dir, name, text), None, NOW).unwrap();
        assert!(r.errors.is_empty(), "{name}: {:?}", r.errors);
        total += r.contacts_created;
    }
    assert_eq!(total, 5);
    let get = |addr: &str| {
        env.with(|r| {
            let id = r.contact_by_address(addr).unwrap().unwrap_or_else(|| panic!("no contact for {addr}"));
            r.contact(id).unwrap().unwrap()
        })
    };
    let jane = get("jane.roe@acme.test");
    assert_eq!((jane.name.as_str(), jane.company_name.as_deref()), ("Jane Roe", Some("Acme Ltd.")));
    assert_eq!(jane.addresses, vec!["jane.roe@acme.test", "jane@gmail.com"]);
    assert_eq!(jane.phones, vec!["+44 20 7946 0018"]);
    let joerg = get("joerg@mueller.test");
    assert_eq!(joerg.name, "Jörg Müller");
    assert_eq!(joerg.company_name.as_deref(), Some("Müller, Söhne & Co."));
    let francois = get("francois.gruesse@contoso.test");
    assert_eq!(francois.name, "François Grüße", "Windows-1252 quoted-printable");
    assert_eq!(francois.phones, vec!["+49 30 555 0100", "+49 151 555 0101"]);
    assert_eq!(francois.company_name.as_deref(), Some("Contoso GmbH"));
    let ana = get("ana@souza.test");
    assert_eq!(ana.phones, vec!["+55-11-5555-0100"]);
    assert_eq!(ana.addresses, vec!["ana@souza.test", "ana.souza@proton.me"]);
    // Importing the same file again adds nobody.
    let again = import::import_file(&env.store, &file(&dir, "again.vcf", GOOGLE), None, NOW).unwrap();
    assert_eq!((again.contacts_created, again.duplicates.len()), (0, 2));
}

const MALFORMED: &str = "Name,E-mail Address,Company,Phone\n\
Jane Roe,jane@acme.test,Acme,+1 555 0100\n\
\"Smith, John\",john@smith.test,\"Smith \"\"&\"\" Sons\",\n\
Bad Address,not-an-address,Acme,\n\
Too,many,fields,here,extra\n\
Mid\"quote,mq@x.test,,\n\
,,,\n\
,,,+1 555 0199\n\
Ann Lee,ann@lee.test,Lee Corp,\n\
\"Unclosed,oops@x.test,,\n\
Never,never@read.test,,\n";

#[test]
fn a_malformed_csv_reports_bad_rows_by_line_and_imports_the_rest() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "contacts.csv", MALFORMED);
    let preview = import::preview_csv(MALFORMED, None, 10).unwrap();
    assert_eq!(preview.mapping, vec![Field::Name, Field::Email, Field::Company, Field::Phone]);
    assert_eq!(env.count("crm_contacts"), 0, "a preview writes nothing");

    let r = import::import_file(&env.store, &path, None, NOW).unwrap();
    let lines: Vec<usize> = r.errors.iter().map(|e| e.line).collect();
    assert_eq!(lines, vec![4, 5, 6, 8, 10], "{:#?}", r.errors);
    assert_eq!(r.errors[0].to_string(), "line 4: 'not-an-address' is not an email address");
    assert_eq!(r.errors[1].to_string(), "line 5: 5 fields, but the header has 4");
    assert!(r.errors[2].message.contains("quote"), "{}", r.errors[2]);
    assert_eq!(r.errors[3].to_string(), "line 8: the row has no name, email address or company");
    assert!(r.errors[4].message.contains("never closed"), "{}", r.errors[4]);
    assert_eq!(preview.errors, r.errors, "the preview showed exactly the rows that were skipped");
    assert_eq!(r.contacts_created, 3);
    env.with(|repo| {
        let john = repo.contact(repo.contact_by_address("john@smith.test").unwrap().unwrap()).unwrap().unwrap();
        assert_eq!(john.name, "Smith, John");
        assert_eq!(john.company_name.as_deref(), Some("Smith \"&\" Sons"));
        assert!(repo.contact_by_address("mq@x.test").unwrap().is_none(), "a bad row inserts nothing");
    });
}

#[test]
fn a_mapping_names_columns_the_guess_gets_wrong() {
    let text = "Who,Addr,Firm,Web\nJane,jane@acme.test,Acme,https://www.acme.test/about\n";
    let guessed = import::preview_csv(text, None, 5).unwrap();
    assert_eq!(guessed.mapping, vec![Field::Ignore, Field::Ignore, Field::Ignore, Field::Domain]);
    let p = import::preview_csv(text, Some("Who=name,Addr=email,3=company"), 5).unwrap();
    assert_eq!(p.mapping, vec![Field::Name, Field::Email, Field::Company, Field::Domain]);
    assert_eq!(p.rows[0].domain, "acme.test");
    let env = Env::new();
    let r = env.with(|repo| import::import_csv(repo, text, Some("Who=name,Addr=email,3=company"), NOW).unwrap());
    assert_eq!((r.contacts_created, r.companies_created), (1, 1));
    // The company now matches mail from anyone at acme.test.
    env.with(|repo| assert!(repo.company_by_domain("acme.test").unwrap().is_some()));
}

#[test]
fn an_import_that_fails_half_way_leaves_nothing_behind() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    let path = file(&dir, "c.csv", "name,email\nA,a@a.test\nB,b@b.test\nBoom,boom@b.test\nD,d@d.test\n");
    // A storage failure on the third row (a trigger stands in for a full disk).
    env.store
        .conn()
        .unwrap()
        .execute_batch(
            "CREATE TEMP TRIGGER fail_boom BEFORE INSERT ON crm_contacts WHEN NEW.name = 'Boom' \
             BEGIN SELECT RAISE(ABORT, 'disk full'); END;",
        )
        .unwrap();
    let err = import::import_file(&env.store, &path, None, NOW).unwrap_err();
    assert!(err.message.contains("disk full"), "{err}");
    assert_eq!(env.count("crm_contacts"), 0, "rows before the failure were rolled back too");
}

#[test]
fn exported_csv_imports_back_into_an_empty_crm() {
    let env = Env::new();
    let dir = tempfile::tempdir().unwrap();
    import::import_file(&env.store, &file(&dir, "g.vcf", GOOGLE), None, NOW).unwrap();
    import::import_file(&env.store, &file(&dir, "o.vcf", OUTLOOK), None, NOW).unwrap();
    env.with(|r| {
        let c = r.contact_by_address("li.wei@example.cn").unwrap().unwrap();
        r.conn().execute("UPDATE crm_contacts SET name = '=cmd|calc' WHERE id = ?1", [c]).unwrap();
    });
    let csv = env.with(|r| import::export_contacts_csv(r).unwrap());
    assert!(csv.starts_with("name,email,other emails,phones,company,responsible\r\n"), "{csv}");
    assert!(csv.contains("\"'=cmd|calc\"") || csv.contains("'=cmd|calc"), "formulas are defused: {csv}");

    let fresh = Env::new();
    let r = import::import_file(&fresh.store, &file(&dir, "export.csv", &csv), None, NOW).unwrap();
    assert!(r.errors.is_empty(), "{:?}", r.errors);
    assert_eq!(r.contacts_created, 3);
    let names = |e: &Env| {
        let mut v: Vec<String> = e.with(|r| {
            r.contacts(100, 0)
                .unwrap()
                .into_iter()
                .map(|c| format!("{:?}", (c.name, c.addresses, c.phones, c.company_name)))
                .collect()
        });
        v.sort();
        v
    };
    assert_eq!(names(&env), names(&fresh));
    assert!(fresh.with(|r| r.users().unwrap()).len() >= 3);
}
