//! 周报 (D8): every lead unit reports each week before a set weekday and hour (default
//! Friday 10:00, Beijing time); when that day is a holiday the report is due on the
//! last working day before it. The office sees who reported on time, who late and who
//! not at all (叫号).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::{Answer, Calendar};
use crate::reason::Rule;
use crate::validate::{FieldError, Why};

/// When the weekly report is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeeklyRule {
    /// The weekday.
    pub weekday: Weekday,
    /// The hour (Beijing time), 0–23.
    pub hour: u32,
}

impl Default for WeeklyRule {
    fn default() -> Self {
        WeeklyRule {
            weekday: Weekday::Fri,
            hour: 10,
        }
    }
}

/// 一周一汇总: the weeks an office may summarise run from the week of its first
/// inspection to this week. A week ahead has nothing to say yet; a week before the
/// first inspection (1990, a slip of the year) has no rectification to report.
pub fn check_summary_week(
    week: NaiveDate,
    today: NaiveDate,
    first_inspection: Option<NaiveDate>,
) -> Result<(), FieldError> {
    let monday = week_of(week);
    if monday > week_of(today) {
        return Err(FieldError::because("week", Why::Rule(Rule::WeekAhead)));
    }
    let first = first_summary_week(first_inspection, today);
    if monday < first {
        return Err(FieldError::because(
            "week",
            Why::Rule(Rule::WeekBeforeLedger { first }),
        ));
    }
    Ok(())
}

/// The first week an office may summarise: that of its first inspection's feedback
/// (this week before it has any).
pub fn first_summary_week(first_inspection: Option<NaiveDate>, today: NaiveDate) -> NaiveDate {
    week_of(first_inspection.unwrap_or(today))
}

/// The Monday of a date's week (a week runs Monday to Sunday).
pub fn week_of(date: NaiveDate) -> NaiveDate {
    date - Duration::days(i64::from(date.weekday().num_days_from_monday()))
}

impl WeeklyRule {
    /// When the report of the week of `day` is due, Beijing time; `None` for a week
    /// with no working day up to the report day (a Spring Festival week), which has no
    /// report.
    pub fn due(&self, day: NaiveDate, calendar: &Calendar) -> Answer<Option<NaiveDateTime>> {
        let monday = week_of(day);
        let report_day = monday + Duration::days(i64::from(self.weekday.num_days_from_monday()));
        let time = NaiveTime::from_hms_opt(self.hour.min(23), 0, 0).unwrap_or(NaiveTime::MIN);
        calendar
            .workday_on_or_before(report_day)
            .map(|d| (d >= monday).then(|| d.and_time(time)))
    }
}

/// Where a unit's report of a week stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportStatus {
    /// Sent before the due time.
    OnTime,
    /// Sent after it.
    Late,
    /// Not sent, and the due time has passed (叫号).
    Missing,
    /// Not sent yet, and not yet due.
    Pending,
}

crate::codes! {
    ReportStatus {
        OnTime = "on_time",
        Late = "late",
        Missing = "missing",
        Pending = "pending",
    }
}

impl ReportStatus {
    /// Where a report stands: sent when (Beijing time), due when, now.
    pub fn of(sent: Option<NaiveDateTime>, due: NaiveDateTime, now: NaiveDateTime) -> ReportStatus {
        match sent {
            Some(at) if at <= due => ReportStatus::OnTime,
            Some(_) => ReportStatus::Late,
            None if now > due => ReportStatus::Missing,
            None => ReportStatus::Pending,
        }
    }
}

/// The days of the week, Monday first: the report day is chosen from these, never
/// typed as a number.
pub const WEEKDAYS: [Weekday; 7] = [
    Weekday::Mon,
    Weekday::Tue,
    Weekday::Wed,
    Weekday::Thu,
    Weekday::Fri,
    Weekday::Sat,
    Weekday::Sun,
];

/// What ends a sentence in a report: Chinese and Western full stops, question and
/// exclamation marks, the semicolon that closes a clause in a list, and a line break
/// (each line of a pre-filled report is one progress entry).
fn ends_sentence(c: char) -> bool {
    matches!(c, '。' | '！' | '？' | '；' | '!' | '?' | ';' | '\n')
}

/// Closing quotes and brackets stay with the sentence they close.
fn closes(c: char) -> bool {
    matches!(c, '”' | '’' | '」' | '』' | '）' | ')' | '"' | '\'' | '》')
}

/// A report's sentences, whole and trimmed, empty ones left out.
pub fn sentences(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        if !ends_sentence(c) {
            continue;
        }
        let mut end = i + c.len_utf8();
        while let Some(&(j, next)) = chars.peek() {
            if !closes(next) {
                break;
            }
            end = j + next.len_utf8();
            chars.next();
        }
        out.push(&text[start..end]);
        start = end;
    }
    out.push(&text[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .collect()
}

/// What the office's summary draft (一周一汇总) quotes of a unit's report: its
/// sentences from the start, each whole, while they fit in about `budget` characters —
/// the first always, however long — so that no sentence is cut in the middle. A heading
/// with nothing after it ("下周计划：" left empty) is left out. Lines are joined with a
/// semicolon where they end without a stop. The flag says whether sentences were left
/// out (the draft then points to the full report).
pub fn excerpt(text: &str, budget: usize) -> (String, bool) {
    let all = sentences(text);
    let mut out = String::new();
    let mut used = 0;
    let mut taken = 0;
    for (k, s) in all.iter().enumerate() {
        let n = s.chars().count();
        if taken > 0 && used + n > budget {
            break;
        }
        let last = k + 1 == all.len();
        if last && (s.ends_with('：') || s.ends_with(':')) {
            taken += 1;
            break;
        }
        if let Some(prev) = out.chars().last()
            && !ends_sentence(prev)
            && !closes(prev)
            && prev != '：'
            && prev != ':'
        {
            out.push('；');
        }
        out.push_str(s);
        used += n;
        taken += 1;
    }
    if let Some(prev) = out.chars().last()
        && !ends_sentence(prev)
        && !closes(prev)
    {
        out.push('。');
    }
    (out, taken < all.len())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn a_summary_covers_the_weeks_from_the_first_inspection_to_this_one() {
        let today = d(2024, 6, 5); // a Wednesday
        let first = Some(d(2024, 3, 14)); // a Thursday
        for ok in [today, d(2024, 6, 9), d(2024, 3, 11), d(2024, 4, 1)] {
            assert_eq!(check_summary_week(ok, today, first), Ok(()), "{ok}");
        }
        assert_eq!(
            check_summary_week(d(2024, 6, 10), today, first)
                .unwrap_err()
                .why,
            Why::Rule(Rule::WeekAhead)
        );
        for early in [d(2024, 3, 10), d(1990, 1, 1)] {
            assert_eq!(
                check_summary_week(early, today, first).unwrap_err(),
                FieldError::because(
                    "week",
                    Why::Rule(Rule::WeekBeforeLedger {
                        first: d(2024, 3, 11)
                    })
                )
            );
        }
        // Without an inspection only this week may be summarised.
        assert_eq!(check_summary_week(today, today, None), Ok(()));
        assert!(check_summary_week(d(2024, 5, 27), today, None).is_err());
    }

    #[test]
    fn due_on_friday_at_ten_or_the_working_day_before_a_holiday_friday() {
        let c = Calendar::official();
        let rule = WeeklyRule::default();
        let due = |day| rule.due(day, &c).strict().unwrap();
        // An ordinary week: Friday 14 June 2024, 10:00; any day names its week.
        assert_eq!(
            due(d(2024, 6, 10)),
            Some(d(2024, 6, 14).and_hms_opt(10, 0, 0).unwrap())
        );
        assert_eq!(due(d(2024, 6, 16)), due(d(2024, 6, 10)));
        assert_eq!(week_of(d(2024, 6, 16)), d(2024, 6, 10));
        // National Day week 2024: Friday 4 October is off, so Monday 30 September.
        assert_eq!(
            due(d(2024, 10, 2)),
            Some(d(2024, 9, 30).and_hms_opt(10, 0, 0).unwrap())
        );
        // Qingming 2024: Friday 5 April is off, so Wednesday 3 April.
        assert_eq!(due(d(2024, 4, 1)).unwrap().date(), d(2024, 4, 3));
        // Spring Festival 2024: 10–17 February off. The week of 12 February has no
        // working day up to its Friday: no report that week.
        assert_eq!(due(d(2024, 2, 12)), None);
        assert_eq!(due(d(2024, 2, 5)).unwrap().date(), d(2024, 2, 9));
        // A Thursday 17:00 rule.
        let thursday = WeeklyRule {
            weekday: Weekday::Thu,
            hour: 17,
        };
        assert_eq!(
            thursday.due(d(2024, 6, 10), &c).value,
            Some(d(2024, 6, 13).and_hms_opt(17, 0, 0).unwrap())
        );
        // Every week of 2020–2026 has its report on a working day of that week, or none.
        let mut day = d(2020, 1, 6);
        while day < d(2026, 12, 14) {
            if let Some(at) = due(day) {
                assert_eq!(week_of(at.date()), day, "{day}");
                assert!(c.is_workday(at.date()).value, "{day}");
            }
            day += Duration::days(7);
        }
    }

    #[test]
    fn on_time_late_missing_pending() {
        let due = d(2024, 6, 14).and_hms_opt(10, 0, 0).unwrap();
        let at = |h, m| d(2024, 6, 14).and_hms_opt(h, m, 0).unwrap();
        assert_eq!(
            ReportStatus::of(Some(at(9, 59)), due, at(12, 0)),
            ReportStatus::OnTime
        );
        assert_eq!(
            ReportStatus::of(Some(at(10, 0)), due, at(12, 0)),
            ReportStatus::OnTime
        );
        assert_eq!(
            ReportStatus::of(Some(at(10, 1)), due, at(12, 0)),
            ReportStatus::Late
        );
        assert_eq!(
            ReportStatus::of(None, due, at(10, 1)),
            ReportStatus::Missing
        );
        assert_eq!(ReportStatus::of(None, due, at(9, 0)), ReportStatus::Pending);
    }
    #[test]
    fn an_excerpt_keeps_whole_sentences_only() {
        // Short: all of it, lines joined, the empty heading left out.
        let report =
            "2024-04-22 清理银行账户：已销户2个。\n2024-04-23 修订制度：初稿完成\n下周计划：\n";
        let (text, cut) = excerpt(report, 200);
        assert_eq!(
            text,
            "2024-04-22 清理银行账户：已销户2个。2024-04-23 修订制度：初稿完成。"
        );
        assert!(!cut);
        // Long: whole sentences up to the budget, never a part of one.
        let long = "第一句话说明本周完成了三项工作。第二句话很长很长很长很长很长很长很长很长很长很长很长。第三句！";
        let (text, cut) = excerpt(long, 20);
        assert_eq!(text, "第一句话说明本周完成了三项工作。");
        assert!(cut);
        // A first sentence longer than the budget is kept whole.
        let (text, cut) = excerpt("一二三四五六七八九十一二三四五六七八九十。后面。", 5);
        assert_eq!(text, "一二三四五六七八九十一二三四五六七八九十。");
        assert!(cut);
        // Quotes close with their sentence; every excerpt is a run of whole sentences.
        let quoted = "他说：“已经整改完毕。”随后提交了材料；办公室审核。";
        assert_eq!(
            sentences(quoted),
            vec!["他说：“已经整改完毕。”", "随后提交了材料；", "办公室审核。"]
        );
        for budget in 0..60 {
            let (text, _) = excerpt(quoted, budget);
            assert!(quoted.starts_with(text.as_str()), "{budget}: {text}");
            assert!(text.ends_with('”') || text.ends_with('；') || text.ends_with('。'));
        }
        assert_eq!(excerpt("", 10), (String::new(), false));
    }

    #[test]
    fn the_weekdays_run_monday_first() {
        for (k, d) in WEEKDAYS.iter().enumerate() {
            assert_eq!(d.num_days_from_monday() as usize, k);
        }
    }
}
