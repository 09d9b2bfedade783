//! [`Store`]'s review cycles port: each call passed to whichever backend it is.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    Approve, CreateCycle, Cycle, CycleId, Nomination, Participant, Review, ReviewFilter, ReviewId,
    Reviews, SaveReview, StoreError,
};
use rhythm_domain::reviews::cycle::CycleSpec;

use super::Store;

impl Reviews for Store {
    async fn create_cycle(
        &self,
        spec: &CycleSpec,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<CreateCycle, StoreError> {
        on_backend!(self, store => store.create_cycle(spec, actor, at).await)
    }

    async fn cycles(&self) -> Result<Vec<Cycle>, StoreError> {
        on_backend!(self, store => store.cycles().await)
    }

    async fn cycle(&self, id: CycleId) -> Result<Option<Cycle>, StoreError> {
        on_backend!(self, store => store.cycle(id).await)
    }

    async fn start_cycle(
        &self,
        id: CycleId,
        participants: &[Participant],
        hr: PersonId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.start_cycle(id, participants, hr, actor, at).await)
    }

    async fn close_cycle(
        &self,
        id: CycleId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.close_cycle(id, actor, at).await)
    }

    async fn release_cycle(
        &self,
        id: CycleId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.release_cycle(id, actor, at).await)
    }

    async fn participants(&self, id: CycleId) -> Result<Vec<Participant>, StoreError> {
        on_backend!(self, store => store.participants(id).await)
    }

    async fn nominate(
        &self,
        id: CycleId,
        subject: PersonId,
        peers: &[PersonId],
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.nominate(id, subject, peers, at).await)
    }

    async fn nominations(
        &self,
        id: CycleId,
        subject: Option<PersonId>,
    ) -> Result<Vec<Nomination>, StoreError> {
        on_backend!(self, store => store.nominations(id, subject).await)
    }

    async fn approve_nominations(
        &self,
        id: CycleId,
        subject: PersonId,
        peers: &[PersonId],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Approve, StoreError> {
        on_backend!(self, store => store.approve_nominations(id, subject, peers, actor, at).await)
    }

    async fn reviews(&self, filter: &ReviewFilter) -> Result<Vec<Review>, StoreError> {
        on_backend!(self, store => store.reviews(filter).await)
    }

    async fn review(&self, id: ReviewId) -> Result<Option<Review>, StoreError> {
        on_backend!(self, store => store.review(id).await)
    }

    async fn save_review(
        &self,
        id: ReviewId,
        answers: &BTreeMap<String, String>,
        submit: bool,
        at: DateTime<Utc>,
    ) -> Result<SaveReview, StoreError> {
        on_backend!(self, store => store.save_review(id, answers, submit, at).await)
    }

    async fn reopen_review(
        &self,
        id: ReviewId,
        actor: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.reopen_review(id, actor, reason, at).await)
    }

    async fn set_threshold(
        &self,
        id: CycleId,
        min_responses: usize,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.set_threshold(id, min_responses, actor, at).await)
    }

    async fn acknowledge(
        &self,
        id: CycleId,
        person: PersonId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        on_backend!(self, store => store.acknowledge(id, person, at).await)
    }

    async fn acknowledgements(
        &self,
        id: CycleId,
    ) -> Result<Vec<(PersonId, DateTime<Utc>)>, StoreError> {
        on_backend!(self, store => store.acknowledgements(id).await)
    }
}
