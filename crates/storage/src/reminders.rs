//! 提醒 (D10): planning reminders from the warnings of every organisation, a job queue
//! in the database that delivers them, and the in-app notifications (the bell).
//!
//! Nothing is sent twice: a job's key is unique (planning the same day again adds
//! nothing), and a notification's (person, key) is unique (a job delivered and then
//! interrupted before it was marked done delivers nothing new when it runs again).
//! Jobs are leased for a while; a lease that ran out — its worker stopped — is taken
//! again, so a restart loses nothing. Several instances share the queue on PostgreSQL
//! by passing over rows another holds (`FOR UPDATE SKIP LOCKED`).

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use sqlx::Row;
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::reminder::{
    RED_REPEAT_DAYS, Reminder, WarningFacts, warning_reminder, weekly_reminder,
};
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::weekly::week_of;
use zhenggai_domain::{Role, UnitId, UserId};

use crate::db::Db;
use crate::dialect;
use crate::error::StoreResult;
use crate::ledger::warnings::{self, resolve};
use crate::ledger::weekly;
use crate::sql::{day, parse_day, stamp};
use crate::users;

/// How long a worker holds a job before another may take it.
const LEASE_MINUTES: i64 = 5;
/// Attempts before a job is left failed (with its last error).
const MAX_ATTEMPTS: i64 = 5;
/// The furthest ahead a green window may reach (the rules allow 180 days).
const WINDOW_DAYS: i64 = 180;

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tick {
    /// Jobs newly planned.
    pub planned: usize,
    /// Jobs delivered.
    pub delivered: usize,
}

/// Plans today's reminders: every warning of every organisation, to each person its
/// colour reaches. Only on working days, so that repeats skip weekends and holidays.
pub async fn plan(
    db: &Db,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    if !calendar.is_workday(today).value {
        return Ok(0);
    }
    let rows = sqlx::query(
        "SELECT m.id, m.org_id, m.content, m.lead_unit_id, m.leader_id, m.deadline_text, m.deadline_date, m.state, \
         COALESCE(u.short_name, u.name) FROM measures m JOIN units u ON u.id = m.lead_unit_id \
         WHERE m.withdrawn_at IS NULL AND m.state <> 'done' AND m.deadline_kind = 'dated' AND m.deadline_date <= $1 \
         AND m.inspection_id IN (SELECT id FROM inspections WHERE withdrawn_at IS NULL) ORDER BY m.id",
    )
    .bind(day(today + Duration::days(WINDOW_DAYS)))
    .fetch_all(db.pool())
    .await?;
    let mut orgs: HashMap<UnitId, (warnings::Settings, Vec<users::User>)> = HashMap::new();
    let mut planned = 0;
    for r in &rows {
        let org = UnitId(r.try_get(1)?);
        let (settings, people) = warnings::org_context(db, &mut orgs, org).await?;
        let text: String = r.try_get(5)?;
        let deadline = Deadline {
            text: text.clone(),
            kind: DeadlineKind::Dated,
            date: r
                .try_get::<Option<String>, _>(6)?
                .as_deref()
                .and_then(parse_day),
            precision: None,
        };
        let state = MeasureState::from_code(&r.try_get::<String, _>(7)?)
            .unwrap_or(MeasureState::Registered);
        let Some(warning) = settings.rules.assess(calendar, &deadline, state, today) else {
            continue;
        };
        let content: String = r.try_get(2)?;
        let unit: String = r.try_get(8)?;
        let facts = WarningFacts {
            measure: r.try_get(0)?,
            content: &content,
            unit: &unit,
            deadline: &text,
            colour: warning.colour,
            days_left: warning.days_left,
            overdue_workdays: warning.overdue_workdays,
        };
        let lead_unit = UnitId(r.try_get(3)?);
        let leader = r.try_get::<Option<i64>, _>(4)?.map(UserId);
        let mut users_reached: Vec<UserId> = settings
            .rules
            .recipients(warning.colour)
            .iter()
            .flat_map(|rc| resolve(*rc, lead_unit, leader, settings.secretary, people).users)
            .collect();
        users_reached.sort();
        users_reached.dedup();
        for user in users_reached {
            let reminder = warning_reminder(&facts, user.0, RED_REPEAT_DAYS);
            if enqueue(db, &reminder, now).await? {
                planned += 1;
            }
        }
    }
    Ok(planned + plan_weekly(db, calendar, today, now).await?)
}

/// Plans the weekly report reminders: on the report's day before its hour to every
/// reporting unit that has not reported, and once after the hour to those still missing.
async fn plan_weekly(
    db: &Db,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let orgs = sqlx::query("SELECT DISTINCT org_id FROM measures WHERE withdrawn_at IS NULL AND state <> 'done' ORDER BY org_id")
        .fetch_all(db.pool())
        .await?;
    let local = china_time(now);
    let mut planned = 0;
    for r in &orgs {
        let org = UnitId(r.try_get(0)?);
        let Some(due) = weekly::due_of(db, org, today, calendar).await? else {
            continue;
        };
        let week = week_of(today);
        // Before the hour on its day; after the hour, any later day of the week.
        let missing = local > due;
        if !missing && due.date() != today {
            continue;
        }
        let people = users::of_org(db, org).await?;
        let sent = weekly::reports_of_week(db, org, week).await?;
        for (unit, _) in weekly::reporting_units(db, org).await? {
            if sent.contains_key(&unit) {
                continue;
            }
            for u in people
                .iter()
                .filter(|u| u.role == Role::Unit && u.unit_id == unit)
            {
                if enqueue(
                    db,
                    &weekly_reminder(unit.0, week, due, missing, u.id.0),
                    now,
                )
                .await?
                {
                    planned += 1;
                }
            }
        }
    }
    Ok(planned)
}

/// Queues a reminder's delivery; false when it was queued before.
async fn enqueue(db: &Db, reminder: &Reminder, now: DateTime<Utc>) -> StoreResult<bool> {
    let payload = serde_json::to_string(reminder).map_err(anyhow::Error::from)?;
    let done = sqlx::query(
        "INSERT INTO jobs (kind, dedup_key, payload, run_at, created_at) VALUES ('notify', $1, $2, $3, $3) \
         ON CONFLICT (dedup_key) DO NOTHING",
    )
    .bind(format!("{}:{}", reminder.user, reminder.key))
    .bind(payload)
    .bind(stamp(now))
    .execute(db.pool())
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Leases up to `limit` due jobs (and jobs whose lease ran out) for this worker.
async fn lease(db: &Db, now: DateTime<Utc>, limit: i64) -> StoreResult<Vec<(i64, String, String)>> {
    let sql = format!(
        "UPDATE jobs SET state = 'running', leased_until = $1, attempts = attempts + 1 WHERE id IN (\
         SELECT id FROM jobs WHERE (state = 'pending' AND run_at <= $2) OR (state = 'running' AND leased_until < $2) \
         ORDER BY id LIMIT $3{}) RETURNING id, kind, payload",
        dialect::skip_locked(db.backend())
    );
    let mut tx = db.begin().await?;
    let rows = sqlx::query(&sql)
        .bind(stamp(now + Duration::minutes(LEASE_MINUTES)))
        .bind(stamp(now))
        .bind(limit)
        .fetch_all(tx.conn())
        .await?;
    tx.commit().await?;
    let mut jobs = rows
        .iter()
        .map(|r| Ok((r.try_get(0)?, r.try_get(1)?, r.try_get(2)?)))
        .collect::<Result<Vec<(i64, String, String)>, sqlx::Error>>()?;
    jobs.sort_by_key(|j| j.0);
    Ok(jobs)
}

/// Delivers one job: an in-app notification, once per person and key.
async fn deliver(db: &Db, kind: &str, payload: &str, now: DateTime<Utc>) -> anyhow::Result<()> {
    anyhow::ensure!(kind == "notify", "unknown job kind {kind}");
    let r: Reminder = serde_json::from_str(payload)?;
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
    Ok(())
}

/// Runs the due jobs, a batch at a time, until none is left.
pub async fn run_due(db: &Db, now: DateTime<Utc>) -> StoreResult<usize> {
    let mut delivered = 0;
    loop {
        let jobs = lease(db, now, 200).await?;
        if jobs.is_empty() {
            return Ok(delivered);
        }
        for (id, kind, payload) in jobs {
            match deliver(db, &kind, &payload, now).await {
                Ok(()) => {
                    sqlx::query("UPDATE jobs SET state = 'done', done_at = $1, last_error = NULL WHERE id = $2")
                        .bind(stamp(now))
                        .bind(id)
                        .execute(db.pool())
                        .await?;
                    delivered += 1;
                }
                Err(e) => {
                    // Retried later, a little later each time, until it gives up.
                    sqlx::query(
                        "UPDATE jobs SET state = CASE WHEN attempts >= $1 THEN 'failed' ELSE 'pending' END, \
                         run_at = $2, last_error = $3 WHERE id = $4",
                    )
                    .bind(MAX_ATTEMPTS)
                    .bind(stamp(now + Duration::minutes(10)))
                    .bind(e.to_string())
                    .bind(id)
                    .execute(db.pool())
                    .await?;
                }
            }
        }
    }
}

/// One round of the scheduler: plan today's reminders, deliver what is due.
pub async fn tick(
    db: &Db,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Tick> {
    let planned = plan(db, calendar, today, now).await?;
    let delivered = run_due(db, now).await?;
    Ok(Tick { planned, delivered })
}

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

/// A stored instant as Beijing time, as people read it.
fn beijing(stamp: &str) -> String {
    match crate::sql::parse_stamp(stamp) {
        Some(at) => china_time(at).format("%Y-%m-%d %H:%M").to_string(),
        None => stamp.to_string(),
    }
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
                created_at: beijing(&r.try_get::<String, _>(4)?),
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
