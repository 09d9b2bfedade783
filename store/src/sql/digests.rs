//! Digests: teams' digest channels, the check-in days they sum up, and the claims that post
//! each digest once.

use chrono::{DateTime, NaiveDate, Utc};
use rhythm_domain::people::TeamName;
use rhythm_domain::ports::{
    AuditEntry, CheckIn, CheckInDay, DigestKey, DigestOutcome, Digests, ScheduleId, StoreError,
    TeamChannel,
};

use super::checkins::select_all;
use super::settings::commit_audited;
use super::store::SqlStore;
use crate::error::classify;

fn date_text(date: NaiveDate) -> String {
    date.format("%Y-%m-%d").to_string()
}

impl Digests for SqlStore {
    async fn team_channels(&self) -> Result<Vec<TeamChannel>, StoreError> {
        let rows: Vec<(String, String, String)> = sqlx::query_as(
            "SELECT t.name, c.platform, c.channel_id FROM team_channels c \
             JOIN teams t ON t.id = c.team_id ORDER BY lower(t.name), c.platform",
        )
        .fetch_all(self.pool())
        .await
        .map_err(classify("reading teams' channels"))?;
        rows.into_iter()
            .map(|(team, platform, channel)| {
                Ok(TeamChannel {
                    team: TeamName::parse(&team)
                        .map_err(|e| StoreError::Unexpected(anyhow::anyhow!("team name: {e}")))?,
                    platform,
                    channel,
                })
            })
            .collect()
    }

    async fn set_team_channel(
        &self,
        team: &TeamName,
        platform: &str,
        channel: Option<&str>,
        actor: &str,
    ) -> Result<bool, StoreError> {
        let now = self.now().timestamp_millis();
        let mut tx = self.write("starting a team channel change").await?;
        let id: Option<i64> =
            sqlx::query_scalar("SELECT id FROM teams WHERE lower(name) = lower($1)")
                .bind(team.as_str())
                .fetch_optional(&mut *tx)
                .await
                .map_err(classify("looking up a team"))?;
        let Some(id) = id else {
            return Ok(false);
        };
        match channel {
            Some(channel) => sqlx::query(
                "INSERT INTO team_channels (team_id, platform, channel_id) VALUES ($1, $2, $3) \
                 ON CONFLICT (team_id, platform) DO UPDATE SET channel_id = excluded.channel_id",
            )
            .bind(id)
            .bind(platform)
            .bind(channel),
            None => sqlx::query("DELETE FROM team_channels WHERE team_id = $1 AND platform = $2")
                .bind(id)
                .bind(platform),
        }
        .execute(&mut *tx)
        .await
        .map_err(classify("setting a team's channel"))?;
        let entry = AuditEntry {
            actor: actor.to_owned(),
            action: "team.channel".to_owned(),
            details: serde_json::json!({
                "team": team.as_str(), "platform": platform, "channel": channel,
            }),
        };
        commit_audited(tx, &entry, now).await?;
        Ok(true)
    }

    async fn checkin_days(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Vec<CheckInDay>, StoreError> {
        let rows: Vec<(i64, String, String)> = sqlx::query_as(
            "SELECT DISTINCT c.schedule_key, s.name, c.local_date FROM checkins c \
             JOIN schedules s ON s.id = c.schedule_key \
             WHERE c.opened_at >= $1 AND c.opened_at <= $2 ORDER BY c.local_date, s.name",
        )
        .bind(from.timestamp_millis())
        .bind(to.timestamp_millis())
        .fetch_all(self.pool())
        .await
        .map_err(classify("reading check-in days"))?;
        rows.into_iter()
            .map(|(schedule, name, date)| {
                Ok(CheckInDay {
                    schedule: ScheduleId(schedule),
                    name,
                    date: NaiveDate::parse_from_str(&date, "%Y-%m-%d")
                        .map_err(|e| StoreError::Unexpected(e.into()))?,
                })
            })
            .collect()
    }

    async fn checkins_of_day(
        &self,
        schedule: ScheduleId,
        date: NaiveDate,
    ) -> Result<Vec<CheckIn>, StoreError> {
        let mut conn = self.connection().await?;
        let query = sqlx::query_as(select_all!(
            "schedule_key = $1 AND local_date = $2 ORDER BY id"
        ))
        .bind(schedule.0)
        .bind(date_text(date));
        super::checkins::all(&mut conn, query).await
    }

    async fn settled_digests(
        &self,
        schedule: ScheduleId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> Result<Vec<String>, StoreError> {
        sqlx::query_scalar(
            "SELECT audience FROM digests WHERE schedule_key = $1 AND local_date = $2 \
             AND (status <> 'claimed' OR claimed_until > $3)",
        )
        .bind(schedule.0)
        .bind(date_text(date))
        .bind(now.timestamp_millis())
        .fetch_all(self.pool())
        .await
        .map_err(classify("reading settled digests"))
    }

    async fn claim_digest(
        &self,
        key: &DigestKey,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Option<u32>, StoreError> {
        let attempts: Option<i64> = sqlx::query_scalar(
            "INSERT INTO digests (schedule_key, local_date, audience, status, claimed_until, attempts) \
             VALUES ($1, $2, $3, 'claimed', $4, 1) \
             ON CONFLICT (schedule_key, local_date, audience) DO UPDATE \
             SET claimed_until = excluded.claimed_until, attempts = digests.attempts + 1 \
             WHERE digests.status = 'claimed' AND digests.claimed_until <= $5 \
             RETURNING CAST(attempts AS BIGINT)",
        )
        .bind(key.schedule.0)
        .bind(date_text(key.date))
        .bind(&key.audience)
        .bind(until.timestamp_millis())
        .bind(now.timestamp_millis())
        .fetch_optional(&mut *self.write_connection().await?)
        .await
        .map_err(classify("claiming a digest"))?;
        Ok(attempts.map(|n| u32::try_from(n).unwrap_or(u32::MAX)))
    }

    async fn finish_digest(
        &self,
        key: &DigestKey,
        outcome: &DigestOutcome,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let (status, claimed_until, message_ref, error) = match outcome {
            DigestOutcome::Posted(at) => ("posted", None, Some(at.to_string()), None),
            DigestOutcome::Retry { at, error } => (
                "claimed",
                Some(at.timestamp_millis()),
                None,
                Some(error.as_str()),
            ),
            DigestOutcome::Failed(error) => ("failed", None, None, Some(error.as_str())),
        };
        sqlx::query(
            "UPDATE digests SET status = $1, claimed_until = $2, message_ref = $3, \
             last_error = $4, posted_at = CASE WHEN $1 = 'posted' THEN $5 ELSE NULL END \
             WHERE schedule_key = $6 AND local_date = $7 AND audience = $8",
        )
        .bind(status)
        .bind(claimed_until)
        .bind(message_ref)
        .bind(error)
        .bind(now.timestamp_millis())
        .bind(key.schedule.0)
        .bind(date_text(key.date))
        .bind(&key.audience)
        .execute(&mut *self.write_connection().await?)
        .await
        .map_err(classify("recording a digest"))?;
        Ok(())
    }
}
