//! Rhythm's durable scheduler: schedules into occurrences, occurrences into deliveries.
//!
//! - [`recurrence`]: a schedule's cron expression (croner: 5 fields, `L`, `#`, `W`) or one-off
//!   instant, evaluated in an IANA zone (chrono-tz) — a fixed zone or each recipient's own —
//!   with classic-cron daylight-saving rules.
//! - [`placement`]: where one fire lands for one person — moved off days off or skipped,
//!   skipped while they are out of office, held until their quiet hours end.
//! - [`first_fire`]: where a schedule starts looking, and the zones it fires in.
//! - [`planner`]: one loop that sleeps until the earliest `next_fire_at` (capped, woken on
//!   change) and, in one transaction, claims each occurrence by a unique
//!   `(schedule_id, fire_at)` row, fans it out into outbox rows unique by
//!   `(occurrence, recipient, step)`, and advances the schedule by compare-and-set, so
//!   several replicas on one Postgres fire each occurrence once. Occurrences missed while
//!   Rhythm was down follow the schedule's missed-fire policy (late within a grace window,
//!   else skipped and recorded).
//! - [`dispatcher`]: leases due outbox rows, sends them concurrently through the domain's
//!   `Messenger` port, records the platform's message ids, retries what is retryable
//!   (honouring `Retry-After`) and parks what is fatal as a dead letter with its reason.
//! - [`digests`]: once a check-in day's windows have closed, each team's digest and each
//!   manager's summary, claimed so that one replica posts each.
//! - [`notices`]: one-off messages a record leaves to send (a kudos announced, DM'd to its
//!   recipients), claimed so that one replica posts each, composed when posted.
//! - [`pace`]: holds sends to a platform's rate limits (overall, per recipient, and after a
//!   429).
//! - [`admin`] and [`preview`]: HR's changes (audited) and who gets pinged when.
//! - [`maintenance`]: fixed UTC housekeeping on tokio-cron-scheduler (metrics refresh,
//!   retention); never user-facing schedules, whose zones it would get wrong after a DST
//!   change.
//!
//! Time comes from the domain's `Clock`, so tests move it instead of sleeping.

pub mod admin;
pub mod digests;
pub mod dispatcher;
pub mod first_fire;
pub mod maintenance;
pub mod notices;
pub mod pace;
pub mod placement;
pub mod planner;
pub mod preview;
pub mod recurrence;
mod retry;
