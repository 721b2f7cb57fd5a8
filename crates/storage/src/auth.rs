//! Passwords (argon2), sessions kept in the database (so that several instances share
//! them), login lockout, and API tokens. Tokens are random; only their SHA-256 is stored.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use chrono::{DateTime, Duration, Utc};
use rand::Rng;
use sha2::{Digest, Sha256};
use sqlx::Row;
use zhenggai_domain::UserId;

use crate::db::Db;
use crate::error::{StoreError, StoreResult};
use crate::sql::{parse_stamp, stamp};

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
        if check_password_strength(&pw).is_ok() {
            return pw;
        }
    }
}

/// Checks a new password against the policy; the messages say what to do.
pub fn check_password_strength(password: &str) -> Result<(), StoreError> {
    if password.chars().count() < 10 {
        return Err(StoreError::invalid(
            "password",
            "密码至少10位，请加长。",
            "Use at least 10 characters.",
        ));
    }
    let classes = [
        password.chars().any(|c| c.is_ascii_lowercase()),
        password.chars().any(|c| c.is_ascii_uppercase()),
        password.chars().any(|c| c.is_ascii_digit()),
        password.chars().any(|c| !c.is_ascii_alphanumeric()),
    ];
    if classes.iter().filter(|c| **c).count() < 3 {
        return Err(StoreError::invalid(
            "password",
            "密码须包含大写字母、小写字母、数字、符号中的至少三类。",
            "Use at least three of: upper case, lower case, digits, symbols.",
        ));
    }
    Ok(())
}

fn random_token(prefix: &str) -> String {
    let bytes: [u8; 32] = rand::random();
    format!("{prefix}{}", hex::encode(bytes))
}

/// The stored form of a token.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// Why a login was refused. Both say the same to the person (no hint which part was wrong).
#[derive(Debug, PartialEq, Eq)]
pub enum LoginRefused {
    /// Unknown user or wrong password.
    BadCredentials,
    /// Too many failures: locked until then.
    Locked(DateTime<Utc>),
}

/// Checks a username and password, counting failures and locking the account after
/// too many. Returns the user on success.
pub async fn login(
    db: &Db,
    username: &str,
    password: &str,
    now: DateTime<Utc>,
    policy: AuthPolicy,
) -> StoreResult<Result<UserId, LoginRefused>> {
    let row = sqlx::query(
        "SELECT id, password_hash, failed_logins, locked_until FROM users \
         WHERE username = $1 AND withdrawn_at IS NULL",
    )
    .bind(username)
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else {
        // Spend the same time as a real check, so that timing does not reveal names.
        let dummy = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3mT3ZqkZ6LvWJ5VqGkR0Yh4oQ9sXWkqH1TnV8cQ2b1I";
        let pw = password.to_string();
        tokio::task::spawn_blocking(move || verify_password(&pw, dummy))
            .await
            .map_err(anyhow::Error::from)?;
        return Ok(Err(LoginRefused::BadCredentials));
    };
    let id: i64 = row.try_get(0)?;
    let hash: String = row.try_get(1)?;
    let failures: i64 = row.try_get(2)?;
    let locked_until = row
        .try_get::<Option<String>, _>(3)?
        .as_deref()
        .and_then(parse_stamp);
    if let Some(until) = locked_until.filter(|u| *u > now) {
        return Ok(Err(LoginRefused::Locked(until)));
    }
    let pw = password.to_string();
    let ok = tokio::task::spawn_blocking(move || verify_password(&pw, &hash))
        .await
        .map_err(anyhow::Error::from)?;
    let mut tx = db.begin().await?;
    if ok {
        sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
        return Ok(Ok(UserId(id)));
    }
    let failures = failures + 1;
    let (failures, lock) = if failures >= policy.max_failures {
        (0, Some(now + policy.lockout))
    } else {
        (failures, None)
    };
    sqlx::query("UPDATE users SET failed_logins = $1, locked_until = $2 WHERE id = $3")
        .bind(failures)
        .bind(lock.map(stamp))
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.commit().await?;
    Ok(Err(match lock {
        Some(until) => LoginRefused::Locked(until),
        None => LoginRefused::BadCredentials,
    }))
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
    let mut tx = db.begin().await?;
    sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES ($1, $2, $3, $4, $4)",
    )
    .bind(token_hash(&token))
    .bind(user.0)
    .bind(&csrf)
    .bind(stamp(now))
    .execute(tx.conn())
    .await?;
    tx.commit().await?;
    Ok(NewSession {
        token: Secret(token),
        csrf,
    })
}

/// The live session of a cookie, if any. A session idle past the policy has ended. The
/// last-seen time is written at most once a minute, so reading pages stays read-only.
pub async fn find_session(
    db: &Db,
    token: &str,
    now: DateTime<Utc>,
    policy: AuthPolicy,
) -> StoreResult<Option<Session>> {
    let row = sqlx::query(
        "SELECT s.id, s.user_id, s.csrf_token, s.last_seen_at FROM sessions s JOIN users u ON u.id = s.user_id \
         WHERE s.token_hash = $1 AND s.ended_at IS NULL AND u.withdrawn_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(db.pool())
    .await?;
    let Some(row) = row else { return Ok(None) };
    let id: i64 = row.try_get(0)?;
    let last_seen = row.try_get::<String, _>(3)?;
    let last_seen = parse_stamp(&last_seen).unwrap_or(now);
    if now - last_seen > policy.idle_timeout {
        end_session(db, id, now).await?;
        return Ok(None);
    }
    if now - last_seen > Duration::seconds(60) {
        let mut tx = db.begin().await?;
        sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE id = $2")
            .bind(stamp(now))
            .bind(id)
            .execute(tx.conn())
            .await?;
        tx.commit().await?;
    }
    Ok(Some(Session {
        id,
        user: UserId(row.try_get(1)?),
        csrf: row.try_get(2)?,
    }))
}

/// Ends a session (logout, idle expiry). The row stays, marked ended.
pub async fn end_session(db: &Db, id: i64, now: DateTime<Utc>) -> StoreResult<()> {
    let mut tx = db.begin().await?;
    sqlx::query("UPDATE sessions SET ended_at = $1 WHERE id = $2 AND ended_at IS NULL")
        .bind(stamp(now))
        .bind(id)
        .execute(tx.conn())
        .await?;
    tx.commit().await
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
        return Err(StoreError::invalid(
            "name",
            "请为令牌起一个名称（不超过100字），说明用途。",
            "Name the token (at most 100 characters) after its use.",
        ));
    }
    let token = random_token("zg_");
    let mut tx = db.begin().await?;
    let id: i64 = sqlx::query(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(token_hash(&token))
    .bind(user.0)
    .bind(name)
    .bind(stamp(now))
    .fetch_one(tx.conn())
    .await?
    .try_get(0)?;
    let change = crate::audit::Change {
        actor: Some(user),
        at: now,
        reason: None,
    };
    crate::audit::created(&mut tx, change, crate::audit::Entity::ApiToken, id).await?;
    tx.commit().await?;
    Ok(Secret(token))
}

/// The owner of a live API token.
pub async fn find_api_token(db: &Db, token: &str) -> StoreResult<Option<UserId>> {
    let row = sqlx::query(
        "SELECT t.user_id FROM api_tokens t JOIN users u ON u.id = t.user_id \
         WHERE t.token_hash = $1 AND t.revoked_at IS NULL AND u.withdrawn_at IS NULL",
    )
    .bind(token_hash(token))
    .fetch_optional(db.pool())
    .await?;
    Ok(match row {
        Some(r) => Some(UserId(r.try_get(0)?)),
        None => None,
    })
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
    fn strength_rules_say_what_to_do() {
        assert!(check_password_strength("short").is_err());
        assert!(check_password_strength("alllowercaseletters").is_err());
        assert!(check_password_strength("Zhenggai2024").is_ok());
        assert!(check_password_strength(&generate_password()).is_ok());
    }

    #[test]
    fn secrets_do_not_print() {
        assert_eq!(format!("{:?}", Secret("abc".into())), "Secret(***)");
    }
}
