//! Housekeeping against a real database: gauges read the outbox, the purge keeps what it must.

use std::sync::Arc;
use std::time::Duration as StdDuration;

use chrono::Duration;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::{Finish, Outbox as _};
use rhythm_scheduler::maintenance::Maintenance;

use crate::dispatcher::with_pending;

#[tokio::test]
async fn gauges_count_the_outbox_and_the_purge_keeps_dead_letters_and_recent_sends() {
    let db = with_pending().await;
    let maintenance = Maintenance::new(
        db.store.clone(),
        Arc::new(db.clock.clone()),
        Duration::days(90),
    );
    let health = maintenance.refresh_gauges().await.unwrap();
    assert_eq!((health.pending, health.due, health.dead), (2, 2, 0));
    assert_eq!(health.oldest_due_at, Some(db.clock.now()));

    // One sent, one dead.
    let now = db.clock.now();
    let leased = db
        .store
        .lease_due("m", now, now + Duration::minutes(1), 10)
        .await
        .unwrap();
    let sent = Finish::Sent {
        message_id: "x".into(),
        at: now,
    };
    let dead = Finish::Dead {
        error: "user_not_found".into(),
    };
    assert_eq!(
        db.store
            .finish_all("m", &[(leased[0].id, sent), (leased[1].id, dead)])
            .await
            .unwrap(),
        [true, true]
    );

    assert_eq!(
        maintenance.purge().await.unwrap(),
        0,
        "recent sends are kept"
    );
    db.clock.advance(Duration::days(91));
    assert_eq!(maintenance.purge().await.unwrap(), 1);
    let health = maintenance.refresh_gauges().await.unwrap();
    assert_eq!(
        (health.pending, health.dead),
        (0, 1),
        "dead letters stay for HR"
    );
}

#[tokio::test]
async fn the_jobs_start_and_stop() {
    let db = with_pending().await;
    let maintenance = Maintenance::new(
        db.store.clone(),
        Arc::new(db.clock.clone()),
        Duration::days(90),
    );
    let mut scheduler = maintenance.start().await.unwrap();
    tokio::time::sleep(StdDuration::from_millis(50)).await;
    scheduler.shutdown().await.unwrap();
}
