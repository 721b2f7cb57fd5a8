//! Measures (整改措施) through the API: the list across inspections, adding, changing
//! and withdrawing them, their progress (进展) with files, their milestones (阶段目标) and
//! the 督办 notices issued on them — what `pages/measures` does.

use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;
use zhenggai_domain::{AttachmentId, MeasureId, ProblemId};
use zhenggai_storage::ledger::measures::{self, Measure, MeasureInput};
use zhenggai_storage::ledger::milestones::{self, MilestoneInput, Milestones};
use zhenggai_storage::ledger::notices::{self, Notice, NoticeInput};
use zhenggai_storage::ledger::progress::{self, Progress};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};

use super::extract::{Path, Query};
use super::{ApiJson, Created, Versioned, WithdrawInput};
use crate::download::download;
use crate::error::{ApiError, ApiErrorBody, Malformed};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of measures; a progress entry's files are read up to `upload_limit`.
pub fn routes(upload_limit: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_measures))
        .routes(routes!(create_measure))
        .routes(routes!(get_measure, update_measure))
        .routes(routes!(withdraw_measure))
        .routes(routes!(list_progress, add_progress).layer(DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(get_attachment))
        .routes(routes!(list_milestones, add_milestone))
        .routes(routes!(mark_milestone_done))
        .routes(routes!(withdraw_milestone))
        .routes(routes!(list_notices, issue_notice))
        .routes(routes!(get_notice))
}

/// Measures the caller sees across inspections, nearest deadline first.
#[utoipa::path(get, path = "/measures", tag = "ledger", params(FilterInput), responses((status = 200, body = MeasurePage), (status = 422, body = ApiErrorBody)))]
pub async fn list_measures(
    State(app): State<App>,
    v: ApiViewer,
    Query(filter): Query<FilterInput>,
) -> Result<Json<MeasurePage>, ApiError> {
    let filter = filter.check(app.config.page_size)?;
    Ok(Json(
        query::measure_list(&app.db, &v.0.actor, Within::All, &filter, app.clock.today()).await?,
    ))
}

/// Adds a measure to a problem, with its owners and deadline (office).
#[utoipa::path(post, path = "/problems/{id}/measures", tag = "ledger", params(("id" = i64, Path)), request_body = MeasureInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MeasureInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = measures::create(&app.db, &v.0.actor, v.0.change(&app), ProblemId(id), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One measure.
#[utoipa::path(get, path = "/measures/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Measure), (status = 404, body = ApiErrorBody)))]
pub async fn get_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Measure>, ApiError> {
    Ok(Json(
        measures::get(&app.db, &v.0.actor, MeasureId(id), app.clock.today())
            .await?
            .0,
    ))
}

/// Changes a measure (office: everything; lead unit: target and responsible person).
#[utoipa::path(put, path = "/measures/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<MeasureInput>,
    responses((status = 200, body = Measure), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<MeasureInput>>,
) -> Result<Json<Measure>, ApiError> {
    let today = app.clock.today();
    measures::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        body.version,
        &body.input,
        today,
    )
    .await?;
    Ok(Json(
        measures::get(&app.db, &v.0.actor, MeasureId(id), today)
            .await?
            .0,
    ))
}

/// Withdraws a measure (office); nothing is deleted.
#[utoipa::path(post, path = "/measures/{id}/withdraw", tag = "ledger", params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_measure(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let change = v.0.change_because(&app, &input.reason);
    measures::withdraw(
        &app.db,
        &v.0.actor,
        change,
        MeasureId(id),
        input.version,
        app.clock.today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The progress timeline of a measure, newest first.
#[utoipa::path(get, path = "/measures/{id}/progress", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Vec<Progress>), (status = 404, body = ApiErrorBody)))]
pub async fn list_progress(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Progress>>, ApiError> {
    let (m, _) = measures::get(&app.db, &v.0.actor, MeasureId(id), app.clock.today()).await?;
    Ok(Json(progress::list(&app.db, m.id).await?))
}

/// Adds a progress entry: `multipart/form-data` with `happened_on`, `content`,
/// optional `mark_done` and any number of `files`.
#[utoipa::path(post, path = "/measures/{id}/progress", tag = "ledger", params(("id" = i64, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "fields happened_on, content, mark_done (true/false, on, 1/0; left out is false); files. No other field."),
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 503, description = "as many uploads as the server reads at once are being read: send again after Retry-After", body = ApiErrorBody)))]
pub async fn add_progress(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    request: axum::extract::Request,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    if !crate::form::is_multipart(&request) {
        return Err(ApiError::BadRequest(Malformed::NotMultipart));
    }
    let sent = crate::form::read_files(
        request,
        &app,
        app.config.uploads,
        app.config.upload_body_limit(),
    )
    .await?;
    sent.form.only(&["happened_on", "content", "mark_done"])?;
    let input = sent.form.progress()?;
    let id = progress::add(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        &input,
        &sent.files,
        app.config.uploads,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// The bytes of an attachment.
#[utoipa::path(get, path = "/attachments/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ApiErrorBody)))]
pub async fn get_attachment(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (att, bytes) = progress::attachment(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        AttachmentId(id),
        app.clock.today(),
    )
    .await?;
    Ok(download(&att.filename, &att.content_type, bytes))
}

/// A measure's milestones (阶段目标, S10) and whether its length requires them.
#[utoipa::path(get, path = "/measures/{id}/milestones", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Milestones), (status = 404, body = ApiErrorBody)))]
pub async fn list_milestones(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Milestones>, ApiError> {
    Ok(Json(
        milestones::of_measure(&app.db, &v.0.actor, MeasureId(id), app.clock.today()).await?,
    ))
}

/// Adds a milestone: what is to be reached and by when (a date or a period on or
/// before the measure's deadline). A measure longer than the organisation's limit
/// needs one before its plan is submitted.
#[utoipa::path(post, path = "/measures/{id}/milestones", tag = "ledger", params(("id" = i64, Path)), request_body = MilestoneInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_milestone(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MilestoneInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = milestones::add(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        &input,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// A milestone reached, read at `version`.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MilestoneDone {
    /// The version read.
    pub version: i64,
    /// The day it was reached (YYYY-MM-DD), not after today.
    pub done_on: String,
}

/// Marks a milestone (阶段目标) reached on a day (whoever changes its measure; recorded).
#[utoipa::path(post, path = "/milestones/{id}/done", tag = "ledger", params(("id" = i64, Path)), request_body = MilestoneDone,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn mark_milestone_done(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MilestoneDone>,
) -> Result<StatusCode, ApiError> {
    milestones::mark_done(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        id,
        &input.done_on,
        input.version,
        app.clock.today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Withdraws a milestone (阶段目标) entered in error; the reason is recorded.
#[utoipa::path(post, path = "/milestones/{id}/withdraw", tag = "ledger", params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_milestone(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let change = v.0.change_because(&app, &input.reason);
    milestones::withdraw(
        &app.db,
        &v.0.actor,
        change,
        id,
        input.version,
        app.clock.today(),
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The 督办 notices issued on a measure (督办通知、提醒函、告诫书、问责建议), oldest first.
#[utoipa::path(get, path = "/measures/{id}/notices", tag = "warnings", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Notice>), (status = 404, body = ApiErrorBody)))]
pub async fn list_notices(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Notice>>, ApiError> {
    let (m, _) = measures::get(&app.db, &v.0.actor, MeasureId(id), app.clock.today()).await?;
    Ok(Json(notices::of_measure(&app.db, m.id).await?))
}

/// Issues the next 督办 notice on an overdue measure (its organisation's office;
/// recorded): `kind` supervision, reminder, admonition (with `final_deadline`) or
/// accountability, each in turn.
#[utoipa::path(post, path = "/measures/{id}/notices", tag = "warnings", params(("id" = i64, Path)), request_body = NoticeInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn issue_notice(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<NoticeInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = notices::issue(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        MeasureId(id),
        &input,
        app.clock.today(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One 督办 notice (whoever reads its measure): what its printed document says.
#[utoipa::path(get, path = "/notices/{id}", tag = "warnings", params(("id" = i64, Path)),
    responses((status = 200, body = Notice), (status = 404, body = ApiErrorBody)))]
pub async fn get_notice(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Notice>, ApiError> {
    let (notice, _) = notices::get(&app.db, &v.0.actor, id, app.clock.today()).await?;
    Ok(Json(notice))
}
