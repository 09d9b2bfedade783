//! Ack latency of Slack's HTTP interactions at a fixed rate, on SQLite and on Postgres, beside
//! a baseline of the same signed requests to a route that only checks the signature.
//!
//! ```text
//! cargo bench -p rhythm-bot --bench ack                      # 500 req/s for 10 s, both backends
//! cargo bench -p rhythm-bot --bench ack -- --rate 1000 --seconds 5 --people 5000
//! cargo bench -p rhythm-bot --bench ack -- --backend sqlite  # or postgres; default both
//! cargo bench -p rhythm-bot --bench ack -- --quick           # 2 s, to try it out
//! RHYTHM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p rhythm-bot --bench ack
//! ```
//!
//! Rhythm's real routes (`rhythm_bot::slack::http::routes`) serve on 127.0.0.1:0 over a fresh
//! database holding `--people` people on Slack, each with an open check-in whose prompt was
//! posted to the fake Slack. The fake Slack is also the Web API the handlers call
//! (`views.open`, `chat.update`, `chat.postEphemeral`), over loopback, answering at once.
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
//! Postgres is measured when the server at `RHYTHM_BENCH_POSTGRES_URL` (else
//! `RHYTHM_TEST_DATABASE_URL`, else `postgres://postgres@127.0.0.1:5432/test`) answers.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use anyhow::{Context as _, bail};
use axum::Router;
use axum::body::Bytes;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::post;
use chrono::Utc;
use futures_util::{StreamExt as _, TryStreamExt as _};
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::handler::SlackHandler;
use rhythm_bot::slack::http::{SlackHttp, routes};
use rhythm_bot::slack::messenger::PLATFORM;
use rhythm_bot::slack::render;
use rhythm_bot::slack::verify::{SIGNATURE_HEADER, TIMESTAMP_HEADER, Verifier};
use rhythm_domain::checkin::{Template, messages};
use rhythm_domain::clock::{Clock, SystemClock};
use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::{Platform, Timezone};
use rhythm_domain::ports::{CheckIns as _, Commit, Directory as _, NewCheckIn, PeopleFilter};
use rhythm_store::{ConnectOptions, Store};
use rhythm_testing::slack::payloads::{self, ValueKind};
use rhythm_testing::slack::{FakeSlack, FakeUser};
use sqlx::Connection as _;
use tokio::time::Instant;
use tokio_util::sync::CancellationToken;

/// The seed of the mix of interactions, so every run sends the same requests.
const SEED: u64 = 0x5EED_AC4E;

/// What a person does, and how often, in percent.
const MIX: [(Kind, u64); 4] = [
    (Kind::Start, 30),
    (Kind::Snooze, 20),
    (Kind::Skip, 10),
    (Kind::Submit, 40),
];

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
        let quick = args.iter().any(|a| a == "--quick");
        let settings = Self {
            rate: number("--rate", 500)?,
            seconds: number("--seconds", if quick { 2 } else { 10 })?,
            people: usize::try_from(number("--people", 2_000)?)?,
            backend: value("--backend").cloned().unwrap_or_else(|| "both".into()),
        };
        if settings.rate == 0 || settings.seconds == 0 || settings.people == 0 {
            bail!("--rate, --seconds and --people must be above zero");
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
    let backends = backends(&settings.backend).await?;
    println!(
        "{} signed interactions at {} req/s ({} s) after {} warm-up requests; {} people, each \
         with an open check-in",
        settings.measured(),
        settings.rate,
        settings.seconds,
        settings.warmup(),
        settings.people
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
        let database = backend.create().await?;
        let store = Store::connect(&ConnectOptions::new(&database), Arc::new(SystemClock)).await?;
        store.migrate().await?;
        let slack = FakeSlack::start().await;
        let targets = seed(&store, &slack, settings.people).await?;
        let requests = Arc::new(requests(&targets, settings.warmup() + settings.measured()));
        let rhythm = serve(rhythm_routes(&store, &slack), &stop).await?;

        let bare = drive(&baseline, &requests, settings).await?;
        let ours = drive(&rhythm, &requests, settings).await?;
        bare.print_row(backend.name(), "signature only (baseline)", None);
        ours.print_row(backend.name(), "Rhythm", Some(&bare));
        notes.push(format!(
            "{}: {} interactions stored; Web API calls {}; by kind (p50 / p99 ms): {}",
            backend.name(),
            stored(&store).await?,
            ["views.open", "chat.update", "chat.postEphemeral"]
                .map(|method| format!("{method} {}", slack.calls(method).len()))
                .join(", "),
            ours.by_kind()
        ));
        store.close().await;
        backend.drop_database().await?;
    }
    stop.cancel();
    println!();
    for note in notes {
        println!("{note}");
    }
    Ok(())
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
fn rhythm_routes(store: &Store, slack: &FakeSlack) -> Router {
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let handler = SlackHandler::new(api, store.clone(), Arc::clone(&clock));
    let verifier = Verifier::new(FakeSlack::SIGNING_SECRET);
    routes(Arc::new(SlackHttp::new(handler, verifier, clock)))
}

/// A person's open check-in, and the prompt with its buttons in their DM.
struct Target {
    user: String,
    checkin: i64,
    channel: String,
    ts: String,
}

/// `people` people on Slack, each with an open check-in whose prompt is posted.
async fn seed(store: &Store, slack: &FakeSlack, people: usize) -> anyhow::Result<Vec<Target>> {
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
    let everyone = store.people(&PeopleFilter::default()).await?;
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let now = Utc::now();
    let template = Template::default_template().name;
    let opened = everyone.into_iter().map(|person| {
        let (api, template) = (&api, &template);
        async move {
            let user = person
                .identities
                .iter()
                .find(|identity| identity.platform == Platform::Slack)
                .map(|identity| identity.user_id.to_string())
                .context("everyone has a Slack account")?;
            let checkin = store
                .open_checkin(NewCheckIn {
                    person: person.id,
                    schedule: None,
                    occurrence: None,
                    date: now.date_naive(),
                    template: template.clone(),
                    opened_at: now,
                    closes_at: now + chrono::Duration::hours(8),
                })
                .await?;
            let zone = person.timezone.tz();
            let prompt = messages::prompt(checkin.id.0, "Daily check-in", checkin.closes_at, zone);
            let at = api.post(&user, &prompt).await?;
            store.set_prompt(checkin.id, PLATFORM, &at).await?;
            anyhow::Ok(Target {
                user,
                checkin: checkin.id.0,
                channel: at.channel,
                ts: at.id,
            })
        }
    });
    futures_util::stream::iter(opened)
        .buffer_unordered(8)
        .try_collect()
        .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Kind {
    Start,
    Snooze,
    Skip,
    Submit,
}

impl Kind {
    fn action(self) -> &'static str {
        match self {
            Kind::Start => messages::START,
            Kind::Snooze => messages::SNOOZE,
            Kind::Skip => messages::SKIP,
            Kind::Submit => messages::SUBMIT,
        }
    }
}

/// One interaction, ready to sign: its kind and its form body.
struct Request {
    kind: Kind,
    body: String,
}

/// `n` interactions from random people, mixed as [`MIX`] says.
fn requests(targets: &[Target], n: usize) -> Vec<Request> {
    let mut dice = SplitMix64(SEED);
    let template = Template::default_template();
    let total: u64 = MIX.iter().map(|(_, weight)| weight).sum();
    (0..n)
        .map(|i| {
            let target = &targets[dice.below(targets.len() as u64) as usize];
            let mut roll = dice.below(total);
            let kind = MIX
                .iter()
                .find(|(_, weight)| {
                    let hit = roll < *weight;
                    roll = roll.saturating_sub(*weight);
                    hit
                })
                .map_or(Kind::Start, |(kind, _)| *kind);
            let payload = if kind == Kind::Submit {
                let form = messages::form(target.checkin, &template, None);
                let view = serde_json::to_value(render::modal(&form)).unwrap_or_default();
                let mood = ValueKind::StaticSelect {
                    value: "4".into(),
                    text: "4 · Good".into(),
                };
                let answers = [
                    ("mood", "mood", mood),
                    (
                        "done",
                        "done",
                        ValueKind::PlainText(format!("Shipped #{i}")),
                    ),
                    ("next", "next", ValueKind::PlainText("Docs".into())),
                ];
                payloads::submission_of(&view, &target.user, &answers)
            } else {
                payloads::block_actions(
                    &target.user,
                    kind.action(),
                    &target.checkin.to_string(),
                    &target.channel,
                    &target.ts,
                    &format!("1700000003.{i:06}.bench"),
                )
            };
            Request {
                kind,
                body: payloads::interactive_form_body(&payload),
            }
        })
        .collect()
}

/// One request's fate.
struct Sample {
    kind: Kind,
    /// From the instant it was due to its whole answer read.
    latency: Duration,
    /// From the instant it was due to the instant it was sent.
    lag: Duration,
    done: Instant,
    ok: bool,
}

/// The measured requests of one phase.
struct Phase {
    samples: Vec<Sample>,
    /// When the first measured request was due.
    start: Instant,
}

/// Sends every request to `url` at the set rate from a thread of its own, and records each.
async fn drive(
    url: &str,
    requests: &Arc<Vec<Request>>,
    settings: &Settings,
) -> anyhow::Result<Phase> {
    let (url, requests) = (url.to_owned(), Arc::clone(requests));
    let (rate, warmup) = (settings.rate, settings.warmup());
    let generator = std::thread::spawn(move || {
        tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()?
            .block_on(generate(url, requests, rate, warmup))
    });
    tokio::task::spawn_blocking(move || generator.join())
        .await?
        .map_err(|_| anyhow::anyhow!("the generator panicked"))?
}

async fn generate(
    url: String,
    requests: Arc<Vec<Request>>,
    rate: u32,
    warmup: usize,
) -> anyhow::Result<Phase> {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        .build()?;
    let signed_at = Utc::now().timestamp();
    let signed: Vec<_> = requests
        .iter()
        .map(|r| payloads::signed_headers(FakeSlack::SIGNING_SECRET, signed_at, r.body.as_bytes()))
        .collect();
    let period = Duration::from_secs(1) / rate;
    let first = Instant::now() + Duration::from_millis(20);
    let mut running = Vec::with_capacity(requests.len());
    for (n, headers) in signed.into_iter().enumerate() {
        let due = first + period * u32::try_from(n)?;
        tokio::time::sleep_until(due).await;
        let (client, url, requests) = (client.clone(), url.clone(), Arc::clone(&requests));
        running.push(tokio::spawn(async move {
            let request = &requests[n];
            let mut sending = client
                .post(&url)
                .header("content-type", "application/x-www-form-urlencoded")
                .body(request.body.clone());
            for (name, value) in headers {
                sending = sending.header(name, value);
            }
            let sent = Instant::now();
            let ok = match sending.send().await {
                Ok(response) => response.status().is_success() && response.bytes().await.is_ok(),
                Err(_) => false,
            };
            let done = Instant::now();
            Sample {
                kind: request.kind,
                latency: done - due,
                lag: sent - due,
                done,
                ok,
            }
        }));
    }
    let mut samples = Vec::with_capacity(running.len());
    for sample in running {
        samples.push(sample.await?);
    }
    Ok(Phase {
        start: first + period * u32::try_from(warmup)?,
        samples: samples.split_off(warmup.min(samples.len())),
    })
}

impl Phase {
    fn latencies(&self, keep: impl Fn(&Sample) -> bool) -> Vec<Duration> {
        let mut latencies: Vec<Duration> = self
            .samples
            .iter()
            .filter(|s| s.ok && keep(s))
            .map(|s| s.latency)
            .collect();
        latencies.sort_unstable();
        latencies
    }

    fn print_row(&self, backend: &str, server: &str, baseline: Option<&Phase>) {
        let latencies = self.latencies(|_| true);
        let errors = self.samples.iter().filter(|s| !s.ok).count();
        let end = self
            .samples
            .iter()
            .map(|s| s.done)
            .max()
            .unwrap_or(self.start);
        let achieved = (self.samples.len() - errors) as f64 / (end - self.start).as_secs_f64();
        let p99 = percentile(&latencies, 0.99);
        let ratio = baseline.map_or("1.00x".to_owned(), |base| {
            let base = percentile(&base.latencies(|_| true), 0.99);
            format!("{:.1}x", p99.as_secs_f64() / base.as_secs_f64())
        });
        let lag = percentile(&sorted(self.samples.iter().map(|s| s.lag)), 0.99);
        println!(
            "| {backend} | {server} | {} | {achieved:.0} | {} | {} | {} | {errors} | {ratio} |",
            self.samples.len(),
            ms(percentile(&latencies, 0.5)),
            ms(p99),
            ms(latencies.last().copied().unwrap_or_default()),
        );
        if lag > Duration::from_millis(5) {
            eprintln!("note: the generator sent {server} p99 {} late", ms(lag));
        }
    }

    /// p50 and p99 of each kind of interaction.
    fn by_kind(&self) -> String {
        let kinds: BTreeMap<Kind, ()> = self.samples.iter().map(|s| (s.kind, ())).collect();
        kinds
            .keys()
            .map(|kind| {
                let latencies = self.latencies(|s| s.kind == *kind);
                format!(
                    "{} {} / {}",
                    kind.action(),
                    ms(percentile(&latencies, 0.5)),
                    ms(percentile(&latencies, 0.99))
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

fn sorted(values: impl Iterator<Item = Duration>) -> Vec<Duration> {
    let mut values: Vec<Duration> = values.collect();
    values.sort_unstable();
    values
}

/// The nearest-rank percentile `q` of sorted `values`.
fn percentile(values: &[Duration], q: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
}

/// How many interactions the database recorded as handled.
async fn stored(store: &Store) -> anyhow::Result<i64> {
    let sql = "SELECT COUNT(*) FROM inbound_events";
    Ok(match store {
        Store::Sqlite(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await?,
        Store::Postgres(store) => sqlx::query_scalar(sql).fetch_one(store.pool()).await?,
    })
}

/// SplitMix64: the same sequence for a seed, forever.
struct SplitMix64(u64);

impl SplitMix64 {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform enough in `0..n` for a benchmark's mix.
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }
}

/// Where a measured database lives.
enum Backend {
    Sqlite(tempfile::TempDir),
    Postgres { server: String, name: String },
}

/// The backends `choice` (`sqlite`, `postgres` or `both`) names and this machine has.
async fn backends(choice: &str) -> anyhow::Result<Vec<Backend>> {
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
    fn name(&self) -> &'static str {
        match self {
            Backend::Sqlite(_) => "SQLite",
            Backend::Postgres { .. } => "Postgres",
        }
    }

    /// A fresh database; its URL.
    async fn create(&self) -> anyhow::Result<String> {
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

    async fn drop_database(&self) -> anyhow::Result<()> {
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
