//! The planner's transaction: take due schedules, claim their occurrences, write their
//! deliveries, advance them by compare-and-set.

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use rhythm_domain::ports::{
    Advance, DeliveryPlan, OccurrenceStatus, PlannerStep, StoreError, StoredSchedule,
};

use super::schedules::{ScheduleRow, calendars, stored};
use super::{DUE_SCHEDULES, Db, MAX_BINDS};
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
