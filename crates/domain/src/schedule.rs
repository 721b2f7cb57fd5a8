//! An inspection's deadlines (D1) and the internal nodes scheduled backwards from its
//! report (倒排, D6): the plan N working days after feedback, completion and the report
//! M months after it, the concentrated phase (集中整改期), and — counted back from the
//! report — when units submit, when the office has drafted, and a pre-review window of
//! at least a week.

use chrono::{Duration, Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::calendar::Calendar;
use crate::deadline::{Deadline, DeadlineKind};
use crate::reason::{Bounds, Rule};
use crate::status::Standing;
use crate::validate::{FieldError, Why};

/// Working days the office keeps for pre-review before the report is due: a week.
pub const PRE_REVIEW_WORKDAYS: i64 = 5;
/// Working days the office needs to draft the report from the units' material.
pub const DRAFTING_WORKDAYS: i64 = 5;

/// The terms an inspection sets from its feedback date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Terms {
    /// 整改方案 within this many working days of feedback.
    pub plan_workdays: u32,
    /// 整改 completed, and its report due, this many months after feedback.
    pub completion_months: u32,
    /// 集中整改期: this many months after feedback.
    pub concentrated_months: u32,
}

impl Default for Terms {
    /// S1: the plan within a set number of working days (commonly 30), completion and
    /// the report within two months, the concentrated phase the same two months.
    fn default() -> Self {
        Terms {
            plan_workdays: 30,
            completion_months: 2,
            concentrated_months: 2,
        }
    }
}

impl Terms {
    /// Checks terms as entered.
    pub fn check(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Vec::new();
        if !(1..=120).contains(&self.plan_workdays) {
            errors.push(FieldError::because(
                "plan_workdays",
                Why::Bounds(Bounds::PlanWorkdays),
            ));
        }
        if !(1..=12).contains(&self.completion_months) {
            errors.push(FieldError::because(
                "completion_months",
                Why::Bounds(Bounds::CompletionMonths),
            ));
        }
        if self.concentrated_months == 0 || self.concentrated_months > self.completion_months {
            errors.push(FieldError::because(
                "concentrated_months",
                Why::Bounds(Bounds::ConcentratedMonths),
            ));
        }
        if errors.is_empty() {
            Ok(())
        } else {
            Err(errors)
        }
    }

    /// The last day of the concentrated phase.
    pub fn concentrated_until(&self, feedback: NaiveDate) -> Option<NaiveDate> {
        feedback.checked_add_months(Months::new(self.concentrated_months))
    }
}

/// A node of an inspection's timeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum NodeKind {
    /// 反馈 — the feedback meeting.
    Feedback,
    /// 整改方案报送.
    PlanDue,
    /// 集中整改期结束.
    ConcentratedEnd,
    /// 各责任单位报送整改情况 — counted back from the report.
    UnitsSubmit,
    /// 整改办形成报告初稿, and the pre-review window opens.
    OfficeDraft,
    /// 整改完成并报送整改报告.
    ReportDue,
}

crate::codes! {
    NodeKind {
        Feedback = "feedback",
        PlanDue = "plan_due",
        ConcentratedEnd = "concentrated_end",
        UnitsSubmit = "units_submit",
        OfficeDraft = "office_draft",
        ReportDue = "report_due",
    }
}

/// A dated node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Node {
    /// What falls due.
    pub kind: NodeKind,
    /// On which day (a working day, except the feedback itself).
    pub date: NaiveDate,
}

/// An inspection's timeline, in date order, and the years it had to assume the
/// ordinary week for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Timeline {
    /// The nodes.
    pub nodes: Vec<Node>,
    /// Years without holiday data that the dates depend on.
    pub assumed_years: Vec<i32>,
}

impl Timeline {
    /// The timeline of an inspection fed back on `feedback`.
    pub fn of(feedback: NaiveDate, terms: &Terms, calendar: &Calendar) -> Timeline {
        let mut assumed = Vec::new();
        let mut take = |answer: crate::calendar::Answer<NaiveDate>| {
            assumed.extend(answer.assumed);
            answer.value
        };
        let plan = take(calendar.add_workdays(feedback, i64::from(terms.plan_workdays)));
        let month_end = |months: u32| {
            feedback
                .checked_add_months(Months::new(months))
                .unwrap_or(feedback)
        };
        // A period ending on a day off ends on the working day before it.
        let report = take(calendar.workday_on_or_before(month_end(terms.completion_months)));
        let concentrated =
            take(calendar.workday_on_or_before(month_end(terms.concentrated_months)));
        // Backwards from the report: a pre-review window of at least a week (five
        // working days and never fewer than seven calendar days), drafting before it.
        let by_workdays = take(calendar.add_workdays(report, -PRE_REVIEW_WORKDAYS));
        let draft = by_workdays.min(report - Duration::days(7));
        let draft = take(calendar.workday_on_or_before(draft));
        let units = take(calendar.add_workdays(draft, -DRAFTING_WORKDAYS));
        let mut nodes = vec![
            Node {
                kind: NodeKind::Feedback,
                date: feedback,
            },
            Node {
                kind: NodeKind::PlanDue,
                date: plan,
            },
            Node {
                kind: NodeKind::ConcentratedEnd,
                date: concentrated,
            },
            Node {
                kind: NodeKind::UnitsSubmit,
                date: units,
            },
            Node {
                kind: NodeKind::OfficeDraft,
                date: draft,
            },
            Node {
                kind: NodeKind::ReportDue,
                date: report,
            },
        ];
        nodes.sort_by_key(|n| (n.date, n.kind));
        assumed.sort_unstable();
        assumed.dedup();
        Timeline {
            nodes,
            assumed_years: assumed,
        }
    }

    /// The date of a node.
    pub fn date(&self, kind: NodeKind) -> Option<NaiveDate> {
        self.nodes.iter().find(|n| n.kind == kind).map(|n| n.date)
    }
}

/// 分阶段目标 (S10): whether a measure runs longer than `months` months from the
/// feedback date and so must carry milestones of its own. Only dated measures: an
/// immediate one is done at once, and a long-term one (长期坚持) has no end to split —
/// it is reviewed periodically instead.
pub fn needs_milestones(feedback: NaiveDate, deadline: &Deadline, months: u32) -> bool {
    match (deadline.kind, deadline.date) {
        (DeadlineKind::Dated, Some(due)) => feedback
            .checked_add_months(Months::new(months))
            .is_some_and(|limit| due > limit),
        _ => false,
    }
}

/// A milestone splits the road ahead of a measure still open: one done (or 立行立改,
/// done at once, with no road to split) takes none.
pub fn check_milestone_measure(standing: Standing) -> Result<(), Rule> {
    match standing {
        Standing::DoneOnTime | Standing::DoneLate | Standing::Immediate => {
            Err(Rule::MilestoneNotOpen)
        }
        Standing::LongTerm
        | Standing::LongTermStale { .. }
        | Standing::NotDue
        | Standing::DueSoon { .. }
        | Standing::Overdue { .. } => Ok(()),
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
    fn milestones_only_on_open_measures() {
        for s in [
            Standing::DoneOnTime,
            Standing::DoneLate,
            Standing::Immediate,
        ] {
            assert_eq!(check_milestone_measure(s), Err(Rule::MilestoneNotOpen));
        }
        for s in [
            Standing::NotDue,
            Standing::DueSoon { days_left: 3 },
            Standing::Overdue { days: 3 },
            Standing::LongTerm,
        ] {
            assert_eq!(check_milestone_measure(s), Ok(()));
        }
    }

    #[test]
    fn the_demo_inspections_timeline() {
        let calendar = Calendar::official();
        // Fed back on Friday 29 March 2024, default terms.
        let t = Timeline::of(d(2024, 3, 29), &Terms::default(), &calendar);
        assert!(t.assumed_years.is_empty());
        // 30 working days across Qingming (4–6 Apr off, Sunday 7 Apr worked) and May Day
        // (1–5 May off, Sunday 28 Apr and Saturday 11 May worked).
        assert_eq!(t.date(NodeKind::PlanDue), Some(d(2024, 5, 14)));
        // Two months: 29 May 2024, a Wednesday.
        assert_eq!(t.date(NodeKind::ReportDue), Some(d(2024, 5, 29)));
        assert_eq!(t.date(NodeKind::ConcentratedEnd), Some(d(2024, 5, 29)));
        // Five working days back: 22 May; at least a week holds.
        assert_eq!(t.date(NodeKind::OfficeDraft), Some(d(2024, 5, 22)));
        assert_eq!(t.date(NodeKind::UnitsSubmit), Some(d(2024, 5, 15)));
        let dates: Vec<NaiveDate> = t.nodes.iter().map(|n| n.date).collect();
        let mut sorted = dates.clone();
        sorted.sort();
        assert_eq!(dates, sorted);
    }

    #[test]
    fn a_report_due_in_a_holiday_falls_due_before_it_and_the_window_stays_a_week() {
        let calendar = Calendar::official();
        // Fed back on 3 August 2024: two months end on Thursday 3 October, in the
        // National Day holiday; the report is due Monday 30 September.
        let t = Timeline::of(d(2024, 8, 3), &Terms::default(), &calendar);
        assert_eq!(t.date(NodeKind::ReportDue), Some(d(2024, 9, 30)));
        let draft = t.date(NodeKind::OfficeDraft).unwrap();
        assert!(d(2024, 9, 30) - draft >= Duration::days(7), "{draft}");
        assert!(calendar.is_workday(draft).value);
        let units = t.date(NodeKind::UnitsSubmit).unwrap();
        assert_eq!(
            calendar.workdays_between(units, draft).value,
            DRAFTING_WORKDAYS
        );
        // Over every feedback day of three years: the nodes are working days, in order,
        // with a pre-review window of at least a week.
        let mut day = d(2022, 1, 1);
        while day < d(2026, 6, 1) {
            for terms in [
                Terms::default(),
                Terms {
                    plan_workdays: 15,
                    completion_months: 6,
                    concentrated_months: 3,
                },
            ] {
                let t = Timeline::of(day, &terms, &calendar);
                let report = t.date(NodeKind::ReportDue).unwrap();
                let draft = t.date(NodeKind::OfficeDraft).unwrap();
                let units = t.date(NodeKind::UnitsSubmit).unwrap();
                assert!(units < draft && draft < report, "{day}");
                assert!(report - draft >= Duration::days(7), "{day}");
                for n in &t.nodes[1..] {
                    if n.kind != NodeKind::Feedback {
                        assert!(
                            calendar.is_workday(n.date).value,
                            "{day}: {:?} {}",
                            n.kind,
                            n.date
                        );
                    }
                }
            }
            day = day.succ_opt().unwrap();
        }
    }

    #[test]
    fn a_timeline_into_a_year_without_data_says_so() {
        let t = Timeline::of(d(2026, 11, 20), &Terms::default(), &Calendar::official());
        assert_eq!(t.assumed_years, vec![2027]);
    }

    #[test]
    fn terms_are_checked() {
        assert_eq!(Terms::default().check(), Ok(()));
        let bad = Terms {
            plan_workdays: 0,
            completion_months: 13,
            concentrated_months: 14,
        };
        let fields: Vec<String> = bad
            .check()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            ["plan_workdays", "completion_months", "concentrated_months"]
        );
        assert_eq!(
            Terms::default().concentrated_until(d(2024, 3, 29)),
            Some(d(2024, 5, 29))
        );
    }

    #[test]
    fn measures_longer_than_the_limit_need_milestones() {
        let feedback = NaiveDate::from_ymd_opt(2024, 3, 15).unwrap();
        let dated = |y, m, d| Deadline {
            text: "x".into(),
            kind: DeadlineKind::Dated,
            date: NaiveDate::from_ymd_opt(y, m, d),
            precision: None,
        };
        // Six months from 15 March is 15 September: on it, no; a day after, yes.
        assert!(!needs_milestones(feedback, &dated(2024, 9, 15), 6));
        assert!(needs_milestones(feedback, &dated(2024, 9, 16), 6));
        assert!(!needs_milestones(feedback, &dated(2024, 9, 16), 7));
        // From 31 August, one month ends on 30 September.
        let end_of_month = NaiveDate::from_ymd_opt(2024, 8, 31).unwrap();
        assert!(!needs_milestones(end_of_month, &dated(2024, 9, 30), 1));
        assert!(needs_milestones(end_of_month, &dated(2024, 10, 1), 1));
        let long_term = Deadline {
            kind: DeadlineKind::LongTerm,
            date: None,
            ..dated(2030, 1, 1)
        };
        assert!(!needs_milestones(feedback, &long_term, 1));
        let immediate = Deadline {
            kind: DeadlineKind::Immediate,
            ..dated(2030, 1, 1)
        };
        assert!(!needs_milestones(feedback, &immediate, 1));
    }
}
