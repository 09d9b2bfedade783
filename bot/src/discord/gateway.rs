//! Rhythm's own Discord gateway client (v10, JSON text frames, no compression).
//!
//! Rhythm does not use serenity's gateway client: it parses every dispatch into its own
//! models, and drops one it cannot parse (a modal submitted with a component newer than
//! serenity). This client hands every dispatch to a callback as raw JSON — its event name
//! `t` and its `d` — in a task of its own; the callback picks what it handles
//! (`INTERACTION_CREATE` today, `MESSAGE_REACTION_ADD` later) and ignores the rest.
//!
//! - It fetches the gateway URL (`GET /api/v10/gateway/bot`), waits for HELLO, identifies
//!   with the configured intents, and keeps the session id, resume URL and the last sequence
//!   number READY and each dispatch give it.
//! - It heartbeats at the interval HELLO gives (the first after a random part of it) and
//!   answers Discord's own heartbeat requests at once. A heartbeat still unacknowledged when
//!   the next is due means a zombie connection: it is closed with 4000 and resumed.
//! - RECONNECT, a resumable INVALID_SESSION, and a zombie: close with 4000 (which keeps the
//!   session) and resume at once on the resume URL; Discord replays what was missed. An
//!   INVALID_SESSION that cannot be resumed: wait one to five seconds, identify anew. Close
//!   codes 4007 and 4009: identify anew.
//! - A dropped socket, any other close code, or a connection that cannot be opened: resume
//!   (or identify, with no session) after a wait paced by [`Reconnect`], as Slack's Socket
//!   Mode client is: doubling while it keeps failing, from the start again once a connection
//!   stayed healthy.
//! - A 401 from Discord, and close codes 4004 and 4010–4014, stop the client for good:
//!   [`run`] returns a [`GatewayStopped`] that says what the operator must do.
//! - On shutdown it closes with 1000 and waits up to five seconds for callbacks still
//!   running.
//!
//! Metrics: `rhythm_discord_gateway_connects_total{kind="identify|resume"}`,
//! `rhythm_discord_gateway_disconnects_total{cause}`,
//! `rhythm_discord_gateway_dispatches_total{event}`, `rhythm_discord_gateway_connected`
//! (0 or 1) and `rhythm_discord_gateway_heartbeat_latency_seconds`.

mod connection;
mod ending;
mod pacing;

use std::fmt;
use std::time::Duration;

use serde_json::Value;
use tokio::net::TcpStream;
use tokio::sync::mpsc::UnboundedSender;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

pub use crate::reconnect::Reconnect;
pub use ending::GatewayStopped;

use connection::Served;
use ending::{Cause, Ended, Next, lost};
use pacing::millis;

use crate::reconnect::Backoff;

/// Intent: guilds, their channels and roles (`GUILD_CREATE` and friends).
pub const GUILDS: u64 = 1 << 0;
/// Intent: reactions added to and removed from messages in servers.
pub const GUILD_MESSAGE_REACTIONS: u64 = 1 << 10;
/// Intent: reactions added to and removed from messages in direct messages.
pub const DIRECT_MESSAGE_REACTIONS: u64 = 1 << 13;
/// The intents Rhythm asks for: none of them privileged. Interactions need no intent.
pub const DEFAULT_INTENTS: u64 = GUILDS | GUILD_MESSAGE_REACTIONS | DIRECT_MESSAGE_REACTIONS;

/// On shutdown, how long to wait for callbacks still running.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(5);

/// How long `GET /gateway/bot`, and opening the websocket, may take.
const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// Discord asks REST clients to name themselves so.
const USER_AGENT: &str = concat!(
    "DiscordBot (https://github.com/rhythm-hr/rhythm, ",
    env!("CARGO_PKG_VERSION"),
    ")"
);

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Where and how the gateway client connects.
#[derive(Clone)]
pub struct GatewayConfig {
    /// Discord's REST base, without `/api/v10` (`https://discord.com`; the fake's in tests).
    pub api_url: String,
    /// The bot token, without the `Bot ` prefix.
    pub token: String,
    /// The gateway intents bitmask; [`DEFAULT_INTENTS`] unless a feature needs more.
    pub intents: u64,
    /// How connections are paced when they fail or drop.
    pub reconnect: Reconnect,
}

impl GatewayConfig {
    /// Discord at `api_url` with `token`, the default intents and the default pacing.
    pub fn new(api_url: impl Into<String>, token: impl Into<String>) -> Self {
        Self {
            api_url: api_url.into(),
            token: token.into(),
            intents: DEFAULT_INTENTS,
            reconnect: Reconnect::default(),
        }
    }
}

impl fmt::Debug for GatewayConfig {
    /// Everything but the token.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("GatewayConfig")
            .field("api_url", &self.api_url)
            .field("token", &"[redacted]")
            .field("intents", &self.intents)
            .field("reconnect", &self.reconnect)
            .finish()
    }
}

/// What the client reports on the optional status channel, for readiness and tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GatewayEvent {
    /// Identified: Discord sent READY for a new session.
    Ready {
        /// The new session's id.
        session_id: String,
    },
    /// The session was resumed on a new connection (Discord sent RESUMED).
    Resumed,
    /// A connection ended, or one could not be opened; `reason` says why.
    Disconnected {
        /// A sentence for people, not for matching.
        reason: String,
    },
}

/// Connects to Discord's gateway and hands every dispatch to `on_dispatch` — its event name
/// (`t`, e.g. `INTERACTION_CREATE`) and its raw `d` — each in a task of its own, until
/// `shutdown` (then `Ok`) or a failure no reconnect can mend (then the `Err` says what the
/// operator must do; it has been logged already). Callbacks see every dispatch, READY and
/// RESUMED included, and ignore what they do not handle. Dispatches reach the callback in
/// the order Discord sent them, but run concurrently.
pub async fn run<F, Fut>(
    config: GatewayConfig,
    on_dispatch: F,
    status: Option<UnboundedSender<GatewayEvent>>,
    shutdown: CancellationToken,
) -> Result<(), GatewayStopped>
where
    F: Fn(String, Value) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = ()> + Send + 'static,
{
    let http = reqwest::Client::builder()
        .user_agent(USER_AGENT)
        .timeout(CONNECT_TIMEOUT)
        .build()
        .map_err(|error| GatewayStopped::Setup(error.to_string()))?;
    let shared = Shared {
        token: config.token.clone(),
        intents: config.intents,
        on_dispatch,
        callbacks: TaskTracker::new(),
        status,
    };
    let mut state = State::default();
    let mut backoff = Backoff::new(config.reconnect);
    let mut wait = Duration::ZERO;
    let stopped = loop {
        tokio::select! {
            () = shutdown.cancelled() => break Ok(()),
            () = tokio::time::sleep(wait) => {}
        }
        let opened = tokio::select! {
            () = shutdown.cancelled() => break Ok(()),
            opened = open(&http, &config, &state) => opened,
        };
        let served = match opened {
            Ok(socket) => connection::serve(socket, &shared, &mut state, &shutdown).await,
            Err(ended) => Served {
                ended,
                ready_at: None,
            },
        };
        metrics::gauge!("rhythm_discord_gateway_connected").set(0.0);
        let Ended::Lost { cause, detail } = served.ended else {
            break Ok(());
        };
        metrics::counter!("rhythm_discord_gateway_disconnects_total", "cause" => cause.label())
            .increment(1);
        shared.tell(GatewayEvent::Disconnected {
            reason: detail.clone(),
        });
        backoff.ended_after(served.ready_at);
        match cause.next(config.intents) {
            Next::Stop(stopped) => {
                tracing::error!(reason = %detail, "{stopped}");
                break Err(stopped);
            }
            Next::Reconnect { at_once } => {
                wait = if at_once {
                    backoff.asked()
                } else {
                    backoff.failed()
                };
                let resume = state.session.is_some();
                if at_once {
                    tracing::info!(reason = %detail, resume, retry_in_ms = millis(wait), "reconnecting to Discord's gateway");
                } else {
                    tracing::warn!(reason = %detail, resume, retry_in_ms = millis(wait), "lost Discord's gateway; reconnecting");
                }
            }
            Next::IdentifyAnew { after } => {
                state = State::default();
                wait = backoff.asked().max(after);
                tracing::info!(reason = %detail, retry_in_ms = millis(wait), "the gateway session is over; identifying anew");
            }
        }
    };
    shared.callbacks.close();
    if tokio::time::timeout(SHUTDOWN_GRACE, shared.callbacks.wait())
        .await
        .is_err()
    {
        tracing::warn!(
            running = shared.callbacks.len(),
            "stopping with Discord dispatches still being handled"
        );
    }
    stopped
}

/// What every connection shares.
struct Shared<F> {
    token: String,
    intents: u64,
    on_dispatch: F,
    /// The callbacks still running.
    callbacks: TaskTracker,
    status: Option<UnboundedSender<GatewayEvent>>,
}

impl<F> Shared<F> {
    fn tell(&self, event: GatewayEvent) {
        if let Some(status) = &self.status {
            // Nobody listening any more is fine.
            let _ = status.send(event);
        }
    }
}

/// What outlives a connection: the session to resume and the last sequence number seen.
#[derive(Debug, Default)]
struct State {
    session: Option<Session>,
    seq: Option<u64>,
}

/// A session READY gave.
#[derive(Debug)]
struct Session {
    id: String,
    /// Where to resume it (`resume_gateway_url`).
    resume_url: String,
}

/// A connection to the gateway: the resume URL if there is a session, else a fresh URL
/// from `GET /gateway/bot`.
async fn open(
    http: &reqwest::Client,
    config: &GatewayConfig,
    state: &State,
) -> Result<Socket, Ended> {
    let base = match &state.session {
        Some(session) => session.resume_url.clone(),
        None => gateway_url(http, config).await?,
    };
    let url = versioned(&base).map_err(|error| {
        lost(
            Cause::ConnectFailed,
            format!("Discord gave an unusable gateway URL {base:?}: {error}"),
        )
    })?;
    let connecting = tokio_tungstenite::connect_async(url.as_str());
    match tokio::time::timeout(CONNECT_TIMEOUT, connecting).await {
        Ok(Ok((socket, _))) => Ok(socket),
        Ok(Err(error)) => Err(lost(
            Cause::ConnectFailed,
            format!("could not open Discord's gateway at {base}: {error}"),
        )),
        Err(_) => Err(lost(
            Cause::ConnectFailed,
            format!(
                "Discord's gateway at {base} did not answer within {} s",
                CONNECT_TIMEOUT.as_secs()
            ),
        )),
    }
}

/// The gateway URL from `GET /api/v10/gateway/bot`.
async fn gateway_url(http: &reqwest::Client, config: &GatewayConfig) -> Result<String, Ended> {
    let endpoint = format!(
        "{}/api/v10/gateway/bot",
        config.api_url.trim_end_matches('/')
    );
    let failed = |error: reqwest::Error| {
        lost(
            Cause::ConnectFailed,
            format!("GET /gateway/bot failed: {error}"),
        )
    };
    let response = http
        .get(&endpoint)
        .header(
            reqwest::header::AUTHORIZATION,
            format!("Bot {}", config.token),
        )
        .send()
        .await
        .map_err(failed)?;
    let status = response.status();
    if status == reqwest::StatusCode::UNAUTHORIZED {
        return Err(lost(
            Cause::Unauthorized,
            "GET /gateway/bot answered 401 Unauthorized",
        ));
    }
    if !status.is_success() {
        return Err(lost(
            Cause::ConnectFailed,
            format!("GET /gateway/bot answered {status}"),
        ));
    }
    let body: Value = response.json().await.map_err(failed)?;
    body["url"].as_str().map(str::to_owned).ok_or_else(|| {
        lost(
            Cause::ConnectFailed,
            "GET /gateway/bot answered without a url",
        )
    })
}

/// `base` asking for gateway v10 in JSON.
fn versioned(base: &str) -> Result<url::Url, url::ParseError> {
    let mut url = url::Url::parse(base)?;
    url.query_pairs_mut()
        .clear()
        .append_pair("v", "10")
        .append_pair("encoding", "json");
    Ok(url)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gateway_url_asks_for_v10_in_json() {
        let url = versioned("wss://gateway.discord.gg").unwrap();
        assert_eq!(url.as_str(), "wss://gateway.discord.gg/?v=10&encoding=json");
        let url = versioned("ws://127.0.0.1:9/gateway?v=9").unwrap();
        assert_eq!(url.as_str(), "ws://127.0.0.1:9/gateway?v=10&encoding=json");
    }

    #[test]
    fn the_default_intents_are_guilds_and_reactions_only() {
        assert_eq!(DEFAULT_INTENTS, 9217);
    }

    #[test]
    fn the_config_never_shows_the_token() {
        let config = GatewayConfig::new("https://discord.com", "secret-token");
        assert!(!format!("{config:?}").contains("secret-token"));
    }
}
