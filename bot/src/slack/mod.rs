//! The Slack adapter: Block Kit from the neutral model, the Web API client, request
//! verification, and the two transports (Socket Mode and the HTTP Events API).
//!
//! - [`inbound`]: what Slack sends (commands, interactions, events) translated, each with its
//!   idempotency key.
//! - [`render`]: [`rhythm_domain::chat::Message`] and [`rhythm_domain::chat::Form`] as Block
//!   Kit blocks and modal views, within Slack's limits.
//! - [`verify`]: request signatures checked on the raw body, in constant time, within five
//!   minutes.

pub mod inbound;
pub mod render;
pub mod verify;
