//! Stored files served back: always as a download under the name it arrived with, with
//! the type checked on upload and the browser told not to guess another.

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};

/// A file as a download.
pub fn download(filename: &str, content_type: &str, bytes: Vec<u8>) -> Response {
    as_download(bytes.into_response(), filename, content_type)
}

/// A file on disk as a download, streamed from its start: what is too large to hold
/// in memory (an archive package). The file is read until its end; an unnamed
/// temporary file is gone once the response has been sent.
pub fn download_file(filename: &str, content_type: &str, file: std::fs::File) -> Response {
    use tokio::io::AsyncReadExt;
    let file = tokio::fs::File::from_std(file);
    let chunks = futures_util::stream::unfold(Some(file), |file| async move {
        let mut file = file?;
        let mut buffer = vec![0u8; 64 * 1024];
        match file.read(&mut buffer).await {
            Ok(0) => None,
            Ok(n) => {
                buffer.truncate(n);
                Some((Ok(axum::body::Bytes::from(buffer)), Some(file)))
            }
            // The error ends the body; nothing is read after it.
            Err(e) => Some((Err::<axum::body::Bytes, std::io::Error>(e), None)),
        }
    });
    as_download(
        axum::body::Body::from_stream(chunks).into_response(),
        filename,
        content_type,
    )
}

fn as_download(mut resp: Response, filename: &str, content_type: &str) -> Response {
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
