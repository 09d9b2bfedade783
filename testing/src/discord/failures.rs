//! Scripted failures: the next N calls of a route, or a seeded fraction of message sends;
//! Discord's kinds of failure and its answers to them, on the plan in `crate::failures`.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse as _, Response};
use serde_json::json;
use tokio_util::sync::CancellationToken;

use super::FakeDiscord;
use super::ratelimit::BucketHeaders;
use super::rest::discord_json;
use super::routes;
use crate::failures::{Covered, dropped, time_out};

/// How a call fails.
#[derive(Debug, Clone, PartialEq)]
pub enum DiscordFailure {
    /// HTTP 429 with `{"message": "You are being rate limited.", "retry_after": …, "global": …}`,
    /// `Retry-After` (whole seconds, rounded up, as Discord sends it), `X-RateLimit-Scope`
    /// and `X-RateLimit-Remaining: 0`; `X-RateLimit-Global: true` when global.
    RateLimited {
        /// Seconds, as in the body (`1.234`).
        retry_after: f64,
        /// A global limit (every route) rather than this route's bucket.
        global: bool,
    },
    /// This HTTP status with what Discord's edge sends for it: 500 a JSON error; 502
    /// Cloudflare's HTML page; 503 Envoy's plain-text `upstream connect error…`.
    Status(u16),
    /// No answer for a minute: longer than any client timeout. Ends early when the fake
    /// is dropped, so it never holds up a test's shutdown.
    Timeout,
    /// The connection is cut before any answer. The call had no effect.
    Dropped,
    /// A JSON error `{"code": code, "message": message}` with this status.
    Code {
        /// The HTTP status, e.g. 403.
        status: u16,
        /// Discord's JSON error code, e.g. 50007.
        code: u32,
        /// Its message.
        message: String,
    },
}

impl DiscordFailure {
    /// 403 code 50007 "Cannot send messages to this user".
    pub fn cannot_dm() -> Self {
        Self::Code {
            status: 403,
            code: 50007,
            message: "Cannot send messages to this user".to_owned(),
        }
    }

    /// 400 code 40003 "You are opening direct messages too fast." (on `POST /users/@me/channels`).
    pub fn opening_dms_too_fast() -> Self {
        Self::Code {
            status: 400,
            code: 40003,
            message: "You are opening direct messages too fast.".to_owned(),
        }
    }
}

/// The `retry_after` of the 429s [`FakeDiscord::fail_randomly`] gives.
pub const RANDOM_RETRY_AFTER: f64 = 0.25;

/// The failures still to come, scripted per route.
pub(crate) type FailurePlan = crate::failures::Plan<DiscordFailure>;

impl FakeDiscord {
    /// The next `n` calls of `route` (a template such as `"POST /channels/{channel_id}/messages"`)
    /// fail with `failure`, after the token check; they are still recorded. Adds to
    /// failures already scripted for that route. Panics if the fake has no such route.
    pub fn fail_next(&self, route: &str, n: usize, failure: DiscordFailure) {
        routes::expect_known(route);
        self.state().failures.fail_next(route, n, failure);
    }

    /// Each message send (`POST /channels/{channel_id}/messages`) fails with probability
    /// `fraction`: half of them 429 (`retry_after` [`RANDOM_RETRY_AFTER`]), the rest 500,
    /// 502 or 503. The same seed and the same sequence of calls give the same failures.
    /// Replaces earlier random failures.
    pub fn fail_randomly(&self, fraction: f64, seed: u64) {
        let limited = DiscordFailure::RateLimited {
            retry_after: RANDOM_RETRY_AFTER,
            global: false,
        };
        let kinds = [
            limited.clone(),
            DiscordFailure::Status(500),
            limited.clone(),
            DiscordFailure::Status(502),
            limited,
            DiscordFailure::Status(503),
        ];
        self.fail_randomly_in(&[routes::CREATE_MESSAGE], fraction, seed, &kinds);
    }

    /// Like [`FakeDiscord::fail_randomly`], for the named routes and failure kinds. Panics
    /// if the fake has no such route.
    pub fn fail_randomly_in(
        &self,
        routes: &[&str],
        fraction: f64,
        seed: u64,
        kinds: &[DiscordFailure],
    ) {
        routes
            .iter()
            .for_each(|route| super::routes::expect_known(route));
        let covered = Covered::only(routes);
        self.state()
            .failures
            .fail_randomly(covered, fraction, seed, kinds);
    }

    /// No more scripted or random failures.
    pub fn stop_failing(&self) {
        self.state().failures = FailurePlan::default();
    }
}

/// The HTTP answer for a failure, with the bucket's rate-limit headers. A timeout is held
/// until the fake shuts down or a minute passes, whichever comes first.
pub(crate) async fn respond(
    failure: DiscordFailure,
    bucket: BucketHeaders,
    shutdown: CancellationToken,
) -> Response {
    let mut response = match &failure {
        DiscordFailure::RateLimited {
            retry_after,
            global,
        } => {
            let body = json!({
                "message": "You are being rate limited.",
                "retry_after": retry_after,
                "global": global,
            });
            let mut response = discord_json(StatusCode::TOO_MANY_REQUESTS, &body);
            bucket.rate_limited(*retry_after, *global, response.headers_mut());
            return response;
        }
        DiscordFailure::Status(status) => status_response(*status),
        DiscordFailure::Timeout => time_out(&shutdown).await,
        DiscordFailure::Dropped => return dropped(),
        DiscordFailure::Code {
            status,
            code,
            message,
        } => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::BAD_REQUEST);
            discord_json(status, &json!({"message": message, "code": code}))
        }
    };
    bucket.apply(response.headers_mut());
    response
}

/// What comes back for a server error: not always JSON, as clients must cope with.
fn status_response(status: u16) -> Response {
    let code = StatusCode::from_u16(status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let (content_type, body) = match status {
        502 => (
            "text/html",
            "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n\
             <center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>cloudflare</center>\r\n\
             </body>\r\n</html>\r\n"
                .to_owned(),
        ),
        503 => (
            "text/plain",
            "upstream connect error or disconnect/reset before headers. reset reason: overflow"
                .to_owned(),
        ),
        _ => {
            let reason = code.canonical_reason().unwrap_or("Error");
            let body = json!({"message": format!("{status}: {reason}"), "code": 0});
            ("application/json", body.to_string())
        }
    };
    let mut response = (code, body).into_response();
    response
        .headers_mut()
        .insert(header::CONTENT_TYPE, HeaderValue::from_static(content_type));
    response
}
