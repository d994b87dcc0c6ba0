//! The CRM in the profile's embedded SQLite database.
//!
//! `SqliteCrm` borrows a connection (or an open transaction: it derefs to one), so a caller can put a whole
//! batch of messages into one transaction while each message still gets its own savepoint.

mod activities;
mod records;

use rusqlite::{params, Connection, OptionalExtension};

use super::model::*;
use super::repo::{CrmRepo, TeamRepo};
use crate::error::{Error, Result};

/// The lookups processing runs for every message: each must be an index search (see the plan test).
pub(crate) mod hot {
    pub const USER_BY_ADDRESS: &str = "SELECT user_id FROM crm_user_addresses WHERE address = ?1";
    pub const EXCEPTION_ENTRY: &str = "SELECT entry FROM crm_exceptions WHERE entry = ?1";
    pub const COMPANY_BY_ADDRESS: &str =
        "SELECT company_id FROM crm_company_addresses WHERE address = ?1 ORDER BY company_id LIMIT 1";
    pub const COMPANY_BY_DOMAIN: &str =
        "SELECT company_id FROM crm_company_domains WHERE domain = ?1 ORDER BY company_id LIMIT 1";
    pub const CONTACT_BY_ADDRESS: &str =
        "SELECT contact_id FROM crm_contact_addresses WHERE address = ?1 ORDER BY contact_id LIMIT 1";
    pub const CLOSED_LEAD: &str = "SELECT 1 FROM crm_leads WHERE address = ?1 AND status IN ('won', 'lost') LIMIT 1";
    pub const OPEN_LEAD: &str = r"SELECT id FROM crm_leads WHERE address = ?1 AND status = 'in_progress'
                 ORDER BY returning_customer DESC, id DESC LIMIT 1";
}

pub struct SqliteCrm<'c> {
    conn: &'c Connection,
}

impl<'c> SqliteCrm<'c> {
    pub fn new(conn: &'c Connection) -> Self {
        Self { conn }
    }

    pub fn conn(&self) -> &'c Connection {
        self.conn
    }
}

/// Run `f` on the profile's CRM in one write transaction (taken at once, so two writers queue instead
/// of failing half-way); commits when `f` succeeds, rolls back otherwise.
pub fn write<T>(store: &crate::store::Store, f: impl FnOnce(&SqliteCrm<'_>) -> Result<T>) -> Result<T> {
    let mut conn = store.conn()?;
    let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let out = f(&SqliteCrm::new(&tx))?;
    tx.commit()?;
    Ok(out)
}

impl CrmRepo for SqliteCrm<'_> {
    fn atomically(&self, f: &mut dyn FnMut(&dyn CrmRepo) -> Result<()>) -> Result<()> {
        self.conn.execute_batch("SAVEPOINT crm_atomic")?;
        match f(self) {
            Ok(()) => {
                self.conn.execute_batch("RELEASE crm_atomic")?;
                Ok(())
            }
            Err(e) => {
                // Undo this step only; the outer transaction (if any) goes on.
                let _ = self.conn.execute_batch("ROLLBACK TO crm_atomic; RELEASE crm_atomic");
                Err(e)
            }
        }
    }
}

fn bool_flag(v: bool) -> i64 {
    v as i64
}

pub(crate) fn json_vec<T: serde::de::DeserializeOwned>(s: &str) -> Vec<T> {
    serde_json::from_str(s).unwrap_or_default()
}

fn clean_addresses(list: &[String]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for a in list {
        let n = norm_address(a).ok_or_else(|| Error::config(format!("'{a}' is not an email address")))?;
        if !out.contains(&n) {
            out.push(n);
        }
    }
    Ok(out)
}

impl TeamRepo for SqliteCrm<'_> {
    fn add_user(&self, user: &NewUser, now: i64) -> Result<User> {
        if user.name.trim().is_empty() {
            return Err(Error::config("a user needs a name"));
        }
        let addresses = clean_addresses(&user.addresses)?;
        for a in &addresses {
            if let Some(other) = self.user_by_address(a)? {
                return Err(Error::config(format!("{a} already belongs to user #{other}")));
            }
        }
        self.conn.execute(
            "INSERT INTO crm_users (name, active, admin, created_at) VALUES (?1, ?2, ?3, ?4)",
            params![user.name.trim(), bool_flag(user.active), bool_flag(user.admin), now],
        )?;
        let id = self.conn.last_insert_rowid();
        for a in &addresses {
            self.conn.execute("INSERT INTO crm_user_addresses (address, user_id) VALUES (?1, ?2)", params![a, id])?;
        }
        self.user(id)?.ok_or_else(|| Error::internal("a user vanished right after it was added"))
    }

    fn users(&self) -> Result<Vec<User>> {
        let ids: Vec<i64> = self
            .conn
            .prepare_cached("SELECT id FROM crm_users ORDER BY id")?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            if let Some(u) = self.user(id)? {
                out.push(u);
            }
        }
        Ok(out)
    }

    fn user(&self, id: i64) -> Result<Option<User>> {
        let row = self
            .conn
            .prepare_cached("SELECT id, name, active, admin FROM crm_users WHERE id = ?1")?
            .query_row([id], |r| {
                Ok(User { id: r.get(0)?, name: r.get(1)?, addresses: vec![], active: r.get(2)?, admin: r.get(3)? })
            })
            .optional()?;
        let Some(mut u) = row else { return Ok(None) };
        u.addresses = self
            .conn
            .prepare_cached("SELECT address FROM crm_user_addresses WHERE user_id = ?1 ORDER BY address")?
            .query_map([id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(u))
    }

    fn set_user_flags(&self, id: i64, active: Option<bool>, admin: Option<bool>) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE crm_users SET active = coalesce(?2, active), admin = coalesce(?3, admin) WHERE id = ?1",
            params![id, active.map(bool_flag), admin.map(bool_flag)],
        )?;
        if n == 0 {
            return Err(Error::not_found(format!("no CRM user #{id}")).with_hint(crate::error::Hint::ListCrmUsers));
        }
        Ok(())
    }

    fn user_by_address(&self, address: &str) -> Result<Option<i64>> {
        Ok(self.conn.prepare_cached(hot::USER_BY_ADDRESS)?.query_row([address], |r| r.get(0)).optional()?)
    }

    fn add_exception(&self, entry: &str, now: i64) -> Result<Exception> {
        let e = entry.trim().trim_start_matches('@').to_lowercase();
        let kind = if e.contains('@') {
            norm_address(&e).ok_or_else(|| Error::config(format!("'{entry}' is not an address or a domain")))?;
            "address"
        } else {
            if e.is_empty() || !e.contains('.') || e.chars().any(|c| c.is_whitespace() || c == '/') {
                return Err(Error::config(format!(
                    "'{entry}' is not an address or a domain (write jane@acme.test or acme.test)"
                )));
            }
            "domain"
        };
        self.conn.execute(
            "INSERT INTO crm_exceptions (entry, kind, created_at) VALUES (?1, ?2, ?3) ON CONFLICT(entry) DO NOTHING",
            params![e, kind, now],
        )?;
        Ok(Exception { entry: e, kind: kind.into() })
    }

    fn remove_exception(&self, entry: &str) -> Result<bool> {
        let e = entry.trim().trim_start_matches('@').to_lowercase();
        Ok(self.conn.execute("DELETE FROM crm_exceptions WHERE entry = ?1", [e])? > 0)
    }

    fn exceptions(&self) -> Result<Vec<Exception>> {
        Ok(self
            .conn
            .prepare_cached("SELECT entry, kind FROM crm_exceptions ORDER BY kind, entry")?
            .query_map([], |r| Ok(Exception { entry: r.get(0)?, kind: r.get(1)? }))?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn exception_for(&self, address: &str) -> Result<Option<String>> {
        let mut st = self.conn.prepare_cached(hot::EXCEPTION_ENTRY)?;
        if let Some(e) = st.query_row([address], |r| r.get::<_, String>(0)).optional()? {
            return Ok(Some(e));
        }
        if let Some(domain) = domain_of(address) {
            for d in domain_and_parents(domain) {
                if let Some(e) = st.query_row([d], |r| r.get::<_, String>(0)).optional()? {
                    return Ok(Some(e));
                }
            }
        }
        Ok(None)
    }

    fn mailbox_settings(&self, account_id: i64) -> Result<MailboxSettings> {
        let row = self
            .conn
            .prepare_cached(
                r"SELECT link_enabled, process_days, new_incoming, new_outgoing, lead_source, route_to_manager,
                 import_vcards, queue_position FROM crm_mailbox_settings WHERE account_id = ?1",
            )?
            .query_row([account_id], |r| {
                Ok((
                    r.get::<_, bool>(0)?,
                    r.get::<_, i64>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, bool>(5)?,
                    r.get::<_, bool>(6)?,
                    r.get::<_, i64>(7)?,
                ))
            })
            .optional()?;
        let mut s = MailboxSettings::defaults(account_id);
        if let Some((link, days, inc, out, source, route, vcards, pos)) = row {
            s.link_enabled = link;
            s.process_days = days.clamp(0, u32::MAX as i64) as u32;
            s.new_incoming = inc.parse()?;
            s.new_outgoing = out.parse()?;
            s.lead_source = source;
            s.route_to_manager = route;
            s.import_vcards = vcards;
            s.queue_position = pos.max(0) as usize;
        }
        s.queue = self
            .conn
            .prepare_cached("SELECT user_id FROM crm_queue WHERE account_id = ?1 ORDER BY position")?
            .query_map([account_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        s.always_new_lead = self
            .conn
            .prepare_cached("SELECT address FROM crm_always_new_lead WHERE account_id = ?1 ORDER BY address")?
            .query_map([account_id], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(s)
    }

    fn save_mailbox_settings(&self, s: &MailboxSettings, now: i64) -> Result<()> {
        for u in &s.queue {
            if self.user(*u)?.is_none() {
                return Err(Error::not_found(format!("no CRM user #{u} for the responsible queue"))
                    .with_hint(crate::error::Hint::ListCrmUsers));
            }
        }
        let always = clean_addresses(&s.always_new_lead)?;
        self.conn
            .execute(
                r"INSERT INTO crm_mailbox_settings (account_id, link_enabled, process_days, new_incoming, new_outgoing,
             lead_source, route_to_manager, import_vcards, queue_position, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
             ON CONFLICT(account_id) DO UPDATE SET link_enabled = excluded.link_enabled,
             process_days = excluded.process_days, new_incoming = excluded.new_incoming,
             new_outgoing = excluded.new_outgoing, lead_source = excluded.lead_source,
             route_to_manager = excluded.route_to_manager, import_vcards = excluded.import_vcards,
             queue_position = excluded.queue_position, updated_at = excluded.updated_at",
                params![
                    s.account_id,
                    bool_flag(s.link_enabled),
                    s.process_days as i64,
                    s.new_incoming.as_str(),
                    s.new_outgoing.as_str(),
                    s.lead_source,
                    bool_flag(s.route_to_manager),
                    bool_flag(s.import_vcards),
                    s.queue_position as i64,
                    now
                ],
            )
            .map_err(|e| match e {
                rusqlite::Error::SqliteFailure(f, _) if f.code == rusqlite::ErrorCode::ConstraintViolation => {
                    Error::not_found(format!("no mailbox #{} to keep CRM settings for", s.account_id))
                }
                e => e.into(),
            })?;
        self.conn.execute("DELETE FROM crm_queue WHERE account_id = ?1", [s.account_id])?;
        for (i, u) in s.queue.iter().enumerate() {
            self.conn.execute(
                "INSERT INTO crm_queue (account_id, position, user_id) VALUES (?1, ?2, ?3)",
                params![s.account_id, i as i64, u],
            )?;
        }
        self.conn.execute("DELETE FROM crm_always_new_lead WHERE account_id = ?1", [s.account_id])?;
        for a in always {
            self.conn.execute(
                "INSERT INTO crm_always_new_lead (account_id, address) VALUES (?1, ?2)",
                params![s.account_id, a],
            )?;
        }
        Ok(())
    }

    fn set_queue_position(&self, account_id: i64, position: usize) -> Result<()> {
        let n = self.conn.execute(
            "UPDATE crm_mailbox_settings SET queue_position = ?2 WHERE account_id = ?1",
            params![account_id, position as i64],
        )?;
        if n == 0 {
            let mut s = self.mailbox_settings(account_id)?;
            s.queue_position = position;
            self.save_mailbox_settings(&s, crate::store::unix_now())?;
        }
        Ok(())
    }

    fn outcome(&self, account_id: i64, message_key: &str) -> Result<Option<Outcome>> {
        Ok(self
            .conn
            .prepare_cached(
                r"SELECT outcome, reason, what, entities, activity_id, choose_deal, deal_candidates, warning, forced,
                 processed_at FROM crm_outcomes WHERE account_id = ?1 AND message_key = ?2",
            )?
            .query_row(params![account_id, message_key], |r| {
                Ok(Outcome {
                    account_id,
                    message_key: message_key.to_string(),
                    kind: OutcomeKind::parse(&r.get::<_, String>(0)?),
                    reason: r.get(1)?,
                    what: r.get(2)?,
                    entities: json_vec(&r.get::<_, String>(3)?),
                    activity_id: r.get(4)?,
                    choose_deal: r.get(5)?,
                    deal_candidates: json_vec(&r.get::<_, String>(6)?),
                    warning: r.get(7)?,
                    forced: r.get(8)?,
                    processed_at: r.get(9)?,
                })
            })
            .optional()?)
    }

    fn put_outcome(&self, o: &Outcome) -> Result<()> {
        self.conn
            .prepare_cached(
                r"INSERT INTO crm_outcomes (account_id, message_key, outcome, reason, what, entities, activity_id,
                 choose_deal, deal_candidates, warning, forced, processed_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12)
                 ON CONFLICT(account_id, message_key) DO UPDATE SET outcome = excluded.outcome,
                 reason = excluded.reason, what = excluded.what, entities = excluded.entities,
                 activity_id = excluded.activity_id, choose_deal = excluded.choose_deal,
                 deal_candidates = excluded.deal_candidates, warning = excluded.warning, forced = excluded.forced,
                 processed_at = excluded.processed_at",
            )?
            .execute(params![
                o.account_id,
                o.message_key,
                o.kind.as_str(),
                o.reason,
                o.what,
                serde_json::to_string(&o.entities)?,
                o.activity_id,
                bool_flag(o.choose_deal),
                serde_json::to_string(&o.deal_candidates)?,
                o.warning,
                bool_flag(o.forced),
                o.processed_at
            ])?;
        Ok(())
    }

    fn raise_warning(&self, account_id: i64, kind: &str, message: &str, now: i64) -> Result<()> {
        self.conn
            .prepare_cached(
                r"INSERT INTO crm_warnings (account_id, kind, message, first_at, last_at, count)
                 VALUES (?1, ?2, ?3, ?4, ?4, 1) ON CONFLICT(account_id, kind) DO UPDATE SET
                 message = excluded.message, last_at = excluded.last_at, count = count + 1",
            )?
            .execute(params![account_id, kind, message, now])?;
        Ok(())
    }

    fn clear_warning(&self, account_id: i64, kind: &str) -> Result<()> {
        self.conn
            .prepare_cached("DELETE FROM crm_warnings WHERE account_id = ?1 AND kind = ?2")?
            .execute(params![account_id, kind])?;
        Ok(())
    }

    fn warnings(&self, account_id: Option<i64>) -> Result<Vec<Warning>> {
        Ok(self
            .conn
            .prepare_cached(
                r"SELECT account_id, kind, message, first_at, last_at, count FROM crm_warnings
                 WHERE ?1 IS NULL OR account_id = ?1 ORDER BY account_id, kind",
            )?
            .query_map([account_id], |r| {
                Ok(Warning {
                    account_id: r.get(0)?,
                    kind: r.get(1)?,
                    message: r.get(2)?,
                    first_at: r.get(3)?,
                    last_at: r.get(4)?,
                    count: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }
}

#[cfg(test)]
mod tests {
    use crate::store::Store;

    /// Lookups by address and domain are index searches (O(log n)), never table scans.
    #[test]
    fn hot_lookups_use_indexes() {
        let store = Store::open_in_memory().unwrap();
        let conn = store.conn().unwrap();
        let activity_sql = "SELECT id FROM crm_activities WHERE message_key = ?1 ORDER BY date DESC, id DESC LIMIT 1";
        let timeline_sql = r"SELECT date, activity_id FROM crm_activity_links WHERE entity_kind = ?1 AND entity_id = ?2
                            ORDER BY date DESC, activity_id DESC LIMIT ?3";
        for sql in [
            super::hot::USER_BY_ADDRESS,
            super::hot::EXCEPTION_ENTRY,
            super::hot::COMPANY_BY_ADDRESS,
            super::hot::COMPANY_BY_DOMAIN,
            super::hot::CONTACT_BY_ADDRESS,
            super::hot::CLOSED_LEAD,
            super::hot::OPEN_LEAD,
            activity_sql,
            timeline_sql,
        ] {
            let mut st = conn.prepare(&format!("EXPLAIN QUERY PLAN {sql}")).unwrap();
            let n = st.parameter_count();
            let plan: Vec<String> = st
                .query_map(rusqlite::params_from_iter(std::iter::repeat_n("x", n)), |r| r.get::<_, String>(3))
                .unwrap()
                .collect::<rusqlite::Result<_>>()
                .unwrap();
            assert!(plan.iter().any(|p| p.starts_with("SEARCH")), "{sql}: {plan:?}");
            assert!(!plan.iter().any(|p| p.starts_with("SCAN")), "{sql}: {plan:?}");
        }
    }
}
