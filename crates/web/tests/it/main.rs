//! The integration tests of zhenggai: one binary, folders by feature, every test on a
//! fresh database (SQLite, or PostgreSQL when `ZHENGGAI_TEST_DATABASE_URL` is set),
//! requests sent in process to the same router `serve` uses.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

mod access;
mod admin;
mod api;
mod api_parity;
mod api_resources;
mod audit_code;
mod auth;
mod builders;
mod calendar;
mod channels;
mod display;
mod documents;
mod drafting;
mod edge;
mod forms;
mod latin;
mod layers;
mod ledger;
mod lifecycle;
mod meetings;
mod milestones;
mod outcomes;
mod petitions;
mod readers;
mod refusals;
mod request_log;
mod schedule;
mod snapshots;
mod spreadsheets;
mod statistics;
mod strict;
mod supervision;
mod trail;
mod util;
mod warnings;
mod weekly;
