//! The ledger as a spreadsheet: importing the one an office already keeps (upload →
//! preview of how every row was read → commit, all or nothing) and exporting the one it
//! hands upward.

mod exporting;
mod importing;

pub use exporting::download;
pub use importing::{commit, decide_columns, form, imported_file, preview_page, upload};
