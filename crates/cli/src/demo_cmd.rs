//! `dealbox-cli demo create [DIR]`: the sample-data profile, built offline in one command.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use clap::Subcommand;
use dealbox_core::store::unix_now;
use dealbox_demo as demo;

#[derive(Subcommand)]
pub enum DemoCmd {
    /// Build the sample-data profile in DIR: a mailbox with a few hundred realistic messages and a CRM with
    /// contacts, companies, leads and deals. Works offline; the demo mailbox never touches the network.
    Create {
        /// A new or empty directory (default: the platform's data dir, e.g. ~/.local/share/dealbox-demo,
        /// which `dealbox --demo` opens).
        dir: Option<PathBuf>,
        /// Build as if it were this moment (Unix seconds); the same value always gives the same profile.
        #[arg(long, hide = true)]
        now: Option<i64>,
        #[arg(long)]
        json: bool,
    },
}

pub fn run(cmd: DemoCmd) -> anyhow::Result<()> {
    match cmd {
        DemoCmd::Create { dir, now, json } => create(dir, now, json),
    }
}

fn shell_path(p: &Path) -> String {
    let s = p.display().to_string();
    if s.chars().all(|c| c.is_ascii_alphanumeric() || "/._-~:\\".contains(c)) {
        s
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

fn create(dir: Option<PathBuf>, now: Option<i64>, json: bool) -> anyhow::Result<()> {
    let is_default = dir.is_none();
    let dir = dir.unwrap_or_else(demo::default_dir);
    let shown = shell_path(&dir);
    if demo::is_demo_profile(&dir) {
        if json {
            println!("{}", serde_json::json!({"dir": dir, "created": false, "alreadyDemo": true}));
        } else {
            println!(
                "{} already holds the Dealbox demo profile; nothing was changed.\nExplore it with `dealbox-cli \
                 --profile {shown} list` or `dealbox --profile {shown}`.",
                dir.display()
            );
        }
        return Ok(());
    }
    let core = demo::create_profile(&dir, now.unwrap_or_else(unix_now), Arc::new(dealbox_platform::OsKeyring::new()))?;
    let s = demo::summary(&core)?;
    if json {
        println!("{}", serde_json::json!({"dir": core.dir(), "created": true, "summary": s}));
        return Ok(());
    }
    println!("Created the Dealbox demo profile in {}:", core.dir().display());
    println!(
        "  mail: {} messages ({} unread) in {} conversations, in Inbox, Sent, Drafts, Archive, Trash and Junk",
        s.messages, s.unread, s.threads
    );
    println!("  CRM:  {} contacts, {} companies, {} leads, {} deals", s.contacts, s.companies, s.leads, s.deals);
    println!(
        "  processing: {} emails linked, {} created a lead or contact, {} skipped (each with its reason)",
        s.linked, s.created, s.skipped
    );
    println!("Explore it (offline; the demo mailbox has no server):");
    println!("  dealbox-cli --profile {shown} list");
    println!("  dealbox-cli --profile {shown} search \"fleet rollout\"");
    println!("  dealbox-cli --profile {shown} crm sidebar ID     (ID from `list`)");
    if is_default {
        println!("  dealbox --demo");
    } else {
        println!("  dealbox --profile {shown}");
    }
    Ok(())
}
