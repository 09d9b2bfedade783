//! The 1:1s port: recurring manager–report sessions, what each session recorded (notes,
//! whether it happened), talking points added between sessions, and action items carried
//! from one session to the next until done.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};

use super::{NewNotice, StoreError};
use crate::oneonone::{Cadence, CoachingPolicy};
use crate::people::PersonId;

/// A series' storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SeriesId(pub i64);

/// A pair's recurring 1:1s to set up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewSeries {
    /// The manager.
    pub manager: PersonId,
    /// Their report.
    pub report: PersonId,
    /// When sessions happen.
    pub cadence: Cadence,
    /// How long a session lasts, in minutes (the notes prompt follows its end).
    pub minutes: u32,
    /// Who set it up, for the audit log (`slack:U123`, `cli:USER`, `policy`).
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A pair's recurring 1:1s.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Series {
    /// Storage id.
    pub id: SeriesId,
    /// The manager.
    pub manager: PersonId,
    /// Their report.
    pub report: PersonId,
    /// When sessions happen.
    pub cadence: Cadence,
    /// How long a session lasts, in minutes.
    pub minutes: u32,
    /// Cancelled series keep their record and send nothing.
    pub active: bool,
    /// When it was (last) set up.
    pub created_at: DateTime<Utc>,
}

/// A talking point's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TalkingPointId(pub i64);

/// Something one of the pair wants to talk about at the next session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TalkingPoint {
    /// Storage id.
    pub id: TalkingPointId,
    /// The series.
    pub series: SeriesId,
    /// Who added it.
    pub author: PersonId,
    /// What it says.
    pub text: String,
    /// Only its author sees it.
    pub private: bool,
    /// When it was added.
    pub created_at: DateTime<Utc>,
    /// The start of the session that covered it; `None` while it waits for one.
    pub covered_by: Option<DateTime<Utc>>,
}

/// An action item's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ActionItemId(pub i64);

/// An action item agreed at a session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewActionItem {
    /// Who does it (one of the pair).
    pub owner: PersonId,
    /// What.
    pub text: String,
    /// By when (the owner's local day).
    pub due: NaiveDate,
}

/// An action item as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ActionItem {
    /// Storage id.
    pub id: ActionItemId,
    /// The series it came from.
    pub series: SeriesId,
    /// The session it was agreed at.
    pub session: DateTime<Utc>,
    /// Who does it.
    pub owner: PersonId,
    /// What.
    pub text: String,
    /// By when.
    pub due: NaiveDate,
    /// When it was done; `None` while open.
    pub done_at: Option<DateTime<Utc>>,
}

/// What a session recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionRecord {
    /// The series.
    pub series: SeriesId,
    /// The session's scheduled start: its identity in the series.
    pub starts_at: DateTime<Utc>,
    /// Whether it happened.
    pub held: bool,
    /// Notes both of the pair see.
    pub notes: Option<String>,
    /// Who recorded it.
    pub recorded_by: PersonId,
    /// When.
    pub recorded_at: DateTime<Utc>,
    /// What was agreed; held sessions only.
    pub action_items: Vec<NewActionItem>,
    /// The reminder for each action item, on its due day ([`crate::oneonone::notices`]):
    /// each item's notice, in the order of `action_items`, due at the instant given.
    pub reminders: Vec<(NewNotice, DateTime<Utc>)>,
}

/// A recorded session.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// The series.
    pub series: SeriesId,
    /// The manager and the report, as they were at the session.
    pub manager: PersonId,
    /// The report.
    pub report: PersonId,
    /// Its scheduled start.
    pub starts_at: DateTime<Utc>,
    /// Whether it happened.
    pub held: bool,
    /// Shared notes.
    pub notes: Option<String>,
    /// Who recorded it.
    pub recorded_by: PersonId,
    /// When.
    pub recorded_at: DateTime<Utc>,
}

/// How recording a session went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recorded {
    /// Recorded now; talking points waiting before it are covered by it.
    Recorded,
    /// It was recorded before (by either of the pair): nothing changed.
    AlreadyRecorded,
}

/// Which action items to list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ActionItemFilter {
    /// Of this series only.
    pub series: Option<SeriesId>,
    /// Owned by this person only.
    pub owner: Option<PersonId>,
    /// Open (not done) only.
    pub open_only: bool,
}

/// A notice planned ahead: `subject` to `to`, due at `due_at`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedNotice {
    /// What it is about (`oneonone:ID:INSTANT:agenda:early`).
    pub subject: String,
    /// Where it goes.
    pub notice: NewNotice,
    /// When it may be posted.
    pub due_at: DateTime<Utc>,
}

/// 1:1 series, sessions, talking points and action items.
pub trait OneOnOnes: Send + Sync {
    /// Sets up the pair's series, or replaces its cadence (and reactivates it) if the pair
    /// has one; audited. Returns its id.
    fn schedule_oneonone(
        &self,
        new: &NewSeries,
    ) -> impl Future<Output = Result<SeriesId, StoreError>> + Send;

    /// Cancels a series (it keeps its record); audited. `false` if it was not active.
    fn cancel_oneonone(
        &self,
        series: SeriesId,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Series where `person` is the manager or the report (every series with `None`),
    /// active ones only if `active_only`, ordered by id.
    fn oneonones(
        &self,
        person: Option<PersonId>,
        active_only: bool,
    ) -> impl Future<Output = Result<Vec<Series>, StoreError>> + Send;

    /// One series.
    fn oneonone(
        &self,
        series: SeriesId,
    ) -> impl Future<Output = Result<Option<Series>, StoreError>> + Send;

    /// Adds a talking point for the series' next session.
    fn add_talking_point(
        &self,
        series: SeriesId,
        author: PersonId,
        text: &str,
        private: bool,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<TalkingPointId, StoreError>> + Send;

    /// The series' talking points not yet covered by a session, oldest first.
    fn talking_points(
        &self,
        series: SeriesId,
    ) -> impl Future<Output = Result<Vec<TalkingPoint>, StoreError>> + Send;

    /// Records a session once: its notes and whether it happened; a held session covers
    /// the talking points added before it was recorded, and its action items are written
    /// with their reminders, all in one transaction.
    fn record_session(
        &self,
        record: &SessionRecord,
    ) -> impl Future<Output = Result<Recorded, StoreError>> + Send;

    /// The series' recorded sessions, newest first.
    fn sessions(
        &self,
        series: SeriesId,
    ) -> impl Future<Output = Result<Vec<Session>, StoreError>> + Send;

    /// The latest held session of every manager–report pair that has held one.
    fn last_held(&self) -> impl Future<Output = Result<Vec<Session>, StoreError>> + Send;

    /// Action items matching `filter`, by due date then id.
    fn action_items(
        &self,
        filter: &ActionItemFilter,
    ) -> impl Future<Output = Result<Vec<ActionItem>, StoreError>> + Send;

    /// Marks an action item done; `false` if it was done already or is unknown.
    fn complete_action_item(
        &self,
        item: ActionItemId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Writes notices planned ahead (agendas, notes prompts), pending until each is due;
    /// one per subject, platform and destination, so planning again adds nothing twice.
    fn plan_notices(
        &self,
        notices: &[PlannedNotice],
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;

    /// HR's coaching policy (the default until one is applied).
    fn coaching_policy(&self) -> impl Future<Output = Result<CoachingPolicy, StoreError>> + Send;

    /// Replaces the coaching policy; audited.
    fn set_coaching_policy(
        &self,
        policy: &CoachingPolicy,
        actor: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
