//! Inspections (巡视巡察) through the API: registering and changing them, their aspects
//! (方面) and items (项), and filing the approved plan (备案) — what `pages/inspections`
//! does.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::{AspectId, InspectionId};
use zhenggai_storage::ledger::aspects::{self, Aspect, TitleInput};
use zhenggai_storage::ledger::inspections::{self, Inspection, InspectionInput};

use super::extract::Path;
use super::{ApiJson, Created, Versioned};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of inspections, aspects and items.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_inspections, create_inspection))
        .routes(routes!(get_inspection, update_inspection))
        .routes(routes!(list_aspects, create_aspect))
        .routes(routes!(update_aspect))
        .routes(routes!(create_item))
        .routes(routes!(file_plan))
}

/// The inspections the caller may read.
#[utoipa::path(get, path = "/inspections", tag = "ledger", responses((status = 200, body = Vec<Inspection>), (status = 401, body = ApiErrorBody)))]
pub async fn list_inspections(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<Inspection>>, ApiError> {
    Ok(Json(inspections::list(&app.db, &v.0.actor).await?))
}

/// Registers an inspection of the caller's organisation (office).
#[utoipa::path(post, path = "/inspections", tag = "ledger", request_body = InspectionInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_inspection(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<InspectionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = inspections::create(&app.db, &v.0.actor, v.0.change(&app), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One inspection, with its counts (xx个方面xx个问题，措施xx条).
#[utoipa::path(get, path = "/inspections/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Inspection), (status = 404, body = ApiErrorBody)))]
pub async fn get_inspection(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Inspection>, ApiError> {
    Ok(Json(
        inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// Changes an inspection.
#[utoipa::path(put, path = "/inspections/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<InspectionInput>,
    responses((status = 200, body = Inspection), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_inspection(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<InspectionInput>>,
) -> Result<Json<Inspection>, ApiError> {
    inspections::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        body.version,
        &body.input,
    )
    .await?;
    Ok(Json(
        inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}

/// The aspects (方面) of an inspection with their items (项).
#[utoipa::path(get, path = "/inspections/{id}/aspects", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Vec<Aspect>), (status = 404, body = ApiErrorBody)))]
pub async fn list_aspects(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Aspect>>, ApiError> {
    let i = inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?;
    Ok(Json(aspects::list(&app.db, i.id).await?))
}

/// Adds an aspect.
#[utoipa::path(post, path = "/inspections/{id}/aspects", tag = "ledger", params(("id" = i64, Path)), request_body = TitleInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_aspect(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TitleInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = aspects::create(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Renames an aspect.
#[utoipa::path(put, path = "/aspects/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<TitleInput>,
    responses((status = 204), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_aspect(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<TitleInput>>,
) -> Result<StatusCode, ApiError> {
    aspects::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        AspectId(id),
        body.version,
        &body.input,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds an item (项) under an aspect.
#[utoipa::path(post, path = "/aspects/{id}/items", tag = "ledger", params(("id" = i64, Path)), request_body = TitleInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_item(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TitleInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id =
        aspects::create_item(&app.db, &v.0.actor, v.0.change(&app), AspectId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// 备案 — what the office files.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FilePlanInput {
    /// The plan's document: title or number.
    pub plan_document: String,
}

/// Files the approved plan of an inspection with the upper level (the office), once every
/// problem's plan is approved.
#[utoipa::path(post, path = "/inspections/{id}/file-plan", tag = "lifecycle", params(("id" = i64, Path)), request_body = FilePlanInput,
    responses((status = 200, body = Inspection), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn file_plan(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FilePlanInput>,
) -> Result<Json<Inspection>, ApiError> {
    inspections::file_plan(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input.plan_document,
        app.clock.today(),
    )
    .await?;
    Ok(Json(
        inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?,
    ))
}
