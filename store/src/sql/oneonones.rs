//! 1:1s: a series per manager–report pair (set up and cancelled with an audit entry), the
//! talking points waiting for its next session, planned notices (agendas, notes prompts) and
//! HR's coaching policy. Recording sessions and their action items is in `sessions.rs`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rhythm_domain::oneonone::{Cadence, CoachingPolicy};
use rhythm_domain::people::{PersonId, Timezone};
use rhythm_domain::ports::{
    ActionItem, ActionItemFilter, ActionItemId, AuditEntry, NewSeries, OneOnOnes, PlannedNotice,
    Recorded, Series, SeriesId, Session, SessionRecord, StoreError, TalkingPoint, TalkingPointId,
};
use serde_json::json;
use sqlx::QueryBuilder;

use super::store::SqlStore;
use super::{Db, audit, notices, sessions};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Every column of a series; conditions follow `WHERE TRUE`.
const SELECT_SERIES: &str = "SELECT id, manager_id, report_id, every_weeks, anchor, at_time, \
     timezone, minutes, active, created_at FROM oneonones WHERE TRUE";

/// How a cadence's local date is stored: `2026-03-05`.
pub(super) const DATE: &str = "%Y-%m-%d";

/// How a cadence's local time is stored: `15:00`.
const TIME: &str = "%H:%M";

#[derive(sqlx::FromRow)]
struct SeriesRow {
    id: i64,
    manager_id: i64,
    report_id: i64,
    every_weeks: i32,
    anchor: String,
    at_time: String,
    timezone: String,
    minutes: i32,
    active: bool,
    created_at: i64,
}

impl SeriesRow {
    fn into_series(self) -> anyhow::Result<Series> {
        let id = self.id;
        self.parse()
            .map_err(|error| error.context(format!("reading stored 1:1 series {id}")))
    }

    fn parse(self) -> anyhow::Result<Series> {
        let cadence = Cadence {
            every_weeks: u32::try_from(self.every_weeks)
                .map_err(|_| anyhow::anyhow!("stored every_weeks {}", self.every_weeks))?,
            at: NaiveTime::parse_from_str(&self.at_time, TIME)
                .map_err(|_| anyhow::anyhow!("stored time `{}`", self.at_time))?,
            zone: Timezone::parse(&self.timezone)
                .map_err(|invalid| anyhow::anyhow!("stored time zone: {invalid}"))?,
            anchor: NaiveDate::parse_from_str(&self.anchor, DATE)
                .map_err(|_| anyhow::anyhow!("stored anchor `{}`", self.anchor))?,
        };
        Ok(Series {
            id: SeriesId(self.id),
            manager: PersonId(self.manager_id),
            report: PersonId(self.report_id),
            cadence,
            minutes: u32::try_from(self.minutes)
                .map_err(|_| anyhow::anyhow!("stored minutes {}", self.minutes))?,
            active: self.active,
            created_at: instant(self.created_at)?,
        })
    }
}

#[derive(sqlx::FromRow)]
struct PointRow {
    id: i64,
    series_id: i64,
    author_id: i64,
    text: String,
    private: bool,
    created_at: i64,
    covered_by: Option<i64>,
}

impl PointRow {
    fn into_point(self) -> anyhow::Result<TalkingPoint> {
        Ok(TalkingPoint {
            id: TalkingPointId(self.id),
            series: SeriesId(self.series_id),
            author: PersonId(self.author_id),
            text: self.text,
            private: self.private,
            created_at: instant(self.created_at)?,
            covered_by: self.covered_by.map(instant).transpose()?,
        })
    }
}

/// Runs a series query built from `SELECT_SERIES` and its conditions, by id.
async fn fetch(
    conn: &mut Connection,
    mut query: QueryBuilder<Db>,
) -> Result<Vec<Series>, StoreError> {
    query.push(" ORDER BY id");
    let rows: Vec<SeriesRow> = query
        .build_query_as()
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading 1:1 series"))?;
    rows.into_iter()
        .map(SeriesRow::into_series)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// One series, if it exists.
pub(super) async fn by_id(
    conn: &mut Connection,
    series: SeriesId,
) -> Result<Option<Series>, StoreError> {
    let mut query = QueryBuilder::<Db>::new(SELECT_SERIES);
    query.push(" AND id = ").push_bind(series.0);
    Ok(fetch(conn, query).await?.into_iter().next())
}

/// Writes HR's coaching policy (the one row): for `set_coaching_policy`, and for the
/// transaction that applies a policy file.
pub(crate) async fn write_policy(
    conn: &mut <Db as sqlx::Database>::Connection,
    policy: &CoachingPolicy,
    now: i64,
) -> Result<(), StoreError> {
    let doc = serde_json::to_string(policy).map_err(|e| StoreError::Unexpected(e.into()))?;
    sqlx::query(
        "INSERT INTO coaching_policy (id, doc, updated_at) VALUES (1, $1, $2) \
         ON CONFLICT (id) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at",
    )
    .bind(doc)
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(classify("writing the coaching policy"))?;
    Ok(())
}

/// Sets up a pair's series, or replaces its cadence and reactivates it: for
/// `schedule_oneonone`, and for the transaction that applies a policy file. Returns its id.
pub(crate) async fn write_series(
    conn: &mut <Db as sqlx::Database>::Connection,
    new: &NewSeries,
) -> Result<i64, StoreError> {
    let cadence = &new.cadence;
    let every_weeks = i32::try_from(cadence.every_weeks).map_err(|_| {
        StoreError::Unexpected(anyhow::anyhow!("1:1s every {} weeks", cadence.every_weeks))
    })?;
    let minutes = i32::try_from(new.minutes)
        .map_err(|_| StoreError::Unexpected(anyhow::anyhow!("a 1:1 of {} minutes", new.minutes)))?;
    sqlx::query_scalar(
        "INSERT INTO oneonones (manager_id, report_id, every_weeks, anchor, at_time, \
         timezone, minutes, active, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, TRUE, $8) \
         ON CONFLICT (manager_id, report_id) DO UPDATE SET \
         every_weeks = excluded.every_weeks, anchor = excluded.anchor, \
         at_time = excluded.at_time, timezone = excluded.timezone, \
         minutes = excluded.minutes, active = TRUE, created_at = excluded.created_at \
         RETURNING id",
    )
    .bind(new.manager.0)
    .bind(new.report.0)
    .bind(every_weeks)
    .bind(cadence.anchor.format(DATE).to_string())
    .bind(cadence.at.format(TIME).to_string())
    .bind(cadence.zone.as_str())
    .bind(minutes)
    .bind(new.at.timestamp_millis())
    .fetch_one(&mut *conn)
    .await
    .map_err(classify("setting up 1:1s"))
}

impl OneOnOnes for SqlStore {
    async fn schedule_oneonone(&self, new: &NewSeries) -> Result<SeriesId, StoreError> {
        let at = new.at.timestamp_millis();
        let cadence = &new.cadence;
        let mut tx = self.write("starting to set up 1:1s").await?;
        let id = write_series(&mut tx, new).await?;
        let entry = AuditEntry {
            actor: new.actor.clone(),
            action: "oneonone.schedule".to_owned(),
            details: json!({
                "series_id": id,
                "manager_id": new.manager.0,
                "report_id": new.report.0,
                "cadence": cadence.to_string(),
                "anchor": cadence.anchor.format(DATE).to_string(),
                "minutes": new.minutes,
            }),
        };
        audit::write(&mut tx, &entry, at).await?;
        tx.commit().await.map_err(classify("committing 1:1s"))?;
        Ok(SeriesId(id))
    }

    async fn cancel_oneonone(&self, series: SeriesId, actor: &str) -> Result<bool, StoreError> {
        let now = self.now().timestamp_millis();
        let mut tx = self.write("starting to cancel 1:1s").await?;
        let pair: Option<(i64, i64)> = sqlx::query_as(
            "UPDATE oneonones SET active = FALSE WHERE id = $1 AND active = TRUE \
             RETURNING manager_id, report_id",
        )
        .bind(series.0)
        .fetch_optional(&mut *tx)
        .await
        .map_err(classify("cancelling 1:1s"))?;
        let Some((manager, report)) = pair else {
            return Ok(false);
        };
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "oneonone.cancel".to_owned(),
            details: json!({ "series_id": series.0, "manager_id": manager, "report_id": report }),
        };
        audit::write(&mut tx, &entry, now).await?;
        tx.commit()
            .await
            .map_err(classify("committing a 1:1 cancellation"))?;
        Ok(true)
    }

    async fn oneonones(
        &self,
        person: Option<PersonId>,
        active_only: bool,
    ) -> Result<Vec<Series>, StoreError> {
        let mut query = QueryBuilder::<Db>::new(SELECT_SERIES);
        if let Some(person) = person {
            query
                .push(" AND (manager_id = ")
                .push_bind(person.0)
                .push(" OR report_id = ")
                .push_bind(person.0)
                .push(")");
        }
        if active_only {
            query.push(" AND active = TRUE");
        }
        fetch(&mut *self.connection().await?, query).await
    }

    async fn oneonone(&self, series: SeriesId) -> Result<Option<Series>, StoreError> {
        by_id(&mut *self.connection().await?, series).await
    }

    async fn add_talking_point(
        &self,
        series: SeriesId,
        author: PersonId,
        text: &str,
        private: bool,
        at: DateTime<Utc>,
    ) -> Result<TalkingPointId, StoreError> {
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO talking_points (series_id, author_id, text, private, created_at) \
             VALUES ($1, $2, $3, $4, $5) RETURNING id",
        )
        .bind(series.0)
        .bind(author.0)
        .bind(text)
        .bind(private)
        .bind(at.timestamp_millis())
        .fetch_one(&mut *self.write_connection().await?)
        .await
        .map_err(classify("adding a talking point"))?;
        Ok(TalkingPointId(id))
    }

    async fn talking_points(&self, series: SeriesId) -> Result<Vec<TalkingPoint>, StoreError> {
        let rows: Vec<PointRow> = sqlx::query_as(
            "SELECT id, series_id, author_id, text, private, created_at, covered_by \
             FROM talking_points WHERE series_id = $1 AND covered_by IS NULL \
             ORDER BY created_at, id",
        )
        .bind(series.0)
        .fetch_all(&mut *self.connection().await?)
        .await
        .map_err(classify("reading talking points"))?;
        rows.into_iter()
            .map(PointRow::into_point)
            .collect::<anyhow::Result<_>>()
            .map_err(StoreError::Unexpected)
    }

    async fn record_session(&self, record: &SessionRecord) -> Result<Recorded, StoreError> {
        let mut tx = self.write("starting to record a 1:1").await?;
        let recorded = sessions::record(&mut tx, record).await?;
        if recorded == Recorded::Recorded {
            tx.commit()
                .await
                .map_err(classify("committing a 1:1's record"))?;
        }
        Ok(recorded)
    }

    async fn sessions(&self, series: SeriesId) -> Result<Vec<Session>, StoreError> {
        sessions::of_series(&mut *self.connection().await?, series).await
    }

    async fn last_held(&self) -> Result<Vec<Session>, StoreError> {
        sessions::last_held(&mut *self.connection().await?).await
    }

    async fn action_items(&self, filter: &ActionItemFilter) -> Result<Vec<ActionItem>, StoreError> {
        sessions::action_items(&mut *self.connection().await?, filter).await
    }

    async fn complete_action_item(
        &self,
        item: ActionItemId,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let mut tx = self.write("starting to complete an action item").await?;
        let done = sessions::complete(&mut tx, item, at).await?;
        if done {
            tx.commit()
                .await
                .map_err(classify("committing a completed action item"))?;
        }
        Ok(done)
    }

    async fn plan_notices(
        &self,
        planned: &[PlannedNotice],
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        if planned.is_empty() {
            return Ok(());
        }
        let now = now.timestamp_millis();
        let mut tx = self.write("starting to plan notices").await?;
        for notice in planned {
            notices::insert_due(
                &mut tx,
                &notice.subject,
                std::slice::from_ref(&notice.notice),
                notice.due_at.timestamp_millis(),
                now,
            )
            .await?;
        }
        tx.commit()
            .await
            .map_err(classify("committing planned notices"))
    }

    async fn coaching_policy(&self) -> Result<CoachingPolicy, StoreError> {
        let doc: Option<String> =
            sqlx::query_scalar("SELECT doc FROM coaching_policy WHERE id = 1")
                .fetch_optional(self.pool())
                .await
                .map_err(classify("reading the coaching policy"))?;
        match doc {
            Some(doc) => serde_json::from_str(&doc).map_err(|e| {
                StoreError::Unexpected(anyhow::Error::new(e).context("the stored coaching policy"))
            }),
            None => Ok(CoachingPolicy::default()),
        }
    }

    async fn set_coaching_policy(
        &self,
        policy: &CoachingPolicy,
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = self.now().timestamp_millis();
        let details = serde_json::to_value(policy).map_err(|e| StoreError::Unexpected(e.into()))?;
        let mut tx = self.write("starting a coaching policy change").await?;
        write_policy(&mut tx, policy, now).await?;
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "coaching.policy".to_owned(),
            details,
        };
        audit::write(&mut tx, &entry, now).await?;
        tx.commit()
            .await
            .map_err(classify("committing the coaching policy"))
    }
}
