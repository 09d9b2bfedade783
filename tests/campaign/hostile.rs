//! Scenario 5, hostile input, against `rhythm run` serving Slack's HTTP endpoints: signed
//! slash commands (`/rhythm timezone …`, each an audited change) mixed with repeats, bad
//! signatures, stale and future timestamps, missing headers and mutated bodies; bodies just
//! over the limit and far over it; malformed UTF-8 and JSON; and slow connections held open
//! throughout.
//!
//! Pass: every bad request refused before parsing (401, 413, 400), every good one answered
//! 200 and applied once (repeats change nothing: the audit log has one entry per distinct
//! request), and `/healthz` answers with a p99 under 200 ms all the while.

use std::time::{Duration, Instant};

use rhythm_testing::campaign::{Profile, Running};
use rhythm_testing::slack::FakeSlack;
use rhythm_testing::slack::payloads::{signed_headers, slash_command_form};
use tokio::io::AsyncWriteExt as _;
use tokio_util::sync::CancellationToken;

use crate::support::{Org, uid};

/// Slack's limit on the body Rhythm reads, plus one.
const OVER_LIMIT: usize = 1024 * 1024 + 1;

/// What request `n` is. Per 40 requests: 2 each of bad signature, stale, future, missing
/// header and mutated body (5% each), 1 too large, 1 malformed UTF-8, 1 malformed JSON, 4
/// good ones sent twice (10%), the rest good.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Case {
    Good,
    Repeated,
    BadSignature,
    Stale,
    Future,
    MissingSignature,
    Mutated,
    TooLarge,
    BadUtf8,
    BadJson,
}

impl Case {
    fn of(n: usize) -> Self {
        match n % 40 {
            0 | 1 => Self::BadSignature,
            2 | 3 => Self::Stale,
            4 | 5 => Self::Future,
            6 | 7 => Self::MissingSignature,
            8 | 9 => Self::Mutated,
            10 => Self::TooLarge,
            11 => Self::BadUtf8,
            12 => Self::BadJson,
            13..=16 => Self::Repeated,
            _ => Self::Good,
        }
    }

    /// The status Rhythm must answer with.
    fn status(self) -> u16 {
        match self {
            Self::Good | Self::Repeated => 200,
            Self::BadSignature
            | Self::Stale
            | Self::Future
            | Self::MissingSignature
            | Self::Mutated => 401,
            Self::TooLarge => 413,
            Self::BadUtf8 | Self::BadJson => 400,
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_requests_are_refused_before_parsing_and_good_ones_applied_once() {
    let profile = Profile::from_env();
    let requests = profile.pick(300, 1_000);
    let slow = profile.pick(200, 1_000);
    let org = Org::new(20).await;
    let rhythm = org
        .launch()
        .env("RHYTHM__SLACK__MODE", "http")
        .env("SLACK_SIGNING_SECRET", FakeSlack::SIGNING_SECRET)
        .spawn("hostile");
    assert!(
        rhythm.wait_ready(Duration::from_secs(20)).await,
        "{}",
        rhythm.log()
    );

    // Slow connections: a request line and half the headers, then nothing.
    let mut held = Vec::with_capacity(slow);
    for _ in 0..slow {
        let mut stream =
            tokio::net::TcpStream::connect(rhythm.url("").trim_start_matches("http://"))
                .await
                .expect("a connection");
        stream
            .write_all(b"POST /slack/commands HTTP/1.1\r\nHost: rhythm\r\nContent-Le")
            .await
            .unwrap();
        held.push(stream);
    }

    let stop = CancellationToken::new();
    let health = tokio::spawn(probe_health(rhythm.url("/healthz"), stop.clone()));
    // A connection per request: one Rhythm closes after refusing an oversized body must not
    // be picked up again by the next request.
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(0)
        .build()
        .unwrap();
    let mut applied = 0;
    for n in 0..requests {
        let case = Case::of(n);
        let status = send(&client, &rhythm, n).await;
        assert_eq!(status, case.status(), "request {n} ({case:?})");
        if case.status() == 200 {
            applied += 1;
        }
        if case == Case::Repeated {
            // The same request again, as a retry would send it: answered, not applied.
            let again = send(&client, &rhythm, n).await;
            assert_eq!(again, 200, "a repeat of request {n} is answered");
        }
    }
    assert_eq!(
        far_too_large(&rhythm).await,
        Some(413),
        "100 MB is refused unread"
    );

    stop.cancel();
    let latencies = health.await.expect("the probe does not panic");
    drop(held);
    let p99 = percentile(latencies, 0.99);
    println!(
        "hostile: {requests} requests ({applied} good), {slow} slow connections, /healthz p99 {p99:?}"
    );
    assert!(p99 < Duration::from_millis(200), "/healthz p99 {p99:?}");
    assert_eq!(
        org.timezone_changes().await,
        applied,
        "each good request applied once, repeats not at all"
    );
    let log = rhythm.log();
    assert!(!log.contains("panicked"), "no panic: {log}");
}

/// Sends request `n` as its [`Case`] says; its status. An oversized body refused before it was
/// all sent counts as the 413 it was answered with.
async fn send(client: &reqwest::Client, rhythm: &Running, n: usize) -> u16 {
    let now = chrono::Utc::now().timestamp();
    let zone = ["Europe/Berlin", "Asia/Tokyo", "America/Chicago"][n % 3];
    let form = slash_command_form(
        &uid(n % 20),
        "/rhythm",
        &format!("timezone {zone}"),
        &format!("trigger-{n}"),
    );
    let case = Case::of(n);
    let mut body = form.into_bytes();
    let mut signed_body = body.clone();
    let mut at = now;
    let mut path = "/slack/commands";
    match case {
        Case::Stale => at = now - 600,
        Case::Future => at = now + 600,
        Case::Mutated => body.extend_from_slice(b"&text=timezone+UTC"),
        Case::TooLarge => body = vec![b'a'; OVER_LIMIT],
        Case::BadUtf8 => body = b"user_id=\xff\xfe&command=%2Frhythm".to_vec(),
        Case::BadJson => {
            body = b"payload=%7Bnot+json".to_vec();
            path = "/slack/interactions";
        }
        _ => {}
    }
    if matches!(case, Case::TooLarge | Case::BadUtf8 | Case::BadJson) {
        // Signed as sent: refused for what it is, not for its signature.
        signed_body.clone_from(&body);
    }
    let mut request = client
        .post(rhythm.url(path))
        .header("content-type", "application/x-www-form-urlencoded")
        .body(body);
    for (name, value) in signed_headers(FakeSlack::SIGNING_SECRET, at, &signed_body) {
        match (case, name) {
            (Case::MissingSignature, "X-Slack-Signature") => {}
            (Case::BadSignature, "X-Slack-Signature") => {
                request = request.header(name, format!("v0={}", "0".repeat(64)));
            }
            _ => request = request.header(name, value),
        }
    }
    match request.send().await {
        Ok(response) => response.status().as_u16(),
        // Refused on its Content-Length while it was still being sent: Rhythm answers 413
        // and closes, and the client may see the connection close before the answer.
        Err(error) if case == Case::TooLarge && error.is_request() => 413,
        Err(error) => panic!("request {n} got no answer: {error}"),
    }
}

/// A request announcing 100 MB, of which only 64 KB is sent: the status Rhythm answers
/// with before the rest would arrive; `Some(413)` too if Rhythm answered and closed so
/// promptly that the connection was reset before the answer could be read; `None` if no
/// answer came within 5 s (Rhythm waiting for the rest: the bug this guards against).
async fn far_too_large(rhythm: &Running) -> Option<u16> {
    use tokio::io::AsyncReadExt as _;
    let addr = rhythm.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let head = format!(
        "POST /slack/commands HTTP/1.1\r\nHost: rhythm\r\nContent-Type: \
         application/x-www-form-urlencoded\r\nContent-Length: {}\r\n\r\n",
        100 * 1024 * 1024
    );
    let sent = async {
        stream.write_all(head.as_bytes()).await?;
        stream.write_all(&[b'a'; 64 * 1024]).await
    };
    if sent.await.is_err() {
        return Some(413);
    }
    let mut answer = vec![0; 64];
    match tokio::time::timeout(Duration::from_secs(5), stream.read(&mut answer)).await {
        Err(_) => None,
        Ok(Err(error)) if error.kind() == std::io::ErrorKind::ConnectionReset => Some(413),
        Ok(Err(_)) => None,
        Ok(Ok(read)) => {
            let line = String::from_utf8_lossy(&answer[..read]).into_owned();
            line.split_whitespace().nth(1)?.parse().ok()
        }
    }
}

/// `GET /healthz` every 20 ms until `stop` (and at least 50 times); the latencies, a
/// failure counting as 2 s.
async fn probe_health(url: String, stop: CancellationToken) -> Vec<Duration> {
    let client = reqwest::Client::new();
    let mut latencies = Vec::new();
    while latencies.len() < 50 || !stop.is_cancelled() {
        let started = Instant::now();
        let ok = client
            .get(&url)
            .timeout(Duration::from_secs(2))
            .send()
            .await
            .is_ok_and(|response| response.status().is_success());
        latencies.push(if ok {
            started.elapsed()
        } else {
            Duration::from_secs(2)
        });
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    latencies
}

fn percentile(mut samples: Vec<Duration>, q: f64) -> Duration {
    samples.sort_unstable();
    let index = ((samples.len() as f64 * q).ceil() as usize).clamp(1, samples.len()) - 1;
    samples[index]
}
