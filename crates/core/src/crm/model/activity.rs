//! Emails in the CRM (activities), notes and tasks.

use serde::{Deserialize, Serialize};

use super::EntityRef;

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
