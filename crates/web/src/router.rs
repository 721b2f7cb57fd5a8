//! Every route of zhenggai, in one place.

use axum::Router;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::IntoResponse;
use axum::routing::{MethodRouter, get, post};

use crate::error::PageError;
use crate::pages::{
    admin, battle_map, calendar, documents, header_words, home, inspections, ledger, login,
    lookbacks, measures, meetings, notifications, opinion_box, outcomes, petitions, problems,
    rules, spreadsheets, supervision, trail, warnings, weekly,
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

/// The pages' content security policy: the site's own script and style only.
pub(crate) const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

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
        HeaderValue::from_static(CONTENT_SECURITY_POLICY),
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

/// The most bytes of a request's head hyper keeps while it reads one (its
/// `DEFAULT_MAX_BUFFER_SIZE`: 8 KB and 100 pages of 4 KB).
const HYPER_MAX_HEAD: usize = 8192 + 4096 * 100;

/// Headers larger than hyper's buffer are refused with 431, whatever their arrival:
/// hyper checks its buffer only while a head is incomplete, so a head that arrived in
/// one large read was parsed whole, and the same request was refused or served by how
/// the network cut it (`server::oversized` answers hyper's own refusals).
async fn headers_within_reach(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let head: usize = req.uri().to_string().len()
        + req
            .headers()
            .iter()
            .map(|(k, v)| k.as_str().len() + v.len() + 4)
            .sum::<usize>();
    if head > HYPER_MAX_HEAD {
        let mut resp = if req.uri().path().starts_with("/api/") {
            crate::error::ApiError::HeadersTooLarge.into_response()
        } else {
            PageError::HeadersTooLarge.into_response()
        };
        // As hyper's own refusal does: the rest of what was sent is not read.
        resp.headers_mut()
            .insert(header::CONNECTION, HeaderValue::from_static("close"));
        return resp;
    }
    next.run(req).await
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

/// Every route outside the API: pages, their forms, the assets. The router is built from
/// this one list, and the test that posts every page's form without its token walks it
/// (`tests/it/forms.rs`), so a form added here cannot go unchecked; add no page route
/// anywhere else.
pub fn page_routes(app: &App) -> Vec<(&'static str, MethodRouter<App>)> {
    let import_limit = app.config.import_body_limit();
    let upload_limit = app.config.upload_body_limit();
    vec![
        ("/healthz", get(healthz)),
        ("/assets/app.css", get(css)),
        ("/assets/app.js", get(js)),
        ("/assets/favicon.svg", get(icon)),
        ("/favicon.ico", get(icon)),
        ("/login", get(login::login_page).post(login::login)),
        ("/logout", post(login::logout)),
        (
            "/password",
            get(login::password_page).post(login::change_password),
        ),
        ("/lang/{code}", get(login::set_lang)),
        ("/", get(home::home)),
        (
            "/inspections",
            get(inspections::list).post(inspections::create),
        ),
        ("/inspections/new", get(inspections::new)),
        ("/inspections/{id}", get(ledger::show)),
        ("/inspections/{id}/map", get(battle_map::show)),
        (
            "/inspections/{id}/documents",
            get(documents::show).post(documents::generate_document),
        ),
        ("/publication/{kind}/{id}", post(documents::set_publication)),
        ("/inspections/{id}/archive.zip", get(documents::archive)),
        ("/map", get(battle_map::overview)),
        (
            "/inspections/{id}/edit",
            get(inspections::edit).post(inspections::update),
        ),
        ("/inspections/{id}/aspects", post(inspections::add_aspect)),
        ("/inspections/{id}/items", post(inspections::add_item)),
        (
            "/inspections/{id}/outcomes",
            get(outcomes::show).post(outcomes::record),
        ),
        (
            "/inspections/{id}/petitions",
            get(petitions::of_inspection).post(petitions::register),
        ),
        ("/petitions", get(petitions::all)),
        ("/meetings", get(meetings::list).post(meetings::create)),
        ("/meetings/{id}", get(meetings::show).post(meetings::act)),
        ("/meetings/{id}/report.docx", get(meetings::report)),
        // The public opinion box: no session, no CSRF token (there is no ambient
        // authority to abuse), the sender counted before the body is read.
        (
            "/box/{key}",
            get(opinion_box::show)
                .post(opinion_box::submit)
                .layer(DefaultBodyLimit::max(opinion_box::BOX_BODY_BYTES)),
        ),
        (
            "/box/{key}/receipt",
            post(opinion_box::receipt).layer(DefaultBodyLimit::max(opinion_box::BOX_BODY_BYTES)),
        ),
        ("/petitions/{id}", post(petitions::act)),
        (
            "/inspections/{id}/lookbacks",
            get(lookbacks::show).post(lookbacks::open),
        ),
        ("/aspects/{id}/edit", post(inspections::rename_aspect)),
        ("/inspections/{id}/file-plan", post(inspections::file_plan)),
        ("/problems/{id}/withdraw", post(problems::withdraw)),
        (
            "/problems/{id}/step",
            post(problems::step).layer(DefaultBodyLimit::max(upload_limit)),
        ),
        ("/step-files/{id}", get(problems::step_file)),
        ("/settings/closure", get(rules::show).post(rules::save)),
        ("/postings", get(rules::postings)),
        ("/calendar", get(calendar::show).post(calendar::save)),
        ("/warnings", get(warnings::board)),
        ("/weekly", get(weekly::show).post(weekly::submit)),
        ("/weekly/rule", post(weekly::save_rule)),
        ("/weekly/summary", post(weekly::save_summary)),
        ("/weekly/summary.docx", get(weekly::download_summary)),
        ("/supervision", get(supervision::show)),
        ("/supervision/rounds", post(supervision::record_round)),
        ("/supervision/hearings", post(supervision::record_hearing)),
        (
            "/supervision/rounds/{id}/circular",
            get(supervision::circular),
        ),
        ("/measures/{id}/milestones", post(measures::add_milestone)),
        (
            "/measures/{id}/milestones/{milestone}",
            post(measures::change_milestone),
        ),
        ("/notifications", get(notifications::list)),
        ("/notifications/read", post(notifications::mark_read)),
        ("/notifications/email", post(notifications::save_email)),
        (
            "/settings/warnings",
            get(warnings::show_rules).post(warnings::save_rules),
        ),
        ("/settings/channels", post(warnings::save_channels)),
        (
            "/inspections/{id}/import",
            get(spreadsheets::form)
                .post(spreadsheets::upload)
                .layer(DefaultBodyLimit::max(import_limit)),
        ),
        (
            "/inspections/{id}/import/preview",
            get(spreadsheets::preview_page),
        ),
        (
            "/inspections/{id}/import/commit",
            post(spreadsheets::commit),
        ),
        (
            "/inspections/{id}/import/columns",
            post(spreadsheets::decide_columns),
        ),
        (
            "/settings/import-columns",
            get(header_words::show).post(header_words::add),
        ),
        ("/settings/import-columns/{id}", post(header_words::change)),
        (
            "/inspections/{id}/imports/{import}/file",
            get(spreadsheets::imported_file),
        ),
        ("/inspections/{id}/ledger.xlsx", get(spreadsheets::download)),
        ("/measures/{id}/withdraw", post(measures::withdraw)),
        ("/measures/{id}/notices", post(measures::issue_notice)),
        ("/notices/{id}", get(measures::notice)),
        ("/notices/{id}/notice.docx", get(documents::notice)),
        ("/inspections/{id}/problems/new", get(problems::new)),
        ("/inspections/{id}/problems", post(problems::create)),
        ("/problems/{id}", get(problems::show)),
        (
            "/problems/{id}/edit",
            get(problems::edit).post(problems::update),
        ),
        ("/problems/{id}/measures/new", get(measures::new)),
        ("/problems/{id}/measures", post(measures::create)),
        (
            "/problems/{id}/measures/batch",
            get(crate::pages::measure_grid::new).post(crate::pages::measure_grid::create),
        ),
        ("/measures", get(measures::list)),
        ("/measures/{id}", get(measures::show)),
        (
            "/measures/{id}/edit",
            get(measures::edit).post(measures::update),
        ),
        (
            "/measures/{id}/progress",
            post(measures::add_progress).layer(DefaultBodyLimit::max(upload_limit)),
        ),
        ("/attachments/{id}", get(measures::attachment)),
        ("/tokens", get(admin::tokens_page).post(admin::create_token)),
        ("/tokens/{id}/revoke", post(admin::revoke_token)),
        ("/admin/units", get(admin::units_page).post(admin::add_unit)),
        ("/admin/users", get(admin::users_page).post(admin::add_user)),
        ("/admin/users/{id}/password", post(admin::reset_password)),
        ("/admin/users/{id}/role", post(admin::set_role)),
        ("/admin/users/{id}/disabled", post(admin::set_disabled)),
        ("/admin/audit", get(trail::whole)),
        ("/admin/audit.csv", get(trail::export_whole)),
        ("/admin/audit/verify", post(trail::verify)),
        ("/records/{table}/{id}/trail", get(trail::page)),
        ("/records/{table}/{id}/trail.csv", get(trail::export)),
    ]
}

/// Whether a page's address serves an organisation's ledger, refused to the roles that
/// read none (`session::LedgerRoute`): every page but those each role has (the home
/// page, the login and the password, the language, notifications, tokens), the
/// administrators' own (accounts, the audit trail and the records' change records,
/// which decide for themselves) and the calendar; a new page is the ledger's unless
/// listed here.
fn serves_the_ledger(path: &str) -> bool {
    const EVERY_ROLE: &[&str] = &[
        "/",
        "/healthz",
        "/favicon.ico",
        "/login",
        "/logout",
        "/password",
        "/lang/{code}",
        "/calendar",
    ];
    const EVERY_ROLE_UNDER: &[&str] = &[
        "/assets/",
        // The public opinion box: no one logs in to it.
        "/box/",
        "/notifications",
        "/tokens",
        "/admin/",
        "/records/",
    ];
    !(EVERY_ROLE.contains(&path) || EVERY_ROLE_UNDER.iter().any(|p| path.starts_with(p)))
}

/// The application's router.
pub fn router(app: App) -> Router {
    let upload_limit = app.config.upload_body_limit();
    let import_limit = app.config.import_body_limit();
    page_routes(&app)
        .into_iter()
        .fold(Router::new(), |router, (path, route)| {
            if serves_the_ledger(path) {
                router.route(
                    path,
                    route.route_layer(axum::middleware::from_fn(crate::session::ledger_route)),
                )
            } else {
                router.route(path, route)
            }
        })
        .route_layer(axum::middleware::from_fn(crate::request_log::note_route))
        // Pages answer an unknown address or a form's address opened directly with a
        // page that says so (in both languages), not an empty response.
        .method_not_allowed_fallback(|| async { PageError::FormOnly })
        .fallback(|| async { PageError::Store(StoreError::NotFound) })
        .merge(Router::from(crate::api::routes(upload_limit, import_limit)))
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(headers_within_reach))
        .layer(axum::middleware::from_fn(page_errors))
        .layer(axum::middleware::from_fn_with_state(
            app.clone(),
            security_headers,
        ))
        .layer(axum::middleware::from_fn(crate::request_log::log_requests))
        .with_state(app)
}
