//! Rhythm's chat bot: platform events in, neutral messages out.
//!
//! Today it holds [`console`], the messenger used while no chat platform is configured; the
//! Slack and Discord issues fill the rest:
//!
//! - `model`: the platform-neutral side — a `Command` for what a person asks (`/checkin`,
//!   `/kudos`, `/rhythm timezone …`) and a `Message` for what Rhythm says (text, sections,
//!   buttons with action ids, form fields), both defined in `rhythm-domain` and rendered here.
//! - `slack`: slack-morphism. Socket Mode (the default, no public URL) and the HTTP Events
//!   API (`/slack/events`, `/slack/interactions`, `/slack/commands`, signatures checked
//!   before parsing); `Message` to Block Kit and modals.
//! - `discord`: serenity. The gateway (the default) and the HTTP interactions endpoint
//!   (`/discord/interactions`, Ed25519 checked before parsing); `Message` to components and
//!   modals within Discord's limits.
//!
//! Every handler does three things: translate the event into a `Command`, call the domain
//! workflow, render the reply. It stores what it received and acknowledges within the
//! platform's three seconds; slow work goes through the scheduler's outbox. Each inbound
//! event is keyed (Slack `event_id`, Discord interaction id) so a retry is not handled twice.

pub mod console;
pub mod slack;
