//! 整改措施 — measures: their owners (D3), targets and deadlines (D4), and state. A
//! measure as entered and checked is in [`input`], as read (its row, its standing
//! today) in [`read`]; its writes are here. Handing measures to a new lead unit is in
//! `ledger::lead`.

mod input;
mod read;

pub use self::input::{MAX_ROWS, MeasureInput, NewMeasure, input_of};
pub use self::read::{Measure, get, led_by, load};
pub(crate) use self::read::{SELECT, activity, load_cooperating};

use chrono::NaiveDate;
use zhenggai_domain::access::{Access, Actor, MeasureEdit};
use zhenggai_domain::deadline::{Precision, Reference};
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::new_deadline;
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::validate::{FieldError, Why};
use zhenggai_domain::{InspectionId, MeasureId, ProblemId, Role, UnitId};

use self::input::at_row;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// What a measure's checks and row take from its problem.
struct ProblemFacts {
    inspection: InspectionId,
    org: UnitId,
    reference: Reference,
}

/// The problem's inspection, organisation and deadline reference, if it is on the books.
async fn problem_facts(tx: &mut Tx, problem: ProblemId) -> StoreResult<ProblemFacts> {
    let inspection: i64 = sqlx::query_scalar(
        "SELECT p.inspection_id FROM problems p JOIN inspections i ON i.id = p.inspection_id \
         WHERE p.id = $1 AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL",
    )
    .bind(problem.0)
    .fetch_optional(tx.conn())
    .await?
    .ok_or(StoreError::NotFound)?;
    let inspection = InspectionId(inspection);
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
    db.write(async |tx| {
        let facts = problem_facts(tx, problem).await?;
        create_in(tx, actor, change, view.id, &facts, input).await
    })
    .await
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
    db.write(async |tx| {
        let facts = problem_facts(tx, problem).await?;
        // Every row is checked before any is written, so that all errors show at once.
        let mut errors = Vec::new();
        for (i, row) in rows.iter().enumerate() {
            if row.is_blank() {
                continue;
            }
            let row = row.for_actor(actor);
            if let Err(e) = check_for(tx, actor, &facts, &row).await {
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
            match create_in(tx, actor, change, view.id, &facts, row).await {
                Ok(id) => ids.push(id),
                Err(e) => return Err(StoreError::Invalid(at_row(i, e)?)),
            }
        }
        Ok(ids)
    })
    .await
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
        let version: i64 = sqlx::query_scalar("SELECT version FROM measures WHERE id = $1")
            .bind(id.0)
            .fetch_one(tx.conn())
            .await?;
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
    let id: i64 = sqlx::query_scalar(
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
    .await?;
    audit::write::created(tx, change, Entity::Measure, id).await?;
    for unit in &m.cooperating {
        add_cooperating(tx, change, MeasureId(id), *unit).await?;
    }
    Ok(MeasureId(id))
}

/// Links a cooperating unit to a measure, recorded.
async fn add_cooperating(
    tx: &mut Tx,
    change: Change<'_>,
    measure: MeasureId,
    unit: UnitId,
) -> StoreResult<()> {
    let id: i64 = sqlx::query_scalar("INSERT INTO measure_units (measure_id, unit_id, created_at) VALUES ($1, $2, $3) RETURNING id")
        .bind(measure.0)
        .bind(unit.0)
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
    audit::write::created(tx, change, Entity::MeasureUnit, id).await
}

/// Why one who reads a measure (`access` below `Edit`) may not change it: its lead unit
/// drafts it and the office changes it; one who cooperates on it reports progress.
pub fn edit_refused(m: &Measure, access: Access) -> StoreError {
    StoreError::refused(Refused::MeasureByLead {
        lead_unit: m.lead_unit.name.clone(),
        contributes: access >= Access::Contribute,
    })
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
        return Err(edit_refused(&current, access));
    }
    db.write(async |tx| {
        let facts = problem_facts(tx, current.problem_id).await?;
        let new = input.check(tx, facts.org, &facts.reference).await?;
        let state: String = sqlx::query_scalar("SELECT state FROM problems WHERE id = $1")
            .bind(current.problem_id.0)
            .fetch_one(tx.conn())
            .await?;
        let state = code_of::<ProblemState>("problems", "state", &state)?;
        if state.baseline_frozen() && new.deadline.text != current.deadline.text {
            return Err(StoreError::because(
                "deadline",
                Why::Rule(Rule::DeadlineByExtension),
            ));
        }
        if new.deadline.text != current.deadline.text {
            check_deadline_ahead(new_deadline::Setting::DraftMeasure, &new, change)?;
        }
        let level = actor.measure_edit(&current.owners(), state.drafting());
        if level < MeasureEdit::All {
            refuse_owned_changes(level, &current, &new)?;
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
        audit::versions::update(tx, change, "update", Entity::Measure, id.0, version, &set).await?;
        relink_cooperating(tx, actor, change, id, &new.cooperating).await
    })
    .await
}

/// Refuses the changes to fields the actor may not set at their level (who leads the
/// measure, what it is, its deadline …), each named.
fn refuse_owned_changes(
    level: MeasureEdit,
    current: &Measure,
    new: &NewMeasure,
) -> StoreResult<()> {
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
    if refused.is_empty() {
        Ok(())
    } else {
        Err(StoreError::Invalid(refused))
    }
}

/// Keeps the cooperating units still named, ends the links of the others (recorded)
/// and links the new ones.
async fn relink_cooperating(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    id: MeasureId,
    cooperating: &[UnitId],
) -> StoreResult<()> {
    let links = sqlx::query_as::<_, Link>(
        "SELECT id, unit_id FROM measure_units WHERE measure_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_all(tx.conn())
    .await?;
    let mut kept = Vec::new();
    for link in links {
        if cooperating.contains(&UnitId(link.unit_id)) {
            kept.push(UnitId(link.unit_id));
        } else {
            super::lead::withdraw_cooperating(tx, actor, change, link.id).await?;
        }
    }
    for unit in cooperating.iter().filter(|u| !kept.contains(u)) {
        add_cooperating(tx, change, id, *unit).await?;
    }
    Ok(())
}

/// A cooperating unit's link to a measure.
#[derive(sqlx::FromRow)]
struct Link {
    id: i64,
    unit_id: i64,
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
        return Err(StoreError::refused(Refused::WithdrawByOffice));
    }
    db.write(async |tx| {
        audit::versions::withdraw(tx, change, Entity::Measure, id.0, version).await?;
        Ok(())
    })
    .await
}
