//! `TestApp`: a fresh database with the demo organisation, the real router, a clock the
//! test moves, and helpers to act as any demo user.

use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use http_body_util::BodyExt;
use tower::ServiceExt;
use zhenggai_demo as demo;
use zhenggai_domain::clock::Clock;
use zhenggai_storage::accounts::{auth, users};
use zhenggai_storage::files::LocalFiles;
use zhenggai_testkit::TestDb;
use zhenggai_web::{App, WebConfig};

/// A clock the test moves.
#[derive(Debug)]
pub struct TestClock(Mutex<DateTime<Utc>>);

impl Clock for TestClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap()
    }
}

/// A logged-in person.
#[derive(Debug, Clone)]
pub struct Session {
    pub cookie: String,
    pub csrf: String,
}

/// A response, read whole.
#[derive(Debug)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
    pub bytes: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    /// The value of the page's form field `name` (a hidden input's, say).
    pub fn field(&self, name: &str) -> String {
        self.body
            .split(&format!("name=\"{name}\" value=\""))
            .nth(1)
            .and_then(|rest| rest.split('"').next())
            .unwrap_or_else(|| panic!("no field {name} in the page"))
            .to_string()
    }
    pub fn location(&self) -> &str {
        self.headers
            .get(header::LOCATION)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
    }
}

pub struct TestApp {
    pub app: App,
    router: Router,
    clock: Arc<TestClock>,
    _db: TestDb,
    _files: tempfile::TempDir,
}

/// "Today" in the tests: 25 April 2024, 10:00 in Beijing.
pub fn start() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2024, 4, 25, 2, 0, 0).unwrap()
}

pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 4, 25).unwrap()
}

pub const PASSWORD: &str = demo::DEMO_PASSWORD;

impl TestApp {
    /// A fresh database with the demo organisation.
    pub async fn new() -> TestApp {
        let app = Self::empty().await;
        demo::load(&app.app.db, app.app.files.as_ref(), today(), start())
            .await
            .unwrap();
        app
    }

    /// The demo organisation and a second one under the same upper level (某市晚报社,
    /// its accounts prefixed `wb_`), as `TestDb::two_organisations` loads them.
    pub async fn two_organisations() -> TestApp {
        let app = Self::new().await;
        demo::load_another(
            &app.app.db,
            app.app.files.as_ref(),
            today(),
            start(),
            "某市晚报社",
            "晚报社",
            "wb_",
        )
        .await
        .unwrap();
        app
    }

    /// A fresh, empty, migrated database.
    pub async fn empty() -> TestApp {
        let db = TestDb::new().await.unwrap();
        let files = tempfile::tempdir().unwrap();
        let clock = Arc::new(TestClock(Mutex::new(start())));
        let app = App::new(
            db.db.clone(),
            Arc::new(LocalFiles::new(files.path())),
            clock.clone(),
            WebConfig::default(),
        );
        let router = zhenggai_web::router(app.clone());
        TestApp {
            app,
            router,
            clock,
            _db: db,
            _files: files,
        }
    }

    /// The same database and clock behind a router with other settings.
    pub fn reconfigure(&mut self, change: impl FnOnce(&mut WebConfig)) {
        let mut config = (*self.app.config).clone();
        change(&mut config);
        self.app.config = Arc::new(config);
        self.router = zhenggai_web::router(self.app.clone());
    }

    pub fn advance(&self, by: Duration) {
        let mut now = self.clock.0.lock().unwrap();
        *now += by;
    }

    /// One round of the reminder queue on the test's day, in-app only (the bell).
    pub async fn ring_bells(&self) {
        let calendar = zhenggai_storage::calendar::load(&self.app.db)
            .await
            .unwrap();
        zhenggai_storage::reminders::tick(
            &self.app.db,
            &zhenggai_storage::reminders::courier::BellOnly,
            &calendar,
            today(),
            start(),
        )
        .await
        .unwrap();
    }

    /// A session for a demo user, started directly (the login form has its own tests).
    pub async fn login(&self, username: &str) -> Session {
        let user = users::find(&self.app.db, username)
            .await
            .unwrap()
            .unwrap_or_else(|| panic!("no user {username}"));
        let s = auth::start_session(&self.app.db, user.id, self.clock.now())
            .await
            .unwrap();
        Session {
            cookie: format!("zg_session={}", s.token.0),
            csrf: s.csrf,
        }
    }

    /// Fills in and submits the login form as a browser at `address` does: reads the
    /// page (its token, in the form and in a cookie), then posts it.
    pub async fn submit_login_from(
        &self,
        address: &str,
        username: &str,
        password: &str,
        next: &str,
    ) -> Resp {
        let addr: std::net::SocketAddr = format!("{address}:40000").parse().unwrap();
        let page = self
            .send(
                Request::get("/login")
                    .extension(axum::extract::ConnectInfo(addr))
                    .body(Body::empty())
                    .unwrap(),
            )
            .await;
        let token = page.field("login_csrf");
        let cookie = page
            .headers
            .get(header::SET_COOKIE)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.split(';').next())
            .unwrap()
            .to_string();
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs([
                ("login_csrf", token.as_str()),
                ("username", username),
                ("password", password),
                ("next", next),
            ])
            .finish();
        self.send(
            Request::post("/login")
                .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
                .header(header::COOKIE, cookie)
                .extension(axum::extract::ConnectInfo(addr))
                .body(Body::from(body))
                .unwrap(),
        )
        .await
    }

    /// [`Self::submit_login_from`] one office workstation.
    pub async fn submit_login(&self, username: &str, password: &str, next: &str) -> Resp {
        self.submit_login_from("10.1.1.1", username, password, next)
            .await
    }

    pub async fn send(&self, req: Request<Body>) -> Resp {
        let resp = self.router.clone().oneshot(req).await.unwrap();
        let status = resp.status();
        let headers = resp.headers().clone();
        let bytes = resp
            .into_body()
            .collect()
            .await
            .unwrap()
            .to_bytes()
            .to_vec();
        Resp {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
            bytes,
        }
    }

    pub async fn get(&self, s: Option<&Session>, path: &str) -> Resp {
        let mut req = Request::get(path);
        if let Some(s) = s {
            req = req.header(header::COOKIE, &s.cookie);
        }
        self.send(req.body(Body::empty()).unwrap()).await
    }

    /// Posts a form; the session's CSRF token is added unless the fields carry one.
    pub async fn post(&self, s: Option<&Session>, path: &str, fields: &[(&str, &str)]) -> Resp {
        let mut pairs: Vec<(String, String)> = fields
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        if let Some(s) = s
            && !fields.iter().any(|(k, _)| *k == "csrf")
        {
            pairs.push(("csrf".into(), s.csrf.clone()));
        }
        let body: String = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(pairs)
            .finish();
        let mut req =
            Request::post(path).header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
        if let Some(s) = s {
            req = req.header(header::COOKIE, &s.cookie);
        }
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Posts a progress entry as multipart, with files.
    pub async fn post_progress(
        &self,
        auth: Auth<'_>,
        path: &str,
        fields: &[(&str, &str)],
        files: &[(&str, &[u8])],
    ) -> Resp {
        let boundary = "zgboundary7MA4YWxkTrZu0gW";
        let mut body = Vec::new();
        for (k, v) in fields {
            body.extend_from_slice(
                format!(
                    "--{boundary}\r\nContent-Disposition: form-data; name=\"{k}\"\r\n\r\n{v}\r\n"
                )
                .as_bytes(),
            );
        }
        for (name, bytes) in files {
            body.extend_from_slice(format!("--{boundary}\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{name}\"\r\nContent-Type: application/octet-stream\r\n\r\n").as_bytes());
            body.extend_from_slice(bytes);
            body.extend_from_slice(b"\r\n");
        }
        body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
        // As every client on the wire declares it.
        let req = auth
            .apply(Request::post(path))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={boundary}"),
            )
            .header(header::CONTENT_LENGTH, body.len());
        self.send(req.body(Body::from(body)).unwrap()).await
    }

    /// Calls the API with a Bearer token.
    pub async fn api(
        &self,
        token: &str,
        method: &str,
        path: &str,
        json: Option<serde_json::Value>,
    ) -> Resp {
        let mut req = Request::builder()
            .method(method)
            .uri(path)
            .header(header::AUTHORIZATION, format!("Bearer {token}"));
        let body = match json {
            Some(j) => {
                req = req.header(header::CONTENT_TYPE, "application/json");
                Body::from(j.to_string())
            }
            None => Body::empty(),
        };
        self.send(req.body(body).unwrap()).await
    }

    /// Where the test's files are stored (content-addressed).
    pub fn files_root(&self) -> &std::path::Path {
        self._files.path()
    }

    /// A demo user's account as stored.
    pub async fn get_user(&self, username: &str) -> users::User {
        users::find(&self.app.db, username).await.unwrap().unwrap()
    }

    /// An API token for a demo user.
    pub async fn token(&self, username: &str) -> String {
        let user = users::find(&self.app.db, username).await.unwrap().unwrap();
        auth::create_api_token(&self.app.db, user.id, "test", self.clock.now())
            .await
            .unwrap()
            .0
    }

    /// The id of the demo measure whose content starts with these words.
    pub async fn measure(&self, starts: &str) -> i64 {
        self.measures()
            .await
            .into_iter()
            .find(|m| m.content.starts_with(starts))
            .unwrap_or_else(|| panic!("no measure starting {starts}"))
            .id
            .0
    }

    /// The id of the demo problem with this title.
    pub async fn problem(&self, title: &str) -> i64 {
        self.problem_as("office", title).await
    }

    /// The id of the S1 inspection.
    pub async fn inspection(&self) -> i64 {
        self.inspection_by("市委第一巡察组").await
    }
}

/// How a multipart request authenticates.
pub enum Auth<'a> {
    Session(&'a Session),
    Token(&'a str),
}

impl Auth<'_> {
    pub fn apply(&self, req: axum::http::request::Builder) -> axum::http::request::Builder {
        match self {
            Auth::Session(s) => req.header(header::COOKIE, &s.cookie),
            Auth::Token(t) => req.header(header::AUTHORIZATION, format!("Bearer {t}")),
        }
    }
}

/// Measures of the demo used across tests.
pub const HR_ONLY: &str = "制订人才发展规划"; // lead 人力资源部, no cooperating unit
pub const FINANCE_LEAD: &str = "规范各类金融账户管理"; // lead 财务部
pub const FINANCE_COOP: &str = "制订报社（集团）公务接待管理规定"; // lead 办公室, 财务部 cooperates
pub const PDF: &[u8] = b"%PDF-1.4\n% evidence\n";

/// A session reading in English.
pub fn in_english(s: &Session) -> Session {
    Session {
        cookie: format!("{}; zg_lang=en", s.cookie),
        csrf: s.csrf.clone(),
    }
}
