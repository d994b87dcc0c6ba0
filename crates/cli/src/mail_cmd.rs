//! `dealbox-cli folders | list | show | search`

use clap::Args;
use dealbox_core::{query, Core};

#[derive(Args)]
pub struct FoldersArgs {
    #[arg(long)]
    account: Option<String>,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    account: Option<String>,
    /// Folder name or role (inbox, sent, drafts, trash, junk, archive).
    #[arg(long)]
    folder: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
    #[arg(long)]
    json: bool,
}

#[derive(Args)]
pub struct ShowArgs {
    /// The message id (from `list --json`).
    message: i64,
    #[arg(long)]
    json: bool,
    /// Print the raw message as received.
    #[arg(long)]
    raw: bool,
}

#[derive(Args)]
pub struct SearchArgs {
    query: Vec<String>,
    #[arg(long)]
    account: Option<String>,
    #[arg(long, default_value_t = 50)]
    limit: u32,
    #[arg(long)]
    json: bool,
}

fn account_id(core: &Core, a: &Option<String>) -> anyhow::Result<Option<i64>> {
    Ok(match a {
        Some(a) => Some(core.accounts().find(a)?.id),
        None => None,
    })
}

/// Remove control characters so a hostile subject cannot drive the terminal.
pub fn clean(s: &str) -> String {
    s.chars().map(|c| if c.is_control() { ' ' } else { c }).collect()
}

pub fn folders(core: &Core, a: FoldersArgs) -> anyhow::Result<()> {
    let fs = core.mail().folders(account_id(core, &a.account)?)?;
    for f in fs {
        if a.json {
            println!("{}", serde_json::to_string(&f)?);
        } else {
            println!(
                "{:<10} {:<30} {:>7} messages {:>6} unread{}",
                f.account,
                clean(&f.display_name),
                f.total,
                f.unread,
                f.role.map(|r| format!("  ({r})")).unwrap_or_default()
            );
        }
    }
    Ok(())
}

fn print_rows(rows: &[query::MessageSummary], json: bool) -> anyhow::Result<()> {
    for m in rows {
        if json {
            println!("{}", serde_json::to_string(m)?);
        } else {
            let who = if m.from_name.is_empty() { &m.from } else { &m.from_name };
            println!(
                "{:>7} {} {}{} {:<24.24} {}",
                m.id,
                m.date.get(..16).unwrap_or(&m.date).replace('T', " "),
                if m.unread { '*' } else { ' ' },
                if m.has_attachments { '@' } else { ' ' },
                clean(who),
                clean(&m.subject)
            );
        }
    }
    Ok(())
}

pub fn list(core: &Core, a: ListArgs) -> anyhow::Result<()> {
    let rows = core.mail().list(
        account_id(core, &a.account)?,
        a.folder.as_deref(),
        query::Sort::NewestFirst,
        a.limit,
        a.offset,
    )?;
    print_rows(&rows, a.json)
}

pub fn search(core: &Core, a: SearchArgs) -> anyhow::Result<()> {
    let rows =
        core.mail().search(account_id(core, &a.account)?, &a.query.join(" "), query::Sort::NewestFirst, a.limit)?;
    print_rows(&rows, a.json)
}

pub fn show(core: &Core, a: ShowArgs) -> anyhow::Result<()> {
    if a.raw {
        use std::io::Write;
        std::io::stdout().write_all(&core.mail().raw(a.message)?)?;
        return Ok(());
    }
    let m = core.mail().message(a.message)?;
    if a.json {
        println!("{}", serde_json::to_string_pretty(&m)?);
        return Ok(());
    }
    let s = &m.summary;
    println!("From:    {} <{}>", clean(&s.from_name), clean(&s.from));
    let fmt = |v: &Vec<dealbox_core::parse::Mailbox>| v.iter().map(|b| clean(&b.addr)).collect::<Vec<_>>().join(", ");
    println!("To:      {}", fmt(&m.to));
    if !m.cc.is_empty() {
        println!("Cc:      {}", fmt(&m.cc));
    }
    println!("Date:    {}", s.date);
    println!("Subject: {}", clean(&s.subject));
    println!("Folder:  {}   Flags: {}", clean(&s.folder), s.flags.join(" "));
    for att in &m.attachments {
        println!(
            "Attachment: {} ({}, {} bytes)",
            clean(att.filename.as_deref().unwrap_or("(unnamed)")),
            att.mime_type,
            att.size
        );
    }
    if let Some(w) = &m.parse_warning {
        println!("Warning: {w}");
    }
    println!();
    let body = m.text.clone().unwrap_or_else(|| "(no plain-text part; open it in the app to see the HTML)".into());
    for line in body.lines() {
        println!("{}", line.chars().filter(|c| !c.is_control() || *c == '\t').collect::<String>());
    }
    Ok(())
}
