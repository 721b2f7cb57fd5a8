//! 督查 through the API: supervision rounds with their findings per unit, and the leading
//! group's progress hearings (D9) — what `pages/supervision` records.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::StoreError;
use zhenggai_storage::ledger::supervision::{self, Hearing, Round};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of rounds and hearings.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_rounds, record_round))
        .routes(routes!(get_round))
        .routes(routes!(list_hearings, record_hearing))
}

/// The organisation's supervision rounds (督查), newest first, with their findings
/// (whoever reads its ledger).
#[utoipa::path(get, path = "/supervision/rounds", tag = "supervision",
    responses((status = 200, body = Vec<Round>), (status = 403, body = ApiErrorBody)))]
pub async fn list_rounds(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<Round>>, ApiError> {
    Ok(Json(supervision::rounds(&app.db, &v.0.actor).await?))
}

/// One round with its findings: what its circular (通报) prints.
#[utoipa::path(get, path = "/supervision/rounds/{id}", tag = "supervision", params(("id" = i64, Path)),
    responses((status = 200, body = Round), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_round(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Round>, ApiError> {
    let round = supervision::rounds(&app.db, &v.0.actor)
        .await?
        .into_iter()
        .find(|r| r.id == id)
        .ok_or(StoreError::NotFound)?;
    Ok(Json(round))
}

/// A finding of a round at a unit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FindingInput {
    /// The unit (a unit of the caller's organisation, not the organisation itself).
    pub unit_id: i64,
    /// What was found.
    pub finding: String,
    /// Named as slow in the circular.
    #[serde(default)]
    pub slow: bool,
}

/// A supervision round as recorded.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupervisionRoundInput {
    /// e.g. 第三轮督查.
    pub title: String,
    /// When (YYYY-MM-DD).
    pub held_on: String,
    /// At least one finding; an error names its line as `finding_{i}`, `i` from 0.
    pub findings: Vec<FindingInput>,
}

/// Records a supervision round (督查) with its findings, all at once (the office).
#[utoipa::path(post, path = "/supervision/rounds", tag = "supervision", request_body = SupervisionRoundInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_round(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<SupervisionRoundInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    // The storage reads each line as the form sends it: the unit's id as text.
    let findings: Vec<(String, String, bool)> = input
        .findings
        .into_iter()
        .map(|f| (f.unit_id.to_string(), f.finding, f.slow))
        .collect();
    let id = supervision::record_round(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        &input.title,
        &input.held_on,
        &findings,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The leading group's progress hearings (听取汇报), newest first (whoever reads the
/// organisation's ledger).
#[utoipa::path(get, path = "/supervision/hearings", tag = "supervision",
    responses((status = 200, body = Vec<Hearing>), (status = 403, body = ApiErrorBody)))]
pub async fn list_hearings(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<Hearing>>, ApiError> {
    Ok(Json(supervision::hearings(&app.db, &v.0.actor).await?))
}

/// A progress hearing as recorded.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct HearingInput {
    /// When (YYYY-MM-DD).
    pub held_on: String,
    /// Who attended.
    pub attendees: String,
    /// What was heard and decided.
    pub notes: String,
}

/// Records a progress hearing of the leading group (听取汇报; the office).
#[utoipa::path(post, path = "/supervision/hearings", tag = "supervision", request_body = HearingInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_hearing(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<HearingInput>,
) -> Result<StatusCode, ApiError> {
    supervision::record_hearing(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        &input.held_on,
        &input.attendees,
        &input.notes,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
