//! A measure as read: every measure query's columns and joins ([`SELECT`]), the row
//! they name, where the measure stands today (derived), its cooperating units, and the
//! reads by id.

use chrono::NaiveDate;
use serde::Serialize;
use sqlx::FromRow;
use sqlx::any::AnyRow;
use zhenggai_domain::access::{Access, Actor, MeasureOwners};
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::status::{Activity, MeasureState, Review, Standing, Windows};
use zhenggai_domain::warning::WarningRules;
use zhenggai_domain::{InspectionId, MeasureId, ProblemId, UnitId, UserId};

use crate::db::Db;
use crate::db::rows::{code_of, opt_code_of};
use crate::db::sql::{Sql, beijing_day, parse_day};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::ledger::{UnitRef, UserRef};

/// A measure as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Measure {
    /// Id.
    pub id: MeasureId,
    /// Its problem.
    pub problem_id: ProblemId,
    /// The problem's one line.
    pub problem_title: String,
    /// Its inspection.
    pub inspection_id: InspectionId,
    /// The inspection's title.
    pub inspection_title: String,
    /// The inspected organisation.
    pub org_id: UnitId,
    /// Position within the problem.
    pub ordinal: i64,
    /// What will be done.
    pub content: String,
    /// 牵头单位.
    pub lead_unit: UnitRef,
    /// 配合单位.
    pub cooperating: Vec<UnitRef>,
    /// 责任领导.
    pub leader: Option<UserRef>,
    /// 责任人.
    pub responsible_person: Option<String>,
    /// 检验指标.
    pub target: Option<String>,
    /// 整改时限: the words and how they were read.
    pub deadline: Deadline,
    /// The deadline as the approved plan set it (frozen baseline), once approved.
    pub original_deadline: Option<String>,
    /// Stored progress state.
    pub state: MeasureState,
    /// The day it was done.
    pub done_on: Option<NaiveDate>,
    /// Where it stands today (derived).
    pub standing: Standing,
    /// Where its problem is: before the plan is approved its work has not started.
    pub problem_state: ProblemState,
    /// 长期坚持 — when its next progress is due, while it is open and long-term.
    pub review: Option<Review>,
    /// Version, for concurrent edits.
    pub version: i64,
}

impl Measure {
    /// Whether its work waits for the plan: the problem's plan is not approved yet and
    /// nothing about the deadline calls for attention, so that it reads as waiting,
    /// not as "整改中" under a problem still only registered.
    pub fn awaits_plan(&self) -> bool {
        !self.problem_state.baseline_frozen() && self.standing == Standing::NotDue
    }

    /// The approved deadline when an extension or a 限时办结 has changed it since.
    pub fn changed_from(&self) -> Option<&str> {
        self.original_deadline
            .as_deref()
            .filter(|o| *o != self.deadline.text)
    }

    /// Its owners, for access decisions.
    pub fn owners(&self) -> MeasureOwners {
        MeasureOwners {
            org: self.org_id,
            lead_unit: self.lead_unit.id,
            cooperating: self.cooperating.iter().map(|u| u.id).collect(),
            leader: self.leader.as_ref().map(|l| l.id),
        }
    }

    /// A measure as [`SELECT`] reads it, standing as it does today.
    pub(crate) fn from_row(r: &AnyRow, today: NaiveDate) -> Result<Measure, sqlx::Error> {
        MeasureRow::from_row(r)?.measure(today)
    }
}

/// The columns and joins every measure query selects.
pub(crate) const SELECT: &str = concat!(
    "SELECT m.id, m.problem_id, p.title AS problem_title, p.state AS problem_state, m.inspection_id, i.title AS inspection_title, \
    m.org_id, m.ordinal, m.content, m.lead_unit_id, COALESCE(lu.short_name, lu.name) AS lead_unit_name, m.leader_id, \
    ld.display_name AS leader_name, m.responsible_person, m.target, m.deadline_text, m.deadline_kind, m.deadline_date, \
    m.deadline_precision, m.original_deadline_text, m.state, m.done_on, m.version, m.created_at, ",
    last_progress!(),
    " AS last_progress, wr.green_days, wr.long_term_days \
    FROM measures m JOIN problems p ON p.id = m.problem_id JOIN inspections i ON i.id = m.inspection_id \
    JOIN units lu ON lu.id = m.lead_unit_id LEFT JOIN users ld ON ld.id = m.leader_id \
    LEFT JOIN warning_rules wr ON wr.org_id = m.org_id"
);

/// A measure as [`SELECT`] names its columns.
#[derive(sqlx::FromRow)]
struct MeasureRow {
    id: i64,
    problem_id: i64,
    problem_title: String,
    problem_state: String,
    inspection_id: i64,
    inspection_title: String,
    org_id: i64,
    ordinal: i64,
    content: String,
    lead_unit_id: i64,
    lead_unit_name: String,
    leader_id: Option<i64>,
    leader_name: Option<String>,
    responsible_person: Option<String>,
    target: Option<String>,
    deadline_text: String,
    deadline_kind: String,
    deadline_date: Option<String>,
    deadline_precision: Option<String>,
    original_deadline_text: Option<String>,
    state: String,
    done_on: Option<String>,
    version: i64,
    created_at: String,
    last_progress: Option<String>,
    green_days: Option<i64>,
    long_term_days: Option<i64>,
}

impl MeasureRow {
    /// The measure, with where it stands today by its organisation's windows (the
    /// defaults where it has set no rules).
    fn measure(self, today: NaiveDate) -> Result<Measure, sqlx::Error> {
        let deadline = Deadline {
            text: self.deadline_text,
            kind: code_of("measures", "deadline_kind", &self.deadline_kind)?,
            date: self.deadline_date.as_deref().and_then(parse_day),
            precision: opt_code_of(
                "measures",
                "deadline_precision",
                self.deadline_precision.as_deref(),
            )?,
        };
        let state = code_of::<MeasureState>("measures", "state", &self.state)?;
        let done_on = self.done_on.as_deref().and_then(parse_day);
        let activity = activity(
            &self.created_at,
            self.last_progress.as_deref().and_then(parse_day),
        );
        let window = |days: Option<i64>, default: u32| {
            days.and_then(|d| u32::try_from(d).ok()).unwrap_or(default)
        };
        let windows = Windows {
            due_soon_days: window(self.green_days, WarningRules::DEFAULT_GREEN_DAYS),
            long_term_days: window(self.long_term_days, WarningRules::DEFAULT_LONG_TERM_DAYS),
        };
        Ok(Measure {
            id: MeasureId(self.id),
            problem_id: ProblemId(self.problem_id),
            problem_title: self.problem_title,
            problem_state: code_of::<ProblemState>("problems", "state", &self.problem_state)?,
            inspection_id: InspectionId(self.inspection_id),
            inspection_title: self.inspection_title,
            org_id: UnitId(self.org_id),
            ordinal: self.ordinal,
            content: self.content,
            lead_unit: UnitRef {
                id: UnitId(self.lead_unit_id),
                name: self.lead_unit_name,
            },
            cooperating: Vec::new(),
            leader: self.leader_id.map(|id| UserRef {
                id: UserId(id),
                name: self.leader_name.unwrap_or_default(),
            }),
            responsible_person: self.responsible_person,
            target: self.target,
            standing: Standing::of(state, &deadline, done_on, activity, today, windows),
            review: (deadline.kind == DeadlineKind::LongTerm && state != MeasureState::Done)
                .then(|| activity.review(windows.long_term_days)),
            deadline,
            original_deadline: self.original_deadline_text,
            state,
            done_on,
            version: self.version,
        })
    }
}

/// What a long-term measure's review counts from, as a measure row stores it: its
/// registration instant (`created_at`) and its last progress day. The ledger, its
/// filter and the reminders read it alike.
pub(crate) fn activity(created_at: &str, last_progress: Option<NaiveDate>) -> Activity {
    Activity {
        // A row always has its stamp; were it unreadable, reviews would count from
        // the progress alone, as if registered long ago.
        registered_on: beijing_day(created_at).unwrap_or(NaiveDate::MIN),
        last_progress,
    }
}

/// Fills in the cooperating units of measures, in one query.
pub(crate) async fn load_cooperating(db: &Db, measures: &mut [Measure]) -> StoreResult<()> {
    if measures.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new(
        "SELECT mu.measure_id, mu.unit_id, COALESCE(u.short_name, u.name) AS name FROM measure_units mu JOIN units u ON u.id = mu.unit_id \
         WHERE mu.withdrawn_at IS NULL AND mu.measure_id",
    );
    sql.id_set(db.backend(), measures.iter().map(|m| m.id.0))
        .push(" ORDER BY mu.id");
    let place: std::collections::HashMap<MeasureId, usize> = measures
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i))
        .collect();
    for r in sql.query().fetch_all(db.pool()).await? {
        let r = Cooperating::from_row(&r)?;
        let measure = MeasureId(r.measure_id);
        let unit = UnitRef {
            id: UnitId(r.unit_id),
            name: r.name,
        };
        if let Some(m) = place.get(&measure).and_then(|i| measures.get_mut(*i)) {
            m.cooperating.push(unit);
        }
    }
    Ok(())
}

/// A cooperating unit of a measure, as [`load_cooperating`] reads it.
#[derive(sqlx::FromRow)]
struct Cooperating {
    measure_id: i64,
    unit_id: i64,
    name: String,
}

/// One measure, if the actor may read it, with the actor's access to it.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: MeasureId,
    today: NaiveDate,
) -> StoreResult<(Measure, Access)> {
    let row = sqlx::query_as::<_, MeasureRow>(&format!(
        "{SELECT} WHERE m.id = $1 AND m.withdrawn_at IS NULL"
    ))
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let mut measures = vec![row.measure(today)?];
    load_cooperating(db, &mut measures).await?;
    let measure = measures.pop().ok_or(StoreError::NotFound)?;
    match actor.measure_access(&measure.owners()) {
        Access::None => Err(StoreError::NotFound),
        access => Ok((measure, access)),
    }
}

/// A measure read inside a write transaction (without its cooperating units).
pub async fn load(tx: &mut Tx, id: MeasureId, today: NaiveDate) -> StoreResult<Measure> {
    let row = sqlx::query_as::<_, MeasureRow>(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id.0)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(row.measure(today)?)
}

/// The measures of a problem that a change of its lead unit would hand over: those
/// the lead unit leads now, by ordinal, with their content (for the form that asks
/// measure by measure). The caller has checked that the actor may read the problem.
pub async fn led_by(
    db: &Db,
    problem: ProblemId,
    unit: UnitId,
) -> StoreResult<Vec<(MeasureId, i64, String)>> {
    let rows = sqlx::query_as::<_, Led>(
        "SELECT id, ordinal, content FROM measures WHERE problem_id = $1 AND lead_unit_id = $2 AND withdrawn_at IS NULL ORDER BY ordinal",
    )
    .bind(problem.0)
    .bind(unit.0)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (MeasureId(r.id), r.ordinal, r.content))
        .collect())
}

/// A measure a unit leads, as [`led_by`] reads it.
#[derive(sqlx::FromRow)]
struct Led {
    id: i64,
    ordinal: i64,
    content: String,
}
