//! Changes to records that carry the version the writer read: an update over a newer
//! version is refused with what the other writer changed (a [`Conflict`]); records are
//! withdrawn (撤回), never deleted.

use serde_json::Value;
use sqlx::AnyConnection;
use zhenggai_domain::reason::Rule;
use zhenggai_domain::validate::Why;

use super::write::{created, normalise, record, snapshot};
use super::{Change, Entity};
use crate::db::sql::{Param, Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{Conflict, FieldChange, StoreError, StoreResult};

/// A first save's version: 0 (or none, from the shell) means "nothing stored yet", as
/// the reads answer before the first save. Any other number was read from nowhere, and
/// writing over it would tell the writer a story: it is refused at `version`.
pub fn first_save(version: Option<i64>) -> StoreResult<()> {
    match version {
        None | Some(0) => Ok(()),
        Some(_) => Err(StoreError::because(
            "version",
            Why::Rule(Rule::UnsavedVersion),
        )),
    }
}

/// Creates the one record of `entity` whose `key` column holds the given value, or
/// changes it when it exists, and records either. `version` is the version the writer
/// read (a stale one is refused as in [`update`], a first save's must be 0, as in
/// [`first_save`]); `None` replaces whatever is stored (the system itself, from the
/// shell). Two first saves at once: the key's unique index refuses the second.
pub async fn upsert(
    tx: &mut Tx,
    change: Change<'_>,
    entity: Entity,
    key: (&str, i64),
    version: Option<i64>,
    fields: &[(&str, Param)],
) -> StoreResult<i64> {
    #[derive(sqlx::FromRow)]
    struct Existing {
        id: i64,
        version: i64,
    }
    let table = entity.table();
    let existing = sqlx::query_as::<_, Existing>(&format!(
        "SELECT id, version FROM {table} WHERE {} = $1",
        key.0
    ))
    .bind(key.1)
    .fetch_optional(tx.conn())
    .await?;
    if let Some(row) = existing {
        let id = row.id;
        let mut set = Sql::default();
        for (i, (column, value)) in fields.iter().enumerate() {
            set.push(if i == 0 { "" } else { ", " })
                .push(column)
                .push(" = ")
                .bind(value.clone());
        }
        let version = version.unwrap_or(row.version);
        update(tx, change, "update", entity, id, version, &set).await?;
        return Ok(id);
    }
    first_save(version)?;
    let columns: Vec<&str> = std::iter::once(key.0)
        .chain(fields.iter().map(|(c, _)| *c))
        .chain(["created_at"])
        .collect();
    let mut insert = Sql::new(&format!(
        "INSERT INTO {table} ({}) VALUES (",
        columns.join(", ")
    ));
    insert.bind(key.1);
    for (_, value) in fields {
        insert.push(", ").bind(value.clone());
    }
    insert
        .push(", ")
        .bind(stamp(change.at))
        .push(") RETURNING id");
    let id: i64 = insert.query_scalar().fetch_one(tx.conn()).await?;
    created(tx, change, entity, id).await?;
    Ok(id)
}

/// Updates a record if it is still at `expected_version`, bumps its version and records
/// the change. `set` is the `SET` list (`title = $1, …`). When someone else changed the
/// record first, nothing is written and the answer says what they changed.
pub async fn update(
    tx: &mut Tx,
    change: Change<'_>,
    action: &str,
    entity: Entity,
    id: i64,
    expected_version: i64,
    set: &Sql,
) -> StoreResult<Value> {
    let conn = tx.conn();
    let before = snapshot(conn, entity, id).await?;
    let mut sql = Sql::new(&format!("UPDATE {} SET ", entity.table()));
    sql.append(set)
        .push(", version = version + 1 WHERE id = ")
        .bind(id)
        .push(" AND version = ")
        .bind(expected_version)
        // The row as stored, without reading it again.
        .push(" RETURNING *");
    let Some(row) = sql.query().fetch_optional(&mut *conn).await? else {
        return Err(conflict(conn, entity, id, expected_version, &before).await);
    };
    let after = normalise(&row);
    record(tx, change, action, entity, id, Some(&before), Some(&after)).await?;
    Ok(after)
}

/// Refuses a change to a record read at `seen` once someone else has changed it, with
/// the conflict [`update`] answers (who changed what): for a change whose own checks read
/// the record as it is now (a petition already concluded by the other), so that the one
/// who came second is told of the other's change and keeps what they typed, instead of
/// a refusal that only fits the record as it has become.
pub async fn require_current(tx: &mut Tx, entity: Entity, id: i64, seen: i64) -> StoreResult<()> {
    let conn = tx.conn();
    let current = snapshot(conn, entity, id).await?;
    if current.get("version").and_then(Value::as_i64) == Some(seen) {
        Ok(())
    } else {
        Err(conflict(conn, entity, id, seen, &current).await)
    }
}

/// Withdraws a record (撤回): it stays, marked with who, when and why (D21).
pub async fn withdraw(
    tx: &mut Tx,
    change: Change<'_>,
    entity: Entity,
    id: i64,
    expected_version: i64,
) -> StoreResult<Value> {
    let Some(reason) = change.reason.filter(|r| !r.trim().is_empty()) else {
        return Err(StoreError::because(
            "reason",
            Why::Rule(Rule::WithdrawReason),
        ));
    };
    let mut set = Sql::new("withdrawn_at = ");
    set.bind(stamp(change.at)).push(", withdrawn_by = ");
    set.bind(change.actor.map(|u| u.0).unwrap_or(0))
        .push(", withdrawn_reason = ")
        .bind(reason);
    update(tx, change, "withdraw", entity, id, expected_version, &set).await
}

async fn conflict(
    conn: &mut AnyConnection,
    entity: Entity,
    id: i64,
    seen: i64,
    current: &Value,
) -> StoreError {
    let current_version = current.get("version").and_then(Value::as_i64).unwrap_or(0);
    // A row an import wrote has no entry of its own at its first version (the import's
    // entry holds its digest): then the entry that changed it next holds it as it was.
    let after = sqlx::query_scalar::<_, Option<String>>(
        "SELECT COALESCE( \
           (SELECT after_json FROM audit_log WHERE entity = $1 AND entity_id = $2 AND entity_version = $3 \
            ORDER BY id DESC LIMIT 1), \
           (SELECT before_json FROM audit_log WHERE entity = $1 AND entity_id = $2 AND entity_version > $3 \
            ORDER BY id LIMIT 1))",
    )
    .bind(entity.table())
    .bind(id)
    .bind(seen)
    .fetch_optional(&mut *conn)
    .await;
    let was: Value = match after {
        Ok(after) => after
            .flatten()
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or(Value::Null),
        Err(e) => return StoreError::Db(e),
    };
    /// Who changed the record last, and when.
    #[derive(sqlx::FromRow)]
    struct Last {
        at: String,
        display_name: Option<String>,
    }
    let last = sqlx::query_as::<_, Last>(
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
    let (changed_at, changed_by) = match last {
        Some(Last { at, display_name }) => (Some(at), display_name),
        None => (None, None),
    };
    StoreError::Conflict(Box::new(Conflict {
        your_version: seen,
        current_version,
        changed_by,
        changed_at,
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
