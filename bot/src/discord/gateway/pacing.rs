//! The waits between connections, paced by [`Reconnect`] as Slack's Socket Mode client is,
//! and the randomness Discord asks for (heartbeat jitter, the pause after an invalid session).

use std::time::Duration;

use ring::rand::{SecureRandom as _, SystemRandom};
use tokio::time::Instant;

use crate::slack::socket::Reconnect;

/// The wait before the next connection: doubling from `first_wait` up to `max_wait` while
/// connections keep failing, and back to the start once one has stayed up long enough.
#[derive(Debug)]
pub(super) struct Backoff {
    reconnect: Reconnect,
    next: Duration,
    /// Discord asked for a reconnect (or a zombie was closed) since the last healthy
    /// connection, and Rhythm reconnected at once: the next such request waits, so a server
    /// that asks again and again is not answered in a tight loop.
    at_once_spent: bool,
}

impl Backoff {
    pub(super) fn new(reconnect: Reconnect) -> Self {
        Self {
            reconnect,
            next: reconnect.first_wait,
            at_once_spent: false,
        }
    }

    /// Another failure: the wait before trying again.
    pub(super) fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(self.reconnect.max_wait);
        wait
    }

    /// Discord asked for a new connection: at once the first time since the last healthy
    /// connection, else like a failure.
    pub(super) fn asked(&mut self) -> Duration {
        if self.at_once_spent {
            self.failed()
        } else {
            self.at_once_spent = true;
            Duration::ZERO
        }
    }

    /// A connection that became ready at `ready` ended: if it had been up long enough to
    /// count as healthy, the next wait is the first one again.
    pub(super) fn ended_after(&mut self, ready: Option<Instant>) {
        if ready.is_some_and(|at| at.elapsed() >= self.reconnect.healthy_after) {
            self.next = self.reconnect.first_wait;
            self.at_once_spent = false;
        }
    }
}

/// A uniformly random number in [0, 1); 0.5 if the system cannot supply randomness.
pub(super) fn unit_random() -> f64 {
    let mut bytes = [0_u8; 4];
    if SystemRandom::new().fill(&mut bytes).is_err() {
        return 0.5;
    }
    f64::from(u32::from_le_bytes(bytes)) / (f64::from(u32::MAX) + 1.0)
}

/// Milliseconds, for log fields.
pub(super) fn millis(wait: Duration) -> u64 {
    u64::try_from(wait.as_millis()).unwrap_or(u64::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_doubles_up_to_the_limit_and_starts_over_after_a_healthy_connection() {
        let mut backoff = Backoff::new(Reconnect::default());
        let waits: Vec<u64> = (0..8).map(|_| backoff.failed().as_secs()).collect();
        assert_eq!(waits, [1, 2, 4, 8, 16, 32, 60, 60]);
        backoff.ended_after(Some(Instant::now()));
        assert_eq!(
            backoff.failed(),
            Duration::from_secs(60),
            "not up long enough"
        );
        backoff.ended_after(Some(Instant::now() - Duration::from_secs(30)));
        assert_eq!(backoff.failed(), Duration::from_secs(1));
    }

    #[test]
    fn a_request_to_reconnect_is_answered_at_once_only_once_per_healthy_connection() {
        let mut backoff = Backoff::new(Reconnect::default());
        assert_eq!(backoff.asked(), Duration::ZERO);
        assert_eq!(backoff.asked(), Duration::from_secs(1));
        assert_eq!(backoff.asked(), Duration::from_secs(2));
        backoff.ended_after(Some(Instant::now() - Duration::from_secs(30)));
        assert_eq!(backoff.asked(), Duration::ZERO);
    }

    #[test]
    fn the_random_unit_stays_below_one() {
        for _ in 0..1000 {
            let unit = unit_random();
            assert!((0.0..1.0).contains(&unit), "{unit}");
        }
    }
}
