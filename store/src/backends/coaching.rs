//! [`Store`]'s 1:1s and feedback ports: each call passed to whichever backend it is.

use chrono::{DateTime, Utc};
use rhythm_domain::oneonone::CoachingPolicy;
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    ActionItem, ActionItemFilter, ActionItemId, Feedback, FeedbackFilter, FeedbackId,
    FeedbackRecord, FeedbackRequest, FeedbackRequestId, GiveFeedback, NewFeedback,
    NewFeedbackRequest, NewSeries, OneOnOnes, PlannedNotice, Recorded, Series, SeriesId, Session,
    SessionRecord, StoreError, TalkingPoint, TalkingPointId,
};

use super::Store;

impl OneOnOnes for Store {
    async fn schedule_oneonone(&self, new: &NewSeries) -> Result<SeriesId, StoreError> {
        on_backend!(self, store => store.schedule_oneonone(new).await)
    }

    async fn cancel_oneonone(&self, series: SeriesId, actor: &str) -> Result<bool, StoreError> {
        on_backend!(self, store => store.cancel_oneonone(series, actor).await)
    }

    async fn oneonones(
        &self,
        person: Option<PersonId>,
        active_only: bool,
    ) -> Result<Vec<Series>, StoreError> {
        on_backend!(self, store => store.oneonones(person, active_only).await)
    }

    async fn oneonone(&self, series: SeriesId) -> Result<Option<Series>, StoreError> {
        on_backend!(self, store => store.oneonone(series).await)
    }

    async fn add_talking_point(
        &self,
        series: SeriesId,
        author: PersonId,
        text: &str,
        private: bool,
        at: DateTime<Utc>,
    ) -> Result<TalkingPointId, StoreError> {
        on_backend!(self, store => store.add_talking_point(series, author, text, private, at).await)
    }

    async fn talking_points(&self, series: SeriesId) -> Result<Vec<TalkingPoint>, StoreError> {
        on_backend!(self, store => store.talking_points(series).await)
    }

    async fn record_session(&self, record: &SessionRecord) -> Result<Recorded, StoreError> {
        on_backend!(self, store => store.record_session(record).await)
    }

    async fn sessions(&self, series: SeriesId) -> Result<Vec<Session>, StoreError> {
        on_backend!(self, store => store.sessions(series).await)
    }

    async fn last_held(&self) -> Result<Vec<Session>, StoreError> {
        on_backend!(self, store => store.last_held().await)
    }

    async fn action_items(&self, filter: &ActionItemFilter) -> Result<Vec<ActionItem>, StoreError> {
        on_backend!(self, store => store.action_items(filter).await)
    }

    async fn complete_action_item(
        &self,
        item: ActionItemId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.complete_action_item(item, at).await)
    }

    async fn plan_notices(
        &self,
        notices: &[PlannedNotice],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.plan_notices(notices, now).await)
    }

    async fn coaching_policy(&self) -> Result<CoachingPolicy, StoreError> {
        on_backend!(self, store => store.coaching_policy().await)
    }

    async fn set_coaching_policy(
        &self,
        policy: &CoachingPolicy,
        actor: &str,
    ) -> Result<(), StoreError> {
        on_backend!(self, store => store.set_coaching_policy(policy, actor).await)
    }
}

impl Feedback for Store {
    async fn request_feedback(
        &self,
        requests: &[NewFeedbackRequest],
    ) -> Result<Vec<FeedbackRequestId>, StoreError> {
        on_backend!(self, store => store.request_feedback(requests).await)
    }

    async fn feedback_request(
        &self,
        id: FeedbackRequestId,
    ) -> Result<Option<FeedbackRequest>, StoreError> {
        on_backend!(self, store => store.feedback_request(id).await)
    }

    async fn feedback_requests(
        &self,
        giver: Option<PersonId>,
    ) -> Result<Vec<FeedbackRequest>, StoreError> {
        on_backend!(self, store => store.feedback_requests(giver).await)
    }

    async fn give_feedback(&self, feedback: &NewFeedback) -> Result<GiveFeedback, StoreError> {
        on_backend!(self, store => store.give_feedback(feedback).await)
    }

    async fn decline_feedback(
        &self,
        id: FeedbackRequestId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.decline_feedback(id, at).await)
    }

    async fn feedback_by_id(&self, id: FeedbackId) -> Result<Option<FeedbackRecord>, StoreError> {
        on_backend!(self, store => store.feedback_by_id(id).await)
    }

    async fn feedback(&self, filter: &FeedbackFilter) -> Result<Vec<FeedbackRecord>, StoreError> {
        on_backend!(self, store => store.feedback(filter).await)
    }
}
