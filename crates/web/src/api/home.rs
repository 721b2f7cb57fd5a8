//! What needs the caller now (待办) through the API, as `pages/home` shows it: the
//! problems on which they have a step to take. The home page's measures and their
//! counts are `GET /measures` with its `status` filter.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::ledger::lifecycle::offered::{self, Waiting};

use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of the caller's to-do list.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(todo))
}

/// The problems waiting for the caller (待办), each with the steps they may take now:
/// claims for lead units, disputes and sign-offs for leaders, compiling, approval and
/// closure for the office; empty for roles that take no step.
#[utoipa::path(get, path = "/todo", tag = "ledger",
    responses((status = 200, body = Vec<Waiting>), (status = 401, body = ApiErrorBody)))]
pub async fn todo(State(app): State<App>, v: ApiViewer) -> Result<Json<Vec<Waiting>>, ApiError> {
    Ok(Json(
        offered::waiting(&app.db, &v.0.actor, app.clock.today()).await?,
    ))
}
