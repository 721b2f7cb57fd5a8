//! 三色预警 — three-colour warnings that widen as a deadline nears and passes, and
//! 序时进度 — whether work keeps pace with the time elapsed.
//!
//! An organisation sets from how many days before a deadline a measure turns green
//! and yellow (red: overdue) and who is warned at each colour; recipients widen with
//! lateness, so each colour reaches at least everyone the colour before it reached.

use chrono::NaiveDate;
use serde::Serialize;

use crate::calendar::{Answer, Calendar};
use crate::deadline::{Deadline, DeadlineKind};
use crate::reason::Bounds;
use crate::status::{MeasureState, Windows};
use crate::validate::{FieldError, Why};

/// A warning's colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Colour {
    /// 绿色 — the deadline is near.
    Green,
    /// 黄色 — the deadline is close.
    Yellow,
    /// 红色 — overdue.
    Red,
}

crate::codes! {
    Colour {
        Green = "green",
        Yellow = "yellow",
        Red = "red",
    }
}

/// Who a warning reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Recipient {
    /// 责任单位经办人 — the lead unit's accounts, who carry the measure.
    Handler,
    /// 分管领导 — the measure's responsible leader (or the leaders in charge of its unit).
    #[serde(rename = "leader")]
    LeaderInCharge,
    /// 党委书记 — the organisation's Party secretary, as its rules name them.
    Secretary,
}

crate::codes! {
    Recipient {
        Handler = "handler",
        LeaderInCharge = "leader",
        Secretary = "secretary",
    }
}

/// An organisation's warning rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct WarningRules {
    /// Green from this many days before the deadline.
    pub green_days: u32,
    /// Yellow from this many days before the deadline.
    pub yellow_days: u32,
    /// Who green reaches.
    pub green: Vec<Recipient>,
    /// Who yellow reaches.
    pub yellow: Vec<Recipient>,
    /// Who red reaches.
    pub red: Vec<Recipient>,
    /// 提前提醒 — further reminders this many days before the deadline, besides the
    /// day a measure turns green and the day it turns yellow (e.g. 3 and 1).
    pub remind_days: Vec<u32>,
    /// Days between repeated reminders of an overdue measure, until it is done.
    pub repeat_days: u32,
    /// 分阶段目标 (S10) — a measure running longer than this many months must carry
    /// its own milestones.
    pub milestone_months: u32,
    /// 长期坚持 — days a long-term measure may go without a progress entry before the
    /// ledgers mark it.
    pub long_term_days: u32,
}

impl Default for WarningRules {
    /// 20 days green to the handler, 10 days yellow with the leader in charge, overdue
    /// red with the Party secretary too ("What practice adds").
    fn default() -> Self {
        WarningRules {
            green_days: Self::DEFAULT_GREEN_DAYS,
            yellow_days: 10,
            green: vec![Recipient::Handler],
            yellow: vec![Recipient::Handler, Recipient::LeaderInCharge],
            red: vec![
                Recipient::Handler,
                Recipient::LeaderInCharge,
                Recipient::Secretary,
            ],
            remind_days: vec![3, 1],
            repeat_days: 1,
            milestone_months: 6,
            long_term_days: Self::DEFAULT_LONG_TERM_DAYS,
        }
    }
}

/// Where a measure stands against the warning rules today.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Warning {
    /// The colour.
    pub colour: Colour,
    /// The deadline.
    pub due: NaiveDate,
    /// Calendar days left (0 on the day; negative once overdue).
    pub days_left: i64,
    /// Working days overdue, by the official calendar (0 until overdue).
    pub overdue_workdays: i64,
    /// Years the working-day count had to assume the ordinary week for.
    pub assumed_years: Vec<i32>,
}

impl WarningRules {
    /// The green window of an organisation that has not set its own.
    pub const DEFAULT_GREEN_DAYS: u32 = 20;

    /// The long-term review interval of an organisation that has not set its own.
    pub const DEFAULT_LONG_TERM_DAYS: u32 = 90;

    /// The windows a measure's standing is derived with.
    pub fn windows(&self) -> Windows {
        Windows {
            due_soon_days: self.green_days,
            long_term_days: self.long_term_days,
        }
    }

    /// Checks rules as entered: yellow nearer than green, each colour reaching
    /// someone and at least everyone the milder colour reaches.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=180).contains(&self.green_days) {
            errors.push(FieldError::because(
                "green_days",
                Why::Bounds(Bounds::GreenDays),
            ));
        }
        if self.yellow_days == 0 || self.yellow_days >= self.green_days {
            errors.push(FieldError::because(
                "yellow_days",
                Why::Bounds(Bounds::YellowDays),
            ));
        }
        for (colour, list, milder) in [
            (Colour::Green, &self.green, None),
            (Colour::Yellow, &self.yellow, Some(&self.green)),
            (Colour::Red, &self.red, Some(&self.yellow)),
        ] {
            let field = format!("{}_to", colour.code());
            if list.is_empty() {
                errors.push(FieldError::because(
                    &field,
                    Why::Bounds(Bounds::NoRecipient(colour)),
                ));
            } else if milder.is_some_and(|m| m.iter().any(|r| !list.contains(r))) {
                errors.push(FieldError::because(
                    &field,
                    Why::Bounds(Bounds::NarrowerThanMilder(colour)),
                ));
            }
        }
        if self.remind_days.iter().any(|d| *d >= self.green_days) || self.remind_days.len() > 10 {
            errors.push(FieldError::because(
                "remind_days",
                Why::Bounds(Bounds::RemindDays),
            ));
        }
        if !(1..=30).contains(&self.repeat_days) {
            errors.push(FieldError::because(
                "repeat_days",
                Why::Bounds(Bounds::RepeatDays),
            ));
        }
        if !(1..=36).contains(&self.milestone_months) {
            errors.push(FieldError::because(
                "milestone_months",
                Why::Bounds(Bounds::MilestoneMonths),
            ));
        }
        if !(7..=366).contains(&self.long_term_days) {
            errors.push(FieldError::because(
                "long_term_days",
                Why::Bounds(Bounds::LongTermDays),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The reminder mark a measure with `days_left` has reached: the nearest of the
    /// green and yellow thresholds, the reminder days and the day itself (0) that is
    /// not before it. Each mark is reminded once; a mark that fell on a day off is
    /// overtaken by the next, so a person never gets two reminders in one day.
    pub fn mark(&self, days_left: i64) -> Option<u32> {
        if days_left < 0 {
            return None;
        }
        [self.green_days, self.yellow_days, 0]
            .into_iter()
            .chain(self.remind_days.iter().copied())
            .filter(|m| i64::from(*m) >= days_left)
            .min()
    }

    /// Who a colour reaches.
    pub fn recipients(&self, colour: Colour) -> &[Recipient] {
        match colour {
            Colour::Green => &self.green,
            Colour::Yellow => &self.yellow,
            Colour::Red => &self.red,
        }
    }

    /// The colour of a dated measure that is not done; `None` before the green window,
    /// for done measures, and for immediate and long-term ones (which have no date).
    pub fn colour(
        &self,
        deadline: &Deadline,
        state: MeasureState,
        today: NaiveDate,
    ) -> Option<Colour> {
        let due = match (state, deadline.kind, deadline.date) {
            (MeasureState::Done, _, _) => return None,
            (_, DeadlineKind::Dated, Some(due)) => due,
            _ => return None,
        };
        let left = (due - today).num_days();
        if left < 0 {
            Some(Colour::Red)
        } else if left <= i64::from(self.yellow_days) {
            Some(Colour::Yellow)
        } else if left <= i64::from(self.green_days) {
            Some(Colour::Green)
        } else {
            None
        }
    }

    /// The warning of a measure today, with the working days it is overdue.
    pub fn assess(
        &self,
        calendar: &Calendar,
        deadline: &Deadline,
        state: MeasureState,
        today: NaiveDate,
    ) -> Option<Warning> {
        let colour = self.colour(deadline, state, today)?;
        let due = deadline.date?;
        let overdue: Answer<i64> = if today > due {
            calendar.workdays_between(due, today)
        } else {
            Answer {
                value: 0,
                assumed: Vec::new(),
            }
        };
        Some(Warning {
            colour,
            due,
            days_left: (due - today).num_days(),
            overdue_workdays: overdue.value,
            assumed_years: overdue.assumed,
        })
    }
}

/// 序时进度 — the share of the time elapsed against the share of the work done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Pace {
    /// Percent of the period from start to deadline elapsed today (0–100).
    pub elapsed: u8,
    /// Percent of the work reported done (0–100).
    pub done: u8,
    /// Whether the work lags the time.
    pub behind: bool,
}

/// The pace of work from `start` to `due` with `done` of `total` parts finished; none
/// while there is no part at all (an inspection whose ledger is still empty has done
/// nothing, not "100%").
pub fn pace(
    start: NaiveDate,
    due: NaiveDate,
    today: NaiveDate,
    done: u32,
    total: u32,
) -> Option<Pace> {
    if total == 0 {
        return None;
    }
    let span = (due - start).num_days().max(1);
    let gone = (today - start).num_days().clamp(0, span);
    let elapsed = u8::try_from(gone * 100 / span).unwrap_or(100);
    let done_share =
        u8::try_from(u64::from(done.min(total)) * 100 / u64::from(total)).unwrap_or(100);
    Some(Pace {
        elapsed,
        done: done_share,
        behind: done_share < elapsed,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use crate::deadline::Precision;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn dated(due: NaiveDate) -> Deadline {
        Deadline {
            text: "x".into(),
            kind: DeadlineKind::Dated,
            date: Some(due),
            precision: Some(Precision::Day),
        }
    }

    /// Every day from 40 days before a deadline to 20 after: no colour, then green
    /// from day −20, yellow from day −10, red from the day after.
    #[test]
    fn colours_change_on_the_right_days() {
        let rules = WarningRules::default();
        let due = d(2024, 10, 31);
        for offset in -40i64..=20 {
            let today = due + chrono::Duration::days(offset);
            let expected = match -offset {
                left if left < 0 => Some(Colour::Red),
                0..=10 => Some(Colour::Yellow),
                11..=20 => Some(Colour::Green),
                _ => None,
            };
            assert_eq!(
                rules.colour(&dated(due), MeasureState::InProgress, today),
                expected,
                "{today}"
            );
            assert_eq!(rules.colour(&dated(due), MeasureState::Done, today), None);
        }
        let custom = WarningRules {
            green_days: 30,
            yellow_days: 5,
            ..WarningRules::default()
        };
        assert_eq!(
            custom.colour(&dated(due), MeasureState::Registered, d(2024, 10, 1)),
            Some(Colour::Green)
        );
        assert_eq!(
            custom.colour(&dated(due), MeasureState::Registered, d(2024, 10, 25)),
            Some(Colour::Green)
        );
        assert_eq!(
            custom.colour(&dated(due), MeasureState::Registered, d(2024, 10, 26)),
            Some(Colour::Yellow)
        );
    }

    #[test]
    fn immediate_and_long_term_measures_have_no_colour() {
        let rules = WarningRules::default();
        for kind in [DeadlineKind::Immediate, DeadlineKind::LongTerm] {
            let deadline = Deadline {
                text: "x".into(),
                kind,
                date: None,
                precision: None,
            };
            assert_eq!(
                rules.colour(&deadline, MeasureState::InProgress, d(2030, 1, 1)),
                None
            );
        }
    }

    #[test]
    fn overdue_counts_working_days_across_national_day() {
        let rules = WarningRules::default();
        let calendar = Calendar::official();
        // Due Friday 27 Sep 2024; Sunday 29 Sep worked; 1–7 Oct off; Tuesday 8 Oct.
        let w = rules
            .assess(
                &calendar,
                &dated(d(2024, 9, 27)),
                MeasureState::InProgress,
                d(2024, 10, 8),
            )
            .unwrap();
        assert_eq!(w.colour, Colour::Red);
        assert_eq!(w.days_left, -11);
        assert_eq!(w.overdue_workdays, 3);
        assert!(w.assumed_years.is_empty());
        let w = rules
            .assess(
                &calendar,
                &dated(d(2024, 10, 8)),
                MeasureState::InProgress,
                d(2024, 10, 8),
            )
            .unwrap();
        assert_eq!((w.colour, w.overdue_workdays), (Colour::Yellow, 0));
        let w = rules
            .assess(
                &calendar,
                &dated(d(2026, 12, 31)),
                MeasureState::InProgress,
                d(2027, 1, 5),
            )
            .unwrap();
        assert_eq!(w.assumed_years, vec![2027]);
    }

    #[test]
    fn recipients_widen_with_lateness() {
        let rules = WarningRules::default();
        assert_eq!(rules.check(), Ok(()));
        assert_eq!(rules.recipients(Colour::Green), &[Recipient::Handler]);
        assert!(
            rules
                .recipients(Colour::Red)
                .contains(&Recipient::Secretary)
        );
        let narrowing = WarningRules {
            red: vec![Recipient::Secretary],
            ..WarningRules::default()
        };
        let errors = narrowing.check().unwrap_err();
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].field, "red_to");
        let bad_days = WarningRules {
            green_days: 10,
            yellow_days: 10,
            ..WarningRules::default()
        };
        assert_eq!(bad_days.check().unwrap_err()[0].field, "yellow_days");
        let nobody = WarningRules {
            green: vec![],
            ..WarningRules::default()
        };
        assert_eq!(nobody.check().unwrap_err()[0].field, "green_to");
        for r in Recipient::ALL {
            assert_eq!(Recipient::from_code(r.code()), Some(r));
        }
        for c in Colour::ALL {
            assert_eq!(Colour::from_code(c.code()), Some(c));
        }
    }

    /// Every day from 30 days before to the deadline: the mark reached each day, with
    /// the defaults (green 20, yellow 10, reminders 3 and 1, the day itself).
    #[test]
    fn reminder_marks_fall_on_the_thresholds_the_reminder_days_and_the_day() {
        let rules = WarningRules::default();
        let expected = |left: i64| match left {
            21.. => None,
            11..=20 => Some(20),
            4..=10 => Some(10),
            2..=3 => Some(3),
            1 => Some(1),
            0 => Some(0),
            _ => None,
        };
        for left in -5..=30 {
            assert_eq!(rules.mark(left), expected(left), "{left} days left");
        }
        let none = WarningRules {
            remind_days: vec![],
            ..WarningRules::default()
        };
        assert_eq!(none.mark(3), Some(10));
        assert_eq!(none.check(), Ok(()));
        let beyond = WarningRules {
            remind_days: vec![25],
            ..WarningRules::default()
        };
        assert_eq!(beyond.check().unwrap_err()[0].field, "remind_days");
        let never = WarningRules {
            repeat_days: 0,
            ..WarningRules::default()
        };
        assert_eq!(never.check().unwrap_err()[0].field, "repeat_days");
        let months = WarningRules {
            milestone_months: 0,
            ..WarningRules::default()
        };
        assert_eq!(months.check().unwrap_err()[0].field, "milestone_months");
    }

    #[test]
    fn pace_compares_time_elapsed_with_work_done() {
        let start = d(2024, 3, 1);
        let due = d(2024, 5, 1); // 61 days
        assert_eq!(
            pace(start, due, d(2024, 3, 31), 1, 4),
            Some(Pace {
                elapsed: 49,
                done: 25,
                behind: true
            })
        );
        assert_eq!(
            pace(start, due, d(2024, 3, 31), 2, 4),
            Some(Pace {
                elapsed: 49,
                done: 50,
                behind: false
            })
        );
        assert_eq!(
            pace(start, due, d(2024, 2, 1), 0, 4).map(|p| p.elapsed),
            Some(0)
        );
        assert_eq!(
            pace(start, due, d(2024, 9, 1), 4, 4),
            Some(Pace {
                elapsed: 100,
                done: 100,
                behind: false
            })
        );
        // Nothing to do is not everything done.
        assert_eq!(pace(start, start, start, 0, 0), None);
        assert_eq!(pace(start, due, d(2024, 9, 1), 0, 0), None);
    }
}
