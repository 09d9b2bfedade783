//! Feedback: requests (one per person asked, with their ask and reminder notices, kept
//! instead of repeated while open), feedback given on request or unprompted with the notices
//! that tell its readers, and declining a request.

use chrono::{DateTime, Utc};
use rhythm_domain::feedback::notices::{ask_subject, remind_subject, subject};
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    Feedback, FeedbackFilter, FeedbackId, FeedbackRecord, FeedbackRequest, FeedbackRequestId,
    FeedbackVisibility, GiveFeedback, NewFeedback, NewFeedbackRequest, RequestStatus, StoreError,
};
use sqlx::QueryBuilder;

use super::store::SqlStore;
use super::{Db, LOCK, notices};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Every column of a request; conditions follow `WHERE TRUE`.
const SELECT_REQUESTS: &str = "SELECT id, subject_id, requester_id, giver_id, about, asked_at, \
     expires_at, status FROM feedback_requests WHERE TRUE";

/// Every column of feedback, with what its request asked about; conditions follow
/// `WHERE TRUE`.
const SELECT_FEEDBACK: &str = "SELECT f.id, f.subject_id, f.giver_id, f.request_id, r.about, \
     f.text, f.visibility, f.given_at FROM feedback f \
     LEFT JOIN feedback_requests r ON r.id = f.request_id WHERE TRUE";

#[derive(sqlx::FromRow)]
struct RequestRow {
    id: i64,
    subject_id: i64,
    requester_id: i64,
    giver_id: i64,
    about: String,
    asked_at: i64,
    expires_at: i64,
    status: String,
}

impl RequestRow {
    fn into_request(self) -> anyhow::Result<FeedbackRequest> {
        Ok(FeedbackRequest {
            id: FeedbackRequestId(self.id),
            subject: PersonId(self.subject_id),
            requester: PersonId(self.requester_id),
            giver: PersonId(self.giver_id),
            about: self.about,
            asked_at: instant(self.asked_at)?,
            expires_at: instant(self.expires_at)?,
            status: RequestStatus::parse(&self.status)
                .ok_or_else(|| anyhow::anyhow!("stored request status `{}`", self.status))?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct FeedbackRow {
    id: i64,
    subject_id: i64,
    giver_id: i64,
    request_id: Option<i64>,
    about: Option<String>,
    text: String,
    visibility: String,
    given_at: i64,
}

impl FeedbackRow {
    fn into_record(self) -> anyhow::Result<FeedbackRecord> {
        Ok(FeedbackRecord {
            id: FeedbackId(self.id),
            subject: PersonId(self.subject_id),
            giver: PersonId(self.giver_id),
            request: self
                .request_id
                .map(|id| (FeedbackRequestId(id), self.about.unwrap_or_default())),
            text: self.text,
            visibility: FeedbackVisibility::parse(&self.visibility).ok_or_else(|| {
                anyhow::anyhow!("stored feedback visibility `{}`", self.visibility)
            })?,
            given_at: instant(self.given_at)?,
        })
    }
}

/// The requests `query` (built from `SELECT_REQUESTS`) finds.
async fn requests(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
) -> Result<Vec<FeedbackRequest>, StoreError> {
    let rows: Vec<RequestRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading feedback requests"))?;
    rows.into_iter()
        .map(RequestRow::into_request)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

async fn request_by_id(
    conn: &mut Connection,
    id: FeedbackRequestId,
) -> Result<Option<FeedbackRequest>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_REQUESTS);
    query.push(" AND id = ").push_bind(id.0);
    Ok(requests(conn, query).await?.into_iter().next())
}

/// The feedback `query` (built from `SELECT_FEEDBACK`) finds, oldest first.
async fn records(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
) -> Result<Vec<FeedbackRecord>, StoreError> {
    query.push(" ORDER BY f.given_at, f.id");
    let rows: Vec<FeedbackRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading feedback"))?;
    rows.into_iter()
        .map(FeedbackRow::into_record)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// The open request from `new`'s requester to its giver about its subject that is still
/// open when `new` is asked, if any.
async fn open_like(
    conn: &mut Connection,
    new: &NewFeedbackRequest,
) -> Result<Option<FeedbackRequestId>, StoreError> {
    let id: Option<i64> = sqlx::query_scalar(
        "SELECT id FROM feedback_requests WHERE subject_id = $1 AND requester_id = $2 \
         AND giver_id = $3 AND status = 'open' AND expires_at > $4 ORDER BY id LIMIT 1",
    )
    .bind(new.subject.0)
    .bind(new.requester.0)
    .bind(new.giver.0)
    .bind(new.asked_at.timestamp_millis())
    .fetch_optional(&mut *conn)
    .await
    .map_err(classify("looking for an open feedback request"))?;
    Ok(id.map(FeedbackRequestId))
}

/// Writes `new`, its ask (due when asked) and its reminder (due at `remind_at`).
async fn insert_request(
    conn: &mut Connection,
    new: &NewFeedbackRequest,
) -> Result<FeedbackRequestId, StoreError> {
    let asked_at = new.asked_at.timestamp_millis();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO feedback_requests (subject_id, requester_id, giver_id, about, asked_at, \
         expires_at, status) VALUES ($1, $2, $3, $4, $5, $6, 'open') RETURNING id",
    )
    .bind(new.subject.0)
    .bind(new.requester.0)
    .bind(new.giver.0)
    .bind(new.about.as_str())
    .bind(asked_at)
    .bind(new.expires_at.timestamp_millis())
    .fetch_one(&mut *conn)
    .await
    .map_err(classify("writing a feedback request"))?;
    let id = FeedbackRequestId(id);
    let notice = std::slice::from_ref(&new.notice);
    notices::insert_due(conn, &ask_subject(id), notice, asked_at, asked_at).await?;
    let remind_at = new.remind_at.timestamp_millis();
    notices::insert_due(conn, &remind_subject(id), notice, remind_at, asked_at).await?;
    Ok(id)
}

impl Feedback for SqlStore {
    async fn request_feedback(
        &self,
        new: &[NewFeedbackRequest],
    ) -> Result<Vec<FeedbackRequestId>, StoreError> {
        if new.is_empty() {
            return Ok(Vec::new());
        }
        let mut tx = self.write("starting feedback requests").await?;
        if let Some(lock) = LOCK {
            sqlx::query(lock)
                .bind("feedback.request")
                .execute(&mut *tx)
                .await
                .map_err(classify("taking the feedback request lock"))?;
        }
        let mut ids = Vec::with_capacity(new.len());
        for request in new {
            let id = match open_like(&mut tx, request).await? {
                Some(id) => id,
                None => insert_request(&mut tx, request).await?,
            };
            ids.push(id);
        }
        tx.commit()
            .await
            .map_err(classify("committing feedback requests"))?;
        Ok(ids)
    }

    async fn feedback_request(
        &self,
        id: FeedbackRequestId,
    ) -> Result<Option<FeedbackRequest>, StoreError> {
        request_by_id(&mut *self.connection().await?, id).await
    }

    async fn feedback_requests(
        &self,
        giver: Option<PersonId>,
    ) -> Result<Vec<FeedbackRequest>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(SELECT_REQUESTS);
        if let Some(giver) = giver {
            query.push(" AND giver_id = ").push_bind(giver.0);
        }
        query.push(" ORDER BY asked_at DESC, id DESC");
        requests(&mut *self.connection().await?, query).await
    }

    async fn give_feedback(&self, feedback: &NewFeedback) -> Result<GiveFeedback, StoreError> {
        let given_at = feedback.given_at.timestamp_millis();
        let mut tx = self.write("starting to give feedback").await?;
        if let Some(id) = feedback.request {
            // A request deleted with its subject or requester can no longer be answered.
            let Some(request) = request_by_id(&mut tx, id).await? else {
                return Ok(GiveFeedback::Expired);
            };
            if request.status != RequestStatus::Open {
                return Ok(GiveFeedback::AlreadyAnswered);
            }
            if !request.open_at(feedback.given_at) {
                return Ok(GiveFeedback::Expired);
            }
            let answered = sqlx::query(
                "UPDATE feedback_requests SET status = 'answered', answered_at = $1 \
                 WHERE id = $2 AND status = 'open'",
            )
            .bind(given_at)
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(classify("answering a feedback request"))?;
            if answered.rows_affected() == 0 {
                return Ok(GiveFeedback::AlreadyAnswered);
            }
            notices::skip_pending(&mut tx, &remind_subject(id)).await?;
        }
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO feedback (subject_id, giver_id, request_id, text, visibility, given_at) \
             VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        )
        .bind(feedback.subject.0)
        .bind(feedback.giver.0)
        .bind(feedback.request.map(|id| id.0))
        .bind(feedback.text.as_str())
        .bind(feedback.visibility.as_str())
        .bind(given_at)
        .fetch_one(&mut *tx)
        .await
        .map_err(classify("recording feedback"))?;
        let id = FeedbackId(id);
        notices::insert(&mut tx, &subject(id), &feedback.notices, given_at).await?;
        tx.commit().await.map_err(classify("committing feedback"))?;
        Ok(GiveFeedback::Given(id))
    }

    async fn decline_feedback(
        &self,
        id: FeedbackRequestId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.write("starting to decline a feedback request").await?;
        let declined = sqlx::query(
            "UPDATE feedback_requests SET status = 'declined', answered_at = $1 \
             WHERE id = $2 AND status = 'open' AND expires_at > $1",
        )
        .bind(at)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("declining a feedback request"))?;
        if declined.rows_affected() == 0 {
            return Ok(false);
        }
        notices::skip_pending(&mut tx, &remind_subject(id)).await?;
        tx.commit()
            .await
            .map_err(classify("committing a declined feedback request"))?;
        Ok(true)
    }

    async fn feedback_by_id(&self, id: FeedbackId) -> Result<Option<FeedbackRecord>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(SELECT_FEEDBACK);
        query.push(" AND f.id = ").push_bind(id.0);
        Ok(records(&mut *self.connection().await?, query)
            .await?
            .into_iter()
            .next())
    }

    async fn feedback(&self, filter: &FeedbackFilter) -> Result<Vec<FeedbackRecord>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(SELECT_FEEDBACK);
        query
            .push(" AND f.given_at >= ")
            .push_bind(filter.from.timestamp_millis())
            .push(" AND f.given_at < ")
            .push_bind(filter.to.timestamp_millis());
        if let Some(subject) = filter.subject {
            query.push(" AND f.subject_id = ").push_bind(subject.0);
        }
        records(&mut *self.connection().await?, query).await
    }
}
