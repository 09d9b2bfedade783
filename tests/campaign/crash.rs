//! Scenario 1, crash during fan-out: a one-off announcement to everyone on the fake Slack;
//! `rhythm run` is killed with SIGKILL just after it fires (while the fan-out is written),
//! then again and again at spread points of the dispatch, and restarted each time.
//!
//! Pass: nobody missed (each recipient has the message in the fake), one delivery row per
//! recipient, every delivery sent, and the duplicate sends (a message posted twice to the
//! same person) no more than were in flight at the kills — posted to Slack but not yet
//! recorded, measured right after each kill — which the dispatcher's design bounds by two
//! batches of outcomes waiting to be recorded plus the sends under way.

use std::collections::{HashMap, HashSet};
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
    let mut posts = Posts::default();
    let mut in_flight = posts.left_by_the_kill(&org).await;

    // Then at spread points of the dispatch. A run sends again what the last kill left
    // unrecorded once its lease runs out; each kill counts only what the run it ended posted
    // and did not record, so nothing is counted at two kills.
    for kill in 1..kills {
        let mut run = launch.spawn(&format!("run-{kill}"));
        let target = people * kill / kills;
        wait_until(
            "the dispatch reaches the next kill point",
            Duration::from_secs(120),
            async || posts.recorded(&org).await > 0 && posted(&org) >= target,
        )
        .await;
        run.kill();
        in_flight += posts.left_by_the_kill(&org).await;
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
    assert!(
        in_flight <= designed,
        "{in_flight} sends in flight at the kills, over the design's {designed}"
    );
}

/// Messages posted to each Slack user, as of the last kill.
#[derive(Default)]
struct Posts {
    counted: HashMap<String, usize>,
    recorded_then: usize,
}

impl Posts {
    /// Users the run just killed posted to (since the kill before) whose delivery is not
    /// recorded as sent: what a restart sends again because of this kill. A user left
    /// unrecorded by an earlier kill and not posted to again is not counted twice.
    async fn left_by_the_kill(&mut self, org: &Org) -> usize {
        let sent = recorded_users(org).await;
        let mut now: HashMap<String, usize> = HashMap::new();
        for call in org.slack.calls("chat.postMessage") {
            if let Some(channel) = call["channel"].as_str() {
                *now.entry(format!("U{}", channel.trim_start_matches('D')))
                    .or_default() += 1;
            }
        }
        let left = now
            .iter()
            .filter(|(user, posts)| {
                !sent.contains(*user) && **posts > self.counted.get(*user).copied().unwrap_or(0)
            })
            .count();
        self.counted = now;
        self.recorded_then = sent.len();
        left
    }

    /// Deliveries recorded as sent since the last kill.
    async fn recorded(&self, org: &Org) -> usize {
        org.sent().await.saturating_sub(self.recorded_then)
    }
}

/// The Slack users whose delivery is recorded as sent.
async fn recorded_users(org: &Org) -> HashSet<String> {
    let users = org
        .db
        .strings(
            "SELECT c.user_id FROM deliveries d \
             JOIN chat_identities c ON c.person_id = d.person_id AND c.platform = 'slack' \
             WHERE d.status = 'sent'",
        )
        .await;
    users.into_iter().collect()
}

/// Messages the fake Slack has accepted so far.
fn posted(org: &Org) -> usize {
    org.slack.calls("chat.postMessage").len()
}
