//! The check-ins port: a check-in per person, schedule and local day, its answers, and the
//! inbound events already handled.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};

use super::{OccurrenceId, ScheduleId, StoreError};
use crate::checkin::{Answers, Template};
use crate::people::PersonId;

/// A check-in's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckInId(pub i64);

/// Where a check-in stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CheckInStatus {
    /// Asked, not answered.
    Open,
    /// Answered (and editable until the window closes).
    Submitted,
    /// The person skipped it.
    Skipped,
}

impl CheckInStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Submitted => "submitted",
            Self::Skipped => "skipped",
        }
    }
}

/// A message on a platform: its channel and its id there (Slack `ts`, Discord message id).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct MessageRef {
    /// The channel (a DM's channel id).
    pub channel: String,
    /// The message's id in it.
    pub id: String,
}

impl MessageRef {
    /// Reads `channel:id`, as [`std::fmt::Display`] writes it.
    pub fn parse(text: &str) -> Option<Self> {
        let (channel, id) = text.split_once(':')?;
        (!channel.is_empty() && !id.is_empty()).then(|| Self {
            channel: channel.to_owned(),
            id: id.to_owned(),
        })
    }
}

impl std::fmt::Display for MessageRef {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.channel, self.id)
    }
}

/// A check-in to open, if there is none yet for its person, schedule and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCheckIn {
    /// Whose.
    pub person: PersonId,
    /// The schedule that asked; `None` for `/checkin`.
    pub schedule: Option<ScheduleId>,
    /// The occurrence that asked.
    pub occurrence: Option<OccurrenceId>,
    /// The person's local day.
    pub date: NaiveDate,
    /// The template's name.
    pub template: String,
    /// When it was asked.
    pub opened_at: DateTime<Utc>,
    /// When its window closes.
    pub closes_at: DateTime<Utc>,
}

/// A stored check-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckIn {
    /// Its id.
    pub id: CheckInId,
    /// Whose.
    pub person: PersonId,
    /// The schedule that asked; `None` for `/checkin`.
    pub schedule: Option<ScheduleId>,
    /// The occurrence that asked.
    pub occurrence: Option<OccurrenceId>,
    /// The person's local day.
    pub date: NaiveDate,
    /// The template's name.
    pub template: String,
    /// Where it stands.
    pub status: CheckInStatus,
    /// The answers, once submitted.
    pub answers: Option<Answers>,
    /// When it was asked.
    pub opened_at: DateTime<Utc>,
    /// When its window closes.
    pub closes_at: DateTime<Utc>,
    /// When it was (last) submitted.
    pub submitted_at: Option<DateTime<Utc>>,
    /// Whether the first submission came after the window closed.
    pub late: bool,
    /// The prompt's message and its platform, once sent.
    pub prompt: Option<(String, MessageRef)>,
}

/// What a submission did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submission {
    /// The first answers.
    First,
    /// Answers replaced within the window.
    Edited,
}

/// Check-ins, their templates, and inbound idempotency.
pub trait CheckIns: Send + Sync {
    /// Opens the check-in for `new`'s person, schedule and day, or returns the one already
    /// there (a retried send, a double click): never two.
    fn open_checkin(
        &self,
        new: NewCheckIn,
    ) -> impl Future<Output = Result<CheckIn, StoreError>> + Send;

    /// The check-in with this id.
    fn checkin(
        &self,
        id: CheckInId,
    ) -> impl Future<Output = Result<Option<CheckIn>, StoreError>> + Send;

    /// The person's most recently opened check-in on their local `date`.
    fn checkin_on(
        &self,
        person: PersonId,
        date: NaiveDate,
    ) -> impl Future<Output = Result<Option<CheckIn>, StoreError>> + Send;

    /// The person's check-ins opened in `[from, to)`, oldest first.
    fn checkins_of(
        &self,
        person: PersonId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<CheckIn>, StoreError>> + Send;

    /// Stores answers, in one transaction with what they make unnecessary: the nudge and
    /// escalations of its occurrence. `late` is kept from the first submission.
    fn submit_checkin(
        &self,
        id: CheckInId,
        answers: &Answers,
        template: &Template,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Submission, StoreError>> + Send;

    /// Marks it skipped and cancels its follow-ups.
    fn skip_checkin(&self, id: CheckInId) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Records the prompt's message, to update it later.
    fn set_prompt(
        &self,
        id: CheckInId,
        platform: &str,
        prompt: &MessageRef,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Asks again at `at`: a `snooze` delivery of its occurrence, due then.
    fn snooze_checkin(
        &self,
        id: CheckInId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// The template of this name: a stored one, or the built-in `default`.
    fn checkin_template(
        &self,
        name: &str,
    ) -> impl Future<Output = Result<Option<Template>, StoreError>> + Send;

    /// Records an inbound event by its idempotency key; `false` if it was seen before —
    /// unless its first try was never marked handled and is old enough that its process
    /// must have died (30 s): then the retry is handled, and this is `true`.
    fn first_seen(
        &self,
        platform: &str,
        key: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Marks an inbound event handled: its retries are ignored from now on.
    fn handled_seen(
        &self,
        platform: &str,
        key: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Forgets an inbound event whose handling failed, so that the platform's retry of it
    /// is handled rather than ignored.
    fn forget_seen(
        &self,
        platform: &str,
        key: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
