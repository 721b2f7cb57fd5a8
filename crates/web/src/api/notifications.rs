//! Each person's own notifications (消息提醒, the bell) through the API, as
//! `pages/notifications` lists and marks them.

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::reminders::{self, Notification};

use super::ApiJson;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of the caller's notifications.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(notifications))
        .routes(routes!(mark_read))
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
        unread: reminders::unread(&app.db, user).await?,
        items: reminders::list(&app.db, user, 200).await?,
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
    let marked = reminders::mark_read(&app.db, v.0.user.id, body.id, app.clock.now()).await?;
    Ok(Json(Marked { marked }))
}
