//! Address suggestions for the To/Cc/Bcc fields: CRM contacts first, then people we recently exchanged
//! mail with (senders of cached messages and recipients of our sent mail), newest first.

use rusqlite::params;
use serde::Serialize;

use crate::error::Result;
use crate::store::Store;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Suggestion {
    pub name: String,
    pub address: String,
    /// The contact's company, for CRM contacts.
    pub company: Option<String>,
    /// "contact" (from the CRM) or "recent" (from cached mail).
    pub source: &'static str,
}

/// `%text%` for LIKE, with the wildcards of `text` escaped (ESCAPE '\').
fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

/// Up to `limit` suggestions whose name or address contains `text` (case-insensitive). Our own addresses
/// (`exclude`) are left out; an address appears once.
pub fn suggest(store: &Store, text: &str, exclude: &[String], limit: usize) -> Result<Vec<Suggestion>> {
    let text = text.trim();
    if text.is_empty() || limit == 0 {
        return Ok(vec![]);
    }
    let pat = like_pattern(text);
    let conn = store.conn()?;
    let mut out: Vec<Suggestion> = Vec::new();
    let push = |out: &mut Vec<Suggestion>, s: Suggestion| {
        let known = |a: &str| a.eq_ignore_ascii_case(&s.address);
        if s.address.is_empty() || exclude.iter().any(|e| known(e)) || out.iter().any(|o| known(&o.address)) {
            return;
        }
        out.push(s);
    };
    let mut st = conn.prepare(
        "SELECT c.name, a.address, co.name FROM crm_contact_addresses a \
         JOIN crm_contacts c ON c.id = a.contact_id \
         LEFT JOIN crm_companies co ON co.id = c.company_id \
         WHERE a.address LIKE ?1 ESCAPE '\\' OR c.name LIKE ?1 ESCAPE '\\' \
         ORDER BY c.name COLLATE NOCASE, a.position LIMIT ?2",
    )?;
    let contacts = st
        .query_map(params![pat, limit as i64], |r| {
            Ok(Suggestion { name: r.get(0)?, address: r.get(1)?, company: r.get(2)?, source: "contact" })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for s in contacts {
        push(&mut out, s);
    }
    if out.len() >= limit {
        out.truncate(limit);
        return Ok(out);
    }
    // Senders of cached mail, and recipients of what we sent, by the newest message.
    let mut st = conn.prepare(
        "SELECT name, addr, MAX(date) AS last FROM ( \
           SELECT from_name AS name, from_addr AS addr, date FROM messages \
           WHERE from_addr LIKE ?1 ESCAPE '\\' OR from_name LIKE ?1 ESCAPE '\\' \
           UNION ALL \
           SELECT json_extract(j.value, '$.name'), json_extract(j.value, '$.addr'), m.date \
           FROM messages m JOIN folders f ON f.id = m.folder_id AND f.role = 'sent', json_each(m.to_json) j \
           WHERE json_extract(j.value, '$.addr') LIKE ?1 ESCAPE '\\' OR json_extract(j.value, '$.name') LIKE ?1 ESCAPE '\\' \
         ) GROUP BY lower(addr) ORDER BY last DESC LIMIT ?2",
    )?;
    let recent = st
        .query_map(params![pat, (limit * 2) as i64], |r| {
            Ok(Suggestion {
                name: r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                address: r.get::<_, Option<String>>(1)?.unwrap_or_default(),
                company: None,
                source: "recent",
            })
        })?
        .collect::<rusqlite::Result<Vec<_>>>()?;
    for s in recent {
        push(&mut out, s);
    }
    out.truncate(limit);
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn like_wildcards_in_the_typed_text_are_literal() {
        assert_eq!(like_pattern("a_b%c"), "%a\\_b\\%c%");
    }
}
