//! The ledger as offices hand it upward (`.xlsx`): a title row, a date line, a two-row
//! header (责任主体 over 责任领导 / 牵头单位 / 配合单位), the aspect and the problem merged
//! over their rows, borders, wrapped text, column widths, the header frozen and
//! repeated on every printed page, A4 landscape. Deadlines as written; status and
//! progress as of the export date.

use std::borrow::Cow;

use rust_xlsxwriter::{Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError};
use unicode_width::UnicodeWidthStr;

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
    let mut writer = LedgerWriter::new(&ledger.title, &ledger.date_line)?;
    for aspect in &ledger.aspects {
        writer.aspect(aspect)?;
    }
    writer.finish()
}

/// The formats of a bordered table offices print: a shaded bold header, wrapped cells,
/// and cells centred (numbers, dates). The ledger and the archive's catalogue share them.
pub(crate) struct TableFormats {
    pub(crate) head: Format,
    pub(crate) cell: Format,
    pub(crate) centre: Format,
}

impl TableFormats {
    pub(crate) fn new() -> TableFormats {
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
        TableFormats { head, cell, centre }
    }
}

/// Writes a ledger aspect by aspect, so that a large one is written while the next of
/// its aspects is still being read. Rows go to a temporary file as they are written
/// ("low memory" mode of rust_xlsxwriter: each row's XML is made at once, and the
/// sheet is not held whole in memory); only the strings stay, shared.
pub struct LedgerWriter {
    book: Workbook,
    cell: Format,
    centre: Format,
    row: u32,
    seq: usize,
}

impl LedgerWriter {
    /// The sheet with its title, date line, header and print setup.
    pub fn new(title_text: &str, date_line: &str) -> Result<LedgerWriter, XlsxError> {
        let mut book = Workbook::new();
        let sheet = book.add_worksheet_with_low_memory()?;
        sheet.set_name("整改台账")?;
        let title = Format::new()
            .set_bold()
            .set_font_size(16)
            .set_align(FormatAlign::Center)
            .set_align(FormatAlign::VerticalCenter);
        let date = Format::new().set_align(FormatAlign::Right);
        let TableFormats { head, cell, centre } = TableFormats::new();

        for (c, (_, width)) in COLUMNS.iter().enumerate() {
            sheet.set_column_width(c as u16, *width)?;
        }
        sheet.merge_range(0, 0, 0, LAST_COL, title_text, &title)?;
        sheet.set_row_height(0, 30)?;
        sheet.merge_range(1, 0, 1, LAST_COL, date_line, &date)?;
        // Row by row, left to right: the first header row, then the second.
        for (c, (word, _)) in COLUMNS.iter().enumerate() {
            let c = c as u16;
            if c == OWNERS.0 {
                sheet.merge_range(
                    HEADER_TOP,
                    OWNERS.0,
                    HEADER_TOP,
                    OWNERS.1,
                    "责任主体",
                    &head,
                )?;
            } else if !(OWNERS.0..=OWNERS.1).contains(&c) {
                sheet.merge_range(HEADER_TOP, c, HEADER_TOP + 1, c, word, &head)?;
            }
        }
        for c in OWNERS.0..=OWNERS.1 {
            sheet.write_string_with_format(HEADER_TOP + 1, c, COLUMNS[c as usize].0, &head)?;
        }
        sheet.set_freeze_panes(FIRST_DATA, 0)?;
        sheet.set_repeat_rows(HEADER_TOP, HEADER_TOP + 1)?;
        sheet.set_landscape();
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
        Ok(LedgerWriter {
            book,
            cell,
            centre,
            row: FIRST_DATA,
            seq: 0,
        })
    }

    /// Writes the next aspect, whole: its cell is merged over all its problems' rows,
    /// which the sheet must know before its first row (rows are written in order), as
    /// it must know each row's height.
    pub fn aspect(&mut self, aspect: &Aspect) -> Result<(), XlsxError> {
        let sheet = self.book.worksheet_from_index(0)?;
        let (cell, centre) = (&self.cell, &self.centre);
        let empty = [Measure::default()];
        let problems: Vec<(&Problem, Vec<[Cow<'_, str>; 8]>)> = aspect
            .problems
            .iter()
            .map(|p| {
                let measures = if p.measures.is_empty() {
                    &empty[..]
                } else {
                    &p.measures[..]
                };
                (p, measures.iter().map(measure_cells).collect())
            })
            .collect();
        // Lines of each row: its measure's tallest cell, then more where the problem's
        // or the aspect's merged text needs more than its rows give.
        let mut heights: Vec<u32> = Vec::new();
        for (problem, measures) in &problems {
            let first = heights.len();
            heights.extend(measures.iter().map(|cells| {
                cells
                    .iter()
                    .enumerate()
                    .map(|(i, v)| lines(v, COLUMNS[3 + i].1))
                    .max()
                    .unwrap_or(1)
            }));
            spread(&mut heights[first..], lines(&problem.text, COLUMNS[2].1));
        }
        if heights.is_empty() {
            return Ok(());
        }
        spread(&mut heights, lines(&aspect.title, COLUMNS[1].1));
        merge_or_write(
            sheet,
            self.row,
            self.row + heights.len() as u32 - 1,
            1,
            &aspect.title,
            centre,
        )?;
        let mut heights = heights.into_iter();
        for (problem, measures) in &problems {
            self.seq += 1;
            let last = self.row + measures.len() as u32 - 1;
            merge_or_write(sheet, self.row, last, 0, &self.seq.to_string(), centre)?;
            merge_or_write(sheet, self.row, last, 2, &problem.text, cell)?;
            for (cells, height) in measures.iter().zip(&mut heights) {
                if height > 1 {
                    let points = f64::from(height) * LINE_POINTS + MARGIN_POINTS;
                    sheet.set_row_height(self.row, points)?;
                }
                for (i, v) in cells.iter().enumerate() {
                    let format = if i == 0 || i == 7 { cell } else { centre };
                    sheet.write_string_with_format(self.row, 3 + i as u16, v.as_ref(), format)?;
                }
                self.row += 1;
            }
        }
        Ok(())
    }

    /// The file's bytes.
    pub fn finish(mut self) -> Result<Vec<u8>, XlsxError> {
        self.book.save_to_buffer()
    }
}

/// A measure's cells, from 整改措施 to 整改进展.
fn measure_cells(m: &Measure) -> [Cow<'_, str>; 8] {
    [
        Cow::from(&m.content),
        Cow::from(&m.leader),
        Cow::from(&m.lead_unit),
        Cow::from(m.cooperating.join("、")),
        Cow::from(&m.responsible),
        Cow::from(&m.deadline),
        Cow::from(&m.status),
        Cow::from(&m.progress),
    ]
}

/// The height of a wrapped line of the sheet's 11-point text, in points, and the
/// margin a cell keeps: Chinese fonts set lines taller than the 15 points of a row.
pub(crate) const LINE_POINTS: f64 = 16.0;
pub(crate) const MARGIN_POINTS: f64 = 3.0;

/// The lines a text wraps to in a column `width` characters wide, a Chinese character
/// counting two. Rows are given their height: Excel and WPS fit a row without one when
/// they draw it, but LibreOffice leaves it one line high, and prints it so, with the
/// wrapped text running over the rows below.
pub(crate) fn lines(text: &str, width: f64) -> u32 {
    let usable = (width - 1.0).max(1.0);
    text.split('\n')
        .map(|paragraph| {
            let w = UnicodeWidthStr::width(paragraph) as f64;
            ((w / usable).ceil() as u32).max(1)
        })
        .sum()
}

/// Adds lines to `rows`, evenly, until they hold `needed`.
fn spread(rows: &mut [u32], needed: u32) {
    let have: u32 = rows.iter().sum();
    if rows.is_empty() || needed <= have {
        return;
    }
    let count = rows.len();
    for k in 0..(needed - have) as usize {
        rows[k % count] += 1;
    }
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

/// A field of a CSV the system writes, quoted, and made inert for spreadsheet
/// applications: Excel and WPS take a cell beginning with `=`, `+`, `-` or `@` (or a
/// tab or carriage return before one) for a formula, so a name or reason typed that
/// way would run when an auditor opens the export. As OWASP advises, such a field is
/// prefixed with `'`, which the applications show as text. Every CSV goes through this.
pub fn csv_field(text: &str) -> String {
    let inert = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        "'"
    } else {
        ""
    };
    format!("\"{inert}{}\"", text.replace('"', "\"\""))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_fields_that_a_spreadsheet_would_run_are_made_text() {
        for (text, field) in [
            (
                "=HYPERLINK(\"http://x\",\"点此\")",
                "\"'=HYPERLINK(\"\"http://x\"\",\"\"点此\"\")\"",
            ),
            ("+1+cmd|' /C calc'!A0", "\"'+1+cmd|' /C calc'!A0\""),
            ("-2+3", "\"'-2+3\""),
            ("@SUM(A1)", "\"'@SUM(A1)\""),
            ("\t=1", "\"'\t=1\""),
            ("\r=1", "\"'\r=1\""),
            ("与第16个问题重复", "\"与第16个问题重复\""),
            ("a=b", "\"a=b\""),
            ("", "\"\""),
        ] {
            assert_eq!(csv_field(text), field, "{text:?}");
        }
    }

    #[test]
    fn text_wraps_by_display_width() {
        assert_eq!(lines("", 14.0), 1);
        assert_eq!(lines("王建国", 10.0), 1);
        // Twenty Chinese characters are forty columns wide: four lines of thirteen.
        assert_eq!(lines(&"整".repeat(20), 14.0), 4);
        assert_eq!(lines("第一条\n第二条", 14.0), 2);
        assert_eq!(lines(&"a".repeat(27), 14.0), 3);
    }

    #[test]
    fn merged_text_taller_than_its_rows_makes_them_taller_evenly() {
        let mut rows = [1, 2];
        spread(&mut rows, 6);
        assert_eq!(rows, [3, 3]);
        let mut rows = [2, 1];
        spread(&mut rows, 3);
        assert_eq!(rows, [2, 1], "tall enough already");
        let mut rows = [1, 1, 1];
        spread(&mut rows, 4);
        assert_eq!(rows, [2, 1, 1], "the first rows take what does not divide");
        spread(&mut [], 4);
    }
}
