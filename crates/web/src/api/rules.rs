//! The closure rules (销号规则) and the results posted before closure (整改结果公示)
//! through the API, as `pages/rules` shows and sets them.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::ledger::postings::{self, PostedResult};
use zhenggai_storage::settings::closure_rules::{self as rules, ClosureRules, RulesInput};

use super::ApiJson;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of closure rules and postings.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_closure_rules, set_closure_rules))
        .routes(routes!(list_postings))
}

/// The closure rules of the caller's organisation (销号规则).
#[utoipa::path(get, path = "/closure-rules", tag = "lifecycle", responses((status = 200, body = ClosureRules), (status = 403, body = ApiErrorBody)))]
pub async fn get_closure_rules(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<ClosureRules>, ApiError> {
    let actor = &v.0.actor;
    Ok(Json(rules::of_org(&app.db, actor, actor.org).await?))
}

/// Sets the closure rules of the caller's organisation (the office only): numbers as
/// text as a form sends them, `version` as read (0 while the defaults apply).
#[utoipa::path(put, path = "/closure-rules", tag = "lifecycle", request_body = RulesInput,
    responses((status = 200, body = ClosureRules), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn set_closure_rules(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<RulesInput>,
) -> Result<Json<ClosureRules>, ApiError> {
    let actor = &v.0.actor;
    Ok(Json(
        rules::save(&app.db, actor, v.0.change(&app), actor.org, &input).await?,
    ))
}

/// The results posted publicly before closure (整改结果公示), newest first.
#[utoipa::path(get, path = "/postings", tag = "lifecycle", responses((status = 200, body = Vec<PostedResult>), (status = 403, body = ApiErrorBody)))]
pub async fn list_postings(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<PostedResult>>, ApiError> {
    Ok(Json(
        postings::list(&app.db, &v.0.actor, app.clock.today()).await?,
    ))
}
