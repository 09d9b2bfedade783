//! Nominations and the reviews themselves: nominations replaced until approved (approval
//! writing the peer reviews, once), reviews saved as drafts, submitted and locked until
//! reopened (audited, never naming a peer), saving refused once the cycle is not active, and
//! reviews listed by each field. Cycles themselves are in `reviews.rs`.

use std::collections::BTreeMap;

use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{
    Approve, CycleId, Nomination, NominationStatus, Review, ReviewFilter, ReviewId, Reviews,
    SaveReview,
};
use rhythm_domain::reviews::form::Reviewer;
use rhythm_domain::reviews::model::{CycleState, ReviewState};
use rhythm_store::Store;
use rhythm_testing::TestDb;
use serde_json::json;

use crate::reviews::{create, listed, participant, started};
use crate::support::{at, audit};

/// The one review of `kind` about `subject` in `cycle`.
async fn review_of(store: &Store, cycle: CycleId, subject: PersonId, kind: Reviewer) -> Review {
    let filter = ReviewFilter {
        cycle: Some(cycle),
        subject: Some(subject),
        kind: Some(kind),
        ..ReviewFilter::default()
    };
    let mut reviews = store.reviews(&filter).await.unwrap();
    assert_eq!(reviews.len(), 1, "one {kind:?} review");
    reviews.remove(0)
}

fn answers(rows: &[(&str, &str)]) -> BTreeMap<String, String> {
    rows.iter()
        .map(|(question, answer)| ((*question).to_owned(), (*answer).to_owned()))
        .collect()
}

fn saved(outcome: SaveReview) -> Review {
    match outcome {
        SaveReview::Saved(review) => review,
        other => panic!("expected the review saved, got {other:?}"),
    }
}

#[tokio::test]
async fn nominations_are_replaced_until_approved_and_approval_writes_the_peer_reviews_once() {
    let db = TestDb::new().await;
    let ([ana, bo, cy, dee], id) = started(&db).await;
    let store = &db.store;
    let proposed = |subject, peer| Nomination {
        subject,
        peer,
        status: NominationStatus::Proposed,
    };
    let approved = |subject, peer| Nomination {
        subject,
        peer,
        status: NominationStatus::Approved,
    };

    assert!(store.nominate(id, ana, &[bo, cy], at(200)).await.unwrap());
    assert!(
        store
            .nominate(id, ana, &[cy, dee, cy], at(210))
            .await
            .unwrap()
    );
    assert!(store.nominate(id, cy, &[ana], at(220)).await.unwrap());
    let mut ana_nominated = vec![proposed(ana, cy), proposed(ana, dee)];
    ana_nominated.sort_by_key(|nomination| nomination.peer);
    assert_eq!(
        store.nominations(id, Some(ana)).await.unwrap(),
        ana_nominated,
        "replaced"
    );
    assert_eq!(store.nominations(id, None).await.unwrap().len(), 3);

    // Her manager approves an edited list: a pending peer review by each.
    let outcome = store
        .approve_nominations(id, ana, &[dee, bo], "slack:UBO", at(300))
        .await;
    let Approve::Approved(ids) = outcome.unwrap() else {
        panic!("expected the nominations approved");
    };
    assert_eq!(ids.len(), 2);
    let mut ana_approved = vec![approved(ana, bo), approved(ana, dee)];
    ana_approved.sort_by_key(|nomination| nomination.peer);
    assert_eq!(
        store.nominations(id, Some(ana)).await.unwrap(),
        ana_approved
    );
    let mut peers = Vec::new();
    for review in &ids {
        let review = store.review(*review).await.unwrap().unwrap();
        assert_eq!(
            (review.cycle, review.subject, review.kind),
            (id, ana, Reviewer::Peer)
        );
        assert_eq!(review.state, ReviewState::Pending);
        peers.push(review.reviewer);
    }
    assert_eq!(peers, [dee, bo], "in the order approved");

    // Approved once: approving or nominating again changes nothing.
    let again = store
        .approve_nominations(id, ana, &[cy], "slack:UBO", at(400))
        .await;
    assert_eq!(again.unwrap(), Approve::AlreadyApproved);
    assert!(!store.nominate(id, ana, &[cy], at(400)).await.unwrap());
    assert_eq!(
        store.nominations(id, Some(ana)).await.unwrap(),
        ana_approved
    );
    let peer_reviews = ReviewFilter {
        kind: Some(Reviewer::Peer),
        ..ReviewFilter::default()
    };
    assert_eq!(store.reviews(&peer_reviews).await.unwrap().len(), 2);
    assert_eq!(
        store.nominations(id, Some(cy)).await.unwrap(),
        [proposed(cy, ana)],
        "Cy's own"
    );

    let entries = audit(&db, "review.nominations_approved").await;
    assert_eq!(entries.len(), 1);
    let (actor, details) = &entries[0];
    assert_eq!(actor, "slack:UBO");
    assert_eq!(details["subject_id"], ana.0);
    assert_eq!(details["peer_ids"], json!([dee.0, bo.0]));
}

#[tokio::test]
async fn a_submitted_review_is_locked_until_reopened_with_an_audited_reason() {
    let db = TestDb::new().await;
    let ([ana, ..], id) = started(&db).await;
    let store = &db.store;
    let own = review_of(store, id, ana, Reviewer::SelfReview).await;

    let draft = saved(
        store
            .save_review(own.id, &answers(&[("quality", "3")]), false, at(200))
            .await
            .unwrap(),
    );
    assert_eq!(draft.state, ReviewState::InProgress);
    assert_eq!(draft.answers, answers(&[("quality", "3")]));
    assert_eq!(draft.submitted_at, None);

    let final_answers = answers(&[("quality", "4"), ("summary", "A strong half")]);
    let submitted = saved(
        store
            .save_review(own.id, &final_answers, true, at(300))
            .await
            .unwrap(),
    );
    assert_eq!(submitted.state, ReviewState::Submitted);
    assert_eq!(submitted.submitted_at, Some(at(300)));
    assert_eq!(store.review(own.id).await.unwrap(), Some(submitted.clone()));

    let late_answers = answers(&[("quality", "1")]);
    for submit in [false, true] {
        let late = store.save_review(own.id, &late_answers, submit, at(400));
        assert_eq!(late.await.unwrap(), SaveReview::Locked);
    }
    assert_eq!(
        store.review(own.id).await.unwrap(),
        Some(submitted),
        "unchanged"
    );

    assert!(
        store
            .reopen_review(own.id, "cli:hr", "Asked to add an example", at(500))
            .await
            .unwrap()
    );
    assert!(
        !store
            .reopen_review(own.id, "cli:hr", "Twice", at(510))
            .await
            .unwrap()
    );
    let reopened = store.review(own.id).await.unwrap().unwrap();
    assert_eq!(reopened.state, ReviewState::InProgress);
    assert_eq!(reopened.answers, final_answers, "answers kept");
    assert_eq!(reopened.submitted_at, None);

    let again = saved(
        store
            .save_review(own.id, &answers(&[("quality", "5")]), false, at(600))
            .await
            .unwrap(),
    );
    assert_eq!(again.state, ReviewState::InProgress);
    let resubmitted = saved(
        store
            .save_review(own.id, &again.answers, true, at(700))
            .await
            .unwrap(),
    );
    assert_eq!(
        resubmitted.submitted_at,
        Some(at(700)),
        "the last submission's time"
    );

    let entries = audit(&db, "review.reopen").await;
    assert_eq!(entries.len(), 1);
    let (actor, details) = &entries[0];
    assert_eq!(actor, "cli:hr");
    assert_eq!(details["review_id"], own.id.0);
    assert_eq!(details["reason"], "Asked to add an example");
    assert!(
        !store
            .reopen_review(ReviewId(own.id.0 + 100), "cli:hr", "No such", at(800))
            .await
            .unwrap()
    );
}

#[tokio::test]
async fn reopening_a_peer_review_audits_it_without_naming_the_peer() {
    let db = TestDb::new().await;
    let ([ana, _, cy, _], id) = started(&db).await;
    let store = &db.store;
    store
        .approve_nominations(id, ana, &[cy], "slack:UBO", at(200))
        .await
        .unwrap();
    let peer = review_of(store, id, ana, Reviewer::Peer).await;
    saved(
        store
            .save_review(peer.id, &answers(&[("mentoring", "4")]), true, at(300))
            .await
            .unwrap(),
    );

    assert!(
        store
            .reopen_review(peer.id, "cli:hr", "Wrong person rated", at(400))
            .await
            .unwrap()
    );
    let entries = audit(&db, "review.reopen").await;
    let details = &entries[0].1;
    assert_eq!(details["subject_id"], ana.0);
    assert_eq!(details["kind"], "peer");
    let named: Vec<&serde_json::Value> = details.as_object().unwrap().values().collect();
    assert!(
        !named.contains(&&json!(cy.0)),
        "the peer is not named: {details}"
    );
}

#[tokio::test]
async fn reviews_are_saved_only_while_their_cycle_is_active() {
    let db = TestDb::new().await;
    let ([ana, _, cy, _], id) = started(&db).await;
    let store = &db.store;
    let own = review_of(store, id, ana, Reviewer::SelfReview).await;
    let cy_own = review_of(store, id, cy, Reviewer::SelfReview).await;
    saved(
        store
            .save_review(cy_own.id, &answers(&[("quality", "3")]), true, at(150))
            .await
            .unwrap(),
    );

    let draft = create(store, "2027 H1", 0).await;
    assert!(
        !store.close_cycle(draft, "cli:hr", at(190)).await.unwrap(),
        "a draft does not close"
    );
    assert!(store.close_cycle(id, "cli:hr", at(200)).await.unwrap());
    assert!(
        !store.close_cycle(id, "cli:hr", at(210)).await.unwrap(),
        "closed once"
    );
    assert_eq!(
        store.cycle(id).await.unwrap().unwrap().state,
        CycleState::Closed
    );

    let late_answers = answers(&[("quality", "2")]);
    for submit in [false, true] {
        let late = store.save_review(own.id, &late_answers, submit, at(300));
        assert_eq!(late.await.unwrap(), SaveReview::CycleNotActive);
    }
    let submitted = store.save_review(cy_own.id, &late_answers, false, at(300));
    assert_eq!(
        submitted.await.unwrap(),
        SaveReview::CycleNotActive,
        "the cycle is said first"
    );
    assert_eq!(store.review(own.id).await.unwrap(), Some(own), "unchanged");

    let entries = audit(&db, "review_cycle.close").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1["cycle_id"], id.0);
}

#[tokio::test]
async fn reviews_are_listed_by_id_narrowed_by_each_field() {
    let db = TestDb::new().await;
    let ([ana, bo, cy, dee], id) = started(&db).await;
    let store = &db.store;
    store
        .approve_nominations(id, ana, &[cy], "slack:UBO", at(200))
        .await
        .unwrap();
    let other = create(store, "2027 H1", 0).await;
    let in_other = [participant(bo, Some(ana))];
    assert!(
        store
            .start_cycle(other, &in_other, dee, "cli:hr", at(300))
            .await
            .unwrap()
    );
    let own = review_of(store, id, ana, Reviewer::SelfReview).await;
    saved(
        store
            .save_review(own.id, &answers(&[("quality", "4")]), true, at(400))
            .await
            .unwrap(),
    );
    let cy_own = review_of(store, id, cy, Reviewer::SelfReview).await;
    saved(
        store
            .save_review(cy_own.id, &answers(&[("quality", "3")]), false, at(400))
            .await
            .unwrap(),
    );

    let all = store.reviews(&ReviewFilter::default()).await.unwrap();
    assert_eq!(all.len(), 7);
    let ids: Vec<ReviewId> = all.iter().map(|review| review.id).collect();
    let mut sorted = ids.clone();
    sorted.sort();
    assert_eq!(ids, sorted, "by id");

    let count = |filter: ReviewFilter| async move { store.reviews(&filter).await.unwrap().len() };
    let none = ReviewFilter::default;
    assert_eq!(
        count(ReviewFilter {
            cycle: Some(id),
            ..none()
        })
        .await,
        5
    );
    assert_eq!(
        count(ReviewFilter {
            cycle: Some(other),
            ..none()
        })
        .await,
        2
    );
    assert_eq!(
        count(ReviewFilter {
            subject: Some(ana),
            ..none()
        })
        .await,
        3
    );
    assert_eq!(
        count(ReviewFilter {
            reviewer: Some(ana),
            ..none()
        })
        .await,
        2,
        "her own and Bo's"
    );
    assert_eq!(
        count(ReviewFilter {
            kind: Some(Reviewer::Peer),
            ..none()
        })
        .await,
        1
    );
    assert_eq!(
        count(ReviewFilter {
            kind: Some(Reviewer::Manager),
            ..none()
        })
        .await,
        3
    );
    assert_eq!(
        count(ReviewFilter {
            state: Some(ReviewState::Submitted),
            ..none()
        })
        .await,
        1
    );
    assert_eq!(
        count(ReviewFilter {
            state: Some(ReviewState::InProgress),
            ..none()
        })
        .await,
        1
    );
    assert_eq!(
        count(ReviewFilter {
            state: Some(ReviewState::Pending),
            ..none()
        })
        .await,
        5
    );

    let narrowed = ReviewFilter {
        cycle: Some(id),
        subject: Some(cy),
        reviewer: Some(dee),
        kind: Some(Reviewer::Manager),
        state: Some(ReviewState::Pending),
    };
    assert_eq!(
        listed(store, narrowed.clone()).await,
        [(cy, dee, Reviewer::Manager, ReviewState::Pending)]
    );
    let elsewhere = ReviewFilter {
        cycle: Some(other),
        ..narrowed
    };
    assert_eq!(count(elsewhere).await, 0);
    assert_eq!(store.review(ReviewId(sorted[6].0 + 1)).await.unwrap(), None);
}
