//! The local store: one SQLite database per profile, upgraded by numbered migrations.

use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};

use rusqlite::{Connection, OpenFlags};

use crate::error::{Error, Result};

/// The migrations, in order. Migration N brings the schema to `user_version` N.
/// Append new files; never edit or reorder a released one.
macro_rules! migration {
    ($name:literal) => {
        ($name, include_str!(concat!("../migrations/", $name, ".sql")))
    };
}

#[rustfmt::skip]
pub const MIGRATIONS: &[(&str, &str)] = &[
    migration!("0001_init"),
    migration!("0002_remote_content"),
    migration!("0003_sync_status"),
    migration!("0004_drafts"),
    migration!("0005_crm"),
    migration!("0006_sync_indexes"),
    migration!("0007_list_indexes"),
    migration!("0008_flag_columns"),
];

/// The schema version this build writes.
pub fn latest_version() -> i64 {
    MIGRATIONS.len() as i64
}

/// The database file inside a profile directory.
pub const DB_FILE: &str = "dealbox.sqlite3";

/// A handle to the profile's database. Cheap to share behind an `Arc`.
pub struct Store {
    conn: Mutex<Connection>,
    path: PathBuf,
}

impl Store {
    /// Open (creating if needed) the database at `path` and bring it to the latest schema.
    pub fn open(path: &Path) -> Result<Self> {
        Self::open_upto(path, latest_version())
    }

    /// Open and migrate only up to `target` (used by upgrade tests to write an old database).
    pub fn open_upto(path: &Path, target: i64) -> Result<Self> {
        let conn = Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
        .map_err(|e| Error::storage(format!("cannot open the database {}: {e}", path.display())))?;
        // Refuse a newer database before `configure`: switching it to WAL would already change the file.
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        refuse_newer(&conn)?;
        configure(&conn)?;
        let mut store = Self { conn: Mutex::new(conn), path: path.to_path_buf() };
        store.migrate(target)?;
        Ok(store)
    }

    /// An in-memory database at the latest schema, for unit tests.
    pub fn open_in_memory() -> Result<Self> {
        let conn = Connection::open_in_memory()?;
        configure(&conn)?;
        let mut store = Self { conn: Mutex::new(conn), path: PathBuf::from(":memory:") };
        store.migrate(latest_version())?;
        Ok(store)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Lock the connection. Keep the guard short: never hold it across an await.
    pub fn conn(&self) -> Result<MutexGuard<'_, Connection>> {
        self.conn.lock().map_err(|_| Error::internal("database lock poisoned by an earlier panic"))
    }

    /// The schema version of the open database.
    pub fn version(&self) -> Result<i64> {
        Ok(self.conn()?.query_row("PRAGMA user_version", [], |r| r.get(0))?)
    }

    fn migrate(&mut self, target: i64) -> Result<()> {
        let conn = self.conn.get_mut().map_err(|_| Error::internal("database lock poisoned"))?;
        let current = refuse_newer(conn)?;
        for (i, (name, sql)) in MIGRATIONS.iter().enumerate() {
            let version = i as i64 + 1;
            if version <= current || version > target {
                continue;
            }
            let tx = conn.transaction()?;
            tx.execute_batch(sql)
                .map_err(|e| Error::storage(format!("database upgrade {name} failed: {e}; nothing was changed")))?;
            tx.pragma_update(None, "user_version", version)?;
            tx.commit()?;
            tracing::info!(migration = name, version, "database upgraded");
        }
        Ok(())
    }
}

/// The database's schema version, or an error if a newer Dealbox wrote it.
fn refuse_newer(conn: &Connection) -> Result<i64> {
    let current: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
    if current > latest_version() {
        return Err(Error::storage(format!(
            "this profile's database was written by a newer Dealbox (schema version {current}; this version \
             understands up to {}). Update Dealbox to open it; nothing was changed.",
            latest_version()
        )));
    }
    Ok(current)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(std::time::Duration::from_secs(10))?;
    // journal_mode returns a row, so read it rather than execute it.
    let _mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    conn.execute_batch("PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL;")?;
    Ok(())
}

/// A fieldless enum kept as one of a fixed set of words in a TEXT column and serialized as the same words:
/// `as_str`, `Display`, serde, and rusqlite's `ToSql`/`FromSql` (an unknown word read back is an error,
/// never a silent default). The words are the database's and the UI's: never change one.
macro_rules! text_enum {
    ($(#[$meta:meta])* $vis:vis enum $name:ident { $($(#[$vmeta:meta])* $variant:ident = $text:literal,)+ }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
        $vis enum $name {
            $($(#[$vmeta])* #[serde(rename = $text)] $variant,)+
        }

        impl $name {
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text,)+
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.as_str())
            }
        }

        impl rusqlite::types::ToSql for $name {
            fn to_sql(&self) -> rusqlite::Result<rusqlite::types::ToSqlOutput<'_>> {
                Ok(self.as_str().into())
            }
        }

        impl rusqlite::types::FromSql for $name {
            fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
                match v.as_str()? {
                    $($text => Ok($name::$variant),)+
                    other => Err(rusqlite::types::FromSqlError::Other(
                        format!("unknown {} '{other}' in the database", stringify!($name)).into(),
                    )),
                }
            }
        }
    };
}
pub(crate) use text_enum;

/// Kept here for the many callers that import it from the store.
pub use crate::time::unix_now;

/// `text` with LIKE's wildcards (`%`, `_`) and the escape character itself escaped, for a pattern used with
/// `ESCAPE '\'`. The core's one LIKE escape: build the pattern with it and bind it, never paste it into SQL.
pub fn like_escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fresh_database_reaches_the_latest_version() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(&dir.path().join(DB_FILE)).unwrap();
        assert_eq!(store.version().unwrap(), latest_version());
        let mode: String = store.conn().unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "wal");
    }

    #[test]
    fn database_from_a_newer_version_is_refused_untouched() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(DB_FILE);
        {
            let c = Connection::open(&path).unwrap();
            c.execute_batch("CREATE TABLE future (x INTEGER); PRAGMA user_version = 999;").unwrap();
        }
        let err = Store::open(&path).err().expect("must refuse");
        assert!(err.message.contains("newer Dealbox"), "{err}");
        assert!(err.message.contains("999"), "{err}");
        let c = Connection::open(&path).unwrap();
        let v: i64 = c.query_row("PRAGMA user_version", [], |r| r.get(0)).unwrap();
        assert_eq!(v, 999);
    }

    #[test]
    fn like_escape_makes_wildcards_literal() {
        assert_eq!(like_escape(r"50%_off\now"), r"50\%\_off\\now");
        let conn = Connection::open_in_memory().unwrap();
        let hit = |text: &str, needle: &str| -> bool {
            let pattern = format!("%{}%", like_escape(needle));
            conn.query_row(r"SELECT ?1 LIKE ?2 ESCAPE '\'", [text, &pattern], |r| r.get(0)).unwrap()
        };
        assert!(hit("save 50% now", "50%"));
        assert!(!hit("save 500 now", "50%"));
        assert!(!hit("a-b", "a_b"));
        assert!(hit(r"c:\x", r"c:\"));
    }

    text_enum! {
        enum Light {
            Red = "red",
            Green = "green",
        }
    }

    #[test]
    fn a_text_enum_is_its_words_in_sql_and_json_and_refuses_others() {
        let conn = Connection::open_in_memory().unwrap();
        let back: Light = conn.query_row("SELECT ?1", [Light::Green], |r| r.get(0)).unwrap();
        assert_eq!(back, Light::Green);
        let text: String = conn.query_row("SELECT ?1", [Light::Red], |r| r.get(0)).unwrap();
        assert_eq!(text, "red");
        assert_eq!(serde_json::to_string(&Light::Green).unwrap(), "\"green\"");
        assert_eq!(format!("[{:<5}]", Light::Red), "[red  ]");
        let bad = conn.query_row("SELECT 'amber'", [], |r| r.get::<_, Light>(0));
        assert!(bad.unwrap_err().to_string().contains("unknown Light 'amber'"));
    }

    #[test]
    fn fts5_is_available() {
        let store = Store::open_in_memory().unwrap();
        store
            .conn()
            .unwrap()
            .execute("INSERT INTO messages_fts(rowid, subject, addresses, body) VALUES (1, 'hello', '', '')", [])
            .unwrap();
    }
}
