//! Any bytes as a ledger file: the reader (xlsx, xls, csv), the sheet and header
//! finding and the row reading must answer a reading or an error, never panic or run
//! away with memory.
#![no_main]

use libfuzzer_sys::fuzz_target;
use zhenggai_spreadsheet::layout::Synonyms;
use zhenggai_spreadsheet::ledger::Options;
use zhenggai_spreadsheet::{Limits, read_ledger};

fuzz_target!(|data: &[u8]| {
    // The reader catches a workbook parser's panic on a damaged file and refuses the
    // file; libfuzzer-sys's hook would abort on it first. A panic that escapes the
    // reader still fails the run (libfuzzer-sys aborts on an unwinding target).
    static QUIET: std::sync::Once = std::sync::Once::new();
    QUIET.call_once(|| std::panic::set_hook(Box::new(|_| {})));
    let limits = Limits {
        max_file_bytes: 1 << 20,
        max_unpacked_bytes: 16 << 20,
        max_rows: 5_000,
        max_cells: 100_000,
        ..Limits::default()
    };
    if let Ok(sheets) = zhenggai_spreadsheet::read::read(data, &limits) {
        let options = Options {
            sheet: None,
            reference: chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap_or_default().into(),
            synonyms: Synonyms::default(),
        };
        let reading = read_ledger(&sheets, &options);
        assert!(reading.measures == reading.rows.len());
    }
});
