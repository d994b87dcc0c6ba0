//! IMAP commands for sync, run on an authenticated async-imap session but read by us: every tagged NO/BAD
//! is an error (async-imap does not check it for FETCH/SEARCH), every read has a timeout, VANISHED and
//! other untagged data are handled, and a connection that timed out or broke is never used again.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::time::Duration;

use async_imap::imap_proto::types::{
    AttributeValue, MailboxDatum, NameAttribute, ResponseCode, Status, StatusAttribute,
};
use async_imap::imap_proto::{RequestId, Response};

use super::plan;
use crate::error::{Error, ErrorKind, Result};
use crate::imap::{ImapSession, Timeouts};
use crate::time::parse_internal_date;

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

    /// ENABLE QRESYNC (RFC 7162); true when the server has it.
    pub async fn enable_qresync(&mut self) -> Result<bool> {
        if !self.has_cap("QRESYNC") {
            return Ok(false);
        }
        self.run("ENABLE QRESYNC", |_| {}).await?;
        Ok(true)
    }

    /// LIST every folder (with SPECIAL-USE attributes when offered). With LIST-STATUS and CONDSTORE the same
    /// round trip also brings each folder's UIDVALIDITY, UIDNEXT and HIGHESTMODSEQ, so unchanged folders need
    /// no SELECT at all.
    pub async fn list(&mut self) -> Result<Vec<ListEntry>> {
        let mut ret = Vec::new();
        if self.has_cap("SPECIAL-USE") {
            ret.push("SPECIAL-USE");
        }
        if self.has_cap("LIST-STATUS") && self.has_cap("CONDSTORE") {
            ret.push("STATUS (UIDVALIDITY UIDNEXT HIGHESTMODSEQ)");
        }
        let cmd = if ret.is_empty() {
            "LIST \"\" \"*\"".to_string()
        } else {
            format!("LIST \"\" \"*\" RETURN ({})", ret.join(" "))
        };
        let mut out = Vec::new();
        let mut statuses: Vec<(String, plan::Cursor)> = Vec::new();
        self.run(&cmd, |r| match r {
            Response::MailboxData(MailboxDatum::List { name_attributes, delimiter, name }) => {
                out.push(ListEntry {
                    name: name.to_string(),
                    delimiter: delimiter.as_ref().map(|d| d.to_string()),
                    attributes: name_attributes.iter().map(name_attr).collect(),
                    status: None,
                });
            }
            Response::MailboxData(MailboxDatum::Status { mailbox, status }) => {
                let mut c = plan::Cursor::default();
                let (mut has_uv, mut has_un) = (false, false);
                for a in status {
                    match a {
                        StatusAttribute::UidValidity(v) => (c.uidvalidity, has_uv) = (*v, true),
                        StatusAttribute::UidNext(v) => (c.uidnext, has_un) = (*v, true),
                        StatusAttribute::HighestModSeq(v) => c.highestmodseq = Some(*v),
                        _ => {}
                    }
                }
                if has_uv && has_un {
                    statuses.push((mailbox.to_string(), c));
                }
            }
            _ => {}
        })
        .await?;
        for (name, c) in statuses {
            if let Some(e) = out.iter_mut().find(|e| e.name == name) {
                e.status = Some(c);
            }
        }
        Ok(out)
    }

    /// SELECT a folder (with CONDSTORE when offered).
    pub async fn select(&mut self, name: &str) -> Result<Selected> {
        let cmd = if self.has_cap("CONDSTORE") {
            format!("SELECT {} (CONDSTORE)", quote(name)?)
        } else {
            format!("SELECT {}", quote(name)?)
        };
        self.exists = None;
        let mut s = Selected::default();
        self.run(&cmd, |r| {
            if let Response::Data { code: Some(code), .. } = r {
                match code {
                    ResponseCode::UidValidity(v) => s.uidvalidity = Some(*v),
                    ResponseCode::UidNext(v) => s.uidnext = Some(*v),
                    ResponseCode::HighestModSeq(v) => s.highestmodseq = Some(*v),
                    _ => {}
                }
            }
        })
        .await?;
        s.exists = self.exists.unwrap_or(0);
        Ok(s)
    }

    /// UID SEARCH; the answer of a failed search is an error, never "no messages".
    pub async fn uid_search(&mut self, criteria: &str) -> Result<BTreeSet<u32>> {
        let mut out = BTreeSet::new();
        self.run(&format!("UID SEARCH {criteria}"), |r| {
            if let Response::MailboxData(MailboxDatum::Search(v)) = r {
                out.extend(v.iter().copied());
            }
        })
        .await?;
        Ok(out)
    }

    /// Flags of `set` (optionally CHANGEDSINCE, with VANISHED under QRESYNC).
    pub async fn uid_fetch_flags(&mut self, set: &str, changedsince: Option<(u64, bool)>) -> Result<FlagListing> {
        let modifiers = match changedsince {
            Some((m, true)) => format!(" (CHANGEDSINCE {m} VANISHED)"),
            Some((m, false)) => format!(" (CHANGEDSINCE {m})"),
            None => String::new(),
        };
        let mut out = FlagListing::default();
        self.run(&format!("UID FETCH {set} (UID FLAGS){modifiers}"), |r| match r {
            Response::Fetch(_, attrs) => {
                let m = fetched_from(attrs);
                if m.uid > 0 {
                    out.flags.insert(m.uid, m.flags);
                }
            }
            Response::Vanished { uids, .. } => {
                for range in uids {
                    out.vanished.extend(range.clone());
                }
            }
            _ => {}
        })
        .await?;
        Ok(out)
    }

    /// Fetch messages by UID in chunks, keeping up to `depth` commands in flight; each message goes to `f`
    /// as it arrives. `headers_only` fetches just the header section.
    pub async fn uid_fetch_messages(
        &mut self,
        chunks: &[String],
        headers_only: bool,
        depth: usize,
        sink: &mut BatchSink,
    ) -> Result<()> {
        let items = if headers_only {
            "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER])"
        } else {
            "(UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[])"
        };
        let mut pending: VecDeque<RequestId> = VecDeque::new();
        let mut next = 0;
        while next < chunks.len() || !pending.is_empty() {
            while pending.len() < depth.max(1) && next < chunks.len() {
                let id = self.send(&format!("UID FETCH {} {items}", chunks[next])).await?;
                pending.push_back(id);
                next += 1;
            }
            let got = self
                .read_with("UID FETCH", self.t.io, |r| match r {
                    Response::Fetch(_, attrs) => {
                        let has_body = attrs.iter().any(|a| {
                            matches!(
                                a,
                                AttributeValue::BodySection { data: Some(_), .. } | AttributeValue::Rfc822(Some(_))
                            )
                        });
                        // A FETCH without the body is an unsolicited flag update; the next sync sees it.
                        Some(fetched_from(attrs)).filter(|m| has_body && m.uid > 0)
                    }
                    _ => None,
                })
                .await?;
            match got {
                Got::Done { tag, result } => {
                    pending.retain(|t| *t != tag);
                    result?;
                }
                Got::Other(Some(m)) => sink.push(m).await?,
                _ => {}
            }
        }
        Ok(())
    }

    pub async fn uid_store(&mut self, set: &str, op: &str, flags: &str) -> Result<()> {
        self.run(&format!("UID STORE {set} {op}FLAGS.SILENT ({flags})"), |_| {}).await
    }

    /// Move messages: MOVE when offered, else COPY + \Deleted + UID EXPUNGE (UIDPLUS) or EXPUNGE.
    pub async fn uid_move(&mut self, set: &str, dest: &str) -> Result<()> {
        let dest = quote(dest)?;
        if self.has_cap("MOVE") {
            return self.run(&format!("UID MOVE {set} {dest}"), |_| {}).await;
        }
        self.run(&format!("UID COPY {set} {dest}"), |_| {}).await?;
        self.uid_store(set, "+", "\\Deleted").await?;
        self.uid_expunge(set).await
    }

    pub async fn uid_expunge(&mut self, set: &str) -> Result<()> {
        if self.has_cap("UIDPLUS") {
            self.run(&format!("UID EXPUNGE {set}"), |_| {}).await
        } else {
            self.run("EXPUNGE", |_| {}).await
        }
    }

    /// IDLE until the server reports a change, `max` passes (keepalive), or `stop` fires.
    /// Returns true when something changed.
    pub async fn idle(&mut self, max: Duration, stop: impl std::future::Future<Output = ()>) -> Result<bool> {
        let id = self.send("IDLE").await?;
        loop {
            match self.read_with("IDLE", self.t.io, |_| ()).await? {
                Got::Continue => break,
                Got::Done { tag, result } if tag == id => {
                    result?;
                    return Err(Error::new(ErrorKind::Protocol, format!("{}: IDLE ended at once", self.host)));
                }
                _ => {}
            }
        }
        let mut changed = false;
        tokio::pin!(stop);
        let deadline = tokio::time::Instant::now() + max;
        while !changed {
            let wait = deadline.saturating_duration_since(tokio::time::Instant::now());
            // Waiting for data is cancelled by the keepalive or stop; async-imap keeps partial reads buffered.
            let read = tokio::time::timeout(wait, self.read_with("IDLE", max + self.t.io, |_| ()));
            tokio::select! {
                _ = &mut stop => break,
                r = read => match r {
                    Err(_) => break,
                    Ok(got) => changed = matches!(got?, Got::Changed),
                },
            }
        }
        match tokio::time::timeout(self.t.io, self.session.run_command_untagged("DONE")).await {
            Ok(Ok(())) => {}
            _ => {
                self.broken = true;
                return Err(Error::new(ErrorKind::Network, format!("{}: ending IDLE failed", self.host)));
            }
        }
        loop {
            match self.read_with("IDLE", self.t.io, |_| ()).await? {
                Got::Done { tag, result } if tag == id => {
                    result?;
                    return Ok(changed);
                }
                Got::Changed => changed = true,
                _ => {}
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
