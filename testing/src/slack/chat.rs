//! Conversations and messages: `conversations.open`, `chat.postMessage`, `chat.update`,
//! `chat.postEphemeral`.

use serde_json::{Map, Value, json};

use super::FakeSlack;
use super::methods::{ApiError, MethodResult, flag_param, text_param};
use super::state::{FakeMessage, State};

/// Opens (or reopens) the DM with one user. The DM's id is stable per user.
pub(crate) fn conversations_open(state: &mut State, params: &Map<String, Value>) -> MethodResult {
    if let Some(channel) = text_param(params, "channel") {
        if !state.channels.contains_key(channel) {
            return Err(ApiError::new("channel_not_found"));
        }
        return Ok(json!({"channel": {"id": channel}, "already_open": true, "no_op": true}));
    }
    let users = users_param(params);
    let user_id = match users.as_slice() {
        [] => return Err(ApiError::new("users_list_not_supplied")),
        [user_id] => user_id.as_str(),
        // Group DMs: Rhythm only ever writes to one person.
        _ => return Err(ApiError::new("method_not_supported_for_channel_type")),
    };
    let user = state
        .user(user_id)
        .ok_or_else(|| ApiError::new("user_not_found"))?;
    if user.deleted {
        return Err(ApiError::new("user_disabled"));
    }
    let (id, already_open) = state.open_dm(user_id);
    let channel = if flag_param(params, "return_im") {
        json!({
            "id": id,
            "created": 1_700_000_000,
            "is_im": true,
            "is_org_shared": false,
            "user": user_id,
            "is_user_deleted": false,
            "priority": 0,
            "is_open": true,
            "last_read": "0000000000.000000",
            "unread_count": 0,
            "unread_count_display": 0,
        })
    } else {
        json!({"id": id})
    };
    let mut answer = json!({"channel": channel});
    if already_open {
        answer["already_open"] = json!(true);
        answer["no_op"] = json!(true);
    }
    Ok(answer)
}

/// `users`: a comma-separated string in a form, an array in slack-morphism's JSON.
fn users_param(params: &Map<String, Value>) -> Vec<String> {
    match params.get("users") {
        Some(Value::String(text)) => text
            .split(',')
            .map(str::trim)
            .filter(|id| !id.is_empty())
            .map(str::to_owned)
            .collect(),
        Some(Value::Array(ids)) => ids
            .iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

pub(crate) fn post_message(state: &mut State, params: &Map<String, Value>) -> MethodResult {
    let channel =
        text_param(params, "channel").ok_or_else(|| ApiError::new("channel_not_found"))?;
    let (text, blocks) = new_content(params)?;
    let channel = state
        .resolve_channel(channel)
        .ok_or_else(|| ApiError::new("channel_not_found"))?;
    let message = new_message(state, params, channel.clone(), text, blocks);
    let answer = json!({"channel": channel, "ts": message.ts, "message": message_json(&message)});
    state
        .channels
        .entry(channel)
        .or_default()
        .messages
        .push(message);
    Ok(answer)
}

/// Replaces what is given (text, blocks) and keeps what is not, like Slack.
pub(crate) fn update(state: &mut State, params: &Map<String, Value>) -> MethodResult {
    let channel =
        text_param(params, "channel").ok_or_else(|| ApiError::new("channel_not_found"))?;
    let ts = text_param(params, "ts").ok_or_else(|| ApiError::new("message_not_found"))?;
    let (text, blocks) = content(params)?;
    if text.is_none() && blocks.is_none() && params.get("attachments").is_none() {
        return Err(ApiError::new("no_text"));
    }
    let conversation = state
        .channels
        .get_mut(channel)
        .ok_or_else(|| ApiError::new("channel_not_found"))?;
    let message = conversation
        .messages
        .iter_mut()
        .find(|message| message.ts == ts)
        .ok_or_else(|| ApiError::new("message_not_found"))?;
    if let Some(text) = text {
        message.text = text;
    }
    if let Some(blocks) = blocks {
        message.blocks = blocks;
    }
    let mut updated = message_json(message);
    if let Value::Object(fields) = &mut updated {
        fields.remove("ts");
    }
    Ok(json!({"channel": channel, "ts": ts, "text": message.text, "message": updated}))
}

pub(crate) fn post_ephemeral(state: &mut State, params: &Map<String, Value>) -> MethodResult {
    let channel =
        text_param(params, "channel").ok_or_else(|| ApiError::new("channel_not_found"))?;
    let user = text_param(params, "user").ok_or_else(|| ApiError::new("user_not_found"))?;
    if state.user(user).is_none() {
        return Err(ApiError::new("user_not_found"));
    }
    let (text, blocks) = new_content(params)?;
    let channel = state
        .resolve_channel(channel)
        .ok_or_else(|| ApiError::new("channel_not_found"))?;
    let dm_user = state.channels.get(&channel).and_then(|c| c.user.as_deref());
    if dm_user.is_some_and(|dm_user| dm_user != user) {
        return Err(ApiError::new("user_not_in_channel"));
    }
    let message = new_message(state, params, channel, text, blocks);
    let ts = message.ts.clone();
    state.ephemerals.push((user.to_owned(), message));
    Ok(json!({"message_ts": ts}))
}

/// `text` (or `markdown_text`) and `blocks`, each `None` when absent.
fn content(params: &Map<String, Value>) -> Result<(Option<String>, Option<Vec<Value>>), ApiError> {
    let text = ["text", "markdown_text"]
        .iter()
        .find_map(|name| params.get(*name).and_then(Value::as_str))
        .map(str::to_owned);
    let blocks = match params.get("blocks") {
        None | Some(Value::Null) => None,
        Some(Value::Array(blocks)) => Some(blocks.clone()),
        Some(_) => return Err(ApiError::new("invalid_blocks")),
    };
    Ok((text, blocks))
}

/// A new message's `text` and `blocks` (empty when absent); `no_text` when it has neither,
/// nor `attachments`.
fn new_content(params: &Map<String, Value>) -> Result<(String, Vec<Value>), ApiError> {
    let (text, blocks) = content(params)?;
    let (text, blocks) = (text.unwrap_or_default(), blocks.unwrap_or_default());
    if text.is_empty() && blocks.is_empty() && params.get("attachments").is_none() {
        return Err(ApiError::new("no_text"));
    }
    Ok((text, blocks))
}

/// The next message the bot posts to `channel`: a fresh `ts`, in the thread `thread_ts`
/// names, if any.
fn new_message(
    state: &mut State,
    params: &Map<String, Value>,
    channel: String,
    text: String,
    blocks: Vec<Value>,
) -> FakeMessage {
    FakeMessage {
        channel,
        ts: state.next_ts(),
        text,
        blocks,
        thread_ts: text_param(params, "thread_ts").map(str::to_owned),
    }
}

/// The message as Slack echoes it back: sent by the bot user, with the app's ids.
fn message_json(message: &FakeMessage) -> Value {
    let mut json = json!({
        "type": "message",
        "user": FakeSlack::BOT_USER_ID,
        "bot_id": FakeSlack::BOT_ID,
        "app_id": FakeSlack::APP_ID,
        "team": FakeSlack::TEAM_ID,
        "text": message.text,
        "ts": message.ts,
    });
    if !message.blocks.is_empty() {
        json["blocks"] = json!(message.blocks);
    }
    if let Some(thread_ts) = &message.thread_ts {
        json["thread_ts"] = json!(thread_ts);
    }
    json
}
