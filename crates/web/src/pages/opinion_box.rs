//! 意见箱 — a meeting's public opinion box (D18), open without login: its page and
//! form, the same address taking a JSON body (`POST /box/{key}`, answering 201 with the
//! receipt), and the receipt's page (`POST /box/{key}/receipt`).
//!
//! What keeps a submitter unknown: no session is read or set; the address is used only
//! to count the sender's submissions in memory (`throttle::BoxGuard`), hashed; the
//! request log writes no line for these routes (`request_log`); the store keeps the
//! day, not the time (`meetings::public_box`). The guard is counted before the body is
//! read, and the body is read up to [`BOX_BODY_BYTES`].

use askama::Template;
use axum::extract::{Path, Request, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use zhenggai_domain::meeting::OpinionCategory;
use zhenggai_storage::StoreError;
use zhenggai_storage::meetings::public_box::{self, BoxInfo, ReceiptStatus, Submission};

use super::{Errors, field_errors, render, render_status};
use crate::error::PageError;
use crate::form::FormData;
use crate::i18n::{Lang, Tr};
use crate::session::{ClientAddr, RequestLang};
use crate::shared::opinion_box;
use crate::state::App;

pub use crate::shared::opinion_box::BOX_BODY_BYTES;

#[derive(Template)]
#[template(path = "opinion_box.html")]
struct BoxPage {
    t: Tr,
    key: String,
    info: BoxInfo,
    categories: Vec<OpinionCategory>,
    errors: Errors,
    sent: FormData,
    /// The receipt of the opinion just left.
    receipt: Option<String>,
    /// How the receipt looked up was handled.
    status: Option<ReceiptStatus>,
    /// The receipt looked up was none of this box's.
    unknown_receipt: bool,
}

impl BoxPage {
    fn kept<'a>(&'a self, field: &str) -> &'a str {
        self.sent.get(field)
    }

    /// Whether the form came back with "anonymous" ticked, or is fresh (ticked by default).
    fn anonymous(&self) -> bool {
        self.sent.0.is_empty() || self.sent.get("anonymous") == "on"
    }

    fn about_chosen(&self, id: &i64) -> bool {
        self.sent.get("about") == id.to_string()
    }
}

async fn page(
    app: &App,
    lang: Lang,
    key: &str,
    errors: Errors,
    sent: FormData,
) -> Result<BoxPage, PageError> {
    let info = public_box::info(&app.db, key, app.clock.today()).await?;
    Ok(BoxPage {
        t: Tr(lang),
        key: key.to_string(),
        info,
        categories: OpinionCategory::ALL.to_vec(),
        errors,
        sent,
        receipt: None,
        status: None,
        unknown_receipt: false,
    })
}

/// GET /box/{key}
pub async fn show(
    State(app): State<App>,
    RequestLang(lang): RequestLang,
    Path(key): Path<String>,
) -> Result<Response, PageError> {
    Ok(render(
        &page(&app, lang, &key, Errors::none(lang), FormData::default()).await?,
    ))
}

/// A form's body, read up to the box's limit.
async fn form_of(req: Request) -> Result<FormData, PageError> {
    let bytes = axum::body::to_bytes(req.into_body(), BOX_BODY_BYTES)
        .await
        .map_err(|_| PageError::TooLarge)?;
    Ok(FormData::parse(&bytes))
}

/// POST /box/{key} — an opinion left, from the form or as JSON.
pub async fn submit(
    State(app): State<App>,
    RequestLang(lang): RequestLang,
    ClientAddr(address): ClientAddr,
    Path(key): Path<String>,
    req: Request,
) -> Response {
    let json = opinion_box::is_json(&req);
    if let Some(refused) = opinion_box::refuse_sender(&app, &address, &req, json) {
        return refused;
    }
    let resp = if json {
        opinion_box::submit_json(&app, &key, req).await
    } else {
        match submit_form(&app, lang, &key, req).await {
            Ok(resp) => resp,
            Err(e) => e.into_response(),
        }
    };
    opinion_box::count_only_accepted(&app, &address, resp)
}

async fn submit_form(
    app: &App,
    lang: Lang,
    key: &str,
    req: Request,
) -> Result<Response, PageError> {
    let form = form_of(req).await?;
    // Empty: the leadership; anything else must read as one of its members.
    let about = match form.get("about").trim() {
        "" => None,
        s => Some(s.parse().unwrap_or(-1)),
    };
    let input = Submission {
        text: form.get("text").into(),
        about,
        category: form.get("category").into(),
        anonymous: form.flag("anonymous")?,
        signed: form.get("signed").into(),
    };
    match public_box::submit(&app.db, key, app.clock.today(), &input).await {
        Ok(receipt) => {
            let mut p = page(app, lang, key, Errors::none(lang), FormData::default()).await?;
            p.receipt = Some(receipt);
            Ok(render_status(StatusCode::CREATED, &p))
        }
        Err(e) => {
            let errors = Errors {
                list: field_errors(e)?,
                lang,
            };
            let status = errors.status();
            Ok(render_status(
                status,
                &page(app, lang, key, errors, form).await?,
            ))
        }
    }
}

/// POST /box/{key}/receipt — how the opinion of a receipt was handled.
pub async fn receipt(
    State(app): State<App>,
    RequestLang(lang): RequestLang,
    ClientAddr(address): ClientAddr,
    Path(key): Path<String>,
    req: Request,
) -> Response {
    let json = opinion_box::is_json(&req);
    if let Some(refused) = opinion_box::refuse_looker(&app, &address, &req, json) {
        return refused;
    }
    if json {
        return opinion_box::receipt_json(&app, &key, req).await;
    }
    let result = async {
        let form = form_of(req).await?;
        let mut p = page(&app, lang, &key, Errors::none(lang), FormData::default()).await?;
        match public_box::status(&app.db, &key, form.get("receipt")).await {
            Ok(status) => p.status = Some(status),
            Err(StoreError::NotFound) => p.unknown_receipt = true,
            Err(e) => return Err(PageError::Store(e)),
        }
        let code = if p.unknown_receipt {
            StatusCode::NOT_FOUND
        } else {
            StatusCode::OK
        };
        Ok::<Response, PageError>(render_status(code, &p))
    }
    .await;
    match result {
        Ok(resp) => resp,
        Err(e) => e.into_response(),
    }
}
