//! Every route of zhenggai, in one place.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{get, post};

use crate::error::PageError;
use crate::pages::{
    admin, calendar, header_words, home, inspections, ledger, login, lookbacks, measures,
    notifications, outcomes, problems, rules, spreadsheets, supervision, trail, warnings, weekly,
};
use crate::state::App;
use zhenggai_storage::StoreError;

const CSS: &str = include_str!("../assets/app.css");
const JS: &str = include_str!("../assets/app.js");
const ICON: &str = include_str!("../assets/favicon.svg");

/// A file built into the binary, cached for an hour.
fn asset(content_type: &'static str, body: &'static str) -> impl IntoResponse {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "public, max-age=3600"),
        ],
        body,
    )
}

async fn css() -> impl IntoResponse {
    asset("text/css; charset=utf-8", CSS)
}

async fn js() -> impl IntoResponse {
    asset("text/javascript; charset=utf-8", JS)
}

/// The tab's icon (also at /favicon.ico, where browsers look without being told).
async fn icon() -> impl IntoResponse {
    asset("image/svg+xml", ICON)
}

/// 200 when the database answers, 503 otherwise.
async fn healthz(State(app): State<App>) -> impl IntoResponse {
    if app.db.ping().await {
        (StatusCode::OK, "ok")
    } else {
        (StatusCode::SERVICE_UNAVAILABLE, "database unreachable")
    }
}

/// Headers every response carries: no framing by other sites, no sniffing, no script
/// but the site's own file (not even one written into a page), nothing loaded from
/// outside; nothing kept in a cache (pages and downloads show a person's records, and
/// the browser's back button after logout must not show them again) except what says
/// otherwise (the stylesheet and the script); and behind HTTPS, HTTPS only from then on.
async fn security_headers(
    State(app): State<App>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    h.insert("x-frame-options", HeaderValue::from_static("DENY"));
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    h.insert("referrer-policy", HeaderValue::from_static("same-origin"));
    h.insert(
        "content-security-policy",
        HeaderValue::from_static(
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        ),
    );
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    if app.config.secure_cookies {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000"),
        );
    }
    resp
}

/// What axum answers by itself in plain text on a page (letters where a record's number
/// goes, a query that does not read, a body over the limit) is answered with the pages'
/// error page; an error page is shown in the reader's language only (the page error
/// renders Chinese, not knowing the request). The API answers its own refusals in JSON.
async fn page_errors(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let lang = crate::i18n::Lang::from_headers(req.headers());
    let resp = in_language(next.run(req).await, lang);
    let plain = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_none_or(|v| v.as_bytes().starts_with(b"text/plain"));
    if !plain {
        return resp;
    }
    let page = match resp.status() {
        StatusCode::PAYLOAD_TOO_LARGE => PageError::TooLarge,
        StatusCode::METHOD_NOT_ALLOWED => PageError::FormOnly,
        StatusCode::BAD_REQUEST
        | StatusCode::UNSUPPORTED_MEDIA_TYPE
        | StatusCode::UNPROCESSABLE_ENTITY => PageError::BadAddress,
        _ => return resp,
    };
    in_language(page.into_response(), lang)
}

/// An error page rendered again in the reader's language, its status and headers kept.
fn in_language(
    resp: axum::response::Response,
    lang: crate::i18n::Lang,
) -> axum::response::Response {
    if lang == crate::i18n::Lang::Zh {
        return resp;
    }
    let Some(text) = resp.extensions().get::<crate::error::ErrorText>().cloned() else {
        return resp;
    };
    let (mut parts, _) = resp.into_parts();
    parts.headers.remove(header::CONTENT_LENGTH);
    axum::response::Response::from_parts(parts, axum::body::Body::from(text.render(lang)))
}

/// The largest body a route reads unless it takes files: a JSON record or a form with
/// its longest texts fits many times over. Only the routes that take files (progress,
/// lifecycle steps, ledger imports) read more, up to the configured file sizes; a body
/// over its route's limit is refused (413) as soon as the limit is passed, not read on.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The application's router.
pub fn router(app: App) -> Router {
    let import_limit = app.config.import_body_limit();
    let upload_limit = app.config.upload_body_limit();
    Router::new()
        .route("/healthz", get(healthz))
        .route("/assets/app.css", get(css))
        .route("/assets/app.js", get(js))
        .route("/assets/favicon.svg", get(icon))
        .route("/favicon.ico", get(icon))
        .route("/login", get(login::login_page).post(login::login))
        .route("/logout", post(login::logout))
        .route(
            "/password",
            get(login::password_page).post(login::change_password),
        )
        .route("/lang/{code}", get(login::set_lang))
        .route("/", get(home::home))
        .route(
            "/inspections",
            get(inspections::list).post(inspections::create),
        )
        .route("/inspections/new", get(inspections::new))
        .route("/inspections/{id}", get(ledger::show))
        .route(
            "/inspections/{id}/edit",
            get(inspections::edit).post(inspections::update),
        )
        .route("/inspections/{id}/aspects", post(inspections::add_aspect))
        .route("/inspections/{id}/items", post(inspections::add_item))
        .route(
            "/inspections/{id}/outcomes",
            get(outcomes::show).post(outcomes::record),
        )
        .route(
            "/inspections/{id}/lookbacks",
            get(lookbacks::show).post(lookbacks::open),
        )
        .route("/aspects/{id}/edit", post(inspections::rename_aspect))
        .route("/inspections/{id}/file-plan", post(inspections::file_plan))
        .route("/problems/{id}/withdraw", post(problems::withdraw))
        .route(
            "/problems/{id}/step",
            post(problems::step).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/step-files/{id}", get(problems::step_file))
        .route("/settings/closure", get(rules::show).post(rules::save))
        .route("/postings", get(rules::postings))
        .route("/calendar", get(calendar::show).post(calendar::save))
        .route("/warnings", get(warnings::board))
        .route("/weekly", get(weekly::show).post(weekly::submit))
        .route("/weekly/rule", post(weekly::save_rule))
        .route("/weekly/summary", post(weekly::save_summary))
        .route("/weekly/summary.docx", get(weekly::download_summary))
        .route("/supervision", get(supervision::show))
        .route("/supervision/rounds", post(supervision::record_round))
        .route("/supervision/hearings", post(supervision::record_hearing))
        .route(
            "/supervision/rounds/{id}/circular",
            get(supervision::circular),
        )
        .route("/measures/{id}/milestones", post(measures::add_milestone))
        .route(
            "/measures/{id}/milestones/{milestone}",
            post(measures::change_milestone),
        )
        .route("/notifications", get(notifications::list))
        .route("/notifications/read", post(notifications::mark_read))
        .route("/notifications/email", post(notifications::save_email))
        .route(
            "/settings/warnings",
            get(warnings::show_rules).post(warnings::save_rules),
        )
        .route("/settings/channels", post(warnings::save_channels))
        .route(
            "/inspections/{id}/import",
            get(spreadsheets::form)
                .post(spreadsheets::upload)
                .layer(DefaultBodyLimit::max(import_limit)),
        )
        .route(
            "/inspections/{id}/import/preview",
            get(spreadsheets::preview_page),
        )
        .route(
            "/inspections/{id}/import/commit",
            post(spreadsheets::commit),
        )
        .route(
            "/inspections/{id}/import/columns",
            post(spreadsheets::decide_columns),
        )
        .route(
            "/settings/import-columns",
            get(header_words::show).post(header_words::add),
        )
        .route("/settings/import-columns/{id}", post(header_words::change))
        .route(
            "/inspections/{id}/imports/{import}/file",
            get(spreadsheets::imported_file),
        )
        .route("/inspections/{id}/ledger.xlsx", get(spreadsheets::download))
        .route("/measures/{id}/withdraw", post(measures::withdraw))
        .route("/measures/{id}/notices", post(measures::issue_notice))
        .route("/notices/{id}", get(measures::notice))
        .route("/inspections/{id}/problems/new", get(problems::new))
        .route("/inspections/{id}/problems", post(problems::create))
        .route("/problems/{id}", get(problems::show))
        .route(
            "/problems/{id}/edit",
            get(problems::edit).post(problems::update),
        )
        .route("/problems/{id}/measures/new", get(measures::new))
        .route("/problems/{id}/measures", post(measures::create))
        .route(
            "/problems/{id}/measures/batch",
            get(crate::pages::measure_grid::new).post(crate::pages::measure_grid::create),
        )
        .route("/measures", get(measures::list))
        .route("/measures/{id}", get(measures::show))
        .route(
            "/measures/{id}/edit",
            get(measures::edit).post(measures::update),
        )
        .route(
            "/measures/{id}/progress",
            post(measures::add_progress).layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/attachments/{id}", get(measures::attachment))
        .route("/tokens", get(admin::tokens_page).post(admin::create_token))
        .route("/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/admin/units", get(admin::units_page).post(admin::add_unit))
        .route("/admin/users", get(admin::users_page).post(admin::add_user))
        .route("/admin/users/{id}/password", post(admin::reset_password))
        .route("/admin/users/{id}/role", post(admin::set_role))
        .route("/admin/users/{id}/disabled", post(admin::set_disabled))
        .route("/admin/audit", get(trail::whole))
        .route("/admin/audit.csv", get(trail::export_whole))
        .route("/admin/audit/verify", post(trail::verify))
        .route("/records/{table}/{id}/trail", get(trail::page))
        .route("/records/{table}/{id}/trail.csv", get(trail::export))
        // Pages answer an unknown address or a form's address opened directly with a
        // page that says so (in both languages), not an empty response.
        .method_not_allowed_fallback(|| async { PageError::FormOnly })
        .fallback(|| async { PageError::Store(StoreError::NotFound) })
        .nest("/api/v1", crate::api::routes(upload_limit, import_limit))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(page_errors))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security_headers,
        ))
        .with_state(app)
}
