//! 工作日历 — the official working-day calendar (D1): public holidays and the weekend
//! days made working days (调休), as the State Council's yearly notice sets them.
//!
//! A date is a working day when the notice of its year says so, or, when the notice
//! does not list it, when it falls Monday to Friday. A year without a notice has no
//! data: every answer says which years it had to assume the ordinary week for, so that
//! a caller either refuses ([`Answer::strict`]) or shows the warning — never a silent
//! guess. The last days of December also need the next year's notice, which may move
//! them (元旦 bridges: 2018-12-29 was a working Saturday by the 2019 notice).
//!
//! Why this file passes 600 lines: the calendar's rules are about 440 lines; the rest is
//! their tests, kept beside them because each pins a State Council notice's particular (a
//! bridge, a makeup Saturday).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::Serialize;

/// The calendar data shipped with zhenggai (`data/cn-calendar.txt`).
pub const OFFICIAL: &str = include_str!("../data/cn-calendar.txt");

/// From this day of December on, a date also depends on the next year's notice.
const YEAR_END_FROM_DAY: u32 = 25;

/// One date a notice changes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Change {
    /// The date.
    pub date: NaiveDate,
    /// 休 (true) a day off; 班 (false) a working day.
    pub off: bool,
    /// The holiday it belongs to (春节, 国庆节).
    pub name: String,
}

/// A year's notice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    /// The year it arranges.
    pub year: i32,
    /// Where it was published.
    pub source: String,
    /// The dates it changes, in order.
    pub changes: Vec<Change>,
}

/// A line of calendar data that could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// The line, from 1.
    pub line: usize,
    /// What is wrong and what to write instead (Chinese).
    pub message: String,
    /// The same in English.
    pub message_en: String,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "第{}行：{}", self.line, self.message)
    }
}

impl std::error::Error for ParseError {}

/// A year the calendar has no notice for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct NoData {
    /// The year.
    pub year: i32,
}

impl NoData {
    /// The warning in Chinese.
    pub fn message(&self) -> String {
        format!(
            "{}年的节假日安排尚未录入工作日历，按常规周（周一至周五上班）推算，可能不准。请系统管理员在“工作日历”中录入国务院办公厅的通知。",
            self.year
        )
    }

    /// The warning in English.
    pub fn message_en(&self) -> String {
        format!(
            "The working-day calendar has no holiday arrangements for {}: the ordinary week (Monday to Friday) was assumed and may be wrong. An administrator should enter the State Council's notice on the calendar page.",
            self.year
        )
    }
}

impl std::fmt::Display for NoData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message())
    }
}

impl std::error::Error for NoData {}

/// An answer and the years it assumed the ordinary week for (none when it is certain).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer<T> {
    /// The answer.
    pub value: T,
    /// Years without data that it touched, in order.
    pub assumed: Vec<i32>,
}

impl<T> Answer<T> {
    /// The same answer in another form.
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Answer<U> {
        Answer {
            value: f(self.value),
            assumed: self.assumed,
        }
    }

    /// The answer when it is certain; the first year without data otherwise.
    pub fn strict(self) -> Result<T, NoData> {
        match self.assumed.first() {
            Some(year) => Err(NoData { year: *year }),
            None => Ok(self.value),
        }
    }

    /// The warnings to show beside the answer.
    pub fn warnings(&self) -> Vec<NoData> {
        self.assumed.iter().map(|&year| NoData { year }).collect()
    }
}

/// 旬 — a ten-day period of a month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub enum Xun {
    /// 上旬: days 1–10.
    Upper,
    /// 中旬: days 11–20.
    Middle,
    /// 下旬: day 21 to the month's end.
    Lower,
}

impl Xun {
    /// The 旬 a date falls in.
    pub fn of(date: NaiveDate) -> Xun {
        match date.day() {
            1..=10 => Xun::Upper,
            11..=20 => Xun::Middle,
            _ => Xun::Lower,
        }
    }

    /// Its name.
    pub fn label(self) -> &'static str {
        match self {
            Xun::Upper => "上旬",
            Xun::Middle => "中旬",
            Xun::Lower => "下旬",
        }
    }

    /// Its first and last day in a month.
    pub fn span(self, year: i32, month: u32) -> Option<(NaiveDate, NaiveDate)> {
        let (first, last) = match self {
            Xun::Upper => (1, Some(10)),
            Xun::Middle => (11, Some(20)),
            Xun::Lower => (21, None),
        };
        let start = NaiveDate::from_ymd_opt(year, month, first)?;
        let end = match last {
            Some(d) => NaiveDate::from_ymd_opt(year, month, d)?,
            None => crate::deadline::last_day_of_month(year, month)?,
        };
        Some((start, end))
    }
}

/// The calendar: the notices it knows, by year.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    notices: BTreeMap<i32, Notice>,
    /// Every listed date, whichever notice lists it: day off or not.
    days: BTreeMap<NaiveDate, bool>,
}

impl Calendar {
    /// The calendar shipped with zhenggai, read once per process (pages and the
    /// scheduler ask for it on every request and round).
    pub fn official() -> Calendar {
        static OFFICIAL_CALENDAR: std::sync::LazyLock<Calendar> =
            // The shipped data is checked by a test; an error here would be a build defect.
            std::sync::LazyLock::new(|| Calendar::parse(OFFICIAL).unwrap_or_default());
        OFFICIAL_CALENDAR.clone()
    }

    /// Reads calendar data (the format of `data/cn-calendar.txt`).
    pub fn parse(text: &str) -> Result<Calendar, ParseError> {
        let mut notices: Vec<Notice> = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line_no = i + 1;
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let err = |zh: &str, en: &str| ParseError {
                line: line_no,
                message: format!("“{line}”：{zh}"),
                message_en: format!("“{line}”: {en}"),
            };
            let mut parts = line.split_whitespace();
            let first = parts.next().unwrap_or_default();
            if first == "year" {
                let year: i32 = parts
                    .next()
                    .and_then(|y| y.parse().ok())
                    .filter(|y| (1949..=2200).contains(y))
                    .ok_or_else(|| {
                        err(
                            "年份应为四位数字，如“year 2027 通知网址”。",
                            "the year should be four digits, as in “year 2027 address-of-notice”.",
                        )
                    })?;
                if notices.iter().any(|n| n.year == year) {
                    return Err(err(
                        "这一年已经出现过，每年只写一段。",
                        "this year appears twice; write one block per year.",
                    ));
                }
                notices.push(Notice {
                    year,
                    source: parts.collect::<Vec<_>>().join(" "),
                    changes: Vec::new(),
                });
                continue;
            }
            let Some(notice) = notices.last_mut() else {
                return Err(err(
                    "日期之前应先写“year 年份 通知网址”一行。",
                    "write a “year YYYY address” line before the dates.",
                ));
            };
            let date = NaiveDate::parse_from_str(first, "%Y-%m-%d").map_err(|_| {
                err(
                    "日期应写成 2027-01-01 的形式。",
                    "write the date as 2027-01-01.",
                )
            })?;
            if date.year() != notice.year && date.year() != notice.year - 1 {
                return Err(err(
                    &format!("{}年的通知不会安排这一天。", notice.year),
                    &format!("the notice for {} does not arrange this date.", notice.year),
                ));
            }
            let off = match parts.next() {
                Some("休") => true,
                Some("班") => false,
                _ => {
                    return Err(err(
                        "日期后应写“休”（放假）或“班”（调休上班）。",
                        "after the date write 休 (day off) or 班 (working day).",
                    ));
                }
            };
            if notice.changes.iter().any(|c| c.date == date) {
                return Err(err("这一天已经写过。", "this date is listed twice."));
            }
            notice.changes.push(Change {
                date,
                off,
                name: parts.collect::<Vec<_>>().join(" "),
            });
        }
        let mut calendar = Calendar::default();
        for notice in notices {
            calendar.set_notice(notice);
        }
        Ok(calendar)
    }

    /// The data as text, in the format [`Calendar::parse`] reads.
    pub fn to_text(&self) -> String {
        let mut out = String::new();
        for notice in self.notices.values() {
            out.push_str(&notice_text(notice));
            out.push('\n');
        }
        out
    }

    /// Adds a year's notice, or replaces the one it had.
    pub fn set_notice(&mut self, mut notice: Notice) {
        notice.changes.sort_by_key(|c| c.date);
        self.notices.insert(notice.year, notice);
        self.days = self
            .notices
            .values()
            .flat_map(|n| n.changes.iter().map(|c| (c.date, c.off)))
            .collect();
    }

    /// The notices, by year.
    pub fn notices(&self) -> impl Iterator<Item = &Notice> {
        self.notices.values()
    }

    /// The notice of a year.
    pub fn notice(&self, year: i32) -> Option<&Notice> {
        self.notices.get(&year)
    }

    /// The years a date depends on that have no notice.
    fn missing(&self, date: NaiveDate) -> impl Iterator<Item = i32> + '_ {
        let year = date.year();
        let year_end = date.month() == 12 && date.day() >= YEAR_END_FROM_DAY;
        [Some(year), year_end.then_some(year + 1)]
            .into_iter()
            .flatten()
            .filter(|y| !self.notices.contains_key(y))
    }

    fn workday(&self, date: NaiveDate) -> bool {
        match self.days.get(&date) {
            Some(off) => !off,
            None => !matches!(date.weekday(), Weekday::Sat | Weekday::Sun),
        }
    }

    /// Whether a date is a working day.
    pub fn is_workday(&self, date: NaiveDate) -> Answer<bool> {
        Answer {
            value: self.workday(date),
            assumed: self.missing(date).collect(),
        }
    }

    /// The `n`-th working day after `date` (before it when `n` is negative); `date`
    /// itself when `n` is 0. "Within 5 working days of the feedback" ends on
    /// `add_workdays(feedback, 5)`.
    pub fn add_workdays(&self, date: NaiveDate, n: i64) -> Answer<NaiveDate> {
        let step = if n < 0 { -1 } else { 1 };
        let mut left = n.unsigned_abs();
        let mut day = date;
        let mut assumed = BTreeSet::new();
        while left > 0 {
            let Some(next) = day.checked_add_signed(Duration::days(step)) else {
                break;
            };
            day = next;
            assumed.extend(self.missing(day));
            if self.workday(day) {
                left -= 1;
            }
        }
        Answer {
            value: day,
            assumed: assumed.into_iter().collect(),
        }
    }

    /// Working days after `from` up to and including `to`; negative when `to` comes
    /// first (a deadline three working days past: `workdays_between(deadline, today)`
    /// is 3).
    pub fn workdays_between(&self, from: NaiveDate, to: NaiveDate) -> Answer<i64> {
        let (start, end, sign) = if from <= to {
            (from, to, 1)
        } else {
            (to, from, -1)
        };
        let mut count = 0;
        let mut assumed = BTreeSet::new();
        let mut day = start;
        while day < end {
            let Some(next) = day.succ_opt() else { break };
            day = next;
            assumed.extend(self.missing(day));
            if self.workday(day) {
                count += 1;
            }
        }
        Answer {
            value: sign * count,
            assumed: assumed.into_iter().collect(),
        }
    }

    /// The last working day on or before a date (a weekly report due on a holiday
    /// Friday falls due on the working day before it).
    pub fn workday_on_or_before(&self, date: NaiveDate) -> Answer<NaiveDate> {
        let mut day = date;
        let mut assumed: BTreeSet<i32> = self.missing(day).collect();
        for _ in 0..60 {
            if self.workday(day) {
                break;
            }
            match day.pred_opt() {
                Some(d) => day = d,
                None => break,
            }
            assumed.extend(self.missing(day));
        }
        Answer {
            value: day,
            assumed: assumed.into_iter().collect(),
        }
    }
}

/// A notice as text.
pub fn notice_text(notice: &Notice) -> String {
    let mut out = format!("year {} {}", notice.year, notice.source)
        .trim_end()
        .to_string();
    out.push('\n');
    for c in &notice.changes {
        out.push_str(&format!(
            "{} {} {}",
            c.date.format("%Y-%m-%d"),
            if c.off { "休" } else { "班" },
            c.name
        ));
        out = out.trim_end().to_string();
        out.push('\n');
    }
    out
}

/// A year entered by hand may be this year or the next (or the one after the last year
/// this build ships): the State Council publishes the next year's holidays late in the
/// year, and nothing further ahead exists yet. A year beyond that is a slip (2062 for
/// 2026) that would quietly rule working days.
pub fn check_entered_year(year: i32, today: NaiveDate) -> Result<(), crate::reason::Rule> {
    let shipped = Calendar::official()
        .notices()
        .map(|n| n.year)
        .max()
        .unwrap_or(0);
    let latest = today.year().max(shipped) + 1;
    if year > latest {
        return Err(crate::reason::Rule::CalendarYearAhead { year, latest });
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_year_entered_is_at_most_next_year() {
        let today = d("2026-12-05");
        assert_eq!(check_entered_year(2026, today), Ok(()));
        // The year after the last one shipped, whatever the clock says.
        assert_eq!(check_entered_year(2027, d("2024-04-25")), Ok(()));
        assert_eq!(check_entered_year(2027, today), Ok(()));
        assert_eq!(check_entered_year(2019, today), Ok(()));
        assert_eq!(
            check_entered_year(2062, today),
            Err(crate::reason::Rule::CalendarYearAhead {
                year: 2062,
                latest: 2027
            })
        );
    }

    fn cal() -> Calendar {
        Calendar::parse(OFFICIAL).unwrap()
    }

    #[test]
    fn the_shipped_data_reads_and_covers_2015_to_2026() {
        let c = cal();
        let years: Vec<i32> = c.notices().map(|n| n.year).collect();
        assert_eq!(years, (2015..=2026).collect::<Vec<_>>());
        assert_eq!(Calendar::official(), c);
        // Written back, it reads the same.
        assert_eq!(Calendar::parse(&c.to_text()).unwrap(), c);
        for n in c.notices() {
            assert!(n.source.starts_with("http"), "{}", n.year);
            assert!(n.changes.len() >= 20, "{}", n.year);
        }
    }

    /// Every Spring Festival and National Day 2020–2026 with their 调休 days: the days
    /// off, the working weekend days, and the ordinary days either side.
    #[test]
    fn every_spring_festival_and_national_day_from_2020_to_2026() {
        // (first day off, last day off, working weekend days)
        let periods: [(&str, &str, &[&str]); 14] = [
            // 2020: the holiday was extended to 2 February (Saturday 1 February no longer worked).
            ("2020-01-24", "2020-02-02", &["2020-01-19"]),
            ("2020-10-01", "2020-10-08", &["2020-09-27", "2020-10-10"]),
            ("2021-02-11", "2021-02-17", &["2021-02-07", "2021-02-20"]),
            ("2021-10-01", "2021-10-07", &["2021-09-26", "2021-10-09"]),
            ("2022-01-31", "2022-02-06", &["2022-01-29", "2022-01-30"]),
            ("2022-10-01", "2022-10-07", &["2022-10-08", "2022-10-09"]),
            ("2023-01-21", "2023-01-27", &["2023-01-28", "2023-01-29"]),
            ("2023-09-29", "2023-10-06", &["2023-10-07", "2023-10-08"]),
            ("2024-02-10", "2024-02-17", &["2024-02-04", "2024-02-18"]),
            ("2024-10-01", "2024-10-07", &["2024-09-29", "2024-10-12"]),
            ("2025-01-28", "2025-02-04", &["2025-01-26", "2025-02-08"]),
            ("2025-10-01", "2025-10-08", &["2025-09-28", "2025-10-11"]),
            ("2026-02-15", "2026-02-23", &["2026-02-14", "2026-02-28"]),
            ("2026-10-01", "2026-10-07", &["2026-09-20", "2026-10-10"]),
        ];
        let c = cal();
        for (first, last, working) in periods {
            let (first, last) = (d(first), d(last));
            let mut day = first;
            while day <= last {
                assert_eq!(c.is_workday(day).strict(), Ok(false), "{day} is off");
                day = day.succ_opt().unwrap();
            }
            for w in working {
                let w = d(w);
                assert!(
                    matches!(w.weekday(), Weekday::Sat | Weekday::Sun),
                    "{w} is a weekend day"
                );
                assert_eq!(c.is_workday(w).strict(), Ok(true), "{w} is worked");
            }
            // The day before the holiday and the day after are ordinary: working
            // unless they are a weekend day not made a working day.
            for edge in [first.pred_opt().unwrap(), last.succ_opt().unwrap()] {
                let weekend = matches!(edge.weekday(), Weekday::Sat | Weekday::Sun);
                let made_working = working.iter().any(|w| d(w) == edge);
                assert_eq!(
                    c.is_workday(edge).value,
                    !weekend || made_working,
                    "{edge} beside {first}–{last}"
                );
            }
            // Counting across the holiday skips it and counts the working weekends.
            let before = first.pred_opt().unwrap();
            let after = c.add_workdays(before, 1).strict().unwrap();
            assert!(after > last || working.iter().any(|w| d(w) == after));
            assert_eq!(c.workdays_between(before, after).strict(), Ok(1));
        }
    }

    #[test]
    fn adding_working_days_skips_holidays_and_counts_the_worked_weekends() {
        let c = cal();
        // 2024 Spring Festival: off 10–17 Feb, Sunday 4 Feb and Sunday 18 Feb worked.
        assert_eq!(
            c.add_workdays(d("2024-02-08"), 1).strict(),
            Ok(d("2024-02-09"))
        );
        assert_eq!(
            c.add_workdays(d("2024-02-09"), 1).strict(),
            Ok(d("2024-02-18"))
        );
        assert_eq!(
            c.add_workdays(d("2024-02-09"), 2).strict(),
            Ok(d("2024-02-19"))
        );
        assert_eq!(
            c.add_workdays(d("2024-02-18"), -1).strict(),
            Ok(d("2024-02-09"))
        );
        assert_eq!(
            c.add_workdays(d("2024-02-03"), 1).strict(),
            Ok(d("2024-02-04"))
        );
        assert_eq!(
            c.add_workdays(d("2024-02-12"), 0).strict(),
            Ok(d("2024-02-12"))
        );
        // National Day 2024: off 1–7 Oct, Sunday 29 Sep and Saturday 12 Oct worked.
        assert_eq!(
            c.add_workdays(d("2024-09-27"), 1).strict(),
            Ok(d("2024-09-29"))
        );
        assert_eq!(
            c.add_workdays(d("2024-09-29"), 1).strict(),
            Ok(d("2024-09-30"))
        );
        assert_eq!(
            c.add_workdays(d("2024-09-30"), 1).strict(),
            Ok(d("2024-10-08"))
        );
        assert_eq!(
            c.add_workdays(d("2024-10-11"), 1).strict(),
            Ok(d("2024-10-12"))
        );
        // 30 working days from a feedback date (D1: 整改方案 within 30 working days).
        assert_eq!(
            c.add_workdays(d("2024-03-29"), 30).strict(),
            Ok(d("2024-05-14"))
        );
    }

    #[test]
    fn counting_and_adding_agree_both_ways_over_seven_years() {
        let c = cal();
        let mut day = d("2020-01-01");
        while day < d("2026-11-01") {
            for n in [1i64, 5, 22] {
                let later = c.add_workdays(day, n).strict().unwrap();
                assert_eq!(c.workdays_between(day, later).strict(), Ok(n), "{day} +{n}");
                assert_eq!(
                    c.workdays_between(later, day).strict(),
                    Ok(-n),
                    "{day} +{n}"
                );
                assert!(c.is_workday(later).value, "{later}");
                if c.is_workday(day).value {
                    assert_eq!(c.add_workdays(later, -n).strict(), Ok(day), "{day} +{n}");
                }
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn a_year_without_a_notice_is_answered_with_a_warning_not_a_silent_guess() {
        let c = cal();
        let answer = c.is_workday(d("2027-03-01"));
        assert!(answer.value, "a Monday, by the ordinary week");
        assert_eq!(answer.clone().strict(), Err(NoData { year: 2027 }));
        assert!(answer.warnings()[0].message().contains("2027年"));
        // The end of December depends on the next notice (元旦 bridges).
        assert_eq!(
            c.is_workday(d("2026-12-28")).strict(),
            Err(NoData { year: 2027 })
        );
        assert_eq!(c.is_workday(d("2026-12-18")).strict(), Ok(true));
        assert_eq!(
            c.is_workday(d("2014-12-01")).strict(),
            Err(NoData { year: 2014 })
        );
        // Counting into an unknown year says so.
        let answer = c.add_workdays(d("2026-12-01"), 40);
        assert_eq!(answer.assumed, vec![2027]);
        // A late-December date listed by the next notice: 2018-12-29 was worked.
        assert_eq!(c.is_workday(d("2018-12-29")).strict(), Ok(true));
        assert_eq!(c.is_workday(d("2018-12-31")).strict(), Ok(false));
    }

    #[test]
    fn an_administrator_adds_a_year() {
        let mut c = cal();
        let next = Calendar::parse(
            "year 2027 https://www.gov.cn/example\n2027-01-01 休 元旦\n2027-02-06 班 春节\n",
        )
        .unwrap();
        for n in next.notices() {
            c.set_notice(n.clone());
        }
        assert_eq!(c.is_workday(d("2027-01-01")).strict(), Ok(false));
        assert_eq!(c.is_workday(d("2027-02-06")).strict(), Ok(true));
        assert_eq!(c.is_workday(d("2026-12-28")).strict(), Ok(true));
    }

    #[test]
    fn bad_data_is_refused_at_its_line() {
        for (text, line, says) in [
            ("2027-01-01 休 元旦", 1, "year"),
            ("year 27", 1, "四位"),
            ("year 2027\n2027/01/01 休", 2, "2027-01-01"),
            ("year 2027\n2027-01-01 放假", 2, "休"),
            ("year 2027\n2025-01-01 休", 2, "不会安排"),
            ("year 2027\n2027-01-01 休\n2027-01-01 班", 3, "写过"),
            ("year 2027\nyear 2027", 2, "两"),
        ] {
            let e = Calendar::parse(text).unwrap_err();
            assert_eq!(e.line, line, "{text}");
            assert!(
                e.message.contains(says) || (says == "两" && e.message.contains("出现过")),
                "{text}: {}",
                e.message
            );
            assert!(!e.message_en.is_empty());
        }
    }

    #[test]
    fn xun_splits_each_month_in_three() {
        assert_eq!(Xun::of(d("2024-06-01")), Xun::Upper);
        assert_eq!(Xun::of(d("2024-06-10")), Xun::Upper);
        assert_eq!(Xun::of(d("2024-06-11")), Xun::Middle);
        assert_eq!(Xun::of(d("2024-06-20")), Xun::Middle);
        assert_eq!(Xun::of(d("2024-06-21")), Xun::Lower);
        assert_eq!(Xun::of(d("2024-02-29")), Xun::Lower);
        assert_eq!(
            Xun::Lower.span(2024, 2),
            Some((d("2024-02-21"), d("2024-02-29")))
        );
        assert_eq!(
            Xun::Lower.span(2023, 2),
            Some((d("2023-02-21"), d("2023-02-28")))
        );
        assert_eq!(Xun::Middle.label(), "中旬");
        // Every day of a leap year falls in the 旬 whose span holds it.
        let mut day = d("2024-01-01");
        while day.year() == 2024 {
            let (a, b) = Xun::of(day).span(day.year(), day.month()).unwrap();
            assert!(a <= day && day <= b, "{day}");
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn the_last_working_day_on_or_before() {
        let c = cal();
        // Friday 4 Oct 2024 is in the National Day holiday: a report due then is due on
        // Monday 30 Sep, the last working day before it.
        assert_eq!(
            c.workday_on_or_before(d("2024-10-04")).strict(),
            Ok(d("2024-09-30"))
        );
        assert_eq!(
            c.workday_on_or_before(d("2024-09-27")).strict(),
            Ok(d("2024-09-27"))
        );
    }
}
