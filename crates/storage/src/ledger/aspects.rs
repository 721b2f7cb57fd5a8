//! 方面 and 项 — how an inspection groups its problems (D2).

use serde::{Deserialize, Serialize};
use sqlx::Row;
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
    let mut tx = db.begin().await?;
    let org = inspection_org(tx.conn(), inspection).await?;
    require_inspection_edit(tx.conn(), actor, org, inspection).await?;
    let id = insert(&mut tx, change, inspection, input).await?;
    tx.commit().await?;
    Ok(id)
}

/// Checks and inserts an aspect (also the demo loader and the generator).
pub async fn insert(
    tx: &mut Tx,
    change: Change<'_>,
    inspection: InspectionId,
    input: &TitleInput,
) -> StoreResult<AspectId> {
    let title = input.check()?;
    let id: i64 = sqlx::query(
        "INSERT INTO aspects (inspection_id, ordinal, title, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM aspects WHERE inspection_id = $1), $2, $3) RETURNING id",
    )
    .bind(inspection.0)
    .bind(title)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
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
    let mut tx = db.begin().await?;
    let inspection = inspection_of(db, id).await?;
    let org = inspection_org(tx.conn(), inspection).await?;
    require_inspection_edit(tx.conn(), actor, org, inspection).await?;
    let title = input.check()?;
    let mut set = Sql::new("title = ");
    set.bind(title);
    audit::versions::update(
        &mut tx,
        change,
        "update",
        Entity::Aspect,
        id.0,
        version,
        &set,
    )
    .await?;
    tx.commit().await
}

/// Adds an item (项) at the end of an aspect.
pub async fn create_item(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    aspect: AspectId,
    input: &TitleInput,
) -> StoreResult<ItemId> {
    let mut tx = db.begin().await?;
    let inspection = inspection_of(db, aspect).await?;
    let org = inspection_org(tx.conn(), inspection).await?;
    require_inspection_edit(tx.conn(), actor, org, inspection).await?;
    let id = insert_item(&mut tx, change, aspect, &input.check()?).await?;
    tx.commit().await?;
    Ok(id)
}

/// Inserts an item (项) at the end of an aspect (also the import).
pub async fn insert_item(
    tx: &mut Tx,
    change: Change<'_>,
    aspect: AspectId,
    title: &str,
) -> StoreResult<ItemId> {
    let id: i64 = sqlx::query(
        "INSERT INTO items (aspect_id, ordinal, title, created_at) \
         VALUES ($1, (SELECT COALESCE(MAX(ordinal), 0) + 1 FROM items WHERE aspect_id = $1), $2, $3) RETURNING id",
    )
    .bind(aspect.0)
    .bind(title)
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    audit::write::created(tx, change, Entity::Item, id).await?;
    Ok(ItemId(id))
}

/// The inspection an aspect belongs to (not an access check: callers check first).
pub async fn inspection_of(db: &Db, id: AspectId) -> StoreResult<InspectionId> {
    let row =
        sqlx::query("SELECT inspection_id FROM aspects WHERE id = $1 AND withdrawn_at IS NULL")
            .bind(id.0)
            .fetch_optional(db.pool())
            .await?
            .ok_or(StoreError::NotFound)?;
    Ok(InspectionId(row.try_get(0)?))
}

/// The aspects of an inspection with their items, in order. The caller has checked
/// that the actor may read the inspection.
pub async fn list(db: &Db, inspection: InspectionId) -> StoreResult<Vec<Aspect>> {
    let rows = sqlx::query(
        "SELECT id, inspection_id, ordinal, title, version FROM aspects \
         WHERE inspection_id = $1 AND withdrawn_at IS NULL ORDER BY ordinal, id",
    )
    .bind(inspection.0)
    .fetch_all(db.pool())
    .await?;
    let mut aspects: Vec<Aspect> = rows
        .iter()
        .map(|r| {
            Ok(Aspect {
                id: AspectId(r.try_get(0)?),
                inspection_id: InspectionId(r.try_get(1)?),
                ordinal: r.try_get(2)?,
                title: r.try_get(3)?,
                version: r.try_get(4)?,
                items: Vec::new(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()?;
    let items = sqlx::query(
        "SELECT it.id, it.aspect_id, it.ordinal, it.title, it.version FROM items it JOIN aspects a ON a.id = it.aspect_id \
         WHERE a.inspection_id = $1 AND it.withdrawn_at IS NULL ORDER BY it.ordinal, it.id",
    )
    .bind(inspection.0)
    .fetch_all(db.pool())
    .await?;
    for r in &items {
        let item = Item {
            id: ItemId(r.try_get(0)?),
            aspect_id: AspectId(r.try_get(1)?),
            ordinal: r.try_get(2)?,
            title: r.try_get(3)?,
            version: r.try_get(4)?,
        };
        if let Some(a) = aspects.iter_mut().find(|a| a.id == item.aspect_id) {
            a.items.push(item);
        }
    }
    Ok(aspects)
}
