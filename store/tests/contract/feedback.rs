//! Feedback: requests written with their ask and reminder (an open one kept instead of a new
//! one), feedback given on request (answering it once, never after it expired) or
//! unprompted, declining, listing by subject and time, and what a deleted person takes.

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::feedback::notices::{ask_subject, remind_subject, subject};
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{
    Feedback, FeedbackFilter, FeedbackId, FeedbackRecord, FeedbackRequest, FeedbackRequestId,
    FeedbackVisibility, GiveFeedback, Kudos as _, NewFeedback, NewFeedbackRequest, RequestStatus,
};
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::oneonones::{delete_person, dm, due, people};
use crate::support::at;

const HOUR: i64 = 3_600;

/// `requester` asks `giver` about `subject` at `at(asked)`: reminded 3 hours later, expiring
/// 6 hours later.
fn ask(subject: PersonId, requester: PersonId, giver: PersonId, asked: i64) -> NewFeedbackRequest {
    NewFeedbackRequest {
        subject,
        requester,
        giver,
        about: "the Q3 launch".into(),
        asked_at: at(asked),
        remind_at: at(asked + 3 * HOUR),
        expires_at: at(asked + 6 * HOUR),
        notice: dm(giver),
    }
}

/// `giver`'s feedback about `subject` at `at(when)`, answering `request`, told to the
/// subject.
pub(crate) fn give(
    subject: PersonId,
    giver: PersonId,
    request: Option<FeedbackRequestId>,
    when: i64,
) -> NewFeedback {
    NewFeedback {
        subject,
        giver,
        request,
        text: format!("Clear and calm at {when}"),
        visibility: FeedbackVisibility::Shared,
        given_at: at(when),
        notices: vec![dm(subject)],
    }
}

pub(crate) fn given(outcome: GiveFeedback) -> FeedbackId {
    match outcome {
        GiveFeedback::Given(id) => id,
        other => panic!("expected feedback given, got {other:?}"),
    }
}

async fn request(store: &Store, new: NewFeedbackRequest) -> FeedbackRequestId {
    let ids = store.request_feedback(&[new]).await.unwrap();
    assert_eq!(ids.len(), 1);
    ids[0]
}

async fn status(store: &Store, id: FeedbackRequestId) -> RequestStatus {
    store.feedback_request(id).await.unwrap().unwrap().status
}

fn between(from: DateTime<Utc>, to: DateTime<Utc>, subject: Option<PersonId>) -> FeedbackFilter {
    FeedbackFilter { subject, from, to }
}

fn ids(records: &[FeedbackRecord]) -> Vec<FeedbackId> {
    records.iter().map(|record| record.id).collect()
}

#[tokio::test]
async fn requests_are_written_with_an_ask_due_now_and_a_reminder_due_later() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let asked = store
        .request_feedback(&[ask(ana, ana, bo, 0), ask(ana, ana, cy, 0)])
        .await
        .unwrap();
    assert_eq!(asked.len(), 2);
    let (to_bo, to_cy) = (asked[0], asked[1]);
    assert_ne!(to_bo, to_cy);

    assert_eq!(
        store.feedback_request(to_bo).await.unwrap(),
        Some(FeedbackRequest {
            id: to_bo,
            subject: ana,
            requester: ana,
            giver: bo,
            about: "the Q3 launch".into(),
            asked_at: at(0),
            expires_at: at(6 * HOUR),
            status: RequestStatus::Open,
        })
    );
    assert_eq!(
        store
            .feedback_request(FeedbackRequestId(to_cy.0 + 1))
            .await
            .unwrap(),
        None
    );
    assert_eq!(
        due(store, at(0)).await,
        [ask_subject(to_bo), ask_subject(to_cy)]
    );
    assert_eq!(due(store, at(3 * HOUR - 1)).await.len(), 2);
    assert_eq!(
        due(store, at(3 * HOUR)).await,
        [
            ask_subject(to_bo),
            remind_subject(to_bo),
            ask_subject(to_cy),
            remind_subject(to_cy)
        ]
    );
    let to_bo_notices = store
        .due_notices(Platform::Slack, at(3 * HOUR), 10)
        .await
        .unwrap();
    assert_eq!(to_bo_notices[1].to, dm(bo).to, "to the person asked");

    // Newest first, all or of one giver.
    let later = request(store, ask(bo, bo, cy, 600)).await;
    let listed = |giver: Option<PersonId>| async move {
        let requests = store.feedback_requests(giver).await.unwrap();
        requests.into_iter().map(|r| r.id).collect::<Vec<_>>()
    };
    assert_eq!(listed(None).await, [later, to_cy, to_bo]);
    assert_eq!(listed(Some(cy)).await, [later, to_cy]);
    assert_eq!(listed(Some(ana)).await, []);
}

#[tokio::test]
async fn an_open_request_to_the_same_giver_about_the_same_person_is_kept_instead_of_a_new_one() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let first = request(store, ask(ana, ana, bo, 0)).await;

    let mut again = ask(ana, ana, bo, HOUR);
    again.about = "something else".into();
    let ids = store
        .request_feedback(&[
            again.clone(),
            ask(ana, ana, cy, HOUR),
            ask(ana, ana, cy, HOUR),
        ])
        .await
        .unwrap();
    assert_eq!(ids[0], first, "the open request is kept");
    assert_ne!(ids[1], first);
    assert_eq!(ids[2], ids[1], "a repeat within one call is kept too");
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback_requests").await, 2);
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, 4);
    let kept = store.feedback_request(first).await.unwrap().unwrap();
    assert_eq!(
        (kept.about.as_str(), kept.asked_at),
        ("the Q3 launch", at(0))
    );

    // Another requester, or another subject, is another request.
    let by_manager = request(store, ask(ana, dee, bo, HOUR)).await;
    let about_cy = request(store, ask(cy, ana, bo, HOUR)).await;
    assert!(![first, by_manager].contains(&about_cy) && by_manager != first);

    // Expired (at `expires_at` exactly), answered or declined: a new request.
    let after_expiry = request(store, ask(ana, ana, bo, 6 * HOUR)).await;
    assert_ne!(after_expiry, first);
    given(
        store
            .give_feedback(&give(ana, bo, Some(after_expiry), 6 * HOUR + 1))
            .await
            .unwrap(),
    );
    let after_answer = request(store, ask(ana, ana, bo, 6 * HOUR + 2)).await;
    assert_ne!(after_answer, after_expiry);
    assert!(
        store
            .decline_feedback(after_answer, at(6 * HOUR + 3))
            .await
            .unwrap()
    );
    let after_decline = request(store, ask(ana, ana, bo, 6 * HOUR + 4)).await;
    assert_ne!(after_decline, after_answer);
}

#[tokio::test]
async fn giving_on_request_answers_it_once_and_skips_its_reminder() {
    let db = TestDb::new().await;
    let [ana, bo, _, dee] = people(&db).await;
    let store = &db.store;
    let asked = request(store, ask(ana, ana, bo, 0)).await;

    let mut new = give(ana, bo, Some(asked), HOUR);
    new.visibility = FeedbackVisibility::ManagerOnly;
    new.notices = vec![dm(dee)];
    let id = given(store.give_feedback(&new).await.unwrap());

    assert_eq!(status(store, asked).await, RequestStatus::Answered);
    assert_eq!(
        store.feedback_by_id(id).await.unwrap(),
        Some(FeedbackRecord {
            id,
            subject: ana,
            giver: bo,
            request: Some((asked, "the Q3 launch".into())),
            text: format!("Clear and calm at {HOUR}"),
            visibility: FeedbackVisibility::ManagerOnly,
            given_at: at(HOUR),
        })
    );
    assert_eq!(
        store.feedback_by_id(FeedbackId(id.0 + 1)).await.unwrap(),
        None
    );
    assert_eq!(
        due(store, at(HOUR)).await,
        [ask_subject(asked), subject(id)],
        "the feedback's notice is due when given"
    );
    assert!(
        !due(store, at(3 * HOUR))
            .await
            .contains(&remind_subject(asked)),
        "an answered request is not reminded"
    );

    assert_eq!(
        store
            .give_feedback(&give(ana, bo, Some(asked), 2 * HOUR))
            .await
            .unwrap(),
        GiveFeedback::AlreadyAnswered
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, 1);
}

#[tokio::test]
async fn feedback_on_an_expired_request_is_refused_and_nothing_is_written() {
    let db = TestDb::new().await;
    let [ana, bo, _, _] = people(&db).await;
    let store = &db.store;
    let asked = request(store, ask(ana, ana, bo, 0)).await;
    let notices = db.count("SELECT COUNT(*) FROM notices").await;

    assert_eq!(
        store
            .give_feedback(&give(ana, bo, Some(asked), 6 * HOUR))
            .await
            .unwrap(),
        GiveFeedback::Expired,
        "expired at `expires_at` exactly"
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, 0);
    assert_eq!(db.count("SELECT COUNT(*) FROM notices").await, notices);
    assert_eq!(status(store, asked).await, RequestStatus::Open);
    assert!(
        !store.decline_feedback(asked, at(6 * HOUR)).await.unwrap(),
        "an expired request is not open to decline"
    );
    assert_eq!(status(store, asked).await, RequestStatus::Open);
}

#[tokio::test]
async fn declining_a_request_skips_its_reminder_and_closes_it() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let ids = store
        .request_feedback(&[ask(ana, ana, bo, 0), ask(ana, ana, cy, 0)])
        .await
        .unwrap();
    let (declined, open) = (ids[0], ids[1]);

    assert!(store.decline_feedback(declined, at(HOUR)).await.unwrap());
    assert!(
        !store
            .decline_feedback(declined, at(HOUR + 1))
            .await
            .unwrap()
    );
    assert!(
        !store
            .decline_feedback(FeedbackRequestId(open.0 + 1), at(HOUR))
            .await
            .unwrap()
    );
    assert_eq!(status(store, declined).await, RequestStatus::Declined);
    assert_eq!(status(store, open).await, RequestStatus::Open);
    let reminders = due(store, at(3 * HOUR)).await;
    assert!(
        !reminders.contains(&remind_subject(declined)),
        "{reminders:?}"
    );
    assert!(reminders.contains(&remind_subject(open)), "{reminders:?}");

    assert_eq!(
        store
            .give_feedback(&give(ana, bo, Some(declined), 2 * HOUR))
            .await
            .unwrap(),
        GiveFeedback::AlreadyAnswered
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM feedback").await, 0);
}

#[tokio::test]
async fn feedback_is_listed_oldest_first_by_subject_and_time() {
    let db = TestDb::new().await;
    let [ana, bo, cy, _] = people(&db).await;
    let store = &db.store;
    let mut about_ana = Vec::new();
    for when in [200, 0, 100] {
        about_ana.push(given(
            store
                .give_feedback(&give(ana, bo, None, when))
                .await
                .unwrap(),
        ));
    }
    let about_bo = given(store.give_feedback(&give(bo, cy, None, 100)).await.unwrap());
    let unprompted = store.feedback_by_id(about_bo).await.unwrap().unwrap();
    assert_eq!(unprompted.request, None);
    assert_eq!(unprompted.visibility, FeedbackVisibility::Shared);

    let list = |filter: FeedbackFilter| async move { ids(&store.feedback(&filter).await.unwrap()) };
    let [late, early, middle] = [about_ana[0], about_ana[1], about_ana[2]];
    assert_eq!(
        list(between(at(0), at(201), Some(ana))).await,
        [early, middle, late]
    );
    assert_eq!(
        list(between(at(0), at(200), Some(ana))).await,
        [early, middle],
        "`to` is left out"
    );
    assert_eq!(
        list(between(at(100), at(201), None)).await,
        [middle, about_bo, late],
        "`from` is kept; every subject, by time then id"
    );
    assert_eq!(list(between(at(0), at(300), Some(cy))).await, []);
}

#[tokio::test]
async fn a_deleted_requester_takes_their_requests_and_the_feedback_stands_alone() {
    let db = TestDb::new().await;
    let [ana, bo, cy, dee] = people(&db).await;
    let store = &db.store;
    let by_dee = request(store, ask(ana, dee, bo, 0)).await;
    let answer = given(
        store
            .give_feedback(&give(ana, bo, Some(by_dee), 60))
            .await
            .unwrap(),
    );
    given(store.give_feedback(&give(cy, bo, None, 60)).await.unwrap());

    delete_person(&db, dee).await;
    assert_eq!(store.feedback_request(by_dee).await.unwrap(), None);
    let record = store.feedback_by_id(answer).await.unwrap().unwrap();
    assert_eq!(record.request, None, "the feedback outlives the request");

    delete_person(&db, cy).await;
    let everything = between(at(0), at(0) + Duration::days(1), None);
    assert_eq!(ids(&store.feedback(&everything).await.unwrap()), [answer]);
}
