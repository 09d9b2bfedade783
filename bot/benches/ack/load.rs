//! The requests, the open-loop generator that sends them, and what is made of their fates.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::time::Duration;

use chrono::Utc;
use rhythm_bot::slack::render;
use rhythm_domain::checkin::{Template, messages};
use rhythm_testing::slack::FakeSlack;
use rhythm_testing::slack::payloads::{self, ValueKind};
use tokio::time::Instant;

use crate::Settings;
use crate::seed::Target;

/// The seed of the mix of interactions, so every run sends the same requests.
const SEED: u64 = 0x5EED_AC4E;

/// What a person does, and how often, in percent.
const MIX: [(Kind, u64); 4] = [
    (Kind::Start, 30),
    (Kind::Snooze, 20),
    (Kind::Skip, 10),
    (Kind::Submit, 40),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Kind {
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
pub(crate) struct Request {
    pub(crate) kind: Kind,
    pub(crate) body: String,
}

/// `n` interactions from random people, mixed as [`MIX`] says.
pub(crate) fn requests(targets: &[Target], n: usize) -> Vec<Request> {
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
                let form = messages::form(target.checkin, &template, None, "");
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
pub(crate) struct Phase {
    samples: Vec<Sample>,
    /// When the first measured request was due.
    start: Instant,
}

/// Sends every request to `url` at the set rate from a thread of its own, and records each.
pub(crate) async fn drive(
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

    pub(crate) fn print_row(&self, backend: &str, server: &str, baseline: Option<&Phase>) {
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
    pub(crate) fn by_kind(&self) -> String {
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
pub(crate) fn percentile(values: &[Duration], q: f64) -> Duration {
    if values.is_empty() {
        return Duration::ZERO;
    }
    let rank = (q * values.len() as f64).ceil() as usize;
    values[rank.clamp(1, values.len()) - 1]
}

pub(crate) fn ms(duration: Duration) -> String {
    format!("{:.1}", duration.as_secs_f64() * 1000.0)
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
