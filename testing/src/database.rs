//! A fresh database per test.
//!
//! - `RHYTHM_TEST_DATABASE_URL` unset: a SQLite file in a temporary directory.
//! - `RHYTHM_TEST_DATABASE_URL=postgres://…`: a new database on that server, dropped when
//!   the test ends. If the server cannot be reached the test fails; it never quietly falls
//!   back to SQLite.
//! - `RHYTHM_TEST_LEDGER=FILE`: each test database is recorded there as `BACKEND NAME`, so CI
//!   can prove the Postgres run really ran on Postgres.

use std::io::Write as _;
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rhythm_domain::clock::ManualClock;
use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::Timezone;
use rhythm_domain::ports::Commit;
use rhythm_store::{ConnectOptions, Store};
use sqlx::Connection as _;
use tempfile::TempDir;

/// The instant every test clock starts at: Monday 2026-03-02 09:00 UTC.
pub const TEST_EPOCH: &str = "2026-03-02T09:00:00Z";

/// Which backend the tests run on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TestBackend {
    /// A temporary SQLite file.
    Sqlite,
    /// A fresh database on the server `RHYTHM_TEST_DATABASE_URL` names.
    Postgres,
}

/// A fresh, migrated database and a store on it, with a clock the test moves.
pub struct TestDb {
    /// The store, already migrated.
    pub store: Store,
    /// The store's clock, starting at [`TEST_EPOCH`].
    pub clock: ManualClock,
    /// The database URL, for running the `rhythm` binary against the same database.
    pub url: String,
    backend: TestBackend,
    _dir: Option<TempDir>,
    postgres: Option<PostgresDatabase>,
}

impl TestDb {
    /// The backend `RHYTHM_TEST_DATABASE_URL` selects.
    pub fn backend() -> TestBackend {
        match std::env::var("RHYTHM_TEST_DATABASE_URL") {
            Ok(url) if !url.is_empty() => TestBackend::Postgres,
            _ => TestBackend::Sqlite,
        }
    }

    /// A fresh database, migrated, on the selected backend. Panics with the reason if it
    /// cannot be made: a test that cannot reach its database fails.
    pub async fn new() -> Self {
        Self::create().await.expect("creating a test database")
    }

    /// A fresh database on the selected backend, not migrated.
    pub async fn unmigrated() -> Self {
        Self::create_unmigrated()
            .await
            .expect("creating a test database")
    }

    async fn create() -> anyhow::Result<Self> {
        let db = Self::create_unmigrated().await?;
        db.store
            .migrate()
            .await
            .context("migrating the test database")?;
        Ok(db)
    }

    async fn create_unmigrated() -> anyhow::Result<Self> {
        let start: DateTime<Utc> = TEST_EPOCH.parse().context("parsing the test epoch")?;
        let clock = ManualClock::new(start);
        let backend = Self::backend();
        let (url, dir, postgres) = match backend {
            TestBackend::Sqlite => {
                let dir = tempfile::tempdir().context("making a temporary directory")?;
                let url = format!("sqlite://{}", dir.path().join("rhythm.db").display());
                (url, Some(dir), None)
            }
            TestBackend::Postgres => {
                let server = std::env::var("RHYTHM_TEST_DATABASE_URL")?;
                let database = PostgresDatabase::create(&server).await?;
                (database.url.clone(), None, Some(database))
            }
        };
        record_in_ledger(backend, &url);
        let store = Store::connect(&ConnectOptions::new(url.clone()), Arc::new(clock.clone()))
            .await
            .with_context(|| format!("connecting to the test database {url}"))?;
        Ok(Self {
            store,
            clock,
            url,
            backend,
            _dir: dir,
            postgres,
        })
    }

    /// This database's backend.
    pub fn backend_of(&self) -> TestBackend {
        self.backend
    }

    /// Imports the people of `csv` (UTC where a row names no zone); panics if the file is
    /// refused, since a test's own data should always import.
    pub async fn import(&self, csv: &str) {
        let options = ImportOptions {
            default_timezone: Timezone::UTC,
            deactivate_missing: false,
        };
        import_people(
            &self.store,
            csv.as_bytes(),
            &options,
            Commit::Write,
            "test",
            &|_, _| {},
        )
        .await
        .unwrap_or_else(|error| panic!("the test's people import: {error:?}"));
    }

    /// The single number `sql` returns (a `COUNT(*)`, say), for assertions on what was
    /// written. Test code only: the SQL is trusted as written.
    pub async fn count(&self, sql: &str) -> i64 {
        let query = || sqlx::AssertSqlSafe(sql.to_owned());
        match &self.store {
            Store::Sqlite(store) => sqlx::query_scalar(query()).fetch_one(store.pool()).await,
            Store::Postgres(store) => sqlx::query_scalar(query()).fetch_one(store.pool()).await,
        }
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// The text column `sql` returns, one value a row. Test code only, like [`Self::count`].
    pub async fn strings(&self, sql: &str) -> Vec<String> {
        let query = || sqlx::AssertSqlSafe(sql.to_owned());
        match &self.store {
            Store::Sqlite(store) => sqlx::query_scalar(query()).fetch_all(store.pool()).await,
            Store::Postgres(store) => sqlx::query_scalar(query()).fetch_all(store.pool()).await,
        }
        .unwrap_or_else(|error| panic!("{sql}: {error}"))
    }

    /// Holds writes to `table` from other connections until the stall is released (or
    /// dropped): a database slowed by a long writer, to keep Rhythm's work in flight. On
    /// SQLite the whole database waits (its one writer), on Postgres the table.
    pub async fn stall_writes(&self, table: &str) -> Stall {
        match &self.store {
            Store::Sqlite(store) => {
                let tx = store.pool().begin_with("BEGIN IMMEDIATE").await;
                Stall::Sqlite(tx.expect("taking SQLite's write lock"))
            }
            Store::Postgres(store) => {
                let mut tx = store.pool().begin().await.expect("beginning a transaction");
                let lock = format!("LOCK TABLE {table} IN EXCLUSIVE MODE");
                sqlx::query(sqlx::AssertSqlSafe(lock))
                    .execute(&mut *tx)
                    .await
                    .expect("locking the table");
                Stall::Postgres(tx)
            }
        }
    }
}

/// Writes held back by [`TestDb::stall_writes`].
pub enum Stall {
    /// SQLite's write lock.
    Sqlite(sqlx::Transaction<'static, sqlx::Sqlite>),
    /// A Postgres table lock.
    Postgres(sqlx::Transaction<'static, sqlx::Postgres>),
}

impl Stall {
    /// Lets the writes through.
    pub async fn release(self) {
        match self {
            Self::Sqlite(tx) => tx.rollback().await,
            Self::Postgres(tx) => tx.rollback().await,
        }
        .expect("releasing the stall");
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        if let Some(database) = self.postgres.take() {
            database.drop_now();
        }
    }
}

fn record_in_ledger(backend: TestBackend, url: &str) {
    let Ok(path) = std::env::var("RHYTHM_TEST_LEDGER") else {
        return;
    };
    let name = url.rsplit('/').next().unwrap_or(url);
    let line = format!("{} {name}\n", format!("{backend:?}").to_lowercase());
    let written = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(error) = written {
        panic!("cannot write the test ledger {path}: {error}");
    }
}

/// A database made for one test on a Postgres server.
struct PostgresDatabase {
    server: String,
    name: String,
    url: String,
}

impl PostgresDatabase {
    async fn create(server: &str) -> anyhow::Result<Self> {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let name = format!(
            "rhythm_test_{}_{}_{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed),
            Utc::now().timestamp_micros() % 1_000_000
        );
        let mut admin = sqlx::PgConnection::connect(server).await.with_context(|| {
            format!("RHYTHM_TEST_DATABASE_URL is set but {server} cannot be reached")
        })?;
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
            .execute(&mut admin)
            .await
            .with_context(|| format!("creating database {name}"))?;
        admin.close().await.ok();
        let base = server.rsplit_once('/').map_or(server, |(base, _)| base);
        let url = format!("{base}/{name}");
        Ok(Self {
            server: server.to_owned(),
            name,
            url,
        })
    }

    /// Drops the database from a thread of its own: `Drop` cannot await, and the test's
    /// runtime may be shutting down.
    fn drop_now(self) {
        let dropped = std::thread::spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()?;
            runtime.block_on(async {
                let mut admin = sqlx::PgConnection::connect(&self.server).await?;
                sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {} WITH (FORCE)",
                    self.name
                )))
                .execute(&mut admin)
                .await?;
                admin.close().await?;
                anyhow::Ok(())
            })
        })
        .join();
        if let Ok(Err(error)) = dropped {
            eprintln!("could not drop test database: {error:#}");
        }
    }
}
