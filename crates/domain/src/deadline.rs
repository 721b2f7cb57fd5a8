//! 整改时限 — a deadline as offices write it (D4).
//!
//! A deadline is stored as the words written in the plan, plus its kind and the date
//! computed from them with that date's precision. This module reads the common forms;
//! the working-day calendar and the rarer phrases arrive with the calendar work.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kind of a deadline (S1, S2 "当下改/系统改/长久改").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineKind {
    /// 立行立改 — at once.
    Immediate,
    /// 限期 — by a date.
    Dated,
    /// 长期坚持 — never overdue, reviewed periodically.
    LongTerm,
}

impl DeadlineKind {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Immediate => "immediate",
            Self::Dated => "dated",
            Self::LongTerm => "long_term",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Immediate, Self::Dated, Self::LongTerm]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// How fine the written deadline is: the computed date is the last day of that span.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Precision {
    /// A named day.
    Day,
    /// 旬 — a ten-day period (上旬 1–10, 中旬 11–20, 下旬 21–end).
    Xun,
    /// A month.
    Month,
    /// A quarter.
    Quarter,
    /// A year.
    Year,
}

impl Precision {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Day => "day",
            Self::Xun => "xun",
            Self::Month => "month",
            Self::Quarter => "quarter",
            Self::Year => "year",
        }
    }

    /// Reads a stored code.
    pub fn from_code(code: &str) -> Option<Self> {
        [Self::Day, Self::Xun, Self::Month, Self::Quarter, Self::Year]
            .into_iter()
            .find(|k| k.code() == code)
    }
}

/// A deadline: the words, and what they were read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Deadline {
    /// The words as written (立行立改, 2024年4月底前 …).
    pub text: String,
    /// Immediate, dated or long-term.
    pub kind: DeadlineKind,
    /// The last day the words allow; `None` for immediate and long-term deadlines.
    pub date: Option<NaiveDate>,
    /// How fine the words are; `None` when there is no date.
    pub precision: Option<Precision>,
}

/// Why a phrase could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Nothing was written.
    #[error(
        "the deadline is empty: write a date (2024年6月30日), a period (6月中旬, 二季度末) or 立行立改 / 长期坚持"
    )]
    Empty,
    /// The words are not a form this reader knows.
    #[error(
        "“{0}” is not a deadline zhenggai can read: write a date (2024年6月30日), a period (6月中旬, 二季度末) or 立行立改 / 长期坚持"
    )]
    Unreadable(String),
}

const IMMEDIATE: [&str; 5] = ["立行立改", "即知即改", "立即整改", "立即", "马上改"];
const LONG_TERM: [&str; 5] = ["长期坚持", "持续整改", "常态化", "长期整改", "长期"];
const SUFFIXES: [&str; 6] = ["完成", "以前", "之前", "前", "止", "内完成"];

impl Deadline {
    /// Reads a phrase. `reference` (the inspection's feedback date) supplies the year
    /// when the words have none: the first such date on or after it.
    pub fn parse(text: &str, reference: NaiveDate) -> Result<Deadline, DeadlineError> {
        let written = text.trim();
        if written.is_empty() {
            return Err(DeadlineError::Empty);
        }
        let compact: String = written.chars().filter(|c| !c.is_whitespace()).collect();
        let dated = |date, precision| Deadline {
            text: written.to_string(),
            kind: DeadlineKind::Dated,
            date: Some(date),
            precision: Some(precision),
        };
        if IMMEDIATE.iter().any(|w| compact.starts_with(w)) {
            return Ok(Deadline {
                text: written.to_string(),
                kind: DeadlineKind::Immediate,
                date: None,
                precision: None,
            });
        }
        if LONG_TERM.iter().any(|w| compact.starts_with(w)) {
            return Ok(Deadline {
                text: written.to_string(),
                kind: DeadlineKind::LongTerm,
                date: None,
                precision: None,
            });
        }
        let core = strip_suffixes(&compact);
        let unreadable = || DeadlineError::Unreadable(written.to_string());
        let (year, rest) = take_year(core);
        let pick = |make: &dyn Fn(i32) -> Option<NaiveDate>| -> Option<NaiveDate> {
            match year {
                Some(y) => make(y),
                None => {
                    let this = make(reference.year())?;
                    if this >= reference {
                        Some(this)
                    } else {
                        make(reference.year() + 1)
                    }
                }
            }
        };
        // 年底 / 年末 / 年内 / 2024年底 / 2024年
        if matches!(rest, "年底" | "年末" | "年内" | "底" | "末" | "")
            && (year.is_some() || !rest.is_empty())
        {
            let date = pick(&|y| NaiveDate::from_ymd_opt(y, 12, 31)).ok_or_else(unreadable)?;
            return Ok(dated(date, Precision::Year));
        }
        if let Some(q) = read_quarter(rest) {
            let date = pick(&|y| last_day_of_month(y, q * 3)).ok_or_else(unreadable)?;
            return Ok(dated(date, Precision::Quarter));
        }
        let (month, after_month) = take_number(rest).ok_or_else(unreadable)?;
        let after_sep = after_month
            .strip_prefix('月')
            .or_else(|| after_month.strip_prefix('.'))
            .or_else(|| after_month.strip_prefix('-'))
            .or_else(|| after_month.strip_prefix('/'))
            .ok_or_else(unreadable)?;
        if !(1..=12).contains(&month) {
            return Err(unreadable());
        }
        let month = month as u32;
        match after_sep {
            "" | "底" | "末" | "份" | "月底" => {
                let date = pick(&|y| last_day_of_month(y, month)).ok_or_else(unreadable)?;
                Ok(dated(date, Precision::Month))
            }
            "上旬" | "中旬" | "下旬" => {
                let day = match after_sep {
                    "上旬" => Some(10),
                    "中旬" => Some(20),
                    _ => None,
                };
                let date = pick(&|y| match day {
                    Some(d) => NaiveDate::from_ymd_opt(y, month, d),
                    None => last_day_of_month(y, month),
                })
                .ok_or_else(unreadable)?;
                Ok(dated(date, Precision::Xun))
            }
            _ => {
                let (day, tail) = take_number(after_sep).ok_or_else(unreadable)?;
                if !matches!(tail, "" | "日" | "号") {
                    return Err(unreadable());
                }
                let day = u32::try_from(day).map_err(|_| unreadable())?;
                let date =
                    pick(&|y| NaiveDate::from_ymd_opt(y, month, day)).ok_or_else(unreadable)?;
                Ok(dated(date, Precision::Day))
            }
        }
    }
}

fn strip_suffixes(mut s: &str) -> &str {
    loop {
        let before = s;
        for suffix in SUFFIXES {
            s = s.strip_suffix(suffix).unwrap_or(s);
        }
        if s == before {
            return s;
        }
    }
}

/// A leading four-digit year, followed by 年 or a date separator.
fn take_year(s: &str) -> (Option<i32>, &str) {
    let digits: String = s.chars().take_while(|c| c.is_ascii_digit()).collect();
    if digits.len() != 4 {
        return (None, s);
    }
    let Ok(year) = digits.parse::<i32>() else {
        return (None, s);
    };
    let rest = &s[4..];
    for sep in ["年", ".", "-", "/"] {
        if let Some(r) = rest.strip_prefix(sep) {
            return (Some(year), r);
        }
    }
    if rest.is_empty() {
        return (Some(year), rest);
    }
    (None, s)
}

fn take_number(s: &str) -> Option<(i64, &str)> {
    let end = s.find(|c: char| !c.is_ascii_digit()).unwrap_or(s.len());
    if end == 0 || end > 2 {
        return None;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

fn read_quarter(s: &str) -> Option<u32> {
    let s = s.strip_prefix('第').unwrap_or(s);
    let mut chars = s.chars();
    let q = match chars.next()? {
        '一' | '1' => 1,
        '二' | '2' => 2,
        '三' | '3' => 3,
        '四' | '4' => 4,
        _ => return None,
    };
    match chars.as_str() {
        "季度" | "季度末" | "季度底" | "季末" => Some(q),
        _ => None,
    }
}

/// The last day of a month.
pub fn last_day_of_month(year: i32, month: u32) -> Option<NaiveDate> {
    let (ny, nm) = if month == 12 {
        (year + 1, 1)
    } else {
        (year, month + 1)
    };
    NaiveDate::from_ymd_opt(ny, nm, 1)?.pred_opt()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn reads_the_forms_offices_write() {
        let feedback = d(2024, 3, 15);
        let cases: &[(&str, DeadlineKind, Option<NaiveDate>, Option<Precision>)] = &[
            ("立行立改", DeadlineKind::Immediate, None, None),
            ("即知即改", DeadlineKind::Immediate, None, None),
            ("长期坚持", DeadlineKind::LongTerm, None, None),
            ("持续整改", DeadlineKind::LongTerm, None, None),
            ("常态化", DeadlineKind::LongTerm, None, None),
            (
                "2024年4月底前",
                DeadlineKind::Dated,
                Some(d(2024, 4, 30)),
                Some(Precision::Month),
            ),
            (
                "4月底前",
                DeadlineKind::Dated,
                Some(d(2024, 4, 30)),
                Some(Precision::Month),
            ),
            (
                "2月底前",
                DeadlineKind::Dated,
                Some(d(2025, 2, 28)),
                Some(Precision::Month),
            ),
            (
                "5月中旬",
                DeadlineKind::Dated,
                Some(d(2024, 5, 20)),
                Some(Precision::Xun),
            ),
            (
                "6月上旬前",
                DeadlineKind::Dated,
                Some(d(2024, 6, 10)),
                Some(Precision::Xun),
            ),
            (
                "2月下旬",
                DeadlineKind::Dated,
                Some(d(2025, 2, 28)),
                Some(Precision::Xun),
            ),
            (
                "2024年6月30日",
                DeadlineKind::Dated,
                Some(d(2024, 6, 30)),
                Some(Precision::Day),
            ),
            (
                "2024.6.30",
                DeadlineKind::Dated,
                Some(d(2024, 6, 30)),
                Some(Precision::Day),
            ),
            (
                "2024/6/30",
                DeadlineKind::Dated,
                Some(d(2024, 6, 30)),
                Some(Precision::Day),
            ),
            (
                "2024-06-30",
                DeadlineKind::Dated,
                Some(d(2024, 6, 30)),
                Some(Precision::Day),
            ),
            (
                "6月30日前完成",
                DeadlineKind::Dated,
                Some(d(2024, 6, 30)),
                Some(Precision::Day),
            ),
            (
                "二季度末",
                DeadlineKind::Dated,
                Some(d(2024, 6, 30)),
                Some(Precision::Quarter),
            ),
            (
                "第三季度",
                DeadlineKind::Dated,
                Some(d(2024, 9, 30)),
                Some(Precision::Quarter),
            ),
            (
                "一季度末",
                DeadlineKind::Dated,
                Some(d(2024, 3, 31)),
                Some(Precision::Quarter),
            ),
            (
                "年底前",
                DeadlineKind::Dated,
                Some(d(2024, 12, 31)),
                Some(Precision::Year),
            ),
            (
                "2025年底",
                DeadlineKind::Dated,
                Some(d(2025, 12, 31)),
                Some(Precision::Year),
            ),
            (
                "年内",
                DeadlineKind::Dated,
                Some(d(2024, 12, 31)),
                Some(Precision::Year),
            ),
        ];
        for (text, kind, date, precision) in cases {
            let read = Deadline::parse(text, feedback).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(read.kind, *kind, "{text}");
            assert_eq!(read.date, *date, "{text}");
            assert_eq!(read.precision, *precision, "{text}");
            assert_eq!(read.text, *text);
        }
    }

    #[test]
    fn refuses_what_it_cannot_read_and_keeps_the_words() {
        let feedback = d(2024, 3, 15);
        assert_eq!(Deadline::parse("  ", feedback), Err(DeadlineError::Empty));
        for text in [
            "尽快",
            "13月底",
            "2024年2月30日",
            "6月32日",
            "下个月",
            "2024年6月中",
        ] {
            assert_eq!(
                Deadline::parse(text, feedback),
                Err(DeadlineError::Unreadable(text.to_string())),
                "{text}"
            );
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in [
            DeadlineKind::Immediate,
            DeadlineKind::Dated,
            DeadlineKind::LongTerm,
        ] {
            assert_eq!(DeadlineKind::from_code(k.code()), Some(k));
        }
        for p in [
            Precision::Day,
            Precision::Xun,
            Precision::Month,
            Precision::Quarter,
            Precision::Year,
        ] {
            assert_eq!(Precision::from_code(p.code()), Some(p));
        }
    }
}
