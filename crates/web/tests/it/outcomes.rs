//! Outcomes (D13): who records what, and the counts per inspection.

use axum::http::StatusCode;
use serde_json::json;

use crate::util::*;

#[tokio::test]
async fn the_demo_counts_its_outcomes_as_the_speeches_quote_them() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let o = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/outcomes"),
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            o["counts"]["people"].as_i64(),
            o["counts"]["units"].as_i64()
        ),
        (Some(2), Some(1))
    );
    // The four forms count people; the unit held accountable counts as a unit.
    assert_eq!(o["counts"]["by_form"], json!([1, 1, 0, 0]));
    assert_eq!(
        (
            o["counts"]["made"].as_i64(),
            o["counts"]["revised"].as_i64(),
            o["counts"]["abolished"].as_i64()
        ),
        (Some(2), Some(1), Some(1))
    );
    assert_eq!(o["counts"]["recovered"], "60,950.00元");
    let s = t.login("office").await;
    let page = t.get(Some(&s), &format!("/inspections/{i}/outcomes")).await;
    assert!(
        page.body.contains("60,950.00元")
            && page.body.contains("《日报社（报业集团）公务接待管理规定》")
            && page.body.contains("第二种形态")
    );
}

#[tokio::test]
async fn supervisors_hold_accountable_the_office_records_institutions_and_money_and_others_may_not()
{
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let p = t.problem("公车私用、车辆维修把关不严").await;
    let jijian = t.token("jijian").await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let upper = t.token("xunchaban").await;
    let sys = t.token("sysadmin").await;
    let person = json!({"subject_kind": "person", "subject": "驾驶员 王某", "reason": "公车私用", "form": "first", "decided_on": "2024-04-20", "problem_ids": [p]});
    assert_eq!(
        t.api(
            &jijian,
            "POST",
            &format!("/api/v1/inspections/{i}/accountability"),
            Some(person.clone())
        )
        .await
        .status,
        StatusCode::CREATED
    );
    for (who, token) in [("finance", &finance), ("upper", &upper), ("sysadmin", &sys)] {
        let r = t
            .api(
                token,
                "POST",
                &format!("/api/v1/inspections/{i}/accountability"),
                Some(person.clone()),
            )
            .await;
        assert!(
            matches!(r.status, StatusCode::FORBIDDEN | StatusCode::NOT_FOUND),
            "{who}: {}",
            r.status
        );
    }
    let money =
        json!({"amount": "2.5万元", "what": "违规发放的加班补贴", "recovered_on": "2024-04-22"});
    assert_eq!(
        t.api(
            &jijian,
            "POST",
            &format!("/api/v1/inspections/{i}/recoveries"),
            Some(money.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN,
        "supervisors read, the office records money"
    );
    assert_eq!(
        t.api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/recoveries"),
            Some(money)
        )
        .await
        .status,
        StatusCode::CREATED
    );
    let bad = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/recoveries"),
            Some(json!({"amount": "两万", "what": "", "recovered_on": "2024-13-01"})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.json();
    let fields: Vec<&str> = body["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap())
        .collect();
    assert_eq!(fields, ["amount", "what", "recovered_on"]);
    let other = json!({"title": "《车辆管理办法》", "change_kind": "revised", "issued_on": "2024-04-21", "problem_ids": [999999]});
    let wrong_link = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/institutions"),
            Some(other),
        )
        .await;
    assert_eq!(wrong_link.json()["fields"][0]["field"], "problem_ids");
    let o = t
        .api(
            &upper,
            "GET",
            &format!("/api/v1/inspections/{i}/outcomes"),
            None,
        )
        .await
        .json();
    assert_eq!(
        o["counts"]["recovered"], "85,950.00元",
        "the upper level reads the outcomes"
    );
    assert_eq!(o["counts"]["people"], 3);
    assert_eq!(
        t.api(
            &finance,
            "GET",
            &format!("/api/v1/inspections/{i}/outcomes"),
            None
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );
    let report = zhenggai_storage::audit::verify::verify(&t.app.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}
