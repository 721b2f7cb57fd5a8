//! Accounts, units and tokens through the API, for the roles that hold them (三员分立)
//! — what `pages/admin` does.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use zhenggai_domain::reason::{Choose, Refused};
use zhenggai_domain::validate::Why;
use zhenggai_domain::{Role, UnitId, UserId};
use zhenggai_storage::accounts::auth::ApiToken;
use zhenggai_storage::accounts::units::{self, Unit, UnitKind};
use zhenggai_storage::accounts::users::{self, NewUser, User};
use zhenggai_storage::{StoreError, accounts::auth};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::ApiViewer;
use crate::state::App;

/// The routes of tokens, units and accounts.
pub fn routes() -> OpenApiRouter<App> {
    OpenApiRouter::new()
        .routes(routes!(list_tokens, create_token))
        .routes(routes!(revoke_token))
        .routes(routes!(set_disabled))
        .routes(routes!(list_units, create_unit))
        .routes(routes!(list_users, create_user))
        .routes(routes!(set_role))
        .routes(routes!(reset_password))
}

/// A token request.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TokenInput {
    /// What the token is for.
    pub name: String,
}

/// A new token, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewToken {
    /// Send as `Authorization: Bearer …`.
    pub token: String,
}

/// Creates an API token with the caller's own access.
#[utoipa::path(post, path = "/tokens", tag = "accounts", request_body = TokenInput, responses((status = 201, body = NewToken), (status = 422, body = ApiErrorBody)))]
pub async fn create_token(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    let token = auth::create_api_token(&app.db, v.0.user.id, &input.name, app.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(NewToken { token: token.0 })))
}

/// The caller's own API tokens, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/tokens", tag = "accounts", responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ApiErrorBody)))]
pub async fn list_tokens(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(auth::tokens(&app.db, v.0.user.id).await?))
}

/// Revokes one of the caller's own tokens (recorded). Another person's token is not
/// found.
#[utoipa::path(post, path = "/tokens/{id}/revoke", tag = "accounts", params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    auth::revoke_api_token(&app.db, v.0.change(&app), v.0.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Whether an account is disabled.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DisabledInput {
    /// `true` disables (停用), `false` enables (启用).
    pub disabled: bool,
    /// The version of the account read.
    pub version: i64,
    /// Why (recorded).
    pub reason: Option<String>,
}

/// Disables or enables an account (security administrator). Disabling ends its
/// sessions and revokes its tokens; it cannot log in until enabled again.
#[utoipa::path(put, path = "/users/{id}/disabled", tag = "accounts", request_body = DisabledInput, params(("id" = i64, Path, description = "user id")),
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn set_disabled(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<DisabledInput>,
) -> Result<StatusCode, ApiError> {
    let reason = input.reason.as_deref().unwrap_or("");
    users::set_disabled(
        &app.db,
        Some(&v.0.actor),
        v.0.change_because(&app, reason),
        UserId(id),
        input.version,
        input.disabled,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Units: the whole tree for the system administrator, the caller's organisation for
/// business roles.
#[utoipa::path(get, path = "/units", tag = "accounts", responses((status = 200, body = Vec<Unit>)))]
pub async fn list_units(State(app): State<App>, v: ApiViewer) -> Result<Json<Vec<Unit>>, ApiError> {
    let role = v.0.actor.role;
    let units = if role.manages_accounts() || role.assigns_roles() {
        units::list(&app.db, None).await?
    } else if role.reads_business_data() {
        units::list(&app.db, Some(v.0.actor.org)).await?
    } else {
        return Err(by_administrator(Role::SysAdmin));
    };
    Ok(Json(units))
}

/// A new unit.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UnitInput {
    /// The unit above (required for a department).
    pub parent_id: Option<i64>,
    /// org or dept.
    pub kind: String,
    /// Full name.
    pub name: String,
    /// Short name.
    pub short_name: Option<String>,
}

/// Adds a unit (system administrator).
#[utoipa::path(post, path = "/units", tag = "accounts", request_body = UnitInput, responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_unit(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<UnitInput>,
) -> Result<(StatusCode, Json<Created>), ApiError> {
    let kind = match input.kind.as_str() {
        "org" => UnitKind::Org,
        "dept" => UnitKind::Dept,
        _ => {
            return Err(StoreError::because("kind", Why::Choose(Choose::UnitKind)).into());
        }
    };
    let id = units::create(
        &app.db,
        &v.0.actor,
        v.0.change(&app),
        input.parent_id.map(UnitId),
        kind,
        &input.name,
        input.short_name.as_deref(),
    )
    .await?;
    Ok((StatusCode::CREATED, Json(Created { id: id.0 })))
}

/// Every account (system and security administrators).
#[utoipa::path(get, path = "/users", tag = "accounts", responses((status = 200, body = Vec<User>), (status = 403, body = ApiErrorBody)))]
pub async fn list_users(State(app): State<App>, v: ApiViewer) -> Result<Json<Vec<User>>, ApiError> {
    let role = v.0.actor.role;
    if !(role.manages_accounts() || role.assigns_roles()) {
        return Err(by_administrator(Role::SysAdmin));
    }
    Ok(Json(users::list(&app.db).await?))
}

/// A new account.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UserInput {
    /// Login name.
    pub username: String,
    /// Name shown.
    pub display_name: String,
    /// Unit.
    pub unit_id: i64,
}

/// A new account and its one-time password.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct NewAccount {
    /// Id.
    pub id: i64,
    /// One-time password, to be changed at first login.
    pub password: String,
}

/// Creates an account without a role (system administrator); the security
/// administrator assigns the role.
#[utoipa::path(post, path = "/users", tag = "accounts", request_body = UserInput, responses((status = 201, body = NewAccount), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_user(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<NewAccount>), ApiError> {
    let password = auth::generate_password();
    let new = NewUser {
        username: input.username.trim(),
        display_name: &input.display_name,
        unit: UnitId(input.unit_id),
        role: Role::Unassigned,
        units_in_charge: Vec::new(),
        password: &password,
        must_change_password: true,
    };
    let id = users::create(&app.db, &v.0.actor, v.0.change(&app), &new).await?;
    Ok((StatusCode::CREATED, Json(NewAccount { id: id.0, password })))
}

/// A role assignment.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleInput {
    /// The account's version as read.
    pub version: i64,
    /// office, leader, unit, supervisor, upper, sysadmin, secadmin, auditadmin, unassigned.
    pub role: String,
    /// For a leader: the units in charge.
    #[serde(default)]
    pub units_in_charge: Vec<i64>,
}

/// Assigns a role (security administrator; never to oneself).
#[utoipa::path(put, path = "/users/{id}/role", tag = "accounts", params(("id" = i64, Path)), request_body = RoleInput,
    responses((status = 204), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn set_role(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
    ApiJson(input): ApiJson<RoleInput>,
) -> Result<StatusCode, ApiError> {
    let role = Role::from_code(&input.role)
        .ok_or_else(|| StoreError::because("role", Why::Choose(Choose::UnknownRole)))?;
    let in_charge: Vec<UnitId> = input.units_in_charge.into_iter().map(UnitId).collect();
    users::set_role(
        &app.db,
        Some(&v.0.actor),
        v.0.change(&app),
        UserId(id),
        input.version,
        role,
        &in_charge,
    )
    .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A one-time password, shown once.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct OneTimePassword {
    /// To be changed at the next login.
    pub password: String,
}

/// Resets an account's password to a new one-time password (重置密码; the system
/// administrator, never another administrator's): every session and token of the
/// account ends; recorded.
#[utoipa::path(post, path = "/users/{id}/password", tag = "accounts", params(("id" = i64, Path, description = "user id")),
    responses((status = 200, body = OneTimePassword), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn reset_password(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<Json<OneTimePassword>, ApiError> {
    let password = auth::generate_password();
    let change =
        v.0.change_because(&app, "reset by the system administrator");
    users::reset_password(&app.db, &v.0.actor, change, UserId(id), &password).await?;
    Ok(Json(OneTimePassword { password }))
}

/// The refusal naming the administrator whose work it is (三员分立).
fn by_administrator(role: Role) -> ApiError {
    StoreError::refused(Refused::ByAdministrator { role }).into()
}
