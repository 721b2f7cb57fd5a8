//! The JSON API under `/api/v1`: everything the pages do, for scripts. Authenticated
//! by a Bearer token (scoped exactly like its owner) or a browser session. The OpenAPI
//! document at `/api/v1/openapi.json` is collected from the router: each route is
//! declared once, on its handler (`#[utoipa::path]`), and added with `routes!`. The
//! files mirror `pages/`: each holds a resource's handlers and its router fragment.

pub mod admin;
pub mod calendar;
pub mod conflict;
pub mod documents;
pub mod extract;
pub mod header_words;
pub mod home;
pub mod inspections;
pub mod ledger;
pub mod login;
pub mod lookbacks;
pub mod measure_grid;
pub mod measures;
pub mod meetings;
pub mod notifications;
pub mod outcomes;
pub mod petitions;
pub mod problems;
pub mod rules;
pub mod spreadsheets;
pub mod statistics;
pub mod supervision;
pub mod trail;
pub mod warnings;
pub mod weekly;

pub use extract::{ApiJson, Versioned};

use axum::Json;
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::error::{ApiError, ApiErrorBody, Malformed};
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
            ApiError::BadRequest(Malformed::Reader(text)).into_response()
        }
    }
}

/// The routes whose OpenAPI operation documents query parameters, as
/// `(method, path)` with the path as the router matches it (`/api/v1/measures/{id}`).
static TAKE_QUERY: std::sync::LazyLock<std::collections::HashSet<(String, String)>> =
    std::sync::LazyLock::new(|| {
        use utoipa::openapi::path::ParameterIn;
        let doc = document();
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

/// A withdrawal: the version read and why.
#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct WithdrawInput {
    /// The version read.
    pub version: i64,
    /// Why it is withdrawn (required; kept in the audit trail).
    pub reason: String,
}

/// What the document says besides its paths: the title, how to authenticate, the error
/// body. The paths come from the router ([`routes`]), where each route is declared once.
#[derive(OpenApi)]
#[openapi(
    info(title = "zhenggai 整改 API", description = "巡视巡察整改台账接口 — the rectification ledger API. Authenticate with `Authorization: Bearer TOKEN` (create a token on the /tokens page). Errors are JSON objects naming the field. A field or query parameter a route does not take is refused (400 naming it), never ignored; yes/no form fields take true/false, on, 1/0 or nothing."),
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

/// The OpenAPI document, as the router collects it from the handlers' annotations.
pub fn document() -> &'static utoipa::openapi::OpenApi {
    static DOC: std::sync::LazyLock<utoipa::openapi::OpenApi> =
        std::sync::LazyLock::new(|| routes(0, 0).into_openapi());
    &DOC
}

async fn openapi_json() -> impl IntoResponse {
    Json(document())
}

/// A fragment of the ledger's routes: refused to the roles that read no ledger
/// (`session::LedgerRoute`).
fn ledger_only(routes: OpenApiRouter<App>) -> OpenApiRouter<App> {
    routes.route_layer(axum::middleware::from_fn(crate::session::ledger_route))
}

/// The API routes under `/api/v1`, each declared once with its handler (`routes!` reads
/// the path and method from the handler's `#[utoipa::path]`), the fragments laid out as
/// `pages/` is. The routes that take files read bodies up to `upload_limit` (progress,
/// lifecycle steps) or `import_limit` (a ledger file), every other one up to the
/// router's [`crate::router::MAX_BODY_BYTES`].
pub fn routes(upload_limit: usize, import_limit: usize) -> OpenApiRouter<App> {
    let api = OpenApiRouter::new()
        .route("/openapi.json", axum::routing::get(openapi_json))
        .merge(login::routes())
        .merge(home::routes())
        .merge(notifications::routes())
        .merge(admin::routes())
        .merge(trail::routes())
        .merge(ledger_only(inspections::routes()))
        .merge(ledger_only(ledger::routes()))
        .merge(ledger_only(problems::routes(upload_limit)))
        .merge(ledger_only(measures::routes(upload_limit)))
        .merge(ledger_only(measure_grid::routes()))
        .merge(ledger_only(outcomes::routes()))
        .merge(ledger_only(petitions::routes()))
        .merge(ledger_only(meetings::routes()))
        .merge(meetings::public_routes())
        .merge(ledger_only(statistics::routes()))
        .merge(ledger_only(documents::routes()))
        .merge(ledger_only(lookbacks::routes()))
        .merge(ledger_only(rules::routes()))
        .merge(ledger_only(spreadsheets::routes(import_limit)))
        .merge(ledger_only(header_words::routes()))
        .merge(ledger_only(weekly::routes()))
        .merge(ledger_only(warnings::routes()))
        .merge(ledger_only(supervision::routes()))
        .merge(calendar::routes())
        // An unknown address under the API answers as the API does (JSON), not with the
        // pages' fallback.
        .route_layer(axum::middleware::from_fn(conflict::name_changes))
        .route_layer(axum::middleware::from_fn(query_only_where_taken))
        .route_layer(axum::middleware::from_fn(crate::request_log::note_route))
        .fallback(|| async { ApiError::from(zhenggai_storage::StoreError::NotFound) })
        .layer(axum::middleware::from_fn(errors_as_json));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest("/api/v1", api)
}
