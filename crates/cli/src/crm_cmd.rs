//! `dealbox-cli crm …`: the CRM from the command line — records, team, per-mailbox settings, the
//! exception list, processing cached mail, and the sidebar, triage and quick actions of the app.

use std::path::PathBuf;

use anyhow::Context;
use clap::{Args, Subcommand};
use dealbox_core::crm::{import, model, CrmRepo, EntityKind, EntityRef, NewCompany, NewContact, NewDeal, Status};
use dealbox_core::store::unix_now;
use dealbox_core::{Core, Error};

use crate::mail_cmd::clean;

mod show;
mod team;

use show::{explain, import_cmd, list_contacts, print_outcome, print_sidebar, process_cmd};
use team::{exceptions, settings, users, ExceptionsCmd, SettingsArgs, UsersCmd};

#[derive(Subcommand)]
pub enum CrmCmd {
    /// Import contacts and companies from a CSV file (header row such as name,email,company) or a .vcf file.
    Import {
        file: PathBuf,
        /// Column meanings that override the guess: "Column=field,…" (name, first_name, last_name, email,
        /// phone, company, domain, responsible, ignore); a column may be given by its 1-based number.
        #[arg(long)]
        map: Option<String>,
        /// Show the mapping, the first rows and the bad rows; import nothing.
        #[arg(long)]
        preview: bool,
        #[arg(long)]
        json: bool,
    },
    /// Export contacts or companies as CSV.
    Export {
        /// contacts or companies.
        what: String,
        /// Write to this file instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// List contacts.
    Contacts(ListArgs),
    /// List companies.
    Companies(ListArgs),
    /// List leads.
    Leads(ListArgs),
    /// List deals.
    Deals(ListArgs),
    /// Why a message was linked, created or skipped (MESSAGE is the `id` from `list --json`).
    Explain {
        message: i64,
        #[arg(long)]
        json: bool,
    },
    /// Everything the CRM sidebar shows for a message.
    Sidebar {
        message: i64,
        #[arg(long)]
        json: bool,
    },
    /// Client emails with no reply from us for more than N hours, by responsible manager.
    Triage {
        #[arg(long, default_value_t = 24)]
        hours: u32,
        #[arg(long)]
        json: bool,
    },
    /// Run the CRM rules on cached mail (all mailboxes, or one).
    Process {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// "Save to CRM": link a message by hand, past the processing window, folder and exception list.
    Save { message: i64 },
    /// Create a contact or a lead from a message's sender and link the message to it.
    Create {
        message: i64,
        /// contact or lead.
        kind: String,
    },
    /// Link a message to an existing record (kind:id, e.g. contact:12; find ids with `crm search`).
    Link { message: i64, record: String },
    /// Pick the deal for a message that matched several.
    ChooseDeal { message: i64, deal: i64 },
    /// Put a message's sender (or with --domain their whole domain) on the exception list.
    Exclude {
        message: i64,
        #[arg(long)]
        domain: bool,
    },
    /// Find contacts, companies, leads and deals by name, address or domain.
    Search { query: String },
    /// Add a note to a record (kind:id).
    Note { record: String, text: String },
    /// Add a task to a record (kind:id).
    Task {
        record: String,
        title: String,
        /// Due date, YYYY-MM-DD.
        #[arg(long)]
        due: Option<String>,
    },
    /// Add a contact.
    AddContact {
        name: String,
        #[arg(long = "email")]
        emails: Vec<String>,
        #[arg(long = "phone")]
        phones: Vec<String>,
        /// Company name (created if new).
        #[arg(long)]
        company: Option<String>,
        /// Responsible user id.
        #[arg(long)]
        responsible: Option<i64>,
    },
    /// Add a company.
    AddCompany {
        name: String,
        #[arg(long = "domain")]
        domains: Vec<String>,
        #[arg(long = "email")]
        emails: Vec<String>,
        #[arg(long)]
        responsible: Option<i64>,
    },
    /// Add a deal.
    AddDeal {
        title: String,
        #[arg(long, default_value = "0")]
        amount: String,
        #[arg(long, default_value = "EUR")]
        currency: String,
        #[arg(long)]
        contact: Option<i64>,
        #[arg(long)]
        company: Option<i64>,
        /// Stage name (default: the first stage).
        #[arg(long)]
        stage: Option<String>,
        #[arg(long)]
        responsible: Option<i64>,
    },
    /// Move a deal to a stage (by name: New, Qualified, Proposal, Negotiation, Won, Lost).
    DealStage { deal: i64, stage: String },
    /// Set a lead's status: in_progress, won or lost.
    LeadStatus { lead: i64, status: String },
    /// The team: users with their addresses.
    #[command(subcommand)]
    Users(UsersCmd),
    /// Show (no options) or change a mailbox's CRM settings.
    Settings(SettingsArgs),
    /// The team's exception list (addresses and domains never linked).
    #[command(subcommand)]
    Exceptions(ExceptionsCmd),
    /// Problems to fix, such as a broken responsible queue.
    Warnings {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct ListArgs {
    #[arg(long)]
    json: bool,
    #[arg(long, default_value_t = 1000)]
    limit: u32,
    #[arg(long, default_value_t = 0)]
    offset: u32,
}

pub(super) fn print_json<T: serde::Serialize>(v: &T) -> anyhow::Result<()> {
    println!("{}", serde_json::to_string_pretty(v)?);
    Ok(())
}

fn record(s: &str) -> anyhow::Result<EntityRef> {
    Ok(s.parse::<EntityRef>()?)
}

fn day(s: &str) -> anyhow::Result<i64> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let d = time::Date::parse(s, &fmt).map_err(|_| Error::config(format!("'{s}' is not a date: write YYYY-MM-DD")))?;
    Ok(d.midnight().assume_utc().unix_timestamp())
}

/// Run `f` with the CRM repository inside one transaction.
pub(super) fn with_repo<T>(core: &Core, f: impl FnOnce(&dyn CrmRepo) -> dealbox_core::Result<T>) -> anyhow::Result<T> {
    Ok(core.crm().transaction(f)?)
}

pub fn run(core: &Core, cmd: CrmCmd) -> anyhow::Result<()> {
    let now = unix_now();
    match cmd {
        CrmCmd::Import { file, map, preview, json } => import_cmd(core, &file, map.as_deref(), preview, json, now),
        CrmCmd::Export { what, output } => {
            let text = with_repo(core, |r| match what.as_str() {
                "contacts" => import::export_contacts_csv(r),
                "companies" => import::export_companies_csv(r),
                other => Err(Error::config(format!("cannot export '{other}': use contacts or companies"))),
            })?;
            match output {
                Some(p) => std::fs::write(&p, text).with_context(|| format!("cannot write {}", p.display()))?,
                None => print!("{text}"),
            }
            Ok(())
        }
        CrmCmd::Contacts(a) => list_contacts(core, a),
        CrmCmd::Companies(a) => {
            let rows = with_repo(core, |r| r.companies(a.limit, a.offset))?;
            for c in rows {
                if a.json {
                    println!("{}", serde_json::to_string(&c)?);
                } else {
                    println!("{:>6}  {:<30} {}", c.id, clean(&c.name), c.domains.join(", "));
                }
            }
            Ok(())
        }
        CrmCmd::Leads(a) => {
            let rows = with_repo(core, |r| r.leads(a.limit, a.offset))?;
            for l in rows {
                if a.json {
                    println!("{}", serde_json::to_string(&l)?);
                } else {
                    let ret = if l.returning_customer { " (returning customer)" } else { "" };
                    println!("{:>6}  {:<11} {:<32} {}{ret}", l.id, l.status, clean(&l.address), clean(&l.title));
                }
            }
            Ok(())
        }
        CrmCmd::Deals(a) => {
            let rows = with_repo(core, |r| r.deals(a.limit, a.offset))?;
            for d in rows {
                if a.json {
                    println!("{}", serde_json::to_string(&d)?);
                } else {
                    println!("{:>6}  {:<12} {:>16}  {}", d.id, d.stage, d.amount_display(), clean(&d.title));
                }
            }
            Ok(())
        }
        CrmCmd::Explain { message, json } => explain(core, message, json),
        CrmCmd::Sidebar { message, json } => {
            let s = core.crm().sidebar(message)?;
            if json {
                return print_json(&s);
            }
            print_sidebar(&s);
            Ok(())
        }
        CrmCmd::Triage { hours, json } => {
            let groups = core.crm().needs_reply(hours, now)?;
            if json {
                return print_json(&groups);
            }
            if groups.is_empty() {
                println!("No client email has waited more than {hours} hours for a reply.");
            }
            for g in groups {
                let who = g.responsible.map(|u| u.name).unwrap_or_else(|| "(nobody responsible)".into());
                println!("{} — {} waiting", clean(&who), g.items.len());
                for i in g.items {
                    let id = i.message_id.map(|m| m.to_string()).unwrap_or_else(|| "-".into());
                    println!(
                        "  {:>7} {:>5} h  {}  [{}]",
                        id,
                        i.waiting_hours,
                        clean(&i.subject),
                        clean(&i.client.join("; "))
                    );
                }
            }
            Ok(())
        }
        CrmCmd::Process { account, json } => process_cmd(core, account.as_deref(), json, now),
        CrmCmd::Save { message } => print_outcome(&core.crm().save_to_crm(message, now)?),
        CrmCmd::Create { message, kind } => {
            let kind: EntityKind = kind.parse()?;
            print_outcome(&core.crm().create_from_sender(message, kind, now)?)
        }
        CrmCmd::Link { message, record: r } => print_outcome(&core.crm().link(message, record(&r)?, now)?),
        CrmCmd::ChooseDeal { message, deal } => print_outcome(&core.crm().choose_deal(message, deal, now)?),
        CrmCmd::Exclude { message, domain } => {
            let e = core.crm().exclude_sender(message, domain, now)?;
            println!("added {} {} to the exception list", e.kind, e.entry);
            Ok(())
        }
        CrmCmd::Search { query } => {
            for h in with_repo(core, |r| r.search_records(&query, 50))? {
                println!("{:<14} {}", h.entity.to_string().replace(" #", ":"), clean(&h.label));
            }
            Ok(())
        }
        CrmCmd::Note { record: r, text } => {
            let id = core.crm().add_note(record(&r)?, &text, now)?;
            println!("note #{id} added");
            Ok(())
        }
        CrmCmd::Task { record: r, title, due } => {
            let due = due.as_deref().map(day).transpose()?;
            let id = core.crm().add_task(record(&r)?, &title, due, now)?;
            println!("task #{id} added");
            Ok(())
        }
        CrmCmd::AddContact { name, emails, phones, company, responsible } => {
            let id = with_repo(core, |r| {
                let company_id = match company.as_deref() {
                    Some(c) => Some(match r.company_by_name(c)? {
                        Some(id) => id,
                        None => r.add_company(&NewCompany { name: c.into(), ..Default::default() }, now)?,
                    }),
                    None => None,
                };
                r.add_contact(
                    &NewContact { name, addresses: emails, phones, company_id, responsible_id: responsible },
                    now,
                )
            })?;
            println!("contact #{id} added");
            Ok(())
        }
        CrmCmd::AddCompany { name, domains, emails, responsible } => {
            let id = with_repo(core, |r| {
                r.add_company(&NewCompany { name, domains, addresses: emails, responsible_id: responsible }, now)
            })?;
            println!("company #{id} added");
            Ok(())
        }
        CrmCmd::AddDeal { title, amount, currency, contact, company, stage, responsible } => {
            let amount_minor = model::parse_amount(&amount)?;
            let id = with_repo(core, |r| {
                let stages = r.stages()?;
                let stage_id = match stage.as_deref() {
                    Some(s) => {
                        stages
                            .iter()
                            .find(|x| x.name.eq_ignore_ascii_case(s))
                            .ok_or_else(|| Error::config(format!("no deal stage '{s}'")))?
                            .id
                    }
                    None => stages.first().ok_or_else(|| Error::config("no deal stages are defined"))?.id,
                };
                r.add_deal(
                    &NewDeal {
                        title,
                        stage_id,
                        amount_minor,
                        currency,
                        contact_id: contact,
                        company_id: company,
                        lead_id: None,
                        responsible_id: responsible,
                    },
                    now,
                )
            })?;
            println!("deal #{id} added");
            Ok(())
        }
        CrmCmd::DealStage { deal, stage } => {
            let d = core.crm().set_deal_stage(deal, &stage, now)?;
            println!("deal #{} is now {} ({})", d.id, d.stage, d.meaning);
            Ok(())
        }
        CrmCmd::LeadStatus { lead, status } => {
            let status: Status = status.parse()?;
            with_repo(core, |r| r.set_lead_status(lead, status, now))?;
            println!("lead #{lead} is now {status}");
            Ok(())
        }
        CrmCmd::Users(cmd) => users(core, cmd, now),
        CrmCmd::Settings(a) => settings(core, a, now),
        CrmCmd::Exceptions(cmd) => exceptions(core, cmd, now),
        CrmCmd::Warnings { json } => {
            let ws = with_repo(core, |r| r.warnings(None))?;
            if json {
                return print_json(&ws);
            }
            for w in ws {
                println!("mailbox #{}: {} (seen {} times)", w.account_id, w.message, w.count);
            }
            Ok(())
        }
    }
}
