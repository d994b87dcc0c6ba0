//! The pure parts of the CRM rules: why a message is skipped (with the exact words a user reads),
//! what counts as automated mail, free-mail domains and the key that identifies a message.

use std::fmt;

use sha2::{Digest, Sha256};

use crate::parse::Parsed;

/// Why a message was not linked. `Display` is the text stored in the outcome and shown to users.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SkipReason {
    LinkingOff,
    NoSender,
    /// Older than the processing window: the message's age and the window, in days.
    TooOld {
        age_days: i64,
        window_days: u32,
    },
    /// In Drafts, Trash or Spam (the folder's role).
    Folder(String),
    /// Sent by this mailbox's own address as an automatic notification, or to itself.
    OwnNotification,
    /// Sent by a team user or from a connected mailbox's address.
    FromOurUser,
    /// Outgoing mail whose every recipient is a team user or a connected mailbox.
    OnlyToOurUsers,
    /// The sender (or, for outgoing mail, every recipient) is on the exception list.
    Exception {
        entry: String,
        outgoing: bool,
    },
    /// A bounce, an auto-reply, a read receipt or another machine-sent message.
    Automated(Automated),
    /// Nothing matched and the mailbox creates nothing for new senders.
    NothingToCreate {
        address: String,
        outgoing: bool,
    },
}

impl fmt::Display for SkipReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SkipReason::LinkingOff => f.write_str("linking to the CRM is off for this mailbox"),
            SkipReason::NoSender => f.write_str("the email has no sender address"),
            SkipReason::TooOld { age_days, window_days } => write!(
                f,
                "older than the processing window: the email is {age_days} {} old and this mailbox processes \
                 emails of the last {window_days} {}",
                days(*age_days),
                days(*window_days as i64)
            ),
            SkipReason::Folder(role) => write!(f, "in the {} folder", folder_name(role)),
            SkipReason::OwnNotification => f.write_str("a notification sent by this mailbox's own address"),
            SkipReason::FromOurUser => f.write_str("sent by a user of this account"),
            SkipReason::OnlyToOurUsers => f.write_str("outgoing email addressed only to users of this account"),
            SkipReason::Exception { entry, outgoing: false } => {
                write!(f, "the sender is on the exception list (entry \"{entry}\")")
            }
            SkipReason::Exception { entry, outgoing: true } => {
                write!(f, "every recipient is on the exception list (entry \"{entry}\")")
            }
            SkipReason::Automated(a) => write!(f, "automated email ({a}): it never creates a lead"),
            SkipReason::NothingToCreate { address, outgoing } => write!(
                f,
                "no CRM record matches {address} and this mailbox creates nothing for new {}",
                if *outgoing { "recipients of outgoing email" } else { "senders of incoming email" }
            ),
        }
    }
}

fn days(n: i64) -> &'static str {
    if n == 1 {
        "day"
    } else {
        "days"
    }
}

fn folder_name(role: &str) -> &str {
    match role {
        "drafts" => "Drafts",
        "trash" => "Trash",
        "junk" | "spam" => "Spam",
        other => other,
    }
}

/// The message refused by "Save to CRM" (exact text from the product brief for our own users).
pub fn refusal(reason: &SkipReason) -> String {
    format!("The email does not match CRM rules: {reason}")
}

/// Whether a folder role keeps mail out of the CRM.
pub fn excluded_folder(role: Option<&str>) -> Option<&'static str> {
    match role.map(str::to_ascii_lowercase).as_deref() {
        Some("drafts") => Some("drafts"),
        Some("trash") => Some("trash"),
        Some("junk") | Some("spam") => Some("junk"),
        _ => None,
    }
}

/// Kinds of machine-sent mail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Automated {
    Bounce,
    AutoReply,
    ReadReceipt,
    Report,
    AutoSubmitted,
    Bulk,
    NoReply,
    ListRobot,
}

impl fmt::Display for Automated {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Automated::Bounce => "a bounce or delivery status notification",
            Automated::AutoReply => "an auto-reply",
            Automated::ReadReceipt => "a read receipt",
            Automated::Report => "an automatic report",
            Automated::AutoSubmitted => "marked Auto-Submitted",
            Automated::Bulk => "bulk mail",
            Automated::NoReply => "sent from a no-reply address",
            Automated::ListRobot => "sent by a mailing-list robot",
        })
    }
}

/// Subject prefixes of bounces (compared lower-case; most MTAs and Exchange use one of these).
const BOUNCE_PREFIXES: &[&str] = &[
    "undelivered mail returned to sender",
    "undeliverable:",
    "undeliverable mail",
    "delivery status notification",
    "delivery failure",
    "delivery has failed",
    "mail delivery failed",
    "mail delivery failure",
    "returned mail:",
    "failure notice",
    "message delivery failure",
    "nondeliverable mail",
    "non-delivery report",
    "unzustellbar:",
    "warning: could not send message",
    "delivery notification: delivery has failed",
];

/// Subject prefixes and suffixes of auto-replies. Only at the ends: "out of office" inside a subject is
/// often a person writing about their holiday.
const AUTOREPLY_PREFIXES: &[&str] = &[
    "out of office:",
    "out of office reply",
    "out of office autoreply",
    "automatic reply:",
    "auto reply:",
    "auto-reply:",
    "autoreply:",
    "auto:",
    "auto response:",
    "automatic response:",
    "abwesenheitsnotiz:",
    "automatische antwort:",
    "réponse automatique:",
    "respuesta automática:",
    "vacation reply",
];
const AUTOREPLY_SUFFIXES: &[&str] =
    &["(automatic response)", "(auto-reply)", "(autoreply)", "(out of office)", "[auto-reply]"];

/// Local parts of bounce senders, compared without '-', '_' and '.' (MAILER-DAEMON, post_master, …).
const BOUNCE_LOCALPARTS: &[&str] = &["mailerdaemon", "postmaster", "maildaemon", "mailerdeamon"];
/// Mailing-list robots (Mailman, Majordomo, fml, ezmlm): `list-request@`, `owner-list@`, `list-admin@`, …
const LIST_ROBOT_SUFFIXES: &[&str] = &["-request", "-owner", "-bounces", "-admin", "-ctl", "-help"];
const NOREPLY_LOCALPARTS: &[&str] =
    &["noreply", "no-reply", "no_reply", "donotreply", "do-not-reply", "do_not_reply", "bounce", "bounces"];

/// Machine-sent mail, by headers first (RFC 3834 Auto-Submitted, RFC 3464/8098 multipart/report,
/// Precedence, X-Autoreply, an empty Return-Path), then by the sender and the subject.
pub fn automated(p: &Parsed) -> Option<Automated> {
    if p.content_type == "multipart/report" {
        return Some(match p.report_type.as_deref() {
            Some("delivery-status") => Automated::Bounce,
            Some("disposition-notification") => Automated::ReadReceipt,
            _ => Automated::Report,
        });
    }
    if let Some(v) = &p.auto_submitted {
        let v = v.to_ascii_lowercase();
        if !v.trim().starts_with("no") {
            return Some(if v.contains("replied") { Automated::AutoReply } else { Automated::AutoSubmitted });
        }
    }
    if !p.auto_markers.is_empty() {
        if p.auto_markers.iter().any(|m| {
            let l = m.to_ascii_lowercase();
            l.starts_with("x-failed-recipients") || l.starts_with("return-path")
        }) {
            return Some(Automated::Bounce);
        }
        return Some(Automated::AutoReply);
    }
    if let Some(prec) = &p.precedence {
        match prec.trim().to_ascii_lowercase().as_str() {
            "auto_reply" | "auto-reply" => return Some(Automated::AutoReply),
            "bulk" | "junk" => return Some(Automated::Bulk),
            _ => {}
        }
    }
    let local = p.from.addr.rsplit_once('@').map(|(l, _)| l).unwrap_or(&p.from.addr);
    let local = local.to_ascii_lowercase();
    let squashed: String = local.chars().filter(|c| !matches!(c, '-' | '_' | '.')).collect();
    let name = p.from.name.to_ascii_lowercase();
    if BOUNCE_LOCALPARTS.contains(&squashed.as_str())
        || name.contains("mail delivery subsystem")
        || name.contains("mail delivery system")
        || name == "mailer-daemon"
    {
        return Some(Automated::Bounce);
    }
    let subject = p.subject.trim().to_lowercase();
    if BOUNCE_PREFIXES.iter().any(|s| subject.starts_with(s)) {
        return Some(Automated::Bounce);
    }
    if AUTOREPLY_PREFIXES.iter().any(|s| subject.starts_with(s))
        || AUTOREPLY_SUFFIXES.iter().any(|s| subject.ends_with(s))
    {
        return Some(Automated::AutoReply);
    }
    if subject.starts_with("read:") || subject.starts_with("read receipt") || subject.starts_with("gelesen:") {
        return Some(Automated::ReadReceipt);
    }
    if LIST_ROBOT_SUFFIXES.iter().any(|s| local.ends_with(s)) || local.starts_with("owner-") {
        return Some(Automated::ListRobot);
    }
    if NOREPLY_LOCALPARTS.contains(&local.as_str()) || local.starts_with("noreply") || local.starts_with("no-reply") {
        return Some(Automated::NoReply);
    }
    None
}

/// Free-mail providers: their domains never match a company.
const FREEMAIL: &[&str] = &[
    "gmail.com",
    "googlemail.com",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "passport.com",
    "ymail.com",
    "rocketmail.com",
    "aol.com",
    "aim.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "gmx.com",
    "gmx.net",
    "gmx.de",
    "gmx.at",
    "gmx.ch",
    "web.de",
    "mail.com",
    "email.com",
    "usa.com",
    "protonmail.com",
    "protonmail.ch",
    "proton.me",
    "pm.me",
    "tutanota.com",
    "tutanota.de",
    "tuta.io",
    "tuta.com",
    "zoho.com",
    "zohomail.com",
    "fastmail.com",
    "fastmail.fm",
    "hey.com",
    "yandex.ru",
    "yandex.com",
    "ya.ru",
    "mail.ru",
    "inbox.ru",
    "list.ru",
    "bk.ru",
    "rambler.ru",
    "ukr.net",
    "qq.com",
    "163.com",
    "126.com",
    "yeah.net",
    "sina.com",
    "sina.cn",
    "sohu.com",
    "aliyun.com",
    "naver.com",
    "daum.net",
    "hanmail.net",
    "t-online.de",
    "freenet.de",
    "posteo.de",
    "posteo.net",
    "mailbox.org",
    "orange.fr",
    "wanadoo.fr",
    "free.fr",
    "laposte.net",
    "sfr.fr",
    "libero.it",
    "virgilio.it",
    "tiscali.it",
    "alice.it",
    "seznam.cz",
    "centrum.cz",
    "wp.pl",
    "o2.pl",
    "interia.pl",
    "onet.pl",
    "comcast.net",
    "verizon.net",
    "att.net",
    "sbcglobal.net",
    "bellsouth.net",
    "cox.net",
    "charter.net",
    "earthlink.net",
    "juno.com",
    "bigpond.com",
    "optusnet.com.au",
    "shaw.ca",
    "rogers.com",
    "sympatico.ca",
    "rediffmail.com",
    "btinternet.com",
    "virginmedia.com",
    "sky.com",
    "talktalk.net",
    "telenet.be",
    "skynet.be",
    "ziggo.nl",
    "kpnmail.nl",
    "bluewin.ch",
    "terra.com.br",
    "uol.com.br",
    "bol.com.br",
    "yopmail.com",
    "mailinator.com",
    "guerrillamail.com",
    "duck.com",
    "inbox.lv",
    "abv.bg",
    "mail.bg",
];

/// Provider families that exist under many country domains (yahoo.co.uk, hotmail.fr, …).
const FREEMAIL_FAMILIES: &[&str] =
    &["yahoo", "hotmail", "outlook", "live", "msn", "gmx", "aol", "yandex", "windowslive"];

/// Whether a domain belongs to a free-mail provider (so it says nothing about the sender's company).
pub fn is_freemail(domain: &str) -> bool {
    let d = domain.trim().to_ascii_lowercase();
    if FREEMAIL.contains(&d.as_str()) {
        return true;
    }
    let Some((first, rest)) = d.split_once('.') else {
        return false;
    };
    // yahoo.com, yahoo.co.uk, yahoo.com.br, hotmail.fr: the family name followed by a public suffix only.
    FREEMAIL_FAMILIES.contains(&first)
        && rest.split('.').count() <= 2
        && rest.split('.').all(|l| l.len() <= 3 && l.chars().all(|c| c.is_ascii_alphabetic()))
}

/// The key of a message inside a mailbox: its Message-ID, or a digest of its envelope when it has none.
/// Only envelope fields go in, so the key can be recomputed from the cache's `messages` row alone.
pub fn message_key(p: &Parsed) -> String {
    let recipients: Vec<&str> = p.to.iter().chain(p.cc.iter()).map(|m| m.addr.as_str()).collect();
    envelope_key(p.message_id.as_deref(), &p.from.addr, p.date.unwrap_or(0), &p.subject, &recipients)
}

/// [`message_key`] from envelope fields.
pub fn envelope_key(message_id: Option<&str>, from: &str, date: i64, subject: &str, recipients: &[&str]) -> String {
    match message_id.map(str::trim).filter(|m| !m.is_empty()) {
        Some(mid) => mid.trim_start_matches('<').trim_end_matches('>').to_string(),
        None => {
            let mut h = Sha256::new();
            h.update(from.as_bytes());
            h.update([0]);
            h.update(date.to_be_bytes());
            h.update(subject.as_bytes());
            h.update([0]);
            for r in recipients {
                h.update(r.as_bytes());
                h.update([0]);
            }
            format!("no-message-id:{}", hex::encode(&h.finalize()[..16]))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn freemail_families_cover_country_domains() {
        for d in ["gmail.com", "yahoo.com", "yahoo.co.uk", "hotmail.fr", "outlook.de", "GMX.net"] {
            assert!(is_freemail(d), "{d}");
        }
        for d in ["acme.test", "yahoo-inc.com", "live.acme.com", "gmail.acme.com"] {
            assert!(!is_freemail(d), "{d}");
        }
    }

    #[test]
    fn skip_reasons_say_both_ages_and_the_entry() {
        assert_eq!(
            SkipReason::TooOld { age_days: 45, window_days: 30 }.to_string(),
            "older than the processing window: the email is 45 days old and this mailbox processes emails of \
             the last 30 days"
        );
        assert_eq!(
            SkipReason::Exception { entry: "acme.test".into(), outgoing: false }.to_string(),
            "the sender is on the exception list (entry \"acme.test\")"
        );
        assert_eq!(
            refusal(&SkipReason::FromOurUser),
            "The email does not match CRM rules: sent by a user of this account"
        );
    }

    #[test]
    fn automated_mail_is_recognised_by_headers() {
        let mut p = Parsed { content_type: "multipart/report".into(), ..Default::default() };
        p.report_type = Some("disposition-notification".into());
        assert_eq!(automated(&p), Some(Automated::ReadReceipt));
        let p = Parsed {
            auto_submitted: Some("auto-replied".into()),
            content_type: "text/plain".into(),
            ..Default::default()
        };
        assert_eq!(automated(&p), Some(Automated::AutoReply));
        let p = Parsed { auto_submitted: Some("no".into()), content_type: "text/plain".into(), ..Default::default() };
        assert_eq!(automated(&p), None);
        let p = Parsed { precedence: Some("bulk".into()), ..Default::default() };
        assert_eq!(automated(&p), Some(Automated::Bulk));
    }
}
