//! `.csv` in UTF-8 (with or without a BOM) or GB18030 as Chinese Excel saves it.

use super::budget::{Budget, Columns};
use super::{ReadError, Sheet};

pub(super) fn read_csv(bytes: &[u8], budget: &mut Budget<'_>) -> Result<Sheet, ReadError> {
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
