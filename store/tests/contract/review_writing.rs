//! Writing a review in chat against the real store: only its author opens it; a page's bad
//! answer is refused by field; a saved page moves the message on; *Submit review* waits
//! until nothing required is missing, then locks the review.

use std::collections::BTreeMap;

use rhythm_domain::chat::{Block, Interaction, Message, Reply};
use rhythm_domain::people::{Person, PersonId};
use rhythm_domain::ports::{ReviewFilter, ReviewId, Reviews as _};
use rhythm_domain::reviews::form::Reviewer;
use rhythm_domain::reviews::model::ReviewState;
use rhythm_domain::reviews::pages::{SAVE, SUBMIT, WRITE};
use rhythm_domain::reviews::workflow::interact;
use rhythm_store::Store;
use rhythm_testing::TestDb;

use crate::reviews::started;
use crate::support::{at, person};

fn press(action: &str, value: String) -> Interaction {
    Interaction::Pressed {
        action: action.to_owned(),
        value,
    }
}

fn send(review: ReviewId, pairs: &[(&str, &str)]) -> Interaction {
    Interaction::Submitted {
        action: SAVE.to_owned(),
        value: format!("{}:0", review.0),
        answers: pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    }
}

async fn review_of(store: &Store, subject: PersonId, kind: Reviewer) -> ReviewId {
    let filter = ReviewFilter {
        subject: Some(subject),
        kind: Some(kind),
        ..ReviewFilter::default()
    };
    store.reviews(&filter).await.unwrap()[0].id
}

async fn act(store: &Store, who: &Person, interaction: &Interaction) -> Reply {
    interact(store, who, interaction, at(200)).await.unwrap()
}

fn shown(message: &Message) -> (String, Vec<String>) {
    let text = format!("{:?}", message.blocks);
    let actions = message
        .blocks
        .iter()
        .filter_map(|block| match block {
            Block::Buttons(buttons) => Some(buttons.iter().map(|b| b.action.clone())),
            _ => None,
        })
        .flatten()
        .collect();
    (text, actions)
}

#[tokio::test]
async fn a_review_is_written_a_page_at_a_time_and_locked_once_submitted() {
    let db = TestDb::new().await;
    let ([ana_id, ..], _) = started(&db).await;
    let store = &db.store;
    let (ana, bo) = (
        person(store, "ana@x.com").await,
        person(store, "bo@x.com").await,
    );
    let own = review_of(store, ana_id, Reviewer::SelfReview).await;
    let write = press(WRITE, format!("{}:0", own.0));

    let Reply::Private(refused) = act(store, &bo, &write).await else {
        panic!("Bo may not open Ana's self-review")
    };
    assert!(refused.contains("someone else's"), "{refused}");

    let Reply::Open(form) = act(store, &ana, &write).await else {
        panic!("a form")
    };
    let fields: Vec<&str> = form.fields.iter().map(|f| f.id.as_str()).collect();
    assert_eq!(
        fields,
        ["quality"],
        "a self-review asks no peer or manager question"
    );

    let Reply::FieldErrors(problems) = act(store, &ana, &send(own, &[("quality", "9")])).await
    else {
        panic!("refused by field")
    };
    assert_eq!(problems["quality"], "Pick one of the 5 levels.");
    let draft = store.review(own).await.unwrap().unwrap();
    assert_eq!(draft.state, ReviewState::Pending, "nothing saved");

    let Reply::Update(saved) = act(store, &ana, &send(own, &[("quality", "4")])).await else {
        panic!("the message moves on")
    };
    let (text, actions) = shown(&saved);
    assert!(text.contains("saved, and complete"), "{text}");
    assert_eq!(actions, [SUBMIT]);
    assert_eq!(
        store.review(own).await.unwrap().unwrap().state,
        ReviewState::InProgress
    );

    let Reply::Update(done) = act(store, &ana, &press(SUBMIT, own.0.to_string())).await else {
        panic!("submitted")
    };
    assert!(
        shown(&done).0.contains("Your self-review is locked"),
        "{done:?}"
    );
    let submitted = store.review(own).await.unwrap().unwrap();
    assert_eq!(submitted.state, ReviewState::Submitted);
    assert_eq!(submitted.answers["quality"], "4");
    let Reply::Private(locked) = act(store, &ana, &write).await else {
        panic!("locked")
    };
    assert!(locked.contains("locked"), "{locked}");

    // Bo (an employee in the directory, but the cycle's manager of Ana) writes her manager
    // review; it cannot be submitted while a required question is open.
    let managed = review_of(store, ana_id, Reviewer::Manager).await;
    let summary_only = send(managed, &[("summary", "A calm, strong half year.")]);
    let Reply::Update(partial) = act(store, &bo, &summary_only).await else {
        panic!("saved as a draft")
    };
    let (text, actions) = shown(&partial);
    assert!(
        text.contains("Still to answer: Quality of their work"),
        "{text}"
    );
    assert!(!actions.contains(&SUBMIT.to_owned()), "{actions:?}");
    let Reply::Private(not_yet) = act(store, &bo, &press(SUBMIT, managed.0.to_string())).await
    else {
        panic!("refused")
    };
    assert!(not_yet.starts_with("Not submitted"), "{not_yet}");
}
