//! 整改统计 through the API (D15): every figure of an inspection, of an organisation, or
//! of the organisations an upper level oversees, today or as of a past day.

use std::sync::Arc;

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::{InspectionId, UnitId};
use zhenggai_storage::statistics::{self, BattleMap, Figures, Scope};

use super::extract::{Path, Query};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of the figures.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_inspection_statistics))
        .routes(routes!(get_inspection_map))
        .routes(routes!(get_statistics))
}

/// The day the figures are of.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct AsOf {
    /// The day (YYYY-MM-DD), today or earlier; today when absent. A past day's figures
    /// are what the ledger held at its end, read from the audit trail.
    pub as_of: Option<NaiveDate>,
}

/// The day and, for the upper level, one organisation.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct Overall {
    /// The day (YYYY-MM-DD), today or earlier; today when absent.
    pub as_of: Option<NaiveDate>,
    /// One organisation's id; every organisation whose ledger the caller reads when
    /// absent (the upper level's: all those it oversees).
    pub org: Option<i64>,
}

/// One inspection's figures (D15): aspects, items, problems and measures done, on
/// schedule, long-term and overdue, closures, look-backs, institutions, accountability
/// and money recovered, broken down by aspect, lead unit and responsible leader. For
/// those who read the whole ledger (the office, 纪检, the Party secretary, the upper
/// level).
#[utoipa::path(get, path = "/inspections/{id}/statistics", tag = "statistics", params(("id" = i64, Path), AsOf),
    responses((status = 200, body = Figures), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_inspection_statistics(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<AsOf>,
) -> Result<Json<Arc<Figures>>, ApiError> {
    let scope = Scope::Inspection(InspectionId(id));
    Ok(Json(
        statistics::figures(&app.db, &v.0.actor, scope, q.as_of, app.clock.today()).await?,
    ))
}

/// One inspection's battle map (挂图作战, D14): its figures, and every problem as a cell
/// under its aspect with where it stood on the day (done, on schedule, long-term,
/// overdue; due soon).
#[utoipa::path(get, path = "/inspections/{id}/map", tag = "statistics", params(("id" = i64, Path), AsOf),
    responses((status = 200, body = BattleMap), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_inspection_map(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    Query(q): Query<AsOf>,
) -> Result<Json<Arc<BattleMap>>, ApiError> {
    let scope = Scope::Inspection(InspectionId(id));
    Ok(Json(
        statistics::battle_map(&app.db, &v.0.actor, scope, q.as_of, app.clock.today()).await?,
    ))
}

/// The figures of every inspection of an organisation, or of all the organisations
/// the caller reads (the upper level: those it oversees), by source and organisation
/// too.
#[utoipa::path(get, path = "/statistics", tag = "statistics", params(Overall),
    responses((status = 200, body = Figures), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_statistics(
    State(app): State<App>,
    v: ApiViewer,
    Query(q): Query<Overall>,
) -> Result<Json<Arc<Figures>>, ApiError> {
    let scope = match q.org {
        Some(org) => Scope::Organisation(UnitId(org)),
        None => Scope::Everything,
    };
    Ok(Json(
        statistics::figures(&app.db, &v.0.actor, scope, q.as_of, app.clock.today()).await?,
    ))
}
