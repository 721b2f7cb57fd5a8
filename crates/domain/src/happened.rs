//! A date of something that has already happened lies on or before the day it is
//! recorded: the Party committee's meeting that approved a plan (党委审批), the decision
//! that held someone accountable (问责决定), a rule issued, money recovered, a hearing or a
//! supervision round held. A date ahead would record as done what has
//! not yet been decided, and the as-of figures would count it before its day.

use chrono::NaiveDate;

use crate::validate::{FieldError, Why};

/// What the date records.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Event {
    /// 党委（党组）会议审批整改方案 — the meeting that approved a plan.
    PlanApproved,
    /// 问责决定 — the decision holding a person or unit accountable.
    AccountabilityDecided,
    /// 建章立制 — a rule issued (印发).
    InstitutionIssued,
    /// 清退/追缴 — money recovered.
    MoneyRecovered,
    /// 督导调度会 — a progress hearing held.
    HearingHeld,
    /// 督查 — a supervision round held.
    RoundHeld,
    /// 整改进展 — work done on a measure.
    ProgressMade,
    /// 阶段目标完成 — a milestone reached.
    MilestoneReached,
    /// 巡视巡察反馈 — the inspection's findings handed over (its feedback date).
    FeedbackGiven,
    /// 信访件接收 — a petition received with the feedback.
    PetitionReceived,
    /// 信访件办结 — a petition concluded.
    PetitionConcluded,
    /// 民主生活会召开 — a democratic life meeting held.
    MeetingHeld,
}

impl Event {
    /// Every event.
    pub const ALL: [Event; 12] = [
        Event::PlanApproved,
        Event::AccountabilityDecided,
        Event::InstitutionIssued,
        Event::MoneyRecovered,
        Event::HearingHeld,
        Event::RoundHeld,
        Event::ProgressMade,
        Event::MilestoneReached,
        Event::FeedbackGiven,
        Event::PetitionReceived,
        Event::PetitionConcluded,
        Event::MeetingHeld,
    ];

    /// The form's and the API's field that carries the date.
    pub fn field(self) -> &'static str {
        match self {
            Event::PlanApproved => "meeting_date",
            Event::AccountabilityDecided => "decided_on",
            Event::InstitutionIssued => "issued_on",
            Event::MoneyRecovered => "recovered_on",
            Event::HearingHeld | Event::RoundHeld | Event::MeetingHeld => "held_on",
            Event::ProgressMade => "happened_on",
            Event::MilestoneReached => "done_on",
            Event::FeedbackGiven => "feedback_date",
            Event::PetitionReceived => "received_on",
            Event::PetitionConcluded => "concluded_on",
        }
    }
}

/// A date of what happened that lies after the day it is recorded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the date {date} is after {day}, the day it is recorded: give {day} or earlier")]
pub struct NotYet {
    /// What the date records.
    pub event: Event,
    /// The date given.
    pub date: NaiveDate,
    /// The day it is recorded: the latest date allowed.
    pub day: NaiveDate,
}

impl NotYet {
    /// The refusal at the field that carried the date.
    pub fn field_error(&self) -> FieldError {
        FieldError::because(self.event.field(), Why::NotYet(*self))
    }
}

/// A date of what happened that lies before what it follows (a plan approved at a
/// meeting held before the plan was compiled for it).
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the date {date} is before {earliest}, the day of the step it follows: give {earliest} or later"
)]
pub struct TooSoon {
    /// What the date records.
    pub event: Event,
    /// The date given.
    pub date: NaiveDate,
    /// The day of the step it follows: the earliest date allowed.
    pub earliest: NaiveDate,
}

impl TooSoon {
    /// The refusal at the field that carried the date.
    pub fn field_error(&self) -> FieldError {
        FieldError::because(self.event.field(), Why::TooSoon(*self))
    }
}

/// A date of what happened that lies before the inspection it belongs to began (1990
/// typed for 2026): nothing of a rectification happens before its inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the date {date} is before {start}, when the inspection began: check the year")]
pub struct BeforeInspection {
    /// What the date records.
    pub event: Event,
    /// The date given.
    pub date: NaiveDate,
    /// The day the inspection began (its period's start, else its feedback).
    pub start: NaiveDate,
}

impl BeforeInspection {
    /// The refusal at the field that carried the date.
    pub fn field_error(&self) -> FieldError {
        FieldError::because(self.event.field(), Why::BeforeInspection(*self))
    }
}

/// Checks the date of `event` against the day its inspection began, if known.
pub fn check_since(
    event: Event,
    date: NaiveDate,
    start: Option<NaiveDate>,
) -> Result<(), BeforeInspection> {
    match start {
        Some(start) if date < start => Err(BeforeInspection { event, date, start }),
        _ => Ok(()),
    }
}

/// An inspection's start moved past something its rectification already recorded as
/// happened (巡视巡察开始日期晚于已登记的进展、成效): the records would then lie
/// before their inspection, which [`check_since`] refuses when they are entered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{} of {} ({}) lies before the new start {}: give {} or earlier, or correct that record first", .first.event.field(), .record, .first.date, .first.start, .first.date)]
pub struct StartAfterRecorded {
    /// The earliest record that would lie before the new start, with the new start.
    pub first: BeforeInspection,
    /// The record's own words (the measure's content, the decision's subject …).
    pub record: String,
    /// The inspection's field that carries the start: `period_start`, else
    /// `feedback_date`.
    pub field: &'static str,
}

impl StartAfterRecorded {
    /// The refusal at the inspection's field that carried the start.
    pub fn field_error(&self) -> FieldError {
        FieldError::because(self.field, Why::StartAfterRecorded(Box::new(self.clone())))
    }
}

/// Checks an inspection's new start against the earliest of what its rectification
/// recorded as happened (`earliest`: the event, its date and the record's words): the
/// same rule as [`check_since`], seen from the inspection's side.
pub fn check_start(
    field: &'static str,
    start: NaiveDate,
    earliest: Option<(Event, NaiveDate, String)>,
) -> Result<(), StartAfterRecorded> {
    let Some((event, date, record)) = earliest else {
        return Ok(());
    };
    check_since(event, date, Some(start)).map_err(|first| StartAfterRecorded {
        first,
        record,
        field,
    })
}

/// Checks the date of `event` against the day of the step it follows, if any.
pub fn check_after(
    event: Event,
    date: NaiveDate,
    earliest: Option<NaiveDate>,
) -> Result<(), TooSoon> {
    match earliest {
        Some(earliest) if date < earliest => Err(TooSoon {
            event,
            date,
            earliest,
        }),
        _ => Ok(()),
    }
}

/// Checks the date of `event`, recorded on `day`: that day or earlier.
pub fn check(event: Event, date: NaiveDate, day: NaiveDate) -> Result<(), NotYet> {
    if date > day {
        Err(NotYet { event, date, day })
    } else {
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(n: i64) -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 1, 1).unwrap() + chrono::Duration::days(n)
    }

    #[test]
    fn nothing_happens_before_its_inspection_began() {
        for e in Event::ALL {
            assert_eq!(check_since(e, day(10), Some(day(10))), Ok(()));
            assert_eq!(check_since(e, day(0), None), Ok(()));
            let err = check_since(e, day(9), Some(day(10))).unwrap_err();
            assert_eq!(err.field_error().field, e.field());
            assert_eq!(err.field_error().why, Why::BeforeInspection(err));
        }
    }

    #[test]
    fn the_day_itself_and_before_are_allowed_the_day_after_is_not() {
        for e in Event::ALL {
            assert_eq!(check(e, day(10), day(10)), Ok(()));
            assert_eq!(check(e, day(9), day(10)), Ok(()));
            let err = check(e, day(11), day(10)).unwrap_err();
            assert_eq!((err.date, err.day, err.event), (day(11), day(10), e));
            let fe = err.field_error();
            assert_eq!(fe.field, e.field());
            assert_eq!(fe.why, Why::NotYet(err));
        }
    }

    #[test]
    fn an_inspection_may_not_start_after_what_it_recorded() {
        let first = Some((Event::ProgressMade, day(10), "清理账户".to_string()));
        assert_eq!(check_start("period_start", day(10), first.clone()), Ok(()));
        assert_eq!(check_start("period_start", day(11), None), Ok(()));
        let err = check_start("feedback_date", day(11), first).unwrap_err();
        assert_eq!(
            err.first,
            BeforeInspection {
                event: Event::ProgressMade,
                date: day(10),
                start: day(11)
            }
        );
        assert_eq!(err.field_error().field, "feedback_date");
    }

    #[test]
    fn a_date_before_the_step_it_follows_is_refused() {
        let e = Event::PlanApproved;
        assert_eq!(check_after(e, day(5), None), Ok(()));
        assert_eq!(check_after(e, day(5), Some(day(5))), Ok(()));
        let err = check_after(e, day(4), Some(day(5))).unwrap_err();
        assert_eq!(err.field_error().why, Why::TooSoon(err));
    }

    proptest! {
        #[test]
        fn refused_exactly_when_after_the_day(d in -1000i64..1000, t in -1000i64..1000) {
            for e in Event::ALL {
                prop_assert_eq!(check(e, day(d), day(t)).is_err(), d > t);
            }
        }
    }
}
