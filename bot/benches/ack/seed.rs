//! The databases measured, and what is in them: people on Slack, each sent a check-in prompt.

use std::sync::Arc;

use anyhow::{Context as _, bail};
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_domain::clock::{ManualClock, SystemClock};
use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::{Platform, Timezone};
use rhythm_domain::ports::{CheckIns as _, Commit, Directory as _, PeopleFilter};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::slack::{FakeSlack, FakeUser};
use sqlx::Connection as _;

/// A person's open check-in, and the prompt with its buttons in their DM.
pub(crate) struct Target {
    pub(crate) user: String,
    pub(crate) checkin: i64,
    pub(crate) channel: String,
    pub(crate) ts: String,
}

/// `people` people on Slack, each sent a check-in prompt the way `rhythm run` sends one: a
/// check-in schedule due now, planned by the planner, sent by the dispatcher through the
/// Slack messenger to the fake Slack (which opens each check-in and records its prompt).
pub(crate) async fn seed(
    store: &Store,
    slack: &FakeSlack,
    people: usize,
) -> anyhow::Result<Vec<Target>> {
    let mut csv = String::from("email,name,timezone,slack_user_id\n");
    for n in 0..people {
        let user = format!("U{n:08}");
        let email = format!("p{n}@x.com");
        csv.push_str(&format!("{email},Person {n},UTC,{user}\n"));
        slack.add_user(FakeUser::person(&user, &email, &format!("Person {n}")));
    }
    let options = ImportOptions {
        default_timezone: Timezone::UTC,
        deactivate_missing: false,
    };
    import_people(
        store,
        csv.as_bytes(),
        &options,
        Commit::Write,
        "bench",
        &|_, _| {},
    )
    .await
    .map_err(|error| anyhow::anyhow!("importing people: {error:?}"))?;

    let now = rhythm_testing::due_now(store, "Daily check-in", "check_in").await?;
    let planner = Planner::new(store.clone(), Arc::new(SystemClock), 500);
    let planned = planner.run_due().await?.deliveries;
    anyhow::ensure!(planned == people, "planned {planned} prompts");
    // Two days on, whatever quiet hours held back is due.
    let later = ManualClock::new(now + chrono::Duration::days(2));
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let settings = DispatchSettings {
        batch: 500,
        ..DispatchSettings::default()
    };
    let messenger = SlackMessenger::new(api, store.clone());
    let dispatcher = Dispatcher::new(store.clone(), messenger, Arc::new(later), settings);
    let mut sent = 0;
    while sent < people {
        let step = dispatcher.run_due().await?;
        anyhow::ensure!(step.sent > 0, "nothing was sent: {step:?}");
        sent += step.sent;
    }

    let mut targets = Vec::with_capacity(people);
    for person in store.people(&PeopleFilter::default()).await? {
        let user = person
            .identities
            .iter()
            .find(|identity| identity.platform == Platform::Slack)
            .map(|identity| identity.user_id.to_string())
            .context("everyone has a Slack account")?;
        // Quiet hours may have moved the prompt to tomorrow.
        let mut checkin = None;
        for day in [now, now + chrono::Duration::days(1)] {
            checkin = checkin.or(store.checkin_on(person.id, day.date_naive()).await?);
        }
        let checkin = checkin.with_context(|| format!("{user} has a check-in"))?;
        let (_, at) = checkin
            .prompt
            .with_context(|| format!("{user} has a prompt"))?;
        targets.push(Target {
            user,
            checkin: checkin.id.0,
            channel: at.channel,
            ts: at.id,
        });
    }
    Ok(targets)
}

/// How many interactions the database recorded as handled.
pub(crate) async fn stored(store: &Store) -> anyhow::Result<i64> {
    let sql = "SELECT COUNT(*) FROM inbound_events";
    Ok(match store {
        Store::Sqlite(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await?,
        Store::Postgres(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await?,
    })
}

/// Where a measured database lives.
pub(crate) enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres { server: String, name: String },
}

/// The backends `choice` (`sqlite`, `postgres` or `both`) names and this machine has.
pub(crate) async fn backends(choice: &str) -> anyhow::Result<Vec<Backend>> {
    let server = ["RHYTHM_BENCH_POSTGRES_URL", "RHYTHM_TEST_DATABASE_URL"]
        .iter()
        .find_map(|name| std::env::var(name).ok().filter(|url| !url.is_empty()))
        .unwrap_or_else(|| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut backends = Vec::new();
    if matches!(choice, "sqlite" | "both") {
        backends.push(Backend::Sqlite(tempfile::tempdir()?));
    }
    if matches!(choice, "postgres" | "both") {
        match sqlx::PgConnection::connect(&server).await {
            Ok(admin) => {
                admin.close().await.ok();
                let name = format!("rhythm_bench_ack_{}", std::process::id());
                backends.push(Backend::Postgres { server, name });
            }
            Err(error) if choice == "both" => {
                eprintln!("Postgres at {server} is not reachable ({error}); measuring SQLite only");
            }
            Err(error) => return Err(error).context(format!("connecting to {server}")),
        }
    }
    if backends.is_empty() {
        bail!("--backend takes sqlite, postgres or both, not `{choice}`");
    }
    Ok(backends)
}

impl Backend {
    pub(crate) fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres { .. } => "Postgres",
        }
    }

    /// A fresh database; its URL.
    pub(crate) async fn create(&self) -> anyhow::Result<String> {
        match self {
            Backend::Sqlite(dir) => Ok(format!(
                "sqlite://{}",
                dir.path().join("bench.db").display()
            )),
            Backend::Postgres { server, name } => {
                let mut admin = sqlx::PgConnection::connect(server).await?;
                for sql in [
                    format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"),
                    format!("CREATE DATABASE {name}"),
                ] {
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await?;
                }
                let base = server.rsplit_once('/').map_or(server.as_str(), |(b, _)| b);
                Ok(format!("{base}/{name}"))
            }
        }
    }

    pub(crate) async fn drop_database(&self) -> anyhow::Result<()> {
        if let Backend::Postgres { server, name } = self {
            let mut admin = sqlx::PgConnection::connect(server).await?;
            let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            sqlx::query(sqlx::AssertSqlSafe(sql))
                .execute(&mut admin)
                .await?;
        }
        Ok(())
    }
}
