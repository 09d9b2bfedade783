//! A fake Discord on 127.0.0.1 that speaks the real wire protocols, so Rhythm's Discord
//! adapter (serenity's `Request`/`Route` over plain HTTP with `HttpBuilder::proxy`, and its own
//! gateway client) can be tested end to end.
//!
//! - `rest`: the HTTP API under `/api/v10` (`Authorization: Bot …`, JSON, rate-limit headers on
//!   every answer), routed by `routes` and answered by `messages` (DM channels, messages and
//!   their limits), `interactions` (callbacks and follow-ups) and `commands` (the bot, the
//!   application, the gateway URL, application commands), with Discord's JSON `errors`;
//! - [`spec`]: every request body checked against Discord's own OpenAPI spec
//!   (`testing/fixtures/discord/discord-openapi.json`); violations are recorded, not refused;
//! - `failures` and `ratelimit`: scripted and seeded random failures (429 with `retry_after`,
//!   5xx, timeouts, any JSON error code), and calls made before a `retry_after` had passed;
//! - `gateway`: the websocket at `/gateway` (HELLO, IDENTIFY, READY, heartbeats, dispatches,
//!   RESUME with replay, RECONNECT, INVALID_SESSION, close codes);
//! - `interactions_http`: interactions signed with the application's Ed25519 key and POSTed
//!   to the bot's HTTP endpoint;
//! - [`payloads`]: what Discord sends a bot (slash commands, button presses, modal
//!   submissions, PING) and the request signature.
//!
//! ```no_run
//! # async fn example() {
//! use rhythm_testing::discord::{FakeDiscord, FakeDiscordUser};
//!
//! let fake = FakeDiscord::start().await;
//! fake.add_user(FakeDiscordUser::new("80351110224678912", "ana", "Ana Lima"));
//! // Point serenity at `fake.api_url()` with `FakeDiscord::BOT_TOKEN`, the gateway client at
//! // `fake.gateway_url()`, then:
//! assert!(fake.messages_to("80351110224678912").is_empty());
//! # }
//! ```

mod commands;
mod errors;
mod failures;
mod gateway;
mod http_client;
mod interactions;
mod interactions_http;
mod messages;
pub mod payloads;
mod ratelimit;
mod rest;
mod routes;
mod snowflake;
pub mod spec;
mod state;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use failures::{DiscordFailure, RANDOM_RETRY_AFTER};
pub use gateway::GatewayError;
pub use payloads::FieldValue;
pub use snowflake::dm_channel_id;
pub use state::{FakeDiscordUser, RecordedCall};

/// A running fake Discord. Stops when dropped.
pub struct FakeDiscord {
    shared: Arc<Shared>,
}

/// What the server's handlers and the test share.
pub(crate) struct Shared {
    state: Mutex<state::State>,
    gateway: gateway::Gateway,
    shutdown: CancellationToken,
    addr: SocketAddr,
}

impl Shared {
    fn with_state<T>(&self, f: impl FnOnce(&mut state::State) -> T) -> T {
        f(&mut crate::lock(&self.state))
    }

    fn gateway_url(&self) -> String {
        format!("ws://{}/gateway", self.addr)
    }
}

impl FakeDiscord {
    /// The bot token: REST wants `Authorization: Bot {BOT_TOKEN}`, IDENTIFY and RESUME the
    /// token itself. Shaped like a real one: the bot's id in base64, a timestamp, an HMAC.
    pub const BOT_TOKEN: &'static str =
        "MTE3MDAwMDAwMDAwMDAwMDAwMQ.GRhyth.RhythmFakeDiscordBotToken_0123456789abcd";
    /// The application (snowflake). Like every application made since 2020, its bot user
    /// has the same id.
    pub const APPLICATION_ID: &'static str = "1170000000000000001";
    /// The bot's user id, the author of every message the bot sends.
    pub const BOT_USER_ID: &'static str = "1170000000000000001";
    /// The bot's username.
    pub const BOT_USERNAME: &'static str = "Rhythm";
    /// The one guild the bot is in.
    pub const GUILD_ID: &'static str = "1170000000000000100";
    /// A text channel of [`FakeDiscord::GUILD_ID`] the bot can post in (`#general`).
    pub const GUILD_CHANNEL_ID: &'static str = "1170000000000000200";
    /// The application's Ed25519 public key, hex: what the bot is configured with as
    /// `DISCORD_PUBLIC_KEY`. RFC 8032 §7.1 TEST 1, as in
    /// `testing/fixtures/discord/ed25519_signature_kat.json`.
    pub const PUBLIC_KEY_HEX: &'static str =
        "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
    /// The private key (the 32-byte seed) the fake signs interactions with, hex.
    pub const PRIVATE_KEY_HEX: &'static str =
        "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";

    /// Binds 127.0.0.1 on a free port and serves until dropped. Panics if it cannot bind:
    /// a test without its fake cannot run.
    pub async fn start() -> Self {
        let shared = crate::serve::start(
            "Discord",
            |addr, shutdown| Shared {
                state: Mutex::new(state::State::default()),
                gateway: gateway::Gateway::new(format!("ws://{addr}/gateway")),
                shutdown,
                addr,
            },
            rest::router,
        )
        .await;
        Self { shared }
    }

    /// The base that replaces `https://discord.com`: `http://127.0.0.1:PORT`, no trailing
    /// slash. The REST API is under `{api_url}/api/v10`.
    pub fn api_url(&self) -> String {
        format!("http://{}", self.shared.addr)
    }

    /// The gateway, `ws://127.0.0.1:PORT/gateway`, as `GET /gateway` and READY's
    /// `resume_gateway_url` give it; clients append `?v=10&encoding=json`.
    pub fn gateway_url(&self) -> String {
        self.shared.gateway_url()
    }

    /// Where the fake listens.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    fn state(&self) -> MutexGuard<'_, state::State> {
        crate::lock(&self.shared.state)
    }

    /// Adds a person the bot can open a DM with (replacing one with the same id).
    pub fn add_user(&self, user: FakeDiscordUser) {
        let mut state = self.state();
        state.users.retain(|other| other.id != user.id);
        state.users.push(user);
    }

    /// `user_id` no longer takes DMs from the bot (privacy settings, or blocked it): the DM
    /// still opens, but sending to it fails with 403 code 50007.
    pub fn close_dms(&self, user_id: &str) {
        self.state().closed_dms.insert(user_id.to_owned());
    }

    /// Adds a guild text channel the bot can post in ([`FakeDiscord::GUILD_CHANNEL_ID`] is
    /// there from the start).
    pub fn add_channel(&self, channel_id: &str) {
        self.state()
            .channels
            .entry(channel_id.to_owned())
            .or_default();
    }

    /// How long after an interaction is sent its first callback is accepted (Discord: 3 s).
    pub fn set_callback_window(&self, window: Duration) {
        self.state().callback_window = window;
    }

    /// Every call to `route` (a template such as `"POST /channels/{channel_id}/messages"`),
    /// in order, whatever its outcome. Panics if the fake has no such route, so that a typo
    /// cannot make a test pass on an empty list.
    pub fn calls(&self, route: &str) -> Vec<RecordedCall> {
        routes::expect_known(route);
        let state = self.state();
        state
            .calls
            .iter()
            .filter(|call| call.route == Some(route))
            .cloned()
            .collect()
    }

    /// Every call, in order.
    pub fn all_calls(&self) -> Vec<RecordedCall> {
        self.state().calls.clone()
    }

    /// The calls to routes the fake does not know (answered 404 or 405 with code 0).
    pub fn unknown_calls(&self) -> Vec<RecordedCall> {
        let state = self.state();
        state
            .calls
            .iter()
            .filter(|call| call.route.is_none())
            .cloned()
            .collect()
    }

    /// The messages now in `channel_id` (after any edits), oldest first, as Discord's
    /// message objects.
    pub fn messages_in(&self, channel_id: &str) -> Vec<Value> {
        let state = self.state();
        state
            .channels
            .get(channel_id)
            .map(|channel| channel.messages.clone())
            .unwrap_or_default()
    }

    /// The messages now in the DM between the bot and `user_id` ([`dm_channel_id`]).
    pub fn messages_to(&self, user_id: &str) -> Vec<Value> {
        self.messages_in(&dm_channel_id(user_id))
    }

    /// How many sends with `enforce_nonce` repeated a nonce and got the earlier message back
    /// instead of a new one.
    pub fn nonce_repeats(&self) -> usize {
        self.state().nonce_repeats
    }

    /// The callback the fake accepted for an interaction (at most one: a second is refused
    /// with code 40060 and only shows in [`FakeDiscord::calls`]); an HTTP interaction's
    /// answer counts as its callback.
    pub fn callbacks(&self, interaction_id: &str) -> Vec<Value> {
        let state = self.state();
        state
            .interactions
            .get(interaction_id)
            .map(|interaction| interaction.callbacks.clone())
            .unwrap_or_default()
    }

    /// The follow-up messages sent with an interaction `token`, as they now stand.
    pub fn followups(&self, token: &str) -> Vec<Value> {
        let state = self.state();
        let Some(interaction) = state.interaction_by_token(token) else {
            return Vec::new();
        };
        interaction
            .followups
            .iter()
            .filter_map(|(channel_id, id)| state.message(channel_id, id).cloned())
            .collect()
    }

    /// The global application commands, as last overwritten (with the ids Discord gave).
    pub fn global_commands(&self) -> Vec<Value> {
        self.state().global_commands.clone()
    }

    /// The application commands of `guild_id`, as last overwritten.
    pub fn guild_commands(&self, guild_id: &str) -> Vec<Value> {
        let state = self.state();
        state
            .guild_commands
            .get(guild_id)
            .cloned()
            .unwrap_or_default()
    }

    /// Where request bodies broke Discord's OpenAPI spec, each as
    /// `"{route}: {json path}: {what}"`. Recorded, not refused (unless Discord refuses too).
    pub fn spec_violations(&self) -> Vec<String> {
        self.state().spec_violations.clone()
    }

    /// How many calls were made to a rate-limit bucket before the `retry_after` of a 429 on
    /// it (or a global one) had passed.
    pub fn retry_after_violations(&self) -> usize {
        self.state().limits.violations()
    }
}

impl Drop for FakeDiscord {
    /// Stops the server, closes gateway connections and releases requests held by
    /// [`DiscordFailure::Timeout`].
    fn drop(&mut self) {
        self.shared.shutdown.cancel();
    }
}
