//! From 挂号 to 销号 and back: every step by the role that takes it, and refused for
//! one that may not (DOMAIN lifecycle; D3, D5, D11, D12).

use axum::http::StatusCode;
use serde_json::{Value, json};

use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::status::MeasureState;
use zhenggai_storage::reminders::bell::Notification;

use crate::util::*;

async fn step(t: &TestApp, token: &str, problem: i64, body: Value) -> crate::util::Resp {
    t.api(
        token,
        "POST",
        &format!("/api/v1/problems/{problem}/steps"),
        Some(body),
    )
    .await
}

async fn state(t: &TestApp, token: &str, problem: i64) -> String {
    t.api(token, "GET", &format!("/api/v1/problems/{problem}"), None)
        .await
        .json()["state"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn one_problem_travels_the_whole_road_and_wrong_roles_are_refused() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let hr = t.token("hr").await;
    let wang = t.token("leader_wang").await;
    let zhao = t.token("leader_zhao").await;
    let jijian = t.token("jijian").await;
    let i = t.inspection().await;
    let aspect = t.first_aspect(i).await;
    let finance_unit = t.unit("财务部").await;
    let wang_id = t.user("leader_wang").await;

    // 挂号: the office distributes a problem to the finance department.
    let p = t.api(&office, "POST", &format!("/api/v1/inspections/{i}/problems"), Some(json!({
        "aspect_id": aspect, "title": "小金库问题", "source": "inspection", "lead_unit_id": finance_unit, "leader_id": wang_id
    }))).await;
    assert_eq!(p.status, StatusCode::CREATED, "{}", p.body);
    let p = p.json()["id"].as_i64().unwrap();
    assert_eq!(state(&t, &finance, p).await, "registered");

    // 认领: only the lead unit.
    assert_eq!(
        step(&t, &hr, p, json!({"action": "claim"})).await.status,
        StatusCode::NOT_FOUND,
        "another unit does not even see it"
    );
    assert_eq!(
        step(&t, &office, p, json!({"action": "claim"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let r = step(&t, &finance, p, json!({"action": "claim"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert_eq!(r.json()["state"], "claimed");

    // The lead unit drafts its measure and submits the plan.
    let m = t.api(&finance, "POST", &format!("/api/v1/problems/{p}/measures"), Some(json!({
        "content": "清理账外资金，全部纳入统一核算", "lead_unit_id": finance_unit, "deadline": "2024年5月底前"
    }))).await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let m = m.json()["id"].as_i64().unwrap();
    assert_eq!(
        step(&t, &finance, p, json!({"action": "submit_plan"}))
            .await
            .json()["state"],
        "plan_submitted"
    );

    // 审定: the leader in charge, not the office, nor a leader of other units.
    assert_eq!(
        step(&t, &office, p, json!({"action": "sign_plan"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&t, &zhao, p, json!({"action": "sign_plan"}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        step(&t, &wang, p, json!({"action": "sign_plan"}))
            .await
            .json()["state"],
        "plan_signed"
    );

    // 汇总 and the Party committee's approval: the office, with the meeting recorded.
    assert_eq!(
        step(&t, &finance, p, json!({"action": "compile_plan"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&t, &office, p, json!({"action": "compile_plan"}))
            .await
            .json()["state"],
        "plan_compiled"
    );
    let missing = step(
        &t,
        &office,
        p,
        json!({"action": "approve_plan", "meeting_date": "2024-04-20"}),
    )
    .await;
    assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(missing.json()["fields"][0]["field"], "meeting");
    // A meeting not yet held approves nothing (issue 20).
    let ahead = step(&t, &office, p, json!({"action": "approve_plan", "meeting": "党委会2024年第8次会议", "meeting_date": "2024-04-26"})).await;
    assert_eq!(ahead.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(ahead.json()["fields"][0]["field"], "meeting_date");
    assert!(
        ahead.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("晚于今天")
    );
    // Nor one held before the plan it approves was compiled (today).
    let before = step(&t, &office, p, json!({"action": "approve_plan", "meeting": "党委会2024年第7次会议", "meeting_date": "2024-04-20"})).await;
    assert_eq!(before.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(before.json()["fields"][0]["field"], "meeting_date");
    assert!(
        before.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("汇总")
    );
    let approved = step(&t, &office, p, json!({"action": "approve_plan", "meeting": "党委会2024年第7次会议", "meeting_date": "2024-04-25"})).await;
    assert_eq!(approved.json()["state"], "in_progress");

    // The baseline is frozen: the deadline changes only by an approved extension.
    let frozen = t.measure_record(m).await.original_deadline;
    assert_eq!(frozen.as_deref(), Some("2024年5月底前"));
    let measure = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    let edit = t.api(&office, "PUT", &format!("/api/v1/measures/{m}"), Some(json!({
        "version": measure["version"], "content": measure["content"], "lead_unit_id": finance_unit, "deadline": "2024年6月底前"
    }))).await;
    assert_eq!(edit.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(edit.json()["fields"][0]["field"], "deadline");
    assert_eq!(
        step(
            &t,
            &finance,
            p,
            json!({"action": "extend", "measure_id": m, "deadline": "6月底前", "reason": "x"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&t, &wang, p, json!({"action": "extend", "reason": "同意"}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "no request, nothing to approve"
    );
    assert_eq!(
        step(&t, &wang, p, json!({"action": "request_extension", "measure_id": m, "deadline": "6月底前", "reason": "x"})).await.status,
        StatusCode::FORBIDDEN,
        "the lead unit asks, the leader decides"
    );
    // An extension ends after the present deadline (5月底前): not on it, not before.
    for earlier in ["5月底前", "5月20日前"] {
        let refused = step(&t, &finance, p, json!({"action": "request_extension", "measure_id": m, "deadline": earlier, "reason": "x"})).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{earlier}: {}",
            refused.body
        );
        let field = &refused.json()["fields"][0];
        assert_eq!(field["field"], "deadline");
        assert_eq!(
            field["message"],
            "延期后的时限须晚于现在的整改时限（2024年5月31日）。如需提前完成，不必申请延期。"
        );
    }
    let asked = step(&t, &finance, p, json!({"action": "request_extension", "measure_id": m, "deadline": "6月底前", "reason": "需等待年度审计结论"})).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let extended = step(
        &t,
        &wang,
        p,
        json!({"action": "extend", "reason": "同意延期"}),
    )
    .await;
    assert_eq!(extended.status, StatusCode::OK, "{}", extended.body);
    let measure = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    assert_eq!(measure["deadline"]["date"], "2024-06-30");

    // 销号申请 needs every measure done.
    let early = step(
        &t,
        &finance,
        p,
        json!({"action": "request_closure", "report": "专项报告"}),
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early.json()["message"].as_str().unwrap().contains("未完成")
            || early.json()["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("未完成")
    );
    let done = t
        .post_progress(
            Auth::Token(&finance),
            &format!("/api/v1/measures/{m}/progress"),
            &[
                ("happened_on", "2024-04-24"),
                ("content", "账外资金全部入账"),
                ("mark_done", "true"),
            ],
            &[("入账凭证.pdf", PDF)],
        )
        .await;
    assert_eq!(done.status, StatusCode::CREATED, "{}", done.body);
    // The request carries the special report and its evidence as files.
    let bare = step(
        &t,
        &finance,
        p,
        json!({"action": "request_closure", "report": "关于小金库问题整改情况的专项报告"}),
    )
    .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bare.json()["fields"][0]["field"], "files", "{}", bare.body);
    let requested = request_closure(&t, &finance, p, "关于小金库问题整改情况的专项报告").await;
    assert_eq!(
        requested.json()["state"],
        "closure_requested",
        "{}",
        requested.body
    );
    let steps = t
        .api(&office, "GET", &format!("/api/v1/problems/{p}/steps"), None)
        .await
        .json();
    let request = steps
        .as_array()
        .unwrap()
        .iter()
        .rfind(|e| e["action"] == "request_closure")
        .unwrap();
    let file = request["files"][0]["id"].as_i64().unwrap();
    assert_eq!(request["files"][0]["filename"], "专项报告.pdf");
    let got = t
        .api(&office, "GET", &format!("/api/v1/step-files/{file}"), None)
        .await;
    assert_eq!(got.status, StatusCode::OK);
    assert!(got.body.starts_with("%PDF"));
    // A unit that does not lead the problem does not reach its files.
    let hr = t.token("hr").await;
    assert_eq!(
        t.api(&hr, "GET", &format!("/api/v1/step-files/{file}"), None)
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    // 留号: the office returns it with a reason and a new deadline; the measure is back at work.
    assert_eq!(
        step(&t, &finance, p, json!({"action": "accept_closure"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&t, &jijian, p, json!({"action": "accept_closure"}))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    let returned = step(
        &t,
        &office,
        p,
        json!({"action": "return_closure", "reason": "缺少银行对账单", "deadline": "2024-05-10"}),
    )
    .await;
    assert_eq!(returned.json()["state"], "in_progress");
    let measure = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    assert_eq!(
        (
            measure["state"].as_str(),
            measure["deadline"]["date"].as_str()
        ),
        (Some("in_progress"), Some("2024-05-10"))
    );
    // The next round of reminders tells the lead unit and its leader why and by when.
    t.ring_bells().await;
    let returned = |n: &Notification| n.subject.starts_with("【留号】");
    for who in ["finance", "leader_wang"] {
        let told = t
            .notifications_of(who)
            .await
            .iter()
            .filter(|n| {
                returned(n)
                    && n.body.contains("缺少银行对账单")
                    && n.body.contains("2024年5月10日")
                    && n.link == format!("/problems/{p}")
            })
            .count();
        assert_eq!(told, 1, "{who} is told of the returned closure once");
    }
    assert_eq!(
        t.notifications_of("hr")
            .await
            .iter()
            .filter(|n| returned(n))
            .count(),
        0
    );

    // Done again, closed (销号), then a look-back reopens it (回炉), and a later one confirms it.
    t.post_progress(
        Auth::Token(&finance),
        &format!("/api/v1/measures/{m}/progress"),
        &[
            ("happened_on", "2024-04-25"),
            ("content", "补充银行对账单"),
            ("mark_done", "true"),
        ],
        &[],
    )
    .await;
    request_closure(&t, &finance, p, "补充报告").await;
    assert_eq!(
        step(&t, &office, p, json!({"action": "accept_closure"}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not before the leader signs"
    );
    assert_eq!(
        step(&t, &office, p, json!({"action": "sign_closure"}))
            .await
            .status,
        StatusCode::FORBIDDEN,
        "the leader in charge signs, not the office"
    );
    step(&t, &wang, p, json!({"action": "sign_closure"})).await;
    assert_eq!(
        step(&t, &office, p, json!({"action": "accept_closure"}))
            .await
            .json()["state"],
        "closed"
    );
    assert_eq!(
        step(
            &t,
            &finance,
            p,
            json!({"action": "reopen", "reason": "x", "deadline": "2024-06-01"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(step(&t, &office, p, json!({"action": "reopen", "reason": "回头看发现新的账外收入", "deadline": "2024-06-01"})).await.json()["state"], "in_progress");
    t.post_progress(
        Auth::Token(&finance),
        &format!("/api/v1/measures/{m}/progress"),
        &[
            ("happened_on", "2024-04-25"),
            ("content", "新发现的收入已入账"),
            ("mark_done", "true"),
        ],
        &[],
    )
    .await;
    request_closure(&t, &finance, p, "第二次专项报告").await;
    step(&t, &wang, p, json!({"action": "sign_closure"})).await;
    step(&t, &office, p, json!({"action": "accept_closure"})).await;
    let confirmed = step(&t, &office, p, json!({"action": "confirm"})).await;
    assert_eq!(confirmed.json()["state"], "consolidated");
    assert_eq!(confirmed.json()["next"], json!(["reopen"]));

    // Every step left one record, by the person who took it.
    let steps = t
        .api(&jijian, "GET", &format!("/api/v1/problems/{p}/steps"), None)
        .await
        .json();
    let actions: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["action"].as_str().unwrap())
        .collect();
    assert_eq!(
        actions,
        [
            "claim",
            "add_measure",
            "submit_plan",
            "sign_plan",
            "compile_plan",
            "approve_plan",
            "request_extension",
            "extend",
            "request_closure",
            "return_closure",
            "request_closure",
            "sign_closure",
            "accept_closure",
            "reopen",
            "request_closure",
            "sign_closure",
            "accept_closure",
            "confirm",
        ]
    );
    assert_eq!(steps[3]["actor"], "王建国");
    let report = zhenggai_storage::audit::verify::verify(&t.app.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn a_disputed_problem_is_assigned_by_the_leader_in_charge() {
    let t = TestApp::new().await;
    let hr = t.token("hr").await;
    let zhao = t.token("leader_zhao").await;
    let office = t.token("office").await;
    let p = t.problem("违规将相关人员转为事业编制").await;
    assert_eq!(
        state(&t, &hr, p).await,
        "disputed",
        "the demo holds a disputed problem"
    );
    let party = t.unit("党群工作部").await;
    assert_eq!(
        step(
            &t,
            &office,
            p,
            json!({"action": "assign", "unit_id": party, "reason": "x"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let no_reason = step(&t, &zhao, p, json!({"action": "assign", "unit_id": party})).await;
    assert_eq!(no_reason.json()["fields"][0]["field"], "reason");
    let r = step(
        &t,
        &zhao,
        p,
        json!({"action": "assign", "unit_id": party, "reason": "编制问题由党群工作部牵头"}),
    )
    .await;
    assert_eq!(r.json()["state"], "claimed", "{}", r.body);
    let now = t
        .api(&office, "GET", &format!("/api/v1/problems/{p}"), None)
        .await
        .json();
    assert_eq!(now["lead_unit"]["name"], "党群工作部");
}

#[tokio::test]
async fn the_page_offers_each_role_its_own_steps_only() {
    let t = TestApp::new().await;
    let p = t.problem("档案室消防设施老化").await; // registered, led by 行政后勤部
    let logistics = t.login("logistics").await;
    let page = t.get(Some(&logistics), &format!("/problems/{p}")).await;
    assert!(
        page.body.contains("data-action=\"claim\"")
            && page.body.contains("data-action=\"dispute\"")
    );
    assert!(!page.body.contains("data-action=\"accept_closure\""));
    for who in ["office", "jijian", "leader_zhao"] {
        let s = t.login(who).await;
        let page = t.get(Some(&s), &format!("/problems/{p}")).await;
        assert!(
            !page.body.contains("data-action=\"claim\""),
            "{who} is offered the claim"
        );
    }
    let office = t.login("office").await;
    let refused = t
        .post(
            Some(&office),
            &format!("/problems/{p}/step"),
            &[("action", "claim")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let claimed = t
        .post(
            Some(&logistics),
            &format!("/problems/{p}/step"),
            &[("action", "claim")],
        )
        .await;
    assert_eq!(claimed.status, StatusCode::SEE_OTHER);
    let page = t.get(Some(&logistics), &format!("/problems/{p}")).await;
    assert!(page.body.contains("已认领") && page.body.contains("孙强"));
}

#[tokio::test]
async fn the_home_page_lists_the_problems_waiting_for_each_person() {
    let t = TestApp::new().await;
    // 违规将相关人员转为事业编制 is disputed: it waits for its leader in charge.
    let zhao = t.login("leader_zhao").await;
    let home = t.get(Some(&zhao), "/").await;
    assert!(
        home.body.contains("待我处理的问题")
            && home.body.contains("违规将相关人员转为事业编制")
            && home.body.contains("裁定牵头单位"),
        "{}",
        home.body.split("<main>").nth(1).unwrap_or("")
    );
    // 少数人员插手版面… awaits his sign-off too.
    assert!(home.body.contains("审定签字"));
    // The registered self-found problem waits for 行政后勤部 to claim it.
    let logistics = t.login("logistics").await;
    let home = t.get(Some(&logistics), "/").await;
    assert!(home.body.contains("档案室消防设施老化") && home.body.contains("认领"));
    // Nothing waits for the supervisor.
    let jijian = t.login("jijian").await;
    assert!(
        !t.get(Some(&jijian), "/")
            .await
            .body
            .contains("待我处理的问题")
    );
}

#[tokio::test]
async fn a_long_term_problem_closes_its_phase_and_stays_under_review() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let discipline = t.token("discipline").await;
    // The demo closed the phase of 三会一课: its long-term measure goes on.
    let shown = t.problem("“三会一课”制度在基层组织落实不到位").await;
    assert_eq!(state(&t, &office, shown).await, "long_term_review");
    // 主体责任传导层层递减 has one long-term measure and nothing dated open.
    let p = t.problem("主体责任传导层层递减").await;
    assert_eq!(
        step(
            &t,
            &discipline,
            p,
            json!({"action": "close_phase", "report": "x"})
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let no_summary = step(&t, &office, p, json!({"action": "close_phase"})).await;
    assert_eq!(no_summary.json()["fields"][0]["field"], "report");
    let r = step(
        &t,
        &office,
        p,
        json!({"action": "close_phase", "report": "阶段性整改总结"}),
    )
    .await;
    assert_eq!(r.json()["state"], "long_term_review", "{}", r.body);
    // A dated problem cannot close a phase: it requests closure instead.
    let dated = t.problem("投资决策缺少风险评估").await;
    let refused = step(
        &t,
        &office,
        dated,
        json!({"action": "close_phase", "report": "x"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    // The problem stays on the ledger, under review; a look-back may reopen it.
    let s = t.login("office").await;
    let page = t.get(Some(&s), &format!("/problems/{p}")).await;
    assert!(
        page.body.contains("阶段性销号·长期坚持") && page.body.contains("data-action=\"reopen\"")
    );
    let m = t.measure("班子成员签订党风廉政建设责任书").await;
    let measure = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    assert_eq!(
        measure["standing"]["standing"], "long_term",
        "progress 10 days ago keeps it fresh"
    );
}

#[tokio::test]
async fn a_look_back_round_confirms_or_reopens_each_closed_problem_once() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let consolidated = t.problem("接待费用超标、接待列支烟酒").await; // consolidated in the demo
    let open_one = t.problem("投资决策缺少风险评估").await; // in progress
    let office = t.login("office").await;
    let jijian = t.login("jijian").await;
    // Only closed problems go into a round, and only the office opens one.
    let bad = t
        .post(
            Some(&office),
            &format!("/inspections/{i}/lookbacks"),
            &[
                ("title", "二季度回头看"),
                ("problem_ids", &open_one.to_string()),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let refused = t
        .post(
            Some(&jijian),
            &format!("/inspections/{i}/lookbacks"),
            &[("title", "x"), ("problem_ids", &consolidated.to_string())],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    let ok = t
        .post(
            Some(&office),
            &format!("/inspections/{i}/lookbacks"),
            &[
                ("title", "二季度回头看"),
                ("problem_ids", &consolidated.to_string()),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.body);
    let round = t.lookback_rounds(i).await[0].id.to_string();
    let page = t
        .get(Some(&office), &format!("/inspections/{i}/lookbacks"))
        .await;
    assert!(page.body.contains("二季度回头看") && page.body.contains("接待费用超标"));
    // The round reopens it (回炉), returning to the round's page; a second decision is refused.
    let back = format!("/inspections/{i}/lookbacks");
    let r = t
        .post(
            Some(&office),
            &format!("/problems/{consolidated}/step"),
            &[
                ("action", "reopen"),
                ("round_id", &round),
                ("reason", "回头看发现接待仍有超标"),
                ("deadline", "2024-06-15"),
                ("back", &back),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), back);
    let page = t.get(Some(&jijian), &back).await;
    assert!(
        page.body.contains("回头看：回炉"),
        "the supervisor reads the round and its decision"
    );
    let items = t
        .lookback_rounds(i)
        .await
        .into_iter()
        .find(|r| r.id.to_string() == round)
        .unwrap()
        .items;
    assert_eq!(
        items
            .iter()
            .filter(|item| item.decision.as_deref() == Some("reopen"))
            .count(),
        1
    );
    let report = zhenggai_storage::audit::verify::verify(&t.app.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn the_approved_plan_is_filed_with_the_upper_level_once() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let upper = t.token("xunchaban").await;
    let s1 = t.inspection().await;
    // The S1 ledger still has problems before approval (registered, disputed, submitted).
    let early = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{s1}/file-plan"),
            Some(json!({"plan_document": "报社党发〔2024〕8号"})),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        early.json()["message"]
            .as_str()
            .unwrap()
            .contains("未经党委审批")
    );
    // The audit's single problem is approved: its plan can be filed, once, by the office.
    let audit = t.inspection_by("市审计局").await;
    let body = json!({"plan_document": "关于审计发现问题的整改方案"});
    assert_eq!(
        t.api(
            &upper,
            "POST",
            &format!("/api/v1/inspections/{audit}/file-plan"),
            Some(body.clone())
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );
    let filed = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{audit}/file-plan"),
            Some(body.clone()),
        )
        .await;
    assert_eq!(filed.status, StatusCode::OK, "{}", filed.body);
    assert_eq!(
        t.api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{audit}/file-plan"),
            Some(body)
        )
        .await
        .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let seen = t
        .api(&upper, "GET", &format!("/api/v1/inspections/{audit}"), None)
        .await
        .json();
    assert_eq!(seen["plan_filed_on"], "2024-04-25");
    assert_eq!(seen["plan_document"], "关于审计发现问题的整改方案");
    let s = t.login("xunchaban").await;
    assert!(
        t.get(Some(&s), &format!("/inspections/{audit}"))
            .await
            .body
            .contains("整改方案已备案")
    );
}

/// 销号申请 with its special report as a file.
async fn request_closure(t: &TestApp, token: &str, p: i64, report: &str) -> Resp {
    t.post_progress(
        Auth::Token(token),
        &format!("/api/v1/problems/{p}/steps"),
        &[("action", "request_closure"), ("report", report)],
        &[("专项报告.pdf", PDF)],
    )
    .await
}

/// A problem of the demo in progress with every measure done, ready for a closure
/// request by the finance department (its lead unit).
async fn ready_for_closure(t: &TestApp) -> i64 {
    let p = t.problem("报销审批把关不严、虚构内容报销").await;
    t.finish_measures_of(p, "finance").await;
    p
}

#[tokio::test]
async fn the_organisations_closure_rules_come_before_acceptance() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let wang = t.token("leader_wang").await;
    let upper = t.token("xunchaban").await;
    let jijian = t.token("jijian").await;

    // Only the office sets its organisation's rules; a bad number is named by its field.
    let rules = json!({"max_extensions": "2", "three_party": true, "min_satisfaction": "80", "posting_days": "5", "version": 0});
    for who in [&finance, &wang, &jijian] {
        assert_eq!(
            t.api(who, "PUT", "/api/v1/closure-rules", Some(rules.clone()))
                .await
                .status,
            StatusCode::FORBIDDEN
        );
    }
    let bad = t
        .api(
            &office,
            "PUT",
            "/api/v1/closure-rules",
            Some(json!({"max_extensions": "两次", "posting_days": "5", "version": 0})),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.json()["fields"][0]["field"], "max_extensions");
    // The settings page is the office's alone.
    for who in ["finance", "leader_wang", "jijian", "sysadmin"] {
        let s = t.login(who).await;
        assert_eq!(
            t.get(Some(&s), "/settings/closure").await.status,
            StatusCode::FORBIDDEN,
            "{who}"
        );
    }
    let page = t
        .get(Some(&t.login("office").await), "/settings/closure")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("name=\"three_party\""));
    let set = t
        .api(&office, "PUT", "/api/v1/closure-rules", Some(rules.clone()))
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
    assert_eq!(set.json()["min_satisfaction"], 80);
    // A second save with the version first read is a conflict, not an overwrite.
    let stale = t
        .api(&office, "PUT", "/api/v1/closure-rules", Some(rules.clone()))
        .await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.body);

    let p = ready_for_closure(&t).await;
    let asked = request_closure(&t, &finance, p, "专项报告").await;
    assert_eq!(asked.json()["state"], "closure_requested", "{}", asked.body);
    // Checks follow the leader's signature.
    let early = step(
        &t,
        &office,
        p,
        json!({"action": "record_acceptance", "party": "inspected_unit", "signer": "李明"}),
    )
    .await;
    assert_eq!(early.status, StatusCode::UNPROCESSABLE_ENTITY);
    step(&t, &wang, p, json!({"action": "sign_closure"})).await;
    let refused = step(&t, &office, p, json!({"action": "accept_closure"})).await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains("巡察办"), "{}", refused.body);

    // 三方验收: the inspecting side signs its parts, the office records the unit's; a
    // lead unit signs for nobody, and nobody signs twice.
    let sign = |party: &str, signer: &str| json!({"action": "record_acceptance", "party": party, "signer": signer});
    assert_eq!(
        step(&t, &finance, p, sign("inspected_unit", "陈静"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    assert_eq!(
        step(&t, &upper, p, sign("inspected_unit", "郑华"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
    for (who, party) in [
        (&upper, "inspection_office"),
        (&upper, "inspection_group"),
        (&office, "inspected_unit"),
    ] {
        let r = step(&t, who, p, sign(party, "签字人")).await;
        assert_eq!(r.status, StatusCode::OK, "{party}: {}", r.body);
    }
    assert_eq!(
        step(&t, &office, p, sign("inspected_unit", "李明"))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );

    // 群众不认可不罢休: too few satisfied and closure waits.
    let survey = |yes: &str| json!({"action": "record_survey", "surveyed": 50, "satisfied": yes.parse::<u32>().unwrap(), "method": "问卷调查"});
    assert_eq!(
        step(&t, &upper, p, survey("45")).await.status,
        StatusCode::FORBIDDEN
    );
    step(&t, &office, p, survey("30")).await;
    let low = step(&t, &office, p, json!({"action": "accept_closure"})).await;
    assert!(low.body.contains("低于"), "{}", low.body);
    step(&t, &office, p, survey("45")).await;

    // 公示: posted for five days, visible to everyone in the organisation.
    let unposted = step(&t, &office, p, json!({"action": "accept_closure"})).await;
    assert!(unposted.body.contains("公示"), "{}", unposted.body);
    let posted = step(
        &t,
        &office,
        p,
        json!({"action": "post_result", "place": "报社内网及一楼公示栏"}),
    )
    .await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    let hr = t.token("hr").await;
    let list = t.api(&hr, "GET", "/api/v1/postings", None).await.json();
    assert_eq!(list[0]["problem_id"], p);
    assert_eq!(list[0]["place"], "报社内网及一楼公示栏");
    assert_eq!(list[0]["posted_until"], "2024-04-29");
    let page = t.get(Some(&t.login("hr").await), "/postings").await;
    assert!(page.body.contains("报社内网及一楼公示栏"));
    let sysadmin = t.login("sysadmin").await;
    assert_eq!(
        t.get(Some(&sysadmin), "/postings").await.status,
        StatusCode::FORBIDDEN
    );
    let running = step(&t, &office, p, json!({"action": "accept_closure"})).await;
    assert!(running.body.contains("公示期"), "{}", running.body);

    // The period's last day is still a posting day; the day after, closure.
    t.advance(chrono::Duration::days(4));
    assert_eq!(
        step(&t, &office, p, json!({"action": "accept_closure"}))
            .await
            .status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    t.advance(chrono::Duration::days(1));
    let closed = step(&t, &office, p, json!({"action": "accept_closure"})).await;
    assert_eq!(closed.json()["state"], "closed", "{}", closed.body);
    let report = zhenggai_storage::audit::verify::verify(&t.app.db)
        .await
        .unwrap();
    assert!(report.intact(), "{:#?}", report.problems);
}

#[tokio::test]
async fn a_returned_closure_starts_its_checks_again() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let wang = t.token("leader_wang").await;
    t.api(
        &office,
        "PUT",
        "/api/v1/closure-rules",
        Some(
            json!({"max_extensions": "2", "three_party": true, "posting_days": "0", "version": 0}),
        ),
    )
    .await;
    let p = ready_for_closure(&t).await;
    request_closure(&t, &finance, p, "专项报告").await;
    step(&t, &wang, p, json!({"action": "sign_closure"})).await;
    for party in ["inspection_office", "inspection_group", "inspected_unit"] {
        step(
            &t,
            &office,
            p,
            json!({"action": "record_acceptance", "party": party, "signer": "签字人"}),
        )
        .await;
    }
    step(
        &t,
        &office,
        p,
        json!({"action": "return_closure", "reason": "巡察组复核发现问题", "deadline": "2024-05-20"}),
    )
    .await;
    let p = ready_for_closure(&t).await;
    request_closure(&t, &finance, p, "第二次专项报告").await;
    step(&t, &wang, p, json!({"action": "sign_closure"})).await;
    let refused = step(&t, &office, p, json!({"action": "accept_closure"})).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "the earlier signatures were for the earlier request"
    );
}

#[tokio::test]
async fn measures_join_a_plan_through_the_lifecycle() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let p = t.problem("报销审批把关不严、虚构内容报销").await;
    let unit = t.unit("财务部").await;
    let measure = |content: &str| json!({"content": content, "lead_unit_id": unit, "deadline": "2024年6月底前"});
    // The plan is approved: the lead unit no longer drafts, the office supplements.
    let by_unit = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/problems/{p}/measures"),
            Some(measure("补充措施")),
        )
        .await;
    assert_eq!(
        by_unit.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        by_unit.body
    );
    assert!(by_unit.body.contains("supplements"), "{}", by_unit.body);
    let by_office = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/problems/{p}/measures"),
            Some(measure("回头看后补充的措施")),
        )
        .await;
    assert_eq!(by_office.status, StatusCode::CREATED, "{}", by_office.body);
    let m = by_office.json()["id"].as_i64().unwrap();
    let got = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    assert_eq!(
        got["original_deadline"], "2024年6月底前",
        "its deadline is frozen as approved: {got}"
    );
    let steps = t
        .api(&office, "GET", &format!("/api/v1/problems/{p}/steps"), None)
        .await
        .json();
    assert_eq!(
        steps.as_array().unwrap().last().unwrap()["action"],
        "add_measure"
    );
}

/// A measure of the demo in a given problem state, with the usernames of its lead unit,
/// a cooperating unit and its leader: (measure, lead, cooperating, leader). The first,
/// by id, of the open dated measures whose lead and cooperating units both work under
/// an account and which have a leader.
async fn measure_in(t: &TestApp, problem_state: &str) -> (i64, String, String, String) {
    for m in t.measures().await {
        if m.problem_state.code() != problem_state
            || m.state == MeasureState::Done
            || m.deadline.kind != DeadlineKind::Dated
        {
            continue;
        }
        let Some(leader) = &m.leader else {
            continue;
        };
        let mut coop = None;
        for c in &m.cooperating {
            if let Some(user) = t.unit_user(c.id.0).await {
                coop = Some(user.username);
                break;
            }
        }
        let (Some(lead), Some(coop)) = (t.unit_user(m.lead_unit.id.0).await, coop) else {
            continue;
        };
        let leader = zhenggai_storage::accounts::users::get(&t.app.db, leader.id)
            .await
            .unwrap();
        return (m.id.0, lead.username, coop, leader.username);
    }
    panic!("no demo measure with a cooperating unit under a {problem_state} problem")
}

/// Issue 19 item 5: only the measure's lead unit marks it done, and only once the plan
/// is approved; a cooperating unit and the leader in charge are told who may (403) and
/// may still report progress; on the page's form and through the API alike.
#[tokio::test]
async fn only_the_lead_unit_marks_a_measure_done_after_the_plan_is_approved() {
    let t = TestApp::new().await;
    let (m, lead, coop, leader) = measure_in(&t, "in_progress").await;
    let path = format!("/measures/{m}/progress");
    let api = format!("/api/v1/measures/{m}/progress");
    let done = |content: &'static str| {
        [
            ("happened_on", "2024-04-20"),
            ("content", content),
            ("mark_done", "on"),
        ]
    };
    let done_now = async || t.measure_record(m).await.state == MeasureState::Done;
    for who in [&coop, &leader] {
        let s = t.login(who).await;
        // The form does not offer what would be refused.
        let page = t.get(Some(&s), &format!("/measures/{m}")).await;
        assert!(
            page.body.contains("name=\"content\"") && !page.body.contains("name=\"mark_done\""),
            "{who} is offered to mark it done"
        );
        let mut fields = vec![("csrf", s.csrf.as_str())];
        fields.extend(done("已完成"));
        let page = t
            .post_progress(Auth::Session(&s), &path, &fields, &[("证明.pdf", PDF)])
            .await;
        assert_eq!(page.status, StatusCode::FORBIDDEN, "{who}: {}", page.body);
        assert!(
            page.body.contains("只有该措施的牵头单位"),
            "{who}: {}",
            page.body
        );
        let token = t.token(who).await;
        let r = t
            .post_progress(
                Auth::Token(&token),
                &api,
                &done("已完成"),
                &[("证明.pdf", PDF)],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        assert!(
            r.json()["message"].as_str().unwrap().contains("牵头单位"),
            "{}",
            r.body
        );
        // Without a file too: told who may, not first asked to attach evidence.
        let r = t
            .post_progress(Auth::Token(&token), &api, &done("已完成"), &[])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.body);
        // Progress itself is theirs to report.
        let r = t
            .post_progress(
                Auth::Token(&token),
                &api,
                &[("happened_on", "2024-04-20"), ("content", "配合开展工作")],
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{who}: {}", r.body);
    }
    assert!(!done_now().await);

    // The lead unit, while its problem is still only registered.
    let (early, early_lead, _, _) = measure_in(&t, "registered").await;
    let s = t.login(&early_lead).await;
    let page = t.get(Some(&s), &format!("/measures/{early}")).await;
    assert!(!page.body.contains("name=\"mark_done\""));
    let mut fields = vec![("csrf", s.csrf.as_str())];
    fields.extend(done("提前完成"));
    let page = t
        .post_progress(
            Auth::Session(&s),
            &format!("/measures/{early}/progress"),
            &fields,
            &[("证明.pdf", PDF)],
        )
        .await;
    assert_eq!(
        page.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        page.body
    );
    assert!(page.body.contains("方案"), "{}", page.body);
    let token = t.token(&early_lead).await;
    let r = t
        .post_progress(
            Auth::Token(&token),
            &format!("/api/v1/measures/{early}/progress"),
            &done("提前完成"),
            &[("证明.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["fields"][0]["field"], "mark_done");

    // The lead unit after approval marks it done.
    let s = t.login(&lead).await;
    let page = t.get(Some(&s), &format!("/measures/{m}")).await;
    assert!(page.body.contains("name=\"mark_done\""));
    let mut fields = vec![("csrf", s.csrf.as_str())];
    fields.extend(done("全部完成"));
    let page = t
        .post_progress(Auth::Session(&s), &path, &fields, &[("证明.pdf", PDF)])
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert!(done_now().await);
}

/// 审定签字、销号审核: the signer's opinion is kept with the step and read back with the
/// record; a step that takes no opinion refuses one rather than dropping it.
#[tokio::test]
async fn a_sign_off_keeps_its_opinion_in_the_record() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let wang = t.token("leader_wang").await;
    let finance_unit = t.unit("财务部").await;
    let p = t
        .new_problem()
        .titled("小金库问题")
        .lead("财务部")
        .leader("leader_wang")
        .create()
        .await;
    let refused = step(
        &t,
        &finance,
        p,
        json!({"action": "claim", "opinion": "同意"}),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["fields"][0]["field"], "opinion");
    assert_eq!(state(&t, &finance, p).await, "registered");
    step(&t, &finance, p, json!({"action": "claim"})).await;
    let m = t.api(&finance, "POST", &format!("/api/v1/problems/{p}/measures"), Some(json!({
        "content": "清理账外资金，全部纳入统一核算", "lead_unit_id": finance_unit, "deadline": "2024年5月底前"
    }))).await;
    assert_eq!(m.status, StatusCode::CREATED, "{}", m.body);
    let submitted = step(&t, &finance, p, json!({"action": "submit_plan"})).await;
    assert_eq!(
        submitted.json()["state"],
        "plan_submitted",
        "{}",
        submitted.body
    );
    let long = "同".repeat(501);
    let too_long = step(
        &t,
        &wang,
        p,
        json!({"action": "sign_plan", "opinion": long}),
    )
    .await;
    assert_eq!(too_long.status, StatusCode::UNPROCESSABLE_ENTITY);
    let signed = step(
        &t,
        &wang,
        p,
        json!({"action": "sign_plan", "opinion": "  同意，按期完成  "}),
    )
    .await;
    assert_eq!(signed.json()["state"], "plan_signed", "{}", signed.body);
    let steps = t
        .api(&office, "GET", &format!("/api/v1/problems/{p}/steps"), None)
        .await
        .json();
    let steps = steps.as_array().unwrap();
    let sign = steps.iter().find(|e| e["action"] == "sign_plan").unwrap();
    assert_eq!(sign["opinion"], "同意，按期完成");
    let claim = steps.iter().find(|e| e["action"] == "claim").unwrap();
    assert!(claim["opinion"].is_null());
    // The record of the step carries it too (the audit trail).
    let kept = t
        .events_of(p)
        .await
        .iter()
        .filter(|e| e.opinion.as_deref() == Some("同意，按期完成"))
        .count();
    assert_eq!(kept, 1);
}

/// An extension asked for reaches the leader who decides it: on the home page's waiting
/// list and in the bell, and the problem page shows what is asked (issue 20, first day).
#[tokio::test]
async fn an_extension_asked_for_waits_for_its_leader_on_the_home_page_and_in_the_bell() {
    let t = TestApp::new().await;
    let finance = t.token("finance").await;
    let p = t.problem("多头开设银行账户").await;
    let m = t.measure_of(p).await;
    let asked = step(
        &t,
        &finance,
        p,
        json!({"action": "request_extension", "measure_id": m, "deadline": "2024年7月底前", "reason": "银行注销账户需总行审批"}),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let wang = t.login("leader_wang").await;
    let home = t.get(Some(&wang), "/").await;
    assert!(
        home.body.contains(&format!("href=\"/problems/{p}\"")) && home.body.contains("批准延期"),
        "the leader's waiting list holds it"
    );
    let page = t.get(Some(&wang), &format!("/problems/{p}")).await;
    assert!(page.body.contains("id=\"pending-extension\""));
    assert!(page.body.contains("2024年7月底前") && page.body.contains("银行注销账户需总行审批"));
    t.ring_bells().await;
    assert_eq!(
        t.notifications_of("leader_wang")
            .await
            .iter()
            .filter(|n| n.subject.starts_with("【延期申请】") && n.link == format!("/problems/{p}"))
            .count(),
        1
    );
    // The unit is not told to decide its own request.
    let unit_home = t.get(Some(&t.login("finance").await), "/").await;
    assert!(!unit_home.body.contains("批准延期"));
}
