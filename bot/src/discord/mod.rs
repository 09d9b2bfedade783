//! The Discord adapter: components from the neutral model, the REST client, request
//! verification, and the two transports (the gateway and the HTTP interactions endpoint).
//!
//! - [`client`]: the REST API through serenity's routes, every failure classified, Discord's
//!   rate-limit buckets minded.
//! - [`commands`]: the application commands Rhythm registers (`/checkin`, `/rhythm …`).
//! - [`connection`]: the gateway held by one replica at a time, by a lease in the database.
//! - [`gateway`]: Rhythm's own gateway client: heartbeats, resume, reconnect; each
//!   `INTERACTION_CREATE` handed over as raw JSON.
//! - [`handler`]: one handler for both transports: translate, call the workflow, render;
//!   slow work deferred and followed up.
//! - [`http`]: `POST /discord/interactions`: signature first, 1 MB at most, PING answered.
//! - [`inbound`]: what Discord sends (commands, button presses, modal submissions)
//!   translated, each keyed by its interaction id.
//! - [`messenger`]: deliveries as DMs with a nonce each; a person Discord refuses to reach
//!   is remembered for a day.
//! - [`render`]: [`rhythm_domain::chat::Message`] and [`rhythm_domain::chat::Form`] as
//!   Discord messages (markdown and components) and modals, within Discord's limits.
//! - [`verify`]: Ed25519 signatures checked on the raw body, within five minutes.

pub mod client;
pub mod commands;
pub mod connection;
pub mod gateway;
pub mod handler;
pub mod http;
pub mod inbound;
pub mod messenger;
pub mod render;
pub mod verify;
