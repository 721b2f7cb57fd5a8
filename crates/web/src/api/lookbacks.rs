//! Look-back rounds (回头看) through the API, as `pages/lookbacks` opens them.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::InspectionId;
use zhenggai_storage::ledger::lookbacks::{self, Round, RoundInput};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of look-back rounds.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(list_lookbacks, open_lookback))
}

/// The look-back rounds of an inspection (回头看), newest first.
#[utoipa::path(get, path = "/inspections/{id}/lookbacks", tag = "lifecycle", params(("id" = i64, Path)), responses((status = 200, body = Vec<Round>), (status = 404, body = ApiErrorBody)))]
pub async fn list_lookbacks(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(
        lookbacks::list(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// Opens a look-back round over closed problems (the office). Each problem is then
/// confirmed or reopened by a step with `round_id`.
#[utoipa::path(post, path = "/inspections/{id}/lookbacks", tag = "lifecycle", params(("id" = i64, Path)), request_body = RoundInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn open_lookback(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoundInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = lookbacks::open(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
