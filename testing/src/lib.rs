//! Test support for Rhythm, shared by every crate's integration tests (`publish = false`).
//!
//! Today it holds [`TestDb`]: a fresh, migrated database per test, on SQLite by default or on
//! Postgres when `RHYTHM_TEST_DATABASE_URL` names a server, and [`FakeSlack`] ([`slack`]): Slack's
//! Web API and Socket Mode on 127.0.0.1, recording every call. It will hold a fake Discord
//! (REST and gateway) and a `TestApp` that wires the fakes to a running Rhythm.

mod database;
mod schedule;
pub mod slack;

pub use database::{Stall, TEST_EPOCH, TestBackend, TestDb};
pub use schedule::due_now;
pub use slack::{FakeSlack, FakeUser};
