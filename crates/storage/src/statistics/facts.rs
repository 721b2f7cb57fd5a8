//! The facts the figures are computed from (`domain::statistics::Facts`), read for a
//! set of inspections as they stood at an instant: now, or a past instant rewound
//! from the trail (`audit::rewind`).

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, NaiveDate, Utc};
use serde::Deserialize;
use sqlx::AnyConnection;
use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::inspection::InspectionKind;
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::outcomes::{AccountabilityForm, InstitutionChange};
use zhenggai_domain::petition::{PetitionFact, PetitionState};
use zhenggai_domain::statistics::{
    AccountabilityFact, AspectFact, Facts, InspectionFact, InstitutionFact, MeasureFact,
    ProblemFact, RecoveryFact, Step, StepFact,
};
use zhenggai_domain::status::{Activity, MeasureState};
use zhenggai_domain::warning::WarningRules;
use zhenggai_domain::{AspectId, InspectionId, ProblemId, UnitId, UserId};

use crate::audit::Entity;
use crate::audit::rewind::{Rewound, rows_at};
use crate::db::rows::code_of;
use crate::db::sql::{Sql, parse_day, parse_stamp, stamp};
use crate::error::StoreResult;

#[derive(sqlx::FromRow, Deserialize)]
struct InspectionRow {
    id: i64,
    org_id: i64,
    kind: String,
    title: String,
    withdrawn_at: Option<String>,
}

#[derive(Debug, sqlx::FromRow, Deserialize)]
pub(super) struct AspectRow {
    pub(super) id: i64,
    pub(super) inspection_id: i64,
    pub(super) ordinal: i64,
    pub(super) title: String,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct ItemRow {
    id: i64,
    aspect_id: i64,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct ProblemRow {
    id: i64,
    inspection_id: i64,
    aspect_id: i64,
    ordinal: i64,
    title: String,
    #[serde(default)]
    lead_unit_id: Option<i64>,
    #[serde(default)]
    leader_id: Option<i64>,
    /// Added by migration 0003 with this default; older images lack it.
    #[serde(default = "registered")]
    state: String,
    /// Added by migration 0047 (不予公开); older images lack it.
    #[serde(default)]
    not_public: i64,
    /// When it entered the ledger (its age counts from it).
    created_at: String,
    withdrawn_at: Option<String>,
}

fn registered() -> String {
    "registered".into()
}

#[derive(sqlx::FromRow, Deserialize)]
struct MeasureRow {
    id: i64,
    problem_id: i64,
    inspection_id: i64,
    ordinal: i64,
    lead_unit_id: i64,
    leader_id: Option<i64>,
    deadline_kind: String,
    deadline_date: Option<String>,
    state: String,
    done_on: Option<String>,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct AccountabilityRow {
    id: i64,
    inspection_id: i64,
    subject_kind: String,
    form: String,
    /// Added by migration 0047 (不予公开); older images lack it.
    #[serde(default)]
    not_public: i64,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct InstitutionRow {
    id: i64,
    inspection_id: i64,
    change_kind: String,
    /// Added by migration 0047 (不予公开); older images lack it.
    #[serde(default)]
    not_public: i64,
    withdrawn_at: Option<String>,
}

#[derive(sqlx::FromRow, Deserialize)]
struct RecoveryRow {
    id: i64,
    inspection_id: i64,
    amount_fen: i64,
    /// Added by migration 0047 (不予公开); older images lack it.
    #[serde(default)]
    not_public: i64,
    withdrawn_at: Option<String>,
}

/// A petition (信访件).
#[derive(sqlx::FromRow, Deserialize)]
struct PetitionRow {
    id: i64,
    inspection_id: i64,
    state: String,
    deadline: String,
    concluded_on: Option<String>,
    withdrawn_at: Option<String>,
}

/// An organisation's warning rules: the green window is when a measure is due soon.
/// The table withdraws nothing: a row is replaced by its next version.
#[derive(sqlx::FromRow, Deserialize)]
struct RulesRow {
    id: i64,
    org_id: i64,
    green_days: i64,
}

rewound!(
    InspectionRow,
    AspectRow,
    ItemRow,
    ProblemRow,
    MeasureRow,
    AccountabilityRow,
    InstitutionRow,
    RecoveryRow,
    PetitionRow
);

impl Rewound for RulesRow {
    fn id(&self) -> i64 {
        self.id
    }
    fn withdrawn(&self) -> bool {
        false
    }
    const WITHDRAWS: bool = false;
}

/// An inspection in scope.
pub(super) struct InScope {
    pub(super) id: InspectionId,
    pub(super) org: UnitId,
    pub(super) kind: InspectionKind,
    pub(super) title: String,
}

/// The inspections of `orgs` (or the one `only`) as they stood at `at`, by id.
pub(super) async fn inspections(
    conn: &mut AnyConnection,
    orgs: &[UnitId],
    only: Option<InspectionId>,
    at: Option<DateTime<Utc>>,
) -> StoreResult<Vec<InScope>> {
    let mut scope = Sql::new("org_id IN ");
    scope.id_list(orgs.iter().map(|o| o.0));
    if let Some(id) = only {
        scope.push(" AND id = ").bind(id.0);
    }
    let rows: Vec<InspectionRow> = rows_at(
        conn,
        Entity::Inspection,
        "id, org_id, kind, title, withdrawn_at",
        &scope,
        at,
    )
    .await?;
    let mut out = rows
        .into_iter()
        .map(|r| {
            Ok(InScope {
                id: InspectionId(r.id),
                org: UnitId(r.org_id),
                kind: code_of("inspections", "kind", &r.kind)?,
                title: r.title,
            })
        })
        .collect::<StoreResult<Vec<_>>>()?;
    out.sort_by_key(|i| i.id);
    Ok(out)
}

/// What the battle map names a problem's cell by.
#[derive(Debug, Clone)]
pub(super) struct ProblemTitle {
    pub(super) id: i64,
    pub(super) inspection_id: i64,
    pub(super) aspect_id: i64,
    pub(super) ordinal: i64,
    pub(super) title: String,
}

/// What was read besides the facts: the aspects' and problems' titles and order, for
/// their rows and cells.
pub(super) struct Read {
    /// The facts.
    pub(super) facts: Facts,
    /// The aspects as they stood, in the ledger's order.
    pub(super) aspects: Vec<AspectRow>,
    /// The problems as they stood, in the ledger's order.
    pub(super) problems: Vec<ProblemTitle>,
}

/// Every fact of `inspections` as they stood at `at` (now when `None`); `day` is the
/// day the figures are of.
pub(super) async fn read(
    conn: &mut AnyConnection,
    inspections: &[&InScope],
    at: Option<DateTime<Utc>>,
    day: NaiveDate,
) -> StoreResult<Read> {
    let ids: Vec<i64> = inspections.iter().map(|i| i.id.0).collect();
    let in_scope = |column: &str| {
        let mut sql = Sql::new(column);
        sql.push(" IN ").id_list(ids.iter().copied());
        sql
    };
    let by_inspection = in_scope("inspection_id");

    let orgs: Vec<UnitId> = inspections.iter().map(|i| i.org).collect();
    let windows = windows_of(conn, &orgs, at).await?;
    let inspection_facts = inspections
        .iter()
        .map(|i| InspectionFact {
            id: i.id,
            kind: i.kind,
            org: i.org,
            windows: windows
                .get(&i.org)
                .copied()
                .unwrap_or_else(|| WarningRules::default().windows()),
        })
        .collect();

    let mut aspects: Vec<AspectRow> = rows_at(
        conn,
        Entity::Aspect,
        "id, inspection_id, ordinal, title, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;
    aspects.sort_by_key(|a| (a.inspection_id, a.ordinal, a.id));
    // An item counts in the inspection of its aspect, whether or not the aspect is
    // withdrawn, as the inspection list counts it.
    let mut item_scope = Sql::new("aspect_id IN (SELECT id FROM aspects WHERE ");
    item_scope.append(&by_inspection).push(")");
    let items: Vec<ItemRow> = rows_at(
        conn,
        Entity::Item,
        "id, aspect_id, withdrawn_at",
        &item_scope,
        at,
    )
    .await?;
    let mut aspect_scope = Sql::new("SELECT id, inspection_id FROM aspects WHERE ");
    aspect_scope.append(&by_inspection);
    let aspect_inspection: HashMap<i64, i64> = aspect_scope
        .query_as::<(i64, i64)>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();

    let mut problems: Vec<ProblemRow> = rows_at(
        conn,
        Entity::Problem,
        "id, inspection_id, aspect_id, ordinal, title, lead_unit_id, leader_id, state, \
         not_public, created_at, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;
    problems.sort_by_key(|p| (p.inspection_id, p.aspect_id, p.ordinal, p.id));
    let mut measures: Vec<MeasureRow> = rows_at(
        conn,
        Entity::Measure,
        "id, problem_id, inspection_id, ordinal, lead_unit_id, leader_id, deadline_kind, \
         deadline_date, state, done_on, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;
    measures.sort_by_key(|m| (m.problem_id, m.ordinal, m.id));
    // A problem without a lead unit or leader of its own has its first measure's.
    let mut first: BTreeMap<i64, (i64, Option<i64>)> = BTreeMap::new();
    for m in &measures {
        first
            .entry(m.problem_id)
            .or_insert((m.lead_unit_id, m.leader_id));
    }

    let steps = steps(conn, &by_inspection, at).await?;
    let accountability: Vec<AccountabilityRow> = rows_at(
        conn,
        Entity::Accountability,
        "id, inspection_id, subject_kind, form, not_public, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;
    let institutions: Vec<InstitutionRow> = rows_at(
        conn,
        Entity::Institution,
        "id, inspection_id, change_kind, not_public, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;
    let recoveries: Vec<RecoveryRow> = rows_at(
        conn,
        Entity::Recovery,
        "id, inspection_id, amount_fen, not_public, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;

    let petitions: Vec<PetitionRow> = rows_at(
        conn,
        Entity::Petition,
        "id, inspection_id, state, deadline, concluded_on, withdrawn_at",
        &by_inspection,
        at,
    )
    .await?;

    let problem_ids: HashMap<i64, i64> = problems.iter().map(|p| (p.id, p.inspection_id)).collect();
    let facts = Facts {
        inspections: inspection_facts,
        aspects: aspects
            .iter()
            .map(|a| AspectFact {
                id: AspectId(a.id),
                inspection: InspectionId(a.inspection_id),
            })
            .collect(),
        items: items
            .iter()
            .filter_map(|i| aspect_inspection.get(&i.aspect_id))
            .map(|i| InspectionId(*i))
            .collect(),
        problems: problems
            .iter()
            .map(|p| {
                let first = first.get(&p.id);
                Ok(ProblemFact {
                    id: ProblemId(p.id),
                    inspection: InspectionId(p.inspection_id),
                    aspect: AspectId(p.aspect_id),
                    lead_unit: p.lead_unit_id.or(first.map(|f| f.0)).map(UnitId),
                    leader: p.leader_id.or(first.and_then(|f| f.1)).map(UserId),
                    state: code_of::<ProblemState>("problems", "state", &p.state)?,
                    public: p.not_public == 0,
                    registered_on: parse_stamp(&p.created_at)
                        .map_or(day, |at| zhenggai_domain::clock::china_time(at).date()),
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        measures: measures
            .iter()
            .map(|m| {
                Ok(MeasureFact {
                    problem: ProblemId(m.problem_id),
                    inspection: InspectionId(m.inspection_id),
                    lead_unit: UnitId(m.lead_unit_id),
                    leader: m.leader_id.map(UserId),
                    deadline_kind: code_of::<DeadlineKind>(
                        "measures",
                        "deadline_kind",
                        &m.deadline_kind,
                    )?,
                    deadline: m.deadline_date.as_deref().and_then(parse_day),
                    state: code_of::<MeasureState>("measures", "state", &m.state)?,
                    done_on: m.done_on.as_deref().and_then(parse_day),
                    // Which long-term measure is due for review changes no figure
                    // (长期坚持 counts as long-term either way), so neither its
                    // registration nor its progress is read: every column read is a
                    // string made for each of a scope's measures.
                    activity: Activity {
                        registered_on: day,
                        last_progress: None,
                    },
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        steps: steps
            .into_iter()
            .filter_map(|(problem, step)| {
                problem_ids.get(&problem).map(|i| StepFact {
                    inspection: InspectionId(*i),
                    step,
                })
            })
            .collect(),
        accountability: accountability
            .iter()
            .map(|a| {
                Ok(AccountabilityFact {
                    inspection: InspectionId(a.inspection_id),
                    person: a.subject_kind != "unit",
                    form: code_of::<AccountabilityForm>("accountability", "form", &a.form)?,
                    public: a.not_public == 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        institutions: institutions
            .iter()
            .map(|i| {
                Ok(InstitutionFact {
                    inspection: InspectionId(i.inspection_id),
                    change: code_of::<InstitutionChange>(
                        "institutions",
                        "change_kind",
                        &i.change_kind,
                    )?,
                    public: i.not_public == 0,
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
        recoveries: recoveries
            .iter()
            .map(|r| RecoveryFact {
                inspection: InspectionId(r.inspection_id),
                fen: r.amount_fen,
                public: r.not_public == 0,
            })
            .collect(),
        petitions: petitions
            .iter()
            .map(|p| {
                Ok(PetitionFact {
                    inspection: InspectionId(p.inspection_id),
                    state: code_of::<PetitionState>("petitions", "state", &p.state)?,
                    deadline: parse_day(&p.deadline).ok_or_else(|| {
                        sqlx::Error::Decode(
                            format!("petitions {} has deadline {:?}", p.id, p.deadline).into(),
                        )
                    })?,
                    concluded_on: p.concluded_on.as_deref().and_then(parse_day),
                })
            })
            .collect::<Result<_, sqlx::Error>>()?,
    };
    Ok(Read {
        facts,
        aspects,
        problems: problems
            .into_iter()
            .map(|p| ProblemTitle {
                id: p.id,
                inspection_id: p.inspection_id,
                aspect_id: p.aspect_id,
                ordinal: p.ordinal,
                title: p.title,
            })
            .collect(),
    })
}

/// The closure and look-back steps taken on the problems of the scope by `at`: steps
/// are records of their own, never changed.
async fn steps(
    conn: &mut AnyConnection,
    by_inspection: &Sql,
    at: Option<DateTime<Utc>>,
) -> StoreResult<Vec<(i64, Step)>> {
    let codes: Vec<String> = Step::ALL
        .iter()
        .map(|s| format!("'{}'", s.action()))
        .collect();
    let mut sql = Sql::new(&format!(
        "SELECT problem_id, action FROM problem_events WHERE action IN ({}) \
         AND problem_id IN (SELECT id FROM problems WHERE ",
        codes.join(", ")
    ));
    sql.append(by_inspection).push(")");
    if let Some(at) = at {
        sql.push(" AND at <= ").bind(stamp(at));
    }
    let rows = sql.query_as::<(i64, String)>().fetch_all(conn).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(problem, action)| Some((problem, Step::of_action(&action)?)))
        .collect())
}

/// Each organisation's windows as its warning rules stood at `at`.
async fn windows_of(
    conn: &mut AnyConnection,
    orgs: &[UnitId],
    at: Option<DateTime<Utc>>,
) -> StoreResult<HashMap<UnitId, zhenggai_domain::status::Windows>> {
    let mut scope = Sql::new("org_id IN ");
    scope.id_list(orgs.iter().map(|o| o.0));
    let rows: Vec<RulesRow> = rows_at(
        conn,
        Entity::WarningRules,
        "id, org_id, green_days",
        &scope,
        at,
    )
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| {
            let rules = WarningRules {
                green_days: u32::try_from(r.green_days).unwrap_or(0),
                ..WarningRules::default()
            };
            (UnitId(r.org_id), rules.windows())
        })
        .collect())
}
