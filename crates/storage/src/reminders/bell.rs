//! The bell: a person's in-app notifications, read and marked read.

use chrono::{DateTime, Utc};
use serde::Serialize;
use sqlx::Row;
use zhenggai_domain::UserId;

use crate::db::Db;
use crate::db::sql::stamp;
use crate::error::StoreResult;

/// A notification as the bell's list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    /// Id.
    pub id: i64,
    /// The line.
    pub subject: String,
    /// The text.
    pub body: String,
    /// Where to act.
    pub link: String,
    /// When it arrived, Beijing time (YYYY-MM-DD HH:MM).
    pub created_at: String,
    /// Whether it was read.
    pub read: bool,
}

/// Unread notifications of a person.
pub async fn unread(db: &Db, user: UserId) -> StoreResult<i64> {
    Ok(
        sqlx::query("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user.0)
            .fetch_one(db.pool())
            .await?
            .try_get(0)?,
    )
}

/// A person's notifications, newest first.
pub async fn list(db: &Db, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
    let rows = sqlx::query(
        "SELECT id, subject, body, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user.0)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    rows.iter()
        .map(|r| {
            Ok(Notification {
                id: r.try_get(0)?,
                subject: r.try_get(1)?,
                body: r.try_get(2)?,
                link: r.try_get(3)?,
                created_at: crate::db::sql::beijing_minute(&r.try_get::<String, _>(4)?),
                read: r.try_get::<Option<String>, _>(5)?.is_some(),
            })
        })
        .collect::<Result<_, sqlx::Error>>()
        .map_err(Into::into)
}

/// Marks a person's notifications read (all of them, or one); others' are untouched.
pub async fn mark_read(
    db: &Db,
    user: UserId,
    id: Option<i64>,
    now: DateTime<Utc>,
) -> StoreResult<u64> {
    let done = match id {
        Some(id) => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND id = $3 AND read_at IS NULL")
            .bind(stamp(now))
            .bind(user.0)
            .bind(id)
            .execute(db.pool())
            .await?,
        None => sqlx::query("UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND read_at IS NULL")
            .bind(stamp(now))
            .bind(user.0)
            .execute(db.pool())
            .await?,
    };
    Ok(done.rows_affected())
}
