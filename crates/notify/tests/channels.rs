//! 提醒 (D10) leaving the process: a local SMTP receiver and a local HTTP receiver take
//! what the reminder worker sends for a day of the demo ledger, by e-mail and to each
//! group-chat robot. The messages are asserted exactly (insta snapshots), and a worker
//! that dies holding jobs, or a second worker started after a restart, sends nothing
//! twice. Runs on SQLite and on PostgreSQL like every storage test.
#![allow(
    clippy::unwrap_used,
    reason = "a test fails loudly on what it did not expect; helpers of an integration test crate are not #[test] functions"
)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{Duration, NaiveDate};
use serde_json::Value;
use zhenggai_domain::calendar::Calendar;
use zhenggai_domain::clock::SystemClock;
use zhenggai_domain::reminder::RobotKind;
use zhenggai_notify::{Outbound, Security, SmtpConfig};
use zhenggai_storage::accounts::users;
use zhenggai_storage::audit::Change;
use zhenggai_storage::reminders;
use zhenggai_storage::reminders::channels::{self, OrgChannelsInput, Robot, RobotHosts};
use zhenggai_storage::reminders::courier::Courier;
use zhenggai_testkit::{TestDb, beijing_morning as morning};

// In a folder without a `main.rs`: part of this test binary, not one of its own.
#[path = "channels/receivers.rs"]
mod receivers;
use receivers::{
    Hooks, Mail, Posted, http_receiver, readable, signed_right, smtp_receiver, steady,
};

/// The day of the walk: a Monday on which the demo ledger has red and yellow measures.
fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 5, 20).unwrap()
}

/// The local HTTP receiver stands for an intranet relay: it is configured as one.
fn relay() -> RobotHosts {
    RobotHosts::new(["127.0.0.1"])
}

fn outbound(smtp_port: u16) -> Outbound {
    Outbound::new(
        Some(&SmtpConfig {
            host: "127.0.0.1".into(),
            port: Some(smtp_port),
            security: Security::None,
            username: None,
            password: None,
            from: "整改办 <zhenggai@example.gov.cn>".into(),
        }),
        Some("https://zhenggai.example.gov.cn".into()),
        relay(),
        Arc::new(SystemClock),
    )
    .unwrap()
}

/// The demo ledger with the office's rules, the organisation mailing and posting to a
/// robot, and addresses for the secretary and one unit account.
async fn prepared(robot: RobotKind, hook_port: u16) -> TestDb {
    let t = TestDb::new().await.unwrap();
    let start = NaiveDate::from_ymd_opt(2024, 4, 25).unwrap();
    t.demo_with_secretary(start).await.unwrap();
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    let change = Change {
        actor: Some(office.id),
        at: morning(start),
        reason: None,
    };
    channels::save_org(
        &t.db,
        &actor,
        change,
        actor.org,
        &OrgChannelsInput {
            email_on: true,
            robot_kind: robot.code().into(),
            robot_url: format!("http://127.0.0.1:{hook_port}/{}", robot.code()),
            robot_secret: "SEC0123456789abcdef".into(),
            robot_colours: None,
            version: 0,
        },
        &relay(),
    )
    .await
    .unwrap();
    for (who, address, on) in [
        ("leader_zhao", "zhao@example.gov.cn", true),
        ("finance", "caiwu@example.gov.cn", true),
        ("hr", "renshi@example.gov.cn", false),
    ] {
        let user = users::find(&t.db, who).await.unwrap().unwrap();
        let actor = users::actor(&t.db, user.id).await.unwrap();
        let change = Change {
            actor: Some(user.id),
            at: morning(start),
            reason: None,
        };
        channels::save_user(&t.db, &actor, change, address, on, 0)
            .await
            .unwrap();
    }
    t
}

async fn job_states(t: &TestDb) -> BTreeMap<(String, String), i64> {
    #[derive(sqlx::FromRow)]
    struct Jobs {
        kind: String,
        state: String,
        jobs: i64,
    }
    sqlx::query_as::<_, Jobs>("SELECT kind, state, COUNT(*) AS jobs FROM jobs GROUP BY kind, state")
        .fetch_all(t.db.pool())
        .await
        .unwrap()
        .into_iter()
        .map(|r| ((r.kind, r.state), r.jobs))
        .collect()
}

#[tokio::test]
async fn reminders_reach_mailboxes_and_robots_once_even_across_a_restart() {
    let calendar = Calendar::official();
    let (smtp_port, mails) = smtp_receiver().await;
    let (hook_port, hooks) = http_receiver().await;
    for kind in RobotKind::ALL {
        mails.lock().unwrap().clear();
        hooks.posted.lock().unwrap().clear();
        let t = prepared(kind, hook_port).await;
        let now = morning(day());

        // The worker plans the day and dies holding the jobs it leased, before sending.
        let first = outbound(smtp_port);
        reminders::planning::plan(&t.db, &first, &calendar, day(), now)
            .await
            .unwrap();
        sqlx::query("UPDATE jobs SET state = 'running', leased_until = $1")
            .bind(zhenggai_storage::db::sql::stamp(now + Duration::minutes(5)))
            .execute(t.db.pool())
            .await
            .unwrap();
        // A new worker, while the lease still runs: nothing goes out.
        let second = outbound(smtp_port);
        let early = reminders::tick(&t.db, &second, &calendar, day(), now + Duration::minutes(1))
            .await
            .unwrap();
        assert_eq!(early.delivered, 0);
        assert!(mails.lock().unwrap().is_empty());
        // After the lease ran out, everything goes out once.
        let later = now + Duration::minutes(10);
        let done = reminders::tick(&t.db, &second, &calendar, day(), later)
            .await
            .unwrap();
        assert!(done.delivered > 0);
        // Restarted again, ticking again the same day: nothing new.
        let third = outbound(smtp_port);
        let again = reminders::tick(
            &t.db,
            &third,
            &calendar,
            day(),
            later + Duration::minutes(30),
        )
        .await
        .unwrap();
        assert_eq!(again.planned + again.delivered, 0, "{kind:?}");

        let states = job_states(&t).await;
        assert!(
            states.keys().all(|(_, state)| state == "done"),
            "{kind:?}: {states:?}"
        );

        // E-mail: only to those with an address who want it (hr opted out), each
        // reminder once, with the bell's subject.
        let got = mails.lock().unwrap().clone();
        let mut to: Vec<&str> = got.iter().map(|m| m.rcpt[0].as_str()).collect();
        to.sort_unstable();
        to.dedup();
        assert_eq!(to, ["<caiwu@example.gov.cn>", "<zhao@example.gov.cn>"]);
        let emails = states[&("email".to_string(), "done".to_string())];
        assert_eq!(i64::try_from(got.len()).unwrap(), emails);
        let ids: std::collections::BTreeSet<Option<String>> = got
            .iter()
            .map(|m| {
                mail_parser::MessageParser::default()
                    .parse(&m.data)
                    .unwrap()
                    .message_id()
                    .map(str::to_string)
            })
            .collect();
        assert_eq!(ids.len(), got.len(), "each mail its own message id");
        let bell: i64 = sqlx::query_scalar(
            "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id WHERE u.username = 'leader_zhao'",
        )
        .fetch_one(t.db.pool())
        .await
        .unwrap();
        let to_zhao = got
            .iter()
            .filter(|m| m.rcpt[0] == "<zhao@example.gov.cn>")
            .count();
        assert_eq!(
            i64::try_from(to_zhao).unwrap(),
            bell,
            "a mail for each bell notification"
        );

        // Robot: the organisation's batch as few messages as its size limit allows,
        // each signed as its robot wants, every event in them once.
        let posted = hooks.posted.lock().unwrap().clone();
        let robot_jobs = states[&("robot".to_string(), "done".to_string())];
        let texts: Vec<String> = posted
            .iter()
            .map(|p| {
                signed_right(kind, p);
                let text = match kind {
                    RobotKind::Wecom => &p.body["markdown"]["content"],
                    RobotKind::Dingtalk => &p.body["markdown"]["text"],
                    RobotKind::Feishu => &p.body["content"]["text"],
                };
                text.as_str().unwrap().to_string()
            })
            .collect();
        assert!(texts.iter().all(|t| t.len() <= 4096), "{kind:?}");
        // Every entry links to where it is acted on.
        let entries: usize = texts
            .iter()
            .map(|t| t.matches("https://zhenggai.example.gov.cn/").count())
            .sum();
        assert!(texts[0].contains(&format!("共{robot_jobs}条")), "{kind:?}");
        assert_eq!(entries, usize::try_from(robot_jobs).unwrap(), "{kind:?}");
        let steady_posts: Vec<Value> = posted.iter().map(steady).collect();
        insta::assert_json_snapshot!(format!("robot_{}", kind.code()), steady_posts);
        if kind == RobotKind::Wecom {
            let mut readable_mails: Vec<Value> = got.iter().map(readable).collect();
            readable_mails.sort_by_key(|m| (m["to"].to_string(), m["subject"].to_string()));
            readable_mails.truncate(3);
            insta::assert_json_snapshot!("emails", readable_mails);
        }
    }
}

/// An organisation posting to a WeCom robot, with the mail and posts it sends.
struct Wecom {
    mails: Arc<Mutex<Vec<Mail>>>,
    hooks: Hooks,
    t: TestDb,
    courier: Outbound,
}

async fn wecom() -> Wecom {
    let (smtp_port, mails) = smtp_receiver().await;
    let (hook_port, hooks) = http_receiver().await;
    Wecom {
        mails,
        hooks,
        t: prepared(RobotKind::Wecom, hook_port).await,
        courier: outbound(smtp_port),
    }
}

/// A scheduler round on the day of the walk, at `at`.
async fn tick_at(
    t: &TestDb,
    courier: &Outbound,
    at: chrono::DateTime<chrono::Utc>,
) -> zhenggai_storage::StoreResult<reminders::Tick> {
    reminders::tick(&t.db, courier, &Calendar::official(), day(), at).await
}

#[tokio::test]
async fn a_robot_that_refuses_is_tried_again_later_and_a_removed_one_is_skipped() {
    let Wecom {
        hooks, t, courier, ..
    } = wecom().await;
    let now = morning(day());
    *hooks.refuse.lock().unwrap() = 1;
    tick_at(&t, &courier, now).await.unwrap();
    assert!(hooks.posted.lock().unwrap().is_empty());
    let error: String = sqlx::query_scalar(
        "SELECT last_error FROM jobs WHERE kind = 'robot' AND state = 'pending' LIMIT 1",
    )
    .fetch_one(t.db.pool())
    .await
    .unwrap();
    assert!(error.contains("45009"), "{error}");
    // Ten minutes later it goes out, once.
    tick_at(&t, &courier, now + Duration::minutes(11))
        .await
        .unwrap();
    let sent = hooks.posted.lock().unwrap().len();
    assert!(sent > 0);
    tick_at(&t, &courier, now + Duration::minutes(40))
        .await
        .unwrap();
    assert_eq!(hooks.posted.lock().unwrap().len(), sent);

    // The office removes the robot: the next day's robot jobs are skipped, not sent.
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    let next = NaiveDate::from_ymd_opt(2024, 5, 21).unwrap();
    reminders::planning::plan(&t.db, &courier, &Calendar::official(), next, morning(next))
        .await
        .unwrap();
    let version = channels::for_org(&t.db, actor.org).await.unwrap().version;
    channels::save_org(
        &t.db,
        &actor,
        Change {
            actor: Some(office.id),
            at: morning(next),
            reason: None,
        },
        actor.org,
        &OrgChannelsInput {
            email_on: true,
            version,
            ..OrgChannelsInput::default()
        },
        &relay(),
    )
    .await
    .unwrap();
    reminders::queue::run_due(&t.db, &courier, morning(next))
        .await
        .unwrap();
    assert_eq!(hooks.posted.lock().unwrap().len(), sent);
    let states = job_states(&t).await;
    assert!(
        states.contains_key(&("robot".to_string(), "skipped".to_string())),
        "{states:?}"
    );
}

/// The text of a WeCom post.
fn wecom_text(p: &Posted) -> String {
    p.body["markdown"]["content"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

#[tokio::test]
async fn a_batch_refused_halfway_sends_only_what_did_not_go_out() {
    let Wecom {
        hooks, t, courier, ..
    } = wecom().await;
    let now = morning(day());
    // The day's batch takes two messages (the snapshot above): the robot takes the
    // first and refuses the second.
    *hooks.let_through.lock().unwrap() = 1;
    *hooks.refuse.lock().unwrap() = 1;
    tick_at(&t, &courier, now).await.unwrap();
    let first = hooks.posted.lock().unwrap().clone();
    assert_eq!(first.len(), 1);
    let went = wecom_text(&first[0])
        .matches("https://zhenggai.example.gov.cn/")
        .count();
    let states = job_states(&t).await;
    let done = states[&("robot".to_string(), "done".to_string())];
    let pending = states[&("robot".to_string(), "pending".to_string())];
    assert_eq!(
        usize::try_from(done).unwrap(),
        went,
        "the reminders of the message that went out are done"
    );
    assert!(pending > 0, "{states:?}");

    // Ten minutes later only the rest go out, counted as what they are.
    tick_at(&t, &courier, now + Duration::minutes(11))
        .await
        .unwrap();
    let posted = hooks.posted.lock().unwrap().clone();
    assert_eq!(posted.len(), 2);
    let retried = wecom_text(&posted[1]);
    assert!(retried.contains(&format!("共{pending}条")), "{retried}");
    let states = job_states(&t).await;
    assert!(
        states.keys().all(|(_, state)| state == "done"),
        "{states:?}"
    );
    // Every reminder reached the group once.
    let mut links: Vec<String> = posted
        .iter()
        .flat_map(|p| {
            wecom_text(p)
                .split("https://zhenggai.example.gov.cn")
                .skip(1)
                .map(|rest| rest.split(')').next().unwrap_or_default().to_string())
                .collect::<Vec<_>>()
        })
        .collect();
    let total = links.len();
    assert_eq!(i64::try_from(total).unwrap(), done + pending);
    links.sort();
    links.dedup();
    assert_eq!(links.len(), total, "a reminder sent twice");
}

#[tokio::test]
async fn mail_and_robots_wait_for_the_working_day_while_the_bell_rings_at_once() {
    let Wecom {
        mails,
        hooks,
        t,
        courier,
    } = wecom().await;
    // 00:30 in Beijing: the day's first round plans everything and rings the bell …
    let night = morning(day()) - Duration::minutes(8 * 60 + 30);
    let first = tick_at(&t, &courier, night).await.unwrap();
    assert!(first.planned > 0);
    let bell: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM notifications")
        .fetch_one(t.db.pool())
        .await
        .unwrap();
    assert!(bell > 0, "the bell shows the day's reminders at once");
    // … but nothing leaves until 08:00.
    for at in [night, night + Duration::minutes(7 * 60 + 29)] {
        tick_at(&t, &courier, at).await.unwrap();
    }
    assert!(mails.lock().unwrap().is_empty(), "no mail at night");
    assert!(hooks.posted.lock().unwrap().is_empty(), "no robot at night");
    let states = job_states(&t).await;
    assert!(states.contains_key(&("email".to_string(), "pending".to_string())));
    assert!(states.contains_key(&("robot".to_string(), "pending".to_string())));
    // 08:00: they go out, once.
    let eight = night + Duration::minutes(7 * 60 + 30);
    let sent = tick_at(&t, &courier, eight).await.unwrap();
    assert!(sent.delivered > 0);
    assert!(!mails.lock().unwrap().is_empty());
    assert!(!hooks.posted.lock().unwrap().is_empty());
    assert!(
        job_states(&t)
            .await
            .keys()
            .all(|(_, state)| state == "done"),
        "{:?}",
        job_states(&t).await
    );
}

/// An office that keeps its group for what is overdue: the robot posts only the red
/// warnings, while every colour still reaches its people's bells.
#[tokio::test]
async fn a_group_kept_for_red_gets_only_the_overdue_measures() {
    let Wecom {
        hooks, t, courier, ..
    } = wecom().await;
    let office = users::find(&t.db, "office").await.unwrap().unwrap();
    let actor = users::actor(&t.db, office.id).await.unwrap();
    let current = channels::for_org(&t.db, actor.org).await.unwrap();
    let robot = current.robot.clone().unwrap();
    channels::save_org(
        &t.db,
        &actor,
        Change {
            actor: Some(office.id),
            at: morning(day()),
            reason: None,
        },
        actor.org,
        &OrgChannelsInput {
            email_on: true,
            robot_kind: robot.kind.code().into(),
            robot_url: robot.url.clone(),
            robot_secret: String::new(),
            robot_colours: Some(vec!["red".into()]),
            version: current.version,
        },
        &relay(),
    )
    .await
    .unwrap();
    tick_at(&t, &courier, morning(day())).await.unwrap();
    let posted: Vec<String> = hooks
        .posted
        .lock()
        .unwrap()
        .iter()
        .map(wecom_text)
        .collect();
    let text = posted.join("\n");
    assert!(text.contains("【红色预警】"), "{text}");
    assert!(
        !text.contains("【黄色预警】") && !text.contains("【绿色预警】"),
        "{text}"
    );
    let bells = |colour: &'static str| {
        let db = t.db.clone();
        async move {
            sqlx::query_scalar::<_, i64>(&format!(
                "SELECT COUNT(*) FROM notifications WHERE subject LIKE '%{colour}%'"
            ))
            .fetch_one(db.pool())
            .await
            .unwrap()
        }
    };
    assert!(bells("黄色预警").await > 0 && bells("绿色预警").await > 0);
}

/// Issue 19 item 14: a webhook on loopback or the intranet (a row saved before the
/// check, or a relay since taken out of the configuration) is not posted to unless the
/// configuration names its host; a name that resolves to such an address only, neither.
#[tokio::test]
async fn robots_post_to_internal_addresses_only_through_a_configured_relay() {
    let (port, hooks) = http_receiver().await;
    let reminder = zhenggai_domain::reminder::Reminder {
        key: "warning:1:red:1".into(),
        user: 0,
        subject: "【红色预警】整改措施已逾期1个工作日".into(),
        body: "清理违规发放的津贴补贴".into(),
        link: "/measures/1".into(),
    };
    let courier =
        |hosts: RobotHosts| Outbound::new(None, None, hosts, Arc::new(SystemClock)).unwrap();
    let robot = |host: &str| Robot {
        kind: RobotKind::Wecom,
        url: format!("http://{host}:{port}/wecom"),
        secret: String::new(),
    };
    let vendors_only = courier(RobotHosts::default());
    for host in [
        "127.0.0.1",
        "localhost",
        "[::1]",
        "10.0.0.8",
        "169.254.169.254",
    ] {
        let refused = vendors_only
            .robot(&robot(host), std::slice::from_ref(&reminder))
            .await;
        assert!(refused.is_err(), "{host} was posted to");
    }
    // A vendor's name is followed only to public addresses; a relay's anywhere.
    let hosts = RobotHosts::new(["localhost"]);
    assert!(!hosts.may_connect("qyapi.weixin.qq.com", "127.0.0.1".parse().unwrap()));
    assert!(!hosts.may_connect("open.feishu.cn", "192.168.1.10".parse().unwrap()));
    assert!(!hosts.may_connect("oapi.dingtalk.com", "::ffff:10.1.2.3".parse().unwrap()));
    assert!(hosts.may_connect("oapi.dingtalk.com", "203.119.129.1".parse().unwrap()));
    assert!(hosts.may_connect("localhost", "127.0.0.1".parse().unwrap()));
    assert!(!hosts.may_connect("evil.example", "203.0.113.9".parse().unwrap()));
    assert!(hooks.posted.lock().unwrap().is_empty());
    // Named as a relay, the same receiver gets the post, by address and by name.
    for host in ["127.0.0.1", "localhost"] {
        courier(RobotHosts::new([host]))
            .robot(&robot(host), std::slice::from_ref(&reminder))
            .await
            .unwrap_or_else(|e| panic!("{host}: {}", e.error));
    }
    assert_eq!(hooks.posted.lock().unwrap().len(), 2);
}
