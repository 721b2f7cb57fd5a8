//! Who is asking: the session cookie (pages, and the API from a browser) or a Bearer
//! token (scripts). Sessions live in the database, so several instances share them.

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method, header};
use zhenggai_domain::access::Actor;
use zhenggai_storage::StoreError;
use zhenggai_storage::accounts::users::{self, User};
use zhenggai_storage::audit::Change;

use crate::error::{ApiError, PageError};
use crate::i18n::Lang;
use crate::state::App;

/// The session cookie.
pub const SESSION_COOKIE: &str = "zg_session";
/// The language cookie.
pub const LANG_COOKIE: &str = "zg_lang";

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// A `Set-Cookie` value: HttpOnly, SameSite=Lax, whole site.
pub fn set_cookie(name: &str, value: &str, max_age_secs: Option<i64>, secure: bool) -> String {
    let mut c = format!("{name}={value}; Path=/; HttpOnly; SameSite=Lax");
    if let Some(age) = max_age_secs {
        c.push_str(&format!("; Max-Age={age}"));
    }
    if secure {
        c.push_str("; Secure");
    }
    c
}

/// The person behind a request, with what access decisions need.
#[derive(Debug, Clone)]
pub struct Viewer {
    /// For access decisions.
    pub actor: Actor,
    /// For display.
    pub user: User,
    /// The session's CSRF token; `None` for a Bearer token.
    pub csrf: Option<String>,
    /// The session row, to end it on logout.
    pub session_id: Option<i64>,
    /// The page language.
    pub lang: Lang,
    /// Unread notifications (the bell); 0 for API requests, which show no bell.
    pub unread: i64,
}

impl Viewer {
    /// Refuses a form that does not carry this session's CSRF token.
    pub fn check_csrf(&self, token: &str) -> Result<(), PageError> {
        match &self.csrf {
            Some(csrf) if constant_time_eq(csrf.as_bytes(), token.as_bytes()) => Ok(()),
            _ => Err(PageError::Csrf),
        }
    }

    /// A change made by this person now (for the audit trail).
    pub fn change(&self, app: &App) -> Change<'static> {
        Change {
            actor: Some(self.user.id),
            at: app.clock.now(),
            reason: None,
        }
    }

    /// A change made by this person now, for the reason they gave (none when blank).
    pub fn change_because<'a>(&self, app: &App, reason: &'a str) -> Change<'a> {
        Change {
            reason: Some(reason).filter(|r| !r.trim().is_empty()),
            ..self.change(app)
        }
    }

    /// The CSRF token for forms ("" when there is no session).
    pub fn csrf_token(&self) -> &str {
        self.csrf.as_deref().unwrap_or("")
    }
}

/// Compares secrets in time that does not depend on where they differ.
pub(crate) fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

async fn from_session(app: &App, headers: &HeaderMap) -> Result<Option<Viewer>, StoreError> {
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let Some(signed_in) =
        users::signed_in(&app.db, token, app.clock.now(), app.config.auth).await?
    else {
        return Ok(None);
    };
    let users::SignedIn {
        session,
        user,
        actor,
        unread,
    } = signed_in;
    Ok(Some(Viewer {
        actor,
        user,
        csrf: Some(session.csrf),
        session_id: Some(session.id),
        lang: Lang::from_headers(headers),
        unread,
    }))
}

impl FromRequestParts<App> for Viewer {
    type Rejection = PageError;

    /// Looked up once a request: the form extractors after the handler's `Viewer`
    /// (`form::PageForm`) take the one kept in the request.
    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        if let Some(viewer) = parts.extensions.get::<Viewer>() {
            return Ok(viewer.clone());
        }
        let next = parts
            .uri
            .path_and_query()
            .map(|p| p.as_str().to_string())
            .unwrap_or_else(|| "/".into());
        let viewer = from_session(app, &parts.headers)
            .await?
            .ok_or(PageError::Login { next })?;
        crate::request_log::note_user(&parts.extensions, viewer.user.id.0);
        if parts.uri.path() != "/password"
            && parts.uri.path() != "/logout"
            && viewer.user.must_change_password
        {
            return Err(PageError::ChangePassword);
        }
        refuse_outside_the_ledger(parts, &viewer)?;
        parts.extensions.insert(viewer.clone());
        Ok(viewer)
    }
}

/// Marks a route that serves an organisation's ledger (its pages, their forms and their
/// API): [`Viewer`] and [`ApiViewer`] refuse it to the roles that read no ledger, saying
/// why and whom to turn to, before the handler looks anything up (so the refusal says
/// nothing of whether a record exists).
#[derive(Debug, Clone, Copy)]
pub struct LedgerRoute;

/// The layer that marks a ledger route ([`LedgerRoute`]).
pub async fn ledger_route(
    mut req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    req.extensions_mut().insert(LedgerRoute);
    next.run(req).await
}

/// The administrators and an account without a role, on a ledger route: refused.
fn refuse_outside_the_ledger(parts: &Parts, viewer: &Viewer) -> Result<(), StoreError> {
    if parts.extensions.get::<LedgerRoute>().is_some() {
        zhenggai_storage::scope::require_business(&viewer.actor)?;
    }
    Ok(())
}

/// The token of an `Authorization: Bearer …` header. The scheme's name is
/// case-insensitive (RFC 9110 §11.1): `bearer` and `BEARER` are the same scheme.
fn bearer_token(value: &str) -> Option<&str> {
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then_some(token)
}

/// The person behind an API request: a Bearer token, or a browser session (whose
/// writes must carry `X-CSRF-Token`).
#[derive(Debug, Clone)]
pub struct ApiViewer(pub Viewer);

impl FromRequestParts<App> for ApiViewer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, app: &App) -> Result<Self, Self::Rejection> {
        let bearer = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(bearer_token);
        if let Some(token) = bearer {
            let (user, actor) = users::by_api_token(&app.db, token.trim(), app.clock.now())
                .await?
                .ok_or(ApiError::Unauthenticated)?;
            let viewer = Viewer {
                actor,
                user,
                csrf: None,
                session_id: None,
                lang: Lang::Zh,
                unread: 0,
            };
            crate::request_log::note_user(&parts.extensions, viewer.user.id.0);
            must_have_changed_password(parts, &viewer)?;
            refuse_outside_the_ledger(parts, &viewer)?;
            return Ok(ApiViewer(viewer));
        }
        let viewer = from_session(app, &parts.headers)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        crate::request_log::note_user(&parts.extensions, viewer.user.id.0);
        if !matches!(parts.method, Method::GET | Method::HEAD) {
            let sent = parts
                .headers
                .get("x-csrf-token")
                .and_then(|v| v.to_str().ok())
                .unwrap_or("");
            viewer.check_csrf(sent).map_err(|_| ApiError::Csrf)?;
        }
        must_have_changed_password(parts, &viewer)?;
        refuse_outside_the_ledger(parts, &viewer)?;
        Ok(ApiViewer(viewer))
    }
}

/// The API's one route for an account whose password was set by the system
/// administrator: until it is changed, nothing else is allowed (the same as on pages).
pub const API_PASSWORD_PATH: &str = "/api/v1/password";

fn must_have_changed_password(parts: &Parts, viewer: &Viewer) -> Result<(), ApiError> {
    // Under the API's nest the path is the inner one; the original names the route.
    let path = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.path(), |o| o.0.path());
    if viewer.user.must_change_password && path != API_PASSWORD_PATH {
        return Err(ApiError::MustChangePassword);
    }
    Ok(())
}

/// The address a request came from, as its connection gave it (`unknown` when served
/// without one, as in tests that call the router directly). Behind a reverse proxy it is
/// the proxy's: the per-address lock and throttle then count everyone behind it as one.
#[derive(Debug, Clone)]
pub struct ClientAddr(pub String);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientAddr(
            parts
                .extensions
                .get::<ConnectInfo<SocketAddr>>()
                .map_or_else(|| "unknown".to_string(), |c| c.0.ip().to_string()),
        ))
    }
}

/// The page language of a request that may have no session (the login page).
#[derive(Debug, Clone, Copy)]
pub struct RequestLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for RequestLang {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(RequestLang(Lang::from_headers(&parts.headers)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    #[test]
    fn reads_cookies() {
        let mut h = HeaderMap::new();
        h.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; zg_session=abc; zg_lang=en"),
        );
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, LANG_COOKIE), Some("en"));
        assert_eq!(cookie(&h, "b"), None);
    }

    #[test]
    fn cookies_are_http_only_and_same_site() {
        let c = set_cookie(SESSION_COOKIE, "t", None, true);
        assert!(c.contains("HttpOnly") && c.contains("SameSite=Lax") && c.contains("Secure"));
        assert!(constant_time_eq(b"abc", b"abc"));
        assert!(!constant_time_eq(b"abc", b"abd"));
        assert!(!constant_time_eq(b"abc", b"ab"));
    }
}
