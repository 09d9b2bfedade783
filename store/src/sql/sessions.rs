//! 1:1 sessions: recording one once (covering the talking points waiting for it, writing its
//! action items with their reminders), reading them back, and action items until done.

use chrono::{DateTime, NaiveDate, Utc};
use rhythm_domain::oneonone::notices::action_subject;
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    ActionItem, ActionItemFilter, ActionItemId, Recorded, SeriesId, Session, SessionRecord,
    StoreError,
};
use sqlx::QueryBuilder;

use super::oneonones::{DATE, by_id};
use super::{Db, notices};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Every column of a session; the condition follows.
const SELECT_SESSIONS: &str = "SELECT s.series_id, s.starts_at, s.manager_id, s.report_id, \
     s.held, s.notes, s.recorded_by, s.recorded_at FROM oneonone_sessions s WHERE ";

#[derive(sqlx::FromRow)]
struct SessionRow {
    series_id: i64,
    starts_at: i64,
    manager_id: i64,
    report_id: i64,
    held: bool,
    notes: Option<String>,
    recorded_by: i64,
    recorded_at: i64,
}

impl SessionRow {
    fn into_session(self) -> anyhow::Result<Session> {
        Ok(Session {
            series: SeriesId(self.series_id),
            manager: PersonId(self.manager_id),
            report: PersonId(self.report_id),
            starts_at: instant(self.starts_at)?,
            held: self.held,
            notes: self.notes,
            recorded_by: PersonId(self.recorded_by),
            recorded_at: instant(self.recorded_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct ActionRow {
    id: i64,
    series_id: i64,
    session_at: i64,
    owner_id: i64,
    text: String,
    due: String,
    done_at: Option<i64>,
}

impl ActionRow {
    fn into_item(self) -> anyhow::Result<ActionItem> {
        Ok(ActionItem {
            id: ActionItemId(self.id),
            series: SeriesId(self.series_id),
            session: instant(self.session_at)?,
            owner: PersonId(self.owner_id),
            text: self.text,
            due: NaiveDate::parse_from_str(&self.due, DATE)
                .map_err(|_| anyhow::anyhow!("stored due date `{}`", self.due))?,
            done_at: self.done_at.map(instant).transpose()?,
        })
    }
}

/// Every session `query` finds, in its order.
async fn fetch(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
) -> Result<Vec<Session>, StoreError> {
    let rows: Vec<SessionRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading 1:1 sessions"))?;
    rows.into_iter()
        .map(SessionRow::into_session)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// Records `record` in the caller's write transaction, unless its session was recorded
/// before: then nothing is written, and the caller need not commit.
pub(super) async fn record(
    conn: &mut Connection,
    record: &SessionRecord,
) -> Result<Recorded, StoreError> {
    let series = by_id(conn, record.series).await?.ok_or_else(|| {
        StoreError::Unexpected(anyhow::anyhow!("no 1:1 series {}", record.series.0))
    })?;
    let starts_at = record.starts_at.timestamp_millis();
    let recorded_at = record.recorded_at.timestamp_millis();
    let inserted = sqlx::query(
        "INSERT INTO oneonone_sessions (series_id, starts_at, manager_id, report_id, held, \
         notes, recorded_by, recorded_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (series_id, starts_at) DO NOTHING",
    )
    .bind(series.id.0)
    .bind(starts_at)
    .bind(series.manager.0)
    .bind(series.report.0)
    .bind(record.held)
    .bind(record.notes.as_deref())
    .bind(record.recorded_by.0)
    .bind(recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(classify("recording a 1:1"))?;
    if inserted.rows_affected() == 0 {
        return Ok(Recorded::AlreadyRecorded);
    }
    if !record.held {
        return Ok(Recorded::Recorded);
    }
    sqlx::query(
        "UPDATE talking_points SET covered_by = $1 \
         WHERE series_id = $2 AND covered_by IS NULL AND created_at <= $3",
    )
    .bind(starts_at)
    .bind(series.id.0)
    .bind(recorded_at)
    .execute(&mut *conn)
    .await
    .map_err(classify("covering talking points"))?;
    for (at, item) in record.action_items.iter().enumerate() {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO action_items (series_id, session_at, owner_id, text, due) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(series.id.0)
        .bind(starts_at)
        .bind(item.owner.0)
        .bind(item.text.as_str())
        .bind(item.due.format(DATE).to_string())
        .fetch_one(&mut *conn)
        .await
        .map_err(classify("writing an action item"))?;
        if let Some((notice, due)) = record.reminders.get(at) {
            notices::insert_due(
                conn,
                &action_subject(ActionItemId(id)),
                std::slice::from_ref(notice),
                due.timestamp_millis(),
                recorded_at,
            )
            .await?;
        }
    }
    Ok(Recorded::Recorded)
}

/// The series' sessions, newest first.
pub(super) async fn of_series(
    conn: &mut Connection,
    series: SeriesId,
) -> Result<Vec<Session>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_SESSIONS);
    query
        .push("s.series_id = ")
        .push_bind(series.0)
        .push(" ORDER BY s.starts_at DESC");
    fetch(conn, query).await
}

/// The latest held session of each manager–report pair that has held one, by manager then
/// report.
pub(super) async fn last_held(conn: &mut Connection) -> Result<Vec<Session>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_SESSIONS);
    query.push(
        "s.held = TRUE AND s.starts_at = (SELECT MAX(l.starts_at) FROM oneonone_sessions l \
         WHERE l.manager_id = s.manager_id AND l.report_id = s.report_id AND l.held = TRUE) \
         ORDER BY s.manager_id, s.report_id, s.series_id",
    );
    let mut sessions = fetch(conn, query).await?;
    // A pair has one series, so one session at its latest start; this keeps it so.
    sessions.dedup_by_key(|session| (session.manager, session.report));
    Ok(sessions)
}

/// Action items matching `filter`, by due date then id.
pub(super) async fn action_items(
    conn: &mut Connection,
    filter: &ActionItemFilter,
) -> Result<Vec<ActionItem>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(
        "SELECT id, series_id, session_at, owner_id, text, due, done_at FROM action_items \
         WHERE TRUE",
    );
    if let Some(series) = filter.series {
        query.push(" AND series_id = ").push_bind(series.0);
    }
    if let Some(owner) = filter.owner {
        query.push(" AND owner_id = ").push_bind(owner.0);
    }
    if filter.open_only {
        query.push(" AND done_at IS NULL");
    }
    query.push(" ORDER BY due, id");
    let rows: Vec<ActionRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading action items"))?;
    rows.into_iter()
        .map(ActionRow::into_item)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// Marks `item` done at `at` and skips its reminder if not yet posted; `false` (nothing
/// written) if it was done already or is unknown.
pub(super) async fn complete(
    conn: &mut Connection,
    item: ActionItemId,
    at: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let done =
        sqlx::query("UPDATE action_items SET done_at = $1 WHERE id = $2 AND done_at IS NULL")
            .bind(at.timestamp_millis())
            .bind(item.0)
            .execute(&mut *conn)
            .await
            .map_err(classify("completing an action item"))?;
    if done.rows_affected() == 0 {
        return Ok(false);
    }
    notices::skip_pending(conn, &action_subject(item)).await?;
    Ok(true)
}
