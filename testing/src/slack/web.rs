//! The Web API endpoint: `GET|POST /api/{method}`, in JSON, form or query-string encoding.
//!
//! Each call is read into one JSON object of parameters, checked for the right token, given
//! a scripted failure if one is due, then answered by [`super::methods`], and recorded with
//! its outcome. Answers are always `Content-Type: application/json; charset=utf-8`.

use std::net::SocketAddr;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::Response;
use axum::routing::{any, get};
use serde_json::{Map, Value, json};

use super::methods::{self, ApiError};
use super::state::{CallOutcome, RecordedCall, State as FakeState};
use super::{FakeSlack, Shared, failures, socket};

/// Parameters Slack takes as JSON even inside a form or a query string.
const JSON_VALUED_PARAMS: [&str; 5] = ["blocks", "attachments", "view", "metadata", "users"];

/// The fake's routes: the Web API and the Socket Mode websocket.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        // A wildcard, so that `…/api//chat.postMessage` (a base URL with a trailing slash)
        // reaches the method too.
        .route("/api/{*method}", any(api))
        .route("/socket", get(socket::upgrade))
        .with_state(shared)
}

/// What to send back once the lock is released.
enum Answer {
    Json(Value),
    Failure(failures::Failure),
}

async fn api(
    State(shared): State<Arc<Shared>>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let method = method.trim_matches('/').to_owned();
    let (answer, delay) = shared.with_state(|state| {
        let request = Request {
            query: query.as_deref(),
            headers: &headers,
            body: &body,
        };
        let delay = state.failures.take_delay(&method);
        let (params, outcome, answer) = handle(state, shared.addr, &method, &request);
        let injected = match &outcome {
            CallOutcome::Injected(failure) => Some(*failure),
            _ => None,
        };
        state
            .failures
            .on_call(&method, std::time::Instant::now(), injected);
        let params = Value::Object(params);
        state.calls.push(RecordedCall {
            method: method.clone(),
            params,
            outcome,
        });
        (answer, delay)
    });
    if let Some(delay) = delay {
        crate::failures::hold(delay, &shared.shutdown).await;
    }
    match answer {
        Answer::Json(value) => slack_json(StatusCode::OK, &value),
        Answer::Failure(failure) => failures::respond(failure, shared.shutdown.clone()).await,
    }
}

/// The parts of an HTTP request the Web API reads.
struct Request<'a> {
    query: Option<&'a str>,
    headers: &'a HeaderMap,
    body: &'a [u8],
}

/// One call, under the lock: its parameters, what it gets, and the answer to send.
fn handle(
    state: &mut FakeState,
    addr: SocketAddr,
    method: &str,
    request: &Request<'_>,
) -> (Map<String, Value>, CallOutcome, Answer) {
    let mut params = match read_params(request.query, request.headers, request.body) {
        Ok(params) => params,
        Err(error) => return (Map::new(), error.outcome(), error.body()),
    };
    let param_token = take_token(&mut params);
    let token = bearer_token(request.headers).or(param_token);
    if let Err(error) = check_token(method, token.as_deref()) {
        return (params, error.outcome(), error.body());
    }
    if let Some(failure) = state.take_failure(method) {
        return (
            params,
            CallOutcome::Injected(failure),
            Answer::Failure(failure),
        );
    }
    let (outcome, answer) = match methods::call(state, addr, method, &params) {
        Ok(mut value) => {
            value["ok"] = json!(true);
            (CallOutcome::Ok, Answer::Json(value))
        }
        Err(error) => (error.outcome(), error.body()),
    };
    (params, outcome, answer)
}

impl ApiError {
    fn outcome(&self) -> CallOutcome {
        CallOutcome::SlackError(self.code.to_owned())
    }

    fn body(&self) -> Answer {
        let mut body = json!({"ok": false, "error": self.code});
        if !self.messages.is_empty() {
            body["response_metadata"] = json!({"messages": self.messages});
        }
        Answer::Json(body)
    }
}

/// A JSON answer with the exact content type Slack sends.
pub(crate) fn slack_json(status: StatusCode, body: &Value) -> Response {
    crate::serve::json(status, body, "application/json; charset=utf-8")
}

/// The query string and the body, merged into one object. Form values stay strings except
/// the parameters Slack reads as JSON (`blocks`, `view`, …), which are parsed.
fn read_params(
    query: Option<&str>,
    headers: &HeaderMap,
    body: &[u8],
) -> Result<Map<String, Value>, ApiError> {
    let mut params = Map::new();
    if let Some(query) = query {
        add_form_pairs(&mut params, query.as_bytes());
    }
    if !body.is_empty() {
        let content_type = headers
            .get(header::CONTENT_TYPE)
            .and_then(|value| value.to_str().ok())
            .unwrap_or_default();
        let mime = content_type.split(';').next().unwrap_or_default().trim();
        if mime.eq_ignore_ascii_case("application/json") {
            match serde_json::from_slice::<Value>(body) {
                Ok(Value::Object(object)) => params.extend(object),
                _ => return Err(ApiError::new("invalid_json")),
            }
        } else if mime.is_empty() || mime.eq_ignore_ascii_case("application/x-www-form-urlencoded")
        {
            add_form_pairs(&mut params, body);
        } else {
            return Err(ApiError::new("invalid_form_data"));
        }
    }
    for key in JSON_VALUED_PARAMS {
        let parsed = match params.get(key) {
            Some(Value::String(text)) if text.starts_with(['[', '{']) => {
                serde_json::from_str::<Value>(text).ok()
            }
            _ => None,
        };
        if let Some(parsed) = parsed {
            params.insert(key.to_owned(), parsed);
        }
    }
    Ok(params)
}

fn add_form_pairs(params: &mut Map<String, Value>, encoded: &[u8]) {
    for (key, value) in url::form_urlencoded::parse(encoded) {
        params.insert(key.into_owned(), Value::String(value.into_owned()));
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim().to_owned())
}

/// Slack also takes the token as a `token` parameter. It is not recorded.
fn take_token(params: &mut Map<String, Value>) -> Option<String> {
    match params.remove("token") {
        Some(Value::String(token)) => Some(token),
        _ => None,
    }
}

/// `apps.connections.open` wants the app-level token; every other method the bot token.
fn check_token(method: &str, token: Option<&str>) -> Result<(), ApiError> {
    let expected = if method == "apps.connections.open" {
        FakeSlack::APP_TOKEN
    } else {
        FakeSlack::BOT_TOKEN
    };
    match token {
        None | Some("") => Err(ApiError::new("not_authed")),
        Some(token) if token == expected => Ok(()),
        Some(FakeSlack::APP_TOKEN | FakeSlack::BOT_TOKEN) => {
            Err(ApiError::new("not_allowed_token_type"))
        }
        Some(_) => Err(ApiError::new("invalid_auth")),
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderValue;

    use super::*;

    #[test]
    fn form_fields_holding_json_are_parsed() {
        let headers = HeaderMap::from_iter([(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/x-www-form-urlencoded"),
        )]);
        let body = b"channel=D1&text=hi&blocks=%5B%7B%22type%22%3A%22divider%22%7D%5D";
        let params = read_params(Some("limit=2"), &headers, body).unwrap();
        assert_eq!(
            Value::Object(params),
            json!({"channel": "D1", "text": "hi", "limit": "2", "blocks": [{"type": "divider"}]})
        );
    }

    #[test]
    fn the_app_token_is_refused_for_bot_methods() {
        let error = check_token("chat.postMessage", Some(FakeSlack::APP_TOKEN)).unwrap_err();
        assert_eq!(error.code, "not_allowed_token_type");
        assert_eq!(
            check_token("auth.test", Some("xoxb-nope"))
                .unwrap_err()
                .code,
            "invalid_auth"
        );
        assert_eq!(
            check_token("auth.test", None).unwrap_err().code,
            "not_authed"
        );
    }
}
