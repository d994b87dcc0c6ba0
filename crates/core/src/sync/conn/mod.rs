//! IMAP commands for sync, run on an authenticated async-imap session but read by us: every tagged NO/BAD
//! is an error (async-imap does not check it for FETCH/SEARCH), every read has a timeout, VANISHED and
//! other untagged data are handled, and a connection that timed out or broke is never used again.

use std::collections::{BTreeMap, BTreeSet};
use std::time::Duration;

use async_imap::imap_proto::types::{AttributeValue, MailboxDatum, NameAttribute, Status};
use async_imap::imap_proto::{RequestId, Response};

use super::plan;
use crate::error::{Error, ErrorKind, Result};
use crate::imap::{ImapSession, Timeouts};
use crate::time::parse_internal_date;

mod commands;

/// What SELECT told us.
#[derive(Debug, Clone, Default)]
pub struct Selected {
    pub exists: u32,
    pub uidvalidity: Option<u32>,
    pub uidnext: Option<u32>,
    pub highestmodseq: Option<u64>,
}

/// One LIST entry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListEntry {
    pub name: String,
    pub delimiter: Option<String>,
    pub attributes: Vec<String>,
    /// From LIST-STATUS (RFC 5819), when the server offers it with CONDSTORE.
    pub status: Option<plan::Cursor>,
}

/// A fetched message (or header), owned.
#[derive(Debug, Clone, Default)]
pub struct FetchedMsg {
    pub uid: u32,
    pub flags: Vec<String>,
    pub modseq: Option<u64>,
    pub size: u64,
    pub internal_date: Option<i64>,
    pub raw: Vec<u8>,
}

/// Flags and expunges learned from a FLAGS fetch.
#[derive(Debug, Clone, Default)]
pub struct FlagListing {
    pub flags: BTreeMap<u32, Vec<String>>,
    pub vanished: BTreeSet<u32>,
}

/// What one read produced.
enum Got<T> {
    /// A tagged answer: OK, or the NO/BAD as an error.
    Done {
        tag: RequestId,
        result: Result<()>,
    },
    /// A continuation request ("+").
    Continue,
    /// EXISTS (and, during IDLE, EXPUNGE/VANISHED): the mailbox changed.
    Changed,
    Other(T),
}

/// Collects fetched messages into batches for the storing thread (bounded: the network waits for the disk).
pub struct BatchSink {
    tx: tokio::sync::mpsc::Sender<Vec<FetchedMsg>>,
    buf: Vec<FetchedMsg>,
    bytes: usize,
    max_count: usize,
    max_bytes: usize,
}

impl BatchSink {
    pub fn new(tx: tokio::sync::mpsc::Sender<Vec<FetchedMsg>>, max_count: usize, max_bytes: usize) -> Self {
        Self { tx, buf: Vec::new(), bytes: 0, max_count, max_bytes }
    }

    pub async fn push(&mut self, m: FetchedMsg) -> Result<()> {
        self.bytes += m.raw.len();
        self.buf.push(m);
        if self.buf.len() >= self.max_count || self.bytes >= self.max_bytes {
            self.flush().await?;
        }
        Ok(())
    }

    pub async fn flush(&mut self) -> Result<()> {
        if self.buf.is_empty() {
            return Ok(());
        }
        let batch = std::mem::take(&mut self.buf);
        self.bytes = 0;
        self.tx.send(batch).await.map_err(|_| Error::storage("storing fetched messages stopped (see the error above)"))
    }
}

/// An authenticated connection used by the sync engine.
pub struct Conn {
    session: ImapSession,
    pub host: String,
    pub t: Timeouts,
    pub caps: Vec<String>,
    broken: bool,
    /// Untagged EXISTS seen since the last SELECT.
    pub exists: Option<u32>,
}

/// Quote a mailbox name (or any string) as an IMAP quoted string.
pub fn quote(s: &str) -> Result<String> {
    if s.contains(['\r', '\n', '\0']) {
        return Err(Error::new(ErrorKind::Protocol, format!("the name {s:?} holds a line break and cannot be sent")));
    }
    Ok(format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\"")))
}

fn flag_strings(v: &[std::borrow::Cow<'_, str>]) -> Vec<String> {
    v.iter().map(|f| f.to_string()).collect()
}

fn name_attr(a: &NameAttribute<'_>) -> String {
    match a {
        NameAttribute::NoInferiors => "\\Noinferiors".into(),
        NameAttribute::NoSelect => "\\Noselect".into(),
        NameAttribute::Marked => "\\Marked".into(),
        NameAttribute::Unmarked => "\\Unmarked".into(),
        NameAttribute::All => "\\All".into(),
        NameAttribute::Archive => "\\Archive".into(),
        NameAttribute::Drafts => "\\Drafts".into(),
        NameAttribute::Flagged => "\\Flagged".into(),
        NameAttribute::Junk => "\\Junk".into(),
        NameAttribute::Sent => "\\Sent".into(),
        NameAttribute::Trash => "\\Trash".into(),
        NameAttribute::Extension(e) => e.to_string(),
        other => format!("{other:?}"),
    }
}

fn fetched_from(attrs: &[AttributeValue<'_>]) -> FetchedMsg {
    let mut m = FetchedMsg::default();
    for a in attrs {
        match a {
            AttributeValue::Uid(u) => m.uid = *u,
            AttributeValue::Flags(f) => m.flags = flag_strings(f),
            AttributeValue::ModSeq(s) => m.modseq = Some(*s),
            AttributeValue::Rfc822Size(s) => m.size = *s as u64,
            AttributeValue::InternalDate(d) => m.internal_date = parse_internal_date(d),
            AttributeValue::BodySection { data: Some(d), .. } | AttributeValue::Rfc822(Some(d)) => m.raw = d.to_vec(),
            _ => {}
        }
    }
    m
}

impl Conn {
    pub fn new(session: ImapSession, host: &str, t: Timeouts, caps: Vec<String>) -> Self {
        Self { session, host: host.to_string(), t, caps, broken: false, exists: None }
    }

    /// True after a timeout or I/O error: the connection must be dropped.
    pub fn is_broken(&self) -> bool {
        self.broken
    }

    pub fn has_cap(&self, cap: &str) -> bool {
        self.caps.iter().any(|c| c.eq_ignore_ascii_case(cap))
    }

    fn check_usable(&self) -> Result<()> {
        if self.broken {
            return Err(Error::new(
                ErrorKind::Network,
                format!("{}: the connection was dropped after an error", self.host),
            ));
        }
        Ok(())
    }

    async fn send(&mut self, cmd: &str) -> Result<RequestId> {
        self.check_usable()?;
        let what = cmd.split(' ').take(2).collect::<Vec<_>>().join(" ");
        match tokio::time::timeout(self.t.io, self.session.run_command(cmd)).await {
            Ok(Ok(id)) => Ok(id),
            Ok(Err(e)) => {
                self.broken = true;
                Err(Error::new(ErrorKind::Network, format!("{}: sending {what} failed: {e}", self.host)))
            }
            Err(_) => {
                self.broken = true;
                Err(self.timeout_error(&what, self.t.io))
            }
        }
    }

    fn timeout_error(&self, what: &str, d: Duration) -> Error {
        Error::new(
            ErrorKind::Timeout,
            format!("{}: {what} got no answer within {} s; the connection was dropped", self.host, d.as_secs()),
        )
    }

    /// Read one response and hand it to `f` (the response type is private to async-imap, so it is looked at
    /// here); a timeout, EOF or I/O error marks the connection broken. Tagged answers come back as
    /// [`Got::Done`], untagged EXISTS/BYE are handled, everything else goes to `f`.
    async fn read_with<T>(&mut self, what: &str, d: Duration, f: impl FnOnce(&Response<'_>) -> T) -> Result<Got<T>> {
        self.check_usable()?;
        let r = match tokio::time::timeout(d, self.session.read_response()).await {
            Err(_) => {
                self.broken = true;
                return Err(self.timeout_error(what, d));
            }
            Ok(Err(e)) => {
                self.broken = true;
                return Err(crate::net::io_error(&self.host, what, &e));
            }
            Ok(Ok(None)) => {
                self.broken = true;
                return Err(Error::new(
                    ErrorKind::Network,
                    format!("{}: the server closed the connection during {what}", self.host),
                ));
            }
            Ok(Ok(Some(r))) => r,
        };
        match r.parsed() {
            Response::Done { tag, status, information, .. } => {
                let result = match status {
                    Status::Ok => Ok(()),
                    other => Err(self.status_error(what, other, information.as_deref())),
                };
                Ok(Got::Done { tag: tag.clone(), result })
            }
            Response::Continue { .. } => Ok(Got::Continue),
            Response::MailboxData(MailboxDatum::Exists(n)) => {
                self.exists = Some(*n);
                Ok(Got::Changed)
            }
            Response::Expunge(_) | Response::Vanished { earlier: false, .. } if what == "IDLE" => Ok(Got::Changed),
            Response::Data { status: Status::Bye, information, .. } => {
                self.broken = true;
                Err(Error::new(
                    ErrorKind::Network,
                    format!("{}: the server closed the session: {}", self.host, information.as_deref().unwrap_or("")),
                ))
            }
            other => Ok(Got::Other(f(other))),
        }
    }

    fn status_error(&self, what: &str, status: &Status, info: Option<&str>) -> Error {
        let info = info.unwrap_or("").trim();
        match status {
            Status::No => {
                Error::new(ErrorKind::Protocol, format!("{}: {what} was refused by the server: {info}", self.host))
            }
            Status::Bad => Error::new(
                ErrorKind::Protocol,
                format!("{}: the server called {what} a bad command: {info}", self.host),
            ),
            other => Error::new(ErrorKind::Protocol, format!("{}: {what} ended with {other:?}: {info}", self.host)),
        }
    }

    /// Run one command; untagged responses go to `f`. A tagged NO/BAD is an error.
    pub async fn run<F>(&mut self, cmd: &str, mut f: F) -> Result<()>
    where
        F: FnMut(&Response<'_>),
    {
        let what = cmd.split(' ').take(2).collect::<Vec<_>>().join(" ");
        let id = self.send(cmd).await?;
        loop {
            if let Got::Done { tag, result } = self.read_with(&what, self.t.io, &mut f).await? {
                if tag == id {
                    return result;
                }
            }
        }
    }

    /// LOGOUT politely (bounded); errors are ignored, the connection is closed either way.
    pub async fn logout(mut self) {
        if !self.broken {
            let _ = tokio::time::timeout(Duration::from_secs(2), self.run("LOGOUT", |_| {})).await;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_escapes_and_refuses_line_breaks() {
        assert_eq!(quote("a \"b\" \\c").unwrap(), "\"a \\\"b\\\" \\\\c\"");
        assert!(quote("x\r\nA1 DELETE INBOX").is_err());
    }
}
