//! 三色预警: a fake clock walks the days up to and past a deadline; the measure turns
//! green, yellow and red on the right days and reaches the right people; the office
//! sets the rules and nobody else may.

use axum::http::StatusCode;
use chrono::{Duration, NaiveDate};
use zhenggai_domain::deadline::DeadlineKind;
use zhenggai_domain::status::MeasureState;
use zhenggai_storage::accounts::users;
use zhenggai_storage::audit::Entity;

use crate::util::*;

/// The colour a measure's row shows on the warning board, if it is listed.
fn colour_of(page: &str, measure: i64) -> Option<String> {
    let at = page.find(&format!(r#"data-measure="{measure}" data-colour=""#))?;
    let rest = &page[at..];
    let start = rest.find("data-colour=\"")? + "data-colour=\"".len();
    Some(rest[start..].split('"').next()?.to_string())
}

/// The names a recipient line of the measure's row lists.
fn reaches(page: &str, measure: i64) -> String {
    let at = page
        .find(&format!(r#"data-measure="{measure}""#))
        .unwrap_or(0);
    let row = &page[at..];
    let end = row.find("</tr>").unwrap_or(row.len());
    row[..end].to_string()
}

#[tokio::test]
async fn a_month_of_days_turns_a_measure_green_yellow_and_red_for_the_right_people() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    // The office names its Party secretary and keeps the default thresholds.
    let leader: (i64, String) = {
        let zhao = t.get_user("leader_zhao").await;
        (zhao.id.0, zhao.display_name)
    };
    let r = t
        .post(
            Some(&office),
            "/settings/warnings",
            &[
                ("green_days", "20"),
                ("yellow_days", "10"),
                ("green_to", "handler"),
                ("yellow_to", "handler"),
                ("yellow_to", "leader"),
                ("red_to", "handler"),
                ("red_to", "leader"),
                ("red_to", "secretary"),
                ("secretary", &leader.0.to_string()),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);

    // An open measure due 30 days from now, with a responsible leader.
    let after = NaiveDate::from_ymd_opt(2024, 5, 20).unwrap();
    let mut due_later: Vec<(NaiveDate, i64, String, users::User)> = Vec::new();
    for m in t.measures().await {
        let (Some(due), Some(leader)) = (m.deadline.date, &m.leader) else {
            continue;
        };
        if m.state == MeasureState::Done || m.deadline.kind != DeadlineKind::Dated || due <= after {
            continue;
        }
        if let Some(unit) = t.unit_user(m.lead_unit.id.0).await {
            due_later.push((due, m.id.0, leader.name.clone(), unit));
        }
    }
    due_later.sort_by_key(|(due, id, _, _)| (*due, *id));
    let (due, measure, leader_name, unit) = due_later.swap_remove(0);
    let handler_name = unit.display_name;
    let unit_user = unit.username;
    let days_to_walk = (due - today()).num_days() + 5;
    let mut seen = Vec::new();
    for day in 0..=days_to_walk {
        let now = today() + Duration::days(day);
        let left = (due - now).num_days();
        let expected = match left {
            l if l < 0 => Some("red"),
            0..=10 => Some("yellow"),
            11..=20 => Some("green"),
            _ => None,
        };
        // A day later the sessions have expired: each day starts with a sign-in.
        let office = t.login("office").await;
        let unit = t.login(&unit_user).await;
        let page = t.get(Some(&office), "/warnings").await;
        assert_eq!(page.status, StatusCode::OK);
        assert!(!page.body.contains("class=\"pager\""), "all on one page");
        assert_eq!(
            colour_of(&page.body, measure).as_deref(),
            expected,
            "{now}, {left} days left"
        );
        if let Some(colour) = expected {
            let row = reaches(&page.body, measure);
            assert!(
                row.contains(&handler_name),
                "{now}: the lead unit is warned"
            );
            assert_eq!(
                row.contains(&format!("分管领导：{leader_name}")),
                colour != "green",
                "{now}: {row}"
            );
            assert_eq!(
                row.contains(&format!("党委书记：{}", leader.1)),
                colour == "red",
                "{now}: {row}"
            );
            if colour == "red" {
                assert!(row.contains("个工作日"), "{now}: overdue in working days");
            }
            // The unit sees its own measure's warning too.
            let own = t.get(Some(&unit), "/warnings").await;
            assert_eq!(
                colour_of(&own.body, measure).as_deref(),
                Some(colour),
                "{now}"
            );
            if seen.last() != Some(&colour) {
                seen.push(colour);
            }
        }
        t.advance(Duration::days(1));
    }
    assert_eq!(seen, ["green", "yellow", "red"]);
}

#[tokio::test]
async fn only_the_office_sets_the_warning_rules_and_bad_rules_are_refused() {
    let t = TestApp::new().await;
    for user in ["finance", "leader_wang", "jijian"] {
        let s = t.login(user).await;
        assert_eq!(
            t.get(Some(&s), "/settings/warnings").await.status,
            StatusCode::FORBIDDEN,
            "{user}"
        );
        let r = t
            .post(
                Some(&s),
                "/settings/warnings",
                &[("green_days", "30"), ("yellow_days", "5"), ("version", "0")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}");
    }
    let sys = t.login("sysadmin").await;
    assert_eq!(
        t.get(Some(&sys), "/warnings").await.status,
        StatusCode::FORBIDDEN
    );
    let office = t.login("office").await;
    // Yellow must come after green; red may not reach fewer people than yellow.
    let r = t
        .post(
            Some(&office),
            "/settings/warnings",
            &[
                ("green_days", "10"),
                ("yellow_days", "10"),
                ("green_to", "handler"),
                ("yellow_to", "handler"),
                ("yellow_to", "leader"),
                ("red_to", "secretary"),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"data-field="yellow_days""#), "{}", r.body);
    assert!(r.body.contains(r#"data-field="red_to""#), "{}", r.body);
    // Nothing saved: the demo's own rules (naming its Party secretary) alone.
    assert_eq!(t.rows_in("warning_rules").await, 1);
    // A user who is not one of the organisation's leaders cannot be its secretary.
    let finance: i64 = t.user("finance").await;
    let r = t
        .post(
            Some(&office),
            "/settings/warnings",
            &[
                ("green_days", "30"),
                ("yellow_days", "5"),
                ("green_to", "handler"),
                ("yellow_to", "handler"),
                ("red_to", "handler"),
                ("secretary", &finance.to_string()),
                ("version", "0"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"data-field="secretary""#));
    // Good rules are saved and recorded.
    let r = t
        .post(
            Some(&office),
            "/settings/warnings",
            &[
                ("green_days", "30"),
                ("yellow_days", "5"),
                ("green_to", "handler"),
                ("yellow_to", "handler"),
                ("red_to", "handler"),
                ("version", "1"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    // The board states the rules its colours follow: the office's own; for the upper
    // level, each organisation's below it, by name, not its own defaults.
    let rules_line = |body: &str| -> Vec<String> {
        body.split(r#"<p class="hint rules-now""#)
            .skip(1)
            .map(|p| p.split("</p>").next().unwrap_or_default().to_string())
            .collect()
    };
    let page = t.get(Some(&office), "/warnings").await;
    let lines = rules_line(&page.body);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("截止前 30天") && lines[0].contains("截止前 5天"),
        "{lines:?}"
    );
    assert!(!lines[0].contains("报社"), "one organisation needs no name");
    let upper = t.login("xunchaban").await;
    let lines = rules_line(&t.get(Some(&upper), "/warnings").await.body);
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(
        lines[0].contains("（报社）") && lines[0].contains("截止前 30天"),
        "not the upper level's own defaults (20 days): {lines:?}"
    );
    // The demo's rules, then the office's change.
    assert_eq!(t.audit_entries_of(Entity::WarningRules).await.len(), 2);
}

#[tokio::test]
async fn the_bell_counts_a_persons_own_notifications_and_only_they_mark_them_read() {
    let t = TestApp::new().await;
    // A working day on which the demo has warnings.
    t.ring_bells().await;
    let finance = t.login("finance").await;
    let page = t.get(Some(&finance), "/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    let unread = t.notifications_of("finance").await.len();
    assert!(unread > 0, "the finance unit has warnings");
    assert!(
        page.body
            .contains(&format!(r#"id="unread-count">{unread}<"#)),
        "the bell shows {unread}"
    );
    let id = t
        .notifications_of("finance")
        .await
        .iter()
        .map(|n| n.id)
        .min()
        .unwrap()
        .to_string();
    // Another person marks nothing of finance's.
    let hr = t.login("hr").await;
    let r = t
        .post(Some(&hr), "/notifications/read", &[("id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(
        t.notifications_of("finance")
            .await
            .iter()
            .filter(|n| n.id.to_string() == id && !n.read)
            .count(),
        1
    );
    assert!(
        !t.get(Some(&hr), "/notifications")
            .await
            .body
            .contains(&format!(r#"data-notification="{id}""#))
    );
    let r = t
        .post(Some(&finance), "/notifications/read", &[("id", &id)])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let page = t.get(Some(&finance), "/notifications").await;
    assert!(
        page.body
            .contains(&format!(r#"id="unread-count">{}<"#, unread - 1))
    );
    let r = t.post(Some(&finance), "/notifications/read", &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(
        !t.get(Some(&finance), "/notifications")
            .await
            .body
            .contains("unread-count")
    );
}

#[tokio::test]
async fn the_api_gives_each_person_their_own_bell_and_marks_only_theirs() {
    let t = TestApp::new().await;
    t.ring_bells().await;
    let finance = t.token("finance").await;
    let hr = t.token("hr").await;
    let mine = t.api(&finance, "GET", "/api/v1/notifications", None).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    let mine = mine.json();
    let own = t.notifications_of("finance").await.len() as i64;
    assert!(own > 0);
    assert_eq!(mine["unread"], own);
    let items = mine["items"].as_array().unwrap();
    assert_eq!(items.len() as i64, own);
    let id = items[0]["id"].as_i64().unwrap();
    // Another person's mark touches nothing of finance's, and they do not see it.
    let theirs = t
        .api(&hr, "GET", "/api/v1/notifications", None)
        .await
        .json();
    assert!(
        theirs["items"]
            .as_array()
            .unwrap()
            .iter()
            .all(|n| n["id"] != id)
    );
    let r = t
        .api(
            &hr,
            "POST",
            "/api/v1/notifications/read",
            Some(serde_json::json!({ "id": id })),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["marked"], 0);
    // The owner marks one, then the rest.
    let r = t
        .api(
            &finance,
            "POST",
            "/api/v1/notifications/read",
            Some(serde_json::json!({ "id": id })),
        )
        .await;
    assert_eq!(r.json()["marked"], 1);
    let r = t
        .api(
            &finance,
            "POST",
            "/api/v1/notifications/read",
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(r.json()["marked"], own - 1);
    let after = t
        .api(&finance, "GET", "/api/v1/notifications", None)
        .await
        .json();
    assert_eq!(after["unread"], 0);
    // Without a token: refused.
    let r = t
        .api("not-a-token", "GET", "/api/v1/notifications", None)
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // A body that is not the right shape: a clear 400.
    let r = t
        .api(
            &finance,
            "POST",
            "/api/v1/notifications/read",
            Some(serde_json::json!({ "id": "first" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn the_office_climbs_the_escalation_ladder_one_notice_at_a_time() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    // An overdue measure of the finance department.
    let measure = t.overdue_measure_of("财务部").await;
    assert!(measure > 0, "the demo has an overdue finance measure");
    let path = format!("/measures/{measure}/notices");
    let page = t.get(Some(&office), &format!("/measures/{measure}")).await;
    assert!(
        page.body
            .contains(r#"class="form notice-form" data-kind="supervision""#)
    );
    // A unit may not issue; the admonition may not come first.
    let finance = t.login("finance").await;
    let r = t
        .post(
            Some(&finance),
            &path,
            &[("kind", "supervision"), ("content", "请加快")],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = t
        .post(
            Some(&office),
            &path,
            &[
                ("kind", "admonition"),
                ("final_deadline", "2024-05-10"),
                ("content", "告诫"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"data-field="kind""#), "{}", r.body);
    for (kind, deadline) in [("supervision", ""), ("reminder", "")] {
        let r = t
            .post(
                Some(&office),
                &path,
                &[
                    ("kind", kind),
                    ("final_deadline", deadline),
                    ("content", "请加快推进整改"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{kind}: {}", r.body);
    }
    // The admonition states a final deadline after today.
    let r = t
        .post(
            Some(&office),
            &path,
            &[
                ("kind", "admonition"),
                ("final_deadline", ""),
                ("content", "告诫"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.body.contains(r#"data-field="final_deadline""#));
    let r = t
        .post(
            Some(&office),
            &path,
            &[
                ("kind", "admonition"),
                ("final_deadline", "2024-05-10"),
                ("content", "限期整改"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let printed = t.get(Some(&office), r.location()).await;
    assert!(
        printed.body.contains("告诫书") && printed.body.contains("督诫〔2024〕1号"),
        "{}",
        printed.body
    );
    assert!(printed.body.contains("2024-05-10"));
    // The unit reads its own notice; a unit that does not see the measure does not see
    // its notices either.
    assert_eq!(
        t.get(Some(&finance), r.location()).await.status,
        StatusCode::OK
    );
    let mut refused = 0;
    for user in [
        "hr",
        "newmedia",
        "party",
        "business",
        "logistics",
        "newsroom",
    ] {
        let s = t.login(user).await;
        let sees_measure = t
            .get(Some(&s), &format!("/measures/{measure}"))
            .await
            .status;
        let sees_notice = t.get(Some(&s), r.location()).await.status;
        assert_eq!(sees_notice, sees_measure, "{user}");
        if sees_notice == StatusCode::NOT_FOUND {
            refused += 1;
        }
    }
    assert!(refused > 0, "some unit does not see the finance measure");
    let r = t
        .post(
            Some(&office),
            &path,
            &[("kind", "accountability"), ("content", "建议问责")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The ladder is climbed: nothing more is offered, and a fifth is refused.
    let page = t.get(Some(&office), &format!("/measures/{measure}")).await;
    assert!(!page.body.contains("notice-form"));
    assert_eq!(
        page.body.matches("data-kind=").count(),
        4,
        "four notices listed"
    );
    let r = t
        .post(
            Some(&office),
            &path,
            &[("kind", "supervision"), ("content", "再次督办")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(t.audit_entries_of(Entity::EscalationNotice).await.len(), 4);
}

/// The office sets how often long-term measures must report progress: the ledgers
/// mark those that have gone longer without it, by the organisation's interval, and a
/// measure's page says by when its next progress is due; an interval out of range is
/// refused at its field with nothing stored.
#[tokio::test]
async fn long_term_measures_are_marked_by_the_organisations_own_interval() {
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let long_term = t
        .measures()
        .await
        .iter()
        .find(|m| m.deadline.kind == DeadlineKind::LongTerm)
        .unwrap()
        .id
        .0;
    let page = format!("/measures/{long_term}");
    // "应于YYYY-MM-DD前报送进展（每N天一次）": the day, and the interval.
    let review = |body: &str| -> (NaiveDate, String) {
        let at = body
            .find("前报送进展（每")
            .expect("the page says when progress is due");
        let day = NaiveDate::parse_from_str(&body[at - 10..at], "%Y-%m-%d").unwrap();
        let every = body[at..]
            .split('（')
            .nth(1)
            .unwrap()
            .split('）')
            .next()
            .unwrap();
        (day, every.to_string())
    };
    let (by_default, every) = review(&t.get(Some(&office), &page).await.body);
    assert_eq!(every, "每90天一次");
    assert!(
        by_default > today(),
        "the demo's measure reported within 90 days"
    );
    let stale = |body: &str| body.matches("未报进展").count() + body.matches("尚无进展").count();
    let before = t
        .get(Some(&office), "/measures?status=long_term&per_page=200")
        .await;
    let listed = before.body.matches("<tr>").count();
    let before_home = t.get(Some(&office), "/").await;
    assert!(listed > 1, "the demo has long-term measures");
    let rules = |days: &'static str, version: &'static str| {
        vec![
            ("green_days", "20"),
            ("yellow_days", "10"),
            ("green_to", "handler"),
            ("yellow_to", "handler"),
            ("red_to", "handler"),
            ("long_term_days", days),
            ("version", version),
        ]
    };
    let refused = t
        .post(Some(&office), "/settings/warnings", &rules("3", "0"))
        .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(refused.body.contains(r#"data-field="long_term_days""#));
    assert_eq!(t.rows_in("warning_rules").await, 1);

    let saved = t
        .post(Some(&office), "/settings/warnings", &rules("7", "1"))
        .await;
    assert_eq!(saved.status, StatusCode::SEE_OTHER, "{}", saved.body);
    let weekly = t
        .get(Some(&office), "/measures?status=long_term&per_page=200")
        .await;
    assert_eq!(
        stale(&weekly.body),
        weekly.body.matches("<tr>").count() - 1,
        "every long-term measure of the demo has gone a week without progress"
    );
    assert!(stale(&weekly.body) > stale(&before.body));
    // The home page counts them, linking to the list's own filter, which finds exactly
    // those and offers itself by name.
    let home = t.get(Some(&office), "/").await;
    assert!(
        home.body.contains(&format!(
            r#"href="/measures?status=review_due" data-status="review_due"><b>{}</b>"#,
            stale(&weekly.body)
        )),
        "{}",
        home.body
    );
    assert!(
        !before_home.body.contains(r#"data-status="review_due""#),
        "no tile while none is due"
    );
    let due = t
        .get(Some(&office), "/measures?status=review_due&per_page=200")
        .await;
    assert_eq!(due.body.matches("<tr>").count() - 1, stale(&weekly.body));
    assert!(
        due.body
            .contains(r#"<option value="review_due" selected>长期坚持·待报进展</option>"#),
        "{}",
        due.body
    );
    // Its page: due 83 days sooner, and already past.
    let shown = t.get(Some(&office), &page).await;
    let (by_week, every) = review(&shown.body);
    assert_eq!((by_default - by_week).num_days(), 83);
    assert_eq!(every, "每7天一次");
    assert!(by_week < today());
    assert!(shown.body.contains("未报进展"));
    let en = Session {
        cookie: format!("{}; zg_lang=en", office.cookie),
        csrf: office.csrf.clone(),
    };
    let english = t.get(Some(&en), &page).await;
    assert!(
        english
            .body
            .contains(&format!("Progress due by {by_week} (every 7 days)")),
        "{}",
        english.body
    );
    let api = t
        .api(
            &t.token("office").await,
            "GET",
            &format!("/api/v1/measures/{long_term}"),
            None,
        )
        .await;
    assert_eq!(api.json()["review"]["by"], by_week.to_string());
    assert_eq!(api.json()["review"]["every_days"], 7);
    let settings = t.get(Some(&office), "/settings/warnings").await;
    assert!(
        settings
            .body
            .contains(r#"name="long_term_days" min="7" max="366" value="7""#)
    );
}

/// 督办 presses a measure that lags: on one done or on schedule the page offers no
/// notice and a notice sent anyway is refused at its kind, saying why; an admonition's
/// final deadline is a last chance, not a date years ahead (the outside tester's 2100).
#[tokio::test]
async fn notices_press_only_a_lagging_measure_and_a_final_deadline_is_near() {
    use zhenggai_domain::status::Standing;
    let t = TestApp::new().await;
    let office = t.login("office").await;
    let measures = t.measures().await;
    let on_schedule = measures
        .iter()
        .find(|m| m.standing == Standing::NotDue)
        .expect("the demo has a measure not yet due")
        .id
        .0;
    let done = measures
        .iter()
        .find(|m| m.state == MeasureState::Done)
        .expect("the demo has a measure done")
        .id
        .0;
    for (id, words) in [(on_schedule, "不需要督办"), (done, "无需督办")] {
        let page = t.get(Some(&office), &format!("/measures/{id}")).await;
        assert!(!page.body.contains("notice-form"), "{}", page.body);
        let r = t
            .post(
                Some(&office),
                &format!("/measures/{id}/notices"),
                &[("kind", "supervision"), ("content", "请加快推进")],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert!(r.body.contains(r#"data-field="kind""#), "{}", r.body);
        assert!(r.body.contains(words), "{}", r.body);
    }
    assert!(
        t.audit_entries_of(Entity::EscalationNotice)
            .await
            .is_empty(),
        "nothing was issued"
    );

    let lagging = t.overdue_measure_of("财务部").await;
    let path = format!("/api/v1/measures/{lagging}/notices");
    let token = t.token("office").await;
    for kind in ["supervision", "reminder"] {
        let r = t
            .api(
                &token,
                "POST",
                &path,
                Some(serde_json::json!({"kind": kind, "content": "请加快"})),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{kind}: {}", r.body);
    }
    let r = t
        .api(
            &token,
            "POST",
            &path,
            Some(serde_json::json!({"kind": "admonition", "final_deadline": "2100-01-01", "content": "限期整改"})),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(
        r.json()["fields"][0]["field"],
        "final_deadline",
        "{}",
        r.body
    );
    assert!(r.body.contains("核对年份"), "{}", r.body);
}

/// The board lists a page at a time with the lists' pager; a bad page number is said
/// above the board and left out; the API pages the same way and refuses what the
/// board does not take.
#[tokio::test]
async fn the_board_pages_like_the_lists_on_the_page_and_in_the_api() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let whole = t.get(Some(&s), "/warnings?per_page=200").await;
    let all = whole.body.matches("<tr data-measure=").count();
    assert!(all > 4, "the demo has {all} warned measures");
    let first = t.get(Some(&s), "/warnings?per_page=2").await;
    assert_eq!(first.status, StatusCode::OK);
    assert_eq!(first.body.matches("<tr data-measure=").count(), 2);
    let pages = all.div_ceil(2);
    assert!(
        first.body.contains(&format!("1 / {pages}")),
        "{}",
        first.body
    );
    assert!(first.body.contains("/warnings?per_page=2&#38;page=2"));
    let last = t
        .get(Some(&s), &format!("/warnings?per_page=2&page={pages}"))
        .await;
    assert_eq!(last.body.matches("<tr data-measure=").count(), 2 - all % 2);
    let beyond = t
        .get(
            Some(&s),
            &format!("/warnings?per_page=2&page={}", pages + 1),
        )
        .await;
    assert!(
        beyond
            .body
            .contains(&format!("没有第{}页：列表共{pages}页。", pages + 1))
    );

    let bad = t.get(Some(&s), "/warnings?page=abc").await;
    assert_eq!(bad.status, StatusCode::OK);
    assert!(bad.body.contains("id=\"filter-errors\"") && bad.body.contains("第几页"));
    assert_eq!(bad.body.matches("<tr data-measure=").count(), all.min(50));

    let token = t.token("office").await;
    let api = t
        .api(&token, "GET", "/api/v1/warnings?per_page=2&page=2", None)
        .await;
    assert_eq!(api.status, StatusCode::OK);
    let board = &api.json()["board"];
    assert_eq!(
        (board["page"].as_i64(), board["per_page"].as_i64()),
        (Some(2), Some(2))
    );
    assert_eq!(board["warned"].as_array().map(Vec::len), Some(2));
    for refused in [
        "/api/v1/warnings?page=abc",
        "/api/v1/warnings?status=overdue",
    ] {
        let r = t.api(&token, "GET", refused, None).await;
        assert!(r.status.is_client_error(), "{refused}: {}", r.status);
    }
    // Someone who may not read a board is told so, whatever page they ask for.
    let sysadmin = t.token("sysadmin").await;
    let r = t
        .api(&sysadmin, "GET", "/api/v1/warnings?page=abc", None)
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let admin = t.login("sysadmin").await;
    let page = t.get(Some(&admin), "/warnings?page=abc").await;
    assert_eq!(page.status, StatusCode::FORBIDDEN);
    assert!(!page.body.contains("filter-errors"));
}
