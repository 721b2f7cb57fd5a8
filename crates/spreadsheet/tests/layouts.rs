//! Ledgers in the layouts offices keep, built here (and, for the LibreOffice tests,
//! saved again by LibreOffice, since real applications write files differently from
//! libraries), read back and compared row by row.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use std::io::Write;

use chrono::NaiveDate;
use rust_xlsxwriter::{Format, Workbook};
use zhenggai_domain::deadline::DeadlineError;
use zhenggai_domain::reason::Finding;
use zhenggai_spreadsheet::export::{self, Aspect, Ledger, Measure, Problem};
use zhenggai_spreadsheet::layout::Synonyms;
use zhenggai_spreadsheet::ledger::Options;
use zhenggai_spreadsheet::read::{ReadError, read};
use zhenggai_spreadsheet::{Limits, Reading, read_ledger};

mod common;
use common::soffice;

fn options() -> Options {
    Options {
        sheet: None,
        reference: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap().into(),
        synonyms: Synonyms::default(),
        ignore_columns: Vec::new(),
    }
}

fn reading(bytes: &[u8]) -> Reading {
    let sheets = read(bytes, &Limits::default()).unwrap();
    read_ledger(&sheets, &options())
}

/// (aspect, problem, measure, lead unit, cooperating, deadline text, date)
type Flat = (String, String, String, String, String, String, String);

fn flat(r: &Reading) -> Vec<Flat> {
    r.rows
        .iter()
        .map(|row| {
            (
                row.aspect.clone(),
                row.problem.clone(),
                row.measure.clone(),
                row.lead_unit.clone(),
                row.cooperating.join("、"),
                row.deadline.text.clone(),
                row.deadline.date.map(|d| d.to_string()).unwrap_or_default(),
            )
        })
        .collect()
}

fn f(v: [&str; 7]) -> Flat {
    (
        v[0].into(),
        v[1].into(),
        v[2].into(),
        v[3].into(),
        v[4].into(),
        v[5].into(),
        v[6].into(),
    )
}

/// S1's layout: a merged title, a date line, 责任主体 over three columns, the aspect
/// merged down its problems, each problem merged over its measures, one deadline an
/// Excel date.
fn s1_layout() -> Vec<u8> {
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    s.set_name("整改台账").unwrap();
    let plain = Format::new();
    let date = Format::new().set_num_format("yyyy-mm-dd");
    s.merge_range(
        0,
        0,
        0,
        9,
        "中共某市日报社委员会关于市委第一巡察组反馈意见整改落实台账",
        &plain,
    )
    .unwrap();
    s.merge_range(1, 0, 1, 9, "填报日期：2024年4月25日", &plain)
        .unwrap();
    for (c, w) in ["序号", "方面", "反馈问题", "整改措施"].iter().enumerate() {
        s.merge_range(2, c as u16, 3, c as u16, w, &plain).unwrap();
    }
    s.merge_range(2, 4, 2, 6, "责任主体", &plain).unwrap();
    for (c, w) in [(4, "责任领导"), (5, "牵头单位"), (6, "配合单位")] {
        s.write_string(3, c, w).unwrap();
    }
    for (c, w) in [(7, "整改时限"), (8, "完成情况")] {
        s.merge_range(2, c, 3, c, w, &plain).unwrap();
    }
    // Aspect 一 over rows 4–6: problem 1 over 4–5, problem 2 on 6.
    s.merge_range(4, 1, 6, 1, "一、党的领导方面", &plain)
        .unwrap();
    s.merge_range(4, 0, 5, 0, "1", &plain).unwrap();
    s.merge_range(4, 2, 5, 2, "1.落实全面从严治党主体责任不到位", &plain)
        .unwrap();
    let rows: [(u32, &str, &str, &str, &str); 3] = [
        (4, "召开专题民主生活会", "王建国", "党群工作部", "立行立改"),
        (5, "建立责任清单", "王建国", "党群工作部", "2024年6月底前"),
        (6, "修订议事规则", "赵志红", "办公室", ""),
    ];
    for (r, m, leader, lead, deadline) in rows {
        s.write_string(r, 3, m).unwrap();
        s.write_string(r, 4, leader).unwrap();
        s.write_string(r, 5, lead).unwrap();
        if !deadline.is_empty() {
            s.write_string(r, 7, deadline).unwrap();
        }
    }
    s.write_string(4, 6, "纪检监察室、人力资源部").unwrap();
    s.write_string(6, 0, "2").unwrap();
    s.write_string(6, 2, "2.议事规则不健全").unwrap();
    s.write_number_with_format(6, 7, 45473.0, &date).unwrap();
    // Aspect 二 on row 7.
    s.write_string(7, 0, "3").unwrap();
    s.write_string(7, 1, "二、作风建设方面").unwrap();
    s.write_string(7, 2, "公车私用").unwrap();
    s.write_string(7, 3, "清理公车").unwrap();
    s.write_string(7, 4, "王建国").unwrap();
    s.write_string(7, 5, "行政后勤部").unwrap();
    s.write_string(7, 7, "长期坚持").unwrap();
    book.save_to_buffer().unwrap()
}

fn s1_expected() -> Vec<Flat> {
    let a1 = "党的领导方面";
    let p1 = "落实全面从严治党主体责任不到位";
    vec![
        f([
            a1,
            p1,
            "召开专题民主生活会",
            "党群工作部",
            "纪检监察室、人力资源部",
            "立行立改",
            "",
        ]),
        f([
            a1,
            p1,
            "建立责任清单",
            "党群工作部",
            "",
            "2024年6月底前",
            "2024-06-30",
        ]),
        f([
            a1,
            "议事规则不健全",
            "修订议事规则",
            "办公室",
            "",
            "2024-06-30",
            "2024-06-30",
        ]),
        f([
            "作风建设方面",
            "公车私用",
            "清理公车",
            "行政后勤部",
            "",
            "长期坚持",
            "",
        ]),
    ]
}

#[test]
fn a_two_row_header_with_merged_aspects_and_problems() {
    let r = reading(&s1_layout());
    assert!(r.ok(), "{:#?}", r.errors);
    assert_eq!(flat(&r), s1_expected());
    assert_eq!((r.aspects, r.problems, r.measures), (2, 3, 4));
    assert_eq!(r.rows[0].row, 5, "rows keep their spreadsheet number");
    assert_eq!(r.rows[0].sheet, "整改台账");
    assert_eq!(r.rows[0].leader, "王建国");
}

/// Section rows ("一、班子建设方面（2个问题）"), an item row, a problem written once and
/// left empty below, a spacer row, other header words, an instructions sheet first.
fn sections_layout() -> Vec<u8> {
    let mut book = Workbook::new();
    let notes = book.add_worksheet();
    notes.set_name("填表说明").unwrap();
    notes
        .write_string(
            0,
            0,
            "填表说明：问题描述栏填写巡察反馈的问题，整改措施要具体可检验。",
        )
        .unwrap();
    let s = book.add_worksheet();
    s.set_name("问题清单").unwrap();
    let plain = Format::new();
    let header = [
        "序号",
        "问题描述",
        "整改措施",
        "责任部门",
        "配合部门",
        "完成时限",
        "整改情况",
    ];
    for (c, w) in header.iter().enumerate() {
        s.write_string(0, c as u16, *w).unwrap();
    }
    s.merge_range(1, 0, 1, 6, "一、班子建设方面（2个问题）", &plain)
        .unwrap();
    let rows: [(u32, &str, &str, &str, &str, &str); 3] = [
        (
            2,
            "（1）民主集中制执行不严格",
            "①完善议事规则",
            "办公室",
            "",
            "5月中旬",
        ),
        (3, "", "②规范“三重一大”决策", "办公室", "财务部", "二季度末"),
        (
            5,
            "（2）“三会一课”不规范",
            "建立提醒制度",
            "党群工作部",
            "",
            "6月上旬前",
        ),
    ];
    for (r, p, m, lead, coop, deadline) in rows {
        for (c, v) in [(1, p), (2, m), (3, lead), (4, coop), (5, deadline)] {
            if !v.is_empty() {
                s.write_string(r, c, v).unwrap();
            }
        }
    }
    s.merge_range(6, 0, 6, 6, "二、作风建设方面（1个问题）", &plain)
        .unwrap();
    s.merge_range(7, 0, 7, 6, "（一）厉行节约", &plain).unwrap();
    s.write_string(8, 1, "接待费用超标").unwrap();
    s.write_string(8, 2, "清退超标费用").unwrap();
    s.write_string(8, 3, "财务部").unwrap();
    s.write_string(8, 5, "2024.4.30").unwrap();
    book.save_to_buffer().unwrap()
}

fn sections_expected() -> Vec<Flat> {
    let a = "班子建设方面";
    vec![
        f([
            a,
            "民主集中制执行不严格",
            "完善议事规则",
            "办公室",
            "",
            "5月中旬",
            "2024-05-20",
        ]),
        f([
            a,
            "民主集中制执行不严格",
            "规范“三重一大”决策",
            "办公室",
            "财务部",
            "二季度末",
            "2024-06-30",
        ]),
        f([
            a,
            "“三会一课”不规范",
            "建立提醒制度",
            "党群工作部",
            "",
            "6月上旬前",
            "2024-06-10",
        ]),
        f([
            "作风建设方面",
            "接待费用超标",
            "清退超标费用",
            "财务部",
            "",
            "2024.4.30",
            "2024-04-30",
        ]),
    ]
}

#[test]
fn section_rows_items_and_an_instructions_sheet() {
    let r = reading(&sections_layout());
    assert!(r.ok(), "{:#?}", r.errors);
    assert_eq!(flat(&r), sections_expected());
    assert_eq!((r.aspects, r.items, r.problems, r.measures), (2, 1, 3, 4));
    assert_eq!(r.rows[3].item.as_deref(), Some("厉行节约"));
    assert_eq!(r.rows[0].sheet, "问题清单");
}

fn csv_of_sections() -> String {
    "序号,问题描述,整改措施,责任部门,配合部门,完成时限,整改情况\n\
     一、班子建设方面（2个问题）,,,,,,\n\
     1,（1）民主集中制执行不严格,①完善议事规则,办公室,,5月中旬,\n\
     ,,②规范“三重一大”决策,办公室,财务部,二季度末,\n\
     ,,,,,,\n\
     2,（2）“三会一课”不规范,建立提醒制度,党群工作部,,6月上旬前,\n\
     二、作风建设方面（1个问题）,,,,,,\n\
     （一）厉行节约,,,,,,\n\
     3,接待费用超标,清退超标费用,财务部,,2024.4.30,\n"
        .to_string()
}

#[test]
fn csv_saved_by_chinese_excel_in_gb18030_and_in_utf8_with_a_bom() {
    let text = csv_of_sections();
    let (gb, _, _) = encoding_rs::GB18030.encode(&text);
    let r = reading(&gb);
    assert!(r.ok(), "{:#?}", r.errors);
    assert_eq!(flat(&r), sections_expected());
    let bom = format!("\u{FEFF}{}", csv_of_sections());
    assert_eq!(flat(&reading(bom.as_bytes())), sections_expected());
}

#[test]
fn bad_rows_are_named_by_row_and_column() {
    let csv = "反馈问题,整改措施,牵头单位,整改时限\n\
               公车私用,清理公车,,6月底前\n\
               公车私用,建立台账,行政后勤部,尽快\n\
               ,规范审批,行政后勤部,\n";
    let r = reading(csv.as_bytes());
    assert!(!r.ok());
    let at: Vec<(usize, Option<&str>, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref(), e.field))
        .collect();
    assert_eq!(
        at,
        [
            (2, Some("C"), Some("lead_unit")),
            (3, Some("D"), Some("deadline")),
            (4, Some("D"), Some("deadline")),
        ]
    );
    assert_eq!(
        r.errors[1].finding,
        Finding::Deadline(DeadlineError::Unreadable("尽快".into()))
    );
    // The empty problem on row 4 belongs to the one above.
    assert_eq!(r.rows[2].problem, "公车私用");
    assert_eq!(r.problems, 1);
}

#[test]
fn a_file_without_a_ledger_header_says_what_it_needs() {
    let r = reading("姓名,电话\n张三,123\n".as_bytes());
    assert_eq!(r.errors.len(), 1);
    assert_eq!(r.errors[0].finding, Finding::NoHeader);
    let mut named = options();
    named.sheet = Some("台账2".into());
    let sheets = read(&s1_layout(), &Limits::default()).unwrap();
    let r = read_ledger(&sheets, &named);
    assert!(
        matches!(&r.errors[0].finding, Finding::NoSuchSheet { sheets, .. } if sheets.iter().any(|s| s == "整改台账")),
        "lists the sheets: {:?}",
        r.errors[0]
    );
}

fn exported() -> Ledger {
    let m = |content: &str, lead: &str, coop: &[&str], deadline: &str| Measure {
        content: content.into(),
        leader: "王建国".into(),
        lead_unit: lead.into(),
        cooperating: coop.iter().map(|s| s.to_string()).collect(),
        responsible: "张三".into(),
        deadline: deadline.into(),
        status: "整改中".into(),
        progress: "已召开专题会议".into(),
    };
    Ledger {
        title: "某市日报社巡察整改台账".into(),
        date_line: "截至2024年4月25日".into(),
        aspects: vec![
            Aspect {
                title: "党的领导方面".into(),
                problems: vec![
                    Problem {
                        text: "主体责任传导层层递减".into(),
                        measures: vec![
                            m(
                                "制定责任清单",
                                "党群工作部",
                                &["办公室", "纪检监察室"],
                                "2024年6月底前",
                            ),
                            m("开展约谈", "纪检监察室", &[], "立行立改"),
                        ],
                    },
                    Problem {
                        text: "议事规则不健全".into(),
                        measures: vec![m("修订议事规则", "办公室", &[], "5月中旬")],
                    },
                ],
            },
            Aspect {
                title: "作风建设方面".into(),
                problems: vec![Problem {
                    text: "公车私用".into(),
                    measures: vec![m("清理公车", "行政后勤部", &["财务部"], "长期坚持")],
                }],
            },
        ],
    }
}

fn exported_flat() -> Vec<Flat> {
    let a = "党的领导方面";
    vec![
        f([
            a,
            "主体责任传导层层递减",
            "制定责任清单",
            "党群工作部",
            "办公室、纪检监察室",
            "2024年6月底前",
            "2024-06-30",
        ]),
        f([
            a,
            "主体责任传导层层递减",
            "开展约谈",
            "纪检监察室",
            "",
            "立行立改",
            "",
        ]),
        f([
            a,
            "议事规则不健全",
            "修订议事规则",
            "办公室",
            "",
            "5月中旬",
            "2024-05-20",
        ]),
        f([
            "作风建设方面",
            "公车私用",
            "清理公车",
            "行政后勤部",
            "财务部",
            "长期坚持",
            "",
        ]),
    ]
}

#[test]
fn an_exported_ledger_reads_back_the_same() {
    let bytes = export::write(&exported()).unwrap();
    let r = reading(&bytes);
    assert!(r.ok(), "{:#?}", r.errors);
    assert_eq!(flat(&r), exported_flat());
    assert!(
        r.rows
            .iter()
            .all(|row| row.leader == "王建国" && row.responsible == "张三")
    );
}

#[test]
fn hostile_files_are_refused_with_a_clear_error() {
    // A zip bomb: a small archive that unpacks to far more than the limit.
    let mut bomb = Vec::new();
    {
        let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut bomb));
        zip.start_file(
            "xl/worksheets/sheet1.xml",
            zip::write::SimpleFileOptions::default(),
        )
        .unwrap();
        let zeros = vec![0u8; 1 << 20];
        for _ in 0..64 {
            zip.write_all(&zeros).unwrap();
        }
        zip.finish().unwrap();
    }
    let limits = Limits {
        max_unpacked_bytes: 16 << 20,
        ..Limits::default()
    };
    assert!(bomb.len() < 1 << 20, "compressed {}", bomb.len());
    assert!(matches!(
        read(&bomb, &limits),
        Err(ReadError::Unpacks { .. })
    ));
    // A malformed archive: a real workbook cut short.
    let whole = s1_layout();
    assert!(matches!(
        read(&whole[..whole.len() / 2], &Limits::default()),
        Err(ReadError::Malformed(_))
    ));
    // A sheet longer than allowed, refused while it is read.
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for r in 0..1_500 {
        s.write_string(r, 0, "x").unwrap();
    }
    let long = book.save_to_buffer().unwrap();
    let limits = Limits {
        max_rows: 1_000,
        ..Limits::default()
    };
    assert!(matches!(
        read(&long, &limits),
        Err(ReadError::TooManyRows { .. })
    ));
    // A million rows of CSV under the default limits.
    let million = "反馈问题,整改措施,牵头单位,整改时限\n".to_string()
        + &"问题,措施,办公室,6月底前\n".repeat(1_000_000);
    assert!(matches!(
        read(million.as_bytes(), &Limits::default()),
        Err(ReadError::TooManyRows { limit: 200_000, .. })
    ));
    // A sheet of formulas only.
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for r in 0..5 {
        s.write_formula(r, 0, "=1+1").unwrap();
    }
    let formulas = book.save_to_buffer().unwrap();
    let r = reading(&formulas);
    assert_eq!(r.errors.len(), 1);
    assert!(r.rows.is_empty());
    // Formulas a library wrote without computing them: the error says so.
    let bare = without_values(&formulas);
    let sheets = read(&bare, &Limits::default()).unwrap();
    assert_eq!(sheets[0].formulas_without_values, 5);
    let r = read_ledger(&sheets, &options());
    assert_eq!(r.errors.len(), 1);
    assert_eq!(
        r.errors[0].finding,
        Finding::FormulasWithoutValues { count: 5 },
        "{:?}",
        r.errors[0]
    );
}

/// The workbook with its sheets' cached values taken out, as a library that writes
/// formulas without computing them leaves it.
fn without_values(xlsx: &[u8]) -> Vec<u8> {
    use std::io::Read;
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(xlsx)).unwrap();
    let mut out = Vec::new();
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(&mut out));
    for i in 0..archive.len() {
        let mut part = archive.by_index(i).unwrap();
        let name = part.name().unwrap().to_string();
        let mut text = String::new();
        part.read_to_string(&mut text).unwrap();
        if name.starts_with("xl/worksheets/") {
            text = text.replace("<v>0</v>", "");
        }
        zip.start_file(name, zip::write::SimpleFileOptions::default())
            .unwrap();
        zip.write_all(text.as_bytes()).unwrap();
    }
    zip.finish().unwrap();
    out
}

#[test]
fn files_saved_by_libreoffice_read_the_same() {
    let dir = tempfile::tempdir().unwrap();
    for (name, bytes, expected) in [
        ("s1.xlsx", s1_layout(), s1_expected()),
        ("sections.xlsx", sections_layout(), sections_expected()),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = dir.path().join("out");
        std::fs::create_dir_all(&out).unwrap();
        let xls = soffice(&path, "xls", &out);
        let r = reading(&xls);
        assert!(r.ok(), "{name} as .xls: {:#?}", r.errors);
        assert_eq!(flat(&r), expected, "{name} as .xls");
        let bytes = soffice(&path, "xlsx", &out);
        let r = reading(&bytes);
        assert!(r.ok(), "{name} saved by LibreOffice: {:#?}", r.errors);
        assert_eq!(flat(&r), expected, "{name} saved by LibreOffice");
    }
}

#[test]
fn libreoffice_reads_the_exported_ledger() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ledger.xlsx");
    std::fs::write(&path, export::write(&exported()).unwrap()).unwrap();
    let out = dir.path().join("out");
    std::fs::create_dir_all(&out).unwrap();
    let csv = soffice(&path, "csv:Text - txt - csv (StarCalc):44,34,76", &out);
    let text = String::from_utf8(csv).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0].split(',').next().unwrap(),
        "某市日报社巡察整改台账"
    );
    assert!(
        lines[2].starts_with("序号,方面,反馈问题,整改措施,责任主体"),
        "{}",
        lines[2]
    );
    assert!(
        lines[3].contains("责任领导,牵头单位,配合单位"),
        "{}",
        lines[3]
    );
    assert!(
        lines[4].starts_with("1,党的领导方面,主体责任传导层层递减,制定责任清单,王建国,党群工作部,\"办公室、纪检监察室\"")
            || lines[4].starts_with("1,党的领导方面,主体责任传导层层递减,制定责任清单,王建国,党群工作部,办公室、纪检监察室"),
        "{}",
        lines[4]
    );
    assert!(text.contains("长期坚持"));
}

#[test]
fn columns_beyond_the_64th_are_read_when_the_header_names_them_and_named_when_dropped() {
    // 70 named columns, the deadline last; a note typed under no heading at column BX,
    // below the rows a header is looked for in.
    let mut header: Vec<String> = ["反馈问题", "整改措施", "牵头单位"]
        .map(String::from)
        .to_vec();
    header.extend((1..=66).map(|i| format!("附注{i}")));
    header.push("整改时限".into());
    let row = |problem: &str, stray: bool| {
        let mut cells: Vec<String> = vec![problem.into(), "建立制度".into(), "办公室".into()];
        cells.extend((0..66).map(|_| String::new()));
        cells.push("6月底前".into());
        if stray {
            cells.extend((0..5).map(|_| String::new()));
            cells.push("随手记".into());
        }
        cells
    };
    let mut rows = vec![header];
    rows.extend((1..=40).map(|i| row(&format!("问题{i}"), i == 40)));
    let csv: String = rows.iter().map(|r| r.join(",") + "\n").collect();
    let mut book = Workbook::new();
    let s = book.add_worksheet();
    for (r, cells) in rows.iter().enumerate() {
        for (c, text) in cells.iter().enumerate() {
            if !text.is_empty() {
                s.write_string(r as u32, c as u16, text).unwrap();
            }
        }
    }
    let xlsx = book.save_to_buffer().unwrap();
    for (kind, bytes) in [("csv", csv.into_bytes()), ("xlsx", xlsx)] {
        let r = reading(&bytes);
        assert!(r.ok(), "{kind}: {:#?}", r.errors);
        assert_eq!(r.rows.len(), 40, "{kind}");
        assert!(
            r.rows.iter().all(|row| row.deadline.text == "6月底前"),
            "{kind}"
        );
        let dropped: Vec<&Vec<String>> = r
            .warnings
            .iter()
            .filter_map(|w| match &w.finding {
                Finding::DroppedColumns { columns, .. } => Some(columns),
                _ => None,
            })
            .collect();
        assert_eq!(dropped.len(), 1, "{kind}: {:#?}", r.warnings);
        assert_eq!(dropped[0], &["BX"], "{kind}");
    }
}

/// What forms refuse at the field (control characters, invisible marks), the import
/// refuses at the cell, and writes nothing (an outside probe imported a bell, a NUL and
/// a right-to-left override into titles).
#[test]
fn control_characters_in_a_cell_are_refused_at_that_cell() {
    let csv = "反馈问题,整改措施,牵头单位,整改时限\n\
               公车私用,清理公车,办公室,6月底前\n\
               控制字符\u{7}问题,措施,财务部,6月底前\n\
               方向\u{202E}反转,措施,财务部,6月底前\n\
               正常,措施\u{0}空字符,财务部,6月底前\n\
               零宽\u{200B}空格,措施,财务部,6月底前\n";
    let r = reading(csv.as_bytes());
    assert!(!r.ok());
    let at: Vec<(usize, Option<&str>)> = r
        .errors
        .iter()
        .map(|e| (e.row, e.column.as_deref()))
        .collect();
    assert_eq!(
        at,
        [
            (3, Some("A")),
            (4, Some("A")),
            (5, Some("B")),
            (6, Some("A"))
        ]
    );
    assert_eq!(r.errors[0].finding, Finding::ControlCharacters);
}
