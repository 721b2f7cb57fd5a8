//! 整改统计 through the API (D15): the figures the speeches quote, as of a day, for
//! those who read the whole ledger; the refusals in the reader's words.

use axum::http::StatusCode;

use crate::util::*;

#[tokio::test]
async fn the_office_reads_an_inspections_figures_today_and_as_of_a_past_day() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let r = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let f = r.json();
    for key in [
        "aspects",
        "items",
        "problems",
        "measures",
        "problems_done",
        "problems_on_schedule",
        "problems_long_term",
        "problems_overdue",
        "institutions",
        "people_held_accountable",
        "money_recovered_yuan",
    ] {
        assert!(f[key].is_number(), "{key}: {}", f[key]);
    }
    assert_eq!(f["as_of"], "2024-04-25");
    assert_eq!(f["problems"], 23);
    assert_eq!(f["people_held_accountable"], 2);
    assert_eq!(f["institutions"], 3);
    assert_eq!(f["money_recovered_yuan"], 60_950.0);
    // The outcome page's counts are the same.
    let o = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/outcomes"),
            None,
        )
        .await
        .json();
    assert_eq!(f["people_held_accountable"], o["counts"]["people"]);
    assert_eq!(f["money_recovered_fen"], o["counts"]["recovered_fen"]);
    // The day before the demo's ledger was entered, there was nothing to count.
    let before = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics?as_of=2024-04-24"),
            None,
        )
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    let before = before.json();
    assert_eq!(
        (before["problems"].as_i64(), before["measures"].as_i64()),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn a_day_ahead_or_a_date_that_does_not_read_is_refused_at_its_field() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let ahead = t
        .api(&office, "GET", "/api/v1/statistics?as_of=2024-04-26", None)
        .await;
    assert_eq!(
        ahead.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        ahead.body
    );
    let body = ahead.json();
    assert!(body.to_string().contains("as_of"), "{body}");
    assert!(
        body.to_string().contains("不能晚于今天（2024年4月25日）"),
        "{body}"
    );
    let unreadable = t
        .api(&office, "GET", "/api/v1/statistics?as_of=2024-13-01", None)
        .await;
    assert!(unreadable.status.is_client_error(), "{}", unreadable.body);
    assert!(unreadable.body.contains("as_of"), "{}", unreadable.body);
    let unknown = t
        .api(&office, "GET", "/api/v1/statistics?asof=2024-04-01", None)
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
}

#[tokio::test]
async fn units_and_leaders_are_told_who_reads_the_figures_and_others_learn_nothing() {
    let t = TestApp::two_organisations().await;
    let i = t.inspection().await;
    for who in ["finance", "leader_wang"] {
        let token = t.token(who).await;
        for path in [
            format!("/api/v1/inspections/{i}/statistics"),
            "/api/v1/statistics".to_string(),
        ] {
            let r = t.api(&token, "GET", &path, None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {path}: {}", r.body);
            assert!(
                r.body.contains("整改办、纪检监督、党委书记和上级巡察办"),
                "{}",
                r.body
            );
            assert!(r.body.contains("home page"), "{}", r.body);
        }
    }
    let other = t.token("wb_office").await;
    let r = t
        .api(
            &other,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let sys = t.token("sysadmin").await;
    let r = t.api(&sys, "GET", "/api/v1/statistics", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn the_upper_level_reads_every_organisation_it_oversees_and_each_one() {
    let t = TestApp::two_organisations().await;
    let upper = t.token("xunchaban").await;
    let all = t.api(&upper, "GET", "/api/v1/statistics", None).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    let orgs = all["by_organisation"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(all["problems"], 48);
    let org = orgs[0]["org_id"].as_i64().unwrap();
    let one = t
        .api(
            &upper,
            "GET",
            &format!("/api/v1/statistics?org={org}"),
            None,
        )
        .await
        .json();
    assert_eq!(one["problems"], orgs[0]["problems"]);
    assert_eq!(one["by_organisation"].as_array().unwrap().len(), 1);
    // The office of one organisation reads its own only.
    let office = t.token("office").await;
    let own = t
        .api(&office, "GET", "/api/v1/statistics", None)
        .await
        .json();
    assert_eq!(own["problems"], 24);
}
