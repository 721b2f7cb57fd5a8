//! 整改台账 — the ledger: inspections, aspects and items, problems, measures, progress
//! and files, with the queries the pages and the API list them by.
//!
//! Every function that acts for a person takes their [`Actor`] and checks it with the
//! domain's access rules before reading or writing; records the actor may not know of
//! are [`StoreError::NotFound`], records they see but may not change are
//! [`StoreError::Forbidden`].

pub mod archive;
pub mod aspects;
pub mod import;
pub mod inspections;
pub mod lead;
pub mod lifecycle;
pub mod lookbacks;
pub mod measures;
pub mod milestones;
pub mod notices;
pub mod outcomes;
pub mod petitions;
pub mod postings;
pub mod problems;
pub mod progress;
pub mod publication;
pub mod query;
pub mod supervision;
pub mod warnings;
pub mod weekly;

use serde::Serialize;
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::Refused;
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
    let org: i64 =
        sqlx::query_scalar("SELECT org_id FROM inspections WHERE id = $1 AND withdrawn_at IS NULL")
            .bind(id.0)
            .fetch_optional(conn)
            .await?
            .ok_or(StoreError::NotFound)?;
    Ok(UnitId(org))
}

/// Who changes a ledger, for those who read it and may not.
pub(crate) fn office_changes_the_ledger() -> StoreError {
    StoreError::refused(Refused::LedgerByOffice)
}

/// Refuses a change to the ledger holding an inspection unless the actor may make it:
/// one who reads the inspection (a unit or leader with measures in it, the
/// supervisor, the upper level) is told who may (403); one who does not read it learns
/// nothing of it (404).
pub(crate) async fn require_inspection_edit(
    conn: &mut AnyConnection,
    actor: &Actor,
    org: UnitId,
    inspection: InspectionId,
) -> StoreResult<()> {
    office_does_for_inspection(conn, actor, org, inspection, Refused::LedgerByOffice).await
}

/// [`require_inspection_edit`] for what else the office alone does with an inspection
/// (its archive package), refused with `why` to whoever reads the inspection.
pub(crate) async fn office_does_for_inspection(
    conn: &mut AnyConnection,
    actor: &Actor,
    org: UnitId,
    inspection: InspectionId,
    why: Refused,
) -> StoreResult<()> {
    match crate::scope::office_does(actor, org, Access::Edit, why.clone()) {
        Err(StoreError::NotFound) => {
            let mut sql = crate::db::sql::Sql::new(
                "SELECT 1 FROM inspections i WHERE i.withdrawn_at IS NULL AND i.id = ",
            );
            sql.bind(inspection.0)
                .push(" AND ")
                .append(&crate::scope::inspections(actor));
            match sql.query().fetch_optional(conn).await? {
                Some(_) => Err(StoreError::Refused(why)),
                None => Err(StoreError::NotFound),
            }
        }
        other => other,
    }
}

/// The date of what has happened, at its field: required, not after the day it is
/// recorded, and not before `since`, the day its inspection (or the organisation's
/// first) began.
pub(crate) fn happened_on(
    c: &mut zhenggai_domain::validate::Checker,
    event: zhenggai_domain::happened::Event,
    value: &str,
    change: crate::audit::Change<'_>,
    since: Option<chrono::NaiveDate>,
) -> Option<chrono::NaiveDate> {
    use zhenggai_domain::happened;
    let on = c.date(event.field(), value)?;
    let today = zhenggai_domain::clock::china_date(change.at);
    if let Err(e) = happened::check(event, on, today) {
        c.push(e.field_error());
        return None;
    }
    if let Err(e) = happened::check_since(event, on, since) {
        c.push(e.field_error());
        return None;
    }
    Some(on)
}

/// Refuses, at its field, a date of `event` on a measure of `inspection` that lies before
/// the inspection began (for dates checked for the future by rules of their own).
pub(crate) async fn check_since_inspection(
    db: &crate::db::Db,
    c: &mut zhenggai_domain::validate::Checker,
    event: zhenggai_domain::happened::Event,
    on: Option<chrono::NaiveDate>,
    inspection: zhenggai_domain::InspectionId,
) -> crate::error::StoreResult<()> {
    let Some(on) = on else { return Ok(()) };
    let mut conn = db.pool().acquire().await?;
    let since = inspection_start(&mut conn, inspection).await?;
    if let Err(e) = zhenggai_domain::happened::check_since(event, on, since) {
        c.push(e.field_error());
    }
    Ok(())
}

/// The day an inspection began: its period's start, else its feedback (the lower bound
/// of anything its rectification records as happened).
pub(crate) async fn inspection_start(
    conn: &mut sqlx::AnyConnection,
    inspection: zhenggai_domain::InspectionId,
) -> crate::error::StoreResult<Option<chrono::NaiveDate>> {
    let start: Option<String> = sqlx::query_scalar(
        "SELECT COALESCE(period_start, feedback_date) FROM inspections WHERE id = $1",
    )
    .bind(inspection.0)
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    Ok(start.as_deref().and_then(crate::db::sql::parse_day))
}

/// The day the organisation's first inspection began (the lower bound of what its
/// office records as happened outside one inspection: hearings, supervision rounds).
pub(crate) async fn first_inspection_start(
    conn: &mut sqlx::AnyConnection,
    org: zhenggai_domain::UnitId,
) -> crate::error::StoreResult<Option<chrono::NaiveDate>> {
    let start: Option<String> = sqlx::query_scalar(
        "SELECT MIN(COALESCE(period_start, feedback_date)) FROM inspections \
         WHERE org_id = $1 AND withdrawn_at IS NULL",
    )
    .bind(org.0)
    .fetch_one(&mut *conn)
    .await?;
    Ok(start.as_deref().and_then(crate::db::sql::parse_day))
}
