//! The gateway protocol under one lock: open connections, sessions with their numbered
//! dispatches, and everything the bot sent.

use std::collections::HashMap;
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{mpsc, watch};

use super::super::FakeDiscord;
use super::super::commands::APPLICATION_FLAGS;
use super::super::snowflake::{fnv1a, next_snowflake};
use super::super::state::bot_user_json;
use super::{DEFAULT_HEARTBEAT_INTERVAL_MS, Outgoing, close, ends_session, frame};

/// The gateway's state and the counts tests wait on.
pub(crate) struct Gateway {
    inner: Mutex<Inner>,
    counts: watch::Sender<Counts>,
}

/// What tests wait for, published after every change.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Counts {
    pub(crate) identifies: usize,
    pub(crate) resumes: usize,
    pub(crate) heartbeats: usize,
    pub(crate) open: usize,
    pub(crate) accepted: usize,
    /// A session is READY or RESUMED on an open connection.
    pub(crate) ready: bool,
}

pub(crate) struct Inner {
    pub(crate) connections: Vec<Connection>,
    pub(crate) sessions: HashMap<String, Session>,
    /// The newest session: where dispatches go.
    pub(crate) current: Option<String>,
    /// Dispatches made before any session existed, delivered after the next READY.
    pending: Vec<(String, Value)>,
    pub(crate) received: Vec<Value>,
    /// The close codes the client sent (`None`: a close frame without a code).
    pub(crate) client_closes: Vec<Option<u16>>,
    /// Each connection's path and query, e.g. `/gateway?v=10&encoding=json`.
    pub(crate) urls: Vec<String>,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) acking: bool,
    /// `ws://127.0.0.1:PORT/gateway`, READY's `resume_gateway_url`.
    gateway_url: String,
    counts: Counts,
}

pub(crate) struct Connection {
    pub(crate) id: usize,
    pub(crate) sender: mpsc::UnboundedSender<Outgoing>,
    /// The session identified or resumed on this connection.
    pub(crate) session: Option<String>,
}

pub(crate) struct Session {
    seq: u64,
    /// Every dispatch, for replay on RESUME.
    history: Vec<Value>,
    /// The connection it lives on, while one is open.
    connection: Option<usize>,
}

impl Gateway {
    pub(crate) fn new(gateway_url: String) -> Self {
        Self {
            inner: Mutex::new(Inner {
                connections: Vec::new(),
                sessions: HashMap::new(),
                current: None,
                pending: Vec::new(),
                received: Vec::new(),
                client_closes: Vec::new(),
                urls: Vec::new(),
                heartbeat_interval: Duration::from_millis(DEFAULT_HEARTBEAT_INTERVAL_MS),
                acking: true,
                gateway_url,
                counts: Counts::default(),
            }),
            counts: watch::Sender::new(Counts::default()),
        }
    }

    /// Runs `f` under the lock, then publishes the counts.
    pub(crate) fn with<T>(&self, f: impl FnOnce(&mut Inner) -> T) -> T {
        let mut inner = self.lock();
        let result = f(&mut inner);
        let mut counts = inner.counts;
        counts.open = inner.connections.len();
        counts.ready = inner.sessions.values().any(|s| s.connection.is_some());
        self.counts.send_if_modified(|published| {
            let changed = *published != counts;
            *published = counts;
            changed
        });
        result
    }

    pub(crate) fn lock(&self) -> MutexGuard<'_, Inner> {
        crate::lock(&self.inner)
    }

    pub(crate) fn counts(&self) -> Counts {
        *self.counts.borrow()
    }

    /// Waits until `done` holds for the counts; `false` on timeout.
    pub(crate) async fn wait_for(
        &self,
        timeout: Duration,
        done: impl FnMut(&Counts) -> bool,
    ) -> bool {
        crate::wait_for(&self.counts, timeout, done).await
    }
}

fn trace() -> Value {
    json!(["[\"gateway-prd-fake-1\",{\"micros\":0}]"])
}

impl Inner {
    /// A new connection: it is sent HELLO, or closed with 4012 if it wants another version.
    pub(crate) fn connect(
        &mut self,
        sender: mpsc::UnboundedSender<Outgoing>,
        url: String,
    ) -> usize {
        self.counts.accepted += 1;
        let id = self.counts.accepted;
        let version = url
            .split_once('?')
            .and_then(|(_, query)| query.split('&').find_map(|pair| pair.strip_prefix("v=")));
        let hello = json!({
            "heartbeat_interval": u64::try_from(self.heartbeat_interval.as_millis()).unwrap_or(u64::MAX),
            "_trace": trace(),
        });
        let _ = sender.send(Outgoing::Text(frame(10, &hello)));
        if version.is_some_and(|v| v != "10") {
            let _ = sender.send(close(4012));
        }
        self.urls.push(url);
        self.connections.push(Connection {
            id,
            sender,
            session: None,
        });
        id
    }

    /// A connection closed; `client_close` is the client's close frame, if it sent one.
    /// A client that closes with 1000 or 1001 ends its session, as Discord does.
    pub(crate) fn disconnect(&mut self, id: usize, client_close: Option<Option<u16>>) {
        self.connections.retain(|c| c.id != id);
        let ends = matches!(client_close, Some(Some(1000 | 1001)));
        if let Some(code) = client_close {
            self.client_closes.push(code);
        }
        let attached: Vec<String> = self
            .sessions
            .iter()
            .filter(|(_, session)| session.connection == Some(id))
            .map(|(session_id, _)| session_id.clone())
            .collect();
        for session_id in attached {
            if ends {
                self.forget(&session_id);
            } else if let Some(session) = self.sessions.get_mut(&session_id) {
                session.connection = None;
            }
        }
    }

    pub(crate) fn newest(&self) -> Option<&Connection> {
        self.connections.last()
    }

    fn sender(&self, id: usize) -> Option<&mpsc::UnboundedSender<Outgoing>> {
        self.connections
            .iter()
            .find(|c| c.id == id)
            .map(|c| &c.sender)
    }

    fn send(&self, id: usize, outgoing: Outgoing) {
        if let Some(sender) = self.sender(id) {
            // A connection closing meanwhile loses the frame; it stays in the history.
            let _ = sender.send(outgoing);
        }
    }

    /// Forgets a session: it can no longer be resumed, nothing more is dispatched to it.
    pub(crate) fn forget(&mut self, session_id: &str) {
        self.sessions.remove(session_id);
        if self.current.as_deref() == Some(session_id) {
            self.current = None;
        }
        for connection in &mut self.connections {
            if connection.session.as_deref() == Some(session_id) {
                connection.session = None;
            }
        }
    }

    /// Dispatches `event` to the current session, numbered and kept for replay; sent now
    /// if the session's connection is open. Without any session, it waits for the next
    /// READY and `0` is returned.
    pub(crate) fn dispatch(&mut self, event: &str, data: Value) -> u64 {
        let Some(session_id) = self.current.clone() else {
            self.pending.push((event.to_owned(), data));
            return 0;
        };
        self.dispatch_to(&session_id, event, data)
    }

    fn dispatch_to(&mut self, session_id: &str, event: &str, data: Value) -> u64 {
        let Some(session) = self.sessions.get_mut(session_id) else {
            return 0;
        };
        session.seq += 1;
        let seq = session.seq;
        let mut frame = json!({"t": event, "s": seq, "op": 0});
        frame["d"] = data;
        let text = frame.to_string();
        session.history.push(frame);
        if let Some(connection) = session.connection {
            self.send(connection, Outgoing::Text(text));
        }
        seq
    }

    /// One text frame from connection `id`.
    pub(crate) fn receive(&mut self, id: usize, text: &str) {
        let Ok(payload) = serde_json::from_str::<Value>(text) else {
            self.send(id, close(4002));
            return;
        };
        self.received.push(payload.clone());
        let identified = self
            .connections
            .iter()
            .any(|c| c.id == id && c.session.is_some());
        match payload["op"].as_u64() {
            Some(1) => {
                self.counts.heartbeats += 1;
                if self.acking {
                    self.send(id, Outgoing::Text(frame(11, &Value::Null)));
                }
            }
            Some(2) => self.identify(id, &payload["d"], identified),
            Some(6) => self.resume(id, &payload["d"]),
            Some(3 | 4 | 8 | 31) if identified => {}
            Some(3 | 4 | 8 | 31) => self.send(id, close(4003)),
            _ => self.send(id, close(4001)),
        }
    }

    fn identify(&mut self, id: usize, d: &Value, identified: bool) {
        self.counts.identifies += 1;
        if identified {
            self.send(id, close(4005));
            return;
        }
        if !token_ok(&d["token"]) {
            self.send(id, close(4004));
            return;
        }
        let snowflake = next_snowflake();
        let session_id = format!(
            "{:016x}{:016x}",
            fnv1a(&snowflake),
            fnv1a(&format!("{snowflake}:session"))
        );
        self.sessions.insert(
            session_id.clone(),
            Session {
                seq: 0,
                history: Vec::new(),
                connection: Some(id),
            },
        );
        self.attach(id, &session_id);
        let ready = ready(&session_id, &self.gateway_url);
        self.dispatch_to(&session_id, "READY", ready);
        for (event, data) in std::mem::take(&mut self.pending) {
            self.dispatch_to(&session_id, &event, data);
        }
    }

    fn resume(&mut self, id: usize, d: &Value) {
        self.counts.resumes += 1;
        if !token_ok(&d["token"]) {
            self.send(id, close(4004));
            return;
        }
        let session_id = d["session_id"].as_str().unwrap_or_default().to_owned();
        let from = d["seq"].as_u64().unwrap_or(0);
        let Some(session) = self.sessions.get_mut(&session_id) else {
            self.send(id, Outgoing::Text(frame(9, &json!(false))));
            return;
        };
        if from > session.seq {
            self.forget(&session_id);
            self.send(id, close(4007));
            return;
        }
        session.connection = Some(id);
        let missed: Vec<String> = session
            .history
            .iter()
            .filter(|frame| frame["s"].as_u64().is_some_and(|s| s > from))
            .map(Value::to_string)
            .collect();
        self.attach(id, &session_id);
        for text in missed {
            self.send(id, Outgoing::Text(text));
        }
        self.dispatch_to(&session_id, "RESUMED", json!({"_trace": trace()}));
    }

    /// Makes `session_id` live on connection `id` and the current session.
    fn attach(&mut self, id: usize, session_id: &str) {
        for connection in &mut self.connections {
            if connection.session.as_deref() == Some(session_id) {
                connection.session = None;
            }
            if connection.id == id {
                connection.session = Some(session_id.to_owned());
            }
        }
        if let Some(session) = self.sessions.get_mut(session_id) {
            session.connection = Some(id);
        }
        self.current = Some(session_id.to_owned());
    }

    /// The session attached to the newest connection, else the current one.
    pub(crate) fn newest_session(&self) -> Option<String> {
        self.newest()
            .and_then(|c| c.session.clone())
            .or_else(|| self.current.clone())
    }

    /// Sends to the newest connection; `false` if none is open.
    pub(crate) fn send_to_newest(&mut self, outgoing: Outgoing) -> bool {
        let Some(connection) = self.newest() else {
            return false;
        };
        if let Outgoing::Close { code, .. } = outgoing
            && ends_session(code)
            && let Some(session) = connection.session.clone()
        {
            self.forget(&session);
        }
        self.newest()
            .is_some_and(|connection| connection.sender.send(outgoing).is_ok())
    }
}

/// IDENTIFY and RESUME carry the bare token; the `Bot ` prefix is taken too.
fn token_ok(token: &Value) -> bool {
    let token = token.as_str().unwrap_or_default();
    token.strip_prefix("Bot ").unwrap_or(token) == FakeDiscord::BOT_TOKEN
}

/// READY's `d` for a bot in no guilds yet (they arrive as GUILD_CREATE).
fn ready(session_id: &str, gateway_url: &str) -> Value {
    json!({
        "v": 10,
        "user_settings": {},
        "user": bot_user_json(),
        "session_type": "normal",
        "session_id": session_id,
        "resume_gateway_url": gateway_url,
        "relationships": [],
        "private_channels": [],
        "presences": [],
        "guilds": [],
        "guild_join_requests": [],
        "geo_ordered_rtc_regions": ["fake-1"],
        "auth": {},
        "application": {"id": FakeDiscord::APPLICATION_ID, "flags": APPLICATION_FLAGS},
        "shard": [0, 1],
        "_trace": trace(),
    })
}
