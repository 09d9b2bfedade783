//! The planner's transaction: take due schedules, claim their occurrences, write their
//! deliveries, advance them by compare-and-set.

use std::collections::{HashMap, HashSet};

use chrono::{DateTime, Utc};
use rhythm_domain::people::{DisplayName, Email, PersonId, Timezone};
use rhythm_domain::ports::{
    Advance, DeliveryId, DeliveryPlan, Finish, OccurrenceId, OccurrencePlan, OccurrenceStatus,
    OutboxHealth, Outgoing, PlannerStep, ScheduleId, StoreError, StoredSchedule,
};
use rhythm_domain::schedule::ScheduleDoc;

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

/// Whether a planner step's advances were written.
pub(crate) enum Written {
    /// Claimed and advanced.
    Done,
    /// A schedule changed since it was read: the whole step must be rolled back.
    LostRace,
}

/// One occurrence to claim: its schedule, its instant, and what it plans.
struct Claim<'a> {
    schedule: i64,
    occurrence: &'a OccurrencePlan,
}

/// Writes a whole step's advances in a few multi-row statements rather than three per
/// schedule: claims every occurrence (`ON CONFLICT DO NOTHING RETURNING` says which this
/// planner won), writes the deliveries of those it won, and advances every schedule by
/// compare-and-set on its version.
pub(crate) async fn write_all(
    conn: &mut Connection,
    advances: &[Advance],
    now: DateTime<Utc>,
    step: &mut PlannerStep,
) -> Result<Written, StoreError> {
    let claims: Vec<Claim<'_>> = advances
        .iter()
        .flat_map(|advance| {
            advance.occurrences.iter().map(|occurrence| Claim {
                schedule: advance.schedule.0,
                occurrence,
            })
        })
        .collect();
    let mut won: HashMap<(i64, i64), i64> = HashMap::with_capacity(claims.len());
    for chunk in claims.chunks(MAX_BINDS / 4) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO occurrences (schedule_id, fire_at, status, claimed_at) ",
        );
        query.push_values(chunk, |mut row, claim| {
            row.push_bind(claim.schedule)
                .push_bind(claim.occurrence.fire_at.timestamp_millis())
                .push_bind(claim.occurrence.status.as_str())
                .push_bind(now.timestamp_millis());
        });
        query.push(
            " ON CONFLICT (schedule_id, fire_at) DO NOTHING RETURNING schedule_id, fire_at, id",
        );
        let rows: Vec<(i64, i64, i64)> = query
            .build_query_as()
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("claiming occurrences"))?;
        won.extend(
            rows.into_iter()
                .map(|(schedule, fire_at, id)| ((schedule, fire_at), id)),
        );
    }

    let mut deliveries: Vec<(i64, &DeliveryPlan)> = Vec::new();
    for claim in &claims {
        let Some(&id) = won.get(&(claim.schedule, claim.occurrence.fire_at.timestamp_millis()))
        else {
            step.already_claimed += 1;
            continue;
        };
        step.claimed += 1;
        if claim.occurrence.status == OccurrenceStatus::Missed {
            step.missed += 1;
        }
        deliveries.extend(
            claim
                .occurrence
                .deliveries
                .iter()
                .map(|delivery| (id, delivery)),
        );
    }
    for chunk in deliveries.chunks(MAX_BINDS / 5) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "INSERT INTO deliveries (occurrence_id, person_id, step, due_at, created_at) ",
        );
        query.push_values(chunk, |mut row, (occurrence, delivery)| {
            row.push_bind(*occurrence)
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
        step.deliveries += usize::try_from(result.rows_affected()).unwrap_or(usize::MAX);
    }

    // An unaliased VALUES list names its columns column1, column2, … on both backends.
    let mut advanced = 0;
    for chunk in advances.chunks(MAX_BINDS / 3) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "UPDATE schedules SET next_fire_at = v.column3, version = schedules.version + 1 FROM (",
        );
        query.push_values(chunk, |mut row, advance| {
            row.push_bind(advance.schedule.0)
                .push_bind(advance.version)
                .push_bind(advance.next_fire_at.map(|at| at.timestamp_millis()));
        });
        query.push(") AS v WHERE schedules.id = v.column1 AND schedules.version = v.column2");
        let result = query
            .build()
            .execute(&mut *conn)
            .await
            .map_err(classify("advancing schedules"))?;
        advanced += usize::try_from(result.rows_affected()).unwrap_or(0);
    }
    Ok(if advanced == advances.len() {
        Written::Done
    } else {
        Written::LostRace
    })
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
    occurrence_id: i64,
    person_id: i64,
    step: String,
    due_at: i64,
    attempts: i32,
    email: String,
    name: String,
    timezone: String,
    schedule_id: i64,
    schedule: String,
    doc: String,
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
    // The ids this lease took, and no others: the same owner may lease again before its
    // earlier deliveries are finished.
    let ids: Vec<i64> = sqlx::query_scalar(LEASE_DUE)
        .bind(owner)
        .bind(until.timestamp_millis())
        .bind(now.timestamp_millis())
        .bind(i64::try_from(limit).unwrap_or(i64::MAX))
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("leasing deliveries"))?;
    let mut rows: Vec<OutgoingRow> = Vec::with_capacity(ids.len());
    for chunk in ids.chunks(MAX_BINDS) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "SELECT d.id, d.occurrence_id, d.person_id, d.step, d.due_at, d.attempts, p.email, p.name, \
             p.timezone, s.id AS schedule_id, s.name AS schedule, s.doc, s.kind \
             FROM deliveries d JOIN people p ON p.id = d.person_id \
             JOIN occurrences o ON o.id = d.occurrence_id JOIN schedules s ON s.id = o.schedule_id \
             WHERE d.id IN (",
        );
        let mut list = query.separated(", ");
        for id in chunk {
            list.push_bind(*id);
        }
        query.push(")");
        rows.extend(
            query
                .build_query_as::<OutgoingRow>()
                .fetch_all(&mut *conn)
                .await
                .map_err(classify("reading leased deliveries"))?,
        );
    }
    rows.sort_by_key(|row| (row.due_at, row.id));
    rows.into_iter()
        .map(|row| {
            Ok(Outgoing {
                id: DeliveryId(row.id),
                occurrence: OccurrenceId(row.occurrence_id),
                person: PersonId(row.person_id),
                email: Email::parse(&row.email)
                    .map_err(|invalid| anyhow::anyhow!("stored email: {invalid}"))?,
                name: DisplayName::parse(&row.name)
                    .map_err(|invalid| anyhow::anyhow!("stored name: {invalid}"))?,
                timezone: Timezone::parse(&row.timezone)
                    .map_err(|invalid| anyhow::anyhow!("stored time zone: {invalid}"))?,
                schedule_id: ScheduleId(row.schedule_id),
                schedule: row.schedule,
                template: serde_json::from_str::<ScheduleDoc>(&row.doc)
                    .ok()
                    .and_then(|doc| doc.template)
                    .unwrap_or_else(|| "default".to_owned()),
                kind: row.kind,
                step: row.step,
                due_at: crate::convert::instant(row.due_at)?,
                attempts: u32::try_from(row.attempts).unwrap_or_default(),
                lease_until: until,
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)
}

/// Cancels what is still pending of `occurrence` for `person`, and the escalations about
/// them.
pub(crate) async fn complete(
    conn: &mut Connection,
    occurrence: OccurrenceId,
    person: PersonId,
) -> Result<u64, StoreError> {
    let result = sqlx::query(
        "UPDATE deliveries SET status = 'cancelled', lease_owner = NULL, lease_until = NULL \
         WHERE occurrence_id = $1 AND status = 'pending' \
         AND ((person_id = $2 AND step NOT LIKE 'escalation%') OR step IN ($3, $4))",
    )
    .bind(occurrence.0)
    .bind(person.0)
    .bind(format!("escalation:{}", person.0))
    .bind(format!("escalation_hr:{}", person.0))
    .execute(&mut *conn)
    .await
    .map_err(classify("cancelling what a completion made unnecessary"))?;
    Ok(result.rows_affected())
}

/// Records how leased deliveries ended, for those `owner` still holds, in one statement per
/// chunk; says for each whether it was recorded.
pub(crate) async fn finish_all(
    conn: &mut Connection,
    owner: &str,
    outcomes: &[(DeliveryId, Finish)],
) -> Result<Vec<bool>, StoreError> {
    let mut recorded: HashSet<i64> = HashSet::with_capacity(outcomes.len());
    for chunk in outcomes.chunks(MAX_BINDS / 7) {
        let mut query = sqlx::QueryBuilder::<Db>::new(
            "WITH v (id, status, due_at, message_id, last_error, sent_at) AS (",
        );
        query.push_values(chunk, |mut row, (id, outcome)| {
            let (status, due_at, message_id, error, sent_at) = match outcome {
                Finish::Sent { message_id, at } => (
                    "sent",
                    None,
                    Some(message_id.as_str()),
                    None,
                    Some(at.timestamp_millis()),
                ),
                Finish::Retry { at, error } => (
                    "pending",
                    Some(at.timestamp_millis()),
                    None,
                    Some(error.as_str()),
                    None,
                ),
                Finish::Dead { error } => ("dead", None, None, Some(error.as_str()), None),
            };
            row.push_bind(id.0)
                .push_bind(status)
                .push_bind(due_at)
                .push_bind(message_id)
                .push_bind(error)
                .push_bind(sent_at);
        });
        query.push(
            ") UPDATE deliveries SET status = v.status, \
             due_at = COALESCE(v.due_at, deliveries.due_at), \
             message_id = COALESCE(v.message_id, deliveries.message_id), \
             last_error = COALESCE(v.last_error, deliveries.last_error), \
             sent_at = COALESCE(v.sent_at, deliveries.sent_at), \
             attempts = deliveries.attempts + 1, lease_owner = NULL, lease_until = NULL \
             FROM v WHERE deliveries.id = v.id AND deliveries.status = 'pending' \
             AND deliveries.lease_owner = ",
        );
        query.push_bind(owner);
        query.push(" RETURNING deliveries.id");
        let ids: Vec<i64> = query
            .build_query_scalar()
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("recording sends"))?;
        recorded.extend(ids);
    }
    Ok(outcomes
        .iter()
        .map(|(id, _)| recorded.contains(&id.0))
        .collect())
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
