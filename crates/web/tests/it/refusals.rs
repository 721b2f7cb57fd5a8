//! Refusals say, on the page the person was on and in their language, what blocks the
//! action, which records are concerned (linked) and what to do; a new deadline set after
//! the fact is refused at its field when it falls before the day of the step (issue 20).

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::util::*;

async fn step(t: &TestApp, token: &str, problem: i64, body: Value) -> Resp {
    t.api(
        token,
        "POST",
        &format!("/api/v1/problems/{problem}/steps"),
        Some(body),
    )
    .await
}

/// The refusal of one field, as the API answers it.
fn refused_field(r: &Resp, field: &str) -> String {
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let j = r.json();
    let f = j["fields"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["field"] == field)
        .unwrap_or_else(|| panic!("no refusal of {field}: {}", r.body));
    f["message"].as_str().unwrap().to_string()
}

/// Letters of the Latin alphabet in the page's text, outside its tags and the
/// attributes (a Chinese page shows none).
fn latin_words(html: &str) -> Vec<String> {
    let mut text = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => {
                in_tag = false;
                text.push(' ');
            }
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    text.split(|c: char| !c.is_ascii_alphabetic())
        .filter(|w| w.len() > 1)
        .map(str::to_string)
        .collect()
}

#[tokio::test]
async fn a_new_deadline_before_the_day_of_the_step_is_refused_at_its_field() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let wang = t.token("leader_wang").await;

    // 回炉 on the day before today: refused at `deadline`, naming today; today itself is taken.
    let closed = t.problem("接待费用超标、接待列支烟酒").await;
    let early = step(
        &t,
        &office,
        closed,
        json!({"action": "reopen", "reason": "回头看发现仍有超标接待", "deadline": "2024-04-24"}),
    )
    .await;
    let message = refused_field(&early, "deadline");
    assert!(message.contains("2024年4月25日"), "{message}");
    assert!(message.contains("回炉"), "{message}");
    let state = |r: Resp| r.json()["state"].as_str().unwrap_or_default().to_string();
    assert_eq!(
        state(
            step(
                &t,
                &office,
                closed,
                json!({"action": "reopen", "reason": "回头看发现仍有超标接待", "deadline": "2024-04-25"}),
            )
            .await
        ),
        "in_progress"
    );

    // 延期申请 for a period already over: refused at `deadline`.
    let open = t.problem("多头开设银行账户").await;
    let measure = t.measure_of(open).await;
    let asked = step(
        &t,
        &finance,
        open,
        json!({"action": "request_extension", "measure_id": measure, "deadline": "2024年3月底前", "reason": "银行办理周期长"}),
    )
    .await;
    assert!(refused_field(&asked, "deadline").contains("延期申请"));
    // Asked for the end of May, decided only in June: by then the date is past.
    let asked = step(
        &t,
        &finance,
        open,
        json!({"action": "request_extension", "measure_id": measure, "deadline": "2024年5月底前", "reason": "银行办理周期长"}),
    )
    .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    t.advance(chrono::Duration::days(40));
    let late = step(
        &t,
        &wang,
        open,
        json!({"action": "extend", "reason": "同意"}),
    )
    .await;
    assert!(refused_field(&late, "deadline").contains("不予延期"));
    assert_eq!(
        step(
            &t,
            &wang,
            open,
            json!({"action": "refuse_extension", "reason": "时限已过，请重新申请"}),
        )
        .await
        .status,
        StatusCode::OK
    );

    // 阶段目标 due before today: refused at `due_text`.
    let milestone = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/measures/{measure}/milestones"),
            Some(json!({"content": "完成账户清理", "due_text": "2024年4月底前"})),
        )
        .await;
    assert!(refused_field(&milestone, "due_text").contains("2024年6月4日"));
}

#[tokio::test]
async fn a_return_with_a_past_deadline_comes_back_on_the_problem_page_at_its_field() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let closed = t.problem("接待费用超标、接待列支烟酒").await;
    let page = t
        .post(
            Some(&s),
            &format!("/problems/{closed}/step"),
            &[
                ("action", "reopen"),
                ("reason", "回头看发现仍有超标接待"),
                ("deadline", "2024-04-01"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &page.body;
    assert!(body.contains("id=\"refused\""), "{body}");
    assert!(body.contains("data-field=\"deadline\""), "at its field");
    assert!(body.contains("2024年4月25日"));
    assert!(
        body.contains("value=\"回头看发现仍有超标接待\""),
        "what was typed is kept"
    );
    assert!(
        body.contains("min=\"2024-04-25\""),
        "the date field offers today on"
    );
}

#[tokio::test]
async fn filing_the_plan_too_early_lists_the_problems_not_ready_with_links() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let s1 = t.inspection().await;
    let page = t
        .post(
            Some(&s),
            &format!("/inspections/{s1}/file-plan"),
            &[("plan_document", "报社党发〔2024〕8号")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = &page.body;
    assert!(body.contains("id=\"refused\""), "on the ledger page");
    assert!(body.contains("未经党委审批"));
    assert!(!body.contains("plan_document\u{3002}") && !body.contains(">plan_document"));
    for title in [
        "档案室消防设施老化",
        "违规将相关人员转为事业编制",
        "少数人员插手版面安排编发“人情稿”",
    ] {
        let id = t.problem(title).await;
        assert!(
            body.contains(&format!("href=\"/problems/{id}\"")) && body.contains(title),
            "{title} is linked"
        );
    }
    assert!(
        body.contains("value=\"报社党发〔2024〕8号\""),
        "the document's name is kept"
    );
    // The API names the same problems.
    let office = t.token("office").await;
    let api = t
        .api(
            &office,
            "POST",
            &format!("/api/v1/inspections/{s1}/file-plan"),
            Some(json!({"plan_document": "报社党发〔2024〕8号"})),
        )
        .await;
    assert_eq!(api.status, StatusCode::UNPROCESSABLE_ENTITY);
    let j = api.json();
    assert_eq!(j["error"], "blocked");
    let registered = t.problem("档案室消防设施老化").await;
    assert!(
        j["blocking"]
            .as_array()
            .unwrap()
            .iter()
            .any(|b| b["kind"] == "problem" && b["id"] == registered && b["state"] == "registered")
    );
}

#[tokio::test]
async fn a_step_whose_form_is_gone_answers_on_the_page_with_what_happened() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let closed = t.problem("接待费用超标、接待列支烟酒").await;
    let form = [
        ("action", "reopen"),
        ("reason", "回头看发现仍有超标接待"),
        ("deadline", "2024-05-31"),
    ];
    let first = t
        .post(Some(&s), &format!("/problems/{closed}/step"), &form)
        .await;
    assert_eq!(first.status, StatusCode::SEE_OTHER);
    // The same form sent again (a second tab, the back button): the problem moved on.
    let again = t
        .post(Some(&s), &format!("/problems/{closed}/step"), &form)
        .await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(again.body.contains("id=\"refused\""), "{}", again.body);
    assert!(again.body.contains("整改中"));
    assert!(again.body.contains("页面已按该问题的最新状态刷新"));
    assert!(!again.body.contains("The page now shows"), "one language");
}

#[tokio::test]
async fn a_step_for_another_role_says_who_takes_it_on_the_page() {
    let t = TestApp::new().await;
    let s = t.login("finance").await;
    let open = t.problem("多头开设银行账户").await;
    let page = t
        .post(
            Some(&s),
            &format!("/problems/{open}/step"),
            &[("action", "accept_closure")],
        )
        .await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(page.body.contains("id=\"refused\""));
    assert!(page.body.contains("只能由整改办办理"), "{}", page.body);
}

#[tokio::test]
async fn a_closure_asked_with_measures_open_links_each_of_them() {
    let t = TestApp::new().await;
    let s = t.login("finance").await;
    let open = t.problem("多头开设银行账户").await;
    let page = t
        .post(
            Some(&s),
            &format!("/problems/{open}/step"),
            &[("action", "request_closure"), ("report", "专项报告")],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("未完成"), "{}", page.body);
    let measure = t.measure_of(open).await;
    assert!(page.body.contains(&format!("href=\"/measures/{measure}\"")));
    // The API lists them too.
    let finance = t.token("finance").await;
    let api = step(
        &t,
        &finance,
        open,
        json!({"action": "request_closure", "report": "专项报告"}),
    )
    .await;
    assert_eq!(api.json()["error"], "blocked");
    assert_eq!(api.json()["blocking"][0]["kind"], "measure");
}

#[tokio::test]
async fn an_error_page_speaks_the_readers_language_only() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let zh = t.get(Some(&s), "/problems/999999").await;
    assert_eq!(zh.status, StatusCode::NOT_FOUND);
    assert!(zh.body.contains("找不到"));
    assert!(
        latin_words(&zh.body).is_empty(),
        "{:?}",
        latin_words(&zh.body)
    );
    let en = Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        csrf: s.csrf.clone(),
    };
    let page = t.get(Some(&en), "/problems/999999").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Not found"));
    assert!(page.body.contains("lang=\"en\""));
    assert!(
        !page
            .body
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
        "{}",
        page.body
    );
    // The plain errors axum answers by itself, too.
    let bad = t.get(Some(&en), "/problems/abc").await;
    assert_eq!(bad.status, StatusCode::BAD_REQUEST);
    assert!(
        !bad.body
            .chars()
            .any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c))
    );
}

/// A measure drafted on the form is work still to do: its deadline lies ahead. A date
/// of what has happened (the Party committee's meeting, an accountability decision)
/// lies behind. Each refusal is at its field, naming today, and nothing is written.
#[tokio::test]
async fn drafted_deadlines_lie_ahead_and_dates_of_what_happened_lie_behind() {
    let t = TestApp::new().await;
    let logistics = t.token("logistics").await;
    let jijian = t.token("jijian").await;

    let fire = t.problem("档案室消防设施老化").await;
    let before = t.measures_of(fire).await.len();
    let drafted = t
        .api(
            &logistics,
            "POST",
            &format!("/api/v1/problems/{fire}/measures"),
            Some(json!({"content": "全面排查档案室消防设施", "deadline": "2024年3月底前"})),
        )
        .await;
    let message = refused_field(&drafted, "deadline");
    assert!(message.contains("2024年4月25日"), "{message}");
    assert_eq!(t.measures_of(fire).await.len(), before, "nothing written");
    let today_ok = t
        .api(
            &logistics,
            "POST",
            &format!("/api/v1/problems/{fire}/measures"),
            Some(json!({"content": "全面排查档案室消防设施", "deadline": "2024年4月底前"})),
        )
        .await;
    assert_eq!(today_ok.status, StatusCode::CREATED, "{}", today_ok.body);

    let i = t.inspection().await;
    let ahead = t
        .api(
            &jijian,
            "POST",
            &format!("/api/v1/inspections/{i}/accountability"),
            Some(json!({"subject_kind": "person", "subject": "驾驶员 王某", "reason": "公车私用", "form": "first", "decided_on": "2024-04-26"})),
        )
        .await;
    let message = refused_field(&ahead, "decided_on");
    assert!(message.contains("晚于今天"), "{message}");
    assert!(message.contains("2024年4月25日"), "{message}");
}

/// Tester's finding 8: dates out of order say what to do, and a stationed period after
/// today is refused at its own fields (not only through the feedback that follows it);
/// a summary of a week ahead says which weeks may be chosen.
#[tokio::test]
async fn dates_out_of_order_say_what_to_do() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let create = |start: &str, end: &str, feedback: &str| {
        json!({"kind": "xuncha", "title": "市委第二巡察组对市日报社的常规巡察", "group_name": "市委第二巡察组",
               "period_start": start, "period_end": end, "feedback_date": feedback})
    };
    let reversed = t
        .api(
            &office,
            "POST",
            "/api/v1/inspections",
            Some(create("2024-03-10", "2024-03-01", "2024-04-01")),
        )
        .await;
    assert!(refused_field(&reversed, "period_end").contains("请把结束日期改为开始日期当天或之后"));
    let ahead = t
        .api(
            &office,
            "POST",
            "/api/v1/inspections",
            Some(create("2027-01-04", "2027-01-20", "2027-02-01")),
        )
        .await;
    for field in ["period_start", "period_end"] {
        let message = refused_field(&ahead, field);
        assert!(message.contains("晚于今天（2024年4月25日）"), "{message}");
        assert!(message.contains("请核对年份"), "{message}");
    }
    let week = t
        .api(
            &office,
            "PUT",
            "/api/v1/weekly/summary",
            Some(json!({"week": "2030-01-07", "content": "本周汇总", "version": 0})),
        )
        .await;
    assert!(refused_field(&week, "week").contains("请选择本周或之前的一周"));
}

/// Tester's finding 1: an inspection's start may not be moved past what its
/// rectification already recorded as happened (the same rule that refuses such a record
/// when entered): the edit is refused at the field that carries the start, naming the
/// earliest record and its date and what to do; the inspection is left as it was.
#[tokio::test]
async fn an_inspection_start_moved_after_recorded_progress_is_refused() {
    let t = TestApp::new().await;
    let (office, finance) = (t.token("office").await, t.token("finance").await);
    let i = t.inspection().await;
    let m = t.measure(FINANCE_LEAD).await;
    let current = t
        .api(&office, "GET", &format!("/api/v1/inspections/{i}"), None)
        .await
        .json();
    // Progress on the day of the feedback: the earliest record once the demo's are
    // later, and what a start moved past the feedback must name.
    let feedback = current["feedback_date"].as_str().unwrap().to_string();
    let added = t
        .post_progress(
            Auth::Token(&finance),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", &feedback), ("content", "清理账户")],
            &[],
        )
        .await;
    assert!(added.status.is_success(), "{}", added.body);
    let body = |start: &str, feedback: &str| {
        json!({"version": current["version"], "kind": "xuncha", "title": current["title"],
               "group_name": current["group_name"], "period_start": start, "period_end": start,
               "feedback_date": feedback})
    };
    let moved = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/inspections/{i}"),
            Some(body("2024-04-24", "2024-04-25")),
        )
        .await;
    let message = refused_field(&moved, "period_start");
    assert!(message.contains("整改进展"), "{message}");
    assert!(
        message.contains("早于改后的开始日期（2024年4月24日）"),
        "{message}"
    );
    assert!(message.contains("请把开始日期改为"), "{message}");
    // Without a stationed period the feedback is the start, refused at its field.
    let no_period = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/inspections/{i}"),
            Some(
                json!({"version": current["version"], "kind": "xuncha", "title": current["title"],
                        "group_name": current["group_name"], "feedback_date": "2024-04-25"}),
            ),
        )
        .await;
    assert!(refused_field(&no_period, "feedback_date").contains("请先更正那条记录"));
    assert_eq!(t.inspection_record(i).await.version, 1);
    // The same on the page, in the form.
    let s = t.login("office").await;
    let page = t
        .post(
            Some(&s),
            &format!("/inspections/{i}/edit"),
            &[
                ("version", "1"),
                ("kind", "xuncha"),
                ("title", "市委第一巡察组对市日报社党委的专项巡察"),
                ("group_name", "市委第一巡察组"),
                ("period_start", "2024-04-24"),
                ("feedback_date", "2024-04-25"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.body.contains("早于改后的开始日期"), "{}", page.body);
    // A start kept before every record still saves.
    let kept = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/inspections/{i}"),
            Some(body(&feedback, &feedback)),
        )
        .await;
    assert_eq!(kept.status, StatusCode::OK, "{}", kept.body);
}

/// Nothing of a rectification happens before its inspection began: a progress entry, a
/// milestone reached, a 问责 decision, a hearing dated 1990 (a slip of the year) are each
/// refused at their date, saying from when, and nothing is written.
#[tokio::test]
async fn a_date_before_the_inspection_began_is_refused_at_its_field() {
    let t = TestApp::new().await;
    let (finance, office, jijian) = (
        t.token("finance").await,
        t.token("office").await,
        t.token("jijian").await,
    );
    let finance_page = t.login("finance").await;
    let m = t.measure(FINANCE_LEAD).await;
    let before = t.progress_of(m).await.len();
    let progress = t
        .post_progress(
            Auth::Session(&finance_page),
            &format!("/measures/{m}/progress"),
            &[
                ("csrf", &finance_page.csrf),
                ("happened_on", "1990-04-20"),
                ("content", "清理账户"),
            ],
            &[],
        )
        .await;
    assert_eq!(progress.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        progress.body.contains("早于巡视巡察开始的日期"),
        "{}",
        progress.body
    );
    assert_eq!(t.progress_of(m).await.len(), before);

    let added = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/measures/{m}/milestones"),
            Some(json!({"content": "完成账户清理", "due_text": "2024-05-05"})),
        )
        .await;
    let id = added.json()["id"].as_i64().unwrap();
    let done = t
        .api(
            &finance,
            "POST",
            &format!("/api/v1/milestones/{id}/done"),
            Some(json!({"version": 1, "done_on": "1990-01-01"})),
        )
        .await;
    assert!(refused_field(&done, "done_on").contains("请核对年份"));

    let i = t.inspection().await;
    let decided = t
        .api(
            &jijian,
            "POST",
            &format!("/api/v1/inspections/{i}/accountability"),
            Some(json!({"subject_kind": "person", "subject": "驾驶员 王某", "reason": "公车私用", "form": "first", "decided_on": "1990-04-20"})),
        )
        .await;
    assert!(refused_field(&decided, "decided_on").contains("早于巡视巡察开始的日期"));

    let hearing = t
        .api(
            &office,
            "POST",
            "/api/v1/supervision/hearings",
            Some(json!({"held_on": "1990-04-22", "attendees": "党委委员", "notes": "听取汇报"})),
        )
        .await;
    assert!(refused_field(&hearing, "held_on").contains("请核对年份"));
    let hearings = t
        .api(&office, "GET", "/api/v1/supervision/hearings", None)
        .await
        .json();
    assert!(
        hearings
            .as_array()
            .is_some_and(|h| !h.iter().any(|h| h["held_on"] == "1990-04-22")),
        "{hearings}"
    );
}
