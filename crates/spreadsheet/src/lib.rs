//! 整改台账 in and out of spreadsheets, without a database: reading the Excel, WPS and
//! CSV ledgers offices already keep ([`read`] → [`layout`] → [`ledger`]), and writing
//! the ledger they hand upward ([`export`]). Storage commits a reading; the CLI prints
//! it; the web shows it as a preview. (The Word documents are the documents crate's.)

pub mod catalogue;
pub mod export;
pub mod layout;
pub mod ledger;
pub mod read;

pub use ledger::{Issue, Reading, Row, read_ledger};
pub use read::{ReadError, Sheet};

/// Caps on what a file may hold, so that a hostile or mistaken file is refused before
/// it costs the server its memory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Limits {
    /// Largest file, in bytes.
    pub max_file_bytes: usize,
    /// Largest total a workbook's archive may unpack to, in bytes.
    pub max_unpacked_bytes: u64,
    /// Most sheets in a workbook.
    pub max_sheets: usize,
    /// Most rows in a sheet.
    pub max_rows: usize,
    /// Columns read from each row (those beyond are ignored).
    pub max_columns: usize,
    /// Most cells in a workbook.
    pub max_cells: usize,
    /// Longest cell, in characters.
    pub max_cell_chars: usize,
    /// Most characters of text in a workbook, counting a merged region's text once for
    /// every cell it covers (the reader fills each of them with it).
    pub max_text_chars: usize,
}

impl Default for Limits {
    fn default() -> Self {
        Self {
            max_file_bytes: 50 * 1024 * 1024,
            max_unpacked_bytes: 400 * 1024 * 1024,
            max_sheets: 50,
            max_rows: 200_000,
            max_columns: 64,
            max_cells: 4_000_000,
            max_cell_chars: 20_000,
            // The benchmark's 100,000-row ledger holds 9.2 million (its aspects and
            // problems merged down over their measures counted); 50 million characters
            // are at most 200 MB of text.
            max_text_chars: 50_000_000,
        }
    }
}
