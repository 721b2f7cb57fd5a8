//! The audit trail (审计日志) as the pages and the API read it (D21): who may read a
//! record's trail and the whole trail (decided by role, D22, here and nowhere else),
//! an entry in words (`words`), and `audit verify` with its result in words (`check`).

pub mod check;
pub mod words;

use zhenggai_domain::{InspectionId, MeasureId, ProblemId, Role};
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::{self, Entity, trail::AuditEntry};
use zhenggai_storage::ledger::{inspections, measures, problems};

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
/// record's; whoever reads the ledger, the trail of an inspection, problem or measure
/// they can read (D21: verifiable by anyone with read access to it).
pub async fn may_read_record(
    app: &App,
    v: &Viewer,
    table: &str,
    id: i64,
) -> Result<Entity, StoreError> {
    let entity = Entity::from_table(table).ok_or(StoreError::NotFound)?;
    match v.actor.role {
        Role::AuditAdmin => {}
        r if r.reads_business_data() => {
            // The trail of what they can read: the record must load for them.
            match entity {
                Entity::Inspection => {
                    drop(inspections::get(&app.db, &v.actor, InspectionId(id)).await?)
                }
                Entity::Problem => drop(problems::get(&app.db, &v.actor, ProblemId(id)).await?),
                Entity::Measure => {
                    drop(measures::get(&app.db, &v.actor, MeasureId(id), app.clock.today()).await?)
                }
                _ => return Err(StoreError::Forbidden),
            }
        }
        _ => return Err(StoreError::Forbidden),
    }
    Ok(entity)
}

/// Only the audit administrator reads the whole trail (三员分立).
pub fn whole_trail(v: &Viewer) -> Result<(), StoreError> {
    if v.actor.role.reads_audit_trail() {
        Ok(())
    } else {
        Err(StoreError::Forbidden)
    }
}
