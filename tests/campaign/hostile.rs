//! Scenario 5, hostile input, against `rhythm run` serving Slack's HTTP endpoints and
//! Discord's interactions endpoint: signed commands (`/rhythm timezone …`, each an audited
//! change) mixed with repeats, bad signatures, stale and future timestamps, missing headers
//! and mutated bodies; bodies just over the limit and far over it; malformed UTF-8 and JSON;
//! and slow connections held open throughout.
//!
//! Pass: every bad request refused before parsing (401, 413, 400), every good one answered
//! 200 and applied once (repeats change nothing: the audit log has one entry per distinct
//! request; Slack answers a repeat 200, Discord 409), and `/healthz` answers with a p99 under
//! 200 ms all the while.

use std::time::{Duration, Instant};

use rhythm_testing::FakeDiscord;
use rhythm_testing::campaign::{Profile, Running};
use rhythm_testing::discord::payloads as discord;
use rhythm_testing::slack::FakeSlack;
use rhythm_testing::slack::payloads as slack;
use tokio::io::AsyncWriteExt as _;
use tokio_util::sync::CancellationToken;

use crate::support::{Org, snowflake, uid};

/// The limit on the body Rhythm reads, plus one.
const OVER_LIMIT: usize = 1024 * 1024 + 1;

/// Whose endpoint is attacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Platform {
    /// `/slack/commands` and `/slack/interactions`, HMAC-SHA256 signatures.
    Slack,
    /// `/discord/interactions`, Ed25519 signatures.
    Discord,
}

impl Platform {
    /// Where commands go.
    fn path(self) -> &'static str {
        match self {
            Self::Slack => "/slack/commands",
            Self::Discord => "/discord/interactions",
        }
    }

    fn content_type(self) -> &'static str {
        match self {
            Self::Slack => "application/x-www-form-urlencoded",
            Self::Discord => "application/json",
        }
    }

    /// The header whose absence or forgery must be refused.
    fn signature_header(self) -> &'static str {
        match self {
            Self::Slack => "X-Slack-Signature",
            Self::Discord => "X-Signature-Ed25519",
        }
    }

    /// A signature of the right form that is not the right one.
    fn forged_signature(self) -> String {
        match self {
            Self::Slack => format!("v0={}", "0".repeat(64)),
            Self::Discord => "0".repeat(128),
        }
    }

    /// The headers that sign `body` sent `at` (epoch seconds).
    fn sign(self, at: i64, body: &[u8]) -> Vec<(&'static str, String)> {
        match self {
            Self::Slack => slack::signed_headers(FakeSlack::SIGNING_SECRET, at, body).to_vec(),
            Self::Discord => discord::signed_headers(at, body),
        }
    }

    /// Person `n % 20` sets their zone: the body of that command.
    fn command(self, n: usize) -> Vec<u8> {
        let zone = ["Europe/Berlin", "Asia/Tokyo", "America/Chicago"][n % 3];
        match self {
            Self::Slack => slack::slash_command_form(
                &uid(n % 20),
                "/rhythm",
                &format!("timezone {zone}"),
                &format!("trigger-{n}"),
            )
            .into_bytes(),
            Self::Discord => {
                let command = discord::slash_command(
                    &snowflake(n % 20),
                    "rhythm",
                    Some(("timezone", &[("zone", zone)])),
                );
                serde_json::to_vec(&command).unwrap()
            }
        }
    }

    /// Changes what the signed `body` asks for, as a forger would.
    fn mutate(self, body: &mut Vec<u8>) {
        match self {
            Self::Slack => body.extend_from_slice(b"&text=timezone+UTC"),
            Self::Discord => {
                body.pop();
                body.extend_from_slice(br#","guild_id":"1170000000000000100"}"#);
            }
        }
    }

    /// A body that is not valid UTF-8, and the path it goes to.
    fn bad_utf8(self) -> (&'static str, Vec<u8>) {
        match self {
            Self::Slack => (self.path(), b"user_id=\xff\xfe&command=%2Frhythm".to_vec()),
            Self::Discord => (self.path(), b"{\"type\": 2, \"id\": \"\xff\xfe\"}".to_vec()),
        }
    }

    /// A body that is not JSON where JSON is expected, and the path it goes to.
    fn bad_json(self) -> (&'static str, Vec<u8>) {
        match self {
            Self::Slack => ("/slack/interactions", b"payload=%7Bnot+json".to_vec()),
            Self::Discord => (self.path(), b"{not json".to_vec()),
        }
    }

    /// What a repeat of a good request is answered: Slack retries what it did not see
    /// answered, so a repeat is acknowledged (and not applied); Discord never repeats an
    /// interaction, so one is refused as answered already.
    fn repeat_status(self) -> u16 {
        match self {
            Self::Slack => 200,
            Self::Discord => 409,
        }
    }
}

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
async fn bad_slack_requests_are_refused_before_parsing_and_good_ones_applied_once() {
    let org = Org::new(20).await;
    let rhythm = org
        .launch()
        .env("RHYTHM__SLACK__MODE", "http")
        .env("SLACK_SIGNING_SECRET", FakeSlack::SIGNING_SECRET)
        .spawn("hostile-slack");
    attack(&org, &rhythm, Platform::Slack).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_discord_requests_are_refused_before_parsing_and_good_ones_applied_once() {
    let org = Org::on_discord(20).await;
    let rhythm = org
        .launch()
        .env("RHYTHM__DISCORD__MODE", "http")
        .env("DISCORD_PUBLIC_KEY", FakeDiscord::PUBLIC_KEY_HEX)
        .spawn("hostile-discord");
    attack(&org, &rhythm, Platform::Discord).await;
}

/// The scenario, against `rhythm` serving `platform`'s endpoint.
async fn attack(org: &Org, rhythm: &Running, platform: Platform) {
    let profile = Profile::from_env();
    let requests = profile.pick(300, 1_000);
    let slow = profile.pick(200, 1_000);
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
            .write_all(
                format!(
                    "POST {} HTTP/1.1\r\nHost: rhythm\r\nContent-Le",
                    platform.path()
                )
                .as_bytes(),
            )
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
        let request = Request::new(platform, n);
        let status = request.send(&client, rhythm).await;
        assert_eq!(status, case.status(), "request {n} ({case:?})");
        if case.status() == 200 {
            applied += 1;
        }
        if case == Case::Repeated {
            // The same request again, as a retry would send it: answered, not applied.
            let again = request.send(&client, rhythm).await;
            assert_eq!(
                again,
                platform.repeat_status(),
                "a repeat of request {n} is answered"
            );
        }
    }
    assert_eq!(
        far_too_large(rhythm, platform).await,
        Some(413),
        "100 MB is refused unread"
    );

    stop.cancel();
    let latencies = health.await.expect("the probe does not panic");
    drop(held);
    let p99 = percentile(latencies, 0.99);
    println!(
        "hostile ({platform:?}): {requests} requests ({applied} good), {slow} slow connections, /healthz p99 {p99:?}"
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

/// Request `n`, made as its [`Case`] says.
struct Request {
    case: Case,
    path: &'static str,
    content_type: &'static str,
    body: Vec<u8>,
    headers: Vec<(&'static str, String)>,
}

impl Request {
    fn new(platform: Platform, n: usize) -> Self {
        let now = chrono::Utc::now().timestamp();
        let case = Case::of(n);
        let mut body = platform.command(n);
        let mut signed_body = body.clone();
        let mut at = now;
        let mut path = platform.path();
        match case {
            Case::Stale => at = now - 600,
            Case::Future => at = now + 600,
            Case::Mutated => platform.mutate(&mut body),
            Case::TooLarge => body = vec![b'a'; OVER_LIMIT],
            Case::BadUtf8 => (path, body) = platform.bad_utf8(),
            Case::BadJson => (path, body) = platform.bad_json(),
            _ => {}
        }
        if matches!(case, Case::TooLarge | Case::BadUtf8 | Case::BadJson) {
            // Signed as sent: refused for what it is, not for its signature.
            signed_body.clone_from(&body);
        }
        let headers = platform
            .sign(at, &signed_body)
            .into_iter()
            .filter_map(|(name, value)| match case {
                Case::MissingSignature if name == platform.signature_header() => None,
                Case::BadSignature if name == platform.signature_header() => {
                    Some((name, platform.forged_signature()))
                }
                _ => Some((name, value)),
            })
            .collect();
        Self {
            case,
            path,
            content_type: platform.content_type(),
            body,
            headers,
        }
    }

    /// Sends it; its status. An oversized body refused before it was all sent counts as the
    /// 413 it was answered with.
    async fn send(&self, client: &reqwest::Client, rhythm: &Running) -> u16 {
        let mut request = client
            .post(rhythm.url(self.path))
            .header("content-type", self.content_type)
            .body(self.body.clone());
        for (name, value) in &self.headers {
            request = request.header(*name, value);
        }
        match request.send().await {
            Ok(response) => response.status().as_u16(),
            // Refused on its Content-Length while it was still being sent: Rhythm answers
            // 413 and closes, and the client may see the connection close before the answer.
            Err(error) if self.case == Case::TooLarge && error.is_request() => 413,
            Err(error) => panic!("{:?} request got no answer: {error}", self.case),
        }
    }
}

/// A request announcing 100 MB, of which only 64 KB is sent: the status Rhythm answers
/// with before the rest would arrive; `Some(413)` too if Rhythm answered and closed so
/// promptly that the connection was reset before the answer could be read; `None` if no
/// answer came within 5 s (Rhythm waiting for the rest: the bug this guards against).
async fn far_too_large(rhythm: &Running, platform: Platform) -> Option<u16> {
    use tokio::io::AsyncReadExt as _;
    let addr = rhythm.url("").trim_start_matches("http://").to_owned();
    let mut stream = tokio::net::TcpStream::connect(addr).await.ok()?;
    let head = format!(
        "POST {} HTTP/1.1\r\nHost: rhythm\r\nContent-Type: {}\r\nContent-Length: {}\r\n\r\n",
        platform.path(),
        platform.content_type(),
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
