//! Opening an authenticated IMAP session: TLS / STARTTLS / plain, with timeouts and precise errors.

use std::time::Duration;

use async_imap::{Client, Session};

use crate::account::{Account, Security};
use crate::error::{Error, ErrorKind, Result, Sensitive};
use crate::net::{self, BoxStream, TlsTrust};

pub type ImapSession = Session<BoxStream>;

/// Timeouts for one IMAP connection.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub connect: Duration,
    pub io: Duration,
}

impl Default for Timeouts {
    fn default() -> Self {
        Self { connect: net::CONNECT_TIMEOUT, io: net::IO_TIMEOUT }
    }
}

pub fn trust_for(account: &Account) -> TlsTrust {
    TlsTrust { extra_ca_pem: account.trust_ca_pem.clone(), pinned_sha256: account.pinned_cert_sha256.clone() }
}

/// async-imap renders NO/BAD texts as `code: None, info: Some("…")`; keep only the server's words.
fn server_text(t: &str) -> String {
    match t.split_once("info: Some(\"") {
        Some((_, rest)) => rest.trim_end_matches(")").trim_end_matches('"').replace("\\\"", "\""),
        None => t.trim().to_string(),
    }
}

fn imap_err(host: &str, what: &str, e: async_imap::error::Error) -> Error {
    use async_imap::error::Error as E;
    match e {
        E::Io(io) => net::io_error(host, what, &io),
        E::ConnectionLost => Error::new(ErrorKind::Network, format!("{host}: the connection was lost during {what}")),
        E::No(t) => {
            Error::new(ErrorKind::Protocol, format!("{host}: {what} was refused by the server: {}", server_text(&t)))
        }
        E::Bad(t) => Error::new(
            ErrorKind::Protocol,
            format!("{host}: the server called {what} a bad command: {}", server_text(&t)),
        ),
        other => Error::new(ErrorKind::Protocol, format!("{host}: {what} failed: {other}")),
    }
}

/// Connect and log in. The password is only sent over TLS, or in clear to loopback / an insecure account.
pub async fn connect(account: &Account, password: &Sensitive<String>, t: Timeouts) -> Result<ImapSession> {
    let ep = &account.imap;
    account.check_cleartext_allowed(ep)?;
    let host = ep.host.as_str();
    let trust = trust_for(account);
    let tcp = net::connect_tcp(host, ep.port, t.connect).await?;
    let stream: BoxStream = match ep.security {
        Security::Tls => Box::new(net::tls_handshake(tcp, host, &trust, t.connect).await?),
        Security::None => Box::new(tcp),
        Security::Starttls => {
            let mut client = Client::new(tcp);
            read_greeting(&mut client, host, t).await?;
            net::with_timeout(t.io, host, "STARTTLS", async {
                client.run_command_and_check_ok("STARTTLS", None).await.map_err(|e| match e {
                    async_imap::error::Error::No(_) | async_imap::error::Error::Bad(_) => Error::new(
                        ErrorKind::Tls,
                        format!("{host} does not offer STARTTLS; choose tls (port 993) or check the port"),
                    ),
                    e => imap_err(host, "STARTTLS", e),
                })
            })
            .await?;
            let tcp = client.into_inner();
            Box::new(net::tls_handshake(tcp, host, &trust, t.connect).await?)
        }
    };
    let mut client = Client::new(stream);
    if ep.security != Security::Starttls {
        read_greeting(&mut client, host, t).await?;
    }
    let login = tokio::time::timeout(t.io, client.login(&account.username, password.expose())).await;
    match login {
        Err(_) => {
            Err(Error::new(ErrorKind::Timeout, format!("{host}: LOGIN got no answer within {} s", t.io.as_secs())))
        }
        Ok(Ok(session)) => Ok(session),
        Ok(Err((async_imap::error::Error::No(text), _))) => Err(Error::new(
            ErrorKind::Auth,
            format!(
                "IMAP login to {host} failed: the server rejected the user name or password for {} ({}). Check \
                 them, or use an app password if your provider requires one.",
                account.username,
                server_text(&text)
            ),
        )),
        Ok(Err((e, _))) => Err(imap_err(host, "LOGIN", e)),
    }
}

async fn read_greeting<S>(client: &mut Client<S>, host: &str, t: Timeouts) -> Result<()>
where
    S: tokio::io::AsyncRead + tokio::io::AsyncWrite + Unpin + Send + std::fmt::Debug,
{
    match tokio::time::timeout(t.io, client.read_response()).await {
        Err(_) => Err(Error::new(
            ErrorKind::Timeout,
            format!("{host} sent no IMAP greeting within {} s (is this an IMAP port?)", t.io.as_secs()),
        )),
        Ok(Ok(None)) => Err(Error::new(
            ErrorKind::Protocol,
            format!("{host} closed the connection before the IMAP greeting (is this an IMAP port?)"),
        )),
        Ok(Err(e)) => Err(net::io_error(host, "reading the greeting", &e)),
        Ok(Ok(Some(_))) => Ok(()),
    }
}

/// Capabilities, read again after LOGIN (servers announce more once authenticated).
pub async fn capabilities(session: &mut ImapSession, host: &str, t: Timeouts) -> Result<Vec<String>> {
    let caps = net::with_timeout(t.io, host, "CAPABILITY", async {
        session.capabilities().await.map_err(|e| imap_err(host, "CAPABILITY", e))
    })
    .await?;
    let mut out: Vec<String> = caps
        .iter()
        .map(|c| match c {
            async_imap::types::Capability::Imap4rev1 => "IMAP4rev1".to_string(),
            async_imap::types::Capability::Auth(a) => format!("AUTH={a}"),
            async_imap::types::Capability::Atom(a) => a.to_string(),
        })
        .collect();
    out.sort();
    Ok(out)
}
