//! The request log (`request_log`): one line a request with the route as declared, not
//! the address with its ids and query; the person's id and nothing else about them;
//! a request id, answered in `X-Request-Id`.

use std::io::Write;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::util::{FINANCE_LEAD, TestApp};

/// Log output kept for the test to read.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Sink {
    /// The request lines written so far, taken.
    fn request_lines(&self) -> Vec<String> {
        let bytes = std::mem::take(&mut *self.0.lock().unwrap());
        String::from_utf8(bytes)
            .unwrap()
            .lines()
            .filter(|l| l.contains("request_log"))
            .map(str::to_string)
            .collect()
    }
}

/// Logs of this thread (the test's runtime is on it) into a sink, as text.
fn capture() -> (Sink, tracing::subscriber::DefaultGuard) {
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .finish();
    (sink, tracing::subscriber::set_default(subscriber))
}

fn one(lines: &[String]) -> &str {
    assert_eq!(lines.len(), 1, "{lines:?}");
    &lines[0]
}

#[tokio::test]
async fn a_request_is_logged_by_its_route_with_its_id_and_never_its_query() {
    let t = TestApp::new().await;
    let m = t.measure(FINANCE_LEAD).await;
    let s = t.login("finance").await;
    let finance = t.get_user("finance").await.id.0;
    let (sink, _guard) = capture();

    let r = t
        .get(Some(&s), &format!("/measures/{m}?q=机密检索词&page=2"))
        .await;
    let id = r.headers["x-request-id"].to_str().unwrap().to_string();
    assert_eq!(id.len(), 16, "{id}");
    let lines = sink.request_lines();
    let line = one(&lines);
    assert!(line.contains("route=/measures/{id}"), "{line}");
    assert!(line.contains("method=GET"), "{line}");
    assert!(
        line.contains(&format!("status={}", r.status.as_u16())),
        "{line}"
    );
    assert!(line.contains(&format!("user={finance}")), "{line}");
    assert!(line.contains(&format!("request_id={id}")), "{line}");
    assert!(line.contains(" ms="), "{line}");
    for secret in ["机密检索词", "page=2", &format!("/measures/{m}"), &s.csrf] {
        assert!(!line.contains(secret), "{secret} in {line}");
    }
    let session = s.cookie.split('=').nth(1).unwrap();
    assert!(!line.contains(session), "the session in {line}");

    // The API, by a token: its route under /api/v1, the token's user, not the token.
    let token = t.token("finance").await;
    let r = t
        .api(&token, "GET", &format!("/api/v1/measures/{m}"), None)
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let lines = sink.request_lines();
    let line = one(&lines);
    assert!(line.contains("route=/api/v1/measures/{id}"), "{line}");
    assert!(line.contains(&format!("user={finance}")), "{line}");
    assert!(!line.contains(&token), "{line}");

    // No one known, no route matched: neither is made up.
    let r = t.get(None, "/no/such/page?who=x").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let lines = sink.request_lines();
    let line = one(&lines);
    assert!(
        line.contains("route=-") && !line.contains("user="),
        "{line}"
    );
    assert!(!line.contains("who=x"), "{line}");
}

#[tokio::test]
async fn a_request_id_sent_is_kept_only_when_short_and_plain() {
    let t = TestApp::new().await;
    let (sink, _guard) = capture();
    let send = |id: &'static str| {
        Request::get("/healthz")
            .header("x-request-id", id)
            .body(Body::empty())
            .unwrap()
    };
    let r = t.send(send("proxy-7f3a.1")).await;
    assert_eq!(r.headers["x-request-id"], "proxy-7f3a.1");
    let line = sink.request_lines().join("\n");
    assert!(line.contains("request_id=proxy-7f3a.1"), "{line}");
    assert!(line.contains("route=/healthz"), "{line}");
    for forged in ["a b=c", "x\"} {\"user\":1"] {
        let r = t.send(send(forged)).await;
        let answered = r.headers["x-request-id"].to_str().unwrap();
        assert_ne!(answered, forged);
        assert_eq!(answered.len(), 16);
    }
    let long: &'static str = "a".repeat(65).leak();
    let r = t.send(send(long)).await;
    assert_ne!(r.headers["x-request-id"], long);
    // Every response carries one, the pages' refusals too.
    let r = t
        .send(
            Request::post("/logout")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .body(Body::empty())
                .unwrap(),
        )
        .await;
    assert!(r.headers.contains_key("x-request-id"));
}

/// A failed login logs the name as typed (the security log needs it), clipped: one
/// request with a very long "name" must not fill the log, and a long name is often a
/// password typed into the wrong box.
#[tokio::test]
async fn a_refused_login_logs_the_typed_name_clipped() {
    let t = TestApp::new().await;
    let (sink, _guard) = capture();
    let typed = "秘".repeat(5000);
    let r = t.submit_login(&typed, "wrong", "/").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let bytes = std::mem::take(&mut *sink.0.lock().unwrap());
    let log = String::from_utf8(bytes).unwrap();
    let line = log
        .lines()
        .find(|l| l.contains("login refused"))
        .unwrap_or_else(|| panic!("{log}"));
    assert!(line.contains(&format!("{}…", "秘".repeat(63))), "{line}");
    assert!(!line.contains(&"秘".repeat(64)), "{line}");
    assert!(line.contains("throttled=false"), "{line}");
}
