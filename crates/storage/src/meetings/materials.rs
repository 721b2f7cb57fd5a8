//! 对照检查材料 — each member's self-examination and the leadership's, drafted, revised
//! (every save a version in the trail) and finalised; and the problems they name with
//! the measures committed to (查摆问题和整改措施), structured so that they can join the
//! ledger after the meeting.

use serde::Deserialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::deadline::Deadline;
use zhenggai_domain::meeting::{MaterialState, MeetingState, OpinionState};
use zhenggai_domain::reason::{Refused, Rule};
use zhenggai_domain::validate::{Checker, FieldError, Why};

use super::{Loaded, load};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// A self-examination saved: new (version 0) or revised at the version read.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct MaterialInput {
    /// The member whose it is; None: the leadership's (drafted by the office).
    pub member_id: Option<i64>,
    /// The version read; 0 for the first draft.
    pub version: i64,
    /// Its text.
    pub text: String,
    /// Finalised with this save (定稿): no later revision.
    pub finalise: bool,
}

/// A problem named, and the measure committed to.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FindingInput {
    /// The member whose problem it is; None: the leadership's.
    pub member_id: Option<i64>,
    /// The problem (查摆的问题).
    pub problem: String,
    /// The measure committed to (整改措施).
    pub measure: String,
    /// Its deadline in words (2027年3月底前, 长期坚持).
    pub deadline: String,
    /// The opinion it answers, if one.
    pub opinion_id: Option<i64>,
    /// The criticism it answers, if one.
    pub remark_id: Option<i64>,
}

/// A finding withdrawn before it joins the ledger, with the reason.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct FindingWithdrawal {
    /// The version read.
    pub version: i64,
    /// Why.
    pub reason: String,
}

/// The member a material or finding is of, as chosen (none or 0: the leadership's).
fn whose(m: &Loaded, member: Option<i64>) -> StoreResult<Option<i64>> {
    let member = member.filter(|id| *id > 0);
    if member.is_some_and(|id| !m.is_member(id)) {
        return Err(StoreError::because(
            "member_id",
            Why::Choose(zhenggai_domain::reason::Choose::Member),
        ));
    }
    Ok(member)
}

/// Whether the actor writes what belongs to `member` (None: the leadership's): the
/// member themself, or the office for the leadership's.
fn writes_for(m: &Loaded, actor: &Actor, member: Option<i64>) -> StoreResult<()> {
    let own = match member {
        Some(member) => m.rights.member && member == actor.user.0,
        None => m.rights.manage,
    };
    if own {
        Ok(())
    } else {
        Err(StoreError::refused(Refused::MaterialByItsMember))
    }
}

/// Saves a self-examination: its member (the office for the leadership's), before the
/// meeting, until finalised.
pub async fn save(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &MaterialInput,
) -> StoreResult<i64> {
    db.write(async |tx| save_in(tx, actor, change, meeting, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn save_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &MaterialInput,
) -> StoreResult<i64> {
    let m = load(tx.conn(), actor, meeting).await?;
    let member = whose(&m, input.member_id)?;
    writes_for(&m, actor, member)?;
    m.require_preparing()?;
    let mut c = Checker::default();
    let text = c.text("text", &input.text, 50_000);
    c.finish()?;
    let state = if input.finalise {
        MaterialState::Final
    } else {
        MaterialState::Draft
    };
    let mut find = Sql::new("SELECT id, state FROM materials WHERE meeting_id = ");
    find.bind(meeting).push(" AND member_id ");
    match member {
        Some(id) => find.push("= ").bind(id),
        None => find.push("IS NULL"),
    };
    let existing: Option<(i64, String)> = find.query_as().fetch_optional(tx.conn()).await?;
    match existing {
        None => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO materials (meeting_id, member_id, text, state, created_at, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
            )
            .bind(meeting)
            .bind(member)
            .bind(text)
            .bind(state.code())
            .bind(stamp(change.at))
            .bind(actor.user.0)
            .fetch_one(tx.conn())
            .await?;
            audit::write::created(tx, change, Entity::Material, id).await?;
            Ok(id)
        }
        Some((id, current)) => {
            audit::versions::require_current(tx, Entity::Material, id, input.version).await?;
            let current: MaterialState = code_of("materials", "state", &current)?;
            if current == MaterialState::Final {
                return Err(StoreError::because("text", Why::Rule(Rule::MaterialFinal)));
            }
            let mut set = Sql::new("text = ");
            set.bind(text).push(", state = ").bind(state.code());
            let action = if input.finalise { "finalise" } else { "update" };
            audit::versions::update(
                tx,
                change,
                action,
                Entity::Material,
                id,
                input.version,
                &set,
            )
            .await?;
            Ok(id)
        }
    }
}

/// Names a problem and the measure committed to: the member for their own, the office
/// for the leadership's or from what was said at the meeting; until the problems join
/// the ledger.
pub async fn add_finding(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &FindingInput,
) -> StoreResult<i64> {
    db.write(async |tx| add_finding_in(tx, actor, change, meeting, input).await)
        .await
}

/// The same inside a transaction the caller commits (also the demo loader).
pub async fn add_finding_in(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    meeting: i64,
    input: &FindingInput,
) -> StoreResult<i64> {
    let m = load(tx.conn(), actor, meeting).await?;
    let member = whose(&m, input.member_id)?;
    if !m.rights.manage {
        writes_for(&m, actor, member)?;
    }
    m.require_open()?;
    let mut c = Checker::default();
    let problem = c.text("problem", &input.problem, 500);
    let measure = c.text("measure", &input.measure, 2000);
    let deadline = c.text("deadline", &input.deadline, 100);
    if !deadline.is_empty()
        && let Err(e) = Deadline::parse(&deadline, m.held_on()?)
    {
        c.push(e.at("deadline"));
    }
    let opinion = answered_opinion(tx, &mut c, &m, actor, input.opinion_id).await?;
    let remark = answered_remark(tx, &mut c, &m, actor, input.remark_id).await?;
    c.finish()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO meeting_findings (meeting_id, member_id, problem, measure, deadline_text, opinion_id, \
         remark_id, created_at, created_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(meeting)
    .bind(member)
    .bind(problem)
    .bind(measure)
    .bind(deadline)
    .bind(opinion)
    .bind(remark)
    .bind(stamp(change.at))
    .bind(actor.user.0)
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::MeetingFinding, id).await?;
    Ok(id)
}

/// The opinion a finding answers: one of the meeting's that the actor reads.
async fn answered_opinion(
    tx: &mut Tx,
    c: &mut Checker,
    m: &Loaded,
    actor: &Actor,
    id: Option<i64>,
) -> StoreResult<Option<i64>> {
    let Some(id) = id.filter(|id| *id > 0) else {
        return Ok(None);
    };
    let found: Option<(Option<i64>, String)> =
        sqlx::query_as("SELECT member_id, state FROM opinions WHERE id = $1 AND meeting_id = $2")
            .bind(id)
            .bind(m.row.id)
            .fetch_optional(tx.conn())
            .await?;
    let seen = found.is_some_and(|(member, state)| {
        let fed_back = OpinionState::from_code(&state).is_some_and(OpinionState::fed_back);
        m.rights
            .sees_opinion(actor.user, super::user(member), fed_back)
    });
    answered(c, "opinion_id", id, seen)
}

/// The criticism a finding answers: one of the meeting's that the actor reads.
async fn answered_remark(
    tx: &mut Tx,
    c: &mut Checker,
    m: &Loaded,
    actor: &Actor,
    id: Option<i64>,
) -> StoreResult<Option<i64>> {
    let Some(id) = id.filter(|id| *id > 0) else {
        return Ok(None);
    };
    let found: Option<(Option<i64>, Option<i64>)> = sqlx::query_as(
        "SELECT from_member_id, to_member_id FROM meeting_remarks WHERE id = $1 AND meeting_id = $2",
    )
    .bind(id)
    .bind(m.row.id)
    .fetch_optional(tx.conn())
    .await?;
    let seen = found.is_some_and(|(from, to)| {
        m.rights
            .sees_about(actor.user, &[super::user(from), super::user(to)])
    });
    answered(c, "remark_id", id, seen)
}

/// The record answered, or an error at `field` that names nothing of one the actor
/// may not read.
fn answered(c: &mut Checker, field: &str, id: i64, seen: bool) -> StoreResult<Option<i64>> {
    if seen {
        Ok(Some(id))
    } else {
        c.push(FieldError::because(
            field,
            Why::Foreign(zhenggai_domain::reason::Foreign::NotOfMeeting),
        ));
        Ok(None)
    }
}

/// Withdraws a finding not yet in the ledger, with its reason: who may name it.
pub async fn withdraw_finding(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: i64,
    input: &FindingWithdrawal,
) -> StoreResult<()> {
    db.write(async |tx| {
        let found: Option<(i64, Option<i64>, Option<i64>)> = sqlx::query_as(
            "SELECT meeting_id, member_id, problem_id FROM meeting_findings WHERE id = $1 AND withdrawn_at IS NULL",
        )
        .bind(id)
        .fetch_optional(tx.conn())
        .await?;
        let (meeting, member, problem) = found.ok_or(StoreError::NotFound)?;
        let m = load(tx.conn(), actor, meeting).await?;
        if !m.rights.manage {
            writes_for(&m, actor, member)?;
        }
        if problem.is_some() || m.state == MeetingState::Closed {
            return Err(StoreError::because("finding", Why::Rule(Rule::MeetingPast)));
        }
        let change = Change {
            reason: Some(input.reason.trim()),
            ..change
        };
        audit::versions::withdraw(tx, change, Entity::MeetingFinding, id, input.version).await?;
        Ok(())
    })
    .await
}
