//! Pacing reconnections, the same for Slack's Socket Mode and Discord's gateway: doubling
//! waits while connections keep failing, back to the first once one has stayed up.

use std::time::Duration;

use tokio::time::Instant;

/// How Rhythm paces its connections to Slack's Socket Mode and Discord's gateway.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reconnect {
    /// The wait after the first failure in a row; it doubles with each further one.
    pub first_wait: Duration,
    /// The longest wait.
    pub max_wait: Duration,
    /// A connection up (greeted, ready) this long was healthy: the next wait is `first_wait` again.
    pub healthy_after: Duration,
}

impl Default for Reconnect {
    /// One second, doubling up to a minute; healthy after thirty seconds.
    fn default() -> Self {
        Self {
            first_wait: Duration::from_secs(1),
            max_wait: Duration::from_secs(60),
            healthy_after: Duration::from_secs(30),
        }
    }
}

/// The wait before the next connection: doubling from `first_wait` up to `max_wait` while
/// connections keep failing, and back to the start once one has stayed up long enough.
#[derive(Debug)]
pub(crate) struct Backoff {
    reconnect: Reconnect,
    next: Duration,
    /// Discord asked for a reconnect (or a zombie was closed) since the last healthy
    /// connection, and Rhythm reconnected at once: the next such request waits, so a server
    /// that asks again and again is not answered in a tight loop.
    at_once_spent: bool,
}

impl Backoff {
    pub(crate) fn new(reconnect: Reconnect) -> Self {
        Self {
            reconnect,
            next: reconnect.first_wait,
            at_once_spent: false,
        }
    }

    /// Another failure: the wait before trying again.
    pub(crate) fn failed(&mut self) -> Duration {
        let wait = self.next;
        self.next = (self.next * 2).min(self.reconnect.max_wait);
        wait
    }

    /// Discord asked for a new connection: at once the first time since the last healthy
    /// connection, else like a failure.
    pub(crate) fn asked(&mut self) -> Duration {
        if self.at_once_spent {
            self.failed()
        } else {
            self.at_once_spent = true;
            Duration::ZERO
        }
    }

    /// A connection that became ready at `ready` ended: if it had been up long enough to
    /// count as healthy, the next wait is the first one again.
    pub(crate) fn ended_after(&mut self, ready: Option<Instant>) {
        if ready.is_some_and(|at| at.elapsed() >= self.reconnect.healthy_after) {
            self.next = self.reconnect.first_wait;
            self.at_once_spent = false;
        }
    }
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
}
