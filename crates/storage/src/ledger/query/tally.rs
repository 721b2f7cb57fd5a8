//! Counts read from `measure_tallies` (migration 0033) instead of from the measures:
//! the same number, summed over a few hundred rows kept by triggers in the same
//! transaction as each change, rather than counted over every measure in scope.
//!
//! A tally row knows a measure's organisation, one unit it counts for, its state and its
//! deadline (for a long-term measure, the day it has been quiet since, migration 0038)
//! — not its inspection, aspect, leader or words. So a count comes from the
//! tallies only when nothing else narrows it; any other filter counts the measures.
//!
//! When the conditions name one unit, the same conditions also find the list's page in
//! `unit_lists` (migration 0042), which holds each unit's measures with the tallies'
//! columns, in the lists' order.
//!
//! On PostgreSQL the tallies are also summed by the deadline's month
//! (`measure_tally_months`, migration 0043): a count over a range of deadlines the same
//! for every organisation reads the whole months inside it there, and only the days at
//! its ends here.

use chrono::{Datelike, Months, NaiveDate};
use zhenggai_domain::Role;
use zhenggai_domain::access::Actor;

use super::Within;
use super::ends::OrgEnds;
use super::filter::{Counted, DueRange, Filter};
use crate::db::dialect::{self, Backend};
use crate::db::sql::Sql;
use crate::scope;

/// A list's conditions on its tallies.
#[derive(Clone)]
pub(super) struct Tallied {
    /// On `measure_tallies` alias `m`: they sum to the count of the list.
    pub(super) cond: Sql,
    /// Whether they name one unit (not the organisation's row, unit 0): then they hold
    /// on `unit_lists` alias `m` too, and select the list's measures there.
    pub(super) one_unit: bool,
    /// The same count by months, when its deadlines are the same days everywhere.
    by_month: Option<ByMonth>,
}

/// A count's conditions without its deadline range, and the range.
#[derive(Clone)]
struct ByMonth {
    /// On the columns both tables have (unit, organisation, state, deadline kind).
    rest: Sql,
    range: DueRange,
}

impl Tallied {
    /// ANDs a condition on the day tallies' columns; the count then sums days.
    pub(super) fn and(&mut self, add: impl Fn(&mut Sql)) {
        self.cond.push(" AND ");
        add(&mut self.cond);
        self.by_month = None;
    }

    /// The statement that sums the count: the day rows its conditions select, or, by
    /// month, whole months from the month rows and the days at the range's ends.
    pub(super) fn count(&self, backend: Backend) -> Sql {
        let by_month = self
            .by_month
            .as_ref()
            .filter(|_| dialect::tally_months(backend));
        let mut parts = Vec::new();
        match by_month {
            None => {
                let mut days = Sql::new("SELECT m.n FROM measure_tallies m WHERE ");
                days.append(&self.cond);
                parts.push(days);
            }
            Some(ByMonth { rest, range }) => {
                let split = Split::of(*range);
                if let Some((from, before)) = split.months {
                    let mut months = Sql::new("SELECT m.n FROM measure_tally_months m WHERE ");
                    months.append(rest);
                    if let Some(from) = from {
                        months.push(" AND m.month >= ").bind(month(from));
                    }
                    if let Some(before) = before {
                        // '' (no deadline day) sorts first: out of any range.
                        months
                            .push(" AND m.month > '' AND m.month < ")
                            .bind(month(before));
                    }
                    parts.push(months);
                }
                for range in split.days.into_iter().flatten() {
                    let mut days = Sql::new("SELECT m.n FROM measure_tallies m WHERE ");
                    days.append(rest);
                    range.conditions(&mut days);
                    parts.push(days);
                }
            }
        }
        let mut sql = Sql::new("SELECT CAST(COALESCE(SUM(t.n), 0) AS BIGINT) FROM (");
        for (i, part) in parts.iter().enumerate() {
            if i > 0 {
                sql.push(" UNION ALL ");
            }
            sql.append(part);
        }
        sql.push(") t");
        sql
    }
}

/// A month as `measure_tally_months` keys it.
fn month(first_day: NaiveDate) -> String {
    format!("{:04}-{:02}", first_day.year(), first_day.month())
}

/// A range of deadlines as whole months (their first days: from, and the first not
/// in it) and the days at its ends that do not fill a month.
#[derive(Debug, PartialEq, Eq)]
struct Split {
    months: Option<(Option<NaiveDate>, Option<NaiveDate>)>,
    days: [Option<DueRange>; 2],
}

impl Split {
    fn of(range: DueRange) -> Split {
        Split::by_months(range).unwrap_or(Split {
            months: None,
            days: [Some(range), None],
        })
    }

    /// `None` when no whole month lies inside, or near the calendar's ends where there
    /// is no next month: then by days.
    fn by_months(range: DueRange) -> Option<Split> {
        // Whole months start on `from` when it is a first day, else at the next month,
        let months_from = match range.from {
            None => None,
            Some(f) if f.day() == 1 => Some(f),
            Some(f) => Some(f.with_day(1)?.checked_add_months(Months::new(1))?),
        };
        // and end at the start of `before`'s month.
        let months_before = match range.before {
            None => None,
            Some(b) => Some(b.with_day(1)?),
        };
        if let (Some(from), Some(before)) = (months_from, months_before)
            && from >= before
        {
            return None;
        }
        let head = range
            .from
            .zip(months_from)
            .filter(|(f, m)| f < m)
            .map(|(f, m)| DueRange {
                from: Some(f),
                before: Some(m),
            });
        let tail = range
            .before
            .zip(months_before)
            .filter(|(b, m)| m < b)
            .map(|(b, m)| DueRange {
                from: Some(m),
                before: Some(b),
            });
        Some(Split {
            months: Some((months_from, months_before)),
            days: [head, tail],
        })
    }
}

/// The conditions on `measure_tallies` alias `m` that sum to the count of the list,
/// or `None` when the list narrows by something a tally does not know.
pub(super) fn conditions(
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
    ends: &OrgEnds,
) -> Option<Tallied> {
    // A unit's tally counts the measures it leads and those it cooperates on together.
    let tallied = within == Within::All
        && !(filter.unit.is_some() && filter.lead_only)
        && filter.aspect.is_none()
        && filter.leader.is_none()
        && filter.q.is_none();
    if !tallied {
        return None;
    }
    let mut sql = Sql::new("m.unit_id = ");
    let one_unit;
    if let Some(orgs) = scope::ledger_orgs(actor) {
        one_unit = filter.unit.is_some();
        sql.bind(filter.unit.map_or(0, |u| u.0))
            .push(" AND m.org_id IN ")
            .id_list(orgs);
    } else if actor.role == Role::Unit && filter.unit.is_none_or(|u| u == actor.unit) {
        one_unit = true;
        sql.bind(actor.unit.0)
            .push(" AND m.org_id = ")
            .bind(actor.org.0);
    } else {
        // A leader sees the measures he is responsible for as well as his units': no
        // tally row holds that union.
        return None;
    }
    if let Some(org) = filter.org {
        sql.push(" AND m.org_id = ").bind(org.0);
    }
    let by_month = (!filter.ends_by_org()).then(|| {
        let mut rest = sql.clone();
        filter.status_conditions(&mut rest, today, ends, Counted::Tallies);
        ByMonth {
            rest,
            range: filter.due_range(today),
        }
    });
    filter.standing_conditions(&mut sql, today, ends, Counted::Tallies);
    Some(Tallied {
        cond: sql,
        one_unit,
        by_month,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("a test date")
    }

    fn range(from: Option<&str>, before: Option<&str>) -> DueRange {
        DueRange {
            from: from.map(d),
            before: before.map(d),
        }
    }

    /// Whether a deadline (None: no deadline day) is counted by the split: in its
    /// months' part by its month, or in one of its days' parts.
    fn counted(split: &Split, deadline: Option<NaiveDate>) -> usize {
        let in_days = |r: &DueRange| {
            deadline
                .is_some_and(|x| r.from.is_none_or(|f| x >= f) && r.before.is_none_or(|b| x < b))
        };
        let by_month = split.months.is_some_and(|(from, before)| match deadline {
            None => from.is_none() && before.is_none(),
            Some(x) => {
                let m = x.with_day(1).expect("a first day");
                from.is_none_or(|f| m >= f) && before.is_none_or(|b| m < b)
            }
        });
        usize::from(by_month) + split.days.iter().flatten().filter(|r| in_days(r)).count()
    }

    /// Every deadline over three years, and none, is counted once when the range keeps
    /// it and never otherwise, for ranges starting and ending on every kind of day.
    #[test]
    fn a_range_splits_into_months_and_days_that_count_each_deadline_once() {
        let ends = [
            None,
            Some("2024-01-01"),
            Some("2024-01-02"),
            Some("2024-01-31"),
            Some("2024-02-01"),
            Some("2024-02-29"),
            Some("2024-03-01"),
            Some("2024-03-15"),
            Some("2024-12-31"),
            Some("2025-01-01"),
            Some("2025-06-10"),
        ];
        let days: Vec<NaiveDate> = d("2023-11-01")
            .iter_days()
            .take_while(|x| *x < d("2025-08-01"))
            .collect();
        for from in ends {
            for before in ends {
                let r = range(from, before);
                let split = Split::of(r);
                for x in days.iter().copied().map(Some).chain([None]) {
                    let kept = match x {
                        None => r.from.is_none() && r.before.is_none(),
                        Some(x) => r.from.is_none_or(|f| x >= f) && r.before.is_none_or(|b| x < b),
                    };
                    assert_eq!(
                        counted(&split, x),
                        usize::from(kept),
                        "{from:?}..{before:?} counts {x:?} wrongly: {split:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn whole_months_are_read_by_month_and_the_ends_by_day() {
        // Overdue on 6 December: every month before December, and 1–5 December.
        assert_eq!(
            Split::of(range(None, Some("2026-12-06"))),
            Split {
                months: Some((None, Some(d("2026-12-01")))),
                days: [None, Some(range(Some("2026-12-01"), Some("2026-12-06")))],
            }
        );
        // No range: months only.
        assert_eq!(
            Split::of(DueRange::default()),
            Split {
                months: Some((None, None)),
                days: [None, None],
            }
        );
        // Within one month: days only.
        let r = range(Some("2026-12-02"), Some("2026-12-20"));
        assert_eq!(
            Split::of(r),
            Split {
                months: None,
                days: [Some(r), None],
            }
        );
        assert_eq!(month(d("2026-03-01")), "2026-03");
    }
}
