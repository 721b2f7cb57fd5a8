//! The caller's own account through the API: who it is, and changing its password —
//! what `pages/login` does besides logging in and out.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_storage::accounts::users::User;

use super::ApiJson;
use crate::error::{ApiError, ApiErrorBody};
use crate::session::{ApiViewer, ClientAddr};
use crate::state::App;

/// The routes of the caller's own account.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(me))
        .routes(routes!(change_password))
}

/// The caller.
#[utoipa::path(get, path = "/me", tag = "accounts", responses((status = 200, body = User), (status = 401, body = ApiErrorBody)))]
pub async fn me(v: ApiViewer) -> Json<User> {
    Json(v.0.user)
}

/// A password change.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordInput {
    /// The current password.
    pub old_password: String,
    /// The new one (see the password rule on the /password page).
    pub password: String,
}

/// Changes the caller's own password. The only route open to an account whose
/// password the system administrator set; every other session and every token of the
/// account ends (this one too, when the call is made with a token: log in again or
/// create a new token).
#[utoipa::path(post, path = "/password", tag = "accounts", request_body = PasswordInput,
    responses((status = 204), (status = 422, body = ApiErrorBody)))]
pub async fn change_password(
    State(app): State<App>,
    ClientAddr(address): ClientAddr,
    v: ApiViewer,
    ApiJson(input): ApiJson<PasswordInput>,
) -> Result<StatusCode, ApiError> {
    crate::shared::accounts::change_own_password(
        &app,
        &v.0,
        &address,
        &input.old_password,
        &input.password,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}
