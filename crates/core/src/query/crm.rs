//! The CRM group of the search box: contacts and companies matching what was typed.

use serde::Serialize;

use super::syntax::parse_query;
use crate::error::Result;
use crate::store::Store;

/// A CRM contact or company matching the search box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct CrmHit {
    /// "contact" or "company".
    pub kind: String,
    pub id: i64,
    pub name: String,
    /// The contact's first address, or the company's first domain.
    pub detail: String,
    /// The contact's company.
    pub company: Option<String>,
}

/// Contacts and companies whose name (any word of it), address or domain starts with the query's words
/// (free words and from:/to: values; every word must match). Operators alone find none.
pub fn search_crm(store: &Store, q: &str, limit: u32) -> Result<Vec<CrmHit>> {
    let words: Vec<String> =
        parse_query(q).people_words().iter().map(|w| w.to_lowercase()).filter(|w| !w.trim().is_empty()).collect();
    if words.is_empty() {
        return Ok(vec![]);
    }
    let conn = store.conn()?;
    let mut contact_sql = String::from(
        "SELECT c.id, c.name, coalesce((SELECT a.address FROM crm_contact_addresses a WHERE a.contact_id = c.id \
         ORDER BY a.position LIMIT 1), ''), co.name FROM crm_contacts c LEFT JOIN crm_companies co ON co.id = c.company_id \
         WHERE 1",
    );
    let mut company_sql = String::from(
        "SELECT co.id, co.name, coalesce((SELECT d.domain FROM crm_company_domains d WHERE d.company_id = co.id \
         ORDER BY d.domain LIMIT 1), ''), NULL FROM crm_companies co WHERE 1",
    );
    for w in &words {
        let mut esc = String::new();
        for c in w.chars() {
            if matches!(c, '%' | '_' | '\\') {
                esc.push('\\');
            }
            esc.push(c);
        }
        let start = sql_lit(&format!("{esc}%"));
        let inner = sql_lit(&format!("% {esc}%"));
        contact_sql.push_str(&format!(
            " AND (lower(c.name) LIKE {start} ESCAPE '\\' OR lower(c.name) LIKE {inner} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM crm_contact_addresses a WHERE a.contact_id = c.id AND a.address LIKE {start} ESCAPE '\\'))"
        ));
        company_sql.push_str(&format!(
            " AND (lower(co.name) LIKE {start} ESCAPE '\\' OR lower(co.name) LIKE {inner} ESCAPE '\\' \
             OR EXISTS (SELECT 1 FROM crm_company_domains d WHERE d.company_id = co.id AND d.domain LIKE {start} ESCAPE '\\'))"
        ));
    }
    contact_sql.push_str(" ORDER BY c.name COLLATE NOCASE LIMIT ?1");
    company_sql.push_str(" ORDER BY co.name COLLATE NOCASE LIMIT ?1");
    let mut out = vec![];
    for (sql, kind) in [(company_sql, "company"), (contact_sql, "contact")] {
        let mut st = conn.prepare(&sql)?;
        let hits = st.query_map([limit], |r| {
            Ok(CrmHit { kind: kind.into(), id: r.get(0)?, name: r.get(1)?, detail: r.get(2)?, company: r.get(3)? })
        })?;
        for h in hits {
            out.push(h?);
        }
    }
    out.truncate(limit as usize);
    Ok(out)
}

/// A SQL string literal (single quotes doubled); only for values we embed in generated SQL.
fn sql_lit(s: &str) -> String {
    format!("'{}'", s.replace('\'', "''"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::query::fixtures::threads;

    #[test]
    fn crm_search_finds_contacts_and_companies_by_word_address_or_domain() {
        let store = threads();
        let conn = store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO crm_companies (id, name, created_at, updated_at) VALUES (1, 'ACME Corp', 0, 0), (2, 'Hooli', 0, 0);
             INSERT INTO crm_company_domains (domain, company_id) VALUES ('acme.test', 1);
             INSERT INTO crm_contacts (id, name, company_id, created_at, updated_at) VALUES (1, 'Jane Roe', 1, 0, 0),
               (2, 'Tom O''Brien', 2, 0, 0);
             INSERT INTO crm_contact_addresses (address, contact_id) VALUES ('jane@acme.test', 1), ('tom@hooli.test', 2);",
        )
        .unwrap();
        drop(conn);
        let hits = search_crm(&store, "roe", 10).unwrap();
        assert_eq!(hits.len(), 1);
        assert_eq!((hits[0].kind.as_str(), hits[0].name.as_str()), ("contact", "Jane Roe"));
        assert_eq!(hits[0].detail, "jane@acme.test");
        assert_eq!(hits[0].company.as_deref(), Some("ACME Corp"));
        let acme: Vec<(String, String)> =
            search_crm(&store, "acme", 10).unwrap().into_iter().map(|h| (h.kind, h.name)).collect();
        assert_eq!(acme, vec![("company".into(), "ACME Corp".into())]);
        assert_eq!(search_crm(&store, "from:tom@", 10).unwrap()[0].name, "Tom O'Brien");
        assert!(search_crm(&store, "is:unread", 10).unwrap().is_empty());
        assert!(search_crm(&store, "jane hooli", 10).unwrap().is_empty());
    }
}
