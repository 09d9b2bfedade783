//! What Discord sends a bot, built like the real thing, and the request signature.
//!
//! The shapes follow Discord's documented examples (`testing/fixtures/discord/discord-api-docs/`:
//! the slash, user and message command interactions, the button and modal-submit fragments)
//! with the fields Discord sends today that those examples lack: `application_id` and
//! `version` (missing from the slash example), `app_permissions`, `authorizing_integration_owners`,
//! `context`, `attachment_size_limit`, `entitlements`, the `channel` object, the partial `guild`,
//! the users' `global_name` (and their other post-2023 fields), and the `id` of each component.
//!
//! Every builder gives a fresh interaction id (a snowflake) and token. They work in the bot's
//! DM with the person ([`dm_channel_id`]); [`in_guild`] moves an interaction into
//! [`FakeDiscord::GUILD_CHANNEL_ID`]. The same JSON is dispatched on the gateway
//! (`FakeDiscord::dispatch_interaction`) or POSTed, signed with [`signed_headers`]
//! (`FakeDiscord::post_interaction`).
//!
//! The person's user object is built from the id alone (username `member` and the id's last
//! four digits, no display name): the builders do not see the fake's people.

use ring::signature::Ed25519KeyPair;
use serde_json::{Value, json};

use super::FakeDiscord;
use super::snowflake::{dm_channel_id, fnv1a, next_snowflake};
use super::state::user_json;

/// What a person entered in one field of a modal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldValue {
    /// A text input (component type 4): `"value"`.
    Text(String),
    /// A string select (component type 3): `"values"`, the chosen options' values.
    Select(Vec<String>),
}

/// Permissions an application has in a DM, as Discord reports them (`app_permissions`).
const DM_APP_PERMISSIONS: &str = "1126432029949504";
/// Permissions an application has in the fake guild's channel.
const GUILD_APP_PERMISSIONS: &str = "2248473465835073";

/// `user_id` runs `/name` (a slash command) in their DM with the bot, with an optional
/// subcommand and its string options: `Some(("ooo", &[("until", "2026-01-09")]))`.
pub fn slash_command(
    user_id: &str,
    name: &str,
    subcommand: Option<(&str, &[(&str, &str)])>,
) -> Value {
    let typed: Option<(&str, Vec<(&str, OptionValue)>)> = subcommand.map(|(name, options)| {
        let options = options
            .iter()
            .map(|&(option, value)| (option, OptionValue::Text(value.to_owned())))
            .collect();
        (name, options)
    });
    slash_command_with(
        user_id,
        name,
        typed
            .as_ref()
            .map(|(name, options)| (*name, options.as_slice())),
    )
}

/// An option's value as a slash command carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OptionValue {
    /// A STRING option (type 3).
    Text(String),
    /// A USER option (type 6): the person's id.
    User(String),
    /// A BOOLEAN option (type 5).
    Flag(bool),
    /// An INTEGER option (type 4).
    Integer(i64),
}

/// [`slash_command`] with options of any type: `Some(("give", &[("to",
/// OptionValue::User(id)), ("reason", OptionValue::Text(…))]))`. A USER option's person is
/// also in `data.resolved.users`, as Discord sends it.
pub fn slash_command_with(
    user_id: &str,
    name: &str,
    subcommand: Option<(&str, &[(&str, OptionValue)])>,
) -> Value {
    let mut data = json!({
        "id": command_id(name),
        "name": name,
        "type": 1,
    });
    if let Some((subcommand, options)) = subcommand {
        let (sub, users) = subcommand_option(subcommand, options);
        if !users.is_empty() {
            data["resolved"] = json!({ "users": users });
        }
        data["options"] = json!([sub]);
    }
    interaction(2, user_id, &dm_channel_id(user_id), data)
}

/// [`slash_command_with`] for a subcommand in a group: `/rhythm cycle start name:…` is
/// `("rhythm", "cycle", "start", &[("name", OptionValue::Text(…))])`.
pub fn slash_command_in_group(
    user_id: &str,
    name: &str,
    group: &str,
    subcommand: &str,
    options: &[(&str, OptionValue)],
) -> Value {
    let (sub, users) = subcommand_option(subcommand, options);
    let mut data = json!({
        "id": command_id(name),
        "name": name,
        "type": 1,
        "options": [{"type": 2, "name": group, "options": [sub]}],
    });
    if !users.is_empty() {
        data["resolved"] = json!({ "users": users });
    }
    interaction(2, user_id, &dm_channel_id(user_id), data)
}

/// A subcommand option holding `options`, and the users they name (for `resolved`).
fn subcommand_option(
    subcommand: &str,
    options: &[(&str, OptionValue)],
) -> (Value, serde_json::Map<String, Value>) {
    let mut users = serde_json::Map::new();
    let options: Vec<Value> = options
        .iter()
        .map(|(name, value)| match value {
            OptionValue::Text(text) => json!({"type": 3, "name": name, "value": text}),
            OptionValue::Integer(n) => json!({"type": 4, "name": name, "value": n}),
            OptionValue::User(id) => {
                users.insert(id.clone(), person(id));
                json!({"type": 6, "name": name, "value": id})
            }
            OptionValue::Flag(flag) => json!({"type": 5, "name": name, "value": flag}),
        })
        .collect();
    let mut sub = json!({"type": 1, "name": subcommand});
    if !options.is_empty() {
        sub["options"] = json!(options);
    }
    (sub, users)
}

/// `user_id` runs the message command `name` (from a message's *Apps* menu) on `message`
/// (a message object with `id`, `channel_id` and `author`) in the fake guild's channel, as
/// `interaction_application_command_message.json` shows it: the message in
/// `data.resolved.messages`, its id as `data.target_id`.
pub fn message_command(user_id: &str, name: &str, message: &Value) -> Value {
    let target = message["id"].as_str().unwrap_or_default().to_owned();
    let data = json!({
        "id": command_id(name),
        "name": name,
        "type": 3,
        "target_id": target,
        "resolved": { "messages": { target.as_str(): message } },
    });
    let channel_id = message["channel_id"]
        .as_str()
        .unwrap_or(FakeDiscord::GUILD_CHANNEL_ID)
        .to_owned();
    in_guild(interaction(2, user_id, &channel_id, data))
}

/// A message `author_id` wrote in the fake guild's channel, as a message object (the fields
/// a message command's `resolved.messages` and a reaction's tests need).
pub fn guild_message(author_id: &str, content: &str) -> Value {
    json!({
        "id": next_snowflake(),
        "channel_id": FakeDiscord::GUILD_CHANNEL_ID,
        "guild_id": FakeDiscord::GUILD_ID,
        "author": person(author_id),
        "content": content,
        "attachments": [],
        "embeds": [],
        "mentions": [],
        "mention_roles": [],
        "pinned": false,
        "mention_everyone": false,
        "tts": false,
        "timestamp": "2026-01-05T10:00:00.000000+00:00",
        "edited_timestamp": null,
        "flags": 0,
        "components": [],
        "type": 0,
    })
}

/// The data of the gateway's `MESSAGE_REACTION_ADD`: `user_id` puts `emoji` (a Unicode
/// emoji) on `message` in a guild, with the fields Discord's gateway docs list
/// (`message_author_id`, `member`, `burst`, `type`).
pub fn reaction_add(user_id: &str, emoji: &str, message: &Value) -> Value {
    json!({
        "user_id": user_id,
        "channel_id": message["channel_id"],
        "message_id": message["id"],
        "guild_id": FakeDiscord::GUILD_ID,
        "message_author_id": message["author"]["id"],
        "member": { "user": person(user_id), "roles": [], "joined_at": "2024-01-08T09:00:00.000000+00:00", "deaf": false, "mute": false, "flags": 0 },
        "emoji": { "id": null, "name": emoji },
        "burst": false,
        "burst_colors": [],
        "type": 0,
    })
}

/// `user_id` presses the button `custom_id` on `message` (a message object the bot sent,
/// e.g. one of `FakeDiscord::messages_to`): a `MESSAGE_COMPONENT` interaction carrying the
/// message, and the button's `id` when the message has it.
pub fn button(user_id: &str, custom_id: &str, message: &Value) -> Value {
    let mut data = json!({"component_type": 2, "custom_id": custom_id});
    if let Some(id) = component_id(&message["components"], custom_id) {
        data["id"] = json!(id);
    }
    let channel_id = message["channel_id"]
        .as_str()
        .map_or_else(|| dm_channel_id(user_id), str::to_owned);
    let mut payload = interaction(3, user_id, &channel_id, data);
    payload["message"] = message.clone();
    if channel_id == dm_channel_id(user_id) {
        payload
    } else {
        in_guild(payload)
    }
}

/// `user_id` submits the modal `custom_id` having entered `fields` (`(custom_id, value)`),
/// each in a Label (component type 18), as Discord sends modals built with labels.
pub fn modal_submit(user_id: &str, custom_id: &str, fields: &[(&str, FieldValue)]) -> Value {
    let components: Vec<Value> = (1u64..)
        .step_by(2)
        .zip(fields)
        .map(|(id, (field_id, value))| {
            let component = match value {
                FieldValue::Text(text) => {
                    json!({"type": 4, "id": id + 1, "custom_id": field_id, "value": text})
                }
                FieldValue::Select(values) => {
                    json!({"type": 3, "id": id + 1, "custom_id": field_id, "values": values})
                }
            };
            json!({"type": 18, "id": id, "component": component})
        })
        .collect();
    let data = json!({"custom_id": custom_id, "components": components});
    interaction(5, user_id, &dm_channel_id(user_id), data)
}

/// `user_id` submits a modal built the older way: each text input in an action row.
pub fn modal_submit_legacy(user_id: &str, custom_id: &str, fields: &[(&str, &str)]) -> Value {
    let components: Vec<Value> = (1u64..)
        .step_by(2)
        .zip(fields)
        .map(|(id, (field_id, text))| {
            let input = json!({"type": 4, "id": id + 1, "custom_id": field_id, "value": text});
            json!({"type": 1, "id": id, "components": [input]})
        })
        .collect();
    let data = json!({"custom_id": custom_id, "components": components});
    interaction(5, user_id, &dm_channel_id(user_id), data)
}

/// The PING Discord sends to check an HTTP interactions endpoint; the answer is `{"type": 1}`.
pub fn ping() -> Value {
    let (id, token) = fresh_id_and_token();
    json!({
        "application_id": FakeDiscord::APPLICATION_ID,
        "entitlements": [],
        "id": id,
        "token": token,
        "type": 1,
        "version": 1,
    })
}

/// The same interaction in [`FakeDiscord::GUILD_CHANNEL_ID`] of [`FakeDiscord::GUILD_ID`]:
/// `member` (with the user) instead of `user`, `guild_id`, `guild`, `guild_locale`, and the
/// guild channel instead of the DM (a component's interaction keeps its message's channel).
pub fn in_guild(mut payload: Value) -> Value {
    let Some(fields) = payload.as_object_mut() else {
        return payload;
    };
    let user = fields.remove("user").unwrap_or(Value::Null);
    let in_dm = user["id"]
        .as_str()
        .is_some_and(|id| fields.get("channel_id") == Some(&json!(dm_channel_id(id))));
    if in_dm {
        fields.insert(
            "channel_id".to_owned(),
            json!(FakeDiscord::GUILD_CHANNEL_ID),
        );
    }
    let channel_id = fields.get("channel_id").cloned().unwrap_or(Value::Null);
    fields.insert(
        "channel".to_owned(),
        json!({
            "id": channel_id,
            "type": 0,
            "guild_id": FakeDiscord::GUILD_ID,
            "name": "general",
            "flags": 0,
            "last_message_id": null,
            "nsfw": false,
            "parent_id": null,
            "permissions": GUILD_APP_PERMISSIONS,
            "position": 0,
            "rate_limit_per_user": 0,
            "topic": null,
        }),
    );
    fields.insert(
        "member".to_owned(),
        json!({
            "avatar": null,
            "banner": null,
            "communication_disabled_until": null,
            "deaf": false,
            "flags": 0,
            "joined_at": "2024-01-08T09:00:00.000000+00:00",
            "mute": false,
            "nick": null,
            "pending": false,
            "permissions": "2248473465835073",
            "premium_since": null,
            "roles": [],
            "unusual_dm_activity_until": null,
            "user": user,
        }),
    );
    fields.insert("guild_id".to_owned(), json!(FakeDiscord::GUILD_ID));
    fields.insert(
        "guild".to_owned(),
        json!({"id": FakeDiscord::GUILD_ID, "locale": "en-US", "features": []}),
    );
    fields.insert("guild_locale".to_owned(), json!("en-US"));
    fields.insert("context".to_owned(), json!(0));
    fields.insert("app_permissions".to_owned(), json!(GUILD_APP_PERMISSIONS));
    fields.insert(
        "authorizing_integration_owners".to_owned(),
        json!({"0": FakeDiscord::GUILD_ID}),
    );
    payload
}

/// The fields every interaction has, in the bot's DM with `user_id` (context 1,
/// `authorizing_integration_owners` `{"0": "0"}`: installed to a guild, used in the bot's DM).
fn interaction(kind: u64, user_id: &str, channel_id: &str, data: Value) -> Value {
    let (id, token) = fresh_id_and_token();
    let user = person(user_id);
    let mut payload = json!({
        "app_permissions": DM_APP_PERMISSIONS,
        "application_id": FakeDiscord::APPLICATION_ID,
        "attachment_size_limit": 10_485_760,
        "authorizing_integration_owners": {"0": "0"},
        "channel": {
            "flags": 0,
            "id": channel_id,
            "last_message_id": null,
            "recipients": [user],
            "type": 1,
        },
        "channel_id": channel_id,
        "context": 1,
        "entitlements": [],
        "id": id,
        "locale": "en-US",
        "token": token,
        "type": kind,
        "user": user,
        "version": 1,
    });
    payload["data"] = data;
    payload
}

/// A person's user object from the id alone.
fn person(user_id: &str) -> Value {
    let suffix = user_id
        .get(user_id.len().saturating_sub(4)..)
        .unwrap_or(user_id);
    user_json(user_id, &format!("member{suffix}"), None, false)
}

/// A command's id, the same for the same name.
fn command_id(name: &str) -> String {
    ((fnv1a(name) >> 1) | (1 << 60)).to_string()
}

/// The `id` of the component with `custom_id`, searching rows and their children.
fn component_id(components: &Value, custom_id: &str) -> Option<u64> {
    components.as_array()?.iter().find_map(|component| {
        if component["custom_id"] == custom_id {
            component["id"].as_u64()
        } else {
            component_id(&component["components"], custom_id)
        }
    })
}

/// A fresh interaction id, and a token shaped like Discord's: `base64url("interaction:{id}:…")`.
fn fresh_id_and_token() -> (String, String) {
    let id = next_snowflake();
    let secret = format!("{:016x}{:016x}", fnv1a(&id), fnv1a(&format!("{id}:token")));
    let token = base64url(format!("interaction:{id}:{secret}").as_bytes());
    (id, token)
}

fn base64url(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut text = String::with_capacity(bytes.len() * 4 / 3 + 3);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, byte)| n | u32::from(*byte) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            let index = (n >> (18 - 6 * i)) & 0x3F;
            text.push(char::from(ALPHABET[index as usize]));
        }
    }
    text
}

/// Discord's request signature: hex of Ed25519 over `timestamp` (as decimal text) followed
/// by the raw body, with the application's key ([`FakeDiscord::PRIVATE_KEY_HEX`]).
pub fn sign(timestamp: i64, body: &[u8]) -> String {
    let seed = hex_bytes(FakeDiscord::PRIVATE_KEY_HEX);
    let public = hex_bytes(FakeDiscord::PUBLIC_KEY_HEX);
    let key = Ed25519KeyPair::from_seed_and_public_key(&seed, &public)
        .expect("RFC 8032's TEST 1 key pair is a valid Ed25519 key pair");
    let mut message = timestamp.to_string().into_bytes();
    message.extend_from_slice(body);
    key.sign(&message)
        .as_ref()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// The two headers that make a request look like it came from Discord:
/// `X-Signature-Ed25519` and `X-Signature-Timestamp`.
pub fn signed_headers(timestamp: i64, body: &[u8]) -> Vec<(&'static str, String)> {
    vec![
        ("X-Signature-Ed25519", sign(timestamp, body)),
        ("X-Signature-Timestamp", timestamp.to_string()),
    ]
}

fn hex_bytes(hex: &str) -> Vec<u8> {
    (0..hex.len() / 2)
        .filter_map(|i| u8::from_str_radix(hex.get(2 * i..2 * i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64url_matches_the_standard_alphabet_without_padding() {
        assert_eq!(
            base64url(b"1170000000000000001"),
            "MTE3MDAwMDAwMDAwMDAwMDAwMQ"
        );
        assert_eq!(base64url(b"interaction:"), "aW50ZXJhY3Rpb246");
        assert_eq!(base64url(b"\xfb\xff"), "-_8");
    }

    #[test]
    fn the_button_id_is_found_inside_its_row() {
        let components = json!([{"type": 1, "id": 1, "components": [
            {"type": 2, "id": 2, "custom_id": "a"},
            {"type": 2, "id": 3, "custom_id": "b"},
        ]}]);
        assert_eq!(component_id(&components, "b"), Some(3));
        assert_eq!(component_id(&components, "c"), None);
    }
}
