//! The JSON API under `/api/v1`: everything the pages do, for scripts. Authenticated
//! by a Bearer token (scoped exactly like its owner) or a browser session. The OpenAPI
//! document at `/api/v1/openapi.json` is generated from these handlers.

pub mod admin;
pub mod extract;
pub mod ledger;

pub use extract::ApiJson;

use axum::response::{IntoResponse, Response};
use axum::{Json, Router};
use serde::Serialize;
use utoipa::OpenApi;

use crate::error::{ApiError, ApiErrorBody};
use crate::state::App;

/// What axum answers by itself under the API (a method the address does not take, a
/// body that is not multipart where files are expected) is answered in the API's error
/// format too: a script reads every refusal the same way.
async fn errors_as_json(req: axum::extract::Request, next: axum::middleware::Next) -> Response {
    use axum::http::{StatusCode, header};
    let resp = next.run(req).await;
    let json = resp
        .headers()
        .get(header::CONTENT_TYPE)
        .is_some_and(|v| v.as_bytes().starts_with(b"application/json"));
    if json || !resp.status().is_client_error() {
        return resp;
    }
    match resp.status() {
        StatusCode::METHOD_NOT_ALLOWED => ApiError::MethodNotAllowed.into_response(),
        StatusCode::PAYLOAD_TOO_LARGE => ApiError::TooLarge.into_response(),
        _ => {
            let text = axum::body::to_bytes(resp.into_body(), 16 * 1024)
                .await
                .map(|b| String::from_utf8_lossy(&b).into_owned())
                .unwrap_or_default();
            ApiError::BadRequest(text).into_response()
        }
    }
}

/// The routes whose OpenAPI operation documents query parameters, as
/// `(method, path)` with the path as the router matches it (`/api/v1/measures/{id}`).
static TAKE_QUERY: std::sync::LazyLock<std::collections::HashSet<(String, String)>> =
    std::sync::LazyLock::new(|| {
        use utoipa::openapi::path::ParameterIn;
        let doc = ApiDoc::openapi();
        let mut taking = std::collections::HashSet::new();
        for (path, item) in &doc.paths.paths {
            let ops = [
                ("GET", &item.get),
                ("POST", &item.post),
                ("PUT", &item.put),
                ("DELETE", &item.delete),
                ("PATCH", &item.patch),
            ];
            for (method, op) in ops {
                let takes = op
                    .as_ref()
                    .and_then(|op| op.parameters.as_ref())
                    .is_some_and(|ps| {
                        ps.iter()
                            .any(|p| matches!(p.parameter_in, ParameterIn::Query))
                    });
                if takes {
                    taking.insert((method.to_string(), path.clone()));
                }
            }
        }
        taking
    });

/// A query string sent to a route that takes none is refused, as an unknown field of
/// a route that takes some is by its [`extract::Query`]: `/api/v1/inspections?status=x`
/// must not answer every inspection as if filtered. Which routes take one is read from
/// the OpenAPI document, so what is accepted is what is documented.
async fn query_only_where_taken(
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    let first = req
        .uri()
        .query()
        .and_then(|q| form_urlencoded::parse(q.as_bytes()).next())
        .map(|(k, _)| k.into_owned());
    if let Some(key) = first {
        let method = match *req.method() {
            axum::http::Method::HEAD => "GET".to_string(),
            ref m => m.as_str().to_string(),
        };
        let path = req
            .extensions()
            .get::<axum::extract::MatchedPath>()
            .map(|p| p.as_str().to_string())
            .unwrap_or_default();
        if !TAKE_QUERY.contains(&(method, path)) {
            return extract::no_query(&key).into_response();
        }
    }
    next.run(req).await
}

/// The id of a record just created.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Created {
    /// Its id.
    pub id: i64,
}

#[derive(OpenApi)]
#[openapi(
    info(title = "zhenggai 整改 API", description = "巡视巡察整改台账接口 — the rectification ledger API. Authenticate with `Authorization: Bearer TOKEN` (create a token on the /tokens page). Errors are JSON objects naming the field. A field or query parameter a route does not take is refused (400 naming it), never ignored; yes/no form fields take true/false, on, 1/0 or nothing."),
    paths(
        admin::me, admin::notifications, admin::mark_read, admin::create_token, admin::list_tokens, admin::revoke_token,
        admin::change_password, admin::set_disabled, admin::list_units, admin::create_unit, admin::list_users, admin::create_user,
        admin::set_role, admin::audit_trail, admin::record_trail, admin::verify_trail, admin::verify_trail_reaching,
        ledger::list_inspections, ledger::create_inspection, ledger::get_inspection, ledger::update_inspection,
        ledger::list_aspects, ledger::create_aspect, ledger::update_aspect, ledger::get_ledger,
        ledger::create_problem, ledger::get_problem, ledger::update_problem, ledger::problem_measures,
        ledger::create_measures,
        ledger::list_measures, ledger::create_measure, ledger::get_measure, ledger::update_measure,
        ledger::list_progress, ledger::add_progress, ledger::get_attachment,
        ledger::list_milestones, ledger::add_milestone,
        ledger::withdraw_problem, ledger::withdraw_measure, ledger::create_item,
        ledger::take_step, ledger::list_steps, ledger::get_step_file,
        ledger::get_closure_rules, ledger::set_closure_rules, ledger::list_postings,
        ledger::import_ledger, ledger::list_imports, ledger::get_import_file, ledger::export_ledger,
        ledger::list_lookbacks, ledger::open_lookback, ledger::file_plan,
        ledger::get_outcomes, ledger::create_accountability, ledger::create_institution, ledger::create_recovery,
    ),
    components(schemas(ApiErrorBody, Created)),
    modifiers(&BearerAuth),
    security(("bearer" = []))
)]
pub struct ApiDoc;

struct BearerAuth;

impl utoipa::Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

async fn openapi_json() -> impl IntoResponse {
    Json(ApiDoc::openapi())
}

/// The API routes, mounted under `/api/v1`: the routes that take files read bodies up
/// to `upload_limit` (progress, lifecycle steps) or `import_limit` (a ledger file), every
/// other one up to the router's [`crate::router::MAX_BODY_BYTES`].
pub fn routes(upload_limit: usize, import_limit: usize) -> Router<App> {
    use axum::extract::DefaultBodyLimit;
    use axum::routing::{get, post, put};
    Router::new()
        .route("/openapi.json", get(openapi_json))
        .route("/me", get(admin::me))
        .route("/notifications", get(admin::notifications))
        .route("/notifications/read", post(admin::mark_read))
        .route("/tokens", get(admin::list_tokens).post(admin::create_token))
        .route("/tokens/{id}/revoke", post(admin::revoke_token))
        .route("/password", post(admin::change_password))
        .route("/users/{id}/disabled", put(admin::set_disabled))
        .route("/units", get(admin::list_units).post(admin::create_unit))
        .route("/users", get(admin::list_users).post(admin::create_user))
        .route("/users/{id}/role", put(admin::set_role))
        .route("/audit", get(admin::audit_trail))
        .route(
            "/audit/verify",
            get(admin::verify_trail).post(admin::verify_trail_reaching),
        )
        .route("/audit/{table}/{id}", get(admin::record_trail))
        .route(
            "/inspections",
            get(ledger::list_inspections).post(ledger::create_inspection),
        )
        .route(
            "/inspections/{id}",
            get(ledger::get_inspection).put(ledger::update_inspection),
        )
        .route(
            "/inspections/{id}/aspects",
            get(ledger::list_aspects).post(ledger::create_aspect),
        )
        .route("/aspects/{id}", put(ledger::update_aspect))
        .route("/aspects/{id}/items", post(ledger::create_item))
        .route("/problems/{id}/withdraw", post(ledger::withdraw_problem))
        .route(
            "/problems/{id}/steps",
            get(ledger::list_steps)
                .post(ledger::take_step)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route("/measures/{id}/withdraw", post(ledger::withdraw_measure))
        .route("/inspections/{id}/ledger", get(ledger::get_ledger))
        .route("/inspections/{id}/problems", post(ledger::create_problem))
        .route("/inspections/{id}/outcomes", get(ledger::get_outcomes))
        .route("/inspections/{id}/file-plan", post(ledger::file_plan))
        .route(
            "/inspections/{id}/lookbacks",
            get(ledger::list_lookbacks).post(ledger::open_lookback),
        )
        .route(
            "/inspections/{id}/accountability",
            post(ledger::create_accountability),
        )
        .route(
            "/inspections/{id}/institutions",
            post(ledger::create_institution),
        )
        .route(
            "/inspections/{id}/recoveries",
            post(ledger::create_recovery),
        )
        .route(
            "/problems/{id}",
            get(ledger::get_problem).put(ledger::update_problem),
        )
        .route(
            "/problems/{id}/measures",
            get(ledger::problem_measures).post(ledger::create_measure),
        )
        .route(
            "/problems/{id}/measures/batch",
            post(ledger::create_measures),
        )
        .route("/measures", get(ledger::list_measures))
        .route(
            "/measures/{id}",
            get(ledger::get_measure).put(ledger::update_measure),
        )
        .route(
            "/measures/{id}/progress",
            get(ledger::list_progress)
                .post(ledger::add_progress)
                .layer(DefaultBodyLimit::max(upload_limit)),
        )
        .route(
            "/measures/{id}/milestones",
            get(ledger::list_milestones).post(ledger::add_milestone),
        )
        .route("/attachments/{id}", get(ledger::get_attachment))
        .route("/step-files/{id}", get(ledger::get_step_file))
        .route(
            "/closure-rules",
            get(ledger::get_closure_rules).put(ledger::set_closure_rules),
        )
        .route("/postings", get(ledger::list_postings))
        .route(
            "/inspections/{id}/import",
            post(ledger::import_ledger).layer(DefaultBodyLimit::max(import_limit)),
        )
        .route("/inspections/{id}/imports", get(ledger::list_imports))
        .route(
            "/inspections/{id}/imports/{import}/file",
            get(ledger::get_import_file),
        )
        .route("/inspections/{id}/ledger.xlsx", get(ledger::export_ledger))
        // An unknown address under the API answers as the API does (JSON), not with the
        // pages' fallback.
        .route_layer(axum::middleware::from_fn(query_only_where_taken))
        .route_layer(axum::middleware::from_fn(crate::request_log::note_route))
        .fallback(|| async { ApiError::from(zhenggai_storage::StoreError::NotFound) })
        .layer(axum::middleware::from_fn(errors_as_json))
}
