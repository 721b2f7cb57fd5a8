//! The domain rules of zhenggai (整改): plain Rust, no I/O.
//!
//! Everything here is a pure function of its inputs — "today" included, which comes
//! from a [`clock::Clock`] passed in by the caller. Storage, pages and the CLI sit
//! around this crate and never re-implement what it decides.

pub mod access;
pub mod calendar;
pub mod clock;
pub mod code;
pub mod counts;
pub mod deadline;
pub mod escalation;
pub mod happened;
pub mod ids;
pub mod inspection;
pub mod lifecycle;
pub mod meeting;
pub mod new_deadline;
pub mod outcomes;
pub mod password;
pub mod petition;
pub mod reason;
pub mod reminder;
pub mod role;
pub mod schedule;
pub mod statistics;
pub mod status;
pub mod supervision;
pub mod text;
pub mod validate;
pub mod warning;
pub mod weekly;

pub use ids::*;
pub use role::Role;
