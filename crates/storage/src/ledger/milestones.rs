//! 阶段目标 (S10): a measure that runs longer than the organisation's limit carries
//! milestones of its own, each with a deadline as written and as read, done on a day.
//! Those who carry the measure (its lead unit) and the office add and complete them;
//! a wrong one is withdrawn with a reason, never deleted. A plan with a long measure
//! lacking milestones is neither submitted nor approved (see the lifecycle).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::ids::MeasureId;
use zhenggai_domain::new_deadline;
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::schedule::needs_milestones;
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};

use super::measures::{self, Measure};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, day, parse_day, stamp};
use crate::error::{StoreError, StoreResult};
use crate::settings::warning_rules;

/// A milestone as listed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Milestone {
    /// Id.
    pub id: i64,
    /// What is to be reached.
    pub content: String,
    /// By when, as written.
    pub due_text: String,
    /// By when, as read.
    pub due: Option<NaiveDate>,
    /// Reached on this day, once done.
    pub done_on: Option<NaiveDate>,
    /// Version, for the next change.
    pub version: i64,
}

/// A milestone as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MilestoneInput {
    /// What is to be reached.
    pub content: String,
    /// By when (a date or a period: 2024年9月底前, 三季度末).
    pub due_text: String,
}

/// Where a measure stands on milestones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Milestones {
    /// Its milestones, earliest first.
    pub list: Vec<Milestone>,
    /// Whether its length asks for milestones.
    pub required: bool,
    /// The organisation's limit in months.
    pub limit_months: u32,
}

async fn measure_for_change(
    db: &Db,
    actor: &Actor,
    measure: MeasureId,
    today: NaiveDate,
) -> StoreResult<Measure> {
    let (m, access) = measures::get(db, actor, measure, today).await?;
    if access < Access::Contribute {
        return Err(StoreError::refused(Refused::MilestonesByOwners));
    }
    Ok(m)
}

/// The organisation's limit and the inspection's feedback date of a measure.
async fn limit_and_feedback(
    conn: &mut AnyConnection,
    m: &Measure,
) -> StoreResult<(u32, zhenggai_domain::deadline::Reference)> {
    let (org, reference) =
        super::inspections::org_and_reference(&mut *conn, m.inspection_id).await?;
    let months = warning_rules::get(conn, org).await?.rules.milestone_months;
    Ok((months, reference))
}

/// A measure's milestones, for those who may read the measure.
pub async fn of_measure(
    db: &Db,
    actor: &Actor,
    measure: MeasureId,
    today: NaiveDate,
) -> StoreResult<Milestones> {
    let (m, _) = measures::get(db, actor, measure, today).await?;
    let mut conn = db.pool().acquire().await?;
    let (months, reference) = limit_and_feedback(&mut conn, &m).await?;
    let list = sqlx::query_as::<_, MilestoneRow>(
        "SELECT id, content, due_text, due_date, done_on, version FROM milestones \
         WHERE measure_id = $1 AND withdrawn_at IS NULL ORDER BY due_date, id",
    )
    .bind(measure.0)
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(Milestone::from)
    .collect();
    Ok(Milestones {
        list,
        required: needs_milestones(reference.feedback, &m.deadline, months),
        limit_months: months,
    })
}

/// One milestone (withdrawn ones too) with its measure, if the actor may read the
/// measure: for its change record (修改记录).
pub async fn get(
    db: &Db,
    actor: &Actor,
    id: i64,
    today: NaiveDate,
) -> StoreResult<(Milestone, Measure)> {
    let (measure, row) = sqlx::query_as::<_, MilestoneOf>(
        "SELECT measure_id, id, content, due_text, due_date, done_on, version FROM milestones WHERE id = $1",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .map(|r| (MeasureId(r.measure_id), r.milestone))
    .ok_or(StoreError::NotFound)?;
    let (m, _) = measures::get(db, actor, measure, today).await?;
    Ok((Milestone::from(row), m))
}

/// A milestone with its measure's id.
#[derive(sqlx::FromRow)]
struct MilestoneOf {
    measure_id: i64,
    #[sqlx(flatten)]
    milestone: MilestoneRow,
}

/// A milestone as stored.
#[derive(sqlx::FromRow)]
struct MilestoneRow {
    id: i64,
    content: String,
    due_text: String,
    due_date: Option<String>,
    done_on: Option<String>,
    version: i64,
}

impl From<MilestoneRow> for Milestone {
    fn from(r: MilestoneRow) -> Milestone {
        Milestone {
            id: r.id,
            content: r.content,
            due_text: r.due_text,
            due: r.due_date.as_deref().and_then(parse_day),
            done_on: r.done_on.as_deref().and_then(parse_day),
            version: r.version,
        }
    }
}

/// Adds a milestone to a measure: its deadline a date or period that falls on or
/// before the measure's own; recorded.
pub async fn add(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    measure: MeasureId,
    input: &MilestoneInput,
    today: NaiveDate,
) -> StoreResult<i64> {
    let m = measure_for_change(db, actor, measure, today).await?;
    zhenggai_domain::schedule::check_milestone_measure(m.standing)
        .map_err(|rule| StoreError::because("content", Why::Rule(rule)))?;
    db.write(async |tx| {
        let (_, reference) = limit_and_feedback(tx.conn(), &m).await?;
        let mut c = Checker::default();
        let content = c.text("content", &input.content, 1000);
        let due = milestone_due(&mut c, &input.due_text, &reference, &m, today);
        c.finish()?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO milestones (measure_id, org_id, content, due_text, due_date, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(measure.0)
        .bind(m.org_id.0)
        .bind(&content)
        .bind(input.due_text.trim())
        .bind(due.map(day))
        .bind(stamp(change.at))
        .fetch_one(tx.conn())
        .await?;
        audit::write::created(tx, change, Entity::Milestone, id).await?;
        Ok(id)
    })
    .await
}

/// A milestone's deadline as read: a date or period, not before today, on or before
/// the measure's own.
fn milestone_due(
    c: &mut Checker,
    due_text: &str,
    reference: &zhenggai_domain::deadline::Reference,
    m: &Measure,
    today: NaiveDate,
) -> Option<NaiveDate> {
    let due = match Deadline::parse_in(due_text, reference) {
        Ok(d) if d.kind == DeadlineKind::Dated => d.date,
        Ok(_) => {
            c.push(FieldError::because(
                "due_text",
                Why::Rule(Rule::MilestoneUndated),
            ));
            None
        }
        Err(e) => {
            c.push(e.at("due_text"));
            None
        }
    };
    // A milestone is set after the fact of the plan: not before today.
    if let Some(due) = due
        && let Err(e) = new_deadline::check(new_deadline::Setting::Milestone, due, today)
    {
        c.push(e.field_error());
    }
    if let (Some(due), Some(end)) = (due, m.deadline.date)
        && due > end
    {
        c.push(FieldError::because(
            "due_text",
            Why::Rule(Rule::MilestoneAfterDeadline { due, end }),
        ));
    }
    due
}

async fn of_id(db: &Db, id: i64) -> StoreResult<(MeasureId, Option<String>)> {
    let row = sqlx::query_as::<_, OfMeasure>(
        "SELECT measure_id, done_on FROM milestones WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok((MeasureId(row.measure_id), row.done_on))
}

/// A milestone's measure and the day it was reached, if it was.
#[derive(sqlx::FromRow)]
struct OfMeasure {
    measure_id: i64,
    done_on: Option<String>,
}

/// Marks a milestone reached on a day (not after today); recorded.
pub async fn mark_done(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    on: &str,
    version: i64,
    today: NaiveDate,
) -> StoreResult<()> {
    let (measure, done) = of_id(db, id).await?;
    let m = measure_for_change(db, actor, measure, today).await?;
    let mut c = Checker::default();
    let on = c.date("done_on", on);
    if on.is_some_and(|d| d > today) {
        c.push(FieldError::because(
            "done_on",
            Why::Rule(Rule::ReachedAhead),
        ));
    }
    let reached = zhenggai_domain::happened::Event::MilestoneReached;
    super::check_since_inspection(db, &mut c, reached, on, m.inspection_id).await?;
    if done.is_some() {
        c.push(FieldError::because(
            "done_on",
            Why::Rule(Rule::MilestoneReached),
        ));
    }
    c.finish()?;
    let on = on.ok_or_else(|| StoreError::because("done_on", Why::RequiredDate))?;
    let mut set = Sql::new("done_on = ");
    set.bind(day(on));
    db.write(async |tx| {
        audit::versions::update(tx, change, "done", Entity::Milestone, id, version, &set).await?;
        Ok(())
    })
    .await
}

/// Withdraws a milestone entered in error (the reason is recorded).
pub async fn withdraw(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    version: i64,
    today: NaiveDate,
) -> StoreResult<()> {
    let (measure, _) = of_id(db, id).await?;
    measure_for_change(db, actor, measure, today).await?;
    db.write(async |tx| {
        audit::versions::withdraw(tx, change, Entity::Milestone, id, version).await?;
        Ok(())
    })
    .await
}
