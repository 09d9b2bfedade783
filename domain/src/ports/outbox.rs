//! The outbox port: what the planner writes when schedules fall due.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{DeliveryId, OccurrenceId, Outgoing, ScheduleId, StoreError, StoredSchedule};
use crate::people::PersonId;

/// How an occurrence was handled.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OccurrenceStatus {
    /// Fired when due.
    OnTime,
    /// Fired after downtime, within the schedule's grace window.
    Late,
    /// Past the grace window: recorded, nothing sent.
    Missed,
}

impl OccurrenceStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OnTime => "on_time",
            Self::Late => "late",
            Self::Missed => "missed",
        }
    }
}

/// One message to one person, due at an instant.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeliveryPlan {
    /// Who gets it.
    pub person: PersonId,
    /// `reminder`, `nudge`, `escalation:ID` (about report ID) or `deadline:-7d`.
    pub step: String,
    /// When it may be sent.
    pub due_at: DateTime<Utc>,
}

/// A schedule firing at an instant, and what it sends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OccurrencePlan {
    /// The instant it fires (its identity with the schedule).
    pub fire_at: DateTime<Utc>,
    /// On time, late or missed.
    pub status: OccurrenceStatus,
    /// What it sends (nothing if missed).
    pub deliveries: Vec<DeliveryPlan>,
}

/// What the planner does with one due schedule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    /// The schedule.
    pub schedule: ScheduleId,
    /// The version it was read at; the advance applies only if it is still current.
    pub version: i64,
    /// Its occurrences now due.
    pub occurrences: Vec<OccurrencePlan>,
    /// When to look at it next.
    pub next_fire_at: Option<DateTime<Utc>>,
}

/// What one planner step did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlannerStep {
    /// Schedules taken.
    pub schedules: usize,
    /// Occurrences this planner claimed (fired or recorded missed).
    pub claimed: usize,
    /// Occurrences another planner had claimed first.
    pub already_claimed: usize,
    /// Of the claimed, how many were missed.
    pub missed: usize,
    /// Deliveries written.
    pub deliveries: usize,
    /// Steps rolled back because a schedule changed under them; retried on the next step.
    pub lost_races: usize,
}

/// How the outbox stands.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OutboxHealth {
    /// Deliveries not yet sent (due or not).
    pub pending: u64,
    /// Of those, how many are due now.
    pub due: u64,
    /// Dead letters waiting for HR.
    pub dead: u64,
    /// When the oldest due delivery fell due.
    pub oldest_due_at: Option<DateTime<Utc>>,
}

/// How a leased delivery ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Finish {
    /// Sent, with the platform's message id.
    Sent {
        /// The platform's id.
        message_id: String,
        /// When.
        at: DateTime<Utc>,
    },
    /// Failed for now: try again at `at`.
    Retry {
        /// When to try again.
        at: DateTime<Utc>,
        /// Why it failed.
        error: String,
    },
    /// Failed for good: parked as a dead letter with the reason.
    Dead {
        /// Why.
        error: String,
    },
}

/// The occurrences and the outbox.
pub trait Outbox: Send + Sync {
    /// One planner step, in one write transaction: takes up to `limit` unpaused schedules
    /// due at `now` (skipping any another planner holds), asks `plan` what each fires,
    /// claims each occurrence by its unique `(schedule, fire_at)`, writes the deliveries of
    /// those it claimed, and advances each schedule by compare-and-set on its version.
    fn plan_due<F>(
        &self,
        now: DateTime<Utc>,
        limit: usize,
        plan: F,
    ) -> impl Future<Output = Result<PlannerStep, StoreError>> + Send
    where
        F: FnMut(&StoredSchedule) -> Advance + Send;

    /// Leases up to `limit` pending deliveries due at `now` whose lease is free or expired,
    /// to `owner` until `until` (skipping any another dispatcher is leasing).
    fn lease_due(
        &self,
        owner: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
        limit: usize,
    ) -> impl Future<Output = Result<Vec<Outgoing>, StoreError>> + Send;

    /// Records how leased deliveries ended, in one transaction. For each, `false` (and
    /// nothing changed) if `owner` no longer holds its lease or it was cancelled meanwhile:
    /// a dispatcher that lost its lease cannot finish it.
    fn finish_all(
        &self,
        owner: &str,
        outcomes: &[(DeliveryId, Finish)],
    ) -> impl Future<Output = Result<Vec<bool>, StoreError>> + Send;

    /// `person` has done what `occurrence` asked: cancels what is still pending of it for
    /// them (later deadline reminders, the nudge) and the escalations about them. Returns
    /// how many deliveries were cancelled; completing twice cancels nothing more.
    fn complete(
        &self,
        occurrence: OccurrenceId,
        person: PersonId,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// How the outbox stands at `now`.
    fn outbox_health(
        &self,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<OutboxHealth, StoreError>> + Send;

    /// Deletes sent and cancelled deliveries due before `before`; dead letters are kept for
    /// HR. Returns how many were deleted.
    fn purge_finished(
        &self,
        before: DateTime<Utc>,
    ) -> impl Future<Output = Result<u64, StoreError>> + Send;

    /// The earliest `next_fire_at` of an unpaused schedule.
    fn next_due(&self) -> impl Future<Output = Result<Option<DateTime<Utc>>, StoreError>> + Send;
}
