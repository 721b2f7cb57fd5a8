//! 整改统计 through the API (D15): the figures the speeches quote, as of a day, for
//! those who read the whole ledger; the refusals in the reader's words.

use axum::http::StatusCode;

use crate::util::*;

#[tokio::test]
async fn the_office_reads_an_inspections_figures_today_and_as_of_a_past_day() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let r = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let f = r.json();
    for key in [
        "aspects",
        "items",
        "problems",
        "measures",
        "problems_done",
        "problems_on_schedule",
        "problems_long_term",
        "problems_overdue",
        "institutions",
        "people_held_accountable",
        "money_recovered_yuan",
    ] {
        assert!(f[key].is_number(), "{key}: {}", f[key]);
    }
    assert_eq!(f["as_of"], "2024-04-25");
    assert_eq!(f["problems"], 23);
    assert_eq!(f["people_held_accountable"], 2);
    assert_eq!(f["institutions"], 3);
    assert_eq!(f["money_recovered_yuan"], 60_950.0);
    // The outcome page's counts are the same.
    let o = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/outcomes"),
            None,
        )
        .await
        .json();
    assert_eq!(f["people_held_accountable"], o["counts"]["people"]);
    assert_eq!(f["money_recovered_fen"], o["counts"]["recovered_fen"]);
    // The day before the demo's ledger was entered, there was nothing to count.
    let before = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics?as_of=2024-04-24"),
            None,
        )
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    let before = before.json();
    assert_eq!(
        (before["problems"].as_i64(), before["measures"].as_i64()),
        (Some(0), Some(0))
    );
}

#[tokio::test]
async fn a_day_ahead_or_a_date_that_does_not_read_is_refused_at_its_field() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let ahead = t
        .api(&office, "GET", "/api/v1/statistics?as_of=2024-04-26", None)
        .await;
    assert_eq!(
        ahead.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        ahead.body
    );
    let body = ahead.json();
    assert!(body.to_string().contains("as_of"), "{body}");
    assert!(
        body.to_string().contains("不能晚于今天（2024年4月25日）"),
        "{body}"
    );
    let unreadable = t
        .api(&office, "GET", "/api/v1/statistics?as_of=2024-13-01", None)
        .await;
    assert!(unreadable.status.is_client_error(), "{}", unreadable.body);
    assert!(unreadable.body.contains("as_of"), "{}", unreadable.body);
    // Each language says what a date is written as.
    for day in ["2024-13-01", "xx"] {
        let r = t
            .api(
                &office,
                "GET",
                &format!("/api/v1/statistics?as_of={day}"),
                None,
            )
            .await
            .json();
        let en = r["message_en"].as_str().unwrap_or_default();
        assert!(
            en.contains("is not a date") && en.contains("YYYY-MM-DD"),
            "{r}"
        );
    }
    let r = t
        .api(&office, "GET", "/api/v1/statistics?org=abc", None)
        .await
        .json();
    let en = r["message_en"].as_str().unwrap_or_default();
    assert!(en.contains("`org` is not a whole number"), "{r}");
    let unknown = t
        .api(&office, "GET", "/api/v1/statistics?asof=2024-04-01", None)
        .await;
    assert_eq!(unknown.status, StatusCode::BAD_REQUEST, "{}", unknown.body);
}

#[tokio::test]
async fn units_and_leaders_are_told_who_reads_the_figures_and_others_learn_nothing() {
    let t = TestApp::two_organisations().await;
    let i = t.inspection().await;
    for who in ["finance", "leader_wang"] {
        let token = t.token(who).await;
        for path in [
            format!("/api/v1/inspections/{i}/statistics"),
            "/api/v1/statistics".to_string(),
        ] {
            let r = t.api(&token, "GET", &path, None).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{who} {path}: {}", r.body);
            assert!(
                r.body.contains("整改办、纪检监督、党委书记和上级巡察办"),
                "{}",
                r.body
            );
            assert!(r.body.contains("home page"), "{}", r.body);
        }
    }
    let other = t.token("wb_office").await;
    let r = t
        .api(
            &other,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let sys = t.token("sysadmin").await;
    let r = t.api(&sys, "GET", "/api/v1/statistics", None).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
}

#[tokio::test]
async fn the_upper_level_reads_every_organisation_it_oversees_and_each_one() {
    let t = TestApp::two_organisations().await;
    let upper = t.token("xunchaban").await;
    let all = t.api(&upper, "GET", "/api/v1/statistics", None).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let all = all.json();
    let orgs = all["by_organisation"].as_array().unwrap();
    assert_eq!(orgs.len(), 2);
    assert_eq!(all["problems"], 56);
    let org = orgs[0]["org_id"].as_i64().unwrap();
    let one = t
        .api(
            &upper,
            "GET",
            &format!("/api/v1/statistics?org={org}"),
            None,
        )
        .await
        .json();
    assert_eq!(one["problems"], orgs[0]["problems"]);
    assert_eq!(one["by_organisation"].as_array().unwrap().len(), 1);
    // The office of one organisation reads its own only.
    let office = t.token("office").await;
    let own = t
        .api(&office, "GET", "/api/v1/statistics", None)
        .await
        .json();
    assert_eq!(own["problems"], 28);
}

/// The number a battle map shows for a figure (`data-figure="…"><b>N</b>`).
fn shown(body: &str, figure: &str) -> String {
    let at = body
        .find(&format!("data-figure=\"{figure}\""))
        .unwrap_or_else(|| panic!("no figure {figure}"));
    let rest = &body[at..];
    let start = rest.find("<b").unwrap();
    let start = start + rest[start..].find('>').unwrap() + 1;
    let end = start + rest[start..].find("</b>").unwrap();
    rest[start..end].to_string()
}

#[tokio::test]
async fn the_battle_map_shows_the_statistics_figures_and_every_problem() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let office = t.token("office").await;
    let f = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    let s = t.login("office").await;
    let ledger = t.get(Some(&s), &format!("/inspections/{i}")).await;
    assert!(
        ledger
            .body
            .contains(&format!("href=\"/inspections/{i}/map\""))
    );
    let page = t.get(Some(&s), &format!("/inspections/{i}/map")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    for figure in [
        "problems",
        "problems_done",
        "problems_on_schedule",
        "problems_long_term",
        "problems_overdue",
        "measures",
        "measures_done",
        "measures_overdue",
        "measures_due_soon",
        "institutions",
        "people_held_accountable",
    ] {
        assert_eq!(shown(&page.body, figure), f[figure].to_string(), "{figure}");
    }
    assert_eq!(shown(&page.body, "problems_done_percent"), "4.3%");
    // Every problem is a cell, linked to it, coloured by where it stands.
    let map = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/map"),
            None,
        )
        .await
        .json();
    let cells: Vec<&serde_json::Value> = map["rows"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|r| r["cells"].as_array().unwrap())
        .collect();
    assert_eq!(cells.len() as u64, f["problems"].as_u64().unwrap());
    for standing in ["done", "on_schedule", "long_term", "overdue"] {
        let n = cells.iter().filter(|c| c["standing"] == standing).count();
        assert_eq!(
            n as u64,
            f[format!("problems_{standing}")].as_u64().unwrap(),
            "{standing}"
        );
        assert_eq!(
            page.body
                .matches(&format!("data-standing=\"{}\"", standing.replace('_', "-")))
                .count(),
            n,
            "{standing}"
        );
    }
    for c in &cells {
        assert!(
            page.body
                .contains(&format!("href=\"/problems/{}\"", c["problem_id"]))
        );
    }
    // The burn-down ends at the problems not closed today.
    let open = f["problems"].as_u64().unwrap() - f["problems_done"].as_u64().unwrap();
    assert!(page.body.contains("<polyline points=\""), "no burn-down");
    assert!(
        page.body.contains(&format!("未完成问题：{open}")),
        "open {open}"
    );
    // Each lead unit's bar links to its part of the ledger.
    assert!(
        page.body
            .contains(&format!("href=\"/inspections/{i}?unit="))
    );
    // The big screen: no menus, refreshing itself.
    let screen = t
        .get(Some(&s), &format!("/inspections/{i}/map?screen=1"))
        .await;
    assert!(screen.body.contains("class=\"big-screen\""));
    assert!(screen.body.contains("http-equiv=\"refresh\""));
}

#[tokio::test]
async fn the_battle_map_of_a_past_day_and_a_day_refused() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    let s = t.login("office").await;
    let before = t
        .get(Some(&s), &format!("/inspections/{i}/map?as_of=2024-04-24"))
        .await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);
    assert_eq!(shown(&before.body, "problems"), "0");
    assert!(before.body.contains("value=\"2024-04-24\""));
    // It says why it is empty, and its figures lead to no list: the lists are today's.
    assert!(before.body.contains("id=\"nothing-then\""));
    assert!(!before.body.contains("status=overdue"));
    for (asked, words) in [
        ("2099-01-01", "不能晚于今天"),
        ("2024-02-30", "2024年2月没有30日"),
        ("yesterday", "日期"),
    ] {
        let r = t
            .get(Some(&s), &format!("/inspections/{i}/map?as_of={asked}"))
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{asked}");
        assert!(r.body.contains(words), "{asked}: {}", r.body);
        // Today's map meanwhile.
        assert_eq!(shown(&r.body, "problems"), "23");
    }
}

#[tokio::test]
async fn a_unit_is_told_who_reads_the_battle_map() {
    let t = TestApp::new().await;
    let i = t.inspection().await;
    for who in ["finance", "leader_wang"] {
        let s = t.login(who).await;
        let r = t.get(Some(&s), &format!("/inspections/{i}/map")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        assert!(
            r.body.contains("整改办、纪检监督、党委书记和上级巡察办"),
            "{who}: {}",
            r.body
        );
        let ledger = t.get(Some(&s), &format!("/inspections/{i}")).await;
        assert!(!ledger.body.contains("id=\"battle-map\""), "{who}");
    }
    for who in ["jijian", "secretary", "xunchaban"] {
        let s = t.login(who).await;
        let r = t.get(Some(&s), &format!("/inspections/{i}/map")).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
    }
}

#[tokio::test]
async fn the_overview_map_of_an_organisation_and_of_the_upper_level() {
    let t = TestApp::two_organisations().await;
    let s = t.login("office").await;
    let list = t.get(Some(&s), "/inspections").await;
    assert!(list.body.contains("href=\"/map\""));
    let page = t.get(Some(&s), "/map").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_eq!(shown(&page.body, "problems"), "28");
    // Each inspection's bar leads to its own map; one organisation: no organisations'
    // bars, but the lead units'.
    let i = t.inspection().await;
    assert!(
        page.body
            .contains(&format!("href=\"/inspections/{i}/map\""))
    );
    assert!(!page.body.contains("id=\"organisations\""));
    assert!(page.body.contains("id=\"units\""));
    assert!(page.body.contains("href=\"/measures?unit="));
    // Problems link to problems: the overdue problems to the inspections' bars (no list
    // over every inspection names problems), the overdue measures to their list.
    assert!(
        page.body
            .contains("href=\"#inspections\" data-figure=\"problems_overdue\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("href=\"/measures?status=overdue\" data-figure=\"measures_overdue\"")
    );
    // The upper level: both organisations, each leading to its own map.
    let upper = t.login("xunchaban").await;
    let all = t.get(Some(&upper), "/map").await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    assert_eq!(shown(&all.body, "problems"), "56");
    assert!(all.body.contains("id=\"organisations\""));
    assert!(!all.body.contains("id=\"units\""));
    let token = t.token("xunchaban").await;
    let figures = t
        .api(&token, "GET", "/api/v1/statistics", None)
        .await
        .json();
    let org = figures["by_organisation"][1]["org_id"].as_i64().unwrap();
    assert!(all.body.contains(&format!("href=\"/map?org={org}\"")));
    let one = t.get(Some(&upper), &format!("/map?org={org}")).await;
    assert_eq!(shown(&one.body, "problems"), "28");
    assert!(
        one.body
            .contains(&format!("href=\"/measures?org={org}&#38;status=overdue\""))
    );
    // As of the day before the ledgers: nothing; a day ahead: refused, today's shown.
    let before = t.get(Some(&upper), "/map?as_of=2024-04-24").await;
    assert_eq!(shown(&before.body, "problems"), "0");
    // One organisation's map is named after it, even on a day it had no inspection.
    let then = t
        .get(Some(&upper), &format!("/map?org={org}&as_of=2024-04-24"))
        .await;
    let name = figures["by_organisation"][1]["name"].as_str().unwrap();
    assert!(
        then.body.contains(&format!("<p class=\"meta\">{name} ·")),
        "{name}"
    );
    // The upper level's own organisation is not one it oversees.
    let city = t.unit("中共某市委员会").await;
    let own = t.get(Some(&upper), &format!("/map?org={city}")).await;
    assert_eq!(own.status, StatusCode::NOT_FOUND);
    let api = t
        .api(
            &token,
            "GET",
            &format!("/api/v1/statistics?org={city}"),
            None,
        )
        .await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    // The API refuses the years the pages refuse.
    let long_ago = t
        .api(&token, "GET", "/api/v1/statistics?as_of=1900-01-01", None)
        .await;
    assert_eq!(
        long_ago.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long_ago.body
    );
    let ahead = t.get(Some(&upper), "/map?as_of=2099-01-01").await;
    assert_eq!(ahead.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(shown(&ahead.body, "problems"), "56");
    // A unit is told who reads it; another organisation's office learns nothing of it.
    let finance = t.login("finance").await;
    let r = t.get(Some(&finance), "/map").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        !t.get(Some(&finance), "/inspections")
            .await
            .body
            .contains("href=\"/map\"")
    );
    let other = t.login("wb_office").await;
    let own_org = t
        .api(&t.token("office").await, "GET", "/api/v1/statistics", None)
        .await
        .json()["by_organisation"][0]["org_id"]
        .as_i64()
        .unwrap();
    let r = t.get(Some(&other), &format!("/map?org={own_org}")).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
}

/// 账龄: the figures carry open problems by days registered and overdue measures by
/// days late, in every breakdown; the battle map shows them by unit and aspect.
#[tokio::test]
async fn the_figures_and_the_map_age_what_is_open_and_overdue() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let f = t
        .api(
            &office,
            "GET",
            &format!("/api/v1/inspections/{i}/statistics"),
            None,
        )
        .await
        .json();
    let sum = |v: &serde_json::Value| {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_u64().unwrap())
            .sum::<u64>()
    };
    let open = f["problems"].as_u64().unwrap() - f["problems_done"].as_u64().unwrap();
    assert_eq!(sum(&f["problems_open_by_age"]), open);
    assert_eq!(
        sum(&f["measures_overdue_by_age"]),
        f["measures_overdue"].as_u64().unwrap()
    );
    for unit in f["by_unit"].as_array().unwrap() {
        assert_eq!(
            sum(&unit["measures_overdue_by_age"]),
            unit["measures_overdue"].as_u64().unwrap()
        );
    }
    let page = t
        .get(
            Some(&t.login("office").await),
            &format!("/inspections/{i}/map"),
        )
        .await;
    assert!(page.body.contains(r#"id="ageing""#));
    let lagging = f["by_unit"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["measures_overdue"].as_u64().unwrap() > 0)
        .unwrap();
    assert!(
        page.body
            .contains(&format!(r#"data-ageing-unit="{}""#, lagging["id"])),
        "a unit with overdue measures has its row"
    );
}

/// The number on the home tile leading to the measures of `status`.
fn tile(body: &str, status: &str) -> i64 {
    let link = format!("href=\"/measures?status={status}\"");
    let at = body
        .find(&link)
        .unwrap_or_else(|| panic!("no tile {status}"));
    let rest = &body[at + link.len()..];
    let start = rest.find("<b>").unwrap() + 3;
    let end = rest.find("</b>").unwrap();
    rest[start..end].parse().unwrap()
}

/// What the home tiles, the measure lists behind them and the warning board count, set
/// against the statistics module's figures for the same reader; the figures overdue and
/// due soon.
async fn agree(t: &TestApp, who: &str) -> (i64, i64) {
    let token = &t.token(who).await;
    let f = t.api(token, "GET", "/api/v1/statistics", None).await;
    assert_eq!(f.status, StatusCode::OK, "{who}: {}", f.body);
    let f = f.json();
    let listed = async |status: &str| {
        let r = t
            .api(
                token,
                "GET",
                &format!("/api/v1/measures?status={status}&per_page=1"),
                None,
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{who} {status}: {}", r.body);
        r.json()["total"].as_i64().unwrap()
    };
    let day = f["as_of"].clone();
    let figure = |key: &str| f[key].as_i64().unwrap();
    for (status, figure) in [
        ("overdue", figure("measures_overdue")),
        ("due_soon", figure("measures_due_soon")),
        ("done", figure("measures_done")),
        ("open", figure("measures") - figure("measures_done")),
    ] {
        assert_eq!(listed(status).await, figure, "{who} on {day}: {status}");
    }
    let board = t.api(token, "GET", "/api/v1/warnings", None).await.json();
    let red = board["board"]["counts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c[0] == "red")
        .map_or(0, |c| c[1].as_i64().unwrap());
    assert_eq!(red, figure("measures_overdue"), "{who} on {day}: red");
    let home = t.get(Some(&t.login(who).await), "/").await;
    for (status, figure) in [
        ("overdue", figure("measures_overdue")),
        ("due_soon", figure("measures_due_soon")),
        ("done", figure("measures_done")),
        ("open", figure("measures") - figure("measures_done")),
    ] {
        assert_eq!(
            tile(&home.body, status),
            figure,
            "{who} on {day}: tile {status}"
        );
    }
    (figure("measures_overdue"), figure("measures_due_soon"))
}

#[tokio::test]
async fn the_home_tiles_the_lists_and_the_warning_board_count_as_the_figures_do() {
    let t = TestApp::two_organisations().await;
    // Day by day across the demo's deadlines: measures turn due soon, then overdue.
    let mut seen = (0, 0);
    for _ in 0..8 {
        let (overdue, due_soon) = agree(&t, "office").await;
        agree(&t, "xunchaban").await;
        agree(&t, "secretary").await;
        agree(&t, "jijian").await;
        seen = (seen.0.max(overdue), seen.1.max(due_soon));
        t.advance(chrono::Duration::days(23));
    }
    assert!(seen.0 > 0 && seen.1 > 0, "{seen:?}");
}

/// Outside tester: a past day's map led to today's maps and lists (its bars, its big
/// screen button, its language switch), and the big screen of a past day showed today.
/// They keep the day now, and the lists, which show today only, are not linked.
#[tokio::test]
async fn a_past_days_map_leads_to_the_same_day_and_its_big_screen_shows_it() {
    let t = TestApp::two_organisations().await;
    t.advance(chrono::Duration::days(2));
    let day = "2024-04-25";
    let upper = t.login("xunchaban").await;
    let page = t.get(Some(&upper), &format!("/map?as_of={day}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains(&format!("<b id=\"day\">{day}</b>")));
    assert!(
        page.body.contains(&format!("/map?as_of={day}\"")),
        "the inspections' bars lead to their maps of the day"
    );
    assert!(page.body.contains(&format!("&#38;as_of={day}\"")));
    assert!(
        page.body
            .contains(&format!("href=\"/map?as_of={day}&#38;screen=1\"")),
        "the big screen of the same day"
    );
    assert!(
        page.body
            .contains(&format!("/lang/en?back=%2Fmap%3Fas_of%3D{day}")),
        "the language switch comes back to the day"
    );
    let screen = t
        .get(Some(&upper), &format!("/map?as_of={day}&screen=1"))
        .await;
    assert!(screen.body.contains("class=\"big-screen\""));
    assert!(screen.body.contains(&format!("<b id=\"day\">{day}</b>")));
    assert!(screen.body.contains(&format!("href=\"/map?as_of={day}\"")));
    // The office's map of the day: the units' bars link to no list, today's do.
    let office = t.login("office").await;
    let then = t.get(Some(&office), &format!("/map?as_of={day}")).await;
    assert!(then.body.contains("data-bar="), "{}", then.body);
    assert!(!then.body.contains("lead_only=1"));
    assert!(
        t.get(Some(&office), "/map")
            .await
            .body
            .contains("lead_only=1")
    );
    // An inspection's map of the day and its big screen.
    let i = t.inspection().await;
    let map = t
        .get(Some(&office), &format!("/inspections/{i}/map?as_of={day}"))
        .await;
    assert!(
        map.body
            .contains(&format!("/inspections/{i}/map?screen=1&amp;as_of={day}"))
    );
    assert!(!map.body.contains("lead_only=1"));
    let screen = t
        .get(
            Some(&office),
            &format!("/inspections/{i}/map?as_of={day}&screen=1"),
        )
        .await;
    assert!(screen.body.contains("class=\"big-screen\""));
    assert!(screen.body.contains(&format!("value=\"{day}\"")));
    assert!(
        screen
            .body
            .contains(&format!("href=\"/inspections/{i}/map?as_of={day}\""))
    );
}
