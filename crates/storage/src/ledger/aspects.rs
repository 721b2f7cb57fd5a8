//! 方面 and 项 — how an inspection groups its problems (D2).

use serde::{Deserialize, Serialize};
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::Rule;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{AspectId, InspectionId, ItemId};

use super::{inspection_org, require_inspection_edit};
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// An aspect or item title as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct TitleInput {
    /// e.g. 班子建设方面.
    pub title: String,
}

impl TitleInput {
    pub(crate) fn check(&self) -> StoreResult<String> {
        let t = self.title.trim();
        if t.is_empty() || t.chars().count() > 200 {
            return Err(StoreError::because(
                "title",
                Why::Rule(Rule::Title { max: 200 }),
            ));
        }
        Ok(t.to_string())
    }
}

/// An aspect with its items.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Aspect {
    /// Id.
    pub id: AspectId,
    /// Its inspection.
    pub inspection_id: InspectionId,
    /// Position (一、二、三 …).
    pub ordinal: i64,
    /// Title.
    pub title: String,
    /// Version, for concurrent edits.
    pub version: i64,
    /// Its items (项), in order; empty when the ledger does not use them.
    pub items: Vec<Item>,
}

/// An item (项) of an aspect.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Item {
    /// Id.
    pub id: ItemId,
    /// Its aspect.
    pub aspect_id: AspectId,
    /// Position.
    pub ordinal: i64,
    /// Title.
    pub title: String,
    /// Version.
    pub version: i64,
}

/// Adds an aspect at the end of an inspection's list.
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    inspection: InspectionId,
    input: &TitleInput,
) -> StoreResult<AspectId> {
    db.write(async |tx| {
        let org = inspection_org(tx.conn(), inspection).await?;
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
        insert(tx, change, inspection, input).await
    })
    .await
}

/// Checks and inserts an aspect (also the demo loader and the generator).
pub async fn insert(
    tx: &mut Tx,
    change: Change<'_>,
    inspection: InspectionId,
    input: &TitleInput,
) -> StoreResult<AspectId> {
    let title = input.check()?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO aspects (inspection_id, ordinal, title, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM aspects WHERE inspection_id = $1), $2, $3) RETURNING id",
    )
    .bind(inspection.0)
    .bind(title)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Aspect, id).await?;
    Ok(AspectId(id))
}

/// Renames an aspect read at `version`.
pub async fn update(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    id: AspectId,
    version: i64,
    input: &TitleInput,
) -> StoreResult<()> {
    db.write(async |tx| {
        let inspection = inspection_of(db, id).await?;
        let org = inspection_org(tx.conn(), inspection).await?;
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
        let title = input.check()?;
        let mut set = Sql::new("title = ");
        set.bind(title);
        audit::versions::update(tx, change, "update", Entity::Aspect, id.0, version, &set).await?;
        Ok(())
    })
    .await
}

/// Adds an item (项) at the end of an aspect.
pub async fn create_item(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    aspect: AspectId,
    input: &TitleInput,
) -> StoreResult<ItemId> {
    db.write(async |tx| {
        let inspection = inspection_of(db, aspect).await?;
        let org = inspection_org(tx.conn(), inspection).await?;
        require_inspection_edit(tx.conn(), actor, org, inspection).await?;
        insert_item(tx, change, aspect, &input.check()?).await
    })
    .await
}

/// Inserts an item (项) at the end of an aspect (also the import).
pub async fn insert_item(
    tx: &mut Tx,
    change: Change<'_>,
    aspect: AspectId,
    title: &str,
) -> StoreResult<ItemId> {
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO items (aspect_id, ordinal, title, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM items WHERE aspect_id = $1), $2, $3) RETURNING id",
    )
    .bind(aspect.0)
    .bind(title)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::Item, id).await?;
    Ok(ItemId(id))
}

/// The inspection an aspect belongs to (not an access check: callers check first).
pub async fn inspection_of(db: &Db, id: AspectId) -> StoreResult<InspectionId> {
    let inspection: i64 = sqlx::query_scalar(
        "SELECT inspection_id FROM aspects WHERE id = $1 AND withdrawn_at IS NULL",
    )
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(InspectionId(inspection))
}

/// The aspects of an inspection with their items, in order. The caller has checked
/// that the actor may read the inspection.
pub async fn list(db: &Db, inspection: InspectionId) -> StoreResult<Vec<Aspect>> {
    let mut aspects: Vec<Aspect> = sqlx::query_as::<_, TitledRow>(
        "SELECT id, inspection_id AS parent_id, ordinal, title, version FROM aspects \
         WHERE inspection_id = $1 AND withdrawn_at IS NULL ORDER BY ordinal, id",
    )
    .bind(inspection.0)
    .fetch_all(db.pool())
    .await?
    .into_iter()
    .map(|r| Aspect {
        id: AspectId(r.id),
        inspection_id: InspectionId(r.parent_id),
        ordinal: r.ordinal,
        title: r.title,
        version: r.version,
        items: Vec::new(),
    })
    .collect();
    let items = sqlx::query_as::<_, TitledRow>(
        "SELECT it.id, it.aspect_id AS parent_id, it.ordinal, it.title, it.version FROM items it JOIN aspects a ON a.id = it.aspect_id \
         WHERE a.inspection_id = $1 AND it.withdrawn_at IS NULL ORDER BY it.ordinal, it.id",
    )
    .bind(inspection.0)
    .fetch_all(db.pool())
    .await?;
    for r in items {
        let item = Item {
            id: ItemId(r.id),
            aspect_id: AspectId(r.parent_id),
            ordinal: r.ordinal,
            title: r.title,
            version: r.version,
        };
        if let Some(a) = aspects.iter_mut().find(|a| a.id == item.aspect_id) {
            a.items.push(item);
        }
    }
    Ok(aspects)
}

/// An aspect under its inspection, or an item under its aspect, as [`list`] reads them.
#[derive(sqlx::FromRow)]
struct TitledRow {
    id: i64,
    parent_id: i64,
    ordinal: i64,
    title: String,
    version: i64,
}
