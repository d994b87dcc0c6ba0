//! Drafts for reply, reply-all and forward, built from a cached message.

use crate::account::Account;
use crate::error::Result;
use crate::query;
use crate::send::compose::{AttachmentSource, Draft};
use crate::store::Store;

/// "Re: " once, whatever the original had.
pub fn reply_subject(s: &str) -> String {
    format!("Re: {}", crate::parse::strip_reply_prefixes(s))
}

pub fn forward_subject(s: &str) -> String {
    format!("Fwd: {}", crate::parse::strip_reply_prefixes(s))
}

fn quote(text: &str, who: &str, date: &str) -> String {
    let mut out = format!("\n\nOn {date}, {who} wrote:\n");
    for line in text.lines() {
        out.push('>');
        if !line.starts_with('>') {
            out.push(' ');
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// A reply (or reply-all) to cached message `id` from `account`. Our own addresses are never recipients.
pub fn reply(store: &Store, account: &Account, id: i64, all: bool) -> Result<Draft> {
    let m = query::get(store, id)?;
    let ours = account.all_addresses();
    let mine = |a: &str| ours.iter().any(|o| o.eq_ignore_ascii_case(a));
    let mut to = Vec::new();
    // Replying to our own sent message goes to its recipients.
    if mine(&m.summary.from) {
        to.extend(m.to.iter().map(|b| b.addr.clone()));
    } else {
        to.push(m.summary.from.clone());
    }
    let mut cc = Vec::new();
    if all {
        for b in m.to.iter().chain(m.cc.iter()) {
            if !b.addr.is_empty()
                && !mine(&b.addr)
                && !to.iter().any(|t| t.eq_ignore_ascii_case(&b.addr))
                && !cc.iter().any(|c: &String| c.eq_ignore_ascii_case(&b.addr))
            {
                cc.push(b.addr.clone());
            }
        }
    }
    to.retain(|a| !a.is_empty() && !mine(a));
    if to.is_empty() {
        // A note to self: reply to ourselves rather than to nobody.
        to.push(m.summary.from.clone());
    }
    let refs_raw: Option<String> =
        store.conn()?.query_row("SELECT refs FROM messages WHERE id = ?1", [id], |r| r.get(0)).ok();
    let mut references: Vec<String> = refs_raw.unwrap_or_default().split_whitespace().map(str::to_string).collect();
    if let Some(mid) = &m.message_id {
        references.push(mid.clone());
    }
    let who = if m.summary.from_name.is_empty() {
        m.summary.from.clone()
    } else {
        format!("{} <{}>", m.summary.from_name, m.summary.from)
    };
    Ok(Draft {
        to,
        cc,
        subject: reply_subject(&m.summary.subject),
        text: quote(m.text.as_deref().unwrap_or(""), &who, &m.summary.date),
        in_reply_to: m.message_id.clone(),
        references,
        reply_to_message: Some(id),
        ..Default::default()
    })
}

/// Forward inline (quoted text) or as an attachment (the original as message/rfc822).
pub fn forward(store: &Store, id: i64, as_attachment: bool, tmp_dir: &std::path::Path) -> Result<Draft> {
    let m = query::get(store, id)?;
    let mut d = Draft { subject: forward_subject(&m.summary.subject), ..Default::default() };
    if as_attachment {
        let raw = query::raw(store, id)?;
        let path = tmp_dir.join(format!("forward-{id}.eml"));
        std::fs::write(&path, raw)?;
        d.attachments.push(AttachmentSource {
            path,
            filename: Some(format!("{}.eml", sanitize_filename(&m.summary.subject))),
            content_id: None,
            mime_type: Some("message/rfc822".into()),
        });
    } else {
        let to: Vec<String> = m.to.iter().map(|b| b.addr.clone()).collect();
        d.text = format!(
            "\n\n---------- Forwarded message ----------\nFrom: {} <{}>\nDate: {}\nSubject: {}\nTo: {}\n\n{}",
            m.summary.from_name,
            m.summary.from,
            m.summary.date,
            m.summary.subject,
            to.join(", "),
            m.text.as_deref().unwrap_or("")
        );
    }
    Ok(d)
}

fn sanitize_filename(s: &str) -> String {
    let s: String = s.chars().map(|c| if c.is_alphanumeric() || " -_.".contains(c) { c } else { '_' }).collect();
    let s = s.trim().to_string();
    if s.is_empty() {
        "message".into()
    } else {
        s.chars().take(80).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn re_is_not_doubled() {
        assert_eq!(reply_subject("Re: RE: Offer"), "Re: Offer");
        assert_eq!(reply_subject("Offer"), "Re: Offer");
        assert_eq!(forward_subject("Fwd: Offer"), "Fwd: Offer");
    }

    #[test]
    fn quoting_prefixes_every_line() {
        assert_eq!(quote("a\n> b", "X", "D"), "\n\nOn D, X wrote:\n> a\n>> b\n");
    }
}
