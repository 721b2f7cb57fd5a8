//! 整改措施 — measures: their owners (D3), targets and deadlines (D4), and state.
//!
//! Why one file of 830 lines: a measure's input, its row as read (`SELECT`, `Measure`)
//! and its writes share the owners' checks (D3) and the row's column order; split them
//! when rows are read by column name (issue 21, point 2), which rewrites every reader of
//! `SELECT` anyway. Handing measures to a new lead unit is in `ledger::lead`.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::Row;
use sqlx::any::AnyRow;
use zhenggai_domain::access::{Access, Actor, MeasureEdit, MeasureOwners};
use zhenggai_domain::deadline::{Deadline, DeadlineKind, Precision, Reference};
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::new_deadline;
use zhenggai_domain::reason::{Choose, Foreign, Rule};
use zhenggai_domain::status::{Activity, MeasureState, Review, Standing, Windows};
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::warning::WarningRules;
use zhenggai_domain::{InspectionId, MeasureId, ProblemId, Role, UnitId, UserId};

use super::{UnitRef, UserRef};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, beijing_day, day, opt_day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// A measure as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MeasureInput {
    /// What will be done.
    pub content: String,
    /// 牵头单位.
    pub lead_unit_id: i64,
    /// 配合单位.
    pub cooperating_unit_ids: Vec<i64>,
    /// 责任领导 (a user with the leader role), if set.
    pub leader_id: Option<i64>,
    /// 责任人, by name.
    pub responsible_person: String,
    /// 整改目标 / 检验指标: a number where possible, else a visible check (D4).
    pub target: String,
    /// 整改时限 as written: 立行立改, 2024年4月底前, 5月中旬, 长期坚持 …
    pub deadline: String,
}

/// A measure ready to store.
#[derive(Debug, Clone)]
pub struct NewMeasure {
    /// What will be done.
    pub content: String,
    /// 牵头单位.
    pub lead_unit: UnitId,
    /// 配合单位.
    pub cooperating: Vec<UnitId>,
    /// 责任领导.
    pub leader: Option<UserId>,
    /// 责任人.
    pub responsible_person: Option<String>,
    /// 检验指标.
    pub target: Option<String>,
    /// 整改时限.
    pub deadline: Deadline,
    /// Where it was imported from ("台账!5"), if it was.
    pub origin: Option<String>,
}

impl MeasureInput {
    async fn check(
        &self,
        tx: &mut Tx,
        org: UnitId,
        reference: &Reference,
    ) -> StoreResult<NewMeasure> {
        let mut c = Checker::default();
        let content = c.text("content", &self.content, 2000);
        let responsible_person =
            c.optional_text("responsible_person", &self.responsible_person, 50);
        let target = c.optional_text("target", &self.target, 1000);
        let deadline = match Deadline::parse_in(&self.deadline, reference) {
            Ok(d) => Some(d),
            Err(e) => {
                c.push(e.at("deadline"));
                None
            }
        };
        let units: Vec<i64> =
            sqlx::query("SELECT id FROM units WHERE org_id = $1 AND withdrawn_at IS NULL")
                .bind(org.0)
                .fetch_all(tx.conn())
                .await?
                .iter()
                .map(|r| r.try_get(0))
                .collect::<Result<_, _>>()?;
        if !units.contains(&self.lead_unit_id) {
            c.push(FieldError::because(
                "lead_unit_id",
                Why::Choose(Choose::LeadDepartment),
            ));
        }
        let mut cooperating: Vec<UnitId> = Vec::new();
        for u in &self.cooperating_unit_ids {
            if !units.contains(u) {
                c.push(FieldError::because(
                    "cooperating_unit_ids",
                    Why::Foreign(Foreign::CooperatingUnits),
                ));
            } else if *u == self.lead_unit_id {
                c.push(FieldError::because(
                    "cooperating_unit_ids",
                    Why::Rule(Rule::LeadCooperates),
                ));
            } else if !cooperating.contains(&UnitId(*u)) {
                cooperating.push(UnitId(*u));
            }
        }
        if let Some(leader) = self.leader_id.filter(|l| *l > 0) {
            let ok = sqlx::query(
                "SELECT 1 FROM users u JOIN units un ON un.id = u.unit_id \
                 WHERE u.id = $1 AND u.role = 'leader' AND un.org_id = $2 AND u.withdrawn_at IS NULL",
            )
            .bind(leader)
            .bind(org.0)
            .fetch_optional(tx.conn())
            .await?
            .is_some();
            if !ok {
                c.push(FieldError::because(
                    "leader_id",
                    Why::Foreign(Foreign::Leader),
                ));
            }
        }
        c.finish()?;
        Ok(NewMeasure {
            content,
            lead_unit: UnitId(self.lead_unit_id),
            cooperating,
            leader: self.leader_id.filter(|l| *l > 0).map(UserId),
            responsible_person,
            target,
            deadline: deadline.ok_or_else(|| StoreError::because("deadline", Why::Required))?,
            origin: None,
        })
    }
}

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

    pub(crate) fn from_row(r: &AnyRow, today: NaiveDate) -> Result<Measure, sqlx::Error> {
        let deadline = Deadline {
            text: r.try_get("deadline_text")?,
            kind: crate::db::rows::code::<DeadlineKind, _>(r, "measures", "deadline_kind")?,
            date: opt_day(r, "deadline_date")?,
            precision: crate::db::rows::opt_code(r, "measures", "deadline_precision")?,
        };
        let state = crate::db::rows::code::<MeasureState, _>(r, "measures", "state")?;
        let done_on = opt_day(r, "done_on")?;
        let activity = activity(
            &r.try_get::<String, _>("created_at")?,
            opt_day(r, "last_progress")?,
        );
        let windows = Windows {
            due_soon_days: window(r, "green_days", WarningRules::DEFAULT_GREEN_DAYS)?,
            long_term_days: window(r, "long_term_days", WarningRules::DEFAULT_LONG_TERM_DAYS)?,
        };
        Ok(Measure {
            id: MeasureId(r.try_get("id")?),
            problem_id: ProblemId(r.try_get("problem_id")?),
            problem_title: r.try_get("problem_title")?,
            problem_state: crate::db::rows::code::<ProblemState, _>(
                r,
                "problems",
                "problem_state",
            )?,
            inspection_id: InspectionId(r.try_get("inspection_id")?),
            inspection_title: r.try_get("inspection_title")?,
            org_id: UnitId(r.try_get("org_id")?),
            ordinal: r.try_get("ordinal")?,
            content: r.try_get("content")?,
            lead_unit: UnitRef {
                id: UnitId(r.try_get("lead_unit_id")?),
                name: r.try_get("lead_unit_name")?,
            },
            cooperating: Vec::new(),
            leader: match r.try_get::<Option<i64>, _>("leader_id")? {
                Some(id) => Some(UserRef {
                    id: UserId(id),
                    name: r
                        .try_get::<Option<String>, _>("leader_name")?
                        .unwrap_or_default(),
                }),
                None => None,
            },
            responsible_person: r.try_get("responsible_person")?,
            target: r.try_get("target")?,
            standing: Standing::of(state, &deadline, done_on, activity, today, windows),
            review: (deadline.kind == DeadlineKind::LongTerm && state != MeasureState::Done)
                .then(|| activity.review(windows.long_term_days)),
            deadline,
            original_deadline: r.try_get("original_deadline_text")?,
            state,
            done_on,
            version: r.try_get("version")?,
        })
    }
}

/// One of the organisation's windows, or the default where it has set no rules.
fn window(r: &AnyRow, column: &str, default: u32) -> Result<u32, sqlx::Error> {
    Ok(r.try_get::<Option<i64>, _>(column)?
        .and_then(|d| u32::try_from(d).ok())
        .unwrap_or(default))
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
        "SELECT mu.measure_id, mu.unit_id, COALESCE(u.short_name, u.name) FROM measure_units mu JOIN units u ON u.id = mu.unit_id \
         WHERE mu.withdrawn_at IS NULL AND mu.measure_id IN ",
    );
    sql.id_list(measures.iter().map(|m| m.id.0))
        .push(" ORDER BY mu.id");
    let place: std::collections::HashMap<MeasureId, usize> = measures
        .iter()
        .enumerate()
        .map(|(i, m)| (m.id, i))
        .collect();
    for r in sql.query().fetch_all(db.pool()).await? {
        let measure = MeasureId(r.try_get(0)?);
        let unit = UnitRef {
            id: UnitId(r.try_get(1)?),
            name: r.try_get(2)?,
        };
        if let Some(m) = place.get(&measure).and_then(|i| measures.get_mut(*i)) {
            m.cooperating.push(unit);
        }
    }
    Ok(())
}

/// One measure, if the actor may read it, with the actor's access to it.
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: MeasureId,
    today: NaiveDate,
) -> StoreResult<(Measure, Access)> {
    let row = sqlx::query(&format!(
        "{SELECT} WHERE m.id = $1 AND m.withdrawn_at IS NULL"
    ))
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let mut measures = vec![Measure::from_row(&row, today)?];
    load_cooperating(db, &mut measures).await?;
    let measure = measures.pop().ok_or(StoreError::NotFound)?;
    match actor.measure_access(&measure.owners()) {
        Access::None => Err(StoreError::NotFound),
        access => Ok((measure, access)),
    }
}

/// A measure read inside a write transaction (without its cooperating units).
pub async fn load(tx: &mut Tx, id: MeasureId, today: NaiveDate) -> StoreResult<Measure> {
    let row = sqlx::query(&format!("{SELECT} WHERE m.id = $1"))
        .bind(id.0)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Measure::from_row(&row, today)?)
}

/// A measure read inside a write transaction and held until it ends (see
/// [`crate::db::dialect::lock_measure`]): what the writer decides from its state is decided
/// on the state it will change.
pub async fn load_locked(tx: &mut Tx, id: MeasureId, today: NaiveDate) -> StoreResult<Measure> {
    if let Some(lock) = crate::db::dialect::lock_measure(tx.backend()) {
        sqlx::query(lock)
            .bind(id.0)
            .fetch_optional(tx.conn())
            .await?;
    }
    load(tx, id, today).await
}

struct ProblemFacts {
    inspection: InspectionId,
    org: UnitId,
    reference: Reference,
}

async fn problem_facts(tx: &mut Tx, problem: ProblemId) -> StoreResult<ProblemFacts> {
    let row = sqlx::query(
        "SELECT p.inspection_id FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE p.id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL",
    )
    .bind(problem.0)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    let inspection = InspectionId(row.try_get(0)?);
    let (org, reference) = super::inspections::org_and_reference(tx.conn(), inspection).await?;
    Ok(ProblemFacts {
        inspection,
        org,
        reference,
    })
}

/// Adds a measure to a problem (the office assigns its owners, D3; the lead unit
/// drafts its own, D5).
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    problem: ProblemId,
    input: &MeasureInput,
) -> StoreResult<MeasureId> {
    // Who may add a measure when is the lifecycle's rule (AddMeasure): the lead unit
    // drafts its own until it submits them; the office completes and supplements.
    let view = super::problems::get(db, actor, problem).await?;
    let mut tx = db.begin().await?;
    let facts = problem_facts(&mut tx, problem).await?;
    let id = create_in(&mut tx, actor, change, view.id, &facts, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// Adds several measures to a problem at once, as a unit fills a sheet's rows (批量
///录入): every row is checked, and all are saved in one transaction or none. An error
/// names its row: the field is `rows.{i}.{field}` (`i` from 0, as sent) and the
/// message begins with the row's number as people count (第1行). Rows left wholly
/// blank are skipped; at least one must be filled in.
pub async fn create_many(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    problem: ProblemId,
    rows: &[MeasureInput],
) -> StoreResult<Vec<MeasureId>> {
    let view = super::problems::get(db, actor, problem).await?;
    if rows.iter().all(MeasureInput::is_blank) {
        return Err(StoreError::because("rows", Why::Rule(Rule::NoMeasures)));
    }
    if rows.len() > MAX_ROWS {
        return Err(StoreError::because(
            "rows",
            Why::Rule(Rule::TooManyMeasures { max: MAX_ROWS }),
        ));
    }
    let mut tx = db.begin().await?;
    let facts = problem_facts(&mut tx, problem).await?;
    // Every row is checked before any is written, so that all errors show at once.
    let mut errors = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        let row = row.for_actor(actor);
        if let Err(e) = check_for(&mut tx, actor, &facts, &row).await {
            errors.extend(at_row(i, e)?);
        }
    }
    if !errors.is_empty() {
        return Err(StoreError::Invalid(errors));
    }
    let mut ids = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        if row.is_blank() {
            continue;
        }
        match create_in(&mut tx, actor, change, view.id, &facts, row).await {
            Ok(id) => ids.push(id),
            Err(e) => return Err(StoreError::Invalid(at_row(i, e)?)),
        }
    }
    tx.commit().await?;
    Ok(ids)
}

/// The most rows one grid saves.
pub const MAX_ROWS: usize = 100;

/// A row's field errors, named by the row; any other error as it is.
fn at_row(i: usize, e: StoreError) -> StoreResult<Vec<FieldError>> {
    let StoreError::Invalid(list) = e else {
        return Err(e);
    };
    let n = i + 1;
    Ok(list
        .into_iter()
        // A refused step (the plan already submitted …) is about the problem, not the row.
        .map(|f| {
            if f.field == "action" {
                f
            } else {
                FieldError {
                    field: format!("rows.{i}.{}", f.field),
                    why: zhenggai_domain::validate::Why::InRow {
                        row: n,
                        why: Box::new(f.why),
                    },
                }
            }
        })
        .collect())
}

impl MeasureInput {
    /// Whether nothing was typed in the row (a grid's spare rows). The lead unit and
    /// the leader a grid fills in beforehand do not count.
    pub fn is_blank(&self) -> bool {
        self.content.trim().is_empty()
            && self.deadline.trim().is_empty()
            && self.responsible_person.trim().is_empty()
            && self.target.trim().is_empty()
            && self.cooperating_unit_ids.is_empty()
    }

    /// The input as a lead unit means it: a measure it drafts is led by itself when
    /// it names no lead unit.
    fn for_actor(&self, actor: &Actor) -> MeasureInput {
        let mut row = self.clone();
        if actor.role == Role::Unit && row.lead_unit_id <= 0 {
            row.lead_unit_id = actor.unit.0;
        }
        row
    }
}

/// Checks a new measure and that the actor may lead it.
async fn check_for(
    tx: &mut Tx,
    actor: &Actor,
    facts: &ProblemFacts,
    input: &MeasureInput,
) -> StoreResult<NewMeasure> {
    let new = input.check(tx, facts.org, &facts.reference).await?;
    if actor.role == Role::Unit && new.lead_unit != actor.unit {
        return Err(StoreError::because(
            "lead_unit_id",
            Why::Rule(Rule::LeadDraftsOwn),
        ));
    }
    Ok(new)
}

/// Checks and adds one measure inside the caller's transaction: the lifecycle's step,
/// the row, and its frozen baseline when the plan is approved.
async fn create_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    problem: ProblemId,
    facts: &ProblemFacts,
    input: &MeasureInput,
) -> StoreResult<MeasureId> {
    let new = check_for(tx, actor, facts, &input.for_actor(actor)).await?;
    let long_term = new.deadline.kind == zhenggai_domain::deadline::DeadlineKind::LongTerm;
    let frozen = super::lifecycle::add_measure(tx, actor, change, problem, long_term).await?;
    // A measure drafted on the form, or added to an approved plan (补充措施), is work
    // still to do: its deadline lies ahead. A past ledger keeps its dates by import.
    let setting = if frozen {
        new_deadline::Setting::SupplementaryMeasure
    } else {
        new_deadline::Setting::DraftMeasure
    };
    check_deadline_ahead(setting, &new, change)?;
    let id = insert(tx, change, problem, &new).await?;
    if frozen {
        let version: i64 = sqlx::query("SELECT version FROM measures WHERE id = $1")
            .bind(id.0)
            .fetch_one(tx.conn())
            .await?
            .try_get(0)?;
        let mut set = Sql::new("original_deadline_text = ");
        set.bind(new.deadline.text.clone())
            .push(", original_deadline_date = ")
            .bind(new.deadline.date.map(day));
        audit::versions::update(
            tx,
            change,
            "freeze_baseline",
            Entity::Measure,
            id.0,
            version,
            &set,
        )
        .await?;
    }
    Ok(id)
}

/// Refuses a deadline set on the form before the day it is set.
fn check_deadline_ahead(
    setting: new_deadline::Setting,
    new: &NewMeasure,
    change: Change<'_>,
) -> StoreResult<()> {
    match new.deadline.date {
        Some(due) => {
            new_deadline::check(setting, due, zhenggai_domain::clock::china_date(change.at))
                .map_err(|e| StoreError::Invalid(vec![e.field_error()]))
        }
        None => Ok(()),
    }
}

/// Inserts a checked measure (also the demo loader and the generator).
pub async fn insert(
    tx: &mut Tx,
    change: Change<'_>,
    problem: ProblemId,
    m: &NewMeasure,
) -> StoreResult<MeasureId> {
    let facts = problem_facts(tx, problem).await?;
    let id: i64 = sqlx::query(
        "INSERT INTO measures (problem_id, inspection_id, org_id, ordinal, content, lead_unit_id, leader_id, responsible_person, \
           target, deadline_text, deadline_kind, deadline_date, deadline_precision, state, created_at, origin) \
         VALUES ($1, $2, $3, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM measures WHERE problem_id = $1), $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) \
         RETURNING id",
    )
    .bind(problem.0)
    .bind(facts.inspection.0)
    .bind(facts.org.0)
    .bind(&m.content)
    .bind(m.lead_unit.0)
    .bind(m.leader.map(|l| l.0))
    .bind(m.responsible_person.as_deref())
    .bind(m.target.as_deref())
    .bind(&m.deadline.text)
    .bind(m.deadline.kind.code())
    .bind(m.deadline.date.map(day))
    .bind(m.deadline.precision.map(Precision::code))
    .bind(MeasureState::Registered.code())
    .bind(stamp(change.at))
    .bind(m.origin.as_deref())
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    audit::write::created(tx, change, Entity::Measure, id).await?;
    for unit in &m.cooperating {
        add_cooperating(tx, change, MeasureId(id), *unit).await?;
    }
    Ok(MeasureId(id))
}

async fn add_cooperating(
    tx: &mut Tx,
    change: Change<'_>,
    measure: MeasureId,
    unit: UnitId,
) -> StoreResult<()> {
    let id: i64 = sqlx::query("INSERT INTO measure_units (measure_id, unit_id, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(measure.0)
        .bind(unit.0)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
    audit::write::created(tx, change, Entity::MeasureUnit, id).await
}

/// Changes a measure read at `version`. The office changes everything; the lead unit
/// changes its draft until it submits the plan (all but who leads it), then only its
/// target and responsible person ([`Actor::measure_edit`]).
pub async fn update(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: MeasureId,
    version: i64,
    input: &MeasureInput,
    today: NaiveDate,
) -> StoreResult<()> {
    let (current, access) = get(db, actor, id, today).await?;
    if access < Access::Edit {
        return Err(StoreError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let facts = problem_facts(&mut tx, current.problem_id).await?;
    let new = input.check(&mut tx, facts.org, &facts.reference).await?;
    let state: String = sqlx::query("SELECT state FROM problems WHERE id = $1")
        .bind(current.problem_id.0)
        .fetch_one(tx.conn())
        .await?
        .try_get(0)?;
    let frozen = zhenggai_domain::lifecycle::ProblemState::from_code(&state)
        .is_some_and(|s| s.baseline_frozen());
    if frozen && new.deadline.text != current.deadline.text {
        return Err(StoreError::because(
            "deadline",
            Why::Rule(Rule::DeadlineByExtension),
        ));
    }
    if new.deadline.text != current.deadline.text {
        check_deadline_ahead(new_deadline::Setting::DraftMeasure, &new, change)?;
    }
    let level = actor.measure_edit(
        &current.owners(),
        zhenggai_domain::lifecycle::ProblemState::from_code(&state).is_some_and(|s| s.drafting()),
    );
    if level < MeasureEdit::All {
        let mut refused = Vec::new();
        let mut now_coop: Vec<UnitId> = current.cooperating.iter().map(|u| u.id).collect();
        let mut new_coop = new.cooperating.clone();
        now_coop.sort();
        new_coop.sort();
        let owned = [
            ("content", new.content != current.content),
            ("lead_unit_id", new.lead_unit != current.lead_unit.id),
            ("cooperating_unit_ids", new_coop != now_coop),
            (
                "leader_id",
                new.leader != current.leader.as_ref().map(|l| l.id),
            ),
            ("deadline", new.deadline.text != current.deadline.text),
        ];
        for (field, changed) in owned {
            if changed && !level.allows(field) {
                refused.push(if field == "lead_unit_id" {
                    FieldError::because(field, Why::Rule(Rule::LeadSetByOffice))
                } else {
                    FieldError::because(field, Why::Rule(Rule::SetByOffice))
                });
            }
        }
        if !refused.is_empty() {
            return Err(StoreError::Invalid(refused));
        }
    }
    let mut set = Sql::new("content = ");
    set.bind(new.content.clone())
        .push(", lead_unit_id = ")
        .bind(new.lead_unit.0)
        .push(", leader_id = ")
        .bind(new.leader.map(|l| l.0))
        .push(", responsible_person = ")
        .bind(new.responsible_person.clone())
        .push(", target = ")
        .bind(new.target.clone())
        .push(", deadline_text = ")
        .bind(new.deadline.text.clone())
        .push(", deadline_kind = ")
        .bind(new.deadline.kind.code())
        .push(", deadline_date = ")
        .bind(new.deadline.date.map(day))
        .push(", deadline_precision = ")
        .bind(new.deadline.precision.map(|p| p.code().to_string()));
    audit::versions::update(
        &mut tx,
        change,
        "update",
        Entity::Measure,
        id.0,
        version,
        &set,
    )
    .await?;
    let rows = sqlx::query(
        "SELECT id, unit_id FROM measure_units WHERE measure_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_all(tx.conn())
    .await?;
    let mut kept = Vec::new();
    for r in &rows {
        let (link, unit): (i64, i64) = (r.try_get(0)?, r.try_get(1)?);
        if new.cooperating.contains(&UnitId(unit)) {
            kept.push(UnitId(unit));
        } else {
            super::lead::withdraw_cooperating(&mut tx, actor, change, link).await?;
        }
    }
    for unit in new.cooperating.iter().filter(|u| !kept.contains(u)) {
        add_cooperating(&mut tx, change, id, *unit).await?;
    }
    tx.commit().await
}

/// The input that would recreate a measure (to fill an edit form).
pub fn input_of(m: &Measure) -> MeasureInput {
    MeasureInput {
        content: m.content.clone(),
        lead_unit_id: m.lead_unit.id.0,
        cooperating_unit_ids: m.cooperating.iter().map(|u| u.id.0).collect(),
        leader_id: m.leader.as_ref().map(|l| l.id.0),
        responsible_person: m.responsible_person.clone().unwrap_or_default(),
        target: m.target.clone().unwrap_or_default(),
        deadline: m.deadline.text.clone(),
    }
}

/// Withdraws a measure read at `version` (撤回, D21): the office only; it stays in the
/// database, marked with who, when and why, and leaves the ledger.
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: MeasureId,
    version: i64,
    today: NaiveDate,
) -> StoreResult<()> {
    let (m, _) = get(db, actor, id, today).await?;
    // The actor sees the measure (or `get` said 404): refusing now is a 403.
    if actor.ledger_access(m.org_id) < Access::Edit {
        return Err(StoreError::Forbidden);
    }
    let mut tx = db.begin().await?;
    audit::versions::withdraw(&mut tx, change, Entity::Measure, id.0, version).await?;
    tx.commit().await
}

/// The measures of a problem that a change of its lead unit would hand over: those
/// the lead unit leads now, by ordinal, with their content (for the form that asks
/// measure by measure). The caller has checked that the actor may read the problem.
pub async fn led_by(
    db: &Db,
    problem: ProblemId,
    unit: UnitId,
) -> StoreResult<Vec<(MeasureId, i64, String)>> {
    let rows = sqlx::query(
        "SELECT id, ordinal, content FROM measures WHERE problem_id = $1 AND lead_unit_id = $2 AND withdrawn_at IS NULL ORDER BY ordinal",
    )
    .bind(problem.0)
    .bind(unit.0)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| Ok((MeasureId(r.try_get(0)?), r.try_get(1)?, r.try_get(2)?)))
        .collect()
}
