//! The connection test behind `account test` and the setup wizard: IMAP and SMTP, each step named.

use serde::Serialize;

use crate::account::Account;
use crate::error::{Error, Result, Sensitive};
use crate::imap::{self, Timeouts};
use crate::smtp_probe;

#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
#[serde(rename_all = "camelCase")]
pub struct ProbeResult {
    pub ok: bool,
    /// `ErrorKind::code()` when it failed.
    pub code: Option<String>,
    pub message: String,
    /// What the person can do about the failure.
    pub hint: Option<crate::error::Hint>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConnectionReport {
    pub imap: ProbeResult,
    pub smtp: ProbeResult,
}

impl ConnectionReport {
    pub fn ok(&self) -> bool {
        self.imap.ok && self.smtp.ok
    }
}

fn result(r: Result<String>) -> ProbeResult {
    match r {
        Ok(m) => ProbeResult { ok: true, code: None, message: m, hint: None },
        Err(e) => ProbeResult { ok: false, code: Some(e.kind.code().into()), message: e.message, hint: e.hint },
    }
}

pub async fn test_imap(account: &Account, password: &Sensitive<String>, t: Timeouts) -> Result<String> {
    let mut session = imap::connect(account, password, t).await?;
    let caps = imap::capabilities(&mut session, &account.imap.host, t).await?;
    let _ = tokio::time::timeout(t.io, session.logout()).await;
    let notable: Vec<&str> = caps
        .iter()
        .map(String::as_str)
        .filter(|c| ["IDLE", "CONDSTORE", "QRESYNC", "MOVE", "UIDPLUS", "SPECIAL-USE"].contains(c))
        .collect();
    Ok(format!(
        "IMAP {}:{} ({}): logged in as {}; server supports {}",
        account.imap.host,
        account.imap.port,
        account.imap.security,
        account.username,
        if notable.is_empty() { "basic IMAP".to_string() } else { notable.join(", ") }
    ))
}

pub async fn test_smtp(account: &Account, password: &Sensitive<String>, t: Timeouts) -> Result<String> {
    let mechs = smtp_probe::test_login(account, password, t).await?;
    Ok(format!(
        "SMTP {}:{} ({}): logged in as {} (AUTH {})",
        account.smtp.host,
        account.smtp.port,
        account.smtp.security,
        account.username,
        mechs.join(" ")
    ))
}

/// Test both servers; each side reports its own precise outcome.
pub async fn test_account(account: &Account, password: &Sensitive<String>, t: Timeouts) -> ConnectionReport {
    let (i, s) = tokio::join!(test_imap(account, password, t), test_smtp(account, password, t));
    ConnectionReport { imap: result(i), smtp: result(s) }
}

/// For callers that want the first failure as an error.
pub fn into_result(r: &ConnectionReport) -> Result<()> {
    if r.ok() {
        return Ok(());
    }
    let mut msgs = vec![];
    if !r.imap.ok {
        msgs.push(r.imap.message.clone());
    }
    if !r.smtp.ok {
        msgs.push(r.smtp.message.clone());
    }
    Err(Error::config(msgs.join("; ")))
}
