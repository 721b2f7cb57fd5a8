//! The official layout (GB/T 9704-2012) as a reader finds it: each document is written,
//! then read back by docx-rs's reader, and its page, grid, fonts and page numbers are
//! what the standard asks.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect"
)]

use chrono::NaiveDate;
use zhenggai_documents::official::{
    A4, BODY_FONT, CHAR_SPACING, HEADING_FONT, LINE_PITCH, MARGINS, PAGE_NUMBER_FONT, SIZE_2,
    SIZE_3, SIZE_4, SUBHEADING_FONT, TITLE_FONT,
};
use zhenggai_documents::read::Layout;
use zhenggai_documents::{Block, Document, Header};

fn header() -> Header {
    Header {
        issuer: "中共某市委巡察工作领导小组办公室".into(),
        number: "某巡改〔2026〕3号".into(),
        signer: "张明".into(),
        to: "市委巡察工作领导小组".into(),
        cc: "市纪委监委，市委组织部".into(),
        classification: "内部★1年".into(),
        date: NaiveDate::from_ymd_opt(2026, 12, 7),
    }
}

fn document(header: Header) -> Document {
    Document {
        header,
        title: "关于某巡察反馈问题整改落实情况的报告".into(),
        body: vec![
            Block::Paragraph("现将整改落实情况报告如下。".into()),
            Block::Heading("一、整改工作总体情况".into()),
            Block::Subheading("（一）加强组织领导".into()),
            Block::Paragraph("截至2026年12月7日，共反馈3个方面9个问题。".into()),
            Block::Table {
                columns: vec![("序号".into(), 3), ("文件名".into(), 20)],
                rows: vec![vec!["1".into(), "会议纪要.pdf".into()]],
            },
        ],
    }
}

fn read(d: &Document) -> Layout {
    Layout::of(&d.to_docx().unwrap()).unwrap()
}

#[test]
fn the_page_is_a4_with_the_standard_margins_and_a_grid_of_22_lines_of_28_characters() {
    let l = read(&document(header()));
    assert_eq!(l.page, (u64::from(A4.0), u64::from(A4.1)));
    assert_eq!((A4.0, A4.1), (11906, 16838), "210 × 297 mm");
    assert_eq!(
        l.margins,
        (
            MARGINS.top as u64,
            MARGINS.right as u64,
            MARGINS.bottom as u64,
            MARGINS.left as u64
        )
    );
    // 37, 26, 35 and 28 mm, in twentieths of a point, to the nearest.
    let mm = |twips: i32| (f64::from(twips) * 25.4 / 1440.0).round() as i32;
    assert_eq!(
        (
            mm(MARGINS.top),
            mm(MARGINS.right),
            mm(MARGINS.bottom),
            mm(MARGINS.left)
        ),
        (37, 26, 35, 28)
    );
    assert_eq!(l.grid, Some(("lines".to_string(), LINE_PITCH as u64, 0)));
    // 22 lines fill the 225 mm type area; 28 characters of 三号 the 156 mm line.
    let area_height = A4.1 as i32 - MARGINS.top - MARGINS.bottom;
    assert_eq!(area_height / LINE_PITCH as i32, 22);
    let area_width = f64::from(A4.0 as i32 - MARGINS.left - MARGINS.right) / 20.0;
    let pitch = 16.0 + f64::from(CHAR_SPACING) / 20.0;
    assert_eq!((area_width / pitch).floor() as i32, 28);
    assert_eq!(
        (area_width / 16.0).floor() as i32,
        27,
        "without the spacing, 27"
    );
    let body = l.starting("截至").unwrap();
    assert_eq!(body.spacing, Some(i64::from(CHAR_SPACING)));
}

#[test]
fn page_numbers_sit_at_the_outside_corner_in_song_four() {
    let l = read(&document(header()));
    assert!(l.even_and_odd, "odd and even pages number apart");
    assert_eq!(l.footers.len(), 2);
    for (footer, align) in l.footers.iter().zip(["right", "left"]) {
        assert_eq!(footer.text, "— 1 —", "the PAGE field between dashes");
        assert_eq!(footer.font.as_deref(), Some(PAGE_NUMBER_FONT));
        assert_eq!(footer.size, Some(SIZE_4 as u64));
        assert_eq!(footer.align.as_deref(), Some(align));
    }
}

#[test]
fn each_part_is_in_its_official_font_and_size() {
    let l = read(&document(header()));
    let first = &l.paragraphs[0];
    assert_eq!(first.text, "内部★1年");
    assert_eq!(first.font.as_deref(), Some(HEADING_FONT));

    let mark = l.starting("中共某市委").unwrap();
    assert_eq!(mark.text, "中共某市委巡察工作领导小组办公室文件");
    assert_eq!(mark.color.as_deref(), Some("FF0000"));
    assert_eq!(mark.font.as_deref(), Some(TITLE_FONT));
    assert_eq!(mark.align.as_deref(), Some("center"));

    let number = l.starting("某巡改").unwrap();
    assert_eq!(number.text, "某巡改〔2026〕3号\t签发人：张明");

    let title = l.starting("关于某巡察").unwrap();
    assert_eq!(title.font.as_deref(), Some(TITLE_FONT));
    assert_eq!(title.size, Some(SIZE_2 as u64), "二号");
    assert_eq!(title.align.as_deref(), Some("center"));

    let to = l.starting("市委巡察工作领导小组").unwrap();
    assert_eq!(to.text, "市委巡察工作领导小组：");

    let heading = l.starting("一、").unwrap();
    assert_eq!(heading.font.as_deref(), Some(HEADING_FONT));
    assert_eq!(heading.size, Some(SIZE_3 as u64));
    let sub = l.starting("（一）").unwrap();
    assert_eq!(sub.font.as_deref(), Some(SUBHEADING_FONT));
    let body = l.starting("截至").unwrap();
    assert_eq!(body.font.as_deref(), Some(BODY_FONT));
    assert_eq!(body.size, Some(SIZE_3 as u64), "三号");
    assert_eq!(body.align.as_deref(), Some("both"));

    assert_eq!(
        l.tables,
        vec![vec![
            vec!["序号".to_string(), "文件名".to_string()],
            vec!["1".to_string(), "会议纪要.pdf".to_string()],
        ]]
    );

    // 落款: the issuer, then the date in Arabic numerals; 版记 last.
    let texts: Vec<&str> = l.paragraphs.iter().map(|p| p.text.as_str()).collect();
    let date = texts.iter().position(|t| *t == "2026年12月7日").unwrap();
    assert_eq!(texts[date - 1], "中共某市委巡察工作领导小组办公室");
    assert_eq!(l.paragraphs[date].align.as_deref(), Some("right"));
    // 版记: 抄送, then who printed it and when.
    assert_eq!(
        &texts[texts.len() - 2..],
        [
            "抄送：市纪委监委，市委组织部。",
            "中共某市委巡察工作领导小组办公室\t2026年12月7日印发"
        ]
    );
}

#[test]
fn without_an_issuer_there_is_no_mark_and_without_a_copy_list_no_record() {
    let l = read(&document(Header {
        date: NaiveDate::from_ymd_opt(2026, 12, 7),
        ..Header::default()
    }));
    assert_eq!(l.paragraphs[0].text, "关于某巡察反馈问题整改落实情况的报告");
    assert!(!l.text().contains("文件"));
    assert!(!l.text().contains("抄送"));
    assert_eq!(l.paragraphs.last().unwrap().text, "2026年12月7日");
}

#[test]
fn hostile_text_is_written_as_text() {
    let mut d = document(Header::default());
    d.title = "<w:p>标题</w:p> & \"引号\"\u{1}\u{0}".into();
    d.body = vec![Block::Paragraph("]]><script>\u{7}制表\t符".into())];
    let l = read(&d);
    assert_eq!(l.paragraphs[0].text, "<w:p>标题</w:p> & \"引号\"");
    assert!(l.text().contains("]]><script>制表 符"));
}

#[test]
fn header_fields_are_one_line_of_at_most_a_hundred_characters() {
    assert!(header().check().is_ok());
    let long = Header {
        number: "号".repeat(101),
        cc: "第一行\n第二行".into(),
        ..header()
    };
    let errors = long.check().unwrap_err();
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["number", "cc"]);
}
