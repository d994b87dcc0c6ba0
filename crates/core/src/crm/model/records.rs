//! Contacts, companies, leads, deals and the team's users.

use serde::Serialize;

use super::{EntityRef, Status};
use crate::error::{Error, Result};

/// A member of our team.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct User {
    pub id: i64,
    pub name: String,
    pub addresses: Vec<String>,
    pub active: bool,
    pub admin: bool,
}

#[derive(Debug, Clone, Default)]
pub struct NewUser {
    pub name: String,
    pub addresses: Vec<String>,
    pub active: bool,
    pub admin: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Company {
    pub id: i64,
    pub name: String,
    pub domains: Vec<String>,
    pub addresses: Vec<String>,
    pub responsible_id: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct NewCompany {
    pub name: String,
    pub domains: Vec<String>,
    pub addresses: Vec<String>,
    pub responsible_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Contact {
    pub id: i64,
    pub name: String,
    pub addresses: Vec<String>,
    pub phones: Vec<String>,
    pub company_id: Option<i64>,
    pub company_name: Option<String>,
    pub responsible_id: Option<i64>,
}

#[derive(Debug, Clone, Default)]
pub struct NewContact {
    pub name: String,
    pub addresses: Vec<String>,
    pub phones: Vec<String>,
    pub company_id: Option<i64>,
    pub responsible_id: Option<i64>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Lead {
    pub id: i64,
    pub title: String,
    pub name: String,
    pub address: String,
    pub company_name: String,
    pub source: String,
    pub status: Status,
    pub returning_customer: bool,
    pub responsible_id: Option<i64>,
    pub account_id: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone)]
pub struct NewLead {
    pub title: String,
    pub name: String,
    pub address: String,
    pub company_name: String,
    pub source: String,
    pub status: Status,
    pub returning_customer: bool,
    pub responsible_id: Option<i64>,
    pub account_id: Option<i64>,
}

/// A deal stage: a name the team chose and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Stage {
    pub id: i64,
    pub name: String,
    pub meaning: Status,
    pub position: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Deal {
    pub id: i64,
    pub title: String,
    pub stage: String,
    pub meaning: Status,
    pub amount_minor: i64,
    pub currency: String,
    pub contact_id: Option<i64>,
    pub company_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub responsible_id: Option<i64>,
    pub updated_at: i64,
}

impl Deal {
    /// "1234.50 EUR".
    pub fn amount_display(&self) -> String {
        format_amount(self.amount_minor, &self.currency)
    }
}

pub fn format_amount(minor: i64, currency: &str) -> String {
    let sign = if minor < 0 { "-" } else { "" };
    let m = minor.unsigned_abs();
    format!("{sign}{}.{:02} {currency}", m / 100, m % 100)
}

/// Parse "1234.5" or "1234,50" into minor units.
pub fn parse_amount(s: &str) -> Result<i64> {
    let t = s.trim().replace([' ', '_'], "");
    let bad = || Error::config(format!("'{s}' is not an amount: write it like 1200 or 1200.50"));
    let (neg, t) = match t.strip_prefix('-') {
        Some(r) => (true, r.to_string()),
        None => (false, t),
    };
    let (whole, frac) = match t.split_once(['.', ',']) {
        Some((w, f)) => (w.to_string(), f.to_string()),
        None => (t.clone(), String::new()),
    };
    if whole.is_empty()
        || !whole.chars().all(|c| c.is_ascii_digit())
        || frac.len() > 2
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err(bad());
    }
    let w: i64 = whole.parse().map_err(|_| bad())?;
    let f: i64 = if frac.is_empty() { 0 } else { format!("{frac:0<2}").parse().map_err(|_| bad())? };
    let v = w.checked_mul(100).and_then(|v| v.checked_add(f)).ok_or_else(bad)?;
    Ok(if neg { -v } else { v })
}

#[derive(Debug, Clone)]
pub struct NewDeal {
    pub title: String,
    pub stage_id: i64,
    pub amount_minor: i64,
    pub currency: String,
    pub contact_id: Option<i64>,
    pub company_id: Option<i64>,
    pub lead_id: Option<i64>,
    pub responsible_id: Option<i64>,
}

/// A record found by the "link to existing record" search.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RecordHit {
    pub entity: EntityRef,
    /// `kind #id name`, as the CLI prints it.
    pub label: String,
    /// What a person calls it (no reference).
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_and_print() {
        assert_eq!(parse_amount("1200").unwrap(), 120_000);
        assert_eq!(parse_amount("1200.5").unwrap(), 120_050);
        assert_eq!(parse_amount("1 200,05").unwrap(), 120_005);
        assert!(parse_amount("12.345").is_err());
        assert!(parse_amount("abc").is_err());
        assert_eq!(format_amount(120_005, "EUR"), "1200.05 EUR");
    }
}
