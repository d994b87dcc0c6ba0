//! The wire protocol of team mode: what a Dealbox desktop and `dealbox-server` say to each other over
//! HTTPS (JSON bodies) and a WebSocket. Plain serde types and the rules both sides rely on; no I/O.
//! The prose version, with the endpoints and examples, is `docs/team-protocol.md`.
//!
//! The model in one paragraph: the server keeps every CRM record as a document (`kind`, `id`, `fields`)
//! in PostgreSQL and numbers every change in one log (`seq`). A desktop keeps a replica in its SQLite
//! CRM, **pulls** the log since the last `seq` it applied (already filtered by what its user may see,
//! each change carrying the record's whole visible state, so replaying is idempotent), and **pushes**
//! its own changes as [`Op`]s with a client-made [`Op::op_id`] (UUIDv7) that the server applies at most
//! once. Field-level last-write-to-reach-the-server wins; the value a write overwrote without having
//! seen it is kept in the conflict log and shown to the user who lost it.

use serde::{Deserialize, Serialize};
pub use serde_json::{Map, Value};
pub use uuid::Uuid;

/// Bumped when a change is not backward compatible; the server refuses other versions with
/// [`ErrorCode::UnsupportedVersion`]. Sent as the `Dealbox-Protocol` header on every request.
pub const PROTOCOL_VERSION: u32 = 1;
pub const PROTOCOL_HEADER: &str = "Dealbox-Protocol";

/// Limits the server enforces (a request over them gets a 4xx with the reason, nothing stored).
pub const MAX_OPS_PER_PUSH: usize = 1000;
pub const MAX_BODY_BYTES: usize = 4 * 1024 * 1024;
pub const MAX_PULL_LIMIT: u32 = 5000;
/// A user is online while any of their devices sent a heartbeat this recently.
pub const ONLINE_WINDOW_SECS: i64 = 90;
pub const HEARTBEAT_SECS: u64 = 30;

/// A position in the server's change log. 0 = nothing pulled yet.
pub type Seq = i64;
/// A record's fields: see [`Kind`] for each kind's field names. References to other records are
/// their [`Uuid`] as a string; times are Unix seconds; absent = unchanged (in an update) or empty/null
/// (in a create).
pub type Fields = Map<String, Value>;

/// What a record is. Field names per kind (all optional in updates):
/// - `user`: name, email, role ([`Role`]), department_id, active, addresses [string]
/// - `department`: name, parent_id
/// - `company`: name, responsible_id, domains [string], addresses [string]
/// - `contact`: name, company_id, responsible_id, addresses [string], phones [string]
/// - `lead`: title, name, address, company_name, source, status (in_progress|won|lost), message_key,
///   returning_customer, responsible_id, created_at
/// - `stage`: name, meaning (in_progress|won|lost), position
/// - `deal`: title, stage_id, amount_minor, currency, contact_id, company_id, lead_id, responsible_id
/// - `activity`: message_key, sender, direction (in|out), subject, date, thread_key, completed,
///   answered, responsible_id, links [{kind, id}] (a link set: pushes add to it, never remove)
/// - `note`: entity_kind, entity_id, body, author_id, created_at (append-only: no update)
/// - `task`: entity_kind, entity_id, title, due_at, done, responsible_id
/// - `exception`: entry
/// - `setting`: key, value (team-wide settings, e.g. `route_to_managers`)
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    User,
    Department,
    Company,
    Contact,
    Lead,
    Stage,
    Deal,
    Activity,
    Note,
    Task,
    Exception,
    Setting,
}

impl Kind {
    pub const ALL: [Kind; 12] = [
        Kind::User,
        Kind::Department,
        Kind::Company,
        Kind::Contact,
        Kind::Lead,
        Kind::Stage,
        Kind::Deal,
        Kind::Activity,
        Kind::Note,
        Kind::Task,
        Kind::Exception,
        Kind::Setting,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::User => "user",
            Kind::Department => "department",
            Kind::Company => "company",
            Kind::Contact => "contact",
            Kind::Lead => "lead",
            Kind::Stage => "stage",
            Kind::Deal => "deal",
            Kind::Activity => "activity",
            Kind::Note => "note",
            Kind::Task => "task",
            Kind::Exception => "exception",
            Kind::Setting => "setting",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Kinds whose records are append-only: an update is refused, a delete only by an admin.
    pub fn append_only(self) -> bool {
        matches!(self, Kind::Note)
    }

    /// Kinds only an admin may create, change or delete (the team's shape and rules).
    pub fn admin_only(self) -> bool {
        matches!(self, Kind::User | Kind::Department | Kind::Stage | Kind::Exception | Kind::Setting)
    }
}

/// Roles, as in Bitrix24: an admin sees and changes everything; a supervisor the records owned by
/// the users of their department and its sub-departments; a manager their own (and unassigned ones).
/// Contacts and companies are visible to everyone, but outside one's scope only as "owned by …"
/// ([`Change::restricted`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Supervisor,
    Manager,
}

impl Role {
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Supervisor => "supervisor",
            Role::Manager => "manager",
        }
    }
    pub fn parse(s: &str) -> Option<Role> {
        [Role::Admin, Role::Supervisor, Role::Manager].into_iter().find(|r| r.as_str() == s)
    }
}

// ------------------------------------------------------------------------------------------- push

/// One change a desktop made, queued locally until the server confirmed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Op {
    /// Made by the desktop (UUIDv7) when the change is queued; the server applies an op id once and
    /// answers a repeat with the first answer ([`OpOutcome`] with `repeated: true`).
    pub op_id: Uuid,
    pub kind: Kind,
    /// The record's id. A desktop makes it (UUIDv7) when it creates a record.
    pub id: Uuid,
    #[serde(flatten)]
    pub action: Action,
    /// The last `seq` this desktop had pulled when it made the change: a field written on the server
    /// after it by someone else is a conflict (the op still wins, the overwritten value is logged).
    pub base_seq: Seq,
    /// When the user made the change (Unix seconds, the desktop's clock; informative only).
    pub made_at: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Action {
    /// A new record. With a `natural_key` (see [`natural_key`]) the server first looks for a live
    /// record of this kind with that key and, if there is one, merges into it instead
    /// ([`OpOutcome::merged_into`]): the same client email on three desktops makes one lead.
    Create {
        fields: Fields,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        natural_key: Option<String>,
    },
    /// Changed fields only. `responsible_id` is not accepted here (see `Assign`).
    Update {
        fields: Fields,
    },
    /// A delete beats a later edit; an admin can restore.
    Delete,
    Restore,
    /// Hand the record to another user (owner of the record, their supervisor, or an admin).
    /// `None` gives it back to the queue (the server assigns it).
    Assign {
        responsible_id: Option<Uuid>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushRequest {
    pub ops: Vec<Op>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PushResponse {
    /// One per op, in order.
    pub results: Vec<OpOutcome>,
    /// The log position after this push (the desktop still pulls to see its own changes' effects,
    /// e.g. the responsible the queue chose).
    pub seq: Seq,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OpOutcome {
    pub op_id: Uuid,
    /// The change-log position of the write (None when the op changed nothing, e.g. an update to a
    /// deleted record, which is logged as a conflict instead).
    pub seq: Option<Seq>,
    /// True when this op id had been applied before (a retry after a lost answer).
    #[serde(default)]
    pub repeated: bool,
    /// A create that found an existing record with the same natural key: the desktop must use this
    /// id for its record from now on (and merge its local duplicate into it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub merged_into: Option<Uuid>,
}

// ------------------------------------------------------------------------------------------- pull

/// `GET /v1/pull?since=SEQ&limit=N`: the records that changed after `since` that this user may see,
/// oldest change first, each once (with its current state).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PullResponse {
    pub changes: Vec<Change>,
    /// Pull again from here. Equal to the server's head when `more` is false.
    pub next: Seq,
    pub more: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Change {
    pub seq: Seq,
    pub kind: Kind,
    pub id: Uuid,
    /// The record's whole current state as this user may see it (empty when deleted).
    pub fields: Fields,
    #[serde(default)]
    pub deleted: bool,
    /// A contact or company outside this user's scope: only `name` and `responsible_id` are sent.
    #[serde(default)]
    pub restricted: bool,
    /// Server time of the change (Unix seconds).
    pub at: i64,
}

// ------------------------------------------------------------------------------------------ joining

/// `POST /v1/join` (no token): trade a one-time invite code for a device token.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinRequest {
    pub code: String,
    /// Shown to admins in the device list ("Jane's laptop").
    pub device_name: String,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JoinResponse {
    pub device_id: Uuid,
    /// The bearer token for every other request. The desktop keeps it in the OS keyring only.
    pub token: String,
    pub me: Me,
}

/// `GET /v1/me`: who this token is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Me {
    pub user_id: Uuid,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub team_name: String,
    pub device_id: Uuid,
}

/// `POST /v1/invites` (admin): invite a colleague; the code is shown once.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteRequest {
    pub email: String,
    pub name: String,
    pub role: Role,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub department: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct InviteResponse {
    pub user_id: Uuid,
    pub code: String,
    /// Unix seconds after which the code is refused.
    pub expires_at: i64,
}

/// `GET /v1/devices` (admin: all; others: their own). `DELETE /v1/devices/{id}` revokes one.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Device {
    pub id: Uuid,
    pub user_id: Uuid,
    pub user_name: String,
    pub name: String,
    pub created_at: i64,
    pub last_seen: Option<i64>,
    pub revoked: bool,
}

// ----------------------------------------------------------------------------------------- presence

/// `POST /v1/heartbeat` (every [`HEARTBEAT_SECS`]) answers the team's presence; `GET /v1/presence` too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Presence {
    pub members: Vec<Member>,
    pub server_time: i64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Member {
    pub user_id: Uuid,
    pub name: String,
    pub role: Role,
    pub online: bool,
    pub last_seen: Option<i64>,
}

// ---------------------------------------------------------------------------------------- conflicts

/// `GET /v1/conflicts?since=ID`: the values this user wrote that a colleague's later write replaced
/// ("Your change to the deal stage was replaced by Marco's at 10:42").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Conflict {
    pub id: i64,
    pub kind: Kind,
    pub record_id: Uuid,
    pub field: String,
    /// The value that was lost (this user's).
    pub lost_value: Value,
    /// The value that replaced it.
    pub kept_value: Value,
    pub kept_by: Uuid,
    pub kept_by_name: String,
    pub at: i64,
}

// -------------------------------------------------------------------------------------- websocket

/// Server → desktop messages on `GET /v1/ws` (authenticated like every request). The desktop pulls
/// when poked; it never receives record data over the socket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ServerEvent {
    /// The log grew to `seq`.
    Poke { seq: Seq },
    /// Someone came online or went offline.
    Presence { user_id: Uuid, online: bool },
    /// This device was revoked; the socket closes after this.
    Revoked,
}

// ------------------------------------------------------------------------------------------ errors

/// Every 4xx/5xx answer has this body.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ErrorBody {
    pub error: ErrorCode,
    /// Plain words for the user or the admin reading the log.
    pub message: String,
    /// The op that was refused, when a push was refused because of one op (nothing of the push was
    /// stored; the desktop sets that op aside, tells the user, and pushes the rest).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub op_id: Option<Uuid>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ErrorCode {
    /// 400: malformed JSON, unknown kind/action, a field of the wrong type.
    BadRequest,
    /// 401: no token, a forged or unknown token.
    Unauthorized,
    /// 401: the token's device was revoked by an admin.
    DeviceRevoked,
    /// 403: the user may not see or change this record.
    Forbidden,
    /// 404
    NotFound,
    /// 409: e.g. an update to an append-only record.
    Conflict,
    /// 410: an invite code that is used or expired.
    Gone,
    /// 413: a body over [`MAX_BODY_BYTES`] or more than [`MAX_OPS_PER_PUSH`] ops.
    TooLarge,
    /// 400: the `Dealbox-Protocol` header names a version this server does not speak.
    UnsupportedVersion,
    /// 503: the database is unreachable; retry later.
    Unavailable,
    /// 500
    Internal,
}

// ------------------------------------------------------------------------------------ natural keys

/// The natural key that makes two desktops' creations of "the same" record one record.
/// Lower-case and trimmed; `None` when the record has no natural identity (notes, tasks, deals).
pub fn natural_key(kind: Kind, fields: &Fields) -> Option<String> {
    let s = |name: &str| {
        fields.get(name).and_then(Value::as_str).map(|v| v.trim().to_lowercase()).filter(|v| !v.is_empty())
    };
    let first = |name: &str| {
        fields
            .get(name)
            .and_then(Value::as_array)
            .and_then(|a| a.first())
            .and_then(Value::as_str)
            .map(|v| v.trim().to_lowercase())
            .filter(|v| !v.is_empty())
    };
    match kind {
        Kind::Contact => first("addresses").map(|a| format!("address:{a}")),
        Kind::Company => {
            first("domains").map(|d| format!("domain:{d}")).or_else(|| s("name").map(|n| format!("name:{n}")))
        }
        // One lead per client email: the message and its sender (a lead made by hand has no key).
        Kind::Lead => s("message_key").map(|m| format!("message:{m}|{}", s("address").unwrap_or_default())),
        Kind::Activity => s("message_key").map(|m| format!("message:{m}")),
        Kind::User => s("email").map(|e| format!("email:{e}")),
        Kind::Department | Kind::Stage => s("name").map(|n| format!("name:{n}")),
        Kind::Exception => s("entry").map(|e| format!("entry:{e}")),
        Kind::Setting => s("key").map(|k| format!("key:{k}")),
        Kind::Deal | Kind::Note | Kind::Task => None,
    }
}

/// A new id for an op or a record (time-ordered, so the server's indexes stay compact).
pub fn new_id() -> Uuid {
    Uuid::now_v7()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn an_op_serializes_flat_with_its_action_tag() {
        let op = Op {
            op_id: Uuid::nil(),
            kind: Kind::Deal,
            id: Uuid::nil(),
            action: Action::Update { fields: json!({"stage_id": "x"}).as_object().cloned().unwrap_or_default() },
            base_seq: 7,
            made_at: 1,
        };
        let v = serde_json::to_value(&op).unwrap();
        assert_eq!(v["action"], "update");
        assert_eq!(v["kind"], "deal");
        assert_eq!(v["fields"]["stage_id"], "x");
        assert_eq!(serde_json::from_value::<Op>(v).unwrap(), op);
    }

    #[test]
    fn unknown_actions_and_kinds_are_refused_by_the_parser() {
        let bad = json!({"op_id": Uuid::nil(), "kind": "deal", "id": Uuid::nil(), "action": "explode",
                         "base_seq": 0, "made_at": 0});
        assert!(serde_json::from_value::<Op>(bad).is_err());
        let bad = json!({"op_id": Uuid::nil(), "kind": "spaceship", "id": Uuid::nil(), "action": "delete",
                         "base_seq": 0, "made_at": 0});
        assert!(serde_json::from_value::<Op>(bad).is_err());
    }

    #[test]
    fn natural_keys_ignore_case_and_space() {
        let f = |v: serde_json::Value| v.as_object().cloned().unwrap_or_default();
        assert_eq!(
            natural_key(Kind::Contact, &f(json!({"addresses": [" Jane@Acme.test "]}))).as_deref(),
            Some("address:jane@acme.test")
        );
        assert_eq!(
            natural_key(Kind::Lead, &f(json!({"message_key": "<A@x>", "address": "B@y"}))).as_deref(),
            Some("message:<a@x>|b@y")
        );
        assert_eq!(natural_key(Kind::Deal, &f(json!({"title": "x"}))), None);
        assert_eq!(natural_key(Kind::Contact, &f(json!({"addresses": []}))), None);
    }

    #[test]
    fn every_kind_round_trips_through_its_name() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
            assert_eq!(serde_json::to_value(k).unwrap(), json!(k.as_str()));
        }
    }
}
