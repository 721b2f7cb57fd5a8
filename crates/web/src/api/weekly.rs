//! 周报 through the API: a lead unit sends its weekly report; the office reads who
//! reported on time, late or not at all (叫号), saves its summary (一周一汇总) and sets the
//! day and hour reports are due — what `pages/weekly` does.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use chrono::{NaiveDate, NaiveDateTime};
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::Role;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::clock::china_time;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::weekly::ReportStatus;
use zhenggai_storage::StoreError;
use zhenggai_storage::calendar;
use zhenggai_storage::ledger::weekly::{self, Roster, SavedSummary};
use zhenggai_storage::settings::weekly_rule;

use super::ApiJson;
use super::extract::Query;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::shared::weekly::{DOCX, summary_download};
use crate::state::App;

/// The routes of weekly reports, the summary and the rule.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_reports, submit_report))
        .routes(routes!(get_summary, save_summary))
        .routes(routes!(summary_docx))
        .routes(routes!(get_rule, save_rule))
}

/// Which week: any day of it (its Monday is taken); this week when left out, and never
/// a week ahead.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct WeekQuery {
    /// A day of the week (YYYY-MM-DD).
    pub week: Option<NaiveDate>,
}

/// Whoever has weekly reports: a reporting unit sends them, whoever reads the
/// organisation's whole ledger reads them.
fn takes_part(actor: &Actor) -> Result<(), ApiError> {
    if actor.role == Role::Unit || actor.ledger_access(actor.org) >= Access::Read {
        Ok(())
    } else {
        zhenggai_storage::scope::require_business(actor)?;
        Err(StoreError::refused(Refused::WeeklyNotYourRole).into())
    }
}

/// The caller's unit's own report of a week.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OwnReport {
    /// What it says as sent; before it is sent, the draft made from the week's progress.
    pub content: String,
    /// Whether it was sent.
    pub sent: bool,
    /// When it was sent (Beijing time, YYYY-MM-DD HH:MM).
    pub sent_at: Option<String>,
    /// Where it stands against the due time.
    pub status: ReportStatus,
    /// Its version (0 before it is sent), for the next correction.
    pub version: i64,
}

/// A week's reports as the caller sees them.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WeeklyReports {
    /// The Monday of the week.
    pub week: NaiveDate,
    /// When reports are due (Beijing time); none in a holiday week.
    pub due: Option<NaiveDateTime>,
    /// The caller's unit's own report (a reporting unit).
    pub own: Option<OwnReport>,
    /// Every reporting unit's standing (whoever reads the organisation's ledger).
    pub roster: Option<Roster>,
}

/// A week's reports (周报): a unit's own, pre-filled from the week's progress until sent;
/// the roll call of every reporting unit for whoever reads the organisation's ledger.
#[utoipa::path(get, path = "/weekly/reports", tag = "weekly", params(WeekQuery),
    responses((status = 200, body = WeeklyReports), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_reports(
    State(app): State<App>,
    v: ApiViewer,
    Query(q): Query<WeekQuery>,
) -> Result<Json<WeeklyReports>, ApiError> {
    let actor = &v.0.actor;
    takes_part(actor)?;
    let now = app.clock.now();
    let week = crate::shared::weekly::asked_week(&app, actor, q.week).await?;
    let calendar = calendar::load(&app.db).await?;
    let (rule, _) = weekly_rule::get(&app.db, actor.org).await?;
    let due = rule.due(week, &calendar).value;
    let own = if actor.role == Role::Unit {
        let report = weekly::report_of(&app.db, actor.unit, week).await?;
        let status = match due {
            Some(due) => ReportStatus::of(
                report.as_ref().map(|(_, at, _)| china_time(*at)),
                due,
                china_time(now),
            ),
            None => ReportStatus::Pending,
        };
        Some(match report {
            Some((content, at, version)) => OwnReport {
                content,
                sent: true,
                sent_at: Some(china_time(at).format("%Y-%m-%d %H:%M").to_string()),
                status,
                version,
            },
            None => OwnReport {
                content: weekly::prefill(&app.db, actor.unit, week).await?,
                sent: false,
                sent_at: None,
                status,
                version: 0,
            },
        })
    } else {
        None
    };
    let roster = if actor.ledger_access(actor.org) >= Access::Read {
        Some(weekly::roster(&app.db, actor, week, &calendar, now).await?)
    } else {
        None
    };
    Ok(Json(WeeklyReports {
        week,
        due,
        own,
        roster,
    }))
}

/// A unit's report of a week, or the office's summary of one: its text and the version
/// read (0 for the first).
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WeekText {
    /// A day of the week (YYYY-MM-DD): this week or, late, the one before.
    pub week: NaiveDate,
    /// What it says.
    pub content: String,
    /// The version read; 0 when there is none yet.
    pub version: i64,
}

/// Sends or corrects the caller's unit's report of a week (报送周报; a reporting unit):
/// this week or the one before, never a week ahead.
#[utoipa::path(post, path = "/weekly/reports", tag = "weekly", request_body = WeekText,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn submit_report(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<WeekText>,
) -> Result<StatusCode, ApiError> {
    let calendar = calendar::load(&app.db).await?;
    weekly::submit(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        input.week,
        &input.content,
        input.version,
        &calendar,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The office's summary of a week (一周一汇总).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WeeklySummary {
    /// The Monday of the week.
    pub week: NaiveDate,
    /// A draft made now from the reports and the ledger.
    pub draft: String,
    /// The summary as last saved, if it was.
    pub saved: Option<SavedSummary>,
}

/// The weekly summary of a week (一周一汇总): a draft made now, and the text as saved
/// (whoever reads the organisation's ledger).
#[utoipa::path(get, path = "/weekly/summary", tag = "weekly", params(WeekQuery),
    responses((status = 200, body = WeeklySummary), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_summary(
    State(app): State<App>,
    v: ApiViewer,
    Query(q): Query<WeekQuery>,
) -> Result<Json<WeeklySummary>, ApiError> {
    let actor = &v.0.actor;
    let now = app.clock.now();
    let week = crate::shared::weekly::asked_week(&app, actor, q.week).await?;
    let calendar = calendar::load(&app.db).await?;
    let roster = weekly::roster(&app.db, actor, week, &calendar, now).await?;
    Ok(Json(WeeklySummary {
        week,
        draft: crate::shared::weekly::summary_draft(&app.db, actor, &roster, app.clock.today())
            .await?,
        saved: weekly::saved_summary(&app.db, actor, week).await?,
    }))
}

/// The weekly summary of a week as a Word document in official-document layout (周汇总,
/// as the weekly page downloads it): the text as saved, or the draft while none is
/// (whoever reads the organisation's ledger).
#[utoipa::path(get, path = "/weekly/summary.docx", tag = "weekly", params(WeekQuery),
    responses((status = 200, content_type = DOCX, description = "the .docx, named after the organisation and the week's Monday (Content-Disposition)"), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn summary_docx(
    State(app): State<App>,
    v: ApiViewer,
    Query(q): Query<WeekQuery>,
) -> Result<Response, ApiError> {
    let actor = &v.0.actor;
    let week = crate::shared::weekly::asked_week(&app, actor, q.week).await?;
    Ok(summary_download(&app, actor, week).await?)
}

/// Saves the office's summary of a week as edited (一周一汇总; the office): version 0 the
/// first time, then the version read.
#[utoipa::path(put, path = "/weekly/summary", tag = "weekly", request_body = WeekText,
    responses((status = 200, body = SavedSummary), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_summary(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<WeekText>,
) -> Result<Json<SavedSummary>, ApiError> {
    let actor = &v.0.actor;
    weekly::save_summary(
        &app.db,
        actor,
        v.0.change(&app),
        input.week,
        &input.content,
        input.version,
    )
    .await?;
    let saved = weekly::saved_summary(&app.db, actor, input.week).await?;
    Ok(Json(saved.ok_or(StoreError::NotFound)?))
}

/// When weekly reports are due.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DueRule {
    /// The weekday, 1 (Monday) to 7 (Sunday).
    pub weekday: u32,
    /// The hour (Beijing time), 0–23.
    pub hour: u32,
    /// Its version (0 while the default applies).
    pub version: i64,
}

/// When weekly reports are due in the caller's organisation.
#[utoipa::path(get, path = "/weekly/rule", tag = "weekly",
    responses((status = 200, body = DueRule), (status = 403, body = ApiErrorBody)))]
pub async fn get_rule(State(app): State<App>, v: ApiViewer) -> Result<Json<DueRule>, ApiError> {
    takes_part(&v.0.actor)?;
    let (rule, version) = weekly_rule::get(&app.db, v.0.actor.org).await?;
    Ok(Json(DueRule {
        weekday: rule.weekday.number_from_monday(),
        hour: rule.hour,
        version,
    }))
}

/// A change to when reports are due.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DueRuleInput {
    /// The weekday, 1 (Monday) to 7 (Sunday).
    pub weekday: u32,
    /// The hour (Beijing time), 0–23.
    pub hour: u32,
    /// The version read (0 while the default applies).
    pub version: i64,
}

/// Sets the weekday and hour reports are due (the office; recorded).
#[utoipa::path(put, path = "/weekly/rule", tag = "weekly", request_body = DueRuleInput,
    responses((status = 200, body = DueRule), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_rule(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<DueRuleInput>,
) -> Result<Json<DueRule>, ApiError> {
    weekly_rule::save(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        &input.weekday.to_string(),
        &input.hour.to_string(),
        input.version,
    )
    .await?;
    get_rule(State(app), v).await
}
