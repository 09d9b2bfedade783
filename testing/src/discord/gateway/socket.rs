//! The websocket: the upgrade at `/gateway`, and each connection's task, which runs the
//! connection (`crate::websocket`) between the client and the protocol.

use std::sync::Arc;

use axum::extract::State;
use axum::extract::ws::{WebSocket, WebSocketUpgrade};
use axum::http::Uri;
use axum::response::Response;
use tokio::sync::mpsc;

use super::super::Shared;
use crate::websocket::{self, Frame};

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
    let client_close = websocket::run(&mut socket, &mut outgoing, &shared.shutdown, |frame| {
        // The fake speaks JSON only; ETF (or anything binary) cannot be decoded.
        let text = match frame {
            Frame::Text(text) => text,
            Frame::Binary => "",
        };
        gateway.with(|inner| inner.receive(id, text));
    })
    .await;
    gateway.with(|inner| inner.disconnect(id, client_close));
}
