//! The state of a measure: what is stored (its progress state) and what is derived
//! from it, its deadline and today (overdue is never stored, DOMAIN lifecycle).
//!
//! Why this file passes 600 lines: the standing rules are about 385 lines; the rest is
//! their exhaustive tests, kept beside the rules they check.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::deadline::{Deadline, DeadlineKind};

/// The stored progress state of a measure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum MeasureState {
    /// 挂号 — registered, no progress yet.
    Registered,
    /// 整改中 — work under way.
    InProgress,
    /// 已完成 — done, with its evidence.
    Done,
}

crate::codes! {
    MeasureState {
        Registered = "registered",
        InProgress = "in_progress",
        Done = "done",
    }
}

/// Where a measure stands today: derived, never stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case", tag = "standing")]
pub enum Standing {
    /// Done by its deadline.
    DoneOnTime,
    /// Done after its deadline.
    DoneLate,
    /// 长期坚持 — never overdue.
    LongTerm,
    /// 长期坚持 without progress for longer than the review interval.
    LongTermStale {
        /// Days since the last progress entry; `None` when there has been none.
        days_without_progress: Option<i64>,
    },
    /// 立行立改 and not yet done.
    Immediate,
    /// Not due yet.
    NotDue,
    /// Due within the warning window.
    DueSoon {
        /// Calendar days left, 0 on the day itself.
        days_left: i64,
    },
    /// Past its deadline and not done.
    Overdue {
        /// Calendar days past the deadline.
        days: i64,
    },
}

/// The filters a ledger offers on standing; each one is a condition the SQL layer can
/// state too (`storage::ledger`), and [`Standing::matches`] is its reference.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StandingFilter {
    /// Not done.
    Open,
    /// Done.
    Done,
    /// Past the deadline and not done.
    Overdue,
    /// Due within the warning window.
    DueSoon,
    /// 长期坚持.
    LongTerm,
    /// 长期坚持 without progress for longer than the organisation's interval.
    ReviewDue,
}

crate::codes! {
    StandingFilter {
        Open = "open",
        Done = "done",
        Overdue = "overdue",
        DueSoon = "due_soon",
        LongTerm = "long_term",
        ReviewDue = "review_due",
    }
}

/// The windows a standing is derived with: an organisation's own, from its warning
/// rules ([`crate::warning::WarningRules::windows`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Windows {
    /// Due soon from this many days before the deadline: the green window (三色预警),
    /// so that a measure is due soon exactly when the warnings colour it green or
    /// yellow, and the ledger's "due soon" and the warning board never disagree.
    pub due_soon_days: u32,
    /// 长期坚持 — days a long-term measure may go without progress before it is marked.
    pub long_term_days: u32,
}

/// 长期坚持 — what a long-term measure's periodic review is counted from: it needs
/// progress every so often (the organisation's interval), never by a deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Activity {
    /// 挂号 — the day the measure was registered (Beijing time).
    pub registered_on: NaiveDate,
    /// The day of its latest progress entry, if it has one.
    pub last_progress: Option<NaiveDate>,
}

/// A long-term measure that has gone longer than its interval without progress.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ReviewDue {
    /// The day the quiet spell runs from: the last progress, or the registration.
    pub since: NaiveDate,
    /// Days since then.
    pub quiet_days: i64,
    /// Which interval has passed: 1 for the first, 2 once twice as long, and so on
    /// (each is reminded once).
    pub interval_count: i64,
}

/// When a long-term measure's next progress is due, as its page shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Review {
    /// The last day of the current interval: progress is due by then.
    #[schema(value_type = String, format = Date)]
    pub by: NaiveDate,
    /// The organisation's interval (days).
    pub every_days: u32,
}

impl Activity {
    /// The day the quiet spell runs from: the last progress, or the registration while
    /// there is none (a measure registered last week has not missed a review yet).
    pub fn since(self) -> NaiveDate {
        self.last_progress.unwrap_or(self.registered_on)
    }

    /// When the next progress is due, every `interval_days`.
    pub fn review(self, interval_days: u32) -> Review {
        Review {
            by: self.since() + chrono::Duration::days(i64::from(interval_days.max(1))),
            every_days: interval_days,
        }
    }

    /// Whether the measure is due for review on `today` (past [`Activity::review`]'s
    /// day), every `interval_days`.
    pub fn review_due(self, today: NaiveDate, interval_days: u32) -> Option<ReviewDue> {
        let since = self.since();
        let quiet_days = (today - since).num_days();
        let interval = i64::from(interval_days.max(1));
        (quiet_days > interval).then_some(ReviewDue {
            since,
            quiet_days,
            interval_count: quiet_days / interval,
        })
    }
}

impl Standing {
    /// Derives the standing of a measure, by its organisation's windows.
    pub fn of(
        state: MeasureState,
        deadline: &Deadline,
        done_on: Option<NaiveDate>,
        activity: Activity,
        today: NaiveDate,
        windows: Windows,
    ) -> Standing {
        match (state, deadline.kind, deadline.date) {
            (MeasureState::Done, _, Some(due)) if done_on.is_some_and(|d| d > due) => {
                Standing::DoneLate
            }
            (MeasureState::Done, _, _) => Standing::DoneOnTime,
            (_, DeadlineKind::LongTerm, _) => {
                match activity.review_due(today, windows.long_term_days) {
                    Some(_) => Standing::LongTermStale {
                        days_without_progress: activity
                            .last_progress
                            .map(|d| (today - d).num_days()),
                    },
                    None => Standing::LongTerm,
                }
            }
            (_, DeadlineKind::Immediate, _) | (_, DeadlineKind::Dated, None) => Standing::Immediate,
            (_, DeadlineKind::Dated, Some(due)) => {
                let left = (due - today).num_days();
                if left < 0 {
                    Standing::Overdue { days: -left }
                } else if left <= i64::from(windows.due_soon_days) {
                    Standing::DueSoon { days_left: left }
                } else {
                    Standing::NotDue
                }
            }
        }
    }

    /// Whether this standing passes a ledger filter.
    pub fn matches(self, filter: StandingFilter) -> bool {
        let done = matches!(self, Standing::DoneOnTime | Standing::DoneLate);
        match filter {
            StandingFilter::Open => !done,
            StandingFilter::Done => done,
            StandingFilter::Overdue => matches!(self, Standing::Overdue { .. }),
            StandingFilter::DueSoon => matches!(self, Standing::DueSoon { .. }),
            StandingFilter::LongTerm => {
                matches!(self, Standing::LongTerm | Standing::LongTermStale { .. })
            }
            StandingFilter::ReviewDue => matches!(self, Standing::LongTermStale { .. }),
        }
    }

    /// A short code for styling and the API.
    pub fn code(self) -> &'static str {
        match self {
            Standing::DoneOnTime => "done_on_time",
            Standing::DoneLate => "done_late",
            Standing::LongTerm => "long_term",
            Standing::LongTermStale { .. } => "long_term_stale",
            Standing::Immediate => "immediate",
            Standing::NotDue => "not_due",
            Standing::DueSoon { .. } => "due_soon",
            Standing::Overdue { .. } => "overdue",
        }
    }
}

/// 完成情况 — what a ledger's status column says of a measure (已完成, 正在推进, 长期坚持
/// …), read when a ledger is imported so that the measure starts in the state its
/// office already recorded instead of 挂号.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReportedStatus {
    /// 未启动 — nothing done yet.
    NotStarted,
    /// 正在推进 — work under way.
    Ongoing,
    /// 长期坚持 / 持续整改 — done as far as it can be, kept up for good.
    LongTerm,
    /// 已完成 / 已整改.
    Done,
}

/// The words of each status, most telling first: a cell is read by the first group with
/// a word it contains, so "基本完成" is under way before "完成" could call it done, and
/// "未完成" is not done.
const STATUS_WORDS: [(ReportedStatus, &[&str]); 4] = [
    (
        ReportedStatus::NotStarted,
        &[
            "未启动",
            "未开始",
            "尚未启动",
            "尚未开展",
            "未开展",
            "待启动",
            "待办理",
        ],
    ),
    (
        ReportedStatus::LongTerm,
        &[
            "长期坚持",
            "持续整改",
            "长期整改",
            "常态化",
            "长效",
            "久久为功",
        ],
    ),
    (
        ReportedStatus::Ongoing,
        &[
            "未完成",
            "未整改",
            "未办结",
            "正在",
            "推进中",
            "整改中",
            "进行中",
            "基本完成",
            "部分完成",
            "部分整改",
            "阶段性",
            "有序推进",
            "按计划推进",
            "持续推进",
            "按序时推进",
            "稳步推进",
            "序时推进",
            "取得进展",
            "初见成效",
            "已启动",
            "落实中",
        ],
    ),
    (
        ReportedStatus::Done,
        &[
            "已完成",
            "已整改",
            "已办结",
            "已落实",
            "已销号",
            "整改完毕",
            "整改到位",
            "整改完成",
            "完成整改",
            "已解决",
            "办结",
            "完成",
        ],
    ),
];

crate::codes! {
    ReportedStatus {
        NotStarted = "not_started",
        Ongoing = "ongoing",
        LongTerm = "long_term",
        Done = "done",
    }
}

impl ReportedStatus {
    /// Reads a status cell: its words, or a percentage ("100%" done, "60%" under way,
    /// "0%" not started). `None` when empty or when it says none of these (a narrative
    /// of what was done, which the office reads itself).
    pub fn read(cell: &str) -> Option<ReportedStatus> {
        let text: String = cell.chars().filter(|c| !c.is_whitespace()).collect();
        if text.is_empty() {
            return None;
        }
        if let Some(number) = text.strip_suffix('%').or_else(|| text.strip_suffix('％'))
            && let Ok(p) = number.parse::<f64>()
        {
            return Some(if p >= 100.0 {
                Self::Done
            } else if p > 0.0 {
                Self::Ongoing
            } else {
                Self::NotStarted
            });
        }
        STATUS_WORDS
            .iter()
            .find(|(_, words)| words.iter().any(|w| text.contains(w)))
            .map(|(s, _)| *s)
    }

    /// The state a measure starts in: a long-term one is under way, never done.
    pub fn measure_state(self) -> MeasureState {
        match self {
            Self::NotStarted => MeasureState::Registered,
            Self::Ongoing | Self::LongTerm => MeasureState::InProgress,
            Self::Done => MeasureState::Done,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::Precision;
    use crate::warning::{Colour, WarningRules};

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn defaults() -> Windows {
        WarningRules::default().windows()
    }

    /// A measure registered long before any day these tests look at, without progress.
    fn registered_long_ago() -> Activity {
        Activity {
            registered_on: d(2000, 1, 1),
            last_progress: None,
        }
    }

    fn dated(due: NaiveDate) -> Deadline {
        Deadline {
            text: "x".into(),
            kind: DeadlineKind::Dated,
            date: Some(due),
            precision: Some(Precision::Day),
        }
    }

    #[test]
    fn derives_standing_around_the_deadline() {
        let due = d(2024, 4, 30);
        let s = |state, today, done_on| {
            Standing::of(
                state,
                &dated(due),
                done_on,
                registered_long_ago(),
                today,
                defaults(),
            )
        };
        assert_eq!(
            s(MeasureState::InProgress, d(2024, 3, 1), None),
            Standing::NotDue
        );
        assert_eq!(
            s(MeasureState::InProgress, d(2024, 4, 10), None),
            Standing::DueSoon { days_left: 20 }
        );
        assert_eq!(
            s(MeasureState::InProgress, d(2024, 4, 30), None),
            Standing::DueSoon { days_left: 0 }
        );
        assert_eq!(
            s(MeasureState::Registered, d(2024, 5, 2), None),
            Standing::Overdue { days: 2 }
        );
        assert_eq!(
            s(MeasureState::Done, d(2024, 5, 2), Some(d(2024, 4, 30))),
            Standing::DoneOnTime
        );
        assert_eq!(
            s(MeasureState::Done, d(2024, 5, 2), Some(d(2024, 5, 1))),
            Standing::DoneLate
        );
    }

    #[test]
    fn long_term_is_never_overdue() {
        let deadline = Deadline {
            text: "长期坚持".into(),
            kind: DeadlineKind::LongTerm,
            date: None,
            precision: None,
        };
        let on = |last_progress| Activity {
            registered_on: d(2098, 1, 1),
            last_progress,
        };
        let standing = |activity, windows| {
            Standing::of(
                MeasureState::InProgress,
                &deadline,
                None,
                activity,
                d(2099, 1, 1),
                windows,
            )
        };
        let recent = standing(on(Some(d(2098, 12, 1))), defaults());
        assert_eq!(recent, Standing::LongTerm);
        let stale = standing(on(Some(d(2098, 9, 1))), defaults());
        assert_eq!(
            stale,
            Standing::LongTermStale {
                days_without_progress: Some(122)
            }
        );
        let never = standing(on(None), defaults());
        assert_eq!(
            never,
            Standing::LongTermStale {
                days_without_progress: None
            }
        );
        // Registered last month, no progress yet: not a missed review.
        let new = Activity {
            registered_on: d(2098, 12, 1),
            last_progress: None,
        };
        assert_eq!(standing(new, defaults()), Standing::LongTerm);
        // An organisation that wants progress every 30 days.
        let monthly = Windows {
            long_term_days: 30,
            ..defaults()
        };
        for (last, fresh) in [(d(2098, 12, 2), true), (d(2098, 12, 1), false)] {
            let s = standing(on(Some(last)), monthly);
            assert_eq!(s == Standing::LongTerm, fresh, "{last}: {s:?}");
        }
        for s in [recent, stale, never] {
            assert!(!s.matches(StandingFilter::Overdue));
            assert!(s.matches(StandingFilter::Open) && s.matches(StandingFilter::LongTerm));
        }
    }

    /// Every interval the rules allow, every quiet spell up to three years, with and
    /// without progress: due exactly when the spell is longer than the interval, once
    /// per interval, counted from the last progress or else the registration; and the
    /// ledger marks exactly the measures due.
    #[test]
    fn a_review_is_due_once_per_interval_from_the_last_progress_or_the_registration() {
        let registered_on = d(2024, 3, 1);
        let deadline = Deadline {
            text: "长期坚持".into(),
            kind: DeadlineKind::LongTerm,
            date: None,
            precision: None,
        };
        for interval in 7..=366u32 {
            let windows = Windows {
                long_term_days: interval,
                ..defaults()
            };
            for last_progress in [
                None,
                Some(d(2024, 2, 20)),
                Some(registered_on),
                Some(d(2024, 4, 15)),
            ] {
                let activity = Activity {
                    registered_on,
                    last_progress,
                };
                let since = last_progress.unwrap_or(registered_on);
                let mut counts = Vec::new();
                for offset in 0..=1100 {
                    let today = since + chrono::Duration::days(offset);
                    let due = activity.review_due(today, interval);
                    assert_eq!(
                        due.is_some(),
                        offset > i64::from(interval),
                        "{interval} {offset}"
                    );
                    assert_eq!(due.is_some(), today > activity.review(interval).by);
                    if let Some(due) = due {
                        assert_eq!((due.since, due.quiet_days), (since, offset));
                        assert_eq!(due.interval_count, offset / i64::from(interval));
                        counts.push(due.interval_count);
                    }
                    let standing = Standing::of(
                        MeasureState::InProgress,
                        &deadline,
                        None,
                        activity,
                        today,
                        windows,
                    );
                    assert_eq!(
                        matches!(standing, Standing::LongTermStale { .. }),
                        due.is_some()
                    );
                }
                // Each interval is counted once, none skipped.
                counts.dedup();
                let expected: Vec<i64> = (1..=1100 / i64::from(interval)).collect();
                assert_eq!(counts, expected, "{interval}");
            }
        }
    }

    #[test]
    fn filters_partition_done_and_open() {
        let all = [
            Standing::DoneOnTime,
            Standing::DoneLate,
            Standing::LongTerm,
            Standing::LongTermStale {
                days_without_progress: None,
            },
            Standing::Immediate,
            Standing::NotDue,
            Standing::DueSoon { days_left: 3 },
            Standing::Overdue { days: 3 },
        ];
        for s in all {
            assert_ne!(
                s.matches(StandingFilter::Open),
                s.matches(StandingFilter::Done),
                "{s:?}"
            );
            if s.matches(StandingFilter::Overdue) || s.matches(StandingFilter::DueSoon) {
                assert!(s.matches(StandingFilter::Open));
            }
        }
        for f in StandingFilter::ALL {
            assert_eq!(StandingFilter::from_code(f.code()), Some(f));
        }
    }

    #[test]
    fn due_soon_and_overdue_are_the_warning_colours_for_every_window() {
        let due = d(2024, 4, 30);
        for green_days in [1, 2, 10, 20, 30, 90, 180] {
            let rules = WarningRules {
                green_days,
                yellow_days: 1,
                ..WarningRules::default()
            };
            for offset in -200..=200 {
                let today = due + chrono::Duration::days(offset);
                for state in MeasureState::ALL {
                    let standing = Standing::of(
                        state,
                        &dated(due),
                        None,
                        registered_long_ago(),
                        today,
                        rules.windows(),
                    );
                    let colour = rules.colour(&dated(due), state, today);
                    assert_eq!(
                        standing.matches(StandingFilter::DueSoon),
                        matches!(colour, Some(Colour::Green | Colour::Yellow)),
                        "{green_days} days, {today}, {state:?}"
                    );
                    assert_eq!(
                        standing.matches(StandingFilter::Overdue),
                        colour == Some(Colour::Red),
                        "{green_days} days, {today}, {state:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn reads_the_words_offices_write_in_their_status_column() {
        use ReportedStatus::*;
        for (cell, reading) in [
            ("已完成", Some(Done)),
            ("已整改", Some(Done)),
            ("已整改到位", Some(Done)),
            ("整改完毕", Some(Done)),
            ("已办结", Some(Done)),
            ("完成", Some(Done)),
            ("已完成。制定了《公务用车管理办法》", Some(Done)),
            ("正在推进", Some(Ongoing)),
            ("正在整改", Some(Ongoing)),
            ("整改中", Some(Ongoing)),
            ("基本完成", Some(Ongoing)),
            ("部分完成", Some(Ongoing)),
            ("未完成", Some(Ongoing)),
            ("已完成阶段性目标", Some(Ongoing)),
            ("长期坚持", Some(LongTerm)),
            ("持续整改", Some(LongTerm)),
            ("已完成，长期坚持", Some(LongTerm)),
            ("常态化推进", Some(LongTerm)),
            ("未启动", Some(NotStarted)),
            ("待办理", Some(NotStarted)),
            ("推进中", Some(Ongoing)),
            ("未整改", Some(Ongoing)),
            ("尚未启动", Some(NotStarted)),
            ("100%", Some(Done)),
            ("60%", Some(Ongoing)),
            ("0％", Some(NotStarted)),
            ("", None),
            ("  ", None),
            // The words of the published status columns and counts in
            // `docs/ledger-headers.md` (sources 6, 19 and 33–39).
            ("部分整改", Some(Ongoing)),
            ("已完成整改", Some(Done)),
            ("完成整改", Some(Done)),
            ("已整改完毕", Some(Done)),
            ("长期整改", Some(LongTerm)),
            ("需长期整改和长效管控", Some(LongTerm)),
            ("尚未整改", Some(Ongoing)),
            ("基本完成取得阶段性成果并持续整改", Some(LongTerm)),
            ("已经完成，长期坚持", Some(LongTerm)),
            ("阶段性办结", Some(Ongoing)),
            ("未办结", Some(Ongoing)),
            ("正在有序推进中", Some(Ongoing)),
            ("整改推进中有一定难度", Some(Ongoing)),
            ("正在办理", Some(Ongoing)),
            ("见附件", None),
            ("制定了管理办法并印发", None),
        ] {
            assert_eq!(ReportedStatus::read(cell), reading, "{cell}");
        }
        assert_eq!(Done.measure_state(), MeasureState::Done);
        assert_eq!(LongTerm.measure_state(), MeasureState::InProgress);
        assert_eq!(Ongoing.measure_state(), MeasureState::InProgress);
        assert_eq!(NotStarted.measure_state(), MeasureState::Registered);
    }
}
