//! 信访件 (D20): who registers, reads, concludes and returns them, what each is told,
//! and how the figures count them.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::util::*;

/// The demo's petitions of the inspection, by their number's last character.
async fn by_number(t: &TestApp, token: &str) -> Vec<(String, Value)> {
    let i = t.inspection().await;
    let list = t
        .api(
            token,
            "GET",
            &format!("/api/v1/inspections/{i}/petitions"),
            None,
        )
        .await
        .json();
    list["petitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["number"].as_str().unwrap_or("").to_string(), p.clone()))
        .collect()
}

async fn petition(t: &TestApp, token: &str, n: char) -> Value {
    by_number(t, token)
        .await
        .into_iter()
        .find(|(number, _)| number.ends_with(&format!("{n}号")))
        .map(|(_, p)| p)
        .unwrap()
}

#[tokio::test]
async fn the_demo_counts_its_petitions_as_the_figures_do() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let list = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/petitions"),
            None,
        )
        .await
        .json();
    // One concluded, one past its deadline, one returned and in handling again, one in
    // handling.
    assert_eq!(
        list["counts"],
        json!({"petitions": 4, "petitions_concluded": 1, "petitions_concluded_late": 0, "petitions_handling": 3, "petitions_overdue": 1})
    );
    let s = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    for key in [
        "petitions",
        "petitions_concluded",
        "petitions_handling",
        "petitions_overdue",
    ] {
        assert_eq!(s[key], list["counts"][key], "{key}");
    }
    let returned = petition(&t, &office, '4').await;
    assert_eq!(returned["returns"], 1);
    assert_eq!(returned["state"], "handling");
    assert!(
        returned["returned_reason"]
            .as_str()
            .unwrap()
            .contains("过于笼统")
    );
    assert_eq!(
        petition(&t, &office, '2').await["standing"]["standing"],
        "overdue"
    );
    // Each names the problem it bears on.
    assert_eq!(
        petition(&t, &office, '2').await["problems"][0]["title"],
        "公车私用、车辆维修把关不严"
    );
}

#[tokio::test]
async fn a_unit_reads_and_concludes_its_own_and_nothing_else() {
    let t = TestApp::new().await;
    let finance = t.token("finance").await;
    let business = t.token("business").await;
    let office = t.token("office").await;
    let all = t
        .api(&finance, "GET", "/api/v1/petitions", None)
        .await
        .json();
    let units: Vec<&str> = all["petitions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["handling_unit"].as_str().unwrap())
        .collect();
    assert_eq!(units, ["财务部", "财务部"]);
    // Another unit's petition: not even its existence.
    let theirs = petition(&t, &office, '1').await["id"].as_i64().unwrap();
    let r = t
        .api(
            &finance,
            "GET",
            &format!("/api/v1/petitions/{theirs}"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/petitions/{theirs}/conclusion"),
            Some(json!({"version": 2, "result": "已办结", "concluded_on": today().to_string()})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(
        t.get(
            Some(&t.login("finance").await),
            &format!("/records/petitions/{theirs}/trail")
        )
        .await
        .status,
        StatusCode::NOT_FOUND
    );

    // Its own: concluded, then refused a second time in words.
    let own = petition(&t, &office, '3').await;
    let id = own["id"].as_i64().unwrap();
    let conclude = json!({"version": own["version"], "result": "经核查，已追回1.2万元。", "concluded_on": today().to_string()});
    let r = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/petitions/{id}/conclusion"),
            Some(conclude.clone()),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let again = json!({"version": own["version"].as_i64().unwrap() + 1, "result": "再次办结", "concluded_on": today().to_string()});
    let r = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/petitions/{id}/conclusion"),
            Some(again),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let said = r.json();
    assert_eq!(said["fields"][0]["field"], "state");
    assert!(
        said["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("退回重办"),
        "{said}"
    );
    // A stale version: someone else's change is not overwritten.
    let r = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/petitions/{id}/return"),
            Some(json!({"version": 1, "reason": "请补充凭证"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The unit may not return, change or register.
    let r = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/petitions/{id}/return"),
            Some(json!({"version": 2, "reason": "x"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.json()["message"].as_str().unwrap().contains("整改办"));
    let i = t.inspection().await;
    let r = t
        .api(
            &business,
            "POST",
            &format!("/api/v1/inspections/{i}/petitions"),
            Some(json!({"received_on": today().to_string(), "summary": "反映", "handling_unit_id": 1})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Its trail is the unit's to read: who concluded it, when.
    let trail = t
        .get(
            Some(&t.login("finance").await),
            &format!("/records/petitions/{id}/trail"),
        )
        .await;
    assert_eq!(trail.status, StatusCode::OK);
    assert!(trail.body.contains("办结") && trail.body.contains("陈静"));
}

#[tokio::test]
async fn the_office_registers_and_returns_others_read_or_learn_nothing() {
    let t = TestApp::two_organisations().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let finance_unit = t.get_user("finance").await.unit_id.0;
    let p = t.problem("报销审批把关不严、虚构内容报销").await;
    // Every field wrong at once, each said at its field.
    let r = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/petitions"),
            Some(json!({"received_on": "2099-01-01", "summary": "", "handling_unit_id": 999999, "deadline": "not a day", "problem_ids": [999999]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields: Vec<String> = r.json()["fields"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["field"].as_str().unwrap().to_string())
        .collect();
    for f in [
        "received_on",
        "summary",
        "handling_unit_id",
        "deadline",
        "problem_ids",
    ] {
        assert!(fields.iter().any(|x| x == f), "{f} in {fields:?}");
    }
    let yesterday = (today() - chrono::Duration::days(1)).to_string();
    let r = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/petitions"),
            Some(json!({"received_on": today().to_string(), "summary": "反映食堂采购价格偏高", "handling_unit_id": finance_unit, "deadline": yesterday})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "deadline");
    let r = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{i}/petitions"),
            Some(json!({"number": "巡信5号", "received_on": today().to_string(), "summary": "反映食堂采购价格偏高", "handling_unit_id": finance_unit, "problem_ids": [p]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["id"].as_i64().unwrap();
    let new = t
        .api(&office, "GET", &format!("/api/v1/petitions/{id}"), None)
        .await
        .json();
    // No deadline given: sixty days.
    assert_eq!(
        new["deadline"],
        (today() + chrono::Duration::days(60)).to_string()
    );
    // A petition not concluded has no result to return.
    let r = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/petitions/{id}/return"),
            Some(json!({"version": 1, "reason": "请补充"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Reassigned by the office, at the version read.
    let business_unit = t.get_user("business").await.unit_id.0;
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/petitions/{id}"),
            Some(json!({"version": 1, "number": "巡信5号", "summary": "反映食堂采购价格偏高", "handling_unit_id": business_unit, "deadline": new["deadline"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let finance = t.token("finance").await;
    assert_eq!(
        t.api(&finance, "GET", &format!("/api/v1/petitions/{id}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // The upper level and 纪检 read; neither concludes.
    for who in ["xunchaban", "jijian", "secretary"] {
        let token = t.token(who).await;
        let r = t
            .api(&token, "GET", &format!("/api/v1/petitions/{id}"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert_eq!(r.json()["may_conclude"], false, "{who}");
        let r = t
            .api(
                &token,
                "POST",
                &format!("/api/v1/petitions/{id}/conclusion"),
                Some(json!({"version": 2, "result": "x", "concluded_on": today().to_string()})),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert!(
            r.json()["message"].as_str().unwrap().contains("经营管理部"),
            "{who}"
        );
    }
    // Another organisation's office learns nothing; an administrator is told whom to ask.
    let wb = t.token("wb_office").await;
    for path in [
        format!("/api/v1/petitions/{id}"),
        format!("/api/v1/inspections/{i}/petitions"),
    ] {
        assert_eq!(
            t.api(&wb, "GET", &path, None).await.status,
            StatusCode::NOT_FOUND,
            "{path}"
        );
    }
    let wb_list = t.api(&wb, "GET", "/api/v1/petitions", None).await.json();
    assert!(
        wb_list["petitions"]
            .as_array()
            .unwrap()
            .iter()
            .all(|p| p["inspection_id"] != i)
    );
    let sys = t.token("sysadmin").await;
    assert_eq!(
        t.api(&sys, "GET", "/api/v1/petitions", None).await.status,
        StatusCode::FORBIDDEN
    );
    // A leader reads the petitions of the units in charge, not of others.
    let wang = t.token("leader_wang").await;
    assert_eq!(
        t.api(&wang, "GET", &format!("/api/v1/petitions/{id}"), None)
            .await
            .status,
        StatusCode::OK
    );
    let zhao = t.token("leader_zhao").await;
    assert_eq!(
        t.api(&zhao, "GET", &format!("/api/v1/petitions/{id}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn the_pages_register_conclude_and_say_what_blocks() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/petitions"))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("登记移交的信访件") && page.body.contains("逾期5天"));
    let finance_unit = t.get_user("finance").await.unit_id.0.to_string();
    let r = t
        .post(
            Some(&office),
            &format!("/inspections/{i}/petitions"),
            &[
                ("form", "register"),
                ("petition", "0"),
                ("received_on", &today().to_string()),
                ("summary", ""),
                ("handling_unit_id", &finance_unit),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("data-field=\"summary\""));
    // The unit's list: its own petitions and the form to conclude them, no register form.
    let finance = t.login("finance").await;
    let page = t.get(Some(&finance), "/petitions").await;
    assert!(page.body.contains("登记办理结果") && !page.body.contains("登记移交的信访件"));
    let own = petition(&t, &t.token("office").await, '3').await;
    let id = own["id"].as_i64().unwrap();
    let r = t
        .post(
            Some(&finance),
            &format!("/petitions/{id}"),
            &[
                ("form", "conclude"),
                ("petition", &id.to_string()),
                ("version", &own["version"].to_string()),
                ("result", "经核查，已追回。"),
                ("concluded_on", &today().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), format!("/petitions#petition-{id}"));
    // Sent again from an old page: refused in words, on the page.
    let r = t
        .post(
            Some(&finance),
            &format!("/petitions/{id}"),
            &[
                ("form", "return"),
                ("petition", &id.to_string()),
                ("version", "2"),
                ("reason", "x"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(r.body.contains("整改办"));
}

#[tokio::test]
async fn dates_numbers_and_a_second_tab_are_held_to_the_record() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let i = t.inspection().await;
    let unit = t.get_user("finance").await.unit_id.0;
    let register = |body: Value| {
        let (t, office) = (&t, &office);
        async move {
            t.api(
                office,
                "POST",
                &format!("/api/v1/inspections/{i}/petitions"),
                Some(body),
            )
            .await
        }
    };
    let day = |d: i64| (today() + chrono::Duration::days(d)).to_string();
    // A number the transfer list gave another petition; a deadline years away; a day
    // before the feedback it was handed over with.
    let r = register(json!({"number": petition(&t, &office, '1').await["number"], "received_on": day(0), "summary": "反映", "handling_unit_id": unit})).await;
    assert_eq!(r.json()["fields"][0]["field"], "number", "{}", r.json());
    let r = register(json!({"received_on": day(0), "summary": "反映", "handling_unit_id": unit, "deadline": day(400)})).await;
    assert_eq!(r.json()["fields"][0]["field"], "deadline");
    assert!(
        r.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("一年")
    );
    let r = register(json!({"received_on": day(-41), "summary": "反映", "handling_unit_id": unit}))
        .await;
    assert_eq!(
        r.json()["fields"][0]["field"],
        "received_on",
        "{}",
        r.json()
    );

    // Two tabs: the second result is refused as a conflict, not as a field error.
    let own = petition(&t, &office, '3').await;
    let id = own["id"].as_i64().unwrap();
    let v = own["version"].as_i64().unwrap();
    let conclude = |version: i64, on: String| json!({"version": version, "result": "已核查处理", "concluded_on": on});
    let path = format!("/api/v1/petitions/{id}/conclusion");
    assert_eq!(
        t.api(&finance, "POST", &path, Some(conclude(v, day(0))))
            .await
            .status,
        StatusCode::NO_CONTENT
    );
    let second = t
        .api(&finance, "POST", &path, Some(conclude(v, day(0))))
        .await;
    assert_eq!(second.status, StatusCode::CONFLICT);
    // Returned today: concluded again, it cannot be dated before the return.
    let back = format!("/api/v1/petitions/{id}/return");
    let r = t
        .api(
            &office,
            "POST",
            &back,
            Some(json!({"version": v + 1, "reason": "请附凭证"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let returned = t
        .api(&finance, "GET", &format!("/api/v1/petitions/{id}"), None)
        .await
        .json();
    // The result returned stays, for the unit to correct.
    assert_eq!(returned["result"], "已核查处理");
    assert_eq!(returned["returned_on"], day(0));
    let r = t
        .api(&finance, "POST", &path, Some(conclude(v + 2, day(-1))))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["fields"][0]["field"], "concluded_on");

    // 2号 is past its deadline: concluded today, it counts as concluded late.
    let late = petition(&t, &office, '2').await;
    let r = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/petitions/{}/conclusion", late["id"]),
            Some(conclude(late["version"].as_i64().unwrap(), day(0))),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let after = petition(&t, &office, '2').await;
    assert_eq!(
        after["standing"],
        json!({"standing": "concluded", "late": true})
    );
    let s = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    assert_eq!(
        (
            s["petitions_concluded_late"].as_i64(),
            s["petitions_overdue"].as_i64()
        ),
        (Some(1), Some(0))
    );
}

#[tokio::test]
async fn a_petition_registered_twice_is_withdrawn_with_its_reason_and_leaves_the_figures() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let i = t.inspection().await;
    let unit = t.get_user("finance").await.unit_id.0;
    let body = json!({"number": "巡信9号", "received_on": today().to_string(), "summary": "反映", "handling_unit_id": unit});
    let path = format!("/api/v1/inspections/{i}/petitions");
    let id = t
        .api(&office, "POST", &path, Some(body.clone()))
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    // Registered again from the same transfer list: refused at its number.
    assert_eq!(
        t.api(&office, "POST", &path, Some(body.clone()))
            .await
            .json()["fields"][0]["field"],
        "number"
    );
    let withdraw = format!("/api/v1/petitions/{id}/withdraw");
    // Only the office, and only with a reason.
    let r = t
        .api(
            &finance,
            "POST",
            &withdraw,
            Some(json!({"version": 1, "reason": "重复"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .api(
            &office,
            "POST",
            &withdraw,
            Some(json!({"version": 1, "reason": " "})),
        )
        .await;
    assert_eq!(r.json()["fields"][0]["field"], "reason");
    let r = t
        .api(
            &office,
            "POST",
            &withdraw,
            Some(json!({"version": 1, "reason": "登记有误"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let list = t.api(&office, "GET", &path, None).await.json();
    assert_eq!(list["counts"]["petitions"], 4);
    let s = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    assert_eq!(s["petitions"], 4);
    // Its number is free again; its record stays in the trail.
    assert_eq!(
        t.api(&office, "POST", &path, Some(body)).await.status,
        StatusCode::CREATED
    );
    let auditor = t.login("auditadmin").await;
    let trail = t
        .get(Some(&auditor), &format!("/records/petitions/{id}/trail"))
        .await;
    assert!(trail.body.contains("登记有误"));
}

#[tokio::test]
async fn the_home_page_counts_the_petitions_in_handling_of_whoever_reads_it() {
    let t = TestApp::new().await;
    // 财务部 handles 3号 and 4号, both within their deadline; 行政后勤部 2号, overdue;
    // 人力资源部 none.
    let home = t.get(Some(&t.login("finance").await), "/").await;
    assert!(home.body.contains("id=\"petitions-tile\""), "{}", home.body);
    assert!(
        home.body.contains("<b>2</b>信访件办理中</a>"),
        "{}",
        home.body
    );
    let home = t.get(Some(&t.login("logistics").await), "/").await;
    assert!(home.body.contains("<b>1</b>信访件办理中（逾期1件）"));
    let home = t.get(Some(&t.login("hr").await), "/").await;
    assert!(!home.body.contains("petitions-tile"));
    let home = t.get(Some(&t.login("office").await), "/").await;
    assert!(home.body.contains("<b>3</b>信访件办理中（逾期1件）"));
}

#[tokio::test]
async fn the_battle_maps_show_the_petitions_the_figures_count() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.login("office").await;
    let map = t.get(Some(&office), &format!("/inspections/{i}/map")).await;
    assert!(
        map.body.contains(&format!("href=\"/inspections/{i}/petitions\" data-figure=\"petitions_concluded\"><b>1/4</b>信访件已办结/移交（逾期1件）")),
        "{}",
        map.body
    );
    let upper = t.login("xunchaban").await;
    let map = t.get(Some(&upper), "/map").await;
    assert!(
        map.body
            .contains("data-figure=\"petitions_concluded\"><b>1/4</b>")
    );
}

#[tokio::test]
async fn a_result_sent_after_the_petition_was_reassigned_is_said_and_kept() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let two = petition(&t, &office, '2').await;
    let id = two["id"].as_i64().unwrap();
    let logistics = t.login("logistics").await;
    // The office hands it to 财务部 while 行政后勤部 is typing its result.
    let finance_unit = t.get_user("finance").await.unit_id.0;
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/petitions/{id}"),
            Some(json!({"version": two["version"], "number": two["number"], "summary": two["summary"], "handling_unit_id": finance_unit, "deadline": two["deadline"]})),
        )
        .await;
    assert_eq!(r.status, StatusCode::NO_CONTENT);
    let r = t
        .post(
            Some(&logistics),
            &format!("/petitions/{id}"),
            &[
                ("form", "conclude"),
                ("petition", &id.to_string()),
                ("version", &two["version"].to_string()),
                ("result", "已收回车辆，建立公车使用登记制度。"),
                ("concluded_on", &today().to_string()),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("改派给其他单位或撤回"));
    assert!(r.body.contains("已收回车辆，建立公车使用登记制度。"));
}
