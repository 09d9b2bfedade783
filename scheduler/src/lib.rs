//! Rhythm's durable scheduler: schedules into occurrences, occurrences into deliveries.
//!
//! Being built (issue 3). What exists, and what it will hold, module by module:
//!
//! - [`recurrence`] (exists): a schedule's cron expression (croner: 5 fields, `L`, `#`, `W`) or one-off
//!   instant, evaluated in an IANA zone (chrono-tz) — a fixed zone or each recipient's own —
//!   with classic-cron daylight-saving rules.
//! - [`placement`] (exists): where one fire lands for one person — moved off days off or
//!   skipped, skipped while they are out of office, held until their quiet hours end.
//! - `planner`: one loop that sleeps until the earliest `next_fire_at` (capped, woken on
//!   change) and, in one transaction, claims each occurrence by a unique
//!   `(schedule_id, fire_at)` row, fans it out into outbox rows unique by
//!   `(occurrence, recipient)`, and advances the schedule by compare-and-set, so several
//!   replicas on one Postgres fire each occurrence once. Occurrences missed while Rhythm was
//!   down follow the schedule's missed-fire policy (late within a grace window, else skipped
//!   and recorded).
//! - `dispatcher`: leases due outbox rows, sends them through the domain's `Messenger` port,
//!   records the platform's message id, retries what is retryable (honouring
//!   `Retry-After`) and parks what is fatal as a dead letter with its reason.
//! - `maintenance`: fixed UTC housekeeping on tokio-cron-scheduler (lease recovery,
//!   retention, digests); never user-facing schedules, whose zones it would get wrong after a
//!   DST change.
//!
//! Time comes from the domain's `Clock`, so tests move it instead of sleeping.

pub mod admin;
pub mod dispatcher;
pub mod first_fire;
pub mod maintenance;
pub mod placement;
pub mod planner;
pub mod preview;
pub mod recurrence;
