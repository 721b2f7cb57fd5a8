//! The web edge against a hostile client: redirects that stay on this site, bodies
//! bounded before they are read, browser protections in the headers, and malformed
//! API requests answered in the API's error format.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use axum::body::Body;
use axum::http::{Request, StatusCode, header};

use crate::util::*;

/// Query-string forms of targets a browser would follow off this site: control
/// characters it strips, `\` it reads as `/`, other schemes, and their encodings.
const OFF_SITE: &[&str] = &[
    "/%09/evil.example/x",
    "/%0d/evil.example/x",
    "/%0a/evil.example/x",
    "/%0d%0a/evil.example/x",
    "%09//evil.example",
    "//%09evil.example",
    "//evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "%5C%5Cevil.example",
    "/%5C%09evil.example",
    "https:evil.example",
    "https://evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "/%00/evil.example",
];

#[tokio::test]
async fn the_language_switch_returns_only_to_a_page_of_this_site() {
    let t = TestApp::new().await;
    for back in OFF_SITE {
        let r = t.get(None, &format!("/lang/zh?back={back}")).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{back}");
        assert_eq!(r.location(), "/", "back={back}");
    }
    let r = t
        .get(None, "/lang/en?back=/measures%3Fstatus%3Doverdue")
        .await;
    assert_eq!(r.location(), "/measures?status=overdue");
}

#[tokio::test]
async fn logging_in_continues_only_to_a_page_of_this_site() {
    let t = TestApp::new().await;
    for next in OFF_SITE {
        let page = t.get(None, &format!("/login?next={next}")).await;
        assert_eq!(page.field("next"), "/", "next={next}");
    }
    // The form's own field, decoded as the form sends it.
    for next in [
        "/\t/evil.example/x",
        "/\r\n/evil.example",
        "/\\evil.example",
    ] {
        let r = t.submit_login("office", PASSWORD, next).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.location(), "/", "{next:?}");
    }
}

fn header<'a>(r: &'a Resp, name: &str) -> &'a str {
    r.headers
        .get(name)
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
}

#[tokio::test]
async fn pages_allow_no_script_but_the_sites_own_and_are_not_cached() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    let inspection = t.inspection().await;
    for path in [
        "/".to_string(),
        "/measures".to_string(),
        format!("/inspections/{inspection}"),
        "/login".to_string(),
        "/no-such-page".to_string(),
    ] {
        let r = t.get(Some(&s), &path).await;
        let csp = header(&r, "content-security-policy");
        assert!(csp.contains("script-src 'self';"), "{path}: {csp}");
        assert!(!csp.contains("unsafe-inline"), "{path}: {csp}");
        assert_eq!(header(&r, "cache-control"), "no-store", "{path}");
        assert_eq!(header(&r, "strict-transport-security"), "", "{path}");
    }
    // Downloads too: the ledger as a spreadsheet, and through the API.
    let xlsx = t
        .get(Some(&s), &format!("/inspections/{inspection}/ledger.xlsx"))
        .await;
    assert_eq!(xlsx.status, StatusCode::OK);
    assert_eq!(header(&xlsx, "cache-control"), "no-store");
    let token = t.token("office").await;
    let me = t.api(&token, "GET", "/api/v1/me", None).await;
    assert_eq!(header(&me, "cache-control"), "no-store");
    // The stylesheet and the script are the same for everyone and may be kept.
    for asset in ["/assets/app.css", "/assets/app.js"] {
        let r = t.get(None, asset).await;
        assert!(header(&r, "cache-control").starts_with("public"), "{asset}");
    }
}

#[tokio::test]
async fn attachments_are_not_cached() {
    let t = TestApp::new().await;
    let s = t.login("finance").await;
    let m = t.measure(FINANCE_LEAD).await;
    let r = t
        .post_progress(
            Auth::Session(&s),
            &format!("/measures/{m}/progress"),
            &[
                ("csrf", &s.csrf),
                ("happened_on", "2024-04-25"),
                ("content", "已完成账户清理"),
            ],
            &[("evidence.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let id = t.latest_attachment(m).await;
    let file = t.get(Some(&s), &format!("/attachments/{id}")).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.bytes, PDF);
    assert_eq!(header(&file, "cache-control"), "no-store");
}

#[tokio::test]
async fn behind_https_the_browser_is_told_to_stay_on_https() {
    let mut t = TestApp::new().await;
    t.reconfigure(|c| c.secure_cookies = true);
    for path in ["/login", "/assets/app.css", "/api/v1/me"] {
        let r = t.get(None, path).await;
        assert_eq!(
            header(&r, "strict-transport-security"),
            "max-age=31536000",
            "{path}"
        );
    }
}

/// A handler written into a page (`onclick=`, `javascript:`, an inline `<script>`)
/// would not run under the policy: every template leaves script to `app.js`.
#[test]
fn templates_carry_no_script_of_their_own() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut seen = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap().to_lowercase();
        seen += 1;
        for (at, _) in text.match_indices(" on") {
            let name: String = text[at + 1..]
                .chars()
                .take_while(|c| c.is_ascii_alphabetic())
                .collect();
            assert!(
                !text[at + 1 + name.len()..].starts_with('='),
                "{}: inline handler {name}=",
                path.display()
            );
        }
        assert!(!text.contains("javascript:"), "{}", path.display());
        for (at, _) in text.match_indices("<script") {
            let tag = &text[at..text[at..].find('>').map_or(text.len(), |e| at + e)];
            assert!(tag.contains(" src="), "{}: {tag}", path.display());
        }
    }
    assert!(seen > 10);
}

/// A body of `total` bytes produced as it is read, counting what the server pulled.
fn counted_body(total: usize, pulled: Arc<AtomicUsize>) -> Body {
    const CHUNK: usize = 64 * 1024;
    static ZEROS: [u8; CHUNK] = [b' '; CHUNK];
    let chunks = (0..total / CHUNK).map(move |_| {
        pulled.fetch_add(CHUNK, Ordering::SeqCst);
        Ok::<_, std::convert::Infallible>(axum::body::Bytes::from_static(&ZEROS))
    });
    Body::from_stream(futures_util::stream::iter(chunks))
}

#[tokio::test]
async fn an_oversized_json_body_is_refused_before_it_is_read_whole() {
    let t = TestApp::new().await;
    let token = t.token("finance").await;
    let limit = zhenggai_web::router::MAX_BODY_BYTES;
    for path in ["/api/v1/notifications/read", "/api/v1/inspections"] {
        let pulled = Arc::new(AtomicUsize::new(0));
        let req = Request::post(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"))
            .header(header::CONTENT_TYPE, "application/json")
            .body(counted_body(190 * 1024 * 1024, pulled.clone()))
            .unwrap();
        let r = t.send(req).await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{path}: {}",
            r.body
        );
        assert_eq!(r.json()["error"], "too_large", "{path}");
        let read = pulled.load(Ordering::SeqCst);
        assert!(read <= limit + 64 * 1024, "{path}: read {read} bytes");
    }
    // A page's form likewise.
    let s = t.login("finance").await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let req = Request::post("/notifications/read")
        .header(header::COOKIE, &s.cookie)
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(counted_body(190 * 1024 * 1024, pulled.clone()))
        .unwrap();
    let r = t.send(req).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE);
    assert!(pulled.load(Ordering::SeqCst) <= limit + 64 * 1024);
}

#[tokio::test]
async fn files_are_accepted_up_to_the_upload_limit_and_no_further() {
    let mut t = TestApp::new().await;
    // Files larger than a JSON body may be, on a small configured upload limit.
    let max_file = 3 * zhenggai_web::router::MAX_BODY_BYTES;
    t.reconfigure(|c| {
        c.uploads.max_file_bytes = max_file;
        c.uploads.max_files = 1;
    });
    let unit = t.token("finance").await;
    let m = t.measure(FINANCE_LEAD).await;
    let path = format!("/api/v1/measures/{m}/progress");
    let mut big = PDF.to_vec();
    big.resize(max_file - 1024, b' ');
    let r = t
        .post_progress(
            Auth::Token(&unit),
            &path,
            &[("happened_on", "2024-04-22"), ("content", "大附件")],
            &[("大附件.pdf", &big)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    // Over the route's limit (the files and 1 MiB of fields): refused, in the API's format.
    big.resize(max_file + 2 * zhenggai_web::router::MAX_BODY_BYTES, b' ');
    let r = t
        .post_progress(
            Auth::Token(&unit),
            &path,
            &[("happened_on", "2024-04-22"), ("content", "过大")],
            &[("过大.pdf", &big)],
        )
        .await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"], "too_large");
}

#[tokio::test]
async fn malformed_api_requests_are_answered_in_json_naming_the_field() {
    let t = TestApp::new().await;
    let token = t.token("office").await;
    let field = |r: &Resp| {
        r.json()["fields"][0]["field"]
            .as_str()
            .unwrap_or("")
            .to_string()
    };

    // Letters where the address takes a record's number: which segment, what it takes.
    for (path, segment) in [
        ("/api/v1/measures/abc", "id"),
        ("/api/v1/inspections/1x/ledger", "id"),
        ("/api/v1/audit/problems/first", "id"),
        ("/api/v1/inspections/1/imports/last/file", "import"),
    ] {
        let r = t.api(&token, "GET", path, None).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}: {}", r.body);
        let j = r.json();
        assert_eq!(j["error"], "bad_request", "{path}");
        assert_eq!(field(&r), segment, "{path}");
        let zh = j["message"].as_str().unwrap();
        assert!(zh.contains(segment) && zh.contains("数字"), "{path}: {zh}");
        assert!(!zh.is_ascii() && j["message_en"].as_str().unwrap().contains("number"));
    }

    // A query string that does not read.
    let i = t.inspection().await;
    let r = t
        .api(
            &token,
            "GET",
            &format!("/api/v1/inspections/{i}/ledger?status=open&status=done"),
            None,
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(field(&r), "status", "{}", r.body);

    // JSON bodies: a field of the wrong type, a missing field, not JSON at all.
    let r = t
        .api(
            &token,
            "POST",
            "/api/v1/notifications/read",
            Some(serde_json::json!({ "id": "first" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(field(&r), "id", "{}", r.body);
    let r = t
        .api(
            &token,
            "POST",
            "/api/v1/tokens",
            Some(serde_json::json!({})),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(field(&r), "name", "{}", r.body);
    // A misspelt field is refused by its own name (strict.rs has the rest).
    let r = t
        .api(
            &token,
            "POST",
            "/api/v1/tokens",
            Some(serde_json::json!({ "nom": 1 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(field(&r), "nom", "{}", r.body);
    let req = Request::post("/api/v1/tokens")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json")
        .body(Body::from("{\"name\": "))
        .unwrap();
    let r = t.send(req).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["error"], "bad_request");

    // Files sent as something else than multipart, and a method the address does not take.
    let m = t.measure(FINANCE_LEAD).await;
    let req = Request::post(format!("/api/v1/measures/{m}/progress"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from("hello"))
        .unwrap();
    let r = t.send(req).await;
    assert_eq!(r.json()["error"], "bad_request", "{}", r.body);
    let r = t
        .api(&token, "DELETE", &format!("/api/v1/measures/{m}"), None)
        .await;
    assert_eq!(r.status, StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(r.json()["error"], "method_not_allowed");
}

#[tokio::test]
async fn a_malformed_page_address_answers_the_error_page_in_the_readers_language() {
    let t = TestApp::new().await;
    let s = t.login("office").await;
    for path in [
        "/measures/abc",
        "/inspections/1x/edit",
        "/records/problems/first/trail",
    ] {
        let r = t.get(Some(&s), path).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{path}");
        assert!(
            r.headers[header::CONTENT_TYPE]
                .to_str()
                .unwrap()
                .starts_with("text/html"),
            "{path}"
        );
        assert!(
            r.body.contains("网址的格式不对") && !r.body.contains("malformed"),
            "{path}"
        );
        // In English alone when English is chosen.
        let english = Session {
            cookie: format!("{}; zg_lang=en", s.cookie),
            csrf: s.csrf.clone(),
        };
        let r = t.get(Some(&english), path).await;
        assert!(
            r.body.contains("malformed") && !r.body.contains("网址的格式不对"),
            "{path}"
        );
        assert!(!r.body.contains("Cannot parse"), "{path}: {}", r.body);
    }
}

const BOUNDARY: &str = "zgboundaryEdge0gW";

/// A multipart body: `fields`, then one file (`files`) of about `file_bytes`, then the
/// closing boundary, produced as it is read, counting what the server pulled.
fn multipart_counted(fields: &[(&str, &str)], file_bytes: usize, pulled: Arc<AtomicUsize>) -> Body {
    const CHUNK: usize = 64 * 1024;
    static SPACES: [u8; CHUNK] = [b' '; CHUNK];
    let mut head = String::new();
    for (k, v) in fields {
        head.push_str(&format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
        ));
    }
    head.push_str(&format!(
        "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"big.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\n"
    ));
    let tail = format!("\r\n--{BOUNDARY}--\r\n");
    let chunks = std::iter::once(axum::body::Bytes::from(head))
        .chain((0..file_bytes / CHUNK).map(|_| axum::body::Bytes::from_static(&SPACES)))
        .chain(std::iter::once(axum::body::Bytes::from(tail)))
        .map(move |c| {
            pulled.fetch_add(c.len(), Ordering::SeqCst);
            Ok::<_, std::convert::Infallible>(c)
        });
    Body::from_stream(futures_util::stream::iter(chunks))
}

fn multipart_type() -> String {
    format!("multipart/form-data; boundary={BOUNDARY}")
}

/// The routes that take files, with who sends them (issue 19, probe of uploads): the
/// progress of a measure, a lifecycle step, a ledger import, as a page and through the
/// API. Each: path, office or unit, whether through the API, the limit of a file there.
async fn upload_routes(t: &TestApp) -> Vec<(String, &'static str, bool, usize)> {
    let m = t.measure(FINANCE_LEAD).await;
    let p = t.problems().await[0].id.0;
    let i = t.inspection().await;
    let files = t.app.config.uploads.max_file_bytes;
    let ledger = t.app.config.import_limits.max_file_bytes;
    vec![
        (
            format!("/api/v1/measures/{m}/progress"),
            "finance",
            true,
            files,
        ),
        (format!("/measures/{m}/progress"), "finance", false, files),
        (format!("/api/v1/problems/{p}/steps"), "office", true, files),
        (format!("/problems/{p}/step"), "office", false, files),
        (
            format!("/api/v1/inspections/{i}/import"),
            "office",
            true,
            ledger,
        ),
        (format!("/inspections/{i}/import"), "office", false, ledger),
    ]
}

/// One upload to `path` as `who`, through the API or a page, with `body`.
async fn send_upload(
    t: &TestApp,
    path: &str,
    who: &str,
    api: bool,
    body: impl FnOnce(&[(&str, &str)]) -> Body,
) -> Resp {
    let req = Request::post(path).header(header::CONTENT_TYPE, multipart_type());
    if api {
        let token = t.token(who).await;
        let req = req.header(header::AUTHORIZATION, format!("Bearer {token}"));
        t.send(req.body(body(&[("action", "request_closure")])).unwrap())
            .await
    } else {
        let s = t.login(who).await;
        let req = req.header(header::COOKIE, &s.cookie);
        let fields = [("csrf", s.csrf.as_str()), ("action", "request_closure")];
        t.send(req.body(body(&fields)).unwrap()).await
    }
}

/// A file over its size is refused as soon as it passes the limit: not after the
/// whole body is in memory (a 190 MB body was read whole before the 422, about 2.2
/// times its size in memory), on every route that takes files.
#[tokio::test]
async fn an_oversized_file_is_refused_having_read_little_more_than_its_limit() {
    let t = TestApp::new().await;
    for (path, who, api, limit) in upload_routes(&t).await {
        let pulled = Arc::new(AtomicUsize::new(0));
        let total = 190 * 1024 * 1024;
        let r = send_upload(&t, &path, who, api, |fields| {
            multipart_counted(fields, total, pulled.clone())
        })
        .await;
        let read = pulled.load(Ordering::SeqCst);
        assert!(
            read <= limit + 256 * 1024,
            "{path}: read {read} bytes for a file limit of {limit}"
        );
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{path}: {}",
            r.body
        );
        let mb = limit / 1024 / 1024;
        if api {
            let j = r.json();
            assert_eq!(j["fields"][0]["field"], "files", "{path}: {}", r.body);
            let zh = j["fields"][0]["message"].as_str().unwrap_or("");
            assert!(
                zh.contains(&format!("超过{mb}MB")) && zh.contains("压缩"),
                "{path}: {zh}"
            );
        } else {
            assert!(
                r.body.contains(&format!("超过{mb}MB")),
                "{path}: {}",
                r.body
            );
        }
    }
}

/// More files than a submission may carry: refused at the first byte of the one too
/// many, not after all of them are read.
#[tokio::test]
async fn one_file_too_many_stops_the_reading() {
    let mut t = TestApp::new().await;
    t.reconfigure(|c| c.uploads.max_files = 2);
    let m = t.measure(FINANCE_LEAD).await;
    let token = t.token("finance").await;
    let r = t
        .post_progress(
            Auth::Token(&token),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", "2024-04-22"), ("content", "三份材料")],
            &[("a.pdf", PDF), ("b.pdf", PDF), ("c.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let j = r.json();
    assert_eq!(j["fields"][0]["field"], "files");
    assert!(
        j["fields"][0]["message"]
            .as_str()
            .unwrap()
            .contains("最多上传2个文件"),
        "{}",
        r.body
    );
}

/// A body that says it is longer than its route takes is refused at once, before a
/// byte of it is waited for (the probe's `Content-Length: 10^12` waited for the body):
/// forms, JSON, and the routes that take files.
#[tokio::test]
async fn a_declared_length_over_the_routes_limit_is_refused_before_the_body_is_read() {
    let t = TestApp::new().await;
    let huge = "1000000000000";
    let declared = |req: axum::http::request::Builder, pulled: &Arc<AtomicUsize>| {
        req.header(header::CONTENT_LENGTH, huge)
            .body(counted_body(1024 * 1024, pulled.clone()))
            .unwrap()
    };
    // The login form, before anyone is known.
    let pulled = Arc::new(AtomicUsize::new(0));
    let req =
        Request::post("/login").header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    let r = t.send(declared(req, &pulled)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert!(r.body.contains("过大"), "{}", r.body);
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    // A JSON body.
    let token = t.token("finance").await;
    let pulled = Arc::new(AtomicUsize::new(0));
    let req = Request::post("/api/v1/tokens")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "application/json");
    let r = t.send(declared(req, &pulled)).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body);
    assert_eq!(r.json()["error"], "too_large");
    assert_eq!(pulled.load(Ordering::SeqCst), 0);
    // Every route that takes files.
    for (path, who, api, _) in upload_routes(&t).await {
        let req = Request::post(path.as_str()).header(header::CONTENT_TYPE, multipart_type());
        let req = if api {
            let token = t.token(who).await;
            req.header(header::AUTHORIZATION, format!("Bearer {token}"))
        } else {
            let s = t.login(who).await;
            req.header(header::COOKIE, &s.cookie)
        };
        let pulled = Arc::new(AtomicUsize::new(0));
        let r = t.send(declared(req, &pulled)).await;
        assert_eq!(
            r.status,
            StatusCode::PAYLOAD_TOO_LARGE,
            "{path}: {}",
            r.body
        );
        assert_eq!(pulled.load(Ordering::SeqCst), 0, "{path}");
    }
}

/// The routes that take files read their body only for a sender they know: a client
/// without a session or token is answered without a byte of its body read (it cannot
/// hold an upload's long time, nor one of the upload slots).
#[tokio::test]
async fn an_upload_is_read_only_once_its_sender_is_known() {
    let t = TestApp::new().await;
    for (path, _, api, _) in upload_routes(&t).await {
        let pulled = Arc::new(AtomicUsize::new(0));
        let req = Request::post(path.as_str())
            .header(header::CONTENT_TYPE, multipart_type())
            .body(multipart_counted(&[], 1024 * 1024, pulled.clone()))
            .unwrap();
        let r = t.send(req).await;
        let expected = if api {
            StatusCode::UNAUTHORIZED
        } else {
            StatusCode::SEE_OTHER
        };
        assert_eq!(r.status, expected, "{path}: {}", r.body);
        assert_eq!(pulled.load(Ordering::SeqCst), 0, "{path}");
        assert_eq!(
            t.app.upload_slots.available_permits(),
            t.app.config.concurrent_uploads,
            "{path}"
        );
    }
}

/// No more uploads are read at once than the configured slots: the next is told, in
/// its reader's language, to come back (503 with Retry-After) before a byte of its body
/// is read; a finished upload gives its slot back.
#[tokio::test]
async fn uploads_beyond_those_read_at_once_are_told_to_come_back() {
    let t = TestApp::new().await;
    let slots = t.app.config.concurrent_uploads;
    let m = t.measure(FINANCE_LEAD).await;
    let token = t.token("finance").await;
    // Every slot busy with another upload.
    let held = t
        .app
        .upload_slots
        .clone()
        .acquire_many_owned(u32::try_from(slots).unwrap())
        .await
        .unwrap();
    for (path, who, api, _) in upload_routes(&t).await {
        let pulled = Arc::new(AtomicUsize::new(0));
        let r = send_upload(&t, &path, who, api, |fields| {
            multipart_counted(fields, 1024 * 1024, pulled.clone())
        })
        .await;
        assert_eq!(
            r.status,
            StatusCode::SERVICE_UNAVAILABLE,
            "{path}: {}",
            r.body
        );
        assert_eq!(header(&r, "retry-after"), "30", "{path}");
        assert_eq!(pulled.load(Ordering::SeqCst), 0, "{path}");
        if api {
            assert_eq!(r.json()["error"], "busy");
        } else {
            assert!(r.body.contains("稍等片刻"), "{path}: {}", r.body);
        }
    }
    drop(held);
    // Free again: uploads go through, one after another, and give their slots back.
    for _ in 0..slots + 1 {
        let r = t
            .post_progress(
                Auth::Token(&token),
                &format!("/api/v1/measures/{m}/progress"),
                &[("happened_on", "2024-04-22"), ("content", "进展")],
                &[("a.pdf", PDF)],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    }
    assert_eq!(t.app.upload_slots.available_permits(), slots);
}

/// The slots hold back bodies that may be large; a progress note no larger than any
/// form (its length declared) goes through while every slot is taken.
#[tokio::test]
async fn a_small_progress_note_does_not_wait_for_an_upload_slot() {
    let t = TestApp::new().await;
    let slots = t.app.config.concurrent_uploads;
    let m = t.measure(FINANCE_LEAD).await;
    let token = t.token("finance").await;
    let _held = t
        .app
        .upload_slots
        .clone()
        .acquire_many_owned(u32::try_from(slots).unwrap())
        .await
        .unwrap();
    let r = t
        .post_progress(
            Auth::Token(&token),
            &format!("/api/v1/measures/{m}/progress"),
            &[("happened_on", "2024-04-22"), ("content", "进展")],
            &[("a.pdf", PDF)],
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    assert_eq!(t.app.upload_slots.available_permits(), 0);
}

/// The fields of a 400 or 422 body, by name.
fn fields_named(r: &Resp) -> Vec<String> {
    r.json()["fields"]
        .as_array()
        .map(|fs| {
            fs.iter()
                .map(|f| f["field"].as_str().unwrap_or("").to_string())
                .collect()
        })
        .unwrap_or_default()
}

/// Outside tester: a header word's body named `columns` (the import's own field) when
/// `word` was wrong, and a body that is not an object named the field "".
#[tokio::test]
async fn a_refused_body_names_the_field_that_is_wrong_or_says_what_the_body_must_be() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let word = |body: serde_json::Value| {
        let t = &t;
        let office = office.clone();
        async move {
            t.api(&office, "POST", "/api/v1/header-words", Some(body))
                .await
        }
    };
    // The word of the wrong type, and a word that is blank: `word` both times.
    let r = word(serde_json::json!({ "word": 5, "meaning": "ignore" })).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(fields_named(&r), ["word"], "{}", r.body);
    let r = word(serde_json::json!({ "word": "  ", "meaning": "ignore" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields_named(&r), ["word"], "{}", r.body);
    let r = word(serde_json::json!({ "word": "x".repeat(500), "meaning": "ignore" })).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(fields_named(&r), ["word"], "{}", r.body);

    // Bodies that are JSON but not an object: no field is named, and the message says
    // the body must be an object of the route's fields.
    for body in [
        serde_json::json!([]),
        serde_json::json!(null),
        serde_json::json!(["收入", "ignore"]),
        serde_json::json!("收入"),
        serde_json::json!(3),
    ] {
        let r = word(body.clone()).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        let j = r.json();
        assert_eq!(j["error"], "bad_request", "{body}");
        assert!(fields_named(&r).is_empty(), "{body}: {}", r.body);
        assert!(
            j["message"].as_str().unwrap().contains("JSON 对象"),
            "{body}: {}",
            r.body
        );
        assert!(
            j["message_en"].as_str().unwrap().contains("JSON object"),
            "{body}: {}",
            r.body
        );
    }
}

/// Outside tester: a 409 listed the stored row's columns (id, org_id, created_at,
/// secretary_id). A conflict names only what the route takes, by the API's names.
#[tokio::test]
async fn a_conflict_names_only_the_fields_the_route_takes_by_their_api_names() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let rules = |version: i64, green: &str| {
        serde_json::json!({
            "green_days": green,
            "yellow_days": "10",
            "green_to": ["handler"],
            "yellow_to": ["handler", "leader"],
            "red_to": ["handler", "leader", "secretary"],
            "secretary": "",
            "version": version,
        })
    };
    let first = t
        .api(&office, "GET", "/api/v1/warning-rules", None)
        .await
        .json()["version"]
        .as_i64()
        .unwrap();
    let saved = t
        .api(
            &office,
            "PUT",
            "/api/v1/warning-rules",
            Some(rules(first, "25")),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    // The version first read again: the other writer's changes, none internal.
    let r = t
        .api(
            &office,
            "PUT",
            "/api/v1/warning-rules",
            Some(rules(first, "20")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let j = r.json();
    assert_eq!(j["error"], "conflict");
    let taken = [
        "green_days",
        "yellow_days",
        "green_to",
        "yellow_to",
        "red_to",
        "remind_days",
        "repeat_days",
        "milestone_months",
        "long_term_days",
        "secretary",
    ];
    let changes = j["conflict"]["changes"].as_array().unwrap();
    assert!(!changes.is_empty(), "{}", r.body);
    for c in changes {
        let field = c["field"].as_str().unwrap();
        assert!(taken.contains(&field), "{field} in {}", r.body);
    }
    assert!(
        changes.iter().any(|c| c["field"] == "green_days"),
        "{}",
        r.body
    );
    assert!(
        changes.iter().any(|c| c["field"] == "secretary"),
        "{}",
        r.body
    );
    // A version never stored (0: "none yet"): every column differs from nothing, and
    // still only the route's fields are named.
    let r = t
        .api(
            &office,
            "PUT",
            "/api/v1/warning-rules",
            Some(rules(0, "20")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let j = r.json();
    for c in j["conflict"]["changes"].as_array().unwrap() {
        let field = c["field"].as_str().unwrap();
        assert!(taken.contains(&field), "{field} in {}", r.body);
    }

    // The robot's secret is sent by a script and never read back, not even in a 409.
    let channels = |version: i64, secret: &str| {
        serde_json::json!({
            "email_on": false,
            "robot_kind": "dingtalk",
            "robot_url": "https://oapi.dingtalk.com/robot/send?access_token=abc",
            "robot_secret": secret,
            "version": version,
        })
    };
    let version = t.api(&office, "GET", "/api/v1/channels", None).await.json()["version"]
        .as_i64()
        .unwrap();
    let saved = t
        .api(
            &office,
            "PUT",
            "/api/v1/channels",
            Some(channels(version, "SECabc123")),
        )
        .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let r = t
        .api(
            &office,
            "PUT",
            "/api/v1/channels",
            Some(channels(version, "SECdef456")),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert!(!r.body.contains("SECabc123"), "{}", r.body);
    assert!(!r.body.contains("robot_secret"), "{}", r.body);
    assert!(!r.body.contains("org_id"), "{}", r.body);
    assert!(r.body.contains("robot_kind"), "{}", r.body);

    // A measure's deadline is `deadline`, as sent, never the stored parts of it.
    let m = t.measure(FINANCE_LEAD).await;
    let measure = t
        .api(&office, "GET", &format!("/api/v1/measures/{m}"), None)
        .await
        .json();
    let body = |version: i64, content: &str| {
        serde_json::json!({
            "version": version,
            "content": content,
            "lead_unit_id": measure["lead_unit"]["id"],
            "cooperating_unit_ids": measure["cooperating"]
                .as_array()
                .unwrap()
                .iter()
                .map(|u| u["id"].clone())
                .collect::<Vec<_>>(),
            "leader_id": measure["leader"]["id"],
            "responsible_person": measure["responsible_person"],
            "target": measure["target"],
            "deadline": measure["deadline"]["text"],
        })
    };
    let path = format!("/api/v1/measures/{m}");
    let read = measure["version"].as_i64().unwrap();
    let saved = t.api(&office, "PUT", &path, Some(body(read, "甲"))).await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let r = t.api(&office, "PUT", &path, Some(body(read, "乙"))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let changes = r.json()["conflict"]["changes"].clone();
    assert_eq!(changes[0]["field"], "content", "{changes}");
    assert_eq!(changes[0]["now"], "甲", "{changes}");
    // Against a version never stored every column differs: the deadline is named as
    // sent, and nothing the body does not take is named.
    let r = t.api(&office, "PUT", &path, Some(body(0, "乙"))).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    let changes = r.json()["conflict"]["changes"].clone();
    let names: Vec<&str> = changes
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["field"].as_str().unwrap())
        .collect();
    assert!(names.contains(&"deadline"), "{changes}");
    let measure_fields = [
        "content",
        "lead_unit_id",
        "cooperating_unit_ids",
        "leader_id",
        "responsible_person",
        "target",
        "deadline",
    ];
    assert!(
        names.iter().all(|n| measure_fields.contains(n)),
        "{changes}"
    );
}

/// Outside tester: a URI over the HTTP reader's limit (64 KB) was answered 414 with an
/// empty body, and headers over its buffer 431. The API answers in its error format, a
/// page with the error page.
#[tokio::test]
async fn an_address_or_headers_too_large_are_answered_as_their_side_answers() {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let t = TestApp::new().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let router = zhenggai_web::router::router(t.app.clone());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(zhenggai_web::server::serve(
        listener,
        router,
        zhenggai_web::server::ServeLimits::default(),
        async move {
            let _ = stopped.await;
        },
    ));
    let long = "a".repeat(70_000);
    for (path, api) in [
        (format!("/api/v1/measures?q={long}"), true),
        (format!("/measures?q={long}"), false),
    ] {
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        conn.write_all(format!("GET {path} HTTP/1.1\r\nHost: x\r\n\r\n").as_bytes())
            .await
            .unwrap();
        let mut answer = Vec::new();
        conn.read_to_end(&mut answer).await.unwrap();
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 414"), "{head}");
        let head = head.to_ascii_lowercase();
        if api {
            assert!(head.contains("content-type: application/json"), "{head}");
            let j: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(j["error"], "uri_too_long", "{body}");
            assert!(!j["message"].as_str().unwrap().is_empty());
            assert!(!j["message_en"].as_str().unwrap().is_empty());
        } else {
            assert!(head.contains("content-type: text/html"), "{head}");
            assert!(body.contains("网址过长"), "{body}");
        }
    }
    // Headers over hyper's buffer were answered 431 with an empty body: the same
    // treatment, by the side the request line asks.
    let cookie = "a".repeat(500_000);
    for (path, api) in [("/api/v1/measures", true), ("/measures", false)] {
        let mut conn = tokio::net::TcpStream::connect(addr).await.unwrap();
        // Hyper may answer and close before it has read everything sent.
        let _ = conn
            .write_all(
                format!("GET {path} HTTP/1.1\r\nHost: x\r\nCookie: {cookie}\r\n\r\n").as_bytes(),
            )
            .await;
        let mut answer = Vec::new();
        let _ = conn.read_to_end(&mut answer).await;
        let answer = String::from_utf8_lossy(&answer);
        let (head, body) = answer.split_once("\r\n\r\n").unwrap();
        assert!(head.starts_with("HTTP/1.1 431"), "{head}");
        let head = head.to_ascii_lowercase();
        if api {
            assert!(head.contains("content-type: application/json"), "{head}");
            let j: serde_json::Value = serde_json::from_str(body).unwrap();
            assert_eq!(j["error"], "headers_too_large", "{body}");
            assert!(!j["message"].as_str().unwrap().is_empty());
            assert!(!j["message_en"].as_str().unwrap().is_empty());
        } else {
            assert!(head.contains("content-type: text/html"), "{head}");
            assert!(body.contains("请求头过大"), "{body}");
        }
    }
    let _ = stop.send(());
    server.await.unwrap().unwrap();
}

/// Issue 21, point 3: a request the API cannot read says in Chinese what to send (not
/// only in the English, in the decoder's words), and a refusal's Chinese mixes in no
/// English word of the body's (an outside tester read "请按 fields 修改").
#[tokio::test]
async fn an_unreadable_request_says_in_chinese_what_to_send() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let raw = |content_type: &'static str, body: &'static str| {
        Request::post("/api/v1/header-words")
            .header(header::AUTHORIZATION, format!("Bearer {office}"))
            .header(header::CONTENT_TYPE, content_type)
            .body(Body::from(body))
            .unwrap()
    };
    let sent = [
        (
            "text/plain",
            "{\"word\": \"收入\"}",
            "Content-Type: application/json",
            "Content-Type: application/json",
        ),
        (
            "application/json",
            "{\"word\": ",
            "不是有效的 JSON",
            "not valid JSON",
        ),
        (
            "application/json",
            "{\"word\": \"收入\", \"meaning\": \"ignore\"} 1",
            "多余",
            "more after its JSON value",
        ),
    ];
    for (content_type, body, zh, en) in sent {
        let r = t.send(raw(content_type, body)).await;
        assert_eq!(r.status, StatusCode::BAD_REQUEST, "{body}: {}", r.body);
        let j = r.json();
        assert_eq!(j["error"], "bad_request", "{body}");
        assert!(
            j["message"].as_str().unwrap().contains(zh),
            "{body}: {}",
            r.body
        );
        assert!(
            j["message_en"].as_str().unwrap().contains(en),
            "{body}: {}",
            r.body
        );
    }

    // A query parameter on a route that takes none: the English in the API's words.
    let r = t
        .api(&office, "GET", "/api/v1/header-words?probe=1", None)
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    let en = r.json()["fields"][0]["message_en"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(
        en.contains("`probe`") && en.contains("which takes none"),
        "{en}"
    );

    // A refused value: the Chinese has no Latin letter.
    let r = t
        .api(
            &office,
            "POST",
            "/api/v1/header-words",
            Some(serde_json::json!({ "word": "  ", "meaning": "ignore" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    let zh = r.json()["message"].as_str().unwrap().to_string();
    assert!(!zh.chars().any(|c| c.is_ascii_alphabetic()), "{zh}");
}

/// Headers over hyper's buffer are refused the same way when they arrive in one read,
/// which hyper parses whole without looking at its buffer's size: the router refuses
/// them itself, in the API's format or with the error page, and closes.
#[tokio::test]
async fn headers_over_hypers_buffer_are_refused_however_they_arrive() {
    let t = TestApp::new().await;
    let cookie = "a".repeat(500_000);
    for (path, api) in [("/api/v1/measures", true), ("/measures", false)] {
        let req = axum::http::Request::builder()
            .uri(path)
            .header("cookie", cookie.as_str())
            .body(axum::body::Body::empty())
            .unwrap();
        let r = t.send(req).await;
        assert_eq!(
            r.status,
            StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
            "{path}"
        );
        if api {
            let j = r.json();
            assert_eq!(j["error"], "headers_too_large", "{}", r.body);
        } else {
            assert!(r.body.contains("<html"), "{}", r.body);
        }
    }
}
