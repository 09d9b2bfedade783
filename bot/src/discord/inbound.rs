//! What Discord sends, translated: a PING, a slash command, a button press, a modal
//! submission, *Give kudos for this* on a message (as a press naming it); and from the
//! gateway, a reaction. Each interaction but the PING carries its id, the idempotency key,
//! so a redelivered interaction is handled once, and its token, which answers it. A reaction
//! has no id: the kudos it gives is keyed by the message and the giver instead.
//!
//! The same translation serves both transports: the HTTP interactions endpoint's body and the
//! gateway's `INTERACTION_CREATE` event data are the same interaction object.

use std::collections::BTreeMap;

use rhythm_domain::chat::Interaction;
use rhythm_domain::kudos::cited::Cited;
use rhythm_domain::kudos::for_message::{self, Reaction};
use rhythm_domain::people::Platform;
use rhythm_domain::ports::MessageRef;
use serde_json::Value;

use super::render::parse_custom_id;

/// Interaction types (Discord's `InteractionType`).
const PING: u64 = 1;
const APPLICATION_COMMAND: u64 = 2;
const MESSAGE_COMPONENT: u64 = 3;
const AUTOCOMPLETE: u64 = 4;
const MODAL_SUBMIT: u64 = 5;

/// Component types (Discord's `ComponentType`) found in what is sent back.
const ACTION_ROW: u64 = 1;
const BUTTON: u64 = 2;
const LABEL: u64 = 18;

/// Application command option types that nest options rather than carry a value.
const SUB_COMMAND: u64 = 1;
const SUB_COMMAND_GROUP: u64 = 2;
/// Option types whose value is read specially: a flag, and a person.
const BOOLEAN: u64 = 5;
const USER: u64 = 6;
const MENTIONABLE: u64 = 9;
/// The application command types of slash commands and of message context-menu commands.
const CHAT_INPUT: u64 = 1;
const MESSAGE_COMMAND: u64 = 3;

/// Something Discord sent, translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// Discord checking the endpoint: answer with a PONG (`{"type": 1}`).
    Ping,
    /// A slash command.
    Command {
        /// The interaction id: the idempotency key.
        id: String,
        /// Answers the interaction (for 15 minutes).
        token: String,
        /// Who typed it (a user id).
        user: String,
        /// The command without its `/`: `checkin`, `rhythm`.
        name: String,
        /// What a Slack user would have typed after the command: the subcommand, then the
        /// options' values in order (`timezone Europe/Berlin`).
        text: String,
        /// Where it was typed.
        channel: Option<String>,
    },
    /// A button pressed or a form submitted.
    Interaction {
        /// The interaction id: the idempotency key.
        id: String,
        /// Answers the interaction (for 15 minutes).
        token: String,
        /// Who did it (a user id).
        user: String,
        /// What they did.
        interaction: Interaction,
        /// The message the button was on, or the form was opened from, if any.
        message: Option<MessageRef>,
    },
    /// Something valid that Rhythm does not act on (autocomplete, a context-menu command, a
    /// select menu), acknowledged; the text says what, for the log.
    Ignored(String),
}

impl Inbound {
    /// The key that makes handling it idempotent (the interaction id), if it has one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Command { id, .. } | Self::Interaction { id, .. } => Some(id),
            Self::Ping | Self::Ignored(_) => None,
        }
    }
}

/// Why a body could not be read: a 400 with this sentence.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct BadPayload(pub String);

fn bad(what: impl Into<String>) -> BadPayload {
    BadPayload(what.into())
}

/// The string at `path`, if there is one.
fn text(value: &Value, path: &[&str]) -> Option<String> {
    at(value, path).and_then(Value::as_str).map(str::to_owned)
}

fn at<'a>(value: &'a Value, path: &[&str]) -> Option<&'a Value> {
    path.iter().try_fold(value, |value, key| value.get(key))
}

/// The body of a request to the interactions endpoint (verified already).
pub fn interaction_body(body: &[u8]) -> Result<Inbound, BadPayload> {
    let payload: Value = serde_json::from_slice(body)
        .map_err(|error| bad(format!("the body is not JSON: {error}")))?;
    interaction(&payload)
}

/// An interaction object: the endpoint's parsed body, or an `INTERACTION_CREATE`'s `d`.
pub fn interaction(payload: &Value) -> Result<Inbound, BadPayload> {
    let kind = payload
        .get("type")
        .and_then(Value::as_u64)
        .ok_or_else(|| bad("an interaction needs a numeric `type`"))?;
    if kind == PING {
        return Ok(Inbound::Ping);
    }
    if !matches!(kind, APPLICATION_COMMAND | MESSAGE_COMPONENT | MODAL_SUBMIT) {
        let what = if kind == AUTOCOMPLETE {
            "an autocomplete request".to_owned()
        } else {
            format!("an interaction of type {kind}")
        };
        return Ok(Inbound::Ignored(what));
    }
    let id = text(payload, &["id"]).ok_or_else(|| bad("an interaction needs an `id`"))?;
    let token = text(payload, &["token"]).ok_or_else(|| bad("an interaction needs a `token`"))?;
    // In a guild the user is inside `member`; in a DM it is `user`.
    let user = text(payload, &["member", "user", "id"])
        .or_else(|| text(payload, &["user", "id"]))
        .ok_or_else(|| bad("an interaction needs `member.user.id` or `user.id`"))?;
    let data = payload
        .get("data")
        .ok_or_else(|| bad("an interaction needs `data`"))?;
    match kind {
        APPLICATION_COMMAND => command(payload, data, id, token, user),
        MESSAGE_COMPONENT => pressed(payload, data, id, token, user),
        _ => submitted(payload, data, id, token, user),
    }
}

/// A slash command; context-menu commands are ignored.
fn command(
    payload: &Value,
    data: &Value,
    id: String,
    token: String,
    user: String,
) -> Result<Inbound, BadPayload> {
    let name = text(data, &["name"]).ok_or_else(|| bad("a command needs `data.name`"))?;
    let command_type = data.get("type").and_then(Value::as_u64);
    if command_type == Some(MESSAGE_COMMAND) && name == for_message::COMMAND_NAME {
        return message_command(payload, data, id, token, user);
    }
    if command_type.is_some_and(|kind| kind != CHAT_INPUT) {
        return Ok(Inbound::Ignored(format!(
            "the context-menu command `{name}`"
        )));
    }
    let mut words = Vec::new();
    option_words(data, &mut words);
    Ok(Inbound::Command {
        id,
        token,
        user,
        name,
        text: words.join(" "),
        channel: text(payload, &["channel_id"]).or_else(|| text(payload, &["channel", "id"])),
    })
}

/// *Give kudos for this* on a message: a press naming the message (its author is left out
/// if it is a bot, as kudos go to people).
fn message_command(
    payload: &Value,
    data: &Value,
    id: String,
    token: String,
    user: String,
) -> Result<Inbound, BadPayload> {
    let target = text(data, &["target_id"])
        .ok_or_else(|| bad("a message command needs `data.target_id`"))?;
    let message = at(data, &["resolved", "messages", target.as_str()])
        .ok_or_else(|| bad("a message command needs its message in `data.resolved.messages`"))?;
    let by_bot = at(message, &["author", "bot"]).and_then(Value::as_bool) == Some(true);
    let author = text(message, &["author", "id"])
        .filter(|_| !by_bot)
        .unwrap_or_default();
    let channel = text(message, &["channel_id"])
        .or_else(|| text(payload, &["channel_id"]))
        .ok_or_else(|| bad("a message command needs a `channel_id`"))?;
    let cited = Cited {
        platform: Platform::Discord,
        author,
        channel,
        message: target,
        guild: text(payload, &["guild_id"]),
    };
    Ok(Inbound::Interaction {
        id,
        token,
        user,
        interaction: Interaction::Pressed {
            action: for_message::SHORTCUT.to_owned(),
            value: cited.encode(),
        },
        message: None,
    })
}

/// A `MESSAGE_REACTION_ADD` gateway event's data: who reacted, with what, on which message.
/// A custom emoji is named by its name.
pub fn reaction(data: &Value) -> Result<(String, Reaction), BadPayload> {
    let field =
        |name: &str| text(data, &[name]).ok_or_else(|| bad(format!("a reaction needs `{name}`")));
    let emoji =
        text(data, &["emoji", "name"]).ok_or_else(|| bad("a reaction needs `emoji.name`"))?;
    let reaction = Reaction {
        emoji,
        cited: Cited {
            platform: Platform::Discord,
            author: text(data, &["message_author_id"]).unwrap_or_default(),
            channel: field("channel_id")?,
            message: field("message_id")?,
            guild: text(data, &["guild_id"]),
        },
    };
    Ok((field("user_id")?, reaction))
}

/// A message component: a button pressed (select menus are ignored).
fn pressed(
    payload: &Value,
    data: &Value,
    id: String,
    token: String,
    user: String,
) -> Result<Inbound, BadPayload> {
    let custom_id = custom_id(data, "a message component")?;
    // Rhythm's messages hold buttons only; a missing type is taken for one.
    if let Some(other) = data
        .get("component_type")
        .and_then(Value::as_u64)
        .filter(|component| *component != BUTTON)
    {
        return Ok(Inbound::Ignored(format!(
            "a message component of type {other}"
        )));
    }
    let (action, value) = parse_custom_id(custom_id);
    let message = match payload.get("message") {
        Some(message) => Some(
            message_ref(message, payload)
                .ok_or_else(|| bad("a component's `message` needs an `id` and a channel"))?,
        ),
        None => None,
    };
    Ok(Inbound::Interaction {
        id,
        token,
        user,
        interaction: Interaction::Pressed {
            action: action.to_owned(),
            value: value.to_owned(),
        },
        message,
    })
}

/// A modal submitted, with the message it was opened from if there was one.
fn submitted(
    payload: &Value,
    data: &Value,
    id: String,
    token: String,
    user: String,
) -> Result<Inbound, BadPayload> {
    let (action, value) = parse_custom_id(custom_id(data, "a modal submission")?);
    Ok(Inbound::Interaction {
        id,
        token,
        user,
        interaction: Interaction::Submitted {
            action: action.to_owned(),
            value: value.to_owned(),
            answers: answers(data),
        },
        message: payload
            .get("message")
            .and_then(|message| message_ref(message, payload)),
    })
}

/// The words a Slack user would have typed for `parent`'s options: a subcommand's (or
/// group's) name followed by its own options. As a Slack user names people first
/// (`/kudos @ana @ben for …`), people (user options, as mentions `<@ID>`) come first, then
/// the other values in order, then flags (a true boolean option `private` as `--private`).
fn option_words(parent: &Value, words: &mut Vec<String>) {
    let options: Vec<&Value> = parent
        .get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    let kind = |option: &Value| option.get("type").and_then(Value::as_u64);
    let (people, rest): (Vec<&Value>, Vec<&Value>) = options
        .into_iter()
        .partition(|option| matches!(kind(option), Some(USER | MENTIONABLE)));
    let (flags, rest): (Vec<&Value>, Vec<&Value>) = rest
        .into_iter()
        .partition(|option| kind(option) == Some(BOOLEAN));
    for option in people {
        if let Some(id) = option.get("value").and_then(Value::as_str) {
            words.push(format!("<@{}>", id.trim()));
        }
    }
    for option in rest {
        match kind(option) {
            Some(SUB_COMMAND | SUB_COMMAND_GROUP) => {
                words.extend(text(option, &["name"]));
                option_words(option, words);
            }
            _ => match option.get("value") {
                Some(Value::String(value)) => words.push(value.trim().to_owned()),
                Some(Value::Null) | None => {}
                Some(other) => words.push(other.to_string()),
            },
        }
    }
    for option in flags {
        if option.get("value").and_then(Value::as_bool) == Some(true) {
            words.extend(text(option, &["name"]).map(|name| format!("--{name}")));
        }
    }
}

/// `data.custom_id`, or a sentence saying `what` needs it.
fn custom_id<'a>(data: &'a Value, what: &str) -> Result<&'a str, BadPayload> {
    data.get("custom_id")
        .and_then(Value::as_str)
        .ok_or_else(|| bad(format!("{what} needs `data.custom_id`")))
}

/// Where a message is: its id, and its channel (the interaction's, if the message does not
/// say).
fn message_ref(message: &Value, payload: &Value) -> Option<MessageRef> {
    let channel = text(message, &["channel_id"])
        .or_else(|| text(payload, &["channel_id"]))
        .or_else(|| text(payload, &["channel", "id"]))?;
    Some(MessageRef {
        channel,
        id: text(message, &["id"])?,
    })
}

/// A modal submission's answers by field id (the inputs' custom ids): from Label components
/// (type 18, one input each) and from legacy action rows (type 1, inputs inside). A text
/// input's answer is its `value`, a select's its first `values`; an empty answer is absent.
fn answers(data: &Value) -> BTreeMap<String, String> {
    data.get("components")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .flat_map(
            |component| match component.get("type").and_then(Value::as_u64) {
                Some(LABEL) => component.get("component").into_iter().collect(),
                Some(ACTION_ROW) => component
                    .get("components")
                    .and_then(Value::as_array)
                    .map(|inputs| inputs.iter().collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            },
        )
        .filter_map(|input| {
            let id = text(input, &["custom_id"])?;
            let answer = input
                .get("value")
                .and_then(Value::as_str)
                .or_else(|| input.get("values")?.get(0)?.as_str())?;
            (!answer.is_empty()).then(|| (id, answer.to_owned()))
        })
        .collect()
}

#[cfg(test)]
mod tests;
