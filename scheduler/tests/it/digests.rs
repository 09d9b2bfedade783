//! Digests over a real database: posted once the last window closes, once, whichever
//! replica looks; retried when the platform fails, given up on when it refuses.

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::chat::Message;
use rhythm_domain::checkin::{Answers, Template};
use rhythm_domain::clock::Clock as _;
use rhythm_domain::people::{Person, TeamName};
use rhythm_domain::ports::{
    Announcer, CheckIns as _, Destination, Digests as _, Directory as _, MessageRef, NewCheckIn,
    PeopleFilter, Schedules as _, SendError,
};
use rhythm_scheduler::digests::{DigestPoster, DigestRun, DigestSettings};
use rhythm_store::Store;
use rhythm_testing::TestDb;

/// Keeps what it posted; fails the way it is told to first.
#[derive(Clone, Default)]
struct Recorder {
    posted: Arc<Mutex<Vec<(Destination, Message)>>>,
    failures: Arc<Mutex<Vec<SendError>>>,
}

impl Announcer for Recorder {
    fn platform(&self) -> &str {
        "slack"
    }

    async fn announce(&self, to: &Destination, message: &Message) -> Result<MessageRef, SendError> {
        if let Some(error) = self.failures.lock().unwrap().pop() {
            return Err(error);
        }
        let mut posted = self.posted.lock().unwrap();
        posted.push((to.clone(), message.clone()));
        Ok(MessageRef {
            channel: to.to_string(),
            id: posted.len().to_string(),
        })
    }
}

impl Recorder {
    fn take(&self) -> Vec<(Destination, Message)> {
        std::mem::take(&mut *self.posted.lock().unwrap())
    }
}

struct Day {
    db: TestDb,
    people: Vec<Person>,
}

impl Day {
    fn person(&self, name: &str) -> &Person {
        self.people
            .iter()
            .find(|p| p.name.as_str() == name)
            .unwrap()
    }

    fn poster(&self, recorder: &Recorder) -> DigestPoster<Store, Recorder> {
        DigestPoster::new(
            self.db.store.clone(),
            recorder.clone(),
            Arc::new(self.db.clock.clone()),
            DigestSettings::default(),
        )
    }

    fn at(&self, instant: &str) {
        let to: DateTime<Utc> = instant.parse().unwrap();
        self.db.clock.advance(to - self.db.clock.now());
    }
}

/// Monday 2 March 2026: Mia manages Ana (Berlin, answered) and Ben (New York, silent), both
/// in Platform, whose digests go to Slack channel C0PLATFORM.
async fn monday() -> Day {
    let db = crate::support::with_people_and_schedule(
        "email,name,timezone,manager_email,team\n\
         mia@x.com,Mia,Europe/Berlin,,\n\
         ana@x.com,Ana,Europe/Berlin,mia@x.com,Platform\n\
         ben@x.com,Ben,America/New_York,mia@x.com,Platform\n",
        "kind = \"check_in\"\ncron = \"0 10 * * MON\"\ntimezone = \"recipient\"",
    )
    .await;
    let platform = TeamName::parse("platform").unwrap();
    assert!(
        db.store
            .set_team_channel(&platform, "slack", Some("C0PLATFORM"), "test")
            .await
            .unwrap()
    );
    let schedule = db.store.schedule_snapshot().await.unwrap().schedules[0].id;
    let people = db.store.people(&PeopleFilter::default()).await.unwrap();
    let day = Day { db, people };
    let template = Template::default_template();
    for (name, asked, closes) in [
        ("Ana", "2026-03-02T09:00:00Z", "2026-03-02T16:00:00Z"),
        ("Ben", "2026-03-02T15:00:00Z", "2026-03-02T22:00:00Z"),
    ] {
        let checkin = day
            .db
            .store
            .open_checkin(NewCheckIn {
                person: day.person(name).id,
                schedule: Some(schedule),
                occurrence: None,
                date: "2026-03-02".parse().unwrap(),
                template: "default".into(),
                opened_at: asked.parse().unwrap(),
                closes_at: closes.parse().unwrap(),
            })
            .await
            .unwrap();
        if name == "Ana" {
            let answers = Answers(BTreeMap::from(
                [
                    ("mood", "4"),
                    ("done", "Shipped"),
                    ("next", "Docs"),
                    ("blockers", "CI is red"),
                ]
                .map(|(q, a)| (q.to_owned(), a.to_owned())),
            ));
            day.db
                .store
                .submit_checkin(
                    checkin.id,
                    &answers,
                    &template,
                    "2026-03-02T10:00:00Z".parse().unwrap(),
                )
                .await
                .unwrap();
        }
    }
    day
}

#[tokio::test]
async fn the_team_and_the_manager_hear_once_the_last_window_closes_and_only_once() {
    let day = monday().await;
    let recorder = Recorder::default();
    let poster = day.poster(&recorder);

    day.at("2026-03-02T16:30:00Z");
    assert_eq!(
        poster.run_once().await.unwrap(),
        DigestRun::default(),
        "Ben's window is open"
    );
    assert!(recorder.take().is_empty());

    day.at("2026-03-02T22:00:00Z");
    let run = poster.run_once().await.unwrap();
    assert_eq!(run.posted, 2, "{run:?}");
    let posted = recorder.take();
    let team = posted
        .iter()
        .find(|(to, _)| *to == Destination::Channel("C0PLATFORM".into()))
        .expect("the team's digest");
    assert_eq!(team.1.summary, "S · Platform: 1 of 2 answered");
    let mia = posted
        .iter()
        .find(|(to, _)| *to == Destination::Person(day.person("Mia").id))
        .expect("Mia's summary of her reports");
    assert_eq!(mia.1.summary, "S · your reports: 1 of 2 answered");

    let replica = day.poster(&recorder);
    day.at("2026-03-02T23:00:00Z");
    assert_eq!(replica.run_once().await.unwrap(), DigestRun::default());
    assert_eq!(poster.run_once().await.unwrap(), DigestRun::default());
    assert!(recorder.take().is_empty(), "posted once");
    assert_eq!(
        day.db
            .count(
                "SELECT COUNT(*) FROM digests WHERE status = 'posted' AND message_ref IS NOT NULL"
            )
            .await,
        2
    );
}

#[tokio::test]
async fn a_failed_post_is_retried_with_backoff_and_a_refused_one_is_recorded() {
    let day = monday().await;
    let recorder = Recorder::default();
    // Popped last first: the team's channel refuses, then the first try is throttled.
    *recorder.failures.lock().unwrap() = vec![
        SendError::Fatal {
            reason: "not_in_channel".into(),
        },
        SendError::Retryable {
            after: None,
            reason: "HTTP 503".into(),
        },
    ];
    let poster = day.poster(&recorder);
    day.at("2026-03-02T22:00:00Z");
    let first = poster.run_once().await.unwrap();
    assert_eq!(
        (first.posted, first.retried, first.failed),
        (0, 1, 1),
        "{first:?}"
    );
    assert_eq!(
        poster.run_once().await.unwrap(),
        DigestRun::default(),
        "backing off"
    );
    day.at("2026-03-02T22:01:00Z");
    assert_eq!(
        poster.run_once().await.unwrap().posted,
        1,
        "retried after a minute"
    );
    assert_eq!(recorder.take().len(), 1);
    assert_eq!(
        day.db
            .count("SELECT COUNT(*) FROM digests WHERE status = 'failed' AND last_error = 'not_in_channel'")
            .await,
        1
    );
    day.at("2026-03-03T12:00:00Z");
    assert_eq!(
        poster.run_once().await.unwrap(),
        DigestRun::default(),
        "a failed digest stays failed"
    );
}

#[tokio::test]
async fn a_claim_held_by_a_live_replica_is_left_alone_and_taken_over_once_it_lapses() {
    let day = monday().await;
    let recorder = Recorder::default();
    let poster = day.poster(&recorder);
    day.at("2026-03-02T22:00:00Z");
    let now = day.db.clock.now();
    let schedule = day.db.store.schedule_snapshot().await.unwrap().schedules[0].id;
    let key = rhythm_domain::ports::DigestKey {
        schedule,
        date: "2026-03-02".parse().unwrap(),
        audience: "team:platform:slack".into(),
    };
    assert_eq!(
        day.db
            .store
            .claim_digest(&key, now, now + Duration::minutes(5))
            .await
            .unwrap(),
        Some(1),
        "another replica claims the team's digest and dies"
    );
    assert_eq!(poster.run_once().await.unwrap().posted, 1, "only Mia's");
    day.at("2026-03-02T22:05:00Z");
    assert_eq!(
        poster.run_once().await.unwrap().posted,
        1,
        "the lapsed claim is taken over"
    );
    assert_eq!(recorder.take().len(), 2);
}

#[tokio::test]
async fn a_digest_more_than_a_day_late_is_skipped() {
    let day = monday().await;
    let recorder = Recorder::default();
    day.at("2026-03-03T22:30:00Z");
    assert_eq!(
        day.poster(&recorder).run_once().await.unwrap(),
        DigestRun::default()
    );
    assert!(recorder.take().is_empty());
}
