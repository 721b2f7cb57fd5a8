//! The audit trail (审计日志) through the API: the latest entries, one record's trail and
//! `audit verify` — what `pages/trail` shows.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::reason::Rule;
use zhenggai_domain::validate::Why;
use zhenggai_storage::StoreError;
use zhenggai_storage::audit::trail::{self, AuditEntry};

use super::ApiJson;
use super::extract::Path;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::shared::trail::check::{self, VerifyAnswer};
use crate::shared::trail::{readable_trail, whole_trail};
use crate::state::App;

/// The routes of the audit trail.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(audit_trail))
        .routes(routes!(verify_trail, verify_trail_reaching))
        .routes(routes!(record_trail))
}

/// The latest 200 entries of the audit trail (audit administrator).
#[utoipa::path(get, path = "/audit", tag = "accounts", responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ApiErrorBody)))]
pub async fn audit_trail(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    whole_trail(&v.0)?;
    Ok(Json(trail::recent(app.db.pool(), 200).await?))
}

/// Which 审计校验码 to prove the trail still reaches (none: verify the trail alone).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// 审计校验码 printed on documents, e.g. `1234-0123456789abcdef`.
    #[serde(default)]
    pub checkpoints: Vec<String>,
}

/// `audit verify` (audit administrator): the chains, every business row against its
/// latest entry, the stored files; the result in words (intact up to entry N, or broken
/// at entry N, what it means and what to do) beside the figures.
#[utoipa::path(get, path = "/audit/verify", tag = "accounts",
    responses((status = 200, body = VerifyAnswer), (status = 403, body = ApiErrorBody)))]
pub async fn verify_trail(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<VerifyAnswer>, ApiError> {
    verify_reaching(&app, &v, VerifyInput::default()).await
}

/// `audit verify` that also proves the trail still reaches each 审计校验码 given.
#[utoipa::path(post, path = "/audit/verify", tag = "accounts", request_body = VerifyInput,
    responses((status = 200, body = VerifyAnswer), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn verify_trail_reaching(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<VerifyInput>,
) -> Result<Json<VerifyAnswer>, ApiError> {
    verify_reaching(&app, &v, input).await
}

async fn verify_reaching(
    app: &App,
    v: &ApiViewer,
    input: VerifyInput,
) -> Result<Json<VerifyAnswer>, ApiError> {
    whole_trail(&v.0)?;
    let (claims, bad) = check::claims(&input.checkpoints.join(" "));
    if let Some(code) = bad.first() {
        return Err(StoreError::because(
            "checkpoints",
            Why::Rule(Rule::Checkpoint {
                code: code.to_string(),
            }),
        )
        .into());
    }
    let verified = check::run(app, &v.0, &claims).await?;
    Ok(Json(verified.answer()))
}

/// The trail of one record (audit administrator: any record; supervisor: inspections,
/// problems and measures they can read).
#[utoipa::path(get, path = "/audit/{table}/{id}", tag = "accounts", params(("table" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn record_trail(
    State(app): State<App>,
    v: ApiViewer,
    Path((table, id)): Path<(String, i64)>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let (_, entries) = readable_trail(&app, &v.0, &table, id).await?;
    Ok(Json(entries))
}
