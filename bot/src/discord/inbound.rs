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
    let typed = command_text(&name, data);
    Ok(Inbound::Command {
        id,
        token,
        user,
        name,
        text: typed,
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

/// The text a Slack user would have typed after command `name`, given its options:
/// [`option_words`], except for the grammars that put a cycle's name and people in set
/// places, `/review` ([`review_words`]) and `/rhythm cycle` ([`cycle_words`]).
fn command_text(name: &str, data: &Value) -> String {
    let mut words = Vec::new();
    match (name, options(data).first().copied()) {
        ("review", Some(sub)) if is_a(sub, SUB_COMMAND) => review_words(sub, &mut words),
        ("rhythm", Some(group)) if is_a(group, SUB_COMMAND_GROUP) && name_of(group) == "cycle" => {
            words.push("cycle".to_owned());
            if let Some(sub) = options(group).first().filter(|sub| is_a(sub, SUB_COMMAND)) {
                cycle_words(sub, &mut words);
            }
        }
        _ => option_words(data, &mut words),
    }
    words.join(" ")
}

/// The words a Slack user would have typed for `parent`'s options: a subcommand's (or
/// group's) name followed by its own options. As a Slack user names people first
/// (`/kudos @ana @ben for …`), people (user options, as mentions `<@ID>`) come first, then
/// the other values in order, then flags (a true boolean option `private` as `--private`).
fn option_words(parent: &Value, words: &mut Vec<String>) {
    let (people, rest): (Vec<&Value>, Vec<&Value>) = options(parent)
        .into_iter()
        .partition(|option| is_person(option));
    let (flags, rest): (Vec<&Value>, Vec<&Value>) =
        rest.into_iter().partition(|option| is_a(option, BOOLEAN));
    words.extend(people.into_iter().filter_map(mention));
    for option in rest {
        if is_a(option, SUB_COMMAND) || is_a(option, SUB_COMMAND_GROUP) {
            words.push(name_of(option).to_owned());
            option_words(option, words);
        } else {
            words.extend(value_word(option));
        }
    }
    for option in flags {
        if option.get("value").and_then(Value::as_bool) == Some(true) {
            words.push(format!("--{}", name_of(option)));
        }
    }
}

/// `/review`'s words: nothing for `mine` (what a bare `/review` means); for `nominate` and
/// `approve`, the verb, then the `report` if any, then the peers by field (`peer1`,
/// `peer2`, …) whatever order they were filled in; otherwise the verb.
fn review_words(sub: &Value, words: &mut Vec<String>) {
    match name_of(sub) {
        "mine" => {}
        verb @ ("nominate" | "approve") => {
            words.push(verb.to_owned());
            words.extend(named(sub, "report").and_then(mention));
            let mut peers: Vec<&Value> = options(sub)
                .into_iter()
                .filter(|option| is_person(option) && name_of(option) != "report")
                .collect();
            peers.sort_by_key(|peer| (name_of(peer).len(), name_of(peer)));
            words.extend(peers.into_iter().filter_map(mention));
        }
        verb => {
            words.push(verb.to_owned());
            option_words(sub, words);
        }
    }
}

/// The words after `/rhythm cycle`: the verb, then the cycle's name, as it is where the
/// name is all that follows (`start 2026 H2`) and quoted where more follows
/// (`threshold "2026 H2" 3`, `reopen "2026 H2" <@ana> <@ben> why`).
fn cycle_words(sub: &Value, words: &mut Vec<String>) {
    let verb = name_of(sub);
    words.push(verb.to_owned());
    let value = |name: &str| named(sub, name).and_then(value_word);
    match verb {
        "threshold" => {
            words.extend(value("name").as_deref().map(quoted));
            words.extend(value("peers"));
        }
        "reopen" => {
            words.extend(value("name").as_deref().map(quoted));
            words.extend(named(sub, "subject").and_then(mention));
            words.extend(named(sub, "reviewer").and_then(mention));
            words.extend(value("reason"));
        }
        _ => option_words(sub, words),
    }
}

/// The quotation marks `/rhythm cycle` reads around a cycle's name.
const QUOTES: [char; 4] = ['"', '\u{201c}', '\u{201d}', '\''];

/// A cycle's name in quotes, so that the words after it are not read as part of it (quotes
/// typed around it are dropped, as `/rhythm cycle` drops them). A one-word name holding a
/// quotation mark (`Ana's`) is left unquoted, as quoting it would end the name early. A name
/// of several words holding one cannot be written at all: the grammar ends the name at the
/// inner mark and refuses what is left. Its curly marks are made straight, as the grammar
/// (`rhythm_domain::reviews::hr_parse`) steps past a closing mark as if it were one byte
/// long, which a curly one is not.
fn quoted(name: &str) -> String {
    let name = name.trim().trim_matches(QUOTES).trim();
    if !name.contains(QUOTES) {
        format!("\"{name}\"")
    } else if !name.contains(char::is_whitespace) {
        name.to_owned()
    } else {
        format!("\"{}\"", name.replace(['\u{201c}', '\u{201d}'], "\""))
    }
}

/// `parent`'s options, in the order sent.
fn options(parent: &Value) -> Vec<&Value> {
    parent
        .get("options")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect()
}

/// `parent`'s option called `name`.
fn named<'a>(parent: &'a Value, name: &str) -> Option<&'a Value> {
    options(parent)
        .into_iter()
        .find(|option| name_of(option) == name)
}

/// An option's name.
fn name_of(option: &Value) -> &str {
    option
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or_default()
}

/// Whether `option` is of type `kind`.
fn is_a(option: &Value, kind: u64) -> bool {
    option.get("type").and_then(Value::as_u64) == Some(kind)
}

/// Whether `option` names a person.
fn is_person(option: &Value) -> bool {
    is_a(option, USER) || is_a(option, MENTIONABLE)
}

/// A person option's value as a mention, `<@ID>`.
fn mention(option: &Value) -> Option<String> {
    let id = option.get("value").and_then(Value::as_str)?;
    Some(format!("<@{}>", id.trim()))
}

/// An option's value as typed: a string trimmed, a number as written.
fn value_word(option: &Value) -> Option<String> {
    match option.get("value")? {
        Value::String(value) => Some(value.trim().to_owned()),
        Value::Null => None,
        other => Some(other.to_string()),
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
