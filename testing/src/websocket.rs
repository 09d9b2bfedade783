//! What both fakes' websockets (Discord's gateway, Slack's Socket Mode) share: each
//! connection's task, which sends what the protocol queues for it and hands every frame the
//! client sends to the protocol.

use std::time::Duration;

use axum::extract::ws::{CloseFrame, Message, WebSocket};
use tokio::sync::mpsc;
use tokio_util::sync::CancellationToken;

/// What a connection's task does next, as its protocol queues it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outgoing {
    /// Send this text frame.
    Text(String),
    /// Wait `after` (time for the client to act on what came before), send a close frame
    /// with this code and reason, then hang up.
    Close {
        /// The close code.
        code: u16,
        /// The close frame's reason.
        reason: &'static str,
        /// How long to wait before closing; zero closes at once.
        after: Duration,
    },
    /// Drop the TCP connection without a close frame.
    Abort,
}

/// A data frame the client sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Frame<'a> {
    /// A text frame.
    Text(&'a str),
    /// A binary frame, which neither fake decodes.
    Binary,
}

/// Runs a connection until the protocol closes or drops it, the client closes it or goes
/// away, or `shutdown`: sends what the protocol queues on `outgoing` and hands each data
/// frame from the client to `receive` (pings and pongs are axum's). Returns the client's
/// close frame if it sent one, as its code (`None` for a close frame without one).
///
/// The socket and the queue are borrowed, not taken, so that the connection stays open and
/// the queue accepts frames until the caller has told its protocol the connection is gone.
pub(crate) async fn run(
    socket: &mut WebSocket,
    outgoing: &mut mpsc::UnboundedReceiver<Outgoing>,
    shutdown: &CancellationToken,
    mut receive: impl FnMut(Frame<'_>),
) -> Option<Option<u16>> {
    loop {
        tokio::select! {
            () = shutdown.cancelled() => return None,
            next = outgoing.recv() => match next {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        return None;
                    }
                }
                Some(Outgoing::Close { code, reason, after }) => {
                    if !after.is_zero() {
                        tokio::time::sleep(after).await;
                    }
                    let frame = CloseFrame { code, reason: reason.into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    return None;
                }
                Some(Outgoing::Abort) | None => return None,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => receive(Frame::Text(text.as_str())),
                Some(Ok(Message::Binary(_))) => receive(Frame::Binary),
                Some(Ok(Message::Close(frame))) => return Some(frame.map(|frame| frame.code)),
                Some(Err(_)) | None => return None,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            },
        }
    }
}
