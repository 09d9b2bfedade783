//! DM channels and messages: `POST /users/@me/channels`, `POST /channels/{channel_id}/messages`
//! (nonces, Discord's limits, closed DMs) and `PATCH /channels/{channel_id}/messages/{message_id}`.
//! The message shapes and limits here serve interaction responses and follow-ups too.

use std::time::Duration;

use axum::http::StatusCode;
use serde_json::{Map, Value, json};

use super::errors::{DiscordError, FieldError, Step};
use super::rest::{Answer, Request};
use super::snowflake::{next_snowflake, now_iso, timestamp_of};
use super::state::{SeenNonce, State, bot_user_json, text};

/// How long Discord remembers a nonce for `enforce_nonce` ("the past few minutes").
const NONCE_WINDOW: Duration = Duration::from_secs(5 * 60);
/// `content`, in characters.
const MAX_CONTENT: usize = 2000;
/// Top-level components (action rows) of a message without `IS_COMPONENTS_V2`.
const MAX_ROWS: usize = 5;
/// Buttons in one action row.
const MAX_IN_ROW: usize = 5;
const MAX_CUSTOM_ID: usize = 100;
const MAX_LABEL: usize = 80;
/// The message flag that lifts the five-rows limit (Components V2: 40 components).
const IS_COMPONENTS_V2: u64 = 1 << 15;

/// Opens (or reopens: the same channel each time) the DM with `recipient_id`.
///
/// An id that is no snowflake is a form error; a snowflake no one has gets 400 code 50033
/// "Invalid Recipient(s)", which is what Discord answers (not 10013 "Unknown User", which
/// is `GET /users/{id}`'s).
pub(crate) fn create_dm(state: &mut State, request: &Request<'_>) -> Answer {
    let recipient = match &request.body["recipient_id"] {
        Value::String(id) => id.clone(),
        Value::Number(id) => id.to_string(),
        Value::Null => {
            return Err(DiscordError::form(&[FieldError::required(vec![
                Step::Key("recipient_id"),
            ])]));
        }
        other => other.to_string(),
    };
    if recipient.is_empty() || !recipient.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DiscordError::form(&[FieldError {
            path: vec![Step::Key("recipient_id")],
            code: "NUMBER_TYPE_COERCE",
            message: format!("Value \"{recipient}\" is not snowflake."),
        }]));
    }
    let user = state
        .user(&recipient)
        .map(|user| user.to_json())
        .ok_or_else(|| DiscordError::new(StatusCode::BAD_REQUEST, 50033, "Invalid Recipient(s)"))?;
    let id = state.open_dm(&recipient);
    let last = state
        .channels
        .get(&id)
        .and_then(|channel| channel.messages.last())
        .map(|message| message["id"].clone())
        .unwrap_or(Value::Null);
    Ok(Some(json!({
        "id": id,
        "type": 1,
        "last_message_id": last,
        "flags": 0,
        "recipients": [user],
    })))
}

pub(crate) fn create_message(state: &mut State, request: &Request<'_>) -> Answer {
    let channel_id = request.matched.param("channel_id").to_owned();
    let body = request.body;
    let channel = state
        .resolve_channel(&channel_id)
        .ok_or_else(DiscordError::unknown_channel)?;
    let errors = check_limits(body);
    if !errors.is_empty() {
        return Err(DiscordError::form(&errors));
    }
    if is_empty(body) {
        return Err(DiscordError::empty_message());
    }
    let recipient = channel.recipient.clone();
    if recipient.is_some_and(|user| state.closed_dms.contains(&user)) {
        return Err(DiscordError::cannot_dm());
    }
    let nonce = nonce_text(&body["nonce"]);
    if let Some(nonce) = &nonce
        && body["enforce_nonce"] == json!(true)
        && let Some(earlier) = earlier_message(state, &channel_id, nonce, request)
    {
        state.nonce_repeats += 1;
        return Ok(Some(earlier));
    }
    let message = new_message(&channel_id, body, 0);
    if let Some(nonce) = nonce {
        let seen = SeenNonce {
            at: request.now,
            message_id: text(&message["id"]),
        };
        state.nonces.insert((channel_id.clone(), nonce), seen);
    }
    push_message(state, &channel_id, message.clone());
    Ok(Some(message))
}

/// The message an `enforce_nonce` send with `nonce` made in the last few minutes, as it
/// now stands.
fn earlier_message(
    state: &State,
    channel_id: &str,
    nonce: &str,
    request: &Request<'_>,
) -> Option<Value> {
    let seen = state
        .nonces
        .get(&(channel_id.to_owned(), nonce.to_owned()))?;
    if request.now.duration_since(seen.at) > NONCE_WINDOW {
        return None;
    }
    state.message(channel_id, &seen.message_id).cloned()
}

/// A nonce is an integer or a string; both compare as text.
fn nonce_text(nonce: &Value) -> Option<String> {
    match nonce {
        Value::String(text) => Some(text.clone()),
        Value::Number(number) => Some(number.to_string()),
        _ => None,
    }
}

pub(crate) fn edit_message(state: &mut State, request: &Request<'_>) -> Answer {
    let channel_id = request.matched.param("channel_id");
    let message_id = request.matched.param("message_id");
    if state.resolve_channel(channel_id).is_none() {
        return Err(DiscordError::unknown_channel());
    }
    let message = state
        .message_mut(channel_id, message_id)
        .ok_or_else(DiscordError::unknown_message)?;
    edit(message, request.body)?;
    Ok(Some(message.clone()))
}

/// Applies an edit (`content`, `components`, `embeds`, `flags`; what is left out stays)
/// within Discord's limits, and stamps `edited_timestamp`.
pub(crate) fn edit(message: &mut Value, body: &Value) -> Result<(), DiscordError> {
    let errors = check_limits(body);
    if !errors.is_empty() {
        return Err(DiscordError::form(&errors));
    }
    let mut edited = message.clone();
    if let Some(content) = body.get("content") {
        edited["content"] = json!(content.as_str().unwrap_or_default());
    }
    if let Some(components) = body.get("components") {
        edited["components"] = with_ids(components);
    }
    if let Some(embeds) = body.get("embeds") {
        edited["embeds"] = if embeds.is_null() {
            json!([])
        } else {
            embeds.clone()
        };
    }
    if let Some(flags) = body.get("flags").and_then(Value::as_u64) {
        edited["flags"] = json!(flags);
    }
    if is_empty(&edited) {
        return Err(DiscordError::empty_message());
    }
    edited["edited_timestamp"] = json!(now_iso());
    *message = edited;
    Ok(())
}

/// A message the bot sends, as Discord returns it (`MessageResponse`: author the bot, the
/// components with the ids Discord assigns). `kind` is the message type: 0 default, 20 a
/// response to a slash command.
pub(crate) fn new_message(channel_id: &str, body: &Value, kind: u64) -> Value {
    let id = next_snowflake();
    let mut message = json!({
        "type": kind,
        "content": body["content"].as_str().unwrap_or_default(),
        "mentions": [],
        "mention_roles": [],
        "attachments": [],
        "embeds": body.get("embeds").filter(|e| e.is_array()).cloned().unwrap_or(json!([])),
        "timestamp": timestamp_of(&id),
        "edited_timestamp": null,
        "flags": body["flags"].as_u64().unwrap_or(0),
        "components": with_ids(&body["components"]),
        "id": id,
        "channel_id": channel_id,
        "author": bot_user_json(),
        "pinned": false,
        "mention_everyone": false,
        "tts": body["tts"].as_bool().unwrap_or(false),
    });
    if !body["nonce"].is_null() {
        message["nonce"] = body["nonce"].clone();
    }
    message
}

pub(crate) fn push_message(state: &mut State, channel_id: &str, message: Value) {
    state
        .channels
        .entry(channel_id.to_owned())
        .or_default()
        .messages
        .push(message);
}

/// No content, components, embeds, stickers, attachments nor poll.
pub(crate) fn is_empty(body: &Value) -> bool {
    let blank = |key: &str| match body.get(key) {
        None | Some(Value::Null) => true,
        Some(Value::String(text)) => text.is_empty(),
        Some(Value::Array(items)) => items.is_empty(),
        Some(_) => false,
    };
    [
        "content",
        "components",
        "embeds",
        "sticker_ids",
        "attachments",
        "poll",
    ]
    .iter()
    .all(|key| blank(key))
}

/// The components with an `id` on each (depth first from 1), as Discord numbers them when
/// the bot gives none.
fn with_ids(components: &Value) -> Value {
    fn number(component: &mut Value, next: &mut u64) {
        if let Value::Object(fields) = component {
            if !fields.get("id").is_some_and(Value::is_u64) {
                fields.insert("id".to_owned(), json!(*next));
            }
            *next += 1;
            if let Some(Value::Array(children)) = fields.get_mut("components") {
                children.iter_mut().for_each(|child| number(child, next));
            }
            if let Some(child @ Value::Object(_)) = fields.get_mut("component") {
                number(child, next);
            }
        }
    }
    let mut components = match components {
        Value::Array(_) => components.clone(),
        _ => json!([]),
    };
    let mut next = 1;
    if let Value::Array(list) = &mut components {
        list.iter_mut().for_each(|c| number(c, &mut next));
    }
    components
}

/// Discord's limits on a message body: content length, rows, buttons per row, custom id
/// and label lengths, custom ids unique in the message.
pub(crate) fn check_limits(body: &Value) -> Vec<FieldError> {
    let mut errors = Vec::new();
    if let Some(content) = body["content"].as_str()
        && content.chars().count() > MAX_CONTENT
    {
        errors.push(FieldError::too_long(
            vec![Step::Key("content")],
            MAX_CONTENT,
        ));
    }
    let Some(rows) = body["components"].as_array() else {
        return errors;
    };
    let v2 = body["flags"]
        .as_u64()
        .is_some_and(|f| f & IS_COMPONENTS_V2 != 0);
    if !v2 && rows.len() > MAX_ROWS {
        errors.push(FieldError::too_long(
            vec![Step::Key("components")],
            MAX_ROWS,
        ));
    }
    let mut custom_ids = Vec::new();
    for (i, row) in rows.iter().enumerate() {
        let Some(children) = row["components"].as_array().filter(|_| row["type"] == 1) else {
            continue;
        };
        let row_path = vec![
            Step::Key("components"),
            Step::Index(i),
            Step::Key("components"),
        ];
        if children.len() > MAX_IN_ROW {
            errors.push(FieldError::too_long(row_path.clone(), MAX_IN_ROW));
        }
        for (j, child) in children.iter().enumerate() {
            let at = |key: &'static str| {
                let mut path = row_path.clone();
                path.extend([Step::Index(j), Step::Key(key)]);
                path
            };
            check_component(child, &at, &mut custom_ids, &mut errors);
        }
    }
    errors
}

fn check_component(
    component: &Value,
    at: &dyn Fn(&'static str) -> Vec<Step>,
    custom_ids: &mut Vec<String>,
    errors: &mut Vec<FieldError>,
) {
    if let Some(custom_id) = component["custom_id"].as_str() {
        if custom_id.chars().count() > MAX_CUSTOM_ID {
            errors.push(FieldError::too_long(at("custom_id"), MAX_CUSTOM_ID));
        }
        if custom_ids.iter().any(|seen| seen == custom_id) {
            errors.push(FieldError {
                path: at("custom_id"),
                code: "COMPONENT_CUSTOM_ID_DUPLICATED",
                message: "Component custom id cannot be duplicated".to_owned(),
            });
        }
        custom_ids.push(custom_id.to_owned());
    }
    if let Some(label) = component["label"].as_str()
        && label.chars().count() > MAX_LABEL
    {
        errors.push(FieldError::too_long(at("label"), MAX_LABEL));
    }
}

/// The `data` of an interaction callback (an empty object when it has none).
pub(crate) fn data_of(body: &Value) -> Value {
    match body.get("data") {
        Some(data @ Value::Object(_)) => data.clone(),
        _ => Value::Object(Map::new()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn buttons(n: usize, prefix: &str) -> Value {
        let buttons: Vec<Value> = (0..n)
            .map(|i| json!({"type": 2, "style": 1, "label": "Go", "custom_id": format!("{prefix}{i}")}))
            .collect();
        json!({"type": 1, "components": buttons})
    }

    #[test]
    fn components_get_ids_in_order_unless_they_have_one() {
        let numbered = with_ids(&json!([buttons(2, "a"), {"type": 1, "id": 9, "components": []}]));
        assert_eq!(numbered[0]["id"], 1);
        assert_eq!(numbered[0]["components"][0]["id"], 2);
        assert_eq!(numbered[0]["components"][1]["id"], 3);
        assert_eq!(numbered[1]["id"], 9);
    }

    #[test]
    fn six_buttons_in_a_row_and_duplicate_custom_ids_break_the_limits() {
        let body = json!({"components": [buttons(6, "a"), buttons(1, "a")]});
        let codes: Vec<&str> = check_limits(&body).iter().map(|e| e.code).collect();
        assert_eq!(
            codes,
            ["BASE_TYPE_MAX_LENGTH", "COMPONENT_CUSTOM_ID_DUPLICATED"]
        );
    }

    #[test]
    fn a_message_without_content_or_components_is_empty() {
        assert!(is_empty(&json!({"content": "", "components": []})));
        assert!(!is_empty(&json!({"content": "hi"})));
        assert!(!is_empty(&json!({"components": [buttons(1, "a")]})));
    }
}
