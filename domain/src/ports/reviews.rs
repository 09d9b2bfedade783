//! The review cycles port: cycles and their participants, peer nominations and their
//! approval, the reviews themselves (drafts, submissions, reopening), the anonymity
//! threshold and acknowledgements. Every admin change is audited in its transaction.
//!
//! A peer review's reviewer and submission time are stored (the reviewer edits their own
//! draft, deadlines chase whoever still owes one, late counts feed HR's reports); what
//! reads them for people is [`crate::reviews::access`] and [`crate::reviews::anonymity`],
//! which never show either for an anonymous cycle.

use std::collections::BTreeMap;
use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::people::PersonId;
use crate::reviews::cycle::CycleSpec;
use crate::reviews::form::Reviewer;
use crate::reviews::model::{CycleState, ReviewState};

/// A cycle's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CycleId(pub i64);

/// A review's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ReviewId(pub i64);

/// A cycle as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cycle {
    /// Storage id.
    pub id: CycleId,
    /// What HR set.
    pub spec: CycleSpec,
    /// Draft, active or closed.
    pub state: CycleState,
    /// When its results were released, if they were.
    pub released_at: Option<DateTime<Utc>>,
    /// When it was created.
    pub created_at: DateTime<Utc>,
    /// When it started (its first reviews were written), if it has.
    pub started_at: Option<DateTime<Utc>>,
}

/// What creating a cycle did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CreateCycle {
    /// Created as a draft.
    Created(CycleId),
    /// A cycle with that name exists; nothing was written.
    NameTaken(CycleId),
}

/// A person reviewed in a cycle, with their manager when it started.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Participant {
    /// Who.
    pub person: PersonId,
    /// Their manager at the start, who writes their manager review; `None` if they had
    /// none (HR reviews them).
    pub manager: Option<PersonId>,
}

/// A nomination's state.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NominationStatus {
    /// Named by the participant, waiting for their manager.
    Proposed,
    /// Approved: the peer is asked for a review.
    Approved,
}

/// A peer nominated to review a participant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Nomination {
    /// Whom the peer reviews.
    pub subject: PersonId,
    /// The peer.
    pub peer: PersonId,
    /// Proposed or approved.
    pub status: NominationStatus,
}

/// What approving nominations did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Approve {
    /// Approved; a pending peer review was written for each of these reviews.
    Approved(Vec<ReviewId>),
    /// They were approved already; nothing changed.
    AlreadyApproved,
}

/// A review.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    /// Storage id.
    pub id: ReviewId,
    /// Its cycle.
    pub cycle: CycleId,
    /// Whom it is about.
    pub subject: PersonId,
    /// Who writes it.
    pub reviewer: PersonId,
    /// Self, peer or manager.
    pub kind: Reviewer,
    /// Pending, in progress or submitted.
    pub state: ReviewState,
    /// The answers so far, by question id: a rating as its level (`4`), text as written.
    pub answers: BTreeMap<String, String>,
    /// When it was submitted (first submission after the last reopening).
    pub submitted_at: Option<DateTime<Utc>>,
}

/// Which reviews to list; every field narrows.
#[derive(Debug, Clone, Default)]
pub struct ReviewFilter {
    /// In this cycle.
    pub cycle: Option<CycleId>,
    /// About this person.
    pub subject: Option<PersonId>,
    /// Written by this person.
    pub reviewer: Option<PersonId>,
    /// Of this kind.
    pub kind: Option<Reviewer>,
    /// In this state.
    pub state: Option<ReviewState>,
}

/// What saving a review did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SaveReview {
    /// Saved: the review as it now stands.
    Saved(Review),
    /// It was submitted (and locked) meanwhile; nothing changed.
    Locked,
    /// Its cycle is not active; nothing changed.
    CycleNotActive,
}

/// Review cycles.
pub trait Reviews: Send + Sync {
    /// Creates a draft cycle, audited as `review_cycle.create` by `actor`.
    fn create_cycle(
        &self,
        spec: &CycleSpec,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<CreateCycle, StoreError>> + Send;

    /// Every cycle, newest first.
    fn cycles(&self) -> impl Future<Output = Result<Vec<Cycle>, StoreError>> + Send;

    /// One cycle.
    fn cycle(&self, id: CycleId) -> impl Future<Output = Result<Option<Cycle>, StoreError>> + Send;

    /// Starts a draft cycle: writes its participants, a pending self-review for each and a
    /// pending manager review by each one's manager (by `hr` where they have none, and by
    /// no one for `hr` themselves), in one transaction, audited. `false`, with nothing written, if it was not a draft.
    fn start_cycle(
        &self,
        id: CycleId,
        participants: &[Participant],
        hr: PersonId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Closes an active cycle, audited; `false` if it was not active.
    fn close_cycle(
        &self,
        id: CycleId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Releases an active cycle's results, audited; `false` if it was not active or was
    /// released already.
    fn release_cycle(
        &self,
        id: CycleId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The cycle's participants.
    fn participants(
        &self,
        id: CycleId,
    ) -> impl Future<Output = Result<Vec<Participant>, StoreError>> + Send;

    /// Replaces `subject`'s proposed nominations with `peers`; `false`, with nothing
    /// changed, once they are approved.
    fn nominate(
        &self,
        id: CycleId,
        subject: PersonId,
        peers: &[PersonId],
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The cycle's nominations, of `subject` only if given.
    fn nominations(
        &self,
        id: CycleId,
        subject: Option<PersonId>,
    ) -> impl Future<Output = Result<Vec<Nomination>, StoreError>> + Send;

    /// Approves `subject`'s nominations as `peers` (the manager may edit the list), and
    /// writes a pending peer review by each, in one transaction, audited by `actor`.
    fn approve_nominations(
        &self,
        id: CycleId,
        subject: PersonId,
        peers: &[PersonId],
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<Approve, StoreError>> + Send;

    /// Reviews matching `filter`, by id.
    fn reviews(
        &self,
        filter: &ReviewFilter,
    ) -> impl Future<Output = Result<Vec<Review>, StoreError>> + Send;

    /// One review.
    fn review(
        &self,
        id: ReviewId,
    ) -> impl Future<Output = Result<Option<Review>, StoreError>> + Send;

    /// Saves `answers` as a draft, or submits them (locking the review), unless it was
    /// submitted meanwhile or its cycle is not active.
    fn save_review(
        &self,
        id: ReviewId,
        answers: &BTreeMap<String, String>,
        submit: bool,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<SaveReview, StoreError>> + Send;

    /// Reopens a submitted review (back to in progress, answers kept), audited with
    /// `reason`; `false` if it was not submitted.
    fn reopen_review(
        &self,
        id: ReviewId,
        actor: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Sets the cycle's anonymity threshold, audited with the old and new values; `false`,
    /// with nothing changed, once results are released.
    fn set_threshold(
        &self,
        id: CycleId,
        min_responses: usize,
        actor: &str,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Records that `person` acknowledged their results; `false` if they had already.
    fn acknowledge(
        &self,
        id: CycleId,
        person: PersonId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Who acknowledged their results, and when.
    fn acknowledgements(
        &self,
        id: CycleId,
    ) -> impl Future<Output = Result<Vec<(PersonId, DateTime<Utc>)>, StoreError>> + Send;
}
