//! What sends reminders beyond the process (e-mail, group-chat robots): the [`Courier`]
//! the queue hands them to; `zhenggai-notify` implements it.

use zhenggai_domain::reminder::Reminder;

use super::channels::Robot;

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
