//! Writing the sample messages as real RFC 5322 / MIME text, so the cache parses them with the same code
//! as mail from a server: RFC 2047 encoded names and subjects, multipart/alternative bodies, base64
//! attachments, a multipart/report bounce.

use dealbox_core::send::smtp::base64_encode;

/// A person on a message: display name and address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Person {
    pub name: String,
    pub addr: String,
}

impl Person {
    pub fn new(name: &str, addr: &str) -> Self {
        Self { name: name.into(), addr: addr.into() }
    }
}

/// A file attached to a message.
#[derive(Debug, Clone)]
pub struct Attachment {
    pub filename: String,
    pub mime_type: String,
    pub data: Vec<u8>,
}

/// What the body is made of.
#[derive(Debug, Clone)]
pub enum Body {
    /// Plain text, optionally with an HTML alternative and attachments.
    Normal { text: String, html: Option<String>, attachments: Vec<Attachment> },
    /// A delivery status notification (RFC 3464) about `original` sent to `recipient`.
    Bounce { text: String, recipient: String, original_headers: String },
}

/// One sample message.
#[derive(Debug, Clone)]
pub struct Mail {
    pub from: Person,
    pub to: Vec<Person>,
    pub cc: Vec<Person>,
    pub subject: String,
    /// Unix seconds.
    pub date: i64,
    /// The sender's UTC offset in minutes (the Date header shows it).
    pub tz_minutes: i32,
    /// Without angle brackets.
    pub message_id: String,
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    pub extra_headers: Vec<(String, String)>,
    pub body: Body,
}

impl Mail {
    /// A plain-text message with nothing else set.
    pub fn text(from: Person, to: Vec<Person>, subject: &str, date: i64, message_id: String, text: String) -> Self {
        Mail {
            from,
            to,
            cc: vec![],
            subject: subject.into(),
            date,
            tz_minutes: 60,
            message_id,
            in_reply_to: None,
            references: vec![],
            extra_headers: vec![],
            body: Body::Normal { text, html: None, attachments: vec![] },
        }
    }

    /// The message as it would arrive from a server (CRLF line ends).
    pub fn to_raw(&self) -> Vec<u8> {
        let mut h = String::new();
        header(&mut h, "Date", &rfc2822(self.date, self.tz_minutes));
        header(&mut h, "From", &mailbox(&self.from));
        if !self.to.is_empty() {
            header(&mut h, "To", &self.to.iter().map(mailbox).collect::<Vec<_>>().join(",\r\n "));
        }
        if !self.cc.is_empty() {
            header(&mut h, "Cc", &self.cc.iter().map(mailbox).collect::<Vec<_>>().join(",\r\n "));
        }
        header(&mut h, "Subject", &encode_words(&self.subject));
        header(&mut h, "Message-ID", &format!("<{}>", self.message_id));
        if let Some(irt) = &self.in_reply_to {
            header(&mut h, "In-Reply-To", &format!("<{irt}>"));
        }
        if !self.references.is_empty() {
            let refs: Vec<String> = self.references.iter().map(|r| format!("<{r}>")).collect();
            header(&mut h, "References", &refs.join("\r\n "));
        }
        for (name, value) in &self.extra_headers {
            header(&mut h, name, value);
        }
        header(&mut h, "MIME-Version", "1.0");
        let tag = short_tag(&self.message_id);
        match &self.body {
            Body::Normal { text, html, attachments } => {
                let (ct, body) = normal_body(&tag, text, html.as_deref(), attachments);
                h.push_str(&ct);
                h.push_str("\r\n");
                h.push_str(&body);
            }
            Body::Bounce { text, recipient, original_headers } => {
                let b = format!("=_bounce_{tag}");
                h.push_str(&format!(
                    "Content-Type: multipart/report; report-type=delivery-status;\r\n boundary=\"{b}\"\r\n\r\n"
                ));
                h.push_str("This is a MIME-encapsulated message.\r\n\r\n");
                h.push_str(&format!("--{b}\r\n{}\r\n{}\r\n", text_part_headers(text), crlf(text)));
                h.push_str(&format!(
                    "--{b}\r\nContent-Description: Delivery report\r\nContent-Type: message/delivery-status\r\n\r\n\
                     Reporting-MTA: dns; mx.dealbox-demo.test\r\n\r\nFinal-Recipient: rfc822; {recipient}\r\n\
                     Original-Recipient: rfc822;{recipient}\r\nAction: failed\r\nStatus: 5.1.1\r\n\
                     Diagnostic-Code: smtp; 550 5.1.1 <{recipient}>: Recipient address rejected: User unknown\r\n\r\n"
                ));
                h.push_str(&format!(
                    "--{b}\r\nContent-Description: Undelivered Message Headers\r\nContent-Type: text/rfc822-headers\r\n\r\n\
                     {}\r\n--{b}--\r\n",
                    crlf(original_headers)
                ));
            }
        }
        h.into_bytes()
    }
}

fn header(out: &mut String, name: &str, value: &str) {
    out.push_str(name);
    out.push_str(": ");
    out.push_str(value);
    out.push_str("\r\n");
}

/// LF to CRLF, and no line starting a MIME boundary by accident.
fn crlf(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 40);
    for line in s.split('\n') {
        out.push_str(line.trim_end_matches('\r'));
        out.push_str("\r\n");
    }
    out
}

/// A short stable tag from a Message-ID, for MIME boundaries.
fn short_tag(message_id: &str) -> String {
    message_id.split('@').next().unwrap_or("m").chars().filter(|c| c.is_ascii_alphanumeric()).collect()
}

fn text_part_headers(text: &str) -> String {
    let cte = if text.is_ascii() { "7bit" } else { "8bit" };
    format!("Content-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: {cte}\r\n")
}

fn html_part_headers(html: &str) -> String {
    let cte = if html.is_ascii() { "7bit" } else { "8bit" };
    format!("Content-Type: text/html; charset=utf-8\r\nContent-Transfer-Encoding: {cte}\r\n")
}

/// (Content-Type header lines, body) of a normal message.
fn normal_body(tag: &str, text: &str, html: Option<&str>, attachments: &[Attachment]) -> (String, String) {
    let alternative = |b: &str| -> String {
        match html {
            None => String::new(),
            Some(html) => format!(
                "--{b}\r\n{}\r\n{}\r\n--{b}\r\n{}\r\n{}\r\n--{b}--\r\n",
                text_part_headers(text),
                crlf(text),
                html_part_headers(html),
                crlf(html)
            ),
        }
    };
    if attachments.is_empty() {
        return match html {
            None => (text_part_headers(text), crlf(text)),
            Some(_) => {
                let b = format!("=_alt_{tag}");
                (format!("Content-Type: multipart/alternative; boundary=\"{b}\"\r\n"), alternative(&b))
            }
        };
    }
    let mixed = format!("=_mixed_{tag}");
    let mut body = String::from("This is a multi-part message in MIME format.\r\n\r\n");
    match html {
        None => body.push_str(&format!("--{mixed}\r\n{}\r\n{}\r\n", text_part_headers(text), crlf(text))),
        Some(_) => {
            let alt = format!("=_alt_{tag}");
            body.push_str(&format!(
                "--{mixed}\r\nContent-Type: multipart/alternative; boundary=\"{alt}\"\r\n\r\n{}\r\n",
                alternative(&alt)
            ));
        }
    }
    for a in attachments {
        let name = encode_param(&a.filename);
        body.push_str(&format!(
            "--{mixed}\r\nContent-Type: {}; name={name}\r\nContent-Disposition: attachment; filename={name}\r\n\
             Content-Transfer-Encoding: base64\r\n\r\n",
            a.mime_type
        ));
        let b64 = base64_encode(&a.data);
        for chunk in b64.as_bytes().chunks(76) {
            body.push_str(std::str::from_utf8(chunk).unwrap_or(""));
            body.push_str("\r\n");
        }
    }
    body.push_str(&format!("--{mixed}--\r\n"));
    (format!("Content-Type: multipart/mixed; boundary=\"{mixed}\"\r\n"), body)
}

/// A filename parameter: quoted when ASCII, RFC 2047 encoded otherwise (what most clients send).
fn encode_param(s: &str) -> String {
    if s.is_ascii() {
        format!("\"{}\"", s.replace(['"', '\\'], "_"))
    } else {
        format!("\"{}\"", encode_words(s))
    }
}

/// `"Name" <addr>`, or `=?UTF-8?B?…?= <addr>` for a non-ASCII name.
fn mailbox(p: &Person) -> String {
    if p.name.is_empty() {
        return format!("<{}>", p.addr);
    }
    let name =
        if p.name.is_ascii() { format!("\"{}\"", p.name.replace(['"', '\\'], "")) } else { encode_words(&p.name) };
    format!("{name} <{}>", p.addr)
}

/// RFC 2047 B-encoding for non-ASCII text, in encoded words short enough for the 76-character limit.
pub fn encode_words(s: &str) -> String {
    if s.is_ascii() {
        return s.to_string();
    }
    let mut words = Vec::new();
    let mut chunk = String::new();
    for c in s.chars() {
        if chunk.len() + c.len_utf8() > 42 {
            words.push(format!("=?UTF-8?B?{}?=", base64_encode(chunk.as_bytes())));
            chunk.clear();
        }
        chunk.push(c);
    }
    if !chunk.is_empty() {
        words.push(format!("=?UTF-8?B?{}?=", base64_encode(chunk.as_bytes())));
    }
    words.join("\r\n ")
}

/// An RFC 2822 date in the sender's time zone.
pub fn rfc2822(ts: i64, tz_minutes: i32) -> String {
    let offset = time::UtcOffset::from_whole_seconds(tz_minutes * 60).unwrap_or(time::UtcOffset::UTC);
    time::OffsetDateTime::from_unix_timestamp(ts)
        .ok()
        .map(|t| t.to_offset(offset))
        .and_then(|t| t.format(&time::format_description::well_known::Rfc2822).ok())
        .unwrap_or_else(|| "Thu, 01 Jan 1970 00:00:00 +0000".into())
}

#[cfg(test)]
mod tests {
    use super::*;
    use dealbox_core::parse::parse;

    #[test]
    fn non_ascii_names_and_subjects_round_trip_through_the_parser() {
        let mut m = Mail::text(
            Person::new("Jürgen Müller", "j.mueller@nordwind-logistik.test"),
            vec![Person::new("Demo Sales", "sales@dealbox-demo.test")],
            "Angebot für die Wartung – Rückfrage zu den Preisen und Lieferzeiten für das nächste Quartal",
            1_790_000_000,
            "demo-1@dealbox-demo.test".into(),
            "Grüße aus Köln\nNiccolò".into(),
        );
        m.body = Body::Normal {
            text: "Grüße".into(),
            html: Some("<p>Grüße</p>".into()),
            attachments: vec![Attachment {
                filename: "Käthe Schäfer.vcf".into(),
                mime_type: "text/vcard".into(),
                data: b"BEGIN:VCARD\r\nEND:VCARD\r\n".to_vec(),
            }],
        };
        let p = parse(&m.to_raw()).unwrap();
        assert_eq!(p.from.name, "Jürgen Müller");
        assert_eq!(p.subject, m.subject);
        assert_eq!(p.date, Some(1_790_000_000));
        assert_eq!(p.message_id.as_deref(), Some("demo-1@dealbox-demo.test"));
        assert_eq!(p.attachments.len(), 1);
        assert_eq!(p.attachments[0].filename.as_deref(), Some("Käthe Schäfer.vcf"));
        assert!(p.html.unwrap().contains("Grüße"));
    }

    #[test]
    fn a_bounce_is_a_delivery_status_report() {
        let mut m = Mail::text(
            Person::new("Mail Delivery System", "MAILER-DAEMON@mx.dealbox-demo.test"),
            vec![Person::new("", "sales@dealbox-demo.test")],
            "Undelivered Mail Returned to Sender",
            1_790_000_000,
            "bounce-1@mx.dealbox-demo.test".into(),
            String::new(),
        );
        m.body = Body::Bounce {
            text: "I'm sorry to have to inform you...".into(),
            recipient: "x@y.test".into(),
            original_headers: "Subject: hi\nTo: x@y.test".into(),
        };
        let p = parse(&m.to_raw()).unwrap();
        assert_eq!(p.content_type, "multipart/report");
        assert_eq!(p.report_type.as_deref(), Some("delivery-status"));
    }
}
