//! Reading a file into sheets of text: `.xlsx` (streamed, so that a sheet too long is
//! refused before it is all in memory), `.xls`, and `.csv` in UTF-8 (with or without a
//! BOM) or GB18030 as Chinese Excel saves it. Merged regions are filled with their
//! first cell's text, since offices merge an aspect down over its problems and a
//! problem over its measures.

use std::io::Cursor;

use calamine::{Data, DataRef, Dimensions, Reader, SheetVisible, Xls, Xlsx, XlsxFormulaMetadata};

use crate::Limits;

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

/// Which columns of a sheet are read: the first `max_columns`, and beyond them those
/// that the rows a header is looked for in name, so that a header is found wherever
/// its columns stand (a CSV of 70 columns with its deadline in the last). Text in any
/// other column is dropped, and the column named. Memory is bounded by the budget, which
/// counts every cell laid out.
struct Columns {
    max: usize,
    headed: std::collections::BTreeSet<usize>,
    dropped: std::collections::BTreeSet<usize>,
}

impl Columns {
    fn new(limits: &Limits) -> Self {
        Columns {
            max: limits.max_columns,
            headed: Default::default(),
            dropped: Default::default(),
        }
    }

    /// Whether the cell at a row and column is read. Rows come in order, so the header
    /// rows are seen before the data under them.
    fn keep(&mut self, r: usize, c: usize, has_text: bool) -> bool {
        if c < self.max || self.headed.contains(&c) {
            return true;
        }
        if !has_text {
            return false;
        }
        if r < crate::layout::HEADER_SEARCH {
            self.headed.insert(c);
            return true;
        }
        if self.dropped.len() < MAX_DROPPED_NAMED {
            self.dropped.insert(c);
        }
        false
    }

    /// The columns read between two columns, inclusive.
    fn kept_in(&self, c0: usize, c1: usize) -> Vec<usize> {
        let first = c0..=c1.min(self.max.saturating_sub(1));
        let beyond = self
            .headed
            .range(c0.max(self.max)..=c1.max(c0.max(self.max)));
        first.chain(beyond.copied().filter(|c| *c <= c1)).collect()
    }

    fn dropped(self) -> Vec<usize> {
        self.dropped.into_iter().collect()
    }
}

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

/// What a workbook's cells cost as they are laid out, against the limits: every cell a
/// row holds (the empty ones before its last too, and every row up to the last), every
/// character, and the copies merged regions make. Each is counted before it is
/// allocated, so that a small file claiming a large sheet is refused at the claim (a
/// 2 KB workbook merging `A1:BM200000` under a 20,000-character cell once asked for
/// hundreds of gigabytes).
struct Budget<'a> {
    limits: &'a Limits,
    cells: usize,
    chars: usize,
}

impl<'a> Budget<'a> {
    fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            cells: 0,
            chars: 0,
        }
    }

    /// Refuses when `cells` more cells and `chars` more characters would pass a limit.
    fn afford(&self, cells: usize, chars: usize) -> Result<(), ReadError> {
        if self.cells.saturating_add(cells) > self.limits.max_cells {
            return Err(ReadError::TooManyCells {
                limit: self.limits.max_cells,
            });
        }
        if self.chars.saturating_add(chars) > self.limits.max_text_chars {
            return Err(ReadError::TooMuchText {
                limit: self.limits.max_text_chars,
            });
        }
        Ok(())
    }

    /// Puts a cell's text at a row and column of a sheet, paid for first.
    fn put(
        &mut self,
        sheet: &str,
        rows: &mut Vec<Vec<String>>,
        (r, c): (usize, usize),
        text: String,
    ) -> Result<(), ReadError> {
        let chars = text.chars().count();
        if chars > self.limits.max_cell_chars {
            return Err(ReadError::CellTooLong {
                sheet: sheet.to_string(),
                row: r + 1,
                col: column_letter(c),
                limit: self.limits.max_cell_chars,
            });
        }
        let new_rows = (r + 1).saturating_sub(rows.len());
        let new_cells = (c + 1).saturating_sub(rows.get(r).map_or(0, Vec::len));
        self.afford(new_rows + new_cells, chars)?;
        self.cells += new_rows + new_cells;
        self.chars += chars;
        if new_rows > 0 {
            rows.resize_with(r + 1, Vec::new);
        }
        let row = &mut rows[r];
        if new_cells > 0 {
            row.resize(c + 1, String::new());
        }
        row[c] = text;
        Ok(())
    }

    /// Every cell of a merged region takes the region's first cell's text. The region
    /// is clipped to the columns read and to the sheet's last row, then paid for whole
    /// before the first copy is made: a region over a sparse sheet (one cell far down)
    /// or many overlapping regions are refused at once, not after filling memory.
    fn fill_merged(
        &mut self,
        sheet: &str,
        rows: &mut Vec<Vec<String>>,
        merges: &[Dimensions],
        columns: &Columns,
    ) -> Result<(), ReadError> {
        for m in merges {
            let (r0, c0) = (m.start.0 as usize, m.start.1 as usize);
            let (r1, c1) = (m.end.0 as usize, m.end.1 as usize);
            // A region reaching far past the data (a whole column merged) stops at the
            // data; columns not read are not filled.
            let r1 = r1.min(rows.len().saturating_sub(1));
            let cols = if c1 < c0 {
                Vec::new()
            } else {
                columns.kept_in(c0, c1)
            };
            if r1 < r0 || cols.first() != Some(&c0) {
                continue;
            }
            let text = rows
                .get(r0)
                .and_then(|r| r.get(c0))
                .cloned()
                .unwrap_or_default();
            if text.is_empty() {
                continue;
            }
            let copies = (r1 - r0 + 1).saturating_mul(cols.len()) - 1;
            self.afford(copies, copies.saturating_mul(text.chars().count()))?;
            for r in r0..=r1 {
                for &c in &cols {
                    if (r, c) != (r0, c0) {
                        self.put(sheet, rows, (r, c), text.clone())?;
                    }
                }
            }
        }
        Ok(())
    }
}

/// Checks an OLE compound file (.xls) before the parser reads it: every sector chain
/// stays inside the file and ends, and no stream claims to be larger than the file. A
/// few damaged bytes could otherwise send the parser round a loop or ask it for
/// gigabytes (the fuzzer found both).
fn check_cfb(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    const FREE: u32 = 0xFFFF_FFFF;
    const SPECIAL: u32 = 0xFFFF_FFFA;
    let damaged = |what: &str| ReadError::Malformed(format!("damaged compound file: {what}"));
    let u16_at = |at: usize| -> Option<u16> {
        bytes
            .get(at..at + 2)
            .map(|b| u16::from_le_bytes([b[0], b[1]]))
    };
    let u32_at = |at: usize| -> Option<u32> {
        bytes
            .get(at..at + 4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
    };
    let shift = u16_at(0x1E).ok_or_else(|| damaged("header"))?;
    if shift != 9 && shift != 12 {
        return Err(damaged("sector size"));
    }
    let size = 1usize << shift;
    let sectors = (bytes.len() / size).saturating_sub(1);
    let sector = |id: u32| -> Option<&[u8]> {
        let start = (id as usize).checked_add(1)?.checked_mul(size)?;
        bytes.get(start..start.checked_add(size)?)
    };
    // The FAT's own sectors: 109 in the header, then the DIFAT chain.
    let mut fat_sectors: Vec<u32> = (0..109)
        .filter_map(|i| u32_at(0x4C + 4 * i))
        .filter(|id| *id < SPECIAL)
        .collect();
    let mut difat = u32_at(0x44).ok_or_else(|| damaged("header"))?;
    let mut hops = 0;
    while difat < SPECIAL {
        hops += 1;
        let block = sector(difat).ok_or_else(|| damaged("DIFAT outside the file"))?;
        if hops > sectors {
            return Err(damaged("DIFAT loops"));
        }
        for i in 0..size / 4 - 1 {
            let id = u32::from_le_bytes([
                block[4 * i],
                block[4 * i + 1],
                block[4 * i + 2],
                block[4 * i + 3],
            ]);
            if id < SPECIAL {
                fat_sectors.push(id);
            }
        }
        let at = size - 4;
        difat = u32::from_le_bytes([block[at], block[at + 1], block[at + 2], block[at + 3]]);
    }
    let mut fat: Vec<u32> = Vec::new();
    for id in fat_sectors {
        let block = sector(id).ok_or_else(|| damaged("FAT outside the file"))?;
        fat.extend(
            block
                .chunks_exact(4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]])),
        );
    }
    fat.truncate(sectors);
    if fat
        .iter()
        .any(|next| *next < SPECIAL && *next as usize >= sectors)
    {
        return Err(damaged("a chain leaves the file"));
    }
    // Every chain must end: no sector is reached twice by following the table.
    let mut state = vec![0u8; fat.len()];
    for start in 0..fat.len() {
        let mut path = Vec::new();
        let mut at = start;
        while at < fat.len() && state[at] == 0 {
            state[at] = 1;
            path.push(at);
            let next = fat[at];
            if next >= SPECIAL {
                break;
            }
            at = next as usize;
        }
        if at < fat.len() && state[at] == 1 && fat[*path.last().unwrap_or(&at)] < SPECIAL {
            return Err(damaged("a chain loops"));
        }
        for p in path {
            state[p] = 2;
        }
    }
    // Streams no larger than the file; the workbook stream and the mini stream found.
    let mut dir = u32_at(0x30).ok_or_else(|| damaged("header"))?;
    let mut seen = 0;
    let mut workbook: Option<(u32, u64)> = None;
    let mut root: Option<(u32, u64)> = None;
    while dir < SPECIAL && dir != FREE {
        seen += 1;
        if seen > sectors {
            return Err(damaged("directory loops"));
        }
        let block = sector(dir).ok_or_else(|| damaged("directory outside the file"))?;
        for entry in block.chunks_exact(128) {
            let size_bytes: [u8; 8] = entry[0x78..0x80].try_into().unwrap_or([0; 8]);
            let size = u64::from_le_bytes(size_bytes);
            if size > bytes.len() as u64 && entry[0x42] != 0 {
                return Err(damaged("a stream larger than the file"));
            }
            let start = u32::from_le_bytes([entry[0x74], entry[0x75], entry[0x76], entry[0x77]]);
            let name_len = usize::from(u16::from_le_bytes([entry[0x40], entry[0x41]])).min(64);
            let name: Vec<u16> = entry[..name_len.saturating_sub(2)]
                .chunks_exact(2)
                .map(|b| u16::from_le_bytes([b[0], b[1]]))
                .collect();
            let name = String::from_utf16_lossy(&name);
            match entry[0x42] {
                5 => root = Some((start, size)),
                2 if name == "Workbook" || name == "Book" => workbook = Some((start, size)),
                _ => {}
            }
        }
        dir = *fat
            .get(dir as usize)
            .ok_or_else(|| damaged("directory chain"))?;
    }
    // The cells the parser would lay out: it builds each sheet as a dense range from
    // the positions its cell records claim, so a few records at far positions would cost
    // gigabytes (the fuzzer found this).
    let Some((start, stream_size)) = workbook else {
        return Ok(());
    };
    let chain = |first: u32,
                 unit: usize,
                 table: &[u32],
                 area: &dyn Fn(u32) -> Option<Vec<u8>>|
     -> Result<Vec<u8>, ReadError> {
        let mut out = Vec::new();
        let mut at = first;
        let mut hops = 0;
        while at < SPECIAL {
            hops += 1;
            if hops > table.len() + 1
                || out.len() as u64 > stream_size.max(root.map_or(0, |r| r.1)) + unit as u64
            {
                return Err(damaged("stream chain"));
            }
            out.extend(area(at).ok_or_else(|| damaged("stream outside the file"))?);
            at = *table
                .get(at as usize)
                .ok_or_else(|| damaged("stream chain"))?;
        }
        Ok(out)
    };
    let cutoff = u64::from(u32_at(0x38).unwrap_or(4096));
    let stream = if stream_size >= cutoff {
        chain(start, size, &fat, &|id| sector(id).map(<[u8]>::to_vec))?
    } else {
        // A small stream lives in the mini stream, whose sectors the mini FAT chains.
        let (root_start, root_size) = root.ok_or_else(|| damaged("no root entry"))?;
        let mini_stream = chain(root_start, size, &fat, &|id| sector(id).map(<[u8]>::to_vec))?;
        let minifat_bytes = chain(u32_at(0x3C).unwrap_or(SPECIAL), size, &fat, &|id| {
            sector(id).map(<[u8]>::to_vec)
        })
        .unwrap_or_default();
        let minifat: Vec<u32> = minifat_bytes
            .chunks_exact(4)
            .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect();
        let mini = 1usize << u16_at(0x20).unwrap_or(6).min(12);
        let limit = (root_size as usize).min(mini_stream.len());
        chain(start, mini, &minifat, &|id| {
            let from = (id as usize).checked_mul(mini)?;
            mini_stream
                .get(from..from.checked_add(mini)?.min(limit))
                .map(<[u8]>::to_vec)
        })?
    };
    let stream = &stream[..stream
        .len()
        .min(usize::try_from(stream_size).unwrap_or(usize::MAX))];
    let mut total: u64 = 0;
    let mut extent: Option<(u32, u32, u32, u32)> = None;
    let mut close = |extent: &mut Option<(u32, u32, u32, u32)>| -> Result<(), ReadError> {
        if let Some((r0, r1, c0, c1)) = extent.take() {
            total = total.saturating_add(u64::from(r1 - r0 + 1) * u64::from(c1 - c0 + 1));
            if total > limits.max_cells as u64 {
                return Err(ReadError::TooManyCells {
                    limit: limits.max_cells,
                });
            }
        }
        Ok(())
    };
    let mut at = 0;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let len = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        let data = stream
            .get(at + 4..(at + 4 + len).min(stream.len()))
            .unwrap_or(&[]);
        at += 4 + len;
        let word = |i: usize| {
            data.get(i..i + 2)
                .map(|b| u32::from(u16::from_le_bytes([b[0], b[1]])))
        };
        let cells = match kind {
            // BOF and EOF bound a sheet.
            0x0809 | 0x000A => {
                close(&mut extent)?;
                continue;
            }
            // NUMBER, RK, LABELSST, LABEL, BLANK, BOOLERR, FORMULA: one cell.
            0x0203 | 0x027E | 0x00FD | 0x0204 | 0x0201 | 0x0205 | 0x0006 => {
                word(0).zip(word(2)).map(|(r, c)| (r, c, c))
            }
            // MULRK, MULBLANK: a run of cells in one row.
            0x00BD | 0x00BE => word(0)
                .zip(word(2))
                .zip(data.len().checked_sub(2).and_then(word))
                .map(|((r, c0), c1)| (r, c0.min(c1), c0.max(c1))),
            _ => None,
        };
        if let Some((r, c0, c1)) = cells {
            extent = Some(match extent {
                None => (r, r, c0, c1),
                Some((a, b, c, d)) => (a.min(r), b.max(r), c.min(c0), d.max(c1)),
            });
        }
    }
    close(&mut extent)
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

fn contains_utf16(bytes: &[u8], word: &str) -> bool {
    let needle: Vec<u8> = word.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes))
        .map_err(|e| ReadError::Malformed(e.to_string()))?;
    if zip.len() > 10_000 {
        return Err(ReadError::Malformed(format!("{} entries", zip.len())));
    }
    let mut total: u64 = 0;
    for i in 0..zip.len() {
        let entry = zip
            .by_index_raw(i)
            .map_err(|e| ReadError::Malformed(e.to_string()))?;
        total = total.saturating_add(entry.size());
        // A declared size can lie; a ratio beyond any real workbook's is refused too.
        let ratio = entry.size() / entry.compressed_size().max(1);
        if total > limits.max_unpacked_bytes || (entry.size() > 1_000_000 && ratio > 1000) {
            return Err(ReadError::Unpacks {
                limit: limits.max_unpacked_bytes,
            });
        }
    }
    Ok(())
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

fn read_xlsx(bytes: &[u8], budget: &mut Budget<'_>) -> Result<Vec<Sheet>, ReadError> {
    let limits = budget.limits;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(malformed)?;
    let meta: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect();
    check_sheet_count(meta.len(), limits)?;
    let names: Vec<String> = meta.iter().map(|(n, _)| n.clone()).collect();
    std::thread::scope(|scope| {
        // A sheet's merged regions follow its cells in the XML, and calamine reaches
        // them with a pass over the whole sheet of their own (a third of reading a
        // large ledger): a second reader makes that pass on the other core while this
        // one reads the cells.
        let (send, merges) = std::sync::mpsc::sync_channel(1);
        scope.spawn(move || {
            let mut other: Xlsx<_> = match Xlsx::new(Cursor::new(bytes)) {
                Ok(book) => book,
                Err(e) => {
                    let _ = send.send(Err(malformed(e)));
                    return;
                }
            };
            for name in names {
                let found = other.merge_cells_by_sheet_name(&name).map_err(malformed);
                if send.send(found).is_err() {
                    // The cells of a sheet were refused: nothing more is wanted.
                    return;
                }
            }
        });
        let mut out = Vec::new();
        for (name, hidden) in meta {
            let mut columns = Columns::new(limits);
            let (mut rows, formulas_without_values) =
                read_xlsx_cells(&mut book, &name, budget, &mut columns)?;
            let merges = merges
                .recv()
                .map_err(|_| ReadError::Malformed("merged regions unread".into()))??;
            budget.fill_merged(&name, &mut rows, &merges, &columns)?;
            out.push(Sheet {
                name,
                rows,
                hidden,
                formulas_without_values,
                dropped_columns: columns.dropped(),
            });
        }
        Ok(out)
    })
}

/// A sheet's cells as text, and how many cells hold a formula without a value.
fn read_xlsx_cells<RS: std::io::Read + std::io::Seek>(
    book: &mut Xlsx<RS>,
    name: &str,
    budget: &mut Budget<'_>,
    columns: &mut Columns,
) -> Result<(Vec<Vec<String>>, usize), ReadError> {
    let limits = budget.limits;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut formulas_without_values = 0;
    // Values and formulas in one pass over the sheet's XML (a second pass for the
    // formulas was a third of reading a large ledger).
    let mut cells = book.worksheet_cells_reader(name).map_err(malformed)?;
    while let Some(cell) = cells.next_cell_with_formula_metadata().map_err(malformed)? {
        let (r, c) = cell.pos;
        let (r, c) = (r as usize, c as usize);
        if r >= limits.max_rows {
            return Err(ReadError::TooManyRows {
                sheet: name.to_string(),
                limit: limits.max_rows,
            });
        }
        let text = text_of_ref(&cell.value);
        if !columns.keep(r, c, !text.is_empty()) {
            continue;
        }
        if text.is_empty() {
            if cell.formula.as_ref().is_some_and(has_formula) {
                formulas_without_values += 1;
            }
            continue;
        }
        budget.put(name, &mut rows, (r, c), text)?;
    }
    Ok((rows, formulas_without_values))
}

/// Whether a cell's formula says anything.
fn has_formula(f: &XlsxFormulaMetadata) -> bool {
    match f {
        XlsxFormulaMetadata::Normal { formula } | XlsxFormulaMetadata::Shared { formula, .. } => {
            !formula.is_empty()
        }
        // Shared formulas' other cells, and kinds calamine may add.
        _ => true,
    }
}

fn read_xls(bytes: &[u8], budget: &mut Budget<'_>) -> Result<Vec<Sheet>, ReadError> {
    let limits = budget.limits;
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(malformed)?;
    let meta: Vec<(String, bool)> = book
        .sheets_metadata()
        .iter()
        .map(|s| (s.name.clone(), s.visible != SheetVisible::Visible))
        .collect();
    check_sheet_count(meta.len(), limits)?;
    let mut out = Vec::new();
    for (name, hidden) in meta {
        let range = book.worksheet_range(&name).map_err(malformed)?;
        let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
        let (r0, c0) = range.start().unwrap_or((0, 0));
        let mut rows = Vec::new();
        let mut columns = Columns::new(limits);
        for (r, c, v) in range.used_cells() {
            let (r, c) = (r + r0 as usize, c + c0 as usize);
            if r >= limits.max_rows {
                return Err(ReadError::TooManyRows {
                    sheet: name,
                    limit: limits.max_rows,
                });
            }
            let text = text_of(v);
            if !text.is_empty() && columns.keep(r, c, true) {
                budget.put(&name, &mut rows, (r, c), text)?;
            }
        }
        budget.fill_merged(&name, &mut rows, &merges, &columns)?;
        out.push(Sheet {
            name,
            rows,
            hidden,
            formulas_without_values: 0,
            dropped_columns: columns.dropped(),
        });
    }
    Ok(out)
}

fn read_csv(bytes: &[u8], budget: &mut Budget<'_>) -> Result<Sheet, ReadError> {
    const NAME: &str = "CSV";
    let limits = budget.limits;
    let text = decode_text(bytes);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut columns = Columns::new(limits);
    for (r, record) in reader.records().enumerate() {
        if r >= limits.max_rows {
            return Err(ReadError::TooManyRows {
                sheet: NAME.into(),
                limit: limits.max_rows,
            });
        }
        let record = record.map_err(|e| ReadError::Malformed(e.to_string()))?;
        for (c, cell) in record.iter().enumerate() {
            let cell = cell.trim();
            if !cell.is_empty() && columns.keep(r, c, true) {
                budget.put(NAME, &mut rows, (r, c), cell.to_string())?;
            }
        }
    }
    Ok(Sheet {
        name: NAME.into(),
        rows,
        hidden: false,
        formulas_without_values: 0,
        dropped_columns: columns.dropped(),
    })
}

/// UTF-8 (a BOM dropped) when the bytes are UTF-8, else GB18030 as Chinese Excel and
/// WPS save CSV.
pub fn decode_text(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(s) => s.to_string(),
        Err(_) => {
            let (text, _, _) = encoding_rs::GB18030.decode(bytes);
            text.into_owned()
        }
    }
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
mod tests {
    use super::*;

    /// Files the fuzzer (`fuzz/`) found crashing a parser, kept so that they stay refused.
    #[test]
    fn files_that_crashed_a_parser_are_refused() {
        for bytes in [
            &include_bytes!("../tests/fuzz-found/cfb-slice-index.xls")[..],
            &include_bytes!("../tests/fuzz-found/cfb-out-of-memory.xls")[..],
            &include_bytes!("../tests/fuzz-found/xls-dense-range.xls")[..],
        ] {
            assert!(matches!(
                read(bytes, &Limits::default()),
                Err(ReadError::Malformed(_) | ReadError::TooManyCells { .. })
            ));
        }
    }

    #[test]
    fn merged_regions_fill_only_the_columns_read() {
        let limits = Limits {
            max_columns: 4,
            ..Limits::default()
        };
        let mut columns = Columns::new(&limits);
        // Named in the header rows, columns 10 and 20 are read; 15, under no heading
        // further down, is dropped.
        assert!(columns.keep(0, 10, true) && columns.keep(1, 20, true));
        assert!(!columns.keep(40, 15, true) && columns.keep(40, 10, true));
        assert!(!columns.keep(0, 30, false));
        assert_eq!(columns.kept_in(2, 15), vec![2, 3, 10]);
        assert_eq!(columns.kept_in(5, 9), Vec::<usize>::new());
        assert_eq!(columns.kept_in(11, 11), Vec::<usize>::new());
        assert_eq!(columns.kept_in(0, usize::MAX), vec![0, 1, 2, 3, 10, 20]);
        assert_eq!(columns.dropped(), vec![15]);
    }

    #[test]
    fn column_letters() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    #[test]
    fn csv_in_gb18030_and_utf8_with_a_bom() {
        let (gb, _, _) = encoding_rs::GB18030.encode("序号,反馈问题\n1,公车私用\n");
        assert_eq!(decode_text(&gb), "序号,反馈问题\n1,公车私用\n");
        let bom = "\u{FEFF}序号,反馈问题\n".as_bytes();
        assert_eq!(decode_text(bom), "序号,反馈问题\n");
        let sheet = read(&gb, &Limits::default()).unwrap().remove(0);
        assert_eq!(sheet.cell(1, 1), "公车私用");
    }

    #[test]
    fn merged_regions_fill_down_and_across() {
        let mut rows = vec![
            vec!["一、方面".to_string(), "问题".into()],
            vec![String::new(), String::new()],
            vec![String::new(), "下一个".into()],
        ];
        let limits = Limits::default();
        Budget::new(&limits)
            .fill_merged(
                "台账",
                &mut rows,
                &[
                    Dimensions::new((0, 0), (2, 0)),
                    Dimensions::new((0, 1), (1, 1)),
                ],
                &Columns::new(&limits),
            )
            .unwrap();
        assert_eq!(rows[2][0], "一、方面");
        assert_eq!(rows[1][1], "问题");
        assert_eq!(rows[2][1], "下一个");
    }

    #[test]
    fn text_files_too_large_or_too_long_are_refused() {
        let limits = Limits {
            max_file_bytes: 10,
            ..Limits::default()
        };
        assert!(matches!(
            read(b"0123456789ab", &limits),
            Err(ReadError::TooLarge { .. })
        ));
        let limits = Limits {
            max_rows: 2,
            ..Limits::default()
        };
        assert!(matches!(
            read(b"a\nb\nc\n", &limits),
            Err(ReadError::TooManyRows { .. })
        ));
        let limits = Limits {
            max_cell_chars: 3,
            ..Limits::default()
        };
        assert_eq!(
            read("a,abcd\n".as_bytes(), &limits),
            Err(ReadError::CellTooLong {
                sheet: "CSV".into(),
                row: 1,
                col: "B".into(),
                limit: 3
            })
        );
    }

    #[test]
    fn broken_workbooks_are_refused() {
        assert!(matches!(
            read(b"PK\x03\x04 not really a zip", &Limits::default()),
            Err(ReadError::Malformed(_))
        ));
        let mut cfb = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        cfb.extend("EncryptedPackage".encode_utf16().flat_map(u16::to_le_bytes));
        assert_eq!(read(&cfb, &Limits::default()), Err(ReadError::Encrypted));
        let bare_cfb = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0];
        assert!(matches!(
            read(&bare_cfb, &Limits::default()),
            Err(ReadError::Malformed(_))
        ));
    }
}
