//! 周报 (D8): every lead unit reports each week before a set weekday and hour (default
//! Friday 10:00, Beijing time); when that day is a holiday the report is due on the
//! last working day before it. The office sees who reported on time, who late and who
//! not at all (叫号).

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, Weekday};
use serde::{Deserialize, Serialize};

use crate::calendar::{Answer, Calendar};

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

    /// Its code.
    pub fn code(self) -> &'static str {
        match self {
            ReportStatus::OnTime => "on_time",
            ReportStatus::Late => "late",
            ReportStatus::Missing => "missing",
            ReportStatus::Pending => "pending",
        }
    }

    /// Its name in Chinese.
    pub fn label_zh(self) -> &'static str {
        match self {
            ReportStatus::OnTime => "按时报送",
            ReportStatus::Late => "逾时报送",
            ReportStatus::Missing => "未报送",
            ReportStatus::Pending => "待报送",
        }
    }

    /// Its name in English.
    pub fn label_en(self) -> &'static str {
        match self {
            ReportStatus::OnTime => "On time",
            ReportStatus::Late => "Late",
            ReportStatus::Missing => "Missing",
            ReportStatus::Pending => "Not yet due",
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
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
}
