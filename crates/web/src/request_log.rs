//! The request log: one line per request, with its method, its route as the router
//! declares it (`/measures/{id}`, never the address with its ids and query string, which
//! may carry search words), its status, how long it took, the person's user id when a
//! session or token named one, and a request id, also answered in `X-Request-Id` (an id
//! a proxy sent in that header is kept when it is short and plain, so that one request
//! reads the same in both logs). Every event logged while the request runs (a database
//! error, say) is inside a span carrying the same id.
//!
//! Nothing else about the person goes into it: no cookie, no token, no query, no
//! address. The client's address is logged only where security needs it, on a refused
//! login (`pages::login`). The public opinion box promises its senders anonymity, so
//! its routes (`/box/…`, and the API's `/api/v1/box/…`) write no line at all: not even
//! the time of a request is kept (D18).

use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::extract::{MatchedPath, Request};
use axum::http::{Extensions, HeaderValue};
use axum::middleware::Next;
use axum::response::Response;
use tracing::Instrument;

/// The header a request id comes and goes in.
pub const REQUEST_ID: &str = "x-request-id";

/// The longest request id taken from a client.
const MAX_ID_LEN: usize = 64;

/// What the inner layers note for the request's line: the route matched (a nested
/// router's full pattern is known only inside it) and the person.
#[derive(Debug, Clone, Default)]
struct Note(Arc<Mutex<Noted>>);

#[derive(Debug, Default)]
struct Noted {
    route: Option<String>,
    user: Option<i64>,
}

impl Note {
    fn with(&self, f: impl FnOnce(&mut Noted)) {
        // A poisoned note only loses a log field.
        if let Ok(mut noted) = self.0.lock() {
            f(&mut noted);
        }
    }
}

/// Notes the person behind the request (the session's or the token's user).
pub fn note_user(extensions: &Extensions, user: i64) {
    if let Some(note) = extensions.get::<Note>() {
        note.with(|n| n.user = Some(user));
    }
}

/// Notes the route matched; a layer of each router (pages, the API) that sees it.
pub async fn note_route(req: Request, next: Next) -> Response {
    if let (Some(note), Some(path)) = (
        req.extensions().get::<Note>(),
        req.extensions().get::<MatchedPath>(),
    ) {
        let route = path.as_str().to_string();
        note.with(|n| n.route = Some(route));
    }
    next.run(req).await
}

/// A client's request id when it is short and plain (letters, digits, `-`, `_`, `.`):
/// anything else could forge or break a log line.
fn sent_id(value: &HeaderValue) -> Option<String> {
    let id = value.to_str().ok()?;
    let plain = !id.is_empty()
        && id.len() <= MAX_ID_LEN
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'));
    plain.then(|| id.to_string())
}

/// A new request id: 16 hex digits.
fn new_id() -> String {
    format!("{:016x}", rand::random::<u64>())
}

/// Whether a path's requests are not logged: the public opinion box's, and the
/// built-in assets (a fresh browser's first fetch of the stylesheet would otherwise date
/// its visit to the box, which logs nothing).
pub fn is_anonymous_route(path: &str) -> bool {
    path.starts_with("/box/")
        || path.starts_with("/api/v1/box/")
        || path.starts_with("/assets/")
        || path == "/favicon.ico"
}

/// The outermost layer: the request's id, its span, and its line once answered.
pub async fn log_requests(mut req: Request, next: Next) -> Response {
    if is_anonymous_route(req.uri().path()) {
        return next.run(req).await;
    }
    let started = Instant::now();
    let id = req
        .headers()
        .get(REQUEST_ID)
        .and_then(sent_id)
        .unwrap_or_else(new_id);
    let method = req.method().clone();
    let note = Note::default();
    req.extensions_mut().insert(note.clone());
    let span = tracing::info_span!("request", request_id = %id);
    let mut resp = next.run(req).instrument(span).await;
    let (route, user) = note
        .0
        .lock()
        .map(|n| (n.route.clone(), n.user))
        .unwrap_or_default();
    tracing::info!(
        method = %method,
        route = %route.as_deref().unwrap_or("-"),
        status = resp.status().as_u16(),
        ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
        user,
        request_id = %id,
        "request"
    );
    if let Ok(value) = HeaderValue::from_str(&id) {
        resp.headers_mut().insert(REQUEST_ID, value);
    }
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sent_id_is_kept_only_when_short_and_plain() {
        let id = |s: &'static str| sent_id(&HeaderValue::from_static(s));
        assert_eq!(id("abc-123_X.y"), Some("abc-123_X.y".to_string()));
        assert_eq!(id(""), None);
        assert_eq!(id("a b"), None);
        assert_eq!(id("a\"}{"), None);
        assert_eq!(
            sent_id(&HeaderValue::from_str(&"a".repeat(65)).unwrap()),
            None
        );
        assert_eq!(new_id().len(), 16);
    }
}
