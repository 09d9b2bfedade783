//! Scenario 6, load: signed Slack commands (`/rhythm timezone …`, each an audited write) at a
//! steady rate over HTTP, and, 30 s in (a third of the way into a run under two minutes), a
//! one-off announcement to everyone.
//!
//! Pass, in every profile: no 5xx, every command applied once, every reminder sent. In the
//! long profile (200 commands a second for 10 minutes, 5,000 recipients; run it on a release
//! build, `cargo nextest run --release …`), also the figures: p99 ack under 100 ms,
//! RSS growth under 10% from the end of the first minute (the warm-up, which holds the
//! fan-out) to the end, scheduler lag (sent minus due) p99
//! under 5 s. The short profile prints them for a debug build on a shared CI machine, where
//! timings say little.

use std::time::{Duration, Instant};

use rhythm_testing::campaign::{Profile, Running};
use rhythm_testing::slack::FakeSlack;

use crate::support::{Org, timezone_command, uid, zone_for};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn steady_commands_and_a_fan_out_are_acked_fast_and_nothing_is_lost() {
    let profile = Profile::from_env();
    let rate = profile.pick(50, 200);
    let duration = Duration::from_secs(seconds().unwrap_or(profile.pick(10, 600)));
    let people = profile.pick(500, 5_000);
    let org = Org::new(people).await;
    let rhythm = org
        .launch()
        .env("RHYTHM__SLACK__MODE", "http")
        .env("SLACK_SIGNING_SECRET", FakeSlack::SIGNING_SECRET)
        .spawn("load");
    assert!(rhythm.wait_ready(Duration::from_secs(30)).await);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(30))
        .build()
        .unwrap();

    let total = rate * usize::try_from(duration.as_secs()).unwrap();
    let every = Duration::from_secs(1) / u32::try_from(rate).unwrap();
    let started = Instant::now();
    // A run of two minutes or more warms up for its first minute, and the fan-out comes in
    // it: the fan-out is the first work to use every pooled connection, and each fills its
    // SQLite page cache then (about 1 MB each, once; see docs/RELIABILITY.md). The RSS
    // growth is measured over the steady load after it. A shorter run: its first tenth.
    let warm_up = if duration >= Duration::from_secs(120) {
        Duration::from_secs(60)
    } else {
        duration / 10
    };
    let announce_at = if duration >= Duration::from_secs(120) {
        Duration::from_secs(30)
    } else {
        duration / 3
    };
    let mut announced = false;
    let mut rss = Vec::new();
    let mut requests = tokio::task::JoinSet::new();
    for k in 0..total {
        tokio::time::sleep_until((started + every * u32::try_from(k).unwrap()).into()).await;
        if !announced && started.elapsed() >= announce_at {
            announced = true;
            org.announce_in(Duration::from_secs(2)).await;
        }
        if k % rate == 0 {
            rss.push(rss_kib(&rhythm));
        }
        let (client, url) = (client.clone(), rhythm.url("/slack/commands"));
        requests.spawn(async move { command(&client, &url, k, people).await });
    }
    let mut acks = Vec::with_capacity(total);
    let mut failures = 0;
    while let Some(done) = requests.join_next().await {
        match done.unwrap() {
            (200, took) => acks.push(took),
            _ => failures += 1,
        }
    }
    org.wait_sent(people, Duration::from_secs(300)).await;
    rss.push(rss_kib(&rhythm));

    acks.sort_unstable();
    let p99 = acks[acks.len() * 99 / 100];
    let lag = lag_p99(&org, people).await;
    let warm = rss[usize::try_from(warm_up.as_secs())
        .unwrap()
        .clamp(1, rss.len() - 1)];
    let last = *rss.last().unwrap();
    let kib = |kib: u64| f64::from(u32::try_from(kib).unwrap_or(u32::MAX));
    let growth = (kib(last) - kib(warm)) / kib(warm);
    let tenths: Vec<String> = (0..=10)
        .map(|tenth| (rss[(rss.len() - 1) * tenth / 10] / 1024).to_string())
        .collect();
    println!(
        "load: {total} commands at {rate}/s over {} s, {people} reminders; ack p99 {p99:?}, \
         {failures} not 200; RSS {warm} KiB → {last} KiB ({:+.1}%; MiB at each tenth of \
         the run: {}); scheduler lag p99 {lag:?}",
        duration.as_secs(),
        growth * 100.0,
        tenths.join(" ")
    );
    assert_eq!(failures, 0, "every command acked with 200");
    assert_eq!(
        org.timezone_changes().await,
        total,
        "every command applied once"
    );
    if profile == Profile::Long {
        assert!(p99 < Duration::from_millis(100), "ack p99 {p99:?}");
        assert!(growth < 0.10, "RSS grew {:.1}%", growth * 100.0);
        assert!(lag < Duration::from_secs(5), "scheduler lag p99 {lag:?}");
    }
    let log = rhythm.log();
    assert!(!log.contains("panicked"), "no panic: {log}");
    assert_eq!(rhythm.terminate().await, Some(0), "a clean stop");
}

/// Command `k`: person `k % people` moves to a zone other than the one their previous
/// command gave them. Its status and how long the ack took.
async fn command(client: &reqwest::Client, url: &str, k: usize, people: usize) -> (u16, Duration) {
    let zone = zone_for(k / people + 1);
    let request = timezone_command(client, url, &uid(k % people), &zone, k);
    let sent = Instant::now();
    let status = request
        .send()
        .await
        .map_or(0, |response| response.status().as_u16());
    (status, sent.elapsed())
}

/// `RHYTHM_LOAD_SECONDS`: how long to send commands, instead of the profile's 10 s or 10
/// minutes (a shorter run to profile with; the long profile's figures are for 600 s).
fn seconds() -> Option<u64> {
    std::env::var("RHYTHM_LOAD_SECONDS").ok().map(|value| {
        value
            .parse()
            .expect("RHYTHM_LOAD_SECONDS: a number of seconds")
    })
}

/// The process's resident set, in KiB (`VmRSS` in `/proc/PID/status`).
fn rss_kib(rhythm: &Running) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{}/status", rhythm.pid())).unwrap();
    status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.trim().trim_end_matches("kB").trim().parse().ok())
        .unwrap()
}

/// The 99th percentile of how late the reminders went (sent minus due).
async fn lag_p99(org: &Org, sent: usize) -> Duration {
    let offset = sent * 99 / 100;
    let millis = org
        .db
        .count(&format!(
            "SELECT sent_at - due_at FROM deliveries WHERE status = 'sent' \
             ORDER BY sent_at - due_at LIMIT 1 OFFSET {offset}"
        ))
        .await;
    Duration::from_millis(u64::try_from(millis).unwrap_or_default())
}
