//! Errors at the web edge, mapped to responses in one place each: [`PageError`] for
//! pages (an HTML page, or a redirect to the login), [`ApiError`] for the JSON API.
//!
//! Policy: users see what went wrong and what to do, never internals. A database or
//! file failure is logged here, once, with its cause, and answered with a plain 500.
//! Records the person may not know of are 404, records they see but may not change
//! are 403, bad input is 422 naming each field, a step waiting on other records is 422
//! naming and linking them, a stale version is 409 with the changes (through the API,
//! only the fields its route takes, by their API names). A page's error is shown in the
//! reader's language only. The words are the i18n layer's (`texts!`'s `error_…` and
//! `api_…`, `i18n::edge` for those that take a value): here errors are only mapped to
//! statuses and their texts picked.

use askama::Template;
use axum::Json;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Serialize;
use zhenggai_domain::reason::Refused;
use zhenggai_domain::validate::FieldError;
use zhenggai_storage::StoreError;
use zhenggai_storage::error::{Blocker, Conflict};

use crate::i18n::{Lang, Tr, blocking, edge, refused};

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
    /// A public form (the opinion box) sent from one address more often than it takes:
    /// 429 with `Retry-After`.
    TooFrequent,
    /// An address that does not read (letters where a record's number goes, a query
    /// parameter of the wrong kind): edited by hand, or a broken link.
    BadAddress,
    /// An address longer than the HTTP reader takes (hyper's 64 KB), answered by the
    /// server before the router sees it.
    UriTooLong,
    /// Headers larger than the HTTP reader takes (cookies grown too large, say),
    /// answered by the server before the router sees them.
    HeadersTooLarge,
    /// A week in the address (`/weekly?week=…`) that does not read or is out of range:
    /// not a form submitted, so answered with the address's week named and a link to
    /// this week, without the week's forms.
    AddressWeek {
        /// The week as written in the address.
        asked: String,
        /// What is wrong with it (boxed: the error travels through every page handler).
        why: Box<FieldError>,
    },
    /// A year in the address (`/calendar?year=…`) that does not read or is outside the
    /// years dates may have: answered with the year named and a link to this year.
    AddressYear {
        /// The year as written in the address.
        asked: String,
    },
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
    link: Option<(&'static str, &'static str)>,
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
    /// Where to go on, and its words (a fixed text): this week's page for a week in the
    /// address out of range.
    pub link: Option<(&'static str, Text)>,
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
            link: self.link.map(|(href, text)| (href, text(&Tr(lang)))),
        };
        page.render()
            .unwrap_or_else(|_| lang.pick(&self.zh, &self.en).to_string())
    }
}

/// Seconds a client is told to wait when the server reads as many uploads as it will.
const RETRY_AFTER_SECS: &str = "30";

/// Seconds a sender is told to wait when one address has sent the box what it takes in
/// a window (`throttle::BoxGuard`'s ten minutes).
const WINDOW_SECS: &str = "600";

fn wait_window(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static(WINDOW_SECS),
    );
    resp
}

fn busy(mut resp: Response) -> Response {
    resp.headers_mut().insert(
        axum::http::header::RETRY_AFTER,
        axum::http::HeaderValue::from_static(RETRY_AFTER_SECS),
    );
    resp
}

/// A fixed text of the `texts!` table, named by its method (`Tr::error_busy`).
type Text = fn(&Tr) -> &'static str;

/// A fixed text in both languages.
fn both(text: Text) -> (String, String) {
    (
        text(&Tr(Lang::Zh)).to_string(),
        text(&Tr(Lang::En)).to_string(),
    )
}

/// The error page with a fixed text, in Chinese until the router renders it in the
/// reader's language.
fn error_page(status: StatusCode, text: Text, fields: &[FieldError]) -> Response {
    error_page_with(status, both(text), fields, Vec::new())
}

/// A refusal to the person's role or unit, in both languages.
fn refused_page(why: &Refused) -> Response {
    error_page_with(
        StatusCode::FORBIDDEN,
        (refused(Lang::Zh, why), refused(Lang::En, why)),
        &[],
        Vec::new(),
    )
}

fn error_page_with(
    status: StatusCode,
    (zh, en): (String, String),
    fields: &[FieldError],
    records: Vec<Blocker>,
) -> Response {
    let text = ErrorText {
        status,
        zh,
        en,
        fields: fields.to_vec(),
        records,
        link: None,
    };
    text_page(text)
}

/// The error page of a text, in Chinese until the router renders it in the reader's
/// language.
fn text_page(text: ErrorText) -> Response {
    let mut resp = (text.status, Html(text.render(Lang::Zh))).into_response();
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
            PageError::Csrf => error_page(StatusCode::FORBIDDEN, Tr::error_form_expired, &[]),
            PageError::FormOnly => {
                error_page(StatusCode::METHOD_NOT_ALLOWED, Tr::error_form_only, &[])
            }
            PageError::BadAddress => {
                error_page(StatusCode::BAD_REQUEST, Tr::error_bad_address, &[])
            }
            PageError::UriTooLong => {
                error_page(StatusCode::URI_TOO_LONG, Tr::error_uri_too_long, &[])
            }
            PageError::HeadersTooLarge => error_page(
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                Tr::error_headers_too_large,
                &[],
            ),
            PageError::TooLarge => {
                error_page(StatusCode::PAYLOAD_TOO_LARGE, Tr::error_too_large, &[])
            }
            PageError::SlowBody => {
                error_page(StatusCode::REQUEST_TIMEOUT, Tr::error_slow_body, &[])
            }
            PageError::AddressWeek { asked, why } => text_page(ErrorText {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                zh: edge::address_week(Lang::Zh, &asked, &why),
                en: edge::address_week(Lang::En, &asked, &why),
                fields: Vec::new(),
                records: Vec::new(),
                link: Some(("/weekly", Tr::weekly_open_this_week)),
            }),
            PageError::AddressYear { asked } => text_page(ErrorText {
                status: StatusCode::UNPROCESSABLE_ENTITY,
                zh: edge::address_year(Lang::Zh, &asked),
                en: edge::address_year(Lang::En, &asked),
                fields: Vec::new(),
                records: Vec::new(),
                link: Some(("/calendar", Tr::calendar_open_this_year)),
            }),
            PageError::TooFrequent => wait_window(error_page(
                StatusCode::TOO_MANY_REQUESTS,
                Tr::error_too_frequent,
                &[],
            )),
            PageError::Busy => busy(error_page(
                StatusCode::SERVICE_UNAVAILABLE,
                Tr::error_busy,
                &[],
            )),
            PageError::Store(e) => match e {
                StoreError::NotFound => error_page(StatusCode::NOT_FOUND, Tr::error_not_found, &[]),
                StoreError::Refused(why) => refused_page(&why),
                StoreError::Blocked(b) => error_page_with(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    (blocking(Lang::Zh, &b.why), blocking(Lang::En, &b.why)),
                    &[],
                    b.records,
                ),
                StoreError::Invalid(fields) => {
                    error_page(StatusCode::UNPROCESSABLE_ENTITY, Tr::error_invalid, &fields)
                }
                StoreError::Conflict(c) => {
                    let by = c.changed_by.as_deref();
                    error_page_with(
                        StatusCode::CONFLICT,
                        (edge::conflict(Lang::Zh, by), edge::conflict(Lang::En, by)),
                        &[],
                        Vec::new(),
                    )
                }
                StoreError::Db(e) => {
                    tracing::error!(error = %e, "database error");
                    error_page(StatusCode::INTERNAL_SERVER_ERROR, Tr::error_internal, &[])
                }
                StoreError::Other(e) => {
                    tracing::error!(error = format!("{e:#}"), "internal error");
                    error_page(StatusCode::INTERNAL_SERVER_ERROR, Tr::error_internal, &[])
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
    /// multipart body), and why.
    BadRequest(Malformed),
    /// The account's password was set by the system administrator and must be changed
    /// before anything else.
    MustChangePassword,
    /// A segment of the address, a query parameter or a body's field that does not read
    /// as its type (letters for an id, a missing field): the request is malformed (400),
    /// and the field is named.
    BadField(FieldError),
    /// A JSON body that is not an object (an array, `null`, a string): every route's
    /// body is an object of its fields, so no field is named.
    NotAnObject,
    /// A body over the route's limit.
    TooLarge,
    /// A body that did not arrive in its time (`http_body_timeout_secs`).
    SlowBody,
    /// As many uploads and imports as the server reads at once are being read: 503
    /// with `Retry-After`.
    Busy,
    /// A method the address does not take (GET on a write, say).
    MethodNotAllowed,
    /// A public route (the opinion box) called from one address more often than it
    /// takes: 429 with `Retry-After`.
    TooFrequent,
    /// An address longer than the HTTP reader takes, answered by the server.
    UriTooLong,
    /// Headers larger than the HTTP reader takes, answered by the server.
    HeadersTooLarge,
}

/// Why a request cannot be read at all (400 `bad_request`, naming no field); worded by
/// `i18n::edge::malformed`. A decoder's own words (serde's, axum's: English) travel
/// with it for the English message only.
#[derive(Debug)]
pub enum Malformed {
    /// A JSON route's body sent without `Content-Type: application/json`.
    NotJson,
    /// A route that takes files sent something else than `multipart/form-data`.
    NotMultipart,
    /// A body that is not valid JSON: the decoder's words.
    BadJson(String),
    /// A JSON value followed by more: the decoder's words.
    AfterJson(String),
    /// Refused by the HTTP layer's own reader (a body cut off, a broken multipart
    /// body, an address it could not read): its words.
    Reader(String),
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
    /// not_found, forbidden, invalid, blocked, conflict, unauthenticated, csrf,
    /// must_change_password, bad_request, too_large, uri_too_long, headers_too_large,
    /// slow_body, busy, too_frequent,
    /// method_not_allowed, internal.
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

fn body_of(error: &'static str, (message, message_en): (String, String)) -> ApiErrorBody {
    ApiErrorBody {
        error,
        message,
        message_en,
        fields: Vec::new(),
        conflict: None,
        blocking: Vec::new(),
    }
}

/// The body with a fixed text.
fn body(error: &'static str, text: Text) -> ApiErrorBody {
    body_of(error, both(text))
}

/// A refusal to the caller's role or unit, in both languages.
fn forbidden(why: &Refused) -> ApiErrorBody {
    body_of(
        "forbidden",
        (refused(Lang::Zh, why), refused(Lang::En, why)),
    )
}

/// A stale version's answer (409), naming the changes given. The API answers a
/// conflict through [`ApiError`] with no change named, and the conflict as storage gave
/// it in the response's extensions: `api::conflict` names the changes the route's body
/// takes, by the API's names, so that no stored column reaches a client.
pub fn conflict_response(c: Conflict) -> Response {
    let mut b = body("conflict", Tr::api_conflict);
    b.conflict = Some(c);
    (StatusCode::CONFLICT, Json(b)).into_response()
}

impl ApiError {
    /// The status and the body.
    pub fn parts(self) -> (StatusCode, ApiErrorBody) {
        match self {
            ApiError::Unauthenticated => (
                StatusCode::UNAUTHORIZED,
                body("unauthenticated", Tr::api_unauthenticated),
            ),
            ApiError::Csrf => (StatusCode::FORBIDDEN, body("csrf", Tr::api_csrf)),
            ApiError::MustChangePassword => (
                StatusCode::FORBIDDEN,
                body("must_change_password", Tr::api_must_change_password),
            ),
            ApiError::BadRequest(why) => (
                StatusCode::BAD_REQUEST,
                body_of(
                    "bad_request",
                    (
                        edge::malformed(Lang::Zh, &why),
                        edge::malformed(Lang::En, &why),
                    ),
                ),
            ),
            ApiError::NotAnObject => (
                StatusCode::BAD_REQUEST,
                body("bad_request", Tr::api_not_an_object),
            ),
            ApiError::BadField(field) => {
                let field = FieldMessage::from(&field);
                let mut b = body_of(
                    "bad_request",
                    (field.message.clone(), field.message_en.clone()),
                );
                b.fields = vec![field];
                (StatusCode::BAD_REQUEST, b)
            }
            ApiError::MethodNotAllowed => (
                StatusCode::METHOD_NOT_ALLOWED,
                body("method_not_allowed", Tr::api_method_not_allowed),
            ),
            ApiError::UriTooLong => (
                StatusCode::URI_TOO_LONG,
                body("uri_too_long", Tr::api_uri_too_long),
            ),
            ApiError::HeadersTooLarge => (
                StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
                body("headers_too_large", Tr::api_headers_too_large),
            ),
            ApiError::TooLarge => (
                StatusCode::PAYLOAD_TOO_LARGE,
                body("too_large", Tr::api_too_large),
            ),
            ApiError::SlowBody => (
                StatusCode::REQUEST_TIMEOUT,
                body("slow_body", Tr::api_slow_body),
            ),
            ApiError::Busy => (StatusCode::SERVICE_UNAVAILABLE, body("busy", Tr::api_busy)),
            ApiError::TooFrequent => (
                StatusCode::TOO_MANY_REQUESTS,
                body("too_frequent", Tr::error_too_frequent),
            ),
            ApiError::Store(e) => match e {
                StoreError::NotFound => {
                    (StatusCode::NOT_FOUND, body("not_found", Tr::api_not_found))
                }
                StoreError::Refused(why) => (StatusCode::FORBIDDEN, forbidden(&why)),
                StoreError::Blocked(blocked) => {
                    let mut b = body_of(
                        "blocked",
                        (
                            blocking(Lang::Zh, &blocked.why),
                            blocking(Lang::En, &blocked.why),
                        ),
                    );
                    b.blocking = blocked.records;
                    (StatusCode::UNPROCESSABLE_ENTITY, b)
                }
                StoreError::Invalid(fields) => {
                    let mut b = body("invalid", Tr::api_invalid);
                    b.fields = fields.iter().map(FieldMessage::from).collect();
                    (StatusCode::UNPROCESSABLE_ENTITY, b)
                }
                StoreError::Conflict(mut c) => {
                    // Named by `api::conflict`, which knows the route (see
                    // [`conflict_response`]).
                    c.changes.clear();
                    let mut b = body("conflict", Tr::api_conflict);
                    b.conflict = Some(*c);
                    (StatusCode::CONFLICT, b)
                }
                StoreError::Db(e) => {
                    tracing::error!(error = %e, "database error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        body("internal", Tr::api_internal),
                    )
                }
                StoreError::Other(e) => {
                    tracing::error!(error = format!("{e:#}"), "internal error");
                    (
                        StatusCode::INTERNAL_SERVER_ERROR,
                        body("internal", Tr::api_internal),
                    )
                }
            },
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let busy_now = matches!(self, ApiError::Busy);
        let frequent = matches!(self, ApiError::TooFrequent);
        let stale = match &self {
            ApiError::Store(StoreError::Conflict(c)) => Some(StoredConflict((**c).clone())),
            _ => None,
        };
        let (status, b) = self.parts();
        let mut resp = (status, Json(b)).into_response();
        if let Some(stale) = stale {
            resp.extensions_mut().insert(stale);
        }
        if busy_now {
            busy(resp)
        } else if frequent {
            wait_window(resp)
        } else {
            resp
        }
    }
}

/// A conflict as storage gave it, changes named by their stored columns: kept in the
/// response's extensions for `api::conflict`, never sent.
#[derive(Debug, Clone)]
pub struct StoredConflict(pub Conflict);
