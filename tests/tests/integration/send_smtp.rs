//! Sending against the real Postfix (SMTP) that delivers into the real Dovecot (IMAP), both on loopback,
//! started by `tests/servers/up`.
#![allow(clippy::unwrap_used)]

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use dealbox_core::account::{Account, Credential, Endpoint, NewAccount, Security};
use dealbox_core::imap::{self, Timeouts};
use dealbox_core::secrets::MemorySecrets;
use dealbox_core::send::compose::{AttachmentSource, Draft};
use dealbox_core::send::{outbox, reply};
use dealbox_core::{cache, Core, ErrorKind};
use futures::TryStreamExt;
use sha2::{Digest, Sha256};

/// The test server's CA, or a clear failure: these tests need `tests/servers/up`.
fn ca_pem() -> String {
    let p = dealbox_tests::mail_root().join("etc/tls/ca.pem");
    std::fs::read_to_string(&p).unwrap_or_else(|e| {
        panic!("the test mail server is not set up ({}: {e}); run `tests/servers/up` first", p.display())
    })
}

/// The mailboxes these tests send from and to (and whose Sent, Drafts and INBOX they read).
fn mailboxes() -> dealbox_tests::mailboxes::MailboxGuard {
    dealbox_tests::mailboxes::shared(&["alice", "bob", "carol"])
}

fn t() -> Timeouts {
    Timeouts { connect: Duration::from_secs(10), io: Duration::from_secs(30) }
}

fn account_settings(user: &str, smtp_port: u16) -> NewAccount {
    NewAccount {
        name: user.into(),
        email: format!("{user}@example.test"),
        display_name: match user {
            "alice" => "Alice Ålund".into(),
            other => other.into(),
        },
        addresses: vec![],
        username: user.into(),
        imap: Endpoint { host: "127.0.0.1".into(), port: 10993, security: Security::Tls },
        smtp: Endpoint { host: "127.0.0.1".into(), port: smtp_port, security: Security::Tls },
        credential: Credential::Command(format!("echo {user}-pw")),
        trust_ca_pem: Some(ca_pem()),
        insecure: false,
        signature: String::new(),
        fetch_days: None,
        save_sent_copy: true,
        notify: true,
    }
}

fn profile(user: &str, smtp_port: u16) -> (tempfile::TempDir, Core, Account) {
    let dir = tempfile::tempdir().unwrap();
    let core = Core::open(dir.path(), Arc::new(MemorySecrets::default())).unwrap();
    let acc = core.accounts().add(&account_settings(user, smtp_port), None).unwrap();
    (dir, core, acc)
}

/// Raw messages in `folder` of `acc` whose Message-ID is `mid`, with their UIDs and flags.
/// Delivery through Postfix is asynchronous: poll (with a deadline) until the message is there; absent
/// messages are reported after the deadline.
async fn fetch_by_message_id(acc: &Account, folder: &str, mid: &str) -> Vec<(u32, Vec<String>, Vec<u8>)> {
    let deadline = std::time::Instant::now() + Duration::from_secs(15);
    loop {
        let found = fetch_once(acc, folder, mid).await;
        if !found.is_empty() || std::time::Instant::now() >= deadline {
            return found;
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

async fn fetch_once(acc: &Account, folder: &str, mid: &str) -> Vec<(u32, Vec<String>, Vec<u8>)> {
    let pw = dealbox_core::Sensitive::new(format!("{}-pw", acc.username));
    let mut s = imap::connect(acc, &pw, t()).await.unwrap();
    s.select(folder).await.unwrap();
    let uids = s.uid_search(format!("HEADER Message-ID \"<{mid}>\"")).await.unwrap();
    let mut out = vec![];
    for uid in uids {
        let msgs: Vec<_> =
            s.uid_fetch(uid.to_string(), "(UID FLAGS BODY.PEEK[])").await.unwrap().try_collect().await.unwrap();
        for m in msgs {
            let flags = m.flags().map(|f| format!("{f:?}")).collect();
            out.push((m.uid.unwrap_or(0), flags, m.body().unwrap_or_default().to_vec()));
        }
    }
    s.logout().await.ok();
    out
}

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

fn pseudo_random(n: usize, seed: u64) -> Vec<u8> {
    let mut x = seed | 1;
    (0..n)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rich_message_arrives_byte_for_byte_and_is_filed_once_in_sent() {
    let _mailboxes = mailboxes();
    let (dir, core, alice) = profile("alice", 10465);
    let (_d2, _c2, bob) = profile("bob", 10465);
    let pdf = pseudo_random(200_000, 7);
    let csv = "name,amount\nJörg,12\n".as_bytes().to_vec();
    let png = pseudo_random(3_000, 9);
    let d = Draft {
        to: vec!["Bob Bäcker <bob@example.test>".into()],
        subject: "Angebot für 2027 — ✓ Zusammenfassung".into(),
        text: "Hallo Bob,\nhier ist das Angebot.\n.\nEine Zeile mit Punkt.\n".into(),
        html: Some("<p>Hallo <b>Bob</b></p><img src=\"cid:logo@dealbox\">".into()),
        attachments: vec![
            AttachmentSource {
                path: write(dir.path(), "Angebot Größe.pdf", &pdf),
                filename: None,
                content_id: None,
                mime_type: None,
            },
            AttachmentSource {
                path: write(dir.path(), "zahlen.csv", &csv),
                filename: None,
                content_id: None,
                mime_type: None,
            },
            AttachmentSource {
                path: write(dir.path(), "logo.png", &png),
                filename: None,
                content_id: Some("logo@dealbox".into()),
                mime_type: None,
            },
        ],
        ..Default::default()
    };
    let (_, built) = outbox::enqueue(core.store(), &alice, &d).unwrap();
    let report = outbox::flush(&core, &alice, t()).await.unwrap();
    assert_eq!(report.sent, vec![built.message_id.clone()], "{report:?}");

    let got = fetch_by_message_id(&bob, "INBOX", &built.message_id).await;
    assert_eq!(got.len(), 1, "delivered exactly once");
    let parsed = mail_parser::MessageParser::default().parse(&got[0].2).unwrap();
    assert_eq!(parsed.subject(), Some("Angebot für 2027 — ✓ Zusammenfassung"));
    assert_eq!(parsed.from().unwrap().first().unwrap().name(), Some("Alice Ålund"));
    assert_eq!(parsed.to().unwrap().first().unwrap().name(), Some("Bob Bäcker"));
    assert_eq!(parsed.body_text(0).unwrap().replace("\r\n", "\n").trim_end(), d.text.trim_end());
    assert!(parsed.body_html(0).unwrap().contains("<b>Bob</b>"));
    use mail_parser::MimeHeaders;
    let atts: HashMap<String, String> =
        parsed.attachments().map(|a| (a.attachment_name().unwrap_or("").to_string(), sha(a.contents()))).collect();
    assert_eq!(atts.get("Angebot Größe.pdf"), Some(&sha(&pdf)));
    assert_eq!(atts.get("zahlen.csv"), Some(&sha(&csv)));
    assert_eq!(atts.get("logo.png"), Some(&sha(&png)));
    let inline = parsed.attachments().find(|a| a.attachment_name() == Some("logo.png")).unwrap();
    assert_eq!(inline.content_id(), Some("logo@dealbox"));

    let sent = fetch_by_message_id(&alice, "Sent", &built.message_id).await;
    assert_eq!(sent.len(), 1, "exactly one copy in Sent");
    assert_eq!(sha(&sent[0].2), sha(&built.raw), "the Sent copy is the message as sent");
    // Flushing again sends nothing and files nothing more.
    let again = outbox::flush(&core, &alice, t()).await.unwrap();
    assert!(again.sent.is_empty());
    assert_eq!(fetch_by_message_id(&alice, "Sent", &built.message_id).await.len(), 1);
    assert_eq!(fetch_by_message_id(&bob, "INBOX", &built.message_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_reply_threads_and_marks_the_original_answered() {
    let _mailboxes = mailboxes();
    let (_d1, bob_core, bob) = profile("bob", 10465);
    let (_d2, core, carol) = profile("carol", 10587);
    let mut carol_starttls = carol.clone();
    carol_starttls.smtp.security = Security::Starttls;
    // Bob writes to Carol.
    let (_, first) = outbox::enqueue(
        bob_core.store(),
        &bob,
        &Draft {
            to: vec!["carol@example.test".into()],
            subject: "Re: RE: Renewal".into(),
            text: "Shall we renew?\n".into(),
            ..Default::default()
        },
    )
    .unwrap();
    outbox::flush(&bob_core, &bob, t()).await.unwrap();
    // Carol's cache holds it (as the sync engine would store it).
    let got = fetch_by_message_id(&carol, "INBOX", &first.message_id).await;
    assert_eq!(got.len(), 1);
    let (uid, _, raw) = &got[0];
    let folder = cache::upsert_folder(core.store(), carol.id, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
    let ids = cache::store_messages(
        core.store(),
        carol.id,
        folder,
        &[cache::Fetched { uid: *uid, flags: vec![], modseq: None, size: raw.len() as u64, raw, internal_date: None }],
    )
    .unwrap();
    // Carol replies over STARTTLS (587).
    core.accounts()
        .update(carol.id, &NewAccount { smtp: carol_starttls.smtp.clone(), ..account_settings("carol", 10587) }, None)
        .unwrap();
    let carol = core.accounts().get(carol.id).unwrap();
    let mut d = reply::reply(core.store(), &carol, ids[0], false).unwrap();
    assert_eq!(d.subject, "Re: Renewal", "Re: is not doubled");
    assert_eq!(d.to, vec!["bob@example.test".to_string()]);
    d.text = format!("Yes.\n{}", d.text);
    let (_, built) = outbox::enqueue(core.store(), &carol, &d).unwrap();
    let r = outbox::flush(&core, &carol, t()).await.unwrap();
    assert_eq!(r.sent.len(), 1, "{r:?}");
    let arrived = fetch_by_message_id(&bob, "INBOX", &built.message_id).await;
    assert_eq!(arrived.len(), 1);
    let p = mail_parser::MessageParser::default().parse(&arrived[0].2).unwrap();
    assert_eq!(p.in_reply_to().as_text(), Some(first.message_id.as_str()));
    assert!(p.body_text(0).unwrap().contains("> Shall we renew?"));
    let original = fetch_by_message_id(&carol, "INBOX", &first.message_id).await;
    assert!(original[0].1.iter().any(|f| f.contains("Answered")), "flags: {:?}", original[0].1);
    assert_eq!(fetch_by_message_id(&carol, "Sent", &built.message_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn an_attachment_over_25_mb_is_refused_before_any_connection() {
    // A listener that counts connections stands in for the SMTP server.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let port = listener.local_addr().unwrap().port();
    let (dir, core, alice) = profile("alice", port);
    let big = dir.path().join("Präsentation.mp4");
    std::fs::File::create(&big).unwrap().set_len(26 * 1024 * 1024).unwrap();
    let d = Draft {
        to: vec!["bob@example.test".into()],
        subject: "video".into(),
        attachments: vec![AttachmentSource { path: big.clone(), filename: None, content_id: None, mime_type: None }],
        ..Default::default()
    };
    let before = d.clone();
    let err = outbox::enqueue(core.store(), &alice, &d).unwrap_err();
    assert_eq!(err.kind, ErrorKind::Limit);
    assert!(err.message.contains("Präsentation.mp4") && err.message.contains("26.0 MB"), "{err}");
    assert_eq!(d, before, "the draft is unchanged");
    assert!(outbox::list(core.store(), None).unwrap().is_empty(), "nothing queued");
    outbox::flush(&core, &alice, t()).await.unwrap();
    assert!(listener.accept().is_err(), "no connection was made");
}

#[tokio::test(flavor = "multi_thread")]
async fn with_the_server_unreachable_mail_waits_then_goes_exactly_once() {
    let _mailboxes = mailboxes();
    let closed = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let (_d, core, alice) = profile("alice", closed);
    let (_d2, _c2, carol) = profile("carol", 10465);
    let (id, built) = outbox::enqueue(
        core.store(),
        &alice,
        &Draft {
            to: vec!["carol@example.test".into()],
            subject: "offline".into(),
            text: "queued while offline".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert!(r.sent.is_empty() && r.waiting.len() == 1, "{r:?}");
    let item = outbox::list(core.store(), None).unwrap().into_iter().find(|i| i.id == id).unwrap();
    assert_eq!(item.state, outbox::OutboxState::Queued);
    assert!(item.last_error.unwrap().contains("refused the connection"));
    // The server is back: make the retry due now and point the account at it.
    core.store().conn().unwrap().execute("UPDATE outbox SET next_attempt_at = 0", []).unwrap();
    core.accounts().update(alice.id, &account_settings("alice", 10465), None).unwrap();
    let alice = core.accounts().get(alice.id).unwrap();
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert_eq!(r.sent, vec![built.message_id.clone()]);
    assert_eq!(fetch_by_message_id(&carol, "INBOX", &built.message_id).await.len(), 1);
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert!(r.sent.is_empty());
    assert_eq!(fetch_by_message_id(&carol, "INBOX", &built.message_id).await.len(), 1);
}

#[tokio::test(flavor = "multi_thread")]
async fn a_rejected_recipient_is_parked_with_the_servers_words() {
    let _mailboxes = mailboxes();
    let (_d, core, alice) = profile("alice", 10465);
    let (id, _) = outbox::enqueue(
        core.store(),
        &alice,
        &Draft {
            to: vec!["bob@example.test".into(), "no-such-user@example.test".into()],
            subject: "x".into(),
            ..Default::default()
        },
    )
    .unwrap();
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert_eq!(r.parked.len(), 1, "{r:?}");
    let item = outbox::list(core.store(), None).unwrap().into_iter().find(|i| i.id == id).unwrap();
    assert_eq!(item.state, outbox::OutboxState::Parked);
    let why = item.last_error.unwrap();
    assert!(why.contains("no-such-user@example.test") && why.contains("550"), "{why}");
    assert!(why.contains("nothing was sent"), "{why}");
}

#[test]
fn header_injection_is_rejected() {
    let (_d, core, alice) = profile("alice", 10465);
    for d in [
        Draft {
            to: vec!["bob@example.test".into()],
            subject: "hi\r\nBcc: evil@example.test".into(),
            ..Default::default()
        },
        Draft { to: vec!["Bob\r\nBcc: evil@example.test <bob@example.test>".into()], ..Default::default() },
        Draft { to: vec!["bob@example.test\nBcc: evil@example.test".into()], ..Default::default() },
    ] {
        let e = outbox::enqueue(core.store(), &alice, &d).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Config, "{e}");
    }
    assert!(outbox::list(core.store(), None).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn drafts_replace_their_server_copy_and_vanish_after_sending() {
    let _mailboxes = mailboxes();
    use dealbox_core::send::drafts;
    let (dir, core, alice) = profile("alice", 10465);
    let mut d = Draft { subject: "Draft in progress".into(), text: "first words".into(), ..Default::default() };
    let id = drafts::save(core.store(), alice.id, None, &d).unwrap();
    assert_eq!(drafts::upload(&core, &alice, t()).await.unwrap(), 1);
    let first_mid: String = core
        .store()
        .conn()
        .unwrap()
        .query_row("SELECT server_message_id FROM drafts WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_eq!(fetch_by_message_id(&alice, "Drafts", &first_mid).await.len(), 1);

    d.to = vec!["bob@example.test".into()];
    d.text = "first words, then more".into();
    drafts::save(core.store(), alice.id, Some(id), &d).unwrap();
    drafts::upload(&core, &alice, t()).await.unwrap();
    let second_mid: String = core
        .store()
        .conn()
        .unwrap()
        .query_row("SELECT server_message_id FROM drafts WHERE id = ?1", [id], |r| r.get(0))
        .unwrap();
    assert_ne!(first_mid, second_mid);
    assert!(fetch_by_message_id(&alice, "Drafts", &first_mid).await.is_empty(), "the old version is replaced");
    let on_server = fetch_by_message_id(&alice, "Drafts", &second_mid).await;
    assert_eq!(on_server.len(), 1);
    assert!(on_server[0].1.iter().any(|f| f.contains("Draft")));

    // A 26 MB attachment: refused, and the draft stays exactly as it was.
    let big = dir.path().join("huge.zip");
    std::fs::File::create(&big).unwrap().set_len(26 * 1024 * 1024).unwrap();
    let mut with_big = d.clone();
    with_big.attachments.push(AttachmentSource { path: big, filename: None, content_id: None, mime_type: None });
    drafts::save(core.store(), alice.id, Some(id), &with_big).unwrap();
    let e = drafts::send(core.store(), &alice, id).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit);
    assert_eq!(drafts::get(core.store(), id).unwrap(), with_big);

    drafts::save(core.store(), alice.id, Some(id), &d).unwrap();
    drafts::send(core.store(), &alice, id).unwrap();
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert_eq!(r.sent.len(), 1);
    drafts::upload(&core, &alice, t()).await.unwrap();
    assert!(fetch_by_message_id(&alice, "Drafts", &second_mid).await.is_empty(), "removed after sending");
    assert!(drafts::list(core.store(), None).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn a_message_over_the_servers_size_limit_is_parked_before_upload() {
    let _mailboxes = mailboxes();
    // Postfix here advertises SIZE 52428800; two 20 MB attachments are ~55 MB once base64-encoded.
    let (dir, core, alice) = profile("alice", 10465);
    let a = write(dir.path(), "part-a.bin", &pseudo_random(20 * 1024 * 1024, 3));
    let b = write(dir.path(), "part-b.bin", &pseudo_random(20 * 1024 * 1024, 5));
    let d = Draft {
        to: vec!["bob@example.test".into()],
        subject: "too big together".into(),
        attachments: [a, b]
            .into_iter()
            .map(|path| AttachmentSource { path, filename: None, content_id: None, mime_type: None })
            .collect(),
        ..Default::default()
    };
    let (id, built) = outbox::enqueue(core.store(), &alice, &d).unwrap();
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert_eq!(r.parked.len(), 1, "{r:?}");
    let item = outbox::list(core.store(), None).unwrap().into_iter().find(|i| i.id == id).unwrap();
    let why = item.last_error.unwrap();
    assert!(why.contains("at most 52428800 bytes") && why.contains(&built.raw.len().to_string()), "{why}");
    let (_d2, _c2, bob) = profile("bob", 10465);
    assert!(fetch_by_message_id(&bob, "INBOX", &built.message_id).await.is_empty());
}

#[tokio::test(flavor = "multi_thread")]
async fn forwarding_inline_and_as_attachment_carries_the_original() {
    let _mailboxes = mailboxes();
    let (_d1, bob_core, bob) = profile("bob", 10465);
    let (dir, core, alice) = profile("alice", 10465);
    let (_d3, _c3, carol) = profile("carol", 10465);
    let original = Draft {
        to: vec!["alice@example.test".into()],
        subject: "Quote for Q3".into(),
        text: "The quote is 12,000 EUR.\n".into(),
        ..Default::default()
    };
    let (_, first) = outbox::enqueue(bob_core.store(), &bob, &original).unwrap();
    outbox::flush(&bob_core, &bob, t()).await.unwrap();
    let got = fetch_by_message_id(&alice, "INBOX", &first.message_id).await;
    let (uid, _, raw) = &got[0];
    let folder = cache::upsert_folder(core.store(), alice.id, "INBOX", "Inbox", Some("/"), Some("inbox")).unwrap();
    let ids = cache::store_messages(
        core.store(),
        alice.id,
        folder,
        &[cache::Fetched { uid: *uid, flags: vec![], modseq: None, size: raw.len() as u64, raw, internal_date: None }],
    )
    .unwrap();

    let mut inline = reply::forward(core.store(), ids[0], false, dir.path()).unwrap();
    assert_eq!(inline.subject, "Fwd: Quote for Q3");
    inline.to = vec!["carol@example.test".into()];
    let (_, fwd1) = outbox::enqueue(core.store(), &alice, &inline).unwrap();

    let mut attached = reply::forward(core.store(), ids[0], true, dir.path()).unwrap();
    attached.to = vec!["carol@example.test".into()];
    let (_, fwd2) = outbox::enqueue(core.store(), &alice, &attached).unwrap();
    let r = outbox::flush(&core, &alice, t()).await.unwrap();
    assert_eq!(r.sent.len(), 2, "{r:?}");

    let m1 = fetch_by_message_id(&carol, "INBOX", &fwd1.message_id).await;
    let p1 = mail_parser::MessageParser::default().parse(&m1[0].2).unwrap();
    let text = p1.body_text(0).unwrap();
    assert!(text.contains("Forwarded message") && text.contains("The quote is 12,000 EUR."), "{text}");

    let m2 = fetch_by_message_id(&carol, "INBOX", &fwd2.message_id).await;
    let p2 = mail_parser::MessageParser::default().parse(&m2[0].2).unwrap();
    use mail_parser::MimeHeaders;
    let part = p2.attachments().next().expect("the original is attached");
    assert_eq!(part.content_type().map(|c| c.ctype()), Some("message"));
    let inner = part.message().expect("attached as message/rfc822");
    assert_eq!(inner.subject(), Some("Quote for Q3"));
    assert_eq!(inner.message_id(), Some(first.message_id.as_str()));
}
