//! Reading a file into sheets of text: `.xlsx` (streamed, so that a sheet too long is
//! refused before it is all in memory), `.xls`, and `.csv` in UTF-8 (with or without a
//! BOM) or GB18030 as Chinese Excel saves it. Merged regions are filled with their
//! first cell's text, since offices merge an aspect down over its problems and a
//! problem over its measures.

mod budget;
mod compound;
mod csv;
mod xls;
mod xlsx;

use calamine::{Data, DataRef};

use crate::Limits;
use budget::Budget;
use compound::check_cfb;
pub use csv::decode_text;
use csv::read_csv;
use xls::{contains_utf16, read_xls};
use xlsx::{check_unpacked_size, read_xlsx};

/// One sheet as text, merged regions filled.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sheet {
    /// Its name as the workbook shows it (`CSV` for a CSV file).
    pub name: String,
    /// Rows of cells; row 0 is the sheet's first row, whatever it holds.
    pub rows: Vec<Vec<String>>,
    /// Whether the sheet is hidden in the workbook.
    pub hidden: bool,
    /// Cells holding a formula without a computed value (a workbook written by a
    /// program that never calculated it).
    pub formulas_without_values: usize,
    /// Columns (zero-based) that held text but were not read: beyond the first
    /// `max_columns`, with nothing in the rows a header is looked for in. At most
    /// [`MAX_DROPPED_NAMED`], the leftmost.
    pub dropped_columns: Vec<usize>,
}

/// Dropped columns a sheet names at most.
pub const MAX_DROPPED_NAMED: usize = 100;

impl Sheet {
    /// The text at a row and column, empty when outside.
    pub fn cell(&self, row: usize, col: usize) -> &str {
        self.rows
            .get(row)
            .and_then(|r| r.get(col))
            .map_or("", String::as_str)
    }

    /// Columns in the widest row.
    pub fn width(&self) -> usize {
        self.rows.iter().map(Vec::len).max().unwrap_or(0)
    }
}

/// Why a file could not be read. Each says what to do.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Larger than allowed.
    #[error(
        "the file is {size} bytes, more than the {limit} allowed: split the ledger or raise the limit"
    )]
    TooLarge {
        /// Its size.
        size: usize,
        /// The limit.
        limit: usize,
    },
    /// A zip archive that would unpack to more than allowed (a zip bomb, or a huge
    /// workbook).
    #[error("the workbook unpacks to more than {limit} bytes: it is not an ordinary ledger")]
    Unpacks {
        /// The limit.
        limit: u64,
    },
    /// Protected by a password.
    #[error(
        "the workbook is encrypted (password protected): save a copy without the password and import that"
    )]
    Encrypted,
    /// Not a workbook this reader knows, or broken.
    #[error(
        "the file cannot be read as .xlsx, .xls or .csv ({0}): save it again from Excel or WPS as .xlsx"
    )]
    Malformed(String),
    /// More sheets than allowed.
    #[error(
        "the workbook has {count} sheets, more than the {limit} allowed: keep the ledger and its instructions only"
    )]
    TooManySheets {
        /// Sheets.
        count: usize,
        /// The limit.
        limit: usize,
    },
    /// A sheet longer than allowed.
    #[error("sheet “{sheet}” has more than {limit} rows: split the ledger or raise the limit")]
    TooManyRows {
        /// The sheet.
        sheet: String,
        /// The limit.
        limit: usize,
    },
    /// More cells than allowed.
    #[error("the workbook has more than {limit} cells: split the ledger or raise the limit")]
    TooManyCells {
        /// The limit.
        limit: usize,
    },
    /// More text than allowed, merged regions' copies counted.
    #[error(
        "the workbook holds more than {limit} characters of text (merged cells counted once for every cell they cover): split the ledger or unmerge large regions"
    )]
    TooMuchText {
        /// The limit.
        limit: usize,
    },
    /// A cell longer than allowed.
    #[error(
        "sheet “{sheet}” row {row} column {col} holds more than {limit} characters: shorten it"
    )]
    CellTooLong {
        /// The sheet.
        sheet: String,
        /// Row, from 1 as spreadsheets count.
        row: usize,
        /// Column letter.
        col: String,
        /// The limit.
        limit: usize,
    },
}

impl ReadError {
    /// Why, as data the web layer words in the reader's language.
    pub fn reason(&self) -> zhenggai_domain::reason::Unreadable {
        use zhenggai_domain::reason::Unreadable as U;
        match self {
            ReadError::TooLarge { size, limit } => U::TooLarge {
                size: *size,
                limit: *limit,
            },
            ReadError::Unpacks { limit } => U::Unpacks { limit: *limit },
            ReadError::Encrypted => U::Encrypted,
            ReadError::Malformed(detail) => U::Malformed {
                detail: detail.clone(),
            },
            ReadError::TooManySheets { count, limit } => U::TooManySheets {
                count: *count,
                limit: *limit,
            },
            ReadError::TooManyRows { sheet, limit } => U::TooManyRows {
                sheet: sheet.clone(),
                limit: *limit,
            },
            ReadError::TooManyCells { limit } => U::TooManyCells { limit: *limit },
            ReadError::TooMuchText { limit } => U::TooMuchText { limit: *limit },
            ReadError::CellTooLong {
                sheet,
                row,
                col,
                limit,
            } => U::CellTooLong {
                sheet: sheet.clone(),
                row: *row,
                col: col.clone(),
                limit: *limit,
            },
        }
    }
}

/// The kinds of file, by their first bytes (never by the name alone).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Zip,
    Cfb,
    Text,
}

fn kind(bytes: &[u8]) -> Kind {
    if bytes.starts_with(b"PK\x03\x04") {
        Kind::Zip
    } else if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        Kind::Cfb
    } else {
        Kind::Text
    }
}

/// Reads every sheet of a file.
pub fn read(bytes: &[u8], limits: &Limits) -> Result<Vec<Sheet>, ReadError> {
    if bytes.len() > limits.max_file_bytes {
        return Err(ReadError::TooLarge {
            size: bytes.len(),
            limit: limits.max_file_bytes,
        });
    }
    let mut budget = Budget::new(limits);
    match kind(bytes) {
        Kind::Zip => {
            check_unpacked_size(bytes, limits)?;
            guarded(|| read_xlsx(bytes, &mut budget))
        }
        Kind::Cfb => {
            // An encrypted .xlsx is an OLE container holding an EncryptedPackage stream.
            if contains_utf16(bytes, "EncryptedPackage") {
                return Err(ReadError::Encrypted);
            }
            check_cfb(bytes, limits)?;
            guarded(|| read_xls(bytes, &mut budget))
        }
        Kind::Text => Ok(vec![read_csv(bytes, &mut budget)?]),
    }
}

/// Runs a workbook parser on bytes from outside: a damaged file that makes the parser
/// panic (the fuzzer found such .xls files) is refused like any other damaged file.
fn guarded(read: impl FnOnce() -> Result<Vec<Sheet>, ReadError>) -> Result<Vec<Sheet>, ReadError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(ReadError::Malformed(
            "the workbook's structure is damaged".into(),
        ))
    })
}

/// The column letters of a zero-based column: 0 → A, 26 → AA.
pub fn column_letter(mut col: usize) -> String {
    let mut letters = Vec::new();
    loop {
        letters.push(char::from(b'A' + (col % 26) as u8));
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    letters.iter().rev().collect()
}

fn malformed(e: impl std::fmt::Display) -> ReadError {
    let text = e.to_string();
    if text.contains("password") {
        ReadError::Encrypted
    } else {
        ReadError::Malformed(text)
    }
}

fn check_sheet_count(count: usize, limits: &Limits) -> Result<(), ReadError> {
    if count > limits.max_sheets {
        return Err(ReadError::TooManySheets {
            count,
            limit: limits.max_sheets,
        });
    }
    Ok(())
}

fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn serial_text(serial: f64) -> String {
    let days = serial.floor() as i64;
    let Some(date) = chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
        .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
    else {
        return number_text(serial);
    };
    date.to_string()
}

fn text_of(v: &Data) -> String {
    match v {
        Data::Int(i) => i.to_string(),
        Data::Float(f) => number_text(*f),
        Data::String(s) => s.trim().to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) if d.is_datetime() => serial_text(d.as_f64()),
        Data::DateTime(d) => number_text(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.clone(),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn text_of_ref(v: &DataRef<'_>) -> String {
    text_of(&Data::from(v.clone()))
}

#[cfg(test)]
mod tests;
