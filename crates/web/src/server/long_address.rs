//! An address longer than the HTTP reader takes (hyper refuses a request line's target
//! over 64 KB, its `MAX_URI_LEN`) is answered 414 by hyper itself, with an empty body,
//! before the router sees the request: the one answer the router's error mapping
//! cannot reach. The connection is watched here: the bytes read, for the start of any
//! line that long (which of the API or the pages it asks), and the bytes written, where
//! hyper's 414 is replaced by the API's error body or the pages' error page. Hyper
//! closes the connection after that answer, so nothing written after it is kept.

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

/// A connection whose 414 answers are the application's.
#[derive(Debug)]
pub struct LongAddress<IO> {
    inner: IO,
    /// The start of the line being read, and its length so far.
    line: Vec<u8>,
    line_len: usize,
    /// Whether the last request line over the limit asked the API.
    api: Option<bool>,
    /// The answer written in hyper's place, and how much of it is written.
    answer: Option<(Vec<u8>, usize)>,
}

impl<IO> LongAddress<IO> {
    /// Watches `inner`.
    pub fn new(inner: IO) -> Self {
        LongAddress {
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

    /// The line goes on with `part`; when it grows past the limit, whether it is a
    /// request line and which side it asks.
    fn extend_line(&mut self, part: &[u8]) {
        let room = LINE_START.saturating_sub(self.line.len()).min(part.len());
        self.line.extend_from_slice(&part[..room]);
        let before = self.line_len;
        self.line_len += part.len();
        if before < HYPER_MAX_URI && self.line_len >= HYPER_MAX_URI {
            // A request line is `METHOD /target`; anything else this long is a body.
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
}

/// Whether hyper is writing its own 414.
fn is_hypers_414(buf: &[u8]) -> bool {
    buf.starts_with(b"HTTP/1.1 414 ") || buf.starts_with(b"HTTP/1.0 414 ")
}

/// The whole response, head and body: the API's error body or the pages' error page
/// (in Chinese: the request's cookies were not read), closing the connection.
fn answer(api: bool) -> Vec<u8> {
    let (content_type, body) = if api {
        let (_, body) = ApiError::UriTooLong.parts();
        (
            "application/json",
            serde_json::to_vec(&body).unwrap_or_default(),
        )
    } else {
        let page = PageError::UriTooLong.into_response();
        let html = page
            .extensions()
            .get::<ErrorText>()
            .map(|t| t.render(Lang::Zh))
            .unwrap_or_default();
        ("text/html; charset=utf-8", html.into_bytes())
    };
    tracing::info!(
        status = StatusCode::URI_TOO_LONG.as_u16(),
        api,
        "request line over the HTTP reader's limit"
    );
    let mut out = format!(
        "HTTP/1.1 414 URI Too Long\r\ncontent-type: {content_type}\r\ncontent-length: {}\r\nconnection: close\r\ncache-control: no-store\r\nx-content-type-options: nosniff\r\nx-frame-options: DENY\r\nreferrer-policy: same-origin\r\ncontent-security-policy: {}\r\n\r\n",
        body.len(),
        crate::router::CONTENT_SECURITY_POLICY,
    )
    .into_bytes();
    out.extend_from_slice(&body);
    out
}

impl<IO: AsyncWrite + Unpin> LongAddress<IO> {
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

impl<IO: AsyncRead + Unpin> AsyncRead for LongAddress<IO> {
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

impl<IO: AsyncWrite + Unpin> AsyncWrite for LongAddress<IO> {
    fn poll_write(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &[u8],
    ) -> Poll<io::Result<usize>> {
        let this = self.get_mut();
        if this.answer.is_none() && is_hypers_414(buf) {
            this.answer = Some((answer(this.api.unwrap_or(false)), 0));
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
    fn a_long_request_line_is_told_apart_from_a_long_body_line() {
        let mut api = LongAddress::new(());
        api.saw(b"POST /x HTTP/1.1\r\nHost: a\r\n\r\nGET /api/v1/measures?q=");
        api.saw(&vec![b'a'; HYPER_MAX_URI]);
        assert_eq!(api.api, Some(true));

        let mut page = LongAddress::new(());
        page.saw(b"GET /measures?q=");
        page.saw(&vec![b'a'; HYPER_MAX_URI]);
        assert_eq!(page.api, Some(false));

        let mut body = LongAddress::new(());
        body.saw(b"POST /api/v1/x HTTP/1.1\r\n\r\n{\"q\": \"");
        body.saw(&vec![b'a'; HYPER_MAX_URI]);
        assert_eq!(body.api, None);
    }

    #[test]
    fn only_hypers_414_is_replaced() {
        assert!(is_hypers_414(
            b"HTTP/1.1 414 URI Too Long\r\ncontent-length: 0\r\n\r\n"
        ));
        assert!(!is_hypers_414(b"HTTP/1.1 200 OK\r\n\r\n414 "));
        let api = String::from_utf8(answer(true)).unwrap_or_default();
        assert!(api.contains("content-type: application/json"));
        assert!(api.contains("\"error\":\"uri_too_long\""));
        let page = String::from_utf8(answer(false)).unwrap_or_default();
        assert!(page.contains("content-type: text/html") && page.contains("网址过长"));
        let (head, body) = page.split_once("\r\n\r\n").unwrap_or_default();
        assert!(head.contains(&format!("content-length: {}", body.len())));
    }
}
