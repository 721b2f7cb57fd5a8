//! Errors at the web edge, mapped to responses in one place each: [`PageError`] for
//! pages (an HTML page, or a redirect to the login), [`ApiError`] for the JSON API.
//!
//! Policy: users see what went wrong and what to do, never internals. A database or
//! file failure is logged here, once, with its cause, and answered with a plain 500.
//! Records the person may not know of are 404, records they see but may not change
//! are 403, bad input is 422 naming each field, a step waiting on other records is 422
//! naming and linking them, a stale version is 409 with the changes. A page's error is
//! shown in the reader's language only.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::validate::FieldError;
use zhenggai_storage::StoreError;
use zhenggai_storage::error::{Blocker, Conflict};

use crate::i18n::{Lang, Tr, blocking, refused};

/// What a page handler can fail with.
#[derive(Debug)]
pub enum PageError {
    /// From storage.
    Store(StoreError),
    /// Not logged in: go to the login page, then back to `next`.
    Login {
        /// Where to return after logging in.
        next: String,
    },
    /// Must set a new password first.
    ChangePassword,
    /// A form without the session's CSRF token.
    Csrf,
    /// A body larger than allowed.
    TooLarge,
    /// A body that did not arrive in its time (`http_body_timeout_secs`).
    SlowBody,
    /// As many uploads and imports as the server reads at once are being read
    /// (`http_concurrent_uploads`): send again in a moment.
    Busy,
    /// An address that takes a form's submission, opened by other means (typed in, or
    /// reloaded after a refused form).
    FormOnly,
    /// An address that does not read (letters where a record's number goes, a query
    /// parameter of the wrong kind): edited by hand, or a broken link.
    BadAddress,
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError::Store(e)
    }
}

/// A field of a form that does not read (a yes/no field with another value): shown on
/// the form's error page like any other field refused.
impl From<FieldError> for PageError {
    fn from(e: FieldError) -> Self {
        PageError::Store(StoreError::Invalid(vec![e]))
    }
}

impl From<anyhow::Error> for PageError {
    fn from(e: anyhow::Error) -> Self {
        PageError::Store(StoreError::Other(e))
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    t: Tr,
    message: &'a str,
    fields: Vec<String>,
    records: &'a [Blocker],
}

/// What an error page says, in both languages: the page is rendered in Chinese here and
/// again in the reader's language by the router's `page_errors`, which alone knows the
/// request (a response cannot see its request).
#[derive(Debug, Clone)]
pub struct ErrorText {
    /// The status.
    pub status: StatusCode,
    /// What happened and what to do, in Chinese.
    pub zh: String,
    /// The same in English.
    pub en: String,
    /// The fields refused.
    pub fields: Vec<FieldError>,
    /// The records that block the step, each linked.
    pub records: Vec<Blocker>,
}

impl ErrorText {
    /// The page in one language.
    pub fn render(&self, lang: Lang) -> String {
        let page = ErrorPage {
            t: Tr(lang),
            message: lang.pick(&self.zh, &self.en),
            fields: self
                .fields
                .iter()
                .map(|f| crate::i18n::field_message(lang, f))
                .collect(),
            records: &self.records,
        };
        page.render()
            .unwrap_or_else(|_| lang.pick(&self.zh, &self.en).to_string())
    }
}

/// Seconds a client is told to wait when the server reads as many uploads as it will.
const RETRY_AFTER_SECS: &str = "30";

fn busy(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static(RETRY_AFTER_SECS),
    );
    resp
}

/// The error page, in Chinese until the router renders it in the reader's language.
fn error_page(status: StatusCode, zh: &str, en: &str, fields: &[FieldError]) -> Response {
    error_page_with(status, zh, en, fields, Vec::new())
}

/// A refusal to the person's role or unit, in both languages.
fn refused_page(why: &Refused) -> Response {
    error_page(
        StatusCode::FORBIDDEN,
        &refused(Lang::Zh, why),
        &refused(Lang::En, why),
        &[],
    )
}

fn error_page_with(
    status: StatusCode,
    zh: &str,
    en: &str,
    fields: &[FieldError],
    records: Vec<Blocker>,
) -> Response {
    let text = ErrorText {
        status,
        zh: zh.to_string(),
        en: en.to_string(),
        fields: fields.to_vec(),
        records,
    };
    let mut resp = (status, Html(text.render(Lang::Zh))).into_response();
    resp.extensions_mut().insert(text);
    resp
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        match self {
            PageError::Login { next } => {
                Redirect::to(&format!("/login?next={}", urlencoding::encode(&next))).into_response()
            }
            PageError::ChangePassword => Redirect::to("/password").into_response(),
            PageError::Csrf => error_page(
                StatusCode::FORBIDDEN,
                "表单已过期或来源不明，请返回上一页刷新后重新提交。",
                "The form has expired or did not come from this site: go back, reload and submit again.",
                &[],
            ),
            PageError::FormOnly => error_page(
                StatusCode::METHOD_NOT_ALLOWED,
                "这个地址只接收页面上提交的表单，不能直接打开。请返回上一页，用页面上的按钮提交。",
                "This address takes a form sent from a page and cannot be opened directly: go back and use the page's button.",
                &[],
            ),
            PageError::BadAddress => error_page(
                StatusCode::BAD_REQUEST,
                "这个网址的格式不对（例如记录编号处不是数字）：请从页面上的链接进入。",
                "This address is malformed (a record's number that is not a number, say): open it from a link on a page.",
                &[],
            ),
            PageError::TooLarge => error_page(
                StatusCode::PAYLOAD_TOO_LARGE,
                "提交的内容过大，请精简后重试。",
                "What you sent is too large: shorten it and try again.",
                &[],
            ),
            PageError::SlowBody => error_page(
                StatusCode::REQUEST_TIMEOUT,
                "提交的内容没有在规定时间内传完，连接已断开。请检查网络后重新提交。",
                "What you sent did not arrive in time and the connection was closed: check the network and send it again.",
                &[],
            ),
            PageError::Busy => busy(error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "服务器正在接收其他人上传的文件，请稍等片刻（约半分钟）后重新提交。",
                "The server is receiving other people's files: wait a moment (half a minute or so) and send again.",
                &[],
            )),
            PageError::Store(e) => match e {
                StoreError::NotFound => error_page(
                    StatusCode::NOT_FOUND,
                    "找不到该页面，或您无权查看。",
                    "Not found, or not yours to see.",
                    &[],
                ),
                StoreError::Forbidden => refused_page(&Refused::NotYours),
                StoreError::Refused(why) => refused_page(&why),
                StoreError::Blocked(b) => error_page_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    &blocking(Lang::Zh, &b.why),
                    &blocking(Lang::En, &b.why),
                    &[],
                    b.records,
                ),
                StoreError::Invalid(fields) => error_page(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "提交的内容有误（见下列提示）：请返回上一页修改后重新提交（已填写的内容一般仍在）。",
                    "Some of what you sent needs correcting (see below): go back, correct it and send it again (what you typed is usually still there).",
                    &fields,
                ),
                StoreError::Conflict(c) => error_page(
                    StatusCode::CONFLICT,
                    &format!(
                        "该记录已被{}修改，请刷新后在最新版本上修改。",
                        c.changed_by.as_deref().unwrap_or("他人")
                    ),
                    "Someone else changed this record: reload it and make your change on the latest version.",
                    &[],
                ),
                StoreError::Db(e) => {
                    tracing::error!(error = %e, "database error");
                    error_page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "系统暂时无法完成操作，请稍后重试；如仍不行请联系系统管理员。",
                        "The system could not do this now: try again later, or tell the system administrator.",
                        &[],
                    )
                }
                StoreError::Other(e) => {
                    tracing::error!(error = format!("{e:#}"), "internal error");
                    error_page(
                        StatusCode::INTERNAL_SERVER_ERROR,
                        "系统暂时无法完成操作，请稍后重试；如仍不行请联系系统管理员。",
                        "The system could not do this now: try again later, or tell the system administrator.",
                        &[],
                    )
                }
            },
        }
    }
}

/// What an API handler can fail with.
#[derive(Debug)]
pub enum ApiError {
    /// From storage.
    Store(StoreError),
    /// No valid token or session.
    Unauthenticated,
    /// A cookie-authenticated write without the `X-CSRF-Token` header.
    Csrf,
    /// A request that cannot be read at all (a body that is not JSON, a broken
    /// multipart body), with the reader's own words (in English) for what was wrong.
    BadRequest(String),
    /// The account's password was set by the system administrator and must be changed
    /// before anything else.
    MustChangePassword,
    /// A segment of the address, a query parameter or a body's field that does not read
    /// as its type (letters for an id, a missing field): the request is malformed (400),
    /// and the field is named.
    BadField(FieldError),
    /// A body over the route's limit.
    TooLarge,
    /// A body that did not arrive in its time (`http_body_timeout_secs`).
    SlowBody,
    /// As many uploads and imports as the server reads at once are being read: 503
    /// with `Retry-After`.
    Busy,
    /// A method the address does not take (GET on a write, say).
    MethodNotAllowed,
}

/// A field of the body that does not read: 400 naming it, as a JSON field is.
impl From<FieldError> for ApiError {
    fn from(e: FieldError) -> Self {
        ApiError::BadField(e)
    }
}

impl From<StoreError> for ApiError {
    fn from(e: StoreError) -> Self {
        ApiError::Store(e)
    }
}

/// The body of every API error.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ApiErrorBody {
    /// not_found, forbidden, invalid, blocked, conflict, unauthenticated, csrf, bad_request,
    /// too_large, slow_body, busy, method_not_allowed, internal.
    pub error: &'static str,
    /// What happened and what to do, in Chinese.
    pub message: String,
    /// The same in English.
    pub message_en: String,
    /// For `invalid` and `bad_request`: each field and what is wrong with it.
    pub fields: Vec<FieldMessage>,
    /// For `conflict`: what the other writer changed.
    pub conflict: Option<Conflict>,
    /// For `blocked`: the records that block the step (problems, measures), each with
    /// its id, number and title.
    pub blocking: Vec<Blocker>,
}

/// A field and what is wrong with it, in both languages (a script reads either).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    /// The field's name, as in the form and the API.
    pub field: String,
    /// What is wrong and what to do, in Chinese.
    pub message: String,
    /// The same in English.
    pub message_en: String,
}

impl From<&FieldError> for FieldMessage {
    fn from(e: &FieldError) -> Self {
        FieldMessage {
            field: e.field.clone(),
            message: crate::i18n::field_message(Lang::Zh, e),
            message_en: crate::i18n::field_message(Lang::En, e),
        }
    }
}

fn body(error: &'static str, zh: &str, en: &str) -> ApiErrorBody {
    ApiErrorBody {
        error,
        message: zh.to_string(),
        message_en: en.to_string(),
        fields: Vec::new(),
        conflict: None,
        blocking: Vec::new(),
    }
}

/// A refusal to the caller's role or unit, in both languages.
fn forbidden(why: &Refused) -> ApiErrorBody {
    body(
        "forbidden",
        &refused(Lang::Zh, why),
        &refused(Lang::En, why),
    )
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, b) = match self {
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                body(
                    "unauthenticated",
                    "请登录，或在 Authorization 头中提供 Bearer 令牌。",
                    "Log in, or send a Bearer token in the Authorization header.",
                ),
            ),
            ApiError::Csrf => (
                StatusCode::FORBIDDEN,
                body(
                    "csrf",
                    "使用会话调用写接口时须带 X-CSRF-Token 头。",
                    "Writes with a session cookie need the X-CSRF-Token header.",
                ),
            ),
            ApiError::MustChangePassword => (
                StatusCode::FORBIDDEN,
                body(
                    "must_change_password",
                    "请先修改系统管理员设置的初始密码（POST /api/v1/password，或在页面上修改），之后才能进行其他操作。",
                    "Change the password the system administrator set first (POST /api/v1/password, or on the page); nothing else is allowed until then.",
                ),
            ),
            ApiError::BadRequest(detail) => (
                StatusCode::BAD_REQUEST,
                body(
                    "bad_request",
                    "请求格式有误，无法读取：请对照 API 文档（/api/v1/openapi.json）检查请求的格式。",
                    &format!("Malformed request: {detail}"),
                ),
            ),
            ApiError::BadField(field) => {
                let field = FieldMessage::from(&field);
                let mut b = body("bad_request", &field.message, &field.message_en);
                b.fields = vec![field];
                (StatusCode::BAD_REQUEST, b)
            }
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                body(
                    "method_not_allowed",
                    "这个地址不接受该请求方法：请对照 API 文档（/api/v1/openapi.json）使用正确的方法。",
                    "This address does not take this method: see the API document (/api/v1/openapi.json).",
                ),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body(
                    "too_large",
                    "请求内容超过了这个接口的大小上限：请精简内容，或把附件分开上传。",
                    "The request is larger than this address accepts: send less, or the files separately.",
                ),
            ),
            ApiError::SlowBody => (
                StatusCode::REQUEST_TIMEOUT,
                body(
                    "slow_body",
                    "请求内容没有在规定时间内传完，连接已断开：请检查网络后重新发送。",
                    "The request's body did not arrive in time and the connection was closed: check the network and send it again.",
                ),
            ),
            ApiError::Busy => {
                let b = body(
                    "busy",
                    "服务器正在接收其他上传或导入：请按 Retry-After 等待后重新发送。",
                    "The server is receiving other uploads or imports: send again after Retry-After.",
                );
                return busy((StatusCode::SERVICE_UNAVAILABLE, Json(b)).into_response());
            }
            ApiError::Store(e) => match e {
                StoreError::NotFound => (
                    StatusCode::NOT_FOUND,
                    body(
                        "not_found",
                        "找不到该记录，或您无权查看。",
                        "Not found, or not yours to see.",
                    ),
                ),
                StoreError::Forbidden => (StatusCode::FORBIDDEN, forbidden(&Refused::NotYours)),
                StoreError::Refused(why) => (StatusCode::FORBIDDEN, forbidden(&why)),
                StoreError::Blocked(blocked) => {
                    let mut b = body(
                        "blocked",
                        &blocking(Lang::Zh, &blocked.why),
                        &blocking(Lang::En, &blocked.why),
                    );
                    b.blocking = blocked.records;
                    (StatusCode::UNPROCESSABLE_ENTITY, b)
                }
                StoreError::Invalid(fields) => {
                    let mut b = body(
                        "invalid",
                        "提交的内容有误，请按 fields 修改。",
                        "Some fields need correcting: see fields.",
                    );
                    b.fields = fields.iter().map(FieldMessage::from).collect();
                    (StatusCode::UNPROCESSABLE_ENTITY, b)
                }
                StoreError::Conflict(c) => {
                    let mut b = body(
                        "conflict",
                        "该记录已被他人修改：请重新读取，在最新版本上修改。",
                        "Someone else changed this record: read it again and change the latest version.",
                    );
                    b.conflict = Some(*c);
                    (StatusCode::CONFLICT, b)
                }
                StoreError::Db(e) => {
                    tracing::error!(error = %e, "database error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        body(
                            "internal",
                            "系统暂时无法完成操作，请稍后重试。",
                            "The system could not do this now: try again later.",
                        ),
                    )
                }
                StoreError::Other(e) => {
                    tracing::error!(error = format!("{e:#}"), "internal error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        body(
                            "internal",
                            "系统暂时无法完成操作，请稍后重试。",
                            "The system could not do this now: try again later.",
                        ),
                    )
                }
            },
        };
        (status, Json(b)).into_response()
    }
}
