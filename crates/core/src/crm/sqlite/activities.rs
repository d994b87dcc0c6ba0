//! Activities (one per email), their links to records, notes and tasks in SQLite.

use rusqlite::{params, OptionalExtension, Row};

use super::SqliteCrm;
use crate::crm::model::*;
use crate::crm::repo::ActivityRepo;
use crate::error::{Error, Result};

const ACT_COLS: &str = r"id, account_id, message_key, direction, subject, date, thread_key, previous_id, completed,
                        answered, responsible_id";

fn act_row(r: &Row<'_>) -> rusqlite::Result<Activity> {
    Ok(Activity {
        id: r.get(0)?,
        account_id: r.get(1)?,
        message_key: r.get(2)?,
        direction: Direction::parse(&r.get::<_, String>(3)?),
        subject: r.get(4)?,
        date: r.get(5)?,
        thread_key: r.get(6)?,
        previous_id: r.get(7)?,
        completed: r.get(8)?,
        answered: r.get(9)?,
        responsible_id: r.get(10)?,
        links: vec![],
    })
}

fn kind_of(s: &str) -> EntityKind {
    s.parse().unwrap_or(EntityKind::Contact)
}

impl SqliteCrm<'_> {
    fn with_links(&self, mut a: Activity) -> Result<Activity> {
        a.links = self
            .conn
            .prepare_cached(
                r"SELECT entity_kind, entity_id FROM crm_activity_links WHERE activity_id = ?1
                 ORDER BY entity_kind, entity_id",
            )?
            .query_map([a.id], |r| Ok(EntityRef::new(kind_of(&r.get::<_, String>(0)?), r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(a)
    }

    /// Activities by id, in the order given, with their links: two queries whatever the count.
    fn activities_by_ids(&self, ids: &[i64]) -> Result<Vec<Activity>> {
        if ids.is_empty() {
            return Ok(vec![]);
        }
        let marks = vec!["?"; ids.len()].join(",");
        let mut acts: Vec<Activity> = self
            .conn
            .prepare_cached(&format!("SELECT {ACT_COLS} FROM crm_activities WHERE id IN ({marks})"))?
            .query_map(rusqlite::params_from_iter(ids), act_row)?
            .collect::<rusqlite::Result<_>>()?;
        let links: Vec<(i64, EntityRef)> = self
            .conn
            .prepare_cached(&format!(
                r"SELECT activity_id, entity_kind, entity_id FROM crm_activity_links WHERE activity_id IN ({marks})
                 ORDER BY entity_kind, entity_id"
            ))?
            .query_map(rusqlite::params_from_iter(ids), |r| {
                Ok((r.get(0)?, EntityRef::new(kind_of(&r.get::<_, String>(1)?), r.get(2)?)))
            })?
            .collect::<rusqlite::Result<_>>()?;
        for (id, e) in links {
            if let Some(a) = acts.iter_mut().find(|a| a.id == id) {
                a.links.push(e);
            }
        }
        acts.sort_by_key(|a| ids.iter().position(|i| *i == a.id));
        Ok(acts)
    }

    fn entity_exists(&self, e: EntityRef) -> Result<bool> {
        let table = match e.kind {
            EntityKind::Contact => "crm_contacts",
            EntityKind::Company => "crm_companies",
            EntityKind::Lead => "crm_leads",
            EntityKind::Deal => "crm_deals",
        };
        Ok(self
            .conn
            .prepare_cached(&format!("SELECT 1 FROM {table} WHERE id = ?1"))?
            .query_row([e.id], |_| Ok(()))
            .optional()?
            .is_some())
    }
}

impl ActivityRepo for SqliteCrm<'_> {
    fn add_activity(&self, a: &NewActivity, now: i64) -> Result<i64> {
        let answered = a.direction == Direction::In
            && self
                .conn
                .prepare_cached(
                    "SELECT 1 FROM crm_activities WHERE thread_key = ?1 AND date >= ?2 AND direction = 'out' LIMIT 1",
                )?
                .query_row(params![a.thread_key, a.date], |_| Ok(()))
                .optional()?
                .is_some();
        self.conn
            .prepare_cached(
                r"INSERT INTO crm_activities (account_id, message_key, direction, subject, date, thread_key,
                 previous_id, completed, answered, responsible_id, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
            )?
            .execute(params![
                a.account_id,
                a.message_key,
                a.direction.as_str(),
                a.subject,
                a.date,
                a.thread_key,
                a.previous_id,
                a.completed as i64,
                answered as i64,
                a.responsible_id,
                now
            ])?;
        let id = self.conn.last_insert_rowid();
        for e in &a.links {
            self.link_activity(id, *e)?;
        }
        if a.direction == Direction::Out {
            self.conn
                .prepare_cached(
                    r"UPDATE crm_activities SET answered = 1 WHERE thread_key = ?1 AND direction = 'in'
                     AND answered = 0 AND date <= ?2",
                )?
                .execute(params![a.thread_key, a.date])?;
        }
        Ok(id)
    }

    fn activity(&self, id: i64) -> Result<Option<Activity>> {
        let a = self
            .conn
            .prepare_cached(&format!("SELECT {ACT_COLS} FROM crm_activities WHERE id = ?1"))?
            .query_row([id], act_row)
            .optional()?;
        a.map(|a| self.with_links(a)).transpose()
    }

    fn activity_by_message(&self, account_id: i64, message_key: &str) -> Result<Option<Activity>> {
        let a = self
            .conn
            .prepare_cached(&format!(
                "SELECT {ACT_COLS} FROM crm_activities WHERE account_id = ?1 AND message_key = ?2"
            ))?
            .query_row(params![account_id, message_key], act_row)
            .optional()?;
        a.map(|a| self.with_links(a)).transpose()
    }

    fn activity_for_messages(&self, keys: &[String]) -> Result<Option<Activity>> {
        let mut best: Option<Activity> = None;
        let mut st = self.conn.prepare_cached(&format!(
            "SELECT {ACT_COLS} FROM crm_activities WHERE message_key = ?1 ORDER BY date DESC, id DESC LIMIT 1"
        ))?;
        for k in keys {
            if let Some(a) = st.query_row([k], act_row).optional()? {
                if best.as_ref().is_none_or(|b| (a.date, a.id) > (b.date, b.id)) {
                    best = Some(a);
                }
            }
        }
        best.map(|a| self.with_links(a)).transpose()
    }

    fn link_activity(&self, activity_id: i64, e: EntityRef) -> Result<()> {
        if !self.entity_exists(e)? {
            return Err(Error::not_found(format!("no {e} to link the email to")));
        }
        let n = self
            .conn
            .prepare_cached(
                r"INSERT OR IGNORE INTO crm_activity_links (entity_kind, entity_id, date, activity_id)
                 SELECT ?1, ?2, date, id FROM crm_activities WHERE id = ?3",
            )?
            .execute(params![e.kind.as_str(), e.id, activity_id])?;
        if n == 0 && self.activity(activity_id)?.is_none() {
            return Err(Error::not_found(format!("no activity #{activity_id}")));
        }
        Ok(())
    }

    fn timeline(&self, entities: &[EntityRef], limit: u32) -> Result<Vec<Activity>> {
        // Each record's newest links come straight from the primary key in date order; merge them.
        let mut ids: Vec<(i64, i64)> = Vec::new();
        let mut st = self.conn.prepare_cached(
            r"SELECT date, activity_id FROM crm_activity_links WHERE entity_kind = ?1 AND entity_id = ?2
             ORDER BY date DESC, activity_id DESC LIMIT ?3",
        )?;
        for e in entities {
            let rows = st
                .query_map(params![e.kind.as_str(), e.id, limit], |r| Ok((r.get(0)?, r.get(1)?)))?
                .collect::<rusqlite::Result<Vec<(i64, i64)>>>()?;
            ids.extend(rows);
        }
        ids.sort_unstable_by(|a, b| b.cmp(a));
        ids.dedup_by_key(|x| x.1);
        ids.truncate(limit as usize);
        self.activities_by_ids(&ids.iter().map(|x| x.1).collect::<Vec<_>>())
    }

    fn deal_in_thread(&self, deal_id: i64, thread_key: &str) -> Result<bool> {
        Ok(self
            .conn
            .prepare_cached(
                r"SELECT 1 FROM crm_activities a JOIN crm_activity_links l ON l.activity_id = a.id
                 WHERE a.thread_key = ?1 AND l.entity_kind = 'deal' AND l.entity_id = ?2 LIMIT 1",
            )?
            .query_row(params![thread_key, deal_id], |_| Ok(()))
            .optional()?
            .is_some())
    }

    fn last_activity_at(&self, e: EntityRef) -> Result<Option<i64>> {
        Ok(self
            .conn
            .prepare_cached("SELECT max(date) FROM crm_activity_links WHERE entity_kind = ?1 AND entity_id = ?2")?
            .query_row(params![e.kind.as_str(), e.id], |r| r.get::<_, Option<i64>>(0))?)
    }

    fn unanswered(&self, since: i64, until: i64, limit: u32) -> Result<Vec<Activity>> {
        let rows = self
            .conn
            .prepare_cached(&format!(
                r"SELECT {ACT_COLS} FROM crm_activities WHERE direction = 'in' AND answered = 0
                 AND date >= ?1 AND date < ?2 ORDER BY date, id LIMIT ?3"
            ))?
            .query_map(params![since, until, limit], act_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        rows.into_iter().map(|a| self.with_links(a)).collect()
    }

    fn add_note(&self, e: EntityRef, body: &str, author_id: Option<i64>, now: i64) -> Result<i64> {
        if body.trim().is_empty() {
            return Err(Error::config("the note is empty"));
        }
        if !self.entity_exists(e)? {
            return Err(Error::not_found(format!("no {e} to add the note to")));
        }
        self.conn.execute(
            "INSERT INTO crm_notes (entity_kind, entity_id, body, author_id, created_at) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![e.kind.as_str(), e.id, body.trim(), author_id, now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn notes(&self, e: EntityRef, limit: u32) -> Result<Vec<Note>> {
        Ok(self
            .conn
            .prepare_cached(
                r"SELECT id, body, author_id, created_at FROM crm_notes WHERE entity_kind = ?1 AND entity_id = ?2
                 ORDER BY created_at DESC, id DESC LIMIT ?3",
            )?
            .query_map(params![e.kind.as_str(), e.id, limit], |r| {
                Ok(Note { id: r.get(0)?, entity: e, body: r.get(1)?, author_id: r.get(2)?, created_at: r.get(3)? })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn add_task(
        &self,
        e: EntityRef,
        title: &str,
        due_at: Option<i64>,
        responsible_id: Option<i64>,
        now: i64,
    ) -> Result<i64> {
        if title.trim().is_empty() {
            return Err(Error::config("the task needs a title"));
        }
        if !self.entity_exists(e)? {
            return Err(Error::not_found(format!("no {e} to add the task to")));
        }
        self.conn.execute(
            r"INSERT INTO crm_tasks (entity_kind, entity_id, title, due_at, done, responsible_id, created_at)
             VALUES (?1, ?2, ?3, ?4, 0, ?5, ?6)",
            params![e.kind.as_str(), e.id, title.trim(), due_at, responsible_id, now],
        )?;
        Ok(self.conn.last_insert_rowid())
    }

    fn tasks(&self, e: EntityRef, include_done: bool) -> Result<Vec<Task>> {
        Ok(self
            .conn
            .prepare_cached(
                r"SELECT id, title, due_at, done, responsible_id, created_at FROM crm_tasks
                 WHERE entity_kind = ?1 AND entity_id = ?2 AND (?3 OR done = 0) ORDER BY done, due_at, id",
            )?
            .query_map(params![e.kind.as_str(), e.id, include_done], |r| {
                Ok(Task {
                    id: r.get(0)?,
                    entity: e,
                    title: r.get(1)?,
                    due_at: r.get(2)?,
                    done: r.get(3)?,
                    responsible_id: r.get(4)?,
                    created_at: r.get(5)?,
                })
            })?
            .collect::<rusqlite::Result<_>>()?)
    }

    fn set_task_done(&self, id: i64, done: bool) -> Result<()> {
        let n = self.conn.execute("UPDATE crm_tasks SET done = ?2 WHERE id = ?1", params![id, done as i64])?;
        if n == 0 {
            return Err(Error::not_found(format!("no task #{id}")));
        }
        Ok(())
    }
}
