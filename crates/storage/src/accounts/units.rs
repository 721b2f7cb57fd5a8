//! 单位 / 部门 — the organisation tree. An organisation (`org`) is a tenant: its
//! departments (`dept`) are the lead and cooperating units of its ledger. An
//! organisation may sit under another (a city committee over the bodies it inspects).

use serde::Serialize;
use zhenggai_domain::Role;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::{Account, Foreign, Refused};
use zhenggai_domain::validate::Why;

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// Whether a unit is an organisation or one of its departments.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// 单位 — an organisation with its own ledger.
    Org,
    /// 部门 — a department of an organisation.
    Dept,
}

zhenggai_domain::codes! {
    UnitKind {
        Org = "org",
        Dept = "dept",
    }
}

/// A unit as shown.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Unit {
    /// Id.
    pub id: UnitId,
    /// The unit above, if any.
    pub parent_id: Option<UnitId>,
    /// The organisation it belongs to (itself for an organisation).
    pub org_id: UnitId,
    /// Organisation or department.
    pub kind: UnitKind,
    /// Full name.
    pub name: String,
    /// Short name used in ledgers (财务部 for 报社财务部), if any.
    pub short_name: Option<String>,
    /// Version, for concurrent edits.
    pub version: i64,
}

/// A unit as [`COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct UnitRow {
    id: i64,
    parent_id: Option<i64>,
    org_id: i64,
    kind: String,
    name: String,
    short_name: Option<String>,
    version: i64,
}

impl TryFrom<UnitRow> for Unit {
    type Error = sqlx::Error;

    fn try_from(r: UnitRow) -> Result<Unit, sqlx::Error> {
        Ok(Unit {
            id: UnitId(r.id),
            parent_id: r.parent_id.map(UnitId),
            org_id: UnitId(r.org_id),
            kind: code_of("units", "kind", &r.kind)?,
            name: r.name,
            short_name: r.short_name,
            version: r.version,
        })
    }
}

impl Unit {
    /// The name a ledger shows: the short one when there is one.
    pub fn label(&self) -> &str {
        self.short_name.as_deref().unwrap_or(&self.name)
    }
}

const COLUMNS: &str = "id, parent_id, org_id, kind, name, short_name, version";

/// Inserts a unit. The shell (CLI, demo loader) calls this directly; people go
/// through [`create`], which checks their role.
pub async fn insert(
    tx: &mut Tx,
    change: Change<'_>,
    parent: Option<UnitId>,
    kind: UnitKind,
    name: &str,
    short_name: Option<&str>,
) -> StoreResult<UnitId> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::because("name", Why::Account(Account::UnitName)));
    }
    let parent_org: Option<i64> = match parent {
        Some(p) => Some(
            sqlx::query_scalar("SELECT org_id FROM units WHERE id = $1 AND withdrawn_at IS NULL")
                .bind(p.0)
                .fetch_optional(tx.conn())
                .await?
                .ok_or_else(|| {
                    StoreError::because("parent_id", Why::Foreign(Foreign::ParentUnit))
                })?,
        ),
        None => None,
    };
    let org = match (kind, parent_org) {
        (UnitKind::Dept, Some(org)) => Some(org),
        (UnitKind::Dept, None) => {
            return Err(StoreError::because(
                "parent_id",
                Why::Account(Account::DepartmentParent),
            ));
        }
        (UnitKind::Org, _) => None,
    };
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO units (parent_id, org_id, kind, name, short_name, sort_order, created_at) \
         VALUES ($1, $2, $3, $4, $5, 0, $6) RETURNING id",
    )
    .bind(parent.map(|p| p.0))
    .bind(org)
    .bind(kind.code())
    .bind(name)
    .bind(short_name.map(str::trim).filter(|s| !s.is_empty()))
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    if kind == UnitKind::Org {
        sqlx::query("UPDATE units SET org_id = id WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
    }
    audit::write::created(tx, change, Entity::Unit, id).await?;
    Ok(UnitId(id))
}

/// Creates a unit for a system administrator (系统管理员 keeps the tree).
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    parent: Option<UnitId>,
    kind: UnitKind,
    name: &str,
    short_name: Option<&str>,
) -> StoreResult<UnitId> {
    if !actor.role.manages_accounts() {
        return Err(StoreError::refused(Refused::ByAdministrator {
            role: Role::SysAdmin,
        }));
    }
    db.write(async |tx| insert(tx, change, parent, kind, name, short_name).await)
        .await
}

/// Every unit in the tree (administrators), or those of one organisation.
pub async fn list(db: &Db, org: Option<UnitId>) -> StoreResult<Vec<Unit>> {
    let rows: Vec<UnitRow> = match org {
        Some(org) => {
            sqlx::query_as(&format!(
                "SELECT {COLUMNS} FROM units WHERE org_id = $1 AND withdrawn_at IS NULL ORDER BY kind DESC, sort_order, id"
            ))
            .bind(org.0)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query_as(&format!("SELECT {COLUMNS} FROM units WHERE withdrawn_at IS NULL ORDER BY org_id, kind DESC, sort_order, id"))
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.into_iter()
        .map(|r| Unit::try_from(r).map_err(StoreError::from))
        .collect()
}

/// Some organisations by their ids, in id order: the choices of an organisation filter
/// for whoever reads several (the upper level).
pub async fn orgs(db: &Db, ids: &[UnitId]) -> StoreResult<Vec<Unit>> {
    let mut sql = Sql::new(&format!("SELECT {COLUMNS} FROM units WHERE id"));
    sql.id_set(db.backend(), ids.iter().map(|o| o.0))
        .push(" AND kind = 'org' AND withdrawn_at IS NULL ORDER BY id");
    let rows: Vec<UnitRow> = sql.query_as().fetch_all(db.pool()).await?;
    rows.into_iter()
        .map(|r| Unit::try_from(r).map_err(StoreError::from))
        .collect()
}

/// One unit.
pub async fn get(db: &Db, id: UnitId) -> StoreResult<Unit> {
    let row = sqlx::query_as::<_, UnitRow>(&format!("SELECT {COLUMNS} FROM units WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Unit::try_from(row)?)
}

/// The organisations below one (children, grandchildren …), itself excluded.
///
/// Read on every request of the upper level: walked upward from each organisation to
/// the one asked about, in the database, rather than reading every unit of the tree.
/// Departments may sit between organisations in some trees, and a withdrawn unit breaks
/// the walk. 64 levels bound it should the tree ever hold a cycle.
pub async fn orgs_below(db: &Db, org: UnitId) -> StoreResult<Vec<UnitId>> {
    let ids: Vec<i64> = sqlx::query_scalar(
        "WITH RECURSIVE up(org, at, depth) AS ( \
             SELECT id, parent_id, 1 FROM units \
             WHERE kind = 'org' AND withdrawn_at IS NULL AND parent_id IS NOT NULL AND id <> $1 \
             UNION ALL \
             SELECT up.org, u.parent_id, up.depth + 1 FROM up JOIN units u ON u.id = up.at \
             WHERE up.at <> $1 AND u.withdrawn_at IS NULL AND u.parent_id IS NOT NULL AND up.depth < 64) \
         SELECT org FROM up WHERE at = $1 ORDER BY org",
    )
    .bind(org.0)
    .fetch_all(db.pool())
    .await?;
    Ok(ids.into_iter().map(UnitId).collect())
}
