//! Socket Mode: the websocket `apps.connections.open` points at.
//!
//! On connect the fake says `hello`. A test then sends envelopes (`events_api`,
//! `interactive`, `slash_commands`) to the newest connection and waits for the client's ack
//! `{"envelope_id": …, "payload": …}`; it can also ask the client to reconnect
//! (`disconnect`) or cut the connection. Every ack is recorded.
//!
//! Like Slack, the fake keeps each envelope until it is acked: when the connection it went
//! to closes, it is sent again (`retry_attempt` one higher, up to three retries) on the
//! newest open connection, or on the next one to open. Like Slack, it takes at most ten
//! connections at once ([`FakeSlack::limit_socket_connections`] changes that); one more is
//! told `too_many_websockets` and closed.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade, close_code};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse as _, Response};
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc, watch};

use super::{FakeSlack, Shared};
use crate::lock;
use crate::websocket::{self, Frame, Outgoing};

/// How long `send_envelope` waits for the ack. Slack itself retries after 3 seconds.
const ACK_TIMEOUT: Duration = Duration::from_secs(5);

/// Between a `disconnect` and closing the socket, time for the client to open another.
const DISCONNECT_GRACE: Duration = Duration::from_millis(100);

/// How many connections an app may have open at once, as Slack allows.
const SLACK_CONNECTION_LIMIT: usize = 10;

/// How often Slack sends an unacked envelope again.
const MAX_RETRIES: u64 = 3;

/// Why an envelope got no answer.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum SocketError {
    /// No client is connected.
    #[error("no Socket Mode connection is open")]
    NotConnected,
    /// The client did not ack in time.
    #[error("no ack for envelope {envelope_id} within {ACK_TIMEOUT:?}")]
    NoAck {
        /// The envelope that went unanswered.
        envelope_id: String,
    },
}

type Connections = Vec<(usize, mpsc::UnboundedSender<Outgoing>)>;

/// The open connections, newest last, the envelopes not acked yet, and the acks received.
pub(crate) struct Sockets {
    connections: Mutex<Connections>,
    counts: watch::Sender<Counts>,
    acks: Mutex<Vec<Value>>,
    ack_feed: broadcast::Sender<Value>,
    last_envelope_id: Mutex<Option<String>>,
    /// Envelopes sent and not acked, oldest first. Locked after `connections`, never before.
    unacked: Mutex<Vec<Unacked>>,
    /// When each connection arrived, accepted or refused.
    arrivals: Mutex<Vec<Instant>>,
    limit: Mutex<usize>,
}

#[derive(Debug, Clone, Copy, Default)]
struct Counts {
    /// Connections open now.
    open: usize,
    /// Connections accepted since the start; also the newest connection's id.
    accepted: usize,
    /// Connections refused with `too_many_websockets` since the start.
    refused: usize,
    /// The most connections open at once.
    peak: usize,
}

/// An envelope waiting for its ack.
struct Unacked {
    envelope_id: String,
    frame: Value,
    /// The connection it was last sent on; `None` once that one closed.
    connection: Option<usize>,
}

impl Sockets {
    pub(crate) fn new() -> Self {
        Self {
            connections: Mutex::new(Vec::new()),
            counts: watch::Sender::new(Counts::default()),
            acks: Mutex::new(Vec::new()),
            ack_feed: broadcast::Sender::new(64),
            last_envelope_id: Mutex::new(None),
            unacked: Mutex::new(Vec::new()),
            arrivals: Mutex::new(Vec::new()),
            limit: Mutex::new(SLACK_CONNECTION_LIMIT),
        }
    }

    /// Adds a connection unless as many as allowed are open; returns its id and how many
    /// are open with it.
    fn register(&self, sender: mpsc::UnboundedSender<Outgoing>) -> Option<(usize, usize)> {
        let mut connections = lock(&self.connections);
        lock(&self.arrivals).push(Instant::now());
        if connections.len() >= *lock(&self.limit) {
            self.counts.send_modify(|counts| counts.refused += 1);
            return None;
        }
        let id = self.counts.borrow().accepted + 1;
        connections.push((id, sender));
        let open = connections.len();
        self.counts.send_modify(|counts| {
            counts.open = open;
            counts.accepted = id;
            counts.peak = counts.peak.max(open);
        });
        Some((id, open))
    }

    /// Removes a connection; what it left unacked goes to the newest one left, if any.
    fn unregister(&self, id: usize) {
        let mut connections = lock(&self.connections);
        connections.retain(|(other, _)| *other != id);
        let open = connections.len();
        self.counts.send_modify(|counts| counts.open = open);
        let mut unacked = lock(&self.unacked);
        for envelope in unacked.iter_mut() {
            if envelope.connection == Some(id) {
                envelope.connection = None;
            }
        }
        if let Some((newest, _)) = connections.last() {
            resend_orphans(&connections, &mut unacked, *newest);
        }
    }

    /// Sends connection `id` what closed connections left unacked.
    fn resend_to(&self, id: usize) {
        let connections = lock(&self.connections);
        resend_orphans(&connections, &mut lock(&self.unacked), id);
    }

    /// Waits until `done` holds for the counts; `false` on timeout.
    async fn wait_for(&self, timeout: Duration, done: impl FnMut(&Counts) -> bool) -> bool {
        crate::wait_for(&self.counts, timeout, done).await
    }

    /// Sends `outgoing` to the newest connection, in order.
    fn send_to_newest(
        &self,
        outgoing: impl IntoIterator<Item = Outgoing>,
    ) -> Result<(), SocketError> {
        let connections = lock(&self.connections);
        let (_, sender) = connections.last().ok_or(SocketError::NotConnected)?;
        outgoing
            .into_iter()
            .try_for_each(|outgoing| sender.send(outgoing))
            .map_err(|_| SocketError::NotConnected)
    }

    /// Sends an envelope to the newest connection and keeps it until it is acked. It is
    /// recorded before it is sent, so its ack always finds it.
    fn send_envelope(&self, envelope_id: &str, frame: Value) -> Result<(), SocketError> {
        let connections = lock(&self.connections);
        let (id, sender) = connections.last().ok_or(SocketError::NotConnected)?;
        let text = frame.to_string();
        let mut unacked = lock(&self.unacked);
        unacked.retain(|envelope| envelope.envelope_id != envelope_id);
        unacked.push(Unacked {
            envelope_id: envelope_id.to_owned(),
            frame,
            connection: Some(*id),
        });
        if sender.send(Outgoing::Text(text)).is_err() {
            unacked.pop();
            return Err(SocketError::NotConnected);
        }
        Ok(())
    }

    fn received(&self, text: &str) {
        let Ok(frame) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if let Some(envelope_id) = frame.get("envelope_id").and_then(Value::as_str) {
            lock(&self.unacked).retain(|envelope| envelope.envelope_id != envelope_id);
            lock(&self.acks).push(frame.clone());
            // Nobody waiting is fine: the ack is recorded.
            let _ = self.ack_feed.send(frame);
        }
    }
}

/// Sends connection `to` every envelope whose connection closed before it was acked, as a
/// retry; one retried three times already is given up, as Slack does.
fn resend_orphans(connections: &Connections, unacked: &mut Vec<Unacked>, to: usize) {
    let Some((_, sender)) = connections.iter().find(|(id, _)| *id == to) else {
        return;
    };
    unacked.retain_mut(|envelope| {
        if envelope.connection.is_some() {
            return true;
        }
        let attempt = envelope.frame["retry_attempt"].as_u64().unwrap_or(0) + 1;
        if attempt > MAX_RETRIES {
            return false;
        }
        envelope.frame["retry_attempt"] = json!(attempt);
        envelope.frame["retry_reason"] = json!("timeout");
        if sender
            .send(Outgoing::Text(envelope.frame.to_string()))
            .is_ok()
        {
            envelope.connection = Some(to);
        }
        true
    });
}

impl FakeSlack {
    /// How many Socket Mode connections are open now.
    pub fn socket_connections(&self) -> usize {
        self.shared.sockets.counts.borrow().open
    }

    /// How many Socket Mode connections were accepted since the start (reconnects count).
    pub fn socket_connects(&self) -> usize {
        self.shared.sockets.counts.borrow().accepted
    }

    /// Waits until at least one connection is open; `false` on timeout.
    pub async fn wait_for_socket(&self, timeout: Duration) -> bool {
        self.shared
            .sockets
            .wait_for(timeout, |counts| counts.open > 0)
            .await
    }

    /// Waits until exactly `n` connections are open; `false` on timeout.
    pub async fn wait_for_socket_count(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .sockets
            .wait_for(timeout, |counts| counts.open == n)
            .await
    }

    /// Waits until `n` connections have been accepted since the start, e.g. `2` for a
    /// client's reconnect after [`FakeSlack::disconnect`]; `false` on timeout. Envelopes go
    /// to the newest connection, so after this they reach the new one.
    pub async fn wait_for_socket_connects(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .sockets
            .wait_for(timeout, |counts| counts.accepted >= n)
            .await
    }

    /// Sends an envelope of `kind` (`events_api`, `interactive`, `slash_commands`) with a
    /// fresh envelope id to the newest connection and waits for its ack. Returns the ack's
    /// `payload`, if it had one.
    pub async fn send_envelope(
        &self,
        kind: &str,
        payload: Value,
        accepts_response_payload: bool,
    ) -> Result<Option<Value>, SocketError> {
        let number = self.state().next_number();
        let envelope_id = format!(
            "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
            number.wrapping_mul(0x9E37_79B9),
            number & 0xffff,
            number & 0xfff,
            (number >> 12) & 0xfff,
            number
        );
        self.send_envelope_with_id(&envelope_id, kind, payload, accepts_response_payload, 0)
            .await
    }

    /// Sends an envelope with a given id: with `retry_attempt > 0` it is Slack redelivering
    /// an envelope it thinks went unacknowledged (`retry_reason: "timeout"`).
    pub async fn send_envelope_with_id(
        &self,
        envelope_id: &str,
        kind: &str,
        payload: Value,
        accepts_response_payload: bool,
        retry_attempt: u32,
    ) -> Result<Option<Value>, SocketError> {
        let frame = json!({
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": accepts_response_payload,
            "retry_attempt": retry_attempt,
            "retry_reason": if retry_attempt == 0 { "" } else { "timeout" },
        });
        let sockets = &self.shared.sockets;
        let mut acks = sockets.ack_feed.subscribe();
        sockets.send_envelope(envelope_id, frame)?;
        *lock(&sockets.last_envelope_id) = Some(envelope_id.to_owned());
        let wait = async {
            loop {
                match acks.recv().await {
                    Ok(ack) if ack["envelope_id"] == envelope_id => break Some(ack),
                    Ok(_) | Err(broadcast::error::RecvError::Lagged(_)) => {}
                    Err(broadcast::error::RecvError::Closed) => break None,
                }
            }
        };
        let no_ack = || SocketError::NoAck {
            envelope_id: envelope_id.to_owned(),
        };
        let ack = tokio::time::timeout(ACK_TIMEOUT, wait)
            .await
            .ok()
            .flatten()
            .ok_or_else(no_ack)?;
        Ok(ack
            .get("payload")
            .filter(|payload| !payload.is_null())
            .cloned())
    }

    /// The id of the last envelope sent, to resend it with [`FakeSlack::send_envelope_with_id`].
    pub fn last_envelope_id(&self) -> Option<String> {
        lock(&self.shared.sockets.last_envelope_id).clone()
    }

    /// Every ack received, in order.
    pub fn acks(&self) -> Vec<Value> {
        lock(&self.shared.sockets.acks).clone()
    }

    /// The ids of the envelopes sent and not acked yet, oldest first.
    pub fn unacked_envelopes(&self) -> Vec<String> {
        lock(&self.shared.sockets.unacked)
            .iter()
            .map(|envelope| envelope.envelope_id.clone())
            .collect()
    }

    /// How many connections were refused with `too_many_websockets` since the start.
    pub fn socket_refusals(&self) -> usize {
        self.shared.sockets.counts.borrow().refused
    }

    /// The most Socket Mode connections that were open at the same time.
    pub fn peak_socket_connections(&self) -> usize {
        self.shared.sockets.counts.borrow().peak
    }

    /// When each Socket Mode connection arrived, accepted or refused, oldest first: the
    /// gaps between them show a client's backoff.
    pub fn socket_arrivals(&self) -> Vec<Instant> {
        lock(&self.shared.sockets.arrivals).clone()
    }

    /// Waits until `n` connections have been refused since the start; `false` on timeout.
    pub async fn wait_for_socket_refusals(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .sockets
            .wait_for(timeout, |counts| counts.refused >= n)
            .await
    }

    /// Takes at most `n` connections at once (Slack's own limit, 10, is the default); the
    /// next one is sent `{"type":"disconnect","reason":"too_many_websockets"}` and closed.
    pub fn limit_socket_connections(&self, n: usize) {
        *lock(&self.shared.sockets.limit) = n;
    }

    /// Sends `{"type":"disconnect","reason":…}` to the newest connection (`refresh_requested`,
    /// `warning`, `link_disabled`, `too_many_websockets`) and, except for `warning`, closes
    /// it a moment later. After `warning` the connection stays open until the client closes
    /// it (Slack closes it about ten seconds later).
    pub fn disconnect(&self, reason: &str) -> Result<(), SocketError> {
        let frame = json!({
            "type": "disconnect",
            "reason": reason,
            "debug_info": {"host": "applink-fake-1"},
        });
        let mut outgoing = vec![Outgoing::Text(frame.to_string())];
        if reason != "warning" {
            outgoing.push(Outgoing::Close {
                code: close_code::NORMAL,
                reason: "",
                after: DISCONNECT_GRACE,
            });
        }
        self.shared.sockets.send_to_newest(outgoing)
    }

    /// Cuts the newest connection without a close frame, like a network failure.
    pub fn drop_socket(&self) -> Result<(), SocketError> {
        self.shared.sockets.send_to_newest([Outgoing::Abort])
    }
}

/// `GET /socket?ticket=…`: the ticket must come from `apps.connections.open`, once.
pub(crate) async fn upgrade(
    State(shared): State<std::sync::Arc<Shared>>,
    Query(query): Query<HashMap<String, String>>,
    upgrade: WebSocketUpgrade,
) -> Response {
    let ticket = query.get("ticket").map(String::as_str).unwrap_or_default();
    if !shared.with_state(|state| state.tickets.remove(ticket)) {
        return (StatusCode::UNAUTHORIZED, "invalid ticket").into_response();
    }
    upgrade.on_upgrade(move |socket| serve(shared, socket))
}

async fn serve(shared: std::sync::Arc<Shared>, mut socket: WebSocket) {
    let (sender, mut outgoing) = mpsc::unbounded_channel();
    let Some((id, connections)) = shared.sockets.register(sender) else {
        refuse(socket).await;
        return;
    };
    let hello = json!({
        "type": "hello",
        "num_connections": connections,
        "debug_info": {"host": "applink-fake-1", "build_number": 1, "approximate_connection_time": 18060},
        "connection_info": {"app_id": FakeSlack::APP_ID},
    });
    if socket
        .send(Message::Text(hello.to_string().into()))
        .await
        .is_ok()
    {
        shared.sockets.resend_to(id);
        let sockets = &shared.sockets;
        websocket::run(&mut socket, &mut outgoing, &shared.shutdown, |frame| {
            if let Frame::Text(text) = frame {
                sockets.received(text);
            }
        })
        .await;
    }
    shared.sockets.unregister(id);
}

/// One connection too many: Slack says so and closes it.
async fn refuse(mut socket: WebSocket) {
    let frame = json!({
        "type": "disconnect",
        "reason": "too_many_websockets",
        "debug_info": {"host": "applink-fake-1"},
    });
    let _ = socket.send(Message::Text(frame.to_string().into())).await;
    let frame = CloseFrame {
        code: close_code::NORMAL,
        reason: "".into(),
    };
    let _ = socket.send(Message::Close(Some(frame))).await;
}
