//! Leases (one replica holds the Discord gateway) and people a platform refused to reach.

use chrono::{DateTime, TimeZone as _, Utc};
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{Leases, Reachability, StoreError};

use super::store::SqlStore;
use crate::error::classify;

impl Leases for SqlStore {
    async fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        // One statement, so two replicas racing for a lapsed lease cannot both win: the
        // update applies only while the row is still theirs or lapsed.
        let taken = sqlx::query(
            "INSERT INTO leases (name, holder, until, taken_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, until = excluded.until, \
             taken_at = CASE WHEN leases.holder = excluded.holder THEN leases.taken_at \
             ELSE excluded.taken_at END \
             WHERE leases.holder = excluded.holder OR leases.until <= $5",
        )
        .bind(name)
        .bind(holder)
        .bind(until.timestamp_millis())
        .bind(now.timestamp_millis())
        .bind(now.timestamp_millis())
        .execute(&mut *self.write_connection().await?)
        .await
        .map_err(classify("taking a lease"))?;
        Ok(taken.rows_affected() == 1)
    }

    async fn release_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        sqlx::query("DELETE FROM leases WHERE name = $1 AND holder = $2")
            .bind(name)
            .bind(holder)
            .execute(&mut *self.write_connection().await?)
            .await
            .map_err(classify("releasing a lease"))?;
        Ok(())
    }
}

impl Reachability for SqlStore {
    async fn unreachable(
        &self,
        platform: Platform,
        user: &str,
        now: DateTime<Utc>,
    ) -> Result<Option<(DateTime<Utc>, String)>, StoreError> {
        let row: Option<(i64, String)> = sqlx::query_as(
            "SELECT until, reason FROM unreachable \
             WHERE platform = $1 AND user_id = $2 AND until > $3",
        )
        .bind(platform.as_str())
        .bind(user)
        .bind(now.timestamp_millis())
        .fetch_optional(&mut *self.connection().await?)
        .await
        .map_err(classify("reading who cannot be reached"))?;
        Ok(row.and_then(|(until, reason)| {
            Utc.timestamp_millis_opt(until)
                .single()
                .map(|until| (until, reason))
        }))
    }

    async fn mark_unreachable(
        &self,
        platform: Platform,
        user: &str,
        until: DateTime<Utc>,
        reason: &str,
    ) -> Result<(), StoreError> {
        sqlx::query(
            "INSERT INTO unreachable (platform, user_id, until, reason) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (platform, user_id) DO UPDATE \
             SET until = excluded.until, reason = excluded.reason",
        )
        .bind(platform.as_str())
        .bind(user)
        .bind(until.timestamp_millis())
        .bind(reason)
        .execute(&mut *self.write_connection().await?)
        .await
        .map_err(classify("remembering who cannot be reached"))?;
        Ok(())
    }
}
