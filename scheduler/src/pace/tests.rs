use std::sync::Mutex;

use rhythm_domain::clock::ManualClock;
use rhythm_domain::people::{DisplayName, Email, PersonId, Timezone};
use rhythm_domain::ports::{DeliveryId, OccurrenceId, ScheduleId};

use super::*;

const START: &str = "2026-03-02T09:00:00Z";

/// Records the clock's time of every send, and answers 429 to those told to.
struct Recorder {
    clock: ManualClock,
    sends: Mutex<Vec<(String, i64)>>,
    throttle: Mutex<Vec<String>>,
}

impl Messenger for &Recorder {
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let at = (self.clock.now() - START.parse::<DateTime<Utc>>().unwrap()).num_milliseconds();
        self.sends
            .lock()
            .unwrap()
            .push((message.email.to_string(), at));
        let mut throttle = self.throttle.lock().unwrap();
        if let Some(index) = throttle.iter().position(|e| e == message.email.as_str()) {
            throttle.remove(index);
            return Err(SendError::Retryable {
                after: Some(std::time::Duration::from_secs(30)),
                reason: "ratelimited".into(),
            });
        }
        Ok(Sent {
            message_id: "1".into(),
        })
    }
}

fn recorder() -> Recorder {
    Recorder {
        clock: ManualClock::new(START.parse().unwrap()),
        sends: Mutex::new(Vec::new()),
        throttle: Mutex::new(Vec::new()),
    }
}

fn to(email: &str) -> Outgoing {
    Outgoing {
        id: DeliveryId(1),
        occurrence: OccurrenceId(1),
        person: PersonId(1),
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse("Someone").unwrap(),
        timezone: Timezone::UTC,
        schedule_id: ScheduleId(1),
        schedule: "S".into(),
        template: "default".into(),
        kind: "check_in".into(),
        step: "reminder".into(),
        due_at: START.parse().unwrap(),
        attempts: 0,
        lease_until: chrono::DateTime::<chrono::Utc>::MAX_UTC,
    }
}

async fn send_all(paced: &Paced<&Recorder>, emails: &[&str]) {
    for email in emails {
        let _ = paced.send(&to(email)).await;
    }
}

#[test]
fn a_rate_is_positive_and_finite() {
    assert_eq!(
        Rate::per_second(50.0).unwrap().interval,
        Duration::milliseconds(20)
    );
    assert_eq!(
        Rate::per_second(0.5).unwrap().interval,
        Duration::seconds(2)
    );
    for bad in [0.0, -1.0, f64::NAN, f64::INFINITY] {
        assert_eq!(Rate::per_second(bad), None, "{bad}");
    }
}

#[tokio::test]
async fn an_overall_rate_spaces_every_send() {
    let recorder = recorder();
    let limits = Limits {
        overall: Rate::per_second(50.0),
        per_recipient: None,
    };
    let paced = Paced::new(&recorder, limits, Arc::new(recorder.clock.clone()));
    send_all(&paced, &["a@x.com", "b@x.com", "c@x.com", "a@x.com"]).await;
    let times: Vec<i64> = recorder.sends.lock().unwrap().iter().map(|s| s.1).collect();
    assert_eq!(times, [0, 20, 40, 60]);
}

#[tokio::test]
async fn a_per_recipient_rate_holds_only_repeat_sends_to_the_same_person() {
    let recorder = recorder();
    let limits = Limits {
        overall: None,
        per_recipient: Rate::per_second(1.0),
    };
    let paced = Paced::new(&recorder, limits, Arc::new(recorder.clock.clone()));
    send_all(
        &paced,
        &["a@x.com", "b@x.com", "a@x.com", "c@x.com", "a@x.com"],
    )
    .await;
    assert_eq!(
        *recorder.sends.lock().unwrap(),
        [
            ("a@x.com".to_owned(), 0),
            ("b@x.com".to_owned(), 0),
            ("a@x.com".to_owned(), 1_000),
            ("c@x.com".to_owned(), 1_000),
            ("a@x.com".to_owned(), 2_000),
        ]
    );
}

#[tokio::test]
async fn both_lanes_hold_a_send_until_each_allows_it() {
    let recorder = recorder();
    let limits = Limits {
        overall: Rate::per_second(4.0),
        per_recipient: Rate::per_second(1.0),
    };
    let paced = Paced::new(&recorder, limits, Arc::new(recorder.clock.clone()));
    send_all(&paced, &["a@x.com", "a@x.com", "b@x.com", "c@x.com"]).await;
    let times: Vec<i64> = recorder.sends.lock().unwrap().iter().map(|s| s.1).collect();
    assert_eq!(times, [0, 1_000, 1_250, 1_500]);
}

#[tokio::test]
async fn a_retry_after_from_the_platform_holds_everyone() {
    let recorder = recorder();
    recorder.throttle.lock().unwrap().push("a@x.com".into());
    let paced = Paced::new(
        &recorder,
        Limits::default(),
        Arc::new(recorder.clock.clone()),
    );
    send_all(&paced, &["a@x.com", "b@x.com", "c@x.com"]).await;
    let times: Vec<i64> = recorder.sends.lock().unwrap().iter().map(|s| s.1).collect();
    assert_eq!(times, [0, 30_000, 30_000]);
}

#[tokio::test]
async fn concurrent_sends_queue_in_order_of_reservation() {
    let recorder = recorder();
    let limits = Limits {
        overall: Rate::per_second(10.0),
        per_recipient: None,
    };
    let paced = Paced::new(&recorder, limits, Arc::new(recorder.clock.clone()));
    let emails: Vec<String> = (0..20).map(|n| format!("p{n}@x.com")).collect();
    let sends = emails.iter().map(|email| paced.send_owned(to(email)));
    futures_util::future::join_all(sends).await;
    let mut times: Vec<i64> = recorder.sends.lock().unwrap().iter().map(|s| s.1).collect();
    times.sort_unstable();
    assert_eq!(times, (0..20).map(|n| n * 100).collect::<Vec<_>>());
}

impl Paced<&Recorder> {
    async fn send_owned(&self, message: Outgoing) -> Result<Sent, SendError> {
        self.send(&message).await
    }
}

#[tokio::test]
async fn a_send_whose_lease_runs_out_while_it_waits_is_not_sent() {
    let recorder = recorder();
    let limits = Limits {
        overall: None,
        per_recipient: Rate::per_second(0.5),
    };
    let paced = Paced::new(&recorder, limits, Arc::new(recorder.clock.clone()));
    let first = to("a@x.com");
    assert!(paced.send(&first).await.is_ok());
    // The next send to a@ must wait 2 s; its lease ends in 1 s.
    let mut second = to("a@x.com");
    second.lease_until = recorder.clock.now() + Duration::seconds(1);
    assert_eq!(paced.send(&second).await, Err(SendError::Expired));
    assert_eq!(
        recorder.sends.lock().unwrap().len(),
        1,
        "nothing sent after the lease"
    );
}
