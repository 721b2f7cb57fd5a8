//! 整改时限 — a deadline as offices write it (D4).
//!
//! A deadline is stored as the words written in the plan, plus its kind and the date
//! computed from them with that date's precision. This module reads the common forms;
//! the working-day calendar and the rarer phrases arrive with the calendar work.
//!
//! Why this file passes 600 lines: the reading of deadlines as written is one grammar
//! (about 500 lines); the rest is its tests, one case per form offices write, kept beside
//! the rules they pin down.

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

crate::codes! {
    DeadlineKind {
        Immediate = "immediate",
        Dated = "dated",
        LongTerm = "long_term",
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

crate::codes! {
    Precision {
        Day = "day",
        Xun = "xun",
        Month = "month",
        Quarter = "quarter",
        Year = "year",
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

/// Why a phrase could not be read: data, put into the reader's words by the web layer
/// (its `Display` is for logs).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeadlineError {
    /// Nothing was written.
    #[error(
        "the deadline is empty: write a date (2024年6月30日), a period (6月中旬, 二季度末) or 立行立改 / 长期坚持"
    )]
    Empty,
    /// 集中整改期内, where the inspection has no concentrated phase set.
    #[error(
        "“{0}” names the concentrated phase (集中整改期), which this inspection has not set: set its feedback date and phase, or write a date"
    )]
    NoConcentratedPhase(String),
    /// The words are not a form this reader knows.
    #[error(
        "“{0}” is not a deadline zhenggai can read: write a date (2024年6月30日), a period (6月中旬, 二季度末) or 立行立改 / 长期坚持"
    )]
    Unreadable(String),
}

impl DeadlineError {
    /// What is wrong and what to do, in Chinese (the `Display` text is English). The
    /// spreadsheet reader words its issues itself and still uses this; pages and the
    /// API word a field's deadline error in zhenggai-web `i18n`.
    pub fn zh(&self) -> String {
        const FORMS: &str = "请写成日期（2024年6月30日）、期间（6月中旬、二季度末、年底前）或“立行立改”“长期坚持”。";
        match self {
            DeadlineError::Empty => format!("整改时限未填写：{FORMS}"),
            DeadlineError::NoConcentratedPhase(words) => format!(
                "“{words}”指集中整改期，但本次巡察尚未设定集中整改期：请先设定反馈日期和集中整改期，或写明日期。"
            ),
            DeadlineError::Unreadable(words) => format!("整改时限“{words}”无法识别：{FORMS}"),
        }
    }

    /// The error at a form's field.
    pub fn at(&self, field: &str) -> crate::validate::FieldError {
        crate::validate::FieldError::because(field, crate::validate::Why::Deadline(self.clone()))
    }
}

const IMMEDIATE: [&str; 5] = ["立行立改", "即知即改", "立即整改", "立即", "马上改"];
const LONG_TERM: [&str; 5] = ["长期坚持", "持续整改", "常态化", "长期整改", "长期"];
/// The concentrated phase (集中整改期): its end is the deadline.
const CONCENTRATED: [&str; 4] = ["集中整改期", "集中整改阶段", "集中整改期间", "集中整改时间"];
const SUFFIXES: [&str; 6] = ["完成", "以前", "之前", "前", "止", "内完成"];

/// What a phrase is read against: the inspection's dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reference {
    /// The feedback date: it supplies the year when the words have none.
    pub feedback: NaiveDate,
    /// The last day of the concentrated phase (集中整改期), when set.
    pub concentrated_until: Option<NaiveDate>,
}

impl From<NaiveDate> for Reference {
    /// A feedback date alone (no concentrated phase known).
    fn from(feedback: NaiveDate) -> Self {
        Reference {
            feedback,
            concentrated_until: None,
        }
    }
}

impl Deadline {
    /// Reads a phrase. `reference` (the inspection's feedback date) supplies the year
    /// when the words have none: the first such date on or after it.
    pub fn parse(text: &str, reference: NaiveDate) -> Result<Deadline, DeadlineError> {
        Deadline::parse_in(
            text,
            &Reference {
                feedback: reference,
                concentrated_until: None,
            },
        )
    }

    /// Reads a phrase against an inspection's dates (集中整改期内 needs its phase).
    pub fn parse_in(text: &str, reference: &Reference) -> Result<Deadline, DeadlineError> {
        let written = text.trim();
        if written.is_empty() {
            return Err(DeadlineError::Empty);
        }
        let compact: String = written.chars().filter(|c| !c.is_whitespace()).collect();
        let undated = |kind| Deadline {
            text: written.to_string(),
            kind,
            date: None,
            precision: None,
        };
        if IMMEDIATE.iter().any(|w| compact.starts_with(w)) {
            return Ok(undated(DeadlineKind::Immediate));
        }
        if LONG_TERM.iter().any(|w| compact.starts_with(w)) {
            return Ok(undated(DeadlineKind::LongTerm));
        }
        let (date, precision) = if names_concentrated_phase(&compact) {
            let date = reference
                .concentrated_until
                .ok_or_else(|| DeadlineError::NoConcentratedPhase(written.to_string()))?;
            (date, Precision::Day)
        } else {
            // Excel and other programs write dates with a time; full-width digits,
            // Chinese numerals (六月底, 二〇二四年) and separators read as their ASCII forms.
            read_date(&normalise(&compact), reference.feedback)
                .ok_or_else(|| DeadlineError::Unreadable(written.to_string()))?
        };
        Ok(Deadline {
            text: written.to_string(),
            kind: DeadlineKind::Dated,
            date: Some(date),
            precision: Some(precision),
        })
    }
}

/// Whether the words name the end of the concentrated phase (集中整改期内, 集中整改期末).
fn names_concentrated_phase(compact: &str) -> bool {
    let bare = compact
        .trim_end_matches(['前', '内', '中', '完', '成'])
        .trim_end_matches("以")
        .trim_end_matches("之");
    CONCENTRATED
        .iter()
        .any(|w| bare == *w || bare.strip_suffix('末') == Some(w))
}

/// The last day normalised words name, and how fine they are; `None` when unreadable.
/// `reference` (the feedback date) supplies the year the words leave out.
fn read_date(compact: &str, reference: NaiveDate) -> Option<(NaiveDate, Precision)> {
    if let Some(date) = serial_or_packed(compact) {
        return Some((date, Precision::Day));
    }
    let core = strip_suffixes(compact);
    // Within N months of the reference (三个月内): an exact day.
    if let Some(n) = core
        .strip_suffix("个月内")
        .or_else(|| core.strip_suffix("个月"))
        .and_then(|n| n.parse::<u32>().ok())
        .filter(|n| (1..=36).contains(n))
    {
        let date = reference.checked_add_months(chrono::Months::new(n))?;
        return Some((date, Precision::Day));
    }
    let (relative_year, core) = take_relative_year(core, reference);
    let (year, rest) = match take_year(core) {
        (Some(y), rest) => (Some(y), rest),
        (None, rest) => (relative_year, rest),
    };
    let years = Years { year, reference };
    // 年底 / 年末 / 年内 / 2024年底 / 2024年 / 今年内
    if matches!(rest, "年底" | "年末" | "年内" | "底" | "末" | "内" | "")
        && (year.is_some() || !rest.is_empty())
    {
        let date = years.pick(&|y| NaiveDate::from_ymd_opt(y, 12, 31))?;
        return Some((date, Precision::Year));
    }
    if let Some((month, precision)) = read_part_of_year(rest) {
        let date = years.pick(&|y| last_day_of_month(y, month))?;
        return Some((date, precision));
    }
    read_month_words(rest, &years)
}

/// 今年 / 本年 / 明年 name the year by the reference; the words after them.
fn take_relative_year(core: &str, reference: NaiveDate) -> (Option<i32>, &str) {
    if let Some(r) = core.strip_prefix("明年") {
        (Some(reference.year() + 1), r)
    } else if let Some(r) = core
        .strip_prefix("今年")
        .or_else(|| core.strip_prefix("本年"))
    {
        (Some(reference.year()), r)
    } else {
        (None, core)
    }
}

/// The year words name, or when they name none, the first year in which the date falls
/// on or after the reference.
struct Years {
    year: Option<i32>,
    reference: NaiveDate,
}

impl Years {
    fn pick(&self, make: &dyn Fn(i32) -> Option<NaiveDate>) -> Option<NaiveDate> {
        match self.year {
            Some(y) => make(y),
            None => {
                let this = make(self.reference.year())?;
                if this >= self.reference {
                    Some(this)
                } else {
                    make(self.reference.year() + 1)
                }
            }
        }
    }
}

/// Half years read as the quarter they end with; 年中 as June; quarters: the month the
/// part of the year ends with, and how fine the words are.
fn read_part_of_year(rest: &str) -> Option<(u32, Precision)> {
    match rest {
        "上半年" | "年上半年" => Some((6, Precision::Quarter)),
        "下半年" | "年下半年" => Some((12, Precision::Quarter)),
        "年中" => Some((6, Precision::Month)),
        _ => read_quarter(rest).map(|q| (q * 3, Precision::Quarter)),
    }
}

/// A month and what follows it: its end, a 旬, or a day.
fn read_month_words(rest: &str, years: &Years) -> Option<(NaiveDate, Precision)> {
    let (month, after_month) = take_number(rest)?;
    let after_sep = after_month
        .strip_prefix('月')
        .or_else(|| after_month.strip_prefix('.'))
        .or_else(|| after_month.strip_prefix('-'))
        .or_else(|| after_month.strip_prefix('/'))?;
    if !(1..=12).contains(&month) {
        return None;
    }
    let month = month as u32;
    match after_sep {
        "" | "底" | "末" | "份" | "月底" | "内" | "份内" | "底以内" => {
            let date = years.pick(&|y| last_day_of_month(y, month))?;
            Some((date, Precision::Month))
        }
        // A 旬 ends on the 10th, the 20th or the month's last day; 月初 and 月中 are
        // written for the first two, and a span (中下旬) ends with its later 旬.
        "上旬" | "中旬" | "下旬" | "初" | "中" | "上中旬" | "中下旬" => {
            let day = match after_sep {
                "上旬" | "初" => Some(10),
                "中旬" | "中" | "上中旬" => Some(20),
                _ => None,
            };
            let date = years.pick(&|y| match day {
                Some(d) => NaiveDate::from_ymd_opt(y, month, d),
                None => last_day_of_month(y, month),
            })?;
            Some((date, Precision::Xun))
        }
        _ => {
            let (day, tail) = take_number(after_sep)?;
            if !matches!(tail, "" | "日" | "号") {
                return None;
            }
            let day = u32::try_from(day).ok()?;
            let date = years.pick(&|y| NaiveDate::from_ymd_opt(y, month, day))?;
            Some((date, Precision::Day))
        }
    }
}

/// Full-width digits and separators as ASCII, Chinese numerals as digits, and a time of
/// day after a date dropped.
fn normalise(s: &str) -> String {
    let mut ascii = String::with_capacity(s.len());
    for c in s.chars() {
        ascii.push(match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            '．' | '。' => '.',
            '／' => '/',
            '－' | '—' => '-',
            other => other,
        });
    }
    // 2024-06-3000:00:00 (a datetime with its space removed) or 2024-06-30T00:00:00.
    if let Some(colon) = ascii.find(':') {
        let head = &ascii[..colon];
        let cut = head.len().saturating_sub(2);
        if head.is_char_boundary(cut) {
            ascii = head[..cut].trim_end_matches('T').to_string();
        }
    }
    let mut out = String::with_capacity(ascii.len());
    let mut run = String::new();
    for c in ascii.chars().chain(std::iter::once('\0')) {
        if chinese_digit(c).is_some() || c == '十' {
            run.push(c);
            continue;
        }
        if !run.is_empty() {
            out.push_str(&chinese_number(&run));
            run.clear();
        }
        if c != '\0' {
            out.push(c);
        }
    }
    out
}

fn chinese_digit(c: char) -> Option<u32> {
    Some(match c {
        '〇' | '零' => 0,
        '一' => 1,
        '二' | '两' => 2,
        '三' => 3,
        '四' => 4,
        '五' => 5,
        '六' => 6,
        '七' => 7,
        '八' => 8,
        '九' => 9,
        _ => return None,
    })
}

/// 六 → 6, 十二 → 12, 二十一 → 21, 二〇二四 → 2024.
fn chinese_number(run: &str) -> String {
    if let Some((tens, units)) = run.split_once('十') {
        let tens = tens.chars().next().and_then(chinese_digit).unwrap_or(1);
        let units = units.chars().next().and_then(chinese_digit).unwrap_or(0);
        return (tens * 10 + units).to_string();
    }
    run.chars()
        .filter_map(chinese_digit)
        .map(|d| char::from_digit(d, 10).unwrap_or('0'))
        .collect()
}

/// An Excel date serial (45473 is 2024-06-30) or a packed 20240630.
fn serial_or_packed(s: &str) -> Option<NaiveDate> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    match s.len() {
        5 => {
            let n: i64 = s.parse().ok()?;
            // 1954 to 2119: far from any other number a deadline cell holds.
            if !(20_000..=80_000).contains(&n) {
                return None;
            }
            NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(n))
        }
        8 => NaiveDate::from_ymd_opt(
            s[..4].parse().ok()?,
            s[4..6].parse().ok()?,
            s[6..].parse().ok()?,
        ),
        _ => None,
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
    // Year 0 or 9999 is a slip, not a deadline: the words are then unreadable.
    if !crate::validate::YEARS.contains(&year) {
        return (None, s);
    }
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
    if let Some(q) = s.strip_prefix('Q').or_else(|| s.strip_prefix('q')) {
        return match q {
            "1" => Some(1),
            "2" => Some(2),
            "3" => Some(3),
            "4" => Some(4),
            _ => None,
        };
    }
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
        "季度" | "季度末" | "季度底" | "季末" | "季度内" => Some(q),
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

    /// Issue 19: a deadline in year 0 or 9999 is a slip, refused as unreadable.
    #[test]
    fn absurd_years_are_not_deadlines() {
        for text in ["0000年6月底前", "0000-06-30", "9999年底前", "1900年1月1日"] {
            assert!(
                matches!(
                    Deadline::parse(text, d(2024, 3, 15)),
                    Err(DeadlineError::Unreadable(_))
                ),
                "{text}"
            );
        }
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
            "6月中下旬末",
            "99999",
            "四十个月内",
        ] {
            assert_eq!(
                Deadline::parse(text, feedback),
                Err(DeadlineError::Unreadable(text.to_string())),
                "{text}"
            );
        }
    }

    #[test]
    fn the_concentrated_phase_is_the_inspections_own() {
        let feedback = d(2024, 3, 15);
        let with = Reference {
            feedback,
            concentrated_until: Some(d(2024, 6, 14)),
        };
        for text in [
            "集中整改期内",
            "集中整改期",
            "集中整改期内完成",
            "集中整改期间",
            "集中整改阶段",
            "集中整改期末",
            "集中整改期结束前",
        ] {
            if text == "集中整改期结束前" {
                assert!(Deadline::parse_in(text, &with).is_err(), "{text}");
                continue;
            }
            let read = Deadline::parse_in(text, &with).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(read.date, Some(d(2024, 6, 14)), "{text}");
            assert_eq!(read.precision, Some(Precision::Day));
            assert_eq!(
                Deadline::parse(text, feedback),
                Err(DeadlineError::NoConcentratedPhase(text.to_string()))
            );
        }
    }

    /// Every form the issue lists and offices write, read against a feedback date of
    /// 2024-03-15: (words, kind, last day, precision).
    const PHRASES: &[(&str, &str, &str, &str)] = &[
        ("立行立改", "immediate", "", ""),
        ("即知即改", "immediate", "", ""),
        ("立即整改", "immediate", "", ""),
        ("长期坚持", "long_term", "", ""),
        ("持续整改", "long_term", "", ""),
        ("常态化", "long_term", "", ""),
        ("长期坚持、常抓不懈", "long_term", "", ""),
        ("2024年6月30日", "dated", "2024-06-30", "day"),
        ("2024年6月30日前", "dated", "2024-06-30", "day"),
        ("2024年6月30日前完成", "dated", "2024-06-30", "day"),
        ("2024.6.30", "dated", "2024-06-30", "day"),
        ("2024/6/30", "dated", "2024-06-30", "day"),
        ("2024-06-30", "dated", "2024-06-30", "day"),
        ("2024-06-30 00:00:00", "dated", "2024-06-30", "day"),
        ("2024-06-30T00:00:00", "dated", "2024-06-30", "day"),
        ("２０２４年６月３０日", "dated", "2024-06-30", "day"),
        ("２０２４．６．３０", "dated", "2024-06-30", "day"),
        ("二〇二四年六月三十日", "dated", "2024-06-30", "day"),
        ("45473", "dated", "2024-06-30", "day"),
        ("20240630", "dated", "2024-06-30", "day"),
        ("6月30日", "dated", "2024-06-30", "day"),
        ("6月30号前", "dated", "2024-06-30", "day"),
        ("6.30", "dated", "2024-06-30", "day"),
        ("3月1日前", "dated", "2025-03-01", "day"),
        ("12月31日之前", "dated", "2024-12-31", "day"),
        ("2024年6月底前", "dated", "2024-06-30", "month"),
        ("2024年6月底", "dated", "2024-06-30", "month"),
        ("2024年6月", "dated", "2024-06-30", "month"),
        ("6月底前", "dated", "2024-06-30", "month"),
        ("6月底前完成", "dated", "2024-06-30", "month"),
        ("6月底以前", "dated", "2024-06-30", "month"),
        ("6月末", "dated", "2024-06-30", "month"),
        ("6月份", "dated", "2024-06-30", "month"),
        ("六月底前", "dated", "2024-06-30", "month"),
        ("十二月底", "dated", "2024-12-31", "month"),
        ("2月底", "dated", "2025-02-28", "month"),
        ("3月底前", "dated", "2024-03-31", "month"),
        ("明年2月底", "dated", "2025-02-28", "month"),
        ("6月内", "dated", "2024-06-30", "month"),
        ("6月上旬", "dated", "2024-06-10", "xun"),
        ("6月上旬前", "dated", "2024-06-10", "xun"),
        ("5月中旬", "dated", "2024-05-20", "xun"),
        ("5月中旬前完成", "dated", "2024-05-20", "xun"),
        ("6月下旬", "dated", "2024-06-30", "xun"),
        ("2月下旬", "dated", "2025-02-28", "xun"),
        ("2024年2月下旬", "dated", "2024-02-29", "xun"),
        ("6月初", "dated", "2024-06-10", "xun"),
        ("6月中", "dated", "2024-06-20", "xun"),
        ("6月中下旬", "dated", "2024-06-30", "xun"),
        ("六月中旬", "dated", "2024-06-20", "xun"),
        ("二季度末", "dated", "2024-06-30", "quarter"),
        ("第二季度", "dated", "2024-06-30", "quarter"),
        ("第三季度", "dated", "2024-09-30", "quarter"),
        ("三季度末前", "dated", "2024-09-30", "quarter"),
        ("一季度末", "dated", "2024-03-31", "quarter"),
        ("四季度", "dated", "2024-12-31", "quarter"),
        ("2025年一季度", "dated", "2025-03-31", "quarter"),
        ("Q2", "dated", "2024-06-30", "quarter"),
        ("上半年", "dated", "2024-06-30", "quarter"),
        ("下半年", "dated", "2024-12-31", "quarter"),
        ("年中", "dated", "2024-06-30", "month"),
        ("年底前", "dated", "2024-12-31", "year"),
        ("年底", "dated", "2024-12-31", "year"),
        ("年末", "dated", "2024-12-31", "year"),
        ("年内", "dated", "2024-12-31", "year"),
        ("今年底", "dated", "2024-12-31", "year"),
        ("今年内完成", "dated", "2024-12-31", "year"),
        ("2024年底", "dated", "2024-12-31", "year"),
        ("2024年底前", "dated", "2024-12-31", "year"),
        ("2025年", "dated", "2025-12-31", "year"),
        ("明年底", "dated", "2025-12-31", "year"),
        ("三个月内", "dated", "2024-06-15", "day"),
        ("两个月内", "dated", "2024-05-15", "day"),
        ("6个月内完成", "dated", "2024-09-15", "day"),
        // More of what ledgers hold: spaces, other suffixes, other numerals.
        ("立行立改，长期坚持", "immediate", "", ""),
        ("即知即改、立行立改", "immediate", "", ""),
        ("立即", "immediate", "", ""),
        ("长期", "long_term", "", ""),
        ("持续整改，长期坚持", "long_term", "", ""),
        ("常态化推进", "long_term", "", ""),
        ("长期整改", "long_term", "", ""),
        ("2024 年 6 月 30 日", "dated", "2024-06-30", "day"),
        ("2024年6月30日以前", "dated", "2024-06-30", "day"),
        ("2024年6月30日之前", "dated", "2024-06-30", "day"),
        ("2024年06月30日", "dated", "2024-06-30", "day"),
        ("2024.06.30", "dated", "2024-06-30", "day"),
        ("2024/06/30前", "dated", "2024-06-30", "day"),
        ("2024-6-30", "dated", "2024-06-30", "day"),
        ("2024年5月1日", "dated", "2024-05-01", "day"),
        ("2024年4月底前", "dated", "2024-04-30", "month"),
        ("2024年4月底之前", "dated", "2024-04-30", "month"),
        ("2024年4月底以前完成", "dated", "2024-04-30", "month"),
        ("2024年12月底前", "dated", "2024-12-31", "month"),
        ("2025年1月底", "dated", "2025-01-31", "month"),
        ("4月底前", "dated", "2024-04-30", "month"),
        ("9月底", "dated", "2024-09-30", "month"),
        ("十月底前", "dated", "2024-10-31", "month"),
        ("7月上旬", "dated", "2024-07-10", "xun"),
        ("8月中旬前", "dated", "2024-08-20", "xun"),
        ("9月下旬前完成", "dated", "2024-09-30", "xun"),
        ("2024年7月上旬前", "dated", "2024-07-10", "xun"),
        ("2024年11月下旬", "dated", "2024-11-30", "xun"),
        ("二季度末前完成", "dated", "2024-06-30", "quarter"),
        ("第三季度末", "dated", "2024-09-30", "quarter"),
        ("2024年三季度", "dated", "2024-09-30", "quarter"),
        ("2024年第四季度", "dated", "2024-12-31", "quarter"),
        ("年底前完成", "dated", "2024-12-31", "year"),
        ("2024年年底前", "dated", "2024-12-31", "year"),
        ("2024年内", "dated", "2024-12-31", "year"),
        ("2025年底前", "dated", "2025-12-31", "year"),
    ];

    #[test]
    fn reads_every_listed_phrase() {
        assert!(PHRASES.len() >= 100, "{}", PHRASES.len());
        let feedback = d(2024, 3, 15);
        for (text, kind, date, precision) in PHRASES {
            let read = Deadline::parse(text, feedback).unwrap_or_else(|e| panic!("{text}: {e}"));
            assert_eq!(read.kind.code(), *kind, "{text}");
            assert_eq!(
                read.date.map(|d| d.to_string()).unwrap_or_default(),
                *date,
                "{text}"
            );
            assert_eq!(
                read.precision.map_or("", Precision::code),
                *precision,
                "{text}"
            );
            assert_eq!(read.text, *text, "the words are kept as written");
        }
    }

    #[test]
    fn a_phrase_without_a_year_is_the_first_such_date_on_or_after_the_reference() {
        for (reference, text, expected) in [
            (d(2024, 6, 30), "6月底", "2024-06-30"),
            (d(2024, 7, 1), "6月底", "2025-06-30"),
            (d(2024, 12, 31), "年底", "2024-12-31"),
            (d(2024, 5, 21), "5月中旬", "2025-05-20"),
            (d(2024, 10, 1), "三季度", "2025-09-30"),
        ] {
            let read = Deadline::parse(text, reference).unwrap();
            assert_eq!(
                read.date.unwrap().to_string(),
                expected,
                "{text} from {reference}"
            );
        }
    }

    proptest::proptest! {
        /// Any words at all: read or refused, never a panic, and the words kept.
        #[test]
        fn never_panics_and_keeps_the_words(text in "[0-9０-９〇零一二两三四五六七八九十年月日旬上中下底末前内季度Q:T .\\-/个今明本半初号]{0,16}|\\PC{0,12}") {
            let feedback = d(2024, 3, 15);
            match Deadline::parse(&text, feedback) {
                Ok(read) => {
                    proptest::prop_assert_eq!(&read.text, text.trim());
                    proptest::prop_assert_eq!(read.date.is_some(), read.kind == DeadlineKind::Dated);
                }
                Err(DeadlineError::Empty) => proptest::prop_assert!(text.trim().is_empty()),
                Err(DeadlineError::Unreadable(words) | DeadlineError::NoConcentratedPhase(words)) => {
                    proptest::prop_assert_eq!(words, text.trim())
                }
            }
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
