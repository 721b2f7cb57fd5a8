//! Who may name an uploaded ledger in an import's later steps. The preview's pages and
//! the commit name the upload by its SHA-256, which the browser sends back; a hash alone
//! would let an office read another organisation's ledger it can name (and probe which
//! files exist). So an upload is recorded with the session that made it and the
//! inspection it went into, and only that session may name it there, within
//! [`UPLOAD_HOURS`] of its last use. In the database, so that every instance agrees.

use chrono::{DateTime, Duration, Utc};

use crate::db::Db;
use crate::db::sql::stamp;
use crate::error::StoreResult;

/// An upload not named for this long must be uploaded again (a working day).
pub const UPLOAD_HOURS: i64 = 12;

/// Who uploaded a file for an import: the session and the inspection.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uploader {
    /// The session row that uploaded it.
    pub session: i64,
    /// The inspection it was uploaded into.
    pub inspection: i64,
}

/// Records that `by` uploaded the file of `sha256`: its later steps may name it.
pub async fn uploaded(db: &Db, by: Uploader, sha256: &str, now: DateTime<Utc>) -> StoreResult<()> {
    db.write(async |tx| {
        sqlx::query(
            "INSERT INTO import_uploads (session_id, inspection_id, sha256, used_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (session_id, inspection_id, sha256) DO UPDATE SET used_at = $4",
        )
        .bind(by.session)
        .bind(by.inspection)
        .bind(sha256)
        .bind(stamp(now))
        .execute(tx.conn())
        .await?;
        Ok(())
    })
    .await
}

/// Whether `by` uploaded the file of `sha256` and named it within the hours; it then
/// counts as named `now` (one statement: checked and touched at once).
pub async fn may_name(
    db: &Db,
    by: Uploader,
    sha256: &str,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    db.write(async |tx| {
        let done = sqlx::query(
            "UPDATE import_uploads SET used_at = $1 \
             WHERE session_id = $2 AND inspection_id = $3 AND sha256 = $4 AND used_at >= $5",
        )
        .bind(stamp(now))
        .bind(by.session)
        .bind(by.inspection)
        .bind(sha256)
        .bind(stamp(now - Duration::hours(UPLOAD_HOURS)))
        .execute(tx.conn())
        .await?;
        Ok(done.rows_affected() > 0)
    })
    .await
}
