//! A fake Slack on 127.0.0.1 that speaks the real wire protocols, so the real client
//! (slack-morphism) can be tested against it.
//!
//! - `web`: the Web API at `/api/{method}` (JSON, form or query string; bearer tokens),
//!   answered by `methods` and `chat` from the fake workspace's `state`;
//! - `socket`: Socket Mode — `hello`, envelopes, acks, `disconnect`;
//! - `failures`: scripted and seeded random failures (429, 5xx, timeouts, `ok: false`);
//! - [`payloads`]: what Slack sends an app (slash commands, button clicks, modal
//!   submissions, events) and the request signature.
//!
//! ```no_run
//! # async fn example() {
//! use rhythm_testing::slack::{FakeSlack, FakeUser};
//!
//! let fake = FakeSlack::start().await;
//! fake.add_user(FakeUser::person("U1", "ana@example.com", "Ana Lima"));
//! // Point slack-morphism at `fake.api_url()` with `FakeSlack::BOT_TOKEN`, then:
//! assert!(fake.messages_to("U1").is_empty());
//! # }
//! ```

mod chat;
mod failures;
mod methods;
pub mod payloads;
mod socket;
mod state;
mod web;

use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

use serde_json::Value;
use tokio_util::sync::CancellationToken;

pub use failures::Failure;
pub use payloads::ValueKind;
pub use socket::SocketError;
pub use state::{CallOutcome, FakeMessage, FakeUser, RecordedCall, dm_channel_id};

/// A running fake Slack. Stops when dropped.
pub struct FakeSlack {
    shared: Arc<Shared>,
}

/// What the server's handlers and the test share.
pub(crate) struct Shared {
    state: Mutex<state::State>,
    sockets: socket::Sockets,
    shutdown: CancellationToken,
    addr: SocketAddr,
}

impl Shared {
    fn with_state<T>(&self, f: impl FnOnce(&mut state::State) -> T) -> T {
        f(&mut crate::lock(&self.state))
    }
}

impl FakeSlack {
    /// The bot token (`xoxb-…`) every Web API method but `apps.connections.open` accepts.
    pub const BOT_TOKEN: &'static str = "xoxb-1700000000-1700000000000-RhythmFakeBotToken";
    /// The app-level token (`xapp-…`) `apps.connections.open` accepts.
    pub const APP_TOKEN: &'static str = "xapp-1-A0RHYTHM01-1700000000000-rhythmfakeapptoken";
    /// A signing secret for signing HTTP payloads with [`payloads::signed_headers`].
    pub const SIGNING_SECRET: &'static str = "8f742231b10e8888abcd99rhythm0fake";
    /// The workspace.
    pub const TEAM_ID: &'static str = "T0RHYTHM01";
    /// The app.
    pub const APP_ID: &'static str = "A0RHYTHM01";
    /// The bot's user id, the author of every message the bot posts.
    pub const BOT_USER_ID: &'static str = "U0RHYTHMBOT";
    /// The bot's bot id.
    pub const BOT_ID: &'static str = "B0RHYTHMBOT";

    /// Binds 127.0.0.1 on a free port and serves until dropped. Panics if it cannot bind:
    /// a test without its fake cannot run.
    pub async fn start() -> Self {
        let shared = crate::serve::start(
            "Slack",
            |addr, shutdown| Shared {
                state: Mutex::new(state::State::default()),
                sockets: socket::Sockets::new(),
                shutdown,
                addr,
            },
            web::router,
        )
        .await;
        Self { shared }
    }

    /// The Web API base, `http://127.0.0.1:PORT/api`, without a trailing slash, like
    /// slack-morphism's default `https://slack.com/api`.
    pub fn api_url(&self) -> String {
        format!("http://{}/api", self.shared.addr)
    }

    /// Where the fake listens.
    pub fn addr(&self) -> SocketAddr {
        self.shared.addr
    }

    fn state(&self) -> MutexGuard<'_, state::State> {
        crate::lock(&self.shared.state)
    }

    /// Adds a member to the workspace (`users.list`, `users.info`, DMs).
    pub fn add_user(&self, user: FakeUser) {
        let mut state = self.state();
        state.users.retain(|other| other.id != user.id);
        state.users.push(user);
    }

    /// Adds a channel the bot is a member of, so it can post there.
    pub fn add_channel(&self, id: &str) {
        self.state().channels.entry(id.to_owned()).or_default();
    }

    /// A trigger id, as Slack puts in interactions (`views.open` takes any non-empty one).
    pub fn new_trigger_id(&self) -> String {
        let number = self.state().next_number();
        format!(
            "1700000000{number:03}.1700000000.{:032x}",
            u128::from(number) * 0x9E37_79B9
        )
    }

    /// The parameters of every call of `method`, in order, whatever their outcome.
    pub fn calls(&self, method: &str) -> Vec<Value> {
        let state = self.state();
        state
            .calls
            .iter()
            .filter(|c| c.method == method)
            .map(|c| c.params.clone())
            .collect()
    }

    /// Every call, in order, as `(method, params)`.
    pub fn all_calls(&self) -> Vec<(String, Value)> {
        let state = self.state();
        state
            .calls
            .iter()
            .map(|c| (c.method.clone(), c.params.clone()))
            .collect()
    }

    /// The calls of `method` with what each got.
    pub fn calls_with_outcome(&self, method: &str) -> Vec<RecordedCall> {
        let state = self.state();
        state
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// The messages now in conversation `channel`, oldest first.
    pub fn messages_in(&self, channel: &str) -> Vec<FakeMessage> {
        let state = self.state();
        state
            .channels
            .get(channel)
            .map(|c| c.messages.clone())
            .unwrap_or_default()
    }

    /// The messages now in the DM between the bot and `user_id` (after any updates).
    pub fn messages_to(&self, user_id: &str) -> Vec<FakeMessage> {
        self.messages_in(&dm_channel_id(user_id))
    }

    /// The ephemeral messages `user_id` was shown, anywhere.
    pub fn ephemerals_to(&self, user_id: &str) -> Vec<FakeMessage> {
        let state = self.state();
        state
            .ephemerals
            .iter()
            .filter(|(u, _)| u == user_id)
            .map(|(_, m)| m.clone())
            .collect()
    }

    /// Every view opened with `views.open`, as it now stands (after `views.update`).
    pub fn views_opened(&self) -> Vec<Value> {
        self.state().views.clone()
    }
}

impl Drop for FakeSlack {
    /// Stops the server, closes sockets and releases requests held by [`Failure::Timeout`].
    fn drop(&mut self) {
        self.shared.shutdown.cancel();
    }
}
