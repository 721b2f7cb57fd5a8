//! 不予公开: the office marks a problem, or a record of what rectification achieved, as
//! not for the public notice (整改情况公开), and may clear the mark. The record stays in
//! the ledger, the figures and every internal document; the mark is a change in the
//! trail like any other, read at the version the office saw.

use zhenggai_domain::InspectionId;
use zhenggai_domain::access::Actor;

use super::{inspection_org, require_inspection_edit};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::Sql;
use crate::error::{StoreError, StoreResult};

/// What may be marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Publishable {
    /// 问题.
    Problem,
    /// 问责.
    Accountability,
    /// 制度.
    Institution,
    /// 清退 / 追缴.
    Recovery,
}

impl Publishable {
    /// Every kind, as the API's paths name them.
    pub const ALL: [Publishable; 4] = [
        Publishable::Problem,
        Publishable::Accountability,
        Publishable::Institution,
        Publishable::Recovery,
    ];

    /// The record kind in the trail.
    pub fn entity(self) -> Entity {
        match self {
            Publishable::Problem => Entity::Problem,
            Publishable::Accountability => Entity::Accountability,
            Publishable::Institution => Entity::Institution,
            Publishable::Recovery => Entity::Recovery,
        }
    }

    /// Its table's name, as the API's paths name the kind.
    pub fn code(self) -> &'static str {
        self.entity().table()
    }

    /// The kind of a table's name.
    pub fn from_code(code: &str) -> Option<Publishable> {
        Publishable::ALL.into_iter().find(|p| p.code() == code)
    }
}

/// Marks a record read at `version` as for the public notice (`public`) or not, and
/// answers its inspection. The office of its organisation only: who reads the ledger
/// is told the office does (403); who does not learns nothing of the record (404).
pub async fn set(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    what: Publishable,
    id: i64,
    version: i64,
    public: bool,
) -> StoreResult<InspectionId> {
    db.write(async |tx| {
        let entity = what.entity();
        let inspection: i64 = sqlx::query_scalar(&format!(
            "SELECT inspection_id FROM {} WHERE id = $1 AND withdrawn_at IS NULL",
            entity.table()
        ))
        .bind(id)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
        let inspection = InspectionId(inspection);
        let org = inspection_org(tx.conn(), inspection).await?;
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
        let mut set = Sql::new("not_public = ");
        set.bind(i64::from(!public));
        audit::versions::update(tx, change, "update", entity, id, version, &set).await?;
        Ok(inspection)
    })
    .await
}
