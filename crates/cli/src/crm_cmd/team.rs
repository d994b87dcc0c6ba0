//! `crm users`, `crm settings`, `crm exceptions`: the team and the per-mailbox rules.

use clap::{Args, Subcommand};
use dealbox_core::crm::{NewSenderAction, NewUser};
use dealbox_core::{Core, Error};

use super::{print_json, with_repo};
use crate::mail_cmd::clean;

#[derive(Subcommand)]
pub enum UsersCmd {
    /// Add a user.
    Add {
        name: String,
        /// The user's addresses (repeat for several).
        #[arg(long = "email", required = true)]
        emails: Vec<String>,
        #[arg(long)]
        admin: bool,
        #[arg(long)]
        inactive: bool,
    },
    /// List users.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change a user's active or admin flag.
    Set {
        id: i64,
        #[arg(long)]
        active: Option<bool>,
        #[arg(long)]
        admin: Option<bool>,
    },
}

#[derive(Subcommand)]
pub enum ExceptionsCmd {
    /// Add an address (jane@acme.test) or a whole domain (acme.test).
    Add { entry: String },
    /// Remove an entry.
    Remove { entry: String },
    /// List the entries.
    List {
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args)]
pub struct SettingsArgs {
    /// The mailbox (account name or id).
    account: String,
    /// Link this mailbox's mail to the CRM: on or off.
    #[arg(long)]
    link: Option<OnOff>,
    /// Process messages of the last N days (0: no limit).
    #[arg(long)]
    days: Option<u32>,
    /// For new senders of incoming mail create: lead, contact or nothing.
    #[arg(long)]
    incoming: Option<String>,
    /// For new recipients of outgoing mail create: lead, contact or nothing.
    #[arg(long)]
    outgoing: Option<String>,
    #[arg(long)]
    lead_source: Option<String>,
    /// The responsible queue: user ids in order, comma-separated ("" empties it).
    #[arg(long)]
    queue: Option<String>,
    /// Route mail from existing clients to their responsible manager: on or off.
    #[arg(long)]
    route: Option<OnOff>,
    /// Addresses whose every email creates a new lead, comma-separated ("" empties the list).
    #[arg(long)]
    always_new_lead: Option<String>,
    /// Import vCard attachments as contacts: on or off.
    #[arg(long)]
    import_vcards: Option<OnOff>,
    #[arg(long)]
    json: bool,
}

#[derive(Clone, Copy, clap::ValueEnum)]
pub enum OnOff {
    On,
    Off,
}

impl From<OnOff> for bool {
    fn from(v: OnOff) -> bool {
        matches!(v, OnOff::On)
    }
}

pub(super) fn users(core: &Core, cmd: UsersCmd, now: i64) -> anyhow::Result<()> {
    match cmd {
        UsersCmd::Add { name, emails, admin, inactive } => {
            let u =
                with_repo(core, |r| r.add_user(&NewUser { name, addresses: emails, active: !inactive, admin }, now))?;
            println!("user #{} {} added", u.id, clean(&u.name));
        }
        UsersCmd::List { json } => {
            for u in with_repo(core, |r| r.users())? {
                if json {
                    println!("{}", serde_json::to_string(&u)?);
                } else {
                    let flags = [(u.admin, "admin"), (!u.active, "inactive")]
                        .iter()
                        .filter(|f| f.0)
                        .map(|f| f.1)
                        .collect::<Vec<_>>()
                        .join(", ");
                    println!("{:>4}  {:<20} {:<40} {flags}", u.id, clean(&u.name), u.addresses.join(", "));
                }
            }
        }
        UsersCmd::Set { id, active, admin } => {
            with_repo(core, |r| r.set_user_flags(id, active, admin))?;
            println!("user #{id} updated");
        }
    }
    Ok(())
}

fn list_of(s: &str) -> Vec<String> {
    s.split(',').map(|x| x.trim().to_string()).filter(|x| !x.is_empty()).collect()
}

pub(super) fn settings(core: &Core, a: SettingsArgs, now: i64) -> anyhow::Result<()> {
    let account = core.accounts().find(&a.account)?;
    let s = with_repo(core, |r| {
        let mut s = r.mailbox_settings(account.id)?;
        let changed = a.link.is_some()
            || a.days.is_some()
            || a.incoming.is_some()
            || a.outgoing.is_some()
            || a.lead_source.is_some()
            || a.queue.is_some()
            || a.route.is_some()
            || a.always_new_lead.is_some()
            || a.import_vcards.is_some();
        if let Some(v) = a.link {
            s.link_enabled = v.into();
        }
        if let Some(v) = a.days {
            s.process_days = v;
        }
        if let Some(v) = &a.incoming {
            s.new_incoming = v.parse::<NewSenderAction>()?;
        }
        if let Some(v) = &a.outgoing {
            s.new_outgoing = v.parse::<NewSenderAction>()?;
        }
        if let Some(v) = &a.lead_source {
            s.lead_source = v.clone();
        }
        if let Some(v) = &a.queue {
            s.queue = list_of(v)
                .iter()
                .map(|x| x.parse::<i64>().map_err(|_| Error::config(format!("'{x}' is not a user id"))))
                .collect::<dealbox_core::Result<_>>()?;
            s.queue_position = 0;
        }
        if let Some(v) = a.route {
            s.route_to_manager = v.into();
        }
        if let Some(v) = &a.always_new_lead {
            s.always_new_lead = list_of(v);
        }
        if let Some(v) = a.import_vcards {
            s.import_vcards = v.into();
        }
        if changed {
            r.save_mailbox_settings(&s, now)?;
            s = r.mailbox_settings(account.id)?;
        }
        Ok(s)
    })?;
    if a.json {
        return print_json(&s);
    }
    let on = |b: bool| if b { "on" } else { "off" };
    println!("Mailbox:              {} ({})", account.name, account.email);
    println!("Link to CRM:          {}", on(s.link_enabled));
    println!(
        "Process messages for: {}",
        if s.process_days == 0 { "all time".into() } else { format!("{} days", s.process_days) }
    );
    println!("New incoming sender:  {}", s.new_incoming.as_str());
    println!("New outgoing contact: {}", s.new_outgoing.as_str());
    println!("Lead source:          {}", s.lead_source);
    println!("Responsible queue:    {:?} (next: position {})", s.queue, s.queue_position);
    println!("Route to managers:    {}", on(s.route_to_manager));
    println!("Always new lead:      {}", s.always_new_lead.join(", "));
    println!("Import vCards:        {}", on(s.import_vcards));
    Ok(())
}

pub(super) fn exceptions(core: &Core, cmd: ExceptionsCmd, now: i64) -> anyhow::Result<()> {
    match cmd {
        ExceptionsCmd::Add { entry } => {
            let e = with_repo(core, |r| r.add_exception(&entry, now))?;
            println!("added {} {}", e.kind, e.entry);
        }
        ExceptionsCmd::Remove { entry } => {
            if !with_repo(core, |r| r.remove_exception(&entry))? {
                return Err(Error::not_found(format!("'{entry}' is not on the exception list")).into());
            }
            println!("removed {entry}");
        }
        ExceptionsCmd::List { json } => {
            for e in with_repo(core, |r| r.exceptions())? {
                if json {
                    println!("{}", serde_json::to_string(&e)?);
                } else {
                    println!("{:<8} {}", e.kind, e.entry);
                }
            }
        }
    }
    Ok(())
}
