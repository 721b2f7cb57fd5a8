//! Parse at the edge: what arrives from outside becomes a checked value here, or a
//! [`FieldError`] that names the field and says what to do.

/// The years a date in the ledger may fall in: none of its records is older than the
/// People's Republic (1949), and a year past 2100 is a slip of the keyboard, as is year 0.
pub const YEARS: std::ops::RangeInclusive<i32> = 1949..=2100;

/// Characters that have no place in what people type: control characters (but the
/// line breaks and tabs of longer texts), the invisible marks that reverse the
/// direction text is shown in, which make a title read differently from what it holds,
/// and the invisible ones that make two titles differ that read the same (zero-width
/// space, byte-order mark, word joiners, the Arabic letter mark, Unicode's own line and
/// paragraph separators).
pub fn is_forbidden_char(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(
            c,
            '\u{202A}'..='\u{202E}'
                | '\u{2066}'..='\u{2069}'
                | '\u{200B}'
                | '\u{200E}'
                | '\u{200F}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{2060}'..='\u{2064}'
                | '\u{FEFF}'
                | '\u{061C}'
                | '\u{180E}'
        )
}

fn control_error(field: &str) -> FieldError {
    FieldError::because(field, Why::ControlCharacters)
}

/// One field that failed, and why: data, which the web layer alone puts into the
/// reader's language (zhenggai-web `i18n`), so each reason has its words in one place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldError {
    /// The field's name, as in the form and the API.
    pub field: String,
    /// What is wrong.
    pub why: Why,
}

/// What is wrong with a field's value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Why {
    /// Nothing was written where something must be (此项必填).
    Required,
    /// No date was chosen where one must be.
    RequiredDate,
    /// No number was given where one must be.
    RequiredNumber,
    /// Longer than allowed, in characters.
    TooLong {
        /// The most allowed.
        max: usize,
    },
    /// Invisible control characters (S19).
    ControlCharacters,
    /// A date whose year is outside [`YEARS`].
    YearOutOfRange,
    /// Not a date in the form 2024-03-15.
    NotADate,
    /// Written as a date (2026-02-30) for a day the month does not have.
    NoSuchDay {
        /// The year written.
        year: i32,
        /// The month written (1–12).
        month: u32,
        /// The day written, past the month's last.
        day: u32,
    },
    /// Not a whole number in the range.
    OutOfRange {
        /// The least allowed.
        min: u32,
        /// The most allowed.
        max: u32,
    },
    /// A filter's value that none of the page's choices sends (an edited address).
    UnknownChoice,
    /// A deadline's words that do not read.
    Deadline(crate::deadline::DeadlineError),
    /// A date of what happened (a meeting, a decision) after the day it is recorded.
    NotYet(crate::happened::NotYet),
    /// Figures asked for as of a day after today (统计截止日期): the record holds only
    /// what has happened.
    AsOfAhead {
        /// Today: the latest day allowed.
        today: chrono::NaiveDate,
    },
    /// A document asked for as of a day when the ledger held no problem of its
    /// inspection yet: there is nothing to report.
    NothingAsOf {
        /// The day asked for.
        day: chrono::NaiveDate,
    },
    /// A date of what happened before the step it follows.
    TooSoon(crate::happened::TooSoon),
    /// A date of what happened before its inspection began.
    BeforeInspection(crate::happened::BeforeInspection),
    /// An inspection's start moved past what its rectification recorded as happened.
    StartAfterRecorded(Box<crate::happened::StartAfterRecorded>),
    /// Someone else saved the record while this form was open (a stale version).
    Stale {
        /// Who saved it, by name.
        changed_by: Option<String>,
        /// When, in Beijing time to the minute.
        changed_at: Option<String>,
        /// The labels of what they changed are the web layer's: the columns.
        columns: Vec<String>,
    },
    /// A lifecycle step the state machine refuses.
    Refused(crate::lifecycle::Refusal),
    /// A new deadline before the day it is set.
    TooEarly(crate::new_deadline::TooEarly),
    /// A notice issued out of its turn, or with a final deadline where none goes.
    Escalation(crate::escalation::Misstep),
    /// A new password that is too weak.
    Password(crate::password::Weak),
    /// A choice missing, or not one of the page's.
    Choose(crate::reason::Choose),
    /// A record named that is not one the form may name.
    Foreign(crate::reason::Foreign),
    /// A rule of the ledger's records.
    Rule(crate::reason::Rule),
    /// The organisation's terms and warning rules, out of bounds.
    Bounds(crate::reason::Bounds),
    /// Accounts, units and tokens.
    Account(crate::reason::Account),
    /// Where reminders go.
    Channel(crate::reason::Channel),
    /// Files sent with a form.
    Files(crate::reason::Files),
    /// A ledger import.
    Import(Box<crate::reason::Import>),
    /// A request to the API not in its documented form.
    Request(crate::reason::ApiRequest),
    /// A line of calendar data that does not read. Its words are still composed where
    /// the line is read (`calendar::ParseError`, some 20 reasons around the line's own
    /// text); it is kept whole here rather than worded twice.
    Calendar(crate::calendar::ParseError),
    /// The reason found in one row of several entered together (a grid of measures).
    InRow {
        /// The row, counted from 1 as people count.
        row: usize,
        /// What is wrong in it.
        why: Box<Why>,
    },
}

impl FieldError {
    /// A field error for a reason.
    pub fn because(field: &str, why: Why) -> Self {
        Self {
            field: field.to_string(),
            why,
        }
    }
}

/// Why a text that `%Y-%m-%d` does not read is no date: written as one (2026-02-30)
/// for a day its month does not have, the person is told that rather than the format,
/// which they got right.
fn not_a_day(v: &str) -> Why {
    let parts: Vec<&str> = v.split('-').collect();
    if let [y, m, d] = parts[..]
        && y.len() == 4
        && let (Ok(year), Ok(month), Ok(day)) =
            (y.parse::<i32>(), m.parse::<u32>(), d.parse::<u32>())
        && (1..=12).contains(&month)
        && (1..=31).contains(&day)
    {
        return Why::NoSuchDay { year, month, day };
    }
    Why::NotADate
}

/// Collects field errors while a form is checked, so that all of them are shown at once.
#[derive(Debug, Default)]
pub struct Checker {
    errors: Vec<FieldError>,
}

impl Checker {
    /// A text that must be present and at most `max` characters; returns it trimmed.
    pub fn text(&mut self, field: &str, value: &str, max: usize) -> String {
        let v = value.trim();
        if v.is_empty() {
            self.errors.push(FieldError::because(field, Why::Required));
        } else if v.chars().count() > max {
            self.errors
                .push(FieldError::because(field, Why::TooLong { max }));
        } else if v.chars().any(is_forbidden_char) {
            self.errors.push(control_error(field));
        }
        v.to_string()
    }

    /// A text that may be empty; at most `max` characters.
    pub fn optional_text(&mut self, field: &str, value: &str, max: usize) -> Option<String> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        if v.chars().count() > max {
            self.errors
                .push(FieldError::because(field, Why::TooLong { max }));
        } else if v.chars().any(is_forbidden_char) {
            self.errors.push(control_error(field));
        }
        Some(v.to_string())
    }

    /// A date in YYYY-MM-DD form, or nothing.
    pub fn optional_date(&mut self, field: &str, value: &str) -> Option<chrono::NaiveDate> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d") {
            Ok(d) if YEARS.contains(&chrono::Datelike::year(&d)) => Some(d),
            Ok(_) => {
                self.errors
                    .push(FieldError::because(field, Why::YearOutOfRange));
                None
            }
            Err(_) => {
                self.errors.push(FieldError::because(field, not_a_day(v)));
                None
            }
        }
    }

    /// A date that must be present.
    pub fn date(&mut self, field: &str, value: &str) -> Option<chrono::NaiveDate> {
        if value.trim().is_empty() {
            self.errors
                .push(FieldError::because(field, Why::RequiredDate));
            return None;
        }
        self.optional_date(field, value)
    }

    /// A whole number from `min` to `max` written in a form field, or nothing when empty.
    pub fn optional_number(&mut self, field: &str, value: &str, min: u32, max: u32) -> Option<u32> {
        let v = value.trim();
        if v.is_empty() {
            return None;
        }
        match v.parse::<u32>() {
            Ok(n) if (min..=max).contains(&n) => Some(n),
            _ => {
                self.errors
                    .push(FieldError::because(field, Why::OutOfRange { min, max }));
                None
            }
        }
    }

    /// A whole number from `min` to `max` that must be present.
    pub fn number(&mut self, field: &str, value: &str, min: u32, max: u32) -> Option<u32> {
        if value.trim().is_empty() {
            self.errors
                .push(FieldError::because(field, Why::RequiredNumber));
            return None;
        }
        self.optional_number(field, value, min, max)
    }

    /// Adds an error found by other means.
    pub fn push(&mut self, error: FieldError) {
        self.errors.push(error);
    }

    /// The errors, or `Ok` when there are none.
    pub fn finish(self) -> Result<(), Vec<FieldError>> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(self.errors)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_day_the_month_lacks_is_told_apart_from_a_wrong_format() {
        let mut c = Checker::default();
        assert_eq!(c.optional_date("a", "2026-02-30"), None);
        assert_eq!(c.optional_date("b", "2026-2-29"), None);
        assert_eq!(c.optional_date("c", "garbage"), None);
        assert_eq!(c.optional_date("d", "2026-13-01"), None);
        assert!(c.optional_date("e", "2024-02-29").is_some());
        let why: Vec<Why> = c.finish().unwrap_err().into_iter().map(|e| e.why).collect();
        assert_eq!(
            why,
            [
                Why::NoSuchDay {
                    year: 2026,
                    month: 2,
                    day: 30
                },
                Why::NoSuchDay {
                    year: 2026,
                    month: 2,
                    day: 29
                },
                Why::NotADate,
                Why::NotADate,
            ]
        );
    }

    #[test]
    fn numbers_in_range_or_an_error_at_their_field() {
        let mut c = Checker::default();
        assert_eq!(c.number("a", " 5 ", 0, 10), Some(5));
        assert_eq!(c.optional_number("b", "", 0, 10), None);
        assert_eq!(c.number("c", "", 0, 10), None);
        assert_eq!(c.number("d", "11", 0, 10), None);
        assert_eq!(c.number("e", "-1", 0, 10), None);
        assert_eq!(c.number("f", "五", 0, 10), None);
        let errors = c.finish().unwrap_err();
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["c", "d", "e", "f"]);
    }

    /// Issue 19: year 0 and other absurd years, and control characters, are refused at
    /// their field.
    #[test]
    fn absurd_years_and_control_characters_are_refused_at_the_field() {
        let mut c = Checker::default();
        assert_eq!(c.optional_date("a", "0000-01-01"), None);
        assert_eq!(c.optional_date("b", "1948-12-31"), None);
        assert_eq!(c.optional_date("c", "2101-01-01"), None);
        assert!(c.optional_date("ok1", "1949-10-01").is_some());
        assert!(c.optional_date("ok2", "2100-12-31").is_some());
        c.text("d", "整改\u{0007}方案", 100);
        c.text("e", "整改\u{202E}案方", 100);
        c.optional_text("f", "第一行\u{0000}", 100);
        c.text("g", "零宽\u{200B}空格", 100);
        c.text("h", "字节序\u{FEFF}标记", 100);
        c.text("i", "分隔\u{2028}符", 100);
        c.text("ok3", "第一行\r\n第二行\t完", 100);
        let errors = c.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["a", "b", "c", "d", "e", "f", "g", "h", "i"]);
        assert_eq!(errors[0].why, Why::YearOutOfRange);
        assert_eq!(errors[3].why, Why::ControlCharacters);
    }

    #[test]
    fn collects_every_error_with_its_field() {
        let mut c = Checker::default();
        assert_eq!(c.text("title", "  整改  ", 10), "整改");
        c.text("group", " ", 10);
        c.text("name", "一二三四五六", 5);
        assert_eq!(c.optional_date("feedback_date", "2024-02-30"), None);
        assert_eq!(c.optional_date("start", ""), None);
        let errors = c.finish().unwrap_err();
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["group", "name", "feedback_date"]);
    }
}
