//! What a test does to the gateway and what it observes of it.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::super::{FakeDiscord, interactions};
use super::{Outgoing, close, frame};

/// Why a gateway control could not act.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum GatewayError {
    /// No gateway connection is open.
    #[error("no gateway connection is open")]
    NotConnected,
}

impl FakeDiscord {
    /// The `heartbeat_interval` HELLO gives connections from now on (default 41 250 ms).
    pub fn set_heartbeat_interval(&self, interval: Duration) {
        self.shared
            .gateway
            .with(|inner| inner.heartbeat_interval = interval);
    }

    /// With `true`, heartbeats get no HEARTBEAT_ACK (a zombied connection, which the client
    /// should close and resume); `false` acks again.
    pub fn stop_acking_heartbeats(&self, stop: bool) {
        self.shared.gateway.with(|inner| inner.acking = !stop);
    }

    /// Dispatches `event` (op 0, `t: event`, `d: data`) to the current session and returns
    /// its sequence number. It is kept for replay: when no connection is open it waits for
    /// the session's RESUME, as with Discord (a new IDENTIFY starts a session without it).
    /// Before any session exists it waits for the first READY, and `0` is returned.
    pub fn dispatch(&self, event: &str, data: Value) -> u64 {
        self.shared
            .gateway
            .with(|inner| inner.dispatch(event, data))
    }

    /// Registers the interaction (so its callbacks are accepted) and dispatches it as
    /// `INTERACTION_CREATE`. Returns its id.
    pub fn dispatch_interaction(&self, payload: Value) -> String {
        let id = interactions::register(&mut self.state(), &payload, Instant::now());
        self.dispatch("INTERACTION_CREATE", payload);
        id
    }

    /// Asks the newest connection to reconnect (op 7); the client should close it and resume.
    pub fn send_reconnect(&self) -> Result<(), GatewayError> {
        self.send(Outgoing::Text(frame(7, &Value::Null)))
    }

    /// Sends INVALID_SESSION (op 9, `d: resumable`) to the newest connection. When not
    /// resumable, the session is forgotten: a RESUME of it gets INVALID_SESSION again.
    pub fn send_invalid_session(&self, resumable: bool) -> Result<(), GatewayError> {
        let sent = self.shared.gateway.with(|inner| {
            if !resumable && let Some(session) = inner.newest_session() {
                inner.forget(&session);
            }
            inner.send_to_newest(Outgoing::Text(frame(9, &json!(resumable))))
        });
        sent.then_some(()).ok_or(GatewayError::NotConnected)
    }

    /// Asks the client for a heartbeat now (a server-sent op 1).
    pub fn request_heartbeat(&self) -> Result<(), GatewayError> {
        self.send(Outgoing::Text(frame(1, &Value::Null)))
    }

    /// Closes the newest connection with `code` (4000 unknown error, 4009 session timed
    /// out…) and Discord's reason for it. After 4004, 4007, 4009 and 4010–4014 the session
    /// cannot be resumed.
    pub fn close_gateway(&self, code: u16) -> Result<(), GatewayError> {
        self.send(close(code))
    }

    /// Cuts the newest connection without a close frame, like a network failure.
    pub fn drop_gateway(&self) -> Result<(), GatewayError> {
        self.send(Outgoing::Abort)
    }

    fn send(&self, outgoing: Outgoing) -> Result<(), GatewayError> {
        let sent = self
            .shared
            .gateway
            .with(|inner| inner.send_to_newest(outgoing));
        sent.then_some(()).ok_or(GatewayError::NotConnected)
    }

    /// How many IDENTIFYs the bot sent.
    pub fn identifies(&self) -> usize {
        self.shared.gateway.counts().identifies
    }

    /// How many RESUMEs the bot sent.
    pub fn resumes(&self) -> usize {
        self.shared.gateway.counts().resumes
    }

    /// How many heartbeats (op 1) the bot sent.
    pub fn heartbeats(&self) -> usize {
        self.shared.gateway.counts().heartbeats
    }

    /// How many gateway connections are open now.
    pub fn gateway_connections(&self) -> usize {
        self.shared.gateway.counts().open
    }

    /// How many gateway connections were accepted since the start (reconnects count).
    pub fn gateway_connects(&self) -> usize {
        self.shared.gateway.counts().accepted
    }

    /// Every payload the bot sent on the gateway, in order.
    pub fn gateway_received(&self) -> Vec<Value> {
        self.shared.gateway.lock().received.clone()
    }

    /// The close codes the bot's close frames carried, in order (`None`: no code). Closing
    /// with 1000 or 1001 ends the session.
    pub fn gateway_client_closes(&self) -> Vec<Option<u16>> {
        self.shared.gateway.lock().client_closes.clone()
    }

    /// Each connection's path and query, e.g. `/gateway?v=10&encoding=json`.
    pub fn gateway_urls(&self) -> Vec<String> {
        self.shared.gateway.lock().urls.clone()
    }

    /// The current session's id, once the bot has identified.
    pub fn session_id(&self) -> Option<String> {
        self.shared.gateway.lock().current.clone()
    }

    /// Waits until a session is READY or RESUMED on an open connection; `false` on timeout.
    pub async fn wait_for_ready(&self, timeout: Duration) -> bool {
        self.shared
            .gateway
            .wait_for(timeout, |counts| counts.ready)
            .await
    }

    /// Waits until the bot has sent `n` IDENTIFYs; `false` on timeout.
    pub async fn wait_for_identifies(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .gateway
            .wait_for(timeout, |counts| counts.identifies >= n)
            .await
    }

    /// Waits until the bot has sent `n` RESUMEs; `false` on timeout.
    pub async fn wait_for_resumes(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .gateway
            .wait_for(timeout, |counts| counts.resumes >= n)
            .await
    }

    /// Waits until the bot has sent `n` heartbeats; `false` on timeout.
    pub async fn wait_for_heartbeats(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .gateway
            .wait_for(timeout, |counts| counts.heartbeats >= n)
            .await
    }

    /// Waits until exactly `n` gateway connections are open; `false` on timeout.
    pub async fn wait_for_gateway_connections(&self, n: usize, timeout: Duration) -> bool {
        self.shared
            .gateway
            .wait_for(timeout, |counts| counts.open == n)
            .await
    }
}
