//! Digests reach Slack: the team's in its channel as Block Kit, the manager's summary as a
//! DM; a channel Slack does not know is recorded as failed, with Slack's reason.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::Duration;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_domain::checkin::{Answers, Template};
use rhythm_domain::clock::Clock as _;
use rhythm_domain::people::TeamName;
use rhythm_domain::ports::{
    CheckIns as _, Digests as _, Directory as _, NewCheckIn, PeopleFilter, Schedules as _,
};
use rhythm_scheduler::digests::{DigestPoster, DigestSettings};
use rhythm_scheduler::pace::Paced;
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::slack::{FakeSlack, FakeUser};

use crate::support::{paced_slack, uid};

/// Mia manages Ana (answered, blocked) and Ben (silent), both in Platform; today's check-ins
/// closed an hour ago.
async fn a_closed_day(slack: &FakeSlack, channel: &str) -> TestDb {
    let db = TestDb::new().await;
    let mut csv = String::from("email,name,timezone,manager_email,team,slack_user_id\n");
    for (i, (name, manager, team)) in [
        ("Mia", "", ""),
        ("Ana", "mia", "Platform"),
        ("Ben", "mia", "Platform"),
    ]
    .into_iter()
    .enumerate()
    {
        let email = format!("{}@x.com", name.to_lowercase());
        let manager = if manager.is_empty() {
            String::new()
        } else {
            format!("{manager}@x.com")
        };
        csv.push_str(&format!("{email},{name},UTC,{manager},{team},{}\n", uid(i)));
        slack.add_user(FakeUser::person(&uid(i), &email, name));
    }
    db.import(&csv).await;
    crate::org::daily_check_in(&db).await;
    let team = TeamName::parse("Platform").unwrap();
    db.store
        .set_team_channel(&team, "slack", Some(channel), "test")
        .await
        .unwrap();
    let schedule = db.store.schedule_snapshot().await.unwrap().schedules[0].id;
    let people = db.store.people(&PeopleFilter::default()).await.unwrap();
    let opened = db.clock.now();
    for person in people.iter().filter(|p| p.name.as_str() != "Mia") {
        let checkin = db
            .store
            .open_checkin(NewCheckIn {
                person: person.id,
                schedule: Some(schedule),
                occurrence: None,
                date: opened.date_naive(),
                template: "default".into(),
                opened_at: opened,
                closes_at: opened + Duration::hours(3),
            })
            .await
            .unwrap();
        if person.name.as_str() == "Ana" {
            let answers = Answers(BTreeMap::from(
                [
                    ("mood", "2"),
                    ("done", "Reviews"),
                    ("next", "Release"),
                    ("blockers", "CI is red"),
                ]
                .map(|(q, a)| (q.to_owned(), a.to_owned())),
            ));
            db.store
                .submit_checkin(checkin.id, &answers, &Template::default_template(), opened)
                .await
                .unwrap();
        }
    }
    db.clock.advance(Duration::hours(4));
    db
}

fn poster(db: &TestDb, slack: &FakeSlack) -> DigestPoster<Store, Paced<SlackMessenger<Store>>> {
    let clock: Arc<dyn rhythm_domain::clock::Clock> = Arc::new(db.clock.clone());
    let messenger = paced_slack(db, slack);
    DigestPoster::new(
        db.store.clone(),
        messenger,
        clock,
        DigestSettings::default(),
    )
}

#[tokio::test]
async fn the_team_digest_lands_in_its_channel_and_the_summary_in_the_managers_dms() {
    let slack = FakeSlack::start().await;
    slack.add_channel("C0PLATFORM");
    let db = a_closed_day(&slack, "C0PLATFORM").await;
    let run = poster(&db, &slack).run_once().await.unwrap();
    assert_eq!(run.posted, 2, "{run:?}");

    let posted = slack.messages_in("C0PLATFORM");
    assert_eq!(posted.len(), 1);
    assert_eq!(posted[0].text, "Daily check-in · Platform: 1 of 2 answered");
    let blocks = serde_json::to_string(&posted[0].blocks).unwrap();
    for shown in [
        "1 of 2 answered",
        "mood 2.0 / 5",
        "CI is red",
        "No answer: Ben",
    ] {
        assert!(blocks.contains(shown), "{shown} in {blocks}");
    }
    let mia = slack.messages_to(&uid(0));
    assert_eq!(mia.len(), 1, "Mia's summary of her reports");
    assert_eq!(
        mia[0].text,
        "Daily check-in · your reports: 1 of 2 answered"
    );
    assert_eq!(
        poster(&db, &slack).run_once().await.unwrap().posted,
        0,
        "once"
    );
}

#[tokio::test]
async fn a_channel_slack_does_not_know_is_recorded_as_failed_with_slacks_reason() {
    let slack = FakeSlack::start().await;
    let db = a_closed_day(&slack, "C0MISSING").await;
    let run = poster(&db, &slack).run_once().await.unwrap();
    assert_eq!((run.posted, run.failed), (1, 1), "{run:?}");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM digests WHERE status = 'failed' AND last_error = 'channel_not_found'")
            .await,
        1
    );
}
