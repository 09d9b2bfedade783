//! Handling each inbound event once, by its key (Slack's `event_id` or trigger id, Discord's
//! interaction id): the same bookkeeping for both platforms' handlers.

use chrono::{DateTime, Utc};
use rhythm_domain::ports::{CheckIns, StoreError};

/// Whether the event keyed `key` on `platform` is to be handled: it has no key, or it is
/// new (it is recorded now), or its first try died unfinished. A repeat is logged.
pub(crate) async fn first<S: CheckIns>(
    store: &S,
    platform: &str,
    key: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool, StoreError> {
    let Some(key) = key else {
        return Ok(true);
    };
    let first = store.first_seen(platform, key, now).await?;
    if !first {
        tracing::info!(platform, key, "a repeat of an event already handled");
    }
    Ok(first)
}

/// Records how handling the event keyed `key` ended: handled (its repeats are ignored), or
/// failed (forgotten, so that the platform's retry is handled). If this cannot be recorded,
/// a retry after 30 s is handled again, or ignored: logged.
pub(crate) async fn finished<S: CheckIns, T>(
    store: &S,
    platform: &str,
    key: Option<&str>,
    outcome: &Result<T, StoreError>,
) {
    let Some(key) = key else {
        return;
    };
    let recorded = match outcome {
        Ok(_) => store.handled_seen(platform, key).await,
        Err(_) => store.forget_seen(platform, key).await,
    };
    if let Err(error) = recorded {
        tracing::warn!(platform, key, error = %error, "could not record how an event was handled; a retry of it may be handled again (after 30 s) or ignored");
    }
}
