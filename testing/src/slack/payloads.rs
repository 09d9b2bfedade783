//! What Slack sends an app, built like the real thing, and the request signature.
//!
//! The shapes follow payloads captured by Slack's own SDKs (`testing/fixtures/slack/`:
//! bolt-python's scenario tests, python-slack-sdk's Socket Mode server, java-slack-sdk's
//! samples). The same JSON goes into a Socket Mode envelope (`FakeSlack::send_envelope`) or,
//! over HTTP, into a form body ([`slash_command_form`], [`interactive_form_body`]) signed
//! with [`signed_headers`].

use ring::hmac;
use serde_json::{Map, Value, json};

use super::FakeSlack;
use super::state::dm_channel_id;

/// The legacy verification token Slack still puts in payloads.
const VERIFICATION_TOKEN: &str = "verification_token";
const TEAM_DOMAIN: &str = "rhythm-fake";

/// A slash command as JSON (the `payload` of a `slash_commands` envelope), typed by
/// `user_id` in their DM with the app.
pub fn slash_command(user_id: &str, command: &str, text: &str, trigger_id: &str) -> Value {
    let fields: Map<String, Value> = slash_command_fields(user_id, command, text, trigger_id)
        .into_iter()
        .map(|(key, value)| (key.to_owned(), Value::String(value)))
        .collect();
    let mut payload = Value::Object(fields);
    payload["is_enterprise_install"] = json!(false);
    payload
}

/// A slash command as the `application/x-www-form-urlencoded` body Slack posts to
/// `/slack/commands`.
pub fn slash_command_form(user_id: &str, command: &str, text: &str, trigger_id: &str) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    for (key, value) in slash_command_fields(user_id, command, text, trigger_id) {
        form.append_pair(key, &value);
    }
    form.append_pair("is_enterprise_install", "false");
    form.finish()
}

/// Slack's fields in Slack's order (`slash_command.form.txt`).
fn slash_command_fields(
    user_id: &str,
    command: &str,
    text: &str,
    trigger_id: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("token", VERIFICATION_TOKEN.to_owned()),
        ("team_id", FakeSlack::TEAM_ID.to_owned()),
        ("team_domain", TEAM_DOMAIN.to_owned()),
        ("channel_id", dm_channel_id(user_id)),
        ("channel_name", "directmessage".to_owned()),
        ("user_id", user_id.to_owned()),
        ("user_name", user_id.to_lowercase()),
        ("command", command.to_owned()),
        ("text", text.to_owned()),
        ("api_app_id", FakeSlack::APP_ID.to_owned()),
        ("response_url", response_url("commands")),
        ("trigger_id", trigger_id.to_owned()),
    ]
}

fn response_url(kind: &str) -> String {
    format!(
        "https://hooks.slack.com/{kind}/{}/1700000000/fake",
        FakeSlack::TEAM_ID
    )
}

fn user(user_id: &str) -> Value {
    let name = user_id.to_lowercase();
    json!({"id": user_id, "username": name, "name": name, "team_id": FakeSlack::TEAM_ID})
}

fn team() -> Value {
    json!({"id": FakeSlack::TEAM_ID, "domain": TEAM_DOMAIN})
}

/// `user_id` clicks a button (`action_id`, `value`) on the message `message_ts` in
/// `channel`: a `block_actions` interaction (`block_actions.json`).
pub fn block_actions(
    user_id: &str,
    action_id: &str,
    value: &str,
    channel: &str,
    message_ts: &str,
    trigger_id: &str,
) -> Value {
    json!({
        "type": "block_actions",
        "user": user(user_id),
        "api_app_id": FakeSlack::APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": {
            "type": "message",
            "message_ts": message_ts,
            "channel_id": channel,
            "is_ephemeral": false,
        },
        "trigger_id": trigger_id,
        "team": team(),
        "enterprise": null,
        "is_enterprise_install": false,
        "channel": {"id": channel, "name": "directmessage"},
        "state": {"values": {}},
        "response_url": response_url("actions"),
        "actions": [{
            "action_id": action_id,
            "block_id": "rhythm",
            "text": {"type": "plain_text", "text": "Button", "emoji": true},
            "value": value,
            "type": "button",
            "action_ts": "1700000001.000000",
        }],
    })
}

/// What a person entered in one input of a modal, as it appears in `view.state.values`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ValueKind {
    /// `plain_text_input`: `{"type":"plain_text_input","value":…}`.
    PlainText(String),
    /// `static_select` with one option chosen.
    StaticSelect {
        /// The option's `value`.
        value: String,
        /// The option's label.
        text: String,
    },
    /// `radio_buttons` with one option chosen.
    RadioButtons {
        /// The option's `value`.
        value: String,
        /// The option's label.
        text: String,
    },
    /// An optional input left empty, of this element type (`plain_text_input`,
    /// `static_select`…): `"value": null` or `"selected_option": null`.
    Blank(&'static str),
}

impl ValueKind {
    fn state_value(&self) -> Value {
        let option = |value: &str, text: &str| json!({"text": {"type": "plain_text", "text": text, "emoji": true}, "value": value});
        match self {
            Self::PlainText(value) => json!({"type": "plain_text_input", "value": value}),
            Self::StaticSelect { value, text } => {
                json!({"type": "static_select", "selected_option": option(value, text)})
            }
            Self::RadioButtons { value, text } => {
                json!({"type": "radio_buttons", "selected_option": option(value, text)})
            }
            Self::Blank("plain_text_input") => json!({"type": "plain_text_input", "value": null}),
            Self::Blank(kind) => json!({"type": kind, "selected_option": null}),
        }
    }
}

/// `user_id` submits a modal with `callback_id` and `private_metadata`, having entered
/// `values` as `(block_id, action_id, value)`: a `view_submission` interaction
/// (`view_submission.json`).
pub fn view_submission(
    user_id: &str,
    callback_id: &str,
    private_metadata: &str,
    values: &[(&str, &str, ValueKind)],
) -> Value {
    let view = json!({
        "id": "V00000000",
        "type": "modal",
        "title": {"type": "plain_text", "text": "Rhythm"},
        "blocks": [],
        "private_metadata": private_metadata,
        "callback_id": callback_id,
        "root_view_id": "V00000000",
    });
    submission_of(&view, user_id, values)
}

/// `user_id` submits a view the app opened (one of `FakeSlack::views_opened`), keeping its
/// id, callback id, metadata and blocks, having entered `values`.
pub fn submission_of(view: &Value, user_id: &str, values: &[(&str, &str, ValueKind)]) -> Value {
    let mut state = Map::new();
    for (block_id, action_id, value) in values {
        let block = state
            .entry((*block_id).to_owned())
            .or_insert_with(|| json!({}));
        block[*action_id] = value.state_value();
    }
    let mut view = view.clone();
    for (key, default) in [
        ("team_id", json!(FakeSlack::TEAM_ID)),
        ("hash", json!("1700000000.fakehash")),
        ("previous_view_id", Value::Null),
        ("app_id", json!(FakeSlack::APP_ID)),
        ("bot_id", json!(FakeSlack::BOT_ID)),
    ] {
        if view.get(key).is_none() {
            view[key] = default;
        }
    }
    view["state"] = json!({"values": state});
    json!({
        "type": "view_submission",
        "team": team(),
        "user": user(user_id),
        "api_app_id": FakeSlack::APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": next_trigger_id("viewsubmission"),
        "view": view,
        "response_urls": [],
        "is_enterprise_install": false,
        "enterprise": null,
    })
}

/// An Events API callback carrying `event` (`event_callback_message_im.json`); its
/// `event_time` is the event's `event_ts` when it has one.
pub fn event_callback(event_id: &str, event: Value) -> Value {
    let event_time = event["event_ts"]
        .as_str()
        .and_then(|ts| ts.split('.').next())
        .and_then(|seconds| seconds.parse::<i64>().ok())
        .unwrap_or(1_700_000_000);
    let mut callback = json!({
        "token": VERIFICATION_TOKEN,
        "team_id": FakeSlack::TEAM_ID,
        "api_app_id": FakeSlack::APP_ID,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [{
            "enterprise_id": null,
            "team_id": FakeSlack::TEAM_ID,
            "user_id": FakeSlack::BOT_USER_ID,
            "is_bot": true,
            "is_enterprise_install": false,
        }],
        "is_ext_shared_channel": false,
        "event_context": "4-fake",
    });
    callback["event"] = event;
    callback
}

/// A `reaction_added` event: `user_id` puts `reaction` (an emoji's name) on the message
/// `author_id` wrote in `channel` at `ts`, as `slack_common_event_wrapper_schema.json`'s
/// example shows it.
pub fn reaction_added(
    user_id: &str,
    reaction: &str,
    author_id: &str,
    channel: &str,
    ts: &str,
    event_ts: &str,
) -> Value {
    json!({
        "type": "reaction_added",
        "user": user_id,
        "reaction": reaction,
        "item_user": author_id,
        "item": { "type": "message", "channel": channel, "ts": ts },
        "event_ts": event_ts,
    })
}

/// A message shortcut (`message_action`): `user_id` picks the shortcut `callback_id` on the
/// message `author_id` wrote in `channel` at `ts`, as Slack's docs show the payload.
pub fn message_action(
    user_id: &str,
    callback_id: &str,
    author_id: &str,
    channel: &str,
    ts: &str,
    trigger_id: &str,
) -> Value {
    json!({
        "type": "message_action",
        "token": VERIFICATION_TOKEN,
        "action_ts": ts,
        "team": { "id": FakeSlack::TEAM_ID, "domain": "rhythm-fake" },
        "user": { "id": user_id, "name": user_id.to_lowercase(), "team_id": FakeSlack::TEAM_ID },
        "channel": { "id": channel, "name": "general" },
        "is_enterprise_install": false,
        "enterprise": null,
        "callback_id": callback_id,
        "trigger_id": trigger_id,
        "response_url": format!("https://hooks.slack.com/app/{}/1/fake", FakeSlack::TEAM_ID),
        "message_ts": ts,
        "message": {
            "type": "message",
            "user": author_id,
            "ts": ts,
            "text": "Shipped it: the release is out.",
            "team": FakeSlack::TEAM_ID,
        },
    })
}

/// A `message` event: `user_id` writes `text` in their DM with the app at `ts`.
pub fn dm_message(user_id: &str, text: &str, ts: &str) -> Value {
    json!({
        "type": "message",
        "user": user_id,
        "text": text,
        "ts": ts,
        "team": FakeSlack::TEAM_ID,
        "channel": dm_channel_id(user_id),
        "event_ts": ts,
        "channel_type": "im",
    })
}

/// An interaction as Slack posts it over HTTP: `payload=<urlencoded JSON>`.
pub fn interactive_form_body(payload: &Value) -> String {
    let mut form = url::form_urlencoded::Serializer::new(String::new());
    form.append_pair("payload", &payload.to_string());
    form.finish()
}

/// Slack's request signature: `v0=` and the hex HMAC-SHA256 of `v0:{timestamp}:{body}`
/// keyed with the signing secret.
pub fn sign(signing_secret: &str, timestamp: i64, body: &[u8]) -> String {
    let key = hmac::Key::new(hmac::HMAC_SHA256, signing_secret.as_bytes());
    let mut mac = hmac::Context::with_key(&key);
    mac.update(format!("v0:{timestamp}:").as_bytes());
    mac.update(body);
    let hex: String = mac
        .sign()
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect();
    format!("v0={hex}")
}

/// The two headers that make a request look like it came from Slack.
pub fn signed_headers(
    signing_secret: &str,
    timestamp: i64,
    body: &[u8],
) -> [(&'static str, String); 2] {
    [
        ("X-Slack-Request-Timestamp", timestamp.to_string()),
        ("X-Slack-Signature", sign(signing_secret, timestamp, body)),
    ]
}

/// A trigger id never handed out before in this process: Slack gives each interaction its
/// own, and Rhythm keys idempotency on it.
fn next_trigger_id(kind: &str) -> String {
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!("1700000002.{n:06}.{kind}")
}
