//! The job queue in the database: a reminder is a job per channel, queued once (its key
//! is unique), leased by one worker at a time, delivered to the bell, by e-mail or to
//! the group robot, and retried later when delivery fails.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use zhenggai_domain::reminder::{Reminder, sends_from};
use zhenggai_domain::{UnitId, UserId};

use super::channels;
use super::courier::{Addressee, Courier};

use crate::accounts::users;
use crate::db::Db;
use crate::db::dialect;
use crate::db::sql::stamp;
use crate::error::StoreResult;

/// How long a worker holds a job before another may take it.
const LEASE_MINUTES: i64 = 5;

/// Attempts before a job is left failed (with its last error).
const MAX_ATTEMPTS: i64 = 5;

/// A robot job: the organisation whose robot posts it, and what it says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct RobotJob {
    pub(super) org: i64,
    pub(super) reminder: Reminder,
}

/// Queues a job; false when it was queued before. Its key is the channel, who it goes
/// to (a person, or an organisation's group) and the event, so that each is sent once.
/// Messages that leave zhenggai wait for the working day ([`sends_from`]); the bell
/// does not.
pub(super) async fn enqueue(
    db: &Db,
    kind: &str,
    to: i64,
    event: &str,
    payload: &impl Serialize,
    now: DateTime<Utc>,
) -> StoreResult<bool> {
    let payload = serde_json::to_string(payload).map_err(anyhow::Error::from)?;
    let run_at = if kind == "notify" {
        now
    } else {
        sends_from(now)
    };
    let done = sqlx::query(
        "INSERT INTO jobs (kind, dedup_key, payload, run_at, created_at) VALUES ($4, $1, $2, $5, $3) \
         ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(format!("{kind}:{to}:{event}"))
    .bind(payload)
    .bind(stamp(now))
    .bind(kind)
    .bind(stamp(run_at))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// A leased job.
#[derive(sqlx::FromRow)]
struct Job {
    id: i64,
    kind: String,
    #[sqlx(rename = "dedup_key")]
    key: String,
    payload: String,
    attempts: i64,
}

/// Leases up to `limit` due jobs (and jobs whose lease ran out) for this worker.
async fn lease(db: &Db, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<Job>> {
    let sql = format!(
        "UPDATE jobs SET state = 'running', leased_until = $1, attempts = attempts + 1 WHERE id IN (\
         SELECT id FROM jobs WHERE (state = 'pending' AND run_at <= $2) OR (state = 'running' AND leased_until < $2) \
         ORDER BY id LIMIT $3{}) RETURNING id, kind, dedup_key, payload, attempts",
        dialect::skip_locked(db.backend())
    );
    // Committed before the jobs are delivered: other workers see the lease.
    let mut jobs = db
        .write(async |tx| {
            Ok(sqlx::query_as::<_, Job>(&sql)
                .bind(stamp(now + Duration::minutes(LEASE_MINUTES)))
                .bind(stamp(now))
                .bind(limit)
                .fetch_all(tx.conn())
                .await?)
        })
        .await?;
    jobs.sort_by_key(|j| j.id);
    Ok(jobs)
}

/// How a job ended.
enum Outcome {
    /// Delivered.
    Sent,
    /// Not sent, for a reason that retrying will not change (the person removed their
    /// address, the office removed the robot).
    Skipped(&'static str),
}

/// Delivers a job to the bell or by e-mail.
async fn deliver(
    db: &Db,
    courier: &dyn Courier,
    job: &Job,
    now: DateTime<Utc>,
) -> anyhow::Result<Outcome> {
    let r: Reminder = serde_json::from_str(&job.payload)?;
    match job.kind.as_str() {
        "notify" => {
            sqlx::query(
                "INSERT INTO notifications (user_id, dedup_key, subject, body, link, created_at) VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (user_id, dedup_key) DO NOTHING",
            )
            .bind(r.user)
            .bind(&r.key)
            .bind(&r.subject)
            .bind(&r.body)
            .bind(&r.link)
            .bind(stamp(now))
            .execute(db.pool())
            .await?;
            Ok(Outcome::Sent)
        }
        "email" => {
            let user = UserId(r.user);
            let channel = channels::of_user(db, user).await?;
            if !channel.email_on || channel.email.is_empty() {
                return Ok(Outcome::Skipped("the person no longer wants e-mail"));
            }
            let to = Addressee {
                name: users::get(db, user).await?.display_name,
                email: channel.email,
            };
            courier.email(&to, &r, &job.key).await?;
            Ok(Outcome::Sent)
        }
        other => anyhow::bail!("unknown job kind {other}"),
    }
}

/// Delivers an organisation's robot jobs of a batch as one message (or the few its size
/// limit needs): how many jobs, from the first, went out, and how the rest ended.
async fn deliver_robot(
    db: &Db,
    courier: &dyn Courier,
    org: i64,
    jobs: &[RobotJob],
) -> (usize, anyhow::Result<Outcome>) {
    let robot = match channels::for_org(db, UnitId(org)).await {
        Ok(channels) => channels.robot,
        Err(e) => return (0, Err(e.into())),
    };
    let Some(robot) = robot else {
        return (
            0,
            Ok(Outcome::Skipped("the organisation no longer has a robot")),
        );
    };
    let reminders: Vec<Reminder> = jobs.iter().map(|j| j.reminder.clone()).collect();
    match courier.robot(&robot, &reminders).await {
        Ok(()) => (jobs.len(), Ok(Outcome::Sent)),
        Err(u) => (u.delivered.min(jobs.len()), Err(u.error)),
    }
}

/// Records how jobs ended: done, skipped, or — after an error — pending again, later
/// each time (10 minutes, then 20, 30 …), until it is left failed.
async fn finish(
    db: &Db,
    jobs: &[&Job],
    result: &anyhow::Result<Outcome>,
    now: DateTime<Utc>,
) -> StoreResult<()> {
    for job in jobs {
        let query = match result {
            Ok(Outcome::Sent) => sqlx::query(
                "UPDATE jobs SET state = 'done', done_at = $1, last_error = NULL WHERE id = $2",
            )
            .bind(stamp(now))
            .bind(job.id),
            Ok(Outcome::Skipped(why)) => sqlx::query(
                "UPDATE jobs SET state = 'skipped', done_at = $1, last_error = $2 WHERE id = $3",
            )
            .bind(stamp(now))
            .bind(*why)
            .bind(job.id),
            Err(e) => sqlx::query(
                "UPDATE jobs SET state = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'pending' END, \
                 run_at = $2, last_error = $3 WHERE id = $4",
            )
            .bind(MAX_ATTEMPTS)
            .bind(stamp(now + Duration::minutes(10 * job.attempts.max(1))))
            .bind(format!("{e:#}"))
            .bind(job.id),
        };
        query.execute(db.pool()).await?;
    }
    Ok(())
}

/// Runs the due jobs, a batch at a time, until none is left; the number delivered.
pub async fn run_due(db: &Db, courier: &dyn Courier, now: DateTime<Utc>) -> StoreResult<usize> {
    let sent = |result: &anyhow::Result<Outcome>| matches!(result, Ok(Outcome::Sent));
    let mut delivered = 0;
    loop {
        let jobs = lease(db, now, 200).await?;
        if jobs.is_empty() {
            return Ok(delivered);
        }
        let mut robots: BTreeMap<i64, Vec<(&Job, RobotJob)>> = BTreeMap::new();
        for job in &jobs {
            if job.kind == "robot" {
                match serde_json::from_str::<RobotJob>(&job.payload) {
                    Ok(r) => robots.entry(r.org).or_default().push((job, r)),
                    Err(e) => finish(db, &[job], &Err(e.into()), now).await?,
                }
                continue;
            }
            let result = deliver(db, courier, job, now).await;
            if let Err(e) = &result {
                tracing::warn!(job = job.id, kind = %job.kind, "reminder not delivered: {e:#}");
            }
            delivered += usize::from(sent(&result));
            finish(db, &[job], &result, now).await?;
        }
        for (org, list) in robots {
            let payloads: Vec<RobotJob> = list.iter().map(|(_, r)| r.clone()).collect();
            let (went, rest) = deliver_robot(db, courier, org, &payloads).await;
            if let Err(e) = &rest {
                tracing::warn!(org, went, "robot message not delivered: {e:#}");
            }
            delivered += went;
            let leased: Vec<&Job> = list.iter().map(|(j, _)| *j).collect();
            let (out, left) = leased.split_at(went);
            finish(db, out, &Ok(Outcome::Sent), now).await?;
            finish(db, left, &rest, now).await?;
        }
    }
}
