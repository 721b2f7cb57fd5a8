//! Rows as they stood at a past instant, from the trail (D15's "as of any date").
//!
//! Every change to a record has an entry holding the row before and after it (`write`),
//! and `verify` holds each row to its latest entry. So a row stood at an instant as the
//! row *before* its first change after that instant — or as it stands now, if it has
//! not changed since. A row created after the instant did not exist then; a row whose
//! image then was withdrawn was withdrawn then. Rows written in bulk by an import have
//! no entry of their own until a person changes them: they stood as they were written,
//! which is what this reads.
//!
//! So a figure for 31 March produced in May is what the ledger held on 31 March, not a
//! snapshot someone remembered to take, and no table keeps a history of its own.

use chrono::{DateTime, Utc};
use serde::de::DeserializeOwned;
use sqlx::any::AnyRow;
use sqlx::{AnyConnection, FromRow};

use super::Entity;
use crate::db::sql::{Sql, stamp};
use crate::error::{StoreError, StoreResult};

/// A row read from its table by column name, or from an entry's image of it by the
/// same names: the columns a caller needs and `id`, `created_at`, `withdrawn_at`.
pub trait Rewound: for<'r> FromRow<'r, AnyRow> + DeserializeOwned + Send + Unpin {
    /// Its id.
    fn id(&self) -> i64;
    /// Whether it was withdrawn (撤回).
    fn withdrawn(&self) -> bool;
    /// Whether its table has `withdrawn_at` (a table of settings replaces a row by its
    /// next version instead).
    const WITHDRAWS: bool = true;
}

/// The rows of `entity`'s table that `scope` selects (a condition on its columns, as
/// SQL after `WHERE`), not withdrawn, as they stood at `at`, or now when `at` is
/// `None`. `columns` names what the row type reads, `id` and `withdrawn_at` (where the
/// table has it) among them; only those: every column is converted for every row.
pub async fn rows_at<R: Rewound>(
    conn: &mut AnyConnection,
    entity: Entity,
    columns: &str,
    scope: &Sql,
    at: Option<DateTime<Utc>>,
) -> StoreResult<Vec<R>> {
    let table = entity.table();
    let mut sql = Sql::new(&format!("SELECT {columns} FROM {table} WHERE ("));
    sql.append(scope).push(")");
    let Some(at) = at else {
        if R::WITHDRAWS {
            sql.push(" AND withdrawn_at IS NULL");
        }
        return Ok(sql.query_as::<R>().fetch_all(conn).await?);
    };
    let at = stamp(at);
    sql.push(" AND created_at <= ").bind(at.clone());
    let mut rows = sql.query_as::<R>().fetch_all(&mut *conn).await?;

    // Each row's first change after the instant holds, before it, the row as it stood.
    let mut changes = Sql::new(
        "SELECT a.entity_id, a.before_json FROM audit_log a WHERE a.id IN \
         (SELECT MIN(b.id) FROM audit_log b WHERE b.entity = ",
    );
    changes
        .bind(table)
        .push(" AND b.at > ")
        .bind(at.clone())
        .push(&format!(
            " AND b.entity_id IN (SELECT id FROM {table} WHERE ("
        ))
        .append(scope)
        .push(") AND created_at <= ")
        .bind(at)
        .push(") GROUP BY b.entity_id)");
    let before: std::collections::HashMap<i64, Option<String>> = changes
        .query_as::<(i64, Option<String>)>()
        .fetch_all(&mut *conn)
        .await?
        .into_iter()
        .collect();
    if !before.is_empty() {
        let mut then = Vec::with_capacity(rows.len());
        for row in rows {
            match before.get(&row.id()) {
                None => then.push(row),
                // Created by that change: it did not exist yet.
                Some(None) => {}
                Some(Some(image)) => then.push(serde_json::from_str::<R>(image).map_err(|e| {
                    StoreError::Other(anyhow::anyhow!(
                        "the trail's image of {table} {} cannot be read: {e}",
                        row.id()
                    ))
                })?),
            }
        }
        rows = then;
    }
    rows.retain(|r| !r.withdrawn());
    Ok(rows)
}
