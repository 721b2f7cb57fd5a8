//! An official document (公文) laid out as GB/T 9704-2012 asks, written as `.docx` by
//! docx-rs: A4; margins top 37 mm, bottom 35 mm, left 28 mm, right 26 mm; 22 lines of
//! 28 characters; the title in 方正小标宋简体 二号; the body in 仿宋_GB2312 三号;
//! headings "一、" in 黑体 and "（一）" in 楷体_GB2312; the page number "— 1 —" in
//! 宋体 四号 at the outside corner (right on odd pages, left on even ones).
//!
//! Each run names the official font as its East Asian font: offices have them
//! installed; where they are missing (LibreOffice on a bare machine) the reader's own
//! fallback draws the characters, and the layout (grid, sizes, margins) still holds.

use std::io::Cursor;

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BorderType, DocGrid, DocGridType, Docx, FieldCharType, Footer, InstrPAGE,
    InstrText, LineSpacing, LineSpacingType, PageMargin, Paragraph, ParagraphBorder,
    ParagraphBorderPosition, ParagraphBorders, Run, RunFonts, SpecialIndentType, Tab, TabValueType,
    Table, TableCell, TableRow, WidthType,
};

/// 方正小标宋简体: titles and the issuer's mark.
pub const TITLE_FONT: &str = "方正小标宋简体";
/// 仿宋_GB2312: the body.
pub const BODY_FONT: &str = "仿宋_GB2312";
/// 黑体: first-level headings (一、) and the classification.
pub const HEADING_FONT: &str = "黑体";
/// 楷体_GB2312: second-level headings (（一）).
pub const SUBHEADING_FONT: &str = "楷体_GB2312";
/// 宋体: page numbers.
pub const PAGE_NUMBER_FONT: &str = "宋体";
/// Latin letters and digits beside the Chinese.
const LATIN_FONT: &str = "Times New Roman";

/// Sizes in half-points, as WordprocessingML writes them: 二号 22 pt, 三号 16 pt,
/// 四号 14 pt, 小四 12 pt.
pub const SIZE_2: usize = 44;
/// 三号.
pub const SIZE_3: usize = 32;
/// 四号.
pub const SIZE_4: usize = 28;
/// 小四 (tables).
pub const SIZE_SMALL_4: usize = 24;

/// A4 in twentieths of a point.
pub const A4: (u32, u32) = (11906, 16838);
/// The margins in twentieths of a point: top 37 mm, right 26 mm, bottom 35 mm, left
/// 28 mm.
pub const MARGINS: Margins = Margins {
    top: 2098,
    right: 1474,
    bottom: 1984,
    left: 1588,
};

/// Page margins, in twentieths of a point.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Margins {
    /// Top.
    pub top: i32,
    /// Right.
    pub right: i32,
    /// Bottom.
    pub bottom: i32,
    /// Left.
    pub left: i32,
}

/// The line pitch of 22 lines in the 225 mm type area (twentieths of a point).
pub const LINE_PITCH: usize = 579;
/// The spacing that fits 28 characters of 三号 on a line of the 156 mm (442.2 pt) type
/// area: each character 16 pt less a quarter point, in twentieths of a point. Set on
/// the runs rather than as the grid's character pitch (`w:charSpace`), which Word
/// honours and LibreOffice reads as a wider pitch, leaving 18 characters a line.
pub const CHAR_SPACING: i32 = -5;
/// Lines and characters on a full page.
pub const LINES_PER_PAGE: usize = 22;
/// Characters on a full line.
pub const CHARS_PER_LINE: usize = 28;

/// The red of the issuer's mark and the separating line.
const RED: &str = "FF0000";

/// What the office fills in before a document is generated (版头 and 版记).
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Header {
    /// 发文机关: who issues it (the mark at the top and the signature at the end); none
    /// for a document without a 版头.
    pub issuer: String,
    /// 发文字号, e.g. 某巡改〔2026〕3号.
    pub number: String,
    /// 签发人: named on documents sent upward (上行文).
    pub signer: String,
    /// 主送机关.
    pub to: String,
    /// 抄送机关.
    pub cc: String,
    /// 密级和保密期限, e.g. 秘密★1年; none when not classified.
    pub classification: String,
    /// 成文日期.
    pub date: Option<NaiveDate>,
}

/// The longest a header field may be: one line of the page.
pub const HEADER_FIELD_CHARS: usize = 100;

impl Header {
    /// Each field checked as text of at most [`HEADER_FIELD_CHARS`] characters on one
    /// line (a line break is refused as a control character: the field is one line of
    /// the page), named by its field (issuer, number, signer, to, cc, classification).
    pub fn check(&self) -> Result<(), Vec<zhenggai_domain::validate::FieldError>> {
        use zhenggai_domain::validate::{Checker, FieldError, Why};
        let mut c = Checker::default();
        if let Some(date) = self.date
            && !zhenggai_domain::validate::YEARS.contains(&chrono::Datelike::year(&date))
        {
            c.push(FieldError::because("date", Why::YearOutOfRange));
        }
        for (field, value) in [
            ("issuer", &self.issuer),
            ("number", &self.number),
            ("signer", &self.signer),
            ("to", &self.to),
            ("cc", &self.cc),
            ("classification", &self.classification),
        ] {
            if value.trim().contains(['\n', '\r']) {
                c.push(FieldError::because(field, Why::ControlCharacters));
            } else {
                c.optional_text(field, value, HEADER_FIELD_CHARS);
            }
        }
        c.finish()
    }
}

/// One part of a document's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A first-level heading, "一、…", in 黑体.
    Heading(String),
    /// A second-level heading, "（一）…", in 楷体_GB2312.
    Subheading(String),
    /// A paragraph, its first line indented two characters.
    Paragraph(String),
    /// A table: the header row, then the rows; widths in characters of 小四.
    Table {
        /// Each column's heading and width in characters.
        columns: Vec<(String, usize)>,
        /// The rows, one string per column.
        rows: Vec<Vec<String>>,
    },
}

/// A document: what the office filled in, the title and the body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// 版头 and 版记.
    pub header: Header,
    /// 标题.
    pub title: String,
    /// 正文.
    pub body: Vec<Block>,
}

/// A document that could not be written (only a failure of the in-memory zip).
#[derive(Debug, thiserror::Error)]
#[error("writing the Word document: {0}")]
pub struct WriteError(String);

/// Text as a run can hold it: no control characters (XML cannot carry them), a tab as a
/// space.
fn clean(text: &str) -> String {
    text.chars()
        .filter_map(|c| match c {
            '\t' => Some(' '),
            c if zhenggai_domain::validate::is_forbidden_char(c) || c < ' ' => None,
            '\u{FFFE}' | '\u{FFFF}' => None,
            c => Some(c),
        })
        .collect()
}

fn fonts(east_asia: &str) -> RunFonts {
    RunFonts::new()
        .east_asia(east_asia)
        .ascii(LATIN_FONT)
        .hi_ansi(LATIN_FONT)
        .cs(LATIN_FONT)
}

fn run(text: &str, font: &str, size: usize) -> Run {
    let run = Run::new()
        .add_text(clean(text))
        .fonts(fonts(font))
        .size(size);
    if size == SIZE_3 {
        run.character_spacing(CHAR_SPACING)
    } else {
        run
    }
}

/// The fixed line of the body: 22 to a page.
fn exact_line() -> LineSpacing {
    LineSpacing::new()
        .line(LINE_PITCH as i32)
        .line_rule(LineSpacingType::Exact)
}

/// One character of 三号 in twentieths of a point.
const CHAR: i32 = 320;

fn body_paragraph(text: &str, font: &str) -> Paragraph {
    Paragraph::new()
        .add_run(run(text, font, SIZE_3))
        .align(AlignmentType::Both)
        .line_spacing(exact_line())
        .indent(
            None,
            Some(SpecialIndentType::FirstLine(2 * CHAR)),
            None,
            None,
        )
        .first_line_chars(200)
}

fn blank_line() -> Paragraph {
    Paragraph::new().line_spacing(exact_line())
}

fn border(position: ParagraphBorderPosition, size: usize, color: &str) -> ParagraphBorder {
    ParagraphBorder::new(position)
        .val(BorderType::Single)
        .size(size)
        .space(1)
        .color(color)
}

/// The page number "— n —" in 宋体 四号, one character in from the outside edge: the
/// right on odd pages, the left on even ones.
fn page_number(odd: bool) -> Footer {
    let inset = 280; // one character of 四号
    let (align, left, right) = if odd {
        (AlignmentType::Right, None, Some(inset))
    } else {
        (AlignmentType::Left, Some(inset), None)
    };
    let field = Run::new()
        .fonts(fonts(PAGE_NUMBER_FONT))
        .size(SIZE_4)
        .add_text("— ")
        .add_field_char(FieldCharType::Begin, false)
        .add_instr_text(InstrText::PAGE(InstrPAGE::new()))
        .add_field_char(FieldCharType::Separate, false)
        .add_text("1")
        .add_field_char(FieldCharType::End, false)
        .add_text(" —");
    Footer::new().add_paragraph(
        Paragraph::new()
            .align(align)
            .indent(left, None, right, None)
            .add_run(field),
    )
}

/// The issuer's mark (发文机关标志): its name and "文件", red, as large as fits one line
/// up to 36 pt.
fn issuer_mark(issuer: &str) -> Paragraph {
    let mark = if issuer.ends_with("文件") {
        issuer.to_string()
    } else {
        format!("{issuer}文件")
    };
    let chars = mark.chars().count().max(1);
    // The type area is 156 mm ≈ 442 pt wide: half-points with room to spare for a
    // wider fallback font, at most 72 (36 pt).
    let size = (800 / chars).clamp(SIZE_3, 72);
    Paragraph::new()
        .align(AlignmentType::Center)
        .snap_to_grid(false)
        .add_run(run(&mark, TITLE_FONT, size).color(RED))
}

/// 版头: classification, the issuer's mark, the number (and the signer on a document
/// sent upward), and the red line beneath.
fn head(h: &Header) -> Vec<Paragraph> {
    let mut out = Vec::new();
    if !h.classification.trim().is_empty() {
        out.push(Paragraph::new().line_spacing(exact_line()).add_run(run(
            h.classification.trim(),
            HEADING_FONT,
            SIZE_3,
        )));
    }
    if h.issuer.trim().is_empty() {
        return out;
    }
    out.push(blank_line());
    out.push(issuer_mark(h.issuer.trim()));
    out.push(blank_line());
    let number = h.number.trim();
    let signer = h.signer.trim();
    let line = if signer.is_empty() {
        Paragraph::new()
            .align(AlignmentType::Center)
            .add_run(run(number, BODY_FONT, SIZE_3))
    } else {
        // 发文字号 one character in from the left, 签发人 one in from the right.
        let right_stop = (A4.0 as i32 - MARGINS.left - MARGINS.right - CHAR) as usize;
        Paragraph::new()
            .indent(Some(CHAR), None, None, None)
            .add_tab(Tab::new().val(TabValueType::Right).pos(right_stop))
            .add_run(run(number, BODY_FONT, SIZE_3))
            .add_run(Run::new().add_tab())
            .add_run(run("签发人：", BODY_FONT, SIZE_3))
            .add_run(run(signer, SUBHEADING_FONT, SIZE_3))
    };
    out.push(line.line_spacing(exact_line()).set_borders(
        ParagraphBorders::with_empty().set(border(ParagraphBorderPosition::Bottom, 12, RED)),
    ));
    out.push(blank_line());
    out
}

fn title(text: &str) -> Vec<Paragraph> {
    vec![
        // Off the line grid: a 二号 line would take two of its lines.
        Paragraph::new()
            .align(AlignmentType::Center)
            .snap_to_grid(false)
            .line_spacing(
                LineSpacing::new()
                    .line(640)
                    .line_rule(LineSpacingType::Exact),
            )
            .add_run(run(text.trim(), TITLE_FONT, SIZE_2)),
        blank_line(),
    ]
}

fn table(columns: &[(String, usize)], rows: &[Vec<String>]) -> Table {
    // One character of 小四 is 240 twentieths; a little padding each side.
    let widths: Vec<usize> = columns.iter().map(|(_, w)| w * 240 + 200).collect();
    let cell = |text: &str, width: usize, font: &str| {
        TableCell::new().width(width, WidthType::Dxa).add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .line_spacing(
                    LineSpacing::new()
                        .line(360)
                        .line_rule(LineSpacingType::AtLeast),
                )
                .add_run(run(text, font, SIZE_SMALL_4)),
        )
    };
    let mut all = vec![TableRow::new(
        columns
            .iter()
            .zip(&widths)
            .map(|((name, _), w)| cell(name, *w, HEADING_FONT))
            .collect(),
    )];
    for row in rows {
        all.push(TableRow::new(
            widths
                .iter()
                .enumerate()
                .map(|(i, w)| cell(row.get(i).map_or("", String::as_str), *w, BODY_FONT))
                .collect(),
        ));
    }
    Table::new(all).set_grid(widths)
}

/// 落款: the issuer and the date, four characters in from the right.
fn signature(h: &Header) -> Vec<Paragraph> {
    let Some(date) = h.date else {
        return Vec::new();
    };
    // The signature and the date stay on one page with the lines before them.
    let right = |text: &str| {
        Paragraph::new()
            .align(AlignmentType::Right)
            .line_spacing(exact_line())
            .indent(None, None, Some(4 * CHAR), None)
            .keep_next(true)
            .add_run(run(text, BODY_FONT, SIZE_3))
    };
    let mut out = vec![blank_line().keep_next(true), blank_line().keep_next(true)];
    if !h.issuer.trim().is_empty() {
        out.push(right(h.issuer.trim()));
    }
    out.push(right(&crate::wording::day(date)));
    out
}

/// 版记: 抄送, then 印发机关和印发日期, between lines, in 仿宋 四号; only where a copy
/// list is given (a document sent to no one else has none).
fn record(h: &Header) -> Vec<Paragraph> {
    let cc = h.cc.trim();
    if cc.is_empty() {
        return Vec::new();
    }
    let cc = cc.trim_end_matches(['。', '.']);
    let line = |p: Paragraph, top: bool| {
        let mut borders = ParagraphBorders::with_empty().set(border(
            ParagraphBorderPosition::Bottom,
            8,
            "000000",
        ));
        if top {
            borders = borders.set(border(ParagraphBorderPosition::Top, 8, "000000"));
        }
        p.indent(Some(280), None, Some(280), None)
            .keep_next(top)
            .set_borders(borders)
    };
    let mut out = vec![
        blank_line().keep_next(true),
        line(
            Paragraph::new().add_run(run(&format!("抄送：{cc}。"), BODY_FONT, SIZE_4)),
            true,
        ),
    ];
    if let (false, Some(date)) = (h.issuer.trim().is_empty(), h.date) {
        let printed = Paragraph::new()
            .add_tab(
                Tab::new()
                    .val(TabValueType::Right)
                    .pos((A4.0 as i32 - MARGINS.left - MARGINS.right - 2 * 280) as usize),
            )
            .add_run(run(h.issuer.trim(), BODY_FONT, SIZE_4))
            .add_run(Run::new().add_tab())
            .add_run(run(
                &format!("{}印发", crate::wording::day(date)),
                BODY_FONT,
                SIZE_4,
            ));
        out.push(line(printed, false));
    }
    out
}

impl Document {
    /// The document as the bytes of a `.docx`.
    pub fn to_docx(&self) -> Result<Vec<u8>, WriteError> {
        let mut docx = Docx::new()
            .page_size(A4.0, A4.1)
            .page_margin(
                PageMargin::new()
                    .top(MARGINS.top)
                    .right(MARGINS.right)
                    .bottom(MARGINS.bottom)
                    .left(MARGINS.left)
                    .header(851)
                    .footer(992),
            )
            .default_fonts(fonts(BODY_FONT))
            .default_size(SIZE_3)
            .footer(page_number(true))
            .even_footer(page_number(false));
        docx.document.section_property.doc_grid = Some(
            DocGrid::new()
                .grid_type(DocGridType::Lines)
                .line_pitch(LINE_PITCH),
        );
        for p in head(&self.header) {
            docx = docx.add_paragraph(p);
        }
        for p in title(&self.title) {
            docx = docx.add_paragraph(p);
        }
        if !self.header.to.trim().is_empty() {
            let to = self.header.to.trim().trim_end_matches(['：', ':']);
            docx = docx.add_paragraph(Paragraph::new().line_spacing(exact_line()).add_run(run(
                &format!("{to}："),
                BODY_FONT,
                SIZE_3,
            )));
        }
        for block in &self.body {
            docx = match block {
                Block::Heading(text) => docx.add_paragraph(body_paragraph(text, HEADING_FONT)),
                Block::Subheading(text) => {
                    docx.add_paragraph(body_paragraph(text, SUBHEADING_FONT))
                }
                Block::Paragraph(text) => docx.add_paragraph(body_paragraph(text, BODY_FONT)),
                Block::Table { columns, rows } => docx.add_table(table(columns, rows)),
            };
        }
        for p in signature(&self.header) {
            docx = docx.add_paragraph(p);
        }
        for p in record(&self.header) {
            docx = docx.add_paragraph(p);
        }
        let mut out = Cursor::new(Vec::new());
        docx.build()
            .pack(&mut out)
            .map_err(|e| WriteError(e.to_string()))?;
        Ok(out.into_inner())
    }
}
