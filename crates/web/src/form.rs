//! Form bodies as ordered name–value pairs, so that repeated fields (several
//! cooperating units) and the CSRF token read the same way in every handler.

use axum::body::to_bytes;
use axum::extract::{FromRequest, Request};

use zhenggai_storage::ledger::progress::{ProgressInput, Upload};

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

    /// Whether a checkbox was ticked.
    pub fn checked(&self, name: &str) -> bool {
        matches!(self.get(name), "on" | "true" | "1")
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

/// A progress entry sent as `multipart/form-data` (the page's form and the API alike):
/// the entry, the CSRF token if any, and the files.
pub async fn progress_form(
    multipart: &mut axum::extract::Multipart,
) -> Result<(ProgressInput, String, Vec<Upload>), axum::extract::multipart::MultipartError> {
    let mut input = ProgressInput::default();
    let mut csrf = String::new();
    let mut uploads = Vec::new();
    while let Some(field) = multipart.next_field().await? {
        let name = field.name().unwrap_or_default().to_string();
        if name == "files" {
            let filename = field.file_name().unwrap_or("file").to_string();
            let bytes = field.bytes().await?;
            if !bytes.is_empty() {
                uploads.push(Upload {
                    filename,
                    bytes: bytes.to_vec(),
                });
            }
            continue;
        }
        let text = field.text().await?;
        match name.as_str() {
            "csrf" => csrf = text,
            "happened_on" => input.happened_on = text,
            "content" => input.content = text,
            "mark_done" => input.mark_done = matches!(text.as_str(), "on" | "true" | "1"),
            _ => {}
        }
    }
    Ok((input, csrf, uploads))
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
        assert!(f.checked("c"));
        assert_eq!(f.get("missing"), "");
        assert_eq!(f.id("a"), Some(1));
        assert_eq!(f.id("t"), None);
    }
}
