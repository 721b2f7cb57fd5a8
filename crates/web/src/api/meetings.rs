//! 民主生活会 through the API (D18, D19): what `pages/meetings` shows and records, and
//! the public opinion box (`pages/opinion_box`), which takes the same JSON at its own
//! link.

use axum::Json;
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::meetings::carry::{self, Carry};
use zhenggai_storage::meetings::materials::{self, FindingInput, FindingWithdrawal, MaterialInput};
use zhenggai_storage::meetings::opinions::{self, Acknowledgement, Merge, OpinionInput, Sorting};
use zhenggai_storage::meetings::public_box::{
    self, BoxClosing, BoxInfo, ReceiptStatus, Submission,
};
use zhenggai_storage::meetings::view::{self, MeetingSummary, MeetingView};
use zhenggai_storage::meetings::{
    self, MeetingEdit, MeetingInput, Minutes, RemarkInput, TalkInput,
};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::download::download;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::{ApiViewer, ClientAddr};
use crate::shared::opinion_box::{self, Receipt, ReceiptQuery};
use crate::shared::weekly::DOCX;
use crate::state::App;

/// The routes of meetings, for those who read a ledger.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list, create))
        .routes(routes!(get_one, edit))
        .routes(routes!(report))
        .routes(routes!(open_box))
        .routes(routes!(close_box))
        .routes(routes!(record_opinion))
        .routes(routes!(sort))
        .routes(routes!(merge))
        .routes(routes!(acknowledge))
        .routes(routes!(record_talk))
        .routes(routes!(save_material))
        .routes(routes!(add_finding))
        .routes(routes!(withdraw_finding))
        .routes(routes!(record_minutes))
        .routes(routes!(record_remark))
        .routes(routes!(carry_into_ledger))
}

/// The public box's routes: no token, no session; a body read up to the box's limit.
pub fn public_routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(box_info, box_submit))
        .routes(routes!(box_receipt))
        .layer(axum::extract::DefaultBodyLimit::max(
            opinion_box::BOX_BODY_BYTES,
        ))
}

/// The meetings the caller may read: their organisation's (those below, for the upper
/// level) and those they sit on.
#[utoipa::path(get, path = "/meetings", tag = "meetings", responses((status = 200, body = Vec<MeetingSummary>), (status = 403, body = ApiErrorBody)))]
pub async fn list(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<MeetingSummary>>, ApiError> {
    Ok(Json(view::list(&app.db, &v.0.actor).await?))
}

/// Sets up a meeting (the office): its members, chair and the public box's days.
#[utoipa::path(post, path = "/meetings", tag = "meetings", request_body = MeetingInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<MeetingInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = meetings::create(&app.db, &v.0.actor, v.0.change(&app), &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// One meeting as the caller may read it: a member their own opinions and materials, the
/// office everything, 纪检 and the upper level everything unless it is confidential.
#[utoipa::path(get, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), responses((status = 200, body = MeetingView), (status = 404, body = ApiErrorBody)))]
pub async fn get_one(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<MeetingView>, ApiError> {
    Ok(Json(
        view::get(&app.db, &v.0.actor, id, app.clock.today()).await?,
    ))
}

/// Corrects a meeting's topic, day, place, attendees or confidentiality (the office,
/// before it is held), at the version read.
#[utoipa::path(put, path = "/meetings/{id}", tag = "meetings", params(("id" = i64, Path)), request_body = MeetingEdit,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn edit(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MeetingEdit>,
) -> Result<StatusCode, ApiError> {
    meetings::edit(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 会议情况报告 as `.docx`, for whoever reads the meeting.
#[utoipa::path(get, path = "/meetings/{id}/report.docx", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, content_type = DOCX, description = "the .docx (Content-Disposition names it)"), (status = 404, body = ApiErrorBody)))]
pub async fn report(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let g =
        crate::shared::documents::meeting_docx(&app.db, &v.0.actor, id, app.clock.today()).await?;
    Ok(download(&g.file_name, DOCX, g.bytes))
}

/// How many slips the box held when opened.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Opened {
    /// Opinions opened.
    pub opened: usize,
}

/// Opens the box (开箱, the office): what it holds becomes opinions to sort, in an order
/// drawn at random.
#[utoipa::path(post, path = "/meetings/{id}/box/open", tag = "meetings", params(("id" = i64, Path)),
    responses((status = 200, body = Opened), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn open_box(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<Opened>, ApiError> {
    let opened = public_box::open(&app.db, &v.0.actor, v.0.change(&app), id).await?;
    Ok(Json(Opened { opened }))
}

/// Ends the solicitation early (截止征求意见, the office): the box takes no more and may
/// be opened.
#[utoipa::path(post, path = "/meetings/{id}/box/close", tag = "meetings", params(("id" = i64, Path)), request_body = BoxClosing,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn close_box(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<BoxClosing>,
) -> Result<StatusCode, ApiError> {
    public_box::close(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records an opinion from a letter, a forum or the mailbox (the office).
#[utoipa::path(post, path = "/meetings/{id}/opinions", tag = "meetings", params(("id" = i64, Path)), request_body = OpinionInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_opinion(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<OpinionInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = opinions::record(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Sorts an opinion to a member or the leadership and feeds it back (the office).
#[utoipa::path(post, path = "/opinions/{id}/sorting", tag = "meetings", params(("id" = i64, Path)), request_body = Sorting,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn sort(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Sorting>,
) -> Result<StatusCode, ApiError> {
    opinions::sort(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Merges an opinion into another that says the same (the office).
#[utoipa::path(post, path = "/opinions/{id}/merge", tag = "meetings", params(("id" = i64, Path)), request_body = Merge,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn merge(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Merge>,
) -> Result<StatusCode, ApiError> {
    opinions::merge(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The member acknowledges an opinion fed back to them (阅知).
#[utoipa::path(post, path = "/opinions/{id}/acknowledgement", tag = "meetings", params(("id" = i64, Path)), request_body = Acknowledgement,
    responses((status = 204), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn acknowledge(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Acknowledgement>,
) -> Result<StatusCode, ApiError> {
    opinions::acknowledge(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records a talk (the office, or the member who held it).
#[utoipa::path(post, path = "/meetings/{id}/talks", tag = "meetings", params(("id" = i64, Path)), request_body = TalkInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_talk(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<TalkInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = meetings::record_talk(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Saves a self-examination (its member; the office the leadership's), a draft or final.
#[utoipa::path(put, path = "/meetings/{id}/material", tag = "meetings", params(("id" = i64, Path)), request_body = MaterialInput,
    responses((status = 200, body = Created), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_material(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<MaterialInput>,
) -> Result<Json<Created>, ApiError> {
    let id = materials::save(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(Json(Created { id }))
}

/// Names a problem and the measure committed to.
#[utoipa::path(post, path = "/meetings/{id}/findings", tag = "meetings", params(("id" = i64, Path)), request_body = FindingInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_finding(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FindingInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = materials::add_finding(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Withdraws a problem named, before it joins the ledger, with the reason.
#[utoipa::path(post, path = "/findings/{id}/withdraw", tag = "meetings", params(("id" = i64, Path)), request_body = FindingWithdrawal,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn withdraw_finding(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<FindingWithdrawal>,
) -> Result<StatusCode, ApiError> {
    materials::withdraw_finding(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records the meeting held with its minutes, or corrects them (the office).
#[utoipa::path(put, path = "/meetings/{id}/minutes", tag = "meetings", params(("id" = i64, Path)), request_body = Minutes,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_minutes(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Minutes>,
) -> Result<StatusCode, ApiError> {
    meetings::record_minutes(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Records what was said at the meeting (the office).
#[utoipa::path(post, path = "/meetings/{id}/remarks", tag = "meetings", params(("id" = i64, Path)), request_body = RemarkInput,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_remark(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RemarkInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let id = meetings::record_remark(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// Carries the problems named into a ledger of kind 民主生活会 (the office, once the
/// meeting is held): answers the ledger's inspection.
#[utoipa::path(post, path = "/meetings/{id}/carry", tag = "meetings", params(("id" = i64, Path)), request_body = Carry,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn carry_into_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<Carry>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let inspection = carry::carry(&app.db, &v.0.actor, v.0.change(&app), id, &input).await?;
    Ok((StatusCode::CREATED, Json(Created { id: inspection.0 })))
}

/// The public box of link `key`: its meeting, members and days. No token: the box is
/// public while open.
#[utoipa::path(get, path = "/box/{key}", tag = "opinion box", params(("key" = String, Path)), security(()),
    responses((status = 200, body = BoxInfo), (status = 404, body = ApiErrorBody)))]
pub async fn box_info(
    State(app): State<App>,
    Path(key): Path<String>,
) -> Result<Json<BoxInfo>, ApiError> {
    Ok(Json(
        public_box::info(&app.db, &key, app.clock.today()).await?,
    ))
}

/// Leaves an opinion in the public box, answering only its receipt number (201). The
/// box's own link, `POST /box/{key}`, takes the same body. Anonymous: nothing that
/// identifies the sender is kept (no account, address or time; the request is not
/// logged). One address may send a few per ten minutes (429 with `Retry-After`).
#[utoipa::path(post, path = "/box/{key}", tag = "opinion box", params(("key" = String, Path)), request_body = Submission, security(()),
    responses((status = 201, body = Receipt), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn box_submit(
    State(app): State<App>,
    ClientAddr(address): ClientAddr,
    Path(key): Path<String>,
    req: Request,
) -> Response {
    if let Some(refused) = opinion_box::refuse_sender(&app, &address, &req, true) {
        return refused;
    }
    let resp = opinion_box::submit_json(&app, &key, req).await;
    opinion_box::count_only_accepted(&app, &address, resp)
}

/// How the opinion of a receipt was handled: to whom it was fed back, their
/// acknowledgement, what it became in the ledger. The box's link takes the same at
/// `POST /box/{key}/receipt`.
#[utoipa::path(post, path = "/box/{key}/receipt", tag = "opinion box", params(("key" = String, Path)), request_body = ReceiptQuery, security(()),
    responses((status = 200, body = ReceiptStatus), (status = 404, body = ApiErrorBody), (status = 429, body = ApiErrorBody)))]
pub async fn box_receipt(
    State(app): State<App>,
    ClientAddr(address): ClientAddr,
    Path(key): Path<String>,
    req: Request,
) -> Response {
    if let Some(refused) = opinion_box::refuse_looker(&app, &address, &req, true) {
        return refused;
    }
    opinion_box::receipt_json(&app, &key, req).await
}
