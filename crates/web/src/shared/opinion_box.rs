//! The public opinion box's JSON, answered at its own link (`pages/opinion_box`) and
//! under the API (`api/meetings`) alike: the sender counted before the body is read,
//! the body read as the API reads one, the receipt and nothing else answered.

use axum::Json;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use zhenggai_storage::meetings::public_box::{self, Submission};

use crate::api::extract::ApiJson;
use crate::error::{ApiError, PageError};
use crate::state::App;

/// The largest body the box reads: an opinion of 2,000 characters with its fields, in
/// any encoding a form uses, fits several times over.
pub const BOX_BODY_BYTES: usize = 32 * 1024;

/// The receipt answered to a JSON submission.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    /// 回执号: keep it to see later how the opinion was handled.
    pub receipt: String,
}

/// A receipt to look up.
#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct ReceiptQuery {
    /// 回执号, as given (case, spaces and dashes do not matter).
    pub receipt: String,
}

/// Whether a request's body is JSON.
pub fn is_json(req: &Request) -> bool {
    req.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| {
            v.trim_start()
                .to_ascii_lowercase()
                .starts_with("application/json")
        })
}

/// The refusal of a sender before the body is read: a post from another site's page
/// (which would spread a flood over its visitors' addresses), or one address sending
/// more than the box takes (`throttle::BoxGuard`); `None` to go on.
pub fn refuse_sender(app: &App, address: &str, req: &Request, json: bool) -> Option<Response> {
    if !crate::login_guard::from_this_site(req.headers()) {
        return Some(cross_site(json));
    }
    if !app.box_guard.submit(address, app.clock.now()) {
        return Some(too_frequent(json));
    }
    None
}

/// The same for a receipt looked up: another site's page, or too many look-ups.
pub fn refuse_looker(app: &App, address: &str, req: &Request, json: bool) -> Option<Response> {
    if !crate::login_guard::from_this_site(req.headers()) {
        return Some(cross_site(json));
    }
    if !app.box_guard.look_up(address, app.clock.now()) {
        return Some(too_frequent(json));
    }
    None
}

/// A post from another site's page, refused.
pub fn cross_site(json: bool) -> Response {
    if json {
        ApiError::Csrf.into_response()
    } else {
        PageError::Csrf.into_response()
    }
}

/// One address sending more than the box takes, refused for a while.
pub fn too_frequent(json: bool) -> Response {
    if json {
        ApiError::TooFrequent.into_response()
    } else {
        PageError::TooFrequent.into_response()
    }
}

/// Gives the count back when the box refused what was sent: only opinions left count.
pub fn count_only_accepted(app: &App, address: &str, resp: Response) -> Response {
    if resp.status() != StatusCode::CREATED {
        app.box_guard.refund_submission(address);
    }
    resp
}

/// Leaves the JSON body's opinion in the box of `key`: 201 with its receipt.
pub async fn submit_json(app: &App, key: &str, req: Request) -> Response {
    let input = match ApiJson::<Submission>::from_request(req, app).await {
        Ok(ApiJson(input)) => input,
        Err(e) => return e.into_response(),
    };
    match public_box::submit(&app.db, key, app.clock.today(), &input).await {
        Ok(receipt) => (StatusCode::CREATED, Json(Receipt { receipt })).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// How the opinion of the JSON body's receipt was handled.
pub async fn receipt_json(app: &App, key: &str, req: Request) -> Response {
    let q = match ApiJson::<ReceiptQuery>::from_request(req, app).await {
        Ok(ApiJson(q)) => q,
        Err(e) => return e.into_response(),
    };
    match public_box::status(&app.db, key, &q.receipt).await {
        Ok(status) => Json(status).into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
