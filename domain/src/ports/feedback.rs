//! The feedback port: requests for feedback (one per person asked, reminded once, expiring)
//! and the feedback given, on request or unprompted, with who may read it.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{NewNotice, StoreError};
use crate::people::PersonId;

/// A feedback request's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeedbackRequestId(pub i64);

/// Feedback's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FeedbackId(pub i64);

/// Who may read a piece of feedback.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FeedbackVisibility {
    /// The subject and their manager, with the giver's name.
    Shared,
    /// The subject's manager only (and HR).
    ManagerOnly,
}

impl FeedbackVisibility {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Shared => "shared",
            Self::ManagerOnly => "manager_only",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "shared" => Some(Self::Shared),
            "manager_only" => Some(Self::ManagerOnly),
            _ => None,
        }
    }
}

/// One person asked for feedback about someone.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedbackRequest {
    /// Whom the feedback is about.
    pub subject: PersonId,
    /// Who asked (the subject, or their manager).
    pub requester: PersonId,
    /// Who is asked.
    pub giver: PersonId,
    /// What about: `the Q3 launch`.
    pub about: String,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
    /// When an unanswered one is reminded.
    pub remind_at: DateTime<Utc>,
    /// When an unanswered one expires.
    pub expires_at: DateTime<Utc>,
    /// Where the ask and the reminder go (the giver's DM on a platform).
    pub notice: NewNotice,
}

/// Where a request stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestStatus {
    /// Waiting for an answer.
    Open,
    /// Answered.
    Answered,
    /// Declined by the person asked.
    Declined,
}

impl RequestStatus {
    /// The stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Open => "open",
            Self::Answered => "answered",
            Self::Declined => "declined",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "open" => Some(Self::Open),
            "answered" => Some(Self::Answered),
            "declined" => Some(Self::Declined),
            _ => None,
        }
    }
}

/// A feedback request as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRequest {
    /// Storage id.
    pub id: FeedbackRequestId,
    /// Whom it is about.
    pub subject: PersonId,
    /// Who asked.
    pub requester: PersonId,
    /// Who is asked.
    pub giver: PersonId,
    /// What about.
    pub about: String,
    /// When it was asked.
    pub asked_at: DateTime<Utc>,
    /// When it expires if unanswered.
    pub expires_at: DateTime<Utc>,
    /// Where it stands (an open one past `expires_at` has expired).
    pub status: RequestStatus,
}

impl FeedbackRequest {
    /// Whether it can still be answered at `now`.
    pub fn open_at(&self, now: DateTime<Utc>) -> bool {
        self.status == RequestStatus::Open && now < self.expires_at
    }
}

/// Feedback to record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewFeedback {
    /// Whom it is about.
    pub subject: PersonId,
    /// Who gives it.
    pub giver: PersonId,
    /// The request it answers, if any.
    pub request: Option<FeedbackRequestId>,
    /// What it says.
    pub text: String,
    /// Who may read it.
    pub visibility: FeedbackVisibility,
    /// When.
    pub given_at: DateTime<Utc>,
    /// Who is told (the subject if shared, their manager), posted as `feedback:ID`.
    pub notices: Vec<NewNotice>,
}

/// Feedback as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRecord {
    /// Storage id.
    pub id: FeedbackId,
    /// Whom it is about.
    pub subject: PersonId,
    /// Who gave it.
    pub giver: PersonId,
    /// The request it answered, and what that asked about.
    pub request: Option<(FeedbackRequestId, String)>,
    /// What it says.
    pub text: String,
    /// Who may read it.
    pub visibility: FeedbackVisibility,
    /// When.
    pub given_at: DateTime<Utc>,
}

/// How giving feedback went.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum GiveFeedback {
    /// Recorded.
    Given(FeedbackId),
    /// The request was answered or declined already: nothing recorded.
    AlreadyAnswered,
    /// The request expired: nothing recorded.
    Expired,
}

/// Which feedback to list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FeedbackFilter {
    /// About this person only.
    pub subject: Option<PersonId>,
    /// Given at or after.
    pub from: DateTime<Utc>,
    /// Given before.
    pub to: DateTime<Utc>,
}

/// Feedback requests and feedback.
pub trait Feedback: Send + Sync {
    /// Writes the requests and, for each, its ask (due now, `feedback_ask:ID`) and its
    /// reminder (due at `remind_at`, `feedback_remind:ID`), in one transaction. An open
    /// request from the same requester to the same giver about the same subject is kept
    /// instead of a new one. Returns each request's id, in order.
    fn request_feedback(
        &self,
        requests: &[NewFeedbackRequest],
    ) -> impl Future<Output = Result<Vec<FeedbackRequestId>, StoreError>> + Send;

    /// One request.
    fn feedback_request(
        &self,
        id: FeedbackRequestId,
    ) -> impl Future<Output = Result<Option<FeedbackRequest>, StoreError>> + Send;

    /// Requests asked of `giver` (or, with `None`, all), newest first.
    fn feedback_requests(
        &self,
        giver: Option<PersonId>,
    ) -> impl Future<Output = Result<Vec<FeedbackRequest>, StoreError>> + Send;

    /// Records feedback and its notices in one transaction. Answering a request marks it
    /// answered, unless it was answered, declined or had expired at `given_at`: then
    /// nothing is written.
    fn give_feedback(
        &self,
        feedback: &NewFeedback,
    ) -> impl Future<Output = Result<GiveFeedback, StoreError>> + Send;

    /// Declines an open request (its reminder is not sent); `false` if it was not open.
    fn decline_feedback(
        &self,
        id: FeedbackRequestId,
        at: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// One piece of feedback.
    fn feedback_by_id(
        &self,
        id: FeedbackId,
    ) -> impl Future<Output = Result<Option<FeedbackRecord>, StoreError>> + Send;

    /// Feedback matching `filter`, oldest first.
    fn feedback(
        &self,
        filter: &FeedbackFilter,
    ) -> impl Future<Output = Result<Vec<FeedbackRecord>, StoreError>> + Send;
}
