//! 邮件提醒 — a reminder as an e-mail (plain text and HTML alternatives) and the SMTP
//! server that sends it. The message id comes from the job's key, so a retried job
//! carries the same id and mail systems can tell it is the same message.

use lettre::message::header::ContentType;
use lettre::message::{Mailbox, MultiPart, SinglePart};
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use serde::Deserialize;
use sha2::{Digest, Sha256};
use zhenggai_domain::reminder::Reminder;
use zhenggai_storage::reminders::courier::Addressee;

use crate::robot::absolute;

/// How the connection to the SMTP server is secured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Security {
    /// TLS from the first byte (port 465).
    #[default]
    Tls,
    /// Plain, then STARTTLS, which must succeed (port 587 or 25).
    Starttls,
    /// No encryption: only for a relay on the same host or a test receiver.
    None,
}

impl Security {
    /// Reads a setting's value.
    pub fn from_code(code: &str) -> Option<Security> {
        match code {
            "tls" => Some(Security::Tls),
            "starttls" => Some(Security::Starttls),
            "none" => Some(Security::None),
            _ => None,
        }
    }
}

/// The SMTP server (the `[smtp]` table of the settings file).
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SmtpConfig {
    /// Host name.
    pub host: String,
    /// Port (465 for TLS, 587 for STARTTLS by default).
    pub port: Option<u16>,
    /// tls, starttls or none.
    #[serde(default)]
    pub security: Security,
    /// Login, if the server wants one.
    pub username: Option<String>,
    /// Password (better given as `ZHENGGAI_SMTP_PASSWORD`).
    pub password: Option<String>,
    /// The sender, e.g. `整改办 <zhenggai@example.gov.cn>`.
    pub from: String,
}

/// A reminder as an e-mail to one person.
pub fn compose(
    from: &Mailbox,
    to: &Addressee,
    reminder: &Reminder,
    id: &str,
    public_url: Option<&str>,
) -> anyhow::Result<Message> {
    let to_box = Mailbox::new(
        Some(to.name.clone()),
        to.email
            .parse()
            .map_err(|e| anyhow::anyhow!("{}: not an e-mail address ({e})", to.email))?,
    );
    let link = absolute(public_url, &reminder.link);
    let text = format!(
        "{}\n\n{}\n\n办理：{link}\n\n——\n此邮件由整改系统自动发送，请勿直接回复。",
        reminder.subject, reminder.body
    );
    let paragraphs: String = reminder
        .body
        .lines()
        .map(|l| format!("<p style=\"margin:0 0 6px\">{}</p>", escape(l)))
        .collect();
    let html = format!(
        "<!DOCTYPE html><html lang=\"zh-CN\"><head><meta charset=\"utf-8\"><title>{subject}</title></head>\
         <body style=\"font-family:sans-serif;font-size:15px;color:#1f2328\">\
         <h2 style=\"font-size:17px;color:#a4262c\">{subject}</h2>{paragraphs}\
         <p style=\"margin:16px 0\"><a href=\"{href}\" style=\"background:#a4262c;color:#fff;padding:6px 14px;text-decoration:none;border-radius:3px\">办理</a></p>\
         <p style=\"color:#6e7781;font-size:13px\">此邮件由整改系统自动发送，请勿直接回复。</p></body></html>",
        subject = escape(&reminder.subject),
        href = escape(&link),
    );
    let domain = from.email.domain().to_string();
    let digest = hex::encode(Sha256::digest(id.as_bytes()));
    Message::builder()
        .from(from.clone())
        .to(to_box)
        .subject(&reminder.subject)
        .message_id(Some(format!("<{}@{domain}>", &digest[..32])))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_PLAIN)
                        .body(text),
                )
                .singlepart(
                    SinglePart::builder()
                        .header(ContentType::TEXT_HTML)
                        .body(html),
                ),
        )
        .map_err(|e| anyhow::anyhow!("composing the e-mail: {e}"))
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The SMTP server, ready to send.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer").field("from", &self.from).finish()
    }
}

impl Mailer {
    /// Builds the transport of a configuration (it connects when it first sends).
    pub fn new(config: &SmtpConfig) -> anyhow::Result<Mailer> {
        let from: Mailbox = config.from.parse().map_err(|e| {
            anyhow::anyhow!(
                "smtp.from: “{}” is not a sender (write e.g. 整改办 <zhenggai@example.gov.cn>): {e}",
                config.from
            )
        })?;
        let tls = || {
            TlsParameters::new(config.host.clone())
                .map_err(|e| anyhow::anyhow!("smtp: TLS for {}: {e}", config.host))
        };
        let (port, tls) = match config.security {
            Security::Tls => (config.port.unwrap_or(465), Tls::Wrapper(tls()?)),
            Security::Starttls => (config.port.unwrap_or(587), Tls::Required(tls()?)),
            Security::None => (config.port.unwrap_or(25), Tls::None),
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&config.host)
            .port(port)
            .tls(tls)
            .timeout(Some(std::time::Duration::from_secs(30)));
        if let Some(user) = &config.username {
            builder = builder.credentials(Credentials::new(
                user.clone(),
                config.password.clone().unwrap_or_default(),
            ));
        }
        Ok(Mailer {
            transport: builder.build(),
            from,
        })
    }

    /// Sends a reminder to a person.
    pub async fn send(
        &self,
        to: &Addressee,
        reminder: &Reminder,
        id: &str,
        public_url: Option<&str>,
    ) -> anyhow::Result<()> {
        let message = compose(&self.from, to, reminder, id, public_url)?;
        self.transport
            .send(message)
            .await
            .map_err(|e| anyhow::anyhow!("sending the e-mail to {}: {e}", to.email))?;
        Ok(())
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn a_reminder_becomes_text_and_html_with_a_stable_id() {
        let from: Mailbox = "整改办 <zg@example.gov.cn>".parse().unwrap();
        let to = Addressee {
            name: "张三".into(),
            email: "zhangsan@example.gov.cn".into(),
        };
        let r = Reminder {
            key: "warning:7:red:1".into(),
            user: 3,
            subject: "【红色预警】整改措施已逾期1个工作日".into(),
            body: "清理<违规>发放的津贴\n牵头单位：财务部".into(),
            link: "/measures/7".into(),
        };
        let a = compose(
            &from,
            &to,
            &r,
            "email:3:warning:7:red:1",
            Some("https://zg.cn"),
        )
        .unwrap()
        .formatted();
        let b = compose(
            &from,
            &to,
            &r,
            "email:3:warning:7:red:1",
            Some("https://zg.cn"),
        )
        .unwrap()
        .formatted();
        let a = String::from_utf8_lossy(&a);
        let b = String::from_utf8_lossy(&b);
        let id = |m: &str| {
            m.lines()
                .find(|l| l.starts_with("Message-ID:"))
                .unwrap()
                .to_string()
        };
        assert_eq!(id(&a), id(&b));
        assert!(id(&a).ends_with("@example.gov.cn>"));
        assert!(a.contains("multipart/alternative"));
        assert!(a.contains("text/plain") && a.contains("text/html"));
        let bad = Addressee {
            name: "x".into(),
            email: "not an address".into(),
        };
        assert!(compose(&from, &bad, &r, "k", None).is_err());
        assert_eq!(
            escape("<a href=\"x\">&'"),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;"
        );
    }
}
