//! 三色预警 through the API: the warning board each business role sees for its own
//! scope, the warning rules the office sets, and the organisation's channels besides
//! the bell (e-mail, a group robot) — what `pages/warnings` does.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::escalation::NoticeKind;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::reminder::RobotKind;
use zhenggai_domain::warning::Colour;
use zhenggai_storage::StoreError;
use zhenggai_storage::ledger::notices;
use zhenggai_storage::ledger::query::FilterInput;
use zhenggai_storage::ledger::warnings::{self, Board};
use zhenggai_storage::reminders::channels::{self, OrgChannels, OrgChannelsInput};
use zhenggai_storage::settings::warning_rules::{self, Settings, SettingsInput};

use super::ApiJson;
use super::extract::Query;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of the board, the rules and the channels.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(get_board))
        .routes(routes!(get_rules, save_rules))
        .routes(routes!(get_channels, save_channels))
}

/// How many 督办 notices of a kind the organisation issued.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NoticeCount {
    /// The kind.
    pub kind: NoticeKind,
    /// How many.
    pub count: i64,
}

/// The warning board as the caller sees it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct WarningBoard {
    /// The counts per colour, the measures warned and the rules they are counted by.
    pub board: Board,
    /// 督办 notices issued by the organisation, for whoever reads its ledger.
    pub notices: Vec<NoticeCount>,
}

/// A page of the board, as the lists take it.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[serde(default, deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct BoardPage {
    /// Page number, from 1.
    pub page: String,
    /// Measures per page, at most 200.
    pub per_page: String,
}

/// The warning board (三色预警): the measures the caller sees, by colour, a page of
/// them, the most urgent first.
#[utoipa::path(get, path = "/warnings", tag = "warnings", params(BoardPage),
    responses((status = 200, body = WarningBoard), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn get_board(
    State(app): State<App>,
    v: ApiViewer,
    Query(paging): Query<BoardPage>,
) -> Result<Json<WarningBoard>, ApiError> {
    let actor = &v.0.actor;
    let paging = FilterInput {
        page: paging.page,
        per_page: paging.per_page,
        ..FilterInput::default()
    }
    .check(app.config.page_size)?;
    let calendar = zhenggai_storage::calendar::load(&app.db).await?;
    let board = warnings::board(
        &app.db,
        actor,
        &calendar,
        app.clock.today(),
        (paging.page, paging.per_page),
    )
    .await?;
    let notices = if actor.ledger_access(actor.org) >= Access::Read {
        notices::counts(&app.db, actor, actor.org).await?
    } else {
        Vec::new()
    };
    Ok(Json(WarningBoard {
        board,
        notices: notices
            .into_iter()
            .map(|(kind, count)| NoticeCount { kind, count })
            .collect(),
    }))
}

/// The settings are the office's: the page and the API show them to it alone.
fn require_office(actor: &Actor) -> Result<(), ApiError> {
    if actor.ledger_access(actor.org) < Access::Edit {
        return Err(StoreError::refused(Refused::SettingsByOffice).into());
    }
    Ok(())
}

/// The warning rules of the caller's organisation (预警规则; the office): thresholds,
/// who each colour reaches, the Party secretary, when reminders go out.
#[utoipa::path(get, path = "/warning-rules", tag = "warnings",
    responses((status = 200, body = Settings), (status = 403, body = ApiErrorBody)))]
pub async fn get_rules(State(app): State<App>, v: ApiViewer) -> Result<Json<Settings>, ApiError> {
    let actor = &v.0.actor;
    require_office(actor)?;
    Ok(Json(
        warning_rules::of_org(&app.db, actor, actor.org).await?,
    ))
}

/// Sets the warning rules of the caller's organisation (预警规则; the office; recorded):
/// numbers as text as the form sends them, `version` as read (0 while the defaults
/// apply).
#[utoipa::path(put, path = "/warning-rules", tag = "warnings", request_body = SettingsInput,
    responses((status = 200, body = Settings), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_rules(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Json<Settings>, ApiError> {
    let actor = &v.0.actor;
    Ok(Json(
        warning_rules::save(&app.db, actor, v.0.change(&app), actor.org, &input).await?,
    ))
}

/// The organisation's channels as the office reads them: the robot's secret is never
/// sent back.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Channels {
    /// Whether its people get reminders by e-mail too.
    pub email_on: bool,
    /// Whether the server can send e-mail at all (`[email]` in the configuration).
    pub email_configured: bool,
    /// Its group-chat robot (群机器人), if any.
    pub robot_kind: Option<RobotKind>,
    /// The robot's webhook.
    pub robot_url: String,
    /// Whether a signing secret is stored.
    pub has_secret: bool,
    /// The warning colours the robot posts.
    pub robot_colours: Vec<Colour>,
    /// Version, for the next save.
    pub version: i64,
}

impl Channels {
    fn of(c: OrgChannels, email_configured: bool) -> Channels {
        Channels {
            email_on: c.email_on,
            email_configured,
            robot_kind: c.robot.as_ref().map(|r| r.kind),
            robot_url: c.robot.as_ref().map(|r| r.url.clone()).unwrap_or_default(),
            has_secret: c.robot.as_ref().is_some_and(|r| !r.secret.is_empty()),
            robot_colours: c.robot_colours,
            version: c.version,
        }
    }
}

/// The channels of the caller's organisation besides the bell (the office).
#[utoipa::path(get, path = "/channels", tag = "warnings",
    responses((status = 200, body = Channels), (status = 403, body = ApiErrorBody)))]
pub async fn get_channels(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Channels>, ApiError> {
    require_office(&v.0.actor)?;
    let c = channels::for_org(&app.db, v.0.actor.org).await?;
    Ok(Json(Channels::of(c, app.config.email_configured)))
}

/// Sets the channels of the caller's organisation (the office; recorded): e-mail on or
/// off, a robot (`robot_kind` empty for none) with its webhook, its secret (empty keeps
/// the one stored) and the colour codes it posts (left out keeps those stored).
#[utoipa::path(put, path = "/channels", tag = "warnings", request_body = OrgChannelsInput,
    responses((status = 200, body = Channels), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_channels(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<OrgChannelsInput>,
) -> Result<Json<Channels>, ApiError> {
    let actor = &v.0.actor;
    require_office(actor)?;
    let saved = channels::save_org(
        &app.db,
        actor,
        v.0.change(&app),
        actor.org,
        &input,
        &app.config.robot_hosts,
    )
    .await?;
    Ok(Json(Channels::of(saved, app.config.email_configured)))
}
