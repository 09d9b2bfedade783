//! The websocket: the upgrade at `/gateway`, and each connection's task, which sends what
//! the protocol queues for it and hands every frame it receives to the protocol.

use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::{CloseFrame, Message, WebSocket, WebSocketUpgrade};
use axum::http::Uri;
use axum::response::Response;
use tokio::sync::mpsc;

use super::super::Shared;
use super::{Outgoing, close_reason};

/// `GET /gateway?v=10&encoding=json`: any client may connect; IDENTIFY decides.
pub(crate) async fn upgrade(
    State(shared): State<Arc<Shared>>,
    uri: Uri,
    upgrade: WebSocketUpgrade,
) -> Response {
    upgrade.on_upgrade(move |socket| serve(shared, socket, uri.to_string()))
}

async fn serve(shared: Arc<Shared>, mut socket: WebSocket, url: String) {
    let (sender, mut outgoing) = mpsc::unbounded_channel();
    let gateway = &shared.gateway;
    let id = gateway.with(|inner| inner.connect(sender, url));
    // `Some(code)` once the client sent a close frame.
    let mut client_close = None;
    loop {
        tokio::select! {
            () = shared.shutdown.cancelled() => break,
            next = outgoing.recv() => match next {
                Some(Outgoing::Text(text)) => {
                    if socket.send(Message::Text(text.into())).await.is_err() {
                        break;
                    }
                }
                Some(Outgoing::Close(code)) => {
                    let frame = CloseFrame { code, reason: close_reason(code).into() };
                    let _ = socket.send(Message::Close(Some(frame))).await;
                    break;
                }
                Some(Outgoing::Abort) | None => break,
            },
            incoming = socket.recv() => match incoming {
                Some(Ok(Message::Text(text))) => {
                    gateway.with(|inner| inner.receive(id, text.as_str()));
                }
                // The fake speaks JSON only; ETF (or anything binary) cannot be decoded.
                Some(Ok(Message::Binary(_))) => {
                    gateway.with(|inner| inner.receive(id, ""));
                }
                Some(Ok(Message::Close(frame))) => {
                    client_close = Some(frame.map(|frame| frame.code));
                    break;
                }
                Some(Err(_)) | None => break,
                Some(Ok(Message::Ping(_) | Message::Pong(_))) => {}
            },
        }
    }
    gateway.with(|inner| inner.disconnect(id, client_close));
}
