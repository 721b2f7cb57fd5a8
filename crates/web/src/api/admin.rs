//! Accounts, units, tokens and the audit trail through the API, for the roles that
//! hold them (三员分立); and each person's own notifications (the bell).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use zhenggai_domain::reason::{Choose, Rule};
use zhenggai_domain::validate::Why;
use zhenggai_domain::{Role, UnitId, UserId};
use zhenggai_storage::accounts::auth::ApiToken;
use zhenggai_storage::accounts::units::{self, Unit, UnitKind};
use zhenggai_storage::accounts::users::{self, NewUser, User};
use zhenggai_storage::audit::{self, trail::AuditEntry};
use zhenggai_storage::reminders::bell::{self, Notification};
use zhenggai_storage::{StoreError, accounts::auth};

use super::extract::Path;
use super::{ApiJson, Created};
use crate::error::{ApiError, ApiErrorBody};
use crate::session::{ApiViewer, ClientAddr};
use crate::state::App;

/// The caller.
#[utoipa::path(get, path = "/api/v1/me", tag = "accounts", responses((status = 200, body = User), (status = 401, body = ApiErrorBody)))]
pub async fn me(v: ApiViewer) -> Json<User> {
    Json(v.0.user)
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
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications", responses((status = 200, body = Bell), (status = 401, body = ApiErrorBody)))]
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
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications", request_body = MarkRead,
    responses((status = 200, body = Marked), (status = 400, body = ApiErrorBody), (status = 401, body = ApiErrorBody)))]
pub async fn mark_read(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(body): ApiJson<MarkRead>,
) -> Result<Json<Marked>, ApiError> {
    let marked = bell::mark_read(&app.db, v.0.user.id, body.id, app.clock.now()).await?;
    Ok(Json(Marked { marked }))
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
#[utoipa::path(post, path = "/api/v1/tokens", tag = "accounts", request_body = TokenInput, responses((status = 201, body = NewToken), (status = 422, body = ApiErrorBody)))]
pub async fn create_token(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<TokenInput>,
) -> Result<(StatusCode, Json<NewToken>), ApiError> {
    let token = auth::create_api_token(&app.db, v.0.user.id, &input.name, app.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(NewToken { token: token.0 })))
}

/// The caller's own API tokens, newest first (never the tokens themselves).
#[utoipa::path(get, path = "/api/v1/tokens", tag = "accounts", responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ApiErrorBody)))]
pub async fn list_tokens(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<ApiToken>>, ApiError> {
    Ok(Json(auth::tokens(&app.db, v.0.user.id).await?))
}

/// Revokes one of the caller's own tokens (recorded). Another person's token is not
/// found.
#[utoipa::path(post, path = "/api/v1/tokens/{id}/revoke", tag = "accounts", params(("id" = i64, Path, description = "token id")),
    responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(
    State(app): State<App>,
    v: ApiViewer,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    auth::revoke_api_token(&app.db, v.0.change(&app), v.0.user.id, id).await?;
    Ok(StatusCode::NO_CONTENT)
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
#[utoipa::path(post, path = "/api/v1/password", tag = "accounts", request_body = PasswordInput,
    responses((status = 204), (status = 422, body = ApiErrorBody)))]
pub async fn change_password(
    State(app): State<App>,
    ClientAddr(address): ClientAddr,
    v: ApiViewer,
    ApiJson(input): ApiJson<PasswordInput>,
) -> Result<StatusCode, ApiError> {
    crate::pages::login::change_own_password(
        &app,
        &v.0,
        &address,
        &input.old_password,
        &input.password,
    )
    .await?;
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
#[utoipa::path(put, path = "/api/v1/users/{id}/disabled", tag = "accounts", request_body = DisabledInput, params(("id" = i64, Path, description = "user id")),
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
        &v.0.actor,
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
#[utoipa::path(get, path = "/api/v1/units", tag = "accounts", responses((status = 200, body = Vec<Unit>)))]
pub async fn list_units(State(app): State<App>, v: ApiViewer) -> Result<Json<Vec<Unit>>, ApiError> {
    let role = v.0.actor.role;
    let units = if role.manages_accounts() || role.assigns_roles() {
        units::list(&app.db, None).await?
    } else if role.reads_business_data() {
        units::list(&app.db, Some(v.0.actor.org)).await?
    } else {
        return Err(StoreError::Forbidden.into());
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
#[utoipa::path(post, path = "/api/v1/units", tag = "accounts", request_body = UnitInput, responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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
#[utoipa::path(get, path = "/api/v1/users", tag = "accounts", responses((status = 200, body = Vec<User>), (status = 403, body = ApiErrorBody)))]
pub async fn list_users(State(app): State<App>, v: ApiViewer) -> Result<Json<Vec<User>>, ApiError> {
    let role = v.0.actor.role;
    if !(role.manages_accounts() || role.assigns_roles()) {
        return Err(StoreError::Forbidden.into());
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
#[utoipa::path(post, path = "/api/v1/users", tag = "accounts", request_body = UserInput, responses((status = 201, body = NewAccount), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
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
#[utoipa::path(put, path = "/api/v1/users/{id}/role", tag = "accounts", params(("id" = i64, Path)), request_body = RoleInput,
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

/// The latest 200 entries of the audit trail (audit administrator).
#[utoipa::path(get, path = "/api/v1/audit", tag = "accounts", responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ApiErrorBody)))]
pub async fn audit_trail(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    if !v.0.actor.role.reads_audit_trail() {
        return Err(StoreError::Forbidden.into());
    }
    Ok(Json(audit::trail::recent(app.db.pool(), 200).await?))
}

/// Which 审计校验码 to prove the trail still reaches (none: verify the trail alone).
#[derive(Debug, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VerifyInput {
    /// 审计校验码 printed on documents, e.g. `1234-0123456789abcdef`.
    #[serde(default)]
    pub checkpoints: Vec<String>,
}

/// `audit verify` (audit administrator): the chains, every business row against its
/// latest entry, the stored files; the result in words (intact up to entry N, or broken
/// at entry N, what it means and what to do) beside the figures.
#[utoipa::path(get, path = "/api/v1/audit/verify", tag = "accounts",
    responses((status = 200, body = crate::pages::trail::check::VerifyAnswer), (status = 403, body = ApiErrorBody)))]
pub async fn verify_trail(
    State(app): State<App>,
    v: ApiViewer,
) -> Result<Json<crate::pages::trail::check::VerifyAnswer>, ApiError> {
    verify_reaching(&app, &v, VerifyInput::default()).await
}

/// `audit verify` that also proves the trail still reaches each 审计校验码 given.
#[utoipa::path(post, path = "/api/v1/audit/verify", tag = "accounts", request_body = VerifyInput,
    responses((status = 200, body = crate::pages::trail::check::VerifyAnswer), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn verify_trail_reaching(
    State(app): State<App>,
    v: ApiViewer,
    ApiJson(input): ApiJson<VerifyInput>,
) -> Result<Json<crate::pages::trail::check::VerifyAnswer>, ApiError> {
    verify_reaching(&app, &v, input).await
}

async fn verify_reaching(
    app: &App,
    v: &ApiViewer,
    input: VerifyInput,
) -> Result<Json<crate::pages::trail::check::VerifyAnswer>, ApiError> {
    use crate::pages::trail::check;
    if !v.0.actor.role.reads_audit_trail() {
        return Err(StoreError::Forbidden.into());
    }
    let (claims, bad) = check::claims(&input.checkpoints.join(" "));
    if let Some(code) = bad.first() {
        return Err(StoreError::because(
            "checkpoints",
            Why::Rule(Rule::Checkpoint {
                code: code.to_string(),
            }),
        )
        .into());
    }
    let verified = check::run(app, &v.0, &claims).await?;
    Ok(Json(verified.answer()))
}

/// The trail of one record (audit administrator: any record; supervisor: inspections,
/// problems and measures they can read).
#[utoipa::path(get, path = "/api/v1/audit/{table}/{id}", tag = "accounts", params(("table" = String, Path), ("id" = i64, Path)),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn record_trail(
    State(app): State<App>,
    v: ApiViewer,
    Path((table, id)): Path<(String, i64)>,
) -> Result<Json<Vec<AuditEntry>>, ApiError> {
    let (_, entries) = crate::pages::trail::readable_trail(&app, &v.0, &table, id).await?;
    Ok(Json(entries))
}
