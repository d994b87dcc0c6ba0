//! Profile-wide calls for the core's other consumers (the sample-data generator in `dealbox-demo`, the
//! CLI): key/value profile settings, filling the mail cache as a sync would, CRM writes, and a count of
//! what a profile holds — so they never open the database themselves.

use std::path::Path;

use rusqlite::{params, OpenFlags, OptionalExtension};
use serde::Serialize;

use crate::cache::{self, Fetched};
use crate::error::Result;
use crate::store::DB_FILE;
use crate::Core;

/// What a profile holds: mail, CRM records, and the CRM's outcomes for the mail.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProfileStats {
    pub messages: i64,
    pub unread: i64,
    pub threads: i64,
    pub contacts: i64,
    pub companies: i64,
    pub leads: i64,
    pub deals: i64,
    pub linked: i64,
    pub created: i64,
    pub skipped: i64,
}

/// Read one profile setting of the profile in `dir` without opening it as a [`Core`] (which would create
/// or upgrade it): `None` when there is no profile there, or no such setting.
pub fn peek_setting(dir: &Path, key: &str) -> Option<String> {
    let db = dir.join(DB_FILE);
    if !db.is_file() {
        return None;
    }
    let conn =
        rusqlite::Connection::open_with_flags(&db, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
            .ok()?;
    conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get::<_, String>(0)).optional().ok()?
}

impl Core {
    /// A profile setting (`None` when unset).
    pub fn setting(&self, key: &str) -> Result<Option<String>> {
        let conn = self.store.conn()?;
        Ok(conn.query_row("SELECT value FROM settings WHERE key = ?1", [key], |r| r.get(0)).optional()?)
    }

    /// Set a profile setting, replacing its value.
    pub fn set_setting(&self, key: &str, value: &str) -> Result<()> {
        self.store.conn()?.execute(
            "INSERT INTO settings (key, value) VALUES (?1, ?2) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Create (or update) a folder of `account_id` with `/` as its hierarchy delimiter; returns its id.
    pub fn add_folder(&self, account_id: i64, name: &str, display_name: &str, role: Option<&str>) -> Result<i64> {
        cache::upsert_folder(&self.store, account_id, name, display_name, Some("/"), role)
    }

    /// Store messages in the mail cache exactly as a sync delivers them (parsing, threading, full text),
    /// in one transaction; returns their ids.
    pub fn store_messages(&self, account_id: i64, folder_id: i64, batch: &[Fetched<'_>]) -> Result<Vec<i64>> {
        cache::store_messages(&self.store, account_id, folder_id, batch)
    }

    /// Count what the profile holds (read only).
    pub fn stats(&self) -> Result<ProfileStats> {
        let conn = self.store.conn()?;
        let count = |sql: &str| -> Result<i64> { Ok(conn.query_row(sql, [], |r| r.get(0))?) };
        let outcomes = |kind: &str| -> Result<i64> {
            Ok(conn.query_row("SELECT COUNT(*) FROM crm_outcomes WHERE outcome = ?1", [kind], |r| r.get(0))?)
        };
        Ok(ProfileStats {
            messages: count("SELECT COUNT(*) FROM messages")?,
            unread: count("SELECT COUNT(*) FROM messages WHERE seen = 0")?,
            threads: count("SELECT COUNT(DISTINCT thread_id) FROM messages")?,
            contacts: count("SELECT COUNT(*) FROM crm_contacts")?,
            companies: count("SELECT COUNT(*) FROM crm_companies")?,
            leads: count("SELECT COUNT(*) FROM crm_leads")?,
            deals: count("SELECT COUNT(*) FROM crm_deals")?,
            linked: outcomes("linked")?,
            created: outcomes("created")?,
            skipped: outcomes("skipped")?,
        })
    }
}
