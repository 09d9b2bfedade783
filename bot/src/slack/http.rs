//! The HTTP Events API transport: `POST /slack/events`, `/slack/interactions` and
//! `/slack/commands`. Every request's signature is checked on the raw body before anything
//! parses it (bad or stale → 401), bodies over 1 MB are refused (413), malformed ones get a
//! 400 with a sentence, and the answer is sent only once the work is committed: a database
//! failure is a 503, so Slack retries.

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{MethodRouter, post};
use rhythm_domain::clock::Clock;
use rhythm_domain::ports::ChatStore;

use super::handler::{Ack, SlackHandler};
use super::inbound::{self, BadPayload, Inbound};
use super::verify::{SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier};

pub use crate::signed::MAX_BODY_BYTES;

/// What the routes share.
pub struct SlackHttp<S> {
    handler: SlackHandler<S>,
    verifier: Verifier,
    clock: Arc<dyn Clock>,
}

impl<S> SlackHttp<S> {
    /// Routes answering through `handler`, checking signatures with `verifier`.
    pub fn new(handler: SlackHandler<S>, verifier: Verifier, clock: Arc<dyn Clock>) -> Self {
        Self {
            handler,
            verifier,
            clock,
        }
    }
}

/// The three routes, to merge into the app's router.
pub fn routes<S>(slack: Arc<SlackHttp<S>>) -> Router
where
    S: ChatStore + 'static,
{
    let router = Router::new()
        .route("/slack/events", route(inbound::event_body))
        .route("/slack/interactions", route(inbound::interaction_form))
        .route("/slack/commands", route(inbound::command_form));
    crate::signed::body_limited(router, "slack").with_state(slack)
}

/// A `POST` route reading its body with `parse`.
fn route<S>(parse: Parse) -> MethodRouter<Arc<SlackHttp<S>>>
where
    S: ChatStore + 'static,
{
    post(
        move |State(slack): State<Arc<SlackHttp<S>>>, headers: HeaderMap, body: Bytes| async move {
            receive(&slack, &headers, &body, parse).await
        },
    )
}

/// How a route reads its body.
type Parse = fn(&[u8]) -> Result<Inbound, BadPayload>;

/// Verify, then parse, then handle, then answer.
async fn receive<S>(
    slack: &SlackHttp<S>,
    headers: &HeaderMap,
    body: &[u8],
    parse: Parse,
) -> Response
where
    S: ChatStore,
{
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Err(rejection) = slack.verifier.verify(
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        body,
        slack.clock.now(),
    ) {
        tracing::warn!(reason = %rejection, "refused a request that is not from Slack");
        metrics::counter!("rhythm_slack_rejected_total", "reason" => "signature").increment(1);
        return (StatusCode::UNAUTHORIZED, format!("{rejection}\n")).into_response();
    }
    let inbound = match parse(body) {
        Ok(inbound) => inbound,
        Err(bad) => {
            metrics::counter!("rhythm_slack_rejected_total", "reason" => "malformed").increment(1);
            return (StatusCode::BAD_REQUEST, format!("{bad}\n")).into_response();
        }
    };
    match slack.handler.handle(inbound).await {
        Ok(Ack::Empty) => StatusCode::OK.into_response(),
        Ok(Ack::Json(json)) => axum::Json(json).into_response(),
        Ok(Ack::Challenge(challenge)) => (
            [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
            challenge,
        )
            .into_response(),
        Err(error) => {
            tracing::error!(error = %error, "could not handle a Slack request; Slack will retry");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable; please retry\n",
            )
                .into_response()
        }
    }
}
