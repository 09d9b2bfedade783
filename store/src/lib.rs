//! Rhythm's storage: the domain's ports implemented on sqlx, once, for SQLite (the embedded
//! default) and Postgres (for scale and replicas).
//!
//! - [`Store`] is what the rest of Rhythm holds: [`Store::connect`] picks the backend from
//!   the URL, [`Store::migrate`] applies the embedded migrations, and it implements
//!   [`rhythm_domain::ports::Directory`].
//! - `sql/` is the SQL, written once and compiled for each backend by [`sqlite`] and
//!   [`postgres`], which hold the few statements that differ (`BEGIN IMMEDIATE`, advisory
//!   locks, bind limits). `sql/read.rs` reads the directory; `sql/write.rs` applies an
//!   import plan in multi-row statements.
//! - `convert` turns rows into domain types, re-parsing every stored value.
//! - Instants compared in SQL are epoch milliseconds (`BIGINT`) on both backends.
//!
//! The contract tests in `store/tests` run the same cases against both backends.
#![expect(
    clippy::duplicate_mod,
    reason = "sql/ is compiled once per backend on purpose: see the `sqlite` module"
)]

mod backends;
mod connect;
mod convert;
mod error;
pub mod postgres;
pub mod sqlite;

pub use backends::Store;
pub use connect::{BackendKind, ConnectOptions, MigrationStatus, missing_sqlite_file, redact};
