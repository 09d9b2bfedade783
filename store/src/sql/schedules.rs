//! Schedules, holiday calendars and check-in templates: reading them whole, and writing a
//! change plan inside the caller's write transaction.

use std::collections::HashSet;

use rhythm_domain::checkin::Template;
use rhythm_domain::ports::{
    ScheduleChange, ScheduleId, SchedulePlan, ScheduleSnapshot, StoreError, StoredSchedule,
};
use rhythm_domain::schedule::{HolidayCalendar, ScheduleDoc};
use sqlx::FromRow;

use super::Db;
use crate::convert::instant;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

#[derive(FromRow)]
pub(crate) struct ScheduleRow {
    id: i64,
    doc: String,
    paused: bool,
    next_fire_at: Option<i64>,
    version: i64,
    updated_at: i64,
}

/// A stored row as a schedule, re-checking its document against the calendar names.
pub(crate) fn stored(
    row: &ScheduleRow,
    calendars: &HashSet<String>,
) -> anyhow::Result<StoredSchedule> {
    let doc: ScheduleDoc = serde_json::from_str(&row.doc)?;
    let schedule = doc.read(calendars).map_err(|problems| {
        anyhow::anyhow!(
            "stored schedule {} is invalid: {}",
            row.id,
            problems.join("; ")
        )
    })?;
    Ok(StoredSchedule {
        id: ScheduleId(row.id),
        schedule,
        paused: row.paused,
        next_fire_at: row.next_fire_at.map(instant).transpose()?,
        version: row.version,
        updated_at: instant(row.updated_at)?,
    })
}

/// Every holiday calendar.
pub(crate) async fn calendars(conn: &mut Connection) -> Result<Vec<HolidayCalendar>, StoreError> {
    let calendars: Vec<(String, String)> =
        sqlx::query_as("SELECT name, dates FROM holiday_calendars ORDER BY name")
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("reading holiday calendars"))?;
    calendars
        .into_iter()
        .map(|(name, dates)| {
            let dates: Vec<String> = serde_json::from_str(&dates)?;
            HolidayCalendar::parse(&name, dates.iter().map(String::as_str)).map_err(|invalid| {
                anyhow::anyhow!("stored calendar `{name}` is invalid: {invalid}")
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)
}

/// Every stored check-in template, re-checking each document.
pub(crate) async fn templates(conn: &mut Connection) -> Result<Vec<Template>, StoreError> {
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT name, doc FROM checkin_templates ORDER BY name")
            .fetch_all(&mut *conn)
            .await
            .map_err(classify("reading check-in templates"))?;
    rows.into_iter()
        .map(|(name, doc)| {
            let template: Template = serde_json::from_str(&doc)?;
            template.check().map_err(|problems| {
                let problems: Vec<String> = problems.iter().map(ToString::to_string).collect();
                anyhow::anyhow!(
                    "stored check-in template `{name}` is invalid: {}",
                    problems.join("; ")
                )
            })
        })
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)
}

/// Every schedule, calendar and check-in template, re-checking each stored document.
pub(crate) async fn snapshot(conn: &mut Connection) -> Result<ScheduleSnapshot, StoreError> {
    let calendars = calendars(conn).await?;
    let templates = templates(conn).await?;
    let names: HashSet<String> = calendars
        .iter()
        .map(|calendar| calendar.name.clone())
        .collect();

    let rows: Vec<ScheduleRow> = sqlx::query_as(
        "SELECT id, doc, paused, next_fire_at, version, updated_at FROM schedules ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await
    .map_err(classify("reading schedules"))?;
    let schedules = rows
        .into_iter()
        .map(|row| stored(&row, &names))
        .collect::<anyhow::Result<Vec<_>>>()
        .map_err(StoreError::Unexpected)?;
    Ok(ScheduleSnapshot {
        schedules,
        calendars,
        templates,
    })
}

/// Writes `plan` at instant `now` (epoch ms).
pub(crate) async fn apply(
    conn: &mut Connection,
    plan: &SchedulePlan,
    now: i64,
) -> Result<(), StoreError> {
    for calendar in &plan.calendars {
        let dates: Vec<String> = calendar.dates.iter().map(ToString::to_string).collect();
        sqlx::query(
            "INSERT INTO holiday_calendars (name, dates, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET dates = excluded.dates, updated_at = excluded.updated_at",
        )
        .bind(calendar.name.as_str())
        .bind(serde_json::Value::from(dates).to_string())
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(classify("writing a holiday calendar"))?;
    }
    for template in &plan.templates {
        let doc = serde_json::to_string(template).map_err(|error| {
            StoreError::Unexpected(anyhow::Error::new(error).context("encoding a template"))
        })?;
        sqlx::query(
            "INSERT INTO checkin_templates (name, doc, updated_at) VALUES ($1, $2, $3) \
             ON CONFLICT (name) DO UPDATE SET doc = excluded.doc, updated_at = excluded.updated_at",
        )
        .bind(template.name.as_str())
        .bind(doc)
        .bind(now)
        .execute(&mut *conn)
        .await
        .map_err(classify("writing a check-in template"))?;
    }
    if let Some(kudos) = &plan.kudos {
        super::kudos::write_policy(conn, kudos, now).await?;
    }
    if let Some(coaching) = &plan.coaching {
        super::oneonones::write_policy(conn, coaching, now).await?;
    }
    for series in &plan.one_on_ones {
        super::oneonones::write_series(conn, series).await?;
    }
    for change in &plan.changes {
        let written = match change {
            ScheduleChange::Create { schedule, next_fire_at } => sqlx::query(
                "INSERT INTO schedules (name, kind, doc, paused, next_fire_at, version, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, 0, $6, $6)",
            )
            .bind(schedule.name.as_str())
            .bind(schedule.kind.as_str())
            .bind(doc_json(schedule)?)
            .bind(false)
            .bind(next_fire_at.map(|at| at.timestamp_millis()))
            .bind(now),
            ScheduleChange::Update { id, schedule, paused, next_fire_at } => sqlx::query(
                "UPDATE schedules SET name = $1, kind = $2, doc = $3, paused = $4, next_fire_at = $5, \
                 version = version + 1, updated_at = $6 WHERE id = $7",
            )
            .bind(schedule.name.as_str())
            .bind(schedule.kind.as_str())
            .bind(doc_json(schedule)?)
            .bind(*paused)
            .bind(next_fire_at.map(|at| at.timestamp_millis()))
            .bind(now)
            .bind(id.0),
            ScheduleChange::Delete { id } => sqlx::query("DELETE FROM schedules WHERE id = $1").bind(id.0),
        };
        written
            .execute(&mut *conn)
            .await
            .map_err(classify("writing a schedule"))?;
    }
    if let Some(audit) = &plan.audit {
        super::audit::write(conn, audit, now).await?;
    }
    Ok(())
}

fn doc_json(schedule: &rhythm_domain::schedule::Schedule) -> Result<String, StoreError> {
    serde_json::to_string(&schedule.to_doc()).map_err(|error| {
        StoreError::Unexpected(anyhow::Error::new(error).context("encoding a schedule"))
    })
}
