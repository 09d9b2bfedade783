//! What the fake Discord holds: people, channels and their messages, interactions, commands,
//! and every call.

use std::collections::{HashMap, HashSet};
use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::FakeDiscord;
use super::failures::{DiscordFailure, FailurePlan};
use super::ratelimit::RateLimits;
use super::snowflake::{dm_channel_id, dm_user_of};

/// How long Discord waits for an interaction's first callback.
pub(crate) const CALLBACK_WINDOW: Duration = Duration::from_secs(3);

/// A person the bot can DM.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeDiscordUser {
    /// Snowflake, e.g. `80351110224678912`.
    pub id: String,
    /// The unique username (`ana.lima`), lowercase since the 2023 username change.
    pub username: String,
    /// The display name (`Ana Lima`); `None` when the person never set one.
    pub global_name: Option<String>,
}

impl FakeDiscordUser {
    /// A person with a display name.
    pub fn new(id: &str, username: &str, global_name: &str) -> Self {
        Self {
            id: id.to_owned(),
            username: username.to_owned(),
            global_name: Some(global_name.to_owned()),
        }
    }

    /// The user object Discord returns (`UserResponse` in the spec).
    pub(crate) fn to_json(&self) -> Value {
        user_json(&self.id, &self.username, self.global_name.as_deref(), false)
    }
}

/// A user object with every field `UserResponse` requires.
pub(crate) fn user_json(id: &str, username: &str, global_name: Option<&str>, bot: bool) -> Value {
    let mut user = json!({
        "id": id,
        "username": username,
        "avatar": null,
        "discriminator": if bot { "2217" } else { "0" },
        "public_flags": 0,
        "flags": 0,
        "banner": null,
        "accent_color": null,
        "global_name": global_name,
        "avatar_decoration_data": null,
        "collectibles": null,
        "primary_guild": null,
    });
    if bot {
        user["bot"] = json!(true);
    }
    user
}

/// The bot's own user object.
pub(crate) fn bot_user_json() -> Value {
    user_json(
        FakeDiscord::BOT_USER_ID,
        FakeDiscord::BOT_USERNAME,
        None,
        true,
    )
}

/// One REST call as the fake received it.
#[derive(Debug, Clone, PartialEq)]
pub struct RecordedCall {
    /// `GET`, `POST`, `PATCH`, `PUT`…
    pub method: String,
    /// The path as sent, e.g. `/api/v10/channels/1234/messages`.
    pub path: String,
    /// The query string, without `?`, if any.
    pub query: Option<String>,
    /// The route template, e.g. `POST /channels/{channel_id}/messages`; `None` for a route the
    /// fake does not know.
    pub route: Option<&'static str>,
    /// The JSON body (`Null` when there was none, a string when it was not JSON).
    pub body: Value,
    /// The headers that matter, lowercase: `authorization` (the token replaced by `<ok>` or
    /// `<wrong>`), `content-type`, `user-agent`, `x-audit-log-reason`.
    pub headers: Vec<(String, String)>,
    /// The HTTP status answered (0 for a request held by [`DiscordFailure::Timeout`]).
    pub status: u16,
    /// The failure answered, when it was scripted with `fail_next` or `fail_randomly`.
    pub failure: Option<DiscordFailure>,
    /// When it arrived.
    pub at: Instant,
}

impl RecordedCall {
    /// A recorded header's value.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(key, _)| key.eq_ignore_ascii_case(name))
            .map(|(_, value)| value.as_str())
    }
}

/// A channel the bot can post to: a DM (with its recipient) or a guild text channel.
#[derive(Debug, Default)]
pub(crate) struct Channel {
    pub(crate) recipient: Option<String>,
    pub(crate) messages: Vec<Value>,
}

/// An interaction the fake sent, and what the bot did with it.
#[derive(Debug)]
pub(crate) struct Interaction {
    pub(crate) token: String,
    /// `type`: 1 PING, 2 APPLICATION_COMMAND, 3 MESSAGE_COMPONENT, 5 MODAL_SUBMIT…
    pub(crate) kind: u64,
    pub(crate) channel_id: Option<String>,
    /// The message a component (or a modal opened from one) is on.
    pub(crate) source_message: Option<String>,
    /// What messages made for it carry as `interaction_metadata`.
    pub(crate) metadata: Value,
    pub(crate) sent_at: Instant,
    pub(crate) callbacks: Vec<Value>,
    /// The original response's message id, once there is one.
    pub(crate) original: Option<String>,
    /// Follow-up messages, as `(channel_id, message_id)`.
    pub(crate) followups: Vec<(String, String)>,
}

/// A nonce seen in a channel, and the message it made.
#[derive(Debug)]
pub(crate) struct SeenNonce {
    pub(crate) at: Instant,
    pub(crate) message_id: String,
}

/// Everything behind the fake's REST lock.
#[derive(Debug)]
pub(crate) struct State {
    pub(crate) users: Vec<FakeDiscordUser>,
    pub(crate) closed_dms: HashSet<String>,
    pub(crate) channels: HashMap<String, Channel>,
    /// `(channel_id, nonce)` → the message it created.
    pub(crate) nonces: HashMap<(String, String), SeenNonce>,
    pub(crate) nonce_repeats: usize,
    pub(crate) interactions: HashMap<String, Interaction>,
    pub(crate) global_commands: Vec<Value>,
    pub(crate) guild_commands: HashMap<String, Vec<Value>>,
    pub(crate) calls: Vec<RecordedCall>,
    pub(crate) spec_violations: Vec<String>,
    pub(crate) failures: FailurePlan,
    pub(crate) limits: RateLimits,
    pub(crate) callback_window: Duration,
}

impl Default for State {
    fn default() -> Self {
        let mut channels = HashMap::new();
        channels.insert(FakeDiscord::GUILD_CHANNEL_ID.to_owned(), Channel::default());
        Self {
            users: Vec::new(),
            closed_dms: HashSet::new(),
            channels,
            nonces: HashMap::new(),
            nonce_repeats: 0,
            interactions: HashMap::new(),
            global_commands: Vec::new(),
            guild_commands: HashMap::new(),
            calls: Vec::new(),
            spec_violations: Vec::new(),
            failures: FailurePlan::default(),
            limits: RateLimits::default(),
            callback_window: CALLBACK_WINDOW,
        }
    }
}

impl State {
    pub(crate) fn user(&self, id: &str) -> Option<&FakeDiscordUser> {
        self.users.iter().find(|user| user.id == id)
    }

    /// The DM with `user_id`, created if needed; its id is [`dm_channel_id`].
    pub(crate) fn open_dm(&mut self, user_id: &str) -> String {
        let id = dm_channel_id(user_id);
        self.channels.entry(id.clone()).or_insert_with(|| Channel {
            recipient: Some(user_id.to_owned()),
            messages: Vec::new(),
        });
        id
    }

    /// Whether the bot can reach `channel_id`: a known channel, or the DM of a known user
    /// (which exists in Discord before the bot opens it: the person may have written first).
    pub(crate) fn resolve_channel(&mut self, channel_id: &str) -> Option<&mut Channel> {
        if !self.channels.contains_key(channel_id) {
            let user = dm_user_of(channel_id).filter(|user| self.user(user).is_some())?;
            self.open_dm(&user);
        }
        self.channels.get_mut(channel_id)
    }

    pub(crate) fn message(&self, channel_id: &str, message_id: &str) -> Option<&Value> {
        self.channels
            .get(channel_id)?
            .messages
            .iter()
            .find(|message| message["id"] == message_id)
    }

    pub(crate) fn message_mut(&mut self, channel_id: &str, message_id: &str) -> Option<&mut Value> {
        self.channels
            .get_mut(channel_id)?
            .messages
            .iter_mut()
            .find(|message| message["id"] == message_id)
    }

    pub(crate) fn interaction_by_token(&self, token: &str) -> Option<&Interaction> {
        self.interactions
            .values()
            .find(|interaction| interaction.token == token)
    }

    pub(crate) fn interaction_id_by_token(&self, token: &str) -> Option<String> {
        self.interactions
            .iter()
            .find(|(_, interaction)| interaction.token == token)
            .map(|(id, _)| id.clone())
    }
}

/// A JSON string's text, or empty.
pub(crate) fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_owned()
}
