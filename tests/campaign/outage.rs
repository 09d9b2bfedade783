//! Scenario 3, database outage: `rhythm run` (Slack over signed HTTP) reaches Postgres
//! through a proxy that takes the database away — every connection cut, every new one
//! closed — for a while (10 s in the short profile, 60 s in the long), while commands keep
//! arriving and an announcement falls due in the middle of it.
//!
//! Pass: a command acked (200) is applied; one that could not be is refused with a 5xx, so
//! that Slack retries it, and the retry is applied once; nothing acked is lost; `/readyz`
//! fails during the outage and recovers after; the announcement reaches everyone once, late;
//! the process rides it out (the same process throughout, no panic, no crash loop).
//!
//! On Postgres only (`RHYTHM_TEST_DATABASE_URL`): there is no server to lose with SQLite.

use std::net::SocketAddr;
use std::time::{Duration, Instant};

use rhythm_testing::campaign::{Profile, Running};
use rhythm_testing::outage::OutageProxy;
use rhythm_testing::slack::FakeSlack;

use crate::support::{Org, on_postgres, timezone_command, uid, zone_for};

/// How often a command arrives.
const EVERY: Duration = Duration::from_millis(200);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_outage_loses_no_acked_event_and_the_process_rides_it_out() {
    if !on_postgres("scenario 3 (database outage)") {
        return;
    }
    let profile = Profile::from_env();
    let outage = Duration::from_secs(profile.pick(10, 60));
    let people = profile.pick(60, 200);
    let org = Org::new(people).await;
    let proxy = OutageProxy::start(server_of(&org.db.url)).await;
    let mut rhythm = org
        .launch()
        .env("DATABASE_URL", proxy.url_for(&org.db.url))
        .env("RHYTHM__SLACK__MODE", "http")
        .env("SLACK_SIGNING_SECRET", FakeSlack::SIGNING_SECRET)
        .env("RHYTHM__SCHEDULER__RETRY_BACKOFF", "1s")
        .spawn("outage");
    assert!(rhythm.wait_ready(Duration::from_secs(30)).await);
    let pid = rhythm.pid();
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(15))
        .build()
        .unwrap();

    // The announcement falls due a few seconds into the outage.
    org.announce_in(Duration::from_secs(4)).await;
    let started = Instant::now();
    let down_at = started + Duration::from_secs(2);
    let back_at = down_at + outage;
    let mut tally = Tally::default();
    let mut next = 0;
    let mut unacked: Vec<usize> = Vec::new();
    let (mut was_down, mut is_back) = (false, false);
    while Instant::now() < back_at + Duration::from_secs(5) || next < people || !unacked.is_empty()
    {
        assert!(
            started.elapsed() < outage + Duration::from_secs(120),
            "commands still unacked: {unacked:?}"
        );
        if !was_down && Instant::now() >= down_at {
            proxy.take_down();
            was_down = true;
        }
        if was_down && !is_back && Instant::now() >= back_at {
            proxy.bring_back();
            is_back = true;
        }
        // Slack retries what was refused; new commands keep coming.
        let batch: Vec<usize> = if unacked.is_empty() && next < people {
            next += 1;
            vec![next - 1]
        } else {
            std::mem::take(&mut unacked)
        };
        for n in batch {
            match command(&client, &rhythm, n).await {
                200 => tally.acked += 1,
                status if status >= 500 => {
                    tally.refused += 1;
                    unacked.push(n);
                }
                status => panic!("command {n}: {status}"),
            }
        }
        let ready = rhythm.get("/readyz").await;
        if was_down && !is_back && Instant::now() > down_at + Duration::from_secs(2) {
            tally.ready_during |= ready == Some(200);
            tally.probed_during += 1;
        }
        if is_back && ready == Some(200) && tally.recovered.is_none() {
            tally.recovered = Some(Instant::now() - back_at);
        }
        tokio::time::sleep(EVERY).await;
    }

    org.wait_sent(people, Duration::from_secs(120)).await;
    assert!(
        rhythm.alive() && rhythm.pid() == pid,
        "the same process throughout"
    );
    assert!(
        !tally.ready_during,
        "/readyz fails while the database is away"
    );
    assert!(tally.probed_during > 0);
    let recovered = tally.recovered.expect("/readyz recovers");
    assert_eq!(
        org.timezone_changes().await,
        people,
        "every command applied once: acked ones kept, refused ones applied on their retry"
    );
    assert!(tally.refused > 0, "some commands came during the outage");
    for n in 0..people {
        assert_eq!(org.slack.messages_to(&uid(n)).len(), 1, "{} once", uid(n));
    }
    let log = rhythm.log();
    assert!(!log.contains("panicked"), "no panic: {log}");
    println!(
        "outage: {} s without the database; {people} commands ({} refused with 5xx and \
         retried, all applied once); /readyz failed {} times in a row during it and \
         recovered {recovered:?} after; {people} reminders sent once",
        outage.as_secs(),
        tally.refused,
        tally.probed_during,
    );
    assert_eq!(rhythm.terminate().await, Some(0), "a clean stop");
}

/// What the outage did to the traffic.
#[derive(Debug, Default)]
struct Tally {
    acked: usize,
    refused: usize,
    /// `/readyz` probes during the outage (after a moment to notice it), and whether any
    /// said ready.
    probed_during: usize,
    ready_during: bool,
    /// How long after the database came back `/readyz` said ready.
    recovered: Option<Duration>,
}

/// Person `n` sets a zone of their own by `/rhythm timezone`; the status it got (a request
/// with no answer within the client's patience counts as a 504: Slack retries it too).
async fn command(client: &reqwest::Client, rhythm: &Running, n: usize) -> u16 {
    let url = rhythm.url("/slack/commands");
    let request = timezone_command(client, &url, &uid(n), &zone_for(n), n);
    match request.send().await {
        Ok(response) => response.status().as_u16(),
        Err(error) if error.is_timeout() => 504,
        Err(error) => panic!("command {n} got no answer: {error}"),
    }
}

/// The database server a URL names.
fn server_of(url: &str) -> SocketAddr {
    let url = url::Url::parse(url).unwrap();
    let host = url.host_str().unwrap();
    let host = if host == "localhost" {
        "127.0.0.1"
    } else {
        host
    };
    format!("{host}:{}", url.port().unwrap_or(5432))
        .parse()
        .unwrap()
}
