//! `dealbox-cli account …`

use std::io::Read;
use std::path::PathBuf;
use std::time::Duration;

use anyhow::Context;
use clap::{Args, Subcommand};
use dealbox_core::account::{Account, Credential, Endpoint, NewAccount, Security};
use dealbox_core::imap::Timeouts;
use dealbox_core::{conntest, Core, Error, Sensitive};

#[derive(Subcommand)]
pub enum AccountCmd {
    /// Add an account. The password goes to the OS keyring (or use --password-command).
    Add(AddArgs),
    /// List accounts.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Change an account's settings (only the options given change).
    Edit(EditArgs),
    /// Remove an account, its cached mail and its keyring entry.
    Remove {
        account: String,
        /// Also drop unsent mail in its outbox.
        #[arg(long)]
        force: bool,
    },
    /// Test the IMAP and SMTP connections and logins.
    Test {
        account: String,
        #[arg(long)]
        json: bool,
        /// Seconds per network step.
        #[arg(long, default_value_t = 20)]
        timeout: u64,
    },
    /// Accept the server's current certificate for this account (after checking its fingerprint).
    TrustCert {
        account: String,
        /// The SHA-256 fingerprint shown in the error, to confirm you accept that exact certificate.
        #[arg(long)]
        sha256: Option<String>,
        /// Remove a stored exception.
        #[arg(long)]
        clear: bool,
    },
    /// Find server settings for an address (presets, then autoconfig).
    Discover {
        email: String,
        #[arg(long)]
        json: bool,
    },
    /// Show or set the maximum number of mailboxes in this profile (the plan's limit).
    Limit { max: Option<i64> },
}

#[derive(Args)]
pub struct ServerArgs {
    /// IMAP server as host[:port].
    #[arg(long)]
    imap: Option<String>,
    /// tls, starttls or none.
    #[arg(long)]
    imap_security: Option<String>,
    /// SMTP server as host[:port].
    #[arg(long)]
    smtp: Option<String>,
    #[arg(long)]
    smtp_security: Option<String>,
    /// PEM file with a CA to trust for this account only.
    #[arg(long)]
    trust_ca: Option<PathBuf>,
    /// Read the password from standard input (first line).
    #[arg(long)]
    password_stdin: bool,
    /// A command that prints the password (instead of the keyring).
    #[arg(long)]
    password_command: Option<String>,
    /// Allow cleartext to a non-loopback server.
    #[arg(long)]
    insecure: bool,
    #[arg(long)]
    display_name: Option<String>,
    /// Extra addresses (aliases) of this mailbox; repeat the option.
    #[arg(long = "address")]
    addresses: Vec<String>,
    #[arg(long)]
    signature: Option<String>,
    /// Fetch messages for this many days (7, 30, 90) or "all".
    #[arg(long)]
    fetch: Option<String>,
}

#[derive(Args)]
pub struct AddArgs {
    #[arg(long)]
    name: String,
    #[arg(long)]
    email: String,
    /// Login name (default: the email address).
    #[arg(long)]
    user: Option<String>,
    /// Use a provider preset: gmail, outlook, yahoo, zoho, icloud, fastmail.
    #[arg(long)]
    preset: Option<String>,
    /// Skip looking up the servers when --imap/--smtp are missing.
    #[arg(long)]
    no_discover: bool,
    #[command(flatten)]
    servers: ServerArgs,
}

#[derive(Args)]
pub struct EditArgs {
    account: String,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    email: Option<String>,
    #[arg(long)]
    user: Option<String>,
    #[arg(long)]
    secure: bool,
    #[command(flatten)]
    servers: ServerArgs,
}

fn parse_fetch(s: &str) -> anyhow::Result<Option<u32>> {
    if s.eq_ignore_ascii_case("all") {
        return Ok(None);
    }
    let n: u32 = s
        .trim_end_matches('d')
        .parse()
        .map_err(|_| Error::config(format!("--fetch takes a number of days or 'all', not '{s}'")))?;
    if n == 0 {
        return Err(Error::config("--fetch must be at least 1 day").into());
    }
    Ok(Some(n))
}

fn read_password_stdin() -> anyhow::Result<Sensitive<String>> {
    let mut s = String::new();
    std::io::stdin().read_to_string(&mut s).context("reading the password from standard input")?;
    let first = s.lines().next().unwrap_or("").to_string();
    if first.is_empty() {
        return Err(Error::config("--password-stdin: standard input was empty").into());
    }
    Ok(Sensitive::new(first))
}

fn read_ca(p: &Option<PathBuf>) -> anyhow::Result<Option<String>> {
    match p {
        None => Ok(None),
        Some(p) => Ok(Some(
            std::fs::read_to_string(p)
                .map_err(|e| Error::config(format!("cannot read --trust-ca {}: {e}", p.display())))?,
        )),
    }
}

fn sec(s: &Option<String>, default: Security) -> anyhow::Result<Security> {
    Ok(match s {
        Some(s) => s.parse()?,
        None => default,
    })
}

pub fn run(core: &Core, cmd: AccountCmd) -> anyhow::Result<()> {
    match cmd {
        AccountCmd::Add(a) => add(core, a),
        AccountCmd::List { json } => list(core, json),
        AccountCmd::Edit(a) => edit(core, a),
        AccountCmd::Remove { account, force } => {
            let acc = core.accounts().find(&account)?;
            core.accounts().remove(acc.id, force)?;
            println!("Removed account {} and its cached mail.", acc.name);
            Ok(())
        }
        AccountCmd::Test { account, json, timeout } => test(core, &account, json, timeout),
        AccountCmd::TrustCert { account, sha256, clear } => {
            let acc = core.accounts().find(&account)?;
            if clear {
                core.accounts().pin_certificate(acc.id, None)?;
                println!("Removed the certificate exception for {}.", acc.name);
                return Ok(());
            }
            let Some(fp) = sha256 else {
                return Err(Error::config(
                    "give --sha256 FINGERPRINT (from the certificate error) to accept that certificate",
                )
                .into());
            };
            let fp = fp.replace(':', "").to_ascii_lowercase();
            if fp.len() != 64 || !fp.chars().all(|c| c.is_ascii_hexdigit()) {
                return Err(Error::config("--sha256 must be 64 hex digits").into());
            }
            core.accounts().pin_certificate(acc.id, Some(&fp))?;
            println!(
                "Accepted the certificate with SHA-256 {fp} for {}. A different certificate will be refused.",
                acc.name
            );
            Ok(())
        }
        AccountCmd::Discover { email, json } => {
            let rt = crate::runtime()?;
            let p = rt.block_on(dealbox_core::autoconfig::discover(&email, Duration::from_secs(8)))?;
            if json {
                println!("{}", serde_json::to_string_pretty(&p)?);
            } else {
                println!("{} ({})", p.display_name, p.source);
                println!("  IMAP {}:{} {}", p.imap.host, p.imap.port, p.imap.security);
                println!("  SMTP {}:{} {}", p.smtp.host, p.smtp.port, p.smtp.security);
                if let Some(n) = p.note {
                    println!("  Note: {n}");
                }
            }
            Ok(())
        }
        AccountCmd::Limit { max } => {
            if let Some(n) = max {
                core.accounts().set_max_mailboxes(n)?;
            }
            println!("{}", core.accounts().max_mailboxes()?);
            Ok(())
        }
    }
}

fn add(core: &Core, a: AddArgs) -> anyhow::Result<()> {
    let s = &a.servers;
    if s.password_stdin && s.password_command.is_some() {
        return Err(Error::config("give either --password-stdin or --password-command, not both").into());
    }
    let discovered = if let Some(p) = &a.preset {
        Some(dealbox_core::presets::by_id(p).ok_or_else(|| {
            Error::config(format!("unknown preset '{p}'; known: {}", dealbox_core::presets::ids().join(", ")))
        })?)
    } else if (s.imap.is_none() || s.smtp.is_none()) && !a.no_discover {
        let rt = crate::runtime()?;
        Some(rt.block_on(dealbox_core::autoconfig::discover(&a.email, Duration::from_secs(8)))?)
    } else {
        None
    };
    let imap = match (&s.imap, &discovered) {
        (Some(hp), _) => Endpoint::parse(hp, sec(&s.imap_security, Security::Tls)?, 993, 143)?,
        (None, Some(d)) => Endpoint { host: d.imap.host.clone(), port: d.imap.port, security: d.imap.security },
        (None, None) => return Err(Error::config("give --imap HOST[:PORT] (or a --preset)").into()),
    };
    let smtp = match (&s.smtp, &discovered) {
        (Some(hp), _) => Endpoint::parse(hp, sec(&s.smtp_security, Security::Tls)?, 465, 587)?,
        (None, Some(d)) => Endpoint { host: d.smtp.host.clone(), port: d.smtp.port, security: d.smtp.security },
        (None, None) => return Err(Error::config("give --smtp HOST[:PORT] (or a --preset)").into()),
    };
    let credential = match &s.password_command {
        Some(c) => Credential::Command(c.clone()),
        None => Credential::Keyring,
    };
    let password = if s.password_stdin { Some(read_password_stdin()?) } else { None };
    if credential == Credential::Keyring && password.is_none() {
        return Err(Error::config(
            "give the password with --password-stdin (it goes to the OS keyring), or use --password-command CMD",
        )
        .into());
    }
    let new = NewAccount {
        name: a.name.clone(),
        email: a.email.clone(),
        display_name: s.display_name.clone().unwrap_or_default(),
        addresses: s.addresses.clone(),
        username: a.user.clone().unwrap_or_else(|| a.email.clone()),
        imap,
        smtp,
        credential,
        trust_ca_pem: read_ca(&s.trust_ca)?,
        insecure: s.insecure,
        signature: s.signature.clone().unwrap_or_default(),
        fetch_days: match &s.fetch {
            Some(f) => parse_fetch(f)?,
            None => Some(30),
        },
        save_sent_copy: !discovered.as_ref().map(|d| d.server_saves_sent).unwrap_or(false),
        notify: true,
    };
    let acc = core.accounts().add(&new, password.as_ref())?;
    println!(
        "Added account {} <{}>: IMAP {}:{} ({}), SMTP {}:{} ({}); password in {}.",
        acc.name,
        acc.email,
        acc.imap.host,
        acc.imap.port,
        acc.imap.security,
        acc.smtp.host,
        acc.smtp.port,
        acc.smtp.security,
        match acc.credential {
            Credential::Keyring => "the OS keyring",
            Credential::Command(_) => "the password command",
        }
    );
    if let Some(note) = discovered.and_then(|d| d.note) {
        println!("Note: {note}");
    }
    Ok(())
}

fn edit(core: &Core, a: EditArgs) -> anyhow::Result<()> {
    let old = core.accounts().find(&a.account)?;
    let s = &a.servers;
    let mut new = to_new(&old);
    if let Some(n) = a.name {
        new.name = n;
    }
    if let Some(e) = a.email {
        new.email = e;
    }
    if let Some(u) = a.user {
        new.username = u;
    }
    if let Some(hp) = &s.imap {
        new.imap = Endpoint::parse(hp, sec(&s.imap_security, old.imap.security)?, 993, 143)?;
    } else if let Some(x) = &s.imap_security {
        new.imap.security = x.parse()?;
    }
    if let Some(hp) = &s.smtp {
        new.smtp = Endpoint::parse(hp, sec(&s.smtp_security, old.smtp.security)?, 465, 587)?;
    } else if let Some(x) = &s.smtp_security {
        new.smtp.security = x.parse()?;
    }
    if s.trust_ca.is_some() {
        new.trust_ca_pem = read_ca(&s.trust_ca)?;
    }
    if s.insecure {
        new.insecure = true;
    }
    if a.secure {
        new.insecure = false;
    }
    if let Some(d) = &s.display_name {
        new.display_name = d.clone();
    }
    if !s.addresses.is_empty() {
        new.addresses = s.addresses.clone();
    }
    if let Some(sig) = &s.signature {
        new.signature = sig.clone();
    }
    if let Some(f) = &s.fetch {
        new.fetch_days = parse_fetch(f)?;
    }
    let mut password = None;
    if s.password_stdin {
        new.credential = Credential::Keyring;
        password = Some(read_password_stdin()?);
    }
    if let Some(c) = &s.password_command {
        new.credential = Credential::Command(c.clone());
    }
    let acc = core.accounts().update(old.id, &new, password.as_ref())?;
    println!("Updated account {}.", acc.name);
    Ok(())
}

fn to_new(a: &Account) -> NewAccount {
    NewAccount {
        name: a.name.clone(),
        email: a.email.clone(),
        display_name: a.display_name.clone(),
        addresses: a.addresses.clone(),
        username: a.username.clone(),
        imap: a.imap.clone(),
        smtp: a.smtp.clone(),
        credential: a.credential.clone(),
        trust_ca_pem: a.trust_ca_pem.clone(),
        insecure: a.insecure,
        signature: a.signature.clone(),
        fetch_days: a.fetch_days,
        save_sent_copy: a.save_sent_copy,
        notify: a.notify,
    }
}

fn list(core: &Core, json: bool) -> anyhow::Result<()> {
    let accounts = core.accounts().list()?;
    if json {
        for a in &accounts {
            println!("{}", serde_json::to_string(a)?);
        }
        return Ok(());
    }
    if accounts.is_empty() {
        println!("No accounts yet. Add one with `dealbox-cli account add --name work --email you@example.com ...`.");
    }
    for a in accounts {
        println!(
            "{:<12} {:<32} IMAP {}:{} {:<8} SMTP {}:{} {:<8} fetch {}",
            a.name,
            a.email,
            a.imap.host,
            a.imap.port,
            a.imap.security.to_string(),
            a.smtp.host,
            a.smtp.port,
            a.smtp.security.to_string(),
            a.fetch_days.map(|d| format!("{d} days")).unwrap_or_else(|| "all".into())
        );
    }
    Ok(())
}

fn test(core: &Core, account: &str, json: bool, timeout: u64) -> anyhow::Result<()> {
    let acc = core.accounts().find(account)?;
    let password = acc.password(core.secrets.as_ref())?;
    let rt = crate::runtime()?;
    let t = Timeouts { connect: Duration::from_secs(timeout), io: Duration::from_secs(timeout) };
    let report = rt.block_on(conntest::test_account(&acc, &password, t));
    if json {
        println!("{}", serde_json::to_string_pretty(&report)?);
    } else {
        for (label, r) in [("IMAP", &report.imap), ("SMTP", &report.smtp)] {
            println!("{} {label}: {}", if r.ok { "ok  " } else { "FAIL" }, r.message);
            if let Some(h) = &r.hint {
                println!("      to fix: {}", crate::hint::render(h, Some(&acc.name)));
            }
        }
    }
    if report.ok() {
        return Ok(());
    }
    // Exit with the kind of the first failure so scripts can branch.
    let first = if !report.imap.ok { &report.imap } else { &report.smtp };
    let kind = match first.code.as_deref() {
        Some("auth") => dealbox_core::ErrorKind::Auth,
        Some("config") => dealbox_core::ErrorKind::Config,
        _ => dealbox_core::ErrorKind::Network,
    };
    Err(Error::new(kind, "the connection test failed (see above)").into())
}
