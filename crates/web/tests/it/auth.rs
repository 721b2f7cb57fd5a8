//! Logging in, lockout, idle sessions, CSRF on every form, the language switch.

use axum::http::{StatusCode, header};
use chrono::Duration;

use zhenggai_domain::lifecycle::ProblemState;

use crate::util::*;

#[tokio::test]
async fn login_sets_an_http_only_same_site_session_and_logout_ends_it() {
    let t = TestApp::new().await;
    let r = t.submit_login("office", PASSWORD, "/inspections").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.location(), "/inspections");
    let cookie = r
        .headers
        .get(header::SET_COOKIE)
        .unwrap()
        .to_str()
        .unwrap()
        .to_string();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );
    let session = Session {
        cookie: cookie.split(';').next().unwrap().to_string(),
        csrf: String::new(),
    };
    let home = t.get(Some(&session), "/").await;
    assert_eq!(home.status, StatusCode::OK);
    assert!(home.body.contains("李明"));
    let csrf = home.field("csrf");
    let session = Session { csrf, ..session };
    assert_eq!(
        t.post(Some(&session), "/logout", &[]).await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(
        t.get(Some(&session), "/").await.status,
        StatusCode::SEE_OTHER,
        "the session outlived logout"
    );
}

#[tokio::test]
async fn a_login_elsewhere_is_refused_as_next() {
    let t = TestApp::new().await;
    let r = t
        .submit_login("office", PASSWORD, "https://evil.example/")
        .await;
    assert_eq!(r.location(), "/");
}

#[tokio::test]
async fn repeated_failures_lock_the_account_for_a_while() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        let r = t.submit_login("finance", "wrong-password", "/").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let locked = t.submit_login("finance", PASSWORD, "/").await;
    assert_eq!(
        locked.status,
        StatusCode::UNAUTHORIZED,
        "the right password opened a locked account"
    );
    assert!(locked.body.contains("锁定"));
    // Locked there, not everywhere: the owner's own desk still logs in.
    let elsewhere = t
        .submit_login_from("10.9.9.9", "finance", PASSWORD, "/")
        .await;
    assert_eq!(elsewhere.status, StatusCode::SEE_OTHER);
    t.advance(Duration::minutes(16));
    let r = t.submit_login("finance", PASSWORD, "/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
}

/// The login page's words, without its one-time token and the name typed in.
fn login_words(body: &str, username: &str) -> String {
    let token = body
        .split("name=\"login_csrf\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or("");
    body.replace(token, "TOKEN")
        .replace(&format!("value=\"{username}\""), "NAME")
}

#[tokio::test]
async fn a_wrong_password_an_unknown_name_a_locked_and_a_disabled_account_get_the_same_answer() {
    let t = TestApp::new().await;
    for _ in 0..5 {
        t.submit_login_from("10.2.2.2", "hr", "wrong-password", "/")
            .await;
    }
    let sec = t.login("secadmin").await;
    let admin_page = t.get(Some(&sec), "/admin/users").await;
    let jijian = t.get_user("jijian").await;
    let r = t
        .post(
            Some(&sec),
            &format!("/admin/users/{}/disabled", jijian.id.0),
            &[
                ("disabled", "1"),
                ("version", &jijian.version.to_string()),
                ("reason", "调离"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", admin_page.body);
    let mut answers = Vec::new();
    for (name, password) in [
        ("finance", "wrong-password"),
        ("nobody-here", "wrong-password"),
        ("hr", PASSWORD),
        ("jijian", PASSWORD),
    ] {
        let r = t.submit_login_from("10.2.2.2", name, password, "/").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{name}");
        answers.push(login_words(&r.body, name));
    }
    assert!(answers.iter().all(|a| *a == answers[0]), "{answers:#?}");
    assert!(answers[0].contains("用户名或密码不正确"));
}

#[tokio::test]
async fn one_address_guessing_many_names_is_throttled_there_only() {
    let t = TestApp::new().await;
    // Password spraying: one guess per name, never enough to lock any one account.
    let names = ["office", "finance", "hr", "leader_wang", "jijian"];
    for round in 0..4 {
        for name in names {
            let r = t
                .submit_login_from("198.51.100.7", name, &format!("Spray-{round}-guess"), "/")
                .await;
            assert_eq!(r.status, StatusCode::UNAUTHORIZED);
        }
    }
    let r = t
        .submit_login_from("198.51.100.7", "sysadmin", PASSWORD, "/")
        .await;
    assert_eq!(
        r.status,
        StatusCode::UNAUTHORIZED,
        "the address used up its window"
    );
    let r = t
        .submit_login_from("10.1.1.30", "sysadmin", PASSWORD, "/")
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "another address is not");
}

#[tokio::test]
async fn parallel_guesses_through_the_login_form_do_not_open_the_account() {
    let t = std::sync::Arc::new(TestApp::new().await);
    let guesses: Vec<_> = (0..16)
        .map(|i| {
            let t = t.clone();
            tokio::spawn(async move {
                t.submit_login_from("203.0.113.50", "finance", &format!("Guess-{i}-wrong"), "/")
                    .await
                    .status
            })
        })
        .collect();
    for g in guesses {
        assert_eq!(g.await.unwrap(), StatusCode::UNAUTHORIZED);
    }
    let r = t
        .submit_login_from("203.0.113.50", "finance", PASSWORD, "/")
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "locked there");
}

#[tokio::test]
async fn the_login_form_refuses_a_post_without_its_own_token() {
    let t = TestApp::new().await;
    // A page elsewhere posting the form: no token, or a token without its cookie.
    for fields in [
        vec![("username", "office"), ("password", PASSWORD)],
        vec![
            ("username", "office"),
            ("password", PASSWORD),
            ("login_csrf", "0123456789abcdef"),
        ],
    ] {
        let r = t.post(None, "/login", &fields).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN);
        assert!(r.body.contains("登录页面已过期"), "{}", r.body);
        assert!(
            r.headers.get(header::SET_COOKIE).is_none()
                || !r
                    .headers
                    .get(header::SET_COOKIE)
                    .unwrap()
                    .to_str()
                    .unwrap()
                    .starts_with("zg_session=")
        );
    }
}

#[tokio::test]
async fn an_idle_session_ends_its_timeout_after_the_last_request_not_earlier() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    t.advance(Duration::seconds(50));
    assert_eq!(t.get(Some(&s), "/").await.status, StatusCode::OK);
    t.advance(Duration::minutes(29) + Duration::seconds(40));
    assert_eq!(
        t.get(Some(&s), "/").await.status,
        StatusCode::OK,
        "29 min 40 s after the last request"
    );
}

#[tokio::test]
async fn an_idle_session_expires() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    t.advance(Duration::minutes(20));
    assert_eq!(t.get(Some(&s), "/").await.status, StatusCode::OK);
    t.advance(Duration::minutes(20));
    assert_eq!(
        t.get(Some(&s), "/").await.status,
        StatusCode::OK,
        "use keeps a session alive"
    );
    t.advance(Duration::minutes(31));
    let r = t.get(Some(&s), "/").await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert!(r.location().starts_with("/login"));
}

#[tokio::test]
async fn every_form_refuses_a_missing_or_wrong_csrf_token() {
    let t = TestApp::new().await;
    let inspection = t.inspection().await;
    let problem = t.problem("多头开设银行账户").await;
    let measure = t.measure(FINANCE_LEAD).await;
    let forms = [
        ("office", "/logout".to_string()),
        ("office", "/password".to_string()),
        ("office", "/inspections".to_string()),
        ("office", format!("/inspections/{inspection}/edit")),
        ("office", format!("/inspections/{inspection}/aspects")),
        ("office", format!("/inspections/{inspection}/problems")),
        ("office", format!("/problems/{problem}/edit")),
        ("office", format!("/problems/{problem}/measures")),
        ("office", format!("/measures/{measure}/edit")),
        ("office", "/tokens".to_string()),
        ("office", format!("/inspections/{inspection}/items")),
        ("office", "/aspects/1/edit".to_string()),
        ("office", format!("/problems/{problem}/withdraw")),
        ("office", format!("/problems/{problem}/step")),
        ("office", format!("/inspections/{inspection}/outcomes")),
        ("office", format!("/inspections/{inspection}/lookbacks")),
        ("office", format!("/inspections/{inspection}/file-plan")),
        ("office", format!("/measures/{measure}/withdraw")),
        ("office", "/settings/closure".to_string()),
        ("sysadmin", "/calendar".to_string()),
        ("office", "/settings/warnings".to_string()),
        ("finance", "/notifications/read".to_string()),
        ("finance", "/notifications/email".to_string()),
        ("office", "/settings/channels".to_string()),
        ("office", format!("/measures/{measure}/notices")),
        ("office", format!("/measures/{measure}/milestones")),
        ("office", format!("/measures/{measure}/milestones/1")),
        ("finance", "/weekly".to_string()),
        ("office", "/weekly/rule".to_string()),
        ("office", "/supervision/rounds".to_string()),
        ("office", "/supervision/hearings".to_string()),
        ("office", format!("/inspections/{inspection}/import")),
        ("office", format!("/inspections/{inspection}/import/commit")),
        ("sysadmin", "/admin/units".to_string()),
        ("sysadmin", "/admin/users".to_string()),
        ("sysadmin", "/admin/users/1/password".to_string()),
        ("secadmin", "/admin/users/1/role".to_string()),
    ];
    for (who, path) in &forms {
        let s = t.login(who).await;
        for token in ["", "not-the-token"] {
            let r = t
                .post(
                    Some(&s),
                    path,
                    &[("csrf", token), ("title", "x"), ("name", "x")],
                )
                .await;
            assert_eq!(
                r.status,
                StatusCode::FORBIDDEN,
                "{path} accepted csrf={token:?}"
            );
        }
    }
    let s = t.login("finance").await;
    let r = t
        .post_progress(
            Auth::Session(&s),
            &format!("/measures/{measure}/progress"),
            &[("happened_on", "2024-04-20"), ("content", "x")],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "progress without csrf");
    assert_eq!(
        t.progress_of(measure)
            .await
            .iter()
            .filter(|p| p.content == "x")
            .count(),
        0
    );
}

#[tokio::test]
async fn a_browser_session_writes_to_the_api_only_with_the_csrf_header() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let req = axum::http::Request::post("/api/v1/tokens")
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(r#"{"name":"x"}"#))
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::FORBIDDEN);
    let req = axum::http::Request::post("/api/v1/tokens")
        .header(header::COOKIE, &s.cookie)
        .header("x-csrf-token", &s.csrf)
        .header(header::CONTENT_TYPE, "application/json")
        .body(axum::body::Body::from(r#"{"name":"x"}"#))
        .unwrap();
    assert_eq!(t.send(req).await.status, StatusCode::CREATED);
}

#[tokio::test]
async fn pages_are_chinese_first_with_english_available() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let zh = t.get(Some(&s), "/inspections").await;
    assert!(zh.body.contains("lang=\"zh-CN\"") && zh.body.contains("整改台账"));
    let switch = t.get(Some(&s), "/lang/en?back=/inspections").await;
    assert_eq!(switch.location(), "/inspections");
    assert!(
        switch
            .headers
            .get(header::SET_COOKIE)
            .unwrap()
            .to_str()
            .unwrap()
            .starts_with("zg_lang=en")
    );
    let en = Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        ..s
    };
    let page = t.get(Some(&en), "/inspections").await;
    assert!(
        page.body.contains("lang=\"en\"")
            && page.body.contains("Rectification ledger")
            && page.body.contains("Register an inspection")
    );
}

#[tokio::test]
async fn healthz_answers_when_the_database_does() {
    let t = TestApp::empty().await;
    assert_eq!(t.get(None, "/healthz").await.status, StatusCode::OK);
}

/// English pages punctuate in English: no English word runs into a full-width colon or
/// bracket (the Chinese pages' "：" and "（）" come from the texts, per language).
#[tokio::test]
async fn english_pages_use_english_punctuation() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let en = Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        ..s
    };
    let i = t.inspection().await;
    let problem = t
        .problems()
        .await
        .iter()
        .find(|p| p.state != ProblemState::Registered)
        .unwrap()
        .id
        .0;
    let measure = t
        .measures()
        .await
        .iter()
        .find(|m| m.changed_from().is_some())
        .unwrap()
        .id
        .0;
    for path in [
        "/".to_string(),
        "/measures?per_page=200".to_string(),
        format!("/inspections/{i}?per_page=200"),
        format!("/problems/{problem}"),
        format!("/measures/{measure}"),
        "/warnings".to_string(),
        "/settings/warnings".to_string(),
        "/settings/closure".to_string(),
        "/calendar".to_string(),
        "/weekly".to_string(),
        "/supervision".to_string(),
        format!("/inspections/{i}/import"),
    ] {
        let page = t.get(Some(&en), &path).await;
        assert_eq!(page.status, StatusCode::OK, "{path}");
        let chars: Vec<char> = page.body.chars().collect();
        for (n, w) in chars.windows(2).enumerate() {
            let wrong = w[0].is_ascii_alphabetic() && matches!(w[1], '：' | '（' | '）');
            let context: String = chars[n.saturating_sub(80)..n + 2].iter().collect();
            assert!(!wrong, "{path}: …{context}");
        }
    }
}

/// An unknown address, or a form's address opened directly (typed in, or reloaded
/// after a refused form), gets a page that says so in the reader's language; the API
/// answers an unknown address in JSON.
#[tokio::test]
async fn unknown_addresses_and_form_addresses_opened_directly_get_a_page_that_says_so() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let missing = t.get(Some(&s), "/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("找不到该页面") && !missing.body.contains("Not found"));
    let en = Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        csrf: s.csrf.clone(),
    };
    let missing = t.get(Some(&en), "/no-such-page").await;
    assert!(missing.body.contains("Not found") && !missing.body.contains("找不到该页面"));
    for form in ["/settings/channels", "/supervision/rounds", "/weekly/rule"] {
        let r = t.get(Some(&s), form).await;
        assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED, "{form}");
        assert!(
            r.body.contains("只接收页面上提交的表单")
                && !r.body.contains("cannot be opened directly"),
            "{form}: {}",
            r.body
        );
        assert!(r.headers.contains_key(header::ALLOW), "{form}");
    }
    let token = t.token("office").await;
    let api = t.api(&token, "GET", "/api/v1/no-such-thing", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert!(api.json().get("error").is_some(), "{}", api.body);
}

/// Posts the login form with a given cookie, token and extra headers.
async fn forged_login(t: &TestApp, cookie: &str, token: &str, headers: &[(&str, &str)]) -> Resp {
    let body: String = form_urlencoded::Serializer::new(String::new())
        .extend_pairs([
            ("login_csrf", token),
            ("username", "hr"),
            ("password", PASSWORD),
            ("next", "/"),
        ])
        .finish();
    let mut req = axum::http::Request::post("/login")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::HOST, "zhenggai.intranet:8080")
        .header(header::COOKIE, format!("zg_login={cookie}"));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    t.send(req.body(axum::body::Body::from(body)).unwrap())
        .await
}

#[tokio::test]
async fn a_site_that_can_plant_our_cookie_still_cannot_log_a_browser_in() {
    let t = TestApp::new().await;
    // A page on another port of this host, or a sibling subdomain, can set cookies for
    // this host: a value it makes up is not a token this server issued.
    let r = forged_login(&t, "x", "x", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A genuine pair fetched by the attacker and planted is refused by where the post
    // comes from, as the browser says.
    let page = t.get(None, "/login").await;
    let token = page.field("login_csrf");
    for headers in [
        vec![("origin", "http://zhenggai.intranet:8099")],
        vec![("origin", "http://evil.intranet")],
        vec![("sec-fetch-site", "same-site")],
        vec![("sec-fetch-site", "cross-site")],
    ] {
        let r = forged_login(&t, &token, &token, &headers).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{headers:?}");
        assert!(r.body.contains("登录页面已过期"));
    }
    // The same pair from this site's own page logs in.
    let r = forged_login(
        &t,
        &token,
        &token,
        &[
            ("origin", "http://zhenggai.intranet:8080"),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}

/// Several login pages open in one browser (tabs sent to the login when a session ended)
/// carry the same token: logging in from the first is not refused as expired because a
/// second was opened after it (an outside tester's finding).
#[tokio::test]
async fn a_second_login_page_does_not_make_the_first_one_fail() {
    let t = TestApp::new().await;
    let first = t.get(None, "/login").await;
    let token = first.field("login_csrf");
    let cookie = first
        .headers
        .get(header::SET_COOKIE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .unwrap()
        .to_string();
    let second = t
        .send(
            axum::http::Request::get("/login")
                .header(header::COOKIE, &cookie)
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(second.field("login_csrf"), token);
    // A post behind a proxy that rewrote Host still passes on the browser's word.
    let r = forged_login(
        &t,
        cookie.trim_start_matches("zg_login="),
        &token,
        &[
            ("origin", "https://zhenggai.example.gov.cn"),
            ("sec-fetch-site", "same-origin"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
