//! The gateway client running against the fake Discord, recording what its callback is
//! handed and what it reports on its status channel.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use rhythm_bot::discord::gateway::{
    self, DEFAULT_INTENTS, GatewayConfig, GatewayEvent, GatewayStopped, Reconnect,
};
use rhythm_testing::discord::{FakeDiscord, payloads};
use serde_json::{Value, json};
use tokio::sync::mpsc::{self, UnboundedReceiver};
use tokio::task::JoinHandle;
use tokio_util::sync::CancellationToken;

use crate::support::{did, eventually};

/// How long anything the tests wait for may take.
pub(super) const WAIT: Duration = Duration::from_secs(5);

/// Test pacing: 100 ms, doubling up to 2 s; no connection lives long enough to be healthy.
pub(super) const QUICK: Reconnect = Reconnect {
    first_wait: Duration::from_millis(100),
    max_wait: Duration::from_secs(2),
    healthy_after: Duration::from_secs(600),
};

/// The dispatches the callback was handed, in the order it was handed them.
#[derive(Clone, Default)]
pub(super) struct Seen(Arc<Mutex<Vec<(String, Value)>>>);

impl Seen {
    pub(super) fn push(&self, event: String, data: Value) {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .push((event, data));
    }

    /// The `d` of every `event` seen, in order.
    pub(super) fn of(&self, event: &str) -> Vec<Value> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(seen, _)| seen == event)
            .map(|(_, data)| data.clone())
            .collect()
    }

    /// The ids of the interactions seen, in order.
    pub(super) fn interaction_ids(&self) -> Vec<String> {
        self.of("INTERACTION_CREATE")
            .iter()
            .map(|data| data["id"].as_str().unwrap_or_default().to_owned())
            .collect()
    }
}

/// Rhythm's gateway client, running against the fake until stopped.
pub(super) struct Bot {
    pub(super) running: JoinHandle<Result<(), GatewayStopped>>,
    shutdown: CancellationToken,
    pub(super) seen: Seen,
    status: UnboundedReceiver<GatewayEvent>,
    /// Every status event received so far, in order.
    pub(super) heard: Vec<GatewayEvent>,
    /// The interactions [`Bot::interactions_so_far`] sent.
    markers: Vec<String>,
}

impl Bot {
    pub(super) fn start(discord: &FakeDiscord) -> Self {
        Self::start_with(discord, |_, _| async {})
    }

    /// Starts with `handler` behind the recording callback; the recording happens when the
    /// client calls the callback, so `seen` holds the order the client handed dispatches
    /// over in, whatever the handlers then do.
    pub(super) fn start_with<H, Fut>(discord: &FakeDiscord, handler: H) -> Self
    where
        H: Fn(String, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let config = GatewayConfig {
            api_url: discord.api_url(),
            token: FakeDiscord::BOT_TOKEN.to_owned(),
            intents: DEFAULT_INTENTS,
            reconnect: QUICK,
        };
        Self::start_config(config, handler)
    }

    pub(super) fn start_config<H, Fut>(config: GatewayConfig, handler: H) -> Self
    where
        H: Fn(String, Value) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = ()> + Send + 'static,
    {
        let seen = Seen::default();
        let recording = seen.clone();
        let on_dispatch = move |event: String, data: Value| {
            recording.push(event.clone(), data.clone());
            handler(event, data)
        };
        let (events, status) = mpsc::unbounded_channel();
        let shutdown = CancellationToken::new();
        let running = tokio::spawn(gateway::run(
            config,
            on_dispatch,
            Some(events),
            shutdown.clone(),
        ));
        Self {
            running,
            shutdown,
            seen,
            status,
            heard: Vec::new(),
            markers: Vec::new(),
        }
    }

    /// Waits until the status channel has said something matching `wanted` `n` times in all.
    pub(super) async fn heard(&mut self, n: usize, wanted: impl Fn(&GatewayEvent) -> bool) -> bool {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            if self.heard.iter().filter(|event| wanted(event)).count() >= n {
                return true;
            }
            match tokio::time::timeout_at(deadline, self.status.recv()).await {
                Ok(Some(event)) => self.heard.push(event),
                Ok(None) | Err(_) => return false,
            }
        }
    }

    /// Waits until the client has reported `n` READYs in all.
    pub(super) async fn readies(&mut self, n: usize) -> bool {
        self.heard(n, |event| matches!(event, GatewayEvent::Ready { .. }))
            .await
    }

    /// The session ids READY gave, in order.
    pub(super) fn sessions(&self) -> Vec<String> {
        self.heard
            .iter()
            .filter_map(|event| match event {
                GatewayEvent::Ready { session_id } => Some(session_id.clone()),
                _ => None,
            })
            .collect()
    }

    /// Dispatches a marker interaction and waits for it: every dispatch sent or replayed
    /// before it has then reached the callback too. The ids of the interactions seen, in
    /// order, markers left out.
    pub(super) async fn interactions_so_far(&mut self, discord: &FakeDiscord) -> Vec<String> {
        let marker = discord.dispatch_interaction(press(999));
        let seen = &self.seen;
        let arrived = eventually(WAIT, || seen.interaction_ids().contains(&marker)).await;
        assert!(arrived, "the marker arrives: {:?}", seen.interaction_ids());
        let ids = seen.interaction_ids();
        assert_eq!(ids.last(), Some(&marker), "nothing after the marker");
        self.markers.push(marker);
        ids.into_iter()
            .filter(|id| !self.markers.contains(id))
            .collect()
    }

    /// Waits for the client to stop without being asked; what it returned.
    pub(super) async fn stopped_by_itself(self) -> Result<(), GatewayStopped> {
        let stopped = tokio::time::timeout(WAIT, self.running)
            .await
            .expect("the gateway client stops by itself")
            .expect("the gateway client did not panic");
        assert!(!self.shutdown.is_cancelled());
        stopped
    }

    pub(super) async fn stop(self) {
        self.shutdown.cancel();
        let stopped = tokio::time::timeout(WAIT, self.running)
            .await
            .expect("the gateway client stops when asked")
            .expect("the gateway client did not panic");
        assert_eq!(stopped, Ok(()));
    }
}

/// A button press from someone, as Discord dispatches it.
pub(super) fn press(n: usize) -> Value {
    payloads::button(&did(0), &format!("checkin:start:{n}"), &json!({}))
}

/// What the client sent on the gateway with opcode `op`.
pub(super) fn sent(discord: &FakeDiscord, op: u64) -> Vec<Value> {
    discord
        .gateway_received()
        .into_iter()
        .filter(|payload| payload["op"] == op)
        .collect()
}
