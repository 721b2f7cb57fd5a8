//! 卷内目录 (D17): the catalogue of an archive's volumes as `.xlsx`, one worksheet a
//! volume — number, responsible unit, title, date, files, remarks — as archives keep
//! it, with borders, the header repeated on every printed page, A4 portrait.

use rust_xlsxwriter::{Format, FormatAlign, Workbook, XlsxError};

/// One volume (卷): what it holds, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Volume {
    /// Its number, from 1.
    pub number: usize,
    /// Where it comes from: the inspection group (来源).
    pub source: String,
    /// Its unit (责任者 of every item).
    pub unit: String,
    /// Its items in order.
    pub items: Vec<Item>,
}

/// One item (件) of a volume.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Item {
    /// 件号, from 1 within the volume.
    pub number: usize,
    /// 责任者.
    pub unit: String,
    /// 题名: what the file is.
    pub title: String,
    /// 日期, as written (2024-04-25).
    pub date: String,
    /// 件数 or 页数: files in the item.
    pub files: usize,
    /// 备注: where the file is in the package, and what it belongs to.
    pub remarks: String,
}

/// The columns: header word, width in characters.
pub const COLUMNS: [(&str, f64); 6] = [
    ("件号", 6.0),
    ("责任者", 16.0),
    ("题名", 44.0),
    ("日期", 12.0),
    ("件数", 6.0),
    ("备注", 30.0),
];

/// The catalogue of `volumes` as the bytes of an `.xlsx`, one worksheet a volume
/// (named 第N卷); a package without volumes has one empty sheet saying so.
pub fn write(title: &str, volumes: &[Volume]) -> Result<Vec<u8>, XlsxError> {
    let mut book = Workbook::new();
    let heading = Format::new()
        .set_bold()
        .set_font_size(14)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let crate::export::TableFormats { head, cell, centre } = crate::export::TableFormats::new();
    if volumes.is_empty() {
        let sheet = book.add_worksheet();
        sheet.set_name("卷内目录")?;
        sheet.write_with_format(0, 0, format!("{title}：无归档文件"), &heading)?;
    }
    for volume in volumes {
        let sheet = book.add_worksheet();
        sheet.set_name(format!("第{}卷", volume.number))?;
        let last = COLUMNS.len() as u16 - 1;
        sheet.merge_range(
            0,
            0,
            0,
            last,
            &format!("{title}　第{}卷　{}　卷内目录", volume.number, volume.unit),
            &heading,
        )?;
        sheet.set_row_height(0, 28)?;
        for (c, (name, width)) in COLUMNS.iter().enumerate() {
            sheet.set_column_width(c as u16, *width)?;
            sheet.write_with_format(1, c as u16, *name, &head)?;
        }
        for (i, item) in volume.items.iter().enumerate() {
            let r = 2 + i as u32;
            // A row as high as its most wrapped cell (LibreOffice draws a row one line
            // high otherwise, the text running over the rows below).
            let lines = [
                (item.unit.as_str(), COLUMNS[1].1),
                (item.title.as_str(), COLUMNS[2].1),
                (item.remarks.as_str(), COLUMNS[5].1),
            ]
            .iter()
            .map(|(text, width)| crate::export::lines(text, *width))
            .max()
            .unwrap_or(1);
            sheet.set_row_height(
                r,
                f64::from(lines) * crate::export::LINE_POINTS + crate::export::MARGIN_POINTS,
            )?;
            sheet.write_with_format(r, 0, item.number as u32, &centre)?;
            sheet.write_with_format(r, 1, item.unit.as_str(), &cell)?;
            sheet.write_with_format(r, 2, item.title.as_str(), &cell)?;
            sheet.write_with_format(r, 3, item.date.as_str(), &centre)?;
            sheet.write_with_format(r, 4, item.files as u32, &centre)?;
            sheet.write_with_format(r, 5, item.remarks.as_str(), &cell)?;
        }
        sheet.set_freeze_panes(2, 0)?;
        sheet.set_repeat_rows(1, 1)?;
        sheet.set_paper_size(9); // A4
        sheet.set_print_fit_to_pages(1, 0);
    }
    book.save_to_buffer()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn each_volume_is_a_sheet_with_its_items() {
        let volume = Volume {
            number: 1,
            source: "市委第一巡察组".into(),
            unit: "财务部".into(),
            items: vec![Item {
                number: 1,
                unit: "财务部".into(),
                title: "银行账户清理报告.pdf".into(),
                date: "2024-04-25".into(),
                files: 1,
                remarks: "问题7 措施1".into(),
            }],
        };
        let bytes = write("某巡察", &[volume]).unwrap();
        let sheets = crate::read::read(&bytes, &crate::Limits::default()).unwrap();
        assert_eq!(sheets[0].name, "第1卷");
        assert_eq!(sheets[0].cell(1, 2), "题名");
        assert_eq!(sheets[0].cell(2, 2), "银行账户清理报告.pdf");
        assert_eq!(sheets[0].cell(2, 1), "财务部");
        assert!(
            write("某巡察", &[]).is_ok(),
            "an empty package still has a catalogue"
        );
    }
}
