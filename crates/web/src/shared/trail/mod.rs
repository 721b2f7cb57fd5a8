//! The audit trail (审计日志) as the pages and the API read it (D21): who may read a
//! record's trail and the whole trail (decided by role, D22, here and nowhere else),
//! an entry in words (`words`), and `audit verify` with its result in words (`check`).

pub mod check;
pub mod words;

use zhenggai_domain::reason::Refused;
use zhenggai_domain::{InspectionId, MeasureId, ProblemId, Role};
use zhenggai_storage::audit::{self, Entity, trail::AuditEntry};
use zhenggai_storage::ledger::{
    inspections, measures, milestones, notices, outcomes, petitions, problems, weekly,
};
use zhenggai_storage::{StoreError, scope};

use crate::session::Viewer;
use crate::state::App;

/// Loads the trail of a record if the viewer may read it.
pub async fn readable_trail(
    app: &App,
    v: &Viewer,
    table: &str,
    id: i64,
) -> Result<(Entity, Vec<AuditEntry>), StoreError> {
    let entity = may_read_record(app, v, table, id).await?;
    // A read: a pooled connection, not a write transaction (which would wait for
    // SQLite's writer turn).
    let mut conn = app.db.pool().acquire().await.map_err(anyhow::Error::from)?;
    let trail = audit::trail::of_record(&mut conn, entity, id).await?;
    if trail.is_empty() {
        return Err(StoreError::NotFound);
    }
    Ok((entity, trail))
}

/// The record's entity if the viewer may read its trail: the audit administrator any
/// record's; whoever reads the ledger, the trail of each record whose page links it
/// (an inspection, a problem, a measure, a milestone, a 督办 notice, a weekly summary, an
/// outcome record)
/// when they can read the record itself (D21: verifiable by anyone with read access to
/// it), by the record's own read rule in storage. The other administrators read none.
pub async fn may_read_record(
    app: &App,
    v: &Viewer,
    table: &str,
    id: i64,
) -> Result<Entity, StoreError> {
    let entity = Entity::from_table(table).ok_or(StoreError::NotFound)?;
    if v.actor.role == Role::AuditAdmin {
        return Ok(entity);
    }
    scope::require_business(&v.actor)?;
    let (db, actor, today) = (&app.db, &v.actor, app.clock.today());
    // The trail of what they can read: the record must load for them.
    match entity {
        Entity::Inspection => drop(inspections::get(db, actor, InspectionId(id)).await?),
        Entity::Problem => drop(problems::get(db, actor, ProblemId(id)).await?),
        Entity::Measure => drop(measures::get(db, actor, MeasureId(id), today).await?),
        Entity::Milestone => drop(milestones::get(db, actor, id, today).await?),
        Entity::EscalationNotice => drop(notices::get(db, actor, id, today).await?),
        Entity::WeeklySummary => drop(weekly::summary_week_of(db, actor, id).await?),
        Entity::Accountability | Entity::Institution | Entity::Recovery => {
            outcomes::record_readable(db, actor, entity.table(), id).await?
        }
        Entity::Petition => petitions::record_readable(db, actor, id).await?,
        Entity::Meeting
        | Entity::Opinion
        | Entity::Talk
        | Entity::Material
        | Entity::MeetingFinding
        | Entity::MeetingRemark => {
            zhenggai_storage::meetings::record_readable(db, actor, entity, id).await?
        }
        // Records no page links a trail for (progress, files, settings …): their
        // entries are the audit administrator's to read.
        _ => {
            return Err(StoreError::refused(Refused::ByAdministrator {
                role: Role::AuditAdmin,
            }));
        }
    }
    Ok(entity)
}

/// Only the audit administrator reads the whole trail (三员分立).
pub fn whole_trail(v: &Viewer) -> Result<(), StoreError> {
    if v.actor.role.reads_audit_trail() {
        Ok(())
    } else {
        Err(StoreError::refused(Refused::ByAdministrator {
            role: Role::AuditAdmin,
        }))
    }
}
