//! 燃尽 — the open problems of an inspection day by day, against its completion
//! deadline (D14's burn-down): from the record of each problem's steps, so that the
//! line for a past week is what the ledger held then.

use chrono::{Duration, NaiveDate};

use crate::lifecycle::ProblemState;

/// One problem's record: when it entered the ledger, when it was withdrawn, and each
/// step's day with the state it led to, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProblemHistory {
    /// The day it entered the ledger.
    pub created: NaiveDate,
    /// The day it was withdrawn (撤回), if it was.
    pub withdrawn: Option<NaiveDate>,
    /// Each step: its day and the state it led to, in the order taken.
    pub steps: Vec<(NaiveDate, ProblemState)>,
}

impl ProblemHistory {
    /// Whether the problem was on the ledger and not closed (销号) at the end of `day`.
    pub fn open_on(&self, day: NaiveDate) -> bool {
        if self.created > day || self.withdrawn.is_some_and(|w| w <= day) {
            return false;
        }
        let state = self
            .steps
            .iter()
            .take_while(|(d, _)| *d <= day)
            .last()
            .map_or(ProblemState::Registered, |(_, s)| *s);
        !state.is_closed()
    }
}

/// The most points a line holds: a longer span is drawn a point every few days.
pub const MAX_POINTS: i64 = 366;

/// The open problems at the end of each day from `from` to `to` (both included), or of
/// every n-th day and the last when the span is longer than [`MAX_POINTS`] days.
pub fn burn_down(
    problems: &[ProblemHistory],
    from: NaiveDate,
    to: NaiveDate,
) -> Vec<(NaiveDate, u64)> {
    if to < from {
        return Vec::new();
    }
    let span = (to - from).num_days() + 1;
    let every = (span + MAX_POINTS - 1) / MAX_POINTS;
    let mut days: Vec<NaiveDate> = (0..span)
        .step_by(usize::try_from(every).unwrap_or(1).max(1))
        .map(|i| from + Duration::days(i))
        .collect();
    if days.last() != Some(&to) {
        days.push(to);
    }
    // Each problem changes the count only on the days it was entered, stepped or
    // withdrawn: the count is swept over those changes once, not asked of every problem
    // for every day (a year of a 2,000-problem inspection on every map was 730,000
    // questions).
    let mut changes = changes(problems);
    changes.sort_unstable_by_key(|(day, _)| *day);
    let mut next = changes.iter().peekable();
    let mut open: i64 = 0;
    days.into_iter()
        .map(|d| {
            while let Some((_, delta)) = next.next_if(|(day, _)| *day <= d) {
                open += delta;
            }
            (d, u64::try_from(open).unwrap_or(0))
        })
        .collect()
}

/// The days on which each problem's being open changed, with +1 or −1: it can change
/// only on a day it was entered, stepped or withdrawn, and on each such day it is what
/// [`ProblemHistory::open_on`] says.
fn changes(problems: &[ProblemHistory]) -> Vec<(NaiveDate, i64)> {
    let mut out = Vec::with_capacity(problems.len() * 2);
    let mut days = Vec::new();
    for p in problems {
        days.clear();
        days.push(p.created);
        days.extend(p.steps.iter().map(|(d, _)| *d));
        days.extend(p.withdrawn);
        days.sort_unstable();
        days.dedup();
        let mut was = false;
        for day in &days {
            let is = p.open_on(*day);
            if is != was {
                out.push((*day, if is { 1 } else { -1 }));
                was = is;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    #![allow(
        clippy::unwrap_used,
        reason = "a test fails loudly on what it did not expect"
    )]

    use proptest::prelude::*;

    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2024, m, day).unwrap()
    }

    fn history() -> Vec<ProblemHistory> {
        vec![
            // Closed on 10 May, reopened on 20 May, closed again on 1 June.
            ProblemHistory {
                created: d(4, 25),
                withdrawn: None,
                steps: vec![
                    (d(4, 26), ProblemState::Claimed),
                    (d(5, 10), ProblemState::Closed),
                    (d(5, 20), ProblemState::InProgress),
                    (d(6, 1), ProblemState::Consolidated),
                ],
            },
            // Added on 1 May, never closed.
            ProblemHistory {
                created: d(5, 1),
                withdrawn: None,
                steps: vec![],
            },
            // Withdrawn on 15 May.
            ProblemHistory {
                created: d(4, 25),
                withdrawn: Some(d(5, 15)),
                steps: vec![(d(4, 26), ProblemState::Claimed)],
            },
        ]
    }

    #[test]
    fn a_problem_is_open_between_its_entry_and_its_closure() {
        let h = history();
        let open = |day| h.iter().filter(|p| p.open_on(day)).count();
        assert_eq!(open(d(4, 24)), 0, "before the ledger");
        assert_eq!(open(d(4, 25)), 2);
        assert_eq!(open(d(5, 1)), 3);
        assert_eq!(open(d(5, 10)), 2, "closed at the end of the day");
        assert_eq!(open(d(5, 15)), 1, "withdrawn");
        assert_eq!(open(d(5, 20)), 2, "reopened");
        assert_eq!(open(d(6, 1)), 1, "consolidated");
    }

    #[test]
    fn the_line_has_a_point_a_day_or_fewer_on_a_long_span() {
        let h = history();
        let line = burn_down(&h, d(4, 24), d(5, 1));
        assert_eq!(line.len(), 8);
        assert_eq!(line.first(), Some(&(d(4, 24), 0)));
        assert_eq!(line.last(), Some(&(d(5, 1), 3)));
        let long = burn_down(&h, d(1, 1), NaiveDate::from_ymd_opt(2026, 12, 31).unwrap());
        assert!(long.len() as i64 <= MAX_POINTS + 1, "{}", long.len());
        assert_eq!(
            long.last().unwrap().0,
            NaiveDate::from_ymd_opt(2026, 12, 31).unwrap()
        );
        assert!(burn_down(&h, d(5, 1), d(4, 1)).is_empty());
    }

    fn arb_state() -> impl Strategy<Value = ProblemState> {
        // Open and closed states, and a reopening after a closure.
        prop::sample::select(vec![
            ProblemState::Registered,
            ProblemState::Claimed,
            ProblemState::InProgress,
            ProblemState::Closed,
            ProblemState::Consolidated,
        ])
    }

    /// A problem entered, stepped and perhaps withdrawn within a few weeks, its steps
    /// in any order of days (a step may even be dated before its entry).
    fn arb_history() -> impl Strategy<Value = ProblemHistory> {
        (
            0i64..40,
            prop::option::of(0i64..60),
            prop::collection::vec((0i64..60, arb_state()), 0..6),
        )
            .prop_map(|(created, withdrawn, steps)| {
                let day = |n: i64| d(4, 1) + Duration::days(n);
                let mut steps: Vec<(NaiveDate, ProblemState)> =
                    steps.into_iter().map(|(n, s)| (day(n), s)).collect();
                // Steps are recorded in the order taken: by day, the same day in any order.
                steps.sort_by_key(|(d, _)| *d);
                ProblemHistory {
                    created: day(created),
                    withdrawn: withdrawn.map(day),
                    steps,
                }
            })
    }

    proptest! {
        /// The swept line is each day's count of the problems open on it.
        #[test]
        fn the_line_counts_the_problems_open_each_day(
            problems in prop::collection::vec(arb_history(), 0..30),
            from in 0i64..70,
            span in 0i64..900,
        ) {
            let from = d(3, 20) + Duration::days(from);
            let to = from + Duration::days(span);
            let line = burn_down(&problems, from, to);
            for (day, open) in line {
                let counted = problems.iter().filter(|p| p.open_on(day)).count() as u64;
                prop_assert_eq!(open, counted, "on {}", day);
            }
        }
    }
}
