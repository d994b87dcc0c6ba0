//! Per-mailbox settings, the exception list, what processing did with a message, and warnings.

use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::EntityRef;
use crate::error::{Error, Result};

/// What to create for a sender (or recipient) nothing in the CRM matches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ts", derive(ts_rs::TS))]
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
