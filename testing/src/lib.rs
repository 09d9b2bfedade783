//! Test support for Rhythm, shared by every crate's integration tests (`publish = false`).
//!
//! Today it holds [`TestDb`]: a fresh, migrated database per test, on SQLite by default or on
//! Postgres when `RHYTHM_TEST_DATABASE_URL` names a server. It will hold the fakes that speak
//! Slack's and Discord's real wire protocols on 127.0.0.1 (Web API and Socket Mode; REST and
//! gateway), which record every call, and a `TestApp` that wires them to a running Rhythm.

mod database;

pub use database::{TEST_EPOCH, TestBackend, TestDb};
