//! Stored files served back: always as a download under the name it arrived with, with
//! the type checked on upload and the browser told not to guess another.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A file as a download.
pub fn download(filename: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(content_type)
            .unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    let disposition = format!(
        "attachment; filename=\"file\"; filename*=UTF-8''{}",
        urlencoding::encode(filename)
    );
    if let Ok(value) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, value);
    }
    h.insert(
        "x-content-type-options",
        HeaderValue::from_static("nosniff"),
    );
    resp
}
