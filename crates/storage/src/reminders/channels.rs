//! 提醒渠道 — where reminders go besides the bell: e-mail to each person who has an
//! address and wants it, and the organisation's group-chat robot. The office sets the
//! organisation's channels; each person sets only their own address. Both recorded.

use std::collections::HashMap;
use zhenggai_domain::reason::{Channel, Choose};
use zhenggai_domain::validate::Why;

use serde::{Deserialize, Serialize};
use sqlx::AnyConnection;
use zhenggai_domain::access::{Access, Actor};
use zhenggai_domain::reminder::RobotKind;
use zhenggai_domain::warning::Colour;
use zhenggai_domain::{UnitId, UserId};

use crate::audit::{self, Change, Entity};
use crate::db::Db;
use crate::db::rows::{code_list_of, opt_code_of};
use crate::db::sql::Param;
use crate::db::tx::Tx;
use crate::error::{StoreError, StoreResult};
use crate::settings::require_settings;

/// The vendors' webhook hosts: WeCom (企业微信), DingTalk (钉钉), Feishu (飞书).
pub const VENDOR_HOSTS: &[&str] = &["qyapi.weixin.qq.com", "oapi.dingtalk.com", "open.feishu.cn"];

/// Where group-robot webhooks may point: the vendors' hosts, and the intranet relays
/// the configuration names (`robot_allowed_hosts`). A webhook is a request the server
/// makes for whoever set it: pointed at loopback or the intranet, it would reach what
/// only the server can reach.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RobotHosts {
    relays: Vec<String>,
}

impl RobotHosts {
    /// The vendors' hosts and these relays (host names or addresses, any case).
    pub fn new<S: AsRef<str>>(relays: impl IntoIterator<Item = S>) -> RobotHosts {
        RobotHosts {
            relays: relays
                .into_iter()
                .filter_map(|h| normal_host(h.as_ref()))
                .collect(),
        }
    }

    /// Whether the configuration names this host as a relay.
    pub fn is_relay(&self, host: &str) -> bool {
        normal_host(host).is_some_and(|h| self.relays.contains(&h))
    }

    /// Whether a webhook may be sent to this host at all.
    pub fn allows(&self, host: &str) -> bool {
        normal_host(host)
            .is_some_and(|h| VENDOR_HOSTS.contains(&h.as_str()) || self.relays.contains(&h))
    }

    /// Whether a connection for this host may go to this address: a relay anywhere it
    /// was configured to be, a vendor's host only to a public address (a DNS answer
    /// that points elsewhere is not followed).
    pub fn may_connect(&self, host: &str, ip: std::net::IpAddr) -> bool {
        self.allows(host) && (self.is_relay(host) || !is_internal(ip))
    }

    /// A webhook's host, if the address is one (http or https).
    pub fn host_of(webhook: &str) -> Option<String> {
        let url = url::Url::parse(webhook).ok()?;
        if !matches!(url.scheme(), "http" | "https") {
            return None;
        }
        match url.host()? {
            url::Host::Domain(d) => normal_host(d),
            url::Host::Ipv4(ip) => Some(ip.to_string()),
            url::Host::Ipv6(ip) => Some(ip.to_string()),
        }
    }

    /// Checks a webhook before it is saved or posted to: an address on an allowed host.
    pub fn check(&self, webhook: &str) -> StoreResult<()> {
        let host = RobotHosts::host_of(webhook)
            .ok_or_else(|| StoreError::because("robot_url", Why::Channel(Channel::RobotUrl)))?;
        if self.is_relay(&host) {
            return Ok(());
        }
        if self.allows(&host) {
            // A vendor's webhook carries the robot's key: only over TLS to its own port,
            // as the vendors give it (a relay on the intranet may speak plain HTTP).
            let as_given = url::Url::parse(webhook)
                .is_ok_and(|u| u.scheme() == "https" && u.port().is_none_or(|p| p == 443));
            if as_given {
                return Ok(());
            }
            return Err(StoreError::because(
                "robot_url",
                Why::Channel(Channel::RobotUrlClear),
            ));
        }
        let mut allowed: Vec<String> = VENDOR_HOSTS.iter().map(|h| h.to_string()).collect();
        allowed.extend(self.relays.iter().cloned());
        Err(StoreError::because(
            "robot_url",
            Why::Channel(Channel::RobotHost {
                allowed,
                host: host.to_string(),
            }),
        ))
    }
}

/// A host name as compared: lower case, without a final dot or IPv6 brackets.
fn normal_host(host: &str) -> Option<String> {
    let h = host
        .trim()
        .trim_end_matches('.')
        .trim_start_matches('[')
        .trim_end_matches(']')
        .to_ascii_lowercase();
    (!h.is_empty()).then_some(h)
}

/// Addresses inside the machine or the intranet: loopback, private, link-local, shared
/// (carrier-grade NAT), unspecified, broadcast and multicast, IPv6's unique-local and
/// IPv4 inside IPv6.
pub fn is_internal(ip: std::net::IpAddr) -> bool {
    use std::net::IpAddr;
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, ..] = v4.octets();
            v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_unspecified()
                || v4.is_broadcast()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
        }
        IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => is_internal(IpAddr::V4(v4)),
            None => {
                v6.is_loopback()
                    || v6.is_unspecified()
                    || v6.is_multicast()
                    || v6.is_unique_local()
                    || v6.is_unicast_link_local()
            }
        },
    }
}

/// A group-chat robot: its webhook and, for DingTalk and Feishu, the signing secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Robot {
    /// Which robot.
    pub kind: RobotKind,
    /// The webhook address (it holds the robot's key: kept out of the trail).
    pub url: String,
    /// The signing secret, or empty.
    pub secret: String,
}

/// An organisation's channels (the bell only until the office sets them: version 0).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrgChannels {
    /// Whether its people get reminders by e-mail too.
    pub email_on: bool,
    /// Its group-chat robot, if any.
    pub robot: Option<Robot>,
    /// The warning colours the robot posts (e.g. only red, to keep the group for what
    /// is overdue); the weekly roll call is posted whatever they are.
    pub robot_colours: Vec<Colour>,
    /// Version, for the next save.
    pub version: i64,
}

impl Default for OrgChannels {
    fn default() -> Self {
        OrgChannels {
            email_on: false,
            robot: None,
            robot_colours: Colour::ALL.to_vec(),
            version: 0,
        }
    }
}

impl OrgChannels {
    /// Whether the robot posts warnings of this colour.
    pub fn posts(&self, colour: Colour) -> bool {
        self.robot.is_some() && self.robot_colours.contains(&colour)
    }
}

/// The channels as entered.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct OrgChannelsInput {
    /// "on" to mail reminders.
    pub email_on: bool,
    /// A robot code, or empty for none.
    pub robot_kind: String,
    /// Its webhook.
    pub robot_url: String,
    /// Its secret; empty keeps the one stored.
    pub robot_secret: String,
    /// Colour codes the robot posts; `None` (an older form or client) keeps those
    /// stored.
    pub robot_colours: Option<Vec<String>>,
    /// The version read.
    pub version: i64,
}

/// An organisation's channels.
pub async fn of_org(conn: &mut AnyConnection, org: UnitId) -> StoreResult<OrgChannels> {
    #[derive(sqlx::FromRow)]
    struct Stored {
        email_on: i64,
        robot_kind: String,
        robot_url: String,
        robot_secret: String,
        version: i64,
        robot_colours: String,
    }
    let row = sqlx::query_as::<_, Stored>(
        "SELECT email_on, robot_kind, robot_url, robot_secret, version, robot_colours FROM org_channels WHERE org_id = $1",
    )
    .bind(org.0)
    .fetch_optional(conn)
    .await?;
    let Some(r) = row else {
        return Ok(OrgChannels::default());
    };
    // No robot is stored as an empty code.
    let robot =
        opt_code_of::<RobotKind>("org_channels", "robot_kind", Some(&r.robot_kind))?.map(|kind| {
            Robot {
                kind,
                url: r.robot_url,
                secret: r.robot_secret,
            }
        });
    Ok(OrgChannels {
        email_on: r.email_on != 0,
        robot,
        robot_colours: code_list_of("org_channels", "robot_colours", &r.robot_colours)?,
        version: r.version,
    })
}

/// An organisation's channels, on a connection of its own.
pub async fn for_org(db: &Db, org: UnitId) -> StoreResult<OrgChannels> {
    let mut conn = db.pool().acquire().await?;
    of_org(&mut conn, org).await
}

/// Sets an organisation's channels (its office only); recorded.
pub async fn save_org(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    org: UnitId,
    input: &OrgChannelsInput,
    hosts: &RobotHosts,
) -> StoreResult<OrgChannels> {
    require_settings(actor, org, Access::Edit)?;
    db.write(async |tx| save_org_in(tx, change, org, input, hosts).await)
        .await
}

/// [`save_org`] in its transaction: the channels as stored, then as saved.
async fn save_org_in(
    tx: &mut Tx,
    change: Change<'_>,
    org: UnitId,
    input: &OrgChannelsInput,
    hosts: &RobotHosts,
) -> StoreResult<OrgChannels> {
    let current = of_org(tx.conn(), org).await?;
    let kind = match input.robot_kind.trim() {
        "" => None,
        code => Some(
            RobotKind::from_code(code)
                .ok_or_else(|| StoreError::because("robot_kind", Why::Choose(Choose::RobotKind)))?,
        ),
    };
    let url = input.robot_url.trim();
    let secret = match input.robot_secret.trim() {
        "" => current
            .robot
            .as_ref()
            .map(|r| r.secret.clone())
            .unwrap_or_default(),
        s => s.to_string(),
    };
    if let Some(kind) = kind {
        if !(url.starts_with("https://") || url.starts_with("http://")) || url.contains(' ') {
            return Err(StoreError::because(
                "robot_url",
                Why::Channel(Channel::RobotUrl),
            ));
        }
        hosts.check(url)?;
        if kind == RobotKind::Dingtalk && secret.is_empty() {
            return Err(StoreError::because(
                "robot_secret",
                Why::Channel(Channel::DingTalkSecret),
            ));
        }
    }
    let colours = match &input.robot_colours {
        None => current.robot_colours.clone(),
        Some(codes) => codes
            .iter()
            .map(|c| {
                Colour::from_code(c.trim()).ok_or_else(|| {
                    StoreError::because("robot_colours", Why::Choose(Choose::RobotColours))
                })
            })
            .collect::<StoreResult<Vec<Colour>>>()?,
    };
    let colours = Colour::ALL
        .iter()
        .filter(|c| colours.contains(c))
        .map(|c| c.code())
        .collect::<Vec<_>>()
        .join(",");
    audit::versions::upsert(
        tx,
        change,
        Entity::OrgChannels,
        ("org_id", org.0),
        Some(input.version),
        &[
            ("email_on", Param::from(i64::from(input.email_on))),
            (
                "robot_kind",
                Param::from(kind.map(RobotKind::code).unwrap_or_default()),
            ),
            ("robot_url", Param::from(url)),
            ("robot_secret", Param::from(secret)),
            ("robot_colours", Param::from(colours)),
        ],
    )
    .await?;
    of_org(tx.conn(), org).await
}

/// A person's e-mail setting.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct UserChannel {
    /// Their address, or empty.
    pub email: String,
    /// Whether they want reminders by e-mail.
    pub email_on: bool,
    /// Version (0 until set).
    pub version: i64,
}

/// A person's e-mail setting as stored.
#[derive(sqlx::FromRow)]
struct StoredChannel {
    user_id: i64,
    email: String,
    email_on: i64,
    version: i64,
}

impl From<StoredChannel> for UserChannel {
    fn from(r: StoredChannel) -> UserChannel {
        UserChannel {
            email: r.email,
            email_on: r.email_on != 0,
            version: r.version,
        }
    }
}

/// Every person's e-mail setting, for planning a round of reminders.
pub async fn all_users(db: &Db) -> StoreResult<HashMap<UserId, UserChannel>> {
    let rows = sqlx::query_as::<_, StoredChannel>(
        "SELECT user_id, email, email_on, version FROM user_channels",
    )
    .fetch_all(db.pool())
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| (UserId(r.user_id), UserChannel::from(r)))
        .collect())
}

/// A person's e-mail setting.
pub async fn of_user(db: &Db, user: UserId) -> StoreResult<UserChannel> {
    let row = sqlx::query_as::<_, StoredChannel>(
        "SELECT user_id, email, email_on, version FROM user_channels WHERE user_id = $1",
    )
    .bind(user.0)
    .fetch_optional(db.pool())
    .await?;
    Ok(row.map(UserChannel::from).unwrap_or_default())
}

/// Whether an address can be mailed to: one `@`, something on each side, a dot in the
/// domain, no spaces. The mail server has the last word.
pub fn plausible_email(address: &str) -> bool {
    let mut parts = address.split('@');
    match (parts.next(), parts.next(), parts.next()) {
        (Some(local), Some(domain), None) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !address.chars().any(char::is_whitespace)
        }
        _ => false,
    }
}

/// Sets a person's own e-mail setting (nobody sets another's); recorded.
pub async fn save_user(
    db: &Db,
    actor: &Actor,
    change: Change<'_>,
    email: &str,
    email_on: bool,
    version: i64,
) -> StoreResult<UserChannel> {
    let email = email.trim();
    if !email.is_empty() && !plausible_email(email) {
        return Err(StoreError::because("email", Why::Channel(Channel::Email)));
    }
    if email.is_empty() && email_on {
        return Err(StoreError::because(
            "email",
            Why::Channel(Channel::EmailNeeded),
        ));
    }
    db.write(async |tx| {
        audit::versions::upsert(
            tx,
            change,
            Entity::UserChannels,
            ("user_id", actor.user.0),
            Some(version),
            &[
                ("email", Param::from(email)),
                ("email_on", Param::from(i64::from(email_on))),
            ],
        )
        .await
    })
    .await?;
    of_user(db, actor.user).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn addresses_are_checked_for_their_shape() {
        for ok in ["a@b.cn", "zhang.san@mail.example.gov.cn", "x+y@z.org"] {
            assert!(plausible_email(ok), "{ok}");
        }
        for bad in [
            "", "a", "a@b", "@b.cn", "a@b@c.cn", "a b@c.cn", "a@.cn", "a@cn.",
        ] {
            assert!(!plausible_email(bad), "{bad}");
        }
    }
}
