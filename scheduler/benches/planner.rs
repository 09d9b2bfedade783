//! The planner under a thundering herd, against tokio-cron-scheduler in the same run.
//!
//! ```text
//! cargo bench -p rhythm-scheduler --bench planner
//! RHYTHM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p rhythm-scheduler --bench planner
//! ```
//!
//! - Rhythm: 100,000 schedules, 10,000 of them due in the same second, each for one of
//!   10,000 people. A fresh worker process (`rhythm-scheduler`'s real `Planner`, wall clock)
//!   waits for the due second and drains. Reported: time from due until all 10,000 are
//!   planned, fire lag (claimed_at − fire_at) p50/p99/max, peak RSS, and CPU used in 20 s of
//!   idling afterwards with nothing due.
//! - tokio-cron-scheduler 0.15: 10,000 jobs on the same second; how many fired within 40 s
//!   and their lag.

mod common;

use std::process::Command;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use anyhow::Context as _;
use chrono::{DateTime, Utc};
use rhythm_domain::clock::SystemClock;
use rhythm_domain::ports::{Commit, ScheduleChange, SchedulePlan, Schedules as _};
use rhythm_domain::schedule::{Policy, Schedule};
use rhythm_scheduler::planner::Planner;
use rhythm_store::{ConnectOptions, Store};
use tokio_util::sync::CancellationToken;

const PEOPLE: usize = 10_000;
const SCHEDULES: usize = 100_000;
const DUE_IN: Duration = Duration::from_secs(20);

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    match args.iter().position(|a| a == "--worker") {
        Some(at) => {
            let case = args.get(at + 1).cloned().unwrap_or_default();
            let url = args.get(at + 2).cloned().unwrap_or_default();
            let due: i64 = args
                .get(at + 3)
                .and_then(|d| d.parse().ok())
                .unwrap_or_default();
            runtime.block_on(worker(&case, &url, due))
        }
        None => runtime.block_on(parent()),
    }
}

async fn parent() -> anyhow::Result<()> {
    println!(
        "| case | planned or fired | time from due to all planned (s) | lag p50 (ms) | lag p99 (ms) | lag max (ms) | peak RSS (MiB) | idle CPU |"
    );
    println!("|---|---:|---:|---:|---:|---:|---:|---:|");
    let databases = common::Databases::create("planner").await?;
    for (label, url) in &databases.cases {
        let due = prepare(url)
            .await
            .with_context(|| format!("preparing {label}"))?;
        println!("| {label} {}", run_worker("rhythm", url, due)?);
    }
    // Cron fires on whole seconds: measure lag from the second it is due.
    let due = DateTime::from_timestamp(
        (Utc::now() + chrono::Duration::from_std(DUE_IN)?).timestamp(),
        0,
    )
    .context("a due second")?;
    println!(
        "| tokio-cron-scheduler 0.15 {}",
        run_worker("tokio-cron-scheduler", "-", due)?
    );
    databases.drop_postgres().await
}

/// Runs one case in a fresh process of this binary, so its peak memory is its own; returns
/// the table cells it prints.
fn run_worker(case: &str, url: &str, due: DateTime<Utc>) -> anyhow::Result<String> {
    let output = Command::new(std::env::current_exe()?)
        .args(["--worker", case, url, &due.timestamp_millis().to_string()])
        .output()?;
    anyhow::ensure!(
        output.status.success(),
        "{case} worker failed: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// A fresh database with 10,000 people and 100,000 schedules, 10,000 of them due at the
/// returned second.
async fn prepare(url: &str) -> anyhow::Result<DateTime<Utc>> {
    let store = common::organisation(url, PEOPLE).await?;
    let due = DateTime::from_timestamp(
        (Utc::now() + chrono::Duration::from_std(DUE_IN)?).timestamp(),
        0,
    )
    .context("a due second")?;
    let far = due + chrono::Duration::days(30);
    let mut changes = Vec::with_capacity(SCHEDULES);
    for n in 0..SCHEDULES {
        let when = if n < PEOPLE {
            due
        } else {
            far + chrono::Duration::seconds(n as i64)
        };
        let schedule = one_off(n, when)?;
        changes.push(ScheduleChange::Create {
            schedule,
            next_fire_at: Some(when),
        });
    }
    let plan = SchedulePlan {
        changes,
        ..SchedulePlan::default()
    };
    store
        .change_schedules(|_| Ok(plan), Commit::Write)
        .await?
        .map_err(|problems| anyhow::anyhow!("{problems:?}"))?;
    store.close().await;
    Ok(due)
}

fn one_off(n: usize, at: DateTime<Utc>) -> anyhow::Result<Schedule> {
    let text = format!(
        "[[schedule]]\nname = \"S{n}\"\nkind = \"announcement\"\nat = \"{}\"\ntimezone = \"UTC\"\n\
         audience = \"people:p{}@x.com\"\nbusiness_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
        at.format("%Y-%m-%dT%H:%M:%S"),
        n % PEOPLE
    );
    Policy::parse(&text)
        .map_err(|problems| anyhow::anyhow!("{problems:?}"))
        .map(|mut policy| policy.schedules.remove(0))
}

async fn worker(case: &str, url: &str, due_ms: i64) -> anyhow::Result<()> {
    let due = DateTime::from_timestamp_millis(due_ms).context("a due instant")?;
    match case {
        "rhythm" => rhythm(url, due).await,
        _ => tokio_cron_scheduler(due).await,
    }
}

async fn rhythm(url: &str, due: DateTime<Utc>) -> anyhow::Result<()> {
    let store = Store::connect(&ConnectOptions::new(url), Arc::new(SystemClock)).await?;
    let planner = Planner::new(store.clone(), Arc::new(SystemClock), 500);
    tokio::time::sleep((due - Utc::now()).to_std().unwrap_or_default()).await;
    let mut planned = 0;
    while planned < PEOPLE {
        planned += planner.run_due().await?.claimed;
    }
    let done = Utc::now();
    let lags: Vec<i64> = match &store {
        Store::Sqlite(s) => {
            sqlx::query_scalar("SELECT claimed_at - fire_at FROM occurrences ORDER BY 1")
                .fetch_all(s.pool())
                .await?
        }
        Store::Postgres(s) => {
            sqlx::query_scalar("SELECT claimed_at - fire_at FROM occurrences ORDER BY 1")
                .fetch_all(s.pool())
                .await?
        }
    };
    let peak = peak_mib()?;
    // Idle: the real planner loop with nothing due for 20 s.
    let shutdown = CancellationToken::new();
    let cpu_before = cpu_seconds()?;
    let idle =
        tokio::spawn(Planner::new(store.clone(), Arc::new(SystemClock), 500).run(shutdown.clone()));
    tokio::time::sleep(Duration::from_secs(20)).await;
    shutdown.cancel();
    idle.await?;
    let idle_cpu = (cpu_seconds()? - cpu_before) / 20.0 * 100.0;
    let (p50, p99, max) = percentiles(&lags);
    println!(
        "| {planned} | {:.2} | {p50} | {p99} | {max} | {peak:.0} | {idle_cpu:.2}% |",
        (done - due).num_milliseconds() as f64 / 1000.0
    );
    Ok(())
}

async fn tokio_cron_scheduler(due: DateTime<Utc>) -> anyhow::Result<()> {
    use tokio_cron_scheduler::{Job, JobScheduler};
    let scheduler = JobScheduler::new().await?;
    let lags: Arc<Mutex<Vec<i64>>> = Arc::default();
    let cron = due.format("%S %M %H %d %m *").to_string();
    for _ in 0..PEOPLE {
        let lags = Arc::clone(&lags);
        scheduler
            .add(Job::new_async(cron.as_str(), move |_, _| {
                let lags = Arc::clone(&lags);
                Box::pin(async move {
                    let lag = (Utc::now() - due).num_milliseconds();
                    lags.lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(lag);
                })
            })?)
            .await?;
    }
    scheduler.start().await?;
    tokio::time::sleep((due - Utc::now()).to_std().unwrap_or_default() + Duration::from_secs(40))
        .await;
    let mut lags = lags
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .clone();
    lags.sort_unstable();
    let (p50, p99, max) = percentiles(&lags);
    let peak = peak_mib()?;
    println!(
        "| {} of {PEOPLE} within 40 s | n/a | {p50} | {p99} | {max} | {peak:.0} | n/a |",
        lags.len()
    );
    Ok(())
}

fn percentiles(sorted: &[i64]) -> (i64, i64, i64) {
    if sorted.is_empty() {
        return (0, 0, 0);
    }
    let at = |q: f64| sorted[((sorted.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99), sorted[sorted.len() - 1])
}

fn peak_mib() -> anyhow::Result<f64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .context("VmHWM")?;
    let kib: f64 = line.split_whitespace().nth(1).context("a value")?.parse()?;
    Ok(kib / 1024.0)
}

/// User plus system CPU seconds of this process, from `/proc/self/stat`.
fn cpu_seconds() -> anyhow::Result<f64> {
    let stat = std::fs::read_to_string("/proc/self/stat")?;
    let fields: Vec<&str> = stat
        .rsplit_once(") ")
        .context("stat")?
        .1
        .split_whitespace()
        .collect();
    let ticks: f64 = fields[11].parse::<f64>()? + fields[12].parse::<f64>()?;
    Ok(ticks / 100.0)
}
