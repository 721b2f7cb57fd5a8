//! The integration tests of zhenggai: one binary, folders by feature, every test on a
//! fresh database (SQLite, or PostgreSQL when `ZHENGGAI_TEST_DATABASE_URL` is set),
//! requests sent in process to the same router `serve` uses.

mod access;
mod admin;
mod api;
mod auth;
mod ledger;
mod lifecycle;
mod outcomes;
mod util;
