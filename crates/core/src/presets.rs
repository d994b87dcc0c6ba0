//! Known providers, used offline when autoconfiguration finds nothing.

use serde::Serialize;

use crate::account::Security;

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServerSettings {
    pub host: String,
    pub port: u16,
    pub security: Security,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProviderSettings {
    /// Where these came from: "preset:gmail", "autoconfig:https://…", "guess".
    pub source: String,
    pub display_name: String,
    pub imap: ServerSettings,
    pub smtp: ServerSettings,
    /// How the user name is formed: the full address or the local part.
    pub username_is_email: bool,
    /// The provider files sent mail itself (no IMAP APPEND after sending).
    pub server_saves_sent: bool,
    /// A note for the user (app passwords and the like).
    pub note: Option<String>,
}

struct Preset {
    id: &'static str,
    name: &'static str,
    domains: &'static [&'static str],
    imap: (&'static str, u16, Security),
    smtp: (&'static str, u16, Security),
    server_saves_sent: bool,
    note: Option<&'static str>,
}

const PRESETS: &[Preset] = &[
    Preset {
        id: "gmail",
        name: "Gmail",
        domains: &["gmail.com", "googlemail.com"],
        imap: ("imap.gmail.com", 993, Security::Tls),
        smtp: ("smtp.gmail.com", 465, Security::Tls),
        server_saves_sent: true,
        note: Some("Gmail needs an app password (Google Account → Security → App passwords) unless you use OAuth."),
    },
    Preset {
        id: "outlook",
        name: "Outlook / Office 365",
        domains: &["outlook.com", "hotmail.com", "live.com", "msn.com", "office365.com"],
        imap: ("outlook.office365.com", 993, Security::Tls),
        smtp: ("smtp.office365.com", 587, Security::Starttls),
        server_saves_sent: true,
        note: Some("Microsoft may require an app password or modern authentication for IMAP."),
    },
    Preset {
        id: "yahoo",
        name: "Yahoo Mail",
        domains: &["yahoo.com", "yahoo.co.uk", "yahoo.fr", "yahoo.it", "ymail.com", "rocketmail.com"],
        imap: ("imap.mail.yahoo.com", 993, Security::Tls),
        smtp: ("smtp.mail.yahoo.com", 465, Security::Tls),
        server_saves_sent: false,
        note: Some("Yahoo needs an app password (Account security → Generate app password)."),
    },
    Preset {
        id: "zoho",
        name: "Zoho Mail",
        domains: &["zoho.com", "zohomail.com"],
        imap: ("imap.zoho.com", 993, Security::Tls),
        smtp: ("smtp.zoho.com", 465, Security::Tls),
        server_saves_sent: false,
        note: None,
    },
    Preset {
        id: "icloud",
        name: "iCloud Mail",
        domains: &["icloud.com", "me.com", "mac.com"],
        imap: ("imap.mail.me.com", 993, Security::Tls),
        smtp: ("smtp.mail.me.com", 587, Security::Starttls),
        server_saves_sent: true,
        note: Some("iCloud needs an app-specific password (appleid.apple.com → Sign-In and Security)."),
    },
    Preset {
        id: "fastmail",
        name: "Fastmail",
        domains: &["fastmail.com", "fastmail.fm", "messagingengine.com"],
        imap: ("imap.fastmail.com", 993, Security::Tls),
        smtp: ("smtp.fastmail.com", 465, Security::Tls),
        server_saves_sent: false,
        note: Some("Fastmail needs an app password for IMAP/SMTP."),
    },
];

fn to_settings(p: &Preset) -> ProviderSettings {
    ProviderSettings {
        source: format!("preset:{}", p.id),
        display_name: p.name.to_string(),
        imap: ServerSettings { host: p.imap.0.into(), port: p.imap.1, security: p.imap.2 },
        smtp: ServerSettings { host: p.smtp.0.into(), port: p.smtp.1, security: p.smtp.2 },
        username_is_email: true,
        server_saves_sent: p.server_saves_sent,
        note: p.note.map(str::to_string),
    }
}

/// The preset for a provider id (`gmail`, `outlook`, …).
pub fn by_id(id: &str) -> Option<ProviderSettings> {
    PRESETS.iter().find(|p| p.id.eq_ignore_ascii_case(id)).map(to_settings)
}

/// The preset for an address's domain, if it is a known provider.
pub fn by_domain(domain: &str) -> Option<ProviderSettings> {
    let d = domain.to_ascii_lowercase();
    PRESETS.iter().find(|p| p.domains.contains(&d.as_str())).map(to_settings)
}

pub fn ids() -> Vec<&'static str> {
    PRESETS.iter().map(|p| p.id).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_domains_map_to_presets() {
        assert_eq!(by_domain("GMAIL.com").unwrap().imap.host, "imap.gmail.com");
        assert_eq!(by_domain("hotmail.com").unwrap().smtp.security, Security::Starttls);
        assert!(by_domain("example.test").is_none());
        for id in ids() {
            assert!(by_id(id).is_some());
        }
    }
}
