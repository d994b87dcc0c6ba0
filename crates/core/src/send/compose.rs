//! Composing: validate a draft (addresses, header injection, sizes) and build the RFC 5322 message.

use std::path::PathBuf;

use lettre::message::header::ContentType;
use lettre::message::{Attachment, Mailbox, MultiPart, SinglePart};
use serde::{Deserialize, Serialize};

use crate::account::Account;
use crate::error::{Error, ErrorKind, Result};

/// The largest attachment the brief allows.
pub const MAX_ATTACHMENT_BYTES: u64 = 25 * 1024 * 1024;

/// A file to attach, by path (read when the message is built) or inline image by content id.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct AttachmentSource {
    pub path: PathBuf,
    /// Shown name; defaults to the file name.
    pub filename: Option<String>,
    /// For inline images referenced as `cid:…` from the HTML.
    pub content_id: Option<String>,
    /// An already-built part (a forwarded message as message/rfc822), instead of `path`.
    #[serde(default)]
    pub mime_type: Option<String>,
}

/// What the user is writing. Everything in it is untrusted input.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Draft {
    pub to: Vec<String>,
    pub cc: Vec<String>,
    pub bcc: Vec<String>,
    pub subject: String,
    pub text: String,
    pub html: Option<String>,
    pub attachments: Vec<AttachmentSource>,
    /// Message-ID (without <>) of the message replied to, and the references chain.
    pub in_reply_to: Option<String>,
    pub references: Vec<String>,
    /// The cached message (id) this replies to, to mark it \Answered once sent.
    pub reply_to_message: Option<i64>,
}

/// A finished message ready for the outbox.
#[derive(Debug, Clone)]
pub struct Built {
    pub message_id: String,
    pub envelope_from: String,
    pub recipients: Vec<String>,
    pub raw: Vec<u8>,
}

fn no_crlf(what: &str, v: &str) -> Result<()> {
    if v.contains('\r') || v.contains('\n') || v.contains('\0') {
        return Err(Error::config(format!(
            "the {what} contains a line break or NUL, which could inject mail headers; remove it (nothing was sent)"
        )));
    }
    Ok(())
}

/// Parse one address ("Name <a@b>" or "a@b"), refusing line breaks instead of cleaning them.
pub fn parse_address(s: &str) -> Result<Mailbox> {
    no_crlf("address", s)?;
    let s = s.trim();
    s.parse::<Mailbox>().map_err(|e| Error::config(format!("'{}' is not a valid address: {e}", s.escape_debug())))
}

fn guess_mime(name: &str) -> &'static str {
    let ext = name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "pdf" => "application/pdf",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "svg" => "image/svg+xml",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "html" | "htm" => "text/html",
        "ics" => "text/calendar",
        "vcf" => "text/vcard",
        "eml" => "message/rfc822",
        "zip" => "application/zip",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        _ => "application/octet-stream",
    }
}

fn human_size(n: u64) -> String {
    format!("{:.1} MB", n as f64 / (1024.0 * 1024.0))
}

/// Check everything that can be checked without the network: addresses, header injection, and
/// attachment sizes (each at most 25 MB) — before any connection is made.
pub fn validate(d: &Draft) -> Result<()> {
    validate_content(d)?;
    if d.to.is_empty() && d.cc.is_empty() && d.bcc.is_empty() {
        return Err(Error::config("add at least one recipient"));
    }
    Ok(())
}

/// Everything but "has a recipient": what a draft must satisfy to be saved to the server.
pub fn validate_content(d: &Draft) -> Result<()> {
    no_crlf("subject", &d.subject)?;
    for (what, list) in [("To", &d.to), ("Cc", &d.cc), ("Bcc", &d.bcc)] {
        for a in list {
            parse_address(a).map_err(|e| e.context(format!("{what} address")))?;
        }
    }
    if let Some(i) = &d.in_reply_to {
        no_crlf("In-Reply-To", i)?;
    }
    for r in &d.references {
        no_crlf("References", r)?;
    }
    for a in &d.attachments {
        if let Some(n) = &a.filename {
            no_crlf("attachment name", n)?;
        }
        if let Some(c) = &a.content_id {
            no_crlf("content id", c)?;
        }
        let meta = std::fs::metadata(&a.path)
            .map_err(|e| Error::config(format!("cannot read the attachment {}: {e}", a.path.display())))?;
        if meta.len() > MAX_ATTACHMENT_BYTES {
            return Err(Error::new(
                ErrorKind::Limit,
                format!(
                    "the attachment {} is {} ({} bytes); the limit is 25 MB per attachment. Nothing was sent; share \
                     it as a link or compress it.",
                    a.path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
                    human_size(meta.len()),
                    meta.len()
                ),
            ));
        }
    }
    Ok(())
}

/// A new Message-ID (without angle brackets) in the account's domain.
pub fn new_message_id(account: &Account) -> String {
    use sha2::{Digest, Sha256};
    let domain = account.email.rsplit_once('@').map(|(_, d)| d).unwrap_or("dealbox.invalid");
    let mut h = Sha256::new();
    let nanos = crate::time::unix_nanos();
    h.update(nanos.to_le_bytes());
    h.update(std::process::id().to_le_bytes());
    h.update(account.email.as_bytes());
    static COUNTER: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    h.update(COUNTER.fetch_add(1, std::sync::atomic::Ordering::Relaxed).to_le_bytes());
    format!("{}@{domain}", &hex::encode(h.finalize())[..24])
}

/// Build the message. The signature is appended to the text (and HTML) body here.
pub fn build(account: &Account, d: &Draft) -> Result<Built> {
    validate(d)?;
    build_unchecked(account, d)
}

/// Build a draft for the Drafts folder (recipients may still be missing).
pub fn build_draft(account: &Account, d: &Draft) -> Result<Built> {
    validate_content(d)?;
    build_unchecked(account, d)
}

fn build_unchecked(account: &Account, d: &Draft) -> Result<Built> {
    no_crlf("display name", &account.display_name)?;
    let from = Mailbox::new(
        if account.display_name.is_empty() { None } else { Some(account.display_name.clone()) },
        account.email.parse().map_err(|e| Error::config(format!("the account address is invalid: {e}")))?,
    );
    let message_id = new_message_id(account);
    let mut b = lettre::Message::builder()
        .from(from)
        .subject(d.subject.clone())
        .message_id(Some(format!("<{message_id}>")))
        .date_now()
        .user_agent(format!("Dealbox {}", env!("CARGO_PKG_VERSION")));
    for a in &d.to {
        b = b.to(parse_address(a)?);
    }
    for a in &d.cc {
        b = b.cc(parse_address(a)?);
    }
    for a in &d.bcc {
        b = b.bcc(parse_address(a)?);
    }
    if let Some(irt) = &d.in_reply_to {
        b = b.in_reply_to(format!("<{}>", irt.trim_matches(['<', '>'])));
    }
    if !d.references.is_empty() {
        let refs: Vec<String> = d.references.iter().map(|r| format!("<{}>", r.trim_matches(['<', '>']))).collect();
        b = b.references(refs.join(" "));
    }
    let mut text = d.text.clone();
    let mut html = d.html.clone();
    if !account.signature.is_empty() {
        text.push_str("\n\n-- \n");
        text.push_str(&account.signature);
        if let Some(h) = html.as_mut() {
            h.push_str("<br><br>-- <br>");
            h.push_str(&html_escape(&account.signature).replace('\n', "<br>"));
        }
    }
    let body = match &html {
        Some(h) => MultiPart::alternative_plain_html(text, h.clone()),
        None => MultiPart::mixed().singlepart(SinglePart::plain(text)),
    };
    let mut inline_parts = Vec::new();
    let mut file_parts = Vec::new();
    for a in &d.attachments {
        let bytes = std::fs::read(&a.path)
            .map_err(|e| Error::config(format!("cannot read the attachment {}: {e}", a.path.display())))?;
        let name = a
            .filename
            .clone()
            .or_else(|| a.path.file_name().map(|n| n.to_string_lossy().to_string()))
            .unwrap_or_else(|| "attachment".into());
        let mime = a.mime_type.clone().unwrap_or_else(|| guess_mime(&name).to_string());
        let ct = ContentType::parse(&mime)
            .unwrap_or(ContentType::parse("application/octet-stream").map_err(|e| Error::internal(e.to_string()))?);
        match &a.content_id {
            Some(cid) => inline_parts
                .push(Attachment::new_inline_with_name(cid.trim_matches(['<', '>']).to_string(), name).body(bytes, ct)),
            None => file_parts.push(Attachment::new(name).body(bytes, ct)),
        }
    }
    let mut top = body;
    if !inline_parts.is_empty() {
        let mut rel = MultiPart::related().multipart(top);
        for p in inline_parts {
            rel = rel.singlepart(p);
        }
        top = rel;
    }
    if !file_parts.is_empty() {
        let mut mixed = MultiPart::mixed().multipart(top);
        for p in file_parts {
            mixed = mixed.singlepart(p);
        }
        top = mixed;
    }
    if d.to.is_empty() && d.cc.is_empty() && d.bcc.is_empty() {
        // A draft without recipients yet: give lettre an envelope so it can still format the message.
        let me: lettre::Address =
            account.email.parse().map_err(|e| Error::config(format!("the account address is invalid: {e}")))?;
        let env = lettre::address::Envelope::new(Some(me.clone()), vec![me])
            .map_err(|e| Error::internal(format!("draft envelope: {e}")))?;
        b = b.envelope(env);
    }
    let msg = b.multipart(top).map_err(|e| Error::config(format!("cannot build the message: {e}")))?;
    let recipients: Vec<String> = msg.envelope().to().iter().map(|a| a.to_string()).collect();
    Ok(Built { message_id, envelope_from: account.email.clone(), recipients, raw: msg.formatted() })
}

pub fn html_escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;").replace('\'', "&#39;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_injection_is_rejected_not_cleaned() {
        let d = Draft {
            to: vec!["bob@example.test".into()],
            subject: "Hi\r\nBcc: evil@x.test".into(),
            ..Default::default()
        };
        let e = validate(&d).unwrap_err();
        assert!(e.message.contains("line break"), "{e}");
        let d = Draft { to: vec!["Bob\n <bob@example.test>".into()], ..Default::default() };
        assert!(validate(&d).is_err());
        let d = Draft { to: vec!["bob@example.test\r\nBcc: evil@x.test".into()], ..Default::default() };
        assert!(validate(&d).is_err());
    }

    #[test]
    fn bad_addresses_are_refused() {
        for a in ["not an address", "a@", "@b.test", "a b@c.test"] {
            let d = Draft { to: vec![a.into()], ..Default::default() };
            assert!(validate(&d).is_err(), "{a}");
        }
    }

    #[test]
    fn oversized_attachment_is_refused_naming_file_and_size() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("big.bin");
        let f = std::fs::File::create(&p).unwrap();
        f.set_len(MAX_ATTACHMENT_BYTES + 1).unwrap();
        let d = Draft {
            to: vec!["bob@example.test".into()],
            attachments: vec![AttachmentSource { path: p, filename: None, content_id: None, mime_type: None }],
            ..Default::default()
        };
        let e = validate(&d).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Limit);
        assert!(e.message.contains("big.bin") && e.message.contains("25.0 MB"), "{e}");
    }
}
