//! The ledger's filters: as they arrive in a query string ([`FilterInput`]), checked
//! ([`Filter`]), and as the SQL conditions on measures every list ANDs together.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zhenggai_domain::access::Actor;
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::reason::{Choose, Rule};
use zhenggai_domain::status::StandingFilter;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{AspectId, UnitId, UserId};

use super::ends::{OPEN_MEASURES, OrgEnds, WarningEnds, review_due};
use crate::db::Db;
use crate::db::sql::{Sql, day};
use crate::error::{StoreError, StoreResult};
use crate::scope::{self, Through};

/// Filters as they arrive in a query string; every field optional, empty means "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FilterInput {
    /// An aspect id.
    pub aspect: String,
    /// An organisation's id: its measures (for the upper level, which reads several).
    pub org: String,
    /// A unit id: measures it leads or cooperates on.
    pub unit: String,
    /// `1` (or true, on): of the unit's measures, only those it leads (牵头), as the
    /// battle map's bars count them.
    pub lead_only: String,
    /// A leader's user id.
    pub leader: String,
    /// open, done, overdue, due_soon, long_term, review_due.
    pub status: String,
    /// inspection or self_found.
    pub source: String,
    /// Deadlines on or after (YYYY-MM-DD).
    pub due_from: String,
    /// Deadlines on or before (YYYY-MM-DD).
    pub due_to: String,
    /// Words to find in problems and measures (two Chinese characters are enough).
    pub q: String,
    /// Page number, from 1.
    pub page: String,
    /// Rows per page (problems in a ledger, measures in a list), at most 200.
    pub per_page: String,
}

/// Checked filters.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Filter {
    /// Aspect.
    pub aspect: Option<AspectId>,
    /// Organisation.
    pub org: Option<UnitId>,
    /// Unit (lead or cooperating).
    pub unit: Option<UnitId>,
    /// Of the unit's measures, only those it leads.
    pub lead_only: bool,
    /// Responsible leader.
    pub leader: Option<UserId>,
    /// Standing.
    pub status: Option<StandingFilter>,
    /// Source.
    pub source: Option<ProblemSource>,
    /// Deadline from.
    pub due_from: Option<NaiveDate>,
    /// Deadline to.
    pub due_to: Option<NaiveDate>,
    /// Search words.
    pub q: Option<String>,
    /// Page, from 1.
    pub page: i64,
    /// Rows per page.
    pub per_page: i64,
}

fn id_field(c: &mut Checker, field: &str, v: &str) -> Option<i64> {
    let v = v.trim();
    if v.is_empty() {
        return None;
    }
    match v.parse::<i64>() {
        Ok(n) if n > 0 => Some(n),
        _ => {
            c.push(FieldError::because(field, Why::UnknownChoice));
            None
        }
    }
}

/// The largest page number a list takes: past any list's last page, while its offset
/// stays far from overflowing.
const MAX_PAGE: u32 = 1_000_000;

/// The most rows a page shows.
const MAX_PER_PAGE: u32 = 200;

impl FilterInput {
    /// Whether any filter narrows the list (the page and its size do not): an empty
    /// list then says the filters emptied it, not that there is nothing.
    pub fn narrows(&self) -> bool {
        [
            &self.aspect,
            &self.org,
            &self.unit,
            &self.leader,
            &self.status,
            &self.source,
            &self.due_from,
            &self.due_to,
            &self.q,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
    }

    /// Checks the filters; each bad one is named.
    pub fn check(&self, default_per_page: i64) -> Result<Filter, StoreError> {
        let mut c = Checker::default();
        let aspect = id_field(&mut c, "aspect", &self.aspect).map(AspectId);
        let org = id_field(&mut c, "org", &self.org).map(UnitId);
        let unit = id_field(&mut c, "unit", &self.unit).map(UnitId);
        let lead_only = match self.lead_only.trim() {
            "" | "0" | "false" => false,
            "1" | "true" | "on" => true,
            _ => {
                c.push(FieldError::because("lead_only", Why::UnknownChoice));
                false
            }
        };
        let leader = id_field(&mut c, "leader", &self.leader).map(UserId);
        let status = match self.status.trim() {
            "" => None,
            s => {
                let f = StandingFilter::from_code(s);
                if f.is_none() {
                    c.push(FieldError::because(
                        "status",
                        Why::Choose(Choose::StatusFilter),
                    ));
                }
                f
            }
        };
        let source = match self.source.trim() {
            "" => None,
            s => {
                let f = ProblemSource::from_code(s);
                if f.is_none() {
                    c.push(FieldError::because(
                        "source",
                        Why::Choose(Choose::SourceFilter),
                    ));
                }
                f
            }
        };
        let due_from = c.optional_date("due_from", &self.due_from);
        let due_to = c.optional_date("due_to", &self.due_to);
        // A reversed range would select nothing, and say nothing about why.
        if let (Some(from), Some(to)) = (due_from, due_to)
            && to < from
        {
            c.push(FieldError::because(
                "due_to",
                Why::Rule(Rule::PeriodReversed),
            ));
        }
        let q = c.optional_text("q", &self.q, 100);
        // Page number and size are counts, refused as such (they may be typed into the
        // pager's form), not as choices.
        let page = c
            .optional_number("page", &self.page, 1, MAX_PAGE)
            .map_or(1, i64::from);
        // A larger page size is taken as the largest rather than refused: API clients
        // ask for "everything" with any big number.
        let per_page = match self.per_page.trim().parse::<u64>() {
            Ok(n) if n > u64::from(MAX_PER_PAGE) => i64::from(MAX_PER_PAGE),
            _ => c
                .optional_number("per_page", &self.per_page, 1, MAX_PER_PAGE)
                .map_or(default_per_page.min(i64::from(MAX_PER_PAGE)), i64::from),
        };
        c.finish()?;
        Ok(Filter {
            aspect,
            org,
            unit,
            lead_only,
            leader,
            status,
            source,
            due_from,
            due_to,
            q,
            page,
            per_page,
        })
    }
}

impl Filter {
    pub(super) fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// The days the status filter compares with, read only when it needs them: due
    /// soon's ends, or the review cut-offs (no other filter uses either).
    pub(super) async fn ends(&self, db: &Db, today: NaiveDate) -> StoreResult<OrgEnds> {
        match self.status {
            Some(StandingFilter::DueSoon) => Ok(WarningEnds::load(db, today).await?.green),
            Some(StandingFilter::ReviewDue) => Ok(WarningEnds::load(db, today).await?.review),
            _ => Ok(OrgEnds::everywhere(today)),
        }
    }

    /// Whether any filter narrows the list (the page and its size do not).
    pub(super) fn narrows(&self) -> bool {
        self.filters_measures()
            || self.aspect.is_some()
            || self.source.is_some()
            || self.q.is_some()
    }

    /// Whether any condition applies to measures (not only to problems).
    pub(super) fn filters_measures(&self) -> bool {
        self.org.is_some()
            || self.unit.is_some()
            || self.leader.is_some()
            || self.status.is_some()
            || self.due_from.is_some()
            || self.due_to.is_some()
    }

    /// The conditions on measures alias `m`, the actor's scope included.
    pub(super) fn measure_conditions(
        &self,
        actor: &Actor,
        today: NaiveDate,
        ends: &OrgEnds,
        through: Through,
    ) -> Sql {
        let mut sql = Sql::new("m.withdrawn_at IS NULL AND ");
        sql.append(&scope::measures(actor, through));
        if let Some(org) = self.org {
            sql.push(" AND m.org_id = ").bind(org.0);
        }
        if let (Some(unit), true) = (self.unit, self.lead_only) {
            sql.push(" AND m.lead_unit_id = ").bind(unit.0);
        } else if let Some(unit) = self.unit {
            // The measures the unit leads are narrowed inside, where the index on (lead
            // unit, state, deadline) reads only those in the status and range asked for:
            // one unit's overdue page read every measure the unit leads to keep one in
            // four (docs/benchmarks.md). Those it cooperates on are few and read whole.
            let mut leads = Sql::new("(SELECT m.id FROM measures m WHERE m.lead_unit_id = ");
            leads.bind(unit.0);
            self.standing_conditions(&mut leads, today, ends, Counted::Measures);
            leads
                .push(" UNION SELECT mu.measure_id FROM measure_units mu WHERE mu.withdrawn_at IS NULL AND mu.unit_id = ")
                .bind(unit.0)
                .push(")");
            sql.push(" AND m.id IN ").append(&leads);
        }
        if let Some(leader) = self.leader {
            sql.push(" AND m.leader_id = ").bind(leader.0);
        }
        self.standing_conditions(&mut sql, today, ends, Counted::Measures);
        sql
    }

    /// The deadline and status conditions, each ANDed to `sql`: on columns (`state`,
    /// `deadline_kind`, `deadline_date`, `org_id`) that both measures and their tallies
    /// (`tally`) have, so one wording serves the lists and their counts.
    pub(super) fn standing_conditions(
        &self,
        sql: &mut Sql,
        today: NaiveDate,
        ends: &OrgEnds,
        counted: Counted,
    ) {
        self.due_range(today).conditions(sql);
        self.status_conditions(sql, today, ends, counted);
    }

    /// The deadlines the filters keep that are the same days for every organisation
    /// (the range asked for; overdue ends before today). Due soon's and review due's
    /// ends differ by organisation and stay in [`Filter::status_conditions`].
    pub(super) fn due_range(&self, today: NaiveDate) -> DueRange {
        let before = self.due_to.and_then(|d| d.succ_opt());
        let before = match self.status {
            Some(StandingFilter::Overdue) => Some(before.map_or(today, |b| b.min(today))),
            _ => before,
        };
        DueRange {
            from: self.due_from,
            before,
        }
    }

    /// Whether every measure the filters keep has a deadline day: a range of deadlines
    /// (overdue's included) or due soon, which compare it with days.
    pub(super) fn dated_only(&self, today: NaiveDate) -> bool {
        let range = self.due_range(today);
        range.from.is_some()
            || range.before.is_some()
            || matches!(self.status, Some(StandingFilter::DueSoon))
    }

    /// Whether the status compares deadlines with days of each organisation's own.
    pub(super) fn ends_by_org(&self) -> bool {
        matches!(
            self.status,
            Some(StandingFilter::DueSoon | StandingFilter::ReviewDue)
        )
    }

    /// The status filter's conditions but for [`Filter::due_range`].
    pub(super) fn status_conditions(
        &self,
        sql: &mut Sql,
        today: NaiveDate,
        ends: &OrgEnds,
        counted: Counted,
    ) {
        let open = counted.open();
        // Each arm states `Standing::matches` in SQL (with the due range); the tests
        // compare the two.
        match self.status {
            None => {}
            Some(StandingFilter::Open) => {
                sql.push(" AND ").push(open);
            }
            Some(StandingFilter::Done) => {
                sql.push(" AND m.state = 'done'");
            }
            Some(StandingFilter::Overdue) => {
                sql.push(" AND ")
                    .push(open)
                    .push(" AND m.deadline_kind = 'dated'");
            }
            Some(StandingFilter::DueSoon) => {
                sql.push(" AND ")
                    .push(open)
                    .push(" AND m.deadline_kind = 'dated' AND m.deadline_date >= ")
                    .bind(day(today))
                    .push(" AND m.deadline_date <= ")
                    .append(&ends.per_org(day));
            }
            Some(StandingFilter::LongTerm) => {
                sql.push(" AND ")
                    .push(open)
                    .push(" AND m.deadline_kind = 'long_term'");
            }
            // Quiet since before the organisation's cut-off: the last progress, or,
            // without any, the registration — an instant, compared with the cut-off's
            // first instant in Beijing so that the registration's Beijing day counts.
            // On the tallies, a long-term measure's day is the day it has been quiet since
            // (migration 0038), the same comparison made once when it moved.
            Some(StandingFilter::ReviewDue) => match counted {
                Counted::Measures => {
                    sql.push(" AND ").append(&review_due(ends));
                }
                Counted::Tallies => {
                    sql.push(" AND ")
                        .push(open)
                        .push(" AND m.deadline_kind = 'long_term' AND m.day_key < ")
                        .append(&ends.per_org(day));
                }
            },
        }
    }
}

/// Deadlines from a day (included) to a day (not included); either end may be open. A
/// measure without a deadline day is in it only when both are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub(super) struct DueRange {
    pub(super) from: Option<NaiveDate>,
    pub(super) before: Option<NaiveDate>,
}

impl DueRange {
    /// ANDs the range on `m.deadline_date`.
    pub(super) fn conditions(&self, sql: &mut Sql) {
        if let Some(from) = self.from {
            sql.push(" AND m.deadline_date >= ").bind(day(from));
        }
        if let Some(before) = self.before {
            sql.push(" AND m.deadline_date < ").bind(day(before));
        }
    }
}

/// What [`Filter::standing_conditions`] is written on (alias `m`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Counted {
    /// The measures themselves.
    Measures,
    /// Their tallies (`measure_tallies`), whose state is only 'open' or 'done'.
    Tallies,
}

impl Counted {
    /// Not done. On the tallies an equality, so that the index on (unit, state, deadline
    /// kind, deadline day) reads only the days in range instead of every row of the unit.
    ///
    /// On the measures the open states are named, not "not done", for the same reason:
    /// an index on state bounds a list of values but not an inequality.
    fn open(self) -> &'static str {
        match self {
            Counted::Measures => OPEN_MEASURES,
            Counted::Tallies => "m.state = 'open'",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_open_states_are_every_state_but_done() {
        use zhenggai_domain::status::MeasureState;
        let open: Vec<String> = MeasureState::ALL
            .into_iter()
            .filter(|s| *s != MeasureState::Done)
            .map(|s| format!("'{}'", s.code()))
            .collect();
        assert_eq!(OPEN_MEASURES, format!("m.state IN ({})", open.join(", ")));
    }

    #[test]
    fn filters_are_checked_and_named() {
        let f = FilterInput {
            aspect: "3".into(),
            status: "overdue".into(),
            q: " 公车 ".into(),
            ..Default::default()
        }
        .check(50)
        .unwrap();
        assert_eq!(f.aspect, Some(AspectId(3)));
        assert_eq!(f.status, Some(StandingFilter::Overdue));
        assert_eq!(f.q.as_deref(), Some("公车"));
        assert_eq!((f.page, f.per_page), (1, 50));
        let Err(StoreError::Invalid(errors)) = FilterInput {
            unit: "x".into(),
            status: "late".into(),
            due_to: "2024-13-01".into(),
            per_page: "0".into(),
            ..Default::default()
        }
        .check(50) else {
            panic!("bad filters were accepted");
        };
        let fields: Vec<_> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["unit", "status", "due_to", "per_page"]);
        let Err(StoreError::Invalid(errors)) = FilterInput {
            due_from: "2026-12-31".into(),
            due_to: "2026-11-01".into(),
            ..Default::default()
        }
        .check(50) else {
            panic!("a reversed range was accepted");
        };
        assert_eq!(errors[0].field, "due_to");
        assert_eq!(errors[0].why, Why::Rule(Rule::PeriodReversed));
        let big = FilterInput {
            per_page: "100000".into(),
            ..Default::default()
        }
        .check(50)
        .unwrap();
        assert_eq!(big.per_page, 200);
        // A page number is a count, said as one (it may be typed in the pager's form).
        for page in ["0", "-1", "x", "1000001"] {
            let Err(StoreError::Invalid(errors)) = FilterInput {
                page: page.into(),
                ..Default::default()
            }
            .check(50) else {
                panic!("page {page} was accepted");
            };
            assert_eq!(errors[0].field, "page");
            assert_eq!(
                errors[0].why,
                Why::OutOfRange {
                    min: 1,
                    max: 1_000_000
                }
            );
        }
    }
}
