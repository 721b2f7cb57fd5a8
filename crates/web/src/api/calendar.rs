//! 工作日历 through the API: the years the working-day calendar holds and each year's
//! days off and working weekends, for every signed-in person; the system administrator
//! adds a year or corrects one (recorded) — what `pages/calendar` does.

use axum::Json;
use axum::extract::State;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::calendar::notice_text;
use zhenggai_storage::StoreError;
use zhenggai_storage::calendar::{self, YearRow};

use super::ApiJson;
use super::extract::Path;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of the calendar.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_years, save_years))
        .routes(routes!(get_year))
}

/// The years the calendar holds (工作日历), shipped or entered.
#[utoipa::path(get, path = "/calendar", tag = "calendar",
    responses((status = 200, body = Vec<YearRow>), (status = 401, body = ApiErrorBody)))]
pub async fn list_years(
    State(app): State<App>,
    _v: ApiViewer,
) -> Result<Json<Vec<YearRow>>, ApiError> {
    Ok(Json(calendar::years(&app.db).await?))
}

/// A date a year's notice changes.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarDay {
    /// The date.
    pub date: NaiveDate,
    /// 休 (true) a day off; 班 (false) a weekend day worked.
    pub off: bool,
    /// The holiday it belongs to (春节, 国庆节).
    pub name: String,
}

/// A year of the calendar.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CalendarYear {
    /// The year.
    pub year: i32,
    /// Where its notice was published.
    pub source: String,
    /// The dates it changes, in order.
    pub days: Vec<CalendarDay>,
    /// The notice as calendar data, as an administrator corrects it.
    pub notice: String,
    /// Version of the entered year (0 when shipped), for the next correction.
    pub version: i64,
}

/// One year of the calendar: its days off and working weekends (调休).
#[utoipa::path(get, path = "/calendar/{year}", tag = "calendar", params(("year" = i32, Path)),
    responses((status = 200, body = CalendarYear), (status = 404, body = ApiErrorBody)))]
pub async fn get_year(
    State(app): State<App>,
    _v: ApiViewer,
    Path(year): Path<i32>,
) -> Result<Json<CalendarYear>, ApiError> {
    let loaded = calendar::load(&app.db).await?;
    let notice = loaded.notice(year).ok_or(StoreError::NotFound)?;
    let version = calendar::years(&app.db)
        .await?
        .iter()
        .find(|y| y.year == year)
        .map_or(0, |y| y.version);
    Ok(Json(CalendarYear {
        year,
        source: notice.source.clone(),
        days: notice
            .changes
            .iter()
            .map(|c| CalendarDay {
                date: c.date,
                off: c.off,
                name: c.name.clone(),
            })
            .collect(),
        notice: notice_text(notice),
        version,
    }))
}

/// The version of a year read, for a correction.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct YearVersion {
    /// The year.
    pub year: i32,
    /// Its version as read (0 for a year not entered before).
    pub version: i64,
}

/// Years of calendar data to add or correct.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CalendarInput {
    /// Calendar data as the calendar page takes it: `year 2025`, `source …`, then one
    /// line per date (`2025-01-28 休 春节`, `2025-01-26 班 春节`); several years at once.
    pub notice: String,
    /// The version read of each year corrected; a year left out is taken as new.
    #[serde(default)]
    pub versions: Vec<YearVersion>,
}

/// The years saved.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SavedYears {
    /// The years written.
    pub years: Vec<i32>,
}

/// Adds or corrects years of the calendar (the system administrator, when the State
/// Council publishes its notice; recorded); all or nothing.
#[utoipa::path(post, path = "/calendar", tag = "calendar", request_body = CalendarInput,
    responses((status = 200, body = SavedYears), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_years(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<CalendarInput>,
) -> Result<Json<SavedYears>, ApiError> {
    let versions: Vec<(i32, i64)> = input.versions.iter().map(|y| (y.year, y.version)).collect();
    let years = calendar::save(
        &app.db,
        Some(&v.0.actor),
        v.0.change(&app),
        &input.notice,
        &versions,
    )
    .await?;
    Ok(Json(SavedYears { years }))
}
