//! "Edit" on a parked outbox message: take it out of the outbox and turn it back into a draft
//! (recipients, subject, text, HTML, threading headers and attachments), so the user can fix it and send again.

use std::path::Path;

use mail_parser::{MessageParser, MimeHeaders};
use rusqlite::{params, OptionalExtension};

use crate::error::{Error, Result};
use crate::send::compose::{AttachmentSource, Draft};
use crate::store::{unix_now, Store};

fn file_name(s: &str) -> String {
    let s: String =
        s.chars().map(|c| if c.is_alphanumeric() || " -_.()".contains(c) { c } else { '_' }).take(120).collect();
    let s = s.trim().trim_start_matches('.').to_string();
    if s.is_empty() {
        "attachment".into()
    } else {
        s
    }
}

/// Turn parked (or still queued) outbox message `id` into a saved draft of its account; its attachments
/// are written under `attach_dir`. Returns (account id, draft id, draft). The outbox row is deleted in the
/// same transaction the draft is saved in, so the message is never both queued and a draft.
pub fn to_draft(store: &Store, id: i64, attach_dir: &Path) -> Result<(i64, i64, Draft)> {
    let row: Option<(i64, String, Vec<u8>, Option<i64>)> = store
        .conn()?
        .query_row(
            "SELECT account_id, recipients, raw, reply_to_message FROM outbox WHERE id = ?1 AND state IN ('queued', 'parked')",
            [id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)),
        )
        .optional()?;
    let (account_id, recipients, raw, reply_to_message) =
        row.ok_or_else(|| Error::not_found(format!("no queued or parked message {id} in the outbox")))?;
    let recipients: Vec<String> = serde_json::from_str(&recipients).unwrap_or_default();
    let p = crate::parse::parse(&raw).map_err(Error::config)?;
    let addr = |m: &crate::parse::Mailbox| {
        if m.name.is_empty() {
            m.addr.clone()
        } else {
            format!("{} <{}>", m.name.replace(['"', '<', '>'], ""), m.addr)
        }
    };
    let to: Vec<String> = p.to.iter().map(addr).collect();
    let cc: Vec<String> = p.cc.iter().map(addr).collect();
    let visible: Vec<String> = p.to.iter().chain(p.cc.iter()).map(|m| m.addr.to_ascii_lowercase()).collect();
    let bcc = recipients.into_iter().filter(|r| !visible.contains(&r.to_ascii_lowercase())).collect();
    let mut attachments = Vec::new();
    if let Some(m) = MessageParser::default().parse(&raw) {
        let dir = attach_dir.join(format!("outbox-{id}"));
        for (i, part) in m.attachments().enumerate() {
            std::fs::create_dir_all(&dir)?;
            let name = file_name(part.attachment_name().unwrap_or("attachment"));
            let path = dir.join(format!("{i}-{name}"));
            std::fs::write(&path, part.contents())?;
            attachments.push(AttachmentSource {
                path,
                filename: Some(name),
                content_id: part.content_id().map(str::to_string),
                mime_type: part.content_type().map(|c| match c.subtype() {
                    Some(s) => format!("{}/{}", c.ctype(), s),
                    None => c.ctype().to_string(),
                }),
            });
        }
    }
    let draft = Draft {
        to,
        cc,
        bcc,
        subject: p.subject,
        text: p.text.unwrap_or_default(),
        html: p.html,
        attachments,
        in_reply_to: p.in_reply_to,
        references: p.references,
        reply_to_message,
    };
    let mut conn = store.conn()?;
    let tx = conn.transaction()?;
    let n = tx.execute("DELETE FROM outbox WHERE id = ?1 AND state IN ('queued', 'parked')", params![id])?;
    if n == 0 {
        return Err(Error::not_found(format!("message {id} left the outbox meanwhile (it is being sent)")));
    }
    tx.execute(
        "INSERT INTO drafts (account_id, body, updated_at) VALUES (?1, ?2, ?3)",
        params![account_id, serde_json::to_string(&draft)?, unix_now()],
    )?;
    let draft_id = tx.last_insert_rowid();
    tx.commit()?;
    Ok((account_id, draft_id, draft))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::send::{drafts, outbox};

    #[test]
    fn a_parked_message_comes_back_as_a_draft_with_its_recipients_threading_and_attachments() {
        let store = Store::open_in_memory().unwrap();
        let acc = crate::send::addresses::tests::account(&store, "alice");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("offer.pdf");
        std::fs::write(&file, b"%PDF-1.4 offer").unwrap();
        let d = Draft {
            to: vec!["Jane Roe <jane@acme.test>".into()],
            cc: vec!["bob@acme.test".into()],
            bcc: vec!["boss@example.test".into()],
            subject: "Re: Renewal".into(),
            text: "Here it is.".into(),
            html: Some("<p>Here it is.</p>".into()),
            attachments: vec![AttachmentSource { path: file, filename: None, content_id: None, mime_type: None }],
            in_reply_to: Some("orig@acme.test".into()),
            references: vec!["orig@acme.test".into()],
            reply_to_message: Some(7),
        };
        let (id, _) = outbox::enqueue(&store, &acc, &d).unwrap();
        store.conn().unwrap().execute("UPDATE outbox SET state = 'parked', last_error = '552 too big'", []).unwrap();

        let (account_id, draft_id, back) = to_draft(&store, id, dir.path()).unwrap();
        assert_eq!(account_id, acc.id);
        assert_eq!(back.to, vec!["Jane Roe <jane@acme.test>".to_string()]);
        assert_eq!(back.cc, vec!["bob@acme.test".to_string()]);
        assert_eq!(back.bcc, vec!["boss@example.test".to_string()]);
        assert_eq!(back.subject, "Re: Renewal");
        assert_eq!(back.text.trim(), "Here it is.");
        assert!(back.html.as_deref().unwrap_or("").contains("<p>Here it is.</p>"));
        assert_eq!(back.in_reply_to.as_deref(), Some("orig@acme.test"));
        assert_eq!(back.reply_to_message, Some(7));
        assert_eq!(back.attachments.len(), 1);
        assert_eq!(back.attachments[0].filename.as_deref(), Some("offer.pdf"));
        assert_eq!(std::fs::read(&back.attachments[0].path).unwrap(), b"%PDF-1.4 offer");
        assert_eq!(drafts::get(&store, draft_id).unwrap(), back);
        assert!(outbox::list(&store, None).unwrap().is_empty(), "the message left the outbox");
        // Sending it again goes through the outbox like any draft.
        assert!(drafts::send(&store, &acc, draft_id).is_ok());
        // A message being sent cannot be taken back.
        store.conn().unwrap().execute("UPDATE outbox SET state = 'sending'", []).unwrap();
        let sending = outbox::list(&store, None).unwrap()[0].id;
        assert!(to_draft(&store, sending, dir.path()).is_err());
    }
}
