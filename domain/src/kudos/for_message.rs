//! Kudos for a message, with no command to type: the kudos emoji as a reaction on someone's
//! message, or *Give kudos for this* on it (a Slack message shortcut, a Discord message
//! command), which opens a form for the reason, a company value and who is told.
//!
//! Both cite the message by link, and one giver's kudos for one message is given once
//! ([`Cited::key`]): a platform delivering the reaction twice, the emoji taken off and put
//! back, or a shortcut after the reaction changes nothing.

use std::collections::BTreeMap;

use chrono::{DateTime, Utc};

use super::cited::Cited;
use super::command::{GiveRequest, reason_and_tags};
use super::messages;
use super::policy::KudosPolicy;
use super::values::{MAX_REASON_CHARS, ValueTag};
use super::workflow::{Origin, Refused, attempt, recipients};
use crate::chat::{Field, Form, Input, Interaction, Reply};
use crate::people::{Person, Platform};
use crate::ports::{Directory, GiveOutcome, Kudos, KudosSource, StoreError};

/// The action of the press the adapters make of *Give kudos for this*; its value is the
/// [`Cited::encode`]d message.
pub const SHORTCUT: &str = "kudos:for";
/// The action of the form it opens.
pub const SUBMIT: &str = "kudos:give";
/// The shortcut's `callback_id` in Slack's app manifest.
pub const SLACK_CALLBACK_ID: &str = "kudos_for_message";
/// The Discord message command's name, as people see it in the *Apps* menu.
pub const COMMAND_NAME: &str = "Give kudos for this";

/// The form's fields.
const REASON: &str = "reason";
const VALUE: &str = "value";
const WHO: &str = "visibility";

/// An emoji put on a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reaction {
    /// The emoji: Slack's name (`clap`, `clap::skin-tone-2`), Discord's character or custom
    /// emoji's name.
    pub emoji: String,
    /// The message it was put on.
    pub cited: Cited,
}

/// A reaction by `giver`: kudos to the message's author if it is the policy's emoji. What
/// to tell the giver, or nothing: another emoji, one on their own message or on a bot's, and
/// a repeat are no kudos and say nothing.
pub async fn react<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    reaction: &Reaction,
    now: DateTime<Utc>,
) -> Result<Option<String>, StoreError> {
    let cited = &reaction.cited;
    let policy = store.kudos_policy().await?;
    if !policy.is_reaction(cited.platform, &reaction.emoji) || cited.author.is_empty() {
        return Ok(None);
    }
    let Some(author) = crate::link::holder(store, cited.platform, &cited.author, false).await?
    else {
        return Ok(None);
    };
    if author.id == giver.id {
        return Ok(None);
    }
    let shown = match cited.platform {
        Platform::Slack => format!(":{}:", reaction.emoji),
        Platform::Discord => reaction.emoji.clone(),
    };
    let request = GiveRequest {
        recipients: vec![cited.author.clone()],
        reason: format!("Reacted with {shown} to their message."),
        tags: Vec::new(),
        private: false,
    };
    let origin = origin(cited, KudosSource::Reaction, giver);
    Ok(match attempt(store, giver, request, origin, now).await? {
        Ok(attempted) if matches!(attempted.outcome, GiveOutcome::Repeat(_)) => None,
        Ok(attempted) => Some(attempted.said),
        Err(Refused::Values(_)) => Some(format!(
            "A reaction can't name a company value, and every kudos here needs one: use \
             *{COMMAND_NAME}* on the message, or `/kudos @someone why #value`. Nothing was \
             given."
        )),
        Err(refused) => Some(refused.into_sentence()),
    })
}

/// *Give kudos for this*, and the form it opens, for `giver` on `platform`.
pub async fn interact<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    platform: Platform,
    interaction: &Interaction,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let Some(cited) = Cited::decode(platform, interaction.value()) else {
        return Ok(Reply::Private(
            "I could not tell which message that was; please try again.".to_owned(),
        ));
    };
    match interaction {
        Interaction::Submitted { answers, .. } if interaction.action() == SUBMIT => {
            submit(store, giver, &cited, answers, now).await
        }
        _ => open(store, giver, &cited, now).await,
    }
}

/// The form, once the author is someone `giver` can recognise and their allowance is not
/// spent (so nobody writes a reason for nothing).
async fn open<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    cited: &Cited,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    if cited.author.is_empty() {
        return Ok(Reply::Private(
            "Kudos go to people, and that message was posted by an app.".to_owned(),
        ));
    }
    let author = match recipients(
        store,
        giver,
        cited.platform,
        std::slice::from_ref(&cited.author),
    )
    .await?
    {
        Ok(mut people) if !people.is_empty() => people.remove(0),
        Ok(_) => return Ok(Reply::Nothing),
        Err(sentence) => return Ok(Reply::Private(sentence)),
    };
    let policy = store.kudos_policy().await?;
    let (since, resets) = policy.period.window(now, giver.timezone.tz());
    let limit = policy.give_limit(giver.role);
    let given = store.kudos_given_since(giver.id, since).await?;
    if given >= limit {
        return Ok(Reply::Private(messages::over_allowance(
            &policy, 0, 1, resets, giver, now,
        )));
    }
    Ok(Reply::Open(form(&policy, cited, author.name.as_str())))
}

/// The form: why, which value, who is told.
fn form(policy: &KudosPolicy, cited: &Cited, name: &str) -> Form {
    let mut fields = vec![Field {
        id: REASON.to_owned(),
        label: format!("Why are you recognising {name}?"),
        optional: false,
        input: Input::Text {
            multiline: true,
            max_chars: MAX_REASON_CHARS,
            initial: None,
            placeholder: Some(
                "What did they do, and why did it matter? #tags name company values.".to_owned(),
            ),
        },
    }];
    if !policy.values.is_empty() {
        fields.push(Field {
            id: VALUE.to_owned(),
            label: "Company value".to_owned(),
            optional: !policy.require_value,
            input: Input::Choice {
                options: policy
                    .values
                    .iter()
                    .map(|value| (value.tag.to_string(), value.name.clone()))
                    .collect(),
                initial: None,
            },
        });
    }
    fields.push(Field {
        id: WHO.to_owned(),
        label: "Who is told".to_owned(),
        optional: false,
        input: Input::Choice {
            options: vec![
                (
                    "public".to_owned(),
                    "Everyone: it is announced, and they get a DM".to_owned(),
                ),
                (
                    "private".to_owned(),
                    format!("Only {name} and their manager"),
                ),
            ],
            initial: Some("public".to_owned()),
        },
    });
    Form {
        action: SUBMIT.to_owned(),
        value: cited.encode(),
        title: "Give kudos".to_owned(),
        submit: "Give kudos".to_owned(),
        fields,
    }
}

/// The form submitted: a reason that is too short or a value that is missing keeps it open
/// with the problem under its field; anything else closes it with what happened.
async fn submit<S: Kudos + Directory>(
    store: &S,
    giver: &Person,
    cited: &Cited,
    answers: &BTreeMap<String, String>,
    now: DateTime<Utc>,
) -> Result<Reply, StoreError> {
    let typed = answers.get(REASON).map_or("", String::as_str);
    let words: Vec<&str> = typed.split_whitespace().collect();
    let (reason, mut tags) = match reason_and_tags(&words) {
        Ok(read) => read,
        Err(sentence) => return Ok(field_error(REASON, sentence)),
    };
    if let Some(chosen) = answers.get(VALUE) {
        match ValueTag::parse(chosen) {
            Ok(tag) if !tags.contains(&tag) => tags.insert(0, tag),
            Ok(_) => {}
            Err(invalid) => return Ok(field_error(VALUE, invalid.to_string())),
        }
    }
    let request = GiveRequest {
        recipients: vec![cited.author.clone()],
        reason,
        tags,
        private: answers.get(WHO).map(String::as_str) == Some("private"),
    };
    let origin = origin(cited, KudosSource::Shortcut, giver);
    Ok(match attempt(store, giver, request, origin, now).await? {
        Ok(attempted) => Reply::Private(attempted.said),
        Err(Refused::Reason(sentence)) => field_error(REASON, sentence),
        Err(Refused::Values(sentence)) => {
            let has_values = !store.kudos_policy().await?.values.is_empty();
            field_error(if has_values { VALUE } else { REASON }, sentence)
        }
        Err(refused @ Refused::Recipient(_)) => Reply::Private(refused.into_sentence()),
    })
}

fn field_error(field: &str, sentence: String) -> Reply {
    Reply::FieldErrors(BTreeMap::from([(field.to_owned(), sentence)]))
}

fn origin(cited: &Cited, source: KudosSource, giver: &Person) -> Origin {
    Origin {
        platform: cited.platform,
        source,
        message_link: Some(cited.link()),
        key: Some(cited.key(giver.id.0)),
    }
}
