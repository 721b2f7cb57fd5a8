//! 周报: a unit reports its week (pre-filled from progress), the office sees who is on
//! time, late or missing (叫号) and a summary draft, and sets when reports are due.

use axum::http::StatusCode;
use chrono::Duration;

use zhenggai_storage::audit::Entity;

use crate::util::*;

fn status_of(page: &str, unit: &str) -> String {
    let at = page
        .find(&format!("<td>{unit}</td>"))
        .unwrap_or_else(|| panic!("no {unit}: {page}"));
    let row_start = page[..at].rfind("<tr").unwrap();
    let row = &page[row_start..at];
    let s = row.find("data-status=\"").unwrap() + "data-status=\"".len();
    row[s..].split('"').next().unwrap().to_string()
}

#[tokio::test]
async fn units_report_their_week_and_the_office_calls_the_roll() {
    let t = TestApp::new().await;
    // Thursday 25 April 2024, 10:00: this week's reports are due Friday 26 April 10:00.
    let finance = t.login("finance").await;
    let page = t.get(Some(&finance), "/weekly").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("2024-04-26 10:00"), "{}", page.body);
    assert!(page.body.contains("下周计划"), "the form is pre-filled");
    let r = t
        .post(
            Some(&finance),
            "/weekly",
            &[
                ("week", "2024-04-22"),
                ("content", "本周清理账户3个。\n下周计划：完成销户。"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // A future week, and the office sending a unit's report, are refused.
    let r = t
        .post(
            Some(&finance),
            "/weekly",
            &[
                ("week", "2024-05-06"),
                ("content", "提前"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let office = t.login("office").await;
    let r = t
        .post(
            Some(&office),
            "/weekly",
            &[
                ("week", "2024-04-22"),
                ("content", "代报"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let page = t.get(Some(&office), "/weekly").await;
    assert_eq!(status_of(&page.body, "财务部"), "on_time");
    assert_eq!(status_of(&page.body, "人力资源部"), "pending");

    // Friday 11:00: the hour has passed.
    t.advance(Duration::hours(25));
    let office = t.login("office").await;
    let page = t.get(Some(&office), "/weekly").await;
    assert_eq!(status_of(&page.body, "财务部"), "on_time");
    assert_eq!(status_of(&page.body, "人力资源部"), "missing");
    assert!(
        page.body.contains("未报送"),
        "the roll call names the missing"
    );
    assert!(
        page.body.contains("一周一汇总") && page.body.contains("按时报送1个单位"),
        "{}",
        page.body
    );
    let hr = t.login("hr").await;
    let r = t
        .post(
            Some(&hr),
            "/weekly",
            &[
                ("week", "2024-04-22"),
                ("content", "本周完成招聘核查。"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(Some(&office), "/weekly").await;
    assert_eq!(status_of(&page.body, "人力资源部"), "late");
    // Correcting keeps it late, and is recorded.
    let r = t
        .post(
            Some(&hr),
            "/weekly",
            &[
                ("week", "2024-04-22"),
                ("content", "本周完成招聘核查，补充说明。"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&office), "/weekly").await;
    assert_eq!(status_of(&page.body, "人力资源部"), "late");
    assert_eq!(t.audit_entries_of(Entity::WeeklyReport).await.len(), 3);

    // Only the office sets when reports are due: Thursday 17:00.
    let r = t
        .post(
            Some(&hr),
            "/weekly/rule",
            &[("weekday", "4"), ("hour", "17"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .post(
            Some(&office),
            "/weekly/rule",
            &[("weekday", "8"), ("hour", "17"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = t
        .post(
            Some(&office),
            "/weekly/rule",
            &[("weekday", "4"), ("hour", "17"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(Some(&office), "/weekly").await;
    // This week: due on Thursday 25 April, 17:00.
    assert!(
        page.body
            .contains(r#"<b id="weekly-due">2024-04-25 17:00</b>"#),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn the_menu_offers_the_weekly_reports_to_exactly_those_the_page_answers() {
    let t = TestApp::new().await;
    for who in [
        "office",
        "finance",
        "hr",
        "leader_wang",
        "jijian",
        "xunchaban",
    ] {
        let s = t.login(who).await;
        let home = t.get(Some(&s), "/").await;
        let offered = home.body.contains("href=\"/weekly\"");
        let answered = t.get(Some(&s), "/weekly").await.status == StatusCode::OK;
        assert_eq!(offered, answered, "{who}");
    }
}

/// 一周一汇总: the office edits and saves its summary (versioned, recorded), a stale
/// save is refused with the other writer's change, a unit may not save it, the
/// discipline inspector reads it, and the download is a Word document holding it.
#[tokio::test]
async fn the_office_saves_its_weekly_summary_and_downloads_it_as_word() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let page = t.get(Some(&office), "/weekly").await;
    assert!(page.body.contains("尚未保存"), "{}", page.body);
    assert!(
        page.body
            .contains("<option value=\"5\" selected>周五</option>")
    );
    let save = |content: &'static str, version: &'static str| {
        [
            ("week", "2024-04-22"),
            ("content", content),
            ("version", version),
        ]
    };
    let r = t
        .post(
            Some(&office),
            "/weekly/summary",
            &save("本周整改工作汇总\n一、总体进展：良好。", "0"),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let page = t.get(Some(&office), "/weekly").await;
    assert!(page.body.contains("已保存（第1版）"), "{}", page.body);
    assert!(page.body.contains("一、总体进展：良好。"));
    let r = t
        .post(
            Some(&office),
            "/weekly/summary",
            &save(
                "本周整改工作汇总\n一、总体进展：良好。\n二、下步：督办。",
                "1",
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // Someone who read version 1 saves over version 2: refused, nothing overwritten.
    let r = t
        .post(Some(&office), "/weekly/summary", &save("旧稿", "1"))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    // A week before the organisation's first inspection (a slip of the year) is
    // refused at the week, saying from when.
    let r = t
        .post(
            Some(&office),
            "/weekly/summary",
            &[
                ("week", "1990-01-01"),
                ("content", "旧年"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("核对年份"), "{}", r.body);
    // Empty is refused at the field; a unit may not save the office's summary.
    let r = t
        .post(Some(&office), "/weekly/summary", &save("  ", "2"))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("data-field=\"content\""), "{}", r.body);
    let finance = t.login("finance").await;
    let r = t
        .post(Some(&finance), "/weekly/summary", &save("代写", "2"))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("整改办"), "{}", r.body);
    assert_eq!(t.audit_entries_of(Entity::WeeklySummary).await.len(), 2);
    let jijian = t.login("jijian").await;
    let page = t.get(Some(&jijian), "/weekly").await;
    assert!(page.body.contains("二、下步：督办。"));
    assert!(!page.body.contains("weekly-summary-form"));
    let doc = t
        .get(Some(&jijian), "/weekly/summary.docx?week=2024-04-22")
        .await;
    assert_eq!(doc.status, StatusCode::OK);
    assert_eq!(
        doc.headers["content-type"],
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    );
    assert!(doc.bytes.starts_with(b"PK\x03\x04"));
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(doc.bytes)).unwrap();
    let mut xml = String::new();
    std::io::Read::read_to_string(&mut archive.by_name("word/document.xml").unwrap(), &mut xml)
        .unwrap();
    assert!(
        xml.contains("整改工作周汇总（2024年4月22日—4月28日）"),
        "{xml}"
    );
    assert!(xml.contains("二、下步：督办。"));
    // The report day is chosen by name; the rule form keeps taking 1–7.
    let r = t
        .post(
            Some(&office),
            "/weekly/rule",
            &[("weekday", "4"), ("hour", "17"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(Some(&office), "/weekly").await;
    assert!(
        page.body
            .contains("<option value=\"4\" selected>周四</option>")
    );
}

/// Outside tester (findings 2, 3, 7): `/weekly?week=` far out of range (1900, 9999),
/// ahead, or not a date answered as a form refused, above this week's live forms; the
/// `.docx` gave another week's document, or the record-number hint. A week in the
/// address is not a form: the page and the `.docx` name the address's week and what is
/// wrong with it (a day the month lacks told as such), link to this week, and show no
/// form; the API's reads refuse the same weeks at the week.
#[tokio::test]
async fn a_week_out_of_range_is_refused_at_the_week() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    for (week, says) in [
        ("1900-01-01", "年份应在1949至2100年之间"),
        ("1990-01-01", "早于本单位第一次巡视巡察反馈的那一周"),
        ("9999-12-31", "年份应在1949至2100年之间"),
        ("2030-01-07", "还没有到"),
        ("2024-13-45", "不是日期"),
        ("garbage", "不是日期"),
        ("2024-02-30", "2024年2月没有30日"),
    ] {
        for path in ["/weekly", "/weekly/summary.docx"] {
            let page = t.get(Some(&office), &format!("{path}?week={week}")).await;
            assert_eq!(
                page.status,
                StatusCode::UNPROCESSABLE_ENTITY,
                "{path} {week}: {}",
                page.body
            );
            assert!(
                page.body.contains("网址中的") && page.body.contains(says),
                "{path} {week}: {}",
                page.body
            );
            assert!(page.body.contains("请打开本周的周报"), "{}", page.body);
            assert!(page.body.contains("href=\"/weekly\""), "{}", page.body);
            assert!(!page.body.contains("<form"), "{path} {week}: {}", page.body);
            assert!(!page.body.contains("提交的内容有误"), "{}", page.body);
        }
    }
    // A week in range, and none, show as before.
    assert_eq!(
        t.get(Some(&office), "/weekly?week=2024-04-22").await.status,
        StatusCode::OK
    );
    assert_eq!(
        t.get(Some(&office), "/weekly?week=").await.status,
        StatusCode::OK
    );
    let token = t.token("office").await;
    for path in ["/api/v1/weekly/reports", "/api/v1/weekly/summary"] {
        let r = t
            .api(&token, "GET", &format!("{path}?week=1900-01-01"), None)
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.body
        );
        assert_eq!(r.json()["fields"][0]["field"], "week", "{}", r.body);
        let r = t
            .api(&token, "GET", &format!("{path}?week=2024-04-22"), None)
            .await;
        assert_eq!(r.status, StatusCode::OK, "{path}: {}", r.body);
    }
}

/// Outside tester: the first save of a weekly summary took any version (7 for a record
/// that does not exist). As every first save, version 0 means new; another number is
/// refused at the version and nothing is written.
#[tokio::test]
async fn a_first_save_takes_version_zero_only() {
    let t = TestApp::new().await;
    let token = t.token("office").await;
    let save = |version: i64| serde_json::json!({"week": "2024-04-22", "content": "本周汇总", "version": version});
    let r = t
        .api(&token, "PUT", "/api/v1/weekly/summary", Some(save(7)))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["fields"][0]["field"], "version", "{}", r.body);
    let read = t
        .api(
            &token,
            "GET",
            "/api/v1/weekly/summary?week=2024-04-22",
            None,
        )
        .await
        .json();
    assert!(read["saved"].is_null(), "{read}");
    let r = t
        .api(&token, "PUT", "/api/v1/weekly/summary", Some(save(0)))
        .await;
    assert!(r.status.is_success(), "{}", r.body);
    let r = t
        .api(&token, "PUT", "/api/v1/weekly/summary", Some(save(1)))
        .await;
    assert!(r.status.is_success(), "{}", r.body);
}

/// "上一周" leads back week by week to the week of the first feedback, and there stops:
/// every link it offers opens, and the first week offers none (an outside tester found
/// it leading to a refusal).
#[tokio::test]
async fn the_previous_week_link_stops_at_the_first_week() {
    let t = TestApp::new().await;
    for who in ["office", "finance"] {
        let s = t.login(who).await;
        let mut path = "/weekly".to_string();
        let mut weeks = 0;
        loop {
            let r = t.get(Some(&s), &path).await;
            assert_eq!(r.status, StatusCode::OK, "{who} {path}: {}", r.body);
            let Some(at) = r.body.find("\">上一周</a>") else {
                break;
            };
            let href = r.body[..at].rsplit("href=\"").next().unwrap();
            path = href.replace("&amp;", "&");
            weeks += 1;
            assert!(weeks < 200, "{who}: no first week");
        }
        assert!(weeks > 0, "{who}: this week links to the one before");
    }
}

/// Outside tester: a past week's summary quoted today's figures, and moved when a unit
/// finished a measure today. Its figures are the statistics module's as of the week's
/// last day: a week before the ledger was entered counts nothing, and stays so; the
/// week in progress counts what was done today.
#[tokio::test]
async fn a_past_weeks_summary_says_what_the_ledger_held_that_week() {
    let t = TestApp::new().await;
    let token = t.token("office").await;
    let draft = |week: &'static str| {
        let (t, token) = (&t, token.clone());
        async move {
            let r = t
                .api(
                    &token,
                    "GET",
                    &format!("/api/v1/weekly/summary?week={week}"),
                    None,
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.body);
            r.json()["draft"].as_str().unwrap().to_string()
        }
    };
    let past = draft("2024-04-15").await;
    assert!(
        past.contains("整改措施已完成0条，未完成0条，其中逾期0条"),
        "{past}"
    );
    assert!(
        draft("2024-04-22")
            .await
            .contains("整改措施已完成4条，未完成28条，其中逾期3条")
    );
    let p = t.problem("报销审批把关不严、虚构内容报销").await;
    t.finish_measures_of(p, "finance").await;
    assert_eq!(draft("2024-04-15").await, past, "the past week stands");
    let now = draft("2024-04-22").await;
    assert!(!now.contains("整改措施已完成4条"), "{now}");
    // The Word download of the past week says the same.
    let office = t.login("office").await;
    let docx = t
        .get(Some(&office), "/weekly/summary.docx?week=2024-04-15")
        .await;
    assert_eq!(docx.status, StatusCode::OK);
    let text = zhenggai_documents::read::Layout::of(&docx.bytes)
        .unwrap()
        .text();
    assert!(
        text.contains("整改措施已完成0条，未完成0条，其中逾期0条"),
        "{text}"
    );
}
