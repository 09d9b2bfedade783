//! A 1:1 agenda's record, read from the store: the report's check-ins, kudos and feedback
//! since the last held session (a session that did not happen does not count), nothing from
//! before it or after the session; before the first held session, one cadence span.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rhythm_domain::oneonone::agenda::{Record, agenda};
use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    CheckIns as _, Feedback as _, Kudos as _, NewCheckIn, OneOnOnes as _, Series, SessionRecord,
};
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::feedback::give;
use crate::kudos::{allowance, kudos};
use crate::oneonones::{people, schedule, series};

/// One of each kind of entry about Bo at `when`: a check-in opened, kudos from Cy, feedback
/// from Cy.
async fn entries(store: &Store, bo: PersonId, cy: PersonId, when: DateTime<Utc>) {
    store
        .open_checkin(NewCheckIn {
            person: bo,
            schedule: None,
            occurrence: None,
            date: when.date_naive(),
            template: "default".into(),
            opened_at: when,
            closes_at: when + Duration::hours(8),
        })
        .await
        .unwrap();
    let given = store
        .give_kudos(&kudos(cy, &[bo], when), &allowance(10))
        .await
        .unwrap();
    crate::kudos::given(given);
    let mut feedback = give(bo, cy, None, 0);
    feedback.given_at = when;
    crate::feedback::given(store.give_feedback(&feedback).await.unwrap());
}

async fn record(store: &Store, series: &Series, starts_at: DateTime<Utc>) -> Record {
    Record::load(store, series.clone(), starts_at)
        .await
        .unwrap()
        .expect("both of the pair are in the directory")
}

/// When each entry in `record` happened.
fn times(record: &Record) -> [Vec<DateTime<Utc>>; 3] {
    [
        record
            .span
            .checkins
            .iter()
            .map(|(c, _)| c.opened_at)
            .collect(),
        record.span.kudos.iter().map(|(k, _)| k.given_at).collect(),
        record
            .span
            .feedback
            .iter()
            .map(|(f, _)| f.given_at)
            .collect(),
    ]
}

#[tokio::test]
async fn an_agenda_covers_the_record_since_the_last_held_session_only() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let id = schedule(store, &series(ana, bo)).await;
    let series = store.oneonone(id).await.unwrap().unwrap();
    // Fortnightly on Thursdays from 5 March: s0, s1 (did not happen), s2.
    let [s0, s1, s2] = [0, 1, 2].map(|n| series.cadence.session(n));
    let hour = Duration::hours(1);
    let before_s0 = s0 - Duration::days(3);
    let long_before = s0 - Duration::days(20);
    let between = [s0 + hour, s1 + hour];
    let after_s2 = s2 + hour;
    for when in [long_before, before_s0, between[0], between[1], after_s2] {
        entries(store, bo, cy, when).await;
    }

    // Before any session is held: one cadence span back from the first.
    let first = record(store, &series, s0).await;
    assert_eq!(first.span.from, s0 - Duration::weeks(2));
    assert_eq!(
        times(&first),
        [vec![before_s0], vec![before_s0], vec![before_s0]]
    );

    for (starts_at, held) in [(s0, true), (s1, false)] {
        store
            .record_session(&SessionRecord {
                series: series.id,
                starts_at,
                held,
                notes: held.then(|| "Talked about the roadmap".to_owned()),
                recorded_by: ana,
                recorded_at: starts_at + hour,
                action_items: Vec::new(),
                reminders: Vec::new(),
            })
            .await
            .unwrap();
    }
    let third = record(store, &series, s2).await;
    assert_eq!(third.span.from, s0, "the skipped session does not count");
    assert_eq!(
        times(&third),
        [between.to_vec(), between.to_vec(), between.to_vec()],
        "nothing from before the last held session, nor after this one"
    );
    assert_eq!(
        third.last.as_ref().and_then(|s| s.notes.as_deref()),
        Some("Talked about the roadmap")
    );
    let manager = crate::support::person(store, "ana@x.com").await;
    let shown = agenda(&third, &manager);
    let text = format!("{shown:?}");
    assert!(text.contains("Talked about the roadmap"), "{text}");
    assert_eq!(
        s2.date_naive(),
        NaiveDate::from_ymd_opt(2026, 4, 2).unwrap()
    );
}
