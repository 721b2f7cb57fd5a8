//! The audit trail (D21): every change to a record appends one entry — who, when,
//! what, the record before and after — in the transaction of the change itself.
//!
//! Records are kept whole as JSON snapshots of their row, so that any version can be
//! compared with any other, and a concurrent edit can be answered with what changed.

use chrono::{DateTime, Utc};
use serde::Serialize;
use serde_json::Value;
use sqlx::{AnyConnection, Row};
use zhenggai_domain::UserId;

use crate::error::{Conflict, FieldChange, StoreError, StoreResult};
use crate::sql::{Sql, row_json, stamp};

/// A table whose rows the trail records.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Entity {
    /// 单位.
    Unit,
    /// 用户.
    User,
    /// API token.
    ApiToken,
    /// 巡察.
    Inspection,
    /// 方面.
    Aspect,
    /// 项.
    Item,
    /// 问题.
    Problem,
    /// 措施.
    Measure,
    /// 配合单位 of a measure.
    MeasureUnit,
    /// 进展.
    Progress,
    /// 附件.
    Attachment,
}

impl Entity {
    /// The table (and the entity's name in the trail).
    pub fn table(self) -> &'static str {
        match self {
            Entity::Unit => "units",
            Entity::User => "users",
            Entity::ApiToken => "api_tokens",
            Entity::Inspection => "inspections",
            Entity::Aspect => "aspects",
            Entity::Item => "items",
            Entity::Problem => "problems",
            Entity::Measure => "measures",
            Entity::MeasureUnit => "measure_units",
            Entity::Progress => "progress",
            Entity::Attachment => "attachments",
        }
    }
}

/// Who makes a change, when, and why.
#[derive(Debug, Clone, Copy)]
pub struct Change<'a> {
    /// The person; `None` for the system itself (migrations, the demo loader, the CLI).
    pub actor: Option<UserId>,
    /// When.
    pub at: DateTime<Utc>,
    /// Why, when the person said.
    pub reason: Option<&'a str>,
}

/// The current row of a record, as the trail stores it.
pub async fn snapshot(conn: &mut AnyConnection, entity: Entity, id: i64) -> StoreResult<Value> {
    let sql = format!("SELECT * FROM {} WHERE id = $1", entity.table());
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    let mut value = row_json(&row);
    // Secrets never enter the trail: it is readable by auditors.
    if let Some(obj) = value.as_object_mut() {
        for secret in ["password_hash", "token_hash"] {
            if obj.contains_key(secret) {
                obj.insert(secret.to_string(), Value::from("***"));
            }
        }
    }
    Ok(value)
}

/// Appends one entry.
pub async fn record(
    conn: &mut AnyConnection,
    change: Change<'_>,
    action: &str,
    entity: Entity,
    id: i64,
    before: Option<&Value>,
    after: Option<&Value>,
) -> StoreResult<()> {
    let version = after
        .or(before)
        .and_then(|v| v.get("version"))
        .and_then(Value::as_i64);
    sqlx::query(
        "INSERT INTO audit_log (at, actor_id, action, entity, entity_id, entity_version, reason, before_json, after_json) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(stamp(change.at))
    .bind(change.actor.map(|u| u.0))
    .bind(action)
    .bind(entity.table())
    .bind(id)
    .bind(version)
    .bind(change.reason)
    .bind(before.map(Value::to_string))
    .bind(after.map(Value::to_string))
    .execute(conn)
    .await?;
    Ok(())
}

/// Records a row just inserted.
pub async fn created(
    conn: &mut AnyConnection,
    change: Change<'_>,
    entity: Entity,
    id: i64,
) -> StoreResult<()> {
    let after = snapshot(conn, entity, id).await?;
    record(conn, change, "create", entity, id, None, Some(&after)).await
}

/// Updates a record if it is still at `expected_version`, bumps its version and records
/// the change. `set` is the `SET` list (`title = $1, …`). When someone else changed the
/// record first, nothing is written and the answer says what they changed.
pub async fn update(
    conn: &mut AnyConnection,
    change: Change<'_>,
    action: &str,
    entity: Entity,
    id: i64,
    expected_version: i64,
    set: &Sql,
) -> StoreResult<Value> {
    let before = snapshot(conn, entity, id).await?;
    let mut sql = Sql::new(&format!("UPDATE {} SET ", entity.table()));
    sql.append(set)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(expected_version);
    let done = sql.query().execute(&mut *conn).await?;
    if done.rows_affected() == 0 {
        return Err(conflict(conn, entity, id, expected_version, &before).await);
    }
    let after = snapshot(conn, entity, id).await?;
    record(
        conn,
        change,
        action,
        entity,
        id,
        Some(&before),
        Some(&after),
    )
    .await?;
    Ok(after)
}

/// Withdraws a record (撤回): it stays, marked with who, when and why (D21).
pub async fn withdraw(
    conn: &mut AnyConnection,
    change: Change<'_>,
    entity: Entity,
    id: i64,
    expected_version: i64,
) -> StoreResult<Value> {
    let Some(reason) = change.reason.filter(|r| !r.trim().is_empty()) else {
        return Err(StoreError::invalid(
            "reason",
            "撤回须说明原因。",
            "Say why it is withdrawn.",
        ));
    };
    let mut set = Sql::new("withdrawn_at = ");
    set.bind(stamp(change.at)).push(", withdrawn_by = ");
    set.bind(change.actor.map(|u| u.0).unwrap_or(0))
        .push(", withdrawn_reason = ")
        .bind(reason);
    update(conn, change, "withdraw", entity, id, expected_version, &set).await
}

async fn conflict(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
    seen: i64,
    current: &Value,
) -> StoreError {
    let current_version = current.get("version").and_then(Value::as_i64).unwrap_or(0);
    let row = sqlx::query(
        "SELECT after_json FROM audit_log WHERE entity = $1 AND entity_id = $2 AND entity_version = $3 \
         ORDER BY id DESC LIMIT 1",
    )
    .bind(entity.table())
    .bind(id)
    .bind(seen)
    .fetch_optional(&mut *conn)
    .await;
    let was: Value = match row {
        Ok(Some(r)) => r
            .try_get::<Option<String>, _>(0)
            .ok()
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null),
        Ok(None) => Value::Null,
        Err(e) => return StoreError::Db(e),
    };
    let last = sqlx::query(
        "SELECT a.at, u.display_name FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id DESC LIMIT 1",
    )
    .bind(entity.table())
    .bind(id)
    .fetch_optional(&mut *conn)
    .await
    .ok()
    .flatten();
    let changes = diff(&was, current);
    StoreError::Conflict(Box::new(Conflict {
        your_version: seen,
        current_version,
        changed_by: last
            .as_ref()
            .and_then(|r| r.try_get::<Option<String>, _>(1).ok().flatten()),
        changed_at: last.as_ref().and_then(|r| r.try_get::<String, _>(0).ok()),
        changes,
    }))
}

/// The fields that differ between two snapshots (version excluded).
pub fn diff(was: &Value, now: &Value) -> Vec<FieldChange> {
    let (Some(now_obj), was_obj) = (now.as_object(), was.as_object()) else {
        return Vec::new();
    };
    now_obj
        .iter()
        .filter(|(k, _)| k.as_str() != "version")
        .filter_map(|(k, v)| {
            let old = was_obj
                .and_then(|o| o.get(k))
                .cloned()
                .unwrap_or(Value::Null);
            (old != *v).then(|| FieldChange {
                field: k.clone(),
                was: old,
                now: v.clone(),
            })
        })
        .collect()
}

/// One entry of the trail, as shown to those who may read it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    /// Position in the trail.
    pub id: i64,
    /// When (RFC 3339, UTC).
    pub at: String,
    /// Who, by display name; `None` for the system.
    pub actor: Option<String>,
    /// create, update, withdraw, …
    pub action: String,
    /// The table.
    pub entity: String,
    /// The record.
    pub entity_id: i64,
    /// Why, when given.
    pub reason: Option<String>,
    /// The fields changed.
    pub changes: Vec<FieldChange>,
}

/// The trail of one record, oldest first.
pub async fn trail(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
         WHERE a.entity = $1 AND a.entity_id = $2 ORDER BY a.id",
    )
    .bind(entity.table())
    .bind(id)
    .fetch_all(conn)
    .await?;
    rows.iter().map(entry).collect()
}

/// The latest entries of the whole trail, newest first (the audit administrator's view).
pub async fn recent(pool: &sqlx::AnyPool, limit: i64) -> StoreResult<Vec<AuditEntry>> {
    let rows = sqlx::query(
        "SELECT a.id, a.at, u.display_name, a.action, a.entity, a.entity_id, a.reason, a.before_json, a.after_json \
         FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id ORDER BY a.id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(pool)
    .await?;
    rows.iter().map(entry).collect()
}

fn entry(r: &sqlx::any::AnyRow) -> StoreResult<AuditEntry> {
    let parse = |s: Option<String>| {
        s.and_then(|s| serde_json::from_str::<Value>(&s).ok())
            .unwrap_or(Value::Null)
    };
    let before = parse(r.try_get(7)?);
    let after = parse(r.try_get(8)?);
    Ok(AuditEntry {
        id: r.try_get(0)?,
        at: r.try_get(1)?,
        actor: r.try_get(2)?,
        action: r.try_get(3)?,
        entity: r.try_get(4)?,
        entity_id: r.try_get(5)?,
        reason: r.try_get(6)?,
        changes: diff(&before, &after),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn diff_names_changed_fields_only() {
        let was = json!({"id": 1, "title": "a", "version": 1, "target": null});
        let now = json!({"id": 1, "title": "b", "version": 2, "target": "x"});
        let d = diff(&was, &now);
        let fields: Vec<_> = d.iter().map(|c| c.field.as_str()).collect();
        assert_eq!(fields, ["target", "title"]);
    }
}
