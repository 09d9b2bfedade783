//! What a person sets about themselves from chat: their time zone and days away, each
//! change audited in its own transaction.

use rhythm_domain::people::{PersonId, Timezone, TimezoneSource};
use rhythm_domain::ports::{AuditEntry, PersonSettings, StoreError};
use rhythm_domain::schedule::OutOfOffice;

use super::store::SqlStore;
use super::turn::WriteTx;
use super::{Db, audit};
use crate::error::classify;

/// Writes `entry` to the audit log in `tx`, and commits the change with it.
pub(super) async fn commit_audited(
    mut tx: WriteTx,
    entry: &AuditEntry,
    now: i64,
) -> Result<(), StoreError> {
    audit::write(&mut tx, entry, now).await?;
    tx.commit()
        .await
        .map_err(classify("committing a person's setting"))
}

/// Schedules in each recipient's zone computed their next look from the zones people were
/// in; after a zone changes, one may fire sooner, so have the planner look again now.
pub(super) async fn zones_changed(
    conn: &mut <Db as sqlx::Database>::Connection,
    now: i64,
) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE schedules SET next_fire_at = $1, version = version + 1 \
         WHERE paused = FALSE AND next_fire_at > $1 AND doc LIKE '%\"timezone\":\"recipient\"%'",
    )
    .bind(now)
    .execute(&mut *conn)
    .await
    .map_err(classify("bringing recipient-zone schedules forward"))?;
    Ok(())
}

impl PersonSettings for SqlStore {
    async fn set_timezone(
        &self,
        person: PersonId,
        zone: &Timezone,
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = self.now().timestamp_millis();
        let mut tx = self.write("starting a time zone change").await?;
        sqlx::query(
            "UPDATE people SET timezone = $1, timezone_source = $2, updated_at = $3 WHERE id = $4",
        )
        .bind(zone.as_str())
        .bind(TimezoneSource::Person.as_str())
        .bind(now)
        .bind(person.0)
        .execute(&mut *tx)
        .await
        .map_err(classify("setting a time zone"))?;
        zones_changed(&mut tx, now).await?;
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "person.timezone".to_owned(),
            details: serde_json::json!({ "person_id": person.0, "timezone": zone.as_str() }),
        };
        commit_audited(tx, &entry, now).await
    }

    async fn add_out_of_office(
        &self,
        person: PersonId,
        away: &OutOfOffice,
        actor: &str,
    ) -> Result<(), StoreError> {
        let now = self.now().timestamp_millis();
        let mut tx = self.write("starting an out-of-office change").await?;
        let (from, to) = (away.from.to_string(), away.to.to_string());
        sqlx::query(
            "INSERT INTO out_of_office (person_id, from_date, to_date) VALUES ($1, $2, $3) \
             ON CONFLICT (person_id, from_date) DO UPDATE SET to_date = excluded.to_date",
        )
        .bind(person.0)
        .bind(&from)
        .bind(&to)
        .execute(&mut *tx)
        .await
        .map_err(classify("adding days away"))?;
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "person.out_of_office".to_owned(),
            details: serde_json::json!({ "person_id": person.0, "from": from, "to": to }),
        };
        commit_audited(tx, &entry, now).await
    }
}
