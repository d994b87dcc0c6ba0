//! Shared by the sync_* tests: the loopback mail server's settings, a profile with one account, a second
//! IMAP client (plain async-imap, independent of our sync code) and UID-by-UID comparison of cache and server.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use dealbox_core::account::{Account, Credential, Endpoint, NewAccount, Security};
use dealbox_core::secrets::MemorySecrets;
use dealbox_core::sync::{self, SyncOptions, SyncReport};
use dealbox_core::Core;
use futures::TryStreamExt;
use sha2::{Digest, Sha256};

/// Connection info written by the mail server script (`$MAIL_ROOT/env`).
#[derive(Debug, Clone)]
pub struct MailEnv {
    pub root: PathBuf,
    pub host: String,
    pub imap_port: u16,
    pub imaps_port: u16,
    /// The second Dovecot on the same mailboxes that does not announce CONDSTORE/QRESYNC.
    pub nocondstore_imaps_port: u16,
    pub ca: PathBuf,
}

fn env_file_value(text: &str, key: &str) -> Option<String> {
    text.lines().find_map(|l| l.strip_prefix(&format!("{key}=")).map(|v| v.trim().to_string()))
}

/// The test server, or `None` (the test returns early) when it is not running outside CI.
/// With CI=true (or under tests/run-all) a missing server is a failure, never a skip.
pub fn mail_env() -> Option<MailEnv> {
    let root = PathBuf::from(std::env::var("DEALBOX_MAIL_ROOT").unwrap_or_else(|_| "/tmp/dealbox-test-mail".into()));
    let text = std::fs::read_to_string(root.join("env")).ok();
    let env = text.as_deref().map(|t| MailEnv {
        root: root.clone(),
        host: env_file_value(t, "MAIL_HOST").unwrap_or_else(|| "127.0.0.1".into()),
        imap_port: env_file_value(t, "MAIL_IMAP_PORT").and_then(|p| p.parse().ok()).unwrap_or(10143),
        imaps_port: env_file_value(t, "MAIL_IMAPS_PORT").and_then(|p| p.parse().ok()).unwrap_or(10993),
        nocondstore_imaps_port: env_file_value(t, "MAIL_NOCONDSTORE_IMAPS_PORT")
            .and_then(|p| p.parse().ok())
            .unwrap_or(11993),
        ca: env_file_value(t, "MAIL_TLS_CA").map(PathBuf::from).unwrap_or_else(|| root.join("etc/tls/ca.pem")),
    });
    let up = env.as_ref().is_some_and(|e| std::net::TcpStream::connect((e.host.as_str(), e.imap_port)).is_ok());
    if !up {
        let msg = format!(
            "the test mail server is not running ({}/env missing or IMAP port closed); start it with tests/servers/up",
            root.display()
        );
        return crate::unavailable("the test mail server", &msg, "Start it with `sudo tests/servers/up`.");
    }
    env
}

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

/// The mailbox seeder: the repo's copy, else the shared tools.
pub fn seeder() -> PathBuf {
    if let Ok(p) = std::env::var("DEALBOX_SEEDER") {
        return PathBuf::from(p);
    }
    let root = repo_root();
    for p in [
        root.join("tests/servers/seed-mailbox"),
        root.join("../shared/tools/mailserver/seed-mailbox"),
        PathBuf::from("/work/shared/tools/mailserver/seed-mailbox"),
    ] {
        if p.exists() {
            return p;
        }
    }
    panic!("seed-mailbox not found (set DEALBOX_SEEDER)");
}

/// Replace `user`'s mailbox with `n` realistic messages (this changes UIDVALIDITY).
pub fn seed(env: &MailEnv, user: &str, n: usize, args: &[&str]) {
    let out = std::process::Command::new(seeder())
        .arg(user)
        .arg(n.to_string())
        .args(args)
        .env("MAIL_ROOT", &env.root)
        .output()
        .expect("run seed-mailbox");
    assert!(out.status.success(), "seed-mailbox failed: {}", String::from_utf8_lossy(&out.stderr));
}

pub fn password_of(user: &str) -> String {
    if user.starts_with("bench") {
        "bench-pw".into()
    } else {
        format!("{user}-pw")
    }
}

/// A fresh profile with one account for `user` over IMAPS (the test CA trusted), fetching all mail.
pub fn profile(env: &MailEnv, user: &str) -> (tempfile::TempDir, Core, Account) {
    profile_on(env, user, env.imaps_port)
}

/// Like [`profile`], on another IMAPS port (e.g. the no-CONDSTORE Dovecot).
pub fn profile_on(env: &MailEnv, user: &str, imaps_port: u16) -> (tempfile::TempDir, Core, Account) {
    let dir = tempfile::tempdir().expect("tempdir");
    let core = Core::open(dir.path(), Arc::new(MemorySecrets::default())).expect("open profile");
    let acc = core
        .accounts()
        .add(
            &NewAccount {
                name: user.into(),
                email: format!("{user}@example.test"),
                display_name: String::new(),
                addresses: vec![],
                username: user.into(),
                imap: Endpoint { host: env.host.clone(), port: imaps_port, security: Security::Tls },
                smtp: Endpoint { host: env.host.clone(), port: 10465, security: Security::Tls },
                credential: Credential::Command(format!("printf %s {}", password_of(user))),
                trust_ca_pem: Some(std::fs::read_to_string(&env.ca).expect("read the test CA")),
                insecure: false,
                signature: String::new(),
                fetch_days: None,
                save_sent_copy: true,
                notify: true,
            },
            None,
        )
        .expect("add account");
    (dir, core, acc)
}

pub fn opts() -> SyncOptions {
    SyncOptions::default()
}

/// One check of the account, as the app does it (with the core's after-check hooks: CRM processing).
pub async fn sync_once(core: &Core, acc: &Account, opts: &SyncOptions) -> dealbox_core::Result<SyncReport> {
    core.check_account(acc, opts, &sync::no_events()).await
}

pub type ImapSession = async_imap::Session<tokio::net::TcpStream>;

/// A second, independent IMAP client (plain IMAP on loopback).
pub async fn imap(env: &MailEnv, user: &str) -> ImapSession {
    let tcp = tokio::net::TcpStream::connect((env.host.as_str(), env.imap_port)).await.expect("connect");
    let mut client = async_imap::Client::new(tcp);
    client.read_response().await.expect("greeting");
    client.login(user, password_of(user)).await.map_err(|e| e.0).expect("login")
}

fn flag_name(f: &async_imap::types::Flag<'_>) -> Option<String> {
    use async_imap::types::Flag;
    Some(match f {
        Flag::Seen => "\\Seen".into(),
        Flag::Answered => "\\Answered".into(),
        Flag::Flagged => "\\Flagged".into(),
        Flag::Deleted => "\\Deleted".into(),
        Flag::Draft => "\\Draft".into(),
        Flag::Recent => return None,
        Flag::MayCreate => return None,
        Flag::Custom(c) => c.to_string(),
    })
}

/// What a comparison looks at for one message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MsgFacts {
    pub flags: Vec<String>,
    pub subject: String,
    pub sha256: String,
}

fn facts(flags: Vec<String>, raw: &[u8], subject: Option<String>) -> MsgFacts {
    let mut flags = flags;
    flags.sort();
    flags.dedup();
    let subject = subject.unwrap_or_else(|| dealbox_core::parse::parse(raw).map(|p| p.subject).unwrap_or_default());
    MsgFacts { flags, subject, sha256: hex::encode(Sha256::digest(raw)) }
}

/// UID -> facts, as the server holds them.
pub async fn server_folder(s: &mut ImapSession, folder: &str) -> BTreeMap<u32, MsgFacts> {
    let mb = s.select(folder).await.expect("select");
    let mut out = BTreeMap::new();
    if mb.exists == 0 {
        return out;
    }
    let fetches: Vec<_> =
        s.uid_fetch("1:*", "(UID FLAGS BODY.PEEK[])").await.expect("fetch").try_collect().await.expect("fetch stream");
    for f in fetches {
        let (Some(uid), Some(body)) = (f.uid, f.body()) else { continue };
        let flags = f.flags().filter_map(|fl| flag_name(&fl)).collect();
        out.insert(uid, facts(flags, body, None));
    }
    out
}

/// UID -> facts, as the cache holds them.
pub fn cache_folder(core: &Core, account_id: i64, folder: &str) -> BTreeMap<u32, MsgFacts> {
    let conn = core.store().conn().expect("db");
    let mut st = conn
        .prepare(
            "SELECT m.uid, m.flags, m.subject, b.raw FROM messages m JOIN folders f ON f.id = m.folder_id \
             LEFT JOIN bodies b ON b.message_id = m.id WHERE f.account_id = ?1 AND f.name = ?2",
        )
        .expect("prepare");
    let rows = st
        .query_map(rusqlite::params![account_id, folder], |r| {
            let uid: u32 = r.get(0)?;
            let flags: String = r.get(1)?;
            let subject: String = r.get(2)?;
            let raw: Option<Vec<u8>> = r.get(3)?;
            Ok((uid, flags, subject, raw.unwrap_or_default()))
        })
        .expect("query")
        .collect::<rusqlite::Result<Vec<_>>>()
        .expect("rows");
    rows.into_iter()
        .map(|(uid, flags, subject, raw)| {
            (uid, facts(flags.split_whitespace().map(str::to_string).collect(), &raw, Some(subject)))
        })
        .collect()
}

/// Server subjects parsed by our parser equal the cached ones; flags and bodies byte for byte.
pub fn assert_same(folder: &str, cache: &BTreeMap<u32, MsgFacts>, server: &BTreeMap<u32, MsgFacts>) {
    let cache_uids: Vec<_> = cache.keys().collect();
    let server_uids: Vec<_> = server.keys().collect();
    assert_eq!(cache_uids, server_uids, "{folder}: the cache holds other UIDs than the server");
    for (uid, s) in server {
        let c = &cache[uid];
        assert_eq!(c.flags, s.flags, "{folder} UID {uid}: flags differ");
        assert_eq!(c.sha256, s.sha256, "{folder} UID {uid}: body differs");
        assert_eq!(c.subject, s.subject, "{folder} UID {uid}: subject differs");
    }
}

/// Compare one folder of the cache with the server.
pub async fn assert_folder_matches(core: &Core, acc: &Account, s: &mut ImapSession, folder: &str) {
    let server = server_folder(s, folder).await;
    let cache = cache_folder(core, acc.id, folder);
    assert_same(folder, &cache, &server);
}

/// Append a small message to `folder` with the given flags; returns its Message-ID.
pub async fn append(s: &mut ImapSession, folder: &str, subject: &str, flags: &str) -> String {
    let mid = format!("<{}.{}@test.example>", subject.replace(' ', "-"), std::process::id());
    let raw = format!(
        "From: Test Sender <sender@example.test>\r\nTo: someone@example.test\r\nSubject: {subject}\r\n\
         Message-ID: {mid}\r\nDate: Tue, 1 Sep 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n\
         Body of {subject}.\r\n"
    );
    s.append(folder, Some(flags), None, raw.as_bytes()).await.expect("append");
    mid
}

/// A fresh folder with a unique name (tests share users).
pub async fn fresh_folder(s: &mut ImapSession, prefix: &str) -> String {
    let name = format!("{prefix}-{}-{}", std::process::id(), dealbox_core::store::unix_now() % 100_000);
    let _ = s.delete(&name).await;
    s.create(&name).await.expect("create folder");
    name
}

/// Integrity and duplicate checks on the whole cache.
pub fn assert_cache_healthy(core: &Core) {
    let conn = core.store().conn().expect("db");
    let ok: String = conn.query_row("PRAGMA integrity_check", [], |r| r.get(0)).expect("integrity_check");
    assert_eq!(ok, "ok", "PRAGMA integrity_check");
    let orphans: i64 = conn
        .query_row("SELECT COUNT(*) FROM bodies WHERE message_id NOT IN (SELECT id FROM messages)", [], |r| r.get(0))
        .expect("orphans");
    assert_eq!(orphans, 0, "bodies without a message");
}
