//! Our SMTP client: greeting, EHLO, STARTTLS, AUTH, then MAIL/RCPT/DATA with a timeout on every step.
//!
//! Why not lettre's transport: its async timeout covers only the connect, one bad recipient aborts the
//! whole send without telling which, and it cannot use our certificate verifier (pinned exceptions).
//! lettre still builds the messages (see `compose`).

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use crate::account::{Account, Security};
use crate::error::{Error, ErrorKind, Result, Sensitive};
use crate::imap::{trust_for, Timeouts};
use crate::net::{self, BoxStream};

/// One SMTP reply: the code and its text lines.
#[derive(Debug, Clone)]
pub struct Reply {
    pub code: u16,
    pub lines: Vec<String>,
}

impl Reply {
    pub fn text(&self) -> String {
        format!("{} {}", self.code, self.lines.join(" "))
    }
    fn is_transient(&self) -> bool {
        (400..500).contains(&self.code)
    }
}

/// An authenticated SMTP connection.
pub struct SmtpConn {
    io: BufReader<BoxStream>,
    host: String,
    t: Timeouts,
    /// The server's SIZE limit, if it announced one.
    pub size_limit: Option<u64>,
    /// The AUTH mechanisms offered.
    pub auth_mechs: Vec<String>,
}

/// How a send attempt ended.
#[derive(Debug)]
pub enum SendOutcome {
    /// The server took the message for every recipient.
    Sent(Reply),
    /// Try again later (4xx, network trouble before the message body was complete).
    Transient(String),
    /// Will not work as is (5xx, a rejected recipient): the user must fix something.
    Permanent(String),
    /// We lost the server after sending the body: it may or may not have taken it.
    Unknown(String),
}

fn boxed<S: AsyncRead + AsyncWrite + Unpin + Send + Sync + std::fmt::Debug + 'static>(s: S) -> BufReader<BoxStream> {
    BufReader::new(Box::new(s) as BoxStream)
}

impl SmtpConn {
    async fn reply(&mut self, what: &str) -> Result<Reply> {
        let host = self.host.clone();
        let io = &mut self.io;
        net::with_timeout(self.t.io, &host, what, async {
            let mut lines = Vec::new();
            loop {
                let mut line = String::new();
                let n = io.read_line(&mut line).await.map_err(|e| net::io_error(&host, what, &e))?;
                if n == 0 {
                    return Err(Error::new(ErrorKind::Network, format!("{host} closed the connection during {what}")));
                }
                let line = line.trim_end();
                let code = line.get(..3).and_then(|c| c.parse::<u16>().ok()).ok_or_else(|| {
                    Error::new(
                        ErrorKind::Protocol,
                        format!("{host} is not speaking SMTP (got '{}')", line.escape_debug()),
                    )
                })?;
                let more = line.as_bytes().get(3) == Some(&b'-');
                lines.push(line.get(4..).unwrap_or("").to_string());
                if !more {
                    return Ok(Reply { code, lines });
                }
            }
        })
        .await
    }

    async fn write(&mut self, data: &[u8], what: &str) -> Result<()> {
        let host = self.host.clone();
        let w = self.io.get_mut();
        net::with_timeout(self.t.io, &host, what, async {
            w.write_all(data).await.map_err(|e| net::io_error(&host, what, &e))?;
            w.flush().await.map_err(|e| net::io_error(&host, what, &e))
        })
        .await
    }

    async fn command(&mut self, line: &str, what: &str) -> Result<Reply> {
        let mut buf = Vec::with_capacity(line.len() + 2);
        buf.extend_from_slice(line.as_bytes());
        buf.extend_from_slice(b"\r\n");
        self.write(&buf, what).await?;
        self.reply(what).await
    }

    /// Connect, secure and authenticate. The password is only sent over TLS (or to loopback / an
    /// account explicitly marked insecure).
    pub async fn connect(account: &Account, password: &Sensitive<String>, t: Timeouts) -> Result<SmtpConn> {
        let ep = &account.smtp;
        account.check_cleartext_allowed(ep)?;
        let host = ep.host.as_str();
        let trust = trust_for(account);
        let tcp = net::connect_tcp(host, ep.port, t.connect).await?;
        let io = match ep.security {
            Security::Tls => boxed(net::tls_handshake(tcp, host, &trust, t.connect).await?),
            _ => boxed(tcp),
        };
        let mut c = SmtpConn { io, host: host.to_string(), t, size_limit: None, auth_mechs: vec![] };
        let greet = c.reply("the greeting").await?;
        if greet.code != 220 {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!("{host} did not greet as an SMTP server: {}", greet.text()),
            ));
        }
        let mut ehlo = c.command("EHLO dealbox.localdomain", "EHLO").await?;
        let offers_starttls = ehlo.lines.iter().any(|l| l.eq_ignore_ascii_case("STARTTLS"));
        if ep.security == Security::Starttls || (ep.security == Security::None && offers_starttls && !ep.is_loopback())
        {
            if !offers_starttls {
                return Err(Error::new(
                    ErrorKind::Tls,
                    format!("{host} does not offer STARTTLS; choose tls (port 465) or check the port"),
                ));
            }
            let r = c.command("STARTTLS", "STARTTLS").await?;
            if r.code != 220 {
                return Err(Error::new(ErrorKind::Tls, format!("{host} refused STARTTLS: {}", r.text())));
            }
            let inner = c.io.into_inner();
            c.io = boxed(net::tls_handshake(inner, host, &trust, t.connect).await?);
            ehlo = c.command("EHLO dealbox.localdomain", "EHLO").await?;
        }
        if ehlo.code != 250 {
            return Err(Error::new(ErrorKind::Protocol, format!("{host} refused EHLO: {}", ehlo.text())));
        }
        for l in &ehlo.lines {
            let up = l.to_ascii_uppercase();
            if let Some(rest) = up.strip_prefix("SIZE") {
                c.size_limit = rest.trim().parse::<u64>().ok().filter(|n| *n > 0);
            }
            if let Some(rest) = up.strip_prefix("AUTH") {
                c.auth_mechs = rest.split_whitespace().map(str::to_string).collect();
            }
        }
        c.login(account, password).await?;
        Ok(c)
    }

    async fn login(&mut self, account: &Account, password: &Sensitive<String>) -> Result<()> {
        let host = self.host.clone();
        if self.auth_mechs.is_empty() {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!("{host} offers no login (AUTH) on this port; the submission port is usually 465 or 587"),
            ));
        }
        let r = if self.auth_mechs.iter().any(|m| m == "PLAIN") {
            let token = base64_encode(format!("\0{}\0{}", account.username, password.expose()).as_bytes());
            self.command(&format!("AUTH PLAIN {token}"), "AUTH").await?
        } else if self.auth_mechs.iter().any(|m| m == "LOGIN") {
            self.command("AUTH LOGIN", "AUTH").await?;
            self.command(&base64_encode(account.username.as_bytes()), "AUTH").await?;
            self.command(&base64_encode(password.expose().as_bytes()), "AUTH").await?
        } else {
            return Err(Error::new(
                ErrorKind::Protocol,
                format!("{host} offers only AUTH {}; Dealbox supports PLAIN and LOGIN", self.auth_mechs.join(" ")),
            ));
        };
        match r.code {
            235 => Ok(()),
            535 | 534 | 530 => Err(Error::new(
                ErrorKind::Auth,
                format!(
                    "SMTP login to {host} failed: the server rejected the user name or password for {} ({}). Check \
                     them, or use an app password if your provider requires one.",
                    account.username,
                    r.text()
                ),
            )),
            _ => Err(Error::new(ErrorKind::Protocol, format!("{host}: AUTH failed: {}", r.text()))),
        }
    }

    /// Send one message to all `rcpts`. If the server rejects any recipient nothing is sent (RSET), so
    /// fixing the address and sending again can never deliver twice to the others.
    ///
    /// `before_final_dot` runs after the whole body is written and before the terminating "." that makes
    /// the server take the message: the caller records there that the outcome is about to become unknown.
    /// If it fails, the transaction is abandoned (the server discards an unterminated message).
    pub async fn send(
        &mut self,
        from: &str,
        rcpts: &[String],
        data: &[u8],
        before_final_dot: impl FnOnce() -> Result<()>,
    ) -> SendOutcome {
        match self.send_inner(from, rcpts, data, before_final_dot).await {
            Ok(o) => o,
            Err(e) => SendOutcome::Transient(e.message),
        }
    }

    async fn send_inner(
        &mut self,
        from: &str,
        rcpts: &[String],
        data: &[u8],
        before_final_dot: impl FnOnce() -> Result<()>,
    ) -> Result<SendOutcome> {
        let size = if self.size_limit.is_some() { format!(" SIZE={}", data.len()) } else { String::new() };
        let r = self.command(&format!("MAIL FROM:<{from}>{size}"), "MAIL FROM").await?;
        if r.code != 250 {
            let _ = self.command("RSET", "RSET").await;
            let msg = format!("the server refused the sender {from}: {}", r.text());
            return Ok(if r.is_transient() { SendOutcome::Transient(msg) } else { SendOutcome::Permanent(msg) });
        }
        let mut refused = Vec::new();
        let mut transient = false;
        for rcpt in rcpts {
            let r = self.command(&format!("RCPT TO:<{rcpt}>"), "RCPT TO").await?;
            if r.code != 250 && r.code != 251 {
                transient |= r.is_transient();
                refused.push(format!("{rcpt}: {}", r.text()));
            }
        }
        if !refused.is_empty() {
            let _ = self.command("RSET", "RSET").await;
            let msg = format!("the server refused recipient(s) — {}; nothing was sent", refused.join("; "));
            return Ok(if transient { SendOutcome::Transient(msg) } else { SendOutcome::Permanent(msg) });
        }
        let r = self.command("DATA", "DATA").await?;
        if r.code != 354 {
            let _ = self.command("RSET", "RSET").await;
            let msg = format!("the server refused DATA: {}", r.text());
            return Ok(if r.is_transient() { SendOutcome::Transient(msg) } else { SendOutcome::Permanent(msg) });
        }
        // Until the final "." the server keeps nothing: a failure here is transient.
        let body = dot_stuff(data);
        if let Err(e) = self.write(&body, "sending the message").await {
            return Ok(SendOutcome::Transient(e.message));
        }
        before_final_dot()?;
        // From here on, a lost connection means we cannot know whether the server took it.
        if let Err(e) = self.write(b".\r\n", "ending the message").await {
            return Ok(SendOutcome::Unknown(e.message));
        }
        match self.reply("the end of the message").await {
            Err(e) => Ok(SendOutcome::Unknown(e.message)),
            Ok(r) if r.code == 250 => Ok(SendOutcome::Sent(r)),
            Ok(r) if r.is_transient() => {
                Ok(SendOutcome::Transient(format!("the server deferred the message: {}", r.text())))
            }
            Ok(r) => Ok(SendOutcome::Permanent(format!("the server rejected the message: {}", r.text()))),
        }
    }

    pub async fn quit(mut self) {
        let _ = self.command("QUIT", "QUIT").await;
    }
}

/// Normalise line ends to CRLF and double leading dots (RFC 5321 4.5.2); ends with CRLF.
pub fn dot_stuff(data: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(data.len() + data.len() / 50 + 8);
    let mut at_line_start = true;
    let mut i = 0;
    while i < data.len() {
        let b = data[i];
        if at_line_start && b == b'.' {
            out.push(b'.');
        }
        match b {
            b'\r' if data.get(i + 1) == Some(&b'\n') => {
                out.extend_from_slice(b"\r\n");
                i += 1;
                at_line_start = true;
            }
            b'\n' | b'\r' => {
                out.extend_from_slice(b"\r\n");
                at_line_start = true;
            }
            _ => {
                out.push(b);
                at_line_start = false;
            }
        }
        i += 1;
    }
    if !out.ends_with(b"\r\n") {
        out.extend_from_slice(b"\r\n");
    }
    out
}

pub fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 { T[(n >> 6) as usize & 63] as char } else { '=' });
        out.push(if chunk.len() > 2 { T[n as usize & 63] as char } else { '=' });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foobar", "Zm9vYmFy")] {
            assert_eq!(base64_encode(i.as_bytes()), o);
        }
    }

    #[test]
    fn dot_stuffing_doubles_leading_dots_and_normalises_line_ends() {
        assert_eq!(dot_stuff(b".a\r\nb\n.\nc"), b"..a\r\nb\r\n..\r\nc\r\n".to_vec());
        assert_eq!(dot_stuff(b"x\r\n"), b"x\r\n".to_vec());
    }
}
