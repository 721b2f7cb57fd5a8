//! 提醒渠道: the office sets its organisation's e-mail and robot (the secret never
//! shown again nor written to the trail in clear), each person sets only their own
//! address, and others are refused.

use axum::http::StatusCode;

use zhenggai_storage::audit::Entity;
use zhenggai_storage::reminders::channels::{self, OrgChannels};

use crate::util::*;

/// The S1 organisation's channels as the reminders read them.
async fn org_channels(t: &TestApp) -> OrgChannels {
    channels::for_org(&t.app.db, t.actor("office").await.org)
        .await
        .unwrap()
}

#[tokio::test]
async fn the_office_sets_the_channels_and_each_person_their_own_address() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let page = t.get(Some(&office), "/settings/warnings").await;
    assert!(page.body.contains("id=\"channels\""));
    assert!(page.body.contains("钉钉群机器人"));

    // DingTalk wants its signing secret; a webhook must be an address.
    let no_secret = t
        .post(
            Some(&office),
            "/settings/channels",
            &[
                ("email_on", "on"),
                ("robot_kind", "dingtalk"),
                (
                    "robot_url",
                    "https://oapi.dingtalk.com/robot/send?access_token=abc",
                ),
                ("robot_secret", ""),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(no_secret.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(no_secret.body.contains("data-field=\"robot_secret\""));
    let bad_url = t
        .post(
            Some(&office),
            "/settings/channels",
            &[
                ("robot_kind", "wecom"),
                ("robot_url", "qyapi key=abc"),
                ("version", "0"),
            ],
        )
        .await;
    assert!(bad_url.body.contains("data-field=\"robot_url\""));
    let saved = t
        .post(
            Some(&office),
            "/settings/channels",
            &[
                ("email_on", "on"),
                ("robot_kind", "dingtalk"),
                (
                    "robot_url",
                    "https://oapi.dingtalk.com/robot/send?access_token=abc",
                ),
                ("robot_secret", "SECsecret123"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let page = t.get(Some(&office), "/settings/warnings").await;
    assert!(
        !page.body.contains("SECsecret123"),
        "the secret is not shown"
    );
    assert!(page.body.contains("access_token=abc"));
    // Saving again without the secret keeps it.
    let kept = t
        .post(
            Some(&office),
            "/settings/channels",
            &[
                ("email_on", "on"),
                ("robot_kind", "dingtalk"),
                (
                    "robot_url",
                    "https://oapi.dingtalk.com/robot/send?access_token=abc",
                ),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(kept.status, StatusCode::SEE_OTHER, "{}", kept.body);
    assert_eq!(
        org_channels(&t).await.robot.map(|r| r.secret).as_deref(),
        Some("SECsecret123")
    );
    // As stored: the trail's rows themselves, not what the trail pages show of them.
    assert_eq!(
        t.stored::<i64>(
            "SELECT COUNT(*) FROM audit_log WHERE entity = 'org_channels' AND (after_json LIKE '%SECsecret123%' OR after_json LIKE '%access_token%')"
        )
        .await,
        0,
        "the trail holds the robot's secrets only as digests"
    );
    assert_eq!(t.audit_entries_of(Entity::OrgChannels).await.len(), 2);

    // The group gets every colour until the office keeps it for red alone; a colour
    // that does not exist is refused at its field, the stored choice kept.
    let t = &t;
    let colours = |codes: &'static str| async move {
        let kept: Vec<&str> = org_channels(t)
            .await
            .robot_colours
            .iter()
            .map(|c| c.code())
            .collect();
        kept.join(",") == codes
    };
    assert!(colours("green,yellow,red").await);
    let robot = [
        ("email_on", "on"),
        ("robot_kind", "dingtalk"),
        (
            "robot_url",
            "https://oapi.dingtalk.com/robot/send?access_token=abc",
        ),
        ("robot_colours_shown", "1"),
    ];
    let red_only = t
        .post(
            Some(&office),
            "/settings/channels",
            &[&robot[..], &[("robot_colours", "red"), ("version", "2")]].concat(),
        )
        .await;
    assert_eq!(red_only.status, StatusCode::SEE_OTHER, "{}", red_only.body);
    assert!(colours("red").await);
    let page = t.get(Some(&office), "/settings/warnings").await;
    assert!(
        page.body
            .contains(r#"name="robot_colours" value="red" checked"#)
    );
    assert!(
        !page
            .body
            .contains(r#"name="robot_colours" value="green" checked"#)
    );
    let purple = t
        .post(
            Some(&office),
            "/settings/channels",
            &[&robot[..], &[("robot_colours", "purple"), ("version", "3")]].concat(),
        )
        .await;
    assert_eq!(purple.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(purple.body.contains(r#"data-field="robot_colours""#));
    assert!(colours("red").await);
    // A form that did not show the colours (an older page) leaves them as they are.
    let older = t
        .post(
            Some(&office),
            "/settings/channels",
            &[&robot[..3], &[("version", "3")]].concat(),
        )
        .await;
    assert_eq!(older.status, StatusCode::SEE_OTHER, "{}", older.body);
    assert!(colours("red").await);

    // Nobody but the office sets them.
    for who in ["finance", "leader_wang", "jijian"] {
        let s = t.login(who).await;
        let r = t
            .post(
                Some(&s),
                "/settings/channels",
                &[("robot_kind", ""), ("version", "4")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }

    // Each person sets their own address.
    let finance = t.login("finance").await;
    let page = t.get(Some(&finance), "/notifications").await;
    assert!(page.body.contains("id=\"email\""));
    assert!(
        page.body.contains("尚未配置邮件发送"),
        "the server has no SMTP"
    );
    let bad = t
        .post(
            Some(&finance),
            "/notifications/email",
            &[("email", "caiwu@"), ("email_on", "on"), ("version", "0")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("data-field=\"email\""));
    let ok = t
        .post(
            Some(&finance),
            "/notifications/email",
            &[
                ("email", "caiwu@example.gov.cn"),
                ("email_on", "on"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let hr = t.login("hr").await;
    assert!(
        !t.get(Some(&hr), "/notifications")
            .await
            .body
            .contains("caiwu@example.gov.cn"),
        "another person's address is not shown"
    );
    let finance_id = t.get_user("finance").await.id;
    assert_eq!(
        channels::of_user(&t.app.db, finance_id)
            .await
            .unwrap()
            .email,
        "caiwu@example.gov.cn"
    );
    // A stale form does not overwrite a newer setting.
    let stale = t
        .post(
            Some(&finance),
            "/notifications/email",
            &[("email", "old@example.gov.cn"), ("version", "0")],
        )
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);
}

/// Issue 19 item 14: the settings form refuses a webhook on loopback, the intranet or
/// any host but the vendors', saying which hosts are allowed and how a relay is added;
/// nothing is saved.
#[tokio::test]
async fn a_webhook_to_a_private_address_is_refused_at_the_field() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    for url in [
        "http://127.0.0.1:8080/hook",
        "http://localhost/cgi-bin/webhook/send?key=abc",
        "https://10.0.0.8/robot/send?access_token=abc",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data",
        "https://qyapi.weixin.qq.com.evil.example/cgi-bin/webhook/send?key=abc",
    ] {
        let r = t
            .post(
                Some(&office),
                "/settings/channels",
                &[
                    ("robot_kind", "wecom"),
                    ("robot_url", url),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(r.body.contains("data-field=\"robot_url\""), "{url}");
        assert!(
            r.body
                .contains("qyapi.weixin.qq.com、oapi.dingtalk.com、open.feishu.cn")
                && r.body.contains("robot_allowed_hosts"),
            "{url}: {}",
            r.body
        );
    }
    // A vendor's own host, but in clear or to another port: the key would travel in
    // clear or somewhere the vendor does not listen.
    for url in [
        "http://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
        "https://qyapi.weixin.qq.com:8443/cgi-bin/webhook/send?key=abc",
    ] {
        let r = t
            .post(
                Some(&office),
                "/settings/channels",
                &[
                    ("robot_kind", "wecom"),
                    ("robot_url", url),
                    ("version", "0"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{url}");
        assert!(r.body.contains("以 https:// 开头、不带端口号"), "{url}");
    }
    assert_eq!(t.rows_in("org_channels").await, 0, "nothing stored");
    let ok = t
        .post(
            Some(&office),
            "/settings/channels",
            &[
                ("robot_kind", "wecom"),
                (
                    "robot_url",
                    "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
                ),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
}
