//! `dealbox-cli send` and `dealbox-cli outbox`

use std::path::PathBuf;
use std::time::Duration;

use clap::Args;
use dealbox_core::imap::Timeouts;
use dealbox_core::send::compose::{AttachmentSource, Draft};
use dealbox_core::send::outbox;
use dealbox_core::{Core, Error};

#[derive(Args)]
pub struct SendArgs {
    /// The account to send from.
    #[arg(long)]
    account: String,
    #[arg(long)]
    to: Vec<String>,
    #[arg(long)]
    cc: Vec<String>,
    #[arg(long)]
    bcc: Vec<String>,
    #[arg(long, default_value = "")]
    subject: String,
    /// Plain-text body from a file ("-" for standard input).
    #[arg(long)]
    body_file: Option<PathBuf>,
    /// HTML body from a file (sent as multipart/alternative with the text).
    #[arg(long)]
    html_file: Option<PathBuf>,
    /// Attach a file (repeat for several; at most 25 MB each).
    #[arg(long)]
    attach: Vec<PathBuf>,
    /// Inline image as CID=FILE, referenced from the HTML as src="cid:CID".
    #[arg(long)]
    inline: Vec<String>,
    /// Reply to this cached message id (sets In-Reply-To/References, quotes it, marks it answered).
    #[arg(long)]
    reply_to: Option<i64>,
    /// With --reply-to: reply to all (never to our own addresses).
    #[arg(long)]
    all: bool,
    /// Forward this cached message id (inline, or with --as-attachment).
    #[arg(long)]
    forward: Option<i64>,
    #[arg(long)]
    as_attachment: bool,
    /// Only put it in the outbox; do not connect now.
    #[arg(long)]
    queue_only: bool,
    #[arg(long, default_value_t = 30)]
    timeout: u64,
}

#[derive(Args)]
pub struct OutboxArgs {
    #[arg(long)]
    account: Option<String>,
    /// Try to send what is due now.
    #[arg(long)]
    flush: bool,
    /// Put a parked message back in the queue.
    #[arg(long)]
    retry: Option<i64>,
    /// Delete a queued or parked message.
    #[arg(long)]
    delete: Option<i64>,
    #[arg(long)]
    json: bool,
    #[arg(long, default_value_t = 30)]
    timeout: u64,
}

fn read(p: &PathBuf) -> anyhow::Result<String> {
    if p.as_os_str() == "-" {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)?;
        return Ok(s);
    }
    Ok(std::fs::read_to_string(p).map_err(|e| Error::config(format!("cannot read {}: {e}", p.display())))?)
}

pub fn send(core: &Core, a: SendArgs) -> anyhow::Result<()> {
    let account = core.accounts().find(&a.account)?;
    let mut d = match (a.reply_to, a.forward) {
        (Some(id), _) => core.compose().reply_from(&account, id, a.all)?,
        (None, Some(id)) => core.compose().forward(id, a.as_attachment)?.draft,
        (None, None) => Draft::default(),
    };
    if !a.to.is_empty() {
        d.to = a.to.clone();
    }
    d.cc.extend(a.cc.iter().cloned());
    d.bcc.extend(a.bcc.iter().cloned());
    if !a.subject.is_empty() {
        d.subject = a.subject.clone();
    }
    if let Some(p) = &a.body_file {
        d.text = format!("{}{}", read(p)?, d.text);
    }
    if let Some(p) = &a.html_file {
        d.html = Some(read(p)?);
    }
    for p in &a.attach {
        d.attachments.push(AttachmentSource { path: p.clone(), filename: None, content_id: None, mime_type: None });
    }
    for spec in &a.inline {
        let (cid, file) = spec.split_once('=').ok_or_else(|| Error::config("--inline takes CID=FILE"))?;
        d.attachments.push(AttachmentSource {
            path: file.into(),
            filename: None,
            content_id: Some(cid.into()),
            mime_type: None,
        });
    }
    let (id, built) = core.compose().enqueue(&account, &d)?;
    println!("Queued message {id} <{}> to {}.", built.message_id, built.recipients.join(", "));
    if a.queue_only {
        return Ok(());
    }
    flush_and_print(core, &account, a.timeout)
}

fn flush_and_print(core: &Core, account: &dealbox_core::account::Account, timeout: u64) -> anyhow::Result<()> {
    let rt = crate::runtime()?;
    let t = Timeouts { connect: Duration::from_secs(timeout), io: Duration::from_secs(timeout) };
    let r = rt.block_on(outbox::flush(core, account, t))?;
    for m in &r.sent {
        println!("Sent <{m}>.");
    }
    for m in &r.already_sent {
        println!("Already sent before an interruption: <{m}> (found in Sent; not sent again).");
    }
    for (m, why) in &r.waiting {
        println!("Waiting in the outbox: <{m}>: {why}");
    }
    for (m, why) in &r.parked {
        println!("Parked (needs you): <{m}>: {why}");
    }
    if !r.parked.is_empty() {
        return Err(
            Error::config("some messages were not sent; fix the cause and `dealbox-cli outbox --retry ID`").into()
        );
    }
    Ok(())
}

pub fn outbox_cmd(core: &Core, a: OutboxArgs) -> anyhow::Result<()> {
    if let Some(id) = a.retry {
        core.compose().retry(id)?;
        println!("Message {id} is queued again.");
    }
    if let Some(id) = a.delete {
        core.compose().delete(id)?;
        println!("Deleted message {id} from the outbox.");
    }
    let account = match &a.account {
        Some(n) => Some(core.accounts().find(n)?),
        None => None,
    };
    if a.flush {
        let accounts = match &account {
            Some(acc) => vec![acc.clone()],
            None => core.accounts().list()?,
        };
        for acc in &accounts {
            flush_and_print(core, acc, a.timeout)?;
        }
    }
    let items = core.compose().outbox_all(account.as_ref().map(|a| a.id))?;
    for i in items.iter().filter(|i| i.state != outbox::OutboxState::Done || i.last_error.is_some()) {
        if a.json {
            println!("{}", serde_json::to_string(i)?);
        } else {
            println!(
                "{:>5} {:<8} {:<40.40} to {}{}",
                i.id,
                i.state,
                crate::mail_cmd::clean(&i.subject),
                i.recipients.join(", "),
                i.last_error.as_ref().map(|e| format!("\n      {}", crate::mail_cmd::clean(e))).unwrap_or_default()
            );
        }
    }
    Ok(())
}

#[derive(clap::Subcommand)]
pub enum DraftCmd {
    /// Save a draft (new, or replace draft --id); prints its id.
    Save {
        #[arg(long)]
        id: Option<i64>,
        #[arg(long)]
        account: String,
        #[arg(long)]
        to: Vec<String>,
        #[arg(long)]
        cc: Vec<String>,
        #[arg(long, default_value = "")]
        subject: String,
        #[arg(long)]
        body_file: Option<PathBuf>,
        #[arg(long)]
        attach: Vec<PathBuf>,
    },
    /// List drafts.
    List {
        #[arg(long)]
        account: Option<String>,
        #[arg(long)]
        json: bool,
    },
    /// Upload changed drafts to the server's Drafts folder.
    Upload {
        #[arg(long)]
        account: String,
    },
    /// Send a draft (through the outbox) and remove it.
    Send {
        id: i64,
        #[arg(long)]
        account: String,
    },
    /// Discard a draft.
    Discard { id: i64 },
}

pub fn draft_cmd(core: &Core, cmd: DraftCmd) -> anyhow::Result<()> {
    use dealbox_core::send::drafts;
    let t = Timeouts { connect: Duration::from_secs(30), io: Duration::from_secs(30) };
    match cmd {
        DraftCmd::Save { id, account, to, cc, subject, body_file, attach } => {
            let acc = core.accounts().find(&account)?;
            let d = Draft {
                to,
                cc,
                subject,
                text: match &body_file {
                    Some(p) => read(p)?,
                    None => String::new(),
                },
                attachments: attach
                    .into_iter()
                    .map(|path| AttachmentSource { path, filename: None, content_id: None, mime_type: None })
                    .collect(),
                ..Default::default()
            };
            let id = core.compose().save_draft_from_files(acc.id, id, &d)?;
            println!("{id}");
        }
        DraftCmd::List { account, json } => {
            let acc = match account {
                Some(a) => Some(core.accounts().find(&a)?.id),
                None => None,
            };
            for d in core.compose().drafts(acc)? {
                if json {
                    println!("{}", serde_json::to_string(&d)?);
                } else {
                    println!("{:>5} {:<40.40} to {}", d.id, crate::mail_cmd::clean(&d.subject), d.to.join(", "));
                }
            }
        }
        DraftCmd::Upload { account } => {
            let acc = core.accounts().find(&account)?;
            let n = crate::runtime()?.block_on(drafts::upload(core, &acc, t))?;
            println!("Uploaded {n} draft change(s).");
        }
        DraftCmd::Send { id, account } => {
            let acc = core.accounts().find(&account)?;
            let outbox_id = core.compose().send_saved_draft(&acc, id)?;
            println!("Draft {id} is message {outbox_id} in the outbox.");
            flush_and_print(core, &acc, 30)?;
            crate::runtime()?.block_on(drafts::upload(core, &acc, t))?;
        }
        DraftCmd::Discard { id } => {
            core.compose().discard_draft(id)?;
            println!("Discarded draft {id}.");
        }
    }
    Ok(())
}
