//! The ledger as pages and the API list it: one inspection's problems grouped by
//! aspect with their measures, and measure lists across inspections; both filtered
//! ([`filter`]), searched, paged, and limited to what the actor may see, with the
//! warning windows' ends ([`ends`]) the status filter, the warning board and the
//! reminders compare deadlines with.

mod ends;
mod filter;
mod tally;

pub(crate) use self::ends::{WarningEnds, review_due, warned_today};
pub use self::filter::{Filter, FilterInput};

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::FromRow;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::inspection::ProblemSource;
use zhenggai_domain::status::StandingFilter;
use zhenggai_domain::warning::Colour;
use zhenggai_domain::{AspectId, InspectionId, ItemId, ProblemId, UnitId};

use self::ends::OrgEnds;
use super::measures::{self, Measure};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, like_pattern};
use crate::error::StoreResult;
use crate::scope::Through;

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
    let ends = filter.ends(db, today).await?;
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
    let total = if whole && !filter.narrows() {
        // The whole ledger's problems, as the inspection's tallies keep them.
        super::inspections::counts_of(db, [inspection])
            .await?
            .get(&inspection)
            .map_or(0, |c| c.problems)
    } else {
        let mut count = Sql::new("SELECT COUNT(*) FROM problems p WHERE ");
        count.append(&cond);
        count.query_scalar().fetch_one(db.pool()).await?
    };

    // The aspects named by the inspection as well as by each problem: then they are
    // read in order from their index and each one's problems from theirs, and the page
    // stops after its rows, instead of sorting all of the inspection's problems (2,000
    // at a million measures: 3.8 ms against 0.5).
    let mut select = Sql::new(
        "SELECT p.id, p.ordinal, p.title, p.description, p.source, p.item_id, \
                a.id AS aspect_id, a.ordinal AS aspect_ordinal, a.title AS aspect_title \
         FROM problems p JOIN aspects a ON a.id = p.aspect_id WHERE a.inspection_id = ",
    );
    select
        .bind(inspection.0)
        .push(" AND ")
        .append(&cond)
        .push(" ORDER BY a.ordinal, a.id, p.ordinal, p.id LIMIT ")
        .bind(filter.per_page)
        .push(" OFFSET ")
        .bind(filter.offset());
    let rows = select.query().fetch_all(db.pool()).await?;
    let mut aspects: Vec<LedgerAspect> = Vec::new();
    let mut ids = Vec::with_capacity(rows.len());
    for r in &rows {
        let r = LedgerRow::from_row(r)?;
        let problem = LedgerProblem {
            id: ProblemId(r.id),
            ordinal: r.ordinal,
            title: r.title,
            description: r.description,
            source: code_of("problems", "source", &r.source)?,
            item_id: r.item_id.map(ItemId),
            measures: Vec::new(),
        };
        ids.push(problem.id.0);
        let aspect_id = AspectId(r.aspect_id);
        if aspects.last().is_none_or(|a| a.id != aspect_id) {
            aspects.push(LedgerAspect {
                id: aspect_id,
                ordinal: r.aspect_ordinal,
                title: r.aspect_title,
                problems: Vec::new(),
            });
        }
        if let Some(a) = aspects.last_mut() {
            a.problems.push(problem);
        }
    }
    if !ids.is_empty() {
        let mut sql = Sql::new(&format!("{} WHERE m.problem_id", measures::SELECT));
        sql.id_set(db.backend(), ids)
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

/// A problem of a ledger page under its aspect, as [`ledger`] reads it.
#[derive(sqlx::FromRow)]
struct LedgerRow {
    id: i64,
    ordinal: i64,
    title: String,
    description: Option<String>,
    source: String,
    item_id: Option<i64>,
    aspect_id: i64,
    aspect_ordinal: i64,
    aspect_title: String,
}

/// A page of measures across inspections, nearest deadline first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeasurePage {
    /// The measures.
    pub measures: Vec<Measure>,
    /// Measures matching, on all pages; with `more`, as far as a keyword search counts.
    pub total: i64,
    /// Whether more measures match than `total`: a keyword search counts its matches
    /// only up to four pages past this one (at least 200), since counting them all reads
    /// every measure in scope.
    pub more: bool,
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

/// A measure list's conditions on the measures (alias `m`), and, when its count can be
/// summed from the tallies ([`tally`]), the same conditions on them (also alias `m`).
#[derive(Clone)]
struct Conditions {
    rows: Sql,
    tally: Option<tally::Tallied>,
}

impl Conditions {
    /// ANDs a condition on columns both have (state, deadline, organisation).
    fn and(&mut self, add: impl Fn(&mut Sql)) {
        self.rows.push(" AND ");
        add(&mut self.rows);
        if let Some(t) = &mut self.tally {
            t.and(&add);
        }
    }
}

/// The conditions of a measure list: the filters, the scope, where it looks, and only
/// measures of inspections still on the books.
fn list_conditions(
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
    ends: &OrgEnds,
) -> Conditions {
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
        // The problem's title is looked up for each measure the scan reaches: as an `IN`
        // (or an `EXISTS`, which PostgreSQL turns into one) it was a scan of every problem
        // in the database on each search, 50–65 ms at a million measures, before a page
        // of 50 could stop early.
        let pattern = like_pattern(q);
        cond.push(" AND (m.content LIKE ")
            .bind(pattern.clone())
            .push(
                " ESCAPE '\\' OR (SELECT p.title FROM problems p WHERE p.id = m.problem_id) LIKE ",
            )
            .bind(pattern)
            .push(" ESCAPE '\\')");
    }
    // Withdrawing a problem withdraws its measures too; an inspection is checked here.
    // Written `+m.inspection_id`, which no index answers: offered the index on
    // (inspection, state), SQLite read the measures of every inspection on the books
    // through it and sorted them all for the upper level's page of the organisations
    // below it (0.55–0.73 s at a million measures), instead of reading the deadline
    // index in order and stopping after the page (1 ms). An inspection's own list says
    // `m.inspection_id = …` as well, which its index still answers; it checks its one
    // inspection once: joined to every inspection on the books, PostgreSQL planned the
    // map's overdue list at a million measures as a loop over all 200 of them for each
    // of its 2,400 measures (51 ms; once, 4 ms).
    match within {
        Within::Inspection(i) => {
            cond.push(" AND EXISTS (SELECT 1 FROM inspections WHERE id = ")
                .bind(i.0)
                .push(" AND withdrawn_at IS NULL)");
        }
        Within::All | Within::Problem(_) => {
            cond.push(
                " AND +m.inspection_id IN (SELECT id FROM inspections WHERE withdrawn_at IS NULL)",
            );
        }
    }
    Conditions {
        rows: cond,
        tally: tally::conditions(actor, within, filter, today, ends),
    }
}

async fn count_where(db: &Db, cond: &Conditions) -> StoreResult<i64> {
    let count = match &cond.tally {
        Some(tally) => tally.count(db.backend()),
        None => {
            let mut sql = Sql::new("SELECT COUNT(*) FROM measures m WHERE ");
            sql.append(&cond.rows);
            sql
        }
    };
    Ok(count.query_scalar().fetch_one(db.pool()).await?)
}

/// A count that stops at `cap`: the count and whether the list holds more.
async fn count_up_to(db: &Db, cond: &Conditions, cap: i64) -> StoreResult<(i64, bool)> {
    let mut sql = Sql::new("SELECT COUNT(*) FROM (SELECT 1 FROM measures m WHERE ");
    sql.append(&cond.rows)
        .push(" LIMIT ")
        .bind(cap.saturating_add(1))
        .push(") found");
    let n: i64 = sql.query_scalar().fetch_one(db.pool()).await?;
    Ok((n.min(cap), n > cap))
}

/// How far a keyword search counts its matches: four pages past the one shown, and at
/// least 200. A word can only be found by reading every measure in scope (a word is
/// matched anywhere in a text, which no index serves), so an exact count of a common
/// word cost a scan of the whole organisation on every request (60 ms at a million
/// measures), and counting to 500 still 8 ms; the page itself stops after its rows.
/// The list then says "more than …".
fn search_count_cap(filter: &Filter) -> i64 {
    filter
        .offset()
        .saturating_add(filter.per_page.saturating_mul(4))
        .max(200)
}

/// How many measures a list would hold, without reading them (the home page's tiles).
pub async fn measure_count(
    db: &Db,
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
) -> StoreResult<i64> {
    let ends = filter.ends(db, today).await?;
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
    let ends = filter.ends(db, today).await?;
    let cond = list_conditions(actor, within, filter, today, &ends);
    let (total, more) = if filter.q.is_some() {
        count_up_to(db, &cond, search_count_cap(filter)).await?
    } else {
        (count_where(db, &cond).await?, false)
    };
    Ok(MeasurePage {
        measures: rows(db, &cond, within, filter, today).await?,
        total,
        more,
        page: filter.page,
        per_page: filter.per_page,
    })
}

/// A page of a list whose count the caller already has: the battle map's lists of
/// overdue and due-soon measures, counted by the map's figures (`statistics`, the same
/// for everyone who reads the map), so that the page counts nothing twice and its list
/// cannot say another number than its figures.
pub async fn measure_page_counted(
    db: &Db,
    actor: &Actor,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
    total: i64,
) -> StoreResult<MeasurePage> {
    let ends = filter.ends(db, today).await?;
    let cond = list_conditions(actor, within, filter, today, &ends);
    Ok(MeasurePage {
        measures: rows(db, &cond, within, filter, today).await?,
        total,
        more: false,
        page: filter.page,
        per_page: filter.per_page,
    })
}

/// The page of `filter` of the measures `cond` selects, in the lists' order.
async fn rows(
    db: &Db,
    cond: &Conditions,
    within: Within,
    filter: &Filter,
    today: NaiveDate,
) -> StoreResult<Vec<Measure>> {
    // One unit's list is read from its rows in `unit_lists`, in order, rather than
    // gathered from the measures it leads and those it cooperates on.
    let found = match &cond.tally {
        Some(tally) if tally.one_unit => Found::UnitList(&tally.cond),
        _ => Found::Measures(&cond.rows),
    };
    // SQLite's index of the units' lists is written in the order with undated measures
    // last (migration 0042), which a unit's range is read in whatever it holds.
    let order = match within {
        Within::Problem(_) => " ORDER BY m.ordinal, m.id",
        _ => crate::db::dialect::deadline_order(
            db.backend(),
            matches!(found, Found::Measures(_)) && filter.dated_only(today),
        ),
    };
    fetch(db, found, order, (filter.per_page, filter.offset()), today).await
}

/// Where a page of measures is found: conditions on the measures, or on one unit's
/// list (`unit_lists`, whose `id` is the measure's), both alias `m`.
#[derive(Clone, Copy)]
enum Found<'a> {
    Measures(&'a Sql),
    UnitList(&'a Sql),
}

/// The measures found, in `order`, a page (limit, offset) of them, with their
/// cooperating units.
///
/// The page's ids are found first, on measures alone, and then read with their
/// problem, inspection, units and leader by id: PostgreSQL plans each statement anew
/// (`dialect::on_connect`), and planning the conditions and the order together with
/// five joins took longer than running them (20 ms against 0.4 ms for the upper level's
/// first overdue measure at 100,000, docs/benchmarks.md).
async fn fetch(
    db: &Db,
    found: Found<'_>,
    order: &str,
    (limit, offset): (i64, i64),
    today: NaiveDate,
) -> StoreResult<Vec<Measure>> {
    let (from, cond) = match found {
        Found::Measures(cond) => ("SELECT m.id FROM measures m WHERE ", cond),
        Found::UnitList(cond) => ("SELECT m.id FROM unit_lists m WHERE ", cond),
    };
    let mut page = Sql::new(from);
    page.append(cond)
        .push(order)
        .push(" LIMIT ")
        .bind(limit)
        .push(" OFFSET ")
        .bind(offset);
    let ids: Vec<i64> = page.query_scalar().fetch_all(db.pool()).await?;
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let mut sql = Sql::new(&format!("{} WHERE m.id", measures::SELECT));
    sql.id_set(db.backend(), ids.iter().copied());
    let rows = sql.query().fetch_all(db.pool()).await?;
    let mut list = rows
        .iter()
        .map(|r| Measure::from_row(r, today))
        .collect::<Result<Vec<_>, _>>()?;
    let place: std::collections::HashMap<i64, usize> =
        ids.iter().enumerate().map(|(i, id)| (*id, i)).collect();
    list.sort_by_key(|m| place.get(&m.id.0).copied().unwrap_or(usize::MAX));
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
    (limit, offset): (i64, i64),
) -> StoreResult<(Vec<(Colour, i64)>, Vec<Measure>)> {
    let WarningEnds { green, yellow, .. } = WarningEnds::load(db, today).await?;
    let open = Filter {
        status: Some(StandingFilter::Open),
        ..Filter::default()
    };
    let mut dated = list_conditions(actor, Within::All, &open, today, &green);
    dated.and(|s| {
        s.push("m.deadline_kind = 'dated'");
    });
    // Red is what the overdue filter keeps (open, dated, before today): as a filter, its
    // count reads the tallies' months.
    let overdue = Filter {
        status: Some(StandingFilter::Overdue),
        ..Filter::default()
    };
    let red = list_conditions(actor, Within::All, &overdue, today, &green);
    let mut in_yellow = dated.clone();
    in_yellow.and(|s| {
        s.push("m.deadline_date >= ")
            .bind(day(today))
            .push(" AND m.deadline_date <= ")
            .append(&yellow.per_org(day));
    });
    let mut in_green = dated.clone();
    in_green.and(|s| {
        s.push("m.deadline_date > ")
            .append(&yellow.per_org(day))
            .push(" AND m.deadline_date <= ")
            .append(&green.per_org(day));
    });
    let mut counts = Vec::with_capacity(3);
    for (colour, cond) in [
        (Colour::Red, &red),
        (Colour::Yellow, &in_yellow),
        (Colour::Green, &in_green),
    ] {
        counts.push((colour, count_where(db, cond).await?));
    }
    let mut any = dated.rows;
    any.push(" AND ").append(&warned_today(&green));
    let list = fetch(
        db,
        Found::Measures(&any),
        crate::db::dialect::deadline_order(db.backend(), true),
        (limit, offset),
        today,
    )
    .await?;
    Ok((counts, list))
}
