//! The gateway: a websocket at `/gateway` speaking Discord's protocol in JSON text frames
//! (never zlib).
//!
//! On connect the fake says HELLO (op 10). IDENTIFY (op 2) with the bot token starts a
//! session and dispatches READY; a wrong token is closed with 4004. HEARTBEAT (op 1) gets
//! HEARTBEAT_ACK (op 11). RESUME (op 6) re-attaches a session and replays the dispatches
//! after the client's `seq`, then dispatches RESUMED; an unknown or forgotten session gets
//! INVALID_SESSION (op 9, `false`). Like Discord, the fake forgets a session when the client
//! closes with 1000 or 1001, or when it closes the connection with 4004, 4007, 4009 or
//! 4010–4014. It closes with 4001 on an unknown opcode, 4002 on a frame that is not JSON,
//! 4003 on anything but HEARTBEAT, IDENTIFY or RESUME before identifying, 4005 on a second
//! IDENTIFY and 4007 on a RESUME ahead of the session, and with 4012 a connection asking
//! for another API version than 10.
//!
//! - `session`: the protocol, under one lock: connections, sessions, what was received;
//! - `socket`: the websocket upgrade and each connection's task;
//! - `controls`: what a test does and observes (`dispatch`, `send_reconnect`, `wait_for_ready`…).

mod controls;
mod session;
mod socket;

pub use controls::GatewayError;
pub(crate) use session::Gateway;
pub(crate) use socket::upgrade;

use crate::websocket::Outgoing;

/// Discord's default heartbeat interval.
pub(crate) const DEFAULT_HEARTBEAT_INTERVAL_MS: u64 = 41_250;

/// Closes a connection with `code` and Discord's reason for it, at once.
pub(crate) fn close(code: u16) -> Outgoing {
    Outgoing::Close {
        code,
        reason: close_reason(code),
        after: std::time::Duration::ZERO,
    }
}

/// A frame that is not a dispatch: `s` and `t` are null, as Discord sends them.
pub(crate) fn frame(op: u64, d: &serde_json::Value) -> String {
    serde_json::json!({"t": null, "s": null, "op": op, "d": d}).to_string()
}

/// Discord's reason for a gateway close code.
pub(crate) fn close_reason(code: u16) -> &'static str {
    match code {
        4000 => "Unknown error",
        4001 => "Unknown opcode",
        4002 => "Decode error",
        4003 => "Not authenticated",
        4004 => "Authentication failed",
        4005 => "Already authenticated",
        4007 => "Invalid seq",
        4008 => "Rate limited",
        4009 => "Session timed out",
        4010 => "Invalid shard",
        4011 => "Sharding required",
        4012 => "Invalid API version",
        4013 => "Invalid intent(s)",
        4014 => "Disallowed intent(s)",
        _ => "",
    }
}

/// Close codes after which Discord does not let the session be resumed.
pub(crate) fn ends_session(code: u16) -> bool {
    matches!(code, 4004 | 4007 | 4009 | 4010..=4014)
}
