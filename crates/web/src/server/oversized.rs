//! A request head larger than the HTTP reader takes is answered by hyper itself, with an
//! empty body, before the router sees the request: an address over 64 KB (its
//! `MAX_URI_LEN`) with 414, headers over its buffer or too many of them with 431. These
//! are the answers the router's error mapping cannot reach. The connection is watched
//! here: the bytes read, for the start of each request line (which of the API or the
//! pages it asks), and the bytes written, where hyper's 414 or 431 is replaced by the
//! API's error body or the pages' error page. Hyper closes the connection after that
//! answer, so nothing written after it is kept.

use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use axum::http::StatusCode;
use axum::response::IntoResponse;
use tokio::io::{AsyncRead, AsyncWrite, ReadBuf};

use crate::error::{ApiError, ErrorText, PageError};
use crate::i18n::Lang;

/// The longest target hyper reads (`hyper::proto::h1::role::MAX_URI_LEN`).
const HYPER_MAX_URI: usize = u16::MAX as usize - 1;

/// How much of a line's start is kept: a method, a space and `/api/`.
const LINE_START: usize = 16;

/// A connection whose 414 and 431 answers are the application's.
#[derive(Debug)]
pub struct Oversized<IO> {
    inner: IO,
    /// The start of the line being read, and its length so far.
    line: Vec<u8>,
    line_len: usize,
    /// Whether the last request line asked the API.
    api: Option<bool>,
    /// The answer written in hyper's place, and how much of it is written.
    answer: Option<(Vec<u8>, usize)>,
}

impl<IO> Oversized<IO> {
    /// Watches `inner`.
    pub fn new(inner: IO) -> Self {
        Oversized {
            inner,
            line: Vec::with_capacity(LINE_START),
            line_len: 0,
            api: None,
            answer: None,
        }
    }

    /// Follows the lines of what was read.
    fn saw(&mut self, mut bytes: &[u8]) {
        loop {
            match bytes.iter().position(|b| *b == b'\n') {
                Some(end) => {
                    self.extend_line(&bytes[..end]);
                    self.request_line();
                    self.line.clear();
                    self.line_len = 0;
                    bytes = &bytes[end + 1..];
                }
                None => {
                    self.extend_line(bytes);
                    return;
                }
            }
        }
    }

    /// The line goes on with `part`; when it grows past the limit (hyper answers
    /// before the line ends), whether it is a request line and which side it asks.
    fn extend_line(&mut self, part: &[u8]) {
        let room = LINE_START.saturating_sub(self.line.len()).min(part.len());
        self.line.extend_from_slice(&part[..room]);
        let before = self.line_len;
        self.line_len += part.len();
        if before < HYPER_MAX_URI && self.line_len >= HYPER_MAX_URI {
            self.request_line();
        }
    }

    /// Whether the line read is a request line (`METHOD /target`), and which side it
    /// asks: the headers after it, too large or not, belong to its request. A line of
    /// a body that looks like one only chooses the format of an answer hyper gives
    /// before the next request line.
    fn request_line(&mut self) {
        let mut words = self.line.splitn(2, |c| *c == b' ');
        let method = words.next().unwrap_or_default();
        let target = words.next().unwrap_or_default();
        if !method.is_empty()
            && method.iter().all(u8::is_ascii_uppercase)
            && target.starts_with(b"/")
        {
            self.api = Some(target.starts_with(b"/api/"));
        }
    }
}

/// A request head hyper refuses before the router sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Refused {
    /// 414: the address.
    Address,
    /// 431: the headers (over hyper's buffer, or more than it reads).
    Headers,
}

impl Refused {
    fn status(self) -> StatusCode {
        match self {
            Refused::Address => StatusCode::URI_TOO_LONG,
            Refused::Headers => StatusCode::REQUEST_HEADER_FIELDS_TOO_LARGE,
        }
    }
}

/// Which of its refusals hyper is writing, if it is writing one.
fn hypers_refusal(buf: &[u8]) -> Option<Refused> {
    let status = buf
        .strip_prefix(b"HTTP/1.1 ")
        .or_else(|| buf.strip_prefix(b"HTTP/1.0 "))?;
    if status.starts_with(b"414 ") {
        Some(Refused::Address)
    } else if status.starts_with(b"431 ") {
        Some(Refused::Headers)
    } else {
        None
    }
}

/// The whole response, head and body: the API's error body or the pages' error page
/// (in Chinese: the request's cookies were not read), closing the connection.
fn answer(refused: Refused, api: bool) -> Vec<u8> {
    let (api_error, page_error) = match refused {
        Refused::Address => (ApiError::UriTooLong, PageError::UriTooLong),
        Refused::Headers => (ApiError::HeadersTooLarge, PageError::HeadersTooLarge),
    };
    let status = refused.status();
    let (content_type, body) = if api {
        let (_, body) = api_error.parts();
        (
            "application/json",
            serde_json::to_vec(&body).unwrap_or_default(),
        )
    } else {
        let page = page_error.into_response();
        let html = page
            .extensions()
            .get::<ErrorText>()
            .map(|t| t.render(Lang::Zh))
            .unwrap_or_default();
        ("text/html; charset=utf-8", html.into_bytes())
    };
    tracing::info!(
        status = status.as_u16(),
        api,
        "request head over the HTTP reader's limit"
    );
    let mut out = format!(
        "HTTP/1.1 {} {}\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\nx-frame-options: DENY\r\nreferrer-policy: same-origin\r\ncontent-security-policy: {}\r\n\r\n",
        status.as_u16(),
        status.canonical_reason().unwrap_or_default(),
        body.len(),
        crate::router::CONTENT_SECURITY_POLICY,
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

impl<IO: AsyncWrite + Unpin> Oversized<IO> {
    /// Writes what is left of the answer.
    fn poll_answer(&mut self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        if let Some((bytes, written)) = &mut self.answer {
            while *written < bytes.len() {
                let n = std::task::ready!(
                    Pin::new(&mut self.inner).poll_write(cx, &bytes[*written..])
                )?;
                if n == 0 {
                    return Poll::Ready(Err(io::ErrorKind::WriteZero.into()));
                }
                *written += n;
            }
        }
        Poll::Ready(Ok(()))
    }
}

impl<IO: AsyncRead + Unpin> AsyncRead for Oversized<IO> {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        let before = buf.filled().len();
        let read = Pin::new(&mut this.inner).poll_read(cx, buf);
        if let Poll::Ready(Ok(())) = read {
            this.saw(&buf.filled()[before..]);
        }
        read
    }
}

impl<IO: AsyncWrite + Unpin> AsyncWrite for Oversized<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.answer.is_none()
            && let Some(refused) = hypers_refusal(buf)
        {
            this.answer = Some((answer(refused, this.api.unwrap_or(false)), 0));
        }
        if this.answer.is_some() {
            // Hyper's own answer (and anything after it) is taken as written, and ours
            // goes out instead.
            std::task::ready!(this.poll_answer(cx))?;
            return Poll::Ready(Ok(buf.len()));
        }
        Pin::new(&mut this.inner).poll_write(cx, buf)
    }

    fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_answer(cx))?;
        Pin::new(&mut this.inner).poll_flush(cx)
    }

    fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        let this = self.get_mut();
        std::task::ready!(this.poll_answer(cx))?;
        Pin::new(&mut this.inner).poll_shutdown(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_request_line_is_told_apart_from_headers_and_body_lines() {
        let mut api = Oversized::new(());
        api.saw(b"POST /x HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/measures?q=");
        api.saw(&vec![b'a'; HYPER_MAX_URI]);
        assert_eq!(api.api, Some(true));

        let mut page = Oversized::new(());
        page.saw(b"GET /measures?q=");
        page.saw(&vec![b'a'; HYPER_MAX_URI]);
        assert_eq!(page.api, Some(false));

        // A long body line changes nothing: the request line before it still counts.
        let mut body = Oversized::new(());
        body.saw(b"POST /api/v1/x HTTP/1.1\r\n\r\n{\"q\": \"");
        body.saw(&vec![b'a'; HYPER_MAX_URI]);
        assert_eq!(body.api, Some(true));

        // Headers too large: the side is the request line's, read before them.
        let mut headers = Oversized::new(());
        headers.saw(b"GET /measures HTTP/1.1\r\nCookie: ");
        headers.saw(&vec![b'a'; HYPER_MAX_URI]);
        headers.saw(b"\r\nX-A: ");
        assert_eq!(headers.api, Some(false));
        let mut headers = Oversized::new(());
        headers.saw(b"GET /measures HTTP/1.1\r\n\r\nGET /api/v1/home HTTP/1.1\r\nX-A: b\r\n");
        assert_eq!(headers.api, Some(true));
    }

    #[test]
    fn only_hypers_414_and_431_are_replaced() {
        assert_eq!(
            hypers_refusal(b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n"),
            Some(Refused::Address)
        );
        assert_eq!(
            hypers_refusal(b"HTTP/1.1 431 Request Header Fields Too Large\r\n\r\n"),
            Some(Refused::Headers)
        );
        assert_eq!(hypers_refusal(b"HTTP/1.1 200 OK\r\n\r\n414 "), None);
        let api = String::from_utf8(answer(Refused::Address, true)).unwrap_or_default();
        assert!(api.starts_with("HTTP/1.1 414 URI Too Long\r\n"));
        assert!(api.contains("content-type: application/json"));
        assert!(api.contains("\"error\":\"uri_too_long\""));
        let page = String::from_utf8(answer(Refused::Address, false)).unwrap_or_default();
        assert!(page.contains("content-type: text/html") && page.contains("网址过长"));
        let (head, body) = page.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.contains(&format!("content-length: {}", body.len())));
        let api = String::from_utf8(answer(Refused::Headers, true)).unwrap_or_default();
        assert!(api.starts_with("HTTP/1.1 431 Request Header Fields Too Large\r\n"));
        assert!(api.contains("\"error\":\"headers_too_large\""));
        let page = String::from_utf8(answer(Refused::Headers, false)).unwrap_or_default();
        assert!(page.contains("content-type: text/html") && page.contains("请求头过大"));
    }
}
