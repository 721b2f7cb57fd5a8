//! Problems (问题) through the API: adding, changing and withdrawing them, and their
//! lifecycle (认领、审定、销号、回头看 …) step by step — what `pages/problems` does.

use axum::Json;
use axum::extract::DefaultBodyLimit;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::router::UtoipaMethodRouterExt;
use utoipa_axum::routes;
use zhenggai_domain::{InspectionId, ProblemId};
use zhenggai_storage::files::Sent;
use zhenggai_storage::ledger::lifecycle::{self, history::Event, input::StepInput};
use zhenggai_storage::ledger::problems::{self, Problem, ProblemInput};
use zhenggai_storage::ledger::query::{self, FilterInput, MeasurePage, Within};

use super::extract::Path;
use super::{ApiJson, Created, Versioned, WithdrawInput};
use crate::download::download;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of problems; a step's files are read up to `upload_limit`.
pub fn routes(upload_limit: usize) -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(create_problem))
        .routes(routes!(get_problem, update_problem))
        .routes(routes!(problem_measures))
        .routes(routes!(withdraw_problem))
        .routes(routes!(list_steps, take_step).layer(DefaultBodyLimit::max(upload_limit)))
        .routes(routes!(get_step_file))
}

/// Adds a problem to an inspection.
#[utoipa::path(post, path = "/inspections/{id}/problems", tag = "ledger", params(("id" = i64, Path)), request_body = ProblemInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<ProblemInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = problems::create(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        InspectionId(id),
        &input,
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// One problem.
#[utoipa::path(get, path = "/problems/{id}", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = Problem), (status = 404, body = ApiErrorBody)))]
pub async fn get_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Problem>, ApiError> {
    Ok(Json(
        problems::get(&app.db, &v.0.actor, ProblemId(id)).await?,
    ))
}

/// Changes a problem.
#[utoipa::path(put, path = "/problems/{id}", tag = "ledger", params(("id" = i64, Path)), request_body = Versioned<ProblemInput>,
    responses((status = 200, body = Problem), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(body): ApiJson<Versioned<ProblemInput>>,
) -> Result<Json<Problem>, ApiError> {
    problems::update(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        ProblemId(id),
        body.version,
        &body.input,
    )
    .await?;
    Ok(Json(
        problems::get(&app.db, &v.0.actor, ProblemId(id)).await?,
    ))
}

/// The measures of a problem that the caller sees.
#[utoipa::path(get, path = "/problems/{id}/measures", tag = "ledger", params(("id" = i64, Path)), responses((status = 200, body = MeasurePage), (status = 404, body = ApiErrorBody)))]
pub async fn problem_measures(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<MeasurePage>, ApiError> {
    let p = problems::get(&app.db, &v.0.actor, ProblemId(id)).await?;
    let filter = FilterInput {
        per_page: "200".into(),
        ..Default::default()
    }
    .check(200)?;
    Ok(Json(
        query::measure_list(
            &app.db,
            &v.0.actor,
            Within::Problem(p.id),
            &filter,
            app.clock.today(),
        )
        .await?,
    ))
}

/// Withdraws a problem and its measures (office); nothing is deleted.
#[utoipa::path(post, path = "/problems/{id}/withdraw", tag = "ledger", params(("id" = i64, Path)), request_body = WithdrawInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_problem(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<WithdrawInput>,
) -> Result<StatusCode, ApiError> {
    let change = v.0.change_because(&app, &input.reason);
    problems::withdraw(&app.db, &v.0.actor, change, ProblemId(id), input.version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The steps taken on a problem, oldest first.
#[utoipa::path(get, path = "/problems/{id}/steps", tag = "lifecycle", params(("id" = i64, Path)), responses((status = 200, body = Vec<Event>), (status = 404, body = ApiErrorBody)))]
pub async fn list_steps(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Vec<Event>>, ApiError> {
    let p = problems::get(&app.db, &v.0.actor, ProblemId(id)).await?;
    Ok(Json(lifecycle::history::events(&app.db, p.id).await?))
}

/// Takes a lifecycle step on a problem (认领、审定、销号、回头看 …); answers its new state
/// and the steps the caller may take next. Send JSON, or `multipart/form-data` with the
/// same fields and any number of `files`: a closure request carries at least one (the
/// special report and evidence).
#[utoipa::path(post, path = "/problems/{id}/steps", tag = "lifecycle", params(("id" = i64, Path)),
    request_body(content(
        (StepInput = "application/json"),
        (StepInput = "multipart/form-data")
    )),
    responses((status = 200, body = StepResult), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 413, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 503, description = "as many uploads as the server reads at once are being read: send again after Retry-After", body = ApiErrorBody)))]
pub async fn take_step(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    body: StepBody,
) -> Result<Json<StepResult>, ApiError> {
    let input = &body.input;
    let change = v.0.change_because(&app, &input.reason);
    let sent = Sent {
        files: &body.sent.files,
        limits: app.config.uploads,
    };
    let state = lifecycle::step(
        &app.db,
        app.files.as_ref(),
        &v.0.actor,
        change,
        ProblemId(id),
        input,
        sent,
    )
    .await?;
    let (_, next) =
        lifecycle::offered::actions_for(&app.db, &v.0.actor, ProblemId(id), app.clock.today())
            .await?;
    Ok(Json(StepResult {
        state,
        next: next.into_iter().map(str::to_string).collect(),
    }))
}

/// A step as JSON, or as `multipart/form-data` with the same fields and `files` (the
/// closure request's report and evidence).
pub struct StepBody {
    input: StepInput,
    /// The form and files as read (none for JSON), holding the upload's slot while the
    /// files are in memory.
    sent: crate::form::WithFiles,
}

impl axum::extract::FromRequest<App> for StepBody {
    type Rejection = ApiError;

    async fn from_request(req: axum::extract::Request, app: &App) -> Result<Self, Self::Rejection> {
        if crate::form::is_multipart(&req) {
            let sent = crate::form::read_files(
                req,
                app,
                app.config.uploads,
                app.config.upload_body_limit(),
            )
            .await?;
            sent.form.only(crate::form::STEP_FIELDS)?;
            return Ok(StepBody {
                input: sent.form.step(),
                sent,
            });
        }
        let ApiJson(input) = ApiJson::<StepInput>::from_request(req, app).await?;
        Ok(StepBody {
            input,
            sent: crate::form::WithFiles::default(),
        })
    }
}

/// The outcome of a step.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct StepResult {
    /// The problem's state now.
    pub state: zhenggai_domain::lifecycle::ProblemState,
    /// The actions the caller may take next.
    pub next: Vec<String>,
}

/// The bytes of a file sent with a lifecycle step (a closure request's evidence).
#[utoipa::path(get, path = "/step-files/{id}", tag = "lifecycle", params(("id" = i64, Path)), responses((status = 200, content_type = "application/octet-stream"), (status = 404, body = ApiErrorBody)))]
pub async fn get_step_file(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let (f, bytes) = lifecycle::history::file(&app.db, app.files.as_ref(), &v.0.actor, id).await?;
    Ok(download(&f.filename, &f.content_type, bytes))
}
