//! Planning a day's reminders: the warnings of every organisation (to each person their
//! colour reaches, and to the group), the reviews of quiet long-term measures, the weekly
//! reports due or missing, and the steps returned to a unit.

use std::collections::HashMap;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use sqlx::FromRow;
use sqlx::any::AnyRow;
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::clock::china_time;
use zhenggai_domain::deadline::{Deadline, DeadlineKind};
use zhenggai_domain::reminder::{
    MeasureFacts, Reminder, Returned, ReviewFacts, WarningFacts, extension_asked_reminder,
    returned_reminder, review_reminder, warning_reminder, weekly_reminder, weekly_roll_call,
};
use zhenggai_domain::status::MeasureState;
use zhenggai_domain::warning::Colour;
use zhenggai_domain::weekly::week_of;
use zhenggai_domain::{Role, UnitId, UserId};

use super::channels::{self, UserChannel};
use super::courier::Courier;
use super::queue::{RobotJob, enqueue};
use crate::accounts::users;
use crate::db::Db;
use crate::db::rows::code_of;
use crate::db::sql::{Sql, parse_day, stamp};
use crate::error::StoreResult;
use crate::ledger::query::{WarningEnds, review_due, warned_today};
use crate::ledger::warnings::{self, resolve};
use crate::ledger::weekly;
use crate::settings::warning_rules;

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
    /// [`Planned`]'s (each preceded by a comma and named as the page's row reads it).
    fn new(more: &str, condition: &Sql) -> Pages {
        let mut select = Sql::new(&format!(
            "SELECT m.id AS measure, m.org_id AS org, m.lead_unit_id AS lead_unit, m.leader_id AS leader, \
             m.content, m.deadline_text AS deadline, COALESCE(u.short_name, u.name) AS unit{more} \
             FROM measures m JOIN units u ON u.id = m.lead_unit_id \
             WHERE m.withdrawn_at IS NULL AND m.inspection_id IN (SELECT id FROM inspections WHERE withdrawn_at IS NULL) AND "
        ));
        select.append(condition);
        Pages {
            select,
            after: 0,
            done: false,
        }
    }

    /// The next page, if any is left, each row a [`Planned`] with the round's own
    /// columns.
    async fn next<T>(&mut self, db: &Db) -> StoreResult<Option<Vec<T>>>
    where
        T: for<'r> FromRow<'r, AnyRow> + AsRef<Planned> + Send + Unpin,
    {
        if self.done {
            return Ok(None);
        }
        let mut sql = self.select.clone();
        sql.push(" AND m.id > ")
            .bind(self.after)
            .push(" ORDER BY m.id LIMIT ")
            .bind(PAGE);
        let rows = sql.query_as::<T>().fetch_all(db.pool()).await?;
        self.done = rows.len() < usize::try_from(PAGE).unwrap_or(usize::MAX);
        let Some(last) = rows.last() else {
            return Ok(None);
        };
        self.after = last.as_ref().measure;
        Ok(Some(rows))
    }
}

/// A measure as a round plans for it: the first columns of a [`Pages`] row.
#[derive(FromRow)]
struct Planned {
    measure: i64,
    org: i64,
    lead_unit: i64,
    leader: Option<i64>,
    content: String,
    deadline: String,
    unit: String,
}

/// A measure the warnings round reads: its deadline's date and its state.
#[derive(FromRow)]
struct Warned {
    #[sqlx(flatten)]
    m: Planned,
    deadline_date: Option<String>,
    state: String,
}

impl AsRef<Planned> for Warned {
    fn as_ref(&self) -> &Planned {
        &self.m
    }
}

/// A long-term measure the reviews read: when it was created and its last progress.
#[derive(FromRow)]
struct Quiet {
    #[sqlx(flatten)]
    m: Planned,
    created_at: String,
    last_progress: Option<String>,
}

impl AsRef<Planned> for Quiet {
    fn as_ref(&self) -> &Planned {
        &self.m
    }
}

impl Planned {
    fn org(&self) -> UnitId {
        UnitId(self.org)
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
                let (unit, leader) = (UnitId(self.lead_unit), self.leader.map(UserId));
                resolve(*rc, unit, leader, settings.secretary, people).users
            })
            .collect();
        to.sort();
        to.dedup();
        to
    }
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
    while let Some(rows) = pages.next::<Warned>(db).await? {
        for r in rows {
            let m = &r.m;
            let org = m.org();
            let (settings, people) = warnings::org_context(db, &mut orgs, org).await?;
            let deadline = Deadline {
                text: m.deadline.clone(),
                kind: DeadlineKind::Dated,
                date: r.deadline_date.as_deref().and_then(parse_day),
                precision: None,
            };
            let state: MeasureState = code_of("measures", "state", &r.state)?;
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
        concat!(", m.created_at, ", last_progress!(), " AS last_progress"),
        &review_due(&ends.review),
    );
    let mut planned = 0;
    while let Some(rows) = pages.next::<Quiet>(db).await? {
        for r in rows {
            let m = &r.m;
            let (settings, people) = warnings::org_context(db, orgs, m.org()).await?;
            let activity = crate::ledger::measures::activity(
                &r.created_at,
                r.last_progress.as_deref().and_then(parse_day),
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
                    .person(db, m.org(), &review_reminder(&facts, user.0), now)
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
    /// A step that sent work back, or asked for more time, and its problem.
    #[derive(FromRow)]
    struct Step {
        event: i64,
        action: String,
        note: Option<String>,
        problem: i64,
        title: String,
        lead_unit_id: Option<i64>,
        leader_id: Option<i64>,
        org_id: i64,
    }
    let rows = sqlx::query_as::<_, Step>(
        "SELECT e.id AS event, e.action, e.note, p.id AS problem, p.title, p.lead_unit_id, p.leader_id, i.org_id \
         FROM problem_events e JOIN problems p ON p.id = e.problem_id JOIN inspections i ON i.id = p.inspection_id \
         WHERE e.action IN ('return_plan', 'return_closure', 'reopen', 'request_extension') AND e.at >= $1 \
         AND p.withdrawn_at IS NULL AND i.withdrawn_at IS NULL ORDER BY e.id",
    )
    .bind(stamp(now - Duration::days(RETURNED_WINDOW_DAYS)))
    .fetch_all(db.pool())
    .await?;
    let mut planned = 0;
    for r in rows {
        let org = UnitId(r.org_id);
        let lead_unit = r.lead_unit_id.map(UnitId);
        let leader = r.leader_id.map(UserId);
        if r.action == "request_extension" {
            if let Some(leader) = leader {
                let reminder = extension_asked_reminder(r.event, r.problem, &r.title, leader.0);
                planned += reach.person(db, org, &reminder, now).await?;
            }
            continue;
        }
        let Some(returned) = Returned::of_action(&r.action) else {
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
        let note = r.note.unwrap_or_default();
        for user in to {
            let reminder = returned_reminder(returned, r.event, r.problem, &r.title, &note, user.0);
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
    let open: Vec<i64> = sqlx::query_scalar(
        "SELECT DISTINCT org_id FROM measures WHERE withdrawn_at IS NULL AND state <> 'done' ORDER BY org_id",
    )
    .fetch_all(db.pool())
    .await?;
    let local = china_time(now);
    let mut planned = 0;
    for org in open {
        let org = UnitId(org);
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
