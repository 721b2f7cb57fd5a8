//! Each person's own notifications (消息提醒, the bell) and e-mail setting through the
//! API, as `pages/notifications` lists, marks and sets them. Nobody reads, marks or
//! sets another's.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::reminders::bell::{self, Notification};
use zhenggai_storage::reminders::channels::{self, UserChannel};

use super::ApiJson;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of the caller's notifications.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(notifications))
        .routes(routes!(mark_read))
        .routes(routes!(get_email, save_email))
}

/// The caller's notifications (the bell).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Bell {
    /// How many are unread.
    pub unread: i64,
    /// The latest 200, newest first.
    pub items: Vec<Notification>,
}

/// The caller's own notifications, newest first, and how many are unread.
#[utoipa::path(get, path = "/notifications", tag = "notifications", responses((status = 200, body = Bell), (status = 401, body = ApiErrorBody)))]
pub async fn notifications(State(app): State<App>, v: ApiViewer) -> Result<Json<Bell>, ApiError> {
    let user = v.0.user.id;
    Ok(Json(Bell {
        unread: bell::unread(&app.db, user).await?,
        items: bell::list(&app.db, user, 200).await?,
    }))
}

/// Which notifications to mark read.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MarkRead {
    /// One of the caller's notifications; all of them when left out.
    pub id: Option<i64>,
}

/// How many were marked.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Marked {
    /// Notifications newly marked read (another person's are never touched).
    pub marked: u64,
}

/// Marks the caller's notifications read: one, or all.
#[utoipa::path(post, path = "/notifications/read", tag = "notifications", request_body = MarkRead,
    responses((status = 200, body = Marked), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody)))]
pub async fn mark_read(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<Json<Marked>, ApiError> {
    let marked = bell::mark_read(&app.db, v.0.user.id, body.id, app.clock.now()).await?;
    Ok(Json(Marked { marked }))
}

/// The caller's own e-mail setting (reminders by e-mail besides the bell).
#[utoipa::path(get, path = "/notifications/email", tag = "notifications",
    responses((status = 200, body = UserChannel), (status = 401, body = ApiErrorBody)))]
pub async fn get_email(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<UserChannel>, ApiError> {
    Ok(Json(channels::of_user(&app.db, v.0.user.id).await?))
}

/// A person's e-mail setting as entered.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailInput {
    /// Their address, or empty.
    pub email: String,
    /// Whether they want reminders by e-mail (needs an address).
    pub email_on: bool,
    /// The version read (0 until set).
    pub version: i64,
}

/// Sets the caller's own e-mail setting (recorded).
#[utoipa::path(put, path = "/notifications/email", tag = "notifications", request_body = EmailInput,
    responses((status = 200, body = UserChannel), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn save_email(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<EmailInput>,
) -> Result<Json<UserChannel>, ApiError> {
    Ok(Json(
        channels::save_user(
            &app.db,
            &v.0.actor,
            v.0.change(&app),
            &input.email,
            input.email_on,
            input.version,
        )
        .await?,
    ))
}
