//! The web edge against a hostile client: redirects that stay on this site, bodies
//! bounded before they are read, browser protections in the headers, and malformed
//! API requests answered in the API's error format.

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
        let r = t
            .post(
                None,
                "/login",
                &[
                    ("username", "office"),
                    ("password", PASSWORD),
                    ("next", next),
                ],
            )
            .await;
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
    let id = t.count("SELECT MAX(id) FROM attachments").await;
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
