//! Storage of zhenggai: one query layer over SQLite (embedded, the default) and
//! PostgreSQL (many instances), chosen at run time from the database URL.
//!
//! Every write runs in one transaction ([`db::tx::Tx`]) that also appends its audit
//! record ([`audit`]); nothing is deleted, records are withdrawn (DOMAIN D21). The
//! operations that act for a person take their [`zhenggai_domain::access::Actor`] and
//! refuse what the actor's role and unit do not allow (D22).

/// A measure's last progress day, as an SQL expression on alias `m` (NULL without
/// any): for `concat!`, so that every query that states a long-term review reads it
/// alike.
macro_rules! last_progress {
    () => {
        "(SELECT MAX(pr.happened_on) FROM progress pr WHERE pr.measure_id = m.id AND pr.withdrawn_at IS NULL)"
    };
}

pub mod accounts;
pub mod audit;
pub mod calendar;
pub mod db;
pub mod error;
pub mod files;
pub mod ledger;
pub mod meetings;
pub mod reminders;
pub mod scope;
pub mod settings;
pub mod statistics;

pub use db::Db;
pub use db::dialect::Backend;
pub use db::tx::Tx;
pub use error::{StoreError, StoreResult};
