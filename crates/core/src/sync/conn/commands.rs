//! The IMAP commands sync sends, each read to its tagged status: LIST, SELECT, SEARCH, FETCH, STORE,
//! MOVE, EXPUNGE and IDLE.

use std::collections::{BTreeSet, VecDeque};
use std::time::Duration;

use async_imap::imap_proto::types::{AttributeValue, MailboxDatum, ResponseCode, StatusAttribute};
use async_imap::imap_proto::{RequestId, Response};

use super::{fetched_from, name_attr, quote, BatchSink, Conn, FlagListing, Got, ListEntry, Selected};
use crate::error::{Error, ErrorKind, Result};
use crate::sync::plan;

impl Conn {
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
}
