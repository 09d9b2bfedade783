//! Test support for Rhythm, shared by every crate's integration tests (`publish = false`).
//!
//! - [`TestDb`]: a fresh, migrated database per test, on SQLite by default or on Postgres
//!   when `RHYTHM_TEST_DATABASE_URL` names a server.
//! - [`FakeSlack`] ([`slack`]): Slack's Web API and Socket Mode on 127.0.0.1, recording
//!   every call.
//! - [`campaign`]: the real `rhythm run` as a child process against the fakes, to kill,
//!   pause and restart; [`outage`]: a proxy that takes its database away and brings it
//!   back.
//! - [`FakeDiscord`] ([`discord`]): Discord's REST API under `/api/v10`, its gateway and
//!   signed HTTP interactions on 127.0.0.1, recording every call and checking request bodies
//!   against Discord's OpenAPI spec.

pub mod campaign;
mod database;
pub mod discord;
mod failures;
pub mod outage;
mod schedule;
mod serve;
pub mod slack;
mod websocket;

pub use database::{Stall, TEST_EPOCH, TestBackend, TestDb};
pub use discord::{DiscordFailure, FakeDiscord, FakeDiscordUser};
pub use schedule::due_now;
pub use slack::{FakeSlack, FakeUser};

/// Locks `mutex` even when a thread panicked holding it: a fake's record must stay readable
/// after a handler or a test's assertion panicked.
pub(crate) fn lock<T>(mutex: &std::sync::Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

/// Waits until `done` holds for the value `watched` publishes; `false` if it still does not
/// after `timeout`. For the counts a fake publishes as connections come and go.
pub(crate) async fn wait_for<T>(
    watched: &tokio::sync::watch::Sender<T>,
    timeout: std::time::Duration,
    done: impl FnMut(&T) -> bool,
) -> bool {
    let mut receiver = watched.subscribe();
    tokio::time::timeout(timeout, receiver.wait_for(done))
        .await
        .is_ok_and(|seen| seen.is_ok())
}

/// Waits until `done` holds, checking every 10 ms; `false` if it still does not after
/// `timeout`.
pub async fn eventually(timeout: std::time::Duration, mut done: impl FnMut() -> bool) -> bool {
    let deadline = tokio::time::Instant::now() + timeout;
    while !done() {
        if tokio::time::Instant::now() >= deadline {
            return false;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    true
}
