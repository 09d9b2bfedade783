//! The planner against a real database, driven by a manual clock: fires once, never twice,
//! late within grace, missed beyond it, and once however many planners run.

use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::ports::Schedules as _;
use rhythm_scheduler::planner::Planner;
use rhythm_testing::TestDb;

const PEOPLE: &str =
    "email,name,timezone\nana@x.com,Ana,Europe/Berlin\nben@x.com,Ben,Europe/Berlin\n";

async fn with_schedule(keys: &str) -> TestDb {
    crate::support::with_people_and_schedule(PEOPLE, keys).await
}

fn planner(db: &TestDb) -> Planner<rhythm_store::Store> {
    Planner::new(db.store.clone(), Arc::new(db.clock.clone()), 100)
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

const HOURLY: &str = "kind = \"check_in\"\ncron = \"0 * * * *\"\ntimezone = \"UTC\"\n\
                      business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]";

#[tokio::test]
async fn a_due_schedule_fires_once_and_advances() {
    // The test clock starts on Monday 2026-03-02 09:00 UTC (10:00 in Berlin).
    let db =
        with_schedule("kind = \"check_in\"\ncron = \"0 11 * * MON\"\ntimezone = \"Europe/Berlin\"")
            .await;
    let planner = planner(&db);
    assert_eq!(
        planner.run_due().await.unwrap().claimed,
        0,
        "nothing is due yet"
    );
    db.clock.set(at("2026-03-02T10:00:00Z"));
    let step = planner.run_due().await.unwrap();
    assert_eq!((step.claimed, step.deliveries), (1, 2));
    assert_eq!(planner.run_due().await.unwrap().claimed, 0, "never twice");
    let stored = db.store.schedule_snapshot().await.unwrap();
    assert_eq!(
        stored.schedules[0].next_fire_at,
        Some(at("2026-03-09T10:00:00Z"))
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE step = 'reminder' AND status = 'pending'")
            .await,
        2
    );
}

#[tokio::test]
async fn a_clock_rewound_after_a_fire_does_not_fire_again() {
    let db = with_schedule(HOURLY).await;
    let planner = planner(&db);
    // Applied at 09:00, so 09:00 is due; it fires at 09:30.
    db.clock.set(at("2026-03-02T09:30:00Z"));
    assert_eq!(planner.run_due().await.unwrap().claimed, 1);
    db.clock.set(at("2026-03-02T09:05:00Z"));
    assert_eq!(planner.run_due().await.unwrap().claimed, 0);
    db.clock.set(at("2026-03-02T09:59:59Z"));
    assert_eq!(planner.run_due().await.unwrap().claimed, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM occurrences").await, 1);
}

#[tokio::test]
async fn a_three_hour_jump_fires_what_is_in_grace_once_marked_late() {
    let db = with_schedule(&format!("{HOURLY}\ngrace = \"4h\"")).await;
    let planner = planner(&db);
    db.clock.advance(Duration::hours(3) + Duration::minutes(30));
    let step = planner.run_due().await.unwrap();
    assert_eq!((step.claimed, step.missed), (4, 0), "09:00 to 12:00");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM occurrences WHERE status = 'late'")
            .await,
        4
    );
    assert_eq!(planner.run_due().await.unwrap().claimed, 0);
}

#[tokio::test]
async fn a_26_hour_jump_records_the_old_occurrences_as_missed_and_sends_nothing_for_them() {
    let db = with_schedule("kind = \"check_in\"\ncron = \"0 9 * * *\"\ntimezone = \"UTC\"\n\
                            business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]")
        .await;
    let planner = planner(&db);
    db.clock.advance(Duration::hours(26));
    let step = planner.run_due().await.unwrap();
    // 09:00 Monday is 26 h old and 09:00 Tuesday 2 h old: both past the 1 h grace.
    assert_eq!((step.claimed, step.missed, step.deliveries), (2, 2, 0));
    assert_eq!(
        db.count("SELECT COUNT(*) FROM occurrences WHERE status = 'missed'")
            .await,
        2
    );
    let stored = db.store.schedule_snapshot().await.unwrap();
    assert_eq!(
        stored.schedules[0].next_fire_at,
        Some(at("2026-03-04T09:00:00Z"))
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn planners_racing_on_one_database_fire_each_occurrence_once() {
    let db = with_schedule(HOURLY).await;
    db.clock.advance(Duration::minutes(30));
    let racers: Vec<_> = (0..3)
        .map(|_| {
            let planner = planner(&db);
            tokio::spawn(async move { planner.run_due().await })
        })
        .collect();
    let mut claimed = 0;
    for racer in racers {
        claimed += racer.await.unwrap().unwrap().claimed;
    }
    assert_eq!(claimed, 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM occurrences").await, 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM deliveries").await, 2);
}
