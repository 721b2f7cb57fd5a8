//! Figures computed once for each state of the ledger (issue 23's speed): the battle
//! map of a scope over a million measures reads every measure of it, and the leading
//! group's big screen, the upper level's maps and every report ask for the same figures
//! again and again while the ledger has not changed.
//!
//! What says the ledger has not changed: the audit chains' heads. Every change to a
//! record appends to a chain in the same transaction as the change (D21), so the sum of
//! the chains' positions rises with every commit that changes anything, and only then
//! — on PostgreSQL too, where writers append to 1,024 chains side by side, because the
//! heads are read as committed. A reader reads that sum *before* it reads the facts, so
//! what it computes is at least as new as the sum it is filed under; a later reader
//! finds it only while the sum is unchanged, that is while nothing was committed since.
//! Nothing is ever served older than the ledger it was asked of, and no instance needs
//! another's cache: each files what it computed under the database's own state.
//!
//! The figures of the same scope, day and state are the same for everyone who may read
//! them, so the permission is checked before the cache is looked at, never by it. The
//! results are kept in the database's memo (`db::memo`); a database whose entries are
//! not chained (only the benchmark of the chain's own cost) is never cached.

use chrono::{Datelike, NaiveDate};

use std::sync::Arc;

use crate::db::Db;
use crate::db::memo::{self, Value};
use crate::error::{StoreError, StoreResult};

/// What was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// [`super::figures`].
    Figures = 1,
    /// [`super::battle_map`].
    Map = 2,
    /// [`super::totals`].
    Totals = 3,
}

/// The memo's key of `what` for `orgs` (or the one inspection `only`) on `day`, asked
/// on `today`, at the ledger's `state`.
pub(crate) fn key(
    what: What,
    orgs: &[i64],
    only: Option<i64>,
    day: NaiveDate,
    today: NaiveDate,
    state: i64,
) -> memo::Key {
    let mut of = vec![
        what as i64,
        only.unwrap_or(0),
        i64::from(day.num_days_from_ce()),
        // Today's figures read the rows as they are, a past day's rewinds them.
        i64::from(today.num_days_from_ce()),
    ];
    of.extend_from_slice(orgs);
    memo::Key { of, state }
}

/// The ledger's state as committed: `None` where entries are not chained (nothing is
/// cached then).
pub(crate) async fn state(db: &Db, conn: &mut sqlx::AnyConnection) -> StoreResult<Option<i64>> {
    if !db.chained() {
        return Ok(None);
    }
    let sum: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(seq), 0) AS BIGINT) FROM audit_heads")
            .fetch_one(conn)
            .await?;
    Ok(Some(sum))
}

/// The result of `key`, computed by `make` if no one has yet; computed each time where
/// there is no key (entries not chained).
pub(crate) async fn get_or_make<T: Clone + Send + Sync + 'static>(
    db: &Db,
    key: Option<memo::Key>,
    make: impl AsyncFnOnce() -> StoreResult<T>,
) -> StoreResult<T> {
    let Some(key) = key else {
        return make().await;
    };
    let cell = db.memo().cell(&key);
    let made = cell
        .get_or_try_init(|| async { Ok::<Value, StoreError>(Arc::new(make().await?) as Value) })
        .await?;
    made.downcast_ref::<T>().cloned().ok_or_else(|| {
        StoreError::Other(anyhow::anyhow!(
            "the memo held another kind of result under this key"
        ))
    })
}
