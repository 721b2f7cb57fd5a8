//! Reminders that leave zhenggai (D10): e-mail through the organisation's SMTP server
//! and messages to group-chat robots (WeCom, DingTalk, Feishu). The job queue in
//! `zhenggai_storage::reminders` decides what is sent and when; this crate only sends.
//!
//! Crates: `lettre` (SMTP, MIME, rustls) and `reqwest` (HTTP, rustls) — both TLS
//! stacks in Rust with the system's certificate roots, so no OpenSSL is needed and an
//! intranet's own CA, installed on the host, is trusted.

pub mod email;
pub mod robot;

use std::sync::Arc;

use zhenggai_domain::clock::Clock;
use zhenggai_domain::reminder::Reminder;
use zhenggai_storage::reminders::channels::{Robot, RobotHosts};
use zhenggai_storage::reminders::courier::{Addressee, Courier, Undelivered};

pub use email::{Mailer, Security, SmtpConfig};

/// The way out: an SMTP server (if configured) and an HTTP client for the robots.
#[derive(Debug, Clone)]
pub struct Outbound {
    mailer: Option<Mailer>,
    http: reqwest::Client,
    public_url: Option<String>,
    /// Where robots' webhooks may point.
    hosts: RobotHosts,
    /// Robots check a signature's time against theirs: the real clock, always.
    clock: Arc<dyn Clock>,
}

impl Outbound {
    /// Builds the way out. `public_url` is the address people open zhenggai at, for
    /// the links in messages (without it they carry the path only).
    pub fn new(
        smtp: Option<&SmtpConfig>,
        public_url: Option<String>,
        hosts: RobotHosts,
        clock: Arc<dyn Clock>,
    ) -> anyhow::Result<Outbound> {
        let http = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(20))
            // A vendor's answer does not send the post elsewhere, and every name is
            // resolved to addresses the robot's host may use.
            .redirect(reqwest::redirect::Policy::none())
            .dns_resolver(Arc::new(robot::Resolver::new(hosts.clone())))
            .user_agent(concat!("zhenggai/", env!("CARGO_PKG_VERSION")))
            .build()
            .map_err(|e| anyhow::anyhow!("the HTTP client for robots: {e}"))?;
        Ok(Outbound {
            mailer: smtp.map(Mailer::new).transpose()?,
            http,
            public_url,
            hosts,
            clock,
        })
    }
}

#[async_trait::async_trait]
impl Courier for Outbound {
    fn sends_email(&self) -> bool {
        self.mailer.is_some()
    }

    fn sends_robots(&self) -> bool {
        true
    }

    async fn email(&self, to: &Addressee, reminder: &Reminder, id: &str) -> anyhow::Result<()> {
        match &self.mailer {
            Some(m) => m.send(to, reminder, id, self.public_url.as_deref()).await,
            None => anyhow::bail!("no SMTP server is configured"),
        }
    }

    async fn robot(&self, robot: &Robot, reminders: &[Reminder]) -> Result<(), Undelivered> {
        let now_ms = self.clock.now().timestamp_millis();
        if let Err(e) = robot::check_destination(&self.hosts, &robot.url) {
            return Err(Undelivered {
                delivered: 0,
                error: e,
            });
        }
        let requests = robot::requests(robot, reminders, self.public_url.as_deref(), now_ms);
        robot::post(&self.http, &requests).await
    }
}
