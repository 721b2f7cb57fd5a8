//! Results computed once for each state of the ledger, kept beside the database they
//! were computed from (`Db` holds one, shared by its clones): what a result is, and when
//! a state is newer, its users say (`statistics::cache` for the figures and maps).
//! At most [`ENTRIES`] are kept, the least recently used dropped first; concurrent
//! askers of one not yet computed wait for one computation (`OnceCell`).

use std::any::{Any, TypeId};
use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use tokio::sync::OnceCell;

/// How many results are kept: a map and the figures of each of the few scopes read at
/// once (an inspection, its organisation, the upper level's), today and a past day.
pub const ENTRIES: usize = 16;

/// What a result depends on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Key {
    /// What was computed and of what (a kind, a scope, a day), as its user encodes it.
    pub of: Vec<i64>,
    /// The state of the ledger it was computed at; a newer state of the same `of`
    /// replaces the older.
    pub state: i64,
}

/// A result, shared by everyone who asks for it.
pub type Value = Arc<dyn Any + Send + Sync>;

#[derive(Debug)]
struct Entry {
    key: Key,
    used: u64,
    cell: Arc<OnceCell<Value>>,
}

/// The results of one database.
#[derive(Debug, Default)]
pub struct Memo {
    entries: Mutex<(u64, Vec<Entry>)>,
    /// One value of each type its users keep beside the database ([`Memo::kept`]).
    kept: Mutex<HashMap<TypeId, Value>>,
}

impl Memo {
    /// The one `T` kept beside this database, made on first use: a store its user
    /// invalidates by rules of its own (each inspection's figures, `statistics::parts`).
    pub fn kept<T: Default + Send + Sync + 'static>(&self) -> Arc<T> {
        let mut kept = self.kept.lock().unwrap_or_else(PoisonError::into_inner);
        let value = kept
            .entry(TypeId::of::<T>())
            .or_insert_with(|| Arc::new(T::default()) as Value)
            .clone();
        // Filed under its own type, so always a `T`; another answer is never kept.
        value.downcast::<T>().unwrap_or_default()
    }

    /// The cell of `key`: its result when computed, or the one to compute it in.
    pub fn cell(&self, key: &Key) -> Arc<OnceCell<Value>> {
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
        // The same result at an older state will not be asked for again.
        entries.retain(|e| !(e.key.of == key.of && e.key.state < key.state));
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

    /// How many results are held.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn key(state: i64, day: i64) -> Key {
        Key {
            of: vec![0, 1, day],
            state,
        }
    }

    #[test]
    fn a_newer_state_replaces_the_older_and_the_least_used_goes_first() {
        let memo = Memo::default();
        let first = memo.cell(&key(1, 1));
        assert!(Arc::ptr_eq(&first, &memo.cell(&key(1, 1))));
        // The same result at a newer state: the old one goes.
        let newer = memo.cell(&key(2, 1));
        assert!(!Arc::ptr_eq(&first, &newer));
        assert_eq!(memo.len(), 1);
        for day in 2..=(ENTRIES as i64 + 3) {
            memo.cell(&key(2, day));
            // Day 1 stays in use.
            memo.cell(&key(2, 1));
        }
        assert_eq!(memo.len(), ENTRIES);
        assert!(Arc::ptr_eq(&newer, &memo.cell(&key(2, 1))));
    }
}
