//! The REST API: any request under `/api/v10`, matched to a route, checked for the bot token,
//! its body checked against the spec, given a scripted failure if one is due, answered by
//! `messages`, `interactions` or `commands`, and recorded. Every answer carries the
//! bucket's rate-limit headers; JSON answers are `Content-Type: application/json`.

use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, StatusCode, Uri, header};
use axum::response::{IntoResponse as _, Response};
use axum::routing::get;
use serde_json::Value;

use super::errors::DiscordError;
use super::failures::{self, DiscordFailure};
use super::ratelimit::BucketHeaders;
use super::routes::{self, Matched, RouteMatch};
use super::state::{RecordedCall, State as FakeState};
use super::{FakeDiscord, Shared, commands, gateway, interactions, messages, spec};

/// What every REST path starts with.
const API_PREFIX: &str = "/api/v10";

/// A route's answer: `Some(body)` for 200 with JSON, `None` for 204.
pub(crate) type Answer = Result<Option<Value>, DiscordError>;

/// The fake's routes: the gateway websocket and, for anything else, the REST API.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .route("/gateway", get(gateway::upgrade))
        // Clients that take `GET /gateway`'s URL as a host append `/?v=10…`.
        .route("/gateway/", get(gateway::upgrade))
        .fallback(api)
        .with_state(shared)
}

/// One request as a route handler sees it.
pub(crate) struct Request<'a> {
    pub(crate) matched: &'a Matched,
    pub(crate) body: &'a Value,
    pub(crate) now: Instant,
    pub(crate) gateway_url: &'a str,
}

/// What to send back once the lock is released.
enum Outcome {
    Answer(Answer),
    Failure(DiscordFailure),
}

async fn api(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let now = Instant::now();
    let gateway_url = shared.gateway_url();
    let (outcome, bucket) = shared.with_state(|state| {
        let mut call = RecordedCall {
            method: method.to_string(),
            path: uri.path().to_owned(),
            query: uri.query().map(str::to_owned),
            route: None,
            body: read_body(&body)
                .unwrap_or_else(|| Value::String(String::from_utf8_lossy(&body).into_owned())),
            headers: headers_that_matter(&headers),
            status: 0,
            failure: None,
            at: now,
        };
        let (outcome, bucket) = handle(state, &mut call, &headers, &body, &gateway_url);
        call.status = match &outcome {
            Outcome::Answer(Ok(Some(_))) => 200,
            Outcome::Answer(Ok(None)) => 204,
            Outcome::Answer(Err(error)) => error.status.as_u16(),
            Outcome::Failure(DiscordFailure::RateLimited { .. }) => 429,
            Outcome::Failure(DiscordFailure::Status(status)) => *status,
            Outcome::Failure(DiscordFailure::Code { status, .. }) => *status,
            // Never answered within any client's patience, or not at all.
            Outcome::Failure(DiscordFailure::Timeout | DiscordFailure::Dropped) => 0,
        };
        if let Outcome::Failure(failure) = &outcome {
            call.failure = Some(failure.clone());
        }
        state.calls.push(call);
        (outcome, bucket)
    });
    match outcome {
        Outcome::Answer(answer) => {
            let mut response = match answer {
                Ok(Some(body)) => discord_json(StatusCode::OK, &body),
                Ok(None) => StatusCode::NO_CONTENT.into_response(),
                Err(error) => discord_json(error.status, &error.body),
            };
            bucket.apply(response.headers_mut());
            response
        }
        Outcome::Failure(failure) => {
            failures::respond(failure, bucket, shared.shutdown.clone()).await
        }
    }
}

/// One call, under the lock: route, token, body, spec, bucket, scripted failure, answer.
fn handle(
    state: &mut FakeState,
    call: &mut RecordedCall,
    headers: &HeaderMap,
    raw_body: &[u8],
    gateway_url: &str,
) -> (Outcome, BucketHeaders) {
    let path = call
        .path
        .strip_prefix(API_PREFIX)
        .filter(|rest| rest.starts_with('/'));
    let found = match path.map(|path| routes::match_route(&call.method, path)) {
        Some(RouteMatch::Found(matched)) => Some(matched),
        Some(RouteMatch::WrongMethod) => None,
        Some(RouteMatch::Unknown) | None => {
            let bucket = state.limits.on_call("unknown", "", call.at);
            return (Outcome::Answer(Err(DiscordError::no_route())), bucket);
        }
    };
    let Some(matched) = found else {
        let bucket = state.limits.on_call("unknown", "", call.at);
        return (Outcome::Answer(Err(DiscordError::wrong_method())), bucket);
    };
    call.route = Some(matched.route);
    let bucket = state
        .limits
        .on_call(matched.route, matched.major_parameter(), call.at);
    if !authorized(matched.route, headers) {
        return (Outcome::Answer(Err(DiscordError::unauthorized())), bucket);
    }
    let body = if raw_body.is_empty() {
        Value::Null
    } else {
        match read_body(raw_body) {
            Some(body) => body,
            None => return (Outcome::Answer(Err(DiscordError::invalid_json())), bucket),
        }
    };
    if routes::has_body(matched.route) {
        let violations = spec::check_request(matched.route, &body);
        state.spec_violations.extend(violations);
    }
    if let Some(failure) = state.failures.take(matched.route) {
        if let DiscordFailure::RateLimited {
            retry_after,
            global,
        } = failure
        {
            let major = matched.major_parameter();
            let limits = &mut state.limits;
            limits.on_rate_limited(matched.route, major, retry_after, global, call.at);
        }
        return (Outcome::Failure(failure), bucket);
    }
    let request = Request {
        matched: &matched,
        body: &body,
        now: call.at,
        gateway_url,
    };
    (Outcome::Answer(route(state, &request)), bucket)
}

fn route(state: &mut FakeState, request: &Request<'_>) -> Answer {
    match request.matched.route {
        routes::CREATE_DM => messages::create_dm(state, request),
        routes::CREATE_MESSAGE => messages::create_message(state, request),
        routes::EDIT_MESSAGE => messages::edit_message(state, request),
        routes::CALLBACK => interactions::callback(state, request),
        routes::FOLLOWUP => interactions::followup(state, request),
        routes::EDIT_ORIGINAL | routes::EDIT_FOLLOWUP => {
            interactions::edit_webhook_message(state, request)
        }
        _ => commands::answer(state, request),
    }
}

/// `Authorization: Bot {BOT_TOKEN}`; routes authenticated by an interaction token also
/// go without one.
fn authorized(route: &str, headers: &HeaderMap) -> bool {
    if route == routes::GET_GATEWAY {
        return true;
    }
    match headers.get(header::AUTHORIZATION) {
        None => routes::token_authenticated(route),
        Some(value) => value
            .to_str()
            .is_ok_and(|value| value == format!("Bot {}", FakeDiscord::BOT_TOKEN)),
    }
}

fn read_body(body: &[u8]) -> Option<Value> {
    if body.is_empty() {
        return Some(Value::Null);
    }
    serde_json::from_slice(body).ok()
}

/// The headers worth asserting on; the token itself is never recorded.
fn headers_that_matter(headers: &HeaderMap) -> Vec<(String, String)> {
    let mut kept = Vec::new();
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let expected = format!("Bot {}", FakeDiscord::BOT_TOKEN);
        let verdict = if value.as_bytes() == expected.as_bytes() {
            "Bot <ok>"
        } else {
            "<wrong>"
        };
        kept.push(("authorization".to_owned(), verdict.to_owned()));
    }
    for name in ["content-type", "user-agent", "x-audit-log-reason"] {
        if let Some(value) = headers.get(name).and_then(|v| v.to_str().ok()) {
            kept.push((name.to_owned(), value.to_owned()));
        }
    }
    kept
}

/// A JSON answer, `Content-Type: application/json` as Discord sends it.
pub(crate) fn discord_json(status: StatusCode, body: &Value) -> Response {
    crate::serve::json(status, body, "application/json")
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    fn with_auth(value: &str) -> HeaderMap {
        HeaderMap::from_iter([(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap())])
    }

    #[test]
    fn only_the_bot_token_passes_and_token_routes_need_none() {
        let good = with_auth(&format!("Bot {}", FakeDiscord::BOT_TOKEN));
        assert!(authorized(routes::CREATE_MESSAGE, &good));
        assert!(!authorized(routes::CREATE_MESSAGE, &HeaderMap::new()));
        assert!(!authorized(
            routes::CREATE_MESSAGE,
            &with_auth(FakeDiscord::BOT_TOKEN)
        ));
        assert!(authorized(routes::CALLBACK, &HeaderMap::new()));
        assert!(!authorized(routes::CALLBACK, &with_auth("Bot nope")));
        assert!(authorized(routes::GET_GATEWAY, &with_auth("Bot nope")));
    }

    #[test]
    fn the_token_is_never_recorded() {
        let headers = headers_that_matter(&with_auth(&format!("Bot {}", FakeDiscord::BOT_TOKEN)));
        assert_eq!(
            headers,
            vec![("authorization".to_owned(), "Bot <ok>".to_owned())]
        );
    }
}
