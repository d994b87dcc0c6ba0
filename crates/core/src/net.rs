//! Connections: DNS, TCP and TLS with timeouts, and errors that say precisely what failed.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{DigitallySignedStruct, SignatureScheme};
use sha2::{Digest, Sha256};
use tokio::io::{AsyncRead, AsyncWrite};
use tokio::net::TcpStream;
use tokio_rustls::client::TlsStream;

use crate::error::{Error, ErrorKind, Result};

/// Default timeout for connecting (DNS + TCP + TLS).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(20);
/// Default timeout for one protocol step (a command and its answer).
pub const IO_TIMEOUT: Duration = Duration::from_secs(60);

/// A stream the IMAP/SMTP clients can run over: plain TCP or TLS, boxed.
pub trait SessionStream: AsyncRead + AsyncWrite + Unpin + Send + Sync + std::fmt::Debug {}
impl<T: AsyncRead + AsyncWrite + Unpin + Send + Sync + std::fmt::Debug> SessionStream for T {}
pub type BoxStream = Box<dyn SessionStream>;

/// Which trust to apply to a server certificate.
#[derive(Debug, Clone, Default)]
pub struct TlsTrust {
    /// Extra CA certificates (PEM) trusted for this account only.
    pub extra_ca_pem: Option<String>,
    /// A user-confirmed exception: the SHA-256 of the exact server certificate to accept.
    pub pinned_sha256: Option<String>,
}

/// What we saw of the server certificate, to explain a failure or offer an exception.
#[derive(Debug, Clone, Default)]
pub struct SeenCert {
    pub sha256: String,
    pub subject: String,
}

pub fn parse_pem_certs(pem: &str) -> Result<Vec<CertificateDer<'static>>> {
    let mut reader = std::io::BufReader::new(pem.as_bytes());
    let certs: Vec<_> = rustls_pemfile::certs(&mut reader)
        .collect::<std::result::Result<_, _>>()
        .map_err(|e| Error::config(format!("the CA file is not valid PEM: {e}")))?;
    if certs.is_empty() {
        return Err(Error::config("the CA file holds no certificate (expected PEM, -----BEGIN CERTIFICATE-----)"));
    }
    Ok(certs)
}

fn provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

/// Root store: Mozilla's roots (webpki-roots), the OS roots where readable, plus the account's own CA.
fn roots(trust: &TlsTrust) -> Result<rustls::RootCertStore> {
    let mut roots = rustls::RootCertStore::empty();
    roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
    let native = rustls_native_certs::load_native_certs();
    for c in native.certs {
        let _ = roots.add(c);
    }
    if let Some(pem) = &trust.extra_ca_pem {
        for c in parse_pem_certs(pem)? {
            roots.add(c).map_err(|e| Error::config(format!("the CA certificate cannot be used: {e}")))?;
        }
    }
    Ok(roots)
}

/// Verifies normally; records the certificate; accepts a pinned certificate that fails normal checks.
#[derive(Debug)]
struct RecordingVerifier {
    inner: Arc<rustls::client::WebPkiServerVerifier>,
    pinned: Option<String>,
    seen: Arc<Mutex<Option<SeenCert>>>,
}

impl ServerCertVerifier for RecordingVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp: &[u8],
        now: UnixTime,
    ) -> std::result::Result<ServerCertVerified, rustls::Error> {
        let sha = hex::encode(Sha256::digest(end_entity.as_ref()));
        if let Ok(mut seen) = self.seen.lock() {
            *seen = Some(SeenCert { sha256: sha.clone(), subject: cert_subject(end_entity.as_ref()) });
        }
        match self.inner.verify_server_cert(end_entity, intermediates, server_name, ocsp, now) {
            Ok(v) => Ok(v),
            Err(e) => match &self.pinned {
                Some(pin) if pin.eq_ignore_ascii_case(&sha) => Ok(ServerCertVerified::assertion()),
                _ => Err(e),
            },
        }
    }
    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls12_signature(message, cert, dss)
    }
    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> std::result::Result<HandshakeSignatureValid, rustls::Error> {
        self.inner.verify_tls13_signature(message, cert, dss)
    }
    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.inner.supported_verify_schemes()
    }
}

/// A best-effort "CN=..." from a DER certificate, without a full X.509 parser: finds the last
/// commonName attribute (OID 2.5.4.3), which in a leaf certificate is the subject's.
pub fn cert_subject(der: &[u8]) -> String {
    const CN: [u8; 5] = [0x06, 0x03, 0x55, 0x04, 0x03];
    let mut found = None;
    let mut i = 0;
    while i + CN.len() + 2 < der.len() {
        if der[i..i + CN.len()] == CN {
            let tag_at = i + CN.len();
            let len = der[tag_at + 1] as usize;
            let start = tag_at + 2;
            if len < 0x80 && start + len <= der.len() {
                if let Ok(s) = std::str::from_utf8(&der[start..start + len]) {
                    found = Some(s.to_string());
                }
            }
        }
        i += 1;
    }
    found.map(|s| format!("CN={s}")).unwrap_or_else(|| "(no common name)".into())
}

/// A TLS connector for one connection plus a handle to the certificate it saw.
pub fn tls_connector(trust: &TlsTrust) -> Result<(tokio_rustls::TlsConnector, Arc<Mutex<Option<SeenCert>>>)> {
    let roots = Arc::new(roots(trust)?);
    let inner = rustls::client::WebPkiServerVerifier::builder_with_provider(roots, provider())
        .build()
        .map_err(|e| Error::internal(format!("TLS setup failed: {e}")))?;
    let seen = Arc::new(Mutex::new(None));
    let verifier = RecordingVerifier { inner, pinned: trust.pinned_sha256.clone(), seen: seen.clone() };
    let config = rustls::ClientConfig::builder_with_provider(provider())
        .with_safe_default_protocol_versions()
        .map_err(|e| Error::internal(format!("TLS setup failed: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    Ok((tokio_rustls::TlsConnector::from(Arc::new(config)), seen))
}

/// Resolve and connect over TCP, each step with a timeout and a precise error.
pub async fn connect_tcp(host: &str, port: u16, timeout: Duration) -> Result<TcpStream> {
    let addrs: Vec<_> = match tokio::time::timeout(timeout, tokio::net::lookup_host((host, port))).await {
        Err(_) => return Err(Error::new(ErrorKind::Timeout, format!("looking up {host} timed out"))),
        Ok(Err(e)) => {
            return Err(Error::new(
                ErrorKind::Dns,
                format!("cannot resolve the host name {host}: {e} (check the server name and your network)"),
            ))
        }
        Ok(Ok(a)) => a.collect(),
    };
    if addrs.is_empty() {
        return Err(Error::new(ErrorKind::Dns, format!("the host name {host} has no address")));
    }
    let mut last = None;
    for addr in addrs {
        match tokio::time::timeout(timeout, TcpStream::connect(addr)).await {
            Err(_) => {
                last = Some(Error::new(
                    ErrorKind::Timeout,
                    format!(
                        "connecting to {host}:{port} timed out after {} s (a firewall, or the wrong port?)",
                        timeout.as_secs()
                    ),
                ))
            }
            Ok(Err(e)) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
                last = Some(Error::new(
                    ErrorKind::Refused,
                    format!("{host}:{port} refused the connection (is the port right, and the server running?)"),
                ))
            }
            Ok(Err(e)) => last = Some(Error::new(ErrorKind::Network, format!("cannot connect to {host}:{port}: {e}"))),
            Ok(Ok(s)) => {
                let _ = s.set_nodelay(true);
                return Ok(s);
            }
        }
    }
    Err(last.unwrap_or_else(|| Error::new(ErrorKind::Network, format!("cannot connect to {host}:{port}"))))
}

/// Run the TLS handshake on `stream`; a certificate failure names the host, subject and fingerprint.
pub async fn tls_handshake<S>(stream: S, host: &str, trust: &TlsTrust, timeout: Duration) -> Result<TlsStream<S>>
where
    S: AsyncRead + AsyncWrite + Unpin,
{
    let (connector, seen) = tls_connector(trust)?;
    let name = ServerName::try_from(host.to_string())
        .map_err(|_| Error::config(format!("'{host}' is not a valid server name for TLS")))?;
    match tokio::time::timeout(timeout, connector.connect(name, stream)).await {
        Err(_) => Err(Error::new(ErrorKind::Timeout, format!("the TLS handshake with {host} timed out"))),
        Ok(Ok(s)) => Ok(s),
        Ok(Err(e)) => {
            let seen = seen.lock().ok().and_then(|s| s.clone());
            Err(tls_error(host, &e, seen.as_ref(), trust))
        }
    }
}

fn tls_error(host: &str, e: &std::io::Error, seen: Option<&SeenCert>, trust: &TlsTrust) -> Error {
    let inner = e.get_ref().and_then(|i| i.downcast_ref::<rustls::Error>());
    let cert_desc = seen
        .map(|c| format!(" (certificate subject {}, SHA-256 fingerprint {})", c.subject, c.sha256))
        .unwrap_or_default();
    match inner {
        Some(rustls::Error::InvalidCertificate(reason)) => {
            let why = match reason {
                rustls::CertificateError::UnknownIssuer => "is signed by an unknown certificate authority".to_string(),
                rustls::CertificateError::Expired => "has expired".into(),
                rustls::CertificateError::NotValidYet => "is not valid yet".into(),
                rustls::CertificateError::NotValidForName => {
                    format!("is not valid for the name {host}")
                }
                rustls::CertificateError::NotValidForNameContext { .. } => {
                    format!("is not valid for the name {host}")
                }
                rustls::CertificateError::Revoked => "has been revoked".into(),
                other => format!("was rejected ({other:?})"),
            };
            let changed = if trust.pinned_sha256.is_some() {
                " It differs from the certificate you accepted before: the certificate has CHANGED. Do not accept \
                 it unless your provider confirms the change."
            } else {
                "" // what to do is the hint (accept this exact certificate, or add the company's CA)
            };
            let e = Error::new(ErrorKind::Tls, format!("the TLS certificate of {host} {why}{cert_desc}.{changed}"));
            match seen {
                Some(c) if trust.pinned_sha256.is_none() => {
                    e.with_hint(crate::error::Hint::TrustCertificate { account: None, sha256: c.sha256.clone() })
                }
                _ => e,
            }
        }
        Some(other) => Error::new(ErrorKind::Tls, format!("TLS with {host} failed: {other}{cert_desc}")),
        None => Error::new(ErrorKind::Tls, format!("TLS with {host} failed: {e}")),
    }
}

/// Map an I/O error during a protocol step to a kind and message.
pub fn io_error(host: &str, what: &str, e: &std::io::Error) -> Error {
    match e.kind() {
        std::io::ErrorKind::TimedOut => Error::new(ErrorKind::Timeout, format!("{host}: {what} timed out")),
        _ => Error::new(ErrorKind::Network, format!("{host}: {what} failed: {e}")),
    }
}

/// Await `fut` for at most `d`, turning the elapsed case into a timeout error naming `what`.
pub async fn with_timeout<T, F>(d: Duration, host: &str, what: &str, fut: F) -> Result<T>
where
    F: std::future::Future<Output = Result<T>>,
{
    match tokio::time::timeout(d, fut).await {
        Ok(r) => r,
        Err(_) => Err(Error::new(
            ErrorKind::Timeout,
            format!("{host}: {what} got no answer within {} s; the connection was dropped", d.as_secs()),
        )),
    }
}
