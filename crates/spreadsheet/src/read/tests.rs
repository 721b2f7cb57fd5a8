use calamine::Dimensions;

use super::budget::Columns;
use super::*;

/// Files the fuzzer (`fuzz/`) found crashing a parser, kept so that they stay refused.
#[test]
fn files_that_crashed_a_parser_are_refused() {
    for bytes in [
        &include_bytes!("../../tests/fuzz-found/cfb-slice-index.xls")[..],
        &include_bytes!("../../tests/fuzz-found/cfb-out-of-memory.xls")[..],
        &include_bytes!("../../tests/fuzz-found/xls-dense-range.xls")[..],
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
