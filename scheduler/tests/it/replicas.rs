//! Three planners and three dispatchers on one database through a simulated day: every
//! occurrence fires once, none is missed, and every delivery is sent once.

use std::collections::HashSet;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::{Messenger, Outgoing, SendError, Sent};
use rhythm_domain::schedule::CronSpec;
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::planner::Planner;
use rhythm_scheduler::recurrence::fires_after;
use rhythm_store::Store;

/// Records every delivery id it is asked to send.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<Vec<i64>>>);

impl Messenger for Recorder {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        self.0.lock().unwrap().push(message.id.0);
        Ok(Sent {
            message_id: format!("m{}", message.id.0),
        })
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn three_replicas_through_a_day_fire_everything_once() {
    let mut people = String::from("email,name,timezone\n");
    for n in 0..12 {
        people.push_str(&format!("p{n}@x.com,P{n},UTC\n"));
    }
    // Every 15 minutes, every day, no quiet hours in the way: 96 occurrences a day.
    let db = crate::support::with_people_and_schedule(
        &people,
        "kind = \"announcement\"\ncron = \"*/15 * * * *\"\ntimezone = \"UTC\"\n\
         business_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]",
    )
    .await;
    let statement = "UPDATE people SET quiet_hours = '23:59-00:00'";
    match &db.store {
        Store::Sqlite(store) => sqlx::query(statement).execute(store.pool()).await.map(drop),
        Store::Postgres(store) => sqlx::query(statement).execute(store.pool()).await.map(drop),
    }
    .unwrap();

    let start = db.clock.now();
    let recorder = Recorder::default();
    let clock = Arc::new(db.clock.clone());
    let planners: Vec<_> = (0..3)
        .map(|_| Arc::new(Planner::new(db.store.clone(), clock.clone(), 7)))
        .collect();
    let dispatchers: Vec<_> = (0..3)
        .map(|n| {
            let settings = DispatchSettings {
                owner: format!("replica-{n}"),
                lease: StdDuration::from_secs(60),
                batch: 5,
                concurrency: 2,
                max_attempts: 10,
                retry_backoff: StdDuration::from_secs(10),
            };
            Arc::new(Dispatcher::new(
                db.store.clone(),
                recorder.clone(),
                clock.clone(),
                settings,
            ))
        })
        .collect();

    let day = 24 * 12;
    for _ in 0..=day {
        let mut racers = Vec::new();
        for planner in &planners {
            let planner = Arc::clone(planner);
            racers.push(tokio::spawn(
                async move { planner.run_due().await.map(drop) },
            ));
        }
        for dispatcher in &dispatchers {
            let dispatcher = Arc::clone(dispatcher);
            racers.push(tokio::spawn(
                async move { dispatcher.run_due().await.map(drop) },
            ));
        }
        for racer in racers {
            racer.await.unwrap().unwrap();
        }
        db.clock.advance(Duration::minutes(5));
    }
    // Send what the last planner step wrote.
    for dispatcher in &dispatchers {
        dispatcher.run_due().await.unwrap();
    }

    let end = start + Duration::minutes(5 * day);
    let spec = CronSpec::parse("*/15 * * * *").unwrap();
    let expected = fires_after(&spec, chrono_tz::UTC, start - Duration::milliseconds(1))
        .take_while(|fire| *fire <= end)
        .count() as i64;
    assert_eq!(expected, 97, "a day of quarter hours, both ends included");
    assert_eq!(db.count("SELECT COUNT(*) FROM occurrences").await, expected);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM occurrences WHERE status = 'missed'")
            .await,
        0
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries").await,
        expected * 12
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
            .await,
        expected * 12
    );
    let sends = recorder.0.lock().unwrap().clone();
    let distinct: HashSet<i64> = sends.iter().copied().collect();
    assert_eq!(sends.len(), distinct.len(), "no delivery was sent twice");
    assert_eq!(sends.len() as i64, expected * 12);
}
