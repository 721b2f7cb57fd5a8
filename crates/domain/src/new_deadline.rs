//! A deadline set after the fact (事后设定的时限) lies on or after the day it is set:
//! 留号 (限时办结), 回炉, an extension asked for and approved (延期), a milestone
//! (阶段目标), a measure added to an approved plan (补充措施), and a measure drafted
//! or redated on the form before the plan is approved (拟定措施: a ledger of past
//! work comes in by import, which keeps its dates as written). One already past would
//! make the measure 逾期 the moment it is set and leave it "逾期完成" for ever.
//! The day of the step itself is allowed: a deadline is missed only the day after it
//! (`status`).

use chrono::NaiveDate;

use crate::lifecycle::Action;
use crate::validate::{FieldError, Why};

/// Where a deadline is set after the fact.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Setting {
    /// 留号 — the office returns a closure request with a new deadline (限时办结).
    ReturnClosure,
    /// 回炉 — a look-back reopens a closed problem with a new deadline.
    Reopen,
    /// 延期申请 — the lead unit proposes a later deadline.
    RequestExtension,
    /// 批准延期 — the leader approves the proposed deadline, on a later day.
    ApproveExtension,
    /// 阶段目标 — a milestone of a long measure.
    Milestone,
    /// 补充措施 — a measure added once the plan is approved.
    SupplementaryMeasure,
    /// 拟定措施 — a measure drafted, or its deadline changed, before the plan is approved.
    DraftMeasure,
}

impl Setting {
    /// Every setting.
    pub const ALL: [Setting; 7] = [
        Setting::ReturnClosure,
        Setting::Reopen,
        Setting::RequestExtension,
        Setting::ApproveExtension,
        Setting::Milestone,
        Setting::SupplementaryMeasure,
        Setting::DraftMeasure,
    ];

    /// The form's and the API's field that carries the deadline.
    pub fn field(self) -> &'static str {
        match self {
            Setting::Milestone => "due_text",
            _ => "deadline",
        }
    }
}

/// A new deadline before the day it is set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error(
    "the new deadline ({deadline}) of {setting:?} falls before {day}, the day it is set: choose {day} or later"
)]
pub struct TooEarly {
    /// Where.
    pub setting: Setting,
    /// The deadline asked for.
    pub deadline: NaiveDate,
    /// The day of the step: the earliest deadline allowed.
    pub day: NaiveDate,
}

impl TooEarly {
    /// The refusal at the field that carried the deadline, saying which day is the
    /// earliest allowed (worded in zhenggai-web `i18n`).
    pub fn field_error(&self) -> FieldError {
        FieldError::because(self.setting.field(), Why::TooEarly(*self))
    }
}

/// Checks a deadline set on `day`: that day or later.
pub fn check(setting: Setting, deadline: NaiveDate, day: NaiveDate) -> Result<(), TooEarly> {
    if deadline < day {
        Err(TooEarly {
            setting,
            deadline,
            day,
        })
    } else {
        Ok(())
    }
}

/// The deadline a lifecycle action sets after the fact, if it sets one.
pub fn of_action(action: &Action) -> Option<(Setting, NaiveDate)> {
    match action {
        Action::ReturnClosure { deadline, .. } => Some((Setting::ReturnClosure, *deadline)),
        Action::Reopen { deadline, .. } => Some((Setting::Reopen, *deadline)),
        Action::RequestExtension { to, .. } => Some((Setting::RequestExtension, *to)),
        Action::Extend { to, .. } => Some((Setting::ApproveExtension, *to)),
        _ => None,
    }
}

/// Checks the deadline a lifecycle action sets on `day`, if it sets one.
pub fn check_action(action: &Action, day: NaiveDate) -> Result<(), TooEarly> {
    match of_action(action) {
        Some((setting, deadline)) => check(setting, deadline, day),
        None => Ok(()),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::UnitId;
    use crate::lifecycle::{Party, Survey};
    use proptest::prelude::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    /// Every action, with `deadline` wherever one is carried.
    fn every_action(deadline: NaiveDate) -> Vec<Action> {
        let text = || "x".to_string();
        vec![
            Action::Claim,
            Action::Dispute { reason: text() },
            Action::Assign {
                unit: UnitId(2),
                reason: text(),
            },
            Action::AddMeasure,
            Action::SubmitPlan,
            Action::SignPlan,
            Action::CompilePlan,
            Action::ApprovePlan {
                meeting: text(),
                on: d(2000, 1, 1),
            },
            Action::ReturnPlan { reason: text() },
            Action::AddLongTermMeasure,
            Action::MeasureDone,
            Action::LongTermMeasureDone,
            Action::ClosePhase { summary: text() },
            Action::RequestExtension {
                to: deadline,
                reason: text(),
            },
            Action::Extend {
                to: deadline,
                reason: text(),
            },
            Action::RefuseExtension { reason: text() },
            Action::RequestClosure {
                report: text(),
                evidence: 1,
            },
            Action::RecordAcceptance {
                party: Party::InspectionOffice,
                signer: text(),
            },
            Action::RecordSurvey {
                survey: Survey {
                    surveyed: 1,
                    satisfied: 1,
                },
                method: text(),
            },
            Action::PostResult { place: text() },
            Action::SignClosure,
            Action::AcceptClosure,
            Action::ReturnClosure {
                reason: text(),
                deadline,
            },
            Action::Confirm,
            Action::Reopen {
                reason: text(),
                deadline,
            },
        ]
    }

    #[test]
    fn every_setting_refuses_the_day_before_and_takes_the_day_itself_and_after() {
        let day = d(2024, 6, 3);
        for s in Setting::ALL {
            for (deadline, ok) in [
                (d(2000, 1, 1), false),
                (d(2024, 5, 31), false),
                (d(2024, 6, 2), false),
                (day, true),
                (d(2024, 6, 4), true),
                (d(2030, 12, 31), true),
            ] {
                assert_eq!(check(s, deadline, day).is_ok(), ok, "{s:?} {deadline}");
            }
        }
    }

    #[test]
    fn the_refusal_names_the_field_and_the_earliest_day_in_both_languages() {
        for s in Setting::ALL {
            let e = check(s, d(2024, 6, 1), d(2024, 6, 3)).unwrap_err();
            let f = e.field_error();
            assert_eq!(f.field, s.field());
            assert_eq!(f.why, Why::TooEarly(e));
            assert_eq!((e.deadline, e.day), (d(2024, 6, 1), d(2024, 6, 3)));
        }
        assert_eq!(Setting::Milestone.field(), "due_text");
        assert_eq!(Setting::Reopen.field(), "deadline");
    }

    #[test]
    fn exactly_the_actions_that_carry_a_new_deadline_are_checked() {
        let day = d(2024, 6, 3);
        let past = d(2024, 6, 2);
        for a in every_action(past) {
            let sets = matches!(
                a,
                Action::ReturnClosure { .. }
                    | Action::Reopen { .. }
                    | Action::RequestExtension { .. }
                    | Action::Extend { .. }
            );
            assert_eq!(of_action(&a).is_some(), sets, "{a:?}");
            assert_eq!(check_action(&a, day).is_err(), sets, "{a:?}");
            assert!(check_action(&a, past).is_ok(), "{a:?}");
        }
        for a in every_action(day) {
            assert!(check_action(&a, day).is_ok(), "{a:?}");
        }
        assert_eq!(
            of_action(&Action::Extend {
                to: day,
                reason: "x".into()
            }),
            Some((Setting::ApproveExtension, day))
        );
    }

    proptest! {
        #[test]
        fn a_deadline_is_refused_exactly_when_it_is_before_the_day(a in 0i64..40_000, b in 0i64..40_000) {
            let base = d(1949, 10, 1);
            let (deadline, day) = (base + chrono::Duration::days(a), base + chrono::Duration::days(b));
            for s in Setting::ALL {
                let r = check(s, deadline, day);
                prop_assert_eq!(r.is_err(), deadline < day);
                if let Err(e) = r {
                    prop_assert_eq!(e.day, day);
                    prop_assert_eq!(e.deadline, deadline);
                }
            }
        }
    }
}
