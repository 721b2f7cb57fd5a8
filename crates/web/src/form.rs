//! Form bodies as ordered name–value pairs, so that repeated fields (several
//! cooperating units) read the same way in every handler; and the extractors a page's
//! handler takes them through, each of which checks the session's CSRF token before
//! the handler sees a field: [`PageForm`] (the fields), [`PageInput`] (the input struct
//! the API reads from JSON, read by the same serde derive) and [`PageFiles`] (a form
//! that may carry files, its token before any file). A form body is not an extractor
//! by itself, so a page's handler cannot read one and forget the check; the login form,
//! sent before there is a session, carries its own signed token instead
//! (`login_guard::LoginForm`).

use std::pin::Pin;
use std::task::{Context, Poll};
use zhenggai_domain::reason::ApiRequest;
use zhenggai_domain::validate::Why;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{FromRequest, FromRequestParts, Request};
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use serde::de::DeserializeOwned;
use zhenggai_domain::reason::RequestPart;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use tokio::sync::OwnedSemaphorePermit;
use zhenggai_storage::StoreError;
use zhenggai_storage::files::{self, Upload, UploadLimits};
use zhenggai_storage::ledger::lifecycle::input::StepInput;
use zhenggai_storage::ledger::progress::ProgressInput;

use zhenggai_domain::validate::FieldError;

use crate::error::{ApiError, PageError};
use crate::server::BodyDeadline;
use crate::session::Viewer;
use crate::state::App;

/// A decoded `application/x-www-form-urlencoded` body.
#[derive(Debug, Clone, Default)]
pub struct FormData(pub Vec<(String, String)>);

impl FormData {
    /// Parses a body.
    pub fn parse(body: &[u8]) -> FormData {
        FormData(form_urlencoded::parse(body).into_owned().collect())
    }

    /// The first value of a field, or "".
    pub fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .unwrap_or("")
    }

    /// Every value of a field.
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// Whether a checkbox was ticked: `on` (what a browser sends), `true`/`false` or
    /// `1`/`0` (what the API documents); left out or empty is not ticked. Any other
    /// value is refused rather than read as "no": `mark_done=maybe` must not quietly
    /// record progress without closing the measure.
    pub fn flag(&self, name: &str) -> Result<bool, FieldError> {
        match self.get(name) {
            "on" | "true" | "1" => Ok(true),
            "" | "false" | "0" => Ok(false),
            other => Err(FieldError::because(
                name,
                Why::Request(ApiRequest::NotAFlag {
                    name: name.to_string(),
                    value: other.to_string(),
                }),
            )),
        }
    }

    /// Refuses a field the route does not take (the API's multipart bodies), naming it
    /// and the fields it does take, as an unknown JSON field is refused.
    pub fn only(&self, allowed: &[&str]) -> Result<(), FieldError> {
        let Some((name, _)) = self.0.iter().find(|(k, _)| !allowed.contains(&k.as_str())) else {
            return Ok(());
        };
        Err(FieldError::because(
            name,
            Why::Request(ApiRequest::UnknownFormField {
                name: name.clone(),
                allowed: allowed.iter().map(|a| a.to_string()).collect(),
            }),
        ))
    }

    /// The ids ticked in a checkbox list that the form marks as shown with a hidden
    /// `marker` field: `None` when the list was not on the form (the default applies),
    /// else the ticked ones, none ticked being a choice too.
    pub fn chosen_ids(&self, name: &str, marker: &str) -> Option<Vec<i64>> {
        (self.get(marker) == "1").then(|| {
            self.all(name)
                .iter()
                .filter_map(|s| s.trim().parse().ok())
                .collect()
        })
    }

    /// A field as a positive id, or `None`.
    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok().filter(|v: &i64| *v > 0)
    }
}

/// Largest form body accepted (uploads go through multipart, not here).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// Room for a multipart form's text fields around its files.
pub const MAX_FIELDS_BYTES: usize = 1024 * 1024;

/// The length a request declares for its body, if it does.
pub fn declared_length(req: &Request) -> Option<u64> {
    req.headers()
        .get(axum::http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

/// Whether a request declares a body longer than `limit`: refused at once, before a
/// byte of it is waited for.
pub fn declares_more_than(req: &Request, limit: usize) -> bool {
    declared_length(req).is_some_and(|n| n > u64::try_from(limit).unwrap_or(u64::MAX))
}

impl FormData {
    /// Reads a urlencoded body up to the form's limit (a declared length over it is
    /// refused before a byte is read). Not an extractor: pages read their forms through
    /// [`PageForm`], which checks the token, and the login form through its own guard.
    pub(crate) async fn read(req: Request) -> Result<FormData, PageError> {
        if declares_more_than(&req, MAX_FORM_BYTES) {
            return Err(PageError::TooLarge);
        }
        let bytes = to_bytes(req.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| PageError::TooLarge)?;
        Ok(FormData::parse(&bytes))
    }

    /// Takes a field off the form: its first value ("" when absent), every copy removed.
    fn take(&mut self, name: &str) -> String {
        let first = self.get(name).to_string();
        self.0.retain(|(k, _)| k != name);
        first
    }
}

/// The person a page's form comes from: the `Viewer` the handler took before its body
/// (kept in the request, not looked up again), or looked up here.
async fn sender(req: Request, app: &App) -> Result<(Viewer, Request), PageError> {
    let (mut parts, body) = req.into_parts();
    let viewer = Viewer::from_request_parts(&mut parts, app).await?;
    Ok((viewer, Request::from_parts(parts, body)))
}

/// A page's form, whose CSRF token (`csrf`, the session's) has been checked and taken
/// off: a form without it, or with another session's, is refused (`PageError::Csrf`)
/// before the handler runs. The sender must be logged in (as `Viewer` requires).
#[derive(Debug, Clone, Default)]
pub struct PageForm(pub FormData);

impl FromRequest<App> for PageForm {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (viewer, req) = sender(req, app).await?;
        let mut form = FormData::read(req).await?;
        viewer.check_csrf(&form.take("csrf"))?;
        Ok(PageForm(form))
    }
}

/// A page's form read into `T`, the input struct the API reads from JSON, by the same
/// serde derive (so a field the page adds and the API does not know is refused alike);
/// the token is checked as by [`PageForm`], and the version the form was read at
/// (`version`, 0 when absent, as an edit form sends it) is taken off beside it.
#[derive(Debug, Clone)]
pub struct PageInput<T> {
    /// The input.
    pub input: T,
    /// The version of the record the form showed.
    pub version: i64,
}

impl<T: DeserializeOwned> FromRequest<App> for PageInput<T> {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let PageForm(mut form) = PageForm::from_request(req, app).await?;
        let version = form.take("version").trim().parse().unwrap_or(0);
        let fields = form_urlencoded::Serializer::new(String::new())
            .extend_pairs(&form.0)
            .finish();
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(fields.as_bytes()));
        let input = serde_path_to_error::deserialize(de).map_err(|e| {
            let field = e.path().to_string();
            crate::api::extract::field_problem(&field, &e.inner().to_string(), RequestPart::Form)
        })?;
        Ok(PageInput { input, version })
    }
}

/// A page's form that may carry files ([`WithFiles`]), whose token has been checked:
/// in `multipart/form-data` the token must come before the first file (the pages' forms
/// put it first), so that a form from elsewhere is refused before its files are read.
#[derive(Debug, Default)]
pub struct PageFiles(pub WithFiles);

impl PageFiles {
    /// Reads a page's form with files (against `limits` and `body_limit`), or a plain
    /// form without, its token checked.
    pub async fn read(
        req: Request,
        app: &App,
        limits: UploadLimits,
        body_limit: usize,
    ) -> Result<PageFiles, PageError> {
        let (viewer, req) = sender(req, app).await?;
        if !is_multipart(&req) {
            let mut form = FormData::read(req).await?;
            viewer.check_csrf(&form.take("csrf"))?;
            return Ok(PageFiles(WithFiles {
                form,
                ..WithFiles::default()
            }));
        }
        Ok(PageFiles(
            read_multipart(req, app, limits, body_limit, Some(&viewer)).await?,
        ))
    }
}

/// A form that may carry files: `multipart/form-data` (the page's forms with a file
/// input, and API clients sending files) or a plain urlencoded body.
#[derive(Debug, Default)]
pub struct WithFiles {
    /// The fields.
    pub form: FormData,
    /// The files (parts named `files`), empty ones skipped.
    pub files: Vec<Upload>,
    /// One of the uploads read at once, held while the files are in memory.
    _slot: Option<OwnedSemaphorePermit>,
}

/// Why a body with files was not read (whole).
#[derive(Debug)]
pub enum FilesError {
    /// A declared length over the route's limit, or a body that grew past it.
    TooLarge,
    /// As many uploads as the server reads at once are being read.
    Busy,
    /// Not a multipart body that reads.
    Multipart(MultipartError),
    /// A file over its size, or more files than allowed: the field, the limit and what
    /// to do. Nothing after the file that passed the limit is read.
    Refused(StoreError),
    /// A page's form without the session's token before its first file.
    Csrf,
}

impl From<FilesError> for PageError {
    fn from(e: FilesError) -> Self {
        match e {
            FilesError::TooLarge | FilesError::Multipart(_) => PageError::TooLarge,
            FilesError::Busy => PageError::Busy,
            FilesError::Refused(e) => PageError::Store(e),
            FilesError::Csrf => PageError::Csrf,
        }
    }
}

impl From<FilesError> for ApiError {
    fn from(e: FilesError) -> Self {
        match e {
            FilesError::TooLarge => ApiError::TooLarge,
            FilesError::Busy => ApiError::Busy,
            FilesError::Multipart(e) => crate::api::extract::multipart_error(e),
            FilesError::Refused(e) => ApiError::Store(e),
            FilesError::Csrf => ApiError::Csrf,
        }
    }
}

impl From<MultipartError> for FilesError {
    fn from(e: MultipartError) -> Self {
        FilesError::Multipart(e)
    }
}

/// The form of a page that takes files (progress, lifecycle steps).
impl FromRequest<App> for PageFiles {
    type Rejection = PageError;

    async fn from_request(req: Request, app: &App) -> Result<Self, Self::Rejection> {
        let (limits, body_limit) = (app.config.uploads, app.config.upload_body_limit());
        PageFiles::read(req, app, limits, body_limit).await
    }
}

/// Whether a request's body is `multipart/form-data`.
pub fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Reads a multipart body of an upload or import sent to the API, whose sender has been
/// checked already (the handler's `ApiViewer` comes before its body, with the token of a
/// browser's session in its header); see [`read_multipart`].
pub async fn read_files(
    req: Request,
    app: &App,
    limits: UploadLimits,
    body_limit: usize,
) -> Result<WithFiles, FilesError> {
    read_multipart(req, app, limits, body_limit, None).await
}

/// Reads a multipart body of an upload or import, whose sender has been checked
/// already (the handler's `Viewer` comes before its body): a declared length over
/// `body_limit` is refused at once; then, if one of the server's upload slots is free,
/// the body gets the request's whole time and is read, each file checked against
/// `limits` as it arrives, so that a file over its size or one file too many stops
/// the reading there. Memory held is what the limits allow, not twice that: a file's
/// buffer is reserved for the rest of the declared body (at most the file's limit),
/// not doubled as it grows, and each chunk is let go once copied. A page's form
/// (`page` is its sender) must carry the session's token (`csrf`) before its first file:
/// it is checked as it arrives and taken off the fields.
async fn read_multipart(
    req: Request,
    app: &App,
    limits: UploadLimits,
    body_limit: usize,
    page: Option<&Viewer>,
) -> Result<WithFiles, FilesError> {
    if declares_more_than(&req, body_limit) {
        return Err(FilesError::TooLarge);
    }
    // A body that declares no more than any form may send (a progress note, a few
    // lines with a small file) costs what a form costs: the slots hold back what may
    // be larger, and the Friday rush of progress notes from scripts does not queue
    // behind them (docs/benchmarks.md, workload d).
    let small = declared_length(&req)
        .is_some_and(|n| n <= u64::try_from(crate::router::MAX_BODY_BYTES).unwrap_or(0));
    let slot = if small {
        None
    } else {
        let slot = app
            .upload_slots
            .clone()
            .try_acquire_owned()
            .map_err(|_| FilesError::Busy)?;
        if let Some(deadline) = req.extensions().get::<BodyDeadline>() {
            deadline.allow_upload();
        }
        Some(slot)
    };
    // What the body declares, less what has been read: room to reserve for a file
    // once, rather than grow its buffer by doubling.
    let mut unread = declared_length(&req).map_or(0, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let req = req.map(|body| {
        Body::new(OneFrameAtATime {
            inner: body,
            yielded: false,
        })
    });
    let mut multipart = Multipart::from_request(req, app)
        .await
        .map_err(|_| FilesError::TooLarge)?;
    let mut out = WithFiles {
        _slot: slot,
        ..WithFiles::default()
    };
    let mut text_bytes = 0usize;
    // Whether the token still has to come (a page's form only).
    let mut token_due = page.is_some();
    while let Some(mut field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            if token_due {
                return Err(FilesError::Csrf);
            }
            let filename = field.file_name().unwrap_or("file").to_string();
            let mut bytes: Vec<u8> = Vec::new();
            while let Some(chunk) = field.chunk().await? {
                if chunk.is_empty() {
                    continue;
                }
                unread = unread.saturating_sub(chunk.len());
                if bytes.is_empty() && out.files.len() >= limits.max_files {
                    return Err(refused(files::too_many_files(limits)));
                }
                let size = bytes.len().saturating_add(chunk.len());
                if size > limits.max_file_bytes {
                    return Err(refused(files::file_too_large(&filename, limits)));
                }
                if size > bytes.capacity() {
                    // The rest of the declared body at once, else double: never past
                    // the file's limit.
                    let want = size
                        .saturating_add(unread)
                        .max(bytes.capacity().saturating_mul(2))
                        .min(limits.max_file_bytes);
                    bytes.reserve_exact(want - bytes.len());
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                if bytes.capacity() - bytes.len() > bytes.len() / 4 {
                    bytes.shrink_to_fit();
                }
                out.files.push(Upload { filename, bytes });
            }
            continue;
        }
        let mut text = Vec::new();
        while let Some(chunk) = field.chunk().await? {
            unread = unread.saturating_sub(chunk.len());
            text_bytes = text_bytes.saturating_add(chunk.len());
            if text_bytes > MAX_FIELDS_BYTES {
                return Err(FilesError::TooLarge);
            }
            text.extend_from_slice(&chunk);
        }
        let text = String::from_utf8_lossy(&text).into_owned();
        if let Some(viewer) = page.filter(|_| name == "csrf") {
            if token_due {
                viewer.check_csrf(&text).map_err(|_| FilesError::Csrf)?;
                token_due = false;
            }
            continue;
        }
        out.form.0.push((name, text));
    }
    if token_due {
        return Err(FilesError::Csrf);
    }
    Ok(out)
}

/// The fields [`FormData::step`] reads: what a step sent as `multipart/form-data` to the
/// API may carry besides its `files`.
pub const STEP_FIELDS: &[&str] = &[
    "action",
    "reason",
    "unit_id",
    "meeting",
    "meeting_date",
    "report",
    "measure_id",
    "deadline",
    "round_id",
    "party",
    "signer",
    "surveyed",
    "satisfied",
    "method",
    "place",
    "carry_measure_ids",
    "carry_listed",
];
/// A body handed over one frame per poll. The multipart reader (multer) takes in
/// everything a body has ready before it looks at any of it, so that a fast client's
/// file would be in its buffer, past any limit, before the first chunk is checked;
/// one frame at a time, each chunk is checked as it comes.
struct OneFrameAtATime {
    inner: Body,
    yielded: bool,
}

impl HttpBody for OneFrameAtATime {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if this.yielded {
            this.yielded = false;
            cx.waker().wake_by_ref();
            return Poll::Pending;
        }
        let frame = Pin::new(&mut this.inner).poll_frame(cx);
        this.yielded = matches!(frame, Poll::Ready(Some(Ok(_))));
        frame
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

fn refused(e: FieldError) -> FilesError {
    FilesError::Refused(StoreError::Invalid(vec![e]))
}

impl FormData {
    /// A progress entry.
    pub fn progress(&self) -> Result<ProgressInput, FieldError> {
        Ok(ProgressInput {
            happened_on: self.get("happened_on").into(),
            content: self.get("content").into(),
            mark_done: self.flag("mark_done")?,
        })
    }

    /// A lifecycle step (its fields are [`STEP_FIELDS`]).
    pub fn step(&self) -> StepInput {
        let number = |name: &str| self.get(name).trim().parse::<u32>().ok();
        StepInput {
            action: self.get("action").into(),
            reason: self.get("reason").into(),
            unit_id: self.id("unit_id"),
            meeting: self.get("meeting").into(),
            meeting_date: self.get("meeting_date").into(),
            report: self.get("report").into(),
            measure_id: self.id("measure_id"),
            deadline: self.get("deadline").into(),
            round_id: self.id("round_id"),
            party: self.get("party").into(),
            signer: self.get("signer").into(),
            surveyed: number("surveyed"),
            satisfied: number("satisfied"),
            method: self.get("method").into(),
            place: self.get("place").into(),
            opinion: self.get("opinion").into(),
            carry_measure_ids: self.chosen_ids("carry_measure_ids", "carry_listed"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_fields_and_chinese() {
        let f = FormData::parse("a=1&u=2&u=3&t=%E5%85%AC%E8%BD%A6+x&c=on".as_bytes());
        assert_eq!(f.get("a"), "1");
        assert_eq!(f.all("u"), ["2", "3"]);
        assert_eq!(f.get("t"), "公车 x");
        assert_eq!(f.flag("c"), Ok(true));
        assert_eq!(f.flag("missing"), Ok(false));
        assert_eq!(f.flag("a"), Ok(true));
        assert_eq!(f.flag("t").map_err(|e| e.field), Err("t".to_string()));
        assert_eq!(f.get("missing"), "");
        assert_eq!(f.id("a"), Some(1));
        assert_eq!(f.id("t"), None);
    }
}
