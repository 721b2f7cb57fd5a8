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
    // The server's own limits: lowered here, they would hide what a file costs under
    // the ones it really runs with (the run's -rss_limit_mb and -malloc_limit_mb bound
    // what a file may cost; README).
    if let Ok(sheets) = zhenggai_spreadsheet::read::read(data, &Limits::default()) {
        let options = Options {
            sheet: None,
            reference: chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap_or_default().into(),
            synonyms: Synonyms::default(),
        };
        let reading = read_ledger(&sheets, &options);
        assert!(reading.measures == reading.rows.len());
    }
});
