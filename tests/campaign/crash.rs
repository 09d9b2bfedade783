//! Scenario 1, crash during fan-out: a one-off announcement to everyone on the fake Slack;
//! `rhythm run` is killed with SIGKILL just after it fires (while the fan-out is written),
//! then again and again at spread points of the dispatch, and restarted each time.
//!
//! Pass: nobody missed (each recipient has the message in the fake), one delivery row per
//! recipient, every delivery sent, and the duplicate sends (a message posted twice to the
//! same person) no more than were in flight at the kills — posted to Slack but not yet
//! recorded, measured right after each kill — which the dispatcher's design bounds by two
//! batches of outcomes waiting to be recorded plus the sends under way.

use std::collections::HashMap;
use std::time::Duration;

use rhythm_testing::campaign::Profile;

use crate::support::{Org, wait_until};

/// Sends a dispatcher has in flight at once.
const CONCURRENCY: usize = 16;
/// Deliveries leased, and outcomes recorded, at once.
const BATCH: usize = 100;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_during_fan_out_and_dispatch_loses_nothing() {
    let profile = Profile::from_env();
    let people = profile.pick(2_000, 10_000);
    let kills = profile.pick(3, 20);
    let org = Org::new(people).await;
    let launch = org.launch().env("RHYTHM__SCHEDULER__LEASE", "2s").env(
        "RHYTHM__SCHEDULER__DISPATCH_CONCURRENCY",
        CONCURRENCY.to_string(),
    );
    let fire_at = org.announce_in(Duration::from_secs(3)).await;

    // The first kill: just after the fire time, while the fan-out is written or just after.
    let mut first = launch.spawn("run-0");
    tokio::time::sleep_until((fire_at + Duration::from_millis(150)).into()).await;
    first.kill();
    let (mut in_flight, mut reached) = unrecorded(&org).await;

    // Then at spread points of the dispatch. Each run first sends again what the last kill
    // left unrecorded (once its lease runs out), so that what a kill leaves is only what
    // that run posted: counted once, not again at the next kill.
    for kill in 1..kills {
        let mut run = launch.spawn(&format!("run-{kill}"));
        let target = people * kill / kills;
        wait_until(
            "the dispatch records what the last kill left, and reaches the next kill point",
            Duration::from_secs(120),
            async || org.sent().await >= reached && posted(&org) >= target,
        )
        .await;
        run.kill();
        let (left, posted_to) = unrecorded(&org).await;
        in_flight += left;
        reached = posted_to;
    }

    let last = launch.spawn("run-last");
    org.wait_sent(people, Duration::from_secs(300)).await;
    assert_eq!(last.terminate().await, Some(0), "a clean stop at the end");

    assert_eq!(org.db.count("SELECT COUNT(*) FROM occurrences").await, 1);
    assert_eq!(
        org.db.count("SELECT COUNT(*) FROM deliveries").await,
        people as i64,
        "one delivery row per recipient"
    );
    assert_eq!(
        org.db
            .count("SELECT COUNT(DISTINCT person_id) FROM deliveries")
            .await,
        people as i64
    );
    let mut per_channel: HashMap<String, usize> = HashMap::new();
    for call in org.slack.calls("chat.postMessage") {
        let channel = call["channel"].as_str().unwrap_or_default().to_owned();
        *per_channel.entry(channel).or_default() += 1;
    }
    assert_eq!(per_channel.len(), people, "nobody missed");
    let repeated: usize = per_channel.values().map(|sent| sent - 1).sum();
    let designed = kills * (2 * BATCH + CONCURRENCY);
    println!(
        "crash: {people} recipients, {kills} kills, {repeated} repeated sends, \
         {in_flight} in flight at the kills (design bound {designed})"
    );
    assert!(
        repeated <= in_flight,
        "{repeated} repeated sends, more than the {in_flight} in flight at the kills"
    );
    // What users see, the repeats, is held to the design's bound. The unrecorded count
    // itself passed it in 3 of 8 short runs (up to 755 for 648), before and after the kudos
    // work alike: open in docs/RELIABILITY.md.
    assert!(
        repeated <= designed,
        "{repeated} repeated sends, over the design's {designed}"
    );
}

/// Recipients posted to but whose delivery is not recorded as sent (what a restart sends
/// again), and recipients posted to.
async fn unrecorded(org: &Org) -> (usize, usize) {
    let mut channels: Vec<String> = org
        .slack
        .calls("chat.postMessage")
        .iter()
        .filter_map(|call| call["channel"].as_str().map(str::to_owned))
        .collect();
    channels.sort_unstable();
    channels.dedup();
    (
        channels.len().saturating_sub(org.sent().await),
        channels.len(),
    )
}

/// Messages the fake Slack has accepted so far.
fn posted(org: &Org) -> usize {
    org.slack.calls("chat.postMessage").len()
}
