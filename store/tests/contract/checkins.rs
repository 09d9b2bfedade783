//! Check-ins: one per person, schedule and day; answers stored and edited; inbound events
//! seen once.

use std::collections::BTreeMap;

use chrono::{Duration, NaiveDate};
use rhythm_domain::checkin::{Answers, Template};
use rhythm_domain::clock::Clock as _;
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{CheckInStatus, CheckIns, MessageRef, NewCheckIn, Submission};
use rhythm_testing::TestDb;

async fn with_ana() -> (TestDb, PersonId) {
    let db = TestDb::new().await;
    db.import("email,name\nana@x.com,Ana\n").await;
    let id = PersonId(db.count("SELECT id FROM people").await);
    (db, id)
}

fn answers(mood: &str, blockers: Option<&str>) -> Answers {
    let mut raw: BTreeMap<String, String> = [("mood", mood), ("done", "a"), ("next", "b")]
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    if let Some(text) = blockers {
        raw.insert("blockers".into(), text.into());
    }
    Answers::read(&Template::default_template(), &raw).unwrap()
}

#[tokio::test]
async fn a_check_in_is_opened_once_per_person_schedule_and_day() {
    let (db, ana) = with_ana().await;
    let now = db.clock.now();
    let new = NewCheckIn {
        person: ana,
        schedule: None,
        occurrence: None,
        date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
        template: "default".into(),
        opened_at: now,
        closes_at: now + Duration::hours(8),
    };
    let first = db.store.open_checkin(new.clone()).await.unwrap();
    let again = db.store.open_checkin(new.clone()).await.unwrap();
    assert_eq!(first, again, "a retried open returns the same check-in");
    assert_eq!(first.status, CheckInStatus::Open);
    assert_eq!(db.count("SELECT COUNT(*) FROM checkins").await, 1);
    let found = db.store.checkin_on(ana, new.date).await.unwrap().unwrap();
    assert_eq!(found.id, first.id);

    let prompt = MessageRef {
        channel: "D1".into(),
        id: "1700000000.000100".into(),
    };
    db.store
        .set_prompt(first.id, "slack", &prompt)
        .await
        .unwrap();
    let stored = db.store.checkin(first.id).await.unwrap().unwrap();
    assert_eq!(stored.prompt, Some(("slack".to_owned(), prompt)));
}

#[tokio::test]
async fn answers_are_stored_then_edited_and_lateness_is_kept_from_the_first() {
    let (db, ana) = with_ana().await;
    let template = Template::default_template();
    let now = db.clock.now();
    let checkin = db
        .store
        .open_checkin(NewCheckIn {
            person: ana,
            schedule: None,
            occurrence: None,
            date: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            template: "default".into(),
            opened_at: now - Duration::hours(9),
            closes_at: now - Duration::hours(1),
        })
        .await
        .unwrap();
    let late = answers("2", Some("waiting on legal"));
    assert_eq!(
        db.store
            .submit_checkin(checkin.id, &late, &template, now)
            .await
            .unwrap(),
        Submission::First
    );
    let edited = answers("4", None);
    assert_eq!(
        db.store
            .submit_checkin(checkin.id, &edited, &template, now + Duration::minutes(5))
            .await
            .unwrap(),
        Submission::Edited
    );
    let stored = db.store.checkin(checkin.id).await.unwrap().unwrap();
    assert_eq!(stored.status, CheckInStatus::Submitted);
    assert_eq!(stored.answers, Some(edited));
    assert!(stored.late, "answered after the window closed");
    assert_eq!(
        db.count("SELECT CAST(mood AS BIGINT) FROM checkins").await,
        4
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM checkins WHERE blocked")
            .await,
        0,
        "the edit removed the blocker"
    );
}

#[tokio::test]
async fn an_inbound_event_is_seen_once_per_platform() {
    let db = TestDb::new().await;
    let now = db.clock.now();
    assert!(db.store.first_seen("slack", "Ev1", now).await.unwrap());
    assert!(!db.store.first_seen("slack", "Ev1", now).await.unwrap());
    assert!(db.store.first_seen("discord", "Ev1", now).await.unwrap());
    db.store.forget_seen("slack", "Ev1").await.unwrap();
    assert!(
        db.store.first_seen("slack", "Ev1", now).await.unwrap(),
        "a failed event, forgotten, is handled when it comes again"
    );
}

#[tokio::test]
async fn an_event_whose_process_died_mid_work_is_handled_when_retried_but_a_handled_one_never() {
    let db = TestDb::new().await;
    let now = db.clock.now();
    assert!(db.store.first_seen("slack", "Ev1", now).await.unwrap());
    assert!(db.store.first_seen("slack", "Ev2", now).await.unwrap());
    db.store.handled_seen("slack", "Ev2").await.unwrap();
    let soon = now + Duration::seconds(20);
    assert!(
        !db.store.first_seen("slack", "Ev1", soon).await.unwrap(),
        "still being handled, perhaps"
    );
    let later = now + Duration::seconds(61);
    assert!(
        db.store.first_seen("slack", "Ev1", later).await.unwrap(),
        "abandoned: Slack's retry a minute later is handled"
    );
    assert!(
        !db.store.first_seen("slack", "Ev1", later).await.unwrap(),
        "and taken over once"
    );
    assert!(!db.store.first_seen("slack", "Ev2", later).await.unwrap());
    assert!(
        !db.store
            .first_seen("slack", "Ev2", now + Duration::hours(1))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn the_default_template_is_built_in_and_unknown_ones_are_none() {
    let db = TestDb::new().await;
    assert_eq!(
        db.store.checkin_template("default").await.unwrap(),
        Some(Template::default_template())
    );
    assert_eq!(db.store.checkin_template("weekly").await.unwrap(), None);
}

#[tokio::test]
async fn a_person_sets_their_zone_and_days_away_and_each_change_is_audited() {
    use rhythm_domain::people::{Platform, Timezone};
    use rhythm_domain::ports::{Directory as _, PeopleFilter, PersonSettings as _};
    use rhythm_domain::schedule::OutOfOffice;

    let (db, ana) = with_ana().await;
    let zone = Timezone::parse("Asia/Kolkata").unwrap();
    db.store.set_timezone(ana, &zone, "slack:U1").await.unwrap();
    let from = NaiveDate::from_ymd_opt(2026, 12, 20).unwrap();
    let away = OutOfOffice::new(from, NaiveDate::from_ymd_opt(2027, 1, 2).unwrap()).unwrap();
    db.store
        .add_out_of_office(ana, &away, "slack:U1")
        .await
        .unwrap();
    let longer = OutOfOffice::new(from, NaiveDate::from_ymd_opt(2027, 1, 5).unwrap()).unwrap();
    db.store
        .add_out_of_office(ana, &longer, "slack:U1")
        .await
        .unwrap();
    let filter = PeopleFilter {
        id: Some(ana),
        ..PeopleFilter::default()
    };
    let people = db.store.people(&filter).await.unwrap();
    assert_eq!(people.len(), 1);
    assert_eq!(people[0].timezone, zone);
    assert_eq!(
        people[0].out_of_office,
        [longer],
        "the same start replaces the range"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE actor = 'slack:U1'")
            .await,
        3
    );
    let nobody = PeopleFilter {
        chat_user: Some((Platform::Slack, "U404".into())),
        ..PeopleFilter::default()
    };
    assert!(db.store.people(&nobody).await.unwrap().is_empty());
}

#[tokio::test]
async fn a_persons_check_ins_are_read_by_when_they_were_opened_oldest_first() {
    let db = TestDb::new().await;
    db.import("email,name\nana@x.com,Ana\nbo@x.com,Bo\n").await;
    let ana = PersonId(
        db.count("SELECT id FROM people WHERE email = 'ana@x.com'")
            .await,
    );
    let bo = PersonId(
        db.count("SELECT id FROM people WHERE email = 'bo@x.com'")
            .await,
    );
    let open = |person: PersonId, day: u32, hours: i64| {
        let opened_at = db.clock.now() + Duration::hours(hours);
        let store = &db.store;
        async move {
            store
                .open_checkin(NewCheckIn {
                    person,
                    schedule: None,
                    occurrence: None,
                    date: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
                    template: "default".into(),
                    opened_at,
                    closes_at: opened_at + Duration::hours(8),
                })
                .await
                .unwrap()
                .id
        }
    };
    // Opened out of order, so that ids do not give the order.
    let third = open(ana, 4, 48).await;
    let first = open(ana, 2, 0).await;
    let second = open(ana, 3, 24).await;
    open(bo, 3, 24).await;
    let of = |from: i64, to: i64| {
        let start = db.clock.now();
        let store = &db.store;
        async move {
            let found = store
                .checkins_of(
                    ana,
                    start + Duration::hours(from),
                    start + Duration::hours(to),
                )
                .await
                .unwrap();
            assert!(found.iter().all(|checkin| checkin.person == ana));
            found
                .into_iter()
                .map(|checkin| checkin.id)
                .collect::<Vec<_>>()
        }
    };

    assert_eq!(of(0, 49).await, [first, second, third]);
    assert_eq!(of(0, 48).await, [first, second], "`to` is left out");
    assert_eq!(of(24, 72).await, [second, third], "`from` is kept");
    assert_eq!(of(-24, 0).await, []);
}
