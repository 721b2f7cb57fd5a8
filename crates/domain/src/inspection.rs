//! Inspections and the sources of problems.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::happened::{self, Event};
use crate::reason::Rule;
use crate::validate::{FieldError, Why};

/// The kind of an inspection round (巡视、巡察、审计 …).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    /// 巡视 — by a central or provincial inspection group.
    Xunshi,
    /// 巡察 — by a city or county inspection group.
    Xuncha,
    /// 审计 — an audit.
    Audit,
    /// 督查 — a supervision round.
    Supervision,
    /// 自查 — self-inspection.
    SelfInspection,
    /// 民主生活会 — a democratic life meeting.
    DemocraticMeeting,
    /// 其他 — any other source.
    Other,
}

crate::codes! {
    InspectionKind {
        Xunshi = "xunshi",
        Xuncha = "xuncha",
        Audit = "audit",
        Supervision = "supervision",
        SelfInspection = "self_inspection",
        DemocraticMeeting = "democratic_meeting",
        Other = "other",
    }
}

/// Where a problem came from (D2): handed over by the inspection, or found by the
/// organisation itself (自查自纠、举一反三).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ProblemSource {
    /// 巡察反馈 — in the feedback.
    Inspection,
    /// 自查发现 — found by the organisation itself.
    SelfFound,
}

crate::codes! {
    ProblemSource {
        Inspection = "inspection",
        SelfFound = "self_found",
    }
}

/// The dates of an inspection in their order: the group is stationed (进驻) from
/// `period_start` to `period_end`, then hands over its findings (反馈) on `feedback`,
/// which has happened by `today`, the day it is recorded. Each refusal is at the field
/// that breaks the order. The deadlines are counted from the feedback within the terms'
/// bounds (`schedule::Terms`), so a feedback date not ahead keeps them within a year or
/// so of today.
pub fn check_dates(
    period_start: Option<NaiveDate>,
    period_end: Option<NaiveDate>,
    feedback: NaiveDate,
    today: NaiveDate,
) -> Vec<FieldError> {
    let mut errors = Vec::new();
    for (field, day) in [("period_start", period_start), ("period_end", period_end)] {
        if day.is_some_and(|d| d > today) {
            errors.push(FieldError::because(
                field,
                Why::Rule(Rule::StationedAhead { today }),
            ));
        }
    }
    if let (Some(s), Some(e)) = (period_start, period_end)
        && e < s
    {
        errors.push(FieldError::because(
            "period_end",
            Why::Rule(Rule::PeriodReversed),
        ));
    }
    if let Some(last) = period_end.or(period_start)
        && feedback < last
    {
        errors.push(FieldError::because(
            "feedback_date",
            Why::Rule(Rule::FeedbackBeforeStationed { last }),
        ));
    }
    if let Err(e) = happened::check(Event::FeedbackGiven, feedback, today) {
        errors.push(e.field_error());
    }
    errors
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(n)
    }

    fn fields(errors: &[FieldError]) -> Vec<&str> {
        errors.iter().map(|e| e.field.as_str()).collect()
    }

    #[test]
    fn each_date_out_of_order_is_refused_at_its_field() {
        let today = day(100);
        assert!(check_dates(Some(day(0)), Some(day(10)), day(40), today).is_empty());
        assert!(check_dates(None, None, today, today).is_empty());
        // Stationed backwards.
        assert_eq!(
            fields(&check_dates(Some(day(10)), Some(day(0)), day(40), today)),
            ["period_end"]
        );
        // Feedback before the group left; with only a start, before it came.
        let e = check_dates(Some(day(0)), Some(day(10)), day(9), today);
        assert_eq!(fields(&e), ["feedback_date"]);
        assert_eq!(
            e[0].why,
            Why::Rule(Rule::FeedbackBeforeStationed { last: day(10) })
        );
        assert_eq!(
            fields(&check_dates(Some(day(5)), None, day(4), today)),
            ["feedback_date"]
        );
        // Stationed ahead (2027 for 2026): each day refused at its field, with the
        // feedback that must follow it.
        let e = check_dates(Some(day(101)), Some(day(105)), day(106), today);
        assert_eq!(fields(&e), ["period_start", "period_end", "feedback_date"]);
        assert_eq!(e[0].why, Why::Rule(Rule::StationedAhead { today }));
        assert_eq!(
            fields(&check_dates(Some(day(90)), Some(day(101)), day(100), today)),
            ["period_end", "feedback_date"]
        );
        // Feedback ahead (2100 for 2025): not yet given.
        let ahead = NaiveDate::from_ymd_opt(2100, 1, 1).unwrap();
        let e = check_dates(None, None, ahead, today);
        assert_eq!(fields(&e), ["feedback_date"]);
        assert!(matches!(e[0].why, Why::NotYet(n) if n.event == Event::FeedbackGiven));
    }

    proptest! {
        /// Refused exactly when the order start ≤ end ≤ feedback ≤ today is broken, each
        /// break at its own field.
        #[test]
        fn refused_exactly_when_out_of_order(
            s in proptest::option::of(-50i64..50),
            e in proptest::option::of(-50i64..50),
            f in -50i64..50,
            t in -50i64..50,
        ) {
            let errors = check_dates(s.map(day), e.map(day), day(f), day(t));
            let got = fields(&errors);
            prop_assert_eq!(got.contains(&"period_start"), s.is_some_and(|s| s > t));
            prop_assert_eq!(
                got.contains(&"period_end"),
                matches!((s, e), (Some(s), Some(e)) if e < s) || e.is_some_and(|e| e > t)
            );
            prop_assert_eq!(got.contains(&"feedback_date"), e.or(s).is_some_and(|l| f < l) || f > t);
        }
    }

    #[test]
    fn codes_round_trip() {
        for k in InspectionKind::ALL {
            assert_eq!(InspectionKind::from_code(k.code()), Some(k));
        }
        for s in ProblemSource::ALL {
            assert_eq!(ProblemSource::from_code(s.code()), Some(s));
        }
        assert_eq!(InspectionKind::from_code("巡视"), None);
    }
}
