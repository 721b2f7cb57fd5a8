//! Serving the router over HTTP/1.1 with limits against slow and numerous clients: a
//! client has a few seconds to send a request's headers, a request a few minutes to be
//! answered, and no more than a set number of connections are open at once (the next
//! waits in the system's queue until one closes). Without them a thousand connections
//! that send nothing, or a byte a minute, are held for ever and use up the process's
//! files, and every other request waits.
//!
//! HTTP/1.1 only: browsers speak it to a plain-HTTP address and reverse proxies to
//! their upstream; HTTP/2 over plain TCP would need its own guards against slow clients.

use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::{ConnectInfo, Request};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use hyper_util::rt::{TokioIo, TokioTimer};
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;
use tower::ServiceExt;
use zhenggai_storage::StoreError;

use crate::error::{ApiError, PageError};

/// Limits on connections and requests (the README's `http_*` settings).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServeLimits {
    /// Time a client has to send a request's headers, from the connection's start or
    /// the end of its previous request; then the connection is closed.
    pub header_timeout: Duration,
    /// Time a request has to be read and answered (a large upload included).
    pub request_timeout: Duration,
    /// Connections open at once.
    pub max_connections: usize,
}

impl Default for ServeLimits {
    fn default() -> Self {
        Self {
            header_timeout: Duration::from_secs(15),
            request_timeout: Duration::from_secs(300),
            max_connections: 4096,
        }
    }
}

/// A request that ran past `request_timeout`: its handler is dropped (an open write
/// transaction with it, rolled back) and the person is told to try again.
async fn request_timeout(timeout: Duration, req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    match tokio::time::timeout(timeout, next.run(req)).await {
        Ok(resp) => resp,
        Err(_) => {
            let e = StoreError::Other(anyhow::anyhow!(
                "request not answered within {} s",
                timeout.as_secs()
            ));
            if api {
                ApiError::from(e).into_response()
            } else {
                PageError::from(e).into_response()
            }
        }
    }
}

/// Serves `router` on `listener` until `shutdown` completes, then lets the requests in
/// flight finish.
pub async fn serve(
    listener: TcpListener,
    router: Router,
    limits: ServeLimits,
    shutdown: impl Future<Output = ()> + Send,
) -> std::io::Result<()> {
    let timeout = limits.request_timeout;
    let router = router.layer(axum::middleware::from_fn(move |req, next| {
        request_timeout(timeout, req, next)
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
        let conn = http.serve_connection(TokioIo::new(stream), service);
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
