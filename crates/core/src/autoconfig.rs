//! Autoconfiguration from the address's domain: Mozilla-style autoconfig XML (the provider's own
//! autoconfig host, its well-known URL, then Thunderbird's ISPDB), with the presets as offline fallback.

use std::time::Duration;

use quick_xml::events::Event;
use quick_xml::Reader;

use crate::account::Security;
use crate::error::{Error, Result};
use crate::presets::{self, ProviderSettings, ServerSettings};

/// Parse a `config-v1.1.xml` document; the first IMAP and first SMTP server win.
pub fn parse_config(xml: &str, source: &str) -> Result<ProviderSettings> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().trim_text(true);
    #[derive(Default, Clone)]
    struct Srv {
        host: String,
        port: u16,
        socket: String,
        username: String,
    }
    let mut imap: Option<Srv> = None;
    let mut smtp: Option<Srv> = None;
    let mut display_name = String::new();
    let mut current: Option<(&'static str, Srv)> = None;
    let mut path: Vec<String> = Vec::new();
    loop {
        match reader.read_event() {
            Err(e) => return Err(Error::config(format!("autoconfig XML from {source} is malformed: {e}"))),
            Ok(Event::Eof) => break,
            Ok(Event::Start(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
                if name == "incomingServer" || name == "outgoingServer" {
                    let ty = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.as_ref() == b"type")
                        .map(|a| String::from_utf8_lossy(&a.value).to_ascii_lowercase())
                        .unwrap_or_default();
                    current = match (name.as_str(), ty.as_str()) {
                        ("incomingServer", "imap") if imap.is_none() => Some(("imap", Srv::default())),
                        ("outgoingServer", "smtp") if smtp.is_none() => Some(("smtp", Srv::default())),
                        _ => None,
                    };
                }
                path.push(name);
            }
            Ok(Event::End(e)) => {
                let name = String::from_utf8_lossy(e.local_name().as_ref()).to_string();
                if name == "incomingServer" || name == "outgoingServer" {
                    if let Some((kind, srv)) = current.take() {
                        if kind == "imap" {
                            imap = Some(srv);
                        } else {
                            smtp = Some(srv);
                        }
                    }
                }
                path.pop();
            }
            Ok(Event::Text(t)) => {
                let text = t.decode().map(|c| c.to_string()).unwrap_or_default();
                let leaf = path.last().map(String::as_str).unwrap_or("");
                if let Some((_, srv)) = current.as_mut() {
                    match leaf {
                        "hostname" => srv.host = text,
                        "port" => srv.port = text.trim().parse().unwrap_or(0),
                        "socketType" => srv.socket = text,
                        "username" => srv.username = text,
                        _ => {}
                    }
                } else if leaf == "displayName" && display_name.is_empty() {
                    display_name = text;
                }
            }
            _ => {}
        }
    }
    let sec = |s: &str| match s.to_ascii_uppercase().as_str() {
        "SSL" | "TLS" => Security::Tls,
        "STARTTLS" => Security::Starttls,
        _ => Security::None,
    };
    let (Some(i), Some(s)) = (imap, smtp) else {
        return Err(Error::config(format!("autoconfig from {source} has no IMAP and SMTP server")));
    };
    if i.host.is_empty() || s.host.is_empty() || i.port == 0 || s.port == 0 {
        return Err(Error::config(format!("autoconfig from {source} is incomplete")));
    }
    Ok(ProviderSettings {
        source: format!("autoconfig:{source}"),
        display_name,
        imap: ServerSettings { host: i.host, port: i.port, security: sec(&i.socket) },
        smtp: ServerSettings { host: s.host, port: s.port, security: sec(&s.socket) },
        username_is_email: i.username.contains("%EMAILADDRESS%"),
        server_saves_sent: false,
        note: None,
    })
}

/// The URLs tried, in order, for `email`.
pub fn candidate_urls(email: &str) -> Result<Vec<String>> {
    let domain = email
        .rsplit_once('@')
        .map(|(_, d)| d.to_ascii_lowercase())
        .filter(|d| !d.is_empty() && d.chars().all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-'))
        .ok_or_else(|| Error::config(format!("'{}' is not an email address", email.escape_debug())))?;
    let enc: String = email
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-._".contains(&b) {
                (b as char).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect();
    Ok(vec![
        format!("https://autoconfig.{domain}/mail/config-v1.1.xml?emailaddress={enc}"),
        format!("https://{domain}/.well-known/autoconfig/mail/config-v1.1.xml?emailaddress={enc}"),
        format!("https://autoconfig.thunderbird.net/v1.1/{domain}"),
    ])
}

/// Find settings for `email`: a preset for well-known providers, else autoconfig over HTTPS, else a guess
/// (`imap.<domain>` / `smtp.<domain>`) that the connection test will confirm or reject.
pub async fn discover(email: &str, timeout: Duration) -> Result<ProviderSettings> {
    let domain = email.rsplit_once('@').map(|(_, d)| d.to_string()).unwrap_or_default();
    if let Some(p) = presets::by_domain(&domain) {
        return Ok(p);
    }
    for url in candidate_urls(email)? {
        let u = url.clone();
        let fetched = tokio::task::spawn_blocking(move || fetch(&u, timeout)).await;
        if let Ok(Ok(xml)) = fetched {
            if let Ok(p) = parse_config(&xml, &url) {
                return Ok(p);
            }
        }
    }
    Ok(ProviderSettings {
        source: "guess".into(),
        display_name: domain.clone(),
        imap: ServerSettings { host: format!("imap.{domain}"), port: 993, security: Security::Tls },
        smtp: ServerSettings { host: format!("smtp.{domain}"), port: 465, security: Security::Tls },
        username_is_email: true,
        server_saves_sent: false,
        note: Some("No configuration was published for this domain; these are guesses — test the connection.".into()),
    })
}

fn fetch(url: &str, timeout: Duration) -> std::result::Result<String, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder().timeout_global(Some(timeout)).build().into();
    let mut resp = agent.get(url).call().map_err(|e| e.to_string())?;
    resp.body_mut().with_config().limit(256 * 1024).read_to_string().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = r#"<?xml version="1.0"?>
<clientConfig version="1.1">
  <emailProvider id="example.com">
    <domain>example.com</domain>
    <displayName>Example Mail</displayName>
    <incomingServer type="pop3"><hostname>pop.example.com</hostname><port>995</port><socketType>SSL</socketType></incomingServer>
    <incomingServer type="imap">
      <hostname>imap.example.com</hostname><port>993</port><socketType>SSL</socketType>
      <username>%EMAILADDRESS%</username><authentication>password-cleartext</authentication>
    </incomingServer>
    <outgoingServer type="smtp">
      <hostname>smtp.example.com</hostname><port>587</port><socketType>STARTTLS</socketType>
      <username>%EMAILADDRESS%</username>
    </outgoingServer>
  </emailProvider>
</clientConfig>"#;

    #[test]
    fn autoconfig_xml_gives_imap_and_smtp() {
        let p = parse_config(SAMPLE, "test").unwrap();
        assert_eq!(p.display_name, "Example Mail");
        assert_eq!((p.imap.host.as_str(), p.imap.port, p.imap.security), ("imap.example.com", 993, Security::Tls));
        assert_eq!((p.smtp.host.as_str(), p.smtp.port, p.smtp.security), ("smtp.example.com", 587, Security::Starttls));
        assert!(p.username_is_email);
    }

    #[test]
    fn malformed_autoconfig_is_an_error() {
        assert!(parse_config("<clientConfig><incomingServer type=\"imap\">", "x").is_err());
        assert!(parse_config("<clientConfig></clientConfig>", "x").is_err());
    }

    #[test]
    fn urls_are_escaped() {
        let urls = candidate_urls("a+b@Example.com").unwrap();
        assert!(urls[0].starts_with("https://autoconfig.example.com/"));
        assert!(urls[0].ends_with("a%2Bb%40Example.com"));
        assert!(candidate_urls("nobody").is_err());
        assert!(candidate_urls("x@evil/../com").is_err());
    }

    #[tokio::test]
    async fn known_provider_uses_the_preset_without_network() {
        let p = discover("someone@gmail.com", Duration::from_millis(1)).await.unwrap();
        assert_eq!(p.source, "preset:gmail");
    }
}
