//! `dealbox-cli`: Dealbox without the window, for scripts, checks and servers.

mod account_cmd;
mod crm_cmd;
mod demo_cmd;
mod hint;
mod mail_cmd;
mod send_cmd;
mod sync_cmd;

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

use clap::{Parser, Subcommand};
use dealbox_core::{Core, Error};

#[derive(Parser)]
#[command(name = "dealbox-cli", version, about = "Dealbox mail + CRM from the command line")]
pub struct Cli {
    /// Profile directory (default: the platform's data dir, e.g. ~/.local/share/dealbox).
    #[arg(long, global = true, env = "DEALBOX_PROFILE")]
    profile: Option<PathBuf>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once per run
enum Command {
    /// Add, edit, remove, list and test mail accounts.
    #[command(subcommand)]
    Account(Box<account_cmd::AccountCmd>),
    /// List cached folders with counts.
    Folders(mail_cmd::FoldersArgs),
    /// List cached messages, newest first.
    List(mail_cmd::ListArgs),
    /// Show one message.
    Show(mail_cmd::ShowArgs),
    /// Search the local index (from:, to:, subject:, has:attachment, is:unread, before:, after:).
    Search(mail_cmd::SearchArgs),
    /// Send a message through the account's SMTP server (via the outbox).
    Send(Box<send_cmd::SendArgs>),
    /// Show the outbox (queued, parked with the reason); --flush sends what is due.
    Outbox(send_cmd::OutboxArgs),
    /// Save, list, upload, send and discard drafts.
    #[command(subcommand)]
    Draft(send_cmd::DraftCmd),
    /// Sync mail from the server into the local cache (and upload queued local changes).
    Sync(sync_cmd::SyncArgs),
    /// Each mailbox's sync state: last check, next check and why, problems.
    Status(sync_cmd::StatusArgs),
    /// Mark a message read/unread, flagged, answered (at once locally, on the server with the next sync).
    Mark(sync_cmd::MarkArgs),
    /// Move a message to another folder (or archive, junk, trash).
    Move(sync_cmd::MoveArgs),
    /// Delete a message (to Trash).
    Delete(sync_cmd::DeleteArgs),
    /// The CRM: contacts, companies, leads, deals, the team, rules and what happened to each message.
    #[command(subcommand)]
    Crm(Box<crm_cmd::CrmCmd>),
    /// The sample-data profile: `demo create DIR` builds a mailbox and CRM to explore, offline.
    #[command(subcommand)]
    Demo(demo_cmd::DemoCmd),
}

fn main() -> ExitCode {
    let mut filter = tracing_subscriber::EnvFilter::try_from_env("DEALBOX_LOG").unwrap_or_else(|_| "warn".into());
    for d in dealbox_core::LOG_REDACTIONS {
        if let Ok(d) = d.parse() {
            filter = filter.add_directive(d);
        }
    }
    tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr).init();
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            if let Some(h) = e.downcast_ref::<Error>().and_then(|e| e.hint.as_ref()) {
                eprintln!("to fix: {}", hint::render(h, None));
            }
            ExitCode::from(exit_code(&e))
        }
    }
}

fn exit_code(e: &anyhow::Error) -> u8 {
    match e.downcast_ref::<Error>().map(|e| e.kind) {
        Some(dealbox_core::ErrorKind::Config) | Some(dealbox_core::ErrorKind::NotFound) => 2,
        Some(dealbox_core::ErrorKind::Auth) => 3,
        Some(dealbox_core::ErrorKind::Keyring) => 4,
        Some(dealbox_core::ErrorKind::Limit) => 5,
        Some(_) => 1,
        None => 1,
    }
}

pub fn open_core(profile: &Option<PathBuf>) -> anyhow::Result<Core> {
    let dir = profile.clone().unwrap_or_else(dealbox_core::default_profile_dir);
    Ok(Core::open(&dir, Arc::new(dealbox_platform::OsKeyring::new()))?)
}

pub fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    Ok(tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build()?)
}

pub fn stdout_is_tty() -> bool {
    std::io::stdout().is_terminal()
}

fn run(cli: Cli) -> anyhow::Result<()> {
    // `demo create DIR` makes its own profile: it must not open (and so create) the default one first.
    if let Command::Demo(cmd) = cli.command {
        return demo_cmd::run(cmd);
    }
    let core = open_core(&cli.profile)?;
    match cli.command {
        Command::Account(cmd) => account_cmd::run(&core, *cmd),
        Command::Folders(a) => mail_cmd::folders(&core, a),
        Command::List(a) => mail_cmd::list(&core, a),
        Command::Show(a) => mail_cmd::show(&core, a),
        Command::Search(a) => mail_cmd::search(&core, a),
        Command::Send(a) => send_cmd::send(&core, *a),
        Command::Outbox(a) => send_cmd::outbox_cmd(&core, a),
        Command::Draft(c) => send_cmd::draft_cmd(&core, c),
        Command::Sync(a) => sync_cmd::sync(&core, a),
        Command::Status(a) => sync_cmd::status(&core, a),
        Command::Mark(a) => sync_cmd::mark(&core, a),
        Command::Move(a) => sync_cmd::move_message(&core, a),
        Command::Delete(a) => sync_cmd::delete(&core, a),
        Command::Crm(cmd) => crm_cmd::run(&core, *cmd),
        Command::Demo(cmd) => demo_cmd::run(cmd),
    }
}
