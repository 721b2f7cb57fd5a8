//! The ledger as offices hand it upward (`.xlsx`): a title row, a date line, a two-row
//! header (责任主体 over 责任领导 / 牵头单位 / 配合单位), the aspect and the problem merged
//! over their rows, borders, wrapped text, column widths, the header frozen and
//! repeated on every printed page, A4 landscape. Deadlines as written; status and
//! progress as of the export date.

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};

/// A ledger to write.
#[derive(Debug, Clone, Default)]
pub struct Ledger {
    /// The title (某某单位巡察整改台账).
    pub title: String,
    /// The date line (截至2024年4月25日).
    pub date_line: String,
    /// Aspects in order.
    pub aspects: Vec<Aspect>,
}

/// An aspect and its problems.
#[derive(Debug, Clone, Default)]
pub struct Aspect {
    /// 方面.
    pub title: String,
    /// Problems in order.
    pub problems: Vec<Problem>,
}

/// A problem and its measures.
#[derive(Debug, Clone, Default)]
pub struct Problem {
    /// 反馈问题.
    pub text: String,
    /// Measures in order.
    pub measures: Vec<Measure>,
}

/// A measure's row.
#[derive(Debug, Clone, Default)]
pub struct Measure {
    /// 整改措施.
    pub content: String,
    /// 责任领导.
    pub leader: String,
    /// 牵头单位.
    pub lead_unit: String,
    /// 配合单位.
    pub cooperating: Vec<String>,
    /// 责任人.
    pub responsible: String,
    /// 整改时限, as written.
    pub deadline: String,
    /// 完成情况 as of the export date.
    pub status: String,
    /// 整改进展: the latest progress.
    pub progress: String,
}

/// The columns: header word, width in characters.
const COLUMNS: [(&str, f64); 11] = [
    ("序号", 6.0),
    ("方面", 14.0),
    ("反馈问题", 36.0),
    ("整改措施", 40.0),
    ("责任领导", 10.0),
    ("牵头单位", 14.0),
    ("配合单位", 14.0),
    ("责任人", 10.0),
    ("整改时限", 14.0),
    ("完成情况", 12.0),
    ("整改进展", 36.0),
];
/// The three columns under 责任主体.
const OWNERS: (u16, u16) = (4, 6);
const LAST_COL: u16 = COLUMNS.len() as u16 - 1;
const HEADER_TOP: u32 = 2;
const FIRST_DATA: u32 = 4;

/// Writes the ledger as an `.xlsx` file's bytes.
pub fn write(ledger: &Ledger) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let sheet = book.add_worksheet();
    sheet.set_name("整改台账")?;
    let title = Format::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let date = Format::new().set_align(FormatAlign::Right);
    let head = Format::new()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#F2F2F2");
    let cell = Format::new()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::VerticalCenter);
    let centre = cell.clone().set_align(FormatAlign::Center);

    sheet.merge_range(0, 0, 0, LAST_COL, &ledger.title, &title)?;
    sheet.set_row_height(0, 30)?;
    sheet.merge_range(1, 0, 1, LAST_COL, &ledger.date_line, &date)?;
    for (c, (word, width)) in COLUMNS.iter().enumerate() {
        let c = c as u16;
        sheet.set_column_width(c, *width)?;
        if (OWNERS.0..=OWNERS.1).contains(&c) {
            sheet.write_string_with_format(HEADER_TOP + 1, c, *word, &head)?;
        } else {
            sheet.merge_range(HEADER_TOP, c, HEADER_TOP + 1, c, word, &head)?;
        }
    }
    sheet.merge_range(
        HEADER_TOP,
        OWNERS.0,
        HEADER_TOP,
        OWNERS.1,
        "责任主体",
        &head,
    )?;
    sheet.set_freeze_panes(FIRST_DATA, 0)?;
    sheet.set_repeat_rows(HEADER_TOP, HEADER_TOP + 1)?;
    sheet.set_landscape();
    sheet.set_paper_size(9); // A4
    sheet.set_print_fit_to_pages(1, 0);

    let mut row = FIRST_DATA;
    let mut seq = 0;
    for aspect in &ledger.aspects {
        let aspect_start = row;
        for problem in &aspect.problems {
            seq += 1;
            let start = row;
            let empty = [Measure::default()];
            let measures = if problem.measures.is_empty() {
                &empty[..]
            } else {
                &problem.measures[..]
            };
            for m in measures {
                let values = [
                    &m.content,
                    &m.leader,
                    &m.lead_unit,
                    &m.cooperating.join("、"),
                    &m.responsible,
                    &m.deadline,
                    &m.status,
                    &m.progress,
                ];
                for (i, v) in values.iter().enumerate() {
                    let format = if i == 0 || i == 7 { &cell } else { &centre };
                    sheet.write_string_with_format(row, 3 + i as u16, v.as_str(), format)?;
                }
                row += 1;
            }
            merge_or_write(sheet, start, row - 1, 0, &seq.to_string(), &centre)?;
            merge_or_write(sheet, start, row - 1, 2, &problem.text, &cell)?;
        }
        if row > aspect_start {
            merge_or_write(sheet, aspect_start, row - 1, 1, &aspect.title, &centre)?;
        }
    }
    book.save_to_buffer()
}

fn merge_or_write(
    sheet: &mut Worksheet,
    first: u32,
    last: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    if last > first {
        sheet.merge_range(first, col, last, col, text, format)?;
    } else {
        sheet.write_string_with_format(first, col, text, format)?;
    }
    Ok(())
}
