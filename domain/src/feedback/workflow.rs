//! What `/feedback` and its buttons and form do, once for every platform, and what its
//! notices say when they are posted.

use crate::command::name_of;
use chrono::{DateTime, Duration, Utc};

use super::messages::{self, DECLINE, GIVE, MAX_CHARS, MIN_CHARS, SUBMIT};
use super::parse::{FeedbackCommand, HELP};
use crate::chat::{Block, Interaction, Message, Reply};
use crate::command::{mentioned, person_by_id};
use crate::people::{Person, PersonId, Platform};
use crate::ports::{
    Destination, Directory, Feedback, FeedbackFilter, FeedbackRequestId, FeedbackVisibility,
    GiveFeedback, NewFeedback, NewFeedbackRequest, NewNotice, Notice, OneOnOnes, StoreError,
};

/// How far back `/feedback` looks.
const MINE_SPAN: Duration = Duration::days(90);

/// Runs `/feedback` for `person`, sent from `platform`.
pub async fn run<S: Directory + Feedback + OneOnOnes>(
    store: &S,
    person: &Person,
    platform: Platform,
    command: FeedbackCommand,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    match command {
        FeedbackCommand::Help => Ok(Reply::Private(HELP.to_owned())),
        FeedbackCommand::Mine => mine(store, person, now).await.map(Reply::Update),
        FeedbackCommand::Give { to } => {
            let subject = match other(store, person, platform, &to).await? {
                Ok(subject) => subject,
                Err(sentence) => return Ok(Reply::Private(sentence)),
            };
            Ok(Reply::Open(messages::form(
                format!("p:{}", subject.id.0),
                subject.name.as_str(),
                None,
            )))
        }
        FeedbackCommand::Request { from, about } => {
            let mut givers = Vec::with_capacity(from.len());
            for user in &from {
                match other(store, person, platform, user).await? {
                    Ok(giver) => givers.push(giver),
                    Err(sentence) => return Ok(Reply::Private(sentence)),
                }
            }
            let policy = store.coaching_policy().await?;
            let requests: Vec<NewFeedbackRequest> = givers
                .iter()
                .map(|giver| NewFeedbackRequest {
                    subject: person.id,
                    requester: person.id,
                    giver: giver.id,
                    about: about.clone(),
                    asked_at: now,
                    remind_at: now + policy.remind_after(),
                    expires_at: now + policy.expire_after(),
                    notice: NewNotice {
                        platform: giver.dm_platform(Some(platform)).unwrap_or(platform),
                        to: Destination::Person(giver.id),
                    },
                })
                .collect();
            store.request_feedback(&requests).await?;
            let names: Vec<&str> = givers.iter().map(|g| g.name.as_str()).collect();
            Ok(Reply::Private(format!(
                "Asked {} for feedback about {about}. They have until {}; I'll remind them \
                 once. You'll get each answer as it comes.",
                and_list(&names),
                messages::until(now + policy.expire_after(), person.timezone.tz())
            )))
        }
    }
}

/// `Ana`, `Ana and Ben`, `Ana, Ben and Cy`.
fn and_list(names: &[&str]) -> String {
    match names {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [init @ .., last] => format!("{} and {last}", init.join(", ")),
    }
}

/// The person `user` mentions, who is not `person`; or why not.
async fn other<S: Directory>(
    store: &S,
    person: &Person,
    platform: Platform,
    user: &str,
) -> Result<Result<Person, String>, StoreError> {
    Ok(match mentioned(store, platform, user).await? {
        Ok(other) if other.id == person.id => Err(
            "Feedback is between two people: name someone other than yourself. Nothing was \
             sent."
                .to_owned(),
        ),
        found => found,
    })
}

/// `/feedback`: what `person` received (what they may read) and what waits for their answer.
async fn mine<S: Directory + Feedback>(
    store: &S,
    person: &Person,
    now: DateTime<Utc>,
) -> Result<Message, StoreError> {
    let zone = person.timezone.tz();
    let filter = FeedbackFilter {
        subject: Some(person.id),
        from: now - MINE_SPAN,
        to: now + Duration::seconds(1),
    };
    let mut received = Vec::new();
    for record in store.feedback(&filter).await? {
        if record.visibility == FeedbackVisibility::Shared {
            let giver = name_of(store, record.giver).await?;
            received.push(messages::line(&record, &giver, zone));
        }
    }
    let mut blocks = vec![Block::Header("Your feedback".to_owned())];
    blocks.push(Block::Text(if received.is_empty() {
        "No feedback in the last 90 days. Ask for some: `/feedback request @ana about \"the \
         launch\"`."
            .to_owned()
    } else {
        format!("**Received, last 90 days**\n{}", received.join("\n"))
    }));
    let waiting: Vec<_> = store
        .feedback_requests(Some(person.id))
        .await?
        .into_iter()
        .filter(|request| request.open_at(now))
        .take(5)
        .collect();
    for request in &waiting {
        let requester = name_of(store, request.requester).await?;
        blocks.extend(messages::ask(request, &requester, zone, false).blocks);
    }
    Ok(Message {
        summary: "Your feedback".to_owned(),
        blocks,
    })
}

/// Answers a button or the form of feedback, pressed or submitted by `person`.
pub async fn interact<S: Directory + Feedback>(
    store: &S,
    person: &Person,
    platform: Platform,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let value = interaction.value();
    match (interaction.action(), interaction) {
        (GIVE | DECLINE, Interaction::Pressed { .. }) => {
            let Some(request) = asked_of(store, person, value).await? else {
                return Ok(Reply::Private(GONE.to_owned()));
            };
            if !request.open_at(now) {
                return Ok(Reply::Private(closed(
                    request.status,
                    request.expires_at,
                    now,
                )));
            }
            if interaction.action() == DECLINE {
                store.decline_feedback(request.id, now).await?;
                return Ok(Reply::Private(
                    "Declined: you won't be asked about it again.".to_owned(),
                ));
            }
            let subject = name_of(store, request.subject).await?;
            Ok(Reply::Open(messages::form(
                format!("r:{}", request.id.0),
                &subject,
                Some(&request.about),
            )))
        }
        (SUBMIT, Interaction::Submitted { answers, .. }) => {
            let text = answers.get("text").map_or("", |t| t.trim());
            let chars = text.chars().count();
            if !(MIN_CHARS..=MAX_CHARS).contains(&chars) {
                return Ok(Reply::FieldErrors(
                    [(
                        "text".to_owned(),
                        format!("Write {MIN_CHARS} to {MAX_CHARS} characters; this is {chars}."),
                    )]
                    .into_iter()
                    .collect(),
                ));
            }
            let visibility = answers
                .get("visibility")
                .and_then(|v| FeedbackVisibility::parse(v))
                .unwrap_or(FeedbackVisibility::Shared);
            let (subject, request) = match value.split_once(':') {
                Some(("r", id)) => {
                    let Some(request) = asked_of(store, person, id).await? else {
                        return Ok(Reply::Private(GONE.to_owned()));
                    };
                    (request.subject, Some(request.id))
                }
                Some(("p", id)) => match id.parse().map(PersonId) {
                    Ok(id) if id != person.id => (id, None),
                    _ => return Ok(Reply::Private(GONE.to_owned())),
                },
                _ => return Ok(Reply::Private(GONE.to_owned())),
            };
            let Some(subject) = person_by_id(store, subject).await?.filter(|p| p.active) else {
                return Ok(Reply::Private(GONE.to_owned()));
            };
            let notices = told(store, &subject, visibility, platform).await?;
            let outcome = store
                .give_feedback(&NewFeedback {
                    subject: subject.id,
                    giver: person.id,
                    request,
                    text: text.to_owned(),
                    visibility,
                    given_at: now,
                    notices,
                })
                .await?;
            Ok(Reply::Private(match outcome {
                GiveFeedback::Given(_) => match visibility {
                    FeedbackVisibility::Shared => format!(
                        "Thanks: {} and their manager will read it, with your name.",
                        subject.name
                    ),
                    FeedbackVisibility::ManagerOnly => {
                        format!("Thanks: only {}'s manager will read it.", subject.name)
                    }
                },
                GiveFeedback::AlreadyAnswered => {
                    "You answered that request already; nothing more was sent.".to_owned()
                }
                GiveFeedback::Expired => {
                    "That request expired before you sent this; nothing was sent.".to_owned()
                }
            }))
        }
        _ => Ok(Reply::Private(GONE.to_owned())),
    }
}

const GONE: &str = "That feedback request is not one of yours, or is gone. Nothing changed.";

fn closed(
    status: crate::ports::RequestStatus,
    expires_at: DateTime<Utc>,
    now: DateTime<Utc>,
) -> String {
    match status {
        crate::ports::RequestStatus::Answered => "You answered that request already.".to_owned(),
        crate::ports::RequestStatus::Declined => "You declined that request.".to_owned(),
        crate::ports::RequestStatus::Open if now >= expires_at => {
            "That request has expired; nothing to answer any more.".to_owned()
        }
        crate::ports::RequestStatus::Open => "That request is open.".to_owned(),
    }
}

/// The request `id` names, if it was asked of `person`.
async fn asked_of<S: Feedback>(
    store: &S,
    person: &Person,
    id: &str,
) -> Result<Option<crate::ports::FeedbackRequest>, StoreError> {
    let Ok(id) = id.parse().map(FeedbackRequestId) else {
        return Ok(None);
    };
    Ok(store
        .feedback_request(id)
        .await?
        .filter(|request| request.giver == person.id))
}

/// Who is told of feedback about `subject`: they themselves if it is shared, and their
/// manager, each on a platform they can be reached on.
async fn told<S: Directory>(
    store: &S,
    subject: &Person,
    visibility: FeedbackVisibility,
    platform: Platform,
) -> Result<Vec<NewNotice>, StoreError> {
    let mut told = Vec::new();
    if visibility == FeedbackVisibility::Shared {
        told.push(subject.clone());
    }
    if let Some(manager) = &subject.manager {
        told.extend(crate::command::active_by_email(store, manager).await?);
    }
    Ok(told
        .iter()
        .filter_map(|person| {
            Some(NewNotice {
                platform: person.dm_platform(Some(platform))?,
                to: Destination::Person(person.id),
            })
        })
        .collect())
}

/// What a feedback notice says at `now`; `None` if there is nothing to say any more (the
/// request answered, declined or expired) or the subject is not feedback's.
pub async fn compose<S: Directory + Feedback>(
    store: &S,
    notice: &Notice,
    now: DateTime<Utc>,
) -> Result<Option<Message>, StoreError> {
    let Destination::Person(to) = notice.to else {
        return Ok(None);
    };
    let Some(reader) = person_by_id(store, to).await? else {
        return Ok(None);
    };
    let zone = reader.timezone.tz();
    let ask = notice
        .subject
        .strip_prefix("feedback_ask:")
        .map(|id| (id, false))
        .or_else(|| {
            notice
                .subject
                .strip_prefix("feedback_remind:")
                .map(|id| (id, true))
        });
    if let Some((id, reminder)) = ask {
        let Some(request) = asked_of(store, &reader, id).await? else {
            return Ok(None);
        };
        if !request.open_at(now) {
            return Ok(None);
        }
        let requester = name_of(store, request.requester).await?;
        return Ok(Some(messages::ask(&request, &requester, zone, reminder)));
    }
    let Some(id) = notice
        .subject
        .strip_prefix("feedback:")
        .and_then(|id| id.parse().ok())
    else {
        return Ok(None);
    };
    let Some(record) = store.feedback_by_id(crate::ports::FeedbackId(id)).await? else {
        return Ok(None);
    };
    let giver = name_of(store, record.giver).await?;
    if reader.id == record.subject {
        return Ok((record.visibility == FeedbackVisibility::Shared)
            .then(|| messages::feedback(&record, &giver, None)));
    }
    let subject = name_of(store, record.subject).await?;
    Ok(Some(messages::feedback(&record, &giver, Some(&subject))))
}
