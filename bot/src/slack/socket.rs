//! The Socket Mode transport: Rhythm opens a websocket to Slack (no public URL needed) and
//! receives the same payloads the HTTP routes do, inside envelopes.
//!
//! - Each envelope is handled in a task of its own, so a slow one holds up no other, and is
//!   acked only once its work is committed; one that fails (a database outage) is left
//!   unacked, so Slack sends it again. Slack also resends an envelope whose ack it never got
//!   (the socket closed meanwhile): the resend is answered with the first answer, once that
//!   is ready, and the work is not done twice.
//! - `warning` and `refresh_requested`: a new connection is opened at once while the old one
//!   keeps serving; once Slack greets the new one, the old one finishes the envelopes it
//!   holds, acks them and closes.
//! - A socket that drops, a connection that cannot be opened, and `too_many_websockets`
//!   (the app already has all the connections Slack allows) are retried after a wait that
//!   doubles each time, up to a minute. It starts again from a second once a connection has
//!   stayed up for a while, so one that is refused or dropped at once is never retried in
//!   a tight loop.
//! - `link_disabled`: Socket Mode was turned off for the app. Rhythm stops reconnecting and
//!   logs what to do.

mod answers;

use crate::reconnect::Backoff;
pub use crate::reconnect::Reconnect;
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use rhythm_domain::ports::ChatStore;
use serde_json::{Value, json};
use tokio::net::TcpStream;
use tokio::sync::mpsc;
use tokio::task::JoinSet;
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream};
use tokio_util::sync::CancellationToken;
use tracing::instrument::WithSubscriber as _;

use super::client::SlackApi;
use super::handler::{Ack, SlackHandler};
use super::inbound::{self, Inbound};
use answers::{Answers, Claim};

/// How long a replaced connection may take to finish the envelopes it holds before it
/// closes anyway (Slack then sends them again on the new one).
const DRAIN_LIMIT: Duration = Duration::from_secs(5);

/// On shutdown, how long to wait for envelopes still being handled.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(10);

/// What Rhythm tells an operator when Slack turns Socket Mode off for the app.
const LINK_DISABLED: &str = "Slack turned Socket Mode off for this app (disconnect reason \
     link_disabled): no commands, button presses or events will reach Rhythm, and it has \
     stopped reconnecting. Turn Socket Mode back on at https://api.slack.com/apps (your app → \
     Settings → Socket Mode), then restart Rhythm; or set [slack] mode = \"http\" and give \
     Slack a public Request URL.";

type Socket = WebSocketStream<MaybeTlsStream<TcpStream>>;

/// Receives Slack's envelopes until `shutdown`, reconnecting as Slack asks, with the
/// default pacing.
pub async fn run<S>(
    api: SlackApi,
    app_token: String,
    handler: SlackHandler<S>,
    shutdown: CancellationToken,
) where
    S: ChatStore + 'static,
{
    run_with(api, app_token, handler, Reconnect::default(), shutdown).await;
}

/// Receives Slack's envelopes until `shutdown` (or until Slack turns Socket Mode off),
/// reconnecting as `reconnect` says. On the way out it waits up to ten seconds for the
/// envelopes being handled.
pub async fn run_with<S>(
    api: SlackApi,
    app_token: String,
    handler: SlackHandler<S>,
    reconnect: Reconnect,
    shutdown: CancellationToken,
) where
    S: ChatStore + 'static,
{
    let (events, heard) = mpsc::unbounded_channel();
    let (busy, mut idle) = mpsc::channel::<()>(1);
    let shared = Arc::new(Shared {
        handler,
        answers: Answers::default(),
        events,
        _busy: busy,
    });
    let stop = shutdown.child_token();
    let mut connections = Connections {
        tasks: JoinSet::new(),
        retire: HashMap::new(),
        heard,
        newest: 0,
    };
    let mut backoff = Backoff::new(reconnect);
    let mut wait = Duration::ZERO;
    while connections.wait(wait, &stop).await == Next::Connect {
        let opened = tokio::select! {
            () = stop.cancelled() => break,
            opened = open(&api, &app_token) => opened,
        };
        wait = match opened {
            Ok(socket) => {
                metrics::counter!("rhythm_slack_socket_connects_total").increment(1);
                let id = connections.spawn(socket, &shared, &stop);
                match connections.serve(id, &stop, &mut backoff).await {
                    Some(wait) => wait,
                    None => break,
                }
            }
            Err(reason) => {
                let wait = backoff.failed();
                tracing::warn!(error = %reason, retry_in_ms = millis(wait), "could not connect to Slack's Socket Mode");
                wait
            }
        };
    }
    stop.cancel();
    while connections.tasks.join_next().await.is_some() {}
    drop(shared);
    if tokio::time::timeout(SHUTDOWN_GRACE, idle.recv())
        .await
        .is_err()
    {
        tracing::warn!("stopping with Slack envelopes still being handled; Slack will resend them");
    }
}

/// The connections' tasks: the newest one serving, older ones finishing.
struct Connections {
    tasks: JoinSet<(u64, Ended)>,
    /// Tells a replaced connection to finish and close, by connection id.
    retire: HashMap<u64, CancellationToken>,
    heard: mpsc::UnboundedReceiver<Event>,
    newest: u64,
}

/// Whether to connect again.
#[derive(Debug, PartialEq, Eq)]
enum Next {
    Connect,
    Stop,
}

impl Connections {
    /// Waits `wait` before the next attempt, unless Rhythm stops or a replaced connection
    /// still serving hears that Socket Mode is off.
    async fn wait(&mut self, wait: Duration, stop: &CancellationToken) -> Next {
        let deadline = Instant::now() + wait;
        loop {
            tokio::select! {
                () = stop.cancelled() => return Next::Stop,
                () = tokio::time::sleep_until(deadline) => return Next::Connect,
                Some(joined) = self.tasks.join_next() => {
                    if let Ok((id, ended)) = joined
                        && self.ended(id, ended) == Next::Stop
                    {
                        return Next::Stop;
                    }
                }
            }
        }
    }

    /// Starts serving `socket`; its connection id.
    fn spawn<S>(&mut self, socket: Socket, shared: &Arc<Shared<S>>, stop: &CancellationToken) -> u64
    where
        S: ChatStore + 'static,
    {
        self.newest += 1;
        let id = self.newest;
        let retire = CancellationToken::new();
        self.retire.insert(id, retire.clone());
        let served = serve(id, socket, Arc::clone(shared), retire, stop.clone());
        self.tasks.spawn(served.with_current_subscriber());
        id
    }

    /// Follows connection `current` until it must be replaced: the wait before the next
    /// attempt, or `None` to stop. Once Slack greets it, the older ones are retired.
    async fn serve(
        &mut self,
        current: u64,
        stop: &CancellationToken,
        backoff: &mut Backoff,
    ) -> Option<Duration> {
        let mut greeted: Option<Instant> = None;
        loop {
            tokio::select! {
                () = stop.cancelled() => return None,
                Some(event) = self.heard.recv() => match event {
                    Event::Hello(id) if id == current => {
                        greeted = Some(Instant::now());
                        for (_, old) in self.retire.iter().filter(|(other, _)| **other != current) {
                            old.cancel();
                        }
                    }
                    Event::Refresh(id) if id == current => {
                        backoff.ended_after(greeted);
                        return Some(Duration::ZERO);
                    }
                    // From a connection already being replaced.
                    Event::Hello(_) | Event::Refresh(_) => {}
                },
                Some(joined) = self.tasks.join_next() => {
                    let (id, ended) = joined.unwrap_or_else(|error| {
                        tracing::error!(error = %error, "a Socket Mode connection failed");
                        (current, Ended::Dropped)
                    });
                    if self.ended(id, ended) == Next::Stop {
                        return None;
                    }
                    if id != current {
                        continue;
                    }
                    if ended != Ended::TooMany {
                        backoff.ended_after(greeted);
                    }
                    let wait = backoff.failed();
                    if ended == Ended::TooMany {
                        tracing::warn!(
                            slack.reason = "too_many_websockets",
                            retry_in_ms = millis(wait),
                            "Slack refused the connection: the app already has as many Socket \
                             Mode connections as Slack allows (is another Rhythm running with \
                             the same app token?)"
                        );
                    } else {
                        tracing::warn!(retry_in_ms = millis(wait), "the Socket Mode connection dropped");
                    }
                    return Some(wait);
                }
            }
        }
    }

    /// Forgets connection `id`, which ended; `Stop` if Slack turned Socket Mode off.
    fn ended(&mut self, id: u64, ended: Ended) -> Next {
        self.retire.remove(&id);
        if ended == Ended::LinkDisabled {
            tracing::error!(slack.reason = "link_disabled", "{LINK_DISABLED}");
            return Next::Stop;
        }
        Next::Connect
    }
}

fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

/// A fresh URL from `apps.connections.open`, connected.
async fn open(api: &SlackApi, app_token: &str) -> Result<Socket, String> {
    let url = api
        .socket_url(app_token)
        .await
        .map_err(|error| format!("apps.connections.open failed: {error}"))?;
    let (socket, _) = tokio_tungstenite::connect_async(url.as_str())
        .await
        .map_err(|error| format!("could not open Slack's websocket: {error}"))?;
    Ok(socket)
}

/// What every connection and every envelope's task shares.
struct Shared<S> {
    handler: SlackHandler<S>,
    answers: Answers,
    events: mpsc::UnboundedSender<Event>,
    /// Dropped with the last task holding this: then `run` may return.
    _busy: mpsc::Sender<()>,
}

/// What a connection tells `run`.
#[derive(Debug)]
enum Event {
    /// Slack greeted connection `id`.
    Hello(u64),
    /// Slack asked connection `id` to make way for a new one.
    Refresh(u64),
}

/// How a connection ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Ended {
    /// Closed or cut without a word from Slack.
    Dropped,
    /// Replaced by a newer connection, and closed by Rhythm.
    Replaced,
    /// `too_many_websockets`.
    TooMany,
    /// `link_disabled`.
    LinkDisabled,
    /// Rhythm is stopping.
    Stopped,
}

/// Serves connection `id` until Slack ends it, a newer connection replaces it (`retire`,
/// then whatever it holds is answered), or Rhythm stops.
async fn serve<S>(
    id: u64,
    socket: Socket,
    shared: Arc<Shared<S>>,
    retire: CancellationToken,
    stop: CancellationToken,
) -> (u64, Ended)
where
    S: ChatStore + 'static,
{
    let (mut sink, mut frames) = socket.split();
    let (answered, mut answers) = mpsc::unbounded_channel::<Option<String>>();
    let mut holding = 0_usize;
    let mut drain_by: Option<Instant> = None;
    let ended = loop {
        if drain_by.is_some() && holding == 0 {
            break Ended::Replaced;
        }
        let drained = async {
            match drain_by {
                Some(deadline) => tokio::time::sleep_until(deadline).await,
                None => std::future::pending().await,
            }
        };
        tokio::select! {
            () = stop.cancelled() => break Ended::Stopped,
            () = retire.cancelled(), if drain_by.is_none() => {
                drain_by = Some(Instant::now() + DRAIN_LIMIT);
            }
            () = drained => {
                tracing::warn!(envelopes = holding, "closing a replaced Socket Mode connection before its envelopes were answered; Slack will resend them");
                break Ended::Replaced;
            }
            Some(answer) = answers.recv() => {
                holding -= 1;
                if let Some(ack) = answer
                    && sink.send(Frame::text(ack)).await.is_err()
                {
                    break Ended::Dropped;
                }
            }
            frame = frames.next() => {
                let text = match frame {
                    Some(Ok(Frame::Text(text))) => text,
                    Some(Ok(Frame::Ping(data))) => {
                        if sink.send(Frame::Pong(data)).await.is_err() {
                            break Ended::Dropped;
                        }
                        continue;
                    }
                    Some(Ok(Frame::Close(_)) | Err(_)) | None => break Ended::Dropped,
                    Some(Ok(_)) => continue,
                };
                let Ok(envelope) = serde_json::from_str::<Value>(text.as_str()) else {
                    tracing::warn!("an unreadable Socket Mode frame");
                    continue;
                };
                match envelope["type"].as_str() {
                    Some("hello") => {
                        tracing::info!(slack.connection = id, "connected to Slack over Socket Mode");
                        let _ = shared.events.send(Event::Hello(id));
                    }
                    Some("disconnect") => {
                        let reason = envelope["reason"].as_str().unwrap_or_default();
                        metrics::counter!("rhythm_slack_socket_disconnects_total", "reason" => reason.to_owned()).increment(1);
                        match reason {
                            "link_disabled" => break Ended::LinkDisabled,
                            "too_many_websockets" => break Ended::TooMany,
                            // `warning`, `refresh_requested`, and any reason Slack adds later.
                            _ => {
                                tracing::info!(slack.reason = reason, "Slack asked for a new connection");
                                let _ = shared.events.send(Event::Refresh(id));
                            }
                        }
                    }
                    _ if envelope["envelope_id"].is_string() => {
                        holding += 1;
                        let shared = Arc::clone(&shared);
                        let answered = answered.clone();
                        let task = async move {
                            // The connection may be gone: Slack resends, and gets this answer.
                            let _ = answered.send(shared.answer(&envelope).await);
                        };
                        tokio::spawn(task.with_current_subscriber());
                    }
                    other => tracing::warn!(slack.type = other, "a Socket Mode frame without an envelope id"),
                }
            }
        }
    };
    if matches!(ended, Ended::Replaced | Ended::Stopped) {
        // Best effort: the other side may already be gone.
        let _ = sink.send(Frame::Close(None)).await;
    }
    (id, ended)
}

impl<S: ChatStore> Shared<S> {
    /// The ack for `envelope` (`None`: leave it for Slack to send again), handled once
    /// however often Slack sends it.
    async fn answer(&self, envelope: &Value) -> Option<String> {
        let id = envelope["envelope_id"].as_str()?;
        match self.answers.claim(id) {
            Claim::Again(mut first) => {
                tracing::info!(
                    slack.envelope_id = id,
                    "Slack sent an envelope again; it gets the first answer"
                );
                let answer = first.wait_for(Option::is_some).await.ok()?;
                answer.clone().flatten()
            }
            Claim::First(settle) => {
                let ack = envelope_ack(id, envelope, &self.handler)
                    .await
                    .map(|ack| ack.to_string());
                self.answers.settle(id, &settle, ack.clone());
                ack
            }
        }
    }
}

/// Handles one envelope; the ack to send, or `None` to leave it for Slack to send again.
async fn envelope_ack<S>(id: &str, envelope: &Value, handler: &SlackHandler<S>) -> Option<Value>
where
    S: ChatStore,
{
    let payload = &envelope["payload"];
    let inbound: Result<Inbound, _> = match envelope["type"].as_str() {
        Some("events_api") => inbound::event(payload),
        Some("interactive") => inbound::interaction(payload),
        Some("slash_commands") => inbound::command_json(payload),
        other => Ok(Inbound::Ignored(format!("envelope {other:?}"))),
    };
    let ack = match inbound {
        Ok(inbound) => match handler.handle(inbound).await {
            Ok(ack) => ack,
            Err(error) => {
                tracing::error!(error = %error, "could not handle a Slack envelope; Slack will resend it");
                return None;
            }
        },
        Err(bad) => {
            // It will never read better: ack it so Slack stops sending it, and say so.
            tracing::warn!(reason = %bad, "a malformed Slack envelope");
            Ack::Empty
        }
    };
    Some(match ack {
        Ack::Json(body) => json!({ "envelope_id": id, "payload": body }),
        Ack::Empty | Ack::Challenge(_) => json!({ "envelope_id": id }),
    })
}
