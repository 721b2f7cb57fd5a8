//! 单位 / 部门 — the organisation tree. An organisation (`org`) is a tenant: its
//! departments (`dept`) are the lead and cooperating units of its ledger. An
//! organisation may sit under another (a city committee over the bodies it inspects).

use serde::Serialize;
use sqlx::Row;
use sqlx::any::AnyRow;
use zhenggai_domain::UnitId;
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::{Account, Foreign};
use zhenggai_domain::validate::Why;

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::stamp;
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

impl Unit {
    fn from_row(r: &AnyRow) -> Result<Unit, sqlx::Error> {
        Ok(Unit {
            id: UnitId(r.try_get("id")?),
            parent_id: r.try_get::<Option<i64>, _>("parent_id")?.map(UnitId),
            org_id: UnitId(r.try_get("org_id")?),
            kind: if r.try_get::<String, _>("kind")? == "org" {
                UnitKind::Org
            } else {
                UnitKind::Dept
            },
            name: r.try_get("name")?,
            short_name: r.try_get("short_name")?,
            version: r.try_get("version")?,
        })
    }

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
    let parent_org = match parent {
        Some(p) => {
            let row =
                sqlx::query("SELECT org_id FROM units WHERE id = $1 AND withdrawn_at IS NULL")
                    .bind(p.0)
                    .fetch_optional(tx.conn())
                    .await?
                    .ok_or_else(|| {
                        StoreError::because("parent_id", Why::Foreign(Foreign::ParentUnit))
                    })?;
            Some(row.try_get::<i64, _>(0)?)
        }
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
    let id: i64 = sqlx::query(
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
    .await?
    .try_get(0)?;
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
        return Err(StoreError::Forbidden);
    }
    let mut tx = db.begin().await?;
    let id = insert(&mut tx, change, parent, kind, name, short_name).await?;
    tx.commit().await?;
    Ok(id)
}

/// Every unit in the tree (administrators), or those of one organisation.
pub async fn list(db: &Db, org: Option<UnitId>) -> StoreResult<Vec<Unit>> {
    let rows = match org {
        Some(org) => {
            sqlx::query(&format!(
                "SELECT {COLUMNS} FROM units WHERE org_id = $1 AND withdrawn_at IS NULL ORDER BY kind DESC, sort_order, id"
            ))
            .bind(org.0)
            .fetch_all(db.pool())
            .await?
        }
        None => {
            sqlx::query(&format!("SELECT {COLUMNS} FROM units WHERE withdrawn_at IS NULL ORDER BY org_id, kind DESC, sort_order, id"))
                .fetch_all(db.pool())
                .await?
        }
    };
    rows.iter()
        .map(|r| Unit::from_row(r).map_err(StoreError::from))
        .collect()
}

/// One unit.
pub async fn get(db: &Db, id: UnitId) -> StoreResult<Unit> {
    let row = sqlx::query(&format!("SELECT {COLUMNS} FROM units WHERE id = $1"))
        .bind(id.0)
        .fetch_optional(db.pool())
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(Unit::from_row(&row)?)
}

/// The organisations below one (children, grandchildren …), itself excluded.
pub async fn orgs_below(db: &Db, org: UnitId) -> StoreResult<Vec<UnitId>> {
    // Departments may sit between organisations in some trees: walk the whole tree.
    let rows = sqlx::query("SELECT id, parent_id, kind FROM units WHERE withdrawn_at IS NULL")
        .fetch_all(db.pool())
        .await?;
    let mut parent_of = std::collections::HashMap::new();
    let mut orgs = Vec::new();
    for r in &rows {
        let id: i64 = r.try_get(0)?;
        parent_of.insert(id, r.try_get::<Option<i64>, _>(1)?);
        if r.try_get::<String, _>(2)? == "org" {
            orgs.push(id);
        }
    }
    let mut below = Vec::new();
    for id in orgs {
        let mut cur = parent_of.get(&id).copied().flatten();
        while let Some(p) = cur {
            if p == org.0 {
                below.push(UnitId(id));
                break;
            }
            cur = parent_of.get(&p).copied().flatten();
        }
    }
    Ok(below)
}
