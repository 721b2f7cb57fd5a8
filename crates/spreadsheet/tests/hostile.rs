//! Hostile workbooks: small files that claim large sheets. Each must be read within the
//! limits or refused with an error that says what to do, before the claim costs memory.
//! The files are built here byte by byte (a library that writes workbooks would not
//! write them) and are also seeds of the fuzz corpus (`fuzz/corpus/read_ledger/`,
//! `HOSTILE_CORPUS=1` writes them there).
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use std::io::Write;

use zhenggai_spreadsheet::Limits;
use zhenggai_spreadsheet::read::{ReadError, column_letter, read};

mod common;

/// A one-sheet `.xlsx` holding `cells` (zero-based row, column, text) as inline strings
/// and merging `merges` (`A1:BM200000`), with nothing else a reader could lean on.
fn xlsx(cells: &[(u32, u32, String)], merges: &[&str]) -> Vec<u8> {
    const MAIN: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
    const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
    const DOC: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
    let mut rows = String::new();
    let mut sorted: Vec<&(u32, u32, String)> = cells.iter().collect();
    sorted.sort_by_key(|(r, c, _)| (*r, *c));
    let mut open: Option<u32> = None;
    for (r, c, text) in sorted {
        if open != Some(*r) {
            if open.is_some() {
                rows.push_str("</row>");
            }
            rows.push_str(&format!("<row r=\"{}\">", r + 1));
            open = Some(*r);
        }
        rows.push_str(&format!(
            "<c r=\"{}{}\" t=\"inlineStr\"><is><t>{text}</t></is></c>",
            column_letter(*c as usize),
            r + 1
        ));
    }
    if open.is_some() {
        rows.push_str("</row>");
    }
    let merged: String = merges
        .iter()
        .map(|m| format!("<mergeCell ref=\"{m}\"/>"))
        .collect();
    let parts = [
        (
            "[Content_Types].xml",
            String::from(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\
                 <Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">\
                 <Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>\
                 <Default Extension=\"xml\" ContentType=\"application/xml\"/>\
                 <Override PartName=\"/xl/workbook.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml\"/>\
                 <Override PartName=\"/xl/worksheets/sheet1.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml\"/>\
                 </Types>",
            ),
        ),
        (
            "_rels/.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{RELS}\">\
                 <Relationship Id=\"rId1\" Type=\"{DOC}/officeDocument\" Target=\"xl/workbook.xml\"/>\
                 </Relationships>"
            ),
        ),
        (
            "xl/workbook.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><workbook xmlns=\"{MAIN}\" xmlns:r=\"{DOC}\">\
                 <sheets><sheet name=\"台账\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>"
            ),
        ),
        (
            "xl/_rels/workbook.xml.rels",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"{RELS}\">\
                 <Relationship Id=\"rId1\" Type=\"{DOC}/worksheet\" Target=\"worksheets/sheet1.xml\"/>\
                 </Relationships>"
            ),
        ),
        (
            "xl/worksheets/sheet1.xml",
            format!(
                "<?xml version=\"1.0\" encoding=\"UTF-8\"?><worksheet xmlns=\"{MAIN}\">\
                 <sheetData>{rows}</sheetData><mergeCells count=\"{}\">{merged}</mergeCells></worksheet>",
                merges.len()
            ),
        ),
    ];
    let mut out = Vec::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut out));
    for (name, text) in parts {
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out
}

/// A cell of `n` characters.
fn long(n: usize) -> String {
    "长".repeat(n)
}

/// The hostile files, by name, each with what reading it must answer.
fn hostile() -> Vec<(&'static str, Vec<u8>)> {
    vec![
        // The outside probe's file: one region over 65 columns and 200,000 rows under a
        // 20,000-character cell, with nothing below it.
        (
            "merge-long-first-cell.xlsx",
            xlsx(&[(0, 0, long(20_000))], &["A1:BM200000"]),
        ),
        // The same over a sparse sheet: one cell far down makes the whole region data.
        (
            "merge-over-sparse-sheet.xlsx",
            xlsx(
                &[(0, 0, long(20_000)), (199_999, 0, "末".into())],
                &["A1:BM200000"],
            ),
        ),
        // A short text merged over a sparse sheet: cells rather than characters.
        (
            "merge-short-over-sparse-sheet.xlsx",
            xlsx(
                &[(0, 0, "一、方面".into()), (199_999, 0, "末".into())],
                &["A1:BM200000"],
            ),
        ),
        // Overlapping regions, each within the limits alone, over them together.
        (
            "merges-overlapping.xlsx",
            xlsx(
                &[(0, 0, long(20_000)), (999, 0, "末".into())],
                &["A1:B1000", "A1:B1000", "A1:B1000"],
            ),
        ),
    ]
}

#[test]
fn merged_regions_claiming_more_than_the_limits_are_refused_before_they_are_filled() {
    let files = hostile();
    if std::env::var_os("HOSTILE_CORPUS").is_some() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../fuzz/corpus/read_ledger");
        for (name, bytes) in &files {
            std::fs::write(format!("{dir}/hostile-{name}"), bytes).unwrap();
        }
    }
    let limits = Limits::default();
    let read_as = |name: &str| {
        let (_, bytes) = files.iter().find(|(n, _)| *n == name).unwrap();
        assert!(bytes.len() < 4096, "{name} is {} bytes", bytes.len());
        read(bytes, &limits)
    };
    // Nothing below the first row: the region stops at the data, 64 columns of one row.
    let sheets = read_as("merge-long-first-cell.xlsx").unwrap();
    assert_eq!(sheets[0].rows.len(), 1);
    assert_eq!(sheets[0].rows[0].len(), limits.max_columns);
    assert_eq!(sheets[0].cell(0, 63).chars().count(), 20_000);
    // 200,000 rows of 64 cells: more cells than allowed, said before one is copied.
    assert_eq!(
        read_as("merge-over-sparse-sheet.xlsx"),
        Err(ReadError::TooManyCells {
            limit: limits.max_cells
        })
    );
    assert_eq!(
        read_as("merge-short-over-sparse-sheet.xlsx"),
        Err(ReadError::TooManyCells {
            limit: limits.max_cells
        })
    );
    // Each region is 1,999 copies of 20,000 characters (40 million, within the 50
    // million allowed); the second is over.
    assert_eq!(
        read_as("merges-overlapping.xlsx"),
        Err(ReadError::TooMuchText {
            limit: limits.max_text_chars
        })
    );
}

#[test]
fn the_text_limit_counts_every_cell_a_merged_region_covers() {
    // 101 characters written, 900 read: over a lowered text limit only through the
    // region's eight copies.
    let bytes = xlsx(&[(0, 0, long(100)), (9, 0, "末".into())], &["A1:A9"]);
    let limits = Limits {
        max_text_chars: 900,
        ..Limits::default()
    };
    assert_eq!(
        read(&bytes, &limits),
        Err(ReadError::TooMuchText { limit: 900 })
    );
    let limits = Limits {
        max_text_chars: 901,
        ..Limits::default()
    };
    let sheets = read(&bytes, &limits).unwrap();
    assert_eq!(sheets[0].cell(8, 0), long(100));
    assert_eq!(sheets[0].cell(9, 0), "末");
}

#[test]
fn a_cell_far_down_counts_the_rows_before_it() {
    // 50 sheets' worth of one cell at the last row allowed would lay out millions of
    // empty rows: they count as cells.
    let bytes = xlsx(&[(0, 0, "一".into()), (99_999, 0, "末".into())], &[]);
    let limits = Limits {
        max_cells: 50_000,
        ..Limits::default()
    };
    assert_eq!(
        read(&bytes, &limits),
        Err(ReadError::TooManyCells { limit: 50_000 })
    );
}

#[test]
fn a_merged_region_in_an_xls_is_paid_for_like_one_in_an_xlsx() {
    // LibreOffice writes the .xls (the format's own limits, 65,536 rows, keep the region
    // small): 2,599 copies of 20,000 characters are over the 50 million allowed.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("merged.xlsx");
    let book = xlsx(&[(0, 0, long(20_000)), (99, 0, "末".into())], &["A1:Z100"]);
    std::fs::write(&path, book).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let xls = common::soffice(&path, "xls", &out);
    let limits = Limits::default();
    assert_eq!(
        read(&xls, &limits),
        Err(ReadError::TooMuchText {
            limit: limits.max_text_chars
        })
    );
    // Below a region the reader fills, the same file with a smaller cell reads.
    let small = xlsx(&[(0, 0, long(10)), (99, 0, "末".into())], &["A1:Z100"]);
    std::fs::write(&path, small).unwrap();
    let xls = common::soffice(&path, "xls", &out);
    let sheets = read(&xls, &limits).unwrap();
    assert_eq!(sheets[0].cell(98, 25), long(10));
}

/// The fuzz corpus (`fuzz/corpus/read_ledger/`: the seeds, the inputs that once
/// crashed a parser, the hostile files above) and the files the fuzzer found, replayed
/// under the server's limits: each is read or refused. `tests/security/hostile-files`
/// runs this under a cap on the process's memory.
#[test]
fn every_file_of_the_fuzz_corpus_is_read_or_refused() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let mut files = 0;
    for dir in [
        "fuzz/corpus/read_ledger",
        "crates/spreadsheet/tests/fuzz-found",
    ] {
        for entry in std::fs::read_dir(format!("{root}/{dir}")).unwrap() {
            let path = entry.unwrap().path();
            let bytes = std::fs::read(&path).unwrap();
            if let Ok(sheets) = read(&bytes, &Limits::default()) {
                let reading = zhenggai_spreadsheet::read_ledger(&sheets, &options());
                assert_eq!(reading.measures, reading.rows.len(), "{}", path.display());
            }
            files += 1;
        }
    }
    assert!(files > 1_000, "the corpus is missing: {files} files");
}

fn options() -> zhenggai_spreadsheet::ledger::Options {
    zhenggai_spreadsheet::ledger::Options {
        sheet: None,
        reference: chrono::NaiveDate::from_ymd_opt(2024, 3, 15).unwrap().into(),
        synonyms: zhenggai_spreadsheet::layout::Synonyms::default(),
        ignore_columns: Vec::new(),
    }
}
