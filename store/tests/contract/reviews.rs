//! Review cycles: created once per name (the spec read back whole), started once with its
//! participants and their self and manager reviews, the threshold changed until the results
//! are released (once), closing, acknowledgements, and the audit entries each change writes.
//! Nominations and the reviews themselves are in `review_items.rs`.

use rhythm_domain::people::PersonId;
use rhythm_domain::ports::{CreateCycle, Cycle, CycleId, Participant, ReviewFilter, Reviews};
use rhythm_domain::reviews::cycle::{CycleDoc, CycleSpec, read_cycles};
use rhythm_domain::reviews::form::Reviewer;
use rhythm_domain::reviews::model::{CycleState, ReviewState};
use rhythm_store::Store;
use rhythm_testing::TestDb;
use serde_json::json;

use crate::oneonones::people;
use crate::support::{at, audit};

/// The cycle `name` as HR writes it: the `[[review_cycle]]` table of the domain's own
/// example, as the JSON its TOML reads as (the store's tests have no TOML reader).
pub(crate) fn spec(name: &str) -> CycleSpec {
    let doc: CycleDoc = serde_json::from_value(json!({
        "name": name,
        "participants": "everyone",
        "min_responses": 4,
        "nominations": { "min": 2, "max": 4 },
        "deadlines": {
            "nominations": "2026-12-01",
            "self_reviews": "2026-12-08",
            "peer_reviews": "2026-12-15",
            "manager_reviews": "2026-12-20",
            "release": "2027-01-08",
        },
        "section": [
            {
                "title": "Craft",
                "weight": 2,
                "question": [
                    {
                        "id": "quality",
                        "prompt": "Quality of their work",
                        "kind": "rating",
                        "levels": ["Often needs rework", "Needs some rework", "Solid",
                                   "Raises the bar", "Sets the bar"],
                    },
                    {
                        "id": "mentoring",
                        "prompt": "How they help others grow",
                        "kind": "rating",
                        "levels": ["Rarely", "Sometimes", "Often", "Usually", "Always"],
                        "for": "peers",
                    },
                ],
            },
            {
                "title": "Summary",
                "question": [{
                    "id": "summary",
                    "prompt": "Your summary",
                    "kind": "text",
                    "for": "manager",
                    "max_chars": 2000,
                }],
            },
        ],
    }))
    .unwrap();
    let mut found = Vec::new();
    let mut cycles = read_cycles(&[doc], &mut found);
    assert_eq!(found, Vec::<String>::new());
    cycles.remove(0)
}

pub(crate) fn created(outcome: CreateCycle) -> CycleId {
    match outcome {
        CreateCycle::Created(id) => id,
        other => panic!("expected a cycle created, got {other:?}"),
    }
}

/// The draft cycle `name`, created by HR at `at(when)`.
pub(crate) async fn create(store: &Store, name: &str, when: i64) -> CycleId {
    created(
        store
            .create_cycle(&spec(name), "cli:hr", at(when))
            .await
            .unwrap(),
    )
}

pub(crate) fn participant(person: PersonId, manager: Option<PersonId>) -> Participant {
    Participant { person, manager }
}

/// A cycle started at `at(100)` for Ana (managed by Bo) and Cy (no manager, so Dee, HR,
/// writes his manager review): Ana, Bo, Cy and Dee, and the cycle.
pub(crate) async fn started(db: &TestDb) -> ([PersonId; 4], CycleId) {
    let people = people(db).await;
    let [ana, bo, cy, dee] = people;
    let id = create(&db.store, "2026 H2", 0).await;
    let participants = [participant(ana, Some(bo)), participant(cy, None)];
    let started = db
        .store
        .start_cycle(id, &participants, dee, "cli:hr", at(100));
    assert!(started.await.unwrap());
    (people, id)
}

/// Reviews matching `filter`, as (subject, reviewer, kind, state).
pub(crate) async fn listed(
    store: &Store,
    filter: ReviewFilter,
) -> Vec<(PersonId, PersonId, Reviewer, ReviewState)> {
    let reviews = store.reviews(&filter).await.unwrap();
    reviews
        .iter()
        .map(|review| (review.subject, review.reviewer, review.kind, review.state))
        .collect()
}

#[tokio::test]
async fn a_cycle_is_created_once_per_name_as_a_draft_and_read_back_whole() {
    let db = TestDb::new().await;
    let store = &db.store;
    let id = create(store, "2026 H2", 0).await;

    assert_eq!(
        store.cycle(id).await.unwrap(),
        Some(Cycle {
            id,
            spec: spec("2026 H2"),
            state: CycleState::Draft,
            released_at: None,
            created_at: at(0),
            started_at: None,
        })
    );
    assert_eq!(store.cycle(CycleId(id.0 + 1)).await.unwrap(), None);

    let mut other = spec("2026 H2");
    other.anonymous_peers = false;
    assert_eq!(
        store.create_cycle(&other, "cli:ceo", at(10)).await.unwrap(),
        CreateCycle::NameTaken(id)
    );
    assert!(
        store.cycle(id).await.unwrap().unwrap().spec.anonymous_peers,
        "unchanged"
    );

    let later = create(store, "2027 H1", 20).await;
    let cycles = store.cycles().await.unwrap();
    let ids: Vec<CycleId> = cycles.iter().map(|cycle| cycle.id).collect();
    assert_eq!(ids, [later, id], "newest first");
    assert_eq!(cycles[0].spec, spec("2027 H1"));

    let entries = audit(&db, "review_cycle.create").await;
    assert_eq!(entries.len(), 2, "only the cycles created");
    let (actor, details) = &entries[0];
    assert_eq!(actor, "cli:hr");
    assert_eq!(details["cycle_id"], id.0);
    assert_eq!(details["name"], "2026 H2");
    assert_eq!(details["spec"]["min_responses"], 4);
}

#[tokio::test]
async fn starting_a_draft_writes_participants_and_their_self_and_manager_reviews_once() {
    let db = TestDb::new().await;
    let ([ana, bo, cy, dee], id) = started(&db).await;
    let store = &db.store;

    let cycle = store.cycle(id).await.unwrap().unwrap();
    assert_eq!(cycle.state, CycleState::Active);
    assert_eq!(
        cycle.started_at,
        Some(at(100)),
        "when its first reviews were written"
    );
    let mut participants = store.participants(id).await.unwrap();
    participants.sort_by_key(|participant| participant.person);
    let mut expected = vec![participant(ana, Some(bo)), participant(cy, None)];
    expected.sort_by_key(|participant| participant.person);
    assert_eq!(participants, expected);

    let mut written = listed(store, ReviewFilter::default()).await;
    written.sort_by_key(|&(subject, reviewer, kind, _)| (subject, reviewer, kind));
    let pending = ReviewState::Pending;
    let mut expected = vec![
        (ana, ana, Reviewer::SelfReview, pending),
        (ana, bo, Reviewer::Manager, pending),
        (cy, cy, Reviewer::SelfReview, pending),
        (cy, dee, Reviewer::Manager, pending),
    ];
    expected.sort_by_key(|&(subject, reviewer, kind, _)| (subject, reviewer, kind));
    assert_eq!(
        written, expected,
        "HR writes the review of whoever has no manager"
    );
    let reviews = store.reviews(&ReviewFilter::default()).await.unwrap();
    assert!(reviews.iter().all(|review| review.cycle == id
        && review.answers.is_empty()
        && review.submitted_at.is_none()));

    // A second start, with other people, is refused and writes nothing.
    let again = [participant(dee, None)];
    assert!(
        !store
            .start_cycle(id, &again, bo, "cli:hr", at(200))
            .await
            .unwrap()
    );
    assert_eq!(store.participants(id).await.unwrap().len(), 2);
    assert_eq!(db.count("SELECT COUNT(*) FROM reviews").await, 4);
    let missing = CycleId(id.0 + 1);
    assert!(
        !store
            .start_cycle(missing, &again, bo, "cli:hr", at(200))
            .await
            .unwrap()
    );

    let entries = audit(&db, "review_cycle.start").await;
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].1["cycle_id"], id.0);
    assert_eq!(entries[0].1["participants"], 2);
}

#[tokio::test]
async fn hr_in_their_own_cycle_without_a_manager_writes_no_manager_review_of_themselves() {
    let db = TestDb::new().await;
    let [ana, _, _, dee] = people(&db).await;
    let store = &db.store;
    let id = create(store, "2026 H2", 0).await;
    let everyone = [participant(ana, None), participant(dee, None)];
    assert!(
        store
            .start_cycle(id, &everyone, dee, "cli:hr", at(100))
            .await
            .unwrap()
    );
    let mut written = listed(store, ReviewFilter::default()).await;
    written.sort_by_key(|&(subject, reviewer, kind, _)| (subject, reviewer, kind));
    let pending = ReviewState::Pending;
    let mut expected = vec![
        (ana, ana, Reviewer::SelfReview, pending),
        (ana, dee, Reviewer::Manager, pending),
        (dee, dee, Reviewer::SelfReview, pending),
    ];
    expected.sort_by_key(|&(subject, reviewer, kind, _)| (subject, reviewer, kind));
    assert_eq!(written, expected);
}

#[tokio::test]
async fn the_threshold_changes_audited_until_the_results_are_released_once() {
    let db = TestDb::new().await;
    let (_, id) = started(&db).await;
    let store = &db.store;
    let draft = create(store, "2027 H1", 0).await;

    assert!(store.set_threshold(id, 5, "cli:hr", at(200)).await.unwrap());
    let cycle = store.cycle(id).await.unwrap().unwrap();
    assert_eq!(cycle.spec.min_responses, 5);
    assert_eq!(
        cycle.spec,
        CycleSpec {
            min_responses: 5,
            ..spec("2026 H2")
        },
        "the rest kept"
    );

    assert!(
        !store.release_cycle(draft, "cli:hr", at(250)).await.unwrap(),
        "a draft has no results"
    );
    assert!(store.release_cycle(id, "cli:hr", at(300)).await.unwrap());
    assert!(
        !store.release_cycle(id, "cli:hr", at(310)).await.unwrap(),
        "released once"
    );
    assert_eq!(
        store.cycle(id).await.unwrap().unwrap().released_at,
        Some(at(300))
    );

    assert!(!store.set_threshold(id, 3, "cli:hr", at(400)).await.unwrap());
    assert_eq!(
        store.cycle(id).await.unwrap().unwrap().spec.min_responses,
        5
    );
    assert!(
        !store
            .set_threshold(CycleId(id.0 + 100), 3, "cli:hr", at(400))
            .await
            .unwrap()
    );

    // Released, it still closes; closed, an unreleased cycle no longer releases.
    assert!(store.close_cycle(id, "cli:hr", at(500)).await.unwrap());
    assert!(
        store
            .start_cycle(draft, &[], PersonId(1), "cli:hr", at(500))
            .await
            .unwrap()
    );
    assert!(store.close_cycle(draft, "cli:hr", at(510)).await.unwrap());
    assert!(!store.release_cycle(draft, "cli:hr", at(520)).await.unwrap());

    let entries = audit(&db, "review_cycle.threshold").await;
    assert_eq!(entries.len(), 1, "only the change made");
    let (actor, details) = &entries[0];
    assert_eq!(actor, "cli:hr");
    assert_eq!(details["cycle_id"], id.0);
    assert_eq!(
        (details["from"].clone(), details["to"].clone()),
        (json!(4), json!(5))
    );
    let releases = audit(&db, "review_cycle.release").await;
    assert_eq!(releases.len(), 1);
    assert_eq!(releases[0].1["cycle_id"], id.0);
}

#[tokio::test]
async fn each_person_acknowledges_their_results_once() {
    let db = TestDb::new().await;
    let ([ana, _, cy, _], id) = started(&db).await;
    let store = &db.store;
    let other = create(store, "2027 H1", 0).await;

    assert!(store.acknowledge(id, cy, at(300)).await.unwrap());
    assert!(store.acknowledge(id, ana, at(200)).await.unwrap());
    assert!(!store.acknowledge(id, ana, at(400)).await.unwrap(), "once");
    assert!(
        store.acknowledge(other, ana, at(500)).await.unwrap(),
        "once per cycle"
    );

    assert_eq!(
        store.acknowledgements(id).await.unwrap(),
        [(ana, at(200)), (cy, at(300))]
    );
    assert_eq!(
        store.acknowledgements(other).await.unwrap(),
        [(ana, at(500))]
    );
}
