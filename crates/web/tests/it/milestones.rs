//! 阶段目标 (S10): a measure longer than the organisation's limit holds its plan back
//! until it carries milestones; those who carry the measure add them, mark them reached
//! and withdraw a wrong one with a reason; others may not.

use axum::http::StatusCode;
use serde_json::json;

use zhenggai_storage::audit::Entity;

use crate::util::*;

#[tokio::test]
async fn a_long_measure_needs_milestones_before_its_plan_is_submitted() {
    let t = TestApp::new().await;
    let finance = t.token("finance").await;
    // Feedback was on 16 March 2024: the end of December is more than six months on.
    let p = t
        .new_problem()
        .titled("专项资金长期挂账")
        .lead("财务部")
        .claimed()
        .measure("清理历年挂账的专项资金，逐笔核销", "2024年12月底前")
        .create()
        .await;
    let steps = format!("/api/v1/problems/{p}/steps");
    let m = t.measure_of(p).await;

    let refused = t
        .api(
            &finance,
            "POST",
            &steps,
            Some(json!({"action": "submit_plan"})),
        )
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("阶段目标"), "{}", refused.body);

    let unit = t.login("finance").await;
    let page = t.get(Some(&unit), &format!("/measures/{m}")).await;
    assert!(page.body.contains("data-milestones=\"missing\""));
    let add = format!("/measures/{m}/milestones");
    // A milestone needs a date within the measure's deadline.
    for (due, says) in [
        ("长期坚持", "不能是"),
        ("2025年3月底前", "不能晚于"),
        ("下个阶段", "无法识别"),
    ] {
        let r = t
            .post(
                Some(&unit),
                &add,
                &[("content", "完成一半挂账的核销"), ("due_text", due)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{due}");
        assert!(r.body.contains("data-field=\"due_text\""), "{due}");
        assert!(r.body.contains(says), "{due}: {}", r.body);
    }
    // Another unit may not add one to finance's measure.
    let hr = t.login("hr").await;
    let other = t
        .post(
            Some(&hr),
            &add,
            &[("content", "x"), ("due_text", "2024年9月底前")],
        )
        .await;
    assert!(
        matches!(other.status, StatusCode::NOT_FOUND | StatusCode::FORBIDDEN),
        "{}",
        other.status
    );
    for (content, due) in [
        ("完成一半挂账的核销", "2024年9月底前"),
        ("全部核销并建立台账", "2024年12月20日"),
    ] {
        let r = t
            .post(
                Some(&unit),
                &add,
                &[("content", content), ("due_text", due)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    }
    let page = t.get(Some(&unit), &format!("/measures/{m}")).await;
    assert!(!page.body.contains("data-milestones=\"missing\""));
    assert!(page.body.contains("2024-09-30") && page.body.contains("全部核销并建立台账"));

    // Scripts read and add them through the API too.
    let listed = t
        .api(
            &finance,
            "GET",
            &format!("/api/v1/measures/{m}/milestones"),
            None,
        )
        .await
        .json();
    assert_eq!(listed["required"], true);
    assert_eq!(listed["limit_months"], 6);
    assert_eq!(listed["list"].as_array().unwrap().len(), 2);
    let bad = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/measures/{m}/milestones"),
            Some(json!({"content": "复核", "due_text": "立行立改"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("due_text"), "{}", bad.body);
    let hr_token = t.token("hr").await;
    let refused = t
        .api(
            &hr_token,
            "POST",
            &format!("/api/v1/measures/{m}/milestones"),
            Some(json!({"content": "复核", "due_text": "2024年10月底前"})),
        )
        .await;
    assert!(
        matches!(
            refused.status,
            StatusCode::NOT_FOUND | StatusCode::FORBIDDEN
        ),
        "{}",
        refused.status
    );

    // With milestones the plan goes on.
    let r = t
        .api(
            &finance,
            "POST",
            &steps,
            Some(json!({"action": "submit_plan"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // Reached on a day not after today; withdrawn only with a reason; both recorded.
    let first = t.milestones_of(m).await.iter().map(|x| x.id).min().unwrap();
    let change = format!("/measures/{m}/milestones/{first}");
    let future = t
        .post(
            Some(&unit),
            &change,
            &[("done_on", "2099-01-01"), ("version", "1")],
        )
        .await;
    assert_eq!(future.status, StatusCode::UNPROCESSABLE_ENTITY);
    let done = t
        .post(
            Some(&unit),
            &change,
            &[("done_on", &today().to_string()), ("version", "1")],
        )
        .await;
    assert_eq!(done.status, StatusCode::SEE_OTHER, "{}", done.body);
    let no_reason = t
        .post(
            Some(&unit),
            &change,
            &[("withdraw", "1"), ("reason", ""), ("version", "2")],
        )
        .await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    let withdrawn = t
        .post(
            Some(&unit),
            &change,
            &[
                ("withdraw", "1"),
                ("reason", "与第二项重复"),
                ("version", "2"),
            ],
        )
        .await;
    assert_eq!(
        withdrawn.status,
        StatusCode::SEE_OTHER,
        "{}",
        withdrawn.body
    );
    assert_eq!(t.milestones_of(m).await.len(), 1);
    assert_eq!(
        t.audit_entries_for(Entity::Milestone, first).await.len(),
        3,
        "created, reached, withdrawn"
    );
}

/// A milestone splits the road ahead of an open measure: on one done the page offers
/// no milestone form, and one sent anyway is refused saying why, nothing written.
#[tokio::test]
async fn a_done_measure_takes_no_milestones() {
    let t = TestApp::new().await;
    let done = t
        .measures()
        .await
        .into_iter()
        .find(|m| m.state == zhenggai_domain::status::MeasureState::Done)
        .expect("the demo has a measure done");
    let office = t.login("office").await;
    let page = t
        .get(Some(&office), &format!("/measures/{}", done.id.0))
        .await;
    assert!(!page.body.contains("milestone-form"), "{}", page.body);
    let token = t.token("office").await;
    let r = t
        .api(
            &token,
            "POST",
            &format!("/api/v1/measures/{}/milestones", done.id.0),
            Some(json!({"content": "第一阶段", "due_text": "2099年1月底前"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("不再设阶段目标"), "{}", r.body);
    assert!(t.milestones_of(done.id.0).await.is_empty());
}
