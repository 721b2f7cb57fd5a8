//! Committing a ledger read from a spreadsheet (`zhenggai_spreadsheet`) into an
//! inspection: units and leaders matched to the organisation's by name (and their
//! common short forms), unknown units listed so that the office maps or creates them
//! (never invented silently), a file imported once unless asked again, and all of it in
//! one transaction: one bad row and nothing is written.
//!
//! Its parts: [`matching`] (the names matched: the preview), [`commit`] (the office's
//! decisions, the refusals before writing, the transaction), [`steps`] (what the
//! transaction writes, step by step) and [`records`] (each import's record of the file
//! it read, listed and served).

mod commit;
mod matching;
mod records;
mod steps;

pub use self::commit::{Decisions, Destination, Imported, commit};
pub use self::matching::{Matching, matching};
pub use self::records::{ImportRecord, Source, file, list};
