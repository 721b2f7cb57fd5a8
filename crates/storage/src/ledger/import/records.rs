//! The imports made (导入记录): each commit's record of the file it read, and the files
//! kept, listed and served to the office that imports.

use serde::Serialize;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reason::Refused;
use zhenggai_domain::{InspectionId, UnitId};
use zhenggai_spreadsheet::Reading;

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::sql::stamp;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::ledger::inspection_org;
use crate::scope::office_does;

/// The file a reading came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// Its name as uploaded.
    pub filename: String,
    /// SHA-256 of its bytes.
    pub sha256: String,
}

/// A ledger file imported into an inspection (导入记录): who imported it, when, and
/// what it added. The file itself is kept in the store under its SHA-256, so that the
/// office can show what a ledger was made from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ImportRecord {
    /// The import's id.
    pub id: i64,
    /// The inspection imported into.
    pub inspection_id: i64,
    /// The file's name as uploaded.
    pub filename: String,
    /// SHA-256 of its bytes: the key of the kept file.
    pub sha256: String,
    /// The sheet read.
    pub sheet: String,
    /// Problems it created.
    pub problems: i64,
    /// Measures it created.
    pub measures: i64,
    /// Who imported it (display name); `None` for the command line.
    #[sqlx(rename = "imported_by")]
    pub by: Option<String>,
    /// When (stored instant).
    #[sqlx(rename = "created_at")]
    pub at: String,
    /// Whether the file read is kept (imports made before files were kept have none).
    #[sqlx(skip)]
    pub kept: bool,
}

const IMPORT_COLUMNS: &str = "i.id, i.inspection_id, i.filename, i.sha256, i.sheet, i.problems, i.measures, \
     u.display_name AS imported_by, i.created_at FROM imports i LEFT JOIN users u ON u.id = i.created_by";

/// A connection for reading an inspection's imports, once the actor is found to be one
/// who imports into it: the office of its organisation.
async fn importer_conn(
    db: &Db,
    actor: &Actor,
    inspection: InspectionId,
) -> StoreResult<sqlx::pool::PoolConnection<sqlx::Any>> {
    let mut conn = db.pool().acquire().await?;
    office_does(
        actor,
        inspection_org(&mut conn, inspection).await?,
        Access::Edit,
        Refused::ImportByOffice,
    )?;
    Ok(conn)
}

/// The files imported into an inspection, newest first: for the office of its
/// organisation, who imports.
pub async fn list(
    db: &Db,
    files: &dyn crate::files::FileStore,
    actor: &Actor,
    inspection: InspectionId,
) -> StoreResult<Vec<ImportRecord>> {
    let mut conn = importer_conn(db, actor, inspection).await?;
    let mut list = sqlx::query_as::<_, ImportRecord>(&format!(
        "SELECT {IMPORT_COLUMNS} WHERE i.inspection_id = $1 ORDER BY i.id DESC"
    ))
    .bind(inspection.0)
    .fetch_all(&mut *conn)
    .await?;
    for record in &mut list {
        record.kept = files.has(&record.sha256).await;
    }
    Ok(list)
}

/// One import of an inspection and the file it read, as kept, with its content type
/// (recognised from its bytes and name; a CSV is served as bytes).
pub async fn file(
    db: &Db,
    files: &dyn crate::files::FileStore,
    actor: &Actor,
    inspection: InspectionId,
    id: i64,
) -> StoreResult<(ImportRecord, &'static str, Vec<u8>)> {
    let mut conn = importer_conn(db, actor, inspection).await?;
    let mut record = sqlx::query_as::<_, ImportRecord>(&format!(
        "SELECT {IMPORT_COLUMNS} WHERE i.id = $1 AND i.inspection_id = $2"
    ))
    .bind(id)
    .bind(inspection.0)
    .fetch_optional(&mut *conn)
    .await?
    .ok_or(StoreError::NotFound)?;
    // An import made before the command line and the API kept the files they read
    // has no file to give back.
    let bytes = files
        .get(&record.sha256)
        .await
        .map_err(|_| StoreError::NotFound)?;
    record.kept = true;
    let content_type =
        crate::files::sniff(&record.filename, &bytes).unwrap_or("application/octet-stream");
    Ok((record, content_type, bytes))
}

/// The audit record of the file: the import's row, with the sheet read and what it
/// added, recorded in the import's transaction. Answers its id.
pub(super) async fn record(
    tx: &mut Tx,
    change: Change<'_>,
    (org, inspection): (UnitId, InspectionId),
    source: &Source,
    reading: &Reading,
    (problems, measures): (usize, usize),
) -> StoreResult<i64> {
    let sheet = reading
        .rows
        .first()
        .map(|r| r.sheet.clone())
        .unwrap_or_default();
    let import_id: i64 = sqlx::query_scalar(
        "INSERT INTO imports (org_id, inspection_id, sha256, filename, sheet, problems, measures, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
    )
    .bind(org.0)
    .bind(inspection.0)
    .bind(&source.sha256)
    .bind(source.filename.chars().take(200).collect::<String>())
    .bind(sheet)
    .bind(i64::try_from(problems).unwrap_or(i64::MAX))
    .bind(i64::try_from(measures).unwrap_or(i64::MAX))
    .bind(change.actor.map(|a| a.0))
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    // The import's one entry: the file, and the digest of every row written from it.
    audit::write::imported(tx, change, Entity::Import, import_id).await?;
    Ok(import_id)
}
