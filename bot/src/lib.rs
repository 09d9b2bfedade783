//! Rhythm's chat bot: platform events in, neutral messages out.
//!
//! - [`console`]: the messenger used while no chat platform is configured.
//! - [`slack`]: slack-morphism's Web API client; Rhythm's own Socket Mode client (the
//!   default, no public URL) and the HTTP Events API (`/slack/events`,
//!   `/slack/interactions`, `/slack/commands`, signatures checked before parsing);
//!   `Message` to Block Kit and modals.
//! - [`discord`]: serenity's REST routes; Rhythm's own gateway client (the default, held by
//!   one replica at a time) and the HTTP interactions endpoint (`/discord/interactions`,
//!   Ed25519 checked before parsing); `Message` to components and modals within Discord's
//!   limits.
//! - [`couriers`]: one-off DMs on a named platform (link codes).
//! - [`routed`]: with both platforms connected, each delivery goes to the person's own.
//!
//! The neutral model (`Message`, `Form`, `Interaction`, `Reply`) and the workflows live in
//! `rhythm-domain`. Every handler does three things: translate the event, call the domain
//! workflow, render the reply. It stores what it received and answers within the
//! platform's three seconds. Each inbound event is keyed (Slack `event_id` or trigger id,
//! Discord interaction id) so a retry is not handled twice.

mod accounts;
pub mod console;
pub mod couriers;
pub mod discord;
pub mod follow_ups;
mod once;
pub mod reconnect;
pub mod routed;
pub mod signed;
pub mod slack;
mod text;
