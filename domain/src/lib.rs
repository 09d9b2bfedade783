//! Rhythm's domain: the nouns, the workflows and the ports, with no database and no chat
//! platform in sight.
//!
//! Everything untrusted — a CSV cell, a config value, a slash-command argument — is parsed
//! into a type here once, at the edge, and the rest of the system only handles parsed values.
//!
//! - [`people`]: the directory — [`people::Email`], [`people::Timezone`], [`people::Role`],
//!   [`people::Person`], [`people::Team`], [`people::ChatIdentity`].
//! - [`import`]: the CSV import workflow (parse every row, check the file against the
//!   directory, plan the change, apply it all or nothing).
//! - [`ports`]: what the workflows need from the outside (storage), as traits that
//!   `rhythm-store` implements for SQLite and Postgres.
//! - [`chat`]: what the bot says and asks ([`chat::Message`], [`chat::Form`]) and what
//!   people do ([`chat::Interaction`]), with no platform in it.
//! - [`checkin`]: check-in templates, answers and messages.
//! - [`command`]: the slash commands people type, parsed once, and what they do.
//! - [`kudos`]: recognition: reasons, company values, allowances, leaderboards.
//! - [`oneonone`]: recurring 1:1s with agendas built from the record, notes and action items.
//! - [`feedback`]: feedback on request or unprompted, and who may read it.
//! - [`record`]: a person's record over a span (check-ins, goals, kudos, feedback), as
//!   1:1 agendas and self-review packets show it.
//! - [`reviews`]: review cycles: forms, phases, anonymity, who may do what.
//! - [`notices`]: what a one-off notice says when it is posted, whatever it is about.
//! - [`link`]: linking a chat account to a person by a one-time code.
//! - [`clock`]: time comes from a [`clock::Clock`], never from `Utc::now()` directly, so tests
//!   can move it.
//! - [`duration`]: human durations as written in config and policy files (`"5s"`, `"4h"`).
//! - [`schedule`]: the cadence HR writes: cron expressions, audiences, calendars, quiet hours.
//! - [`sync`]: directory sync with Slack: link people to their accounts by email, take the
//!   time zones nobody chose from their Slack profiles.

pub mod chat;
pub mod checkin;
pub mod clock;
pub mod command;
pub mod duration;
pub mod feedback;
pub mod goals;
pub mod import;
pub mod kudos;
pub mod link;
pub mod notices;
pub mod oneonone;
pub mod people;
pub mod ports;
pub mod record;
pub mod reviews;
pub mod schedule;
pub mod sync;
