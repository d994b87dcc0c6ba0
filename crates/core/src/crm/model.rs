//! The CRM's records and settings, as the repository hands them out.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A kind of CRM record that activities, notes and tasks can be bound to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Contact,
    Company,
    Lead,
    Deal,
}

impl EntityKind {
    pub fn as_str(self) -> &'static str {
        match self {
            EntityKind::Contact => "contact",
            EntityKind::Company => "company",
            EntityKind::Lead => "lead",
            EntityKind::Deal => "deal",
        }
    }
}

impl fmt::Display for EntityKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for EntityKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "contact" | "contacts" => Ok(EntityKind::Contact),
            "company" | "companies" => Ok(EntityKind::Company),
            "lead" | "leads" => Ok(EntityKind::Lead),
            "deal" | "deals" => Ok(EntityKind::Deal),
            other => {
                Err(Error::config(format!("unknown CRM record kind '{other}': use contact, company, lead or deal")))
            }
        }
    }
}

/// One CRM record, by kind and id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct EntityRef {
    pub kind: EntityKind,
    pub id: i64,
}

impl EntityRef {
    pub fn new(kind: EntityKind, id: i64) -> Self {
        Self { kind, id }
    }
}

impl fmt::Display for EntityRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} #{}", self.kind, self.id)
    }
}

impl FromStr for EntityRef {
    type Err = Error;
    /// `contact:12`, `deal:3`.
    fn from_str(s: &str) -> Result<Self> {
        let (k, id) = s
            .split_once([':', '#'])
            .ok_or_else(|| Error::config(format!("'{s}' is not a record: write it as kind:id, e.g. contact:12")))?;
        let id = id
            .trim()
            .parse::<i64>()
            .map_err(|_| Error::config(format!("'{s}' is not a record: the id must be a number")))?;
        Ok(EntityRef::new(k.trim().parse()?, id))
    }
}

/// Progress of a lead, or the meaning of a deal stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    InProgress,
    Won,
    Lost,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::InProgress => "in_progress",
            Status::Won => "won",
            Status::Lost => "lost",
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for Status {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().replace(['-', ' '], "_").as_str() {
            "in_progress" | "open" => Ok(Status::InProgress),
            "won" => Ok(Status::Won),
            "lost" => Ok(Status::Lost),
            other => Err(Error::config(format!("unknown status '{other}': use in_progress, won or lost"))),
        }
    }
}

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

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Direction {
    In,
    Out,
}

impl Direction {
    pub fn as_str(self) -> &'static str {
        match self {
            Direction::In => "in",
            Direction::Out => "out",
        }
    }
    pub fn parse(s: &str) -> Direction {
        if s == "out" {
            Direction::Out
        } else {
            Direction::In
        }
    }
}

/// One email in the CRM.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Activity {
    pub id: i64,
    pub account_id: i64,
    pub message_key: String,
    pub direction: Direction,
    pub subject: String,
    pub date: i64,
    pub thread_key: String,
    pub previous_id: Option<i64>,
    pub completed: bool,
    pub answered: bool,
    pub responsible_id: Option<i64>,
    pub links: Vec<EntityRef>,
}

#[derive(Debug, Clone)]
pub struct NewActivity {
    pub account_id: i64,
    pub message_key: String,
    pub direction: Direction,
    pub subject: String,
    pub date: i64,
    pub thread_key: String,
    pub previous_id: Option<i64>,
    pub completed: bool,
    pub responsible_id: Option<i64>,
    pub links: Vec<EntityRef>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Note {
    pub id: i64,
    pub entity: EntityRef,
    pub body: String,
    pub author_id: Option<i64>,
    pub created_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Task {
    pub id: i64,
    pub entity: EntityRef,
    pub title: String,
    pub due_at: Option<i64>,
    pub done: bool,
    pub responsible_id: Option<i64>,
    pub created_at: i64,
}

/// What to create for a sender (or recipient) nothing in the CRM matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NewSenderAction {
    Lead,
    Contact,
    Nothing,
}

impl NewSenderAction {
    pub fn as_str(self) -> &'static str {
        match self {
            NewSenderAction::Lead => "lead",
            NewSenderAction::Contact => "contact",
            NewSenderAction::Nothing => "nothing",
        }
    }
}

impl FromStr for NewSenderAction {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        match s.to_ascii_lowercase().as_str() {
            "lead" => Ok(NewSenderAction::Lead),
            "contact" => Ok(NewSenderAction::Contact),
            "nothing" | "none" => Ok(NewSenderAction::Nothing),
            other => Err(Error::config(format!("unknown choice '{other}': use lead, contact or nothing"))),
        }
    }
}

/// The CRM settings of one mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct MailboxSettings {
    pub account_id: i64,
    /// Link this mailbox's mail to the CRM at all.
    pub link_enabled: bool,
    /// Process messages of the last N days; 0 means no age limit.
    pub process_days: u32,
    pub new_incoming: NewSenderAction,
    pub new_outgoing: NewSenderAction,
    pub lead_source: String,
    /// The responsible queue: user ids in order.
    pub queue: Vec<i64>,
    /// Where the round-robin continues (an index into `queue`).
    pub queue_position: usize,
    /// Route mail from existing clients to their responsible manager.
    pub route_to_manager: bool,
    /// Addresses whose every email creates a new lead (web forms, marketplaces).
    pub always_new_lead: Vec<String>,
    pub import_vcards: bool,
}

impl MailboxSettings {
    pub fn defaults(account_id: i64) -> Self {
        Self {
            account_id,
            link_enabled: true,
            process_days: 30,
            new_incoming: NewSenderAction::Lead,
            new_outgoing: NewSenderAction::Contact,
            lead_source: "Email".into(),
            queue: vec![],
            queue_position: 0,
            route_to_manager: true,
            always_new_lead: vec![],
            import_vcards: false,
        }
    }
}

/// An entry of the team's exception list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Exception {
    pub entry: String,
    /// "address" or "domain".
    pub kind: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum OutcomeKind {
    Linked,
    Created,
    Skipped,
}

impl OutcomeKind {
    pub fn as_str(self) -> &'static str {
        match self {
            OutcomeKind::Linked => "linked",
            OutcomeKind::Created => "created",
            OutcomeKind::Skipped => "skipped",
        }
    }
    pub fn parse(s: &str) -> OutcomeKind {
        match s {
            "linked" => OutcomeKind::Linked,
            "created" => OutcomeKind::Created,
            _ => OutcomeKind::Skipped,
        }
    }
}

/// What processing did with one message of one mailbox, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Outcome {
    pub account_id: i64,
    pub message_key: String,
    pub kind: OutcomeKind,
    /// Why, in words a user reads ("older than the processing window: …").
    pub reason: String,
    /// What it was linked to or what was created ("lead #4 Jane Doe <jane@acme.test>").
    pub what: String,
    pub entities: Vec<EntityRef>,
    pub activity_id: Option<i64>,
    /// Several open deals matched: the user should pick one of `deal_candidates` (best first).
    pub choose_deal: bool,
    pub deal_candidates: Vec<i64>,
    pub warning: Option<String>,
    /// Saved to the CRM by hand ("Save to CRM").
    pub forced: bool,
    pub processed_at: i64,
}

/// A warning a person must act on, per mailbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Warning {
    pub account_id: i64,
    pub kind: String,
    pub message: String,
    pub first_at: i64,
    pub last_at: i64,
    pub count: i64,
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

/// Lower-case and trim an address; `None` if it is not one.
pub fn norm_address(a: &str) -> Option<String> {
    let a = a.trim().trim_start_matches('<').trim_end_matches('>').trim().to_lowercase();
    let (local, domain) = a.rsplit_once('@')?;
    if local.is_empty() || domain.is_empty() || a.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return None;
    }
    Some(a)
}

/// The domain part of an address, lower-case.
pub fn domain_of(addr: &str) -> Option<&str> {
    addr.rsplit_once('@').map(|(_, d)| d).filter(|d| !d.is_empty())
}

/// `sub.mail.acme.test` → [`sub.mail.acme.test`, `mail.acme.test`, `acme.test`].
pub fn domain_and_parents(domain: &str) -> Vec<&str> {
    let mut out = vec![domain];
    let mut rest = domain;
    while let Some((_, parent)) = rest.split_once('.') {
        if !parent.contains('.') {
            break;
        }
        out.push(parent);
        rest = parent;
    }
    out
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

    #[test]
    fn domains_walk_up_to_the_registrable_part() {
        assert_eq!(domain_and_parents("a.b.acme.test"), vec!["a.b.acme.test", "b.acme.test", "acme.test"]);
        assert_eq!(domain_and_parents("acme.test"), vec!["acme.test"]);
    }

    #[test]
    fn records_parse_from_text() {
        assert_eq!("contact:12".parse::<EntityRef>().unwrap(), EntityRef::new(EntityKind::Contact, 12));
        assert!("contact".parse::<EntityRef>().is_err());
    }
}
