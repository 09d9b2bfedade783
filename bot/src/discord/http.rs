//! The HTTP interactions endpoint: `POST /discord/interactions`. Every request's Ed25519
//! signature is checked on the raw body before anything parses it (bad, stale or missing →
//! 401: Discord probes the endpoint with forged signatures and removes an endpoint that
//! accepts one), bodies over 1 MB are refused (413), malformed ones get a 400 with a
//! sentence, a PING is answered `{"type": 1}`, and everything else with the handler's
//! initial response, once its work is committed (or deferred, if it is slow).

use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use rhythm_domain::clock::Clock;
use rhythm_domain::ports::ChatStore;

use super::handler::DiscordHandler;
use super::inbound;
use super::verify::{SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier};

pub use crate::signed::MAX_BODY_BYTES;

/// What the route shares.
pub struct DiscordHttp<S> {
    handler: Arc<DiscordHandler<S>>,
    verifier: Verifier,
    clock: Arc<dyn Clock>,
}

impl<S> DiscordHttp<S> {
    /// The route answering through `handler`, checking signatures with `verifier`.
    pub fn new(handler: Arc<DiscordHandler<S>>, verifier: Verifier, clock: Arc<dyn Clock>) -> Self {
        Self {
            handler,
            verifier,
            clock,
        }
    }
}

/// The route, to merge into the app's router.
pub fn routes<S>(discord: Arc<DiscordHttp<S>>) -> Router
where
    S: ChatStore + Send + Sync + 'static,
{
    let router = Router::new()
        .route(
            "/discord/interactions",
            post(
                |State(discord): State<Arc<DiscordHttp<S>>>, headers: HeaderMap, body: Bytes| async move {
                    receive(&discord, &headers, &body).await
                },
            ),
        );
    crate::signed::body_limited(router, "discord").with_state(discord)
}

/// Verify, then parse, then handle, then answer.
async fn receive<S>(discord: &DiscordHttp<S>, headers: &HeaderMap, body: &[u8]) -> Response
where
    S: ChatStore + Send + Sync + 'static,
{
    let header = |name: &str| headers.get(name).and_then(|value| value.to_str().ok());
    if let Err(rejection) = discord.verifier.verify(
        header(TIMESTAMP_HEADER),
        header(SIGNATURE_HEADER),
        body,
        discord.clock.now(),
    ) {
        tracing::warn!(reason = %rejection, "refused a request that is not from Discord");
        metrics::counter!("rhythm_discord_rejected_total", "reason" => "signature").increment(1);
        return (StatusCode::UNAUTHORIZED, format!("{rejection}\n")).into_response();
    }
    let inbound = match inbound::interaction_body(body) {
        Ok(inbound) => inbound,
        Err(bad) => {
            metrics::counter!("rhythm_discord_rejected_total", "reason" => "malformed")
                .increment(1);
            return (StatusCode::BAD_REQUEST, format!("{bad}\n")).into_response();
        }
    };
    match discord.handler.handle(inbound).await {
        Ok(Some(response)) => axum::Json(response).into_response(),
        Ok(None) => (
            StatusCode::CONFLICT,
            "this interaction was answered already\n",
        )
            .into_response(),
        Err(error) => {
            tracing::error!(error = %error, "could not handle a Discord interaction");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                "temporarily unavailable; please retry\n",
            )
                .into_response()
        }
    }
}
