//! Administration (三员分立): the system administrator keeps units and accounts, the
//! security administrator assigns roles, the audit administrator reads the trail.
//! Each page refuses the other roles; none of them shows business data.

use askama::Template;
use axum::extract::{Path, State};
use axum::response::Response;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::reason::Choose;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{Role, UnitId, UserId};

use zhenggai_storage::accounts::auth::ApiToken;
use zhenggai_storage::accounts::units::{self, Unit, UnitKind};
use zhenggai_storage::accounts::users::{self, NewUser, User};
use zhenggai_storage::{StoreError, accounts::auth};

use super::{Errors, Nav, refused_form, render, see_other, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::session::Viewer;
use crate::state::App;

/// Refuses, naming the administrator who does it (`by`), unless `ok`.
fn require(ok: bool, by: Role) -> Result<(), PageError> {
    if ok {
        Ok(())
    } else {
        Err(StoreError::refused(Refused::ByAdministrator { role: by }).into())
    }
}

#[derive(Template)]
#[template(path = "admin_units.html")]
struct UnitsPage {
    t: Tr,
    nav: Nav,
    units: Vec<Unit>,
    org_kind: UnitKind,
    errors: Errors,
}

impl UnitsPage {
    /// The name of a unit's parent (empty for a top-level organisation).
    fn parent_name(&self, unit: &Unit) -> &str {
        unit.parent_id
            .and_then(|p| self.units.iter().find(|u| u.id == p))
            .map(Unit::label)
            .unwrap_or_default()
    }
}

/// GET /admin/units
pub async fn units_page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    require(v.actor.role.manages_accounts(), Role::SysAdmin)?;
    let units = units::list(&app.db, None).await?;
    Ok(render(&UnitsPage {
        t: tr(&v),
        nav: Nav::new(&v, "units", "/admin/units"),
        units,
        org_kind: UnitKind::Org,
        errors: Errors::none(v.lang),
    }))
}

/// POST /admin/units
pub async fn add_unit(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let kind = if form.get("kind") == "org" {
        UnitKind::Org
    } else {
        UnitKind::Dept
    };
    let change = v.change(&app);
    let short = Some(form.get("short_name")).filter(|s| !s.trim().is_empty());
    match units::create(
        &app.db,
        &v.actor,
        change,
        form.id("parent_id").map(UnitId),
        kind,
        form.get("name"),
        short,
    )
    .await
    {
        Ok(_) => Ok(see_other("/admin/units")),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                Ok(UnitsPage {
                    t: tr(&v),
                    nav: Nav::new(&v, "units", "/admin/units"),
                    units: units::list(&app.db, None).await?,
                    org_kind: UnitKind::Org,
                    errors,
                })
            })
            .await
        }
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
struct UsersPage {
    t: Tr,
    nav: Nav,
    users: Vec<User>,
    units: Vec<Unit>,
    roles: [Role; 9],
    sysadmin: bool,
    secadmin: bool,
    /// The viewer, who may not disable their own account.
    me: UserId,
    /// Now, as stored instants are written: a lock until a later one still holds.
    now: String,
    /// What was done, and what the person types as it is (a one-time password).
    notice: Option<(String, String)>,
    errors: Errors,
}

impl UsersPage {
    /// The names of a person's units in charge.
    fn in_charge_names(&self, user: &User) -> String {
        user.units_in_charge
            .iter()
            .filter_map(|id| self.units.iter().find(|u| u.id == *id))
            .map(Unit::label)
            .collect::<Vec<_>>()
            .join("、")
    }

    /// The units a person may be put in charge of: the organisation itself (its Party
    /// secretary, who reads its whole ledger) and its departments.
    fn chargeable(&self, user: &User) -> Vec<&Unit> {
        let org = self
            .units
            .iter()
            .find(|u| u.id == user.unit_id)
            .map(|u| u.org_id);
        self.units
            .iter()
            .filter(|u| (u.kind == UnitKind::Dept && Some(u.org_id) == org) || Some(u.id) == org)
            .collect()
    }
}

async fn users_page_with(
    app: &App,
    v: &Viewer,
    notice: Option<(String, String)>,
    errors: Errors,
) -> Result<UsersPage, PageError> {
    Ok(UsersPage {
        t: tr(v),
        nav: Nav::new(v, "users", "/admin/users"),
        users: users::list(&app.db).await?,
        units: units::list(&app.db, None).await?,
        roles: Role::ALL,
        sysadmin: v.actor.role == Role::SysAdmin,
        secadmin: v.actor.role == Role::SecAdmin,
        me: v.user.id,
        now: zhenggai_storage::db::sql::stamp(app.clock.now()),
        notice,
        errors,
    })
}

/// GET /admin/users
pub async fn users_page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    require(
        v.actor.role.manages_accounts() || v.actor.role.assigns_roles(),
        Role::SysAdmin,
    )?;
    Ok(render(
        &users_page_with(&app, &v, None, Errors::none(v.lang)).await?,
    ))
}

/// POST /admin/users — a new account with a one-time password, shown once.
pub async fn add_user(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    require(v.actor.role.manages_accounts(), Role::SysAdmin)?;
    let password = auth::generate_password();
    let new = NewUser {
        username: form.get("username").trim(),
        display_name: form.get("display_name"),
        unit: UnitId(form.id("unit_id").unwrap_or(0)),
        role: Role::Unassigned,
        units_in_charge: Vec::new(),
        password: &password,
        must_change_password: true,
    };
    let change = v.change(&app);
    match users::create(&app.db, &v.actor, change, &new).await {
        Ok(_) => {
            let notice = (tr(&v).user_created_password().to_string(), password);
            Ok(render(
                &users_page_with(&app, &v, Some(notice), Errors::none(v.lang)).await?,
            ))
        }
        Err(e) => users_page_refusing(&app, &v, e).await,
    }
}

/// The accounts page again, with what was refused at its fields (422).
async fn users_page_refusing(app: &App, v: &Viewer, e: StoreError) -> Result<Response, PageError> {
    refused_form(e, v.lang, async |errors| {
        users_page_with(app, v, None, errors).await
    })
    .await
}

/// POST /admin/users/{id}/password — a new one-time password, shown once.
pub async fn reset_password(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    _: PageForm,
) -> Result<Response, PageError> {
    require(v.actor.role.manages_accounts(), Role::SysAdmin)?;
    let password = auth::generate_password();
    let change = v.change_because(&app, "reset by the system administrator");
    users::reset_password(&app.db, &v.actor, change, UserId(id), &password).await?;
    let user = users::get(&app.db, UserId(id)).await?;
    let notice = (tr(&v).new_password_of(&user.display_name), password);
    Ok(render(
        &users_page_with(&app, &v, Some(notice), Errors::none(v.lang)).await?,
    ))
}

/// POST /admin/users/{id}/role
pub async fn set_role(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    require(v.actor.role.assigns_roles(), Role::SecAdmin)?;
    let role = Role::from_code(form.get("role"))
        .ok_or_else(|| StoreError::because("role", Why::Choose(Choose::Role)))?;
    let in_charge = form
        .all("units_in_charge")
        .into_iter()
        .map(|s| s.trim().parse().map(UnitId))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|_| StoreError::because("units_in_charge", Why::Choose(Choose::UnitsInCharge)))?;
    let change = v.change(&app);
    let result = users::set_role(
        &app.db,
        Some(&v.actor),
        change,
        UserId(id),
        form.id("version").unwrap_or(0),
        role,
        &in_charge,
    )
    .await;
    match result {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(e) => users_page_refusing(&app, &v, e).await,
    }
}

/// POST /admin/users/{id}/disabled — 停用 or 启用 an account (security administrator).
pub async fn set_disabled(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    require(v.actor.role.assigns_roles(), Role::SecAdmin)?;
    let disabled = form.get("disabled") == "1";
    let result = users::set_disabled(
        &app.db,
        Some(&v.actor),
        v.change_because(&app, form.get("reason")),
        UserId(id),
        form.id("version").unwrap_or(0),
        disabled,
    )
    .await;
    match result {
        Ok(()) => Ok(see_other("/admin/users")),
        Err(e) => users_page_refusing(&app, &v, e).await,
    }
}

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    t: Tr,
    nav: Nav,
    token: Option<String>,
    tokens: Vec<ApiToken>,
    errors: Errors,
}

impl TokensPage {
    /// A stored instant as the person reads it: Beijing time to the minute.
    fn when(&self, at: &str) -> String {
        zhenggai_storage::db::sql::parse_stamp(at)
            .map(|d| china_time(d).format("%Y-%m-%d %H:%M").to_string())
            .unwrap_or_default()
    }
}

async fn tokens_page_with(
    app: &App,
    v: &Viewer,
    token: Option<String>,
    errors: Errors,
) -> Result<TokensPage, PageError> {
    Ok(TokensPage {
        t: tr(v),
        nav: Nav::new(v, "tokens", "/tokens"),
        token,
        tokens: auth::tokens(&app.db, v.user.id).await?,
        errors,
    })
}

/// GET /tokens — the person's own tokens, and a form for a new one.
pub async fn tokens_page(State(app): State<App>, v: Viewer) -> Result<Response, PageError> {
    Ok(render(
        &tokens_page_with(&app, &v, None, Errors::none(v.lang)).await?,
    ))
}

/// POST /tokens — a token with the person's own access, shown once.
pub async fn create_token(
    State(app): State<App>,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    match auth::create_api_token(&app.db, v.user.id, form.get("name"), app.clock.now()).await {
        Ok(token) => Ok(render(
            &tokens_page_with(&app, &v, Some(token.0), Errors::none(v.lang)).await?,
        )),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                tokens_page_with(&app, &v, None, errors).await
            })
            .await
        }
    }
}

/// POST /tokens/{id}/revoke — revokes one of the person's own tokens.
pub async fn revoke_token(
    State(app): State<App>,
    v: Viewer,
    Path(id): Path<i64>,
    _: PageForm,
) -> Result<Response, PageError> {
    auth::revoke_api_token(&app.db, v.change(&app), v.user.id, id).await?;
    Ok(see_other("/tokens"))
}
