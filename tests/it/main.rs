//! The `rhythm` binary from the outside: the real executable against a fresh database per
//! test (SQLite, or Postgres with `RHYTHM_TEST_DATABASE_URL`), and the HTTP app in process.

mod app;
mod cli;
mod config;
mod cycle;
mod goals;
mod import;
mod oneonone;
mod schedule;
mod slack;
mod slack_sync;
mod support;
mod team;
