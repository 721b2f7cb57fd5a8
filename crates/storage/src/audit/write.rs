//! Recording a transaction's changes: each record's row before and after, as the trail
//! keeps it, waits in the transaction until it commits.

use chrono::{DateTime, Utc};
use serde_json::Value;
use sqlx::AnyConnection;
use sqlx::any::AnyRow;

use super::batch::{TableRows, digests_text};
use super::chain::{Pending, append_chained, marker_to_write, new_ids, statements_of};
use super::hash::{Cell, row_digest, row_text, sm3_hex};
use super::{Change, Entity};
use crate::db::Db;
use crate::db::dialect;
use crate::db::sql::{Param, Ready, Sql, row_json, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// Columns that change without being business data (login counters) stay out of the
/// trail; secrets enter it only as their SM3, so that auditors can read the trail and a
/// secret changed behind the system's back is still detected.
const VOLATILE: [&str; 3] = ["failed_logins", "locked_until", "last_used_at"];
pub(crate) const SECRETS: [&str; 4] = ["password_hash", "token_hash", "robot_url", "robot_secret"];

/// A row as the trail stores it.
pub fn normalise(row: &AnyRow) -> Value {
    let mut value = row_json(row);
    if let Some(obj) = value.as_object_mut() {
        for col in VOLATILE {
            obj.remove(col);
        }
        for secret in SECRETS {
            if let Some(Value::String(s)) = obj.get(secret) {
                let digest = format!("sm3:{}", sm3_hex(s.as_bytes()));
                obj.insert(secret.to_string(), Value::from(digest));
            }
        }
    }
    value
}

/// The current row of a record, as the trail stores it.
pub async fn snapshot(conn: &mut AnyConnection, entity: Entity, id: i64) -> StoreResult<Value> {
    let sql = format!("SELECT * FROM {} WHERE id = $1", entity.table());
    let row = sqlx::query(&sql)
        .bind(id)
        .fetch_optional(conn)
        .await?
        .ok_or(StoreError::NotFound)?;
    Ok(normalise(&row))
}

/// Records one change; it joins the chain when the transaction commits.
pub async fn record(
    tx: &mut Tx,
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
    tx.pending.push(Pending {
        at: stamp(change.at),
        actor: change.actor.map(|u| u.0),
        action: action.to_string(),
        entity: entity.table(),
        entity_id: id,
        version,
        reason: change.reason.map(str::to_string),
        before: before.map(Value::to_string),
        after: after.map(Value::to_string),
        digests: None,
    });
    Ok(())
}

/// Records a row just inserted.
pub async fn created(tx: &mut Tx, change: Change<'_>, entity: Entity, id: i64) -> StoreResult<()> {
    let after = snapshot(tx.conn(), entity, id).await?;
    record(tx, change, "create", entity, id, None, Some(&after)).await
}

/// Records a row just inserted as its `INSERT … RETURNING *` gave it back, and returns
/// its id: the row as stored, without reading it again as [`created`] does (a round trip
/// fewer on the busiest writes).
pub async fn inserted(
    tx: &mut Tx,
    change: Change<'_>,
    entity: Entity,
    row: &AnyRow,
) -> StoreResult<i64> {
    let after = normalise(row);
    let id = after.get("id").and_then(Value::as_i64).ok_or_else(|| {
        anyhow::anyhow!(
            "a row inserted into {} came back without its id",
            entity.table()
        )
    })?;
    record(tx, change, "create", entity, id, None, Some(&after)).await?;
    Ok(id)
}

/// Records an import's own row just inserted, its entry carrying the digests of every
/// row the transaction wrote in bulk ([`insert_many`], [`super::batch`]): the one entry
/// of the whole import.
pub async fn imported(tx: &mut Tx, change: Change<'_>, entity: Entity, id: i64) -> StoreResult<()> {
    let after = snapshot(tx.conn(), entity, id).await?;
    let tables = std::mem::take(&mut tx.batch);
    let digests = if tables.is_empty() {
        None
    } else {
        // 20 MB of text for a 100,000-row ledger: not on the thread that waits for the
        // database.
        let text = tokio::task::spawn_blocking(move || digests_text(&tables))
            .await
            .map_err(anyhow::Error::from)?
            .map_err(anyhow::Error::from)?;
        Some(text)
    };
    tx.pending.push(Pending {
        at: stamp(change.at),
        actor: change.actor.map(|u| u.0),
        action: "create".to_string(),
        entity: entity.table(),
        entity_id: id,
        version: after.get("version").and_then(Value::as_i64),
        reason: change.reason.map(str::to_string),
        before: None,
        after: Some(after.to_string()),
        digests,
    });
    Ok(())
}

/// Inserts many new rows into an entity's table in a few bulk statements, and returns
/// their ids in the order of `rows`. The rows get no entry each: their digests wait in
/// the transaction for the entry of the import that wrote them ([`imported`], which
/// must be recorded before the transaction commits; [`super::batch`]).
///
/// The ids are taken before the insert ([`dialect::NewIds`]) and each row's text for the
/// trail is written from the values given, so nothing is read back: a thread writes the
/// next statement, and digests its rows, while the database runs this one. The text is
/// the object `normalise` makes of the stored row (which `audit verify` checks against
/// the digest). For that, every column with a default value must be given; the others
/// not given are NULL.
pub async fn insert_many(
    tx: &mut Tx,
    entity: Entity,
    columns: &[&str],
    rows: Vec<Vec<Param>>,
) -> StoreResult<Vec<i64>> {
    let backend = tx.backend();
    let table = entity.table();
    #[derive(sqlx::FromRow)]
    struct Described {
        name: String,
        has_default: i64,
    }
    let described: Vec<(String, bool)> =
        sqlx::query_as::<_, Described>(dialect::table_columns(backend))
            .bind(table)
            .fetch_all(tx.conn())
            .await?
            .into_iter()
            .map(|c| (c.name, c.has_default != 0))
            .collect();
    let trail = trail_columns(table, &described, columns)?;
    let ids = new_ids(tx.conn(), backend, table, rows.len()).await?;
    if let Some(sql) = dialect::bulk_writes(backend) {
        sqlx::query(sql).execute(tx.conn()).await?;
    }
    let with_id: Vec<String> = std::iter::once("id")
        .chain(columns.iter().copied())
        .map(str::to_string)
        .collect();
    let placeholders = dialect::bulk_placeholders(backend);
    let mut digested = TableRows {
        table: table.to_string(),
        columns: trail.iter().map(|(c, _)| c.clone()).collect(),
        rows: Vec::with_capacity(rows.len()),
    };
    let (send, mut statements) =
        tokio::sync::mpsc::channel::<StoreResult<(Ready, Vec<(i64, String)>)>>(2);
    let given = ids.clone();
    let writer = tokio::task::spawn_blocking(move || {
        let with_id: Vec<&str> = with_id.iter().map(String::as_str).collect();
        let mut ids = given.into_iter();
        for chunk in statements_of(rows, with_id.len()) {
            let mut values = Vec::with_capacity(chunk.len());
            let mut digests = Vec::with_capacity(chunk.len());
            let written = chunk
                .into_iter()
                .zip(&mut ids)
                .try_for_each(|(row, id)| {
                    digests.push((id, row_digest(&row_after(&trail, id, &row)?)));
                    let mut with = Vec::with_capacity(row.len() + 1);
                    with.push(Param::Int(id));
                    with.extend(row);
                    values.push(with);
                    Ok::<(), serde_json::Error>(())
                })
                .map(|()| {
                    (
                        Sql::insert_rows(placeholders, table, &with_id, values).ready(),
                        digests,
                    )
                })
                .map_err(|e| StoreError::from(anyhow::Error::from(e)));
            if send.blocking_send(written).is_err() {
                break;
            }
        }
    });
    while let Some(statement) = statements.recv().await {
        let (ready, digests) = statement?;
        ready.execute(tx.conn()).await?;
        digested.rows.extend(digests);
    }
    writer.await.map_err(anyhow::Error::from)?;
    tx.batch.push(digested);
    Ok(ids)
}

/// Where each column of a row's trail JSON comes from, in the table's order.
#[derive(Debug, Clone, Copy)]
enum TrailColumn {
    Id,
    Given(usize),
    Null,
}

/// The trail's columns of a table a bulk insert gives `columns` of; refuses a table
/// holding secrets (they enter the trail only as digests) and a column left to its
/// default (the trail could not know its value).
fn trail_columns(
    table: &str,
    described: &[(String, bool)],
    columns: &[&str],
) -> StoreResult<Vec<(String, TrailColumn)>> {
    if let Some((secret, _)) = described
        .iter()
        .find(|(c, _)| SECRETS.contains(&c.as_str()))
    {
        return Err(anyhow::anyhow!(
            "{table} holds a secret ({secret}): insert its rows one by one"
        )
        .into());
    }
    if let Some(unknown) = columns
        .iter()
        .find(|c| !described.iter().any(|(d, _)| d == *c))
    {
        return Err(anyhow::anyhow!("{table} has no column {unknown}").into());
    }
    described
        .iter()
        .filter(|(c, _)| !VOLATILE.contains(&c.as_str()))
        .map(|(c, has_default)| {
            let source = match columns.iter().position(|g| g == c) {
                _ if c == "id" => TrailColumn::Id,
                Some(i) => TrailColumn::Given(i),
                None if *has_default => {
                    return Err(anyhow::anyhow!(
                        "{table}.{c} has a default value: a bulk insert must give it"
                    )
                    .into());
                }
                None => TrailColumn::Null,
            };
            Ok((c.clone(), source))
        })
        .collect()
}

/// A new row's text for the trail, as `normalise` makes it of the stored row: written
/// directly, since an import writes a few hundred thousand.
fn row_after(
    trail: &[(String, TrailColumn)],
    id: i64,
    row: &[Param],
) -> Result<String, serde_json::Error> {
    let texts: usize = row
        .iter()
        .map(|p| match p {
            Param::Text(t) => t.len(),
            _ => 0,
        })
        .sum();
    let cells = trail.iter().map(|(column, source)| {
        let cell = match source {
            TrailColumn::Id => Cell::Int(id),
            TrailColumn::Given(i) => match row.get(*i) {
                Some(Param::Int(v)) => Cell::Int(*v),
                Some(Param::Text(t)) => Cell::Text(t),
                _ => Cell::Null,
            },
            TrailColumn::Null => Cell::Null,
        };
        (column.as_str(), cell)
    });
    row_text(cells, texts + 24 * trail.len())
}

/// Starts sealing, at start and after migrations: refuses a key other than the one the
/// trail is sealed with (entries sealed with it would read as forged), and writes the
/// keying marker now when the trail has none, so that `audit verify` with the key reads
/// the trail whole from the start.
pub async fn start_sealing(db: &Db, at: DateTime<Utc>) -> StoreResult<()> {
    let Some(key) = db.audit_key() else {
        return Ok(());
    };
    db.write(async |tx| {
        let backend = tx.backend();
        if let Some(marker) = marker_to_write(tx.conn(), backend, key, &stamp(at)).await? {
            append_chained(tx.conn(), backend, Some(key), vec![marker]).await?;
        }
        Ok(())
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn described(columns: &[(&str, bool)]) -> Vec<(String, bool)> {
        columns.iter().map(|(c, d)| (c.to_string(), *d)).collect()
    }

    #[test]
    fn a_bulk_row_is_recorded_as_the_database_stores_it() {
        let table = described(&[
            ("id", false),
            ("title", false),
            ("version", true),
            ("failed_logins", true),
            ("withdrawn_at", false),
        ]);
        let trail = trail_columns("t", &table, &["version", "title", "failed_logins"]).unwrap();
        let after = row_after(
            &trail,
            7,
            &[Param::Int(1), Param::from("“引号”\n\\"), Param::Int(3)],
        )
        .unwrap();
        // Volatile columns stay out, columns not given are NULL, texts are escaped.
        let parsed: Value = serde_json::from_str(&after).unwrap();
        assert_eq!(
            parsed,
            json!({"id": 7, "title": "“引号”\n\\", "version": 1, "withdrawn_at": null})
        );
    }

    #[test]
    fn a_bulk_insert_gives_every_defaulted_column_and_no_secret() {
        let table = described(&[("id", false), ("title", false), ("state", true)]);
        let err = trail_columns("problems", &table, &["title"]).unwrap_err();
        assert!(
            format!("{err:?}").contains("problems.state has a default"),
            "{err:?}"
        );
        let err = trail_columns("problems", &table, &["title", "state", "nope"]).unwrap_err();
        assert!(format!("{err:?}").contains("no column nope"), "{err:?}");
        let users = described(&[("id", false), ("password_hash", false)]);
        let err = trail_columns("users", &users, &["password_hash"]).unwrap_err();
        assert!(format!("{err:?}").contains("holds a secret"), "{err:?}");
        assert!(trail_columns("problems", &table, &["title", "state"]).is_ok());
    }
}
