//! Ids and timestamps as Discord makes them: snowflakes (milliseconds since 2015 in the top
//! 42 bits) and ISO 8601 timestamps with microseconds.

use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

use chrono::{DateTime, Utc};

/// 2015-01-01T00:00:00Z, where Discord's snowflakes start counting.
const DISCORD_EPOCH_MS: u64 = 1_420_070_400_000;

/// The last snowflake handed out in this process, so that ids never repeat and always grow.
static LAST: AtomicU64 = AtomicU64::new(0);

/// A fresh snowflake for now, unique in the process (messages, interactions, commands).
pub(crate) fn next_snowflake() -> String {
    let now_ms = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| u64::try_from(elapsed.as_millis()).unwrap_or(u64::MAX))
        .unwrap_or(DISCORD_EPOCH_MS);
    let candidate = now_ms.saturating_sub(DISCORD_EPOCH_MS) << 22;
    let mut last = LAST.load(Ordering::Relaxed);
    loop {
        let next = candidate.max(last + 1);
        match LAST.compare_exchange_weak(last, next, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return next.to_string(),
            Err(actual) => last = actual,
        }
    }
}

/// When a snowflake was made, as Discord writes timestamps (`2017-07-11T17:27:07.299000+00:00`).
pub(crate) fn timestamp_of(snowflake: &str) -> String {
    let ms = snowflake.parse::<u64>().unwrap_or(0) >> 22;
    let ms = i64::try_from(ms + DISCORD_EPOCH_MS).unwrap_or(0);
    iso(DateTime::from_timestamp_millis(ms).unwrap_or_default())
}

/// Now, as Discord writes timestamps.
pub(crate) fn now_iso() -> String {
    iso(Utc::now())
}

fn iso(at: DateTime<Utc>) -> String {
    at.format("%Y-%m-%dT%H:%M:%S%.6f+00:00").to_string()
}

/// The id the fake gives the DM channel between the bot and `user_id`, so tests and payload
/// builders know it without asking: the user's snowflake with its five worker bits flipped
/// (a one-to-one map, so two people never share a DM). A non-numeric id is hashed.
pub fn dm_channel_id(user_id: &str) -> String {
    const WORKER_BITS: u64 = 0x1F << 17;
    let id = user_id
        .parse::<u64>()
        .unwrap_or_else(|_| fnv1a(user_id) >> 1);
    (id ^ WORKER_BITS).to_string()
}

/// The user whose DM [`dm_channel_id`] gave `channel_id`, if the id is numeric.
pub(crate) fn dm_user_of(channel_id: &str) -> Option<String> {
    const WORKER_BITS: u64 = 0x1F << 17;
    channel_id
        .parse::<u64>()
        .ok()
        .map(|id| (id ^ WORKER_BITS).to_string())
}

/// FNV-1a, 64 bits: a stable hash for bucket ids and non-numeric user ids.
pub(crate) fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| {
        (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn snowflakes_grow_and_carry_their_time() {
        let first = next_snowflake();
        let second = next_snowflake();
        assert!(second.parse::<u64>().unwrap() > first.parse::<u64>().unwrap());
        assert!(
            timestamp_of(&second).starts_with("20"),
            "{}",
            timestamp_of(&second)
        );
        // The docs' example message id: made 17 seconds after its (hand-written) timestamp.
        assert_eq!(
            timestamp_of("334385199974967042"),
            "2017-07-11T17:27:24.250000+00:00"
        );
    }

    #[test]
    fn a_dm_channel_maps_back_to_its_user() {
        let channel = dm_channel_id("80351110224678912");
        assert_ne!(channel, "80351110224678912");
        assert_eq!(dm_user_of(&channel).as_deref(), Some("80351110224678912"));
    }
}
