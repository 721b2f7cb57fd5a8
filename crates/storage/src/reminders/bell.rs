//! The bell: a person's in-app notifications, read and marked read.

use chrono::{DateTime, Utc};
use serde::Serialize;
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
    Ok(sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
    )
    .bind(user.0)
    .fetch_one(db.pool())
    .await?)
}

/// A person's notifications, newest first.
pub async fn list(db: &Db, user: UserId, limit: i64) -> StoreResult<Vec<Notification>> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        id: i64,
        subject: String,
        body: String,
        link: String,
        created_at: String,
        read_at: Option<String>,
    }
    let rows = sqlx::query_as::<_, Stored>(
        "SELECT id, subject, body, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY id DESC LIMIT $2",
    )
    .bind(user.0)
    .bind(limit)
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Notification {
            id: r.id,
            subject: r.subject,
            body: r.body,
            link: r.link,
            created_at: crate::db::sql::beijing_minute(&r.created_at),
            read: r.read_at.is_some(),
        })
        .collect())
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
