//! vCard 2.1, 3.0 and 4.0 (RFC 2426, RFC 6350): the parts a CRM contact needs.
//!
//! Real exporters differ: Apple groups properties (`item1.EMAIL`), Outlook writes 2.1 with bare
//! parameters (`TEL;WORK;VOICE:`) and quoted-printable with soft line breaks, Google writes 3.0 with
//! `TYPE=`, Thunderbird and Nextcloud write 4.0 with `VALUE=uri` and `mailto:`/`tel:` values.

use mail_parser::{MessageParser, MimeHeaders};
use serde::Serialize;

/// One card.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct VCard {
    /// The line of its BEGIN:VCARD (1-based).
    pub line: usize,
    pub name: String,
    pub emails: Vec<String>,
    pub phones: Vec<String>,
    pub org: Option<String>,
    pub title: Option<String>,
}

/// A card that could not be read, by the line of its BEGIN:VCARD.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CardError {
    pub line: usize,
    pub message: String,
}

/// One logical line after unfolding, with the physical line it started on.
struct Logical {
    line: usize,
    text: String,
}

fn unfold(text: &str) -> Vec<Logical> {
    let mut out: Vec<Logical> = Vec::new();
    let mut qp_continues = false;
    for (i, raw) in text.split('\n').enumerate() {
        let l = raw.strip_suffix('\r').unwrap_or(raw);
        if qp_continues {
            if let Some(last) = out.last_mut() {
                last.text.pop(); // the soft break '='
                last.text.push_str(l);
                qp_continues = is_qp(&last.text) && last.text.ends_with('=');
                continue;
            }
        }
        if (l.starts_with(' ') || l.starts_with('\t')) && !out.is_empty() {
            if let Some(last) = out.last_mut() {
                last.text.push_str(&l[1..]);
                qp_continues = is_qp(&last.text) && last.text.ends_with('=');
            }
            continue;
        }
        if l.trim().is_empty() {
            continue;
        }
        out.push(Logical { line: i + 1, text: l.to_string() });
        qp_continues = is_qp(l) && l.ends_with('=');
    }
    out
}

fn is_qp(line: &str) -> bool {
    let head = line.split(':').next().unwrap_or("").to_ascii_uppercase();
    head.contains("QUOTED-PRINTABLE")
}

/// Split `group.NAME;P1;P2=x:value` into (NAME, params, value).
fn split_property(l: &str) -> Option<(String, Vec<String>, String)> {
    // The colon that ends the name and parameters is the first one outside double quotes.
    let mut in_quotes = false;
    let mut colon = None;
    for (i, c) in l.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            ':' if !in_quotes => {
                colon = Some(i);
                break;
            }
            _ => {}
        }
    }
    let colon = colon?;
    let (head, value) = (&l[..colon], &l[colon + 1..]);
    let mut parts = head.split(';');
    let name = parts.next()?.trim();
    let name = name.rsplit_once('.').map(|(_, n)| n).unwrap_or(name).to_ascii_uppercase();
    let params = parts.map(|p| p.trim().to_ascii_uppercase()).collect();
    Some((name, params, value.to_string()))
}

fn qp_decode(s: &str) -> Vec<u8> {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'=' {
            let hex = b
                .get(i + 1..i + 3)
                .and_then(|h| std::str::from_utf8(h).ok())
                .and_then(|h| u8::from_str_radix(h, 16).ok());
            if let Some(v) = hex {
                out.push(v);
                i += 3;
                continue;
            }
        }
        out.push(b[i]);
        i += 1;
    }
    out
}

fn decode_bytes(bytes: Vec<u8>, charset: Option<&str>) -> String {
    let latin = matches!(charset, Some(c) if c.contains("8859-1") || c.contains("1252") || c.contains("LATIN"));
    if !latin {
        if let Ok(s) = String::from_utf8(bytes.clone()) {
            return s;
        }
    }
    bytes.into_iter().map(char::from).collect()
}

fn unescape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c == '\\' {
            match chars.next() {
                Some('n') | Some('N') => out.push(' '),
                Some(o) => out.push(o),
                None => {}
            }
        } else {
            out.push(c);
        }
    }
    out.trim().to_string()
}

/// Split a structured value on unescaped `;`.
fn components(s: &str) -> Vec<String> {
    let mut out = vec![String::new()];
    let mut esc = false;
    for c in s.chars() {
        match (esc, c) {
            (false, '\\') => {
                esc = true;
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
            (false, ';') => out.push(String::new()),
            _ => {
                esc = false;
                if let Some(last) = out.last_mut() {
                    last.push(c);
                }
            }
        }
    }
    out.into_iter().map(|c| unescape(&c)).collect()
}

fn value_of(params: &[String], raw: &str) -> String {
    let qp = params.iter().any(|p| p == "QUOTED-PRINTABLE" || p == "ENCODING=QUOTED-PRINTABLE");
    let charset = params.iter().find_map(|p| p.strip_prefix("CHARSET=")).map(|c| c.trim_matches('"'));
    if qp {
        decode_bytes(qp_decode(raw), charset)
    } else {
        raw.to_string()
    }
}

/// Parse every card in `text`. Cards that cannot be read are reported by line and skipped.
pub fn parse(text: &str) -> (Vec<VCard>, Vec<CardError>) {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut cards = Vec::new();
    let mut errors = Vec::new();
    let mut cur: Option<(VCard, Option<Vec<String>>)> = None;
    for l in unfold(text) {
        let Some((name, params, raw)) = split_property(&l.text) else {
            if cur.is_some() {
                continue; // a stray line inside a card (e.g. base64 photo data without folding)
            }
            errors.push(CardError { line: l.line, message: "a line outside any BEGIN:VCARD … END:VCARD".into() });
            continue;
        };
        match name.as_str() {
            "BEGIN" if raw.trim().eq_ignore_ascii_case("VCARD") => {
                if let Some((c, _)) = cur.take() {
                    errors.push(CardError { line: c.line, message: "the card has no END:VCARD".into() });
                }
                cur = Some((VCard { line: l.line, ..Default::default() }, None));
            }
            "END" if raw.trim().eq_ignore_ascii_case("VCARD") => match cur.take() {
                Some((mut c, n)) => {
                    if c.name.is_empty() {
                        if let Some(n) = n {
                            // N: family; given; additional; prefix; suffix
                            let given = n.get(1).cloned().unwrap_or_default();
                            let family = n.first().cloned().unwrap_or_default();
                            c.name = format!("{given} {family}").trim().to_string();
                        }
                    }
                    if c.name.is_empty() && c.emails.is_empty() {
                        errors.push(CardError {
                            line: c.line,
                            message: "the card has neither a name nor an email address".into(),
                        });
                    } else {
                        cards.push(c);
                    }
                }
                None => errors.push(CardError { line: l.line, message: "END:VCARD without BEGIN:VCARD".into() }),
            },
            _ => {
                let Some((c, n)) = cur.as_mut() else {
                    errors.push(CardError {
                        line: l.line,
                        message: "a property outside any BEGIN:VCARD … END:VCARD".into(),
                    });
                    continue;
                };
                let v = value_of(&params, &raw);
                match name.as_str() {
                    "FN" => c.name = unescape(&v),
                    "N" => *n = Some(components(&v)),
                    "EMAIL" => {
                        let e = unescape(&v);
                        let e = e.strip_prefix("mailto:").unwrap_or(&e).trim().to_string();
                        if !e.is_empty() && !c.emails.contains(&e) {
                            c.emails.push(e);
                        }
                    }
                    "TEL" => {
                        let t = unescape(&v);
                        let t = t.strip_prefix("tel:").unwrap_or(&t).trim().to_string();
                        if !t.is_empty() && !c.phones.contains(&t) {
                            c.phones.push(t);
                        }
                    }
                    "ORG" => c.org = components(&v).into_iter().next().filter(|o| !o.is_empty()),
                    "TITLE" => c.title = Some(unescape(&v)).filter(|t| !t.is_empty()),
                    _ => {}
                }
            }
        }
    }
    if let Some((c, _)) = cur {
        errors.push(CardError { line: c.line, message: "the card has no END:VCARD".into() });
    }
    (cards, errors)
}

/// The vCard attachments of a raw message, as text.
pub fn attachments_of(raw: &[u8]) -> Vec<String> {
    std::panic::catch_unwind(|| {
        let Some(m) = MessageParser::default().parse(raw) else {
            return vec![];
        };
        m.attachments()
            .filter(|part| {
                let ct = part
                    .content_type()
                    .map(|c| format!("{}/{}", c.ctype(), c.subtype().unwrap_or("")).to_ascii_lowercase())
                    .unwrap_or_default();
                let vcf_name = part.attachment_name().is_some_and(|n| n.to_ascii_lowercase().ends_with(".vcf"));
                matches!(ct.as_str(), "text/vcard" | "text/x-vcard" | "text/directory" | "application/vcard")
                    || vcf_name
            })
            .map(|part| String::from_utf8_lossy(part.contents()).into_owned())
            .filter(|t| t.to_ascii_uppercase().contains("BEGIN:VCARD"))
            .collect()
    })
    .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn apple_groups_and_google_types_are_read() {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Doe;Jane;;;\r\nFN:Jane Doe\r\nORG:Acme Inc.;Sales\r\n\
item1.EMAIL;type=INTERNET;type=pref:jane@acme.test\r\nEMAIL;TYPE=HOME:jane@home.test\r\n\
TEL;type=CELL;type=VOICE;type=pref:+1 555 0100\r\nEND:VCARD\r\n";
        let (cards, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(cards.len(), 1);
        assert_eq!(cards[0].name, "Jane Doe");
        assert_eq!(cards[0].emails, vec!["jane@acme.test", "jane@home.test"]);
        assert_eq!(cards[0].phones, vec!["+1 555 0100"]);
        assert_eq!(cards[0].org.as_deref(), Some("Acme Inc."));
    }

    #[test]
    fn outlook_quoted_printable_with_soft_breaks() {
        let text =
            "BEGIN:VCARD\r\nVERSION:2.1\r\nN;CHARSET=utf-8;ENCODING=QUOTED-PRINTABLE:M=C3=BCller;J=C3=B6=\r\nrg\r\n\
EMAIL;PREF;INTERNET:joerg@mueller.test\r\nEND:VCARD\r\n";
        let (cards, errors) = parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(cards[0].name, "Jörg Müller");
    }

    #[test]
    fn broken_cards_are_reported_by_line() {
        let text = "BEGIN:VCARD\nVERSION:4.0\nNOTE:nobody\nEND:VCARD\nBEGIN:VCARD\nFN:Ann\n";
        let (cards, errors) = parse(text);
        assert!(cards.is_empty());
        assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), vec![1, 5]);
    }
}
