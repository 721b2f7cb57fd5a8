//! The lead unit drafts its measures on the page, one by one and in a grid (issue 20,
//! point 1), and a reassigned problem's measures follow it (point 4).

use axum::http::StatusCode;
use serde_json::json;

use crate::util::*;

const FIRE: &str = "档案室消防设施老化"; // registered, led by 行政后勤部
const STAFFING: &str = "违规将相关人员转为事业编制"; // disputed by 人力资源部

async fn measures_of(t: &TestApp, p: i64) -> usize {
    t.measures_of(p).await.len()
}

#[tokio::test]
async fn the_lead_units_form_lets_it_type_its_draft_and_saves_it() {
    let t = TestApp::new().await;
    let p = t.problem(FIRE).await;
    let s = t.login("logistics").await;
    let form = t
        .get(Some(&s), &format!("/problems/{p}/measures/new"))
        .await;
    assert_eq!(form.status, StatusCode::OK, "{}", form.body);
    assert!(
        !form.body.contains("readonly"),
        "the draft's fields are typed in"
    );
    let own = t.unit("行政后勤部").await;
    assert_eq!(form.field("lead_unit_id"), own.to_string());
    assert!(
        form.body
            .contains(&format!("href=\"/problems/{p}/measures/batch\""))
    );
    let saved = t
        .post(
            Some(&s),
            &format!("/problems/{p}/measures"),
            &[
                ("content", "全面排查档案室消防设施"),
                ("lead_unit_id", &own.to_string()),
                ("deadline", "2024年5月底前"),
            ],
        )
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    assert!(saved.location().starts_with("/measures/"));
    // Missing content is named at its field, the rest kept as typed.
    let bad = t
        .post(
            Some(&s),
            &format!("/problems/{p}/measures"),
            &[("lead_unit_id", &own.to_string()), ("deadline", "立行立改")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("data-field=\"content\""));
    assert!(bad.body.contains("value=\"立行立改\""));
    // Its own measure's edit form is open while it drafts.
    let m = saved
        .location()
        .trim_start_matches("/measures/")
        .to_string();
    let edit = t.get(Some(&s), &format!("/measures/{m}/edit")).await;
    assert!(!edit.body.contains("readonly"), "the draft stays editable");
}

#[tokio::test]
async fn the_grid_saves_every_filled_row_or_none_and_names_each_bad_row() {
    let t = TestApp::new().await;
    let p = t.problem(FIRE).await;
    let s = t.login("logistics").await;
    let grid = t
        .get(Some(&s), &format!("/problems/{p}/measures/batch"))
        .await;
    assert_eq!(grid.status, StatusCode::OK, "{}", grid.body);
    assert!(
        grid.body.contains("name=\"rows.4.content\""),
        "five rows to start"
    );
    assert!(
        !grid.body.contains("name=\"rows.0.lead_unit_id\""),
        "a lead unit leads what it drafts"
    );
    let more = t
        .get(Some(&s), &format!("/problems/{p}/measures/batch?rows=8"))
        .await;
    assert!(more.body.contains("name=\"rows.7.content\""));
    let before = measures_of(&t, p).await;
    let bad = t
        .post(
            Some(&s),
            &format!("/problems/{p}/measures/batch"),
            &[
                ("rows.0.content", "更换老化灭火器"),
                ("rows.0.deadline", "2024年6月底前"),
                ("rows.1.content", "修订消防安全管理制度"),
                ("rows.2.content", ""),
                ("rows.3.content", "组织消防演练"),
                ("rows.3.deadline", "等有空再说"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("第2行"), "{}", bad.body);
    assert!(bad.body.contains("第4行"));
    assert!(!bad.body.contains("第1行") && !bad.body.contains("第3行"));
    assert!(bad.body.contains("data-field=\"rows.1.deadline\""));
    assert!(bad.body.contains("data-field=\"rows.3.deadline\""));
    assert!(
        bad.body.contains("修订消防安全管理制度"),
        "what was typed is kept"
    );
    assert_eq!(measures_of(&t, p).await, before, "nothing saved");
    let office = t.unit("办公室").await.to_string();
    let ok = t
        .post(
            Some(&s),
            &format!("/problems/{p}/measures/batch"),
            &[
                ("rows.0.content", "更换老化灭火器"),
                ("rows.0.deadline", "2024年6月底前"),
                ("rows.0.cooperating_unit_ids", &office),
                ("rows.1.content", "修订消防安全管理制度"),
                ("rows.1.deadline", "2024年6月中旬"),
                ("rows.2.content", ""),
                ("rows.3.content", "组织消防演练"),
                ("rows.3.deadline", "立行立改"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    assert_eq!(ok.location(), format!("/problems/{p}#measures"));
    assert_eq!(measures_of(&t, p).await, before + 3);
    let own = t.unit("行政后勤部").await;
    assert_eq!(
        t.measures_of(p)
            .await
            .iter()
            .filter(|m| m.lead_unit.id.0 != own)
            .count(),
        0
    );
    // In English, the rows are named in English.
    let en = t.login("logistics").await;
    let en_bad = t
        .send(
            axum::http::Request::post(format!("/problems/{p}/measures/batch"))
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", format!("{}; zg_lang=en", en.cookie))
                .body(axum::body::Body::from(format!(
                    "csrf={}&rows.0.content=x",
                    en.csrf
                )))
                .unwrap(),
        )
        .await;
    assert_eq!(en_bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(en_bad.body.contains("Row 1: "), "{}", en_bad.body);
    assert!(!en_bad.body.contains("第1行"));
}

#[tokio::test]
async fn the_grid_is_refused_to_whoever_may_not_draft_now() {
    let t = TestApp::new().await;
    let p = t.problem(FIRE).await;
    let path = format!("/problems/{p}/measures/batch");
    let finance = t.login("finance").await;
    assert_eq!(
        t.get(Some(&finance), &path).await.status,
        StatusCode::NOT_FOUND
    );
    let posted = t
        .post(
            Some(&finance),
            &path,
            &[("rows.0.content", "x"), ("rows.0.deadline", "立行立改")],
        )
        .await;
    assert_eq!(posted.status, StatusCode::NOT_FOUND);
    let jijian = t.login("jijian").await;
    assert_eq!(
        t.get(Some(&jijian), &path).await.status,
        StatusCode::FORBIDDEN
    );
    // The office completes any draft.
    let office = t.login("office").await;
    let grid = t.get(Some(&office), &path).await;
    assert!(grid.body.contains("name=\"rows.0.lead_unit_id\""));
    // After submission the lead unit's draft is closed.
    let token = t.token("logistics").await;
    for action in ["claim", "submit_plan"] {
        let r = t
            .api(
                &token,
                "POST",
                &format!("/api/v1/problems/{p}/steps"),
                Some(json!({ "action": action })),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    }
    // Refused by the problem's state, which the refusal names (not a bare 无权).
    let s = t.login("logistics").await;
    let refused = t.get(Some(&s), &path).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("问题当前"), "{}", refused.body);
}

#[tokio::test]
async fn the_api_saves_several_measures_in_one_call() {
    let t = TestApp::new().await;
    let p = t.problem(FIRE).await;
    let token = t.token("logistics").await;
    let path = format!("/api/v1/problems/{p}/measures/batch");
    let bad = t
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"rows": [
                {"content": "更换老化灭火器", "deadline": "2024年6月底前"},
                {"content": "修订制度"}
            ]})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["fields"][0]["field"], "rows.1.deadline");
    let ok = t
        .api(
            &token,
            "POST",
            &path,
            Some(json!({"rows": [
                {"content": "更换老化灭火器", "deadline": "2024年6月底前"},
                {"content": "修订制度", "deadline": "2024年6月中旬", "target": "印发制度"}
            ]})),
        )
        .await;
    assert_eq!(ok.status, StatusCode::CREATED, "{}", ok.body);
    assert_eq!(ok.json()["ids"].as_array().unwrap().len(), 2);
    let unknown = t
        .api(&token, "POST", &path, Some(json!({"rows": [], "extra": 1})))
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
}

#[tokio::test]
async fn a_decision_on_the_page_hands_over_the_ticked_measures_and_names_the_units() {
    let t = TestApp::new().await;
    let p = t.problem(STAFFING).await;
    let m = t.measure_of(p).await;
    let zhao = t.login("leader_zhao").await;
    let page = t.get(Some(&zhao), &format!("/problems/{p}")).await;
    assert!(
        page.body
            .contains(&format!("name=\"carry_measure_ids\" value=\"{m}\" checked"))
    );
    let party = t.unit("党群工作部").await.to_string();
    // Nothing ticked: the measure stays with 人力资源部.
    let r = t
        .post(
            Some(&zhao),
            &format!("/problems/{p}/step"),
            &[
                ("action", "assign"),
                ("unit_id", &party),
                ("reason", "编制问题由党群工作部牵头"),
                ("carry_listed", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let hr = t.unit("人力资源部").await;
    assert_eq!(t.measure_record(m).await.lead_unit.id.0, hr);
    let office = t.login("office").await;
    let page = t.get(Some(&office), &format!("/problems/{p}")).await;
    assert!(
        page.body
            .contains("人力资源部 → 党群工作部: 编制问题由党群工作部牵头")
    );
    assert!(!page.body.contains("unit "), "no internal id in the record");
    // The problem's form offers only what its lead unit leads: here nothing (the
    // measure left with 人力资源部 is changed on its own form).
    let edit = t.get(Some(&office), &format!("/problems/{p}/edit")).await;
    assert!(!edit.body.contains("name=\"carry_listed\""));
}

#[tokio::test]
async fn the_office_edit_hands_over_the_measures_of_the_former_lead_unit() {
    let t = TestApp::new().await;
    let p = t.problem(STAFFING).await;
    let m = t.measure_of(p).await;
    let office = t.login("office").await;
    let edit = t.get(Some(&office), &format!("/problems/{p}/edit")).await;
    assert!(
        edit.body.contains(&format!("value=\"{m}\" checked")),
        "{}",
        edit.body
    );
    let party = t.unit("党群工作部").await;
    let aspect = edit.body.split("name=\"aspect_id\"").nth(1).unwrap();
    let aspect = aspect.split("selected").next().unwrap();
    let aspect = aspect
        .rsplit("value=\"")
        .next()
        .unwrap()
        .split('"')
        .next()
        .unwrap()
        .to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/problems/{p}/edit"),
            &[
                ("version", &edit.field("version")),
                ("aspect_id", &aspect),
                ("title", STAFFING),
                ("source", "inspection"),
                ("lead_unit_id", &party.to_string()),
                ("carry_listed", "1"),
                ("carry_measure_ids", &m.to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(t.measure_record(m).await.lead_unit.id.0, party);
}
