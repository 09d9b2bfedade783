//! 1:1 series: set up per pair (audited; setting a pair up again replaces the cadence and
//! reactivates it), cancelled (audited, once), listed by person and activity; talking points
//! waiting for a session; notices planned ahead, each written once; HR's coaching policy.
//! Sessions and action items are in `oneonone_sessions.rs`.

use chrono::{DateTime, NaiveDate, NaiveTime, Utc};
use rhythm_domain::oneonone::{Cadence, CoachingPolicy};
use rhythm_domain::people::{PersonId, Platform, Timezone};
use rhythm_domain::ports::{
    Destination, Kudos as _, NewNotice, NewSeries, OneOnOnes, PlannedNotice, Series, SeriesId,
};
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::support::{at, audit, person};

const PEOPLE: &str = "email,name\nana@x.com,Ana\nbo@x.com,Bo\ncy@x.com,Cy\ndee@x.com,Dee\n";

/// Ana, Bo, Cy and Dee's ids.
pub(crate) async fn people(db: &TestDb) -> [PersonId; 4] {
    db.import(PEOPLE).await;
    let mut ids = [PersonId(0); 4];
    for (id, email) in ids
        .iter_mut()
        .zip(["ana@x.com", "bo@x.com", "cy@x.com", "dee@x.com"])
    {
        *id = person(&db.store, email).await.id;
    }
    ids
}

/// Every `weeks` weeks on Thursdays at 15:00 in Berlin, from 2026-03-05.
pub(crate) fn cadence(weeks: u32) -> Cadence {
    Cadence {
        every_weeks: weeks,
        at: NaiveTime::from_hms_opt(15, 0, 0).unwrap(),
        zone: Timezone::parse("Europe/Berlin").unwrap(),
        anchor: NaiveDate::from_ymd_opt(2026, 3, 5).unwrap(),
    }
}

/// `manager`'s fortnightly 30-minute 1:1s with `report`, set up by HR at `at(0)`.
pub(crate) fn series(manager: PersonId, report: PersonId) -> NewSeries {
    NewSeries {
        manager,
        report,
        cadence: cadence(2),
        minutes: 30,
        actor: "cli:hr".into(),
        at: at(0),
    }
}

pub(crate) async fn schedule(store: &Store, new: &NewSeries) -> SeriesId {
    store.schedule_oneonone(new).await.unwrap()
}

/// A DM to `person` on Slack.
pub(crate) fn dm(person: PersonId) -> NewNotice {
    NewNotice {
        platform: Platform::Slack,
        to: Destination::Person(person),
    }
}

/// The subjects of the Slack notices due at `now`, in the order they are due.
pub(crate) async fn due(store: &Store, now: DateTime<Utc>) -> Vec<String> {
    let notices = store.due_notices(Platform::Slack, now, 100).await.unwrap();
    notices.into_iter().map(|notice| notice.subject).collect()
}

/// Deletes `person` with raw SQL. The store deletes nobody (people are deactivated): this
/// is the schema's promise for whoever does.
pub(crate) async fn delete_person(db: &TestDb, person: PersonId) {
    let sql = "DELETE FROM people WHERE id = $1";
    let deleted = match &db.store {
        Store::Sqlite(store) => sqlx::query(sql)
            .bind(person.0)
            .execute(store.pool())
            .await
            .map(|done| done.rows_affected()),
        Store::Postgres(store) => sqlx::query(sql)
            .bind(person.0)
            .execute(store.pool())
            .await
            .map(|done| done.rows_affected()),
    }
    .unwrap();
    assert_eq!(deleted, 1);
}

fn ids(series: &[Series]) -> Vec<SeriesId> {
    series.iter().map(|series| series.id).collect()
}

#[tokio::test]
async fn a_series_is_set_up_read_back_and_audited() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let id = schedule(store, &series(ana, bo)).await;

    assert_eq!(
        store.oneonone(id).await.unwrap(),
        Some(Series {
            id,
            manager: ana,
            report: bo,
            cadence: cadence(2),
            minutes: 30,
            active: true,
            created_at: at(0),
        })
    );
    assert_eq!(store.oneonone(SeriesId(id.0 + 1)).await.unwrap(), None);
    let entries = audit(&db, "oneonone.schedule").await;
    assert_eq!(entries.len(), 1);
    let (actor, details) = &entries[0];
    assert_eq!(actor, "cli:hr");
    assert_eq!(details["series_id"], id.0);
    assert_eq!(details["manager_id"], ana.0);
    assert_eq!(details["report_id"], bo.0);
    assert_eq!(details["cadence"], cadence(2).to_string());
    assert_eq!(details["minutes"], 30);
}

#[tokio::test]
async fn setting_a_pair_up_again_replaces_its_cadence_and_reactivates_it() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let first = schedule(store, &series(ana, bo)).await;
    assert!(store.cancel_oneonone(first, "slack:UANA").await.unwrap());

    let mut again = series(ana, bo);
    again.cadence = Cadence {
        at: NaiveTime::from_hms_opt(9, 30, 0).unwrap(),
        zone: Timezone::parse("America/New_York").unwrap(),
        anchor: NaiveDate::from_ymd_opt(2026, 3, 9).unwrap(),
        ..cadence(1)
    };
    again.minutes = 45;
    again.at = at(600);
    let second = schedule(store, &again).await;

    assert_eq!(second, first, "one series per pair");
    let stored = store.oneonone(first).await.unwrap().unwrap();
    assert_eq!(stored.cadence, again.cadence);
    assert_eq!(stored.minutes, 45);
    assert!(stored.active, "reactivated");
    assert_eq!(stored.created_at, at(600));
    assert_eq!(db.count("SELECT COUNT(*) FROM oneonones").await, 1);
    assert_eq!(audit(&db, "oneonone.schedule").await.len(), 2);

    let reverse = schedule(store, &series(bo, ana)).await;
    assert_ne!(reverse, first, "the other way round is another pair");
}

#[tokio::test]
async fn a_cancelled_series_keeps_its_record_and_cancelling_again_does_nothing() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let id = schedule(store, &series(ana, bo)).await;

    assert!(store.cancel_oneonone(id, "slack:UANA").await.unwrap());
    assert!(!store.cancel_oneonone(id, "slack:UANA").await.unwrap());
    assert!(
        !store
            .cancel_oneonone(SeriesId(id.0 + 1), "cli:hr")
            .await
            .unwrap()
    );
    let stored = store.oneonone(id).await.unwrap().unwrap();
    assert!(!stored.active);
    assert_eq!(stored.cadence, cadence(2), "the record stays");
    let entries = audit(&db, "oneonone.cancel").await;
    assert_eq!(
        entries.len(),
        1,
        "only the cancellation that changed something"
    );
    let (actor, details) = &entries[0];
    assert_eq!(actor, "slack:UANA");
    assert_eq!(details["series_id"], id.0);
    assert_eq!(details["manager_id"], ana.0);
    assert_eq!(details["report_id"], bo.0);
}

#[tokio::test]
async fn series_are_listed_by_person_and_activity_in_id_order() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    let ana_cy = schedule(store, &series(ana, cy)).await;
    let cy_dee = schedule(store, &series(cy, dee)).await;
    store.cancel_oneonone(ana_cy, "cli:hr").await.unwrap();
    let list = |person: Option<PersonId>, active_only: bool| async move {
        ids(&store.oneonones(person, active_only).await.unwrap())
    };

    assert_eq!(list(None, false).await, [ana_bo, ana_cy, cy_dee]);
    assert_eq!(list(None, true).await, [ana_bo, cy_dee]);
    assert_eq!(list(Some(ana), false).await, [ana_bo, ana_cy]);
    assert_eq!(list(Some(ana), true).await, [ana_bo]);
    assert_eq!(
        list(Some(cy), false).await,
        [ana_cy, cy_dee],
        "as manager or report"
    );
    assert_eq!(list(Some(cy), true).await, [cy_dee]);
    assert_eq!(list(Some(PersonId(dee.0 + 100)), false).await, []);
}

#[tokio::test]
async fn talking_points_wait_oldest_first_with_their_author_and_privacy() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    let ana_cy = schedule(store, &series(ana, cy)).await;

    let later = store
        .add_talking_point(ana_bo, bo, "Promotion timeline", true, at(200))
        .await
        .unwrap();
    let earlier = store
        .add_talking_point(ana_bo, ana, "Q2 planning", false, at(100))
        .await
        .unwrap();
    store
        .add_talking_point(ana_cy, ana, "Hiring", false, at(50))
        .await
        .unwrap();

    let points = store.talking_points(ana_bo).await.unwrap();
    let seen: Vec<_> = points
        .iter()
        .map(|point| (point.id, point.author, point.text.as_str(), point.private))
        .collect();
    assert_eq!(
        seen,
        [
            (earlier, ana, "Q2 planning", false),
            (later, bo, "Promotion timeline", true)
        ]
    );
    assert!(points.iter().all(|point| point.series == ana_bo));
    assert!(points.iter().all(|point| point.covered_by.is_none()));
    assert_eq!(points[0].created_at, at(100));
    assert_eq!(store.talking_points(ana_cy).await.unwrap().len(), 1);
}

#[tokio::test]
async fn planned_notices_wait_until_due_and_planning_again_adds_nothing() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let planned = |subject: &str, to: PersonId, due_at: i64| PlannedNotice {
        subject: subject.to_owned(),
        notice: dm(to),
        due_at: at(due_at),
    };
    let plan = [
        planned("oneonone:1:100:agenda:early", ana, 3_600),
        planned("oneonone:1:100:agenda:early", bo, 3_600),
        planned("oneonone:1:100:notes", ana, 7_200),
    ];
    store.plan_notices(&plan, at(0)).await.unwrap();

    assert_eq!(due(store, at(3_599)).await, Vec::<String>::new());
    assert_eq!(due(store, at(3_600)).await.len(), 2);
    assert_eq!(due(store, at(7_200)).await.len(), 3);

    // Planned again, some with another due time, and with one more.
    let mut again = plan.to_vec();
    again[0].due_at = at(60);
    again.push(planned("oneonone:1:100:notes", bo, 7_200));
    store.plan_notices(&again, at(10)).await.unwrap();
    store.plan_notices(&[], at(20)).await.unwrap();
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, 4);
    assert_eq!(
        due(store, at(3_599)).await,
        Vec::<String>::new(),
        "the first plan's due time stands"
    );
    assert_eq!(due(store, at(7_200)).await.len(), 4);
}

#[tokio::test]
async fn the_coaching_policy_is_the_default_until_one_is_set_and_each_change_is_audited() {
    let db = TestDb::new().await;
    let store = &db.store;
    assert_eq!(
        store.coaching_policy().await.unwrap(),
        CoachingPolicy::default()
    );

    let policy = CoachingPolicy {
        overdue_after_days: 21,
        agenda_early_hours: 48,
        agenda_late_minutes: 30,
        feedback_remind_after_hours: 24,
        feedback_expire_after_hours: 96,
    };
    store.set_coaching_policy(&policy, "cli:hr").await.unwrap();
    assert_eq!(store.coaching_policy().await.unwrap(), policy);
    let changed = CoachingPolicy {
        overdue_after_days: 14,
        ..policy
    };
    store
        .set_coaching_policy(&changed, "cli:ceo")
        .await
        .unwrap();
    assert_eq!(store.coaching_policy().await.unwrap(), changed);
    assert_eq!(db.count("SELECT COUNT(*) FROM coaching_policy").await, 1);

    let entries = audit(&db, "coaching.policy").await;
    assert_eq!(entries.len(), 2);
    assert_eq!(entries[0].0, "cli:hr");
    assert_eq!(entries[0].1["overdue_after_days"], 21);
    assert_eq!(entries[1].0, "cli:ceo");
    assert_eq!(entries[1].1["overdue_after_days"], 14);
}
