//! A minimal SMTP dialogue (greeting, EHLO, STARTTLS, AUTH) for the connection test, so every
//! failure can be named precisely. Sending itself goes through lettre.

use tokio::io::{AsyncBufReadExt, AsyncRead, AsyncWrite, AsyncWriteExt, BufReader};

use crate::account::{Account, Security};
use crate::error::{Error, ErrorKind, Result, Sensitive};
use crate::imap::{trust_for, Timeouts};
use crate::net::{self, BoxStream};

struct Conn {
    io: BufReader<BoxStream>,
    host: String,
    t: Timeouts,
}

/// One SMTP reply: the code and the text lines.
struct Reply {
    code: u16,
    lines: Vec<String>,
}

impl Reply {
    fn text(&self) -> String {
        self.lines.join(" ")
    }
}

impl Conn {
    async fn reply(&mut self, what: &str) -> Result<Reply> {
        let host = self.host.clone();
        let io = &mut self.io;
        net::with_timeout(self.t.io, &host, what, async {
            let mut lines = Vec::new();
            loop {
                let mut line = String::new();
                let n = io
                    .read_line(&mut line)
                    .await
                    .map_err(|e| net::io_error(&host, what, &e))?;
                if n == 0 {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!("{host} closed the connection during {what}"),
                    ));
                }
                let line = line.trim_end();
                if line.len() < 3 || !line.is_char_boundary(3) {
                    return Err(Error::new(
                        ErrorKind::Protocol,
                        format!(
                            "{host} is not speaking SMTP (got '{}')",
                            line.escape_debug()
                        ),
                    ));
                }
                let code: u16 = line[..3].parse().map_err(|_| {
                    Error::new(
                        ErrorKind::Protocol,
                        format!(
                            "{host} is not speaking SMTP (got '{}')",
                            line.escape_debug()
                        ),
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

    async fn send(&mut self, line: &str, what: &str) -> Result<Reply> {
        let host = self.host.clone();
        net::with_timeout(self.t.io, &host, what, async {
            let w = self.io.get_mut();
            w.write_all(line.as_bytes())
                .await
                .map_err(|e| net::io_error(&host, what, &e))?;
            w.write_all(b"\r\n")
                .await
                .map_err(|e| net::io_error(&host, what, &e))?;
            w.flush().await.map_err(|e| net::io_error(&host, what, &e))
        })
        .await?;
        self.reply(what).await
    }
}

async fn open<S: AsyncRead + AsyncWrite + Unpin + Send + Sync + std::fmt::Debug + 'static>(
    s: S,
    host: &str,
    t: Timeouts,
) -> Conn {
    Conn {
        io: BufReader::new(Box::new(s) as BoxStream),
        host: host.to_string(),
        t,
    }
}

/// Connect to the account's SMTP server and authenticate, without sending anything.
pub async fn test_login(
    account: &Account,
    password: &Sensitive<String>,
    t: Timeouts,
) -> Result<Vec<String>> {
    let ep = &account.smtp;
    account.check_cleartext_allowed(ep)?;
    let host = ep.host.as_str();
    let trust = trust_for(account);
    let tcp = net::connect_tcp(host, ep.port, t.connect).await?;
    let mut c = match ep.security {
        Security::Tls => {
            open(
                net::tls_handshake(tcp, host, &trust, t.connect).await?,
                host,
                t,
            )
            .await
        }
        _ => open(tcp, host, t).await,
    };
    let greet = c.reply("the greeting").await?;
    if greet.code != 220 {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!(
                "{host} did not greet as an SMTP server: {} {}",
                greet.code,
                greet.text()
            ),
        ));
    }
    let mut ehlo = c.send("EHLO dealbox.localdomain", "EHLO").await?;
    if ep.security == Security::Starttls {
        if !ehlo
            .lines
            .iter()
            .any(|l| l.eq_ignore_ascii_case("STARTTLS"))
        {
            return Err(Error::new(
                ErrorKind::Tls,
                format!("{host} does not offer STARTTLS; choose tls (port 465) or check the port"),
            ));
        }
        let r = c.send("STARTTLS", "STARTTLS").await?;
        if r.code != 220 {
            return Err(Error::new(
                ErrorKind::Tls,
                format!("{host} refused STARTTLS: {} {}", r.code, r.text()),
            ));
        }
        let inner = c.io.into_inner();
        let tls = net::tls_handshake(inner, host, &trust, t.connect).await?;
        c = open(tls, host, t).await;
        ehlo = c.send("EHLO dealbox.localdomain", "EHLO").await?;
    }
    let auth_line = ehlo
        .lines
        .iter()
        .find(|l| l.to_ascii_uppercase().starts_with("AUTH"))
        .cloned();
    let Some(auth_line) = auth_line else {
        return Err(Error::new(ErrorKind::Protocol, format!("{host} offers no login (AUTH) on this port; the submission port is usually 465 or 587")));
    };
    let mechs: Vec<String> = auth_line
        .split_whitespace()
        .skip(1)
        .map(|m| m.to_ascii_uppercase())
        .collect();
    let r = if mechs.iter().any(|m| m == "PLAIN") {
        let token =
            base64_encode(format!("\0{}\0{}", account.username, password.expose()).as_bytes());
        c.send(&format!("AUTH PLAIN {token}"), "AUTH").await?
    } else if mechs.iter().any(|m| m == "LOGIN") {
        c.send("AUTH LOGIN", "AUTH").await?;
        c.send(&base64_encode(account.username.as_bytes()), "AUTH")
            .await?;
        c.send(&base64_encode(password.expose().as_bytes()), "AUTH")
            .await?
    } else {
        return Err(Error::new(
            ErrorKind::Protocol,
            format!("{host} offers only {auth_line}; Dealbox supports PLAIN and LOGIN"),
        ));
    };
    let _ = c.send("QUIT", "QUIT").await;
    match r.code {
        235 => Ok(mechs),
        535 | 534 | 530 => Err(Error::new(
            ErrorKind::Auth,
            format!(
                "SMTP login to {host} failed: the server rejected the user name or password for {} ({} {}). Check \
                 them, or use an app password if your provider requires one.",
                account.username,
                r.code,
                r.text()
            ),
        )),
        code => Err(Error::new(ErrorKind::Protocol, format!("{host}: AUTH failed: {code} {}", r.text()))),
    }
}

fn base64_encode(data: &[u8]) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(data.len().div_ceil(3) * 4);
    for chunk in data.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        out.push(T[(n >> 18) as usize & 63] as char);
        out.push(T[(n >> 12) as usize & 63] as char);
        out.push(if chunk.len() > 1 {
            T[(n >> 6) as usize & 63] as char
        } else {
            '='
        });
        out.push(if chunk.len() > 2 {
            T[n as usize & 63] as char
        } else {
            '='
        });
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (i, o) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(super::base64_encode(i.as_bytes()), o);
        }
    }
}
