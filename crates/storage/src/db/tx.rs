//! Write transactions: a [`Tx`] holds its pool connection itself, and appends the audit
//! entries made in it when it commits.
//!
//! The one import loop between storage's folders passes here, on purpose: a commit
//! appends the transaction's audit entries ([`crate::audit::chain::append`]), and the
//! audit trail's writes are made inside a `Tx`. Entries wait in the transaction so
//! that the chain's lock is held only for the append and the commit.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use sqlx::any::AnyTransactionManager;
use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, TransactionManager};
use tokio::sync::{Notify, OwnedMutexGuard};

use super::dialect::Backend;
use crate::audit::key::AuditKey;
use crate::error::StoreResult;

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
    audit_key: Option<Arc<AuditKey>>,
    marked: Arc<AtomicBool>,
    pub(crate) pending: Vec<crate::audit::chain::Pending>,
    /// Rows written in bulk, by their digests, waiting for the entry of the import that
    /// wrote them (`audit::write::imported`).
    pub(crate) batch: Vec<crate::audit::batch::TableRows>,
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
    /// Begins a transaction on a connection of the pool; `writer` is SQLite's writer
    /// turn, held until the transaction ends.
    pub(super) async fn begin(
        conn: PoolConnection<Any>,
        writer: Option<OwnedMutexGuard<()>>,
        backend: Backend,
        chain: bool,
        checkpoint: Option<Arc<Notify>>,
        audit_key: Option<Arc<AuditKey>>,
        marked: Arc<AtomicBool>,
    ) -> StoreResult<Tx> {
        let mut tx = Tx {
            conn: Some(conn),
            stage: Stage::Unknown,
            _writer: writer,
            backend,
            chain,
            checkpoint,
            audit_key,
            marked,
            pending: Vec::new(),
            batch: Vec::new(),
        };
        AnyTransactionManager::begin(tx.pooled(), None).await?;
        tx.stage = Stage::Open;
        Ok(tx)
    }

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
    pub async fn commit(self) -> StoreResult<()> {
        use tracing::Instrument;
        // The span times the audit append and the COMMIT together: where a write waits
        // on the chain's lock or the disk shows in the request's log with its id.
        let span = tracing::debug_span!("db_commit", audit_entries = self.pending.len());
        let started = std::time::Instant::now();
        let done = self.commit_now().instrument(span).await;
        tracing::debug!(
            ms = started.elapsed().as_secs_f64() * 1e3,
            ok = done.is_ok(),
            "commit"
        );
        done
    }

    async fn commit_now(mut self) -> StoreResult<()> {
        // Rows no entry records would read as written behind the system's back.
        if !self.batch.is_empty() {
            return Err(anyhow::anyhow!(
                "rows written in bulk into {} without the entry that records them (audit::write::imported)",
                self.batch.iter().map(|t| t.table.as_str()).collect::<Vec<_>>().join(", ")
            )
            .into());
        }
        let sealed = !self.pending.is_empty() && self.audit_key.is_some();
        if !self.pending.is_empty() {
            let pending = std::mem::take(&mut self.pending);
            let key = self.audit_key.clone();
            let seal = key.as_deref().map(|key| crate::audit::chain::Seal {
                key,
                marked: self.marked.load(Ordering::Acquire),
            });
            let (backend, chain) = (self.backend, self.chain);
            crate::audit::chain::append(self.pooled(), backend, chain, seal, pending).await?;
        }
        self.stage = Stage::Unknown;
        AnyTransactionManager::commit(self.pooled()).await?;
        self.stage = Stage::Ended;
        if sealed {
            self.marked.store(true, Ordering::Release);
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
