//! The CRM group of the search box: contacts and companies matching what was typed.

use serde::Serialize;

use super::syntax::parse_query;
use crate::crm::sqlite::SqliteCrm;
use crate::crm::{EntityKind, RecordRepo};
use crate::error::Result;
use crate::store::Store;

/// A CRM contact or company matching the search box.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
/// (free words and from:/to: values; every word must match), companies first. Operators alone find none.
/// The matching is the CRM's one search, [`RecordRepo::find_records`].
pub fn search_crm(store: &Store, q: &str, limit: u32) -> Result<Vec<CrmHit>> {
    let words = parse_query(q).people_words();
    let conn = store.conn()?;
    let crm = SqliteCrm::new(&conn);
    let mut out = vec![];
    for e in crm.find_records(&words, &[EntityKind::Company, EntityKind::Contact], limit)? {
        let hit = match e.kind {
            EntityKind::Company => crm.company(e.id)?.map(|c| CrmHit {
                kind: "company".into(),
                id: c.id,
                name: c.name,
                detail: c.domains.into_iter().next().unwrap_or_default(),
                company: None,
            }),
            EntityKind::Contact => crm.contact(e.id)?.map(|c| CrmHit {
                kind: "contact".into(),
                id: c.id,
                name: c.name,
                detail: c.addresses.into_iter().next().unwrap_or_default(),
                company: c.company_name,
            }),
            EntityKind::Lead | EntityKind::Deal => None,
        };
        out.extend(hit);
    }
    Ok(out)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::crm::{EntityRef, NewLead};
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

    #[test]
    fn the_repos_search_finds_every_kind_by_each_word_with_wildcards_literal() {
        let store = threads();
        let conn = store.conn().unwrap();
        conn.execute_batch(
            "INSERT INTO crm_contacts (id, name, created_at, updated_at) VALUES (1, 'Jane Roe', 0, 0);
             INSERT INTO crm_contact_addresses (address, contact_id) VALUES ('jane_r@acme.test', 1);",
        )
        .unwrap();
        let crm = SqliteCrm::new(&conn);
        let lead = NewLead {
            title: "Renewal 100% discount".into(),
            name: "Pat Doe".into(),
            address: "pat@newclient.test".into(),
            company_name: String::new(),
            source: String::new(),
            status: crate::crm::Status::InProgress,
            returning_customer: false,
            responsible_id: None,
            account_id: None,
        };
        let lead = crm.add_lead(&lead, 0).unwrap();
        let found =
            |q: &str| -> Vec<EntityRef> { crm.search_records(q, 10).unwrap().into_iter().map(|h| h.entity).collect() };
        let lead = EntityRef::new(EntityKind::Lead, lead);
        let jane = EntityRef::new(EntityKind::Contact, 1);
        assert_eq!(found("pat@newclient.test"), vec![lead]);
        assert_eq!(found("discount"), vec![lead], "any word of the title");
        assert_eq!(found("Doe renewal"), vec![lead], "every word, in any field order");
        assert!(found("doe jane").is_empty());
        assert_eq!(found("100%"), vec![lead]);
        assert!(found("10%").is_empty(), "% is literal");
        assert_eq!(found("jane_r@"), vec![jane]);
        assert!(found("jane_x").is_empty(), "_ is literal");
        assert!(found("   ").is_empty());
    }
}
