//! 1:1 sessions: recorded once; a held one covers the talking points added before it was
//! recorded and writes its action items with their reminders; listed newest first; each
//! pair's last held one; action items filtered and completed once; what a deleted person
//! takes with them.

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rhythm_domain::oneonone::notices::action_subject;
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{
    ActionItemFilter, ActionItemId, Kudos as _, NewActionItem, OneOnOnes, Recorded, SeriesId,
    SessionRecord,
};
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::oneonones::{delete_person, dm, due, people, schedule, series};
use crate::support::at;

/// A session of `series` starting at `at(start)`, recorded by `by` an hour later: held
/// or not, with no notes and nothing agreed.
fn session(series: SeriesId, start: i64, held: bool, by: PersonId) -> SessionRecord {
    SessionRecord {
        series,
        starts_at: at(start),
        held,
        notes: held.then(|| format!("notes of {start}")),
        recorded_by: by,
        recorded_at: at(start + 3_600),
        action_items: Vec::new(),
        reminders: Vec::new(),
    }
}

fn item(owner: PersonId, text: &str, day: u32) -> NewActionItem {
    NewActionItem {
        owner,
        text: text.to_owned(),
        due: NaiveDate::from_ymd_opt(2026, 3, day).unwrap(),
    }
}

async fn record(store: &Store, record: &SessionRecord) -> Recorded {
    store.record_session(record).await.unwrap()
}

fn starts(sessions: &[rhythm_domain::ports::Session]) -> Vec<DateTime<Utc>> {
    sessions.iter().map(|session| session.starts_at).collect()
}

#[tokio::test]
async fn a_held_session_covers_only_the_talking_points_added_before_it_was_recorded() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    let ana_cy = schedule(store, &series(ana, cy)).await;
    for (author, text, when) in [(ana, "Q2", 100), (bo, "Pay", 3_600), (bo, "Later", 3_601)] {
        store
            .add_talking_point(ana_bo, author, text, false, at(when))
            .await
            .unwrap();
    }
    store
        .add_talking_point(ana_cy, cy, "Elsewhere", false, at(100))
        .await
        .unwrap();

    // Recorded at 3,600: the point added then is covered, the one a second later waits.
    assert_eq!(
        record(store, &session(ana_bo, 0, true, bo)).await,
        Recorded::Recorded
    );
    let waiting = store.talking_points(ana_bo).await.unwrap();
    let texts: Vec<&str> = waiting.iter().map(|point| point.text.as_str()).collect();
    assert_eq!(texts, ["Later"]);
    let covered_by = at(0).timestamp_millis();
    assert_eq!(
        db.count(&format!(
            "SELECT COUNT(*) FROM talking_points WHERE covered_by = {covered_by}"
        ))
        .await,
        2,
        "covered by the session's start"
    );
    assert_eq!(
        store.talking_points(ana_cy).await.unwrap().len(),
        1,
        "another series' points wait"
    );

    let stored = store.sessions(ana_bo).await.unwrap();
    assert_eq!(stored.len(), 1);
    let held = &stored[0];
    assert_eq!((held.series, held.manager, held.report), (ana_bo, ana, bo));
    assert_eq!((held.starts_at, held.held), (at(0), true));
    assert_eq!(held.notes.as_deref(), Some("notes of 0"));
    assert_eq!((held.recorded_by, held.recorded_at), (bo, at(3_600)));
}

#[tokio::test]
async fn a_session_that_did_not_happen_covers_nothing_and_writes_no_action_items() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    store
        .add_talking_point(ana_bo, ana, "Q2", false, at(100))
        .await
        .unwrap();

    let mut missed = session(ana_bo, 0, false, ana);
    missed.action_items = vec![item(bo, "Never agreed", 9)];
    missed.reminders = vec![(dm(bo), at(86_400))];
    assert_eq!(record(store, &missed).await, Recorded::Recorded);

    assert_eq!(store.talking_points(ana_bo).await.unwrap().len(), 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM action_items").await, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, 0);
    let stored = store.sessions(ana_bo).await.unwrap();
    assert_eq!((stored[0].held, stored[0].notes.as_deref()), (false, None));
}

#[tokio::test]
async fn a_session_is_recorded_once_and_a_second_record_changes_nothing() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    assert_eq!(
        record(store, &session(ana_bo, 0, false, ana)).await,
        Recorded::Recorded
    );
    store
        .add_talking_point(ana_bo, bo, "Pay", false, at(100))
        .await
        .unwrap();

    let mut again = session(ana_bo, 0, true, bo);
    again.action_items = vec![item(bo, "Write it up", 9)];
    again.reminders = vec![(dm(bo), at(86_400))];
    assert_eq!(record(store, &again).await, Recorded::AlreadyRecorded);

    let stored = store.sessions(ana_bo).await.unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!((stored[0].held, stored[0].recorded_by), (false, ana));
    assert_eq!(store.talking_points(ana_bo).await.unwrap().len(), 1);
    assert_eq!(db.count("SELECT COUNT(*) FROM action_items").await, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, 0);
}

#[tokio::test]
async fn action_items_are_written_with_reminders_due_at_their_time_and_completed_once() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    let ana_cy = schedule(store, &series(ana, cy)).await;
    let mut held = session(ana_bo, 0, true, ana);
    held.action_items = vec![
        item(bo, "Draft the RFC", 12),
        item(ana, "Ask about budget", 10),
    ];
    held.reminders = vec![(dm(bo), at(3 * 86_400)), (dm(ana), at(86_400))];
    record(store, &held).await;
    let mut other = session(ana_cy, 600, true, cy);
    other.action_items = vec![item(cy, "Pair with Bo", 10)];
    other.reminders = vec![(dm(cy), at(86_400))];
    record(store, &other).await;

    let all = store
        .action_items(&ActionItemFilter::default())
        .await
        .unwrap();
    let seen: Vec<_> = all
        .iter()
        .map(|item| {
            (
                item.series,
                item.owner,
                item.text.as_str(),
                item.due.to_string(),
            )
        })
        .collect();
    assert_eq!(
        seen,
        [
            (ana_bo, ana, "Ask about budget", "2026-03-10".to_owned()),
            (ana_cy, cy, "Pair with Bo", "2026-03-10".to_owned()),
            (ana_bo, bo, "Draft the RFC", "2026-03-12".to_owned()),
        ],
        "by due date, then id"
    );
    let (budget, rfc) = (all[0].id, all[2].id);
    assert_eq!(all[0].session, at(0));
    assert_eq!(all[1].session, at(600));
    assert!(all.iter().all(|item| item.done_at.is_none()));

    assert_eq!(due(store, at(86_399)).await, Vec::<String>::new());
    let mut first = due(store, at(86_400)).await;
    first.sort();
    let mut expected = vec![action_subject(budget), action_subject(all[1].id)];
    expected.sort();
    assert_eq!(
        first, expected,
        "each item's reminder, due at the time given"
    );
    let notice = store
        .due_notices(Platform::Slack, at(86_400), 10)
        .await
        .unwrap()
        .into_iter()
        .find(|notice| notice.subject == action_subject(budget))
        .unwrap();
    assert_eq!(notice.to, dm(ana).to);

    assert!(store.complete_action_item(budget, at(1_000)).await.unwrap());
    assert!(!store.complete_action_item(budget, at(2_000)).await.unwrap());
    assert!(
        !store
            .complete_action_item(ActionItemId(rfc.0 + 100), at(2_000))
            .await
            .unwrap()
    );
    let later = due(store, at(3 * 86_400)).await;
    assert!(
        !later.contains(&action_subject(budget)),
        "a done item is not reminded: {later:?}"
    );
    assert!(later.contains(&action_subject(rfc)));

    let list = |filter: ActionItemFilter| async move {
        let items = store.action_items(&filter).await.unwrap();
        items.into_iter().map(|item| item.id).collect::<Vec<_>>()
    };
    let of_series = ActionItemFilter {
        series: Some(ana_bo),
        ..ActionItemFilter::default()
    };
    assert_eq!(list(of_series).await, [budget, rfc]);
    let open = ActionItemFilter {
        open_only: true,
        ..of_series
    };
    assert_eq!(list(open).await, [rfc]);
    let owned = ActionItemFilter {
        owner: Some(ana),
        ..ActionItemFilter::default()
    };
    assert_eq!(list(owned).await, [budget]);
    assert_eq!(
        list(ActionItemFilter {
            open_only: true,
            ..owned
        })
        .await,
        []
    );
    let done = store.action_items(&owned).await.unwrap();
    assert_eq!(
        done[0].done_at,
        Some(at(1_000)),
        "the first completion stands"
    );
}

#[tokio::test]
async fn sessions_are_newest_first_and_each_pair_has_its_last_held_one() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    let ana_cy = schedule(store, &series(ana, cy)).await;
    let dee_ana = schedule(store, &series(dee, ana)).await;
    let week = Duration::weeks(1).num_seconds();

    for (start, held) in [(week, true), (0, true), (2 * week, false)] {
        record(store, &session(ana_bo, start, held, bo)).await;
    }
    record(store, &session(ana_cy, 0, false, cy)).await;
    assert_eq!(
        starts(&store.sessions(ana_bo).await.unwrap()),
        [at(2 * week), at(week), at(0)]
    );
    assert_eq!(store.sessions(dee_ana).await.unwrap(), []);

    let last = store.last_held().await.unwrap();
    assert_eq!(last.len(), 1, "a pair that held none has none: {last:?}");
    assert_eq!((last[0].manager, last[0].report), (ana, bo));
    assert_eq!(
        last[0].starts_at,
        at(week),
        "the latest held, not the latest"
    );

    record(store, &session(dee_ana, 3 * week, true, dee)).await;
    record(store, &session(ana_cy, week, true, ana)).await;
    let last = store.last_held().await.unwrap();
    let pairs: Vec<_> = last
        .iter()
        .map(|session| (session.manager, session.report, session.starts_at))
        .collect();
    let mut expected = vec![
        (ana, bo, at(week)),
        (ana, cy, at(week)),
        (dee, ana, at(3 * week)),
    ];
    expected.sort_by_key(|(manager, report, _)| (*manager, *report));
    assert_eq!(pairs, expected, "by manager, then report");
}

#[tokio::test]
async fn a_deleted_person_takes_their_series_and_everything_recorded_in_it() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let ana_bo = schedule(store, &series(ana, bo)).await;
    let ana_cy = schedule(store, &series(ana, cy)).await;
    for series in [ana_bo, ana_cy] {
        store
            .add_talking_point(series, ana, "Later", false, at(90_000))
            .await
            .unwrap();
        let mut held = session(series, 0, true, ana);
        held.action_items = vec![item(ana, "Follow up", 10)];
        record(store, &held).await;
    }

    delete_person(&db, bo).await;

    assert_eq!(store.oneonone(ana_bo).await.unwrap(), None);
    assert_eq!(store.sessions(ana_bo).await.unwrap(), []);
    assert_eq!(store.talking_points(ana_bo).await.unwrap(), []);
    let items = store
        .action_items(&ActionItemFilter::default())
        .await
        .unwrap();
    assert_eq!(
        items.iter().map(|item| item.series).collect::<Vec<_>>(),
        [ana_cy],
        "the other series keeps its record"
    );
    assert_eq!(store.sessions(ana_cy).await.unwrap().len(), 1);
    assert_eq!(store.talking_points(ana_cy).await.unwrap().len(), 1);
}
