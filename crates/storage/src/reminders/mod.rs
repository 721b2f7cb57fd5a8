//! 提醒 (D10): planning reminders from the warnings of every organisation (and the
//! reviews of long-term measures, the weekly reports, returned steps), a job queue
//! in the database that delivers them, and the in-app notifications (the bell).
//!
//! Nothing is sent twice: a job's key is unique (planning the same day again adds
//! nothing), and a notification's (person, key) is unique (a job delivered and then
//! interrupted before it was marked done delivers nothing new when it runs again).
//! Jobs are leased for a while; a lease that ran out — its worker stopped — is taken
//! again, so a restart loses nothing. Several instances share the queue on PostgreSQL
//! by passing over rows another holds (`FOR UPDATE SKIP LOCKED`).
//!
//! Each reminder is a job per channel: the bell (always), e-mail (when the organisation
//! mails and the person has an address and wants it) and the organisation's group-chat
//! robot (once per event, not per person; the robot jobs of a batch go out as one
//! message per organisation). What leaves the process is sent by a [`Courier`]; the
//! addresses and the robot are read when the job runs, so a corrected address applies
//! to reminders already queued. What leaves the process waits for the working day:
//! the day's reminders are planned just after midnight, but e-mail and robot jobs run
//! from 08:00 Beijing time (`reminder::sends_from`).

pub mod channels;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sqlx::Row;
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::reminder::{
    MeasureFacts, Reminder, Returned, ReviewFacts, WarningFacts, extension_asked_reminder,
    returned_reminder, review_reminder, sends_from, warning_reminder, weekly_reminder,
    weekly_roll_call,
};
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::warning::Colour;
use zhenggai_domain::weekly::week_of;
use zhenggai_domain::{Role, UnitId, UserId};

use self::channels::{Robot, UserChannel};
use crate::accounts::users;
use crate::db::Db;
use crate::db::dialect;
use crate::db::sql::{Sql, parse_day, stamp};
use crate::error::StoreResult;
use crate::ledger::query::{WarningEnds, review_due, warned_today};
use crate::ledger::warnings::{self, resolve};
use crate::ledger::weekly;
use crate::settings::warning_rules;

/// How long a worker holds a job before another may take it.
const LEASE_MINUTES: i64 = 5;
/// Attempts before a job is left failed (with its last error).
const MAX_ATTEMPTS: i64 = 5;
/// Measures a round reads at a time. A round at the large organisation looks at
/// hundreds of thousands; read at once they took half a gigabyte for a few seconds
/// every minute, in `serve` itself (docs/benchmarks.md, "Memory of the server").
const PAGE: i64 = 5_000;

/// Measures a round plans for, read a page at a time in the order of their ids: one
/// page in memory, and no connection held between pages (the pool may be small, and
/// planning a page queries and writes beside it).
struct Pages {
    /// The open measures of inspections on the books that meet the condition, with
    /// [`Planned`]'s columns first.
    select: Sql,
    after: i64,
    done: bool,
}

impl Pages {
    /// The measures meeting `condition` (on alias `m`), with `more` columns after
    /// [`Planned`]'s (from column 7, each preceded by a comma).
    fn new(more: &str, condition: &Sql) -> Pages {
        let mut select = Sql::new(&format!(
            "SELECT m.id, m.org_id, m.lead_unit_id, m.leader_id, m.content, m.deadline_text, \
             COALESCE(u.short_name, u.name){more} FROM measures m JOIN units u ON u.id = m.lead_unit_id \
             WHERE m.withdrawn_at IS NULL AND m.inspection_id IN (SELECT id FROM inspections WHERE withdrawn_at IS NULL) AND "
        ));
        select.append(condition);
        Pages {
            select,
            after: 0,
            done: false,
        }
    }

    /// The next page, if any is left.
    async fn next(&mut self, db: &Db) -> StoreResult<Option<Vec<sqlx::any::AnyRow>>> {
        if self.done {
            return Ok(None);
        }
        let mut sql = self.select.clone();
        sql.push(" AND m.id > ")
            .bind(self.after)
            .push(" ORDER BY m.id LIMIT ")
            .bind(PAGE);
        let rows = sql.query().fetch_all(db.pool()).await?;
        self.done = rows.len() < usize::try_from(PAGE).unwrap_or(usize::MAX);
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        self.after = last.try_get(0)?;
        Ok(Some(rows))
    }
}

/// A measure as a round plans for it: the first columns of a [`Pages`] row.
struct Planned {
    measure: i64,
    org: UnitId,
    lead_unit: UnitId,
    leader: Option<UserId>,
    content: String,
    deadline: String,
    unit: String,
}

impl Planned {
    fn read(r: &sqlx::any::AnyRow) -> StoreResult<Planned> {
        Ok(Planned {
            measure: r.try_get(0)?,
            org: UnitId(r.try_get(1)?),
            lead_unit: UnitId(r.try_get(2)?),
            leader: r.try_get::<Option<i64>, _>(3)?.map(UserId),
            content: r.try_get(4)?,
            deadline: r.try_get(5)?,
            unit: r.try_get(6)?,
        })
    }

    /// How a reminder names it.
    fn facts(&self) -> MeasureFacts<'_> {
        MeasureFacts {
            measure: self.measure,
            content: &self.content,
            unit: &self.unit,
            deadline: &self.deadline,
        }
    }

    /// The people a colour of the organisation's rules reaches for it: once each.
    fn reached(
        &self,
        settings: &warning_rules::Settings,
        people: &[users::User],
        colour: Colour,
    ) -> Vec<UserId> {
        let mut to: Vec<UserId> = settings
            .rules
            .recipients(colour)
            .iter()
            .flat_map(|rc| {
                resolve(*rc, self.lead_unit, self.leader, settings.secretary, people).users
            })
            .collect();
        to.sort();
        to.dedup();
        to
    }
}

/// Sends what leaves the process: e-mail through the configured SMTP server, robot
/// messages to their webhooks. An error leaves the job to be tried again later.
#[async_trait::async_trait]
pub trait Courier: Send + Sync {
    /// Whether e-mail can be sent at all (an SMTP server is configured).
    fn sends_email(&self) -> bool;
    /// Whether robot messages can be sent.
    fn sends_robots(&self) -> bool;
    /// Mails a reminder to a person; `id` is the job's key, the same on every attempt.
    async fn email(&self, to: &Addressee, reminder: &Reminder, id: &str) -> anyhow::Result<()>;
    /// Posts reminders to a group chat as one message, or as several where the robot's
    /// size limit splits them (in order).
    async fn robot(&self, robot: &Robot, reminders: &[Reminder]) -> Result<(), Undelivered>;
}

/// Reminders to a robot not all delivered: the messages carrying the first `delivered`
/// went out before one was refused. Only the rest are tried again, so that nobody's
/// group chat gets the same reminder twice.
#[derive(Debug)]
pub struct Undelivered {
    /// How many of the batch's reminders, from the first, went out.
    pub delivered: usize,
    /// Why the rest did not.
    pub error: anyhow::Error,
}

impl From<anyhow::Error> for Undelivered {
    fn from(error: anyhow::Error) -> Self {
        Undelivered {
            delivered: 0,
            error,
        }
    }
}

/// Who an e-mail goes to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Addressee {
    /// Their name.
    pub name: String,
    /// Their address.
    pub email: String,
}

/// The bell only: nothing leaves the process (tests, and servers without SMTP or a
/// way out to the robots).
pub struct BellOnly;

#[async_trait::async_trait]
impl Courier for BellOnly {
    fn sends_email(&self) -> bool {
        false
    }
    fn sends_robots(&self) -> bool {
        false
    }
    async fn email(&self, _: &Addressee, _: &Reminder, _: &str) -> anyhow::Result<()> {
        anyhow::bail!("no SMTP server is configured")
    }
    async fn robot(&self, _: &Robot, _: &[Reminder]) -> Result<(), Undelivered> {
        Err(anyhow::anyhow!("robots are not reachable from this server").into())
    }
}

/// A robot job: the organisation whose robot posts it, and what it says.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct RobotJob {
    org: i64,
    reminder: Reminder,
}

/// An organisation's warning rules and accounts, read once a round.
type OrgCache = HashMap<UnitId, (warning_rules::Settings, Vec<users::User>)>;

/// The channels a round of planning uses.
struct Reach<'a> {
    courier: &'a dyn Courier,
    people: HashMap<UserId, UserChannel>,
    orgs: HashMap<UnitId, channels::OrgChannels>,
}

impl Reach<'_> {
    async fn org(&mut self, db: &Db, org: UnitId) -> StoreResult<&channels::OrgChannels> {
        Ok(match self.orgs.entry(org) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                v.insert(channels::for_org(db, org).await?)
            }
        })
    }

    /// Queues a reminder to a person: the bell, and e-mail where it applies.
    async fn person(
        &mut self,
        db: &Db,
        org: UnitId,
        reminder: &Reminder,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        let to = reminder.user;
        let mut planned =
            usize::from(enqueue(db, "notify", to, &reminder.key, reminder, now).await?);
        let mails = self.courier.sends_email()
            && self.org(db, org).await?.email_on
            && self
                .people
                .get(&UserId(reminder.user))
                .is_some_and(|c| c.email_on && !c.email.is_empty());
        if mails {
            planned += usize::from(enqueue(db, "email", to, &reminder.key, reminder, now).await?);
        }
        Ok(planned)
    }

    /// Queues an event to the organisation's robot, once whoever it reaches.
    async fn group(
        &mut self,
        db: &Db,
        org: UnitId,
        reminder: Reminder,
        now: DateTime<Utc>,
    ) -> StoreResult<usize> {
        if !self.courier.sends_robots() || self.org(db, org).await?.robot.is_none() {
            return Ok(0);
        }
        let key = reminder.key.clone();
        let job = RobotJob {
            org: org.0,
            reminder,
        };
        Ok(usize::from(
            enqueue(db, "robot", org.0, &key, &job, now).await?,
        ))
    }
}

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
    courier: &dyn Courier,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    if !calendar.is_workday(today).value {
        return Ok(0);
    }
    let mut reach = Reach {
        courier,
        // Addresses matter only when mail can be sent: the round runs every minute.
        people: if courier.sends_email() {
            channels::all_users(db).await?
        } else {
            HashMap::new()
        },
        orgs: HashMap::new(),
    };
    // Only what carries a colour today, by each organisation's rules.
    let ends = WarningEnds::load(db, today).await?;
    let mut pages = Pages::new(", m.deadline_date, m.state", &warned_today(&ends.green));
    let mut orgs = OrgCache::new();
    let mut planned = 0;
    while let Some(rows) = pages.next(db).await? {
        for r in &rows {
            let m = Planned::read(r)?;
            let org = m.org;
            let (settings, people) = warnings::org_context(db, &mut orgs, org).await?;
            let deadline = Deadline {
                text: m.deadline.clone(),
                kind: DeadlineKind::Dated,
                date: r
                    .try_get::<Option<String>, _>(7)?
                    .as_deref()
                    .and_then(parse_day),
                precision: None,
            };
            let state = MeasureState::from_code(&r.try_get::<String, _>(8)?)
                .unwrap_or(MeasureState::Registered);
            let Some(warning) = settings.rules.assess(calendar, &deadline, state, today) else {
                continue;
            };
            let facts = WarningFacts {
                of: m.facts(),
                colour: warning.colour,
                days_left: warning.days_left,
                overdue_workdays: warning.overdue_workdays,
            };
            let users_reached = m.reached(settings, people, warning.colour);
            for user in &users_reached {
                let reminder = warning_reminder(&facts, user.0, &settings.rules);
                planned += reach.person(db, org, &reminder, now).await?;
            }
            // The group, where it takes this colour, sees who was reached, by name.
            if !reach.org(db, org).await?.posts(warning.colour) {
                continue;
            }
            let names: Vec<&str> = people
                .iter()
                .filter(|p| users_reached.contains(&p.id))
                .map(|p| p.display_name.as_str())
                .collect();
            let mut group = warning_reminder(&facts, 0, &settings.rules);
            if !names.is_empty() {
                group.body = format!("{}\n提醒：{}", group.body, names.join("、"));
            }
            planned += reach.group(db, org, group, now).await?;
        }
    }
    planned += plan_reviews(db, &mut reach, &mut orgs, &ends, today, now).await?;
    planned += plan_weekly(db, &mut reach, &mut orgs, calendar, today, now).await?;
    Ok(planned + plan_returned(db, &mut reach, &mut orgs, now).await?)
}

/// Plans the reminders of long-term measures (长期坚持) that have gone longer than their
/// organisation's interval without progress: once per interval, to whom the
/// organisation's green warnings go (the gentlest notice it has set). Not to the group:
/// it takes warnings by colour, and a review is not a deadline.
async fn plan_reviews(
    db: &Db,
    reach: &mut Reach<'_>,
    orgs: &mut OrgCache,
    ends: &WarningEnds,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    // Only those quiet past their interval, by each organisation's rules.
    let mut pages = Pages::new(
        concat!(", m.created_at, ", last_progress!()),
        &review_due(&ends.review),
    );
    let mut planned = 0;
    while let Some(rows) = pages.next(db).await? {
        for r in &rows {
            let m = Planned::read(r)?;
            let (settings, people) = warnings::org_context(db, orgs, m.org).await?;
            let activity = crate::ledger::measures::activity(
                &r.try_get::<String, _>(7)?,
                r.try_get::<Option<String>, _>(8)?
                    .as_deref()
                    .and_then(parse_day),
            );
            let interval_days = settings.rules.long_term_days;
            let Some(due) = activity.review_due(today, interval_days) else {
                continue;
            };
            let facts = ReviewFacts {
                of: m.facts(),
                interval_days,
                progressed: activity.last_progress.is_some(),
                due,
            };
            for user in m.reached(settings, people, Colour::Green) {
                planned += reach
                    .person(db, m.org, &review_reminder(&facts, user.0), now)
                    .await?;
            }
        }
    }
    Ok(planned)
}

/// How far back a returned step is still reminded (a worker stopped for a while
/// catches up; each step is reminded once whatever the window).
const RETURNED_WINDOW_DAYS: i64 = 14;

/// Plans the reminders of steps that sent work back to a lead unit (方案退回, 留号,
/// 回炉): to its accounts and the problem's leader; and of an extension asked for
/// (延期申请): to the leader who decides it.
async fn plan_returned(
    db: &Db,
    reach: &mut Reach<'_>,
    orgs: &mut OrgCache,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let rows = sqlx::query(
        "SELECT e.id, e.action, e.note, p.id, p.title, p.lead_unit_id, p.leader_id, i.org_id \
         FROM problem_events e JOIN problems p ON p.id = e.problem_id JOIN inspections i ON i.id = p.inspection_id \
         WHERE e.action IN ('return_plan', 'return_closure', 'reopen', 'request_extension') AND e.at >= $1 \
         AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL ORDER BY e.id",
    )
    .bind(stamp(now - Duration::days(RETURNED_WINDOW_DAYS)))
    .fetch_all(db.pool())
    .await?;
    let mut planned = 0;
    for r in &rows {
        let action: String = r.try_get(1)?;
        let org = UnitId(r.try_get(7)?);
        let lead_unit = r.try_get::<Option<i64>, _>(5)?.map(UnitId);
        let leader = r.try_get::<Option<i64>, _>(6)?.map(UserId);
        if action == "request_extension" {
            if let Some(leader) = leader {
                let reminder = extension_asked_reminder(
                    r.try_get(0)?,
                    r.try_get(3)?,
                    &r.try_get::<String, _>(4)?,
                    leader.0,
                );
                planned += reach.person(db, org, &reminder, now).await?;
            }
            continue;
        }
        let Some(returned) = Returned::of_action(&action) else {
            continue;
        };
        let to: Vec<UserId> = warnings::org_context(db, orgs, org)
            .await?
            .1
            .iter()
            .filter(|u| {
                (u.role == Role::Unit && Some(u.unit_id) == lead_unit) || Some(u.id) == leader
            })
            .map(|u| u.id)
            .collect();
        let event: i64 = r.try_get(0)?;
        let problem: i64 = r.try_get(3)?;
        let title: String = r.try_get(4)?;
        let note: String = r.try_get::<Option<String>, _>(2)?.unwrap_or_default();
        for user in to {
            let reminder = returned_reminder(returned, event, problem, &title, &note, user.0);
            planned += reach.person(db, org, &reminder, now).await?;
        }
    }
    Ok(planned)
}

/// Plans the weekly report reminders: on the report's day before its hour to every
/// reporting unit that has not reported, and once after the hour to those still missing.
async fn plan_weekly(
    db: &Db,
    reach: &mut Reach<'_>,
    orgs: &mut OrgCache,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<usize> {
    let open = sqlx::query("SELECT DISTINCT org_id FROM measures WHERE withdrawn_at IS NULL AND state <> 'done' ORDER BY org_id")
        .fetch_all(db.pool())
        .await?;
    let local = china_time(now);
    let mut planned = 0;
    for r in &open {
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
        let sent = weekly::reports_of_week(db, org, week).await?;
        let mut chased = Vec::new();
        for (unit, name) in weekly::reporting_units(db, org).await? {
            if sent.contains_key(&unit) {
                continue;
            }
            let handlers: Vec<UserId> = warnings::org_context(db, orgs, org)
                .await?
                .1
                .iter()
                .filter(|u| u.role == Role::Unit && u.unit_id == unit)
                .map(|u| u.id)
                .collect();
            for user in handlers {
                let reminder = weekly_reminder(unit.0, week, due, missing, user.0);
                planned += reach.person(db, org, &reminder, now).await?;
            }
            chased.push(name);
        }
        // 叫号 in the group: the units still missing after the hour, once a week.
        if missing && !chased.is_empty() {
            let group = weekly_roll_call(week, due, &chased);
            planned += reach.group(db, org, group, now).await?;
        }
    }
    Ok(planned)
}

/// Queues a job; false when it was queued before. Its key is the channel, who it goes
/// to (a person, or an organisation's group) and the event, so that each is sent once.
/// Messages that leave zhenggai wait for the working day ([`sends_from`]); the bell
/// does not.
async fn enqueue(
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
struct Job {
    id: i64,
    kind: String,
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
        .map(|r| {
            Ok(Job {
                id: r.try_get(0)?,
                kind: r.try_get(1)?,
                key: r.try_get(2)?,
                payload: r.try_get(3)?,
                attempts: r.try_get(4)?,
            })
        })
        .collect::<Result<Vec<Job>, sqlx::Error>>()?;
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

/// One round of the scheduler: plan today's reminders, deliver what is due.
pub async fn tick(
    db: &Db,
    courier: &dyn Courier,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Tick> {
    let planned = plan(db, courier, calendar, today, now).await?;
    let delivered = run_due(db, courier, now).await?;
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
