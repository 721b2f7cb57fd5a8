//! Passwords (argon2), sessions kept in the database (so that several instances share
//! them), login lockout, and API tokens. Tokens are random; only their SHA-256 is stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use zhenggai_domain::UserId;
use zhenggai_domain::reason::Account;
use zhenggai_domain::validate::Why;

use crate::audit::{Change, Entity};
use crate::db::Db;
use crate::db::sql::{parse_stamp, stamp};
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};

/// Login limits and session lifetime.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AuthPolicy {
    /// Failed logins in a row before the account is locked.
    pub max_failures: i64,
    /// How long a lock lasts.
    pub lockout: Duration,
    /// A session unused this long has ended.
    pub idle_timeout: Duration,
}

impl Default for AuthPolicy {
    fn default() -> Self {
        Self {
            max_failures: 5,
            lockout: Duration::minutes(15),
            idle_timeout: Duration::minutes(30),
        }
    }
}

/// A secret that must not end up in logs.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// Hashes a password with argon2id and a random salt.
pub fn hash_password(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut rand::rngs::OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing a password: {e}"))
}

/// Whether a password matches a stored hash.
pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash)
        .map(|h| {
            Argon2::default()
                .verify_password(password.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// A password nobody chose: 16 letters and digits, without look-alikes.
pub fn generate_password() -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnpqrstuvwxyz23456789";
    let mut rng = rand::thread_rng();
    loop {
        let pw: String = (0..16)
            .map(|_| CHARS[rng.gen_range(0..CHARS.len())] as char)
            .collect();
        if check_password_strength(&pw, "").is_ok() {
            return pw;
        }
    }
}

/// Checks a new password for an account against the policy
/// ([`zhenggai_domain::password`]); the messages say what to do.
pub fn check_password_strength(password: &str, username: &str) -> Result<(), StoreError> {
    zhenggai_domain::password::check(password, username).map_err(|e| StoreError::Invalid(vec![e]))
}

/// A fresh unguessable value (64 hex digits), e.g. for a form's token.
pub fn new_secret() -> String {
    random_token("")
}

fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", hex::encode(bytes))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why a login was refused. The person is told the same for every kind, in the same
/// time (no hint whether the name exists, the password was wrong or the account is
/// locked); the kinds are for tests and the server's log.
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    /// Unknown user or a disabled account (no password was checked).
    BadCredentials,
    /// The password was checked and is wrong; with the lock this failure set, if it was
    /// the last one allowed.
    WrongPassword(Option<DateTime<Utc>>),
    /// Locked at this address until then (no password was checked).
    Locked(DateTime<Utc>),
}

/// Passwords checked at once. Each check takes argon2's memory (19 MiB) and a core for
/// tens of milliseconds; a flood of logins queues here instead of exhausting memory.
static HASHING: std::sync::LazyLock<tokio::sync::Semaphore> = std::sync::LazyLock::new(|| {
    let cores = std::thread::available_parallelism().map_or(2, usize::from);
    tokio::sync::Semaphore::new(cores * 2)
});

/// Checks a password against a hash on a blocking thread, at most a few at once.
pub async fn verify_password_async(password: &str, hash: &str) -> StoreResult<bool> {
    let _permit = HASHING
        .acquire()
        .await
        .map_err(|e| anyhow::anyhow!("password checks closed: {e}"))?;
    let (pw, hash) = (password.to_string(), hash.to_string());
    Ok(
        tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
            .await
            .map_err(anyhow::Error::from)?,
    )
}

/// Spends the time of a real password check, so that a refusal without one (an unknown
/// name, a locked or disabled account) takes as long as a wrong password.
pub async fn spend_a_check(password: &str) -> StoreResult<()> {
    const DUMMY: &str = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3mT3ZqkZ6LvWJ5VqGkR0Yh4oQ9sXWkqH1TnV8cQ2b1I";
    verify_password_async(password, DUMMY).await.map(|_| ())
}

/// Checks a username and password from an address. The attempt is counted (one atomic
/// upsert per account and address) before the password is checked, so that parallel
/// guesses cannot check more than `max_failures` wrong passwords per lockout from one
/// address; a success clears that address's count. Failures elsewhere do not lock the
/// account here.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    address: &str,
    now: DateTime<Utc>,
    policy: AuthPolicy,
) -> StoreResult<Result<UserId, LoginRefused>> {
    #[derive(sqlx::FromRow)]
    struct Credentials {
        id: i64,
        password_hash: String,
    }
    let row = sqlx::query_as::<_, Credentials>(
        "SELECT id, password_hash FROM users \
         WHERE username = $1 AND withdrawn_at IS NULL AND disabled = 0",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    let Some(Credentials {
        id,
        password_hash: hash,
    }) = row
    else {
        spend_a_check(password).await?;
        return Ok(Err(LoginRefused::BadCredentials));
    };
    let Some(attempt) = count_attempt(db, UserId(id), address, now, policy).await? else {
        spend_a_check(password).await?;
        let until = locked_until(db, UserId(id), address).await?.unwrap_or(now);
        return Ok(Err(LoginRefused::Locked(until)));
    };
    if verify_password_async(password, &hash).await? {
        db.write(async |tx| {
            sqlx::query(
                "UPDATE login_failures SET failures = 0, locked_until = NULL \
                 WHERE user_id = $1 AND address = $2",
            )
            .bind(id)
            .bind(address)
            .execute(tx.conn())
            .await?;
            Ok(())
        })
        .await?;
        return Ok(Ok(UserId(id)));
    }
    Ok(Err(LoginRefused::WrongPassword(attempt)))
}

/// Counts one attempt of an account from an address, in one statement that also locks
/// it when the attempt is the last allowed. `None` when it is locked already (nothing
/// counted, no password may be checked); `Some(lock)` when counted, with the lock this
/// attempt set if it fails.
async fn count_attempt(
    db: &Db,
    user: UserId,
    address: &str,
    now: DateTime<Utc>,
    policy: AuthPolicy,
) -> StoreResult<Option<Option<DateTime<Utc>>>> {
    let lock = stamp(now + policy.lockout);
    let first_lock = (policy.max_failures <= 1).then(|| lock.clone());
    // A lock that has run out starts the count afresh.
    const COUNT: &str = "INSERT INTO login_failures (user_id, address, failures, locked_until) VALUES ($1, $2, 1, $3) \
         ON CONFLICT (user_id, address) DO UPDATE SET \
           failures = CASE WHEN login_failures.locked_until IS NOT NULL THEN 1 ELSE login_failures.failures + 1 END, \
           locked_until = CASE WHEN (CASE WHEN login_failures.locked_until IS NOT NULL THEN 1 ELSE login_failures.failures + 1 END) >= $4 \
                               THEN $5 ELSE NULL END \
         WHERE login_failures.locked_until IS NULL OR login_failures.locked_until <= $6 \
         RETURNING locked_until";
    let counted: Option<Option<String>> = db
        .write(async |tx| {
            Ok(sqlx::query_scalar(COUNT)
                .bind(user.0)
                .bind(address)
                .bind(first_lock)
                .bind(policy.max_failures)
                .bind(&lock)
                .bind(stamp(now))
                .fetch_optional(tx.conn())
                .await?)
        })
        .await?;
    Ok(counted.map(|lock| lock.as_deref().and_then(parse_stamp)))
}

async fn locked_until(db: &Db, user: UserId, address: &str) -> StoreResult<Option<DateTime<Utc>>> {
    let lock: Option<Option<String>> = sqlx::query_scalar(
        "SELECT locked_until FROM login_failures WHERE user_id = $1 AND address = $2",
    )
    .bind(user.0)
    .bind(address)
    .fetch_optional(db.pool())
    .await?;
    Ok(lock.flatten().as_deref().and_then(parse_stamp))
}

/// A session just begun: the cookie value and the CSRF token its forms carry.
#[derive(Debug, Clone)]
pub struct NewSession {
    /// Goes into the HttpOnly cookie.
    pub token: Secret,
    /// Goes into every form of the session.
    pub csrf: String,
}

/// A live session.
#[derive(Debug, Clone)]
pub struct Session {
    /// The session row.
    pub id: i64,
    /// Its user.
    pub user: UserId,
    /// The CSRF token its forms must carry.
    pub csrf: String,
}

/// Starts a session.
pub async fn start_session(db: &Db, user: UserId, now: DateTime<Utc>) -> StoreResult<NewSession> {
    let token = random_token("");
    let csrf = random_token("");
    db.write(async |tx| {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
        )
        .bind(token_hash(&token))
        .bind(user.0)
        .bind(&csrf)
        .bind(stamp(now))
        .execute(tx.conn())
        .await?;
        Ok(())
    })
    .await?;
    Ok(NewSession {
        token: Secret(token),
        csrf,
    })
}

/// Whether a session found by its cookie is still live. A session idle past the policy
/// has ended (and is marked so), counted from the last request as stored: every request
/// that finds it records its time (unless another did so within the same second), so
/// that what is checked is what happened. The session is read with its person
/// (`users::signed_in`); this is the rule applied to what was read.
pub(crate) async fn keep_alive(
    db: &Db,
    id: i64,
    last_seen_at: &str,
    now: DateTime<Utc>,
    policy: AuthPolicy,
) -> StoreResult<bool> {
    let Some(last_seen) = parse_stamp(last_seen_at) else {
        end_session(db, id, now).await?;
        return Ok(false);
    };
    if now - last_seen > policy.idle_timeout {
        end_session(db, id, now).await?;
        return Ok(false);
    }
    if now - last_seen >= Duration::seconds(1) {
        db.write(async |tx| {
            sqlx::query(
                "UPDATE sessions SET last_seen_at = $1 WHERE id = $2 AND last_seen_at < $1 AND ended_at IS NULL",
            )
            .bind(stamp(now))
            .bind(id)
            .execute(tx.conn())
            .await?;
            Ok(())
        })
        .await?;
    }
    Ok(true)
}

/// Ends a session (logout, idle expiry). The row stays, marked ended.
pub async fn end_session(db: &Db, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    db.write(async |tx| {
        sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
            .bind(stamp(now))
            .bind(id)
            .execute(tx.conn())
            .await?;
        Ok(())
    })
    .await
}

/// Creates an API token for a user; the token is shown once and acts with exactly
/// its owner's scope.
pub async fn create_api_token(
    db: &Db,
    user: UserId,
    name: &str,
    now: DateTime<Utc>,
) -> StoreResult<Secret> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        return Err(StoreError::because(
            "name",
            Why::Account(Account::TokenName),
        ));
    }
    // A name is shown on the tokens page and in the trail: a NUL or an escape sequence
    // in it would garble both. (A shared check for titles is under way in
    // `zhenggai_domain`; this one is local until then.)
    if name.chars().any(char::is_control) {
        return Err(StoreError::because(
            "name",
            Why::Account(Account::TokenNameControl),
        ));
    }
    let token = random_token("zg_");
    db.write(async |tx| {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
        )
        .bind(token_hash(&token))
        .bind(user.0)
        .bind(name)
        .bind(stamp(now))
        .fetch_one(tx.conn())
        .await?;
        let change = Change {
            actor: Some(user),
            at: now,
            reason: None,
        };
        crate::audit::write::created(tx, change, Entity::ApiToken, id).await
    })
    .await?;
    Ok(Secret(token))
}

/// Writes a token's last use, at most once a minute (a volatile column, outside the
/// trail), so that its owner sees which tokens are used; `last_used_at` is what the
/// request found stored. The token is found with its owner by
/// [`crate::accounts::users::by_api_token`].
pub(crate) async fn note_token_use(
    db: &Db,
    id: i64,
    last_used_at: Option<&str>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    let used = last_used_at.and_then(parse_stamp);
    if used.is_none_or(|u| now - u > Duration::seconds(60)) {
        db.write(async |tx| {
            sqlx::query("UPDATE api_tokens SET last_used_at = $1 WHERE id = $2")
                .bind(stamp(now))
                .bind(id)
                .execute(tx.conn())
                .await?;
            Ok(())
        })
        .await?;
    }
    Ok(())
}

/// An API token as its owner sees it (never the token itself).
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema, sqlx::FromRow)]
pub struct ApiToken {
    /// Id.
    pub id: i64,
    /// The name its owner gave it.
    pub name: String,
    /// Created (RFC 3339).
    pub created_at: String,
    /// Last used, to the minute (RFC 3339), if ever.
    pub last_used_at: Option<String>,
    /// Revoked (RFC 3339), if revoked.
    pub revoked_at: Option<String>,
}

/// A person's own API tokens, newest first.
pub async fn tokens(db: &Db, user: UserId) -> StoreResult<Vec<ApiToken>> {
    Ok(sqlx::query_as::<_, ApiToken>(
        "SELECT id, name, created_at, last_used_at, revoked_at FROM api_tokens \
         WHERE user_id = $1 ORDER BY id DESC",
    )
    .bind(user.0)
    .fetch_all(db.pool())
    .await?)
}

/// Revokes one of a person's own tokens (recorded). Another person's token, or one
/// that does not exist, is not found; one revoked already stays as it was.
pub async fn revoke_api_token(
    db: &Db,
    change: Change<'_>,
    owner: UserId,
    id: i64,
) -> StoreResult<()> {
    db.write(async |tx| {
        let revoked: Option<String> =
            sqlx::query_scalar("SELECT revoked_at FROM api_tokens WHERE id = $1 AND user_id = $2")
                .bind(id)
                .bind(owner.0)
                .fetch_optional(tx.conn())
                .await?
                .ok_or(StoreError::NotFound)?;
        if revoked.is_none() {
            revoke(tx, change, id).await?;
        }
        Ok(())
    })
    .await
}

async fn revoke(tx: &mut Tx, change: Change<'_>, id: i64) -> StoreResult<()> {
    let before = crate::audit::write::snapshot(tx.conn(), Entity::ApiToken, id).await?;
    sqlx::query("UPDATE api_tokens SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
        .bind(stamp(change.at))
        .bind(id)
        .execute(tx.conn())
        .await?;
    let after = crate::audit::write::snapshot(tx.conn(), Entity::ApiToken, id).await?;
    crate::audit::write::record(
        tx,
        change,
        "revoke",
        Entity::ApiToken,
        id,
        Some(&before),
        Some(&after),
    )
    .await
}

/// Ends every session of an account but `keep` (the one that changed its own password)
/// and revokes every token, each revocation recorded: after a password change or
/// reset, or when the account is disabled, whoever held the old access holds nothing.
pub async fn end_access(
    tx: &mut Tx,
    change: Change<'_>,
    user: UserId,
    keep: Option<i64>,
) -> StoreResult<()> {
    sqlx::query(
        "UPDATE sessions SET ended_at = $1 WHERE user_id = $2 AND ended_at IS NULL AND id <> $3",
    )
    .bind(stamp(change.at))
    .bind(user.0)
    .bind(keep.unwrap_or(0))
    .execute(tx.conn())
    .await?;
    let live: Vec<i64> = sqlx::query_scalar(
        "SELECT id FROM api_tokens WHERE user_id = $1 AND revoked_at IS NULL ORDER BY id",
    )
    .bind(user.0)
    .fetch_all(tx.conn())
    .await?;
    for id in live {
        revoke(tx, change, id).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_hash_and_verify() {
        let h = hash_password("Zhenggai-2024").unwrap();
        assert!(verify_password("Zhenggai-2024", &h));
        assert!(!verify_password("zhenggai-2024", &h));
        assert!(!verify_password("x", "not a hash"));
    }

    #[test]
    fn generated_passwords_meet_the_policy() {
        for _ in 0..50 {
            assert!(check_password_strength(&generate_password(), "someone").is_ok());
        }
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret("abc".into())), "Secret(***)");
    }
}
