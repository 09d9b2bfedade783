//! What both platforms' request signatures share: the replay window on the timestamp, why a
//! request is refused, and reading hex.

use chrono::{DateTime, Utc};

/// How far a request's timestamp may be from now, either way.
pub const WINDOW_SECONDS: i64 = 300;

/// Why a request was refused. Its text is for the log and the 401's body.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Rejection {
    /// A header is missing.
    #[error("missing the {0} header")]
    Missing(&'static str),
    /// A header is not what the platform sends.
    #[error("malformed {0} header")]
    Malformed(&'static str),
    /// The timestamp is more than five minutes away from now.
    #[error(
        "the request timestamp is {seconds} s from now; at most {WINDOW_SECONDS} s is accepted"
    )]
    OutsideWindow {
        /// How far it is, either way.
        seconds: i64,
    },
    /// The signature does not match the timestamp and body.
    #[error("the signature does not match")]
    Mismatch,
}

/// The timestamp in `header` (epoch seconds, trimmed), if it is there, is a number, and is
/// within [`WINDOW_SECONDS`] of `now`.
pub(crate) fn fresh<'a>(
    timestamp: Option<&'a str>,
    header: &'static str,
    now: DateTime<Utc>,
) -> Result<&'a str, Rejection> {
    let timestamp = timestamp.ok_or(Rejection::Missing(header))?.trim();
    let seconds: i64 = timestamp
        .parse()
        .map_err(|_| Rejection::Malformed(header))?;
    let skew = now.timestamp().saturating_sub(seconds).saturating_abs();
    if skew > WINDOW_SECONDS {
        return Err(Rejection::OutsideWindow { seconds: skew });
    }
    Ok(timestamp)
}

/// Lower- or upper-case hex to bytes; `None` if it is not hex of whole bytes.
pub(crate) fn decode_hex(text: &str) -> Option<Vec<u8>> {
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len())
        .step_by(2)
        .map(|at| {
            let pair = text.get(at..at + 2)?;
            // `from_str_radix` accepts a leading `+`, which is not hex.
            pair.bytes()
                .all(|b| b.is_ascii_hexdigit())
                .then(|| u8::from_str_radix(pair, 16).ok())?
        })
        .collect()
}

/// The most a signed request's body may hold: 1 MiB, far above anything Slack or Discord
/// sends.
pub const MAX_BODY_BYTES: usize = 1 << 20;

/// `router` with bodies held to [`MAX_BODY_BYTES`]: a request whose `Content-Length` says it
/// is larger is refused with 413 at once, before any of it is read (a client announcing
/// 100 MB is not waited for); one without (chunked) is cut off with 413 once it passes the
/// limit as it is read.
pub(crate) fn body_limited<S>(router: axum::Router<S>, platform: &'static str) -> axum::Router<S>
where
    S: Clone + Send + Sync + 'static,
{
    use axum::response::IntoResponse as _;
    router
        .layer(axum::extract::DefaultBodyLimit::max(MAX_BODY_BYTES))
        .layer(axum::middleware::from_fn(
            move |request: axum::extract::Request, next: axum::middleware::Next| async move {
                let declared = request
                    .headers()
                    .get(axum::http::header::CONTENT_LENGTH)
                    .and_then(|value| value.to_str().ok())
                    .and_then(|value| value.trim().parse::<u64>().ok());
                if declared.is_some_and(|length| length > MAX_BODY_BYTES as u64) {
                    let refused = if platform == "slack" {
                        metrics::counter!("rhythm_slack_rejected_total", "reason" => "too_large")
                    } else {
                        metrics::counter!("rhythm_discord_rejected_total", "reason" => "too_large")
                    };
                    refused.increment(1);
                    let text = format!("the body is over the {MAX_BODY_BYTES}-byte limit\n");
                    return (axum::http::StatusCode::PAYLOAD_TOO_LARGE, text).into_response();
                }
                next.run(request).await
            },
        ))
}
