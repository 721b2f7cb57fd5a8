//! Reading a ledger sheet's rows: aspects from a column merged down or from section
//! rows ("一、班子建设方面（3个问题）"), items from "（一）" rows, a problem merged down
//! over its measures (or written once and left empty below), one measure per row, the
//! owners and the deadline words. Every row keeps where it came from (sheet, row), and
//! every error and warning says where (sheet, row, column) and what to do.

use std::collections::HashSet;

use chrono::NaiveDate;
use serde::Serialize;
use zhenggai_domain::deadline::{Deadline, DeadlineKind, Precision, Reference};
use zhenggai_domain::reason::{Finding, NeededColumn, Place};
use zhenggai_domain::status::ReportedStatus;
use zhenggai_domain::validate::is_forbidden_char;

use crate::layout::{Field, Header, Synonyms, choose_sheet};
use crate::read::{Sheet, column_letter};

/// How to read a workbook.
#[derive(Debug, Clone)]
pub struct Options {
    /// The sheet to read, when not the one that looks most like a ledger.
    pub sheet: Option<String>,
    /// The inspection's dates: deadline words without a year take the first such date
    /// on or after its feedback date; 集中整改期内 is the end of its concentrated phase.
    pub reference: Reference,
    /// Header words.
    pub synonyms: Synonyms,
    /// Columns without a header (their letters) the office has confirmed it does not
    /// import; a headed column is ignored by its word, in [`Synonyms::ignoring`].
    pub ignore_columns: Vec<String>,
}

/// A column that holds data under a header no field is read from (a word zhenggai does
/// not know, none at all, or a second column of a field already read): never dropped in
/// silence, but listed so that the office maps it to a field or confirms it is ignored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct UnknownColumn {
    /// Its letter.
    pub column: String,
    /// Its header as written (empty when it has none).
    pub header: String,
    /// The header word a synonym would be remembered by (empty when it has none).
    pub word: String,
    /// The field its header names when another column is already read as that field.
    pub duplicate_of: Option<Field>,
    /// A few of its cells, as written (shortened).
    pub samples: Vec<String>,
    /// How many data rows have something in it.
    pub cells: usize,
    /// Whether the office has confirmed that it is not imported.
    pub ignored: bool,
}

/// Samples an unknown column shows, and the characters of each.
const SAMPLES: usize = 3;
const SAMPLE_CHARS: usize = 40;

/// A problem found while reading, where it is, and what to do.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Issue {
    /// Sheet.
    pub sheet: String,
    /// Row, counted from 1 as the spreadsheet shows it (0 for the whole file).
    pub row: usize,
    /// Column letter, when one cell is meant.
    pub column: Option<String>,
    /// The field (problem, measure, lead_unit, deadline …).
    pub field: Option<&'static str>,
    /// What is wrong, as data: the web layer words it in the reader's language (and
    /// says what to do).
    #[serde(skip)]
    pub finding: Finding,
}

impl Issue {
    /// Where it is.
    pub fn place(&self) -> Place {
        Place {
            sheet: self.sheet.clone(),
            row: self.row,
            column: self.column.clone(),
        }
    }
}

/// A deadline as read from a row: the words always, the reading when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineReading {
    /// The words as written.
    pub text: String,
    /// Immediate, dated or long-term; `None` when unreadable.
    pub kind: Option<DeadlineKind>,
    /// The last day, for dated deadlines.
    pub date: Option<NaiveDate>,
    /// How fine the words are.
    pub precision: Option<Precision>,
}

impl DeadlineReading {
    /// The domain's deadline, when the words were read.
    pub fn deadline(&self) -> Option<Deadline> {
        Some(Deadline {
            text: self.text.clone(),
            kind: self.kind?,
            date: self.date,
            precision: self.precision,
        })
    }
}

/// One measure as read, with where it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Row {
    /// Sheet.
    pub sheet: String,
    /// Row, from 1.
    pub row: usize,
    /// 方面, numbering and counts stripped.
    pub aspect: String,
    /// 项, when the ledger has them.
    pub item: Option<String>,
    /// 问题.
    pub problem: String,
    /// 整改措施.
    pub measure: String,
    /// 整改目标.
    pub target: String,
    /// 责任领导.
    pub leader: String,
    /// 牵头单位.
    pub lead_unit: String,
    /// 配合单位.
    pub cooperating: Vec<String>,
    /// 责任人.
    pub responsible: String,
    /// 整改时限.
    pub deadline: DeadlineReading,
    /// 完成情况 as written.
    pub status: String,
    /// What the 完成情况 says, when it says one of the words a status is read by.
    pub reported: Option<ReportedStatus>,
}

/// How a workbook was read.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Reading {
    /// Distinct aspects.
    pub aspects: usize,
    /// Distinct items.
    pub items: usize,
    /// Distinct problems.
    pub problems: usize,
    /// Measures (rows).
    pub measures: usize,
    /// What must be fixed before anything is written.
    pub errors: Vec<Issue>,
    /// What the office should look at.
    pub warnings: Vec<Issue>,
    /// One entry per measure, in the sheet's order.
    pub rows: Vec<Row>,
    /// Columns holding data that no field is read from.
    pub columns: Vec<UnknownColumn>,
}

impl Reading {
    /// Whether it may be committed.
    pub fn ok(&self) -> bool {
        self.errors.is_empty()
    }

    /// The columns holding data that the office has neither mapped nor ignored: while
    /// there is one, nothing is imported.
    pub fn undecided(&self) -> impl Iterator<Item = &UnknownColumn> {
        self.columns.iter().filter(|c| !c.ignored)
    }
}

/// The aspect given to problems when a ledger names none.
pub const NO_ASPECT: &str = "反馈问题";

/// Reads the ledger of a workbook's sheets.
pub fn read_ledger(sheets: &[Sheet], options: &Options) -> Reading {
    let mut reading = Reading::default();
    let whole = |sheet: &str, finding: Finding| Issue {
        sheet: sheet.to_string(),
        row: 0,
        column: None,
        field: None,
        finding,
    };
    if let Some(name) = &options.sheet
        && !sheets.iter().any(|s| &s.name == name)
    {
        reading.errors.push(whole(
            name,
            Finding::NoSuchSheet {
                name: name.clone(),
                sheets: sheets.iter().map(|s| s.name.clone()).collect(),
            },
        ));
        return reading;
    }
    let Some((index, header)) = choose_sheet(sheets, options.sheet.as_deref(), &options.synonyms)
    else {
        let bare: usize = sheets.iter().map(|s| s.formulas_without_values).sum();
        let sheet = options.sheet.clone().unwrap_or_default();
        if bare > 0 {
            reading.errors.push(whole(
                &sheet,
                Finding::FormulasWithoutValues { count: bare },
            ));
        } else {
            reading.errors.push(whole(&sheet, Finding::NoHeader));
        }
        return reading;
    };
    read_sheet(&sheets[index], &header, options, &mut reading);
    reading
}

/// Numbering offices put before aspects, items, problems and measures: 一、 （一） (1)
/// 1. 1、 1） ①.
fn strip_numbering(text: &str) -> (&str, Numbering) {
    let t = text.trim();
    let chinese = |c: char| "一二三四五六七八九十".contains(c);
    // （一） / (一) / （1）
    for (open, close) in [('（', '）'), ('(', ')')] {
        if let Some(rest) = t.strip_prefix(open)
            && let Some(end) = rest.find(close)
        {
            let inner = &rest[..end];
            if !inner.is_empty() && inner.chars().all(|c| chinese(c) || c.is_ascii_digit()) {
                let kind = if inner.chars().all(chinese) {
                    Numbering::ChineseParen
                } else {
                    Numbering::Digit
                };
                return (rest[end + close.len_utf8()..].trim_start(), kind);
            }
        }
    }
    // 一、 / 第一、
    let body = t.strip_prefix('第').unwrap_or(t);
    let n = body.chars().take_while(|c| chinese(*c)).count();
    if n > 0 {
        let rest: String = body.chars().skip(n).collect();
        for sep in ["、", "，", ".", "．", "是"] {
            if rest.starts_with(sep) {
                let skip = body.char_indices().nth(n).map_or(body.len(), |(i, _)| i) + sep.len();
                return (body[skip..].trim_start(), Numbering::Chinese);
            }
        }
    }
    // 1. / 1、 / 1） / 1)
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && digits <= 3 {
        let rest = &t[digits..];
        for sep in ["、", ".", "．", "）", ")", " "] {
            if let Some(r) = rest.strip_prefix(sep)
                && !r.starts_with(|c: char| c.is_ascii_digit())
            {
                return (r.trim_start(), Numbering::Digit);
            }
        }
    }
    // ① … ⑳
    if let Some(c) = t.chars().next()
        && ('\u{2460}'..='\u{2473}').contains(&c)
    {
        return (t[c.len_utf8()..].trim_start(), Numbering::Digit);
    }
    (t, Numbering::None)
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Numbering {
    None,
    /// 一、
    Chinese,
    /// （一）
    ChineseParen,
    /// 1. （1） ①
    Digit,
}

/// A section title without its count: "班子建设方面（3个问题）" → "班子建设方面".
fn strip_count(text: &str) -> &str {
    let t = text.trim();
    for (open, close) in [('（', '）'), ('(', ')')] {
        if t.ends_with(close)
            && let Some(start) = t.rfind(open)
        {
            let inner = &t[start + open.len_utf8()..t.len() - close.len_utf8()];
            if inner
                .chars()
                .any(|c| c.is_ascii_digit() || "一二三四五六七八九十".contains(c))
                && ["个", "项", "条", "问题", "共"]
                    .iter()
                    .any(|w| inner.contains(w))
            {
                return t[..start].trim_end();
            }
        }
    }
    t
}

/// A title as a section row shows it: numbering and count stripped.
fn section_title(text: &str) -> (String, Numbering) {
    let (body, numbering) = strip_numbering(text);
    (strip_count(body).to_string(), numbering)
}

/// Splits 配合单位 written in one cell.
fn split_units(text: &str) -> Vec<String> {
    text.split(['、', '，', ',', '；', ';', '/', '\n', ' ', '　'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn read_sheet(sheet: &Sheet, header: &Header, options: &Options, reading: &mut Reading) {
    let col = |f: Field| header.column(f);
    let issue = |row: usize, field: Option<Field>, finding: Finding| Issue {
        sheet: sheet.name.clone(),
        row: row + 1,
        column: field.and_then(|f| header.column(f)).map(column_letter),
        field: field.map(Field::code),
        finding,
    };
    if !sheet.dropped_columns.is_empty() {
        let shown = 10;
        let letters: Vec<String> = sheet
            .dropped_columns
            .iter()
            .take(shown)
            .map(|c| column_letter(*c))
            .collect();
        let more = sheet.dropped_columns.len() > shown;
        reading.warnings.push(issue(
            header.row,
            None,
            Finding::DroppedColumns {
                columns: letters,
                more,
                header_rows: crate::layout::HEADER_SEARCH,
            },
        ));
    }
    if col(Field::Measure).is_none() {
        reading
            .warnings
            .push(issue(header.row, None, Finding::NoMeasureColumn));
    }
    for (field, needed) in [
        (Field::LeadUnit, NeededColumn::LeadUnit),
        (Field::Deadline, NeededColumn::Deadline),
    ] {
        if col(field).is_none() {
            reading
                .errors
                .push(issue(header.row, None, Finding::NoColumn(needed)));
        }
    }
    if !reading.errors.is_empty() {
        return;
    }
    // Every column no field is read from, with its header; those holding data in a
    // measure row are listed once the rows are read.
    let mut unknown: Vec<(usize, UnknownColumn)> = (0..sheet.width())
        .filter(|c| !header.columns.iter().any(|(k, _)| k == c))
        .map(|c| {
            let word = crate::layout::normalise(&header.word(sheet, c));
            let letter = column_letter(c);
            let column = UnknownColumn {
                duplicate_of: options.synonyms.field_of(&word),
                ignored: options.synonyms.is_ignored(&word)
                    || options.ignore_columns.contains(&letter),
                column: letter,
                header: header.text(sheet, c),
                word,
                samples: Vec::new(),
                cells: 0,
            };
            (c, column)
        })
        .collect();
    let mut unread_status: Vec<usize> = Vec::new();
    let mut aspect: Option<String> = None;
    let mut item: Option<String> = None;
    let mut last_problem: Option<String> = None;
    let mut aspect_warned = false;
    let mut problems: HashSet<(String, Option<String>, String)> = HashSet::new();
    let mut items: HashSet<(String, String)> = HashSet::new();
    let mut aspects: HashSet<String> = HashSet::new();
    for r in header.data_row()..sheet.rows.len() {
        let get = |f: Field| col(f).map_or("", |c| sheet.cell(r, c).trim());
        let filled: Vec<&str> = sheet.rows[r]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if filled.is_empty() {
            continue;
        }
        // What a form refuses at its field, the import refuses at its cell.
        if let Some((c, _)) = sheet.rows[r]
            .iter()
            .enumerate()
            .find(|(_, text)| text.chars().any(is_forbidden_char))
        {
            reading.errors.push(Issue {
                sheet: sheet.name.clone(),
                row: r + 1,
                column: Some(column_letter(c)),
                field: None,
                finding: Finding::ControlCharacters,
            });
            continue;
        }
        // A section row: one text across the row (merged), or only in the first column.
        let mut distinct = filled.clone();
        distinct.dedup();
        let only_first = filled.len() == 1 && !sheet.cell(r, 0).trim().is_empty();
        let measure_text = get(Field::Measure);
        let first = distinct[0];
        let lead_text = get(Field::LeadUnit);
        let section = (distinct.len() == 1 || only_first)
            && (measure_text.is_empty() || measure_text == first)
            && (lead_text.is_empty() || lead_text == first)
            && !first.chars().all(|c| c.is_ascii_digit());
        if section {
            let (title, numbering) = section_title(first);
            // 合计 / 说明 rows at the end are not sections.
            if title.starts_with("合计") || title.starts_with("注") || title.starts_with("说明")
            {
                continue;
            }
            match numbering {
                Numbering::ChineseParen | Numbering::Digit if aspect.is_some() => {
                    item = Some(title);
                }
                _ => {
                    aspect = Some(title);
                    item = None;
                }
            }
            last_problem = None;
            continue;
        }
        for (c, u) in &mut unknown {
            let text = sheet.cell(r, *c).trim();
            if !text.is_empty() {
                u.cells += 1;
                if u.samples.len() < SAMPLES && !u.samples.iter().any(|s| s == text) {
                    u.samples.push(text.chars().take(SAMPLE_CHARS).collect());
                }
            }
        }
        let row_aspect = match col(Field::Aspect).map(|_| get(Field::Aspect)) {
            Some(text) if !text.is_empty() => {
                let (title, _) = section_title(text);
                if aspect.as_deref() != Some(title.as_str()) {
                    item = None;
                }
                aspect = Some(title.clone());
                title
            }
            _ => match &aspect {
                Some(a) => a.clone(),
                None => {
                    if !aspect_warned {
                        reading.warnings.push(issue(
                            r,
                            None,
                            Finding::NoAspects {
                                aspect: NO_ASPECT.to_string(),
                            },
                        ));
                        aspect_warned = true;
                    }
                    NO_ASPECT.to_string()
                }
            },
        };
        let problem = match get(Field::Problem) {
            "" => match &last_problem {
                Some(p) => p.clone(),
                None => {
                    reading
                        .errors
                        .push(issue(r, Some(Field::Problem), Finding::NoProblem));
                    continue;
                }
            },
            text => strip_numbering(text).0.to_string(),
        };
        last_problem = Some(problem.clone());
        let measure = match col(Field::Measure) {
            Some(_) => strip_numbering(measure_text).0.to_string(),
            None => problem.clone(),
        };
        if measure.is_empty() {
            reading
                .warnings
                .push(issue(r, Some(Field::Measure), Finding::NoMeasure));
        }
        problems.insert((row_aspect.clone(), item.clone(), problem.clone()));
        if let Some(i) = &item {
            items.insert((row_aspect.clone(), i.clone()));
        }
        aspects.insert(row_aspect.clone());
        if measure.is_empty() {
            continue;
        }
        let lead_unit = get(Field::LeadUnit).to_string();
        if lead_unit.is_empty() {
            reading
                .errors
                .push(issue(r, Some(Field::LeadUnit), Finding::NoLeadUnit));
        }
        let lead_units = split_units(&lead_unit);
        let (lead_unit, mut cooperating) = match lead_units.split_first() {
            // "财务部、审计部" in 牵头单位: the first leads, the others cooperate.
            Some((first, rest)) if !rest.is_empty() => {
                reading.warnings.push(issue(
                    r,
                    Some(Field::LeadUnit),
                    Finding::SeveralLeadUnits {
                        count: lead_units.len(),
                        first: first.clone(),
                    },
                ));
                (first.clone(), rest.to_vec())
            }
            _ => (lead_unit, Vec::new()),
        };
        for u in split_units(get(Field::Cooperating)) {
            if !cooperating.contains(&u) && u != lead_unit {
                cooperating.push(u);
            }
        }
        let words = get(Field::Deadline);
        let deadline = if words.is_empty() {
            reading
                .errors
                .push(issue(r, Some(Field::Deadline), Finding::NoDeadline));
            DeadlineReading {
                text: String::new(),
                kind: None,
                date: None,
                precision: None,
            }
        } else {
            match Deadline::parse_in(words, &options.reference) {
                Ok(d) => DeadlineReading {
                    text: d.text,
                    kind: Some(d.kind),
                    date: d.date,
                    precision: d.precision,
                },
                Err(e) => {
                    reading
                        .errors
                        .push(issue(r, Some(Field::Deadline), Finding::Deadline(e)));
                    DeadlineReading {
                        text: words.to_string(),
                        kind: None,
                        date: None,
                        precision: None,
                    }
                }
            }
        };
        let status = get(Field::Status);
        let reported = ReportedStatus::read(status);
        if reported.is_none() && !status.is_empty() {
            unread_status.push(r + 1);
        }
        reading.rows.push(Row {
            reported,
            sheet: sheet.name.clone(),
            row: r + 1,
            aspect: row_aspect,
            item: item.clone(),
            problem,
            measure,
            target: get(Field::Target).to_string(),
            leader: get(Field::Leader).to_string(),
            lead_unit,
            cooperating,
            responsible: get(Field::Responsible).to_string(),
            deadline,
            status: status.to_string(),
        });
    }
    reading.columns = unknown
        .into_iter()
        .map(|(_, u)| u)
        .filter(|u| u.cells > 0)
        .collect();
    if let Some(first) = unread_status.first() {
        let shown: Vec<usize> = unread_status.iter().take(10).copied().collect();
        reading.warnings.push(issue(
            first - 1,
            Some(Field::Status),
            Finding::StatusUnread {
                count: unread_status.len(),
                more: unread_status.len() > shown.len(),
                rows: shown,
            },
        ));
    }
    reading.aspects = aspects.len();
    reading.items = items.len();
    reading.problems = problems.len();
    reading.measures = reading.rows.len();
    if reading.rows.is_empty() && reading.errors.is_empty() {
        reading
            .errors
            .push(issue(header.data_row(), None, Finding::NoRows));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbering_is_stripped() {
        for (text, body) in [
            ("一、班子建设方面", "班子建设方面"),
            ("（一）思想建设", "思想建设"),
            ("(二)作风建设", "作风建设"),
            ("1.公车私用", "公车私用"),
            ("1、公车私用", "公车私用"),
            ("12．公车私用", "公车私用"),
            ("（3）建立台账", "建立台账"),
            ("①建立台账", "建立台账"),
            ("第一、政治建设", "政治建设"),
            ("2024年6月底前", "2024年6月底前"),
            ("三会一课", "三会一课"),
        ] {
            assert_eq!(strip_numbering(text).0, body, "{text}");
        }
        assert_eq!(strip_count("班子建设方面（3个问题）"), "班子建设方面");
        assert_eq!(strip_count("作风建设方面(共5项)"), "作风建设方面");
        assert_eq!(strip_count("“三会一课”（基层）"), "“三会一课”（基层）");
    }

    #[test]
    fn units_split_on_the_separators_offices_use() {
        assert_eq!(
            split_units("财务部、审计部，办公室; 总编室"),
            ["财务部", "审计部", "办公室", "总编室"]
        );
        assert!(split_units("  ").is_empty());
    }

    fn sheet(rows: &[&[&str]]) -> Sheet {
        Sheet {
            name: "台账".into(),
            rows: rows
                .iter()
                .map(|r| r.iter().map(|c| c.to_string()).collect())
                .collect(),
            hidden: false,
            formulas_without_values: 0,
            dropped_columns: Vec::new(),
        }
    }

    fn options(synonyms: Synonyms, ignore_columns: &[&str]) -> Options {
        Options {
            sheet: None,
            reference: NaiveDate::from_ymd_opt(2024, 3, 15).unwrap().into(),
            synonyms,
            ignore_columns: ignore_columns.iter().map(|c| c.to_string()).collect(),
        }
    }

    /// A ledger with a column zhenggai does not know (督办意见), one without a header,
    /// a second deadline column (实际完成时间) and an empty unknown column.
    fn ledger_with_odd_columns() -> Sheet {
        sheet(&[
            &["某局巡察整改台账"],
            &[
                "序号",
                "存在的问题",
                "整改措施",
                "责任科室",
                "完成时限",
                "督办意见",
                "",
                "实际完成时间",
                "审核人",
                "整改落实情况",
            ],
            &["一、班子建设方面"],
            &[
                "1",
                "公车私用",
                "建立台账",
                "办公室",
                "2024年6月底前",
                "抓紧",
                "A档",
                "2024-05-30",
                "",
                "已完成",
            ],
            &[
                "2",
                "公车私用",
                "定期检查",
                "办公室",
                "长期坚持",
                "",
                "B档",
                "",
                "",
                "长期坚持",
            ],
            &[
                "3",
                "会议费超标",
                "清退",
                "财务科",
                "2024年8月",
                "抓紧",
                "",
                "",
                "",
                "正在推进",
            ],
            &[
                "4",
                "会议费超标",
                "修订办法",
                "财务科",
                "2024年9月",
                "",
                "",
                "",
                "",
                "制度已起草",
            ],
        ])
    }

    #[test]
    fn columns_holding_data_under_an_unknown_header_are_listed_with_samples() {
        let r = read_ledger(
            &[ledger_with_odd_columns()],
            &options(Synonyms::default(), &[]),
        );
        assert!(r.ok(), "{:?}", r.errors);
        let listed: Vec<(&str, &str, usize)> = r
            .columns
            .iter()
            .map(|c| (c.column.as_str(), c.header.as_str(), c.cells))
            .collect();
        // 审核人 (column I) is empty under its header: nothing to lose, not listed.
        assert_eq!(
            listed,
            [("F", "督办意见", 2), ("G", "", 2), ("H", "实际完成时间", 1)]
        );
        assert_eq!(r.columns[0].samples, ["抓紧"]);
        assert_eq!(r.columns[1].samples, ["A档", "B档"]);
        assert_eq!(r.columns[2].duplicate_of, Some(Field::Deadline));
        assert_eq!(r.columns[0].duplicate_of, None);
        assert_eq!(r.undecided().count(), 3);
    }

    #[test]
    fn a_remembered_word_maps_a_column_and_ignored_ones_are_decided() {
        let synonyms = Synonyms::default()
            .with(Field::Note, ["督办意见".to_string()])
            .ignoring(["实际完成时间".to_string()]);
        let r = read_ledger(&[ledger_with_odd_columns()], &options(synonyms, &["G"]));
        assert!(r.ok(), "{:?}", r.errors);
        // 督办意见 is read as the note now; G is ignored by its letter, H by its word.
        assert_eq!(
            r.columns
                .iter()
                .map(|c| (c.column.as_str(), c.ignored))
                .collect::<Vec<_>>(),
            [("G", true), ("H", true)]
        );
        assert_eq!(r.undecided().count(), 0);
    }

    #[test]
    fn the_status_column_is_read_into_each_measure() {
        use zhenggai_domain::status::ReportedStatus;
        let r = read_ledger(
            &[ledger_with_odd_columns()],
            &options(Synonyms::default(), &[]),
        );
        let reported: Vec<Option<ReportedStatus>> = r.rows.iter().map(|row| row.reported).collect();
        assert_eq!(
            reported,
            [
                Some(ReportedStatus::Done),
                Some(ReportedStatus::LongTerm),
                Some(ReportedStatus::Ongoing),
                None
            ]
        );
        // The one it cannot read is named, once, with its row.
        let unread: Vec<&Issue> = r
            .warnings
            .iter()
            .filter(|w| w.field == Some("status"))
            .collect();
        assert_eq!(unread.len(), 1);
        assert_eq!(unread[0].row, 7);
        assert!(
            matches!(&unread[0].finding, Finding::StatusUnread { rows, .. } if rows == &[7]),
            "{:?}",
            unread[0]
        );
    }

    #[test]
    fn the_vocabulary_of_published_ledgers_is_read() {
        let s = Synonyms::default();
        for (word, field) in [
            ("存在的问题", Field::Problem),
            ("问题具体表现", Field::Problem),
            ("巡视反馈问题", Field::Problem),
            ("审计查出问题", Field::Problem),
            ("整改任务", Field::Measure),
            ("整改措施及要求", Field::Measure),
            ("整改标准", Field::Target),
            ("销号标准", Field::Target),
            ("牵头校领导", Field::Leader),
            ("分管负责人", Field::Leader),
            ("主办单位", Field::LeadUnit),
            ("责任科室", Field::LeadUnit),
            ("整改责任单位", Field::LeadUnit),
            ("协办单位", Field::Cooperating),
            ("整改责任人", Field::Responsible),
            ("办结时限", Field::Deadline),
            ("时间节点", Field::Deadline),
            ("计划完成时间", Field::Deadline),
            ("整改落实情况", Field::Status),
            ("整改完成情况", Field::Status),
            ("目前进展", Field::Status),
            ("是否完成", Field::Status),
            ("办理状态", Field::Status),
            ("责任人员", Field::Responsible),
            ("问题内容", Field::Problem),
            ("问题分类", Field::Aspect),
            ("问题编号", Field::Seq),
        ] {
            assert_eq!(s.field_of(word), Some(field), "{word}");
        }
        // An organisation's word wins over a built-in one, and an ignored word names
        // nothing.
        let own = Synonyms::default()
            .with(Field::Target, ["整改情况".to_string()])
            .ignoring(["进度".to_string()]);
        assert_eq!(own.field_of("整改情况"), Some(Field::Target));
        assert_eq!(own.field_of("进度"), None);
        assert!(own.is_ignored(" 进 度 "));
        assert!(!own.is_ignored(""));
    }
}
