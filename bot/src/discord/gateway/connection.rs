//! One gateway connection: wait for HELLO, IDENTIFY or RESUME, heartbeat, and read what
//! Discord sends until the connection ends. Dispatches are handed to the callback in tasks
//! of their own, so a slow handler holds up neither the reading nor the heartbeats.

use std::time::Duration;

use futures_util::stream::{SplitSink, SplitStream};
use futures_util::{SinkExt as _, StreamExt as _};
use serde_json::{Value, json};
use tokio::time::Instant;
use tokio_tungstenite::tungstenite::protocol::CloseFrame;
use tokio_tungstenite::tungstenite::{Error as WsError, Message as Frame};
use tokio_util::sync::CancellationToken;
use tracing::instrument::WithSubscriber as _;

use super::ending::{Cause, Ended, lost};
use super::pacing::{millis, unit_random};
use super::{GatewayEvent, Session, Shared, Socket, State};

/// How long Discord may take to say HELLO once the socket is open.
const HELLO_WAIT: Duration = Duration::from_secs(10);

/// How long Rhythm takes to close: to send its close frame and read Discord's answer,
/// before it drops the socket.
const CLOSE_WAIT: Duration = Duration::from_secs(1);

/// How long a frame may take to be written before the connection counts as dropped.
const SEND_WAIT: Duration = Duration::from_secs(10);

/// Rhythm closes with this to reconnect: unlike 1000 and 1001, it keeps the session
/// resumable.
const CLOSE_TO_RESUME: u16 = 4000;

/// Rhythm closes with this when it stops: the session ends.
const CLOSE_NORMAL: u16 = 1000;

/// The gateway opcodes Rhythm sends or reads.
mod op {
    pub(super) const DISPATCH: u64 = 0;
    pub(super) const HEARTBEAT: u64 = 1;
    pub(super) const IDENTIFY: u64 = 2;
    pub(super) const RESUME: u64 = 6;
    pub(super) const RECONNECT: u64 = 7;
    pub(super) const INVALID_SESSION: u64 = 9;
    pub(super) const HELLO: u64 = 10;
    pub(super) const HEARTBEAT_ACK: u64 = 11;
}

/// How a connection went.
pub(super) struct Served {
    pub(super) ended: Ended,
    /// When READY or RESUMED arrived, if it did.
    pub(super) ready_at: Option<Instant>,
}

/// Serves `socket` until it ends or `shutdown`. `state` carries the session and the last
/// sequence number from one connection to the next.
pub(super) async fn serve<F, Fut>(
    socket: Socket,
    shared: &Shared<F>,
    state: &mut State,
    shutdown: &CancellationToken,
) -> Served
where
    F: Fn(String, Value) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let (sink, frames) = socket.split();
    let mut connection = Connection {
        sink,
        frames,
        shared,
        state,
        heart: None,
        ready_at: None,
    };
    let ended = connection.run(shutdown).await;
    Served {
        ended,
        ready_at: connection.ready_at,
    }
}

struct Connection<'a, F> {
    sink: SplitSink<Socket, Frame>,
    frames: SplitStream<Socket>,
    shared: &'a Shared<F>,
    state: &'a mut State,
    /// Set by HELLO.
    heart: Option<Heart>,
    ready_at: Option<Instant>,
}

/// The heartbeat Discord asked for in HELLO.
struct Heart {
    interval: Duration,
    due: Instant,
    /// The last heartbeat sent was acknowledged (or none was sent yet).
    acked: bool,
    sent_at: Option<Instant>,
}

impl<F, Fut> Connection<'_, F>
where
    F: Fn(String, Value) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    async fn run(&mut self, shutdown: &CancellationToken) -> Ended {
        let hello_by = Instant::now() + HELLO_WAIT;
        loop {
            let due = self.heart.as_ref().map_or(hello_by, |heart| heart.due);
            let step = tokio::select! {
                () = shutdown.cancelled() => {
                    self.close(CLOSE_NORMAL, "Rhythm is stopping").await;
                    return Ended::Stopped;
                }
                () = tokio::time::sleep_until(due) => self.beat().await,
                frame = self.frames.next() => self.frame(frame).await,
            };
            if let Err(ended) = step {
                return ended;
            }
        }
    }

    /// A heartbeat is due (or HELLO is late): send it, unless the last one went unanswered.
    async fn beat(&mut self) -> Result<(), Ended> {
        let Some(heart) = self.heart.as_mut() else {
            return Err(lost(
                Cause::Protocol,
                format!("Discord sent no HELLO within {} s", HELLO_WAIT.as_secs()),
            ));
        };
        if !heart.acked {
            let detail = format!(
                "Discord acknowledged no heartbeat within {} ms: the connection is a zombie",
                millis(heart.interval)
            );
            self.close(CLOSE_TO_RESUME, "heartbeat not acknowledged")
                .await;
            return Err(lost(Cause::Zombie, detail));
        }
        let now = Instant::now();
        heart.acked = false;
        heart.sent_at = Some(now);
        heart.due = now + heart.interval;
        self.heartbeat().await
    }

    async fn frame(&mut self, frame: Option<Result<Frame, WsError>>) -> Result<(), Ended> {
        match frame {
            Some(Ok(Frame::Text(text))) => match serde_json::from_str::<Value>(text.as_str()) {
                Ok(payload) => self.payload(payload).await,
                Err(error) => {
                    tracing::warn!(error = %error, "an unreadable gateway frame");
                    Ok(())
                }
            },
            Some(Ok(Frame::Close(close))) => {
                let (code, reason) = close.map_or((1005, String::new()), |close| {
                    (u16::from(close.code), close.reason.as_str().to_owned())
                });
                let meaning = super::ending::close_meaning(code);
                let mut detail = format!("Discord closed the gateway with {code} ({meaning})");
                if !reason.is_empty() {
                    detail.push_str(&format!(": {reason:?}"));
                }
                Err(lost(Cause::Closed(code), detail))
            }
            // Pings are answered by tungstenite; Discord sends no binary frames uncompressed.
            Some(Ok(_)) => Ok(()),
            Some(Err(error)) => Err(lost(
                Cause::Dropped,
                format!("the gateway connection broke: {error}"),
            )),
            None => Err(lost(Cause::Dropped, "the gateway connection was cut")),
        }
    }

    async fn payload(&mut self, mut payload: Value) -> Result<(), Ended> {
        match payload["op"].as_u64() {
            Some(op::DISPATCH) => {
                self.dispatch(&mut payload);
                Ok(())
            }
            Some(op::HEARTBEAT) => {
                tracing::debug!("Discord asked for a heartbeat");
                self.heartbeat().await
            }
            Some(op::RECONNECT) => {
                self.close(CLOSE_TO_RESUME, "reconnecting as asked").await;
                Err(lost(Cause::Reconnect, "Discord asked Rhythm to reconnect"))
            }
            Some(op::INVALID_SESSION) => {
                let resumable = payload["d"].as_bool().unwrap_or(false);
                self.close(CLOSE_TO_RESUME, "session invalidated").await;
                let detail = if resumable {
                    "Discord invalidated the session; it may be resumed"
                } else {
                    "Discord invalidated the session; Rhythm will identify anew"
                };
                Err(lost(Cause::InvalidSession { resumable }, detail))
            }
            Some(op::HELLO) => self.hello(&payload["d"]).await,
            Some(op::HEARTBEAT_ACK) => {
                if let Some(heart) = self.heart.as_mut() {
                    heart.acked = true;
                    if let Some(sent) = heart.sent_at.take() {
                        metrics::gauge!("rhythm_discord_gateway_heartbeat_latency_seconds")
                            .set(sent.elapsed().as_secs_f64());
                    }
                }
                Ok(())
            }
            other => {
                tracing::debug!(discord.op = ?other, "an unexpected gateway opcode, ignored");
                Ok(())
            }
        }
    }

    /// HELLO: start the heartbeat (the first after a random part of the interval, so that
    /// many clients do not beat in step), then identify or resume.
    async fn hello(&mut self, data: &Value) -> Result<(), Ended> {
        if self.heart.is_some() {
            tracing::debug!("a second HELLO on one connection, ignored");
            return Ok(());
        }
        let Some(interval) = data["heartbeat_interval"].as_u64().filter(|ms| *ms > 0) else {
            return Err(lost(
                Cause::Protocol,
                "Discord's HELLO carried no heartbeat interval",
            ));
        };
        let interval = Duration::from_millis(interval);
        self.heart = Some(Heart {
            interval,
            due: Instant::now() + interval.mul_f64(unit_random()),
            acked: true,
            sent_at: None,
        });
        match &self.state.session {
            Some(session) => {
                let resume = json!({"op": op::RESUME, "d": {
                    "token": self.shared.token,
                    "session_id": session.id,
                    "seq": self.state.seq,
                }});
                metrics::counter!("rhythm_discord_gateway_connects_total", "kind" => "resume")
                    .increment(1);
                tracing::debug!(discord.session_id = %session.id, discord.seq = ?self.state.seq, "resuming the gateway session");
                self.send(&resume).await
            }
            None => {
                let identify = json!({"op": op::IDENTIFY, "d": {
                    "token": self.shared.token,
                    "intents": self.shared.intents,
                    "properties": {
                        "os": std::env::consts::OS,
                        "browser": "rhythm",
                        "device": "rhythm",
                    },
                }});
                metrics::counter!("rhythm_discord_gateway_connects_total", "kind" => "identify")
                    .increment(1);
                tracing::debug!(
                    discord.intents = self.shared.intents,
                    "identifying to the gateway"
                );
                self.send(&identify).await
            }
        }
    }

    /// A dispatch: keep its sequence number, note READY and RESUMED, and hand it to the
    /// callback in a task of its own.
    fn dispatch(&mut self, payload: &mut Value) {
        let seq = payload["s"].as_u64();
        if seq.is_some() {
            self.state.seq = seq;
        }
        let Some(event) = payload["t"].as_str().map(str::to_owned) else {
            tracing::warn!(discord.seq = ?seq, "a gateway dispatch without an event name");
            return;
        };
        let data = payload["d"].take();
        match event.as_str() {
            "READY" => self.ready(&data),
            "RESUMED" => {
                self.ready_at = Some(Instant::now());
                metrics::gauge!("rhythm_discord_gateway_connected").set(1.0);
                tracing::info!(discord.seq = ?self.state.seq, "resumed the Discord gateway session");
                self.shared.tell(GatewayEvent::Resumed);
            }
            _ => {}
        }
        metrics::counter!("rhythm_discord_gateway_dispatches_total", "event" => event.clone())
            .increment(1);
        tracing::debug!(discord.event = %event, discord.seq = ?seq, "a gateway dispatch");
        let handled = (self.shared.on_dispatch)(event, data);
        self.shared
            .callbacks
            .spawn(handled.with_current_subscriber());
    }

    /// READY: the session to resume later, and where.
    fn ready(&mut self, data: &Value) {
        self.ready_at = Some(Instant::now());
        metrics::gauge!("rhythm_discord_gateway_connected").set(1.0);
        let (Some(id), Some(resume_url)) = (
            data["session_id"].as_str(),
            data["resume_gateway_url"].as_str(),
        ) else {
            tracing::warn!(
                "Discord's READY carried no session id or resume URL: this session cannot be resumed"
            );
            self.state.session = None;
            return;
        };
        tracing::info!(
            discord.session_id = %id,
            discord.user = %data["user"]["username"].as_str().unwrap_or_default(),
            "connected to Discord's gateway"
        );
        self.state.session = Some(Session {
            id: id.to_owned(),
            resume_url: resume_url.to_owned(),
        });
        self.shared.tell(GatewayEvent::Ready {
            session_id: id.to_owned(),
        });
    }

    /// A heartbeat carrying the last sequence number seen.
    async fn heartbeat(&mut self) -> Result<(), Ended> {
        let heartbeat = json!({"op": op::HEARTBEAT, "d": self.state.seq});
        self.send(&heartbeat).await
    }

    /// Sends `payload`; a socket that will not take it within [`SEND_WAIT`] (a dead peer
    /// with a full buffer) counts as dropped.
    async fn send(&mut self, payload: &Value) -> Result<(), Ended> {
        let sending = self.sink.send(Frame::text(payload.to_string()));
        match tokio::time::timeout(SEND_WAIT, sending).await {
            Ok(Ok(())) => Ok(()),
            Ok(Err(error)) => Err(lost(
                Cause::Dropped,
                format!("could not write to the gateway: {error}"),
            )),
            Err(_) => Err(lost(
                Cause::Dropped,
                format!(
                    "the gateway took nothing written for {} s",
                    SEND_WAIT.as_secs()
                ),
            )),
        }
    }

    /// Closes with `code` and waits briefly for Discord's answering close frame. Closing to
    /// resume, dispatches that arrive meanwhile are still handled (and their sequence
    /// numbers kept, so the resume does not replay them); stopping, they are not.
    async fn close(&mut self, code: u16, reason: &'static str) {
        let frame = CloseFrame {
            code: code.into(),
            reason: reason.into(),
        };
        let resuming = code == CLOSE_TO_RESUME;
        let closing = async {
            // Best effort: the other side may already be gone.
            if self.sink.send(Frame::Close(Some(frame))).await.is_err() {
                return;
            }
            while let Some(Ok(frame)) = self.frames.next().await {
                match frame {
                    Frame::Close(_) => break,
                    Frame::Text(text) if resuming => {
                        if let Ok(mut payload) = serde_json::from_str::<Value>(text.as_str())
                            && payload["op"].as_u64() == Some(op::DISPATCH)
                        {
                            self.dispatch(&mut payload);
                        }
                    }
                    _ => {}
                }
            }
        };
        let _ = tokio::time::timeout(CLOSE_WAIT, closing).await;
    }
}
