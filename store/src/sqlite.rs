//! The SQLite backend, Rhythm's embedded default.
//!
//! The modules under `sql/` are compiled once here and once in `postgres`, against this
//! module's `Db` and dialect constants: the shared code reads as plain sqlx, with no generic
//! bounds, and what differs between the backends is the handful of constants below.

use sqlx::migrate::Migrator;

pub(crate) type Db = sqlx::Sqlite;

/// A deferred transaction that reads and then writes fails with `SQLITE_BUSY` at once instead
/// of waiting for the busy timeout; `IMMEDIATE` takes the write lock up front.
pub(crate) const BEGIN_WRITE: &str = "BEGIN IMMEDIATE";
/// One writer at a time: see `sql/turn.rs`.
pub(crate) const TAKES_TURNS: bool = true;
/// Serialises admin changes of one kind (bound to its name); `BEGIN IMMEDIATE` already
/// serialises every writer.
pub(crate) const LOCK: Option<&str> = None;
/// SQLITE_MAX_VARIABLE_NUMBER's default since SQLite 3.32.
pub(crate) const MAX_BINDS: usize = 32_766;
pub(crate) const MIGRATIONS_TABLE_EXISTS: &str =
    "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_sqlx_migrations'";

/// Due schedules; `BEGIN IMMEDIATE` already keeps other planners out.
pub(crate) const DUE_SCHEDULES: &str = "SELECT id, doc, paused, next_fire_at, version, updated_at \
     FROM schedules WHERE paused = $1 AND next_fire_at IS NOT NULL AND next_fire_at <= $2 \
     ORDER BY next_fire_at LIMIT $3";

/// Leases due deliveries; `BEGIN IMMEDIATE` keeps other dispatchers out meanwhile.
pub(crate) const LEASE_DUE: &str = "UPDATE deliveries SET lease_owner = $1, lease_until = $2 \
     WHERE id IN (SELECT id FROM deliveries WHERE status = 'pending' AND due_at <= $3 \
     AND (lease_until IS NULL OR lease_until < $3) ORDER BY due_at LIMIT $4) RETURNING id";

pub(crate) static MIGRATOR: Migrator = sqlx::migrate!("../migrations/sqlite");

#[path = "sql/audit.rs"]
mod audit;
#[path = "sql/checkins.rs"]
mod checkins;
#[path = "sql/digests.rs"]
mod digests;
#[path = "sql/feedback.rs"]
mod feedback;
#[path = "sql/goals.rs"]
mod goals;
#[path = "sql/kudos.rs"]
mod kudos;
#[path = "sql/links.rs"]
mod links;
#[path = "sql/notices.rs"]
mod notices;
#[path = "sql/oneonones.rs"]
mod oneonones;
#[path = "sql/outbox.rs"]
mod outbox;
#[path = "sql/platform.rs"]
mod platform;
#[path = "sql/read.rs"]
mod read;
#[path = "sql/review_items.rs"]
mod review_items;
#[path = "sql/reviews.rs"]
mod reviews;
#[path = "sql/schedules.rs"]
mod schedules;
#[path = "sql/sessions.rs"]
mod sessions;
#[path = "sql/settings.rs"]
mod settings;
#[path = "sql/store.rs"]
mod store;
#[path = "sql/sync.rs"]
mod sync;
#[path = "sql/turn.rs"]
mod turn;
#[path = "sql/write.rs"]
mod write;

pub use store::SqlStore;
