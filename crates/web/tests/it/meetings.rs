//! 民主生活会 over HTTP: the public opinion box (form and JSON) keeps nothing that names
//! its sender — in the database or in the log — and holds back a flood from one address
//! without blocking anyone else; each role sees and does its part on the meeting's page;
//! the whole course from an opinion to the ledger through the pages.

use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Request, StatusCode, header};

use crate::util::{TestApp, in_english};

/// The meeting the demo is preparing: its id and its box's key.
async fn preparing(t: &TestApp) -> (i64, String) {
    sqlx::query_as("SELECT id, box_key FROM meetings WHERE state = 'preparing'")
        .fetch_one(t.app.db.pool())
        .await
        .unwrap()
}

/// A request from `addr`, as the server sees a connection's peer, with a telltale agent.
fn from(addr: &str, req: axum::http::request::Builder, body: Body) -> Request<Body> {
    let peer: SocketAddr = format!("{addr}:50123").parse().unwrap();
    let mut req = req
        .header(header::USER_AGENT, "ZgTelltaleAgent/9.9 (anon-test)")
        .header("x-forwarded-for", addr)
        .body(body)
        .unwrap();
    req.extensions_mut().insert(ConnectInfo(peer));
    req
}

fn form_body(fields: &[(&str, &str)]) -> Body {
    Body::from(
        form_urlencoded::Serializer::new(String::new())
            .extend_pairs(fields)
            .finish(),
    )
}

/// The office ends the solicitation through the page and opens the box.
async fn close_and_open(t: &TestApp, office: &crate::util::Session, meeting: i64) {
    let version: i64 = sqlx::query_scalar("SELECT version FROM meetings WHERE id = $1")
        .bind(meeting)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let path = format!("/meetings/{meeting}");
    let early = t.post(Some(office), &path, &[("form", "open_box")]).await;
    assert_eq!(
        early.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "not while it takes opinions"
    );
    assert!(early.body.contains("截止后才能开箱"), "{}", early.body);
    let closed = t
        .post(
            Some(office),
            &path,
            &[("form", "close_box"), ("version", &version.to_string())],
        )
        .await;
    assert_eq!(closed.status, StatusCode::SEE_OTHER, "{}", closed.body);
    let opened = t.post(Some(office), &path, &[("form", "open_box")]).await;
    assert_eq!(opened.status, StatusCode::SEE_OTHER, "{}", opened.body);
}

/// Log output kept for the test to read.
#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Every text of every table, as one string per cell.
async fn every_text(t: &TestApp) -> Vec<String> {
    let tables: Vec<String> = match t.app.db.backend() {
        zhenggai_storage::db::dialect::Backend::Sqlite => {
            sqlx::query_scalar("SELECT name FROM sqlite_master WHERE type = 'table'")
                .fetch_all(t.app.db.pool())
                .await
                .unwrap()
        }
        zhenggai_storage::db::dialect::Backend::Postgres => sqlx::query_scalar(
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema()",
        )
        .fetch_all(t.app.db.pool())
        .await
        .unwrap(),
    };
    let mut out = Vec::new();
    for table in tables {
        let rows = sqlx::query(&format!("SELECT * FROM {table}"))
            .fetch_all(t.app.db.pool())
            .await
            .unwrap();
        for row in rows {
            out.push(zhenggai_storage::db::sql::row_json(&row).to_string());
        }
    }
    out
}

#[tokio::test]
async fn an_anonymous_opinion_leaves_nothing_that_names_its_sender_in_the_database_or_the_log() {
    let t = TestApp::new().await;
    let (_, key) = preparing(&t).await;
    let sink = Sink::default();
    let writer = sink.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .with_max_level(tracing::Level::TRACE)
        .finish();
    let guard = tracing::subscriber::set_default(subscriber);

    let page = t
        .send(from(
            "203.0.113.77",
            Request::get(format!("/box/{key}")),
            Body::empty(),
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.headers.contains_key(header::SET_COOKIE),
        "no session, no cookie"
    );
    assert!(
        !page.headers.contains_key("x-request-id"),
        "no request id to match a log with"
    );
    let sent = t
        .send(from(
            "203.0.113.77",
            Request::post(format!("/box/{key}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            form_body(&[
                ("text", "表单提交的匿名意见：会风文风有待改进"),
                ("category", "style"),
                ("anonymous", "on"),
            ]),
        ))
        .await;
    assert_eq!(sent.status, StatusCode::CREATED, "{}", sent.body);
    let receipt = sent.body.split("id=\"receipt\">").nth(1).unwrap()[..19].to_string();
    let json = t
        .send(from(
            "203.0.113.78",
            Request::post(format!("/box/{key}")).header(header::CONTENT_TYPE, "application/json"),
            Body::from(
                serde_json::json!({"text": "JSON提交的匿名意见：调研要深入", "about": null, "category": "work", "anonymous": true})
                    .to_string(),
            ),
        ))
        .await;
    assert_eq!(json.status, StatusCode::CREATED, "{}", json.body);
    let answer = json.json();
    assert_eq!(
        answer.as_object().unwrap().len(),
        1,
        "the receipt and nothing else: {answer}"
    );
    let json_receipt = answer["receipt"].as_str().unwrap().to_string();
    let looked = t
        .send(from(
            "203.0.113.78",
            Request::post(format!("/box/{key}/receipt"))
                .header(header::CONTENT_TYPE, "application/json"),
            Body::from(serde_json::json!({ "receipt": json_receipt }).to_string()),
        ))
        .await;
    assert_eq!(looked.status, StatusCode::OK, "{}", looked.body);
    assert_eq!(looked.json()["standing"], "in_box");
    drop(guard);
    let sent_at = t.app.clock.now();

    // The office ends the solicitation and opens the box, hours later: the opinions join
    // the trail now, as its doing.
    t.advance(chrono::Duration::hours(3));
    let office = t.login("office").await;
    let (meeting, _) = preparing(&t).await;
    close_and_open(&t, &office, meeting).await;

    let log = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
    for telltale in [
        "203.0.113",
        "ZgTelltaleAgent",
        "/box/",
        &key,
        &receipt,
        &json_receipt,
    ] {
        assert!(!log.contains(telltale), "the log holds {telltale}:\n{log}");
    }
    let now = sent_at;
    let stored = every_text(&t).await.join("\n");
    for telltale in [
        "203.0.113".to_string(),
        "ZgTelltaleAgent".to_string(),
        receipt.clone(),
        receipt.replace('-', ""),
        json_receipt.replace('-', ""),
        now.format("%Y-%m-%dT%H:%M").to_string(),
    ] {
        let hits: Vec<&str> = stored
            .lines()
            .filter(|l| l.contains(&telltale) && l.contains("匿名意见"))
            .collect();
        assert!(
            hits.is_empty(),
            "an opinion's row holds {telltale}: {hits:?}"
        );
    }
    let rows: Vec<(Option<String>, Option<i64>, String)> = sqlx::query_as(
        "SELECT created_at, created_by, received_on FROM opinions WHERE text LIKE '%匿名意见%'",
    )
    .fetch_all(t.app.db.pool())
    .await
    .unwrap();
    assert_eq!(rows.len(), 2);
    for (at, by, day) in rows {
        assert_eq!((at, by), (None, None));
        assert_eq!(day.len(), 10, "a day, not a time: {day}");
    }
}

#[tokio::test]
async fn a_flood_from_one_address_is_held_back_and_others_still_reach_the_box() {
    let t = TestApp::new().await;
    let (_, key) = preparing(&t).await;
    let send = async |addr: &str, n: usize| {
        t.send(from(
            addr,
            Request::post(format!("/box/{key}")).header(header::CONTENT_TYPE, "application/json"),
            Body::from(
                serde_json::json!({"text": format!("第{n}条来自{addr}"), "category": "other", "anonymous": true})
                    .to_string(),
            ),
        ))
        .await
    };
    for n in 0..5 {
        assert_eq!(send("198.51.100.1", n).await.status, StatusCode::CREATED);
    }
    let held = send("198.51.100.1", 5).await;
    assert_eq!(held.status, StatusCode::TOO_MANY_REQUESTS, "{}", held.body);
    assert!(held.headers.contains_key(header::RETRY_AFTER));
    assert_eq!(held.json()["error"], "too_frequent");
    assert_eq!(
        send("198.51.100.2", 0).await.status,
        StatusCode::CREATED,
        "another sender is not blocked"
    );
    // Refused sends use up nothing: a sharer of the address cannot count by them.
    for _ in 0..8 {
        let refused = t
            .send(from(
                "198.51.100.4",
                Request::post(format!("/box/{key}"))
                    .header(header::CONTENT_TYPE, "application/json"),
                Body::from(r#"{"text": "", "category": "other", "anonymous": true}"#),
            ))
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    }
    assert_eq!(send("198.51.100.4", 0).await.status, StatusCode::CREATED);
    // Another site's page cannot make its visitors' browsers post to the box.
    let forged = t
        .send(from(
            "198.51.100.5",
            Request::post(format!("/box/{key}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header("sec-fetch-site", "cross-site")
                .header(header::ORIGIN, "http://evil.example"),
            form_body(&[("text", "伪造"), ("category", "other"), ("anonymous", "on")]),
        ))
        .await;
    assert_eq!(forged.status, StatusCode::FORBIDDEN);
    // The form says so in words, in the reader's language.
    let page = t
        .send(from(
            "198.51.100.1",
            Request::post(format!("/box/{key}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, "zg_lang=en"),
            form_body(&[
                ("text", "again"),
                ("category", "other"),
                ("anonymous", "on"),
            ]),
        ))
        .await;
    assert_eq!(page.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(
        page.body.contains("try again in ten minutes"),
        "{}",
        page.body
    );
    // A body over the box's limit is refused unread.
    let big = "意".repeat(20_000);
    let too_big = t
        .send(from(
            "198.51.100.3",
            Request::post(format!("/box/{key}")).header(header::CONTENT_TYPE, "application/json"),
            Body::from(
                serde_json::json!({"text": big, "category": "other", "anonymous": true})
                    .to_string(),
            ),
        ))
        .await;
    assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn the_box_refuses_in_words_and_a_closed_or_unknown_box_says_so() {
    let t = TestApp::new().await;
    let (_, key) = preparing(&t).await;
    let empty = t
        .send(from(
            "192.0.2.1",
            Request::post(format!("/box/{key}"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            form_body(&[("text", ""), ("category", ""), ("anonymous", "on")]),
        ))
        .await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(empty.body.contains("data-field=\"text\""), "{}", empty.body);
    assert!(empty.body.contains("data-field=\"category\""));
    let unknown = t.get(None, &format!("/box/{}", "0".repeat(32))).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    let json = t
        .send(from(
            "192.0.2.1",
            Request::post(format!("/box/{key}")).header(header::CONTENT_TYPE, "application/json"),
            Body::from(r#"{"text": "x", "category": "other", "anonymous": true, "ip": "1.2.3.4"}"#),
        ))
        .await;
    assert_eq!(
        json.status,
        StatusCode::BAD_REQUEST,
        "an unknown field is refused: {}",
        json.body
    );
    // The held meeting's box is closed.
    let closed: String = sqlx::query_scalar("SELECT box_key FROM meetings WHERE state = 'closed'")
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let page = t.get(None, &format!("/box/{closed}")).await;
    assert!(page.body.contains("id=\"box-closed\""), "{}", page.body);
    assert!(!page.body.contains("id=\"box-form\""));
}

#[tokio::test]
async fn each_role_sees_its_part_of_a_meeting_and_is_told_what_it_may_not_do() {
    let t = TestApp::new().await;
    let (meeting, key) = preparing(&t).await;
    let office = t.login("office").await;
    let page = t.get(Some(&office), &format!("/meetings/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("/box/{key}")),
        "the office has the box's link"
    );
    // While the box takes opinions the office may end it early, and sees no count.
    assert!(page.body.contains("id=\"close-box\""));
    assert!(!page.body.contains("id=\"open-box\""));

    // The member fed an opinion acknowledges it; the box's link is not theirs to see.
    let wang = t.login("leader_wang").await;
    let page = t.get(Some(&wang), &format!("/meetings/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("class=\"inline-form acknowledge\""),
        "{}",
        page.body
    );
    assert!(!page.body.contains(&key));
    assert!(!page.body.contains("id=\"close-box\""));
    // A member opening the box is told who does.
    let refused = t
        .post(
            Some(&wang),
            &format!("/meetings/{meeting}"),
            &[("form", "open_box")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(
        refused.body.contains("由本单位整改办组织"),
        "{}",
        refused.body
    );
    let english = t
        .post(
            Some(&in_english(&wang)),
            &format!("/meetings/{meeting}"),
            &[("form", "open_box")],
        )
        .await;
    assert!(
        english.body.contains("is run by the organisation"),
        "{}",
        english.body
    );

    // A unit reads no meeting, and learns nothing of one.
    let finance = t.login("finance").await;
    assert_eq!(
        t.get(Some(&finance), &format!("/meetings/{meeting}"))
            .await
            .status,
        StatusCode::NOT_FOUND
    );
    let list = t.get(Some(&finance), "/meetings").await;
    assert!(
        !list.body.contains("民主生活会</a>"),
        "no meeting listed to a unit"
    );
    // The upper level reads the held meeting and its report; the confidential one's
    // opinions are counted, not shown.
    let upper = t.login("xunchaban").await;
    let page = t.get(Some(&upper), &format!("/meetings/{meeting}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        !page.body.contains("id=\"opinion-list\""),
        "confidential: {}",
        page.body
    );
    let held: i64 = sqlx::query_scalar("SELECT id FROM meetings WHERE state = 'closed'")
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let report = t
        .get(Some(&upper), &format!("/meetings/{held}/report.docx"))
        .await;
    assert_eq!(report.status, StatusCode::OK);
    // Read back: official layout, the meeting's counts as recorded, its problems, and
    // none of the opinions' own words (given in trust).
    let doc = zhenggai_documents::read::Layout::of(&report.bytes).unwrap();
    assert_eq!(doc.page, (11906, 16838), "A4");
    let text = doc.text();
    assert!(
        text.contains("关于召开2023年度巡察整改专题民主生活会情况的报告")
            || text.contains("情况的报告"),
        "{text}"
    );
    assert!(
        text.contains("共收到意见4条（意见箱3条，其他渠道1条"),
        "{text}"
    );
    assert!(text.contains("谈心谈话3人次"), "{text}");
    assert!(text.contains("开展自我批评2人次、相互批评2条"), "{text}");
    assert!(text.contains("市委第二督导组 李某某点评指出"), "{text}");
    assert!(
        doc.tables
            .iter()
            .flatten()
            .flatten()
            .any(|c| c.contains("对广告提成发放把关不严"))
    );
    assert!(text.contains("已全部纳入整改台账"), "{text}");
    assert!(
        !text.contains("公车管理长期松散"),
        "an opinion's words stay out: {text}"
    );
    // The administrators read no meeting.
    let sysadmin = t.login("sysadmin").await;
    assert_eq!(
        t.get(Some(&sysadmin), &format!("/meetings/{meeting}"))
            .await
            .status,
        StatusCode::FORBIDDEN
    );
}

#[tokio::test]
async fn an_opinion_goes_from_the_box_through_the_pages_into_the_ledger() {
    let t = TestApp::new().await;
    let (meeting, key) = preparing(&t).await;
    let sent = t
        .send(from(
            "192.0.2.9",
            Request::post(format!("/box/{key}")).header(header::CONTENT_TYPE, "application/json"),
            Body::from(serde_json::json!({"text": "赵志红同志对新媒体中心的调研不够", "about": null, "category": "work", "anonymous": true}).to_string()),
        ))
        .await;
    let receipt = sent.json()["receipt"].as_str().unwrap().to_string();
    let office = t.login("office").await;
    let path = format!("/meetings/{meeting}");
    close_and_open(&t, &office, meeting).await;
    let zhao = t.get_user("leader_zhao").await.id.0;
    let (opinion, version): (i64, i64) =
        sqlx::query_as("SELECT id, version FROM opinions WHERE text LIKE '赵志红同志对新媒体%'")
            .fetch_one(t.app.db.pool())
            .await
            .unwrap();
    let sorted = t
        .post(
            Some(&office),
            &path,
            &[
                ("form", "sort"),
                ("record", &opinion.to_string()),
                ("version", &version.to_string()),
                ("member_id", &zhao.to_string()),
            ],
        )
        .await;
    assert_eq!(sorted.status, StatusCode::SEE_OTHER, "{}", sorted.body);
    let zhao_s = t.login("leader_zhao").await;
    let ack = t
        .post(
            Some(&zhao_s),
            &path,
            &[
                ("form", "acknowledge"),
                ("record", &opinion.to_string()),
                ("version", &(version + 1).to_string()),
            ],
        )
        .await;
    assert_eq!(ack.status, StatusCode::SEE_OTHER, "{}", ack.body);
    let named = t
        .post(
            Some(&zhao_s),
            &path,
            &[
                ("form", "finding"),
                ("member_id", &zhao.to_string()),
                ("problem", "到新媒体中心调研不够"),
                ("measure", "每月到新媒体中心调研一次"),
                ("deadline", "长期坚持"),
                ("opinion_id", &opinion.to_string()),
            ],
        )
        .await;
    assert_eq!(named.status, StatusCode::SEE_OTHER, "{}", named.body);
    // A deadline that does not read is said at its field.
    let bad = t
        .post(
            Some(&zhao_s),
            &path,
            &[
                ("form", "finding"),
                ("member_id", &zhao.to_string()),
                ("problem", "x"),
                ("measure", "y"),
                ("deadline", "尽快"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.body.contains("data-field=\"deadline\""), "{}", bad.body);
    let v: i64 = sqlx::query_scalar("SELECT version FROM meetings WHERE id = $1")
        .bind(meeting)
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let held = t
        .post(
            Some(&office),
            &path,
            &[
                ("form", "minutes"),
                ("version", &v.to_string()),
                ("minutes", "会议按程序召开。"),
                ("held_on", &crate::util::today().to_string()),
            ],
        )
        .await;
    assert_eq!(held.status, StatusCode::SEE_OTHER, "{}", held.body);
    let lead: i64 = sqlx::query_scalar("SELECT id FROM units WHERE short_name = '党群工作部'")
        .fetch_one(t.app.db.pool())
        .await
        .unwrap();
    let carried = t
        .post(
            Some(&office),
            &path,
            &[
                ("form", "carry"),
                ("version", &(v + 1).to_string()),
                ("lead_unit_id", &lead.to_string()),
            ],
        )
        .await;
    assert_eq!(carried.status, StatusCode::SEE_OTHER, "{}", carried.body);
    let page = t.get(Some(&office), &path).await;
    assert!(
        page.body.contains("class=\"ledger-problem\""),
        "{}",
        page.body
    );
    let status = t
        .send(from(
            "192.0.2.9",
            Request::post(format!("/box/{key}/receipt"))
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded"),
            form_body(&[("receipt", &receipt)]),
        ))
        .await;
    assert_eq!(status.status, StatusCode::OK);
    assert!(
        status.body.contains("到新媒体中心调研不够"),
        "{}",
        status.body
    );
    assert!(status.body.contains("本人已于"), "{}", status.body);
    // The problem's trail and the meeting's read in words: no codes on a Chinese page.
    let trail = t
        .get(Some(&office), &format!("/records/meetings/{meeting}/trail"))
        .await;
    assert_eq!(trail.status, StatusCode::OK);
    for code in ["preparing", "closed", "carry", "box_key"] {
        assert!(
            !trail.body.contains(&format!(">{code}<")),
            "{code} shown: {}",
            trail.body
        );
    }
}
