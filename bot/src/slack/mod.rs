//! The Slack adapter: Block Kit from the neutral model, the Web API client, request
//! verification, and the two transports (Socket Mode and the HTTP Events API).
//!
//! - [`client`]: the Web API over a connector that takes `http://` or `https://`, with every
//!   failure classified (retryable, fatal for a delivery, or the token refused).
//! - [`handler`]: one handler for both transports: translate, call the workflow, render;
//!   each command, interaction and event handled once.
//! - [`http`]: the HTTP Events API routes: signature first, 1 MB at most, answer after
//!   commit.
//! - [`inbound`]: what Slack sends (commands, interactions, events) translated, each with its
//!   idempotency key.
//! - [`messenger`]: deliveries as DMs, composed by the check-in workflow.
//! - [`render`]: [`rhythm_domain::chat::Message`] and [`rhythm_domain::chat::Form`] as Block
//!   Kit blocks and modal views, within Slack's limits.
//! - [`socket`]: Socket Mode: envelopes acked after commit, reconnecting as Slack asks.
//! - [`verify`]: request signatures checked on the raw body, in constant time, within five
//!   minutes.

pub mod client;
pub mod handler;
pub mod http;
pub mod inbound;
pub mod messenger;
pub mod render;
pub mod socket;
pub mod verify;
