//! 回头看 — look-back rounds (D12): the office picks closed problems of an inspection;
//! each is then confirmed (巩固) or reopened (回炉) by a lifecycle step that names the
//! round, and the round keeps the decision.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::lifecycle::ProblemState;
use zhenggai_domain::reason::{Choose, Foreign, Rule};
use zhenggai_domain::validate::Why;
use zhenggai_domain::validate::{Checker, FieldError};
use zhenggai_domain::{InspectionId, ProblemId};

use super::{inspection_org, require_inspection_edit};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, day, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::scope::require_ledger;

/// A round as the office opens it.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct RoundInput {
    /// e.g. 2024年二季度整改“回头看”.
    pub title: String,
    /// The closed problems to look at again.
    pub problem_ids: Vec<i64>,
}

/// A look-back round with its problems.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Round {
    /// Id.
    pub id: i64,
    /// Its inspection.
    pub inspection_id: InspectionId,
    /// Title.
    pub title: String,
    /// Opened on.
    pub opened_on: String,
    /// The problems, with their decisions.
    pub items: Vec<RoundItem>,
}

/// A problem in a round.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundItem {
    /// The problem.
    pub problem_id: ProblemId,
    /// Its one line.
    pub title: String,
    /// Its state now.
    pub state: ProblemState,
    /// confirm or reopen, once decided.
    pub decision: Option<String>,
}

/// The states a look-back looks at.
fn lookable(state: ProblemState) -> bool {
    matches!(
        state,
        ProblemState::Closed | ProblemState::Consolidated | ProblemState::LongTermReview
    )
}

/// Opens a round (the office).
pub async fn open(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &RoundInput,
    today: NaiveDate,
) -> StoreResult<i64> {
    db.write(async |tx| {
        let org = inspection_org(tx.conn(), inspection).await?;
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
        let mut c = Checker::default();
        let title = c.text("title", &input.title, 200);
        if input.problem_ids.is_empty() {
            c.push(FieldError::because(
                "problem_ids",
                Why::Choose(Choose::ClosedProblem),
            ));
        }
        for id in &input.problem_ids {
            let state: Option<String> = sqlx::query_scalar(
                "SELECT state FROM problems WHERE id = $1 AND inspection_id = $2 AND withdrawn_at IS NULL",
            )
            .bind(*id)
            .bind(inspection.0)
            .fetch_optional(tx.conn())
            .await?;
            let ok = state
                .as_deref()
                .and_then(ProblemState::from_code)
                .is_some_and(lookable);
            if !ok {
                c.push(FieldError::because(
                    "problem_ids",
                    Why::Foreign(Foreign::NotClosedHere { id: *id }),
                ));
            }
        }
        c.finish()?;
        let id: i64 = sqlx::query_scalar("INSERT INTO lookback_rounds (inspection_id, title, opened_on, created_at, created_by) VALUES ($1, $2, $3, $4, $5) RETURNING id")
            .bind(inspection.0)
            .bind(title)
            .bind(day(today))
            .bind(stamp(change.at))
            .bind(actor.user.0)
            .fetch_one(tx.conn())
            .await?;
        audit::write::created(tx, change, Entity::LookbackRound, id).await?;
        for problem in &input.problem_ids {
            let item: i64 = sqlx::query_scalar("INSERT INTO lookback_items (round_id, problem_id, created_at) VALUES ($1, $2, $3) RETURNING id")
                .bind(id)
                .bind(*problem)
                .bind(stamp(change.at))
                .fetch_one(tx.conn())
                .await?;
            audit::write::created(tx, change, Entity::LookbackItem, item).await?;
        }
        Ok(id)
    })
    .await
}

/// Records a round's decision on a problem (a confirm or reopen step naming the round).
pub(crate) async fn decide(
    tx: &mut Tx,
    change: Change<'_>,
    round: i64,
    problem: ProblemId,
    decision: &str,
) -> StoreResult<()> {
    let row = sqlx::query_as::<_, DecisionRow>(
        "SELECT id, version, decision FROM lookback_items WHERE round_id = $1 AND problem_id = $2",
    )
    .bind(round)
    .bind(problem.0)
    .fetch_optional(tx.conn())
    .await?
    .ok_or_else(|| StoreError::because("round_id", Why::Foreign(Foreign::NotInRound)))?;
    if row.decision.is_some() {
        return Err(StoreError::because(
            "round_id",
            Why::Rule(Rule::LookbackDecided),
        ));
    }
    let mut set = Sql::new("decision = ");
    set.bind(decision)
        .push(", decided_at = ")
        .bind(stamp(change.at))
        .push(", decided_by = ")
        .bind(change.actor.map(|u| u.0));
    audit::versions::update(
        tx,
        change,
        decision,
        Entity::LookbackItem,
        row.id,
        row.version,
        &set,
    )
    .await?;
    Ok(())
}

/// A round's item and its decision, if made.
#[derive(sqlx::FromRow)]
struct DecisionRow {
    id: i64,
    version: i64,
    decision: Option<String>,
}

async fn items(db: &Db, round: i64) -> StoreResult<Vec<RoundItem>> {
    let rows = sqlx::query_as::<_, ItemRow>(
        "SELECT li.problem_id, p.title, p.state, li.decision FROM lookback_items li JOIN problems p ON p.id = li.problem_id \
         WHERE li.round_id = $1 ORDER BY p.ordinal",
    )
    .bind(round)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(RoundItem::try_from)
        .collect::<Result<_, _>>()?)
}

/// A problem of a round (or one a round may pick) as read.
#[derive(sqlx::FromRow)]
struct ItemRow {
    problem_id: i64,
    title: String,
    state: String,
    #[sqlx(default)]
    decision: Option<String>,
}

impl TryFrom<ItemRow> for RoundItem {
    type Error = sqlx::Error;

    fn try_from(r: ItemRow) -> Result<RoundItem, sqlx::Error> {
        Ok(RoundItem {
            problem_id: ProblemId(r.problem_id),
            title: r.title,
            state: code_of("problems", "state", &r.state)?,
            decision: r.decision,
        })
    }
}

/// The rounds of an inspection, newest first, for those who read its whole ledger.
pub async fn list(db: &Db, actor: &Actor, inspection: InspectionId) -> StoreResult<Vec<Round>> {
    let mut conn = db.pool().acquire().await?;
    let org = inspection_org(&mut conn, inspection).await?;
    drop(conn);
    require_ledger(actor, org, Access::Read)?;
    let rows = sqlx::query_as::<_, RoundRow>("SELECT id, title, opened_on FROM lookback_rounds WHERE inspection_id = $1 AND withdrawn_at IS NULL ORDER BY id DESC")
        .bind(inspection.0)
        .fetch_all(db.pool())
        .await?;
    let mut out = Vec::new();
    for r in rows {
        out.push(Round {
            id: r.id,
            inspection_id: inspection,
            title: r.title,
            opened_on: r.opened_on,
            items: items(db, r.id).await?,
        });
    }
    Ok(out)
}

/// A round as [`list`] reads it.
#[derive(sqlx::FromRow)]
struct RoundRow {
    id: i64,
    title: String,
    opened_on: String,
}

/// The closed problems of an inspection a new round may pick.
pub async fn candidates(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
) -> StoreResult<Vec<RoundItem>> {
    let mut conn = db.pool().acquire().await?;
    let org = inspection_org(&mut conn, inspection).await?;
    drop(conn);
    require_ledger(actor, org, Access::Read)?;
    let rows = sqlx::query_as::<_, ItemRow>(
        "SELECT id AS problem_id, title, state FROM problems WHERE inspection_id = $1 AND withdrawn_at IS NULL \
         AND state IN ('closed', 'consolidated', 'long_term_review') ORDER BY ordinal",
    )
    .bind(inspection.0)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(RoundItem::try_from)
        .collect::<Result<_, _>>()?)
}
