//! SQLite's write-ahead log, copied into the database file by a task of its own.

use std::sync::Arc;

use sqlx::{AnyConnection, Connection, Executor};
use tokio::sync::{Mutex, Notify};

/// SQLite's checkpoints, on a connection of their own: after writes, the pages of the
/// write-ahead log are copied into the database file here rather than by the
/// connection whose commit pushed the log past its limit (`wal_autocheckpoint`, off on
/// the pool's connections, see [`super::dialect::on_connect`]), so that a large import's
/// commit does not wait for its 200 MB of log to be copied (docs/benchmarks.md).
///
/// A round holds the writer lock, as a commit's own checkpoint did: with no writer
/// adding to the log meanwhile, the round copies all of it (but what readers of older
/// snapshots still need), and the next writer starts the log again from its beginning.
/// Without the lock, a busy database's log grew without end. Rounds are at least
/// `PAUSE` apart, and one runs every `IDLE` without being woken, for writes outside
/// [`super::tx::Tx`]. When the last connection closes, SQLite checkpoints what is left itself.
pub(super) async fn checkpoints(
    mut conn: AnyConnection,
    wake: Arc<Notify>,
    writers: Arc<Mutex<()>>,
) {
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
