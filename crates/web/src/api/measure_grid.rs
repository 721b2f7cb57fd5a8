//! Several measures for one problem at once (批量录入) through the API, as the
//! `pages/measure_grid` sheet enters them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::ProblemId;
use zhenggai_storage::ledger::measures::{self, MeasureInput};

use super::ApiJson;
use super::extract::Path;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The route of the batch.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(create_measures))
}

/// Several measures for one problem at once (批量录入).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasureRows {
    /// The rows, as a sheet holds them; a wholly blank row is skipped.
    pub rows: Vec<MeasureInput>,
}

/// The ids of the measures just created, in the order of their rows.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct CreatedMany {
    /// Their ids.
    pub ids: Vec<i64>,
}

/// Adds several measures to a problem in one transaction: every row is checked, and
/// all are saved or none. A lead unit drafts its own (a row naming no lead unit is
/// led by the caller's unit). An error names its row: `rows.{i}.{field}`, `i` from 0.
#[utoipa::path(post, path = "/problems/{id}/measures/batch", tag = "ledger", params(("id" = i64, Path)), request_body = MeasureRows,
    responses((status = 201, body = CreatedMany), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_measures(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MeasureRows>,
) -> Result<(StatusCode, Json<CreatedMany>), ApiError> {
    let ids = measures::create_many(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        ProblemId(id),
        &input.rows,
    )
    .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedMany {
            ids: ids.into_iter().map(|m| m.0).collect(),
        }),
    ))
}
