//! An inspection's terms and its timeline scheduled backwards from the report (D1, D6),
//! and 集中整改期内 read as the end of its concentrated phase.

use axum::http::StatusCode;

use crate::util::*;

fn node(page: &str, kind: &str) -> String {
    let at = page
        .find(&format!(r#"data-node="{kind}""#))
        .unwrap_or_else(|| panic!("no node {kind}"));
    let rest = &page[at..];
    let b = rest.find("<b>").unwrap() + 3;
    rest[b..b + 10].to_string()
}

#[tokio::test]
async fn an_inspections_terms_give_its_timeline_and_its_concentrated_phase() {
    let t = TestApp::new().await;
    // The feedback of 3 August is registered once given (a feedback date ahead is
    // refused): the test's day moves past it, to Monday 5 August.
    t.advance(chrono::Duration::days(102));
    let office = t.login("office").await;
    let r = t
        .post(
            Some(&office),
            "/inspections",
            &[
                ("kind", "xuncha"),
                ("title", "国庆前后的巡察"),
                ("group_name", "市委第二巡察组"),
                ("feedback_date", "2024-08-03"),
                ("plan_workdays", "20"),
                ("completion_months", "2"),
                ("concentrated_months", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let path = r.location().to_string();
    let page = t.get(Some(&office), &path).await.body;
    assert_eq!(node(&page, "feedback"), "2024-08-03");
    // 20 working days from Saturday 3 August: Friday 30 August.
    assert_eq!(node(&page, "plan_due"), "2024-08-30");
    // One month: Tuesday 3 September.
    assert_eq!(node(&page, "concentrated_end"), "2024-09-03");
    // Two months end on Thursday 3 October, in the National Day holiday: the report is
    // due on Monday 30 September, drafted a week before, the units five working days
    // before that (Sunday 29 September is a working day).
    assert_eq!(node(&page, "report_due"), "2024-09-30");
    assert_eq!(node(&page, "office_draft"), "2024-09-23");
    assert_eq!(node(&page, "units_submit"), "2024-09-13");
    // 序时进度 on the demo inspection: time elapsed against measures done.
    let demo = t.get(Some(&office), "/inspections/1").await.body;
    assert!(
        demo.contains(r#"id="pace""#) && demo.contains("序时进度"),
        "{demo}"
    );

    // A measure due 集中整改期内 is due on the phase's last day.
    let id: i64 = path.rsplit('/').next().unwrap().parse().unwrap();
    let aspect = t
        .post(
            Some(&office),
            &format!("/inspections/{id}/aspects"),
            &[("title", "作风建设方面")],
        )
        .await;
    assert!(aspect.status.is_redirection(), "{}", aspect.body);
    let aspect_id = t.first_aspect(id).await.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/inspections/{id}/problems"),
            &[
                ("aspect_id", &aspect_id),
                ("title", "会议文件多"),
                ("source", "inspection"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    let problem = t.problem("会议文件多").await;
    let finance = t.unit("财务部").await.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/problems/{problem}/measures"),
            &[
                ("content", "精简会议文件"),
                ("lead_unit_id", &finance),
                ("deadline", "集中整改期内"),
            ],
        )
        .await;
    assert!(r.status.is_redirection(), "{}", r.body);
    let term = chrono::NaiveDate::from_ymd_opt(2024, 9, 3);
    assert_eq!(
        t.measures_of(problem)
            .await
            .iter()
            .filter(|m| m.deadline.date == term && m.deadline.text == "集中整改期内")
            .count(),
        1
    );
}

#[tokio::test]
async fn bad_terms_are_refused_at_their_fields() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let r = t
        .post(
            Some(&office),
            "/inspections",
            &[
                ("kind", "xuncha"),
                ("title", "期限有误的巡察"),
                ("group_name", "市委第二巡察组"),
                ("feedback_date", "2024-08-03"),
                ("plan_workdays", "0"),
                ("completion_months", "2"),
                ("concentrated_months", "3"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.body.contains(r#"data-field="plan_workdays""#),
        "{}",
        r.body
    );
    assert!(
        r.body.contains(r#"data-field="concentrated_months""#),
        "{}",
        r.body
    );
    assert_eq!(
        t.inspections()
            .await
            .iter()
            .filter(|i| i.title == "期限有误的巡察")
            .count(),
        0
    );
}
