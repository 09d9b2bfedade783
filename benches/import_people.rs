//! Importing 100,000 generated people, on SQLite and on Postgres, against a baseline of the
//! same rows written by bare multi-row `INSERT`s in the same run.
//!
//! ```text
//! cargo bench --bench import_people                      # 100,000 people, 3 runs per case
//! cargo bench --bench import_people -- --rows 20000 --runs 1
//! RHYTHM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench --bench import_people
//! ```
//!
//! Each measurement runs in a fresh worker process (this binary, re-run with `--worker`), so
//! its peak memory (VmHWM) is its own. Time is measured inside the worker around the work
//! only: reading and checking the file and writing it for the import; the inserts alone for
//! the baseline, whose rows are parsed before its clock starts. Postgres is measured when
//! the server (default `postgres://postgres@127.0.0.1:5432/test`) answers.

use std::collections::HashMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;
use std::time::Instant;

use anyhow::{Context as _, bail};
use rhythm_domain::clock::SystemClock;
use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::Timezone;
use rhythm_domain::ports::Commit;
use rhythm_store::{ConnectOptions, Store};
use sqlx::Connection as _;

const ZONES: [&str; 8] = [
    "Europe/Berlin",
    "America/New_York",
    "Asia/Tokyo",
    "Europe/London",
    "America/Los_Angeles",
    "Australia/Sydney",
    "Asia/Kolkata",
    "America/Sao_Paulo",
];

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    if let Some(at) = args.iter().position(|a| a == "--worker") {
        let [case, url, csv] = [1, 2, 3].map(|i| args.get(at + i).cloned().unwrap_or_default());
        return runtime.block_on(worker(&case, &url, Path::new(&csv)));
    }
    let flag = |name: &str, default: usize| {
        args.iter()
            .position(|a| a == name)
            .and_then(|at| args.get(at + 1)?.parse().ok())
            .unwrap_or(default)
    };
    runtime.block_on(parent(flag("--rows", 100_000), flag("--runs", 3)))
}

/// One measurement: what a worker prints.
#[derive(Debug, serde::Deserialize, serde::Serialize)]
struct Measurement {
    seconds: f64,
    peak_mib: f64,
    people: u64,
}

async fn parent(rows: usize, runs: usize) -> anyhow::Result<()> {
    let dir = tempfile::tempdir()?;
    let csv = dir.path().join("people.csv");
    std::fs::write(&csv, generate(rows)).context("writing the generated file")?;
    let bytes = std::fs::metadata(&csv)?.len();
    println!(
        "{rows} people, {:.1} MiB of CSV, {runs} run(s) per case, median shown",
        bytes as f64 / 1_048_576.0
    );
    println!();
    println!("| backend | case | time (s) | peak memory (MiB) | ratio to baseline |");
    println!("|---|---|---:|---:|---:|");

    let server = std::env::var("RHYTHM_BENCH_POSTGRES_URL")
        .unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".to_owned());
    let mut backends = vec![Backend::Sqlite];
    match sqlx::PgConnection::connect(&server).await {
        Ok(conn) => {
            conn.close().await.ok();
            backends.push(Backend::Postgres(server));
        }
        Err(error) => {
            eprintln!("Postgres at {server} is not reachable ({error}); measuring SQLite only");
        }
    }
    for backend in &backends {
        let baseline = median(backend, "baseline", &csv, dir.path(), runs, rows).await?;
        let import = median(backend, "import", &csv, dir.path(), runs, rows).await?;
        for (case, m) in [
            ("bare multi-row INSERT (baseline)", &baseline),
            ("rhythm people import", &import),
        ] {
            println!(
                "| {} | {case} | {:.2} | {:.0} | {:.2}x |",
                backend.name(),
                m.seconds,
                m.peak_mib,
                m.seconds / baseline.seconds
            );
        }
    }
    Ok(())
}

enum Backend {
    Sqlite,
    Postgres(String),
}

impl Backend {
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite => "SQLite",
            Backend::Postgres(_) => "Postgres",
        }
    }

    /// A fresh, migrated database; returns its URL.
    async fn fresh(&self, dir: &Path, run: usize) -> anyhow::Result<String> {
        let url = match self {
            Backend::Sqlite => {
                format!("sqlite://{}", dir.join(format!("bench-{run}.db")).display())
            }
            Backend::Postgres(server) => {
                let name = format!("rhythm_bench_{}_{run}", std::process::id());
                let mut admin = sqlx::PgConnection::connect(server).await?;
                for sql in [
                    format!("DROP DATABASE IF EXISTS {name}"),
                    format!("CREATE DATABASE {name}"),
                ] {
                    sqlx::query(sqlx::AssertSqlSafe(sql))
                        .execute(&mut admin)
                        .await?;
                }
                let base = server
                    .rsplit_once('/')
                    .map_or(server.as_str(), |(base, _)| base);
                format!("{base}/{name}")
            }
        };
        let store =
            Store::connect(&ConnectOptions::new(url.clone()), Arc::new(SystemClock)).await?;
        store.migrate().await?;
        store.close().await;
        Ok(url)
    }

    async fn drop(&self, url: &str) -> anyhow::Result<()> {
        if let Backend::Postgres(server) = self {
            let name = url.rsplit('/').next().unwrap_or_default();
            let mut admin = sqlx::PgConnection::connect(server).await?;
            sqlx::query(sqlx::AssertSqlSafe(format!(
                "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
            )))
            .execute(&mut admin)
            .await?;
        }
        Ok(())
    }
}

/// Runs `case` `runs` times, each in a fresh worker on a fresh database; the median by time.
async fn median(
    backend: &Backend,
    case: &str,
    csv: &Path,
    dir: &Path,
    runs: usize,
    rows: usize,
) -> anyhow::Result<Measurement> {
    let mut all = Vec::new();
    for run in 0..runs {
        let url = backend
            .fresh(
                dir,
                all.len() + run * 10 + usize::from(case == "import") * 1000,
            )
            .await?;
        let output = Command::new(std::env::current_exe()?)
            .args([
                "--worker",
                case,
                &url,
                csv.to_str().context("a UTF-8 path")?,
            ])
            .output()?;
        backend.drop(&url).await?;
        if !output.status.success() {
            bail!(
                "{case} worker failed: {}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
        let measurement: Measurement = serde_json::from_slice(&output.stdout)?;
        if measurement.people != rows as u64 + 1 {
            bail!(
                "{case} wrote {} people, expected {}",
                measurement.people,
                rows + 1
            );
        }
        all.push(measurement);
    }
    all.sort_by(|a, b| a.seconds.total_cmp(&b.seconds));
    Ok(all.swap_remove(all.len() / 2))
}

/// A realistic organisation: a CEO, a manager for every eight people, 200 teams, eight
/// zones, Slack ids for everyone and Discord ids for half, names with accents and CJK.
fn generate(rows: usize) -> String {
    let mut csv = String::with_capacity(rows * 150);
    csv.push_str(
        "email,name,timezone,role,manager_email,team,region,slack_user_id,discord_user_id\n",
    );
    csv.push_str(
        "ceo@example.com,Carmen Ortiz,America/New_York,hr_admin,,Leadership,us,U0CEO00000,\n",
    );
    for n in 0..rows {
        let manager = if n < 8 {
            "ceo@example.com".to_owned()
        } else {
            format!("p{}@example.com", n / 8 - 1)
        };
        let role = if n < rows / 8 { "manager" } else { "employee" };
        let name = match n % 3 {
            0 => format!("Ana López {n}"),
            1 => format!("山田 太郎 {n}"),
            _ => format!("Zoë Smith {n}"),
        };
        let discord = if n % 2 == 0 {
            format!("{}", 100_000_000_000_000_000u64 + n as u64)
        } else {
            String::new()
        };
        csv.push_str(&format!(
            "p{n}@example.com,{name},{},{role},{manager},Team {},r{},U{n:010},{discord}\n",
            ZONES[n % ZONES.len()],
            n % 200,
            n % 12,
        ));
    }
    csv
}

async fn worker(case: &str, url: &str, csv: &Path) -> anyhow::Result<()> {
    let store = Store::connect(&ConnectOptions::new(url), Arc::new(SystemClock)).await?;
    let started;
    match case {
        "import" => {
            started = Instant::now();
            let options = ImportOptions {
                default_timezone: Timezone::UTC,
                deactivate_missing: false,
            };
            let file = std::fs::File::open(csv)?;
            import_people(&store, file, &options, Commit::Write, "bench", &|_, _| {})
                .await
                .map_err(|error| anyhow::anyhow!("import failed: {error:?}"))?;
        }
        "baseline" => {
            let rows = baseline::parse(csv)?;
            started = Instant::now();
            match &store {
                Store::Sqlite(inner) => baseline::insert(inner.pool(), &rows).await?,
                Store::Postgres(inner) => baseline::insert(inner.pool(), &rows).await?,
            }
        }
        other => bail!("unknown case {other}"),
    }
    let seconds = started.elapsed().as_secs_f64();
    let people: i64 = match &store {
        Store::Sqlite(inner) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM people")
                .fetch_one(inner.pool())
                .await?
        }
        Store::Postgres(inner) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM people")
                .fetch_one(inner.pool())
                .await?
        }
    };
    let measurement = Measurement {
        seconds,
        peak_mib: peak_mib()?,
        people: u64::try_from(people)?,
    };
    println!("{}", serde_json::to_string(&measurement)?);
    Ok(())
}

/// This process's peak resident memory, from `/proc/self/status`.
fn peak_mib() -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|line| line.starts_with("VmHWM:"))
        .context("no VmHWM in /proc/self/status")?;
    let kib: f64 = line
        .split_whitespace()
        .nth(1)
        .context("a VmHWM value")?
        .parse()?;
    Ok(kib / 1024.0)
}

mod baseline {
    //! The same rows, inserted with bare multi-row `INSERT`s in one transaction: no checks,
    //! no `ON CONFLICT`, no reading of the directory first.

    use super::*;
    use sqlx::{Database, Encode, Executor, IntoArguments, QueryBuilder, Type};

    pub(super) struct Row {
        email: String,
        name: String,
        timezone: String,
        role: String,
        manager: Option<String>,
        team: String,
        region: String,
        slack: String,
        discord: Option<String>,
    }

    pub(super) fn parse(csv: &Path) -> anyhow::Result<Vec<Row>> {
        let mut reader = csv::Reader::from_path(csv)?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record?;
            let cell = |i: usize| record.get(i).unwrap_or_default().to_owned();
            let optional = |i: usize| Some(cell(i)).filter(|text| !text.is_empty());
            rows.push(Row {
                email: cell(0),
                name: cell(1),
                timezone: cell(2),
                role: cell(3),
                manager: optional(4),
                team: cell(5),
                region: cell(6),
                slack: cell(7),
                discord: optional(8),
            });
        }
        Ok(rows)
    }

    const ROWS_PER_STATEMENT: usize = 1_000;

    pub(super) async fn insert<DB>(pool: &sqlx::Pool<DB>, rows: &[Row]) -> anyhow::Result<()>
    where
        DB: Database,
        <DB as Database>::Arguments: IntoArguments<DB>,
        for<'c> &'c mut DB::Connection: Executor<'c, Database = DB>,
        for<'q> &'q str: Encode<'q, DB> + Type<DB>,
        for<'q> Option<&'q str>: Encode<'q, DB> + Type<DB>,
        for<'q> i64: Encode<'q, DB> + Type<DB>,
        for<'q> bool: Encode<'q, DB> + Type<DB>,
        for<'r> (i64, String): sqlx::FromRow<'r, DB::Row>,
    {
        let mut tx = pool.begin().await?;
        let mut ids: HashMap<String, i64> = HashMap::with_capacity(rows.len());
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<DB>::new(
                "INSERT INTO people (email, name, timezone, role, manager_email, region, active, created_at, updated_at) ",
            );
            query.push_values(chunk, |mut b, row| {
                b.push_bind(row.email.as_str())
                    .push_bind(row.name.as_str())
                    .push_bind(row.timezone.as_str())
                    .push_bind(row.role.as_str())
                    .push_bind(row.manager.as_deref())
                    .push_bind(row.region.as_str())
                    .push_bind(true)
                    .push_bind(0_i64)
                    .push_bind(0_i64);
            });
            query.push(" RETURNING id, email");
            let returned: Vec<(i64, String)> = query.build_query_as().fetch_all(&mut *tx).await?;
            ids.extend(returned.into_iter().map(|(id, email)| (email, id)));
        }
        let mut teams: Vec<&str> = rows.iter().map(|row| row.team.as_str()).collect();
        teams.sort_unstable();
        teams.dedup();
        let mut team_ids = HashMap::new();
        for chunk in teams.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<DB>::new("INSERT INTO teams (name, created_at) ");
            query.push_values(chunk, |mut b, team| {
                b.push_bind(*team).push_bind(0_i64);
            });
            query.push(" RETURNING id, name");
            let returned: Vec<(i64, String)> = query.build_query_as().fetch_all(&mut *tx).await?;
            team_ids.extend(returned.into_iter().map(|(id, name)| (name, id)));
        }
        for chunk in rows.chunks(ROWS_PER_STATEMENT) {
            let mut query =
                QueryBuilder::<DB>::new("INSERT INTO person_teams (person_id, team_id) ");
            query.push_values(chunk, |mut b, row| {
                b.push_bind(ids[&row.email]).push_bind(team_ids[&row.team]);
            });
            query.build().execute(&mut *tx).await?;
        }
        let accounts: Vec<(&str, &str, i64)> = rows
            .iter()
            .flat_map(|row| {
                let person = ids[&row.email];
                std::iter::once(("slack", row.slack.as_str(), person))
                    .chain(row.discord.as_deref().map(|id| ("discord", id, person)))
            })
            .collect();
        for chunk in accounts.chunks(ROWS_PER_STATEMENT) {
            let mut query = QueryBuilder::<DB>::new(
                "INSERT INTO chat_identities (platform, user_id, person_id, created_at) ",
            );
            query.push_values(chunk, |mut b, (platform, user_id, person)| {
                b.push_bind(*platform)
                    .push_bind(*user_id)
                    .push_bind(*person)
                    .push_bind(0_i64);
            });
            query.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    }
}
