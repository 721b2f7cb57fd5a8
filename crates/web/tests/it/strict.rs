//! The API refuses what it does not understand: a field it does not take (in a JSON
//! body, a query string or a multipart form), a yes/no field that is neither, a token
//! name with control characters; and reads the `Authorization` scheme as RFC 9110 does.

use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use serde_json::json;

use crate::util::*;

/// The field a refusal names.
fn field(r: &Resp) -> String {
    r.json()["fields"][0]["field"]
        .as_str()
        .unwrap_or("")
        .to_string()
}

/// A 400 `bad_request` refusing a field the route does not take: named in Chinese and in
/// English.
fn unknown(r: &Resp, name: &str, what: &str) {
    refused(r, name, what);
    let zh = r.json()["fields"][0]["message"]
        .as_str()
        .unwrap_or("")
        .to_string();
    assert!(
        zh.contains(name) && zh.contains("不是这个接口的字段"),
        "{what}: {zh}"
    );
}

/// A 400 `bad_request` naming `name` as its field, saying what is wrong in Chinese and
/// in English (the English names it too).
fn refused(r: &Resp, name: &str, what: &str) {
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{what}: {}", r.body);
    let j = r.json();
    assert_eq!(j["error"], "bad_request", "{what}: {}", r.body);
    assert_eq!(field(r), name, "{what}: {}", r.body);
    let zh = j["fields"][0]["message"].as_str().unwrap_or("");
    let en = j["fields"][0]["message_en"].as_str().unwrap_or("");
    assert!(!zh.is_empty() && !zh.is_ascii(), "{what}: {zh}");
    assert!(en.contains(name), "{what}: {en}");
}

#[tokio::test]
async fn an_unknown_json_field_is_refused_naming_it_and_the_fields_taken() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let finance = t.token("finance").await;
    let unread = async || t.unread_of("finance").await;
    t.ring_bells().await;
    let before = unread().await;
    assert!(before > 1, "the demo's bells have rung");

    // A typo must not turn "mark one read" into "mark all read".
    for body in [json!({ "idd": 5 }), json!({ "id": null, "extra": 1 })] {
        let r = t
            .api(&finance, "POST", "/api/v1/notifications/read", Some(body))
            .await;
        let name = if r.body.contains("idd") {
            "idd"
        } else {
            "extra"
        };
        unknown(&r, name, "notifications/read");
        let zh = r.json()["fields"][0]["message"]
            .as_str()
            .unwrap()
            .to_string();
        assert!(zh.contains("可用的有：id"), "{zh}");
    }
    assert_eq!(unread().await, before);

    // A scope the token does not have is not silently dropped.
    let tokens = async || t.rows_in("api_tokens").await;
    let n = tokens().await;
    let r = t
        .api(
            &office,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "name": "x", "scope": "admin" })),
        )
        .await;
    unknown(&r, "scope", "tokens");
    assert_eq!(tokens().await, n);

    // A misspelt field beside a right one.
    let secadmin = t.token("secadmin").await;
    let user = t.get_user("hr").await;
    let r = t
        .api(
            &secadmin,
            "PUT",
            &format!("/api/v1/users/{}/disabled", user.id.0),
            Some(json!({ "disabled": false, "disable": true, "version": user.version })),
        )
        .await;
    unknown(&r, "disable", "users/disabled");
    assert!(!t.get_user("hr").await.disabled);

    // A change read at a version: the version is taken, the rest must be the record's.
    let m = t.measure(FINANCE_LEAD).await;
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/measures/{m}"),
            Some(json!({ "version": 1, "contnet": "改掉" })),
        )
        .await;
    unknown(&r, "contnet", "measures update");
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/measures/{m}"),
            Some(json!({ "content": "改掉" })),
        )
        .await;
    refused(&r, "version", "measures update without version");
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/measures/{m}"),
            Some(json!({ "version": 1, "deadline": 5 })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(field(&r), "deadline", "{}", r.body);
    let r = t
        .api(
            &office,
            "PUT",
            &format!("/api/v1/measures/{m}"),
            Some(json!({ "version": "first", "content": "改掉" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST, "{}", r.body);
    assert_eq!(field(&r), "version", "{}", r.body);
}

#[tokio::test]
async fn a_misspelt_filter_is_refused_not_dropped() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let r = t
        .api(&office, "GET", "/api/v1/measures?stauts=overdue", None)
        .await;
    unknown(&r, "stauts", "measures?stauts");
    let zh = r.json()["fields"][0]["message"]
        .as_str()
        .unwrap()
        .to_string();
    assert!(zh.contains("status") && zh.contains("查询参数"), "{zh}");
    let r = t
        .api(&office, "GET", "/api/v1/measures?status=overdue", None)
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);

    // A route that filters nothing does not pretend to.
    let r = t
        .api(&office, "GET", "/api/v1/inspections?status=open", None)
        .await;
    unknown(&r, "status", "inspections?status");
    let r = t.api(&office, "GET", "/api/v1/inspections", None).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// Every JSON body and every query string the OpenAPI document describes refuses a
/// field it does not take, and so does every multipart body; a route that documents no
/// query string refuses one: a route added without `deny_unknown_fields` (or with
/// `#[serde(flatten)]`, or with an undocumented query) fails here.
#[tokio::test]
async fn every_documented_input_refuses_a_field_it_does_not_take() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let doc = t
        .api(&office, "GET", "/api/v1/openapi.json", None)
        .await
        .json();
    let id = t.inspection().await.to_string();
    let probe = "zz_not_a_field";
    let (mut bodies, mut queries, mut forms) = (0, 0, 0);
    for (template, ops) in doc["paths"].as_object().unwrap() {
        // Every id of an address is a number the extractor reads before the handler
        // looks for the record; the office's inspection passes the import's check.
        let path: String = template
            .split('/')
            .map(|s| if s.starts_with('{') { id.as_str() } else { s })
            .collect::<Vec<_>>()
            .join("/");
        for (method, op) in ops.as_object().unwrap() {
            let method = method.to_uppercase();
            let what = format!("{method} {template}");
            let content = &op["requestBody"]["content"];
            if content.get("application/json").is_some() {
                bodies += 1;
                let r = t
                    .api(&office, &method, &path, Some(json!({ probe: 1 })))
                    .await;
                unknown(&r, probe, &what);
            }
            if content.get("multipart/form-data").is_some() {
                forms += 1;
                let r = t
                    .post_progress(Auth::Token(&office), &path, &[(probe, "1")], &[])
                    .await;
                unknown(&r, probe, &what);
            }
            // A route that takes a query refuses a parameter it does not take; one that
            // takes none refuses any (a script's filter is never silently dropped).
            let takes_query = op["parameters"]
                .as_array()
                .is_some_and(|ps| ps.iter().any(|p| p["in"] == "query"));
            queries += usize::from(takes_query);
            let r = t
                .api(&office, &method, &format!("{path}?{probe}=1"), None)
                .await;
            unknown(&r, probe, &format!("{what}?{probe}"));
            if !takes_query {
                let zh = r.json()["fields"][0]["message"]
                    .as_str()
                    .unwrap()
                    .to_string();
                assert!(zh.contains("不接受任何查询参数"), "{what}: {zh}");
            }
        }
    }
    // The walk read the document: dozens of bodies, the filters, the three file routes.
    assert!(bodies >= 25, "{bodies} JSON bodies");
    assert!(queries >= 3, "{queries} query strings");
    assert_eq!(forms, 3, "multipart bodies");
}

#[tokio::test]
async fn multipart_progress_refuses_unknown_fields_and_unclear_yes_no() {
    let t = TestApp::new().await;
    let finance = t.token("finance").await;
    let m = t.measure(FINANCE_LEAD).await;
    let path = format!("/api/v1/measures/{m}/progress");
    let entries = async || t.progress_of(m).await.len();
    let n = entries().await;
    let entry = [("happened_on", "2024-04-20"), ("content", "召开专题会")];

    let with = |extra: (&'static str, &'static str)| {
        let mut fields = entry.to_vec();
        fields.push(extra);
        fields
    };
    let r = t
        .post_progress(Auth::Token(&finance), &path, &with(("bogus", "1")), &[])
        .await;
    unknown(&r, "bogus", "progress bogus");
    assert!(
        r.json()["fields"][0]["message_en"]
            .as_str()
            .unwrap()
            .contains("mark_done")
    );
    for value in ["maybe", "yes", "TRUE "] {
        let r = t
            .post_progress(
                Auth::Token(&finance),
                &path,
                &with(("mark_done", value)),
                &[],
            )
            .await;
        refused(&r, "mark_done", value);
    }
    assert_eq!(entries().await, n, "nothing recorded");

    // What the documentation sends is read.
    for value in ["false", "0", ""] {
        let r = t
            .post_progress(
                Auth::Token(&finance),
                &path,
                &with(("mark_done", value)),
                &[],
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{value}: {}", r.body);
    }

    // The page's form: the same yes/no rule, answered on the bilingual error page.
    let s = t.login("finance").await;
    let r = t
        .post_progress(
            Auth::Session(&s),
            &format!("/measures/{m}/progress"),
            &[
                ("csrf", &s.csrf),
                ("happened_on", "2024-04-20"),
                ("content", "召开专题会"),
                ("mark_done", "maybe"),
            ],
            &[],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("勾选项"), "{}", r.body);
    assert_eq!(entries().await, n + 3);
}

#[tokio::test]
async fn the_api_import_refuses_an_unclear_dry_run_before_reading_the_file() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let i = t.inspection().await;
    let path = format!("/api/v1/inspections/{i}/import");
    let r = t
        .post_progress(
            Auth::Token(&office),
            &path,
            &[("dry_run", "maybe")],
            &[("ledger.csv", "方面,问题,措施\n".as_bytes())],
        )
        .await;
    refused(&r, "dry_run", "import dry_run");
    let r = t
        .post_progress(
            Auth::Token(&office),
            &path,
            &[("sheets", "1")],
            &[("ledger.csv", "方面,问题,措施\n".as_bytes())],
        )
        .await;
    unknown(&r, "sheets", "import sheets");
}

#[tokio::test]
async fn a_token_name_with_control_characters_is_refused_at_the_field() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let tokens = async || t.rows_in("api_tokens").await;
    let n = tokens().await;
    for name in [
        "x\u{0}y",
        "备份\n脚本",
        "a\tb",
        "\u{1b}[31m红\u{1b}[0m",
        "x\u{7f}",
        "x\u{85}y",
    ] {
        let r = t
            .api(
                &office,
                "POST",
                "/api/v1/tokens",
                Some(json!({ "name": name })),
            )
            .await;
        assert_eq!(
            r.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{name:?}: {}",
            r.body
        );
        assert_eq!(field(&r), "name", "{name:?}");
        assert!(
            r.json()["fields"][0]["message"]
                .as_str()
                .unwrap()
                .contains("控制字符")
        );
    }
    assert_eq!(tokens().await, n);
    let r = t
        .api(
            &office,
            "POST",
            "/api/v1/tokens",
            Some(json!({ "name": "备份脚本 v2（只读）" })),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
}

#[tokio::test]
async fn the_authorization_scheme_is_read_in_any_case() {
    let t = TestApp::new().await;
    let office = t.token("office").await;
    let me = |value: String| {
        Request::get("/api/v1/me")
            .header(header::AUTHORIZATION, value)
            .body(Body::empty())
            .unwrap()
    };
    for scheme in ["Bearer", "bearer", "BEARER", "bEaReR"] {
        let r = t.send(me(format!("{scheme} {office}"))).await;
        assert_eq!(r.status, StatusCode::OK, "{scheme}: {}", r.body);
        assert_eq!(r.json()["username"], "office");
    }
    for value in [
        format!("Bearer{office}"),
        format!("Basic {office}"),
        "bearer ".into(),
    ] {
        let r = t.send(me(value.clone())).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{value}");
    }
}
