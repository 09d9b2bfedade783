//! What both fakes' HTTP servers share: binding 127.0.0.1 on a free port and serving their
//! routes there until the test drops them, and answering in JSON.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde_json::Value;
use tokio_util::sync::CancellationToken;

/// Binds 127.0.0.1 on a free port, builds what the handlers and the test share from the
/// address and the shutdown token, and serves `router` over it in a task until the token is
/// cancelled. `fake` names the fake in the panic if it cannot bind: a test without its fake
/// cannot run.
pub(crate) async fn start<S>(
    fake: &str,
    shared: impl FnOnce(SocketAddr, CancellationToken) -> S,
    router: impl FnOnce(Arc<S>) -> Router,
) -> Arc<S> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|error| panic!("binding the fake {fake} on 127.0.0.1: {error}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|error| panic!("reading the fake {fake}'s address: {error}"));
    let shutdown = CancellationToken::new();
    let shared = Arc::new(shared(addr, shutdown.clone()));
    let app = router(Arc::clone(&shared));
    tokio::spawn(async move {
        // Errors only when the listener breaks; the test then sees refused calls.
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(shutdown.cancelled_owned())
            .await;
    });
    shared
}

/// A JSON answer with `content_type`, spelled exactly as the real service sends it.
pub(crate) fn json(status: StatusCode, body: &Value, content_type: &'static str) -> Response {
    let mut response = (status, body.to_string()).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
