//! Accounts: the organisation tree (`units`), the people in it (`users`), how they
//! prove who they are (`auth`: passwords, sessions, API tokens, login failures), and
//! the ledgers a session uploaded for an import (`uploads`).

pub mod auth;
pub mod units;
pub mod uploads;
pub mod users;
