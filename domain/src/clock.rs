//! The `Clock` port: every reading of "now" goes through it.
//!
//! `tokio::time::pause()` does not move `Utc::now()`, so a test that wants to see a
//! reminder fire next Monday needs a clock it can move: [`ManualClock`]. Waiting goes
//! through the clock too, so that pacing sends to a platform's rate limit can be tested
//! without sleeping: a manual clock's wait moves it forward instead.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};

/// A wait on a [`Clock`].
pub type Wait = Pin<Box<dyn Future<Output = ()> + Send + 'static>>;

/// A source of the current instant.
pub trait Clock: Send + Sync + 'static {
    /// The current instant.
    fn now(&self) -> DateTime<Utc>;

    /// Waits until this clock shows `instant` (at once if it already has).
    fn sleep_until(&self, instant: DateTime<Utc>) -> Wait;
}

/// The wall clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }

    fn sleep_until(&self, instant: DateTime<Utc>) -> Wait {
        let wait = (instant - Utc::now()).to_std().unwrap_or_default();
        Box::pin(tokio::time::sleep(wait))
    }
}

/// A clock that stands still until told to move; clones share the same time.
#[derive(Debug, Clone)]
pub struct ManualClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl ManualClock {
    /// A clock showing `start`.
    pub fn new(start: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(start)),
        }
    }

    /// Moves the clock forward (or backward, with a negative duration).
    pub fn advance(&self, by: Duration) {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now += by;
    }

    /// Sets the clock to `instant`.
    pub fn set(&self, instant: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner) = instant;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the clock to `instant` if it is behind it, and returns at once.
    fn sleep_until(&self, instant: DateTime<Utc>) -> Wait {
        let mut now = self.now.lock().unwrap_or_else(PoisonError::into_inner);
        *now = (*now).max(instant);
        Box::pin(std::future::ready(()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manual_clock_moves_only_when_told_and_clones_share_it() {
        let start = DateTime::parse_from_rfc3339("2026-03-29T00:30:00Z")
            .unwrap()
            .with_timezone(&Utc);
        let clock = ManualClock::new(start);
        let twin = clock.clone();
        assert_eq!(clock.now(), start);
        twin.advance(Duration::hours(2));
        assert_eq!(clock.now(), start + Duration::hours(2));
        clock.set(start);
        assert_eq!(twin.now(), start);
    }

    #[tokio::test]
    async fn waiting_on_a_manual_clock_moves_it_forward_never_back() {
        let start: DateTime<Utc> = "2026-03-02T09:00:00Z".parse().unwrap();
        let clock = ManualClock::new(start);
        clock.sleep_until(start + Duration::seconds(3)).await;
        assert_eq!(clock.now(), start + Duration::seconds(3));
        clock.sleep_until(start).await;
        assert_eq!(
            clock.now(),
            start + Duration::seconds(3),
            "a past instant is no wait"
        );
    }
}
