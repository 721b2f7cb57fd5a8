//! An import recorded as one entry (issue 22): the rows a transaction writes in bulk
//! (`write::insert_many`) get no entry each; the entry of the import's own record carries
//! the SM3 digest of every one of them instead (`audit_log.digests`, covered by the
//! entry's hash or seal). So the trail still says of each imported row who wrote it,
//! when and from which file (the import's record names the file by its SHA-256), and
//! `audit verify` still checks each row: it recomputes the row's digest from the stored
//! row and compares it with the one the entry holds. A row changed later by a person has
//! an entry of its own, and is checked against that, as any other.
//!
//! On PostgreSQL one entry instead of 233,000 for a 100,000-row ledger is what takes its
//! import under 5 s (docs/benchmarks.md).

use std::sync::Arc;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::hash::{Cell, row_digest, row_text};

/// The rows of one table written in one bulk insert: the trail's columns in the order
/// each row's digested text names them, and each row's id and digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TableRows {
    /// The table.
    pub table: String,
    /// The columns of the text each digest is taken of, in its order.
    pub columns: Vec<String>,
    /// Each row's id and the SM3 of its text ([`row_digest`]).
    pub rows: Vec<(i64, String)>,
}

/// The digests an entry carries, as stored in `audit_log.digests`.
pub(crate) fn digests_text(tables: &[TableRows]) -> Result<String, serde_json::Error> {
    serde_json::to_string(tables)
}

/// What an entry's digests say of one row, for `verify`.
#[derive(Debug, Clone)]
pub(crate) struct Digested {
    /// The columns its text named, shared by the rows of its statement.
    pub columns: Arc<[String]>,
    /// Its digest.
    pub digest: String,
}

/// A row's table and id.
pub(crate) type RowKey = (String, i64);

/// Every row an entry's digests name, and what is known of it.
pub(crate) fn digested(text: &str) -> Result<Vec<(RowKey, Digested)>, serde_json::Error> {
    let tables: Vec<TableRows> = serde_json::from_str(text)?;
    let mut out = Vec::with_capacity(tables.iter().map(|t| t.rows.len()).sum());
    for TableRows {
        table,
        columns,
        rows,
    } in tables
    {
        let columns: Arc<[String]> = columns.into();
        for (id, digest) in rows {
            out.push((
                (table.clone(), id),
                Digested {
                    columns: columns.clone(),
                    digest,
                },
            ));
        }
    }
    Ok(out)
}

/// Whether an entry's digests name row `id` of `table`, found in the text rather than
/// read whole (a 100,000-row import's are 20 MB): the table's part of the text, then
/// `[id,"` in it, which only a row's id and digest make.
pub(crate) fn names(text: &str, table: &str, id: i64) -> bool {
    let Ok(head) = serde_json::to_string(table) else {
        return false;
    };
    let head = format!("{{\"table\":{head},");
    let Some(start) = text.find(&head) else {
        return false;
    };
    let part = &text[start + head.len()..];
    let part = &part[..part.find("{\"table\":").unwrap_or(part.len())];
    part.contains(&format!("[{id},\""))
}

/// Whether a stored row (as `normalise` makes it) is no longer the row whose digest its
/// import recorded. A column a later migration added (`added`: each with the value the
/// migration gave the rows) must hold that value, as `verify` reads entries written
/// before the migration; any other value was set behind the system's back.
pub(crate) fn differs(recorded: &Digested, now: &Value, added: &[(&str, &Value)]) -> bool {
    let Some(now) = now.as_object() else {
        return true;
    };
    let unrecorded_changed = now
        .iter()
        .filter(|(column, _)| !recorded.columns.iter().any(|c| c == *column))
        .any(|(column, value)| {
            !added
                .iter()
                .any(|(added, default)| added == column && *default == value)
        });
    if unrecorded_changed {
        return true;
    }
    let cells = recorded
        .columns
        .iter()
        .map(|c| (c.as_str(), now.get(c).map_or(Cell::Null, Cell::Json)));
    match row_text(cells, 0) {
        Ok(text) => row_digest(&text) != recorded.digest,
        Err(_) => true,
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests")]
    use super::*;
    use serde_json::json;

    fn recorded(row: &Value) -> Digested {
        let columns: Vec<String> = ["id", "title", "version"].map(String::from).to_vec();
        let text = row_text(
            columns
                .iter()
                .map(|c| (c.as_str(), row.get(c).map_or(Cell::Null, Cell::Json))),
            0,
        )
        .unwrap();
        Digested {
            columns: columns.into(),
            digest: row_digest(&text),
        }
    }

    #[test]
    fn a_row_is_checked_against_its_digest_and_added_columns_against_their_default() {
        let row = json!({"id": 7, "title": "“引号”\n\\", "version": 1});
        let r = recorded(&row);
        assert!(!differs(&r, &row, &[]));
        assert!(differs(
            &r,
            &json!({"id": 7, "title": "改了", "version": 1}),
            &[]
        ));
        // A column added by a later migration: as the migration left it, or changed.
        let plain = json!("plain");
        let added = [("kind", &plain)];
        let with = json!({"id": 7, "title": "“引号”\n\\", "version": 1, "kind": "plain"});
        assert!(!differs(&r, &with, &added));
        assert!(differs(&r, &with, &[]));
        let set = json!({"id": 7, "title": "“引号”\n\\", "version": 1, "kind": "secret"});
        assert!(differs(&r, &set, &added));
    }

    #[test]
    fn digests_read_back_row_by_row() {
        let tables = vec![TableRows {
            table: "measures".into(),
            columns: vec!["id".into(), "content".into()],
            rows: vec![(3, "a".repeat(64)), (4, "b".repeat(64))],
        }];
        let text = digests_text(&tables).unwrap();
        assert!(names(&text, "measures", 4));
        assert!(!names(&text, "measures", 5));
        assert!(!names(&text, "problems", 4));
        let read = digested(&text).unwrap();
        assert_eq!(read.len(), 2);
        assert_eq!(read[1].0, ("measures".to_string(), 4));
        assert_eq!(read[1].1.digest, "b".repeat(64));
        assert_eq!(&*read[1].1.columns, ["id", "content"]);
    }
}
