//! D22: people see and change only what their role and unit allow. Each test here
//! fails if the check it names is removed.

use axum::http::StatusCode;
use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn a_unit_user_cannot_read_or_change_another_units_measure_through_any_route() {
    let t = TestApp::new().await;
    let finance = t.login("finance").await;
    let token = t.token("finance").await;
    let hr_measure = t.measure(HR_ONLY).await;
    let hr_problem = t.problem("人员招聘缺乏整体规划和程序").await;

    // Pages.
    assert_eq!(
        t.get(Some(&finance), &format!("/measures/{hr_measure}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(Some(&finance), &format!("/measures/{hr_measure}/edit"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.get(Some(&finance), &format!("/problems/{hr_problem}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let edit = t
        .post(
            Some(&finance),
            &format!("/measures/{hr_measure}/edit"),
            &[
                ("version", "1"),
                ("content", "改掉"),
                ("deadline", "立行立改"),
            ],
        )
        .await;
    assert_eq!(edit.status, StatusCode::NOT_FOUND);
    let progress = t
        .post_progress(
            Auth::Session(&finance),
            &format!("/measures/{hr_measure}/progress"),
            &[
                ("csrf", &finance.csrf),
                ("happened_on", "2024-04-20"),
                ("content", "越权填报"),
            ],
            &[],
        )
        .await;
    assert_eq!(progress.status, StatusCode::NOT_FOUND);

    // API.
    assert_eq!(
        t.api(
            &token,
            "GET",
            &format!("/api/v1/measures/{hr_measure}"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.api(
            &token,
            "GET",
            &format!("/api/v1/measures/{hr_measure}/progress"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        t.api(
            &token,
            "GET",
            &format!("/api/v1/problems/{hr_problem}"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let put = t
        .api(
            &token,
            "PUT",
            &format!("/api/v1/measures/{hr_measure}"),
            Some(
                json!({"version": 1, "content": "改掉", "lead_unit_id": 1, "deadline": "立行立改"}),
            ),
        )
        .await;
    assert_eq!(put.status, StatusCode::NOT_FOUND);
    let post = t
        .post_progress(
            Auth::Token(&token),
            &format!("/api/v1/measures/{hr_measure}/progress"),
            &[("happened_on", "2024-04-20"), ("content", "越权")],
            &[],
        )
        .await;
    assert_eq!(post.status, StatusCode::NOT_FOUND);

    // Lists show only the unit's own measures.
    let inspection = t.inspection().await;
    let ledger = t
        .get(Some(&finance), &format!("/inspections/{inspection}"))
        .await;
    assert_eq!(ledger.status, StatusCode::OK);
    assert!(
        ledger.body.contains(FINANCE_LEAD) && !ledger.body.contains(HR_ONLY),
        "finance sees HR's measure in the ledger"
    );
    let list = t
        .api(&token, "GET", "/api/v1/measures?per_page=200", None)
        .await
        .json();
    let contents: Vec<&str> = list["measures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["content"].as_str().unwrap())
        .collect();
    assert!(
        contents.iter().any(|c| c.starts_with(FINANCE_LEAD))
            && contents.iter().any(|c| c.starts_with(FINANCE_COOP))
    );
    assert!(!contents.iter().any(|c| c.starts_with(HR_ONLY)));
    let api_ledger = t
        .api(
            &token,
            "GET",
            &format!("/api/v1/inspections/{inspection}/ledger?per_page=200"),
            None,
        )
        .await;
    assert!(!api_ledger.body.contains(HR_ONLY));

    // Nothing was written by the refused attempts.
    assert_eq!(
        t.count(&format!(
            "SELECT COUNT(*) FROM progress WHERE measure_id = {hr_measure}"
        ))
        .await,
        0
    );
}

#[tokio::test]
async fn the_lead_unit_edits_its_measure_and_a_cooperating_unit_only_reports_progress() {
    let t = TestApp::new().await;
    let finance = t.login("finance").await;
    let own = t.measure(FINANCE_LEAD).await;
    let coop = t.measure(FINANCE_COOP).await;

    let page = t.get(Some(&finance), &format!("/measures/{own}")).await;
    assert!(page.body.contains(&format!("/measures/{own}/edit")));
    let page = t.get(Some(&finance), &format!("/measures/{coop}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains(&format!("/measures/{coop}/edit")),
        "a cooperating unit is offered the edit form"
    );
    assert_eq!(
        t.get(Some(&finance), &format!("/measures/{coop}/edit"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );

    let r = t
        .post_progress(
            Auth::Session(&finance),
            &format!("/measures/{coop}/progress"),
            &[
                ("csrf", &finance.csrf),
                ("happened_on", "2024-04-20"),
                ("content", "配合完成接待费用核对"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // The lead unit may change the target, but not who owns the measure or its deadline.
    let token = t.token("finance").await;
    let m = t
        .api(&token, "GET", &format!("/api/v1/measures/{own}"), None)
        .await
        .json();
    let mut body = json!({
        "version": m["version"], "content": m["content"], "lead_unit_id": m["lead_unit"]["id"],
        "cooperating_unit_ids": [], "leader_id": m["leader"]["id"], "responsible_person": "陈静",
        "target": "账户数量压减至5个", "deadline": m["deadline"]["text"],
    });
    let ok = t
        .api(
            &token,
            "PUT",
            &format!("/api/v1/measures/{own}"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    body["version"] = ok.json()["version"].clone();
    body["deadline"] = json!("长期坚持");
    let refused = t
        .api(
            &token,
            "PUT",
            &format!("/api/v1/measures/{own}"),
            Some(body),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["fields"][0]["field"], "deadline");
}

#[tokio::test]
async fn leaders_see_their_units_in_charge_only() {
    let t = TestApp::new().await;
    let wang = t.login("leader_wang").await; // 财务部, 经营管理部, 行政后勤部
    assert_eq!(
        t.get(
            Some(&wang),
            &format!("/measures/{}", t.measure(FINANCE_LEAD).await)
        )
        .await
        .status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(
            Some(&wang),
            &format!("/measures/{}", t.measure(HR_ONLY).await)
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn supervisors_and_the_upper_level_read_but_do_not_write() {
    let t = TestApp::new().await;
    let inspection = t.inspection().await;
    for who in ["jijian", "xunchaban"] {
        let s = t.login(who).await;
        let ledger = t
            .get(Some(&s), &format!("/inspections/{inspection}?per_page=200"))
            .await;
        assert_eq!(ledger.status, StatusCode::OK, "{who}");
        assert!(
            ledger.body.contains(HR_ONLY) && ledger.body.contains(FINANCE_LEAD),
            "{who} reads the whole ledger"
        );
        let edit = t
            .post(
                Some(&s),
                &format!("/inspections/{inspection}/aspects"),
                &[("title", "越权新增")],
            )
            .await;
        assert_eq!(edit.status, StatusCode::FORBIDDEN, "{who}");
        let m = t.measure(HR_ONLY).await;
        let r = t
            .post_progress(
                Auth::Session(&s),
                &format!("/measures/{m}/progress"),
                &[
                    ("csrf", &s.csrf),
                    ("happened_on", "2024-04-20"),
                    ("content", "x"),
                ],
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
}

#[tokio::test]
async fn administrators_cannot_read_business_data() {
    let t = TestApp::new().await;
    let inspection = t.inspection().await;
    let measure = t.measure(FINANCE_LEAD).await;
    let problem = t.problem("多头开设银行账户").await;
    for who in ["sysadmin", "secadmin", "auditadmin"] {
        let s = t.login(who).await;
        for path in [
            format!("/inspections/{inspection}"),
            format!("/measures/{measure}"),
            format!("/problems/{problem}"),
        ] {
            assert_eq!(
                t.get(Some(&s), &path).await.status,
                StatusCode::NOT_FOUND,
                "{who} {path}"
            );
        }
        let list = t.get(Some(&s), "/measures").await;
        assert!(!list.body.contains(FINANCE_LEAD), "{who} sees measures");
        let token = t.token(who).await;
        assert_eq!(
            t.api(&token, "GET", "/api/v1/inspections", None)
                .await
                .json(),
            json!([]),
            "{who}"
        );
        assert_eq!(
            t.api(&token, "GET", "/api/v1/measures", None).await.json()["total"],
            0,
            "{who}"
        );
        assert_eq!(
            t.api(&token, "GET", &format!("/api/v1/measures/{measure}"), None)
                .await
                .status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
        assert_eq!(
            t.api(
                &token,
                "GET",
                &format!("/api/v1/inspections/{inspection}/ledger"),
                None
            )
            .await
            .status,
            StatusCode::NOT_FOUND,
            "{who}"
        );
    }
}

#[tokio::test]
async fn nobody_acts_as_someone_else() {
    let t = TestApp::new().await;
    // A made-up session or token is nobody.
    let forged = Session {
        cookie: "zg_session=0000".into(),
        csrf: "x".into(),
    };
    let r = t.get(Some(&forged), "/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
    assert_eq!(
        t.api("zg_forged", "GET", "/api/v1/me", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    // Another session's CSRF token does not carry over.
    let finance = t.login("finance").await;
    let hr = t.login("hr").await;
    let stolen = t
        .post(
            Some(&finance),
            "/tokens",
            &[("csrf", &hr.csrf), ("name", "x")],
        )
        .await;
    assert_eq!(stolen.status, StatusCode::FORBIDDEN);
    // What a person writes is recorded as theirs, whatever the form says.
    let m = t.measure(FINANCE_LEAD).await;
    let r = t
        .post_progress(
            Auth::Session(&finance),
            &format!("/measures/{m}/progress"),
            &[
                ("csrf", &finance.csrf),
                ("happened_on", "2024-04-20"),
                ("content", "核对账户"),
                ("author_id", "1"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let author = t
        .count(&format!(
            "SELECT author_id FROM progress WHERE measure_id = {m} AND content = '核对账户'"
        ))
        .await;
    let finance_id = t
        .count("SELECT id FROM users WHERE username = 'finance'")
        .await;
    assert_eq!(author, finance_id);
    let actor = t
        .count("SELECT actor_id FROM audit_log WHERE entity = 'progress' ORDER BY id DESC LIMIT 1")
        .await;
    assert_eq!(actor, finance_id);
}
