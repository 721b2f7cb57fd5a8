//! The stored files against the records that name them: each file's SHA-256 is what its
//! record (and the trail with it) holds.

use super::finding::Finding;
use crate::db::Db;
use crate::error::StoreResult;

/// The tables whose rows name a stored file by its SHA-256, and what a person calls it.
const FILE_TABLES: [(&str, &str); 3] = [
    ("attachments", "progress evidence"),
    ("event_files", "a lifecycle step's file"),
    ("imports", "an imported ledger"),
];

/// A record and the file it names.
#[derive(sqlx::FromRow)]
struct Named {
    id: i64,
    sha256: String,
}

/// Checks every stored file a record names against the SHA-256 the record holds (and
/// the trail with it): a file replaced, changed or removed in the data directory behind
/// the system's back is reported, one line each. The records themselves are checked by
/// [`super::verify`].
pub async fn verify_files(
    db: &Db,
    files: &dyn crate::files::FileStore,
) -> StoreResult<Vec<Finding>> {
    use sha2::Digest;
    let mut problems = Vec::new();
    for (table, what) in FILE_TABLES {
        let rows =
            sqlx::query_as::<_, Named>(&format!("SELECT id, sha256 FROM {table} ORDER BY id"))
                .fetch_all(db.pool())
                .await?;
        for Named { id, sha256: sha } in rows {
            match files.get(&sha).await {
                Ok(bytes) => {
                    let found = hex::encode(sha2::Sha256::digest(&bytes));
                    if found != sha {
                        problems.push(Finding::FileChanged {
                            table: table.to_string(),
                            id,
                            what: what.to_string(),
                            found,
                            sha,
                        });
                    }
                }
                Err(e) => problems.push(Finding::FileUnreadable {
                    table: table.to_string(),
                    id,
                    what: what.to_string(),
                    sha,
                    error: format!("{e:#}"),
                }),
            }
        }
    }
    Ok(problems)
}
