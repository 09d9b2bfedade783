//! The Web API methods the fake knows, answered from its state like Slack would.
//!
//! Each method returns the answer's fields (the caller adds `"ok": true`) or the error code
//! Slack gives for the same mistake. Shapes follow Slack's documented examples and carry
//! every field slack-morphism's response types require. Conversations and messages live in
//! [`super::chat`].

use std::net::SocketAddr;

use serde_json::{Map, Value, json};

use super::FakeSlack;
use super::chat;
use super::state::State;

/// A Web API answer's fields.
pub(crate) type MethodResult = Result<Value, ApiError>;

/// `{"ok": false, "error": code}`, with `response_metadata.messages` when there are any.
#[derive(Debug)]
pub(crate) struct ApiError {
    pub(crate) code: &'static str,
    pub(crate) messages: Vec<String>,
}

impl ApiError {
    pub(crate) fn new(code: &'static str) -> Self {
        Self {
            code,
            messages: Vec::new(),
        }
    }

    fn with_message(code: &'static str, message: &str) -> Self {
        Self {
            code,
            messages: vec![message.to_owned()],
        }
    }
}

/// Answers one call. `addr` is where the fake listens, for Socket Mode URLs.
pub(crate) fn call(
    state: &mut State,
    addr: SocketAddr,
    method: &str,
    params: &Map<String, Value>,
) -> MethodResult {
    match method {
        "auth.test" => Ok(auth_test()),
        "apps.connections.open" => Ok(connections_open(state, addr)),
        "conversations.open" => chat::conversations_open(state, params),
        "chat.postMessage" => chat::post_message(state, params),
        "chat.update" => chat::update(state, params),
        "chat.postEphemeral" => chat::post_ephemeral(state, params),
        "views.open" => views_open(state, params),
        "views.update" => views_update(state, params),
        "users.list" => users_list(state, params),
        "users.info" => users_info(state, params),
        "users.lookupByEmail" => users_lookup_by_email(state, params),
        _ => Err(ApiError::new("unknown_method")),
    }
}

/// A non-empty string parameter.
pub(crate) fn text_param<'a>(params: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    params
        .get(name)
        .and_then(Value::as_str)
        .filter(|text| !text.is_empty())
}

/// A boolean parameter: JSON `true`, or `true`/`1` in a form.
pub(crate) fn flag_param(params: &Map<String, Value>, name: &str) -> bool {
    match params.get(name) {
        Some(Value::Bool(flag)) => *flag,
        Some(Value::String(text)) => text == "true" || text == "1",
        _ => false,
    }
}

fn auth_test() -> Value {
    json!({
        "url": "https://rhythm-fake.slack.com/",
        "team": "Rhythm Fake",
        "user": "rhythm",
        "team_id": FakeSlack::TEAM_ID,
        "user_id": FakeSlack::BOT_USER_ID,
        "bot_id": FakeSlack::BOT_ID,
        "is_enterprise_install": false,
    })
}

/// A single-use ticket for the websocket, as Slack hands out.
fn connections_open(state: &mut State, addr: SocketAddr) -> Value {
    let ticket = format!(
        "{:016x}",
        state.next_number().wrapping_mul(0x9E37_79B9_7F4A_7C15)
    );
    state.tickets.insert(ticket.clone());
    json!({"url": format!("ws://{addr}/socket?ticket={ticket}&app_id={}", FakeSlack::APP_ID)})
}

fn users_list(state: &State, params: &Map<String, Value>) -> MethodResult {
    let limit = match params.get("limit") {
        Some(Value::Number(n)) => n.as_u64(),
        Some(Value::String(text)) => text.parse().ok(),
        _ => None,
    };
    let limit = limit
        .filter(|&n| n > 0)
        .map_or(usize::MAX, |n| usize::try_from(n).unwrap_or(usize::MAX));
    let start = match text_param(params, "cursor") {
        None => 0,
        Some(cursor) => cursor
            .strip_prefix("next_")
            .and_then(|n| n.parse::<usize>().ok())
            .filter(|&n| n <= state.users.len())
            .ok_or_else(|| ApiError::new("invalid_cursor"))?,
    };
    let page: Vec<Value> = state
        .users
        .iter()
        .skip(start)
        .take(limit)
        .map(|u| u.to_json())
        .collect();
    let end = start + page.len();
    let next_cursor = if end < state.users.len() {
        format!("next_{end}")
    } else {
        String::new()
    };
    Ok(json!({
        "members": page,
        "cache_ts": 1_700_000_000,
        "response_metadata": {"next_cursor": next_cursor},
    }))
}

fn users_info(state: &State, params: &Map<String, Value>) -> MethodResult {
    let id = text_param(params, "user").ok_or_else(|| ApiError::new("user_not_found"))?;
    let user = state
        .user(id)
        .ok_or_else(|| ApiError::new("user_not_found"))?;
    Ok(json!({"user": user.to_json()}))
}

fn users_lookup_by_email(state: &State, params: &Map<String, Value>) -> MethodResult {
    let email = text_param(params, "email").ok_or_else(|| ApiError::new("users_not_found"))?;
    let user = state
        .users
        .iter()
        .find(|user| {
            user.email
                .as_deref()
                .is_some_and(|e| e.eq_ignore_ascii_case(email))
        })
        .ok_or_else(|| ApiError::new("users_not_found"))?;
    Ok(json!({"user": user.to_json()}))
}

fn views_open(state: &mut State, params: &Map<String, Value>) -> MethodResult {
    if text_param(params, "trigger_id").is_none() {
        let message = "[ERROR] missing required field: trigger_id";
        return Err(ApiError::with_message("invalid_arguments", message));
    }
    let view = modal(params)?;
    let id = format!("V{:08}", state.next_number());
    let view = stateful_view(state, view, &id, &id);
    state.views.push(view.clone());
    Ok(json!({"view": view}))
}

fn views_update(state: &mut State, params: &Map<String, Value>) -> MethodResult {
    let position = match (
        text_param(params, "view_id"),
        text_param(params, "external_id"),
    ) {
        (Some(id), _) => state.views.iter().position(|v| v["id"] == id),
        (None, Some(external)) => state
            .views
            .iter()
            .position(|v| v["external_id"] == external),
        (None, None) => {
            let message = "[ERROR] missing required field: view_id";
            return Err(ApiError::with_message("invalid_arguments", message));
        }
    };
    let position = position.ok_or_else(|| ApiError::new("not_found"))?;
    let current = &state.views[position];
    if text_param(params, "hash").is_some_and(|hash| current["hash"] != hash) {
        return Err(ApiError::new("hash_conflict"));
    }
    let (id, root) = (
        json_text(&current["id"]),
        json_text(&current["root_view_id"]),
    );
    let view = modal(params)?;
    let view = stateful_view(state, view, &id, &root);
    state.views[position] = view.clone();
    Ok(json!({"view": view}))
}

fn json_text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}

/// The `view` parameter, which must be a modal.
fn modal(params: &Map<String, Value>) -> Result<&Map<String, Value>, ApiError> {
    match params.get("view") {
        Some(Value::Object(view)) if view.get("type") == Some(&json!("modal")) => Ok(view),
        Some(Value::Object(_)) => Err(ApiError::with_message(
            "invalid_arguments",
            "[ERROR] must be a valid enum value [json-pointer:/view/type]",
        )),
        _ => Err(ApiError::with_message(
            "invalid_arguments",
            "[ERROR] missing required field: view",
        )),
    }
}

/// The view as Slack stores and returns it: what was sent, plus its id, an empty state,
/// a fresh hash and the app's ids.
fn stateful_view(state: &mut State, view: &Map<String, Value>, id: &str, root: &str) -> Value {
    let mut stored = json!({
        "private_metadata": "",
        "callback_id": "",
        "external_id": "",
        "clear_on_close": false,
        "notify_on_close": false,
        "previous_view_id": null,
    });
    if let Value::Object(stored) = &mut stored {
        stored.extend(view.clone());
    }
    let number = state.next_number();
    stored["id"] = json!(id);
    stored["root_view_id"] = json!(root);
    stored["team_id"] = json!(FakeSlack::TEAM_ID);
    stored["state"] = json!({"values": {}});
    stored["hash"] = json!(format!("{}.{number:08x}", 1_700_000_000 + number));
    stored["app_id"] = json!(FakeSlack::APP_ID);
    stored["app_installed_team_id"] = json!(FakeSlack::TEAM_ID);
    stored["bot_id"] = json!(FakeSlack::BOT_ID);
    stored
}
