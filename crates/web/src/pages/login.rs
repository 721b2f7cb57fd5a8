//! Logging in and out, changing one's password, choosing the language.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use zhenggai_storage::accounts::auth::{self, LoginRefused};

use super::{Errors, Nav, refused_form, render, render_status, tr};
use crate::error::PageError;
use crate::form::PageForm;
use crate::i18n::Tr;
use crate::login_guard::LoginForm;
use crate::session::{
    ClientAddr, LANG_COOKIE, RequestLang, SESSION_COOKIE, Viewer, constant_time_eq, cookie,
    set_cookie,
};
use crate::state::App;

#[derive(Template)]
#[template(path = "login.html")]
struct LoginPage {
    t: Tr,
    error: Option<&'static str>,
    pub next: String,
    username: String,
    /// This page's token against login CSRF: also in a cookie, and both must agree.
    csrf: String,
}

/// The cookie holding the login form's token (double submit: a page elsewhere can post
/// to /login but can neither read nor set this cookie).
const LOGIN_CSRF_COOKIE: &str = "zg_login";

/// The login page with its token, in a cookie and in the form. The browser's token is
/// kept while it has hours to run, so that every login page it has open (tabs sent to
/// the login by an ended session) carries the same one; a new one would make the
/// others' posts refused.
fn login_form(
    app: &App,
    headers: &HeaderMap,
    status: StatusCode,
    t: Tr,
    error: Option<&'static str>,
    next: String,
    username: String,
) -> Result<Response, PageError> {
    let now = app.clock.now();
    let csrf = match cookie(headers, LOGIN_CSRF_COOKIE) {
        Some(kept)
            if app
                .login_tokens
                .valid(kept, now + chrono::Duration::hours(6)) =>
        {
            kept.to_string()
        }
        _ => app.login_tokens.issue(now),
    };
    let mut resp = render_status(
        status,
        &LoginPage {
            t,
            error,
            next,
            username,
            csrf: csrf.clone(),
        },
    );
    let cookie = set_cookie(LOGIN_CSRF_COOKIE, &csrf, None, app.config.secure_cookies)
        .replace("SameSite=Lax", "SameSite=Strict");
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(anyhow::Error::from)?,
    );
    Ok(resp)
}

/// Where to go after logging in, after switching the language or after a step taken
/// from a look-back round: only a path on this site, else the home page.
///
/// A browser reads a `Location` as a URL relative to the page, after removing tabs and
/// line breaks and taking `\\` for `/`: `/\t/evil.example` is `//evil.example`, another
/// site. So the target is parsed the way a browser does (the WHATWG rules of the `url`
/// crate) against this site's origin, kept only if it stays there, and sent back as
/// the parsed path, which a browser cannot read any other way. Control characters are
/// refused outright: no page of this site has them in its address.
pub(crate) fn safe_next(next: &str) -> String {
    if !next.starts_with('/') || next.chars().any(char::is_control) {
        return "/".to_string();
    }
    let Ok(here) = url::Url::parse("http://zhenggai.invalid/") else {
        return "/".to_string();
    };
    let stays = |target: &str| {
        here.join(target)
            .ok()
            .filter(|u| u.origin() == here.origin())
            .map(|u| u[url::Position::BeforePath..].to_string())
    };
    // The path as parsed (dot segments removed: `/.//evil.example` becomes
    // `//evil.example`, which a browser reads as another host) must itself be a path of
    // this site that reads back the same.
    match stays(next) {
        Some(path)
            if !path.starts_with("//")
                && !path.starts_with("/\\")
                && stays(&path).as_deref() == Some(path.as_str()) =>
        {
            path
        }
        _ => "/".to_string(),
    }
}

#[derive(Deserialize)]
/// `?next=` of the login page.
pub struct NextQuery {
    #[serde(default)]
    pub next: String,
}

/// GET /login
pub async fn login_page(
    State(app): State<App>,
    RequestLang(lang): RequestLang,
    headers: HeaderMap,
    Query(q): Query<NextQuery>,
) -> Result<Response, PageError> {
    login_form(
        &app,
        &headers,
        StatusCode::OK,
        Tr(lang),
        None,
        safe_next(&q.next),
        String::new(),
    )
}

/// POST /login — carries the login page's token (signed by this server; its cookie and
/// its field agree) and comes from this site as the browser says (`login_guard`), so
/// that no other site can log a browser in to an account of its choosing; a new
/// session is issued on every login. A wrong password, an unknown name, a disabled
/// account, and an account locked at this address or an address throttled all answer
/// the same page after the same work.
pub async fn login(
    State(app): State<App>,
    RequestLang(lang): RequestLang,
    ClientAddr(address): ClientAddr,
    headers: HeaderMap,
    LoginForm(form): LoginForm,
) -> Result<Response, PageError> {
    let username = form.get("username").trim().to_string();
    let next = safe_next(form.get("next"));
    let t = Tr(lang);
    let sent = form.get("login_csrf");
    let kept = cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    let genuine = constant_time_eq(sent.as_bytes(), kept.as_bytes())
        && app.login_tokens.valid(sent, app.clock.now())
        && crate::login_guard::from_this_site(&headers);
    if !genuine {
        return login_form(
            &app,
            &headers,
            StatusCode::FORBIDDEN,
            t,
            Some(t.login_expired()),
            next,
            username,
        );
    }
    let now = app.clock.now();
    let throttled = !app.login_throttle.reserve(&address, now);
    let outcome = if !throttled {
        let outcome = auth::login(
            &app.db,
            &username,
            form.get("password"),
            &address,
            now,
            app.config.auth,
        )
        .await?;
        if outcome.is_ok() {
            app.login_throttle.refund(&address);
        }
        outcome
    } else {
        auth::spend_a_check(form.get("password")).await?;
        Err(LoginRefused::BadCredentials)
    };
    match outcome {
        Ok(user) => {
            let session = auth::start_session(&app.db, user, app.clock.now()).await?;
            let mut resp = Redirect::to(&next).into_response();
            let cookie = set_cookie(
                SESSION_COOKIE,
                &session.token.0,
                None,
                app.config.secure_cookies,
            );
            resp.headers_mut().insert(
                header::SET_COOKIE,
                HeaderValue::from_str(&cookie).map_err(anyhow::Error::from)?,
            );
            Ok(resp)
        }
        Err(refused) => {
            // The name as typed, clipped: a hostile client must not fill the log with
            // one request, and a long "name" is often a password typed in the wrong box.
            let typed = zhenggai_domain::text::clip(&username, 64);
            tracing::info!(
                username = typed,
                address,
                ?refused,
                throttled,
                "login refused"
            );
            login_form(
                &app,
                &headers,
                StatusCode::UNAUTHORIZED,
                t,
                Some(t.login_failed()),
                next,
                username,
            )
        }
    }
}

/// POST /logout
pub async fn logout(State(app): State<App>, v: Viewer, _: PageForm) -> Result<Response, PageError> {
    if let Some(id) = v.session_id {
        auth::end_session(&app.db, id, app.clock.now()).await?;
    }
    let mut resp = Redirect::to("/login").into_response();
    let cookie = set_cookie(SESSION_COOKIE, "", Some(0), app.config.secure_cookies);
    resp.headers_mut().insert(
        header::SET_COOKIE,
        HeaderValue::from_str(&cookie).map_err(anyhow::Error::from)?,
    );
    Ok(resp)
}

#[derive(Deserialize)]
/// `?back=` of the language switch.
pub struct BackQuery {
    #[serde(default)]
    pub back: String,
}

/// GET /lang/{zh|en} — remembers the language in a cookie and returns to the page.
pub async fn set_lang(
    Path(code): Path<String>,
    Query(q): Query<BackQuery>,
    State(app): State<App>,
) -> Response {
    let lang = if code == "en" { "en" } else { "zh" };
    let mut resp = Redirect::to(&safe_next(&q.back)).into_response();
    let cookie = set_cookie(
        LANG_COOKIE,
        lang,
        Some(365 * 24 * 3600),
        app.config.secure_cookies,
    );
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        resp.headers_mut().insert(header::SET_COOKIE, v);
    }
    resp
}

#[derive(Template)]
#[template(path = "password.html")]
struct PasswordPage {
    t: Tr,
    nav: Nav,
    must: bool,
    errors: Errors,
}

/// GET /password
pub async fn password_page(v: Viewer) -> Result<Response, PageError> {
    let must = v.user.must_change_password;
    Ok(render(&PasswordPage {
        t: tr(&v),
        nav: Nav::new(&v, "home", "/password"),
        must,
        errors: Errors::none(v.lang),
    }))
}

/// POST /password — the person's own password, proven by the current one (counted
/// as a login attempt from this address, so a stolen session cannot guess it). Every
/// other session and every token of the account ends.
pub async fn change_password(
    State(app): State<App>,
    ClientAddr(address): ClientAddr,
    v: Viewer,
    PageForm(form): PageForm,
) -> Result<Response, PageError> {
    let result = crate::shared::accounts::change_own_password(
        &app,
        &v,
        &address,
        form.get("old_password"),
        form.get("password"),
    )
    .await;
    match result {
        Ok(()) => Ok(Redirect::to("/").into_response()),
        Err(e) => {
            refused_form(e, v.lang, async |errors| {
                Ok(PasswordPage {
                    t: tr(&v),
                    nav: Nav::new(&v, "home", "/password"),
                    must: v.user.must_change_password,
                    errors,
                })
            })
            .await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn next_stays_on_this_site() {
        assert_eq!(safe_next("/inspections/3?x=1"), "/inspections/3?x=1");
        assert_eq!(safe_next("/problems/7#steps"), "/problems/7#steps");
        // What the browser would make of it, so that it cannot make anything else.
        assert_eq!(safe_next("/a/../measures"), "/measures");
        assert_eq!(safe_next("/问题"), "/%E9%97%AE%E9%A2%98");
        for evil in [
            "https://evil.example",
            "//evil.example",
            "/\\evil.example",
            "\\\\evil.example",
            "/\t/evil.example/x",
            "\t//evil.example",
            "/\r/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "//\tevil.example",
            "/\u{0}/evil.example",
            "/\u{7f}/evil.example",
            "/\u{85}/evil.example",
            "https:evil.example",
            "https:/evil.example",
            "javascript:alert(1)",
            " //evil.example",
            "",
            // Dot segments are removed by parsing: what is left must not be `//host`.
            "/.//evil.example",
            "/..//evil.example",
            "/%2e%2e//evil.example",
            "/%2E//evil.example",
            "/x/..//evil.example",
            "/././/evil.example/x",
            "/x/.././/evil.example",
            "/.\\/evil.example",
        ] {
            assert_eq!(safe_next(evil), "/", "{evil:?}");
        }
    }
}
