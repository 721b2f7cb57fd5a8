//! 整改台账 — the ledger: inspections, aspects and items, problems, measures, progress
//! and files, with the queries the pages and the API list them by.
//!
//! Every function that acts for a person takes their [`Actor`] and checks it with the
//! domain's access rules before reading or writing; records the actor may not know of
//! are [`StoreError::NotFound`], records they see but may not change are
//! [`StoreError::Forbidden`].

pub mod aspects;
pub mod import;
pub mod inspections;
pub mod lifecycle;
pub mod lookbacks;
pub mod measures;
pub mod milestones;
pub mod notices;
pub mod outcomes;
pub mod postings;
pub mod problems;
pub mod progress;
pub mod query;
pub mod rules;
pub mod supervision;
pub mod warnings;
pub mod weekly;

use serde::Serialize;
use sqlx::{AnyConnection, Row};
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::{InspectionId, UnitId, UserId};

use crate::error::{StoreError, StoreResult};

/// A unit named in a ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UnitRef {
    /// Id.
    pub id: UnitId,
    /// Name as the ledger shows it.
    pub name: String,
}

/// A person named in a ledger row.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct UserRef {
    /// Id.
    pub id: UserId,
    /// Display name.
    pub name: String,
}

/// The organisation an inspection belongs to (for access checks).
pub(crate) async fn inspection_org(
    conn: &mut AnyConnection,
    id: InspectionId,
) -> StoreResult<UnitId> {
    let row = sqlx::query("SELECT org_id FROM inspections WHERE id = $1 AND withdrawn_at IS NULL")
        .bind(id.0)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(UnitId(row.try_get(0)?))
}

/// Refuses unless the actor may change the organisation's ledger; hides it entirely
/// from those who may not read it.
pub(crate) fn require_ledger(actor: &Actor, org: UnitId, need: Access) -> StoreResult<()> {
    let has = actor.ledger_access(org);
    if has >= need {
        Ok(())
    } else if has >= Access::Read {
        Err(StoreError::Forbidden)
    } else {
        Err(StoreError::NotFound)
    }
}
