//! Ledger spreadsheets through the API: importing one in a single call (导入台账), the
//! files imported, and the ledger as `.xlsx` — what `pages/spreadsheets` does in steps.

use axum::Json;
use axum::extract::{DefaultBodyLimit, State};
use axum::response::Response;
use utoipa_axum::router::{OpenApiRouter, UtoipaMethodRouterExt};
use utoipa_axum::routes;
use zhenggai_domain::InspectionId;
use zhenggai_domain::reason::Choose;
use zhenggai_domain::validate::Why;
use zhenggai_storage::ledger::import::{self, ImportRecord};
use zhenggai_storage::ledger::inspections;
use zhenggai_storage::ledger::query::FilterInput;

use super::extract::{Path, Query};
use crate::download::download;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::shared::spreadsheets::export::{XLSX, ledger_download};
use crate::shared::spreadsheets::{office_inspection, read_bytes};
use crate::state::App;

/// The routes of imports and exports; an import's file is read up to `import_limit`.
pub fn routes(import_limit: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(import_ledger).layer(DefaultBodyLimit::max(import_limit)))
        .routes(routes!(list_imports))
        .routes(routes!(get_import_file))
        .routes(routes!(export_ledger))
}

/// The ledger files imported into an inspection, newest first (the office).
#[utoipa::path(get, path = "/inspections/{id}/imports", tag = "ledger", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<ImportRecord>), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn list_imports(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<ImportRecord>>, ApiError> {
    Ok(Json(
        import::list(&app.db, app.files.as_ref(), &v.0.actor, InspectionId(id)).await?,
    ))
}

/// The file an import read, as it was uploaded (the office).
#[utoipa::path(get, path = "/inspections/{id}/imports/{import}/file", tag = "ledger",
    params(("id" = i64, Path), ("import" = i64, Path)),
    responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ApiErrorBody)))]
pub async fn get_import_file(
    State(app): State<App>,
    v: ApiViewer,
    Path((id, import_id)): Path<(i64, i64)>,
) -> Result<Response, ApiError> {
    let (record, content_type, bytes) = import::file(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        InspectionId(id),
        import_id,
    )
    .await?;
    Ok(download(&record.filename, content_type, bytes))
}

/// How a spreadsheet was read and how its names match, or what the import wrote.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ImportResult {
    /// Whether anything was written.
    pub committed: bool,
    /// How the file was read: counts, errors and warnings by sheet, row and column, and
    /// one row per measure.
    #[schema(value_type = Object)]
    pub reading: zhenggai_spreadsheet::Reading,
    /// How its units and leaders match the organisation's.
    pub matching: import::Matching,
    /// What was written, when committed.
    pub imported: Option<import::Imported>,
}

/// Imports a ledger spreadsheet into an inspection (the office): `multipart/form-data`
/// with `files` (one .xlsx, .xls or .csv), optional `sheet`, and `dry_run`, `again`,
/// `create_units`, `ignore_unknown_columns` as true/false. Columns holding data under a
/// header no field is read from (the reading's `columns`) stop the import unless
/// `ignore_unknown_columns` confirms they are left out; the preview page maps them. A
/// dry run (or a file with errors) answers how it was read and writes nothing;
/// otherwise all or nothing. Whoever may not import is refused
/// (403) before the body is read.
#[utoipa::path(post, path = "/inspections/{id}/import", tag = "ledger", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "files, sheet, dry_run, again, create_units, ignore_unknown_columns (yes/no fields: true/false, on, 1/0; left out is false). No other field."),
    responses((status = 200, body = ImportResult), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 503, description = "as many uploads as the server reads at once are being read: send again after Retry-After", body = ApiErrorBody)))]
pub async fn import_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<Json<ImportResult>, ApiError> {
    use sha2::Digest;
    let inspection = office_inspection(&app, &v.0.actor, id).await?;
    let sent = crate::form::read_files(
        request,
        &app,
        app.config.import_files(),
        app.config.import_body_limit(),
    )
    .await?;
    sent.form.only(&[
        "sheet",
        "dry_run",
        "again",
        "create_units",
        "ignore_unknown_columns",
    ])?;
    // Read before the file is looked at: `dry_run=maybe` must not import.
    let dry_run = sent.form.flag("dry_run")?;
    let again = sent.form.flag("again")?;
    let create_units = sent.form.flag("create_units")?;
    let ignore_unknown_columns = sent.form.flag("ignore_unknown_columns")?;
    let Some(file) = sent.files.first() else {
        return Err(zhenggai_storage::error::StoreError::because(
            "files",
            Why::Choose(Choose::AttachLedger),
        )
        .into());
    };
    let sheet = Some(sent.form.get("sheet").trim().to_string()).filter(|s| !s.is_empty());
    let sha256 = hex::encode(sha2::Sha256::digest(&file.bytes));
    let reading = read_bytes(
        std::sync::Arc::from(file.bytes.as_slice()),
        sheet,
        Vec::new(),
        &inspection,
        &app,
    )
    .await?
    .map_err(|e| zhenggai_storage::error::StoreError::Invalid(vec![e]))?;
    let matching = import::matching(&app.db, &v.0.actor, inspection.id, &reading, &sha256).await?;
    if dry_run || !reading.ok() {
        return Ok(Json(ImportResult {
            committed: false,
            reading,
            matching,
            imported: None,
        }));
    }
    let decisions = import::Decisions {
        again,
        create_units,
        unit_map: Vec::new(),
        ignore_unknown_columns,
    };
    // The file imported is kept, as an upload through the page is: the import's record
    // names it by its hash.
    app.files
        .put(&file.bytes)
        .await
        .map_err(zhenggai_storage::error::StoreError::Other)?;
    let source = import::Source {
        filename: file.filename.clone(),
        sha256,
    };
    let imported = import::commit(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        inspection.id,
        &source,
        &reading,
        &decisions,
    )
    .await?;
    Ok(Json(ImportResult {
        committed: true,
        reading,
        matching,
        imported: Some(imported),
    }))
}

/// The ledger as the `.xlsx` offices hand upward, with the ledger's filters as query
/// parameters (aspect, unit, leader, status, source, due_from, due_to, q).
#[utoipa::path(get, path = "/inspections/{id}/ledger.xlsx", tag = "ledger", params(("id" = i64, Path), FilterInput),
    responses((status = 200, content_type = XLSX), (status = 404, body = ApiErrorBody)))]
pub async fn export_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    Query(input): Query<FilterInput>,
) -> Result<Response, ApiError> {
    let inspection = inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?;
    let filter = input.check(app.config.page_size)?;
    Ok(ledger_download(&app, &v.0.actor, &inspection, filter).await?)
}
