//! What reading a sheet lays out: which columns are read, and what the cells cost
//! against the limits.

use calamine::Dimensions;

use super::{MAX_DROPPED_NAMED, ReadError, column_letter};
use crate::Limits;

/// Which columns of a sheet are read: the first `max_columns`, and beyond them those
/// that the rows a header is looked for in name, so that a header is found wherever
/// its columns stand (a CSV of 70 columns with its deadline in the last). Text in any
/// other column is dropped, and the column named. Memory is bounded by the budget, which
/// counts every cell laid out.
pub(super) struct Columns {
    max: usize,
    headed: std::collections::BTreeSet<usize>,
    dropped: std::collections::BTreeSet<usize>,
}

impl Columns {
    pub(super) fn new(limits: &Limits) -> Self {
        Columns {
            max: limits.max_columns,
            headed: Default::default(),
            dropped: Default::default(),
        }
    }

    /// Whether the cell at a row and column is read. Rows come in order, so the header
    /// rows are seen before the data under them.
    pub(super) fn keep(&mut self, r: usize, c: usize, has_text: bool) -> bool {
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
    pub(super) fn kept_in(&self, c0: usize, c1: usize) -> Vec<usize> {
        let first = c0..=c1.min(self.max.saturating_sub(1));
        let beyond = self
            .headed
            .range(c0.max(self.max)..=c1.max(c0.max(self.max)));
        first.chain(beyond.copied().filter(|c| *c <= c1)).collect()
    }

    pub(super) fn dropped(self) -> Vec<usize> {
        self.dropped.into_iter().collect()
    }
}

/// What a workbook's cells cost as they are laid out, against the limits: every cell a
/// row holds (the empty ones before its last too, and every row up to the last), every
/// character, and the copies merged regions make. Each is counted before it is
/// allocated, so that a small file claiming a large sheet is refused at the claim (a
/// 2 KB workbook merging `A1:BM200000` under a 20,000-character cell once asked for
/// hundreds of gigabytes).
pub(super) struct Budget<'a> {
    pub(super) limits: &'a Limits,
    cells: usize,
    chars: usize,
}

impl<'a> Budget<'a> {
    pub(super) fn new(limits: &'a Limits) -> Self {
        Budget {
            limits,
            cells: 0,
            chars: 0,
        }
    }

    /// Refuses when `cells` more cells and `chars` more characters would pass a limit.
    pub(super) fn afford(&self, cells: usize, chars: usize) -> Result<(), ReadError> {
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
    pub(super) fn put(
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
    pub(super) fn fill_merged(
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
