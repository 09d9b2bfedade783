//! What the scheduler's benchmarks share: the databases they run on, and an organisation to
//! schedule for.

use std::sync::Arc;

use rhythm_domain::clock::SystemClock;
use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::Timezone;
use rhythm_domain::ports::Commit;
use rhythm_store::{ConnectOptions, Store};
use sqlx::Connection as _;

/// The databases a benchmark runs on: a fresh SQLite file, and a fresh Postgres database if
/// the server at `RHYTHM_BENCH_POSTGRES_URL` (default: the local one) answers.
pub(crate) struct Databases {
    /// `(label, url)`, SQLite first.
    pub(crate) cases: Vec<(&'static str, String)>,
    server: String,
    postgres: Option<String>,
    _dir: tempfile::TempDir,
}

impl Databases {
    /// Creates them; `tag` names the Postgres database.
    pub(crate) async fn create(tag: &str) -> anyhow::Result<Self> {
        let dir = tempfile::tempdir()?;
        let mut cases = vec![(
            "Rhythm on SQLite",
            format!("sqlite://{}", dir.path().join("bench.db").display()),
        )];
        let server = std::env::var("RHYTHM_BENCH_POSTGRES_URL")
            .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
        let mut postgres = None;
        if let Ok(mut admin) = sqlx::PgConnection::connect(&server).await {
            let name = format!("rhythm_bench_{tag}_{}", std::process::id());
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
                .execute(&mut admin)
                .await?;
            let base = server
                .rsplit_once('/')
                .map_or(server.as_str(), |(base, _)| base);
            cases.push(("Rhythm on Postgres", format!("{base}/{name}")));
            postgres = Some(name);
        }
        Ok(Self {
            cases,
            server,
            postgres,
            _dir: dir,
        })
    }

    /// Drops the Postgres database, if one was made.
    pub(crate) async fn drop_postgres(&self) -> anyhow::Result<()> {
        if let Some(name) = &self.postgres {
            let mut admin = sqlx::PgConnection::connect(&self.server).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await?;
        }
        Ok(())
    }
}

/// A migrated store at `url` with `people` people, `p0@x.com` onwards, all in UTC.
pub(crate) async fn organisation(url: &str, people: usize) -> anyhow::Result<Store> {
    let store = Store::connect(&ConnectOptions::new(url), Arc::new(SystemClock)).await?;
    store.migrate().await?;
    let mut csv = String::from("email,name,timezone\n");
    for n in 0..people {
        csv.push_str(&format!("p{n}@x.com,Person {n},UTC\n"));
    }
    let options = ImportOptions {
        default_timezone: Timezone::UTC,
        deactivate_missing: false,
    };
    import_people(
        &store,
        csv.as_bytes(),
        &options,
        Commit::Write,
        "bench",
        &|_, _| {},
    )
    .await
    .map_err(|error| anyhow::anyhow!("{error:?}"))?;
    Ok(store)
}
