//! Storage of zhenggai: one query layer over SQLite (embedded, the default) and
//! PostgreSQL (many instances), chosen at run time from the database URL.
//!
//! Every write runs in one transaction ([`db::Tx`]) that also appends its audit
//! record ([`audit`]); nothing is deleted, records are withdrawn (DOMAIN D21). The
//! operations that act for a person take their [`zhenggai_domain::access::Actor`] and
//! refuse what the actor's role and unit do not allow (D22).

pub mod audit;
pub mod auth;
pub mod calendar;
pub mod channels;
pub mod db;
pub mod demo;
pub mod dialect;
pub mod error;
pub mod files;
pub mod ledger;
pub mod reminders;
pub mod scale;
pub mod scope;
pub mod sql;
pub mod test_db;
pub mod units;
pub mod users;
pub mod verify;

pub use db::{Backend, Db, Tx};
pub use error::{StoreError, StoreResult};
