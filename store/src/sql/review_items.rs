//! A review cycle's participants and first reviews (written when it starts), its peer
//! nominations (proposed and replaced until the subject's manager approves a list, which
//! writes a pending peer review by each) and the reviews themselves (drafts, submissions
//! that lock them, reopening). The port's methods are in `reviews.rs`,
//! which audits what needs it.

use std::collections::{BTreeMap, BTreeSet};

use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    CycleId, Nomination, NominationStatus, Participant, Review, ReviewFilter, ReviewId, SaveReview,
    StoreError,
};
use rhythm_domain::reviews::form::Reviewer;
use rhythm_domain::reviews::model::{CycleState, ReviewState};
use sqlx::QueryBuilder;

use super::{Db, LOCK, MAX_BINDS};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Every column of a review; conditions follow `WHERE TRUE`.
const SELECT_REVIEWS: &str = "SELECT id, cycle_id, subject_id, reviewer_id, kind, state, \
     answers, submitted_at FROM reviews WHERE TRUE";

#[derive(sqlx::FromRow)]
struct ReviewRow {
    id: i64,
    cycle_id: i64,
    subject_id: i64,
    reviewer_id: i64,
    kind: String,
    state: String,
    answers: String,
    submitted_at: Option<i64>,
}

impl ReviewRow {
    fn into_review(self) -> anyhow::Result<Review> {
        let id = self.id;
        self.parse()
            .map_err(|error| error.context(format!("reading stored review {id}")))
    }

    fn parse(self) -> anyhow::Result<Review> {
        Ok(Review {
            id: ReviewId(self.id),
            cycle: CycleId(self.cycle_id),
            subject: PersonId(self.subject_id),
            reviewer: PersonId(self.reviewer_id),
            kind: Reviewer::parse(&self.kind)
                .ok_or_else(|| anyhow::anyhow!("stored review kind `{}`", self.kind))?,
            state: ReviewState::parse(&self.state)
                .ok_or_else(|| anyhow::anyhow!("stored review state `{}`", self.state))?,
            answers: serde_json::from_str(&self.answers)?,
            submitted_at: self.submitted_at.map(instant).transpose()?,
        })
    }
}

/// Serialises changes of one kind (`what`) on Postgres until the transaction ends; SQLite's
/// `BEGIN IMMEDIATE` already serialises every writer.
pub(super) async fn lock(conn: &mut Connection, what: &'static str) -> Result<(), StoreError> {
    if let Some(lock) = LOCK {
        sqlx::query(lock)
            .bind(what)
            .execute(&mut *conn)
            .await
            .map_err(classify("taking a review lock"))?;
    }
    Ok(())
}

/// Runs a review query built from `SELECT_REVIEWS` and its conditions, by id.
async fn fetch(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
) -> Result<Vec<Review>, StoreError> {
    query.push(" ORDER BY id");
    let rows: Vec<ReviewRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading reviews"))?;
    rows.into_iter()
        .map(ReviewRow::into_review)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// Reviews matching `filter`, by id.
pub(super) async fn reviews(
    conn: &mut Connection,
    filter: &ReviewFilter,
) -> Result<Vec<Review>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_REVIEWS);
    if let Some(cycle) = filter.cycle {
        query.push(" AND cycle_id = ").push_bind(cycle.0);
    }
    if let Some(subject) = filter.subject {
        query.push(" AND subject_id = ").push_bind(subject.0);
    }
    if let Some(reviewer) = filter.reviewer {
        query.push(" AND reviewer_id = ").push_bind(reviewer.0);
    }
    if let Some(kind) = filter.kind {
        query.push(" AND kind = ").push_bind(kind.as_str());
    }
    if let Some(state) = filter.state {
        query.push(" AND state = ").push_bind(state.as_str());
    }
    fetch(conn, query).await
}

/// One review, if it exists.
pub(super) async fn by_id(
    conn: &mut Connection,
    id: ReviewId,
) -> Result<Option<Review>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_REVIEWS);
    query.push(" AND id = ").push_bind(id.0);
    Ok(fetch(conn, query).await?.into_iter().next())
}

/// Writes a started cycle's participants, each once (the first time they are named).
pub(super) async fn insert_participants(
    conn: &mut Connection,
    cycle: CycleId,
    participants: &[Participant],
) -> Result<(), StoreError> {
    for chunk in participants.chunks(MAX_BINDS / 3) {
        let mut query = QueryBuilder::<Db>::new(
            "INSERT INTO review_participants (cycle_id, person_id, manager_id) ",
        );
        query.push_values(chunk, |mut row, participant| {
            row.push_bind(cycle.0)
                .push_bind(participant.person.0)
                .push_bind(participant.manager.map(|manager| manager.0));
        });
        query.push(" ON CONFLICT (cycle_id, person_id) DO NOTHING");
        query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify("writing a review cycle's participants"))?;
    }
    Ok(())
}

/// Writes each participant's pending self-review and manager review (by `hr` where they
/// have no manager); returns how many were written.
pub(super) async fn insert_first_reviews(
    conn: &mut Connection,
    cycle: CycleId,
    participants: &[Participant],
    hr: PersonId,
    at: i64,
) -> Result<u64, StoreError> {
    let rows: Vec<(PersonId, PersonId, Reviewer)> = participants
        .iter()
        .flat_map(|participant| {
            let person = participant.person;
            [
                (person, person, Reviewer::SelfReview),
                (person, participant.manager.unwrap_or(hr), Reviewer::Manager),
            ]
        })
        // HR without a manager of their own is not their own manager reviewer.
        .filter(|(subject, reviewer, kind)| *kind != Reviewer::Manager || subject != reviewer)
        .collect();
    let mut written = 0;
    for chunk in rows.chunks(MAX_BINDS / 8) {
        let mut query = QueryBuilder::<Db>::new(
            "INSERT INTO reviews (cycle_id, subject_id, reviewer_id, kind, state, answers, \
             created_at, updated_at) ",
        );
        query.push_values(chunk, |mut row, (subject, reviewer, kind)| {
            row.push_bind(cycle.0)
                .push_bind(subject.0)
                .push_bind(reviewer.0)
                .push_bind(kind.as_str())
                .push_bind("pending")
                .push_bind("{}")
                .push_bind(at)
                .push_bind(at);
        });
        query.push(" ON CONFLICT (cycle_id, subject_id, reviewer_id, kind) DO NOTHING");
        written += query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify("writing a review cycle's first reviews"))?
            .rows_affected();
    }
    Ok(written)
}

/// Whether any of `subject`'s nominations in the cycle is approved.
async fn approved(
    conn: &mut Connection,
    cycle: CycleId,
    subject: PersonId,
) -> Result<bool, StoreError> {
    let found: Option<i32> = sqlx::query_scalar(
        "SELECT 1 FROM review_nominations WHERE cycle_id = $1 AND subject_id = $2 \
         AND status = 'approved' LIMIT 1",
    )
    .bind(cycle.0)
    .bind(subject.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(classify("looking for approved nominations"))?;
    Ok(found.is_some())
}

/// `peers` without repeats, in the order first named.
fn distinct(peers: &[PersonId]) -> Vec<PersonId> {
    let mut seen = BTreeSet::new();
    peers
        .iter()
        .copied()
        .filter(|peer| seen.insert(*peer))
        .collect()
}

/// Replaces `subject`'s proposed nominations with `peers`; `false`, with nothing changed,
/// once any of them is approved. Taken under the nominations lock, like [`approve`], so
/// neither interleaves with the other.
pub(super) async fn nominate(
    conn: &mut Connection,
    cycle: CycleId,
    subject: PersonId,
    peers: &[PersonId],
    at: i64,
) -> Result<bool, StoreError> {
    lock(conn, "review.nominations").await?;
    if approved(conn, cycle, subject).await? {
        return Ok(false);
    }
    sqlx::query("DELETE FROM review_nominations WHERE cycle_id = $1 AND subject_id = $2")
        .bind(cycle.0)
        .bind(subject.0)
        .execute(&mut *conn)
        .await
        .map_err(classify("replacing nominations"))?;
    insert_nominations(conn, cycle, subject, &distinct(peers), "proposed", at).await?;
    Ok(true)
}

/// Writes `peers` as `subject`'s nominations in `status`, nominated at `at` (and approved
/// then, if they are).
async fn insert_nominations(
    conn: &mut Connection,
    cycle: CycleId,
    subject: PersonId,
    peers: &[PersonId],
    status: &'static str,
    at: i64,
) -> Result<(), StoreError> {
    if peers.is_empty() {
        return Ok(());
    }
    let approved_at = (status == "approved").then_some(at);
    let mut query = QueryBuilder::<Db>::new(
        "INSERT INTO review_nominations (cycle_id, subject_id, peer_id, status, nominated_at, \
         approved_at) ",
    );
    query.push_values(peers, |mut row, peer| {
        row.push_bind(cycle.0)
            .push_bind(subject.0)
            .push_bind(peer.0)
            .push_bind(status)
            .push_bind(at)
            .push_bind(approved_at);
    });
    query
        .build()
        .execute(&mut *conn)
        .await
        .map_err(classify("writing nominations"))?;
    Ok(())
}

/// The cycle's nominations, of `subject` only if given, by subject and peer.
pub(super) async fn nominations(
    conn: &mut Connection,
    cycle: CycleId,
    subject: Option<PersonId>,
) -> Result<Vec<Nomination>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(
        "SELECT subject_id, peer_id, status FROM review_nominations WHERE cycle_id = ",
    );
    query.push_bind(cycle.0);
    if let Some(subject) = subject {
        query.push(" AND subject_id = ").push_bind(subject.0);
    }
    query.push(" ORDER BY subject_id, peer_id");
    let rows: Vec<(i64, i64, String)> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading nominations"))?;
    rows.into_iter()
        .map(|(subject, peer, status)| {
            let status = match status.as_str() {
                "proposed" => NominationStatus::Proposed,
                "approved" => NominationStatus::Approved,
                other => anyhow::bail!("stored nomination status `{other}`"),
            };
            Ok(Nomination {
                subject: PersonId(subject),
                peer: PersonId(peer),
                status,
            })
        })
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// Approves `subject`'s nominations as `peers` and writes a pending peer review by each:
/// the peers approved and their reviews' ids, in the order first named; `None`, with
/// nothing changed, if they were approved already.
pub(super) async fn approve(
    conn: &mut Connection,
    cycle: CycleId,
    subject: PersonId,
    peers: &[PersonId],
    at: i64,
) -> Result<Option<(Vec<PersonId>, Vec<ReviewId>)>, StoreError> {
    lock(conn, "review.nominations").await?;
    if approved(conn, cycle, subject).await? {
        return Ok(None);
    }
    sqlx::query("DELETE FROM review_nominations WHERE cycle_id = $1 AND subject_id = $2")
        .bind(cycle.0)
        .bind(subject.0)
        .execute(&mut *conn)
        .await
        .map_err(classify("replacing nominations with those approved"))?;
    let peers = distinct(peers);
    insert_nominations(conn, cycle, subject, &peers, "approved", at).await?;
    let mut reviews = Vec::with_capacity(peers.len());
    for peer in &peers {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO reviews (cycle_id, subject_id, reviewer_id, kind, state, answers, \
             created_at, updated_at) VALUES ($1, $2, $3, 'peer', 'pending', '{}', $4, $4) \
             RETURNING id",
        )
        .bind(cycle.0)
        .bind(subject.0)
        .bind(peer.0)
        .bind(at)
        .fetch_one(&mut *conn)
        .await
        .map_err(classify("writing a peer review"))?;
        reviews.push(ReviewId(id));
    }
    Ok(Some((peers, reviews)))
}

/// Saves `answers` as a draft or submits them, unless the review was submitted or its cycle
/// is not active: one conditional statement, so a submission or a closing that commits
/// first wins.
pub(super) async fn save(
    conn: &mut Connection,
    id: ReviewId,
    answers: &BTreeMap<String, String>,
    submit: bool,
    at: i64,
) -> Result<SaveReview, StoreError> {
    let answers = serde_json::to_string(answers).map_err(|e| StoreError::Unexpected(e.into()))?;
    let (state, submitted_at) = if submit {
        (ReviewState::Submitted, Some(at))
    } else {
        (ReviewState::InProgress, None)
    };
    let saved = sqlx::query(
        "UPDATE reviews SET answers = $1, state = $2, submitted_at = $3, updated_at = $4 \
         WHERE id = $5 AND state <> 'submitted' AND EXISTS (SELECT 1 FROM review_cycles c \
         WHERE c.id = reviews.cycle_id AND c.state = 'active')",
    )
    .bind(answers)
    .bind(state.as_str())
    .bind(submitted_at)
    .bind(at)
    .bind(id.0)
    .execute(&mut *conn)
    .await
    .map_err(classify("saving a review"))?;
    if saved.rows_affected() == 1 {
        let review = by_id(conn, id).await?;
        return review.map(SaveReview::Saved).ok_or_else(|| gone(id));
    }
    // Nothing changed: say why, the cycle first.
    let found: Option<(String, String)> = sqlx::query_as(
        "SELECT r.state, c.state FROM reviews r JOIN review_cycles c ON c.id = r.cycle_id \
         WHERE r.id = $1",
    )
    .bind(id.0)
    .fetch_optional(&mut *conn)
    .await
    .map_err(classify("reading a review's state"))?;
    let Some((review, cycle)) = found else {
        return Err(gone(id));
    };
    if CycleState::parse(&cycle) != Some(CycleState::Active) {
        Ok(SaveReview::CycleNotActive)
    } else if ReviewState::parse(&review) == Some(ReviewState::Submitted) {
        Ok(SaveReview::Locked)
    } else {
        Err(StoreError::Unexpected(anyhow::anyhow!(
            "review {} ({review}, cycle {cycle}) was not saved",
            id.0
        )))
    }
}

/// A review that is not there to save: the port has no outcome for it, since a caller
/// only saves a review it has read (a person deleted meanwhile takes theirs with them).
fn gone(id: ReviewId) -> StoreError {
    StoreError::Unexpected(anyhow::anyhow!("review {} does not exist", id.0))
}

/// Reopens a submitted review (in progress again, its answers kept): the review as it now
/// stands, or `None` if it was not submitted.
pub(super) async fn reopen(
    conn: &mut Connection,
    id: ReviewId,
    at: i64,
) -> Result<Option<Review>, StoreError> {
    let reopened = sqlx::query(
        "UPDATE reviews SET state = 'in_progress', submitted_at = NULL, updated_at = $1 \
         WHERE id = $2 AND state = 'submitted'",
    )
    .bind(at)
    .bind(id.0)
    .execute(&mut *conn)
    .await
    .map_err(classify("reopening a review"))?;
    if reopened.rows_affected() == 0 {
        return Ok(None);
    }
    by_id(conn, id).await
}
