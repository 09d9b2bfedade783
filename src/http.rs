//! The HTTP surface: health, readiness and metrics today; platform webhooks later.

use std::sync::Arc;
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{MatchedPath, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::PrometheusHandle;
use rhythm_store::Store;

/// What every handler can reach.
#[derive(Clone)]
pub struct AppState {
    /// The database.
    pub store: Store,
    /// Renders `/metrics`.
    pub metrics: PrometheusHandle,
    /// Each connected platform's readiness.
    pub platforms: Vec<PlatformCheck>,
}

/// A platform's readiness: why it cannot be used, if it cannot (Slack refused the token).
pub type PlatformCheck = Arc<dyn Fn() -> Option<String> + Send + Sync>;

/// The routes, with request metrics on all of them.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/healthz", get(healthz))
        .route("/readyz", get(readyz))
        .route("/metrics", get(render_metrics))
        .fallback(not_found)
        .layer(middleware::from_fn(track))
        .with_state(state)
}

/// Liveness: the process answers.
async fn healthz() -> &'static str {
    "ok\n"
}

/// Readiness: the database answers within two seconds, and every connected platform
/// accepts Rhythm's credentials.
async fn readyz(State(state): State<AppState>) -> Response {
    if let Some(problem) = state.platforms.iter().find_map(|check| check()) {
        tracing::warn!(problem = %problem, "readiness check failed: a chat platform is unusable");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            format!("not ready: {problem}\n"),
        )
            .into_response();
    }
    match tokio::time::timeout(Duration::from_secs(2), state.store.ping()).await {
        Ok(Ok(())) => (StatusCode::OK, "ready\n").into_response(),
        Ok(Err(error)) => {
            tracing::warn!(error = %error, "readiness check failed: database unavailable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database is unavailable\n",
            )
                .into_response()
        }
        Err(_) => {
            tracing::warn!("readiness check failed: database did not answer within 2s");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "not ready: the database did not answer within 2s\n",
            )
                .into_response()
        }
    }
}

async fn render_metrics(State(state): State<AppState>) -> Response {
    (
        [(
            header::CONTENT_TYPE,
            "text/plain; version=0.0.4; charset=utf-8",
        )],
        state.metrics.render(),
    )
        .into_response()
}

async fn not_found() -> (StatusCode, &'static str) {
    (
        StatusCode::NOT_FOUND,
        "not found: see /healthz, /readyz and /metrics\n",
    )
}

/// Counts and times every request by its route (not its raw path, which would let callers
/// create unbounded label values).
async fn track(request: Request, next: Next) -> Response {
    let started = Instant::now();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or_else(|| "unmatched".to_owned(), |path| path.as_str().to_owned());
    let method = request.method().to_string();
    let response = next.run(request).await;
    let status = response.status().as_u16().to_string();
    let elapsed = started.elapsed();
    metrics::counter!("http_requests_total", "method" => method.clone(), "route" => route.clone(), "status" => status.clone())
        .increment(1);
    metrics::histogram!("http_request_duration_seconds", "route" => route.clone())
        .record(elapsed.as_secs_f64());
    tracing::debug!(
        http.method = %method,
        http.route = %route,
        http.status = %status,
        duration_ms = elapsed.as_millis() as u64,
        "answered a request"
    );
    response
}
