//! Reading one ledger sheet, row by row: a row either opens a section (an aspect or an
//! item) or holds a measure, whose aspect, item and problem it may take from the rows
//! above (merged down, or written once and left empty below).

use std::collections::HashSet;

use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::reason::{Finding, NeededColumn};
use zhenggai_domain::status::ReportedStatus;
use zhenggai_domain::validate::is_forbidden_char;

use super::numbering::{Numbering, section_title, split_units, strip_numbering};
use super::{
    DeadlineReading, Issue, NO_ASPECT, Options, Reading, Row, SAMPLE_CHARS, SAMPLES, UnknownColumn,
};
use crate::layout::{Field, Header};
use crate::read::{Sheet, column_letter};

/// Reads the measures of `sheet` under its `header` into `reading`.
pub(super) fn read_sheet(sheet: &Sheet, header: &Header, options: &Options, reading: &mut Reading) {
    let mut reader = SheetReader::new(sheet, header, options, reading);
    if !reader.check_columns() {
        return;
    }
    for r in header.data_row()..sheet.rows.len() {
        reader.read_row(r);
    }
    reader.finish();
}

/// The rows above as they bear on the next one, and what has been counted so far.
struct SheetReader<'a> {
    sheet: &'a Sheet,
    header: &'a Header,
    options: &'a Options,
    reading: &'a mut Reading,
    /// Columns no field is read from, with the cells counted in measure rows.
    unknown: Vec<(usize, UnknownColumn)>,
    /// Rows (from 1) whose 完成情况 says none of the words a status is read by.
    unread_status: Vec<usize>,
    /// The aspect the rows above opened or named.
    aspect: Option<String>,
    /// The item the rows above opened.
    item: Option<String>,
    /// The problem of the measure row above, for rows that leave it empty.
    last_problem: Option<String>,
    /// Whether the ledger naming no aspect has been said once.
    aspect_warned: bool,
    problems: HashSet<(String, Option<String>, String)>,
    items: HashSet<(String, String)>,
    aspects: HashSet<String>,
}

impl<'a> SheetReader<'a> {
    fn new(
        sheet: &'a Sheet,
        header: &'a Header,
        options: &'a Options,
        reading: &'a mut Reading,
    ) -> Self {
        Self {
            unknown: unknown_columns(sheet, header, options),
            sheet,
            header,
            options,
            reading,
            unread_status: Vec::new(),
            aspect: None,
            item: None,
            last_problem: None,
            aspect_warned: false,
            problems: HashSet::new(),
            items: HashSet::new(),
            aspects: HashSet::new(),
        }
    }

    /// An issue at `row` (counted from 0), in the column of `field` when there is one.
    fn issue(&self, row: usize, field: Option<Field>, finding: Finding) -> Issue {
        Issue {
            sheet: self.sheet.name.clone(),
            row: row + 1,
            column: field.and_then(|f| self.header.column(f)).map(column_letter),
            field: field.map(Field::code),
            finding,
        }
    }

    fn warn(&mut self, row: usize, field: Option<Field>, finding: Finding) {
        let issue = self.issue(row, field, finding);
        self.reading.warnings.push(issue);
    }

    fn refuse(&mut self, row: usize, field: Option<Field>, finding: Finding) {
        let issue = self.issue(row, field, finding);
        self.reading.errors.push(issue);
    }

    /// The cell of `field` in row `r`, trimmed (empty when the sheet has no such column).
    fn get(&self, r: usize, field: Field) -> &'a str {
        let sheet: &'a Sheet = self.sheet;
        self.header
            .column(field)
            .map_or("", |c| sheet.cell(r, c).trim())
    }

    /// Says what the header lacks or left out; false when the sheet cannot be read.
    fn check_columns(&mut self) -> bool {
        let at = self.header.row;
        if !self.sheet.dropped_columns.is_empty() {
            let shown = 10;
            let dropped = &self.sheet.dropped_columns;
            let letters: Vec<String> = dropped
                .iter()
                .take(shown)
                .map(|c| column_letter(*c))
                .collect();
            let more = dropped.len() > shown;
            self.warn(
                at,
                None,
                Finding::DroppedColumns {
                    columns: letters,
                    more,
                    header_rows: crate::layout::HEADER_SEARCH,
                },
            );
        }
        if self.header.column(Field::Measure).is_none() {
            self.warn(at, None, Finding::NoMeasureColumn);
        }
        for (field, needed) in [
            (Field::LeadUnit, NeededColumn::LeadUnit),
            (Field::Deadline, NeededColumn::Deadline),
        ] {
            if self.header.column(field).is_none() {
                self.refuse(at, None, Finding::NoColumn(needed));
            }
        }
        self.reading.errors.is_empty()
    }

    fn read_row(&mut self, r: usize) {
        let filled: Vec<&str> = self.sheet.rows[r]
            .iter()
            .map(|s| s.trim())
            .filter(|s| !s.is_empty())
            .collect();
        if filled.is_empty() || self.refuse_forbidden_characters(r) || self.section(r, &filled) {
            return;
        }
        self.count_unknown_cells(r);
        let aspect = self.row_aspect(r);
        let Some(problem) = self.row_problem(r) else {
            return;
        };
        self.last_problem = Some(problem.clone());
        let measure = match self.header.column(Field::Measure) {
            Some(_) => strip_numbering(self.get(r, Field::Measure)).0.to_string(),
            None => problem.clone(),
        };
        if measure.is_empty() {
            self.warn(r, Some(Field::Measure), Finding::NoMeasure);
        }
        self.count(&aspect, &problem);
        if measure.is_empty() {
            return;
        }
        let (lead_unit, cooperating) = self.units(r);
        let deadline = self.deadline(r);
        let status = self.get(r, Field::Status);
        let reported = ReportedStatus::read(status);
        if reported.is_none() && !status.is_empty() {
            self.unread_status.push(r + 1);
        }
        let row = Row {
            reported,
            sheet: self.sheet.name.clone(),
            row: r + 1,
            aspect,
            item: self.item.clone(),
            problem,
            measure,
            target: self.get(r, Field::Target).to_string(),
            leader: self.get(r, Field::Leader).to_string(),
            lead_unit,
            cooperating,
            responsible: self.get(r, Field::Responsible).to_string(),
            deadline,
            status: status.to_string(),
        };
        self.reading.rows.push(row);
    }

    /// What a form refuses at its field, the import refuses at its cell: true when the
    /// row holds a control character (and is refused).
    fn refuse_forbidden_characters(&mut self, r: usize) -> bool {
        let Some((c, _)) = self.sheet.rows[r]
            .iter()
            .enumerate()
            .find(|(_, text)| text.chars().any(is_forbidden_char))
        else {
            return false;
        };
        self.reading.errors.push(Issue {
            sheet: self.sheet.name.clone(),
            row: r + 1,
            column: Some(column_letter(c)),
            field: None,
            finding: Finding::ControlCharacters,
        });
        true
    }

    /// A section row: one text across the row (merged), or only in the first column.
    /// True when the row is one (it opens an aspect or an item, or is a 合计 / 说明 row
    /// at the end).
    fn section(&mut self, r: usize, filled: &[&str]) -> bool {
        let mut distinct = filled.to_vec();
        distinct.dedup();
        let only_first = filled.len() == 1 && !self.sheet.cell(r, 0).trim().is_empty();
        let measure_text = self.get(r, Field::Measure);
        let first = distinct[0];
        let lead_text = self.get(r, Field::LeadUnit);
        let section = (distinct.len() == 1 || only_first)
            && (measure_text.is_empty() || measure_text == first)
            && (lead_text.is_empty() || lead_text == first)
            && !first.chars().all(|c| c.is_ascii_digit());
        if !section {
            return false;
        }
        let (title, numbering) = section_title(first);
        // 合计 / 说明 rows at the end are not sections.
        if title.starts_with("合计") || title.starts_with("注") || title.starts_with("说明") {
            return true;
        }
        match numbering {
            Numbering::ChineseParen | Numbering::Digit if self.aspect.is_some() => {
                self.item = Some(title);
            }
            _ => {
                self.aspect = Some(title);
                self.item = None;
            }
        }
        self.last_problem = None;
        true
    }

    /// Counts the cells of the columns no field is read from, with a few samples.
    fn count_unknown_cells(&mut self, r: usize) {
        for (c, u) in &mut self.unknown {
            let text = self.sheet.cell(r, *c).trim();
            if !text.is_empty() {
                u.cells += 1;
                if u.samples.len() < SAMPLES && !u.samples.iter().any(|s| s == text) {
                    u.samples.push(text.chars().take(SAMPLE_CHARS).collect());
                }
            }
        }
    }

    /// The row's aspect: its own cell, else the one above, else [`NO_ASPECT`] (said once).
    fn row_aspect(&mut self, r: usize) -> String {
        let own = self
            .header
            .column(Field::Aspect)
            .map(|_| self.get(r, Field::Aspect));
        match own {
            Some(text) if !text.is_empty() => {
                let (title, _) = section_title(text);
                if self.aspect.as_deref() != Some(title.as_str()) {
                    self.item = None;
                }
                self.aspect = Some(title.clone());
                title
            }
            _ => match &self.aspect {
                Some(a) => a.clone(),
                None => {
                    if !self.aspect_warned {
                        self.warn(
                            r,
                            None,
                            Finding::NoAspects {
                                aspect: NO_ASPECT.to_string(),
                            },
                        );
                        self.aspect_warned = true;
                    }
                    NO_ASPECT.to_string()
                }
            },
        }
    }

    /// The row's problem: its own cell, else the one above; `None` (and refused) when
    /// there is neither.
    fn row_problem(&mut self, r: usize) -> Option<String> {
        match self.get(r, Field::Problem) {
            "" => match &self.last_problem {
                Some(p) => Some(p.clone()),
                None => {
                    self.refuse(r, Some(Field::Problem), Finding::NoProblem);
                    None
                }
            },
            text => Some(strip_numbering(text).0.to_string()),
        }
    }

    fn count(&mut self, aspect: &str, problem: &str) {
        self.problems
            .insert((aspect.to_string(), self.item.clone(), problem.to_string()));
        if let Some(i) = &self.item {
            self.items.insert((aspect.to_string(), i.clone()));
        }
        self.aspects.insert(aspect.to_string());
    }

    /// The lead unit and the cooperating ones: "财务部、审计部" in 牵头单位 means the
    /// first leads and the others cooperate, beside those in 配合单位.
    fn units(&mut self, r: usize) -> (String, Vec<String>) {
        let lead_unit = self.get(r, Field::LeadUnit).to_string();
        if lead_unit.is_empty() {
            self.refuse(r, Some(Field::LeadUnit), Finding::NoLeadUnit);
        }
        let lead_units = split_units(&lead_unit);
        let (lead_unit, mut cooperating) = match lead_units.split_first() {
            Some((first, rest)) if !rest.is_empty() => {
                self.warn(
                    r,
                    Some(Field::LeadUnit),
                    Finding::SeveralLeadUnits {
                        count: lead_units.len(),
                        first: first.clone(),
                    },
                );
                (first.clone(), rest.to_vec())
            }
            _ => (lead_unit, Vec::new()),
        };
        for u in split_units(self.get(r, Field::Cooperating)) {
            if !cooperating.contains(&u) && u != lead_unit {
                cooperating.push(u);
            }
        }
        (lead_unit, cooperating)
    }

    /// The deadline words and their reading (refused when missing or unreadable).
    fn deadline(&mut self, r: usize) -> DeadlineReading {
        let words = self.get(r, Field::Deadline);
        let unread = |text: &str| DeadlineReading {
            text: text.to_string(),
            kind: None,
            date: None,
            precision: None,
        };
        if words.is_empty() {
            self.refuse(r, Some(Field::Deadline), Finding::NoDeadline);
            return unread("");
        }
        match Deadline::parse_in(words, &self.options.reference) {
            Ok(d) => DeadlineReading {
                text: d.text,
                kind: Some(d.kind),
                date: d.date,
                precision: d.precision,
            },
            Err(e) => {
                self.refuse(r, Some(Field::Deadline), Finding::Deadline(e));
                unread(words)
            }
        }
    }

    /// The columns holding data, the unread statuses said once, the counts, and a
    /// refusal when no measure was read.
    fn finish(self) {
        let header_data_row = self.header.data_row();
        let no_rows = self.issue(header_data_row, None, Finding::NoRows);
        let unread = self.unread_status.first().map(|first| {
            let shown: Vec<usize> = self.unread_status.iter().take(10).copied().collect();
            self.issue(
                first - 1,
                Some(Field::Status),
                Finding::StatusUnread {
                    count: self.unread_status.len(),
                    more: self.unread_status.len() > shown.len(),
                    rows: shown,
                },
            )
        });
        let reading = self.reading;
        reading.columns = self
            .unknown
            .into_iter()
            .map(|(_, u)| u)
            .filter(|u| u.cells > 0)
            .collect();
        reading.warnings.extend(unread);
        reading.aspects = self.aspects.len();
        reading.items = self.items.len();
        reading.problems = self.problems.len();
        reading.measures = reading.rows.len();
        if reading.rows.is_empty() && reading.errors.is_empty() {
            reading.errors.push(no_rows);
        }
    }
}

/// Every column no field is read from, with its header; those holding data in a
/// measure row are listed once the rows are read.
fn unknown_columns(
    sheet: &Sheet,
    header: &Header,
    options: &Options,
) -> Vec<(usize, UnknownColumn)> {
    (0..sheet.width())
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
        .collect()
}
