//! Scenario 2, replicas: three `rhythm run` on one Postgres while a series of one-off
//! announcements fire and fan out. Again and again, one replica that holds leases is struck:
//! killed with SIGKILL (and restarted), or paused with SIGSTOP for twice the lease (and then
//! resumed). One replica at a time: the others carry on and take over what it held.
//!
//! Pass:
//! - every occurrence fired once (none missed, none duplicated); one delivery row per
//!   recipient per occurrence, every one sent; everyone has every message;
//! - a paused replica cannot finish work it lost: once resumed, it repeats none of the
//!   messages it held and another replica had sent meanwhile, but for the few it had already
//!   cleared to go at the instant it was paused (at most its concurrency). Without the
//!   lease check before each send it would send its whole queue again;
//! - the repeated sends overall are no more than the strikes exposed: what the struck
//!   replica had posted but not recorded, plus, for a pause, the sends it had cleared.
//!
//! On Postgres only, as replicas are (`RHYTHM_TEST_DATABASE_URL`); on SQLite it says so and
//! passes.

use std::collections::{HashMap, HashSet};
use std::time::Duration;

use rhythm_testing::campaign::{Profile, Running};
use rhythm_testing::slack::dm_channel_id;

use crate::support::{Org, on_postgres, uid, wait_until};

/// Processes on the one database.
const REPLICAS: usize = 3;
/// Each replica's lease on the deliveries it takes: long enough for the two batches it
/// holds (200 at 16 at a time, 100 ms each) to go well within it.
const LEASE: Duration = Duration::from_secs(5);
/// Sends a replica has in flight at once.
const CONCURRENCY: usize = 16;
/// How long the fake Slack takes to answer each message: long enough that a replica holds
/// leases for a while, as against a real Slack.
const SLACK_LATENCY: Duration = Duration::from_millis(100);
/// How long after a resume its sends are watched, before the next strike.
const SETTLE: Duration = Duration::from_secs(1);

/// A message as the fake Slack saw it: the DM channel, and the announcement's text.
type Posted = (String, String);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn replicas_killed_and_paused_fire_and_send_everything_once() {
    if !on_postgres("scenario 2 (replicas)") {
        return;
    }
    let profile = Profile::from_env();
    let people = profile.pick(600, 3_000);
    let occurrences = profile.pick(3, 12);
    let strikes = profile.pick(4, 30);
    let org = Org::new(people).await;
    org.slack
        .delay_next("chat.postMessage", people * occurrences * 2, SLACK_LATENCY);
    let pool = sqlx::PgPool::connect(&org.db.url).await.unwrap();
    let launch = org
        .launch()
        .env("RHYTHM__SCHEDULER__LEASE", format!("{}s", LEASE.as_secs()))
        .env(
            "RHYTHM__SCHEDULER__DISPATCH_CONCURRENCY",
            CONCURRENCY.to_string(),
        );
    let mut replicas: Vec<Running> = (0..REPLICAS)
        .map(|n| launch.spawn(&format!("replica-{n}")))
        .collect();
    for replica in &replicas {
        assert!(replica.wait_ready(Duration::from_secs(30)).await);
    }
    let spacing = LEASE * 2 + SETTLE * 2;
    let offsets: Vec<Duration> = (0..occurrences)
        .map(|n| Duration::from_secs(3) + spacing * u32::try_from(n).unwrap())
        .collect();
    org.announce_series(&offsets).await;

    let expected = people * occurrences;
    let mut tally = Tally::default();
    while tally.kills + tally.pauses < strikes && org.sent().await < expected {
        let Some(struck) = holder(&pool, &mut replicas).await else {
            tokio::time::sleep(Duration::from_millis(20)).await;
            continue;
        };
        let owner = owner(&replicas[struck]);
        if (tally.kills + tally.pauses) % 2 == 0 {
            replicas[struck].kill();
            let held = held(&pool, &owner).await;
            tally.exposed += exposed(&org, &held);
            tally.kills += 1;
            replicas[struck] = launch.spawn(&format!("replica-{struck}-{}", tally.kills));
        } else {
            replicas[struck].pause();
            let held = held(&pool, &owner).await;
            tally.exposed += exposed(&org, &held) + CONCURRENCY;
            tally.pauses += 1;
            tokio::time::sleep(LEASE * 2).await;
            let before: HashSet<Posted> = posted(&org).into_iter().collect();
            let mark = org.slack.calls("chat.postMessage").len();
            replicas[struck].resume();
            tokio::time::sleep(SETTLE).await;
            tally.resumed_repeats += posted(&org)[mark..]
                .iter()
                .filter(|message| held.contains(*message) && before.contains(*message))
                .count();
        }
    }

    wait_until("everything is sent", Duration::from_secs(300), async || {
        org.sent().await == expected
    })
    .await;
    let mut fenced = 0;
    for replica in &replicas {
        fenced += lease_outcomes(replica).await;
    }
    for replica in replicas {
        let log = replica.log();
        assert_eq!(
            replica.terminate().await,
            Some(0),
            "a clean stop at the end; its log:\n{log}"
        );
    }

    assert_eq!(
        org.db.count("SELECT COUNT(*) FROM occurrences").await,
        i64::try_from(occurrences).unwrap(),
        "every occurrence once"
    );
    assert_eq!(
        org.db
            .count("SELECT COUNT(*) FROM occurrences WHERE status = 'missed'")
            .await,
        0
    );
    assert_eq!(
        org.db.count("SELECT COUNT(*) FROM deliveries").await,
        i64::try_from(expected).unwrap(),
        "one delivery row per recipient per occurrence"
    );
    let mut times: HashMap<Posted, usize> = HashMap::new();
    for message in posted(&org) {
        *times.entry(message).or_default() += 1;
    }
    for n in 0..people {
        for k in 1..=occurrences {
            let message = (dm_channel_id(&uid(n)), format!("Campaign {k}: It's time."));
            assert!(times.contains_key(&message), "{message:?} missed");
        }
    }
    assert_eq!(times.len(), people * occurrences, "nothing else was sent");
    let repeated: usize = times.values().map(|sent| sent - 1).sum();
    println!(
        "replicas: {REPLICAS} replicas, {people} recipients × {occurrences} occurrences, \
         {} kills, {} pauses; {repeated} repeated sends, {} exposed at the strikes; \
         {} repeated by resumed replicas; {fenced} fenced off (lease expired or lost)",
        tally.kills, tally.pauses, tally.exposed, tally.resumed_repeats
    );
    assert!(tally.kills >= 1 && tally.pauses >= 1, "{tally:?}");
    assert!(
        tally.resumed_repeats <= tally.pauses * CONCURRENCY,
        "resumed replicas repeated {} sends they had lost",
        tally.resumed_repeats
    );
    assert!(
        repeated <= tally.exposed,
        "{repeated} repeated sends, more than the {} the strikes exposed",
        tally.exposed
    );
}

/// What the strikes did and exposed.
#[derive(Debug, Default)]
struct Tally {
    kills: usize,
    pauses: usize,
    /// What the strikes could cause to be sent again.
    exposed: usize,
    /// Messages a resumed replica sent that it had held when paused and that another
    /// replica had sent meanwhile.
    resumed_repeats: usize,
}

/// Every message the fake Slack accepted, in order.
fn posted(org: &Org) -> Vec<Posted> {
    org.slack
        .calls("chat.postMessage")
        .iter()
        .map(|call| {
            let field = |name: &str| call[name].as_str().unwrap_or_default().to_owned();
            (field("channel"), field("text"))
        })
        .collect()
}

/// A running replica that holds unexpired leases on unsent deliveries, if any.
async fn holder(pool: &sqlx::PgPool, replicas: &mut [Running]) -> Option<usize> {
    let owners: Vec<String> = sqlx::query_scalar(
        "SELECT DISTINCT lease_owner FROM deliveries \
         WHERE status = 'pending' AND lease_owner IS NOT NULL AND lease_until > $1",
    )
    .bind(chrono::Utc::now().timestamp_millis())
    .fetch_all(pool)
    .await
    .unwrap();
    replicas
        .iter_mut()
        .position(|replica| replica.alive() && owners.contains(&owner(replica)))
}

/// The name a replica leases under.
fn owner(replica: &Running) -> String {
    format!("rhythm-{}", replica.pid())
}

/// The messages of the deliveries `owner` holds, unsent. Read a moment after it is struck,
/// once what it had written has arrived.
async fn held(pool: &sqlx::PgPool, owner: &str) -> HashSet<Posted> {
    tokio::time::sleep(Duration::from_millis(200)).await;
    let held: Vec<(String, String)> = sqlx::query_as(
        "SELECT p.email, s.name FROM deliveries d JOIN people p ON p.id = d.person_id \
         JOIN occurrences o ON o.id = d.occurrence_id JOIN schedules s ON s.id = o.schedule_id \
         WHERE d.status = 'pending' AND d.lease_owner = $1",
    )
    .bind(owner)
    .fetch_all(pool)
    .await
    .unwrap();
    held.into_iter()
        .map(|(email, schedule)| {
            let n: usize = email
                .trim_start_matches('p')
                .trim_end_matches("@example.com")
                .parse()
                .unwrap();
            (dm_channel_id(&uid(n)), format!("{schedule}: It's time."))
        })
        .collect()
}

/// What a strike on a replica holding `held` could cause to be sent again: those it had
/// posted but not recorded.
fn exposed(org: &Org, held: &HashSet<Posted>) -> usize {
    let posted: HashSet<Posted> = posted(org).into_iter().collect();
    held.intersection(&posted).count()
}

/// The sends a replica fenced off: not sent because its lease had run out
/// (`lease_expired`), or not recorded because another had taken the delivery
/// (`lease_lost`), from its `/metrics`.
async fn lease_outcomes(replica: &Running) -> usize {
    let Ok(response) = reqwest::get(replica.url("/metrics")).await else {
        return 0;
    };
    let body = response.text().await.unwrap_or_default();
    body.lines()
        .filter(|line| {
            line.starts_with("rhythm_deliveries_total")
                && (line.contains("lease_expired") || line.contains("lease_lost"))
        })
        .filter_map(|line| line.rsplit(' ').next()?.parse::<usize>().ok())
        .sum()
}
