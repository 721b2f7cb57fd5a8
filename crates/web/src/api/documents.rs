//! The documents upward through the API (D16): the final report, the public notice, the
//! weekly summary and the monthly circular of an inspection as `.docx`; a 督办 notice as
//! `.docx`; and the office's 不予公开 mark on a problem or a result record.

use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_documents::Header;
use zhenggai_documents::reports::Kind;
use zhenggai_domain::InspectionId;
use zhenggai_storage::StoreError;
use zhenggai_storage::ledger::publication::{self, Publishable};

use super::extract::{ApiJson, Path};
use crate::download::download;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::shared::documents::{Asked, generate, notice_docx};
use crate::shared::weekly::DOCX;
use crate::state::App;

/// The routes of the documents.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(generate_document))
        .routes(routes!(get_notice_docx))
        .routes(routes!(set_publication))
        .routes(routes!(get_archive))
}

/// An inspection's archive package (归档材料包, D17) as `.zip`: the evidence filed by
/// source, unit and order into volumes, the catalogue (卷内目录) as `.xlsx` and `.docx`,
/// the final report, and `文件清单（SM3）.txt` with the SM3 of every file and
/// `文件清单校验值（SM3）.txt` with the manifest's own (`zhenggai archive verify` checks
/// them). For the organisation's office.
#[utoipa::path(get, path = "/inspections/{id}/archive.zip", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, content_type = "application/zip", description = "the package (Content-Disposition names it)"), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_archive(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    Ok(
        crate::shared::archive::download(&app, &v.0.actor, v.0.change(&app), InspectionId(id))
            .await?,
    )
}

/// What the office sets before a document is generated: the day its figures are of,
/// and the header (版头, 版记). Every field may be left out.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct DocumentRequest {
    /// The day (YYYY-MM-DD), today or earlier; today when absent. For the weekly
    /// summary and the monthly circular, the week and the month that hold it.
    #[schema(value_type = Option<String>, format = Date)]
    pub as_of: Option<NaiveDate>,
    /// 发文机关: the red mark at the top and the signature; no 版头 when empty.
    pub issuer: String,
    /// 发文字号, e.g. 某巡改〔2026〕3号.
    pub number: String,
    /// 签发人, named on documents sent upward.
    pub signer: String,
    /// 主送机关.
    pub to: String,
    /// 抄送机关.
    pub cc: String,
    /// 密级和保密期限, e.g. 秘密★1年.
    pub classification: String,
    /// 成文日期; the day the figures are of when absent.
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<NaiveDate>,
}

/// A document of an inspection as `.docx` in official layout (GB/T 9704-2012): `final`
/// (整改落实情况报告), `public` (整改情况公开, without what the office marked 不予公开),
/// `weekly` (一周一汇总) or `monthly` (督查通报). Its figures are the statistics of the
/// day asked for. For those who read the whole ledger; the weekly summary and the
/// monthly circular for the inspected organisation's own readers.
#[utoipa::path(post, path = "/inspections/{id}/documents/{kind}", tag = "documents",
    params(("id" = i64, Path), ("kind" = String, Path, description = "final, public, weekly or monthly")),
    request_body = DocumentRequest,
    responses((status = 200, content_type = DOCX, description = "the .docx (Content-Disposition names it)"), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn generate_document(
    State(app): State<App>,
    v: ApiViewer,
    Path((id, kind)): Path<(i64, String)>,
    ApiJson(body): ApiJson<DocumentRequest>,
) -> Result<Response, ApiError> {
    let kind = Kind::from_code(&kind).ok_or(StoreError::NotFound)?;
    let asked = Asked {
        kind,
        as_of: body.as_of,
        header: Header {
            issuer: body.issuer,
            number: body.number,
            signer: body.signer,
            to: body.to,
            cc: body.cc,
            classification: body.classification,
            date: body.date,
        },
    };
    let generated = generate(
        &app.db,
        &v.0.actor,
        InspectionId(id),
        &asked,
        app.clock.now(),
        app.clock.today(),
    )
    .await?;
    Ok(download(&generated.file_name, DOCX, generated.bytes))
}

/// A 督办 notice as issued (督办通知书, 提醒书, 告诫书, 问责建议书) as `.docx` in official
/// layout, for whoever reads the notice.
#[utoipa::path(get, path = "/notices/{id}/notice.docx", tag = "documents", params(("id" = i64, Path)),
    responses((status = 200, content_type = DOCX, description = "the .docx (Content-Disposition names it)"), (status = 404, body = ApiErrorBody)))]
pub async fn get_notice_docx(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Response, ApiError> {
    let generated = notice_docx(&app.db, &v.0.actor, id, app.clock.today()).await?;
    Ok(download(&generated.file_name, DOCX, generated.bytes))
}

/// Whether a record may be published, at the version read.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PublicationInput {
    /// true: the public notice may name or count it; false: 不予公开.
    pub public: bool,
    /// The record's version as read.
    pub version: i64,
}

/// Marks a problem, an accountability record, an institution or a recovery as not for
/// the public notice (不予公开), or clears the mark (the office). `kind` is `problems`,
/// `accountability`, `institutions` or `recoveries`.
#[utoipa::path(put, path = "/publication/{kind}/{id}", tag = "documents",
    params(("kind" = String, Path, description = "problems, accountability, institutions or recoveries"), ("id" = i64, Path)),
    request_body = PublicationInput,
    responses((status = 204, description = "marked"), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn set_publication(
    State(app): State<App>,
    v: ApiViewer,
    Path((kind, id)): Path<(String, i64)>,
    ApiJson(body): ApiJson<PublicationInput>,
) -> Result<StatusCode, ApiError> {
    let what = Publishable::from_code(&kind).ok_or(StoreError::NotFound)?;
    publication::set(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        what,
        id,
        body.version,
        body.public,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
