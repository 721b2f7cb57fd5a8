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
//! message per organisation). What leaves the process is sent by a [`courier::Courier`]; the
//! addresses and the robot are read when the job runs, so a corrected address applies
//! to reminders already queued. What leaves the process waits for the working day:
//! the day's reminders are planned just after midnight, but e-mail and robot jobs run
//! from 08:00 Beijing time (`reminder::sends_from`).
//!
//! Its parts: [`planning`] (what today's warnings, reviews, weekly reports and returned
//! steps call for), [`queue`] (the jobs and their delivery), [`courier`] (what sends
//! beyond the process), [`bell`] (the in-app notifications) and [`channels`] (where
//! an organisation's and a person's reminders go).

pub mod bell;
pub mod channels;
pub mod courier;
pub mod planning;
pub mod queue;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use zhenggai_domain::calendar::Calendar;

use self::courier::Courier;
use crate::db::Db;
use crate::error::StoreResult;

/// What one tick did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Tick {
    /// Jobs newly planned.
    pub planned: usize,
    /// Jobs delivered.
    pub delivered: usize,
}

/// One round of the scheduler: plan today's reminders, deliver what is due.
pub async fn tick(
    db: &Db,
    courier: &dyn Courier,
    calendar: &Calendar,
    today: NaiveDate,
    now: DateTime<Utc>,
) -> StoreResult<Tick> {
    let planned = planning::plan(db, courier, calendar, today, now).await?;
    let delivered = queue::run_due(db, courier, now).await?;
    Ok(Tick { planned, delivered })
}
