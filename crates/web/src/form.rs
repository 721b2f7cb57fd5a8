//! Form bodies as ordered name–value pairs, so that repeated fields (several
//! cooperating units) and the CSRF token read the same way in every handler.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};

use axum::extract::Multipart;
use axum::extract::multipart::MultipartError;
use zhenggai_storage::files::Upload;
use zhenggai_storage::ledger::lifecycle::StepInput;
use zhenggai_storage::ledger::progress::ProgressInput;

use zhenggai_domain::validate::FieldError;

use crate::error::PageError;

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
            other => Err(FieldError::new(
                name,
                format!(
                    "勾选项的值只能是 true、false、on、1 或 0，收到的是“{other}”，请改正后重试。"
                ),
                format!("`{name}` is a yes/no field: send true, false, on, 1 or 0, not “{other}”."),
            )),
        }
    }

    /// Refuses a field the route does not take (the API's multipart bodies), naming it
    /// and the fields it does take, as an unknown JSON field is refused.
    pub fn only(&self, allowed: &[&str]) -> Result<(), FieldError> {
        let Some((name, _)) = self.0.iter().find(|(k, _)| !allowed.contains(&k.as_str())) else {
            return Ok(());
        };
        Err(FieldError::new(
            name,
            format!(
                "表单字段“{name}”不是这个接口的字段（可用的有：{}），请改正后重试，或对照 API 文档（/api/v1/openapi.json）。",
                allowed.join("、")
            ),
            format!(
                "`{name}` is not a field of this route; it takes {}.",
                allowed.join(", ")
            ),
        ))
    }

    /// A field as a positive id, or `None`.
    pub fn id(&self, name: &str) -> Option<i64> {
        self.get(name).trim().parse().ok().filter(|v: &i64| *v > 0)
    }
}

/// Largest form body accepted (uploads go through multipart, not here).
const MAX_FORM_BYTES: usize = 256 * 1024;

impl<S: Send + Sync> FromRequest<S> for FormData {
    type Rejection = PageError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        let bytes = to_bytes(req.into_body(), MAX_FORM_BYTES)
            .await
            .map_err(|_| PageError::TooLarge)?;
        Ok(FormData::parse(&bytes))
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
}

impl<S: Send + Sync> FromRequest<S> for WithFiles {
    type Rejection = PageError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_multipart(&req) {
            let form = FormData::from_request(req, state).await?;
            return Ok(WithFiles {
                form,
                files: Vec::new(),
            });
        }
        let mut multipart = Multipart::from_request(req, state)
            .await
            .map_err(|_| PageError::TooLarge)?;
        read_multipart(&mut multipart)
            .await
            .map_err(|_| PageError::TooLarge)
    }
}

/// Whether a request's body is `multipart/form-data`.
pub fn is_multipart(req: &Request) -> bool {
    req.headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"))
}

/// Reads a multipart body: its text fields in order, and its files.
pub async fn read_multipart(multipart: &mut Multipart) -> Result<WithFiles, MultipartError> {
    let mut out = WithFiles::default();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let filename = field.file_name().unwrap_or("file").to_string();
            let bytes = field.bytes().await?;
            if !bytes.is_empty() {
                out.files.push(Upload {
                    filename,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let text = field.text().await?;
        out.form.0.push((name, text));
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
];

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
