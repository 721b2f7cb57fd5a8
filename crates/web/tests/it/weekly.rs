//! 周报: a unit reports its week (pre-filled from progress), the office sees who is on
//! time, late or missing (叫号) and a summary draft, and sets when reports are due.

use axum::http::StatusCode;
use chrono::Duration;

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
    assert_eq!(
        t.count("SELECT COUNT(*) FROM audit_log WHERE entity = 'weekly_reports'")
            .await,
        3
    );

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
    let page = t.get(Some(&office), "/weekly?week=2024-05-06").await;
    // A future week shows this one: due on Thursday 25 April, 17:00.
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
