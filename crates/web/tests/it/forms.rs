//! Every page form checks its CSRF token before its handler runs: the router's own list
//! of page routes (`router::page_routes`) is walked, and each address is posted with a
//! valid session but without the token, as a plain form and as a form with a file. Each
//! must answer the CSRF refusal (403, the expired-form page) or, where the address takes
//! no post, the form-only page (405); and nothing is written. A page route added to the
//! list whose handler reads no checked form fails here.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::util::{Session, TestApp};

/// Page routes that take a post without the session's token, and why.
const EXEMPT: &[&str] = &[
    // Sent before there is a session: it carries the login page's own signed token and
    // is checked against where it comes from (`login_guard`; tests in `auth.rs`).
    "/login",
    // The public opinion box: no session, so no ambient authority a forged form could
    // use; its sender is counted per address before the body is read
    // (`throttle::BoxGuard`; tests in `meetings.rs`).
    "/box/{key}",
    "/box/{key}/receipt",
];

/// A route pattern with its placeholders filled: a table's name, the demo's inspection
/// (where the office may import, which is checked before an import's body is read),
/// else a record's id.
fn fill(pattern: &str, inspection: i64) -> String {
    let inspection = inspection.to_string();
    pattern
        .split('/')
        .scan("", |before, segment| {
            let filled = match segment {
                "{table}" => "problems",
                "{id}" if *before == "inspections" => inspection.as_str(),
                s if s.starts_with('{') => "1",
                s => s,
            };
            *before = segment;
            Some(filled.to_string())
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// The two bodies a page form comes as, without the token: plain and with a file.
fn without_token(path: &str, s: &Session) -> [Request<Body>; 2] {
    let plain = Request::post(path)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::COOKIE, &s.cookie)
        .body(Body::from("title=x&name=x&action=claim&content=x"))
        .unwrap();
    let boundary = "zgboundaryForms0gW";
    let multipart = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"action\"\r\n\r\nrequest_closure\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n--{boundary}--\r\n"
    );
    let with_file = Request::post(path)
        .header(
            header::CONTENT_TYPE,
            format!("multipart/form-data; boundary={boundary}"),
        )
        .header(header::COOKIE, &s.cookie)
        .body(Body::from(multipart))
        .unwrap();
    [plain, with_file]
}

/// What a refused form must not have changed: the trail, sessions, the bell, tokens,
/// uploads kept for an import.
/// Read as stored: these span every account, which no product function lists at once.
async fn written(t: &TestApp) -> Vec<i64> {
    let mut counts = Vec::new();
    for sql in [
        "SELECT COUNT(*) FROM audit_log",
        "SELECT COUNT(*) FROM sessions WHERE ended_at IS NULL",
        "SELECT COUNT(*) FROM notifications WHERE read_at IS NULL",
        "SELECT COUNT(*) FROM api_tokens",
        "SELECT COUNT(*) FROM import_uploads",
        "SELECT COUNT(*) FROM user_channels",
    ] {
        counts.push(t.stored(sql).await);
    }
    counts
}

#[tokio::test]
async fn every_page_form_is_refused_without_its_token_and_writes_nothing() {
    let t = TestApp::new().await;
    t.ring_bells().await;
    let routes = zhenggai_web::router::page_routes(&t.app);
    assert!(routes.len() > 40, "the router's list of pages reads");
    let inspection = t.inspection().await;
    // The office, who may write on most of these forms: refused for the token alone.
    let s = t.login("office").await;
    let before = written(&t).await;
    let mut forms = 0;
    for (pattern, _) in &routes {
        if EXEMPT.contains(pattern) {
            continue;
        }
        let path = fill(pattern, inspection);
        for req in without_token(&path, &s) {
            let r = t.send(req).await;
            match r.status {
                StatusCode::FORBIDDEN => {
                    assert!(
                        r.body.contains("表单已过期或来源不明"),
                        "{pattern}: refused, but not as a form without its token: {}",
                        r.body
                    );
                    forms += 1;
                }
                StatusCode::METHOD_NOT_ALLOWED => {
                    assert!(r.body.contains("只接收页面上提交的表单"), "{pattern}");
                }
                other => panic!(
                    "{pattern} took a post without its token ({other}): {}",
                    r.body
                ),
            }
        }
    }
    assert!(forms >= 80, "{forms} refusals: the forms were posted");
    assert_eq!(written(&t).await, before, "a refused form wrote");
}

#[tokio::test]
async fn an_exempt_route_is_a_page_route() {
    let t = TestApp::new().await;
    let routes = zhenggai_web::router::page_routes(&t.app);
    for exempt in EXEMPT {
        assert!(
            routes.iter().any(|(p, _)| p == exempt),
            "{exempt} is no longer a page route: drop its exemption"
        );
    }
}

/// A form with files carries its token before them, as the pages' forms do: a token
/// after the first file is refused before that file is read, and nothing is written.
#[tokio::test]
async fn a_form_with_files_is_refused_when_its_token_comes_after_a_file() {
    let t = TestApp::new().await;
    let m = t.measure(crate::util::FINANCE_LEAD).await;
    let s = t.login("finance").await;
    let boundary = "zgboundaryLate0gW";
    let part = |name: &str, value: &str| {
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n"
        )
    };
    let file = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a.pdf\"\r\n\
         Content-Type: application/pdf\r\n\r\n%PDF-1.4\r\n"
    );
    let send = |body: String| {
        Request::post(format!("/measures/{m}/progress"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::COOKIE, &s.cookie)
            .body(Body::from(body))
            .unwrap()
    };
    let fields = part("happened_on", "2024-04-24") + &part("content", "迟到的令牌");
    let before = written(&t).await;
    let late = format!("{fields}{file}{}--{boundary}--\r\n", part("csrf", &s.csrf));
    let r = t.send(send(late)).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert!(r.body.contains("表单已过期或来源不明"), "{}", r.body);
    assert_eq!(written(&t).await, before);
    // The same form with its token first is taken.
    let first = format!("{}{fields}{file}--{boundary}--\r\n", part("csrf", &s.csrf));
    let r = t.send(send(first)).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
}
