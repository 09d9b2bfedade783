//! What the workflows need from the outside world, as traits.
//!
//! `rhythm-store` implements [`Directory`] and [`Schedules`] for SQLite and for Postgres; the
//! contract tests in `store/tests` hold both to the same behaviour.

use std::future::Future;

mod checkins;
mod digests;
mod feedback;
mod goals;
mod kudos;
mod links;
mod messenger;
mod oneonones;
mod outbox;
mod platform;
mod reviews;
mod schedules;

pub use checkins::{
    CheckIn, CheckInId, CheckInStatus, CheckIns, MessageRef, NewCheckIn, Submission,
};
pub use digests::{CheckInDay, DigestKey, DigestOutcome, Digests, TeamChannel};
pub use feedback::{
    Feedback, FeedbackFilter, FeedbackId, FeedbackRecord, FeedbackRequest, FeedbackRequestId,
    FeedbackVisibility, GiveFeedback, NewFeedback, NewFeedbackRequest, RequestStatus,
};
pub use goals::{AddGoal, Goal, GoalFilter, GoalHistoryEntry, GoalUpdate, Goals, NewGoal};
pub use kudos::{
    Allowance, GiveOutcome, Kudos, KudosFilter, KudosId, KudosRecord, KudosSource, NewKudos,
    NewNotice, Notice, NoticeId, NoticeOutcome, Visibility,
};
pub use links::{Account, LinkCode, Linked, Links, Notify, Redeemed};
pub use messenger::{
    Announcer, DeliveryId, Destination, Messenger, OccurrenceId, Outgoing, SendError, Sent,
};
pub use oneonones::{
    ActionItem, ActionItemFilter, ActionItemId, NewActionItem, NewSeries, OneOnOnes, PlannedNotice,
    Recorded, Series, SeriesId, Session, SessionRecord, TalkingPoint, TalkingPointId,
};
pub use outbox::{
    Advance, DeliveryPlan, Finish, OccurrencePlan, OccurrenceStatus, Outbox, OutboxHealth,
    PlannerStep,
};
pub use platform::{Leases, Reachability};
pub use reviews::{
    Approve, CreateCycle, Cycle, CycleId, Nomination, NominationStatus, Participant, Review,
    ReviewFilter, ReviewId, Reviews, SaveReview,
};
pub use schedules::{
    ScheduleChange, ScheduleId, SchedulePlan, ScheduleSnapshot, Schedules, StoredSchedule,
};

use crate::import::{ImportPlan, Problem};
use crate::people::{Email, Person, PersonId, Platform, Team, TeamName, Timezone};
use crate::schedule::OutOfOffice;
use crate::sync::SyncPlan;

/// A storage failure. Its text is for the logs, never for a person in chat.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The database could not be reached; worth retrying later.
    #[error("the database is unavailable")]
    Unavailable(#[source] anyhow::Error),
    /// Anything else.
    #[error(transparent)]
    Unexpected(#[from] anyhow::Error),
}

/// Everything the chat handlers need from storage, named once: implemented by whatever has
/// it all.
pub trait ChatStore:
    CheckIns + Directory + Feedback + Goals + Kudos + Links + OneOnOnes + PersonSettings + Reviews
{
}

impl<T> ChatStore for T where
    T: CheckIns
        + Directory
        + Feedback
        + Goals
        + Kudos
        + Links
        + OneOnOnes
        + PersonSettings
        + Reviews
{
}

/// Which people to list.
#[derive(Debug, Clone, Default)]
pub struct PeopleFilter {
    /// Only members of this team (case-insensitive).
    pub team: Option<String>,
    /// Only active people.
    pub active_only: bool,
    /// Only the person with this id.
    pub id: Option<PersonId>,
    /// Only the person with this chat account: platform and user id.
    pub chat_user: Option<(Platform, String)>,
    /// Only the person with this email.
    pub email: Option<Email>,
}

/// What a person sets about themselves from chat (`/rhythm timezone`, `/rhythm ooo`), each
/// change audited.
pub trait PersonSettings: Send + Sync {
    /// Sets their time zone.
    fn set_timezone(
        &self,
        person: PersonId,
        zone: &Timezone,
        actor: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// Adds a range of days away (inclusive); an existing range starting the same day is
    /// replaced.
    fn add_out_of_office(
        &self,
        person: PersonId,
        away: &OutOfOffice,
        actor: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// Everyone in the directory, as read inside the import's transaction.
#[derive(Debug, Clone, Default)]
pub struct DirectorySnapshot {
    /// Every person, active or not.
    pub people: Vec<Person>,
}

/// Whether an import is written or only planned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commit {
    /// Write the plan.
    Write,
    /// Plan it against the directory, then change nothing.
    DryRun,
}

/// An entry in the audit log: who changed what.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    /// Who did it: `cli:USER`, `slack:U…`, `discord:…`.
    pub actor: String,
    /// What they did, dotted: `people.import`.
    pub action: String,
    /// What changed, as a JSON object.
    pub details: serde_json::Value,
}

/// Progress of a long write: `(rows written so far, rows to write)`.
pub type Progress<'a> = &'a (dyn Fn(u64, u64) + Send + Sync);

/// The directory of people and teams.
pub trait Directory: Send + Sync {
    /// People matching `filter`, ordered by email, with their teams and chat identities.
    fn people(
        &self,
        filter: &PeopleFilter,
    ) -> impl Future<Output = Result<Vec<Person>, StoreError>> + Send;

    /// Every team with its number of active members, ordered by name.
    fn teams(&self) -> impl Future<Output = Result<Vec<Team>, StoreError>> + Send;

    /// Whether a team of this name exists (case-insensitive).
    fn team_exists(&self, name: &TeamName)
    -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Runs `plan` against a snapshot taken inside one write transaction and, if it returns a
    /// plan and `commit` is [`Commit::Write`], applies it there with its audit entry: all of
    /// it or none. Concurrent imports are serialised.
    fn import_people<F>(
        &self,
        plan: F,
        commit: Commit,
        progress: Progress<'_>,
    ) -> impl Future<Output = Result<Result<ImportPlan, Vec<Problem>>, StoreError>> + Send
    where
        F: FnOnce(&DirectorySnapshot) -> Result<ImportPlan, Vec<Problem>> + Send;
}

/// Linking people to their Slack accounts and taking Slack zones ([`crate::sync`]).
pub trait DirectorySync: Send + Sync {
    /// Runs `plan` against a snapshot taken inside one write transaction (serialised with
    /// imports) and, if `commit` is [`Commit::Write`] and the plan changes anything, writes
    /// its links and zones there with its audit entry ([`SyncPlan::audit`], as `actor`).
    /// A zone someone chose since the snapshot, or an account linked since, is left alone:
    /// the plan returned lists only what was written.
    fn sync_directory<F>(
        &self,
        plan: F,
        commit: Commit,
        actor: &str,
    ) -> impl Future<Output = Result<SyncPlan, StoreError>> + Send
    where
        F: FnOnce(&DirectorySnapshot) -> SyncPlan + Send;
}
