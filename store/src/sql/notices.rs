//! Notices: one-off messages about a record (a kudos announced, DM'd to its recipients),
//! written in the record's transaction and posted by whichever replica claims them.

use chrono::{DateTime, Utc};
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{
    Destination, MessageRef, NewNotice, Notice, NoticeId, NoticeOutcome, StoreError,
};

use super::Db;
use crate::error::classify;

type Connection = <Db as sqlx::Database>::Connection;

/// Reads a destination as [`Destination`]'s `Display` writes it: `channel:ID` or
/// `person:ID`.
fn parse_destination(text: &str) -> anyhow::Result<Destination> {
    match text.split_once(':') {
        Some(("channel", channel)) if !channel.is_empty() => {
            Ok(Destination::Channel(channel.to_owned()))
        }
        Some(("person", id)) => id
            .parse()
            .map(|id| Destination::Person(PersonId(id)))
            .map_err(|_| anyhow::anyhow!("stored notice destination `{text}`")),
        _ => anyhow::bail!("stored notice destination `{text}`"),
    }
}

fn parse_platform(text: &str) -> anyhow::Result<Platform> {
    Platform::parse(text).map_err(|invalid| anyhow::anyhow!("stored platform: {invalid}"))
}

/// Writes `notices` about `subject`, pending from `at` (epoch ms). One per subject,
/// platform and destination: a repeat is ignored.
pub(super) async fn insert(
    conn: &mut Connection,
    subject: &str,
    notices: &[NewNotice],
    at: i64,
) -> Result<(), StoreError> {
    insert_due(conn, subject, notices, at, at).await
}

/// Writes `notices` about `subject` at `created` (epoch ms), pending until `due` (epoch ms):
/// a notice planned ahead. One per subject, platform and destination: a repeat is ignored,
/// whatever its due time.
pub(super) async fn insert_due(
    conn: &mut Connection,
    subject: &str,
    notices: &[NewNotice],
    due: i64,
    created: i64,
) -> Result<(), StoreError> {
    for notice in notices {
        sqlx::query(
            "INSERT INTO notices (subject, platform, destination, status, attempts, next_at, \
             created_at) VALUES ($1, $2, $3, 'pending', 0, $4, $5) \
             ON CONFLICT (subject, platform, destination) DO NOTHING",
        )
        .bind(subject)
        .bind(notice.platform.as_str())
        .bind(notice.to.to_string())
        .bind(due)
        .bind(created)
        .execute(&mut *conn)
        .await
        .map_err(classify("writing a notice"))?;
    }
    Ok(())
}

/// Skips the notices about `subject` not yet posted.
pub(super) async fn skip_pending(conn: &mut Connection, subject: &str) -> Result<(), StoreError> {
    sqlx::query(
        "UPDATE notices SET status = 'skipped', claimed_until = NULL \
         WHERE subject = $1 AND status = 'pending'",
    )
    .bind(subject)
    .execute(&mut *conn)
    .await
    .map_err(classify("skipping notices"))?;
    Ok(())
}

/// Pending notices on `platform` due at `now` and not claimed, oldest first.
pub(super) async fn due(
    conn: &mut Connection,
    platform: Platform,
    now: DateTime<Utc>,
    limit: u32,
) -> Result<Vec<Notice>, StoreError> {
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, subject, platform, destination, CAST(attempts AS BIGINT) FROM notices \
         WHERE status = 'pending' AND platform = $1 AND next_at <= $2 \
         AND (claimed_until IS NULL OR claimed_until <= $2) ORDER BY id LIMIT $3",
    )
    .bind(platform.as_str())
    .bind(now.timestamp_millis())
    .bind(i64::from(limit))
    .fetch_all(&mut *conn)
    .await
    .map_err(classify("reading due notices"))?;
    rows.into_iter()
        .map(|(id, subject, platform, destination, attempts)| {
            Ok(Notice {
                id: NoticeId(id),
                subject,
                platform: parse_platform(&platform)?,
                to: parse_destination(&destination)?,
                attempts: u32::try_from(attempts).unwrap_or(u32::MAX),
            })
        })
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

/// Claims notice `id` until `until` if it is pending and unclaimed at `now`.
pub(super) async fn claim(
    conn: &mut Connection,
    id: NoticeId,
    now: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let claimed = sqlx::query(
        "UPDATE notices SET claimed_until = $1, attempts = attempts + 1 \
         WHERE id = $2 AND status = 'pending' \
         AND (claimed_until IS NULL OR claimed_until <= $3)",
    )
    .bind(until.timestamp_millis())
    .bind(id.0)
    .bind(now.timestamp_millis())
    .execute(&mut *conn)
    .await
    .map_err(classify("claiming a notice"))?;
    Ok(claimed.rows_affected() == 1)
}

/// Records how posting notice `id` ended. A posted message is always recorded (it is out
/// there); the other outcomes leave a notice that is no longer pending (skipped because its
/// kudos was taken back meanwhile) as it is.
pub(super) async fn finish(
    conn: &mut Connection,
    id: NoticeId,
    outcome: &NoticeOutcome,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let query = match outcome {
        NoticeOutcome::Posted(message) => sqlx::query(
            "UPDATE notices SET status = 'posted', message_ref = $1, posted_at = $2, \
             claimed_until = NULL WHERE id = $3",
        )
        .bind(message.to_string())
        .bind(now.timestamp_millis())
        .bind(id.0),
        NoticeOutcome::Skipped => sqlx::query(
            "UPDATE notices SET status = 'skipped', claimed_until = NULL \
             WHERE id = $1 AND status = 'pending'",
        )
        .bind(id.0),
        NoticeOutcome::Retry { at, error } => sqlx::query(
            "UPDATE notices SET next_at = $1, last_error = $2, claimed_until = NULL \
             WHERE id = $3 AND status = 'pending'",
        )
        .bind(at.timestamp_millis())
        .bind(error.as_str())
        .bind(id.0),
        NoticeOutcome::Failed(error) => sqlx::query(
            "UPDATE notices SET status = 'failed', last_error = $1, claimed_until = NULL \
             WHERE id = $2 AND status = 'pending'",
        )
        .bind(error.as_str())
        .bind(id.0),
    };
    query
        .execute(&mut *conn)
        .await
        .map_err(classify("recording a notice"))?;
    Ok(())
}

/// Each posted notice about `subject`: its platform, destination and message.
pub(super) async fn posted(
    conn: &mut Connection,
    subject: &str,
) -> Result<Vec<(Platform, Destination, MessageRef)>, StoreError> {
    let rows: Vec<(String, String, String)> = sqlx::query_as(
        "SELECT platform, destination, message_ref FROM notices \
         WHERE subject = $1 AND status = 'posted' AND message_ref IS NOT NULL ORDER BY id",
    )
    .bind(subject)
    .fetch_all(&mut *conn)
    .await
    .map_err(classify("reading posted notices"))?;
    rows.into_iter()
        .map(|(platform, destination, message)| {
            let message = MessageRef::parse(&message)
                .ok_or_else(|| anyhow::anyhow!("stored message ref `{message}`"))?;
            Ok((
                parse_platform(&platform)?,
                parse_destination(&destination)?,
                message,
            ))
        })
        .collect::<anyhow::Result<_>>()
        .map_err(StoreError::Unexpected)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations_read_back_as_they_are_written() {
        for destination in [
            Destination::Channel("C0123".into()),
            Destination::Person(PersonId(42)),
        ] {
            assert_eq!(
                parse_destination(&destination.to_string()).unwrap(),
                destination
            );
        }
        assert!(parse_destination("person:x").is_err());
        assert!(parse_destination("channel:").is_err());
        assert!(parse_destination("team:1").is_err());
    }
}
