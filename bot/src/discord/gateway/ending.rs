//! How a gateway connection ended, and what Rhythm does next: reconnect (resuming the
//! session if it has one), identify anew, or stop for good and tell the operator why.

use std::time::Duration;

use super::pacing::unit_random;

/// Why Rhythm stopped connecting to Discord's gateway for good. Each message says what the
/// operator must do before restarting Rhythm.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GatewayStopped {
    /// Discord refused the bot token: `401` from `GET /gateway/bot`, or close code 4004.
    #[error(
        "Discord refused the bot token (authentication failed): set DISCORD_TOKEN to the token \
         shown at https://discord.com/developers/applications (your app → Bot → Reset Token), \
         then restart Rhythm"
    )]
    AuthenticationFailed,
    /// Close code 4010: Rhythm connects unsharded, so Discord should never say this.
    #[error(
        "Discord closed the gateway with 4010 (invalid shard), although Rhythm connects as a \
         single unsharded bot: please report this as a bug, with this message"
    )]
    InvalidShard,
    /// Close code 4011: the bot is in too many servers for one unsharded connection.
    #[error(
        "Discord closed the gateway with 4011 (sharding required): the bot is in too many \
         servers for a single gateway connection, which Rhythm does not support. Set \
         [discord] mode = \"http\" and give Discord an Interactions Endpoint URL \
         (https://discord.com/developers/applications → your app → General Information), \
         then restart Rhythm"
    )]
    ShardingRequired,
    /// Close code 4012: Discord no longer speaks the gateway version Rhythm uses (v10).
    #[error(
        "Discord closed the gateway with 4012 (invalid API version): it no longer accepts \
         gateway v10, which this Rhythm speaks; upgrade Rhythm"
    )]
    InvalidApiVersion,
    /// Close code 4013: the intents are not a valid bitmask.
    #[error(
        "Discord closed the gateway with 4013 (invalid intents): {intents} is not a valid \
         gateway intents bitmask; correct the intents Rhythm connects with, then restart it"
    )]
    InvalidIntents {
        /// The intents Rhythm sent.
        intents: u64,
    },
    /// Close code 4014: the intents include a privileged one the app has not been granted.
    #[error(
        "Discord closed the gateway with 4014 (disallowed intents): the intents {intents} \
         include a privileged intent this app may not use. Enable it at \
         https://discord.com/developers/applications (your app → Bot → Privileged Gateway \
         Intents) or drop it from the intents, then restart Rhythm"
    )]
    DisallowedIntents {
        /// The intents Rhythm sent.
        intents: u64,
    },
    /// The HTTP client for `GET /gateway/bot` could not be built (no TLS roots, say).
    #[error("could not set up the HTTP client for Discord's gateway: {0}")]
    Setup(String),
}

/// How a connection ended.
#[derive(Debug)]
pub(super) enum Ended {
    /// Rhythm is stopping; the connection was closed with 1000.
    Stopped,
    /// The connection is gone (or never opened), for `detail`.
    Lost { cause: Cause, detail: String },
}

/// Ends a connection for `cause`; `detail` is what the logs and the status channel say.
pub(super) fn lost(cause: Cause, detail: impl Into<String>) -> Ended {
    Ended::Lost {
        cause,
        detail: detail.into(),
    }
}

/// Why a connection is gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Cause {
    /// `GET /gateway/bot` answered 401.
    Unauthorized,
    /// The gateway URL could not be fetched, or the websocket could not be opened.
    ConnectFailed,
    /// Discord said something Rhythm cannot follow (no HELLO, a HELLO without an interval).
    Protocol,
    /// The socket was cut without a close frame.
    Dropped,
    /// Discord closed the socket with this code (1005 when it gave none).
    Closed(u16),
    /// Discord asked for a reconnect (op 7); Rhythm closed with 4000.
    Reconnect,
    /// Discord invalidated the session (op 9); Rhythm closed with 4000.
    InvalidSession { resumable: bool },
    /// A heartbeat went unacknowledged; Rhythm closed the zombie connection with 4000.
    Zombie,
}

/// What Rhythm does after a connection ended.
#[derive(Debug, PartialEq, Eq)]
pub(super) enum Next {
    /// Stop for good.
    Stop(GatewayStopped),
    /// Connect again, resuming the session if there is one; at once if Discord asked for it
    /// (or the connection was a zombie), else after the reconnect wait.
    Reconnect { at_once: bool },
    /// Forget the session and identify on a new connection, no sooner than `after`.
    IdentifyAnew { after: Duration },
}

impl Cause {
    /// What to do next, for a connection that sent `intents`.
    pub(super) fn next(self, intents: u64) -> Next {
        match self {
            Self::Unauthorized | Self::Closed(4004) => {
                Next::Stop(GatewayStopped::AuthenticationFailed)
            }
            Self::Closed(4010) => Next::Stop(GatewayStopped::InvalidShard),
            Self::Closed(4011) => Next::Stop(GatewayStopped::ShardingRequired),
            Self::Closed(4012) => Next::Stop(GatewayStopped::InvalidApiVersion),
            Self::Closed(4013) => Next::Stop(GatewayStopped::InvalidIntents { intents }),
            Self::Closed(4014) => Next::Stop(GatewayStopped::DisallowedIntents { intents }),
            // Invalid seq, session timed out: the session cannot be resumed.
            Self::Closed(4007 | 4009) => Next::IdentifyAnew {
                after: Duration::ZERO,
            },
            // Discord asks for a random pause before identifying again.
            Self::InvalidSession { resumable: false } => Next::IdentifyAnew {
                after: Duration::from_secs_f64(1.0 + 4.0 * unit_random()),
            },
            Self::Reconnect | Self::Zombie | Self::InvalidSession { resumable: true } => {
                Next::Reconnect { at_once: true }
            }
            Self::ConnectFailed | Self::Protocol | Self::Dropped | Self::Closed(_) => {
                Next::Reconnect { at_once: false }
            }
        }
    }

    /// The `cause` label of `rhythm_discord_gateway_disconnects_total`.
    pub(super) fn label(self) -> &'static str {
        match self {
            Self::Unauthorized => "unauthorized",
            Self::ConnectFailed => "connect_failed",
            Self::Protocol => "protocol",
            Self::Dropped => "dropped",
            Self::Closed(_) => "closed",
            Self::Reconnect => "reconnect",
            Self::InvalidSession { .. } => "invalid_session",
            Self::Zombie => "zombie",
        }
    }
}

/// What Discord's gateway close `code` means, for the logs.
pub(super) fn close_meaning(code: u16) -> &'static str {
    match code {
        1000 => "normal closure",
        1001 => "going away",
        1005 => "no close code",
        4000 => "unknown error",
        4001 => "unknown opcode",
        4002 => "decode error",
        4003 => "not authenticated",
        4004 => "authentication failed",
        4005 => "already authenticated",
        4007 => "invalid seq",
        4008 => "rate limited",
        4009 => "session timed out",
        4010 => "invalid shard",
        4011 => "sharding required",
        4012 => "invalid API version",
        4013 => "invalid intents",
        4014 => "disallowed intents",
        _ => "unknown close code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fatal_close_codes_stop_for_good_and_say_what_to_do() {
        for code in [4004, 4010, 4011, 4012, 4013, 4014] {
            let Next::Stop(stopped) = Cause::Closed(code).next(1 << 1) else {
                panic!("{code} is fatal");
            };
            assert!(stopped.to_string().len() > 60, "{code}: {stopped}");
        }
        assert_eq!(
            Cause::Unauthorized.next(0),
            Next::Stop(GatewayStopped::AuthenticationFailed)
        );
        let disallowed = Cause::Closed(4014).next(1 << 1);
        let Next::Stop(stopped) = disallowed else {
            panic!("4014 is fatal");
        };
        let message = stopped.to_string();
        assert!(message.contains("Privileged Gateway Intents"), "{message}");
        assert!(message.contains('2'), "names the intents: {message}");
    }

    #[test]
    fn a_timed_out_session_or_a_bad_seq_is_identified_anew_at_once() {
        for code in [4007, 4009] {
            assert_eq!(
                Cause::Closed(code).next(0),
                Next::IdentifyAnew {
                    after: Duration::ZERO
                }
            );
        }
    }

    #[test]
    fn an_unresumable_invalid_session_waits_one_to_five_seconds() {
        for _ in 0..50 {
            let Next::IdentifyAnew { after } = Cause::InvalidSession { resumable: false }.next(0)
            else {
                panic!("identify anew");
            };
            assert!(after >= Duration::from_secs(1) && after < Duration::from_secs(5));
        }
    }

    #[test]
    fn requests_resume_at_once_and_other_losses_after_the_wait() {
        for cause in [
            Cause::Reconnect,
            Cause::Zombie,
            Cause::InvalidSession { resumable: true },
        ] {
            assert_eq!(cause.next(0), Next::Reconnect { at_once: true });
        }
        for cause in [
            Cause::Dropped,
            Cause::ConnectFailed,
            Cause::Protocol,
            Cause::Closed(1000),
            Cause::Closed(4000),
            Cause::Closed(4008),
        ] {
            assert_eq!(cause.next(0), Next::Reconnect { at_once: false });
        }
    }
}
