//! `.xls` (and the OLE container an encrypted `.xlsx` comes in): the compound file
//! checked before the parser reads it, then every sheet laid out.

use std::io::Cursor;

use calamine::{Reader, SheetVisible, Xls};

use super::budget::{Budget, Columns};
use super::{ReadError, Sheet, check_sheet_count, malformed, text_of};

pub(super) fn contains_utf16(bytes: &[u8], word: &str) -> bool {
    let needle: Vec<u8> = word.encode_utf16().flat_map(u16::to_le_bytes).collect();
    bytes.windows(needle.len()).any(|w| w == needle.as_slice())
}

pub(super) fn read_xls(bytes: &[u8], budget: &mut Budget<'_>) -> Result<Vec<Sheet>, ReadError> {
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
