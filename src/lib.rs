//! The `rhythm` binary's library: configuration, the command line, and the wiring of every
//! crate into a running application.
//!
//! - [`config`]: defaults, then the TOML file, then `RHYTHM__SECTION__KEY`; secrets from the
//!   environment only.
//! - [`cli`] and [`commands`]: what each subcommand does; `main.rs` only parses and calls.
//! - [`app`]: [`app::App::build`] opens the database and binds the HTTP listener (port 0 in
//!   tests); [`app::App::run`] serves until its shutdown token is cancelled.
//! - [`discord`]: Discord wired in when `DISCORD_TOKEN` is set.
//! - [`http`]: `/healthz`, `/readyz`, `/metrics`.
//! - [`telemetry`]: structured logs and the Prometheus recorder.

pub mod app;
pub mod cli;
pub mod commands;
pub mod config;
pub mod discord;
pub mod error;
pub mod http;
pub mod telemetry;
