//! Helpers shared by the integration tests: the test mail server's settings, the desktop session,
//! and a runner for the real `dealbox-cli` binary with a throwaway profile.
//!
//! Tests that need something from outside (the mail server from `tests/servers/up`, the Secret Service from
//! `tests/desktop-session`) ask for it with [`MailServer::require`] or [`require_secret_service`]. When it is
//! missing they FAIL in CI (`CI=true`) or under `tests/run-all` (`DEALBOX_TESTS_STRICT=1`), and elsewhere skip
//! with a message on stderr, so a plain `cargo test` on a laptop stays usable.
//!
//! Helpers for groups of tests live in modules: [`crm_common`] (a CRM profile with a team and a builder for real
//! RFC 5322 messages) and [`sync_common`] (a profile syncing a test user, a second IMAP client, cache-vs-server
//! comparison). Being in the library, they are compiled once, not once per test binary.
#![forbid(unsafe_code)]

pub mod crm_common;
pub mod mailboxes;
pub mod sync_common;

use std::collections::HashMap;
use std::io::Write;
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// The workspace root (the directory holding the top-level Cargo.toml).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("tests/ has a parent").to_path_buf()
}

/// True when a missing prerequisite must fail the test instead of skipping it.
pub fn strict() -> bool {
    let on = |v: &str| std::env::var(v).map(|s| !s.is_empty() && s != "0" && s != "false").unwrap_or(false);
    on("CI") || on("DEALBOX_TESTS_STRICT")
}

/// A prerequisite is missing: panic in CI / strict mode, otherwise say so and let the test return early.
/// Returns `None` so callers can write `let Some(x) = ... else { return };`.
pub fn unavailable<T>(test_needs: &str, why: &str, how: &str) -> Option<T> {
    let msg = format!("this test needs {test_needs}, but {why}. {how}");
    if strict() {
        panic!("{msg} (failing because CI or DEALBOX_TESTS_STRICT is set)");
    }
    eprintln!("SKIPPED: {msg}");
    None
}

// ------------------------------------------------------------------------------------------------ mail server

/// The private test mail server started by `tests/servers/up`, as described by `$DEALBOX_MAIL_ROOT/env`.
#[derive(Debug, Clone)]
pub struct MailServer {
    vars: HashMap<String, String>,
}

/// Where `tests/servers/up` keeps its state.
pub fn mail_root() -> PathBuf {
    std::env::var_os("DEALBOX_MAIL_ROOT")
        .filter(|v| !v.is_empty())
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("/tmp/dealbox-test-mail"))
}

impl MailServer {
    /// Read `$DEALBOX_MAIL_ROOT/env` and check that the server answers; see [`unavailable`] when it does not.
    pub fn require() -> Option<Self> {
        const HOW: &str = "Start it with `sudo tests/servers/up` (tests/run-all does).";
        let path = mail_root().join("env");
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                return unavailable("the test mail server", &format!("{} cannot be read ({e})", path.display()), HOW)
            }
        };
        let server = Self::parse(&text);
        for key in ["MAIL_IMAPS_PORT", "MAIL_SMTPS_PORT", "MAIL_NOCONDSTORE_IMAPS_PORT"] {
            let Some(port) = server.vars.get(key) else {
                return unavailable(
                    "the test mail server",
                    &format!("{} has no {key} (an older server script?)", path.display()),
                    HOW,
                );
            };
            let addr = format!("{}:{port}", server.host());
            if !port_open(&addr) {
                return unavailable("the test mail server", &format!("nothing answers on {addr} ({key})"), HOW);
            }
        }
        Some(server)
    }

    pub fn parse(text: &str) -> Self {
        let vars = text
            .lines()
            .filter_map(|l| l.split_once('='))
            .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
            .collect();
        Self { vars }
    }

    /// A value from the env file; panics naming the key if it is missing.
    pub fn var(&self, key: &str) -> &str {
        self.vars
            .get(key)
            .map(String::as_str)
            .unwrap_or_else(|| panic!("{key} is missing from {}/env", mail_root().display()))
    }

    pub fn host(&self) -> &str {
        self.var("MAIL_HOST")
    }

    pub fn port(&self, key: &str) -> u16 {
        self.var(key).parse().unwrap_or_else(|_| panic!("{key} in the env file is not a port"))
    }

    /// `host:port` for a port key, e.g. `imap("MAIL_IMAPS_PORT")` → `127.0.0.1:10993`.
    pub fn addr(&self, key: &str) -> String {
        format!("{}:{}", self.host(), self.port(key))
    }

    pub fn imaps(&self) -> String {
        self.addr("MAIL_IMAPS_PORT")
    }
    pub fn imap_starttls(&self) -> String {
        self.addr("MAIL_IMAP_PORT")
    }
    pub fn smtps(&self) -> String {
        self.addr("MAIL_SMTPS_PORT")
    }
    pub fn submission(&self) -> String {
        self.addr("MAIL_SMTP_SUBMISSION_PORT")
    }

    /// The private CA that signed the servers' certificate.
    pub fn ca_pem(&self) -> PathBuf {
        PathBuf::from(self.var("MAIL_TLS_CA"))
    }

    /// The servers' own (leaf) certificate.
    pub fn cert_pem(&self) -> PathBuf {
        self.vars.get("MAIL_TLS_CERT").map(PathBuf::from).unwrap_or_else(|| self.ca_pem().with_file_name("cert.pem"))
    }

    /// The SHA-256 fingerprint of the servers' certificate, as lowercase hex (via openssl): what a user accepts
    /// when they trust exactly this certificate.
    pub fn cert_sha256(&self) -> String {
        let out = Command::new("openssl")
            .args(["x509", "-noout", "-fingerprint", "-sha256", "-in"])
            .arg(self.cert_pem())
            .output()
            .expect("run openssl");
        assert!(out.status.success(), "openssl x509 failed");
        let text = String::from_utf8_lossy(&out.stdout);
        text.split_once('=').expect("fingerprint line").1.trim().replace(':', "").to_ascii_lowercase()
    }

    /// The password of a test user (alice, bob, carol, dana, erin, sink, bench1k, bench10k).
    pub fn password(&self, user: &str) -> &str {
        self.var(&format!("MAIL_PASS_{}", user.to_ascii_uppercase()))
    }

    pub fn email(&self, user: &str) -> &str {
        self.var(&format!("MAIL_USER_{}", user.to_ascii_uppercase()))
    }
}

/// Postfix delivers asynchronously: wait (with a deadline) until a message with this exact subject is in the
/// user's Inbox maildir on the test server, so that a Sync pressed afterwards must find it.
pub fn wait_delivered(user: &str, subject: &str) {
    let inbox = mail_root().join("mail").join(user).join("Maildir");
    let header = format!("Subject: {subject}");
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let found = ["new", "cur"].iter().any(|d| {
            std::fs::read_dir(inbox.join(d))
                .into_iter()
                .flatten()
                .flatten()
                .any(|e| std::fs::read(e.path()).is_ok_and(|b| has_header_line(&b, &header)))
        });
        if found {
            return;
        }
        assert!(Instant::now() < deadline, "no message {subject:?} reached {} within a minute", inbox.display());
        std::thread::sleep(Duration::from_millis(100));
    }
}

/// Dovecot stores maildir files with bare LF line ends.
fn has_header_line(raw: &[u8], line: &str) -> bool {
    String::from_utf8_lossy(raw)
        .lines()
        .take_while(|l| !l.trim_end().is_empty())
        .any(|l| l.trim_end_matches('\r') == line)
}

/// Does something accept TCP connections at `addr`?
pub fn port_open(addr: &str) -> bool {
    let Ok(mut addrs) = addr.to_socket_addrs() else { return false };
    addrs.any(|a| TcpStream::connect_timeout(&a, Duration::from_secs(2)).is_ok())
}

/// A loopback port on which nothing listens right now (bound, then released).
pub fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind a free port");
    l.local_addr().expect("local addr").port()
}

// ------------------------------------------------------------------------------------------------ desktop session

fn dbus_name_has_owner(name: &str) -> Result<bool, String> {
    let out = Command::new("dbus-send")
        .args(["--session", "--print-reply=literal", "--dest=org.freedesktop.DBus", "/org/freedesktop/DBus"])
        .arg("org.freedesktop.DBus.NameHasOwner")
        .arg(format!("string:{name}"))
        .stdin(Stdio::null())
        .output()
        .map_err(|e| format!("dbus-send cannot run ({e})"))?;
    if !out.status.success() {
        return Err(format!("dbus-send failed: {}", String::from_utf8_lossy(&out.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&out.stdout).contains("true"))
}

/// Require a running Secret Service (gnome-keyring inside `tests/desktop-session`). Checked with NameHasOwner,
/// which does not D-Bus-activate a keyring daemon that would then be locked.
pub fn require_secret_service() -> Option<()> {
    const HOW: &str = "Run the tests inside `tests/desktop-session` (tests/run-all does).";
    if std::env::var_os("DBUS_SESSION_BUS_ADDRESS").is_none() {
        return unavailable(
            "a Secret Service (OS keyring)",
            "there is no D-Bus session bus (DBUS_SESSION_BUS_ADDRESS is unset)",
            HOW,
        );
    }
    match dbus_name_has_owner("org.freedesktop.secrets") {
        Ok(true) => Some(()),
        Ok(false) => {
            unavailable("a Secret Service (OS keyring)", "nothing owns org.freedesktop.secrets on the session bus", HOW)
        }
        Err(e) => unavailable("a Secret Service (OS keyring)", &e, HOW),
    }
}

/// A D-Bus session bus configuration with no service directories: nothing can be activated on it,
/// so it is a session bus on which no Secret Service runs or starts.
pub const BARE_BUS_CONFIG: &str = r#"<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:tmpdir=/tmp</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
"#;

// ------------------------------------------------------------------------------------------------ the CLI

/// The `dealbox-cli` binary, built once per test process with the same cargo and target dir as the tests
/// (a no-op when `tests/run-all` built it already), so a test never runs a stale binary.
pub fn cli_binary() -> &'static Path {
    static BIN: OnceLock<PathBuf> = OnceLock::new();
    BIN.get_or_init(|| {
        if let Some(p) = std::env::var_os("DEALBOX_CLI").filter(|p| !p.is_empty()) {
            return PathBuf::from(p);
        }
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut cmd = Command::new(cargo);
        // `cargo test` gives the test process its package's variables (CARGO_MANIFEST_DIR, CARGO_PKG_NAME, ...).
        // Build scripts watch some of them (ring: rerun-if-env-changed=CARGO_MANIFEST_DIR), so passing them on
        // would rebuild half the dependency tree here, and again in the next plain `cargo build`.
        for (key, _) in std::env::vars_os() {
            let k = key.to_string_lossy();
            let package_var = k.starts_with("CARGO_PKG_")
                || k.starts_with("CARGO_MANIFEST_")
                || ["CARGO_CRATE_NAME", "CARGO_BIN_NAME", "CARGO_PRIMARY_PACKAGE", "CARGO_TARGET_TMPDIR", "OUT_DIR"]
                    .contains(&k.as_ref());
            if package_var {
                cmd.env_remove(&key);
            }
        }
        let out = cmd
            .args([
                "build",
                "--quiet",
                "-p",
                "dealbox-cli",
                "--bin",
                "dealbox-cli",
                "--message-format=json-render-diagnostics",
            ])
            .arg("--manifest-path")
            .arg(workspace_root().join("Cargo.toml"))
            .stdin(Stdio::null())
            .stderr(Stdio::inherit())
            .output()
            .expect("run cargo to build dealbox-cli");
        assert!(out.status.success(), "cargo build -p dealbox-cli failed (see above)");
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|v| v["reason"] == "compiler-artifact" && v["target"]["name"] == "dealbox-cli")
            .find_map(|v| v["executable"].as_str().map(PathBuf::from))
            .expect("cargo reported no dealbox-cli executable")
    })
}

/// What a CLI run printed and how it ended.
#[derive(Debug)]
pub struct Output {
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    pub cmdline: String,
}

impl Output {
    pub fn success(&self) -> bool {
        self.code == Some(0)
    }
    /// stdout and stderr together, for "does it say X anywhere".
    pub fn all(&self) -> String {
        format!("{}\n{}", self.stdout, self.stderr)
    }
    #[track_caller]
    pub fn assert_ok(&self) -> &Self {
        assert!(self.success(), "expected success from `{}`:\n{self}", self.cmdline);
        self
    }
    #[track_caller]
    pub fn assert_code(&self, code: i32) -> &Self {
        assert_eq!(self.code, Some(code), "unexpected exit code from `{}`:\n{self}", self.cmdline);
        self
    }
    #[track_caller]
    pub fn assert_says(&self, needle: &str) -> &Self {
        assert!(self.all().contains(needle), "`{}` should say {needle:?}:\n{self}", self.cmdline);
        self
    }
}

impl std::fmt::Display for Output {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "exit code: {:?}\n--- stdout\n{}--- stderr\n{}---", self.code, self.stdout, self.stderr)
    }
}

/// A throwaway profile directory and a runner for `dealbox-cli --profile DIR ...`.
pub struct Profile {
    dir: tempfile::TempDir,
}

impl Default for Profile {
    fn default() -> Self {
        Self::new()
    }
}

impl Profile {
    pub fn new() -> Self {
        Self { dir: tempfile::Builder::new().prefix("dealbox-profile-").tempdir().expect("temp profile dir") }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// A command for `dealbox-cli --profile DIR ARGS`; the caller may add env vars before [`run`].
    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(cli_binary());
        c.arg("--profile").arg(self.path()).args(args);
        c.env_remove("DEALBOX_PROFILE");
        c
    }

    /// Run `dealbox-cli --profile DIR ARGS` with nothing on stdin.
    pub fn run(&self, args: &[&str]) -> Output {
        run(self.command(args), None)
    }

    /// Run with `input` on stdin (e.g. a password for `--password-stdin`).
    pub fn run_with_stdin(&self, args: &[&str], input: &str) -> Output {
        run(self.command(args), Some(input))
    }

    /// `account add` with the exact spelling scripts use, the password on stdin.
    pub fn add_account(
        &self,
        name: &str,
        user: &str,
        imap: (&str, &str),
        smtp: (&str, &str),
        trust_ca: Option<&Path>,
        password: &str,
    ) -> Output {
        let email = format!("{user}@example.test");
        let mut args = vec!["account", "add", "--name", name, "--email", &email, "--user", user];
        args.extend(["--imap", imap.0, "--imap-security", imap.1, "--smtp", smtp.0, "--smtp-security", smtp.1]);
        let ca = trust_ca.map(|p| p.to_string_lossy().into_owned());
        if let Some(ca) = &ca {
            args.extend(["--trust-ca", ca]);
        }
        args.push("--password-stdin");
        self.run_with_stdin(&args, &format!("{password}\n"))
    }

    /// Every file under the profile (including SQLite's -wal and -shm), recursively.
    pub fn files(&self) -> Vec<PathBuf> {
        fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
            for e in std::fs::read_dir(dir).expect("read profile dir").flatten() {
                let p = e.path();
                if p.is_dir() {
                    walk(&p, out);
                } else {
                    out.push(p);
                }
            }
        }
        let mut out = vec![];
        walk(self.path(), &mut out);
        out.sort();
        out
    }
}

/// Run a prepared command, feeding `input` on stdin (or /dev/null), and collect its output.
pub fn run(mut cmd: Command, input: Option<&str>) -> Output {
    let cmdline = format!("{cmd:?}");
    cmd.stdin(if input.is_some() { Stdio::piped() } else { Stdio::null() });
    cmd.stdout(Stdio::piped()).stderr(Stdio::piped());
    let mut child = cmd.spawn().unwrap_or_else(|e| panic!("cannot start {cmdline}: {e}"));
    if let Some(text) = input {
        let mut stdin = child.stdin.take().expect("stdin is piped");
        stdin.write_all(text.as_bytes()).expect("write stdin");
    }
    let out = child.wait_with_output().expect("wait for the command");
    Output {
        code: out.status.code(),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        cmdline,
    }
}

/// Is `program` on PATH?
pub fn have_program(program: &str) -> bool {
    std::env::var_os("PATH")
        .map(|paths| std::env::split_paths(&paths).any(|d| d.join(program).is_file()))
        .unwrap_or(false)
}

/// A value unlikely to occur anywhere by chance, for "this never leaks" checks.
pub fn canary(label: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    format!("{label}-canary-{}-{nanos:x}", std::process::id())
}
