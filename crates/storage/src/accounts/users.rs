//! People and their roles. The system administrator creates accounts and resets
//! passwords; the security administrator assigns roles; neither sees business data
//! (三员分立, D22).

use serde::Serialize;
use zhenggai_domain::access::Actor;
use zhenggai_domain::reason::{Account, Foreign, Refused};
use zhenggai_domain::validate::FieldError;
use zhenggai_domain::validate::Why;
use zhenggai_domain::{Role, UnitId, UserId};

use crate::accounts::auth::{self, check_password_strength, hash_password};
use crate::accounts::units;
use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// A user as shown (never the password hash).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct User {
    /// Id.
    pub id: UserId,
    /// Login name.
    pub username: String,
    /// Name shown on pages.
    pub display_name: String,
    /// Their unit.
    pub unit_id: UnitId,
    /// Their unit's name.
    pub unit_name: String,
    /// Their role.
    pub role: Role,
    /// For a leader: the units in charge.
    pub units_in_charge: Vec<UnitId>,
    /// Locked after failed logins from some address until then (RFC 3339), if ever.
    pub locked_until: Option<String>,
    /// 停用 — disabled by the security administrator: no login, no session, no token.
    pub disabled: bool,
    /// Whether the person must set a new password before going on.
    pub must_change_password: bool,
    /// Version, for concurrent edits.
    pub version: i64,
}

const COLUMNS: &str = "u.id, u.username, u.display_name, u.unit_id, un.name AS unit_name, u.role, \
                       u.units_in_charge, \
                       (SELECT MAX(f.locked_until) FROM login_failures f WHERE f.user_id = u.id) AS locked_until, \
                       u.disabled, u.must_change_password, u.version";

/// A user as [`COLUMNS`] reads it.
#[derive(sqlx::FromRow)]
struct UserRow {
    id: i64,
    username: String,
    display_name: String,
    unit_id: i64,
    unit_name: String,
    role: String,
    units_in_charge: String,
    locked_until: Option<String>,
    disabled: i64,
    must_change_password: i64,
    version: i64,
}

impl TryFrom<UserRow> for User {
    type Error = sqlx::Error;

    fn try_from(r: UserRow) -> Result<User, sqlx::Error> {
        Ok(User {
            id: UserId(r.id),
            role: code_of("users", "role", &r.role)?,
            units_in_charge: serde_json::from_str::<Vec<i64>>(&r.units_in_charge)
                .unwrap_or_default()
                .into_iter()
                .map(UnitId)
                .collect(),
            username: r.username,
            display_name: r.display_name,
            unit_id: UnitId(r.unit_id),
            unit_name: r.unit_name,
            locked_until: r.locked_until,
            disabled: r.disabled != 0,
            must_change_password: r.must_change_password != 0,
            version: r.version,
        })
    }
}

/// The users a query of [`COLUMNS`] finds.
fn users(rows: Vec<UserRow>) -> StoreResult<Vec<User>> {
    rows.into_iter()
        .map(|r| User::try_from(r).map_err(StoreError::from))
        .collect()
}

/// A new account.
#[derive(Debug, Clone)]
pub struct NewUser<'a> {
    /// Login name: letters, digits, `.`, `_`, `-`.
    pub username: &'a str,
    /// Name shown on pages.
    pub display_name: &'a str,
    /// Their unit.
    pub unit: UnitId,
    /// Their role.
    pub role: Role,
    /// For a leader: the units in charge.
    pub units_in_charge: Vec<UnitId>,
    /// The first password.
    pub password: &'a str,
    /// Whether the first login must change it.
    pub must_change_password: bool,
}

fn check_username(username: &str) -> StoreResult<()> {
    let ok = (2..=32).contains(&username.len())
        && username
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-'));
    if ok {
        Ok(())
    } else {
        Err(StoreError::because(
            "username",
            Why::Account(Account::UsernameForm),
        ))
    }
}

/// Inserts an account (the shell and the demo loader; people go through [`create`]).
pub async fn insert(tx: &mut Tx, change: Change<'_>, new: &NewUser<'_>) -> StoreResult<UserId> {
    check_password_strength(new.password, new.username)?;
    let hash = hash_password(new.password)?;
    insert_hashed(tx, change, new, &hash).await
}

/// Inserts an account whose password is already hashed (the demo loader hashes its
/// one password once for all its accounts).
pub async fn insert_hashed(
    tx: &mut Tx,
    change: Change<'_>,
    new: &NewUser<'_>,
    hash: &str,
) -> StoreResult<UserId> {
    check_username(new.username)?;
    let display = new.display_name.trim();
    if display.is_empty() || display.chars().count() > 50 {
        return Err(StoreError::because(
            "display_name",
            Why::Account(Account::DisplayName),
        ));
    }
    let taken = sqlx::query("SELECT 1 FROM users WHERE username = $1")
        .bind(new.username)
        .fetch_optional(tx.conn())
        .await?
        .is_some();
    if taken {
        return Err(StoreError::because(
            "username",
            Why::Account(Account::UsernameTaken),
        ));
    }
    let unit_exists = sqlx::query("SELECT 1 FROM units WHERE id = $1 AND withdrawn_at IS NULL")
        .bind(new.unit.0)
        .fetch_optional(tx.conn())
        .await?
        .is_some();
    if !unit_exists {
        return Err(StoreError::because("unit_id", Why::Foreign(Foreign::Unit)));
    }
    check_units_in_charge(tx, new.unit, &new.units_in_charge).await?;
    let in_charge =
        serde_json::to_string(&new.units_in_charge.iter().map(|u| u.0).collect::<Vec<_>>())
            .map_err(anyhow::Error::from)?;
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO users (username, display_name, unit_id, role, units_in_charge, password_hash, must_change_password, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(new.username)
    .bind(display)
    .bind(new.unit.0)
    .bind(new.role.code())
    .bind(in_charge)
    .bind(hash)
    .bind(i64::from(new.must_change_password))
    .bind(stamp(change.at))
    .fetch_one(tx.conn())
    .await?;
    audit::write::created(tx, change, Entity::User, id).await?;
    Ok(UserId(id))
}

/// Creates an account for the system administrator. The role is left for the security
/// administrator to assign (三员分立).
pub async fn create(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    new: &NewUser<'_>,
) -> StoreResult<UserId> {
    if !actor.role.manages_accounts() {
        return Err(StoreError::refused(Refused::ByAdministrator {
            role: Role::SysAdmin,
        }));
    }
    let new = NewUser {
        role: Role::Unassigned,
        units_in_charge: Vec::new(),
        ..new.clone()
    };
    db.write(async |tx| insert(tx, change, &new).await).await
}

/// Sets a password (the person's own, the shell, or the system administrator for
/// someone else). The new one must meet the policy and differ from the current one.
/// Every session of the account but `keep` (the one that changed its own password) ends
/// and every token is revoked, in the same transaction.
pub async fn set_password(
    db: &Db,
    change: Change<'_>,
    user: UserId,
    password: &str,
    must_change: bool,
    keep: Option<i64>,
) -> StoreResult<()> {
    #[derive(sqlx::FromRow)]
    struct Current {
        username: String,
        password_hash: String,
        version: i64,
    }
    let current = sqlx::query_as::<_, Current>(
        "SELECT username, password_hash, version FROM users WHERE id = $1",
    )
    .bind(user.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    check_password_strength(password, &current.username)?;
    if crate::accounts::auth::verify_password_async(password, &current.password_hash).await? {
        return Err(StoreError::because(
            "password",
            Why::Account(Account::SamePassword),
        ));
    }
    let hash = hash_password(password)?;
    let mut set = Sql::new("password_hash = ");
    set.bind(hash)
        .push(", must_change_password = ")
        .bind(i64::from(must_change));
    db.write(async |tx| {
        // The version read with the old hash: a change in between is refused, not
        // overwritten.
        audit::versions::update(
            tx,
            change,
            "set_password",
            Entity::User,
            user.0,
            current.version,
            &set,
        )
        .await?;
        sqlx::query(
            "UPDATE login_failures SET failures = 0, locked_until = NULL WHERE user_id = $1",
        )
        .bind(user.0)
        .execute(tx.conn())
        .await?;
        crate::accounts::auth::end_access(tx, change, user, keep).await
    })
    .await
}

/// A system administrator resets someone's password: every session and token of the
/// account ends, and the person must choose a new one at the next login.
pub async fn reset_password(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    user: UserId,
    password: &str,
) -> StoreResult<()> {
    if !actor.role.manages_accounts() {
        return Err(StoreError::refused(Refused::ByAdministrator {
            role: Role::SysAdmin,
        }));
    }
    if get(db, user).await?.role.is_admin() {
        return Err(admins_only_from_the_shell("password"));
    }
    set_password(db, change, user, password, true, None).await
}

/// 三员分立: no administrator takes over another's account or makes one. A one-time
/// password for an administrator, or an administrator's role, is set on the server with
/// the command line, by whoever runs the machine.
fn admins_only_from_the_shell(field: &str) -> StoreError {
    StoreError::because(field, Why::Account(Account::ThreeAdministrators))
}

/// 停用 / 启用 — the security administrator disables an account (its sessions end and
/// its tokens are revoked; it cannot log in) or enables it again; an administrator's
/// account only the shell (`actor` `None`, `zhenggai user disable`), so that none of the
/// three can silence another. Recorded.
pub async fn set_disabled(
    db: &Db,
    actor: Option<&Actor>,
    change: Change<'_>,
    user: UserId,
    expected_version: i64,
    disabled: bool,
) -> StoreResult<()> {
    if let Some(actor) = actor {
        if !actor.role.assigns_roles() {
            return Err(StoreError::refused(Refused::ByAdministrator {
                role: Role::SecAdmin,
            }));
        }
        if actor.user == user {
            return Err(StoreError::because(
                "disabled",
                Why::Account(Account::DisableSelf),
            ));
        }
        if get(db, user).await?.role.is_admin() {
            return Err(StoreError::because(
                "disabled",
                Why::Account(Account::DisableAdministrator),
            ));
        }
    }
    if disabled && change.reason.is_none_or(|r| r.trim().is_empty()) {
        return Err(StoreError::because(
            "reason",
            Why::Account(Account::DisableReason),
        ));
    }
    let mut set = Sql::new("disabled = ");
    set.bind(i64::from(disabled));
    let action = if disabled { "disable" } else { "enable" };
    db.write(async |tx| {
        audit::versions::update(
            tx,
            change,
            action,
            Entity::User,
            user.0,
            expected_version,
            &set,
        )
        .await?;
        if disabled {
            crate::accounts::auth::end_access(tx, change, user, None).await?;
        }
        Ok(())
    })
    .await
}

/// Assigns a role (the security administrator, or the shell with `actor = None`).
pub async fn set_role(
    db: &Db,
    actor: Option<&Actor>,
    change: Change<'_>,
    user: UserId,
    expected_version: i64,
    role: Role,
    units_in_charge: &[UnitId],
) -> StoreResult<()> {
    if let Some(actor) = actor {
        if !actor.role.assigns_roles() {
            return Err(StoreError::refused(Refused::ByAdministrator {
                role: Role::SecAdmin,
            }));
        }
        if actor.user == user {
            return Err(StoreError::because(
                "role",
                Why::Account(Account::AssignSelf),
            ));
        }
        if role.is_admin() || get(db, user).await?.role.is_admin() {
            return Err(admins_only_from_the_shell("role"));
        }
    }
    let in_charge = serde_json::to_string(&units_in_charge.iter().map(|u| u.0).collect::<Vec<_>>())
        .map_err(anyhow::Error::from)?;
    let mut set = Sql::new("role = ");
    set.bind(role.code())
        .push(", units_in_charge = ")
        .bind(in_charge);
    db.write(async |tx| {
        let unit: i64 = sqlx::query_scalar("SELECT unit_id FROM users WHERE id = $1")
            .bind(user.0)
            .fetch_optional(tx.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        check_units_in_charge(tx, UnitId(unit), units_in_charge).await?;
        audit::versions::update(
            tx,
            change,
            "set_role",
            Entity::User,
            user.0,
            expected_version,
            &set,
        )
        .await?;
        Ok(())
    })
    .await
}

/// 分管单位 are departments of the organisation of the person's unit: a leader is
/// given no say over another organisation's measures, nor over a unit that does not
/// exist.
async fn check_units_in_charge(tx: &mut Tx, unit: UnitId, units: &[UnitId]) -> StoreResult<()> {
    if units.is_empty() {
        return Ok(());
    }
    let org: i64 = sqlx::query_scalar("SELECT org_id FROM units WHERE id = $1")
        .bind(unit.0)
        .fetch_optional(tx.conn())
        .await?
        .ok_or(StoreError::NotFound)?;
    // Its departments, or the organisation itself (its Party secretary leads it whole).
    let mut sql = Sql::new(
        "SELECT id FROM units WHERE kind IN ('dept', 'org') AND withdrawn_at IS NULL AND org_id = ",
    );
    sql.bind(org)
        .push(" AND id IN ")
        .id_list(units.iter().map(|u| u.0));
    let found: Vec<i64> = sql.query_scalar().fetch_all(tx.conn()).await?;
    let stray: Vec<i64> = units
        .iter()
        .filter(|u| !found.contains(&u.0))
        .map(|u| u.0)
        .collect();
    if stray.is_empty() {
        return Ok(());
    }
    Err(StoreError::Invalid(vec![FieldError::because(
        "units_in_charge",
        Why::Foreign(Foreign::UnitsInCharge { ids: stray }),
    )]))
}

/// One user.
pub async fn get(db: &Db, id: UserId) -> StoreResult<User> {
    let row = sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    Ok(User::try_from(row)?)
}

/// A user by login name.
pub async fn find(db: &Db, username: &str) -> StoreResult<Option<User>> {
    let row = sqlx::query_as::<_, UserRow>(&format!(
        "SELECT {COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id WHERE u.username = $1"
    ))
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(User::try_from).transpose()?)
}

/// Every account.
pub async fn list(db: &Db) -> StoreResult<Vec<User>> {
    users(
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id WHERE u.withdrawn_at IS NULL ORDER BY u.id"
        ))
        .fetch_all(db.pool())
        .await?,
    )
}

/// The leaders of an organisation, for the responsible-leader choice of a measure.
pub async fn leaders(db: &Db, org: UnitId) -> StoreResult<Vec<User>> {
    Ok(of_org(db, org)
        .await?
        .into_iter()
        .filter(|u| u.role == Role::Leader)
        .collect())
}

/// The accounts of an organisation's units (those not withdrawn).
pub async fn of_org(db: &Db, org: UnitId) -> StoreResult<Vec<User>> {
    users(
        sqlx::query_as(&format!(
            "SELECT {COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id \
             WHERE un.org_id = $1 AND u.withdrawn_at IS NULL ORDER BY u.id"
        ))
        .bind(org.0)
        .fetch_all(db.pool())
        .await?,
    )
}

/// The accounts of several organisations in one statement, each with its
/// organisation (the upper level's board resolves the warnings of every organisation
/// below it).
pub async fn of_orgs(db: &Db, orgs: &[UnitId]) -> StoreResult<Vec<(UnitId, User)>> {
    #[derive(sqlx::FromRow)]
    struct Row {
        org_id: i64,
        #[sqlx(flatten)]
        user: UserRow,
    }
    let mut sql = Sql::new(&format!(
        "SELECT un.org_id, {COLUMNS} FROM users u JOIN units un ON un.id = u.unit_id \
         WHERE u.withdrawn_at IS NULL AND un.org_id"
    ));
    sql.id_set(db.backend(), orgs.iter().map(|o| o.0))
        .push(" ORDER BY u.id");
    sql.query_as::<Row>()
        .fetch_all(db.pool())
        .await?
        .into_iter()
        .map(|r| Ok((UnitId(r.org_id), User::try_from(r.user)?)))
        .collect()
}

/// The acting person with everything access decisions need.
pub async fn actor(db: &Db, id: UserId) -> StoreResult<Actor> {
    Ok(with_actor(db, id).await?.1)
}

/// A user and the person acting, read together: each request of a signed-in person
/// starts here, so the user and their organisation come in one statement.
pub async fn with_actor(db: &Db, id: UserId) -> StoreResult<(User, Actor)> {
    #[derive(sqlx::FromRow)]
    struct Row {
        #[sqlx(flatten)]
        user: UserRow,
        org_id: i64,
    }
    let row = sqlx::query_as::<_, Row>(&format!(
        "SELECT {COLUMNS}, un.org_id FROM users u JOIN units un ON un.id = u.unit_id WHERE u.id = $1"
    ))
    .bind(id.0)
    .fetch_optional(db.pool())
    .await?
    .ok_or(StoreError::NotFound)?;
    let user = User::try_from(row.user)?;
    let actor = actor_in(db, &user, UnitId(row.org_id)).await?;
    Ok((user, actor))
}

/// The acting person of a user already loaded.
pub async fn actor_of(db: &Db, user: &User) -> StoreResult<Actor> {
    let unit = units::get(db, user.unit_id).await?;
    actor_in(db, user, unit.org_id).await
}

/// The acting person of a user whose unit belongs to `org`.
async fn actor_in(db: &Db, user: &User, org: UnitId) -> StoreResult<Actor> {
    let orgs_below = if user.role == Role::Upper {
        units::orgs_below(db, org).await?
    } else {
        Vec::new()
    };
    Ok(Actor {
        user: user.id,
        role: user.role,
        unit: user.unit_id,
        org,
        units_in_charge: user.units_in_charge.clone(),
        orgs_below,
    })
}

/// A signed-in person as each page request finds them.
#[derive(Debug, Clone)]
pub struct SignedIn {
    /// Their session.
    pub session: auth::Session,
    /// The user.
    pub user: User,
    /// The person acting.
    pub actor: Actor,
    /// Their unread notifications (the bell on every page).
    pub unread: i64,
}

/// The person behind a session cookie, if the session is live: the session, its user,
/// the user's organisation and unread notifications in one statement, as every page
/// request asks for all four (they were three statements and three round trips, a
/// third of a list page's; an upper level's organisations below are the only further
/// one).
pub async fn signed_in(
    db: &Db,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
    policy: auth::AuthPolicy,
) -> StoreResult<Option<SignedIn>> {
    #[derive(sqlx::FromRow)]
    struct Live {
        session_id: i64,
        csrf_token: String,
        last_seen_at: String,
        org_id: i64,
        unread: i64,
        #[sqlx(flatten)]
        user: UserRow,
    }
    let row = sqlx::query_as::<_, Live>(&format!(
        "SELECT s.id AS session_id, s.csrf_token, s.last_seen_at, un.org_id, \
         (SELECT COUNT(*) FROM notifications n WHERE n.user_id = u.id AND n.read_at IS NULL) AS unread, \
         {COLUMNS} FROM sessions s JOIN users u ON u.id = s.user_id JOIN units un ON un.id = u.unit_id \
         WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.withdrawn_at IS NULL AND u.disabled = 0"
    ))
    .bind(auth::token_hash(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    if !auth::keep_alive(db, row.session_id, &row.last_seen_at, now, policy).await? {
        return Ok(None);
    }
    let user = User::try_from(row.user)?;
    let actor = actor_in(db, &user, UnitId(row.org_id)).await?;
    Ok(Some(SignedIn {
        session: auth::Session {
            id: row.session_id,
            user: user.id,
            csrf: row.csrf_token,
        },
        user,
        actor,
        unread: row.unread,
    }))
}

/// The owner of a live API token and the person they act as, found in one statement:
/// every API request asks, so the token, its owner and the owner's organisation are read
/// together (an upper level's organisations below are the only further statement).
pub async fn by_api_token(
    db: &Db,
    token: &str,
    now: chrono::DateTime<chrono::Utc>,
) -> StoreResult<Option<(User, Actor)>> {
    #[derive(sqlx::FromRow)]
    struct Live {
        token_id: i64,
        last_used_at: Option<String>,
        org_id: i64,
        #[sqlx(flatten)]
        user: UserRow,
    }
    let row = sqlx::query_as::<_, Live>(&format!(
        "SELECT t.id AS token_id, t.last_used_at, un.org_id, {COLUMNS} FROM api_tokens t \
         JOIN users u ON u.id = t.user_id JOIN units un ON un.id = u.unit_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.withdrawn_at IS NULL AND u.disabled = 0"
    ))
    .bind(auth::token_hash(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    auth::note_token_use(db, row.token_id, row.last_used_at.as_deref(), now).await?;
    let user = User::try_from(row.user)?;
    let actor = actor_in(db, &user, UnitId(row.org_id)).await?;
    Ok(Some((user, actor)))
}
