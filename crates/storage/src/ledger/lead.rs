//! Who leads a problem's measures (牵头) and who cooperates on them (配合): handing the
//! measures to a new lead unit when a problem changes hands (改由…牵头), and ending a
//! cooperating unit's link to a measure.

use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::Foreign;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{ProblemId, UnitId};

use crate::audit::{self, Change, Entity};
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// Hands a problem's measures to its new lead unit (改由…牵头), when a dispute is
/// decided or the office changes who leads: `chosen` names the measures that go (the
/// office or the leader chooses measure by measure), `None` takes every measure the
/// former lead unit led. Each change is its own audit entry (`reassign`); the new lead
/// unit, if it cooperated on a measure, no longer cooperates with itself. Measures
/// other units lead stay theirs. Answers how many measures moved.
pub(crate) async fn carry_lead(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    problem: ProblemId,
    from: UnitId,
    to: UnitId,
    chosen: Option<&[i64]>,
) -> StoreResult<usize> {
    if from == to {
        return Ok(0);
    }
    let rows = sqlx::query_as::<_, LedRow>(
        "SELECT id, lead_unit_id, version FROM measures WHERE problem_id = $1 AND withdrawn_at IS NULL ORDER BY ordinal",
    )
    .bind(problem.0)
    .fetch_all(tx.conn())
    .await?;
    let led: Vec<(i64, i64)> = rows
        .into_iter()
        .filter(|r| UnitId(r.lead_unit_id) == from)
        .map(|r| (r.id, r.version))
        .collect();
    let moving: Vec<(i64, i64)> = match chosen {
        None => led,
        Some(ids) => {
            if ids.iter().any(|id| !led.iter().any(|(m, _)| m == id)) {
                return Err(StoreError::because(
                    "carry_measure_ids",
                    Why::Foreign(Foreign::CarryMeasures),
                ));
            }
            led.into_iter().filter(|(m, _)| ids.contains(m)).collect()
        }
    };
    for (id, version) in &moving {
        let mut set = Sql::new("lead_unit_id = ");
        set.bind(to.0);
        audit::versions::update(tx, change, "reassign", Entity::Measure, *id, *version, &set)
            .await?;
        let links: Vec<i64> = sqlx::query_scalar(
            "SELECT id FROM measure_units WHERE measure_id = $1 AND unit_id = $2 AND withdrawn_at IS NULL",
        )
        .bind(*id)
        .bind(to.0)
        .fetch_all(tx.conn())
        .await?;
        for link in links {
            withdraw_cooperating(tx, actor, change, link).await?;
        }
    }
    Ok(moving.len())
}

/// A measure of the problem and who leads it, as [`carry_lead`] reads them.
#[derive(sqlx::FromRow)]
struct LedRow {
    id: i64,
    lead_unit_id: i64,
    version: i64,
}

/// Ends one cooperating unit's link to a measure, recorded (nothing is deleted).
pub(crate) async fn withdraw_cooperating(
    tx: &mut Tx,
    actor: &Actor,
    change: Change<'_>,
    link: i64,
) -> StoreResult<()> {
    let before = audit::write::snapshot(tx.conn(), Entity::MeasureUnit, link).await?;
    sqlx::query("UPDATE measure_units SET withdrawn_at = $1, withdrawn_by = $2 WHERE id = $3")
        .bind(stamp(change.at))
        .bind(actor.user.0)
        .bind(link)
        .execute(tx.conn())
        .await?;
    let after = audit::write::snapshot(tx.conn(), Entity::MeasureUnit, link).await?;
    audit::write::record(
        tx,
        change,
        "withdraw",
        Entity::MeasureUnit,
        link,
        Some(&before),
        Some(&after),
    )
    .await
}
