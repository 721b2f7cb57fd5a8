//! An inspection's ledger (整改台账) through the API, filtered and a page at a time, as
//! `pages/ledger` shows it.

use axum::Json;
use axum::extract::State;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::InspectionId;
use zhenggai_storage::ledger::inspections;
use zhenggai_storage::ledger::query::{self, FilterInput, LedgerPage};

use super::extract::{Path, Query};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The route of the ledger.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new().routes(routes!(get_ledger))
}

/// A page of an inspection's ledger: problems by aspect with the measures the caller sees.
#[utoipa::path(get, path = "/inspections/{id}/ledger", tag = "ledger", params(("id" = i64, Path), FilterInput),
    responses((status = 200, body = LedgerPage), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_ledger(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    Query(filter): Query<FilterInput>,
) -> Result<Json<LedgerPage>, ApiError> {
    let i = inspections::get(&app.db, &v.0.actor, InspectionId(id)).await?;
    let filter = filter.check(app.config.page_size)?;
    Ok(Json(
        query::ledger(
            &app.db,
            &v.0.actor,
            i.id,
            i.org_id,
            &filter,
            app.clock.today(),
        )
        .await?,
    ))
}
