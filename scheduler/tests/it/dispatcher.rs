//! The dispatcher against a real database: sent once, retried with backoff, parked when
//! fatal, and a lost lease cannot finish a delivery.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration as StdDuration;

use chrono::Duration;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::{Finish, Messenger, Outbox as _, Outgoing, SendError, Sent};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::TestDb;

/// The answers still to give, per email, in order.
type Script = HashMap<String, Vec<Result<(), SendError>>>;

/// A messenger that answers as scripted per email (default: accept) and records every send.
#[derive(Clone, Default)]
struct Scripted {
    answers: Arc<Mutex<Script>>,
    sent: Arc<Mutex<Vec<String>>>,
}

impl Scripted {
    fn answer(&self, email: &str, answers: Vec<Result<(), SendError>>) {
        self.answers
            .lock()
            .unwrap()
            .insert(email.to_owned(), answers);
    }

    fn sends(&self) -> Vec<String> {
        self.sent.lock().unwrap().clone()
    }
}

impl Messenger for Scripted {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        self.sent.lock().unwrap().push(message.email.to_string());
        let scripted = self
            .answers
            .lock()
            .unwrap()
            .get_mut(message.email.as_str())
            .and_then(|queue| {
                if queue.is_empty() {
                    None
                } else {
                    Some(queue.remove(0))
                }
            });
        scripted.unwrap_or(Ok(())).map(|()| Sent {
            message_id: format!("msg-{}", message.id.0),
        })
    }
}

/// A database with two people and an hourly schedule whose first occurrence is planned.
pub(crate) async fn with_pending() -> TestDb {
    let db = crate::support::with_people_and_schedule(
        "email,name,timezone\nana@x.com,Ana,UTC\nben@x.com,Ben,UTC\n",
        "kind = \"announcement\"\ncron = \"0 * * * *\"\ntimezone = \"UTC\"",
    )
    .await;
    let planner = Planner::new(db.store.clone(), Arc::new(db.clock.clone()), 100);
    assert_eq!(planner.run_due().await.unwrap().deliveries, 2);
    db
}

fn dispatcher(db: &TestDb, messenger: Scripted, owner: &str) -> Dispatcher<Store, Scripted> {
    let settings = DispatchSettings {
        owner: owner.to_owned(),
        lease: StdDuration::from_secs(60),
        batch: 10,
        concurrency: 4,
        max_attempts: 3,
        retry_backoff: StdDuration::from_secs(10),
    };
    Dispatcher::new(
        db.store.clone(),
        messenger,
        Arc::new(db.clock.clone()),
        settings,
    )
}

fn retry_in(seconds: u64) -> SendError {
    SendError::Retryable {
        after: Some(StdDuration::from_secs(seconds)),
        reason: "429 Too Many Requests".into(),
    }
}

#[tokio::test]
async fn due_deliveries_are_sent_once_with_the_platform_id() {
    let db = with_pending().await;
    let messenger = Scripted::default();
    let dispatcher = dispatcher(&db, messenger.clone(), "a");
    assert_eq!(dispatcher.run_due().await.unwrap().sent, 2);
    assert_eq!(dispatcher.run_due().await.unwrap().sent, 0);
    assert_eq!(messenger.sends().len(), 2);
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'sent' AND message_id LIKE 'msg-%'"
        )
        .await,
        2
    );
}

#[tokio::test]
async fn a_retryable_failure_waits_at_least_its_retry_after_then_sends() {
    let db = with_pending().await;
    let messenger = Scripted::default();
    messenger.answer("ana@x.com", vec![Err(retry_in(600))]);
    let dispatcher = dispatcher(&db, messenger.clone(), "a");
    let step = dispatcher.run_due().await.unwrap();
    assert_eq!((step.sent, step.retried), (1, 1));
    db.clock.advance(Duration::seconds(599));
    assert_eq!(
        dispatcher.run_due().await.unwrap().sent,
        0,
        "Retry-After is honoured"
    );
    db.clock.advance(Duration::seconds(200));
    assert_eq!(dispatcher.run_due().await.unwrap().sent, 1);
    assert_eq!(
        db.count("SELECT CAST(MAX(attempts) AS BIGINT) FROM deliveries")
            .await,
        2
    );
}

#[tokio::test]
async fn fatal_failures_and_exhausted_retries_become_dead_letters_with_the_reason() {
    let db = with_pending().await;
    let messenger = Scripted::default();
    messenger.answer(
        "ana@x.com",
        vec![Err(SendError::Fatal {
            reason: "user_not_found".into(),
        })],
    );
    messenger.answer(
        "ben@x.com",
        vec![Err(retry_in(1)), Err(retry_in(1)), Err(retry_in(1))],
    );
    let dispatcher = dispatcher(&db, messenger.clone(), "a");
    for _ in 0..3 {
        dispatcher.run_due().await.unwrap();
        db.clock.advance(Duration::hours(1));
    }
    assert_eq!(db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead' AND last_error = 'user_not_found'").await, 1);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'dead' AND last_error LIKE 'gave up after 3 attempts%'").await,
        1
    );
}

#[tokio::test]
async fn a_dispatcher_that_lost_its_lease_cannot_finish_the_delivery() {
    let db = with_pending().await;
    let now = db.clock.now();
    let stalled = db
        .store
        .lease_due("stalled", now, now + Duration::seconds(60), 10)
        .await
        .unwrap();
    assert_eq!(stalled.len(), 2);
    // The lease runs out; another dispatcher takes over and sends both.
    db.clock.advance(Duration::seconds(61));
    let messenger = Scripted::default();
    assert_eq!(
        dispatcher(&db, messenger, "b")
            .run_due()
            .await
            .unwrap()
            .sent,
        2
    );
    let late = Finish::Sent {
        message_id: "stale".into(),
        at: db.clock.now(),
    };
    assert_eq!(
        db.store
            .finish_all("stalled", &[(stalled[0].id, late)])
            .await
            .unwrap(),
        [false]
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE message_id = 'stale'")
            .await,
        0
    );
}

/// A messenger that stalls past the lease on its first send (the clock jumps 61 s, as
/// for a process paused with SIGSTOP), then sends normally.
#[derive(Clone)]
struct Stalling {
    inner: Scripted,
    clock: rhythm_domain::clock::ManualClock,
    stalled: Arc<Mutex<bool>>,
}

impl Messenger for Stalling {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let sent = self.inner.send(message).await;
        let mut stalled = self.stalled.lock().unwrap();
        if !*stalled {
            *stalled = true;
            self.clock.advance(Duration::seconds(61));
        }
        sent
    }
}

#[tokio::test]
async fn a_dispatcher_that_stalls_past_its_lease_does_not_send_what_it_had_queued() {
    let db = with_pending().await;
    let scripted = Scripted::default();
    let stalling = Stalling {
        inner: scripted.clone(),
        clock: db.clock.clone(),
        stalled: Arc::default(),
    };
    let settings = DispatchSettings {
        owner: "stalled".to_owned(),
        lease: StdDuration::from_secs(60),
        batch: 10,
        concurrency: 1,
        max_attempts: 3,
        retry_backoff: StdDuration::from_secs(10),
    };
    let stalled = Dispatcher::new(
        db.store.clone(),
        stalling,
        Arc::new(db.clock.clone()),
        settings,
    );
    let step = stalled.run_due().await.unwrap();
    assert_eq!((step.sent, step.lost), (1, 1), "{step:?}");
    assert_eq!(
        scripted.sends().len(),
        1,
        "the second was queued when the lease ran out"
    );
    // The one it left is anyone's again, and goes once.
    let other = Scripted::default();
    assert_eq!(
        dispatcher(&db, other.clone(), "b")
            .run_due()
            .await
            .unwrap()
            .sent,
        1
    );
    let mut everyone = scripted.sends();
    everyone.extend(other.sends());
    everyone.sort();
    assert_eq!(everyone, ["ana@x.com", "ben@x.com"]);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
            .await,
        2
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 3)]
async fn dispatchers_racing_send_each_delivery_once() {
    let db = with_pending().await;
    let messenger = Scripted::default();
    let racers: Vec<_> = ["a", "b", "c"]
        .into_iter()
        .map(|owner| {
            let dispatcher = dispatcher(&db, messenger.clone(), owner);
            tokio::spawn(async move { dispatcher.run_due().await.unwrap() })
        })
        .collect();
    let mut sent = 0;
    for racer in racers {
        sent += racer.await.unwrap().sent;
    }
    assert_eq!(sent, 2);
    assert_eq!(messenger.sends().len(), 2, "nobody sent anything twice");
}
