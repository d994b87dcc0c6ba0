//! The CRM's records and settings, as the repository hands them out.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

mod activity;
mod records;
mod team;

pub use activity::*;
pub use records::*;
pub use team::*;

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
