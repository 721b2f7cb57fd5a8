//! `.xlsx`: the archive's unpacked size checked first, then the cells streamed sheet
//! by sheet while a second reader finds the merged regions.

use std::io::Cursor;

use calamine::{Reader, SheetVisible, Xlsx, XlsxFormulaMetadata};

use super::budget::{Budget, Columns};
use super::{ReadError, Sheet, check_sheet_count, malformed, text_of_ref};
use crate::Limits;

pub(super) fn check_unpacked_size(bytes: &[u8], limits: &Limits) -> Result<(), ReadError> {
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

pub(super) fn read_xlsx(bytes: &[u8], budget: &mut Budget<'_>) -> Result<Vec<Sheet>, ReadError> {
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
