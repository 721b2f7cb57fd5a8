//! The database: the connection pool ([`Db`]), write transactions ([`tx`]), the
//! migrations ([`migrate`]), every SQLite/PostgreSQL difference ([`dialect`]) and the
//! query builder with the stored forms of dates and instants ([`sql`]).

pub mod dialect;
pub mod memo;
pub mod migrate;
pub mod rows;
pub mod sql;
pub mod tx;
mod wal;

use std::str::FromStr;
use std::sync::Arc;

use anyhow::Context;
use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{AnyConnection, AnyPool, ConnectOptions, Connection, Executor};
use tokio::sync::{Mutex, Notify};

use self::dialect::Backend;
use self::tx::Tx;
use crate::audit::key::AuditKey;
use crate::error::StoreResult;

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
    /// (see [`wal::checkpoints`]).
    checkpoint: Option<Arc<Notify>>,
    /// The key that seals audit entries (SM3-HMAC); `None` writes unkeyed entries, as
    /// before keys existed.
    audit_key: Option<Arc<AuditKey>>,
    /// Whether this process has seen the trail's keying marker (with the key's id): the
    /// first keyed append looks for it, or writes it.
    marked: Arc<std::sync::atomic::AtomicBool>,
    /// Results computed for each state of the ledger (`statistics::cache`).
    memo: Arc<memo::Memo>,
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
            // sqlx pings a connection when it is returned to the pool (which also reads
            // any answer still owed, see `Tx`'s drop) and, by default, again when it is
            // taken: a round trip more for every statement a request runs on the pool.
            // A connection the server closed while idle fails its next statement once.
            .test_before_acquire(false)
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
                tokio::spawn(wal::checkpoints(conn, wake.clone(), writer.clone()));
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
            memo: Arc::default(),
        })
    }

    /// The same database, its audit entries sealed with `key` from now on (the first
    /// write records the keying marker when the trail has none).
    pub fn with_audit_key(self, key: AuditKey) -> Db {
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
    pub fn audit_key(&self) -> Option<&AuditKey> {
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

    /// Whether audit entries are chained (all but the chain's own benchmark).
    pub fn chained(&self) -> bool {
        self.chain
    }

    /// The results computed for each state of this database's ledger.
    pub fn memo(&self) -> &memo::Memo {
        &self.memo
    }

    /// The pool, for reads.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    /// Runs `work` in one write transaction: committed when it returns `Ok`, rolled back
    /// when it returns an error (or is dropped). The one way a write is wrapped, so that
    /// no path forgets the commit or commits after a refusal.
    pub async fn write<T>(
        &self,
        work: impl AsyncFnOnce(&mut Tx) -> StoreResult<T>,
    ) -> StoreResult<T> {
        let mut tx = self.begin().await?;
        let out = work(&mut tx).await?;
        tx.commit().await?;
        Ok(out)
    }

    /// Starts a write transaction.
    pub async fn begin(&self) -> StoreResult<Tx> {
        use tracing::Instrument;
        // The span covers the wait for SQLite's writer turn and for a pooled
        // connection: under load, that wait is where a write's time goes.
        let started = std::time::Instant::now();
        let tx = async {
            let guard = match &self.writer {
                Some(lock) => Some(lock.clone().lock_owned().await),
                None => None,
            };
            let conn = self.pool.acquire().await?;
            Tx::begin(
                conn,
                guard,
                self.backend,
                self.chain,
                self.checkpoint.clone(),
                self.audit_key.clone(),
                self.marked.clone(),
            )
            .await
        }
        .instrument(tracing::debug_span!("db_begin"))
        .await;
        tracing::debug!(
            ms = started.elapsed().as_secs_f64() * 1e3,
            "begin (waited for the writer and a connection)"
        );
        tx
    }

    /// Whether the database answers (for `/healthz`).
    pub async fn ping(&self) -> bool {
        sqlx::query("SELECT 1").fetch_one(&self.pool).await.is_ok()
    }

    /// Closes the pool, waiting for connections in use to be returned.
    pub async fn close(&self) {
        self.pool.close().await;
    }
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
    fn passwords_are_redacted() {
        assert_eq!(
            redact("postgres://u:secret@h:5432/d"),
            "postgres://u:***@h:5432/d"
        );
        assert_eq!(redact("postgres://u@h/d"), "postgres://u@h/d");
    }
}
