//! 督查 (D9): the office records a round with findings per unit and its circular names
//! the slow ones; the leading group's hearings are recorded and counted by month; the
//! discipline inspector reads; units neither read nor write.

use axum::http::StatusCode;

use zhenggai_storage::audit::Entity;

use crate::util::*;

/// How many audit entries the trail holds for these kinds of record.
async fn audited(t: &TestApp, kinds: &[Entity]) -> usize {
    let tables: Vec<&str> = kinds.iter().map(|k| k.table()).collect();
    t.audit_trail()
        .await
        .iter()
        .filter(|e| tables.contains(&e.entity.as_str()))
        .count()
}

#[tokio::test]
async fn the_office_records_rounds_and_hearings_and_the_circular_names_slow_units() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let finance = t.unit("财务部").await.to_string();
    let hr = t.unit("人力资源部").await.to_string();
    // A finding without its unit is refused at its row, and nothing is written.
    let r = t
        .post(
            Some(&office),
            "/supervision/rounds",
            &[
                ("title", "第一轮督查"),
                ("held_on", "2024-04-20"),
                ("finding_1", "台账不全"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"data-field="finding_1""#), "{}", r.body);
    assert!(t.supervision_rounds().await.is_empty());
    let r = t
        .post(
            Some(&office),
            "/supervision/rounds",
            &[
                ("title", "第一轮督查"),
                ("held_on", "2024-04-20"),
                ("unit_0", &finance),
                ("finding_0", "销户进度慢，3个账户未清理"),
                ("slow_0", "on"),
                ("unit_1", &hr),
                ("finding_1", "按计划推进"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.supervision_rounds().await[0].id;
    let circular = t
        .get(Some(&office), &format!("/supervision/rounds/{id}/circular"))
        .await;
    assert_eq!(circular.status, StatusCode::OK);
    assert!(
        circular.body.contains("销户进度慢"),
        "the slow unit is named"
    );
    assert!(
        !circular.body.contains("按计划推进"),
        "units on track are not"
    );
    // Hearings: one this month of the two required.
    let r = t
        .post(
            Some(&office),
            "/supervision/hearings",
            &[
                ("held_on", "2024-04-22"),
                ("attendees", "王建国、赵志红、李明"),
                ("notes", "听取财务部整改进展"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(Some(&office), "/supervision").await;
    assert!(page.body.contains("1 / 2"), "{}", page.body);
    // The discipline inspector reads but does not write; a unit does neither.
    let jijian = t.login("jijian").await;
    assert_eq!(
        t.get(Some(&jijian), "/supervision").await.status,
        StatusCode::OK
    );
    let r = t
        .post(
            Some(&jijian),
            "/supervision/hearings",
            &[
                ("held_on", "2024-04-23"),
                ("attendees", "x"),
                ("notes", "y"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let unit = t.login("finance").await;
    assert_ne!(
        t.get(Some(&unit), "/supervision").await.status,
        StatusCode::OK
    );
    assert_eq!(
        audited(
            &t,
            &[
                Entity::SupervisionRound,
                Entity::RoundFinding,
                Entity::Hearing
            ]
        )
        .await,
        4
    );
}

/// A hearing or a round is recorded once it has been held: a date after today is
/// refused at its field, on the page and through the API, and nothing is written.
#[tokio::test]
async fn a_hearing_or_round_dated_ahead_is_refused() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let r = t
        .post(
            Some(&office),
            "/supervision/hearings",
            &[
                ("held_on", "2099-01-01"),
                ("attendees", "王建国"),
                ("notes", "听取整改进展"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("晚于今天"), "{}", r.body);
    let token = t.token("office").await;
    let r = t
        .api(
            &token,
            "POST",
            "/api/v1/supervision/rounds",
            Some(serde_json::json!({"title": "督查", "held_on": "2100-12-31", "findings": []})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("held_on"), "{}", r.body);
    assert_eq!(
        audited(&t, &[Entity::SupervisionRound, Entity::Hearing]).await,
        0
    );
}
