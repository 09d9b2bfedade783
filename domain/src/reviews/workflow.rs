//! Writing a review in chat, once for every platform: *Write review* opens the first page;
//! each page sent is saved as a draft and the message moves on to the next page; once every
//! required question is answered, *Submit review* submits and locks it. Whoever presses
//! must be the review's author ([`super::access`]); a submitted review and a cycle that is
//! not running refuse with a sentence.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::access::{Action, Context, Relation, check};
use super::form::Reviewer;
use super::model::{CycleState, ReviewState};
use super::pages::{self, SAVE, SUBMIT, WRITE};
use crate::chat::{Block, Button, ButtonStyle, Form, Interaction, Message, Reply, escape_markup};
use crate::command::name_of;
use crate::people::{Person, Role};
use crate::ports::{Cycle, Directory, Review, ReviewId, Reviews, SaveReview, StoreError};

/// What `person` pressing a review's button or sending one of its pages does.
pub async fn interact<S: Reviews + Directory>(
    store: &S,
    person: &Person,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let value = interaction.value();
    let (id, page) = match interaction.action() {
        SUBMIT => (value.parse().ok(), 0),
        _ => pages::read_value(value).map_or((None, 0), |(id, page)| (Some(id), page)),
    };
    let found = match id {
        Some(id) => writable(store, person, ReviewId(id)).await?,
        None => Err("That button is out of date; try /review.".to_owned()),
    };
    let (review, cycle) = match found {
        Ok(found) => found,
        Err(refusal) => return Ok(Reply::Private(refusal)),
    };
    let subject = name_of(store, review.subject).await?;
    match (interaction.action(), interaction) {
        (WRITE, _) => Ok(open_page(&review, &cycle, page)),
        (SAVE, Interaction::Submitted { answers, .. }) => {
            save_page(store, (&review, &cycle), &subject, page, answers, now).await
        }
        (SUBMIT, _) => submit(store, (&review, &cycle), &subject, now).await,
        _ => Ok(Reply::Private(
            "I did not understand that button; try /review.".to_owned(),
        )),
    }
}

/// The review `id` and its cycle, if `person` may write it now; else why not.
async fn writable<S: Reviews>(
    store: &S,
    person: &Person,
    id: ReviewId,
) -> Result<Result<(Review, Cycle), String>, StoreError> {
    let Some(review) = store.review(id).await? else {
        return Ok(Err("That review no longer exists.".to_owned()));
    };
    let context = Context {
        assigned_peer: review.kind == Reviewer::Peer && review.reviewer == person.id,
        author: review.reviewer == person.id,
        ..Context::default()
    };
    let relation = if review.subject == person.id {
        Relation::Own
    } else if review.kind == Reviewer::Manager && review.reviewer == person.id {
        Relation::Report
    } else {
        Relation::Other
    };
    if review.reviewer != person.id {
        return Ok(Err("That review is someone else's to write.".to_owned()));
    }
    // The cycle recorded who manages each participant when it started; whoever it named
    // writes the manager review, whatever role the directory gives them.
    let role = match review.kind {
        Reviewer::Manager if person.role == Role::Employee => Role::Manager,
        _ => person.role,
    };
    if let Err(reason) = check(role, Action::WriteReview(review.kind), relation, context) {
        return Ok(Err(reason.to_owned()));
    }
    let Some(cycle) = store.cycle(review.cycle).await? else {
        return Ok(Err("That review's cycle no longer exists.".to_owned()));
    };
    if cycle.state != CycleState::Active || cycle.released_at.is_some() {
        return Ok(Err(format!(
            "{} is not taking reviews any more.",
            cycle.spec.name
        )));
    }
    if review.state == ReviewState::Submitted {
        return Ok(Err(
            "You submitted this review; it is locked. HR can reopen it if something must change."
                .to_owned(),
        ));
    }
    Ok(Ok((review, cycle)))
}

/// What a review is, in the words of its author: `your self-review`, `Ben's review`.
fn what(review: &Review, subject: &str) -> String {
    match review.kind {
        Reviewer::SelfReview => "your self-review".to_owned(),
        Reviewer::Peer => format!("your peer review of {subject}"),
        Reviewer::Manager => format!("your review of {subject}"),
    }
}

/// The form for `page` of `review`, holding the draft.
fn open_page(review: &Review, cycle: &Cycle, page: usize) -> Reply {
    let all = pages::pages(&cycle.spec.form, review.kind);
    let Some(questions) = all.get(page) else {
        return Reply::Private("That page is out of date; try /review.".to_owned());
    };
    let title = if all.len() > 1 {
        format!("Review · page {} of {}", page + 1, all.len())
    } else {
        "Review".to_owned()
    };
    Reply::Open(Form {
        action: SAVE.to_owned(),
        value: pages::value(review.id.0, page),
        title,
        submit: "Save".to_owned(),
        fields: pages::fields(questions, &review.answers),
    })
}

/// Saves one page's answers into the draft and moves the message on.
async fn save_page<S: Reviews>(
    store: &S,
    (review, cycle): (&Review, &Cycle),
    subject: &str,
    page: usize,
    raw: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let all = pages::pages(&cycle.spec.form, review.kind);
    let Some(questions) = all.get(page) else {
        return Ok(Reply::Private(
            "That page is out of date; try /review.".to_owned(),
        ));
    };
    let read = match pages::read_page(questions, raw) {
        Ok(read) => read,
        Err(problems) => return Ok(Reply::FieldErrors(problems)),
    };
    let mut answers = review.answers.clone();
    for question in questions {
        answers.remove(&question.id);
    }
    answers.extend(read);
    match store.save_review(review.id, &answers, false, now).await? {
        SaveReview::Saved(saved) => Ok(Reply::Update(progress(&saved, cycle, subject, page + 1))),
        SaveReview::Locked => Ok(Reply::Private(
            "This review was submitted meanwhile; it is locked.".to_owned(),
        )),
        SaveReview::CycleNotActive => Ok(Reply::Private(format!(
            "{} is not taking reviews any more; nothing was saved.",
            cycle.spec.name
        ))),
    }
}

/// The message after a page is saved: the next page, or *Submit review* once nothing
/// required is missing.
pub fn progress(review: &Review, cycle: &Cycle, subject: &str, next: usize) -> Message {
    let all = pages::pages(&cycle.spec.form, review.kind);
    let about = what(review, subject);
    let missing = pages::missing(&cycle.spec.form, review.kind, &review.answers);
    let mut buttons = Vec::new();
    let text = if next < all.len() {
        buttons.push(button(WRITE, pages::value(review.id.0, next), "Next page"));
        format!("Draft of {about} saved: page {next} of {} done.", all.len())
    } else if missing.is_empty() {
        buttons.push(Button {
            action: SUBMIT.to_owned(),
            value: review.id.0.to_string(),
            label: "Submit review".to_owned(),
            style: ButtonStyle::Primary,
        });
        format!(
            "Draft of {about} saved, and complete. Submit it when you are ready: a submitted \
             review is locked."
        )
    } else {
        format!(
            "Draft of {about} saved. Still to answer: {}.",
            missing
                .iter()
                .map(|prompt| escape_markup(prompt))
                .collect::<Vec<_>>()
                .join("; ")
        )
    };
    if next >= all.len() && !missing.is_empty() && all.len() == 1 {
        buttons.push(button(
            WRITE,
            pages::value(review.id.0, 0),
            "Continue writing",
        ));
    }
    if all.len() > 1 {
        for n in 0..next.min(all.len()) {
            let label = format!("Edit page {}", n + 1);
            buttons.push(button(WRITE, pages::value(review.id.0, n), &label));
        }
    }
    Message {
        summary: format!("Draft of {about} saved"),
        blocks: vec![
            Block::Header(cycle.spec.name.clone()),
            Block::Text(text),
            Block::Buttons(buttons),
        ],
    }
}

fn button(action: &str, value: String, label: &str) -> Button {
    Button {
        action: action.to_owned(),
        value,
        label: label.to_owned(),
        style: ButtonStyle::Default,
    }
}

/// Submits the draft if nothing required is missing.
async fn submit<S: Reviews>(
    store: &S,
    (review, cycle): (&Review, &Cycle),
    subject: &str,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let missing = pages::missing(&cycle.spec.form, review.kind, &review.answers);
    if !missing.is_empty() {
        return Ok(Reply::Private(format!(
            "Not submitted: still to answer: {}.",
            missing.join("; ")
        )));
    }
    Ok(
        match store
            .save_review(review.id, &review.answers, true, now)
            .await?
        {
            SaveReview::Saved(_) => Reply::Update(Message {
                summary: "Review submitted".to_owned(),
                blocks: vec![
                    Block::Header(cycle.spec.name.clone()),
                    Block::Text(format!(
                        "Submitted ✓ {} is locked; HR can reopen it if something must change.",
                        capitalised(&what(review, subject))
                    )),
                ],
            }),
            SaveReview::Locked => Reply::Private("This review is already submitted.".to_owned()),
            SaveReview::CycleNotActive => Reply::Private(format!(
                "{} is not taking reviews any more; nothing was submitted.",
                cycle.spec.name
            )),
        },
    )
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
