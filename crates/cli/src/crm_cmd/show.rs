//! `crm import`, `crm contacts`, `crm explain`, `crm sidebar`, `crm process`: reading and printing.

use anyhow::Context;
use dealbox_core::crm::{self, import, sidebar};
use dealbox_core::Core;

use super::{print_json, with_repo, ListArgs};
use crate::mail_cmd::clean;

pub(super) fn import_cmd(
    core: &Core,
    file: &std::path::Path,
    map: Option<&str>,
    preview: bool,
    json: bool,
    now: i64,
) -> anyhow::Result<()> {
    if preview {
        let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
        if import::is_vcard(file, &text) {
            let (cards, errors) = crm::vcard::parse(&text);
            if json {
                return print_json(&serde_json::json!({ "cards": cards, "errors": errors }));
            }
            println!("{} cards, {} bad", cards.len(), errors.len());
            for c in cards.iter().take(10) {
                println!("  line {:>5}: {} <{}>", c.line, clean(&c.name), c.emails.join(", "));
            }
            for e in errors {
                println!("  line {:>5}: skipped: {}", e.line, e.message);
            }
            return Ok(());
        }
        let p = import::preview_csv(&text, map, 10)?;
        if json {
            return print_json(&p);
        }
        println!("Columns:");
        for (h, f) in p.headers.iter().zip(&p.mapping) {
            println!("  {:<30} -> {f}", clean(h));
        }
        if let Some(problem) = &p.problem {
            println!("Cannot import with this mapping: {problem}");
        }
        println!("First rows ({} in all):", p.total_rows);
        for r in &p.rows {
            println!("  line {:>5}: {} <{}> {}", r.line, clean(&r.name), r.emails.join(", "), clean(&r.company));
        }
        for e in &p.errors {
            println!("  line {:>5}: will be skipped: {}", e.line, e.message);
        }
        return Ok(());
    }
    let report = core.crm().import_file(file, map, now)?;
    if json {
        return print_json(&report);
    }
    println!(
        "imported {} contacts and {} companies; {} already known, {} bad rows skipped",
        report.contacts_created,
        report.companies_created,
        report.duplicates.len(),
        report.errors.len()
    );
    for d in &report.duplicates {
        println!("  {d}");
    }
    for e in &report.errors {
        eprintln!("  {e}");
    }
    Ok(())
}

pub(super) fn list_contacts(core: &Core, a: ListArgs) -> anyhow::Result<()> {
    let rows = with_repo(core, |r| r.contacts(a.limit, a.offset))?;
    for c in rows {
        if a.json {
            println!("{}", serde_json::to_string(&c)?);
        } else {
            println!(
                "{:>6}  {:<28} {:<32} {}",
                c.id,
                clean(&c.name),
                c.addresses.join(", "),
                clean(c.company_name.as_deref().unwrap_or(""))
            );
        }
    }
    Ok(())
}

pub(super) fn print_outcome(o: &crm::Outcome) -> anyhow::Result<()> {
    println!("{}: {}", o.kind.as_str(), o.reason);
    if !o.what.is_empty() {
        println!("  {}", clean(&o.what));
    }
    if o.choose_deal {
        println!(
            "  choose a deal: {}",
            o.deal_candidates.iter().map(|d| format!("deal:{d}")).collect::<Vec<_>>().join(", ")
        );
    }
    if let Some(w) = &o.warning {
        println!("  warning: {w}");
    }
    Ok(())
}

pub(super) fn explain(core: &Core, message: i64, json: bool) -> anyhow::Result<()> {
    let o = core.crm().outcome_of(message)?;
    if json {
        return print_json(&o);
    }
    match o {
        Some(o) => print_outcome(&o),
        None => {
            println!("not processed yet: run `dealbox-cli crm process`");
            Ok(())
        }
    }
}

pub(super) fn print_sidebar(s: &sidebar::Sidebar) {
    for p in &s.participants {
        let mut what = Vec::new();
        if let Some(u) = &p.user {
            what.push(format!("team: {}", u.name));
        } else if p.ours {
            what.push("our mailbox".into());
        }
        if let Some(c) = &p.contact {
            what.push(format!("contact:{} {}", c.id, c.name));
        }
        if let Some(c) = &p.company {
            what.push(format!("company:{} {}", c.id, c.name));
        }
        if let Some(l) = &p.lead {
            what.push(format!("lead:{} {} ({})", l.id, l.title, l.status));
        }
        println!("{:<4} {:<32} {}", p.role, p.address, clean(&what.join(", ")));
    }
    if let Some(u) = &s.responsible {
        println!("Responsible: {}", clean(&u.name));
    }
    for d in &s.open_deals {
        println!("Deal {}: {} — {} — {}", d.id, clean(&d.title), d.stage, d.amount);
    }
    match &s.outcome {
        Some(o) => println!("CRM: {} — {}", o.kind.as_str(), o.reason),
        None => println!("CRM: not processed yet"),
    }
    for t in &s.timeline {
        println!(
            "  {} {} {}",
            t.date.get(..16).unwrap_or(&t.date),
            if t.direction == crm::Direction::In { "<-" } else { "->" },
            clean(&t.subject)
        );
    }
    for a in &s.attachments_not_saved {
        println!("Attachment {} ({} bytes): {}", clean(a.filename.as_deref().unwrap_or("(unnamed)")), a.size, a.reason);
    }
    for w in &s.warnings {
        println!("Warning: {w}");
    }
}

pub(super) fn process_cmd(core: &Core, account: Option<&str>, json: bool, now: i64) -> anyhow::Result<()> {
    let ids: Vec<(i64, String)> = match account {
        Some(a) => {
            let acc = core.accounts().find(a)?;
            vec![(acc.id, acc.name)]
        }
        None => core.accounts().list()?.into_iter().map(|a| (a.id, a.name)).collect(),
    };
    let mut all = Vec::new();
    for (id, name) in ids {
        let r = core.crm().process_account(id, now)?;
        if !json {
            println!(
                "{name}: {} messages — {} linked, {} created, {} skipped{}",
                r.messages,
                r.linked,
                r.created,
                r.skipped,
                if r.errors.is_empty() { String::new() } else { format!(", {} failed", r.errors.len()) }
            );
            for e in &r.errors {
                eprintln!("  {e}");
            }
            for w in &r.warnings {
                println!("  warning: {w}");
            }
        }
        all.push(serde_json::json!({ "account": name, "report": r }));
    }
    if json {
        print_json(&all)?;
    }
    Ok(())
}
