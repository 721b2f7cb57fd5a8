//! The API does everything the pages do: every page route of the router that takes a
//! form (a page's write), and every one that answers a GET (a page's read), has its
//! counterpart in the API's document, or is exempted here with its reason. A page
//! added without one fails these tests.

use std::collections::BTreeSet;

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::util::*;

/// Each page write and the API operations that do what it does.
const COUNTERPARTS: &[(&str, &[&str])] = &[
    ("/password", &["POST /api/v1/password"]),
    ("/inspections", &["POST /api/v1/inspections"]),
    ("/inspections/{id}/edit", &["PUT /api/v1/inspections/{id}"]),
    (
        "/inspections/{id}/aspects",
        &["POST /api/v1/inspections/{id}/aspects"],
    ),
    ("/aspects/{id}/edit", &["PUT /api/v1/aspects/{id}"]),
    // The page picks the aspect in the form; the API names it in the address.
    (
        "/inspections/{id}/items",
        &["POST /api/v1/aspects/{id}/items"],
    ),
    // One form for the three kinds of outcome; one route for each in the API.
    (
        "/inspections/{id}/outcomes",
        &[
            "POST /api/v1/inspections/{id}/accountability",
            "POST /api/v1/inspections/{id}/institutions",
            "POST /api/v1/inspections/{id}/recoveries",
        ],
    ),
    (
        "/inspections/{id}/lookbacks",
        &["POST /api/v1/inspections/{id}/lookbacks"],
    ),
    (
        "/inspections/{id}/petitions",
        &["POST /api/v1/inspections/{id}/petitions"],
    ),
    // One form address for a petition's result, its return and its change.
    (
        "/petitions/{id}",
        &[
            "POST /api/v1/petitions/{id}/conclusion",
            "POST /api/v1/petitions/{id}/return",
            "POST /api/v1/petitions/{id}/withdraw",
            "PUT /api/v1/petitions/{id}",
        ],
    ),
    ("/meetings", &["POST /api/v1/meetings"]),
    // One form address for every change to a meeting; a route for each in the API.
    (
        "/meetings/{id}",
        &[
            "POST /api/v1/meetings/{id}/box/open",
            "POST /api/v1/meetings/{id}/box/close",
            "PUT /api/v1/meetings/{id}",
            "POST /api/v1/meetings/{id}/opinions",
            "POST /api/v1/opinions/{id}/sorting",
            "POST /api/v1/opinions/{id}/merge",
            "POST /api/v1/opinions/{id}/acknowledgement",
            "POST /api/v1/meetings/{id}/talks",
            "PUT /api/v1/meetings/{id}/material",
            "POST /api/v1/meetings/{id}/findings",
            "POST /api/v1/findings/{id}/withdraw",
            "PUT /api/v1/meetings/{id}/minutes",
            "POST /api/v1/meetings/{id}/remarks",
            "POST /api/v1/meetings/{id}/carry",
        ],
    ),
    // The public box takes the same body at its own link and under the API.
    ("/box/{key}", &["POST /api/v1/box/{key}"]),
    ("/box/{key}/receipt", &["POST /api/v1/box/{key}/receipt"]),
    (
        "/inspections/{id}/file-plan",
        &["POST /api/v1/inspections/{id}/file-plan"],
    ),
    (
        "/inspections/{id}/problems",
        &["POST /api/v1/inspections/{id}/problems"],
    ),
    ("/problems/{id}/edit", &["PUT /api/v1/problems/{id}"]),
    // The form answers with the document itself.
    (
        "/inspections/{id}/documents",
        &["POST /api/v1/inspections/{id}/documents/{kind}"],
    ),
    (
        "/publication/{kind}/{id}",
        &["PUT /api/v1/publication/{kind}/{id}"],
    ),
    (
        "/problems/{id}/withdraw",
        &["POST /api/v1/problems/{id}/withdraw"],
    ),
    ("/problems/{id}/step", &["POST /api/v1/problems/{id}/steps"]),
    (
        "/problems/{id}/measures",
        &["POST /api/v1/problems/{id}/measures"],
    ),
    (
        "/problems/{id}/measures/batch",
        &["POST /api/v1/problems/{id}/measures/batch"],
    ),
    ("/measures/{id}/edit", &["PUT /api/v1/measures/{id}"]),
    (
        "/measures/{id}/withdraw",
        &["POST /api/v1/measures/{id}/withdraw"],
    ),
    (
        "/measures/{id}/progress",
        &["POST /api/v1/measures/{id}/progress"],
    ),
    (
        "/measures/{id}/milestones",
        &["POST /api/v1/measures/{id}/milestones"],
    ),
    // One form marks a milestone reached or withdraws it; the API has a route for each.
    (
        "/measures/{id}/milestones/{milestone}",
        &[
            "POST /api/v1/milestones/{id}/done",
            "POST /api/v1/milestones/{id}/withdraw",
        ],
    ),
    (
        "/measures/{id}/notices",
        &["POST /api/v1/measures/{id}/notices"],
    ),
    ("/settings/closure", &["PUT /api/v1/closure-rules"]),
    ("/settings/warnings", &["PUT /api/v1/warning-rules"]),
    ("/settings/channels", &["PUT /api/v1/channels"]),
    ("/settings/import-columns", &["POST /api/v1/header-words"]),
    (
        "/settings/import-columns/{id}",
        &[
            "PUT /api/v1/header-words/{id}",
            "POST /api/v1/header-words/{id}/withdraw",
        ],
    ),
    (
        "/inspections/{id}/import",
        &["POST /api/v1/inspections/{id}/import"],
    ),
    ("/calendar", &["POST /api/v1/calendar"]),
    ("/weekly", &["POST /api/v1/weekly/reports"]),
    ("/weekly/rule", &["PUT /api/v1/weekly/rule"]),
    ("/weekly/summary", &["PUT /api/v1/weekly/summary"]),
    ("/supervision/rounds", &["POST /api/v1/supervision/rounds"]),
    (
        "/supervision/hearings",
        &["POST /api/v1/supervision/hearings"],
    ),
    ("/notifications/read", &["POST /api/v1/notifications/read"]),
    ("/notifications/email", &["PUT /api/v1/notifications/email"]),
    ("/tokens", &["POST /api/v1/tokens"]),
    ("/tokens/{id}/revoke", &["POST /api/v1/tokens/{id}/revoke"]),
    ("/admin/units", &["POST /api/v1/units"]),
    ("/admin/users", &["POST /api/v1/users"]),
    (
        "/admin/users/{id}/password",
        &["POST /api/v1/users/{id}/password"],
    ),
    ("/admin/users/{id}/role", &["PUT /api/v1/users/{id}/role"]),
    (
        "/admin/users/{id}/disabled",
        &["PUT /api/v1/users/{id}/disabled"],
    ),
    ("/admin/audit/verify", &["POST /api/v1/audit/verify"]),
];

/// Page writes the API does not repeat, each with its reason.
const EXEMPT: &[(&str, &str)] = &[
    (
        "/login",
        "opens a browser session; a script authenticates with a token made on /tokens",
    ),
    (
        "/logout",
        "ends a browser session; a script's token is revoked with POST /api/v1/tokens/{id}/revoke",
    ),
    (
        "/inspections/{id}/import/commit",
        "the page imports in steps (upload, preview, commit); the API in one call: POST /api/v1/inspections/{id}/import without dry_run",
    ),
    (
        "/inspections/{id}/import/columns",
        "a step of the page's preview; through the API a column is left out with ignore_unknown_columns, and its header word taught with POST /api/v1/header-words",
    ),
];

/// The page routes that take a post: the router's own list (`router::page_routes`),
/// each address posted as a form without its token by a signed-in person. A route that
/// takes no post answers 405; a form refuses the missing token before its handler runs,
/// so nothing is written (`forms.rs` holds each to that).
async fn page_writes(t: &TestApp) -> BTreeSet<String> {
    let s = t.login("office").await;
    let mut writes = BTreeSet::new();
    for (pattern, _) in zhenggai_web::router::page_routes(&t.app) {
        let path: String = pattern
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "1"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        let req = Request::post(path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::COOKIE, &s.cookie)
            .body(Body::from("title=x"))
            .unwrap();
        if t.send(req).await.status != StatusCode::METHOD_NOT_ALLOWED {
            writes.insert(pattern.to_string());
        }
    }
    writes
}

#[tokio::test]
async fn every_page_write_has_an_api_counterpart_or_a_reason() {
    let t = TestApp::new().await;
    let writes = page_writes(&t).await;
    // The walk read the router: its writes are many, and the API's are not among them.
    assert!(writes.len() >= 40, "{writes:?}");
    assert!(writes.iter().all(|p| !p.starts_with("/api/")), "{writes:?}");

    let doc = t.get(None, "/api/v1/openapi.json").await.json();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .flat_map(|(path, ops)| {
            ops.as_object()
                .unwrap()
                .keys()
                .map(move |method| format!("{} {path}", method.to_uppercase()))
        })
        .collect();

    check_counterparts("write", &writes, COUNTERPARTS, EXEMPT, &documented);
}

/// Each page that shows data and the API reads that give the same.
const READ_COUNTERPARTS: &[(&str, &[&str])] = &[
    // The home page: what waits for the person, and their open measures with counts
    // (the list's `total` under each `status` filter).
    (
        "/",
        &[
            "GET /api/v1/todo",
            "GET /api/v1/measures",
            "GET /api/v1/petitions",
        ],
    ),
    ("/inspections", &["GET /api/v1/inspections"]),
    (
        "/inspections/{id}",
        &[
            "GET /api/v1/inspections/{id}",
            "GET /api/v1/inspections/{id}/ledger",
        ],
    ),
    // An edit form shows the record as stored.
    ("/inspections/{id}/edit", &["GET /api/v1/inspections/{id}"]),
    (
        "/inspections/{id}/outcomes",
        &["GET /api/v1/inspections/{id}/outcomes"],
    ),
    (
        "/inspections/{id}/petitions",
        &["GET /api/v1/inspections/{id}/petitions"],
    ),
    ("/petitions", &["GET /api/v1/petitions"]),
    ("/meetings", &["GET /api/v1/meetings"]),
    ("/meetings/{id}", &["GET /api/v1/meetings/{id}"]),
    (
        "/meetings/{id}/report.docx",
        &["GET /api/v1/meetings/{id}/report.docx"],
    ),
    ("/box/{key}", &["GET /api/v1/box/{key}"]),
    (
        "/inspections/{id}/map",
        &["GET /api/v1/inspections/{id}/map"],
    ),
    // The form's choices and what the document will quote.
    (
        "/inspections/{id}/documents",
        &["GET /api/v1/inspections/{id}/statistics"],
    ),
    (
        "/notices/{id}/notice.docx",
        &["GET /api/v1/notices/{id}/notice.docx"],
    ),
    (
        "/inspections/{id}/archive.zip",
        &["GET /api/v1/inspections/{id}/archive.zip"],
    ),
    ("/map", &["GET /api/v1/statistics"]),
    (
        "/inspections/{id}/lookbacks",
        &["GET /api/v1/inspections/{id}/lookbacks"],
    ),
    // The import's first page lists the files imported before.
    (
        "/inspections/{id}/import",
        &["GET /api/v1/inspections/{id}/imports"],
    ),
    (
        "/inspections/{id}/imports/{import}/file",
        &["GET /api/v1/inspections/{id}/imports/{import}/file"],
    ),
    (
        "/inspections/{id}/ledger.xlsx",
        &["GET /api/v1/inspections/{id}/ledger.xlsx"],
    ),
    (
        "/problems/{id}",
        &[
            "GET /api/v1/problems/{id}",
            "GET /api/v1/problems/{id}/measures",
            "GET /api/v1/problems/{id}/steps",
        ],
    ),
    ("/problems/{id}/edit", &["GET /api/v1/problems/{id}"]),
    ("/step-files/{id}", &["GET /api/v1/step-files/{id}"]),
    ("/measures", &["GET /api/v1/measures"]),
    (
        "/measures/{id}",
        &[
            "GET /api/v1/measures/{id}",
            "GET /api/v1/measures/{id}/progress",
            "GET /api/v1/measures/{id}/milestones",
            "GET /api/v1/measures/{id}/notices",
        ],
    ),
    ("/measures/{id}/edit", &["GET /api/v1/measures/{id}"]),
    ("/attachments/{id}", &["GET /api/v1/attachments/{id}"]),
    ("/notices/{id}", &["GET /api/v1/notices/{id}"]),
    ("/settings/closure", &["GET /api/v1/closure-rules"]),
    ("/postings", &["GET /api/v1/postings"]),
    ("/calendar", &["GET /api/v1/calendar"]),
    ("/warnings", &["GET /api/v1/warnings"]),
    (
        "/settings/warnings",
        &["GET /api/v1/warning-rules", "GET /api/v1/channels"],
    ),
    ("/settings/import-columns", &["GET /api/v1/header-words"]),
    (
        "/weekly",
        &[
            "GET /api/v1/weekly/reports",
            "GET /api/v1/weekly/summary",
            "GET /api/v1/weekly/rule",
        ],
    ),
    ("/weekly/summary.docx", &["GET /api/v1/weekly/summary.docx"]),
    (
        "/supervision",
        &[
            "GET /api/v1/supervision/rounds",
            "GET /api/v1/supervision/hearings",
        ],
    ),
    // A circular prints one round and its findings.
    (
        "/supervision/rounds/{id}/circular",
        &["GET /api/v1/supervision/rounds/{id}"],
    ),
    (
        "/notifications",
        &[
            "GET /api/v1/notifications",
            "GET /api/v1/notifications/email",
        ],
    ),
    ("/tokens", &["GET /api/v1/tokens"]),
    ("/admin/units", &["GET /api/v1/units"]),
    ("/admin/users", &["GET /api/v1/users"]),
    ("/admin/audit", &["GET /api/v1/audit"]),
    // The CSV holds the entries the JSON holds, in words beside the raw columns.
    ("/admin/audit.csv", &["GET /api/v1/audit"]),
    (
        "/records/{table}/{id}/trail",
        &["GET /api/v1/audit/{table}/{id}"],
    ),
    (
        "/records/{table}/{id}/trail.csv",
        &["GET /api/v1/audit/{table}/{id}"],
    ),
];

/// Page reads the API does not repeat, each with its reason: nothing of a record is
/// shown there that a script could not read elsewhere.
const READ_EXEMPT: &[(&str, &str)] = &[
    (
        "/healthz",
        "the server's health for a monitor, not a record",
    ),
    ("/assets/app.css", "the pages' stylesheet"),
    ("/assets/app.js", "the pages' script"),
    ("/assets/favicon.svg", "the tab's icon"),
    ("/favicon.ico", "the tab's icon"),
    (
        "/login",
        "the login form; a script authenticates with a token made on /tokens",
    ),
    (
        "/password",
        "the password form; whether a change is required is GET /api/v1/me",
    ),
    (
        "/lang/{code}",
        "sets the pages' language; the API answers in both (message, message_en)",
    ),
    (
        "/inspections/new",
        "an empty form; the kinds and fields are in the API document",
    ),
    (
        "/inspections/{id}/problems/new",
        "an empty form; its choices are GET /api/v1/inspections/{id}/aspects and GET /api/v1/units",
    ),
    (
        "/problems/{id}/measures/new",
        "an empty form; its choices are GET /api/v1/units and GET /api/v1/users",
    ),
    (
        "/problems/{id}/measures/batch",
        "an empty grid of rows for POST /api/v1/problems/{id}/measures/batch",
    ),
    (
        "/inspections/{id}/import/preview",
        "a step of the page's import; through the API, POST /api/v1/inspections/{id}/import with dry_run answers the reading",
    ),
];

/// The page routes that answer a GET: the router's own list, each address asked for
/// by a signed-in person. A route that takes only a post answers 405.
async fn page_reads(t: &TestApp) -> BTreeSet<String> {
    let s = t.login("office").await;
    let mut reads = BTreeSet::new();
    for (pattern, _) in zhenggai_web::router::page_routes(&t.app) {
        let path: String = pattern
            .split('/')
            .map(|segment| {
                if segment.starts_with('{') {
                    "1"
                } else {
                    segment
                }
            })
            .collect::<Vec<_>>()
            .join("/");
        if t.get(Some(&s), &path).await.status != StatusCode::METHOD_NOT_ALLOWED {
            reads.insert(pattern.to_string());
        }
    }
    reads
}

#[tokio::test]
async fn every_page_read_has_an_api_counterpart_or_a_reason() {
    let t = TestApp::new().await;
    let reads = page_reads(&t).await;
    assert!(reads.len() >= 40, "{reads:?}");
    assert!(reads.iter().all(|p| !p.starts_with("/api/")), "{reads:?}");

    let doc = t.get(None, "/api/v1/openapi.json").await.json();
    let documented: BTreeSet<String> = doc["paths"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, ops)| ops.get("get").is_some())
        .map(|(path, _)| format!("GET {path}"))
        .collect();

    check_counterparts("read", &reads, READ_COUNTERPARTS, READ_EXEMPT, &documented);
}

/// Each page route (`routes`, writes or reads) maps to operations the API documents, or
/// is exempted with its reason, never both; and no entry outlives its page route.
fn check_counterparts(
    kind: &str,
    routes: &BTreeSet<String>,
    counterparts: &[(&str, &[&str])],
    exempt: &[(&str, &str)],
    documented: &BTreeSet<String>,
) {
    let mut missing = Vec::new();
    for route in routes {
        let mapped = counterparts.iter().find(|(page, _)| page == route);
        let exempted = exempt.iter().any(|(page, _)| page == route);
        match (mapped, exempted) {
            (Some(_), true) => panic!("{route} is both mapped and exempted"),
            (None, false) => missing.push(route.clone()),
            (Some((_, ops)), false) => {
                for op in *ops {
                    assert!(
                        documented.contains(*op),
                        "{route}: its counterpart {op} is not in the API's document"
                    );
                }
            }
            (None, true) => {}
        }
    }
    assert!(
        missing.is_empty(),
        "page {kind}s without an API counterpart (add one, or exempt it with its reason): {missing:?}"
    );
    for page in counterparts
        .iter()
        .map(|(p, _)| p)
        .chain(exempt.iter().map(|(p, _)| p))
    {
        assert!(routes.contains(*page), "{page} is no longer a page {kind}");
    }
}
