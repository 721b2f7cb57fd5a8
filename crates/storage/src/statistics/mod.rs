//! 统计 (D15): every figure of an inspection, an organisation or the organisations an
//! upper level oversees, today or as of a past day. The facts are read here (`facts`,
//! a past day rewound from the trail by `audit::rewind`); `domain::statistics` alone
//! decides what each figure counts; [`Figures`] is what the API, the command line and
//! the documents quote.

// Before the modules that use it: a macro is seen by what follows it.
/// Implements [`crate::audit::rewind::Rewound`] for a row type with `id` and
/// `withdrawn_at` (the `Rewound` in scope where it is used).
macro_rules! rewound {
    ($($row:ty),*) => {$(
        impl Rewound for $row {
            fn id(&self) -> i64 {
                self.id
            }
            fn withdrawn(&self) -> bool {
                self.withdrawn_at.is_some()
            }
        }
    )*};
}

pub mod cache;
mod facts;
pub(crate) mod parts;
mod report;

pub use report::{AspectText, MeasureText, ProblemText, ReportLedger, report_ledger};

use std::collections::HashMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::clock::from_china_time;
use zhenggai_domain::inspection::InspectionKind;
use zhenggai_domain::petition::Petitions;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::statistics::{self, Rectification, Reviews, Source};
use zhenggai_domain::validate::{FieldError, Why};
use zhenggai_domain::{InspectionId, UnitId};

use crate::db::Db;
use crate::db::sql::Sql;
use crate::error::{StoreError, StoreResult};
use crate::ledger::inspection_org;
use crate::scope::ledger_orgs;

/// What the figures cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    /// One inspection (or other source).
    Inspection(InspectionId),
    /// All the inspections of one organisation.
    Organisation(UnitId),
    /// All the inspections of every organisation whose whole ledger the person reads:
    /// their own (the office, 纪检, the Party secretary), or those the upper level
    /// oversees.
    Everything,
}

/// Problems and measures done in percent, one decimal; absent when there are none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Rates {
    /// 问题整改完成率.
    pub problems_done_percent: Option<f64>,
    /// 措施完成率.
    pub measures_done_percent: Option<f64>,
}

impl Rates {
    fn of(r: &Rectification) -> Rates {
        Rates {
            problems_done_percent: r.problems_done_percent(),
            measures_done_percent: r.measures_done_percent(),
        }
    }
}

/// Records by the four forms (四种形态).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ByForm {
    /// 第一种形态.
    pub first: u64,
    /// 第二种形态.
    pub second: u64,
    /// 第三种形态.
    pub third: u64,
    /// 第四种形态.
    pub fourth: u64,
}

/// What rectification produced: institutions, accountability, money.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Results {
    /// 制定完善制度xx项: institutions made and revised.
    pub institutions: u64,
    /// Institutions made (制定).
    pub institutions_made: u64,
    /// Institutions revised (修订).
    pub institutions_revised: u64,
    /// Institutions abolished (废止).
    pub institutions_abolished: u64,
    /// 问责xx人.
    pub people_held_accountable: u64,
    /// Units held accountable.
    pub units_held_accountable: u64,
    /// Accountability records by the four forms.
    pub accountability_by_form: ByForm,
    /// 清退 / 追缴, in fen (分).
    pub money_recovered_fen: i64,
    /// The same in yuan (元), two decimals.
    pub money_recovered_yuan: f64,
}

impl Results {
    fn of(s: &Source) -> Results {
        let f = s.accountability.by_form;
        Results {
            institutions: s.institutions.made_or_revised(),
            institutions_made: s.institutions.made,
            institutions_revised: s.institutions.revised,
            institutions_abolished: s.institutions.abolished,
            people_held_accountable: s.accountability.people,
            units_held_accountable: s.accountability.units,
            accountability_by_form: ByForm {
                first: f[0],
                second: f[1],
                third: f[2],
                fourth: f[3],
            },
            money_recovered_fen: s.money_recovered_fen,
            money_recovered_yuan: s.money_recovered_fen as f64 / 100.0,
        }
    }
}

/// The figures of one source (inspection kind) or organisation.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SourceFigures {
    /// Inspections.
    pub inspections: u64,
    /// Problems and measures.
    #[serde(flatten)]
    pub rectification: Rectification,
    /// Completion rates.
    #[serde(flatten)]
    pub rates: Rates,
    /// Closure reviews and look-backs.
    #[serde(flatten)]
    pub reviews: Reviews,
    /// Institutions, accountability, money.
    #[serde(flatten)]
    pub results: Results,
    /// 信访件: received, concluded, in handling, overdue.
    #[serde(flatten)]
    pub petitions: Petitions,
}

impl SourceFigures {
    fn of(s: &Source) -> SourceFigures {
        SourceFigures {
            inspections: s.inspections,
            rectification: s.rectification,
            rates: Rates::of(&s.rectification),
            reviews: s.reviews,
            results: Results::of(s),
            petitions: s.petitions,
        }
    }
}

/// One source's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct SourceRow {
    /// 巡视、巡察、审计 …
    pub kind: InspectionKind,
    /// Its figures.
    #[serde(flatten)]
    pub figures: SourceFigures,
}

/// One organisation's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OrganisationRow {
    /// The organisation.
    pub org_id: i64,
    /// Its name.
    pub name: String,
    /// Its figures.
    #[serde(flatten)]
    pub figures: SourceFigures,
}

/// An organisation the figures cover.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Named {
    /// Its id.
    pub id: i64,
    /// Its name.
    pub name: String,
}

/// One inspection's figures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct InspectionRow {
    /// The inspection.
    pub inspection_id: i64,
    /// Its title as it stood.
    pub title: String,
    /// Its kind.
    pub kind: InspectionKind,
    /// The inspected organisation.
    pub org_id: i64,
    /// Its figures.
    #[serde(flatten)]
    pub figures: SourceFigures,
}

/// One aspect's problems and measures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct AspectRow {
    /// The aspect.
    pub aspect_id: i64,
    /// Its inspection.
    pub inspection_id: i64,
    /// Its title as it stood.
    pub title: String,
    /// Problems and measures.
    #[serde(flatten)]
    pub rectification: Rectification,
    /// Completion rates.
    #[serde(flatten)]
    pub rates: Rates,
}

/// One lead unit's or leader's problems and measures.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct PartRow {
    /// The unit or the leader (a person).
    pub id: i64,
    /// The unit's or person's name.
    pub name: String,
    /// The organisation's short name (the upper level's figures hold several).
    pub organisation: String,
    /// Problems and measures: a unit's problems are those it leads (牵头), its measures
    /// those it leads; a leader's, those naming them as 责任领导.
    #[serde(flatten)]
    pub rectification: Rectification,
    /// Completion rates.
    #[serde(flatten)]
    pub rates: Rates,
}

/// Every figure of a scope on one day (D15).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// The day the figures are of (截至).
    #[schema(value_type = String, format = Date)]
    pub as_of: NaiveDate,
    /// Inspections (and other sources).
    pub inspections: u64,
    /// 方面.
    pub aspects: u64,
    /// 项.
    pub items: u64,
    /// Problems and measures: done, on schedule, long-term, overdue.
    #[serde(flatten)]
    pub rectification: Rectification,
    /// Completion rates.
    #[serde(flatten)]
    pub rates: Rates,
    /// Closure reviews and look-backs.
    #[serde(flatten)]
    pub reviews: Reviews,
    /// Institutions, accountability, money.
    #[serde(flatten)]
    pub results: Results,
    /// 信访件: received, concluded, in handling, overdue.
    #[serde(flatten)]
    pub petitions: Petitions,
    /// By source (inspection kind).
    pub by_source: Vec<SourceRow>,
    /// The organisations the figures cover, with or without inspections on the day.
    pub organisations: Vec<Named>,
    /// By inspected organisation.
    pub by_organisation: Vec<OrganisationRow>,
    /// By inspection.
    pub by_inspection: Vec<InspectionRow>,
    /// By aspect, in the ledger's order.
    pub by_aspect: Vec<AspectRow>,
    /// By lead unit.
    pub by_unit: Vec<PartRow>,
    /// By responsible leader.
    pub by_leader: Vec<PartRow>,
    /// What the public notice may say.
    pub published: Published,
}

/// What the public notice (整改情况公开) may say: the results the office did not mark
/// 不予公开, and how many problems it withholds. Every other figure counts them all.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct Published {
    /// Institutions, accountability and money that may be published.
    #[serde(flatten)]
    pub results: Results,
    /// Problems marked 不予公开: counted in the totals, not named.
    pub problems_withheld: u64,
}

/// How many inspections' facts are read in one go (see [`gather`]).
const READ_TOGETHER: usize = 8;

/// How many figure computations run at once (see [`gather`]).
static TURNS: tokio::sync::Semaphore = tokio::sync::Semaphore::const_new(2);

/// The end of a day in China: what the ledger held when the day was over.
fn end_of(day: NaiveDate) -> DateTime<Utc> {
    from_china_time((day + Duration::days(1)).and_time(chrono::NaiveTime::MIN))
        - Duration::microseconds(1)
}

/// Every figure of `scope` as of the end of `as_of` (today when `None`), for a person
/// who reads the whole ledger of each organisation in it. A day after `today` is
/// refused at the field `as_of`. Computed once for each state of the ledger
/// ([`cache`]), and shared by every reader of that state rather than copied (the upper
/// level's figures break down by two thousand units).
pub async fn figures(
    db: &Db,
    actor: &Actor,
    scope: Scope,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> StoreResult<Arc<Figures>> {
    cached(
        db,
        actor,
        scope,
        as_of,
        today,
        cache::What::Figures,
        async |plan| Ok(Arc::new(named(db, plan, &gather(db, plan).await?).await?)),
    )
    .await
}

/// How far rectification has come in `scope` as of the end of `as_of` (today when
/// `None`): the figures of [`figures`] for problems and measures, without the
/// breakdowns and the names they are given by (the home page's tiles).
pub async fn totals(
    db: &Db,
    actor: &Actor,
    scope: Scope,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> StoreResult<Rectification> {
    cached(
        db,
        actor,
        scope,
        as_of,
        today,
        cache::What::Totals,
        async |plan| Ok(gather(db, plan).await?.stats.rectification),
    )
    .await
}

/// One problem on the battle map (挂图作战): where it stood on the day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Cell {
    /// The problem.
    pub problem_id: i64,
    /// Its number in its inspection's ledger.
    pub ordinal: i64,
    /// Its title as it stood.
    pub title: String,
    /// done, on_schedule, long_term or overdue.
    pub standing: statistics::ProblemStanding,
    /// Whether one of its open measures was due within the warning window.
    pub due_soon: bool,
}

/// One aspect's row of the battle map.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct MapRow {
    /// The aspect.
    pub aspect_id: i64,
    /// Its title as it stood.
    pub title: String,
    /// Its problems and measures.
    #[serde(flatten)]
    pub rectification: Rectification,
    /// Its problems, in the ledger's order.
    pub cells: Vec<Cell>,
}

/// The battle map of a scope on a day: its figures, and every problem as a cell under
/// its aspect.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct BattleMap {
    /// The figures.
    pub figures: Figures,
    /// The aspects with their problems.
    pub rows: Vec<MapRow>,
}

/// The battle map (挂图作战, D14) of `scope` as of `as_of`: the figures of [`figures`]
/// and each problem's standing under its aspect; computed once for each state of the
/// ledger ([`cache`]) and shared, not copied, with every reader of it.
pub async fn battle_map(
    db: &Db,
    actor: &Actor,
    scope: Scope,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> StoreResult<Arc<BattleMap>> {
    cached(
        db,
        actor,
        scope,
        as_of,
        today,
        cache::What::Map,
        async |plan| {
            let g = gather(db, plan).await?;
            let figures = named(db, plan, &g).await?;
            Ok(Arc::new(map_of(g, figures)))
        },
    )
    .await
}

/// The map of what [`gather`] computed.
fn map_of(g: Gathered, figures: Figures) -> BattleMap {
    // The cells stay with their parts (`statistics::merge`).
    let cells: HashMap<i64, &statistics::ProblemCell> = g
        .parts
        .iter()
        .flat_map(|p| &p.stats.problems)
        .map(|c| (c.id.0, c))
        .collect();
    let mut by_aspect: HashMap<i64, Vec<Cell>> = HashMap::new();
    for p in g.parts.iter().flat_map(|part| &part.problems) {
        if let Some(c) = cells.get(&p.id) {
            by_aspect.entry(p.aspect_id).or_default().push(Cell {
                problem_id: p.id,
                ordinal: p.ordinal,
                title: p.title.clone(),
                standing: c.standing,
                due_soon: c.due_soon,
            });
        }
    }
    let rows = figures
        .by_aspect
        .iter()
        .map(|a| MapRow {
            aspect_id: a.aspect_id,
            title: a.title.clone(),
            rectification: a.rectification,
            cells: by_aspect.remove(&a.aspect_id).unwrap_or_default(),
        })
        .collect();
    BattleMap { figures, rows }
}

/// Computes today's figures of every inspection ahead of their first reader, one
/// organisation at a time, and answers how many inspections it computed (none where
/// entries are not chained: nothing is kept then). The server runs it at start and as
/// each day begins: the first upper-level map or home page of the day would otherwise
/// read every measure it oversees while its reader waits (seconds at a million
/// measures). Nothing is answered, so no one's permission is asked; whoever reads the
/// figures later is checked then.
pub async fn warm(db: &Db, today: NaiveDate) -> StoreResult<usize> {
    let orgs: Vec<i64> =
        sqlx::query_scalar("SELECT DISTINCT org_id FROM inspections ORDER BY org_id")
            .fetch_all(db.pool())
            .await?;
    let mut warmed = 0;
    for org in orgs {
        let mut conn = db.pool().acquire().await?;
        let Some(state) = cache::state(db, &mut conn).await? else {
            return Ok(0);
        };
        drop(conn);
        let plan = Plan {
            orgs: vec![UnitId(org)],
            only: None,
            day: today,
            today,
            at: None,
            state: Some(state),
        };
        warmed += gather(db, &plan).await?.inspections.len();
    }
    Ok(warmed)
}

/// What a computation covers, once the day and the permission are checked.
pub(crate) struct Plan {
    orgs: Vec<UnitId>,
    only: Option<InspectionId>,
    day: NaiveDate,
    today: NaiveDate,
    /// The instant the rows are rewound to; `None` for today's rows as they are.
    at: Option<DateTime<Utc>>,
    /// The ledger's state read before anything is computed (`cache::state`).
    state: Option<i64>,
}

/// Checks the day and the permission, then answers from the cache or computes with
/// `make`.
async fn cached<T: Clone + Send + Sync + 'static>(
    db: &Db,
    actor: &Actor,
    scope: Scope,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
    what: cache::What,
    make: impl AsyncFnOnce(&Plan) -> StoreResult<T>,
) -> StoreResult<T> {
    let mut conn = db.pool().acquire().await?;
    let mut plan = plan(&mut conn, actor, scope, as_of, today).await?;
    // Read before the facts: what is computed is at least as new as this.
    plan.state = cache::state(db, &mut conn).await?;
    drop(conn);
    let orgs: Vec<i64> = plan.orgs.iter().map(|o| o.0).collect();
    let key = plan
        .state
        .map(|state| cache::key(what, &orgs, plan.only.map(|i| i.0), plan.day, today, state));
    cache::get_or_make(db, key, async || make(&plan).await).await
}

/// The day checked (not ahead, a year in range) and the scope's organisations, for a
/// person who reads their whole ledgers.
async fn plan(
    conn: &mut sqlx::AnyConnection,
    actor: &Actor,
    scope: Scope,
    as_of: Option<NaiveDate>,
    today: NaiveDate,
) -> StoreResult<Plan> {
    let day = as_of.unwrap_or(today);
    if !zhenggai_domain::validate::YEARS.contains(&chrono::Datelike::year(&day)) {
        return Err(StoreError::Invalid(vec![FieldError::because(
            "as_of",
            Why::YearOutOfRange,
        )]));
    }
    if day > today {
        return Err(StoreError::Invalid(vec![FieldError::because(
            "as_of",
            Why::AsOfAhead { today },
        )]));
    }
    // Today's figures read the rows as they are; an earlier day's rewinds them.
    let at = (day < today).then(|| end_of(day));
    let (orgs, only) = match scope {
        Scope::Inspection(id) => {
            let org = inspection_org(conn, id).await?;
            require_figures(actor, org)?;
            (vec![org], Some(id))
        }
        Scope::Organisation(org) => {
            require_figures(actor, org)?;
            (vec![org], None)
        }
        Scope::Everything => match ledger_orgs(actor) {
            Some(orgs) => (orgs.into_iter().map(UnitId).collect(), None),
            None => return Err(refusal(actor)),
        },
    };
    Ok(Plan {
        orgs,
        only,
        day,
        today,
        at,
        state: None,
    })
}

/// What [`gather`] computed: the figures, the inspections' parts they sum, the sum.
struct Gathered {
    /// The inspections in scope.
    inspections: Vec<facts::InScope>,
    /// Their parts, in the same order.
    parts: Vec<Arc<parts::Part>>,
    /// Their sum.
    stats: statistics::Statistics,
}

/// The figures of the plan's scope: the sum of its inspections' ([`parts`]), each
/// computed once until the ledger changes it.
async fn gather(db: &Db, plan: &Plan) -> StoreResult<Gathered> {
    // Each computation holds its scope's facts in memory (about 100 bytes a measure):
    // two at a time keep a burst of upper-level maps over a million measures from
    // holding gigabytes; the others wait their turn.
    let _turn = TURNS
        .acquire()
        .await
        .map_err(|e| StoreError::Other(e.into()))?;
    let mut conn = db.pool().acquire().await?;
    // Before the facts: a part computed now is at least as new as this.
    let kept = parts::of(db);
    let generation = kept.catch_up(&mut conn, plan.state).await?;
    let inspections = facts::inspections(&mut conn, &plan.orgs, plan.only, plan.at).await?;
    let key = |i: &facts::InScope| parts::PartKey {
        inspection: i.id.0,
        day: plan.day,
        today: plan.today,
    };
    let mut held: HashMap<InspectionId, Arc<parts::Part>> = inspections
        .iter()
        .filter(|_| generation.is_some())
        .filter_map(|i| Some((i.id, kept.get(&key(i))?)))
        .collect();
    #[cfg(debug_assertions)]
    let reused = !held.is_empty();
    let missing: Vec<&facts::InScope> = inspections
        .iter()
        .filter(|i| !held.contains_key(&i.id))
        .collect();
    // A few inspections at a time: the first computation of an upper level's scope
    // would otherwise hold every measure it oversees as a row at once (500 MB at a
    // million measures), where only each inspection's figures are kept.
    for batch in missing.chunks(READ_TOGETHER) {
        for (i, part) in batch
            .iter()
            .zip(compute_parts(&mut conn, batch, plan).await?)
        {
            let part = Arc::new(part);
            if let Some(generation) = generation {
                kept.put(key(i), part.clone(), generation);
            }
            held.insert(i.id, part);
        }
    }
    let parts: Vec<Arc<parts::Part>> = inspections
        .iter()
        .filter_map(|i| held.remove(&i.id))
        .collect();
    let stats = statistics::merge(plan.day, parts.iter().map(|p| &p.stats));
    #[cfg(debug_assertions)]
    if reused {
        check_sum(db, &mut conn, &inspections, plan, &stats).await?;
    }
    Ok(Gathered {
        inspections,
        parts,
        stats,
    })
}

/// The figures of what [`gather`] summed, with the names of its organisations,
/// inspections, aspects, units and leaders.
async fn named(db: &Db, plan: &Plan, g: &Gathered) -> StoreResult<Figures> {
    let mut conn = db.pool().acquire().await?;
    let aspects: HashMap<i64, &facts::AspectRow> = g
        .parts
        .iter()
        .flat_map(|p| &p.aspects)
        .map(|a| (a.id, a))
        .collect();
    describe(
        &mut conn,
        &plan.orgs,
        &g.inspections,
        &aspects,
        &g.stats,
        plan.day,
    )
    .await
}

/// The parts of `inspections`, read together and computed apart.
async fn compute_parts(
    conn: &mut sqlx::AnyConnection,
    inspections: &[&facts::InScope],
    plan: &Plan,
) -> StoreResult<Vec<parts::Part>> {
    let read = facts::read(conn, inspections, plan.at, plan.day).await?;
    let mut aspects: HashMap<i64, Vec<facts::AspectRow>> = HashMap::new();
    for a in read.aspects {
        aspects.entry(a.inspection_id).or_default().push(a);
    }
    let mut problems: HashMap<i64, Vec<facts::ProblemTitle>> = HashMap::new();
    for p in read.problems {
        problems.entry(p.inspection_id).or_default().push(p);
    }
    Ok(read
        .facts
        .by_inspection()
        .into_iter()
        .map(|f| {
            let id = f.inspections.first().map_or(0, |i| i.id.0);
            parts::Part {
                stats: statistics::compute(&f, plan.day),
                aspects: aspects.remove(&id).unwrap_or_default(),
                problems: problems.remove(&id).unwrap_or_default(),
            }
        })
        .collect())
}

/// Debug builds: the sum of the parts held must equal the figures computed whole,
/// whenever nothing was committed meanwhile — so every test that reads figures after
/// a change also tests what [`parts`] drops.
#[cfg(debug_assertions)]
async fn check_sum(
    db: &Db,
    conn: &mut sqlx::AnyConnection,
    inspections: &[facts::InScope],
    plan: &Plan,
    sum: &statistics::Statistics,
) -> StoreResult<()> {
    let all: Vec<&facts::InScope> = inspections.iter().collect();
    let read = facts::read(conn, &all, plan.at, plan.day).await?;
    let mut whole = statistics::compute(&read.facts, plan.day);
    // The cells stay with their parts (`statistics::merge`); the map's test reads them.
    whole.problems.clear();
    if cache::state(db, conn).await? != plan.state || whole == *sum {
        return Ok(());
    }
    let differs = whole
        .by_inspection
        .iter()
        .zip(&sum.by_inspection)
        .find(|(a, b)| a != b)
        .map(|(a, _)| a.0.0);
    Err(StoreError::Other(anyhow::anyhow!(
        "the figures kept for each inspection differ from the ledger (inspection {differs:?}): \
         a change reached no inspection in statistics::parts"
    )))
}

/// The figures with the names of what they break down by.
async fn describe(
    conn: &mut sqlx::AnyConnection,
    orgs: &[UnitId],
    inspections: &[facts::InScope],
    aspects: &HashMap<i64, &facts::AspectRow>,
    s: &statistics::Statistics,
    day: NaiveDate,
) -> StoreResult<Figures> {
    let mut ids: Vec<i64> = s.by_unit.iter().map(|(u, _)| u.0).collect();
    ids.extend(orgs.iter().map(|o| o.0));
    let units = unit_names(&mut *conn, &ids).await?;
    let leaders = leader_names(
        &mut *conn,
        &s.by_leader.iter().map(|(u, _)| u.0).collect::<Vec<_>>(),
    )
    .await?;
    let name = |id: i64| units.get(&id).cloned().unwrap_or_default();
    let by_id: HashMap<InspectionId, &facts::InScope> =
        inspections.iter().map(|i| (i.id, i)).collect();
    let mut organisations: Vec<Named> = orgs
        .iter()
        .map(|o| Named {
            id: o.0,
            name: name(o.0).2,
        })
        .collect();
    organisations.sort_by_key(|o| o.id);

    let total = Source {
        inspections: s.inspections,
        rectification: s.rectification,
        reviews: s.reviews,
        institutions: s.institutions,
        accountability: s.accountability,
        money_recovered_fen: s.money_recovered_fen,
        petitions: s.petitions,
    };
    Ok(Figures {
        as_of: day,
        inspections: s.inspections,
        aspects: s.aspects,
        items: s.items,
        rectification: s.rectification,
        rates: Rates::of(&s.rectification),
        reviews: s.reviews,
        results: Results::of(&total),
        petitions: s.petitions,
        published: Published {
            results: Results::of(&Source {
                institutions: s.published.institutions,
                accountability: s.published.accountability,
                money_recovered_fen: s.published.money_recovered_fen,
                ..Source::default()
            }),
            problems_withheld: s.published.problems_withheld,
        },
        organisations,
        by_source: s
            .by_source
            .iter()
            .map(|(kind, src)| SourceRow {
                kind: *kind,
                figures: SourceFigures::of(src),
            })
            .collect(),
        by_organisation: s
            .by_organisation
            .iter()
            .map(|(org, src)| OrganisationRow {
                org_id: org.0,
                name: name(org.0).2,
                figures: SourceFigures::of(src),
            })
            .collect(),
        by_inspection: s
            .by_inspection
            .iter()
            .filter_map(|(id, src)| {
                let i = by_id.get(id)?;
                Some(InspectionRow {
                    inspection_id: id.0,
                    title: i.title.clone(),
                    kind: i.kind,
                    org_id: i.org.0,
                    figures: SourceFigures::of(src),
                })
            })
            .collect(),
        by_aspect: s
            .by_aspect
            .iter()
            .filter_map(|(id, r)| {
                let a = aspects.get(&id.0)?;
                Some(AspectRow {
                    aspect_id: id.0,
                    inspection_id: a.inspection_id,
                    title: a.title.clone(),
                    rectification: *r,
                    rates: Rates::of(r),
                })
            })
            .collect(),
        by_unit: s
            .by_unit
            .iter()
            .map(|(unit, r)| {
                let (organisation, unit_name, _) = name(unit.0);
                PartRow {
                    id: unit.0,
                    name: unit_name,
                    organisation,
                    rectification: *r,
                    rates: Rates::of(r),
                }
            })
            .collect(),
        by_leader: s
            .by_leader
            .iter()
            .map(|(user, r)| {
                let (organisation, person) = leaders.get(&user.0).cloned().unwrap_or_default();
                PartRow {
                    id: user.0,
                    name: person,
                    organisation,
                    rectification: *r,
                    rates: Rates::of(r),
                }
            })
            .collect(),
    })
}

/// The whole ledger's figures are for those who read the whole ledger; a unit or a
/// leader of the organisation is told who reads them, anyone else learns nothing.
fn require_figures(actor: &Actor, org: UnitId) -> StoreResult<()> {
    if actor.ledger_access(org) >= Access::Read {
        Ok(())
    } else if actor.org == org && actor.role != zhenggai_domain::Role::Upper {
        // The upper level reads the organisations below it; its own is none of them.
        Err(refusal(actor))
    } else {
        Err(StoreError::NotFound)
    }
}

fn refusal(actor: &Actor) -> StoreError {
    match Refused::without_ledger(actor.role) {
        Some(why) => StoreError::Refused(why),
        None => StoreError::Refused(Refused::FiguresByLedgerReaders),
    }
}

/// Units by id: the short name of their organisation, their name as the lists show
/// it (short), and their full name.
async fn unit_names(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> StoreResult<HashMap<i64, (String, String, String)>> {
    let mut sql = Sql::new(
        "SELECT u.id, COALESCE(o.short_name, o.name, u.short_name, u.name), \
         COALESCE(u.short_name, u.name), u.name \
         FROM units u LEFT JOIN units o ON o.id = u.org_id WHERE u.id IN ",
    );
    sql.id_list(ids.iter().copied());
    Ok(sql
        .query_as::<(i64, String, String, String)>()
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|(id, org, short, name)| (id, (org, short, name)))
        .collect())
}

/// Leaders by id: the short name of their organisation, and their name.
async fn leader_names(
    conn: &mut sqlx::AnyConnection,
    ids: &[i64],
) -> StoreResult<HashMap<i64, (String, String)>> {
    let mut sql = Sql::new(
        "SELECT s.id, COALESCE(o.short_name, o.name, u.short_name, u.name), s.display_name \
         FROM users s JOIN units u ON u.id = s.unit_id LEFT JOIN units o ON o.id = u.org_id \
         WHERE s.id IN ",
    );
    sql.id_list(ids.iter().copied());
    Ok(sql
        .query_as::<(i64, String, String)>()
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|(id, org, name)| (id, (org, name)))
        .collect())
}

/// Each problem of an inspection with the days of its steps (the battle map's
/// burn-down), for those who read its whole ledger.
pub async fn histories(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
) -> StoreResult<Vec<statistics::burn_down::ProblemHistory>> {
    let mut conn = db.pool().acquire().await?;
    let org = inspection_org(&mut conn, inspection).await?;
    require_figures(actor, org)?;
    // Before the rows: what is filed is at least as new as this (`parts`).
    let kept = parts::of(db);
    let state = cache::state(db, &mut conn).await?;
    let generation = kept.catch_up(&mut conn, state).await?;
    if let Some(held) = generation.and_then(|_| kept.histories(inspection.0)) {
        return Ok(held.as_ref().clone());
    }
    let read = Arc::new(read_histories(&mut conn, inspection).await?);
    if let Some(generation) = generation {
        kept.put_histories(inspection.0, read.clone(), generation);
    }
    Ok(Arc::unwrap_or_clone(read))
}

/// [`histories`] as read from the rows.
async fn read_histories(
    conn: &mut sqlx::AnyConnection,
    inspection: InspectionId,
) -> StoreResult<Vec<statistics::burn_down::ProblemHistory>> {
    use statistics::burn_down::ProblemHistory;
    use zhenggai_domain::clock::china_date;
    use zhenggai_domain::lifecycle::ProblemState;

    let day_of = |stamp: &str| crate::db::sql::parse_stamp(stamp).map(china_date);
    let problems = sqlx::query_as::<_, (i64, String, Option<String>)>(
        "SELECT id, created_at, withdrawn_at FROM problems WHERE inspection_id = $1",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    let events = sqlx::query_as::<_, (i64, String, String)>(
        "SELECT e.problem_id, e.at, e.to_state FROM problem_events e \
         JOIN problems p ON p.id = e.problem_id WHERE p.inspection_id = $1 ORDER BY e.id",
    )
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    let mut steps: HashMap<i64, Vec<(NaiveDate, ProblemState)>> = HashMap::new();
    for (problem, at, state) in events {
        let state = crate::db::rows::code_of::<ProblemState>("problem_events", "to_state", &state)?;
        if let Some(day) = day_of(&at) {
            steps.entry(problem).or_default().push((day, state));
        }
    }
    Ok(problems
        .into_iter()
        .filter_map(|(id, created, withdrawn)| {
            Some(ProblemHistory {
                created: day_of(&created)?,
                withdrawn: withdrawn.as_deref().and_then(day_of),
                steps: steps.remove(&id).unwrap_or_default(),
            })
        })
        .collect())
}
