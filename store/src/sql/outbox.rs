//! The planner's transaction: take due schedules, claim their occurrences, write their
//! deliveries, advance them by compare-and-set.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rhythm_domain::people::{DisplayName, Email};
use rhythm_domain::ports::{
    Advance, DeliveryId, DeliveryPlan, Finish, OccurrenceStatus, OutboxHealth, Outgoing,
    PlannerStep, StoreError, StoredSchedule,
};

use super::schedules::{ScheduleRow, calendars, stored};
use super::{DUE_SCHEDULES, Db, LEASE_DUE, MAX_BINDS};
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// The unpaused schedules due at `now`, at most `limit`, skipping any another planner holds.
pub(crate) async fn due(
    conn: &mut Connection,
    now: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<StoredSchedule>, StoreError> {
    let names: HashSet<String> = calendars(conn).await?.into_iter().map(|c| c.name).collect();
    let rows: Vec<ScheduleRow> = sqlx::query_as(DUE_SCHEDULES)
        .bind(false)
        .bind(now.timestamp_millis())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading due schedules"))?;
    rows.into_iter()
        .map(|row| stored(&row, &names))
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)
}

/// Why an advance was not written.
pub(crate) enum Written {
    /// Claimed and advanced.
    Done,
    /// The schedule changed since it was read: the whole step must be rolled back.
    LostRace,
}

/// Claims each occurrence of `advance`, writes the deliveries of those claimed, and
/// advances the schedule if it is still at the version read.
pub(crate) async fn write(
    conn: &mut Connection,
    advance: &Advance,
    now: DateTime<Utc>,
    step: &mut PlannerStep,
) -> Result<Written, StoreError> {
    for occurrence in &advance.occurrences {
        let claimed: Option<i64> = sqlx::query_scalar(
            "INSERT INTO occurrences (schedule_id, fire_at, status, claimed_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (schedule_id, fire_at) DO NOTHING RETURNING id",
        )
        .bind(advance.schedule.0)
        .bind(occurrence.fire_at.timestamp_millis())
        .bind(occurrence.status.as_str())
        .bind(now.timestamp_millis())
        .fetch_optional(&mut *conn)
        .await
        .map_err(classify("claiming an occurrence"))?;
        let Some(id) = claimed else {
            step.already_claimed += 1;
            continue;
        };
        step.claimed += 1;
        if occurrence.status == OccurrenceStatus::Missed {
            step.missed += 1;
        }
        step.deliveries += insert_deliveries(conn, id, &occurrence.deliveries, now).await?;
    }
    let advanced = sqlx::query(
        "UPDATE schedules SET next_fire_at = $1, version = version + 1 WHERE id = $2 AND version = $3",
    )
    .bind(advance.next_fire_at.map(|at| at.timestamp_millis()))
    .bind(advance.schedule.0)
    .bind(advance.version)
    .execute(&mut *conn)
    .await
    .map_err(classify("advancing a schedule"))?;
    Ok(if advanced.rows_affected() == 1 {
        Written::Done
    } else {
        Written::LostRace
    })
}

async fn insert_deliveries(
    conn: &mut Connection,
    occurrence: i64,
    deliveries: &[DeliveryPlan],
    now: DateTime<Utc>,
) -> Result<usize, StoreError> {
    let mut written = 0;
    for chunk in deliveries.chunks(MAX_BINDS / 5) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO deliveries (occurrence_id, person_id, step, due_at, created_at) ",
        );
        query.push_values(chunk, |mut row, delivery| {
            row.push_bind(occurrence)
                .push_bind(delivery.person.0)
                .push_bind(delivery.step.as_str())
                .push_bind(delivery.due_at.timestamp_millis())
                .push_bind(now.timestamp_millis());
        });
        query.push(" ON CONFLICT (occurrence_id, person_id, step) DO NOTHING");
        let result = query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify("writing deliveries"))?;
        written += usize::try_from(result.rows_affected()).unwrap_or(usize::MAX);
    }
    Ok(written)
}

/// The earliest `next_fire_at` of an unpaused schedule.
pub(crate) async fn next_due(conn: &mut Connection) -> Result<Option<DateTime<Utc>>, StoreError> {
    let next: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(next_fire_at) FROM schedules WHERE paused = $1 AND next_fire_at IS NOT NULL",
    )
    .bind(false)
    .fetch_one(&mut *conn)
    .await
    .map_err(classify("reading the next due schedule"))?;
    next.map(crate::convert::instant)
        .transpose()
        .map_err(StoreError::Unexpected)
}

#[derive(sqlx::FromRow)]
struct OutgoingRow {
    id: i64,
    step: String,
    due_at: i64,
    attempts: i32,
    email: String,
    name: String,
    schedule: String,
    kind: String,
}

/// Leases due deliveries to `owner` until `until`, and reads what their messages need.
pub(crate) async fn lease_due(
    conn: &mut Connection,
    owner: &str,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
    limit: usize,
) -> Result<Vec<Outgoing>, StoreError> {
    sqlx::query(LEASE_DUE)
        .bind(owner)
        .bind(until.timestamp_millis())
        .bind(now.timestamp_millis())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .execute(&mut *conn)
        .await
        .map_err(classify("leasing deliveries"))?;
    let rows: Vec<OutgoingRow> = sqlx::query_as(
        "SELECT d.id, d.step, d.due_at, d.attempts, p.email, p.name, s.name AS schedule, s.kind \
         FROM deliveries d JOIN people p ON p.id = d.person_id \
         JOIN occurrences o ON o.id = d.occurrence_id JOIN schedules s ON s.id = o.schedule_id \
         WHERE d.lease_owner = $1 AND d.lease_until = $2 AND d.status = 'pending' ORDER BY d.due_at",
    )
    .bind(owner)
    .bind(until.timestamp_millis())
    .fetch_all(&mut *conn)
    .await
    .map_err(classify("reading leased deliveries"))?;
    rows.into_iter()
        .map(|row| {
            Ok(Outgoing {
                id: DeliveryId(row.id),
                email: Email::parse(&row.email)
                    .map_err(|invalid| anyhow::anyhow!("stored email: {invalid}"))?,
                name: DisplayName::parse(&row.name)
                    .map_err(|invalid| anyhow::anyhow!("stored name: {invalid}"))?,
                schedule: row.schedule,
                kind: row.kind,
                step: row.step,
                due_at: crate::convert::instant(row.due_at)?,
                attempts: u32::try_from(row.attempts).unwrap_or_default(),
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)
}

/// Records how a leased delivery ended, if `owner` still holds it.
pub(crate) async fn finish(
    conn: &mut Connection,
    id: DeliveryId,
    owner: &str,
    outcome: &Finish,
) -> Result<bool, StoreError> {
    let query = match outcome {
        Finish::Sent { message_id, at } => sqlx::query(
            "UPDATE deliveries SET status = 'sent', message_id = $1, sent_at = $2, attempts = attempts + 1, \
             lease_owner = NULL, lease_until = NULL WHERE id = $3 AND lease_owner = $4 AND status = 'pending'",
        )
        .bind(message_id.as_str())
        .bind(at.timestamp_millis()),
        Finish::Retry { at, error } => sqlx::query(
            "UPDATE deliveries SET due_at = $1, last_error = $2, attempts = attempts + 1, \
             lease_owner = NULL, lease_until = NULL WHERE id = $3 AND lease_owner = $4 AND status = 'pending'",
        )
        .bind(at.timestamp_millis())
        .bind(error.as_str()),
        Finish::Dead { error } => sqlx::query(
            "UPDATE deliveries SET status = 'dead', last_error = $1, attempts = attempts + 1, \
             lease_owner = NULL, lease_until = NULL WHERE id = $2 AND lease_owner = $3 AND status = 'pending'",
        )
        .bind(error.as_str()),
    };
    let result = query
        .bind(id.0)
        .bind(owner)
        .execute(&mut *conn)
        .await
        .map_err(classify("finishing a delivery"))?;
    Ok(result.rows_affected() == 1)
}

/// How the outbox stands at `now`.
pub(crate) async fn health(
    conn: &mut Connection,
    now: DateTime<Utc>,
) -> Result<OutboxHealth, StoreError> {
    let now = now.timestamp_millis();
    let count = |sql: &'static str| sqlx::query_scalar::<_, i64>(sql);
    let pending = count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'")
        .fetch_one(&mut *conn)
        .await
        .map_err(classify("counting pending deliveries"))?;
    let due = count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending' AND due_at <= $1")
        .bind(now)
        .fetch_one(&mut *conn)
        .await
        .map_err(classify("counting due deliveries"))?;
    let dead = count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead'")
        .fetch_one(&mut *conn)
        .await
        .map_err(classify("counting dead letters"))?;
    let oldest: Option<i64> = sqlx::query_scalar(
        "SELECT MIN(due_at) FROM deliveries WHERE status = 'pending' AND due_at <= $1",
    )
    .bind(now)
    .fetch_one(&mut *conn)
    .await
    .map_err(classify("finding the oldest due delivery"))?;
    Ok(OutboxHealth {
        pending: u64::try_from(pending).unwrap_or_default(),
        due: u64::try_from(due).unwrap_or_default(),
        dead: u64::try_from(dead).unwrap_or_default(),
        oldest_due_at: oldest
            .map(crate::convert::instant)
            .transpose()
            .map_err(StoreError::Unexpected)?,
    })
}

/// Deletes sent and cancelled deliveries due before `before`.
pub(crate) async fn purge_finished(
    conn: &mut Connection,
    before: DateTime<Utc>,
) -> Result<u64, StoreError> {
    let result =
        sqlx::query("DELETE FROM deliveries WHERE status IN ('sent', 'cancelled') AND due_at < $1")
            .bind(before.timestamp_millis())
            .execute(&mut *conn)
            .await
            .map_err(classify("purging finished deliveries"))?;
    Ok(result.rows_affected())
}
