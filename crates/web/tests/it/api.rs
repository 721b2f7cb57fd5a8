//! The JSON API: documented, scoped like the token's owner, errors that name the field.

use axum::http::StatusCode;
use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn the_openapi_document_lists_the_routes() {
    let t = TestApp::empty().await;
    let doc = t.get(None, "/api/v1/openapi.json").await.json();
    assert!(doc["openapi"].as_str().unwrap().starts_with("3."));
    for path in [
        "/api/v1/inspections",
        "/api/v1/inspections/{id}/ledger",
        "/api/v1/measures/{id}/progress",
        "/api/v1/users/{id}/role",
    ] {
        assert!(doc["paths"].get(path).is_some(), "{path}");
    }
    assert!(doc["components"]["schemas"].get("ApiErrorBody").is_some());
}

#[tokio::test]
async fn a_script_works_the_ledger_through_the_api() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    assert_eq!(
        t.api("", "GET", "/api/v1/inspections", None).await.status,
        StatusCode::UNAUTHORIZED
    );
    let created = t.api(&office, "POST", "/api/v1/inspections", Some(json!({
        "kind": "self_inspection", "title": "2024年度自查", "group_name": "报社党委", "feedback_date": "2024-04-10"
    }))).await;
    assert_eq!(created.status, StatusCode::CREATED, "{}", created.body);
    let id = created.json()["id"].as_i64().unwrap();
    let aspect = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{id}/aspects"),
            Some(json!({"title": "制度建设方面"})),
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    let problem = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{id}/problems"),
            Some(json!({"aspect_id": aspect, "title": "印章管理不规范", "source": "self_found"})),
        )
        .await;
    assert_eq!(problem.status, StatusCode::CREATED, "{}", problem.body);
    let problem = problem.json()["id"].as_i64().unwrap();
    let finance = t.unit("财务部").await;
    let bad = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/problems/{problem}/measures"),
            Some(json!({"content": "", "lead_unit_id": 999999, "deadline": "下个月"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = bad.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(fields, ["content", "deadline", "lead_unit_id"]);
    let m = t.api(&office, "POST", &format!("/api/v1/problems/{problem}/measures"), Some(json!({"content": "建立用印登记制度", "lead_unit_id": finance, "deadline": "2024年6月底前"}))).await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let m = m.json()["id"].as_i64().unwrap();
    let measure = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    assert_eq!(
        measure["deadline"],
        json!({"text": "2024年6月底前", "kind": "dated", "date": "2024-06-30", "precision": "month"})
    );
    let counts = t
        .api(&office, "GET", &format!("/api/v1/inspections/{id}"), None)
        .await
        .json()["counts"]
        .clone();
    assert_eq!(
        (
            counts["aspects"].as_i64(),
            counts["problems"].as_i64(),
            counts["measures"].as_i64()
        ),
        (Some(1), Some(1), Some(1))
    );

    // The finance unit's own token reports progress with a file.
    let unit = t.token("finance").await;
    let r = t
        .post_progress(
            Auth::Token(&unit),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", "2024-04-22"), ("content", "制度初稿完成")],
            &[("初稿.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let timeline = t
        .api(
            &unit,
            "GET",
            &format!("/api/v1/measures/{m}/progress"),
            None,
        )
        .await
        .json();
    assert_eq!(timeline[0]["content"], "制度初稿完成");
    assert_eq!(timeline[0]["attachments"][0]["filename"], "初稿.pdf");
}

#[tokio::test]
async fn a_concurrent_edit_gets_409_with_what_changed() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let current = t
        .api(&office, "GET", &format!("/api/v1/inspections/{i}"), None)
        .await
        .json();
    let body = |group: &str| json!({"version": current["version"], "kind": "xuncha", "title": current["title"], "group_name": group, "feedback_date": current["feedback_date"]});
    assert_eq!(
        t.api(
            &office,
            "PUT",
            &format!("/api/v1/inspections/{i}"),
            Some(body("市委第二巡察组"))
        )
        .await
        .status,
        StatusCode::OK
    );
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/inspections/{i}"),
            Some(body("市委第三巡察组")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let c = r.json();
    assert_eq!(c["error"], "conflict");
    assert_eq!(c["conflict"]["changes"][0]["field"], "group_name");
    assert_eq!(c["conflict"]["changes"][0]["now"], "市委第二巡察组");
}

#[tokio::test]
async fn malformed_json_is_a_clear_400() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let r = t
        .api(&office, "POST", "/api/v1/tokens", Some(json!({"nom": 1})))
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert!(r.json()["message_en"].as_str().unwrap().contains("name"));
}
