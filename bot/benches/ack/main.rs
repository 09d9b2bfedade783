//! Ack latency of Slack's HTTP interactions at a fixed rate, on SQLite and on Postgres, beside
//! a baseline of the same signed requests to a route that only checks the signature.
//!
//! ```text
//! cargo bench -p rhythm-bot --bench ack                      # 500 req/s for 10 s, both backends
//! cargo bench -p rhythm-bot --bench ack -- --rate 1000 --seconds 5 --people 5000
//! cargo bench -p rhythm-bot --bench ack -- --backend sqlite  # or postgres; default both
//! cargo bench -p rhythm-bot --bench ack -- --quick           # 2 s, to try it out
//! cargo bench -p rhythm-bot --bench ack -- --max-connections 1  # the pool's size; default 10
//! cargo bench -p rhythm-bot --bench ack -- --steps           # also time each step alone
//! cargo bench -p rhythm-bot --bench ack -- --slack-latency 100  # Slack answers after 100 ms
//! RHYTHM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p rhythm-bot --bench ack
//! ```
//!
//! Rhythm's real routes (`rhythm_bot::slack::http::routes`) serve on 127.0.0.1:0 over a fresh
//! database holding `--people` people on Slack, each with an open check-in whose prompt the
//! real planner and dispatcher sent to the fake Slack. The fake Slack is also the Web API the
//! handlers call (`views.open`, `chat.update`, `chat.postEphemeral`), over loopback, answering
//! at once, or after `--slack-latency` milliseconds like the real one.
//!
//! An open-loop generator, on a thread and runtime of its own, sends signed interactions at a
//! fixed rate over reqwest's keep-alive pool: *Start*, *Snooze* and *Skip* presses and form
//! submissions, mixed by a seeded generator, each with a trigger id of its own, to random
//! people. It never waits for an answer before sending the next request, and each latency is
//! measured from the instant the request was due, so a slow server cannot hide its queue by
//! slowing the generator. The first half second of requests warms the pools up and is not
//! counted. The baseline is the same requests, signed alike, to a route that checks the
//! signature with the real `Verifier` and answers 200; it runs just before each backend.
//!
//! With `--steps`, each step an interaction takes (the signature, each statement, each Web
//! API call) is then also timed alone, one at a time, to show where the time goes.
//!
//! Postgres is measured when the server at `RHYTHM_BENCH_POSTGRES_URL` (else
//! `RHYTHM_TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`) answers.

mod load;
mod seed;
mod steps;

use std::sync::Arc;

use anyhow::{Context as _, bail};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use rhythm_bot::couriers::Couriers;
use rhythm_bot::follow_ups::Context;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::http::{SlackHttp, routes};
use rhythm_bot::slack::verify::{SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier};
use rhythm_domain::clock::{Clock, SystemClock};
use rhythm_store::{ConnectOptions, Store};
use rhythm_testing::slack::FakeSlack;
use tokio_util::sync::CancellationToken;
use tokio_util::task::TaskTracker;

fn main() -> anyhow::Result<()> {
    let settings = Settings::read(&std::env::args().collect::<Vec<_>>())?;
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run(&settings))
}

/// What to measure, from the command line.
struct Settings {
    rate: u32,
    seconds: u32,
    people: usize,
    backend: String,
    /// The database pool's size, as `[database] max_connections`.
    max_connections: u32,
    /// Also time each step alone.
    steps: bool,
    /// How late the fake Slack answers the calls handlers make, like the real one.
    slack_latency: std::time::Duration,
}

impl Settings {
    fn read(args: &[String]) -> anyhow::Result<Self> {
        let value = |name: &str| {
            args.iter()
                .position(|a| a == name)
                .and_then(|at| args.get(at + 1))
        };
        let number = |name: &str, default: u32| -> anyhow::Result<u32> {
            value(name).map_or(Ok(default), |v| {
                v.parse()
                    .with_context(|| format!("{name} takes a number, not `{v}`"))
            })
        };
        let flag = |name: &str| args.iter().any(|a| a == name);
        let quick = flag("--quick");
        let settings = Self {
            rate: number("--rate", 500)?,
            seconds: number("--seconds", if quick { 2 } else { 10 })?,
            people: usize::try_from(number("--people", 2_000)?)?,
            backend: value("--backend").cloned().unwrap_or_else(|| "both".into()),
            max_connections: number("--max-connections", ConnectOptions::new("").max_connections)?,
            steps: flag("--steps"),
            slack_latency: std::time::Duration::from_millis(number("--slack-latency", 0)?.into()),
        };
        if [settings.rate, settings.seconds, settings.max_connections].contains(&0)
            || settings.people == 0
        {
            bail!("--rate, --seconds, --people and --max-connections must be above zero");
        }
        Ok(settings)
    }

    /// Requests sent before measuring: half a second's worth.
    fn warmup(&self) -> usize {
        (self.rate as usize / 2).max(1)
    }

    fn measured(&self) -> usize {
        self.rate as usize * self.seconds as usize
    }
}

async fn run(settings: &Settings) -> anyhow::Result<()> {
    let backends = seed::backends(&settings.backend).await?;
    println!(
        "{} signed interactions at {} req/s ({} s) after {} warm-up requests; {} people, each \
         with an open check-in; {} database connections; Slack answers after {} ms",
        settings.measured(),
        settings.rate,
        settings.seconds,
        settings.warmup(),
        settings.people,
        settings.max_connections,
        settings.slack_latency.as_millis()
    );
    println!();
    println!(
        "| backend | server | requests | achieved req/s | p50 (ms) | p99 (ms) | max (ms) | errors | p99 vs baseline |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|---:|");
    let stop = CancellationToken::new();
    let baseline = serve(baseline_routes(), &stop).await?;
    let mut notes = Vec::new();
    for backend in &backends {
        notes.extend(measure(backend, settings, &baseline, &stop).await?);
        backend.drop_database().await?;
    }
    stop.cancel();
    println!();
    for note in notes {
        println!("{note}");
    }
    Ok(())
}

/// One backend: a fresh database seeded, the baseline then Rhythm driven, the rows printed;
/// the notes to print after the table.
async fn measure(
    backend: &seed::Backend,
    settings: &Settings,
    baseline: &str,
    stop: &CancellationToken,
) -> anyhow::Result<Vec<String>> {
    let options = ConnectOptions {
        max_connections: settings.max_connections,
        ..ConnectOptions::new(backend.create().await?)
    };
    let store = Store::connect(&options, Arc::new(SystemClock)).await?;
    store.migrate().await?;
    let slack = FakeSlack::start().await;
    let targets = seed::seed(&store, &slack, settings.people).await?;
    let count = settings.warmup() + settings.measured();
    let requests = Arc::new(load::requests(&targets, count));
    if !settings.slack_latency.is_zero() {
        for method in ["views.open", "chat.update", "chat.postEphemeral"] {
            slack.delay_next(method, count, settings.slack_latency);
        }
    }
    let follow_ups = TaskTracker::new();
    let rhythm = serve(rhythm_routes(&store, &slack, &follow_ups), stop).await?;

    let bare = load::drive(baseline, &requests, settings).await?;
    let ours = load::drive(&rhythm, &requests, settings).await?;
    // The Web API calls made after the acks, counted below.
    rhythm_bot::follow_ups::settle(&follow_ups).await;
    bare.print_row(backend.name(), "signature only (baseline)", None);
    ours.print_row(backend.name(), "Rhythm", Some(&bare));
    let mut notes = vec![format!(
        "{}: {} interactions stored; Web API calls {}; by kind (p50 / p99 ms): {}",
        backend.name(),
        seed::stored(&store).await?,
        ["views.open", "chat.update", "chat.postEphemeral"]
            .map(|method| format!("{method} {}", slack.calls(method).len()))
            .join(", "),
        ours.by_kind()
    )];
    if settings.steps {
        slack.stop_failing(); // The steps time Rhythm's own work.
        let urls = steps::Urls {
            rhythm: &rhythm,
            baseline,
        };
        notes.push(steps::table(backend.name(), &store, &slack, &targets, urls).await?);
    }
    store.close().await;
    Ok(notes)
}

/// Serves `router` on 127.0.0.1:0 until `stop`; returns the interactions URL.
async fn serve(router: Router, stop: &CancellationToken) -> anyhow::Result<String> {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let url = format!("http://{}/slack/interactions", listener.local_addr()?);
    let stop = stop.clone();
    tokio::spawn(async move {
        axum::serve(listener, router)
            .with_graceful_shutdown(stop.cancelled_owned())
            .await
    });
    Ok(url)
}

/// The baseline: check the signature with the real verifier, answer 200.
fn baseline_routes() -> Router {
    let verifier = Arc::new(Verifier::new(FakeSlack::SIGNING_SECRET));
    Router::new().route(
        "/slack/interactions",
        post(move |headers: HeaderMap, body: Bytes| {
            let verifier = Arc::clone(&verifier);
            async move {
                let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
                let checked = verifier.verify(
                    header(TIMESTAMP_HEADER),
                    header(SIGNATURE_HEADER),
                    &body,
                    Utc::now(),
                );
                if checked.is_ok() {
                    StatusCode::OK
                } else {
                    StatusCode::UNAUTHORIZED
                }
            }
        }),
    )
}

/// Rhythm's routes, as `rhythm run` builds them, with the fake Slack as the Web API.
fn rhythm_routes(store: &Store, slack: &FakeSlack, follow_ups: &TaskTracker) -> Router {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let handler = SlackHandler::new(api, store.clone(), Arc::clone(&clock))
        .in_context(Context::new(follow_ups.clone(), Couriers::none()));
    let verifier = Verifier::new(FakeSlack::SIGNING_SECRET);
    routes(Arc::new(SlackHttp::new(handler, verifier, clock)))
}
