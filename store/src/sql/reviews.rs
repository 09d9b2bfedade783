//! Review cycles: one per name (the rest of its spec one JSON document), started once with
//! its participants and their self and manager reviews, closed and released once, its
//! anonymity threshold changed until release, and who acknowledged their results. Every admin
//! change writes its audit entry in its own transaction. Nominations and the reviews
//! themselves are in `review_items.rs`.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    Approve, AuditEntry, CreateCycle, Cycle, CycleId, Nomination, Participant, Review,
    ReviewFilter, ReviewId, Reviews, SaveReview, StoreError,
};
use rhythm_domain::reviews::cycle::CycleSpec;
use rhythm_domain::reviews::model::CycleState;
use serde_json::json;
use sqlx::QueryBuilder;

use super::store::SqlStore;
use super::turn::WriteTx;
use super::{Db, audit, review_items};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Every column of a cycle; conditions follow `WHERE TRUE`.
const SELECT_CYCLES: &str = "SELECT id, name, spec, state, released_at, created_at, \
     (SELECT MIN(r.created_at) FROM reviews r WHERE r.cycle_id = review_cycles.id) \
     AS started_at FROM review_cycles WHERE TRUE";

#[derive(sqlx::FromRow)]
struct CycleRow {
    id: i64,
    name: String,
    spec: String,
    state: String,
    released_at: Option<i64>,
    created_at: i64,
    started_at: Option<i64>,
}

impl CycleRow {
    fn into_cycle(self) -> anyhow::Result<Cycle> {
        let id = self.id;
        self.parse()
            .map_err(|error| error.context(format!("reading stored review cycle {id}")))
    }

    fn parse(self) -> anyhow::Result<Cycle> {
        let doc: serde_json::Value = serde_json::from_str(&self.spec)?;
        let spec = CycleSpec::from_stored(&self.name, doc)
            .map_err(|invalid| anyhow::anyhow!("stored spec: {invalid}"))?;
        Ok(Cycle {
            id: CycleId(self.id),
            spec,
            state: CycleState::parse(&self.state)
                .ok_or_else(|| anyhow::anyhow!("stored cycle state `{}`", self.state))?,
            released_at: self.released_at.map(instant).transpose()?,
            created_at: instant(self.created_at)?,
            started_at: self.started_at.map(instant).transpose()?,
        })
    }
}

/// Runs a cycle query built from `SELECT_CYCLES`, its conditions and its order.
async fn fetch(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
) -> Result<Vec<Cycle>, StoreError> {
    let rows: Vec<CycleRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading review cycles"))?;
    rows.into_iter()
        .map(CycleRow::into_cycle)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// One cycle, if it exists.
async fn by_id(conn: &mut Connection, id: CycleId) -> Result<Option<Cycle>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_CYCLES);
    query.push(" AND id = ").push_bind(id.0);
    Ok(fetch(conn, query).await?.into_iter().next())
}

/// Writes an audit entry for `action` by `actor` at `at` (epoch ms).
async fn audited(
    conn: &mut Connection,
    actor: &str,
    action: &str,
    details: serde_json::Value,
    at: i64,
) -> Result<(), StoreError> {
    let entry = AuditEntry {
        actor: actor.to_owned(),
        action: action.to_owned(),
        details,
    };
    audit::write(conn, &entry, at).await
}

/// Audits `action` on cycle `id` and commits, if the statement before `changed` a row;
/// `false`, with nothing written, if it did not.
async fn audit_change(
    mut tx: WriteTx,
    changed: u64,
    id: CycleId,
    action: &'static str,
    actor: &str,
    at: i64,
) -> Result<bool, StoreError> {
    if changed == 0 {
        return Ok(false);
    }
    audited(&mut tx, actor, action, json!({ "cycle_id": id.0 }), at).await?;
    tx.commit()
        .await
        .map_err(classify("committing a review cycle change"))?;
    Ok(true)
}

impl Reviews for SqlStore {
    async fn create_cycle(
        &self,
        spec: &CycleSpec,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<CreateCycle, StoreError> {
        let at = at.timestamp_millis();
        let doc = spec.to_stored();
        let mut tx = self.write("starting to create a review cycle").await?;
        let created: Option<i64> = sqlx::query_scalar(
            "INSERT INTO review_cycles (name, spec, state, created_at) \
             VALUES ($1, $2, 'draft', $3) ON CONFLICT (name) DO NOTHING RETURNING id",
        )
        .bind(spec.name.as_str())
        .bind(doc.to_string())
        .bind(at)
        .fetch_optional(&mut *tx)
        .await
        .map_err(classify("creating a review cycle"))?;
        let Some(id) = created else {
            let taken: i64 = sqlx::query_scalar("SELECT id FROM review_cycles WHERE name = $1")
                .bind(spec.name.as_str())
                .fetch_one(&mut *tx)
                .await
                .map_err(classify("finding the review cycle with a name"))?;
            return Ok(CreateCycle::NameTaken(CycleId(taken)));
        };
        let details = json!({ "cycle_id": id, "name": spec.name, "spec": doc });
        audited(&mut tx, actor, "review_cycle.create", details, at).await?;
        tx.commit()
            .await
            .map_err(classify("committing a new review cycle"))?;
        Ok(CreateCycle::Created(CycleId(id)))
    }

    async fn cycles(&self) -> Result<Vec<Cycle>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(SELECT_CYCLES);
        query.push(" ORDER BY created_at DESC, id DESC");
        fetch(&mut *self.connection().await?, query).await
    }

    async fn cycle(&self, id: CycleId) -> Result<Option<Cycle>, StoreError> {
        by_id(&mut *self.connection().await?, id).await
    }

    async fn start_cycle(
        &self,
        id: CycleId,
        participants: &[Participant],
        hr: PersonId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut named = BTreeSet::new();
        let participants: Vec<Participant> = participants
            .iter()
            .filter(|participant| named.insert(participant.person))
            .copied()
            .collect();
        let mut tx = self.write("starting to start a review cycle").await?;
        let started = sqlx::query(
            "UPDATE review_cycles SET state = 'active' WHERE id = $1 AND state = 'draft'",
        )
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("starting a review cycle"))?;
        if started.rows_affected() == 0 {
            return Ok(false);
        }
        review_items::insert_participants(&mut tx, id, &participants).await?;
        let reviews =
            review_items::insert_first_reviews(&mut tx, id, &participants, hr, at).await?;
        let details = json!({
            "cycle_id": id.0,
            "participants": participants.len(),
            "reviews": reviews,
            "hr_id": hr.0,
        });
        audited(&mut tx, actor, "review_cycle.start", details, at).await?;
        tx.commit()
            .await
            .map_err(classify("committing a started review cycle"))?;
        Ok(true)
    }

    async fn close_cycle(
        &self,
        id: CycleId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.write("starting to close a review cycle").await?;
        let closed = sqlx::query(
            "UPDATE review_cycles SET state = 'closed' WHERE id = $1 AND state = 'active'",
        )
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("closing a review cycle"))?;
        audit_change(
            tx,
            closed.rows_affected(),
            id,
            "review_cycle.close",
            actor,
            at,
        )
        .await
    }

    async fn release_cycle(
        &self,
        id: CycleId,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.write("starting to release a review cycle").await?;
        let released = sqlx::query(
            "UPDATE review_cycles SET released_at = $1 \
             WHERE id = $2 AND state = 'active' AND released_at IS NULL",
        )
        .bind(at)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("releasing a review cycle"))?;
        audit_change(
            tx,
            released.rows_affected(),
            id,
            "review_cycle.release",
            actor,
            at,
        )
        .await
    }

    async fn participants(&self, id: CycleId) -> Result<Vec<Participant>, StoreError> {
        let rows: Vec<(i64, Option<i64>)> = sqlx::query_as(
            "SELECT person_id, manager_id FROM review_participants WHERE cycle_id = $1 \
             ORDER BY person_id",
        )
        .bind(id.0)
        .fetch_all(&mut *self.connection().await?)
        .await
        .map_err(classify("reading a review cycle's participants"))?;
        Ok(rows
            .into_iter()
            .map(|(person, manager)| Participant {
                person: PersonId(person),
                manager: manager.map(PersonId),
            })
            .collect())
    }

    async fn nominate(
        &self,
        id: CycleId,
        subject: PersonId,
        peers: &[PersonId],
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write("starting to nominate peers").await?;
        let nominated =
            review_items::nominate(&mut tx, id, subject, peers, at.timestamp_millis()).await?;
        if nominated {
            tx.commit()
                .await
                .map_err(classify("committing nominations"))?;
        }
        Ok(nominated)
    }

    async fn nominations(
        &self,
        id: CycleId,
        subject: Option<PersonId>,
    ) -> Result<Vec<Nomination>, StoreError> {
        review_items::nominations(&mut *self.connection().await?, id, subject).await
    }

    async fn approve_nominations(
        &self,
        id: CycleId,
        subject: PersonId,
        peers: &[PersonId],
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<Approve, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.write("starting to approve nominations").await?;
        let Some((peers, reviews)) = review_items::approve(&mut tx, id, subject, peers, at).await?
        else {
            return Ok(Approve::AlreadyApproved);
        };
        // The manager's own decision, not what any peer wrote: naming the peers is fine.
        let details = json!({
            "cycle_id": id.0,
            "subject_id": subject.0,
            "peer_ids": peers.iter().map(|peer| peer.0).collect::<Vec<_>>(),
        });
        audited(&mut tx, actor, "review.nominations_approved", details, at).await?;
        tx.commit()
            .await
            .map_err(classify("committing approved nominations"))?;
        Ok(Approve::Approved(reviews))
    }

    async fn reviews(&self, filter: &ReviewFilter) -> Result<Vec<Review>, StoreError> {
        review_items::reviews(&mut *self.connection().await?, filter).await
    }

    async fn review(&self, id: ReviewId) -> Result<Option<Review>, StoreError> {
        review_items::by_id(&mut *self.connection().await?, id).await
    }

    async fn save_review(
        &self,
        id: ReviewId,
        answers: &BTreeMap<String, String>,
        submit: bool,
        at: DateTime<Utc>,
    ) -> Result<SaveReview, StoreError> {
        let mut tx = self.write("starting to save a review").await?;
        let saved = review_items::save(&mut tx, id, answers, submit, at.timestamp_millis()).await?;
        if matches!(saved, SaveReview::Saved(_)) {
            tx.commit().await.map_err(classify("committing a review"))?;
        }
        Ok(saved)
    }

    async fn reopen_review(
        &self,
        id: ReviewId,
        actor: &str,
        reason: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.write("starting to reopen a review").await?;
        let Some(review) = review_items::reopen(&mut tx, id, at).await? else {
            return Ok(false);
        };
        // Never the reviewer: for a peer review that would name who wrote it.
        let details = json!({
            "review_id": id.0,
            "cycle_id": review.cycle.0,
            "subject_id": review.subject.0,
            "kind": review.kind.as_str(),
            "reason": reason,
        });
        audited(&mut tx, actor, "review.reopen", details, at).await?;
        tx.commit()
            .await
            .map_err(classify("committing a reopened review"))?;
        Ok(true)
    }

    async fn set_threshold(
        &self,
        id: CycleId,
        min_responses: usize,
        actor: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let at = at.timestamp_millis();
        let mut tx = self.write("starting to change a review threshold").await?;
        review_items::lock(&mut tx, "review_cycle.threshold").await?;
        let Some(cycle) = by_id(&mut tx, id).await? else {
            return Ok(false);
        };
        if cycle.released_at.is_some() {
            return Ok(false);
        }
        let mut spec = cycle.spec;
        let old = spec.min_responses;
        spec.min_responses = min_responses;
        // Released meanwhile (another process, on Postgres) refuses it too.
        let changed =
            sqlx::query("UPDATE review_cycles SET spec = $1 WHERE id = $2 AND released_at IS NULL")
                .bind(spec.to_stored().to_string())
                .bind(id.0)
                .execute(&mut *tx)
                .await
                .map_err(classify("changing a review threshold"))?;
        if changed.rows_affected() == 0 {
            return Ok(false);
        }
        let details = json!({ "cycle_id": id.0, "from": old, "to": min_responses });
        audited(&mut tx, actor, "review_cycle.threshold", details, at).await?;
        tx.commit()
            .await
            .map_err(classify("committing a review threshold"))?;
        Ok(true)
    }

    async fn acknowledge(
        &self,
        id: CycleId,
        person: PersonId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let written = sqlx::query(
            "INSERT INTO review_acknowledgements (cycle_id, person_id, acknowledged_at) \
             VALUES ($1, $2, $3) ON CONFLICT (cycle_id, person_id) DO NOTHING",
        )
        .bind(id.0)
        .bind(person.0)
        .bind(at.timestamp_millis())
        .execute(&mut *self.write_connection().await?)
        .await
        .map_err(classify("acknowledging review results"))?;
        Ok(written.rows_affected() == 1)
    }

    async fn acknowledgements(
        &self,
        id: CycleId,
    ) -> Result<Vec<(PersonId, DateTime<Utc>)>, StoreError> {
        let rows: Vec<(i64, i64)> = sqlx::query_as(
            "SELECT person_id, acknowledged_at FROM review_acknowledgements \
             WHERE cycle_id = $1 ORDER BY acknowledged_at, person_id",
        )
        .bind(id.0)
        .fetch_all(&mut *self.connection().await?)
        .await
        .map_err(classify("reading acknowledgements"))?;
        rows.into_iter()
            .map(|(person, at)| Ok((PersonId(person), instant(at)?)))
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::Unexpected)
    }
}
