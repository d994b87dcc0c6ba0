//! Contacts, companies, leads and deals in SQLite.

use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, OptionalExtension, Row};

use super::{clean_addresses, SqliteCrm};
use crate::crm::model::*;
use crate::crm::repo::RecordRepo;
use crate::error::{Error, Result};
use crate::store::like_escape;

const LEAD_COLS: &str = r"id, title, name, address, company_name, source, status, returning_customer, responsible_id,
                         account_id, created_at";

fn lead_row(r: &Row<'_>) -> rusqlite::Result<Lead> {
    let status: String = r.get(6)?;
    Ok(Lead {
        id: r.get(0)?,
        title: r.get(1)?,
        name: r.get(2)?,
        address: r.get(3)?,
        company_name: r.get(4)?,
        source: r.get(5)?,
        status: status.parse().unwrap_or(Status::InProgress),
        returning_customer: r.get(7)?,
        responsible_id: r.get(8)?,
        account_id: r.get(9)?,
        created_at: r.get(10)?,
    })
}

/// The query of [`RecordRepo::find_records`] for one kind of record and `n` words: `?1` is the limit, word `k`
/// binds its prefix pattern (`w%`) to `?(2 + 2k)` and its inner-word pattern (`% w%`) to `?(3 + 2k)`. A record
/// matches when every word starts its name (any word of it), its address or domain, or its title.
fn record_search_sql(kind: EntityKind, n: usize) -> String {
    type Matches = fn(&str, &str) -> String;
    let (from, order, matches): (&str, &str, Matches) = match kind {
        EntityKind::Contact => ("SELECT c.id FROM crm_contacts c", "c.name COLLATE NOCASE, c.id", |s, i| {
            format!(
                r"lower(c.name) LIKE {s} ESCAPE '\' OR lower(c.name) LIKE {i} ESCAPE '\'
      OR EXISTS (SELECT 1 FROM crm_contact_addresses a WHERE a.contact_id = c.id AND a.address LIKE {s} ESCAPE '\')"
            )
        }),
        EntityKind::Company => ("SELECT co.id FROM crm_companies co", "co.name COLLATE NOCASE, co.id", |s, i| {
            format!(
                r"lower(co.name) LIKE {s} ESCAPE '\' OR lower(co.name) LIKE {i} ESCAPE '\'
      OR EXISTS (SELECT 1 FROM crm_company_domains d WHERE d.company_id = co.id AND d.domain LIKE {s} ESCAPE '\')"
            )
        }),
        EntityKind::Lead => ("SELECT l.id FROM crm_leads l", "l.title COLLATE NOCASE, l.id", |s, i| {
            format!(
                r"lower(l.title) LIKE {s} ESCAPE '\' OR lower(l.title) LIKE {i} ESCAPE '\'
      OR lower(l.name) LIKE {s} ESCAPE '\' OR lower(l.name) LIKE {i} ESCAPE '\' OR l.address LIKE {s} ESCAPE '\'"
            )
        }),
        EntityKind::Deal => ("SELECT d.id FROM crm_deals d", "d.title COLLATE NOCASE, d.id", |s, i| {
            format!(r"lower(d.title) LIKE {s} ESCAPE '\' OR lower(d.title) LIKE {i} ESCAPE '\'")
        }),
    };
    let words: Vec<String> =
        (0..n).map(|k| format!("({})", matches(&format!("?{}", 2 + 2 * k), &format!("?{}", 3 + 2 * k)))).collect();
    format!("{from}\nWHERE {}\nORDER BY {order}\nLIMIT ?1", words.join("\n  AND "))
}

const DEAL_COLS: &str = r"d.id, d.title, s.name, s.meaning, d.amount_minor, d.currency, d.contact_id, d.company_id,
                         d.lead_id, d.responsible_id, d.updated_at";

fn deal_row(r: &Row<'_>) -> rusqlite::Result<Deal> {
    let meaning: String = r.get(3)?;
    Ok(Deal {
        id: r.get(0)?,
        title: r.get(1)?,
        stage: r.get(2)?,
        meaning: meaning.parse().unwrap_or(Status::InProgress),
        amount_minor: r.get(4)?,
        currency: r.get(5)?,
        contact_id: r.get(6)?,
        company_id: r.get(7)?,
        lead_id: r.get(8)?,
        responsible_id: r.get(9)?,
        updated_at: r.get(10)?,
    })
}

fn clean_domain(d: &str) -> Result<String> {
    let d = d.trim().trim_start_matches('@').trim_end_matches('.').to_lowercase();
    let d = d.strip_prefix("www.").unwrap_or(&d).to_string();
    if d.is_empty() || !d.contains('.') || d.chars().any(|c| c.is_whitespace() || "/@:".contains(c)) {
        return Err(Error::config(format!("'{d}' is not a domain (write it like acme.test)")));
    }
    Ok(d)
}

impl SqliteCrm<'_> {
    fn strings(&self, sql: &str, id: i64) -> Result<Vec<String>> {
        Ok(self.conn.prepare_cached(sql)?.query_map([id], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?)
    }

    fn ids(&self, sql: &str, limit: u32, offset: u32) -> Result<Vec<i64>> {
        Ok(self
            .conn
            .prepare_cached(sql)?
            .query_map(params![limit, offset], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?)
    }
}

impl RecordRepo for SqliteCrm<'_> {
    fn add_company(&self, c: &NewCompany, now: i64) -> Result<i64> {
        if c.name.trim().is_empty() {
            return Err(Error::config("a company needs a name"));
        }
        let domains = c.domains.iter().map(|d| clean_domain(d)).collect::<Result<Vec<_>>>()?;
        let addresses = clean_addresses(&c.addresses)?;
        self.conn.execute(
            "INSERT INTO crm_companies (name, responsible_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?3)",
            params![c.name.trim(), c.responsible_id, now],
        )?;
        let id = self.conn.last_insert_rowid();
        for d in domains {
            self.add_company_domain(id, &d)?;
        }
        for a in addresses {
            self.conn.execute(
                "INSERT OR IGNORE INTO crm_company_addresses (address, company_id) VALUES (?1, ?2)",
                params![a, id],
            )?;
        }
        Ok(id)
    }

    fn add_company_domain(&self, company_id: i64, domain: &str) -> Result<()> {
        let d = clean_domain(domain)?;
        self.conn
            .prepare_cached("INSERT OR IGNORE INTO crm_company_domains (domain, company_id) VALUES (?1, ?2)")?
            .execute(params![d, company_id])?;
        Ok(())
    }

    fn company(&self, id: i64) -> Result<Option<Company>> {
        let row = self
            .conn
            .prepare_cached("SELECT id, name, responsible_id FROM crm_companies WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(Company {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    domains: vec![],
                    addresses: vec![],
                    responsible_id: r.get(2)?,
                })
            })
            .optional()?;
        let Some(mut c) = row else { return Ok(None) };
        c.domains = self.strings("SELECT domain FROM crm_company_domains WHERE company_id = ?1 ORDER BY domain", id)?;
        c.addresses =
            self.strings("SELECT address FROM crm_company_addresses WHERE company_id = ?1 ORDER BY address", id)?;
        Ok(Some(c))
    }

    fn companies(&self, limit: u32, offset: u32) -> Result<Vec<Company>> {
        let ids = self.ids("SELECT id FROM crm_companies ORDER BY id LIMIT ?1 OFFSET ?2", limit, offset)?;
        ids.into_iter().filter_map(|id| self.company(id).transpose()).collect()
    }

    fn company_by_address(&self, address: &str) -> Result<Option<i64>> {
        Ok(self.conn.prepare_cached(super::hot::COMPANY_BY_ADDRESS)?.query_row([address], |r| r.get(0)).optional()?)
    }

    fn company_by_domain(&self, domain: &str) -> Result<Option<i64>> {
        Ok(self.conn.prepare_cached(super::hot::COMPANY_BY_DOMAIN)?.query_row([domain], |r| r.get(0)).optional()?)
    }

    fn company_by_name(&self, name: &str) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id FROM crm_companies WHERE name = ?1 COLLATE NOCASE ORDER BY id LIMIT 1")?
            .query_row([name.trim()], |r| r.get(0))
            .optional()?)
    }

    fn add_contact(&self, c: &NewContact, now: i64) -> Result<i64> {
        let addresses = clean_addresses(&c.addresses)?;
        let name = if c.name.trim().is_empty() {
            addresses.first().cloned().unwrap_or_default()
        } else {
            c.name.trim().into()
        };
        if name.is_empty() {
            return Err(Error::config("a contact needs a name or an email address"));
        }
        self.conn
            .prepare_cached(
                r"INSERT INTO crm_contacts (name, company_id, responsible_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?4)",
            )?
            .execute(params![name, c.company_id, c.responsible_id, now])?;
        let id = self.conn.last_insert_rowid();
        let mut st = self.conn.prepare_cached(
            "INSERT OR IGNORE INTO crm_contact_addresses (address, contact_id, position) VALUES (?1, ?2, ?3)",
        )?;
        for (i, a) in addresses.iter().enumerate() {
            st.execute(params![a, id, i as i64])?;
        }
        let mut st = self
            .conn
            .prepare_cached("INSERT INTO crm_contact_phones (contact_id, position, phone) VALUES (?1, ?2, ?3)")?;
        for (i, p) in c.phones.iter().map(|p| p.trim()).filter(|p| !p.is_empty()).enumerate() {
            st.execute(params![id, i as i64, p])?;
        }
        Ok(id)
    }

    fn contact(&self, id: i64) -> Result<Option<Contact>> {
        let row = self
            .conn
            .prepare_cached(
                r"SELECT c.id, c.name, c.company_id, co.name, c.responsible_id FROM crm_contacts c
                 LEFT JOIN crm_companies co ON co.id = c.company_id WHERE c.id = ?1",
            )?
            .query_row([id], |r| {
                Ok(Contact {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    addresses: vec![],
                    phones: vec![],
                    company_id: r.get(2)?,
                    company_name: r.get(3)?,
                    responsible_id: r.get(4)?,
                })
            })
            .optional()?;
        let Some(mut c) = row else { return Ok(None) };
        c.addresses =
            self.strings("SELECT address FROM crm_contact_addresses WHERE contact_id = ?1 ORDER BY position", id)?;
        c.phones = self.strings("SELECT phone FROM crm_contact_phones WHERE contact_id = ?1 ORDER BY position", id)?;
        Ok(Some(c))
    }

    fn contacts(&self, limit: u32, offset: u32) -> Result<Vec<Contact>> {
        let ids = self.ids("SELECT id FROM crm_contacts ORDER BY id LIMIT ?1 OFFSET ?2", limit, offset)?;
        ids.into_iter().filter_map(|id| self.contact(id).transpose()).collect()
    }

    fn contact_by_address(&self, address: &str) -> Result<Option<i64>> {
        Ok(self.conn.prepare_cached(super::hot::CONTACT_BY_ADDRESS)?.query_row([address], |r| r.get(0)).optional()?)
    }

    fn add_lead(&self, l: &NewLead, now: i64) -> Result<i64> {
        let address = if l.address.is_empty() {
            String::new()
        } else {
            norm_address(&l.address).ok_or_else(|| Error::config(format!("'{}' is not an email address", l.address)))?
        };
        let title = if l.title.trim().is_empty() { format!("Lead from {}", l.name) } else { l.title.trim().into() };
        self.conn
            .prepare_cached(
                r"INSERT INTO crm_leads (title, name, address, company_name, source, status, returning_customer,
                 responsible_id, account_id, created_at, updated_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10)",
            )?
            .execute(params![
                title,
                l.name.trim(),
                address,
                l.company_name.trim(),
                l.source,
                l.status.as_str(),
                l.returning_customer as i64,
                l.responsible_id,
                l.account_id,
                now
            ])?;
        Ok(self.conn.last_insert_rowid())
    }

    fn lead(&self, id: i64) -> Result<Option<Lead>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {LEAD_COLS} FROM crm_leads WHERE id = ?1"))?
            .query_row([id], lead_row)
            .optional()?)
    }

    fn leads(&self, limit: u32, offset: u32) -> Result<Vec<Lead>> {
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT {LEAD_COLS} FROM crm_leads ORDER BY id LIMIT ?1 OFFSET ?2"))?
            .query_map(params![limit, offset], lead_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn open_lead_by_address(&self, address: &str) -> Result<Option<i64>> {
        Ok(self.conn.prepare_cached(super::hot::OPEN_LEAD)?.query_row([address], |r| r.get(0)).optional()?)
    }

    fn has_closed_lead(&self, address: &str) -> Result<bool> {
        Ok(self.conn.prepare_cached(super::hot::CLOSED_LEAD)?.query_row([address], |_| Ok(())).optional()?.is_some())
    }

    fn set_lead_status(&self, id: i64, status: Status, now: i64) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE crm_leads SET status = ?2, updated_at = ?3 WHERE id = ?1",
            params![id, status.as_str(), now],
        )?;
        if n == 0 {
            return Err(Error::not_found(format!("no lead #{id}")));
        }
        Ok(())
    }

    fn stages(&self) -> Result<Vec<Stage>> {
        Ok(self
            .conn
            .prepare_cached("SELECT id, name, meaning, position FROM crm_deal_stages ORDER BY position, id")?
            .query_map([], |r| {
                let meaning: String = r.get(2)?;
                Ok(Stage {
                    id: r.get(0)?,
                    name: r.get(1)?,
                    meaning: meaning.parse().unwrap_or(Status::InProgress),
                    position: r.get(3)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn add_deal(&self, d: &NewDeal, now: i64) -> Result<i64> {
        if d.title.trim().is_empty() {
            return Err(Error::config("a deal needs a title"));
        }
        let currency = d.currency.trim().to_ascii_uppercase();
        if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_alphabetic()) {
            return Err(Error::config(format!("'{}' is not a currency code (write EUR, USD, …)", d.currency)));
        }
        self.conn.execute(
            r"INSERT INTO crm_deals (title, stage_id, amount_minor, currency, contact_id, company_id, lead_id,
             responsible_id, created_at, updated_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?9)",
            params![
                d.title.trim(),
                d.stage_id,
                d.amount_minor,
                currency,
                d.contact_id,
                d.company_id,
                d.lead_id,
                d.responsible_id,
                now
            ],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn deal(&self, id: i64) -> Result<Option<Deal>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                "SELECT {DEAL_COLS} FROM crm_deals d JOIN crm_deal_stages s ON s.id = d.stage_id WHERE d.id = ?1"
            ))?
            .query_row([id], deal_row)
            .optional()?)
    }

    fn deals(&self, limit: u32, offset: u32) -> Result<Vec<Deal>> {
        Ok(self
            .conn
            .prepare_cached(&format!(
                r"SELECT {DEAL_COLS} FROM crm_deals d JOIN crm_deal_stages s ON s.id = d.stage_id
                 ORDER BY d.id LIMIT ?1 OFFSET ?2"
            ))?
            .query_map(params![limit, offset], deal_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn open_deals_for(&self, contact_id: Option<i64>, company_id: Option<i64>) -> Result<Vec<Deal>> {
        // Two index lookups joined with UNION, so neither side scans the table.
        Ok(self
            .conn
            .prepare_cached(&format!(
                r"SELECT {DEAL_COLS} FROM crm_deals d JOIN crm_deal_stages s ON s.id = d.stage_id
                 WHERE s.meaning = 'in_progress' AND d.id IN (
                   SELECT id FROM crm_deals WHERE contact_id = ?1 UNION SELECT id FROM crm_deals WHERE company_id = ?2)
                 ORDER BY d.updated_at DESC, d.id DESC"
            ))?
            .query_map(params![contact_id, company_id], deal_row)?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn set_deal_stage(&self, id: i64, stage_id: i64, now: i64) -> Result<()> {
        let n = self
            .conn
            .execute("UPDATE crm_deals SET stage_id = ?2, updated_at = ?3 WHERE id = ?1", params![id, stage_id, now])?;
        if n == 0 {
            return Err(Error::not_found(format!("no deal #{id}")));
        }
        Ok(())
    }

    fn responsible_of(&self, e: EntityRef) -> Result<Option<i64>> {
        let table = match e.kind {
            EntityKind::Contact => "crm_contacts",
            EntityKind::Company => "crm_companies",
            EntityKind::Lead => "crm_leads",
            EntityKind::Deal => "crm_deals",
        };
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT responsible_id FROM {table} WHERE id = ?1"))?
            .query_row([e.id], |r| r.get::<_, Option<i64>>(0))
            .optional()?
            .flatten())
    }

    fn label_and_name(&self, e: EntityRef) -> Result<(String, String)> {
        // (the label's text with titles quoted, the plain name), from one read of the record.
        let texts = match e.kind {
            EntityKind::Contact => self.contact(e.id)?.map(|c| {
                let t = match c.addresses.first() {
                    Some(a) => format!("{} <{a}>", c.name),
                    None => c.name,
                };
                (t.clone(), t)
            }),
            EntityKind::Company => self.company(e.id)?.map(|c| (c.name.clone(), c.name)),
            EntityKind::Lead => self.lead(e.id)?.map(|l| {
                let who = lead_who(&l);
                (format!("\"{}\" {who}", l.title), format!("{} {who}", l.title))
            }),
            EntityKind::Deal => self.deal(e.id)?.map(|d| {
                let rest = format!("({}, {})", d.stage, d.amount_display());
                (format!("\"{}\" {rest}", d.title), format!("{} {rest}", d.title))
            }),
        };
        Ok(match texts {
            Some((quoted, plain)) => (format!("{e} {quoted}"), plain),
            None => (format!("{e} (deleted)"), format!("{e} (deleted)")),
        })
    }

    fn find_records(&self, words: &[String], kinds: &[EntityKind], limit: u32) -> Result<Vec<EntityRef>> {
        let words: Vec<String> = words.iter().map(|w| w.trim().to_lowercase()).filter(|w| !w.is_empty()).collect();
        if words.is_empty() {
            return Ok(vec![]);
        }
        let mut args: Vec<Value> = vec![Value::from(i64::from(limit))];
        for w in &words {
            let w = like_escape(w);
            args.push(Value::from(format!("{w}%")));
            args.push(Value::from(format!("% {w}%")));
        }
        let mut refs = Vec::new();
        for &kind in kinds {
            let mut st = self.conn.prepare_cached(&record_search_sql(kind, words.len()))?;
            let ids = st.query_map(params_from_iter(&args), |r| r.get::<_, i64>(0))?;
            for id in ids {
                refs.push(EntityRef::new(kind, id?));
            }
        }
        refs.truncate(limit as usize);
        Ok(refs)
    }
}

fn lead_who(l: &Lead) -> String {
    if l.name.is_empty() {
        l.address.clone()
    } else {
        format!("{} <{}>", l.name, l.address)
    }
}
