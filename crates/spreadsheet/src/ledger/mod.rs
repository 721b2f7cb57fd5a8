//! Reading a ledger sheet's rows: aspects from a column merged down or from section
//! rows ("一、班子建设方面（3个问题）"), items from "（一）" rows, a problem merged down
//! over its measures (or written once and left empty below), one measure per row, the
//! owners and the deadline words. Every row keeps where it came from (sheet, row), and
//! every error and warning says where (sheet, row, column) and what to do.

mod numbering;
mod sheet;

use chrono::NaiveDate;
use serde::Serialize;
use zhenggai_domain::deadline::{Deadline, DeadlineKind, Precision, Reference};
use zhenggai_domain::reason::{Finding, Place};
use zhenggai_domain::status::ReportedStatus;

use crate::layout::{Field, Synonyms, choose_sheet};
use crate::read::Sheet;
use sheet::read_sheet;

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

#[cfg(test)]
mod tests;
