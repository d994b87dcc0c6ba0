//! Parsing untrusted messages with mail-parser, isolated from panics.

use mail_parser::{Address, MessageParser, MimeHeaders};
use serde::Serialize;

/// One address with its display name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
pub struct Mailbox {
    pub name: String,
    pub addr: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct AttachmentMeta {
    pub part: u32,
    pub filename: Option<String>,
    pub mime_type: String,
    pub size: u64,
    pub content_id: Option<String>,
    pub inline: bool,
}

/// What the cache keeps of a parsed message.
#[derive(Debug, Clone, Default)]
pub struct Parsed {
    pub message_id: Option<String>,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub subject: String,
    pub from: Mailbox,
    pub to: Vec<Mailbox>,
    pub cc: Vec<Mailbox>,
    pub date: Option<i64>,
    pub text: Option<String>,
    pub html: Option<String>,
    pub attachments: Vec<AttachmentMeta>,
    /// Headers that mark automated mail (bounces, auto-replies, receipts, lists).
    pub auto_submitted: Option<String>,
    pub content_type: String,
    pub precedence: Option<String>,
    pub list_id: Option<String>,
    pub return_path: Option<String>,
    /// The `report-type` of a multipart/report (delivery-status, disposition-notification).
    pub report_type: Option<String>,
    /// Other headers that mark auto-replies and bounces, as "Name: value"
    /// (X-Autoreply, X-Autorespond, X-Failed-Recipients, an empty `Return-Path: <>`).
    pub auto_markers: Vec<String>,
}

/// Headers whose presence marks an automatic reply or a bounce.
const AUTO_MARKER_HEADERS: &[&str] = &[
    "X-Autoreply",
    "X-Autorespond",
    "X-Autoresponder",
    "X-Auto-Reply",
    "X-Failed-Recipients",
    // Challenge-response systems that answer a first email with "confirm you are human".
    "X-Bluebottle-Request",
];

fn mailboxes(a: Option<&Address<'_>>) -> Vec<Mailbox> {
    let Some(a) = a else { return vec![] };
    a.iter()
        .map(|m| Mailbox { name: m.name().unwrap_or("").to_string(), addr: m.address().unwrap_or("").to_lowercase() })
        .filter(|m| !m.addr.is_empty() || !m.name.is_empty())
        .collect()
}

fn header_text(m: &mail_parser::Message<'_>, name: &str) -> Option<String> {
    m.header_raw(name).map(|v| v.trim().to_string()).filter(|v| !v.is_empty())
}

/// Parse `raw`. `Err` carries a warning for the user; the raw message is still kept by the caller.
pub fn parse(raw: &[u8]) -> Result<Parsed, String> {
    let result = std::panic::catch_unwind(|| parse_inner(raw));
    match result {
        Ok(Some(p)) => Ok(p),
        Ok(None) => Err("this message could not be parsed; it is kept as received".into()),
        Err(_) => Err("the parser crashed on this message; it is kept as received".into()),
    }
}

/// The decoded bytes of attachment number `part` (as numbered by [`parse`]); `None` if there is no such part.
pub fn attachment_contents(raw: &[u8], part: u32) -> Option<Vec<u8>> {
    std::panic::catch_unwind(|| {
        let m = MessageParser::default().parse(raw)?;
        let part = m.attachments().nth(part as usize)?;
        Some(part.contents().to_vec())
    })
    .ok()
    .flatten()
}

fn parse_inner(raw: &[u8]) -> Option<Parsed> {
    let m = MessageParser::default().parse(raw)?;
    let mut attachments = Vec::new();
    for (i, part) in m.attachments().enumerate() {
        let inline = part.content_disposition().map(|d| d.ctype().eq_ignore_ascii_case("inline")).unwrap_or(false);
        let mime_type = part
            .content_type()
            .map(|c| match c.subtype() {
                Some(s) => format!("{}/{}", c.ctype(), s),
                None => c.ctype().to_string(),
            })
            .unwrap_or_else(|| "application/octet-stream".into())
            .to_ascii_lowercase();
        attachments.push(AttachmentMeta {
            part: i as u32,
            filename: part.attachment_name().map(str::to_string),
            mime_type,
            size: part.contents().len() as u64,
            content_id: part.content_id().map(|s| s.to_string()),
            inline,
        });
    }
    let text = m.body_text(0).map(|t| t.into_owned());
    let html = m.body_html(0).map(|t| t.into_owned()).filter(|_| m.html_body_count() > 0);
    let content_type = m
        .content_type()
        .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
        .unwrap_or_else(|| "text/plain".into());
    Some(Parsed {
        message_id: m.message_id().map(str::to_string),
        in_reply_to: m.in_reply_to().as_text_list().and_then(|l| l.first().map(|s| s.to_string())),
        references: m
            .references()
            .as_text_list()
            .map(|l| l.iter().map(|s| s.to_string()).collect())
            .unwrap_or_default(),
        subject: m.subject().unwrap_or("").to_string(),
        from: mailboxes(m.from()).into_iter().next().unwrap_or_default(),
        to: mailboxes(m.to()),
        cc: mailboxes(m.cc()),
        date: m.date().map(|d| d.to_timestamp()),
        text,
        html,
        attachments,
        auto_submitted: header_text(&m, "Auto-Submitted"),
        content_type,
        precedence: header_text(&m, "Precedence"),
        list_id: header_text(&m, "List-Id"),
        return_path: m.return_path().as_text().map(str::to_string),
        report_type: m.content_type().and_then(|c| c.attribute("report-type")).map(|t| t.trim().to_ascii_lowercase()),
        auto_markers: auto_markers(&m),
    })
}

fn auto_markers(m: &mail_parser::Message<'_>) -> Vec<String> {
    let mut out: Vec<String> =
        AUTO_MARKER_HEADERS.iter().filter_map(|h| header_text(m, h).map(|v| format!("{h}: {v}"))).collect();
    if header_text(m, "Return-Path").as_deref() == Some("<>") {
        out.push("Return-Path: <>".into());
    }
    out
}

/// Reply and forward prefixes in the languages our users write in ("Re:", "Fwd:", "AW:", "R:", "SV:", …).
const REPLY_PREFIXES: [&str; 11] = ["re:", "fw:", "fwd:", "aw:", "wg:", "r:", "i:", "sv:", "vs:", "antw:", "rif:"];

/// The subject without any leading reply/forward prefixes, case kept ("Re: AW: Offer" → "Offer").
pub fn strip_reply_prefixes(s: &str) -> &str {
    let mut s = s.trim();
    while let Some(p) = REPLY_PREFIXES.iter().find(|p| s.get(..p.len()).is_some_and(|h| h.eq_ignore_ascii_case(p))) {
        s = s[p.len()..].trim_start();
    }
    s
}

/// The subject for threading: prefixes stripped, lower-cased.
pub fn base_subject(s: &str) -> String {
    strip_reply_prefixes(s).to_lowercase()
}

/// The text to index for a message: the plain text, or the HTML with tags removed.
pub fn index_text(p: &Parsed) -> String {
    const MAX: usize = 64 * 1024;
    let mut t = match (&p.text, &p.html) {
        (Some(t), _) if !t.trim().is_empty() => t.clone(),
        (_, Some(h)) => strip_tags(h),
        _ => String::new(),
    };
    if t.len() > MAX {
        let mut end = MAX;
        while !t.is_char_boundary(end) {
            end -= 1;
        }
        t.truncate(end);
    }
    t
}

fn strip_tags(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                out.push(' ');
            }
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_envelope_and_attachments() {
        let raw = b"From: =?UTF-8?Q?J=C3=B6rg?= <Joerg@Example.COM>\r\nTo: a@b.test, c@d.test\r\nSubject: Re: Offer\r\n\
Message-ID: <m1@x>\r\nIn-Reply-To: <m0@x>\r\nReferences: <a@x> <m0@x>\r\nDate: Tue, 1 Sep 2026 10:00:00 +0000\r\n\
MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=XX\r\n\r\n--XX\r\nContent-Type: text/plain\r\n\r\nhello\r\n\
--XX\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"q.pdf\"\r\n\r\nPDFDATA\r\n--XX--\r\n";
        let p = parse(raw).unwrap();
        assert_eq!(p.from, Mailbox { name: "Jörg".into(), addr: "joerg@example.com".into() });
        assert_eq!(p.to.len(), 2);
        assert_eq!(p.message_id.as_deref(), Some("m1@x"));
        assert_eq!(p.in_reply_to.as_deref(), Some("m0@x"));
        assert_eq!(p.references, vec!["a@x", "m0@x"]);
        assert_eq!(p.attachments.len(), 1);
        assert_eq!(p.attachments[0].filename.as_deref(), Some("q.pdf"));
        assert_eq!(p.text.as_deref().map(str::trim), Some("hello"));
        assert_eq!(p.date, Some(1_788_256_800));
        assert_eq!(attachment_contents(raw, 0).as_deref(), Some(&b"PDFDATA"[..]));
        assert_eq!(attachment_contents(raw, 1), None);
    }

    #[test]
    fn base_subject_strips_reply_prefixes() {
        assert_eq!(base_subject("Re: RE: Fwd: Renewal 2027"), "renewal 2027");
        assert_eq!(base_subject("AW: Angebot"), "angebot");
    }

    #[test]
    fn garbage_does_not_panic() {
        for raw in [&b""[..], b"\xff\xfe\x00", b"Content-Type: multipart/mixed; boundary=\"\r\n\r\n--\r\n"] {
            let _ = parse(raw);
        }
    }
}
