//! The Socket Mode transport: Rhythm opens a websocket to Slack (no public URL needed) and
//! receives the same payloads the HTTP routes do, inside envelopes. Each envelope is acked
//! only after it was handled and committed; one that fails for a database outage is left
//! unacked, so Slack sends it again. Slack's `disconnect` frames are obeyed: on
//! `refresh_requested`, `warning` and a dropped socket Rhythm reconnects with a fresh URL; on
//! `link_disabled` it stops, since Socket Mode was turned off for the app.

use std::time::Duration;

use futures_util::{SinkExt as _, StreamExt as _};
use rhythm_domain::ports::{CheckIns, Directory, PersonSettings};
use serde_json::{Value, json};
use tokio_tungstenite::tungstenite::Message as Frame;
use tokio_util::sync::CancellationToken;

use super::client::SlackApi;
use super::handler::{Ack, SlackHandler};
use super::inbound::{self, Inbound};

/// The longest wait between reconnection attempts.
const MAX_BACKOFF: Duration = Duration::from_secs(60);

/// What ended one connection.
#[derive(Debug, PartialEq, Eq)]
enum Ended {
    /// Connect again.
    Reconnect,
    /// Socket Mode was turned off for the app, or Rhythm is stopping.
    Stop,
}

/// Receives Slack's envelopes until `shutdown`, reconnecting as Slack asks.
pub async fn run<S>(
    api: SlackApi,
    app_token: String,
    handler: SlackHandler<S>,
    shutdown: CancellationToken,
) where
    S: CheckIns + Directory + PersonSettings,
{
    let mut backoff = Duration::from_secs(1);
    while !shutdown.is_cancelled() {
        let ended = match api.socket_url(&app_token).await {
            Ok(url) => match tokio_tungstenite::connect_async(url.as_str()).await {
                Ok((socket, _)) => {
                    backoff = Duration::from_secs(1);
                    metrics::counter!("rhythm_slack_socket_connects_total").increment(1);
                    serve(socket, &handler, &shutdown).await
                }
                Err(error) => {
                    tracing::warn!(error = %error, "could not open Slack's websocket");
                    Ended::Reconnect
                }
            },
            Err(error) => {
                tracing::warn!(error = %error, "apps.connections.open failed");
                Ended::Reconnect
            }
        };
        if ended == Ended::Stop {
            return;
        }
        tokio::select! {
            () = shutdown.cancelled() => return,
            () = tokio::time::sleep(backoff) => {}
        }
        backoff = (backoff * 2).min(MAX_BACKOFF);
    }
}

/// Serves one connection until Slack or `shutdown` ends it.
async fn serve<S, T>(socket: T, handler: &SlackHandler<S>, shutdown: &CancellationToken) -> Ended
where
    S: CheckIns + Directory + PersonSettings,
    T: futures_util::Stream<Item = Result<Frame, tokio_tungstenite::tungstenite::Error>>
        + futures_util::Sink<Frame>
        + Unpin,
{
    let (mut sink, mut frames) = socket.split();
    loop {
        let frame = tokio::select! {
            () = shutdown.cancelled() => return Ended::Stop,
            frame = frames.next() => frame,
        };
        let text = match frame {
            Some(Ok(Frame::Text(text))) => text,
            Some(Ok(Frame::Ping(data))) => {
                if sink.send(Frame::Pong(data)).await.is_err() {
                    return Ended::Reconnect;
                }
                continue;
            }
            Some(Ok(Frame::Close(_))) | Some(Err(_)) | None => return Ended::Reconnect,
            Some(Ok(_)) => continue,
        };
        let Ok(envelope) = serde_json::from_str::<Value>(text.as_str()) else {
            tracing::warn!("an unreadable Socket Mode frame");
            continue;
        };
        match envelope["type"].as_str() {
            Some("hello") => tracing::info!("connected to Slack over Socket Mode"),
            Some("disconnect") => {
                let reason = envelope["reason"].as_str().unwrap_or_default();
                tracing::info!(slack.reason = reason, "Slack asked to disconnect");
                return if reason == "link_disabled" {
                    tracing::error!(
                        "Socket Mode is turned off for this Slack app; no events will arrive"
                    );
                    Ended::Stop
                } else {
                    Ended::Reconnect
                };
            }
            _ => {
                if let Some(ack) = envelope_ack(&envelope, handler).await
                    && sink.send(Frame::text(ack.to_string())).await.is_err()
                {
                    return Ended::Reconnect;
                }
            }
        }
    }
}

/// Handles one envelope; the ack to send, or `None` to leave it for Slack to send again.
async fn envelope_ack<S>(envelope: &Value, handler: &SlackHandler<S>) -> Option<Value>
where
    S: CheckIns + Directory + PersonSettings,
{
    let id = envelope["envelope_id"].as_str()?;
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
