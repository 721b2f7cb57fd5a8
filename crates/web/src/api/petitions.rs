//! 信访件 through the API (D20): what `pages/petitions` shows and records.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::InspectionId;
use zhenggai_storage::ledger::petitions::{
    self, Conclusion, Petition, PetitionEdit, PetitionInput, PetitionList, SendBack, Withdrawal,
};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of petitions.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_all))
        .routes(routes!(list_of_inspection, register))
        .routes(routes!(get_one, edit))
        .routes(routes!(conclude))
        .routes(routes!(send_back))
        .routes(routes!(withdraw))
}

/// Every petition the caller may read, with their counts: the whole organisation's for
/// the office, 纪检, the Party secretary and the upper level; the ones it handles for a
/// unit; the units in charge for a leader.
#[utoipa::path(get, path = "/petitions", tag = "petitions", responses((status = 200, body = PetitionList), (status = 403, body = ApiErrorBody)))]
pub async fn list_all(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<PetitionList>, ApiError> {
    Ok(Json(
        petitions::list(&app.db, &v.0.actor, None, app.clock.today()).await?,
    ))
}

/// An inspection's petitions the caller may read, with their counts.
#[utoipa::path(get, path = "/inspections/{id}/petitions", tag = "petitions", params(("id" = i64, Path)), responses((status = 200, body = PetitionList), (status = 404, body = ApiErrorBody)))]
pub async fn list_of_inspection(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<PetitionList>, ApiError> {
    Ok(Json(
        petitions::list(
            &app.db,
            &v.0.actor,
            Some(InspectionId(id)),
            app.clock.today(),
        )
        .await?,
    ))
}

/// Registers a petition handed over with the inspection's feedback (the office); its
/// deadline is sixty days after it was received unless one is given.
#[utoipa::path(post, path = "/inspections/{id}/petitions", tag = "petitions", params(("id" = i64, Path)), request_body = PetitionInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn register(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PetitionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = petitions::register(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One petition.
#[utoipa::path(get, path = "/petitions/{id}", tag = "petitions", params(("id" = i64, Path)), responses((status = 200, body = Petition), (status = 404, body = ApiErrorBody)))]
pub async fn get_one(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Petition>, ApiError> {
    Ok(Json(
        petitions::get(&app.db, &v.0.actor, id, app.clock.today()).await?,
    ))
}

/// Changes a petition's number, words, handling unit or deadline (the office, while it
/// is in handling), at the version read.
#[utoipa::path(put, path = "/petitions/{id}", tag = "petitions", params(("id" = i64, Path)), request_body = PetitionEdit,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn edit(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<PetitionEdit>,
) -> Result<StatusCode, ApiError> {
    petitions::edit(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a petition's result (办结): its handling unit or the office.
#[utoipa::path(post, path = "/petitions/{id}/conclusion", tag = "petitions", params(("id" = i64, Path)), request_body = Conclusion,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn conclude(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Conclusion>,
) -> Result<StatusCode, ApiError> {
    petitions::conclude(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Returns a concluded petition to be handled again (退回重办), with the reason: the
/// office.
#[utoipa::path(post, path = "/petitions/{id}/return", tag = "petitions", params(("id" = i64, Path)), request_body = SendBack,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn send_back(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<SendBack>,
) -> Result<StatusCode, ApiError> {
    petitions::send_back(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws a petition registered twice or by mistake (撤回), with the reason: the
/// office. It stays in the trail and leaves the lists and the figures.
#[utoipa::path(post, path = "/petitions/{id}/withdraw", tag = "petitions", params(("id" = i64, Path)), request_body = Withdrawal,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Withdrawal>,
) -> Result<StatusCode, ApiError> {
    petitions::withdraw(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}
