//! 工作日历: everyone signed in reads it; only the system administrator adds or
//! corrects a year, each change recorded; bad data is refused at its line.

use axum::http::StatusCode;

use zhenggai_storage::audit::Entity;

use crate::util::*;

/// The years an administrator entered over the shipped calendar.
async fn entered_years(t: &TestApp) -> usize {
    zhenggai_storage::calendar::years(&t.app.db)
        .await
        .unwrap()
        .iter()
        .filter(|y| y.entered)
        .count()
}

const Y2027: &str =
    "year 2027 https://www.gov.cn/example\n2027-01-01 休 元旦\n2027-02-06 班 春节\n";

#[tokio::test]
async fn everyone_reads_the_calendar_and_only_the_system_administrator_changes_it() {
    let t = TestApp::new().await;
    for user in ["office", "finance", "leader_wang", "sysadmin"] {
        let s = t.login(user).await;
        let page = t.get(Some(&s), "/calendar?year=2024").await;
        assert_eq!(page.status, StatusCode::OK, "{user}");
        assert!(page.body.contains(r#"data-date="2024-10-01""#), "{user}");
        assert!(
            page.body.contains(r#"data-date="2024-09-29""#),
            "{user}: 调休"
        );
        assert_eq!(
            page.body.contains(r#"name="notice""#),
            user == "sysadmin",
            "{user}: only the system administrator gets the form"
        );
    }
    // Business roles and the other administrators may not change it.
    for user in ["office", "leader_wang", "secadmin", "auditadmin"] {
        let s = t.login(user).await;
        let r = t
            .post(
                Some(&s),
                "/calendar",
                &[("notice", Y2027), ("year", "2027"), ("version", "0")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
    }
    assert_eq!(entered_years(&t).await, 0);

    let sys = t.login("sysadmin").await;
    let page = t.get(Some(&sys), "/calendar?year=2027").await;
    assert!(
        page.body.contains("data-no-notice"),
        "2027 has no notice yet"
    );
    let r = t
        .post(
            Some(&sys),
            "/calendar",
            &[("notice", Y2027), ("year", "2027"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(r.location(), "/calendar?year=2027");
    let page = t.get(Some(&sys), "/calendar?year=2027").await;
    assert!(page.body.contains(r#"data-date="2027-02-06""#));
    assert_eq!(
        t.audit_entries_of(Entity::CalendarYear)
            .await
            .iter()
            .filter(|e| e.action == "create")
            .count(),
        1
    );
    // A correction states the version it read; a stale one is refused, not applied.
    let corrected = format!("{Y2027}2027-01-02 休 元旦\n");
    let r = t
        .post(
            Some(&sys),
            "/calendar",
            &[("notice", &corrected), ("year", "2027"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let r = t
        .post(
            Some(&sys),
            "/calendar",
            &[("notice", Y2027), ("year", "2027"), ("version", "1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(t.audit_entries_of(Entity::CalendarYear).await.len(), 2);
}

#[tokio::test]
async fn bad_calendar_data_is_refused_at_its_line_and_nothing_is_saved() {
    let t = TestApp::new().await;
    let sys = t.login("sysadmin").await;
    let bad = "year 2027 https://www.gov.cn/example\n2027-01-01 休 元旦\n2027-13-01 休 元旦\n";
    let r = t
        .post(
            Some(&sys),
            "/calendar",
            &[("notice", bad), ("year", "2027"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains("第3行"), "{}", r.body);
    assert!(
        r.body.contains("2027-13-01"),
        "the draft is kept: {}",
        r.body
    );
    let r = t
        .post(
            Some(&sys),
            "/calendar",
            &[("notice", "  "), ("year", "2027"), ("version", "0")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(entered_years(&t).await, 0);
}

/// A year further ahead than anything published (2062 typed for 2026) is refused at
/// the notice, saying which year may be entered at most; nothing is saved.
#[tokio::test]
async fn a_year_not_yet_published_is_refused() {
    let t = TestApp::new().await;
    let sys = t.login("sysadmin").await;
    let r = t
        .post(
            Some(&sys),
            "/calendar",
            &[
                (
                    "notice",
                    "year 2062 https://www.gov.cn/example\n2062-01-01 休 元旦\n",
                ),
                ("year", "2062"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("2062年的放假安排还没有发布"), "{}", r.body);
    assert_eq!(entered_years(&t).await, 0);
}

/// Tester's finding 9: `/calendar?year=99999` and `=1800` showed an empty year, and
/// `=garbage` the record-number hint. A year in the address outside 1949–2100 or not a
/// number is named, with a link to this year's calendar and no form.
#[tokio::test]
async fn a_year_in_the_address_out_of_range_is_named_with_the_way_back() {
    let t = TestApp::new().await;
    let sys = t.login("sysadmin").await;
    for year in ["99999", "1800", "garbage"] {
        let page = t.get(Some(&sys), &format!("/calendar?year={year}")).await;
        assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY, "{year}");
        assert!(
            page.body
                .contains(&format!("网址中的年份“{year}”不是1949至2100年之间的年份")),
            "{year}: {}",
            page.body
        );
        assert!(page.body.contains("href=\"/calendar\""), "{}", page.body);
        assert!(!page.body.contains("<form"), "{year}: {}", page.body);
    }
    assert_eq!(
        t.get(Some(&sys), "/calendar?year=").await.status,
        StatusCode::OK
    );
}
