//! Check-ins: one per person, schedule and local day; answers stored with the follow-ups
//! they cancel; and the inbound events already handled.

use chrono::{DateTime, NaiveDate, Utc};
use rhythm_domain::checkin::{Answers, Template};
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    CheckIn, CheckInId, CheckInStatus, CheckIns, MessageRef, NewCheckIn, OccurrenceId, ScheduleId,
    StoreError, Submission,
};

use super::store::SqlStore;
use super::{Db, outbox};
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// A check-in query: every column, and the condition given.
macro_rules! select {
    ($condition:literal) => {
        concat!(
            "SELECT id, person_id, schedule_key, occurrence_id, local_date, template, status, \
             answers, opened_at, closes_at, submitted_at, late, prompt_ref, prompt_platform \
             FROM checkins WHERE ",
            $condition
        )
    };
}

pub(super) use select as select_all;

/// An inbound event recorded this long ago and never marked handled was abandoned (its
/// process died mid-work): a retry of it is handled. Slack retries after a minute; an
/// answer is due within 3 s.
const ABANDONED_AFTER: chrono::Duration = chrono::Duration::seconds(30);

pub(super) type CheckInQuery<'q> =
    sqlx::query::QueryAs<'q, Db, CheckInRow, <Db as sqlx::Database>::Arguments>;

#[derive(sqlx::FromRow)]
pub(super) struct CheckInRow {
    id: i64,
    person_id: i64,
    schedule_key: i64,
    occurrence_id: Option<i64>,
    local_date: String,
    template: String,
    status: String,
    answers: Option<String>,
    opened_at: i64,
    closes_at: i64,
    submitted_at: Option<i64>,
    late: bool,
    prompt_ref: Option<String>,
    prompt_platform: Option<String>,
}

impl CheckInRow {
    fn into_checkin(self) -> anyhow::Result<CheckIn> {
        let status = match self.status.as_str() {
            "open" => CheckInStatus::Open,
            "submitted" => CheckInStatus::Submitted,
            "skipped" => CheckInStatus::Skipped,
            other => anyhow::bail!("stored check-in status `{other}`"),
        };
        Ok(CheckIn {
            id: CheckInId(self.id),
            person: PersonId(self.person_id),
            schedule: (self.schedule_key != 0).then_some(ScheduleId(self.schedule_key)),
            occurrence: self.occurrence_id.map(OccurrenceId),
            date: NaiveDate::parse_from_str(&self.local_date, "%Y-%m-%d")?,
            template: self.template,
            status,
            answers: self
                .answers
                .map(|json| serde_json::from_str(&json))
                .transpose()?,
            opened_at: instant(self.opened_at)?,
            closes_at: instant(self.closes_at)?,
            submitted_at: self.submitted_at.map(instant).transpose()?,
            late: self.late,
            prompt: self
                .prompt_platform
                .zip(self.prompt_ref.as_deref().and_then(MessageRef::parse)),
        })
    }
}

/// The check-in `query` finds, if any.
async fn one(
    conn: &mut Connection,
    query: CheckInQuery<'_>,
) -> Result<Option<CheckIn>, StoreError> {
    let row = query
        .fetch_optional(&mut *conn)
        .await
        .map_err(classify("reading a check-in"))?;
    row.map(CheckInRow::into_checkin)
        .transpose()
        .map_err(StoreError::Unexpected)
}

/// Every check-in `query` finds.
pub(super) async fn all(
    conn: &mut Connection,
    query: CheckInQuery<'_>,
) -> Result<Vec<CheckIn>, StoreError> {
    let rows = query
        .fetch_all(&mut *conn)
        .await
        .map_err(classify("reading check-ins"))?;
    rows.into_iter()
        .map(CheckInRow::into_checkin)
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

async fn by_id(conn: &mut Connection, id: CheckInId) -> Result<Option<CheckIn>, StoreError> {
    one(conn, sqlx::query_as(select!("id = $1")).bind(id.0)).await
}

impl SqlStore {
    pub(super) async fn connection(&self) -> Result<sqlx::pool::PoolConnection<Db>, StoreError> {
        self.pool().acquire().await.map_err(classify("connecting"))
    }
}

impl CheckIns for SqlStore {
    async fn open_checkin(&self, new: NewCheckIn) -> Result<CheckIn, StoreError> {
        let mut conn = self.write_connection().await?;
        let schedule_key = new.schedule.map_or(0, |s| s.0);
        let date = new.date.format("%Y-%m-%d").to_string();
        sqlx::query(
            "INSERT INTO checkins (person_id, schedule_key, occurrence_id, local_date, template, \
             opened_at, closes_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
             ON CONFLICT (person_id, schedule_key, local_date) DO NOTHING",
        )
        .bind(new.person.0)
        .bind(schedule_key)
        .bind(new.occurrence.map(|o| o.0))
        .bind(&date)
        .bind(&new.template)
        .bind(new.opened_at.timestamp_millis())
        .bind(new.closes_at.timestamp_millis())
        .execute(&mut *conn)
        .await
        .map_err(classify("opening a check-in"))?;
        let query = sqlx::query_as(select!(
            "person_id = $1 AND schedule_key = $2 AND local_date = $3"
        ))
        .bind(new.person.0)
        .bind(schedule_key)
        .bind(date);
        one(&mut conn, query)
            .await?
            .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("the check-in just opened")))
    }

    async fn checkin(&self, id: CheckInId) -> Result<Option<CheckIn>, StoreError> {
        by_id(&mut *self.connection().await?, id).await
    }

    async fn checkin_on(
        &self,
        person: PersonId,
        date: NaiveDate,
    ) -> Result<Option<CheckIn>, StoreError> {
        let query = sqlx::query_as(select!(
            "person_id = $1 AND local_date = $2 ORDER BY opened_at DESC, id DESC LIMIT 1"
        ))
        .bind(person.0)
        .bind(date.format("%Y-%m-%d").to_string());
        one(&mut *self.connection().await?, query).await
    }

    async fn checkins_of(
        &self,
        person: PersonId,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CheckIn>, StoreError> {
        let query = sqlx::query_as(select!(
            "person_id = $1 AND opened_at >= $2 AND opened_at < $3 ORDER BY opened_at, id"
        ))
        .bind(person.0)
        .bind(from.timestamp_millis())
        .bind(to.timestamp_millis());
        all(&mut *self.connection().await?, query).await
    }

    async fn submit_checkin(
        &self,
        id: CheckInId,
        answers: &Answers,
        template: &Template,
        at: DateTime<Utc>,
    ) -> Result<Submission, StoreError> {
        let json =
            serde_json::to_string(answers).map_err(|error| StoreError::Unexpected(error.into()))?;
        let mut tx = self.write("starting a check-in submission").await?;
        let current = by_id(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("no check-in {}", id.0)))?;
        let first = current.submitted_at.is_none();
        sqlx::query(
            "UPDATE checkins SET status = 'submitted', answers = $1, mood = $2, blocked = $3, \
             submitted_at = $4, late = CASE WHEN submitted_at IS NULL THEN $5 ELSE late END \
             WHERE id = $6",
        )
        .bind(json)
        .bind(answers.mood(template).map(i16::from))
        .bind(answers.blocker(template).is_some())
        .bind(at.timestamp_millis())
        .bind(at > current.closes_at)
        .bind(id.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("storing check-in answers"))?;
        if let Some(occurrence) = current.occurrence {
            outbox::complete(&mut tx, occurrence, current.person).await?;
        }
        tx.commit()
            .await
            .map_err(classify("committing check-in answers"))?;
        Ok(if first {
            Submission::First
        } else {
            Submission::Edited
        })
    }

    async fn skip_checkin(&self, id: CheckInId) -> Result<(), StoreError> {
        let mut tx = self.write("starting a skip").await?;
        let current = by_id(&mut tx, id)
            .await?
            .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("no check-in {}", id.0)))?;
        sqlx::query("UPDATE checkins SET status = 'skipped' WHERE id = $1 AND status = 'open'")
            .bind(id.0)
            .execute(&mut *tx)
            .await
            .map_err(classify("skipping a check-in"))?;
        if let Some(occurrence) = current.occurrence {
            outbox::complete(&mut tx, occurrence, current.person).await?;
        }
        tx.commit().await.map_err(classify("committing a skip"))
    }

    async fn set_prompt(
        &self,
        id: CheckInId,
        platform: &str,
        prompt: &MessageRef,
    ) -> Result<(), StoreError> {
        sqlx::query("UPDATE checkins SET prompt_ref = $1, prompt_platform = $2 WHERE id = $3")
            .bind(prompt.to_string())
            .bind(platform)
            .bind(id.0)
            .execute(&mut *self.write_connection().await?)
            .await
            .map_err(classify("recording a check-in prompt"))?;
        Ok(())
    }

    async fn snooze_checkin(&self, id: CheckInId, at: DateTime<Utc>) -> Result<(), StoreError> {
        let mut conn = self.write_connection().await?;
        let current = by_id(&mut conn, id)
            .await?
            .ok_or_else(|| StoreError::Unexpected(anyhow::anyhow!("no check-in {}", id.0)))?;
        let Some(occurrence) = current.occurrence else {
            return Ok(());
        };
        sqlx::query(
            "INSERT INTO deliveries (occurrence_id, person_id, step, due_at, created_at) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (occurrence_id, person_id, step) DO NOTHING",
        )
        .bind(occurrence.0)
        .bind(current.person.0)
        .bind(format!("snooze:{}", at.timestamp()))
        .bind(at.timestamp_millis())
        .bind(at.timestamp_millis())
        .execute(&mut *conn)
        .await
        .map_err(classify("snoozing a check-in"))?;
        Ok(())
    }

    async fn checkin_template(&self, name: &str) -> Result<Option<Template>, StoreError> {
        let doc: Option<String> =
            sqlx::query_scalar("SELECT doc FROM checkin_templates WHERE name = $1")
                .bind(name)
                .fetch_optional(&mut *self.connection().await?)
                .await
                .map_err(classify("reading a check-in template"))?;
        match doc {
            Some(doc) => serde_json::from_str(&doc)
                .map(Some)
                .map_err(|error| StoreError::Unexpected(error.into())),
            None if name == "default" => Ok(Some(Template::default_template())),
            None => Ok(None),
        }
    }

    async fn first_seen(
        &self,
        platform: &str,
        key: &str,
        at: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        let result = sqlx::query(
            "INSERT INTO inbound_events (platform, event_key, received_at, handled) \
             VALUES ($1, $2, $3, FALSE) \
             ON CONFLICT (platform, event_key) DO UPDATE SET received_at = excluded.received_at \
             WHERE inbound_events.handled = FALSE AND inbound_events.received_at < $4",
        )
        .bind(platform)
        .bind(key)
        .bind(at.timestamp_millis())
        .bind((at - ABANDONED_AFTER).timestamp_millis())
        .execute(&mut *self.write_connection().await?)
        .await
        .map_err(classify("recording an inbound event"))?;
        Ok(result.rows_affected() == 1)
    }

    async fn handled_seen(&self, platform: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query(
            "UPDATE inbound_events SET handled = TRUE WHERE platform = $1 AND event_key = $2",
        )
        .bind(platform)
        .bind(key)
        .execute(&mut *self.write_connection().await?)
        .await
        .map_err(classify("marking an inbound event handled"))?;
        Ok(())
    }

    async fn forget_seen(&self, platform: &str, key: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM inbound_events WHERE platform = $1 AND event_key = $2")
            .bind(platform)
            .bind(key)
            .execute(&mut *self.write_connection().await?)
            .await
            .map_err(classify("forgetting an inbound event"))?;
        Ok(())
    }
}
