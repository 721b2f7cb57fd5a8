//! An inspection's outcomes through the API: accountability (问责), institutions (建章立制)
//! and money recovered (挽回损失) — what `pages/outcomes` records.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::InspectionId;
use zhenggai_storage::ledger::outcomes::{
    self, AccountabilityInput, InstitutionInput, Outcomes, RecoveryInput,
};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of outcomes.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_outcomes))
        .routes(routes!(create_accountability))
        .routes(routes!(create_institution))
        .routes(routes!(create_recovery))
}

/// An inspection's outcomes with their counts (D13, D15).
#[utoipa::path(get, path = "/inspections/{id}/outcomes", tag = "outcomes", params(("id" = i64, Path)), responses((status = 200, body = Outcomes), (status = 404, body = ApiErrorBody)))]
pub async fn get_outcomes(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Outcomes>, ApiError> {
    Ok(Json(
        outcomes::list(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// Records accountability (supervisors and the office).
#[utoipa::path(post, path = "/inspections/{id}/accountability", tag = "outcomes", params(("id" = i64, Path)), request_body = AccountabilityInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_accountability(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<AccountabilityInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = outcomes::record_accountability(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records an institution made, revised or abolished (the office).
#[utoipa::path(post, path = "/inspections/{id}/institutions", tag = "outcomes", params(("id" = i64, Path)), request_body = InstitutionInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_institution(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<InstitutionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = outcomes::record_institution(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Records money recovered (the office).
#[utoipa::path(post, path = "/inspections/{id}/recoveries", tag = "outcomes", params(("id" = i64, Path)), request_body = RecoveryInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_recovery(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RecoveryInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = outcomes::record_recovery(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}
