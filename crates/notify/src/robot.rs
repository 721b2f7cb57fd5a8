//! 群机器人 — the webhook formats of the group-chat robots these offices use, and the
//! signatures DingTalk and Feishu ask for. Building a request is pure (tested against
//! the formats); posting it is [`post`].
//!
//! - WeCom (企业微信): `{"msgtype":"markdown","markdown":{"content":…}}`, at most 4096
//!   bytes; the key is in the webhook address.
//! - DingTalk (钉钉), signed mode: `&timestamp=<ms>&sign=<urlencoded base64
//!   HMAC-SHA256(secret, "<ms>\n<secret>")>` on the address; markdown with a title.
//! - Feishu (飞书): `{"timestamp":"<s>","sign":<base64 HMAC-SHA256 keyed by
//!   "<s>\n<secret>" over nothing>,"msg_type":"text","content":{"text":…}}`.

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use hmac::{Hmac, Mac};
use serde_json::{Value, json};
use sha2::Sha256;
use zhenggai_domain::reminder::{Reminder, RobotKind};
use zhenggai_storage::reminders::channels::{Robot, RobotHosts};
use zhenggai_storage::reminders::courier::Undelivered;

/// One request to a robot's webhook.
#[derive(Debug, Clone, PartialEq)]
pub struct Request {
    /// The address, signed where the robot wants it.
    pub url: String,
    /// The JSON body.
    pub body: Value,
    /// How many of the batch's reminders it carries.
    pub reminders: usize,
}

/// The most a message may carry, in bytes of its text (WeCom's limit is the smallest:
/// 4096; a little is kept for the heading).
const MAX_TEXT: usize = 3800;

fn hmac_sha256(key: &[u8], message: &[u8]) -> Vec<u8> {
    // HMAC takes a key of any length; the error cannot happen.
    match Hmac::<Sha256>::new_from_slice(key) {
        Ok(mut mac) => {
            mac.update(message);
            mac.finalize().into_bytes().to_vec()
        }
        Err(_) => Vec::new(),
    }
}

/// DingTalk's signature of a timestamp in milliseconds.
pub fn dingtalk_sign(secret: &str, timestamp_ms: i64) -> String {
    let to_sign = format!("{timestamp_ms}\n{secret}");
    STANDARD.encode(hmac_sha256(secret.as_bytes(), to_sign.as_bytes()))
}

/// Feishu's signature of a timestamp in seconds.
pub fn feishu_sign(secret: &str, timestamp_s: i64) -> String {
    let key = format!("{timestamp_s}\n{secret}");
    STANDARD.encode(hmac_sha256(key.as_bytes(), b""))
}

/// Where a reminder's link leads: the server's public address joined to its path.
pub fn absolute(public_url: Option<&str>, link: &str) -> String {
    match public_url {
        Some(base) => format!("{}{link}", base.trim_end_matches('/')),
        None => link.to_string(),
    }
}

/// One reminder as lines of markdown (WeCom, DingTalk) or plain text (Feishu).
fn entry(kind: RobotKind, n: usize, r: &Reminder, public_url: Option<&str>) -> String {
    let link = absolute(public_url, &r.link);
    let body = r.body.replace('\n', "\n> ");
    match kind {
        RobotKind::Feishu => format!("{n}. {}\n{}\n{link}", r.subject, r.body),
        RobotKind::Wecom | RobotKind::Dingtalk if public_url.is_some() => {
            format!("**{n}. {}**\n> {body}\n\n[查看详情]({link})", r.subject)
        }
        RobotKind::Wecom | RobotKind::Dingtalk => format!("**{n}. {}**\n> {body}", r.subject),
    }
}

/// The texts of a batch of reminders: as few messages as the size limit allows, each
/// with a heading that counts them, and how many reminders each carries (the first so
/// many, then the next).
pub fn texts(
    kind: RobotKind,
    reminders: &[Reminder],
    public_url: Option<&str>,
) -> Vec<(String, usize)> {
    let mut chunks: Vec<Vec<String>> = vec![Vec::new()];
    let mut size = 0;
    for (i, r) in reminders.iter().enumerate() {
        let e = entry(kind, i + 1, r, public_url);
        if size + e.len() > MAX_TEXT
            && let Some(last) = chunks.last()
            && !last.is_empty()
        {
            chunks.push(Vec::new());
            size = 0;
        }
        size += e.len() + 2;
        if let Some(last) = chunks.last_mut() {
            last.push(e);
        }
    }
    let total = reminders.len();
    let parts = chunks.len();
    chunks
        .into_iter()
        .enumerate()
        .map(|(i, entries)| {
            let part = if parts > 1 {
                format!("（{}/{parts}）", i + 1)
            } else {
                String::new()
            };
            let heading = match kind {
                RobotKind::Feishu => format!("【整改提醒】共{total}条{part}"),
                _ => format!("### 【整改提醒】共{total}条{part}"),
            };
            (
                format!("{heading}\n\n{}", entries.join("\n\n")),
                entries.len(),
            )
        })
        .collect()
}

/// The requests that carry a batch of reminders to a robot, signed at `now_ms`.
pub fn requests(
    robot: &Robot,
    reminders: &[Reminder],
    public_url: Option<&str>,
    now_ms: i64,
) -> Vec<Request> {
    texts(robot.kind, reminders, public_url)
        .into_iter()
        .map(|(text, carried)| match robot.kind {
            RobotKind::Wecom => Request {
                url: robot.url.clone(),
                body: json!({"msgtype": "markdown", "markdown": {"content": text}}),
                reminders: carried,
            },
            RobotKind::Dingtalk => {
                let url = if robot.secret.is_empty() {
                    robot.url.clone()
                } else {
                    let sep = if robot.url.contains('?') { '&' } else { '?' };
                    format!(
                        "{}{sep}timestamp={now_ms}&sign={}",
                        robot.url,
                        urlencoding::encode(&dingtalk_sign(&robot.secret, now_ms))
                    )
                };
                Request {
                    url,
                    body: json!({
                        "msgtype": "markdown",
                        "markdown": {"title": "整改提醒", "text": text},
                    }),
                    reminders: carried,
                }
            }
            RobotKind::Feishu => {
                let mut body = json!({"msg_type": "text", "content": {"text": text}});
                if !robot.secret.is_empty() {
                    let seconds = now_ms.div_euclid(1000);
                    body["timestamp"] = Value::from(seconds.to_string());
                    body["sign"] = Value::from(feishu_sign(&robot.secret, seconds));
                }
                Request {
                    url: robot.url.clone(),
                    body,
                    reminders: carried,
                }
            }
        })
        .collect()
}

/// Whether a robot's answer says it took the message: WeCom and DingTalk answer
/// `{"errcode":0}`, Feishu `{"code":0}` (older robots `{"StatusCode":0}`).
pub fn accepted(answer: &Value) -> Result<(), String> {
    let code = ["errcode", "code", "StatusCode"]
        .iter()
        .find_map(|k| answer.get(k).and_then(Value::as_i64));
    match code {
        Some(0) => Ok(()),
        Some(c) => {
            let why = ["errmsg", "msg", "StatusMessage"]
                .iter()
                .find_map(|k| answer.get(k).and_then(Value::as_str))
                .unwrap_or("");
            Err(format!("the robot refused the message: {c} {why}"))
        }
        None => Err(format!("the robot gave an unexpected answer: {answer}")),
    }
}

/// Checks a stored webhook before anything is sent: a row written before the check at
/// setting time, or a relay since taken out of the configuration, is refused here. An
/// address written as such is checked at once (it is never resolved); names are
/// checked by [`Resolver`] as they are resolved.
pub fn check_destination(hosts: &RobotHosts, webhook: &str) -> anyhow::Result<()> {
    hosts
        .check(webhook)
        .map_err(|_| anyhow::anyhow!("the webhook's host is not a robot vendor's nor a configured relay (robot_allowed_hosts)"))?;
    let host = RobotHosts::host_of(webhook).unwrap_or_default();
    if let Ok(ip) = host.parse::<std::net::IpAddr>()
        && !hosts.may_connect(&host, ip)
    {
        anyhow::bail!("refusing to post to the internal address {ip}");
    }
    Ok(())
}

/// Resolves the robots' host names, keeping only the addresses the host may use: a
/// vendor's name that resolves to loopback, private or link-local addresses (a forged
/// or rebinding DNS answer) is not connected to; a configured relay is.
#[derive(Debug, Clone)]
pub struct Resolver {
    hosts: RobotHosts,
}

impl Resolver {
    /// A resolver for these hosts.
    pub fn new(hosts: RobotHosts) -> Resolver {
        Resolver { hosts }
    }
}

impl reqwest::dns::Resolve for Resolver {
    fn resolve(&self, name: reqwest::dns::Name) -> reqwest::dns::Resolving {
        let hosts = self.hosts.clone();
        Box::pin(async move {
            let host = name.as_str().to_string();
            let found = tokio::net::lookup_host((host.as_str(), 0)).await?;
            let usable: Vec<std::net::SocketAddr> =
                found.filter(|a| hosts.may_connect(&host, a.ip())).collect();
            if usable.is_empty() {
                return Err(format!(
                    "{host} resolves to no address a robot may be posted to (internal addresses only for a configured relay)"
                )
                .into());
            }
            let addrs: reqwest::dns::Addrs = Box::new(usable.into_iter());
            Ok(addrs)
        })
    }
}

/// Posts the requests in order; the first refusal stops it, and says how many reminders
/// the messages before it carried, so that only the rest are sent again.
pub async fn post(client: &reqwest::Client, requests: &[Request]) -> Result<(), Undelivered> {
    let mut delivered = 0;
    for r in requests {
        if let Err(error) = post_one(client, r).await {
            return Err(Undelivered { delivered, error });
        }
        delivered += r.reminders;
    }
    Ok(())
}

async fn post_one(client: &reqwest::Client, r: &Request) -> anyhow::Result<()> {
    let response = client
        .post(&r.url)
        .json(&r.body)
        .send()
        .await
        .map_err(|e| anyhow::anyhow!("posting to the robot failed: {e}"))?;
    let status = response.status();
    let answer: Value = response
        .json()
        .await
        .map_err(|e| anyhow::anyhow!("the robot answered {status} without JSON: {e}"))?;
    accepted(&answer).map_err(anyhow::Error::msg)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn reminder(n: usize) -> Reminder {
        Reminder {
            key: format!("warning:{n}:red:1"),
            user: 0,
            subject: "【红色预警】整改措施已逾期1个工作日".into(),
            body: "清理违规发放的津贴补贴\n牵头单位：财务部".into(),
            link: format!("/measures/{n}"),
        }
    }

    /// Each signature is the HMAC-SHA256 recipe its robot documents, recomputed here.
    #[test]
    fn signatures_follow_the_robots_recipes() {
        // HMAC-SHA256 of "1700000000000\nSECxyz" with key "SECxyz", base64.
        let ding = dingtalk_sign("SECxyz", 1_700_000_000_000);
        assert_eq!(ding.len(), 44);
        assert_eq!(ding, dingtalk_sign("SECxyz", 1_700_000_000_000));
        assert_ne!(ding, dingtalk_sign("SECxyz", 1_700_000_000_001));
        let mut mac = Hmac::<Sha256>::new_from_slice(b"SECxyz").unwrap();
        mac.update(b"1700000000000\nSECxyz");
        assert_eq!(ding, STANDARD.encode(mac.finalize().into_bytes()));
        let fei = feishu_sign("abc", 1_700_000_000);
        let mut mac = Hmac::<Sha256>::new_from_slice(b"1700000000\nabc").unwrap();
        mac.update(b"");
        assert_eq!(fei, STANDARD.encode(mac.finalize().into_bytes()));
    }

    #[test]
    fn each_robot_gets_its_own_format() {
        let batch = [reminder(1), reminder(2)];
        let base = Some("https://zg.example.cn/");
        for kind in RobotKind::ALL {
            let robot = Robot {
                kind,
                url: "https://robot.example/hook?key=k".into(),
                secret: "SECxyz".into(),
            };
            let req = requests(&robot, &batch, base, 1_700_000_000_000);
            assert_eq!(req.len(), 1, "{kind:?}");
            let text = match kind {
                RobotKind::Wecom => req[0].body["markdown"]["content"].as_str().unwrap(),
                RobotKind::Dingtalk => req[0].body["markdown"]["text"].as_str().unwrap(),
                RobotKind::Feishu => req[0].body["content"]["text"].as_str().unwrap(),
            };
            assert!(text.contains("共2条"), "{text}");
            assert!(text.contains("https://zg.example.cn/measures/2"), "{text}");
            match kind {
                RobotKind::Wecom => assert_eq!(req[0].url, robot.url),
                RobotKind::Dingtalk => {
                    assert!(req[0].url.starts_with(
                        "https://robot.example/hook?key=k&timestamp=1700000000000&sign="
                    ));
                }
                RobotKind::Feishu => {
                    assert_eq!(req[0].body["timestamp"], "1700000000");
                    assert_eq!(req[0].body["sign"], feishu_sign("SECxyz", 1_700_000_000));
                }
            }
        }
    }

    #[test]
    fn long_batches_are_split_within_the_size_limit() {
        let batch: Vec<Reminder> = (1..=60).map(reminder).collect();
        let parts = texts(RobotKind::Wecom, &batch, Some("https://zg.example.cn"));
        assert!(parts.len() > 1);
        assert!(
            parts.iter().all(|(p, _)| p.len() <= 4096),
            "WeCom takes 4096 bytes"
        );
        assert!(parts[0].0.contains(&format!("（1/{}）", parts.len())));
        // Each part carries the next reminders, in order, and says how many.
        let mut next = 1;
        for (text, carried) in &parts {
            assert_eq!(text.matches("/measures/").count(), *carried);
            for n in next..next + carried {
                assert!(text.contains(&format!("/measures/{n})")), "{n}");
            }
            next += carried;
        }
        assert_eq!(next, 61);
    }

    #[test]
    fn answers_are_read_per_robot() {
        assert!(accepted(&json!({"errcode": 0, "errmsg": "ok"})).is_ok());
        assert!(accepted(&json!({"code": 0, "msg": "success"})).is_ok());
        assert!(accepted(&json!({"StatusCode": 0})).is_ok());
        let refused = accepted(&json!({"errcode": 310000, "errmsg": "sign not match"}));
        assert!(refused.unwrap_err().contains("sign not match"));
        assert!(accepted(&json!({"ok": true})).is_err());
    }
}
