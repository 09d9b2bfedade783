//! Dispatch against a loopback HTTP messenger, beside the bare HTTP calls, in one run.
//!
//! ```text
//! cargo bench -p rhythm-scheduler --bench dispatch
//! RHYTHM_BENCH_POSTGRES_URL=postgres://postgres@127.0.0.1:5432/test cargo bench -p rhythm-scheduler --bench dispatch
//! ```
//!
//! A chat-API-shaped server on 127.0.0.1 answers `POST /api/chat.postMessage` with
//! `{"ok":true,"ts":…}`, at once or after a platform-like latency. The baseline sends
//! 10,000 such requests with reqwest, 16 in flight. Rhythm plans one announcement to 10,000
//! people, then its real `Dispatcher` (16 in flight, the default; a batch of 100, the
//! default, or 500) sends them through a messenger making the same request, leasing and
//! recording every one. Reported: deliveries a second for each, and Rhythm's rate as a ratio
//! of the bare rate measured just before it.

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use futures_util::StreamExt as _;
use rhythm_domain::clock::{ManualClock, SystemClock};
use rhythm_domain::ports::{Messenger, Outgoing, SendError, Sent};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;

const DELIVERIES: usize = 10_000;

fn main() -> anyhow::Result<()> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(run())
}

/// One measured case: how the platform answers, and the dispatcher's batch.
struct Case {
    platform: &'static str,
    latency: Duration,
    batch: usize,
}

const CASES: [Case; 3] = [
    Case {
        platform: "instant",
        latency: Duration::ZERO,
        batch: 100,
    },
    Case {
        platform: "instant",
        latency: Duration::ZERO,
        batch: 500,
    },
    Case {
        platform: "20 ms latency",
        latency: Duration::from_millis(20),
        batch: 100,
    },
];

async fn run() -> anyhow::Result<()> {
    let client = reqwest::Client::new();
    let concurrency = DispatchSettings::default().concurrency;
    println!(
        "| database | platform | batch | deliveries | seconds | deliveries/s | bare HTTP/s (same run) | ratio |"
    );
    println!("|---|---|---:|---:|---:|---:|---:|---:|");
    let databases = common::Databases::create("dispatch").await?;
    for (label, url) in &databases.cases {
        let store = common::organisation(url, DELIVERIES).await?;
        for (n, case) in CASES.iter().enumerate() {
            let api = serve(case.latency).await?;
            plan_announcement(&store, n).await?;
            let bare = bare(&client, &api, concurrency).await?;
            let messenger = HttpMessenger {
                client: client.clone(),
                url: api.clone(),
            };
            // Two days on, whatever quiet hours held is due.
            let clock = ManualClock::new(chrono::Utc::now() + chrono::Duration::days(2));
            let settings = DispatchSettings {
                batch: case.batch,
                ..DispatchSettings::default()
            };
            let dispatcher = Dispatcher::new(store.clone(), messenger, Arc::new(clock), settings);
            let started = Instant::now();
            let mut sent = 0;
            while sent < DELIVERIES {
                let step = dispatcher.run_due().await?;
                anyhow::ensure!(step.sent > 0, "nothing was due: {step:?}");
                anyhow::ensure!(step.retried + step.dead + step.lost == 0, "{step:?}");
                sent += step.sent;
            }
            let seconds = started.elapsed().as_secs_f64();
            let rate = sent as f64 / seconds;
            println!(
                "| {} | {} | {} | {sent} | {seconds:.2} | {rate:.0} | {bare:.0} | {:.2}x |",
                label.trim_start_matches("Rhythm on "),
                case.platform,
                case.batch,
                rate / bare
            );
        }
        store.close().await;
    }
    databases.drop_postgres().await
}

/// One announcement to everyone, fired: 10,000 pending deliveries due now.
async fn plan_announcement(store: &Store, n: usize) -> anyhow::Result<()> {
    rhythm_testing::due_now(store, &format!("Bench {n}"), "announcement").await?;
    let planner = Planner::new(store.clone(), Arc::new(SystemClock), 500);
    let planned = planner.run_due().await?.deliveries;
    anyhow::ensure!(planned == DELIVERIES, "planned {planned}");
    Ok(())
}

/// The request a delivery makes.
fn body(channel: &str, text: &str) -> serde_json::Value {
    serde_json::json!({ "channel": channel, "text": text })
}

async fn post(
    client: &reqwest::Client,
    url: &str,
    body: &serde_json::Value,
) -> Result<String, String> {
    let response = client
        .post(url)
        .json(body)
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let reply: serde_json::Value = response.json().await.map_err(|e| e.to_string())?;
    reply["ts"]
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "no ts".to_owned())
}

/// The baseline: the same requests, `concurrency` in flight, nothing recorded.
async fn bare(client: &reqwest::Client, url: &str, concurrency: usize) -> anyhow::Result<f64> {
    let started = Instant::now();
    let failures = futures_util::stream::iter(0..DELIVERIES)
        .map(|n| async move {
            let body = body(&format!("p{n}@x.com"), "Bench [announcement] (reminder)");
            post(client, url, &body).await.is_err()
        })
        .buffer_unordered(concurrency)
        .filter(|failed| std::future::ready(*failed))
        .count()
        .await;
    anyhow::ensure!(failures == 0, "{failures} bare requests failed");
    Ok(DELIVERIES as f64 / started.elapsed().as_secs_f64())
}

struct HttpMessenger {
    client: reqwest::Client,
    url: String,
}

impl Messenger for HttpMessenger {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let text = format!("{} [{}] ({})", message.schedule, message.kind, message.step);
        post(
            &self.client,
            &self.url,
            &body(message.email.as_str(), &text),
        )
        .await
        .map(|message_id| Sent { message_id })
        .map_err(|reason| SendError::Retryable {
            after: None,
            reason,
        })
    }
}

/// A loopback chat API answering after `latency`; returns the URL of its
/// `chat.postMessage`.
async fn serve(latency: Duration) -> anyhow::Result<String> {
    let next = Arc::new(AtomicU64::new(1));
    let app = axum::Router::new().route(
        "/api/chat.postMessage",
        axum::routing::post(
            move |axum::Json(_body): axum::Json<serde_json::Value>| async move {
                if !latency.is_zero() {
                    tokio::time::sleep(latency).await;
                }
                let ts = next.fetch_add(1, Ordering::Relaxed);
                axum::Json(serde_json::json!({ "ok": true, "ts": format!("1700000000.{ts:06}") }))
            },
        ),
    );
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let address = listener.local_addr()?;
    tokio::spawn(async move { axum::serve(listener, app).await });
    Ok(format!("http://{address}/api/chat.postMessage"))
}
