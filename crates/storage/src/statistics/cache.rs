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
//! them, so the permission is checked before the cache is looked at, never by it.
//! Concurrent readers of a state not yet computed wait for one computation
//! (`OnceCell`). At most [`ENTRIES`] results are kept, the least recently used
//! dropped first; a database whose entries are not chained (only the benchmark of the
//! chain's own cost) is never cached.

use std::sync::Arc;
use std::sync::Mutex;

use chrono::NaiveDate;
use tokio::sync::OnceCell;

use super::{BattleMap, Figures};
use crate::db::Db;
use crate::error::StoreResult;

/// How many results are kept: a map and the figures of each of the few scopes read at
/// once (an inspection, its organisation, the upper level's), today and a past day.
pub(crate) const ENTRIES: usize = 16;

/// What was computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum What {
    /// [`super::figures`].
    Figures,
    /// [`super::battle_map`].
    Map,
}

/// What a result depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key {
    pub(crate) what: What,
    /// The organisations of the scope, in order.
    pub(crate) orgs: Vec<i64>,
    /// The one inspection, when the scope is one.
    pub(crate) only: Option<i64>,
    /// The day of the figures, and the day it was asked on (today's figures read the
    /// rows as they are, a past day's rewinds them).
    pub(crate) day: NaiveDate,
    pub(crate) today: NaiveDate,
    /// The ledger's state: the sum of the audit chains' positions.
    pub(crate) state: i64,
}

/// A result, shared by everyone who asks for it.
#[derive(Debug, Clone)]
pub(crate) enum Made {
    Figures(Arc<Figures>),
    Map(Arc<BattleMap>),
}

#[derive(Debug)]
struct Entry {
    key: Key,
    used: u64,
    cell: Arc<OnceCell<Made>>,
}

/// The results of one database (`Db` holds it: one per database, shared by its clones).
#[derive(Debug, Default)]
pub struct Cache {
    entries: Mutex<(u64, Vec<Entry>)>,
}

impl Cache {
    /// The cell of `key`: its result when computed, or the one to compute it in.
    fn cell(&self, key: &Key) -> Arc<OnceCell<Made>> {
        // A poisoned lock only means a holder panicked between two plain assignments.
        let mut guard = self
            .entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        let (tick, entries) = &mut *guard;
        *tick += 1;
        if let Some(e) = entries.iter_mut().find(|e| e.key == *key) {
            e.used = *tick;
            return e.cell.clone();
        }
        // The same scope and day under an older state will not be asked for again.
        entries.retain(|e| {
            !(e.key.what == key.what
                && e.key.orgs == key.orgs
                && e.key.only == key.only
                && e.key.day == key.day
                && e.key.state < key.state)
        });
        if entries.len() >= ENTRIES
            && let Some(oldest) = entries
                .iter()
                .enumerate()
                .min_by_key(|(_, e)| e.used)
                .map(|(i, _)| i)
        {
            entries.swap_remove(oldest);
        }
        let cell = Arc::new(OnceCell::new());
        entries.push(Entry {
            key: key.clone(),
            used: *tick,
            cell: cell.clone(),
        });
        cell
    }

    /// How many results are held (for tests).
    pub fn len(&self) -> usize {
        self.entries
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .1
            .len()
    }

    /// Whether none is held.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
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

/// The result of `key`, computed by `make` if no one has yet.
pub(crate) async fn get_or_make(
    db: &Db,
    key: &Key,
    make: impl AsyncFnOnce() -> StoreResult<Made>,
) -> StoreResult<Made> {
    let cell = db.figure_cache().cell(key);
    Ok(cell.get_or_try_init(|| make()).await?.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(state: i64, day: u32) -> Key {
        Key {
            what: What::Figures,
            orgs: vec![1],
            only: None,
            day: NaiveDate::from_ymd_opt(2026, 1, day).unwrap_or_default(),
            today: NaiveDate::from_ymd_opt(2026, 1, 31).unwrap_or_default(),
            state,
        }
    }

    #[test]
    fn a_newer_state_replaces_the_older_and_the_least_used_goes_first() {
        let cache = Cache::default();
        let first = cache.cell(&key(1, 1));
        assert!(Arc::ptr_eq(&first, &cache.cell(&key(1, 1))));
        // The same scope and day at a newer state: the old one goes.
        let newer = cache.cell(&key(2, 1));
        assert!(!Arc::ptr_eq(&first, &newer));
        assert_eq!(cache.len(), 1);
        for day in 2..=(ENTRIES as u32 + 3) {
            cache.cell(&key(2, day));
            // Day 1 stays in use.
            cache.cell(&key(2, 1));
        }
        assert_eq!(cache.len(), ENTRIES);
        assert!(Arc::ptr_eq(&newer, &cache.cell(&key(2, 1))));
    }
}
