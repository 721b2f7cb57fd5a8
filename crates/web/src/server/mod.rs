//! Serving the router over HTTP/1.1 with limits against slow and numerous clients: a
//! client has a few seconds to send a request's headers, a request a few minutes to be
//! answered, and no more than a set number of connections are open at once (the next
//! waits in the system's queue until one closes); a request's body has a short time to
//! arrive unless it is an authenticated upload. Without them a thousand connections
//! that send nothing, or a byte a minute, are held for ever and use up the process's
//! files, and every other request waits.
//!
//! An address or headers too large for the HTTP reader are answered as the rest are,
//! in the API's error format or with the error page ([`oversized`]).
//!
//! HTTP/1.1 only: browsers speak it to a plain-HTTP address and reverse proxies to
//! their upstream; HTTP/2 over plain TCP would need its own guards against slow clients.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::task::{Context, Poll};
use std::time::Duration;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request};
use axum::http::{HeaderValue, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper::body::{Body as HttpBody, Frame, SizeHint};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tokio::time::Instant;
use tower::ServiceExt;
use zhenggai_storage::StoreError;

use crate::error::{ApiError, PageError};

mod oversized;
use oversized::Oversized;

/// Limits on connections and requests (the README's `http_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// Time a client has to send a request's headers, from the connection's start or
    /// the end of its previous request; then the connection is closed.
    pub header_timeout: Duration,
    /// Time a request has to be read and answered (a large upload included).
    pub request_timeout: Duration,
    /// Time a request's body has to arrive, from the end of its headers, unless the
    /// request is an authenticated upload or import (which has `request_timeout`): a
    /// form or JSON body arrives in a moment, and a client trickling one holds a
    /// connection only this long.
    pub body_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(300),
            body_timeout: Duration::from_secs(30),
            max_connections: 4096,
        }
    }
}

/// When a request's body must have arrived by. Every request starts with the short
/// time (`body_timeout`); an upload or import gets the request's whole time through
/// [`BodyDeadline::allow_upload`], called once its sender is known (the session or
/// token is checked before the body is read), so that nobody unauthenticated holds a
/// connection longer by sending a body slowly.
#[derive(Debug, Clone)]
pub struct BodyDeadline(Arc<DeadlineState>);

#[derive(Debug)]
struct DeadlineState {
    at: Mutex<Instant>,
    upload: Instant,
    passed: AtomicBool,
}

impl BodyDeadline {
    fn new(short: Duration, long: Duration) -> Self {
        let now = Instant::now();
        BodyDeadline(Arc::new(DeadlineState {
            at: Mutex::new(now + short),
            upload: now + long.max(short),
            passed: AtomicBool::new(false),
        }))
    }

    /// Gives the body the request's whole time (an authenticated upload or import).
    pub fn allow_upload(&self) {
        if let Ok(mut at) = self.0.at.lock() {
            *at = self.0.upload;
        }
    }

    fn at(&self) -> Option<Instant> {
        self.0.at.lock().ok().map(|at| *at)
    }

    fn passed(&self) -> bool {
        self.0.passed.load(Ordering::SeqCst)
    }
}

/// A request's body that fails once its [`BodyDeadline`] passes, however slowly bytes
/// still come: a byte every few seconds resets no timer.
struct DeadlineBody {
    inner: Body,
    deadline: BodyDeadline,
    sleep: Pin<Box<tokio::time::Sleep>>,
}

impl HttpBody for DeadlineBody {
    type Data = Bytes;
    type Error = axum::Error;

    fn poll_frame(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, axum::Error>>> {
        let this = self.get_mut();
        if let Some(at) = this.deadline.at()
            && at != this.sleep.deadline()
        {
            this.sleep.as_mut().reset(at);
        }
        if this.sleep.as_mut().poll(cx).is_ready() {
            this.deadline.0.passed.store(true, Ordering::SeqCst);
            return Poll::Ready(Some(Err(axum::Error::new("request body too slow"))));
        }
        Pin::new(&mut this.inner).poll_frame(cx)
    }

    fn is_end_stream(&self) -> bool {
        self.inner.is_end_stream()
    }

    fn size_hint(&self) -> SizeHint {
        self.inner.size_hint()
    }
}

/// A request that ran past `request_timeout`: its handler is dropped (an open write
/// transaction with it, rolled back) and the person is told to try again. A body that
/// did not arrive in its time is answered 408 and the connection closed.
async fn request_timeout(limits: ServeLimits, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let deadline = BodyDeadline::new(limits.body_timeout, limits.request_timeout);
    let sleep = Box::pin(tokio::time::sleep_until(
        deadline.at().unwrap_or_else(Instant::now),
    ));
    let (mut parts, body) = req.into_parts();
    parts.extensions.insert(deadline.clone());
    let body = Body::new(DeadlineBody {
        inner: body,
        deadline: deadline.clone(),
        sleep,
    });
    let req = Request::from_parts(parts, body);
    let resp = match tokio::time::timeout(limits.request_timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            let e = StoreError::Other(anyhow::anyhow!(
                "request not answered within {} s",
                limits.request_timeout.as_secs()
            ));
            if api {
                ApiError::from(e).into_response()
            } else {
                PageError::from(e).into_response()
            }
        }
    };
    if !deadline.passed() {
        return resp;
    }
    let mut resp = if api {
        ApiError::SlowBody.into_response()
    } else {
        PageError::SlowBody.into_response()
    };
    // The rest of the body is not read: the connection cannot carry another request.
    resp.headers_mut()
        .insert(header::CONNECTION, HeaderValue::from_static("close"));
    resp
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let router = router.layer(axum::middleware::from_fn(move |req, next| {
        request_timeout(limits, req, next)
    }));
    let mut http = hyper::server::conn::http1::Builder::new();
    http.timer(TokioTimer::new())
        .header_read_timeout(limits.header_timeout);
    let slots = Arc::new(Semaphore::new(limits.max_connections.max(1)));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        // A free slot first, then a connection: over the cap, new clients wait in the
        // system's accept queue rather than in this process.
        let slot = tokio::select! {
            slot = slots.clone().acquire_owned() => match slot {
                Ok(slot) => slot,
                Err(_) => break,
            },
            () = &mut shutdown => break,
        };
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(e) => {
                    // Out of files, say: wait a moment rather than spin.
                    tracing::warn!(error = %e, "accepting a connection");
                    tokio::time::sleep(Duration::from_millis(50)).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        // Each request carries its connection's address: the login lock and throttle
        // count by it.
        let service = TowerToHyperService::new(router.clone().map_request(
            move |mut req: hyper::Request<hyper::body::Incoming>| {
                req.extensions_mut().insert(ConnectInfo(peer));
                req
            },
        ));
        let conn = http.serve_connection(TokioIo::new(Oversized::new(stream)), service);
        let conn = graceful.watch(conn);
        tokio::spawn(async move {
            // A connection ends with an error when the client goes away or is too slow
            // with its headers; either is the client's affair, not the server's.
            if let Err(e) = conn.await {
                tracing::debug!(error = %e, "connection closed");
            }
            drop(slot);
        });
    }
    drop(listener);
    graceful.shutdown().await;
    Ok(())
}
