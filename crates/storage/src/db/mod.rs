//! The connection pool, migrations and write transactions.

pub mod dialect;
pub mod sql;

use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions, AnyTransactionManager};
use sqlx::pool::PoolConnection;
use sqlx::{
    Any, AnyConnection, AnyPool, ConnectOptions, Connection, Executor, Row, TransactionManager,
};
use tokio::sync::{Mutex, Notify, OwnedMutexGuard};

use crate::error::StoreResult;

/// Which database engine a URL names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite (the default).
    Sqlite,
    /// PostgreSQL, for several instances sharing one database.
    Postgres,
}

impl Backend {
    /// The backend a URL names, or an error that says which URLs are understood.
    pub fn from_url(url: &str) -> anyhow::Result<Backend> {
        if url.starts_with("sqlite:") {
            Ok(Backend::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Backend::Postgres)
        } else {
            anyhow::bail!(
                "unknown database URL “{url}”: use sqlite://PATH or postgres://USER@HOST:PORT/DB"
            )
        }
    }
}

/// The versioned migrations, embedded in the binary. Append only.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        "foundation",
        include_str!("../../migrations/0001_foundation.sql"),
    ),
    (
        2,
        "audit_chain",
        include_str!("../../migrations/0002_audit_chain.sql"),
    ),
    (
        3,
        "lifecycle",
        include_str!("../../migrations/0003_lifecycle.sql"),
    ),
    (
        4,
        "outcomes",
        include_str!("../../migrations/0004_outcomes.sql"),
    ),
    (
        5,
        "lookbacks",
        include_str!("../../migrations/0005_lookbacks.sql"),
    ),
    (
        6,
        "extension_requests",
        include_str!("../../migrations/0006_extension_requests.sql"),
    ),
    (
        7,
        "plan_filing",
        include_str!("../../migrations/0007_plan_filing.sql"),
    ),
    (
        8,
        "closure_rules",
        include_str!("../../migrations/0008_closure_rules.sql"),
    ),
    (
        9,
        "imports",
        include_str!("../../migrations/0009_imports.sql"),
    ),
    (
        10,
        "calendar",
        include_str!("../../migrations/0010_calendar.sql"),
    ),
    (
        11,
        "warnings",
        include_str!("../../migrations/0011_warnings.sql"),
    ),
    (
        12,
        "inspection_terms",
        include_str!("../../migrations/0012_inspection_terms.sql"),
    ),
    (
        13,
        "reminders",
        include_str!("../../migrations/0013_reminders.sql"),
    ),
    (
        14,
        "notices",
        include_str!("../../migrations/0014_notices.sql"),
    ),
    (
        15,
        "weekly",
        include_str!("../../migrations/0015_weekly.sql"),
    ),
    (
        16,
        "supervision",
        include_str!("../../migrations/0016_supervision.sql"),
    ),
    (
        17,
        "channels_milestones",
        include_str!("../../migrations/0017_channels_milestones.sql"),
    ),
    (
        18,
        "robot_colours",
        include_str!("../../migrations/0018_robot_colours.sql"),
    ),
    (
        19,
        "long_term_review",
        include_str!("../../migrations/0019_long_term_review.sql"),
    ),
    (
        20,
        "measures_by_organisation",
        include_str!("../../migrations/0020_measures_by_organisation.sql"),
    ),
    (
        21,
        "login_security",
        include_str!("../../migrations/0021_login_security.sql"),
    ),
    (
        22,
        "audit_checkpoints",
        include_str!("../../migrations/0022_audit_checkpoints.sql"),
    ),
    (
        23,
        "import_uploads",
        include_str!("../../migrations/0023_import_uploads.sql"),
    ),
    (
        28,
        "step_opinions",
        include_str!("../../migrations/0028_step_opinions.sql"),
    ),
    (
        29,
        "header_words",
        include_str!("../../migrations/0029_header_words.sql"),
    ),
    (
        31,
        "weekly_summaries",
        include_str!("../../migrations/0031_weekly_summaries.sql"),
    ),
];

/// A column a migration added to an existing table, with the value it gave the rows
/// already there (its `DEFAULT`, or NULL).
#[derive(Debug, Clone, PartialEq)]
pub struct AddedColumn {
    /// The table.
    pub table: String,
    /// The column.
    pub column: String,
    /// The value existing rows got.
    pub default: serde_json::Value,
}

/// Every column the migrations add with `ALTER TABLE … ADD COLUMN`. An audit entry
/// written before such a migration does not name the column; `audit verify` reads it
/// as the migration left the row (see `verify`).
pub fn added_columns() -> Vec<AddedColumn> {
    MIGRATIONS
        .iter()
        .flat_map(|(_, _, sql)| sql.lines())
        .filter_map(added_column)
        .collect()
}

/// Reads `ALTER TABLE t ADD COLUMN c TYPE [NOT NULL] [DEFAULT literal] …;`.
fn added_column(line: &str) -> Option<AddedColumn> {
    let rest = line.trim().strip_prefix("ALTER TABLE ")?;
    let (table, rest) = rest.split_once(' ')?;
    let rest = rest.trim_start().strip_prefix("ADD COLUMN ")?;
    let (column, rest) = rest.trim_start().split_once(' ')?;
    let default = match rest.split_once("DEFAULT ") {
        None => serde_json::Value::Null,
        Some((_, literal)) => {
            let literal = literal.trim_end_matches(';').trim();
            if let Some(text) = literal.strip_prefix('\'') {
                serde_json::Value::from(text.split('\'').next()?)
            } else {
                let number = literal.split([' ', ',', ';']).next()?;
                serde_json::Value::from(number.parse::<i64>().ok()?)
            }
        }
    };
    Some(AddedColumn {
        table: table.to_string(),
        column: column.to_string(),
        default,
    })
}

/// The database: a pool and its backend. Cheap to clone.
#[derive(Debug, Clone)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// SQLite has one writer at a time; taking this lock before `BEGIN` turns lock
    /// contention into a queue instead of `SQLITE_BUSY` errors.
    writer: Option<Arc<Mutex<()>>>,
    /// Whether audit entries are chained (always, but for the benchmark that measures
    /// what the chain costs).
    chain: bool,
    /// SQLite: wakes the task that copies the write-ahead log into the database file
    /// (see [`checkpoints`]).
    checkpoint: Option<Arc<Notify>>,
    /// The key that seals audit entries (SM3-HMAC); `None` writes unkeyed entries, as
    /// before keys existed.
    audit_key: Option<Arc<crate::audit::key::AuditKey>>,
    /// Whether this process has seen the trail's keying marker (with the key's id): the
    /// first keyed append looks for it, or writes it.
    marked: Arc<std::sync::atomic::AtomicBool>,
}

/// A write transaction. Dropped without [`Tx::commit`], it rolls back.
///
/// Audit records made during the transaction wait in it and are chained and appended
/// at commit, so that the chain's lock is held only for the append and the commit,
/// never for the work before them.
///
/// A request whose client goes away is dropped wherever it waits, also in the middle
/// of `BEGIN` or `COMMIT`. sqlx's own `Transaction` then loses track of the connection:
/// a `BEGIN` cut off after the server ran it leaves the connection inside a transaction
/// that sqlx believes closed, which the next request of the pool inherited ("already a
/// transaction in progress"); a `COMMIT` cut off is followed by a `ROLLBACK` of nothing
/// ("no transaction in progress"). So `Tx` keeps the pool's connection itself and knows
/// where it stands: dropped while open, a `ROLLBACK` is queued that the pool sends (and
/// waits for) before it hands the connection to anyone else; dropped while `BEGIN`,
/// `COMMIT` or `ROLLBACK` was under way, when nobody can know whether the server is in
/// a transaction, the connection is closed instead of returned, and the server rolls
/// back whatever it had.
pub struct Tx {
    /// Taken only when the transaction is dropped.
    conn: Option<PoolConnection<Any>>,
    stage: Stage,
    _writer: Option<OwnedMutexGuard<()>>,
    backend: Backend,
    chain: bool,
    checkpoint: Option<Arc<Notify>>,
    audit_key: Option<Arc<crate::audit::key::AuditKey>>,
    marked: Arc<std::sync::atomic::AtomicBool>,
    pub(crate) pending: Vec<crate::audit::Pending>,
}

/// Where a [`Tx`]'s connection stands, for its `Drop`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    /// `BEGIN`, `COMMIT` or `ROLLBACK` sent, its answer not yet read.
    Unknown,
    /// Inside the transaction.
    Open,
    /// Committed or rolled back: the connection is clean.
    Ended,
}

impl Tx {
    /// The connection, for queries inside the transaction.
    pub fn conn(&mut self) -> &mut AnyConnection {
        self.pooled()
    }

    fn pooled(&mut self) -> &mut PoolConnection<Any> {
        match self.conn.as_mut() {
            Some(conn) => conn,
            None => unreachable!("a transaction's connection is taken only when it is dropped"),
        }
    }

    /// The database the transaction runs in.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// Appends the transaction's audit records to the chain and makes everything durable.
    pub async fn commit(mut self) -> StoreResult<()> {
        let sealed = !self.pending.is_empty() && self.audit_key.is_some();
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            let key = self.audit_key.clone();
            let seal = key.as_deref().map(|key| crate::audit::Seal {
                key,
                marked: self.marked.load(std::sync::atomic::Ordering::Acquire),
            });
            let (backend, chain) = (self.backend, self.chain);
            crate::audit::append(self.pooled(), backend, chain, seal, pending).await?;
        }
        self.stage = Stage::Unknown;
        AnyTransactionManager::commit(self.pooled()).await?;
        self.stage = Stage::Ended;
        if sealed {
            self.marked
                .store(true, std::sync::atomic::Ordering::Release);
        }
        if let Some(checkpoint) = &self.checkpoint {
            checkpoint.notify_one();
        }
        Ok(())
    }

    /// Rolls back now, rather than when dropped.
    pub async fn rollback(mut self) -> StoreResult<()> {
        self.stage = Stage::Unknown;
        AnyTransactionManager::rollback(self.pooled()).await?;
        self.stage = Stage::Ended;
        Ok(())
    }
}

impl Drop for Tx {
    fn drop(&mut self) {
        let Some(mut conn) = self.conn.take() else {
            return;
        };
        let runtime = tokio::runtime::Handle::try_current();
        match (self.stage, self._writer.take(), runtime) {
            (Stage::Ended, _, _) => {}
            // SQLite: the writer's turn is kept until the connection has let go of the
            // database (rolled back, or closed), or the next writer finds it locked and
            // fails after the busy timeout.
            (stage, Some(writer), Ok(runtime)) => {
                runtime.spawn(async move {
                    let rolled_back = stage == Stage::Open
                        && AnyTransactionManager::rollback(&mut conn).await.is_ok();
                    if !rolled_back {
                        let _ = conn.close().await;
                    }
                    drop(writer);
                });
            }
            // Sent ahead of anything the pool's next user sends: the pool pings a
            // returned connection, which reads every answer still owed, this one too.
            (Stage::Open, _, _) => AnyTransactionManager::start_rollback(&mut conn),
            (Stage::Unknown, _, _) => conn.close_on_drop(),
        }
    }
}

impl Db {
    /// Connects to the database a URL names. A SQLite file is created if missing.
    pub async fn connect(url: &str, max_connections: u32) -> anyhow::Result<Db> {
        sqlx::any::install_default_drivers();
        let backend = Backend::from_url(url)?;
        let url = match backend {
            Backend::Sqlite if !url.contains("mode=") => {
                let sep = if url.contains('?') { '&' } else { '?' };
                format!("{url}{sep}mode=rwc")
            }
            _ => url.to_string(),
        };
        let options = AnyConnectOptions::from_str(&url)
            .with_context(|| format!("reading the database URL {}", redact(&url)))?
            .disable_statement_logging();
        let own = options.clone();
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .after_connect(move |conn, _| {
                Box::pin(async move {
                    conn.execute(sqlx::raw_sql(dialect::on_connect(backend)))
                        .await?;
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .with_context(|| format!("connecting to {}", redact(&url)))?;
        let (writer, checkpoint) = match backend {
            Backend::Sqlite => {
                let writer = Arc::new(Mutex::new(()));
                let conn = AnyConnection::connect_with(&own)
                    .await
                    .with_context(|| format!("connecting to {}", redact(&url)))?;
                let wake = Arc::new(Notify::new());
                tokio::spawn(checkpoints(conn, wake.clone(), writer.clone()));
                (Some(writer), Some(wake))
            }
            Backend::Postgres => (None, None),
        };
        Ok(Db {
            pool,
            backend,
            writer,
            chain: true,
            checkpoint,
            audit_key: None,
            marked: Arc::default(),
        })
    }

    /// The same database, its audit entries sealed with `key` from now on (the first
    /// write records the keying marker when the trail has none).
    pub fn with_audit_key(self, key: crate::audit::key::AuditKey) -> Db {
        Db {
            audit_key: Some(Arc::new(key)),
            marked: Arc::default(),
            ..self
        }
    }

    /// The same database writing unkeyed audit entries, as before keys existed (for tests
    /// of a trail that becomes sealed).
    pub fn without_audit_key(&self) -> Db {
        Db {
            audit_key: None,
            marked: Arc::default(),
            ..self.clone()
        }
    }

    /// The key audit entries are sealed with, if any.
    pub fn audit_key(&self) -> Option<&crate::audit::key::AuditKey> {
        self.audit_key.as_deref()
    }

    /// The same database with unchained audit entries: only for measuring the chain's
    /// cost (`zhenggai bench --writes`); `verify` rejects what it writes.
    pub fn without_chain(&self) -> Db {
        Db {
            chain: false,
            ..self.clone()
        }
    }

    /// The backend in use.
    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        let guard = match &self.writer {
            Some(lock) => Some(lock.clone().lock_owned().await),
            None => None,
        };
        let conn = self.pool.acquire().await?;
        let mut tx = Tx {
            conn: Some(conn),
            stage: Stage::Unknown,
            _writer: guard,
            backend: self.backend,
            chain: self.chain,
            checkpoint: self.checkpoint.clone(),
            audit_key: self.audit_key.clone(),
            marked: self.marked.clone(),
            pending: Vec::new(),
        };
        AnyTransactionManager::begin(tx.pooled(), None).await?;
        tx.stage = Stage::Open;
        Ok(tx)
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Applies the migrations not yet applied; returns how many ran.
    pub async fn migrate(&self) -> anyhow::Result<usize> {
        self.migrate_until(i64::MAX).await
    }

    /// Applies the migrations up to and including version `last`: an older release's
    /// schema, for tests of upgrades.
    pub async fn migrate_until(&self, last: i64) -> anyhow::Result<usize> {
        let mut tx = self.begin().await?;
        if let Some(lock) = dialect::migration_lock(self.backend) {
            tx.conn().execute(lock).await?;
        }
        tx.conn()
            .execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations \
                 (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)",
            )
            .await?;
        let applied: Vec<i64> = sqlx::query("SELECT version FROM schema_migrations")
            .fetch_all(tx.conn())
            .await?
            .iter()
            .map(|r| r.try_get::<i64, _>(0))
            .collect::<Result<_, _>>()?;
        let mut ran = 0;
        for (version, name, sql) in MIGRATIONS {
            if applied.contains(version) || *version > last {
                continue;
            }
            let sql = dialect::expand(sql, self.backend);
            tx.conn()
                .execute(sqlx::raw_sql(&sql))
                .await
                .with_context(|| format!("migration {version} {name}"))?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(*version)
            .bind(*name)
            .bind(crate::db::sql::stamp(zhenggai_domain::clock::Clock::now(
                &zhenggai_domain::clock::SystemClock,
            )))
            .execute(tx.conn())
            .await?;
            ran += 1;
        }
        tx.commit().await?;
        if self.backend == Backend::Sqlite {
            // Fresh planner statistics for tables that have grown since the last start.
            sqlx::query("PRAGMA optimize=0x10002")
                .execute(&self.pool)
                .await?;
        }
        Ok(ran)
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
}

/// SQLite's checkpoints, on a connection of their own: after writes, the pages of the
/// write-ahead log are copied into the database file here rather than by the
/// connection whose commit pushed the log past its limit (`wal_autocheckpoint`, off on
/// the pool's connections, see [`dialect::on_connect`]), so that a large import's
/// commit does not wait for its 200 MB of log to be copied (docs/benchmarks.md).
///
/// A round holds the writer lock, as a commit's own checkpoint did: with no writer
/// adding to the log meanwhile, the round copies all of it (but what readers of older
/// snapshots still need), and the next writer starts the log again from its beginning.
/// Without the lock, a busy database's log grew without end. Rounds are at least
/// `PAUSE` apart, and one runs every `IDLE` without being woken, for writes outside
/// [`Tx`]. When the last connection closes, SQLite checkpoints what is left itself.
async fn checkpoints(mut conn: AnyConnection, wake: Arc<Notify>, writers: Arc<Mutex<()>>) {
    const PAUSE: std::time::Duration = std::time::Duration::from_millis(250);
    const IDLE: std::time::Duration = std::time::Duration::from_secs(10);
    loop {
        tokio::select! {
            () = wake.notified() => {}
            () = tokio::time::sleep(IDLE) => {}
        }
        if Arc::strong_count(&wake) == 1 {
            // Every Db and Tx of this database is gone.
            break;
        }
        {
            let _writing = writers.lock().await;
            if let Err(e) = conn.execute("PRAGMA wal_checkpoint(PASSIVE)").await {
                tracing::warn!("SQLite checkpoint: {e}");
            }
        }
        tokio::time::sleep(PAUSE).await;
    }
    let _ = conn.close().await;
}

/// A URL with its password hidden, for messages.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => {
            let userinfo = &url[scheme + 3..at];
            match userinfo.find(':') {
                Some(colon) => format!(
                    "{}{}:***{}",
                    &url[..scheme + 3],
                    &userinfo[..colon],
                    &url[at..]
                ),
                None => url.to_string(),
            }
        }
        _ => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_added_by_migrations_are_read_with_what_existing_rows_got() {
        let added = added_columns();
        let find = |table: &str, column: &str| {
            added
                .iter()
                .find(|a| a.table == table && a.column == column)
                .map(|a| a.default.clone())
        };
        assert_eq!(
            find("warning_rules", "remind_days"),
            Some(serde_json::json!("3,1"))
        );
        assert_eq!(
            find("warning_rules", "repeat_days"),
            Some(serde_json::json!(1))
        );
        assert_eq!(
            find("problems", "state"),
            Some(serde_json::json!("registered"))
        );
        assert_eq!(
            find("problems", "lead_unit_id"),
            Some(serde_json::Value::Null)
        );
        assert_eq!(find("measures", "origin"), Some(serde_json::Value::Null));
        // Every ADD COLUMN of every migration is read, none skipped by the parser.
        let written = MIGRATIONS
            .iter()
            .flat_map(|(_, _, sql)| sql.lines())
            .filter(|l| l.contains("ADD COLUMN"))
            .count();
        assert_eq!(added.len(), written);
        assert_eq!(
            added_column("ALTER TABLE t ADD COLUMN c BIGINT NOT NULL DEFAULT 0;"),
            Some(AddedColumn {
                table: "t".into(),
                column: "c".into(),
                default: serde_json::json!(0)
            })
        );
    }

    #[test]
    fn backends_from_urls() {
        assert_eq!(Backend::from_url("sqlite://x.db").unwrap(), Backend::Sqlite);
        assert_eq!(
            Backend::from_url("postgres://u@h/d").unwrap(),
            Backend::Postgres
        );
        assert!(Backend::from_url("mysql://u@h/d").is_err());
    }

    #[test]
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
    }

    /// Every file in `migrations/` is in [`MIGRATIONS`], numbered in order: a migration
    /// written but not listed would never run. Numbers rise but may skip: engineers
    /// working side by side each reserve one, and not every reserved one gets used.
    #[test]
    fn every_migration_file_is_listed_in_order() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/migrations");
        let mut files: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        files.sort();
        assert_eq!(files.len(), MIGRATIONS.len());
        let mut last = 0;
        for (file, (n, name, _)) in files.iter().zip(MIGRATIONS) {
            assert!(*n > last, "{file}: numbers rise");
            last = *n;
            assert_eq!(file, &format!("{n:04}_{name}.sql"));
        }
    }
}
