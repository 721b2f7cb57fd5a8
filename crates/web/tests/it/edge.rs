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
