//! The ledger as pages and the API list it: one inspection's problems grouped by
//! aspect with their measures, and measure lists across inspections; both filtered,
//! searched, paged, and limited to what the actor may see.
//!
//! Why one file of 730 lines: the filters, the scope conditions and the warning ends a
//! list query ANDs together are read the same way by every list here; kept together so
//! that the ledger page, the measure lists and the reminders' planning cannot drift.

use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::clock::from_china_time;
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::reason::Choose;
use zhenggai_domain::status::StandingFilter;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::warning::{Colour, WarningRules};
use zhenggai_domain::{AspectId, InspectionId, ItemId, ProblemId, UnitId, UserId};

use super::measures::{self, Measure};
use crate::db::Db;
use crate::db::sql::{Sql, day, like_pattern, stamp};
use crate::error::{StoreError, StoreResult};
use crate::scope::{self, Through};

/// Filters as they arrive in a query string; every field optional, empty means "any".
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct FilterInput {
    /// An aspect id.
    pub aspect: String,
    /// A unit id: measures it leads or cooperates on.
    pub unit: String,
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
    /// Unit (lead or cooperating).
    pub unit: Option<UnitId>,
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

impl FilterInput {
    /// Whether any filter narrows the list (the page and its size do not): an empty
    /// list then says the filters emptied it, not that there is nothing.
    pub fn narrows(&self) -> bool {
        [
            &self.aspect,
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
        let unit = id_field(&mut c, "unit", &self.unit).map(UnitId);
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
        let q = c.optional_text("q", &self.q, 100);
        let page = id_field(&mut c, "page", &self.page).unwrap_or(1);
        let per_page = id_field(&mut c, "per_page", &self.per_page)
            .unwrap_or(default_per_page)
            .min(200);
        c.finish()?;
        Ok(Filter {
            aspect,
            unit,
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
    fn offset(&self) -> i64 {
        (self.page - 1).saturating_mul(self.per_page)
    }

    /// Whether any condition applies to measures (not only to problems).
    fn filters_measures(&self) -> bool {
        self.unit.is_some()
            || self.leader.is_some()
            || self.status.is_some()
            || self.due_from.is_some()
            || self.due_to.is_some()
    }

    /// The conditions on measures alias `m`, the actor's scope included.
    fn measure_conditions(
        &self,
        actor: &Actor,
        today: NaiveDate,
        ends: &OrgEnds,
        through: Through,
    ) -> Sql {
        let mut sql = Sql::new("m.withdrawn_at IS NULL AND ");
        sql.append(&scope::measures(actor, through));
        if let Some(unit) = self.unit {
            sql.push(" AND m.id IN ")
                .append(&scope::measures_of_units(&[unit.0]));
        }
        if let Some(leader) = self.leader {
            sql.push(" AND m.leader_id = ").bind(leader.0);
        }
        if let Some(from) = self.due_from {
            sql.push(" AND m.deadline_date >= ").bind(day(from));
        }
        if let Some(to) = self.due_to {
            sql.push(" AND m.deadline_date <= ").bind(day(to));
        }
        // Each arm states `Standing::matches` in SQL; the tests compare the two.
        match self.status {
            None => {}
            Some(StandingFilter::Open) => {
                sql.push(" AND m.state <> 'done'");
            }
            Some(StandingFilter::Done) => {
                sql.push(" AND m.state = 'done'");
            }
            Some(StandingFilter::Overdue) => {
                sql.push(
                    " AND m.state <> 'done' AND m.deadline_kind = 'dated' AND m.deadline_date < ",
                )
                .bind(day(today));
            }
            Some(StandingFilter::DueSoon) => {
                sql.push(
                    " AND m.state <> 'done' AND m.deadline_kind = 'dated' AND m.deadline_date >= ",
                )
                .bind(day(today))
                .push(" AND m.deadline_date <= ")
                .append(&ends.per_org(day));
            }
            Some(StandingFilter::LongTerm) => {
                sql.push(" AND m.state <> 'done' AND m.deadline_kind = 'long_term'");
            }
            // Quiet since before the organisation's cut-off: the last progress, or,
            // without any, the registration — an instant, compared with the cut-off's
            // first instant in Beijing so that the registration's Beijing day counts.
            Some(StandingFilter::ReviewDue) => {
                sql.push(" AND ").append(&review_due(ends));
            }
        }
        sql
    }
}

/// The last deadline a window of the warning rules (三色预警) reaches today, for each
/// organisation: by its own rules, or the defaults where it set none. So that the
/// ledgers' filters and the warnings' counts agree with `Standing::of` and
/// `WarningRules::colour` measure by measure.
pub(crate) struct OrgEnds {
    /// Where an organisation has not set its own rules.
    default: NaiveDate,
    /// Organisations with their own.
    orgs: Vec<(i64, NaiveDate)>,
}

/// Where the green and the yellow windows end, and the day a long-term measure must
/// have had progress since (today less the review interval), read from the rules in
/// one query (one row per organisation that set its own).
pub(crate) struct WarningEnds {
    pub(crate) green: OrgEnds,
    pub(crate) yellow: OrgEnds,
    pub(crate) review: OrgEnds,
}

impl WarningEnds {
    pub(crate) async fn load(db: &Db, today: NaiveDate) -> StoreResult<WarningEnds> {
        let defaults = WarningRules::default();
        let end = |days: i64| today + Duration::days(days);
        let ends = |days: u32| OrgEnds {
            default: end(i64::from(days)),
            orgs: Vec::new(),
        };
        let mut green = ends(defaults.green_days);
        let mut yellow = ends(defaults.yellow_days);
        let mut review = OrgEnds {
            default: end(-i64::from(defaults.long_term_days)),
            orgs: Vec::new(),
        };
        let rows = sqlx::query(
            "SELECT org_id, green_days, yellow_days, long_term_days FROM warning_rules ORDER BY org_id",
        )
        .fetch_all(db.pool())
        .await?;
        for r in &rows {
            let org: i64 = r.try_get(0)?;
            green.orgs.push((org, end(r.try_get(1)?)));
            yellow.orgs.push((org, end(r.try_get(2)?)));
            review.orgs.push((org, end(-r.try_get::<i64, _>(3)?)));
        }
        Ok(WarningEnds {
            green,
            yellow,
            review,
        })
    }
}

/// Open long-term measures quiet since before their organisation's cut-off (`review`
/// of [`WarningEnds`]): the last progress, or, without any, the registration — an
/// instant, compared with the cut-off's first instant in Beijing so that the
/// registration's Beijing day counts. `Activity::review_due` in SQL, for the ledgers'
/// filter and the reminders alike; measures alias `m`.
pub(crate) fn review_due(cutoffs: &OrgEnds) -> Sql {
    let mut sql = Sql::new(concat!(
        "m.state <> 'done' AND m.deadline_kind = 'long_term' AND COALESCE(",
        last_progress!(),
        " < "
    ));
    sql.append(&cutoffs.per_org(day))
        .push(", m.created_at < ")
        .append(&cutoffs.per_org(|d| stamp(from_china_time(d.and_time(chrono::NaiveTime::MIN)))))
        .push(")");
    sql
}

/// Open dated measures that carry a colour today (三色预警): overdue, or due within
/// their organisation's green window (`green` of [`WarningEnds`]); `WarningRules::colour`
/// is `None` for the others. Measures alias `m`.
pub(crate) fn warned_today(green: &OrgEnds) -> Sql {
    let mut sql =
        Sql::new("m.state <> 'done' AND m.deadline_kind = 'dated' AND m.deadline_date <= ");
    sql.append(&green.per_org(day));
    sql
}

impl OrgEnds {
    /// The days the status filter compares with, read only when it needs them: due
    /// soon's ends, or the review cut-offs (no other filter uses either).
    async fn of(db: &Db, filter: &Filter, today: NaiveDate) -> StoreResult<OrgEnds> {
        match filter.status {
            Some(StandingFilter::DueSoon) => Ok(WarningEnds::load(db, today).await?.green),
            Some(StandingFilter::ReviewDue) => Ok(WarningEnds::load(db, today).await?.review),
            _ => Ok(OrgEnds {
                default: today,
                orgs: Vec::new(),
            }),
        }
    }

    /// The day as an expression on `m.org_id`, each written as `value` writes it.
    pub(crate) fn per_org(&self, value: impl Fn(NaiveDate) -> String) -> Sql {
        let mut sql = Sql::new("");
        if self.orgs.is_empty() {
            sql.bind(value(self.default));
            return sql;
        }
        sql.push("CASE m.org_id");
        for (org, end) in &self.orgs {
            sql.push(" WHEN ")
                .bind(*org)
                .push(" THEN ")
                .bind(value(*end));
        }
        sql.push(" ELSE ").bind(value(self.default)).push(" END");
        sql
    }
}

/// A problem of a ledger page with the measures the actor sees.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerProblem {
    /// Id.
    pub id: ProblemId,
    /// Number within the inspection.
    pub ordinal: i64,
    /// One line.
    pub title: String,
    /// As the feedback describes it.
    pub description: Option<String>,
    /// Where it came from.
    pub source: ProblemSource,
    /// Its item, if any.
    pub item_id: Option<ItemId>,
    /// Its measures (those the actor sees and the filters keep).
    pub measures: Vec<Measure>,
}

/// An aspect of a ledger page with its problems on this page.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerAspect {
    /// Id.
    pub id: AspectId,
    /// Position.
    pub ordinal: i64,
    /// Title.
    pub title: String,
    /// The problems.
    pub problems: Vec<LedgerProblem>,
}

/// One page of an inspection's ledger.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerPage {
    /// Aspects in order, each with its problems on this page.
    pub aspects: Vec<LedgerAspect>,
    /// Problems matching the filters, on all pages.
    pub total_problems: i64,
    /// This page.
    pub page: i64,
    /// Problems per page.
    pub per_page: i64,
}

/// A page of an inspection's ledger. The caller has loaded the inspection for the
/// actor (so the actor may read it).
pub async fn ledger(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
    org: UnitId,
    filter: &Filter,
    today: NaiveDate,
) -> StoreResult<LedgerPage> {
    let whole = actor.ledger_access(org) >= Access::Read;
    let ends = OrgEnds::of(db, filter, today).await?;
    let measure_cond = filter.measure_conditions(actor, today, &ends, Through::Narrower);
    let mut cond = Sql::new("p.inspection_id = ");
    cond.bind(inspection.0).push(" AND p.withdrawn_at IS NULL");
    if let Some(aspect) = filter.aspect {
        cond.push(" AND p.aspect_id = ").bind(aspect.0);
    }
    if let Some(source) = filter.source {
        cond.push(" AND p.source = ").bind(source.code());
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        cond.push(" AND (p.title LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR p.description LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR EXISTS (SELECT 1 FROM measures m WHERE m.problem_id = p.id AND m.content LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\' AND ")
            .append(&measure_cond)
            .push("))");
    }
    if !whole || filter.filters_measures() {
        cond.push(" AND EXISTS (SELECT 1 FROM measures m WHERE m.problem_id = p.id AND ")
            .append(&measure_cond)
            .push(")");
    }
    let mut count = Sql::new("SELECT COUNT(*) FROM problems p WHERE ");
    count.append(&cond);
    let total: i64 = count.query().fetch_one(db.pool()).await?.try_get(0)?;

    let mut select = Sql::new(
        "SELECT p.id, p.ordinal, p.title, p.description, p.source, p.item_id, a.id, a.ordinal, a.title \
         FROM problems p JOIN aspects a ON a.id = p.aspect_id WHERE ",
    );
    select
        .append(&cond)
        .push(" ORDER BY a.ordinal, a.id, p.ordinal, p.id LIMIT ")
        .bind(filter.per_page)
        .push(" OFFSET ")
        .bind(filter.offset());
    let rows = select.query().fetch_all(db.pool()).await?;
    let mut aspects: Vec<LedgerAspect> = Vec::new();
    let mut ids = Vec::with_capacity(rows.len());
    for r in &rows {
        let problem = LedgerProblem {
            id: ProblemId(r.try_get(0)?),
            ordinal: r.try_get(1)?,
            title: r.try_get(2)?,
            description: r.try_get(3)?,
            source: crate::db::rows::code::<ProblemSource, _>(r, "problems", 4)?,
            item_id: r.try_get::<Option<i64>, _>(5)?.map(ItemId),
            measures: Vec::new(),
        };
        ids.push(problem.id.0);
        let aspect_id = AspectId(r.try_get(6)?);
        if aspects.last().is_none_or(|a| a.id != aspect_id) {
            aspects.push(LedgerAspect {
                id: aspect_id,
                ordinal: r.try_get(7)?,
                title: r.try_get(8)?,
                problems: Vec::new(),
            });
        }
        if let Some(a) = aspects.last_mut() {
            a.problems.push(problem);
        }
    }
    if !ids.is_empty() {
        let mut sql = Sql::new(&format!("{} WHERE m.problem_id IN ", measures::SELECT));
        sql.id_list(ids)
            .push(" AND ")
            .append(&measure_cond)
            .push(" ORDER BY m.problem_id, m.ordinal, m.id");
        let rows = sql.query().fetch_all(db.pool()).await?;
        let mut list = rows
            .iter()
            .map(|r| Measure::from_row(r, today))
            .collect::<Result<Vec<_>, _>>()?;
        measures::load_cooperating(db, &mut list).await?;
        let mut place = std::collections::HashMap::new();
        for (a, aspect) in aspects.iter().enumerate() {
            for (p, problem) in aspect.problems.iter().enumerate() {
                place.insert(problem.id, (a, p));
            }
        }
        for m in list {
            if let Some((a, p)) = place.get(&m.problem_id) {
                aspects[*a].problems[*p].measures.push(m);
            }
        }
    }
    Ok(LedgerPage {
        aspects,
        total_problems: total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

/// A page of measures across inspections, nearest deadline first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasurePage {
    /// The measures.
    pub measures: Vec<Measure>,
    /// Measures matching, on all pages.
    pub total: i64,
    /// This page.
    pub page: i64,
    /// Per page.
    pub per_page: i64,
}

/// Where a measure list looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Within {
    /// Every inspection the actor sees.
    All,
    /// One inspection.
    Inspection(InspectionId),
    /// One problem.
    Problem(ProblemId),
}

/// The conditions of a measure list: the filters, the scope, where it looks, and only
/// measures of inspections still on the books.
fn list_conditions(
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
    ends: &OrgEnds,
) -> Sql {
    // Over whole organisations, unless a unit or a leader narrows it further.
    let through = match within {
        Within::All if filter.unit.is_none() && filter.leader.is_none() => Through::Organisations,
        _ => Through::Narrower,
    };
    let mut cond = filter.measure_conditions(actor, today, ends, through);
    match within {
        Within::All => {}
        Within::Inspection(i) => {
            cond.push(" AND m.inspection_id = ").bind(i.0);
        }
        Within::Problem(p) => {
            cond.push(" AND m.problem_id = ").bind(p.0);
        }
    }
    if let Some(aspect) = filter.aspect {
        cond.push(" AND m.problem_id IN (SELECT id FROM problems WHERE aspect_id = ")
            .bind(aspect.0)
            .push(")");
    }
    if let Some(q) = &filter.q {
        let pattern = like_pattern(q);
        cond.push(" AND (m.content LIKE ")
            .bind(pattern.clone())
            .push(" ESCAPE '\\' OR m.problem_id IN (SELECT id FROM problems WHERE title LIKE ")
            .bind(pattern)
            .push(" ESCAPE '\\'))");
    }
    // Withdrawing a problem withdraws its measures too; an inspection is checked here.
    cond.push(" AND m.inspection_id IN (SELECT id FROM inspections WHERE withdrawn_at IS NULL)");
    cond
}

async fn count_where(db: &Db, cond: &Sql) -> StoreResult<i64> {
    let mut count = Sql::new("SELECT COUNT(*) FROM measures m WHERE ");
    count.append(cond);
    Ok(count.query().fetch_one(db.pool()).await?.try_get(0)?)
}

/// How many measures a list would hold, without reading them (the home page's tiles).
pub async fn measure_count(
    db: &Db,
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
) -> StoreResult<i64> {
    let ends = OrgEnds::of(db, filter, today).await?;
    count_where(db, &list_conditions(actor, within, filter, today, &ends)).await
}

/// Measures the actor sees, filtered, within all inspections, one, or one problem.
pub async fn measure_list(
    db: &Db,
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
) -> StoreResult<MeasurePage> {
    let ends = OrgEnds::of(db, filter, today).await?;
    let cond = list_conditions(actor, within, filter, today, &ends);
    let total = count_where(db, &cond).await?;

    let order = if matches!(within, Within::Problem(_)) {
        " ORDER BY m.ordinal, m.id"
    } else {
        " ORDER BY CASE WHEN m.deadline_date IS NULL THEN 1 ELSE 0 END, m.deadline_date, m.id"
    };
    let list = fetch(db, &cond, order, (filter.per_page, filter.offset()), today).await?;
    Ok(MeasurePage {
        measures: list,
        total,
        page: filter.page,
        per_page: filter.per_page,
    })
}

/// The measures that meet `cond`, in `order`, a page (limit, offset) of them, with
/// their cooperating units.
async fn fetch(
    db: &Db,
    cond: &Sql,
    order: &str,
    (limit, offset): (i64, i64),
    today: NaiveDate,
) -> StoreResult<Vec<Measure>> {
    let mut sql = Sql::new(&format!("{} WHERE ", measures::SELECT));
    sql.append(cond)
        .push(order)
        .push(" LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let rows = sql.query().fetch_all(db.pool()).await?;
    let mut list = rows
        .iter()
        .map(|r| Measure::from_row(r, today))
        .collect::<Result<Vec<_>, _>>()?;
    measures::load_cooperating(db, &mut list).await?;
    Ok(list)
}

/// 三色预警 over what the actor sees: how many open measures each colour holds, and
/// the `limit` most urgent of them (most overdue first, then nearest deadline); each
/// measure by its own organisation's rules, as `WarningRules::colour` decides.
pub async fn warned(
    db: &Db,
    actor: &Actor,
    today: NaiveDate,
    limit: i64,
) -> StoreResult<(Vec<(Colour, i64)>, Vec<Measure>)> {
    let WarningEnds { green, yellow, .. } = WarningEnds::load(db, today).await?;
    let open = Filter {
        status: Some(StandingFilter::Open),
        ..Filter::default()
    };
    let mut dated = list_conditions(actor, Within::All, &open, today, &green);
    dated.push(" AND m.deadline_kind = 'dated'");
    let mut red = dated.clone();
    red.push(" AND m.deadline_date < ").bind(day(today));
    let mut in_yellow = dated.clone();
    in_yellow
        .push(" AND m.deadline_date >= ")
        .bind(day(today))
        .push(" AND m.deadline_date <= ")
        .append(&yellow.per_org(day));
    let mut in_green = dated.clone();
    in_green
        .push(" AND m.deadline_date > ")
        .append(&yellow.per_org(day))
        .push(" AND m.deadline_date <= ")
        .append(&green.per_org(day));
    let mut counts = Vec::with_capacity(3);
    for (colour, cond) in [
        (Colour::Red, &red),
        (Colour::Yellow, &in_yellow),
        (Colour::Green, &in_green),
    ] {
        counts.push((colour, count_where(db, cond).await?));
    }
    let mut any = dated;
    any.push(" AND ").append(&warned_today(&green));
    let list = fetch(
        db,
        &any,
        " ORDER BY m.deadline_date, m.id",
        (limit, 0),
        today,
    )
    .await?;
    Ok((counts, list))
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let big = FilterInput {
            per_page: "100000".into(),
            ..Default::default()
        }
        .check(50)
        .unwrap();
        assert_eq!(big.per_page, 200);
    }
}
