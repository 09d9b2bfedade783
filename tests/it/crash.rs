//! The real process killed with SIGKILL during a 10,000-recipient fan-out and again during
//! dispatch, then restarted: every recipient has exactly one delivery row, and the sends the
//! crashes repeated are counted and bounded by what was in flight.

use std::collections::HashMap;
use std::fs::File;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use crate::cli::zone_at_noon;
use crate::support::{Rhythm, path_str};

const PEOPLE: usize = 10_000;
const DISPATCH_BATCH: usize = 100;
const DISPATCH_CONCURRENCY: usize = 16;

fn start(rhythm: &Rhythm, stdout: &str) -> Child {
    let out = File::create(rhythm.dir.path().join(stdout)).unwrap();
    rhythm
        .command()
        .args(["run"])
        .env("RHYTHM__HTTP__LISTEN", "127.0.0.1:0")
        .env("RHYTHM__SCHEDULER__LEASE", "2s")
        .env(
            "RHYTHM__SCHEDULER__DISPATCH_BATCH",
            DISPATCH_BATCH.to_string(),
        )
        .env(
            "RHYTHM__SCHEDULER__DISPATCH_CONCURRENCY",
            DISPATCH_CONCURRENCY.to_string(),
        )
        .stdout(Stdio::from(out))
        .stderr(Stdio::null())
        .spawn()
        .expect("rhythm run starts")
}

fn kill(mut child: Child) {
    child.kill().expect("SIGKILL is delivered");
    child.wait().unwrap();
}

fn printed(rhythm: &Rhythm, stdout: &str) -> Vec<String> {
    std::fs::read_to_string(rhythm.dir.path().join(stdout))
        .unwrap_or_default()
        .lines()
        .map(str::to_owned)
        .collect()
}

async fn wait_until(what: &str, timeout: Duration, mut done: impl AsyncFnMut() -> bool) {
    let started = Instant::now();
    while !done().await {
        assert!(
            started.elapsed() < timeout,
            "timed out waiting until {what}"
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn sigkill_during_fan_out_and_dispatch_loses_nothing_and_repeats_only_what_was_in_flight() {
    let rhythm = Rhythm::new().await;
    let zone = zone_at_noon();
    let mut people = String::from("email,name,timezone\n");
    for n in 0..PEOPLE {
        people.push_str(&format!("p{n}@example.com,Person {n},{zone}\n"));
    }
    assert_eq!(rhythm.import(&people, &[]).code, 0);
    let tz: chrono_tz::Tz = zone.parse().unwrap();
    // From now, after the import (slow on a loaded machine), so that the time is still ahead
    // when the policy is applied.
    let fire_in = Duration::from_secs(4);
    let fire_at = Instant::now() + fire_in;
    let at = (chrono::Utc::now() + chrono::Duration::from_std(fire_in).unwrap()).with_timezone(&tz);
    let policy = format!(
        "[[schedule]]\nname = \"Crash test\"\nkind = \"announcement\"\nat = \"{}\"\naudience = \"everyone\"\n\
         business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]\n",
        at.format("%Y-%m-%dT%H:%M:%S")
    );
    let path = rhythm.file("policy.toml", &policy);
    assert_eq!(
        rhythm
            .run(&["schedule", "apply", "--file", path_str(&path)])
            .code,
        0
    );

    // First kill: just after the fire time, while the fan-out is being written or just after.
    let first = start(&rhythm, "out-1.txt");
    tokio::time::sleep(
        fire_at.saturating_duration_since(Instant::now()) + Duration::from_millis(150),
    )
    .await;
    kill(first);

    // Second kill: in the middle of dispatch.
    let second = start(&rhythm, "out-2.txt");
    wait_until(
        "dispatch is under way",
        Duration::from_secs(60),
        async || printed(&rhythm, "out-2.txt").len() >= 2_000,
    )
    .await;
    kill(second);

    // Third run finishes the job, taking over the killed run's leases once they expire.
    let third = start(&rhythm, "out-3.txt");
    wait_until("everything is sent", Duration::from_secs(180), async || {
        rhythm
            .db
            .count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
            .await
            == PEOPLE as i64
    })
    .await;
    kill(third);

    assert_eq!(rhythm.db.count("SELECT COUNT(*) FROM occurrences").await, 1);
    assert_eq!(
        rhythm.db.count("SELECT COUNT(*) FROM deliveries").await,
        PEOPLE as i64
    );
    assert_eq!(
        rhythm
            .db
            .count("SELECT COUNT(DISTINCT person_id) FROM deliveries")
            .await,
        PEOPLE as i64,
        "exactly one delivery row per recipient"
    );

    let mut sends: HashMap<String, usize> = HashMap::new();
    for file in ["out-1.txt", "out-2.txt", "out-3.txt"] {
        for line in printed(&rhythm, file) {
            *sends.entry(line).or_default() += 1;
        }
    }
    assert_eq!(sends.len(), PEOPLE, "every recipient was sent the message");
    let repeated: usize = sends.values().map(|count| count - 1).sum();
    // Each kill can interrupt what was in flight between sends and their records: up to two
    // batches of outcomes waiting to be recorded, and the sends under way.
    let in_flight = 2 * DISPATCH_BATCH + DISPATCH_CONCURRENCY;
    assert!(
        repeated <= 2 * in_flight,
        "{repeated} sends were repeated; at most {} were in flight",
        2 * in_flight
    );
    eprintln!("sends repeated by the two kills: {repeated}");
}
