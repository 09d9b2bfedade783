//! What Slack sends, translated: a slash command (a form body), an interaction (a
//! `payload=` form field holding JSON: `block_actions`, `view_submission`, a message
//! shortcut), or an Events API callback (`reaction_added`). Each carries its idempotency
//! key, so a retry or a double click is handled once: the `trigger_id` of a command or an
//! interaction, the `event_id` of an event.
//!
//! The same translation serves both transports: Socket Mode hands over the same payloads
//! inside its envelopes.

use rhythm_domain::chat::Interaction;
use rhythm_domain::kudos::cited::Cited;
use rhythm_domain::kudos::for_message::{self, Reaction};
use rhythm_domain::people::Platform;
use rhythm_domain::ports::MessageRef;
use serde_json::Value;

use super::render::{action_of, view_answers};

/// Something Slack sent, translated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inbound {
    /// The Events API checking the URL: answer with the challenge.
    UrlVerification {
        /// What to answer.
        challenge: String,
    },
    /// A slash command.
    Command {
        /// Who typed it.
        user: String,
        /// `/checkin`, `/rhythm`.
        command: String,
        /// What followed it.
        text: String,
        /// Opens a modal within 3 s; also the idempotency key.
        trigger_id: String,
        /// Where it was typed.
        channel: Option<String>,
    },
    /// A button pressed or a form submitted.
    Interaction {
        /// Who did it.
        user: String,
        /// What they did.
        interaction: Interaction,
        /// Opens a modal within 3 s; also the idempotency key.
        trigger_id: String,
        /// The message the button was on, if it was on one.
        message: Option<MessageRef>,
    },
    /// An emoji put on a message (`reaction_added`).
    Reaction {
        /// The idempotency key.
        event_id: String,
        /// Who put it there.
        user: String,
        /// The emoji, and the message.
        reaction: Reaction,
    },
    /// An Events API callback Rhythm does not act on; acknowledged.
    Event {
        /// The idempotency key.
        event_id: String,
        /// The event's type, for the log.
        kind: String,
    },
    /// Something valid that Rhythm ignores (a modal closed), acknowledged.
    Ignored(String),
}

impl Inbound {
    /// The key that makes handling it idempotent, if it has one.
    pub fn key(&self) -> Option<&str> {
        match self {
            Self::Command { trigger_id, .. } | Self::Interaction { trigger_id, .. } => {
                Some(trigger_id)
            }
            Self::Event { event_id, .. } | Self::Reaction { event_id, .. } => Some(event_id),
            Self::UrlVerification { .. } | Self::Ignored(_) => None,
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

fn text(value: &Value, path: &[&str]) -> Option<String> {
    path.iter()
        .try_fold(value, |value, key| value.get(key))
        .and_then(Value::as_str)
        .map(str::to_owned)
}

/// A slash command's form body (`/slack/commands`).
pub fn command_form(body: &[u8]) -> Result<Inbound, BadPayload> {
    let fields: std::collections::HashMap<String, String> =
        url::form_urlencoded::parse(body).into_owned().collect();
    let field = |name: &str| {
        fields
            .get(name)
            .cloned()
            .ok_or_else(|| bad(format!("a slash command needs `{name}`")))
    };
    Ok(Inbound::Command {
        user: field("user_id")?,
        command: field("command")?,
        text: fields.get("text").cloned().unwrap_or_default(),
        trigger_id: field("trigger_id")?,
        channel: fields.get("channel_id").cloned(),
    })
}

/// A slash command as Socket Mode carries it: the form's fields as a JSON object.
pub fn command_json(payload: &Value) -> Result<Inbound, BadPayload> {
    let field = |name: &str| {
        text(payload, &[name]).ok_or_else(|| bad(format!("a slash command needs `{name}`")))
    };
    Ok(Inbound::Command {
        user: field("user_id")?,
        command: field("command")?,
        text: text(payload, &["text"]).unwrap_or_default(),
        trigger_id: field("trigger_id")?,
        channel: text(payload, &["channel_id"]),
    })
}

/// An interaction's form body (`/slack/interactions`): `payload=<JSON>`.
pub fn interaction_form(body: &[u8]) -> Result<Inbound, BadPayload> {
    let payload = url::form_urlencoded::parse(body)
        .find(|(name, _)| name == "payload")
        .map(|(_, payload)| payload.into_owned())
        .ok_or_else(|| bad("an interaction needs a `payload` field"))?;
    let payload: Value = serde_json::from_str(&payload)
        .map_err(|error| bad(format!("the payload is not JSON: {error}")))?;
    interaction(&payload)
}

/// An interaction payload, from the form field or a Socket Mode envelope.
pub fn interaction(payload: &Value) -> Result<Inbound, BadPayload> {
    let kind = text(payload, &["type"]).ok_or_else(|| bad("an interaction needs a `type`"))?;
    let user =
        text(payload, &["user", "id"]).ok_or_else(|| bad("an interaction needs `user.id`"))?;
    let trigger_id =
        || text(payload, &["trigger_id"]).ok_or_else(|| bad("an interaction needs a `trigger_id`"));
    match kind.as_str() {
        "block_actions" => {
            let action = payload
                .get("actions")
                .and_then(|actions| actions.get(0))
                .ok_or_else(|| bad("block_actions needs an action"))?;
            let action_id =
                text(action, &["action_id"]).ok_or_else(|| bad("an action needs `action_id`"))?;
            let message = text(payload, &["container", "channel_id"])
                .zip(text(payload, &["container", "message_ts"]))
                .map(|(channel, id)| MessageRef { channel, id });
            Ok(Inbound::Interaction {
                user,
                interaction: Interaction::Pressed {
                    action: action_of(&action_id).to_owned(),
                    value: text(action, &["value"]).unwrap_or_default(),
                },
                trigger_id: trigger_id()?,
                message,
            })
        }
        "view_submission" => {
            let view = payload
                .get("view")
                .ok_or_else(|| bad("view_submission needs a `view`"))?;
            let answers = view
                .get("state")
                .and_then(|state| state.get("values"))
                .map(view_answers)
                .unwrap_or_default();
            Ok(Inbound::Interaction {
                user,
                interaction: Interaction::Submitted {
                    action: text(view, &["callback_id"]).unwrap_or_default(),
                    value: text(view, &["private_metadata"]).unwrap_or_default(),
                    answers,
                },
                trigger_id: trigger_id()?,
                message: None,
            })
        }
        "message_action" => shortcut(payload, user, trigger_id()?),
        other => Ok(Inbound::Ignored(format!("interaction `{other}`"))),
    }
}

/// A `reaction_added` event: on a message, a [`Inbound::Reaction`] (with no author if the
/// message has none, such as a bot's); on a file, ignored.
fn reaction(event: &Value, event_id: String) -> Result<Inbound, BadPayload> {
    if text(event, &["item", "type"]).as_deref() != Some("message") {
        return Ok(Inbound::Event {
            event_id,
            kind: "reaction_added".to_owned(),
        });
    }
    let field = |path: &[&str]| {
        text(event, path).ok_or_else(|| bad(format!("reaction_added needs `{}`", path.join("."))))
    };
    Ok(Inbound::Reaction {
        user: field(&["user"])?,
        reaction: Reaction {
            emoji: field(&["reaction"])?,
            cited: Cited {
                platform: Platform::Slack,
                author: text(event, &["item_user"]).unwrap_or_default(),
                channel: field(&["item", "channel"])?,
                message: field(&["item", "ts"])?,
                guild: None,
            },
        },
        event_id,
    })
}

/// A message shortcut: *Give kudos for this* is a press on the message, naming it; another
/// app's shortcut is ignored.
fn shortcut(payload: &Value, user: String, trigger_id: String) -> Result<Inbound, BadPayload> {
    let callback = text(payload, &["callback_id"]).unwrap_or_default();
    if callback != for_message::SLACK_CALLBACK_ID {
        return Ok(Inbound::Ignored(format!(
            "the message shortcut `{callback}`"
        )));
    }
    let channel = text(payload, &["channel", "id"])
        .ok_or_else(|| bad("a message shortcut needs `channel.id`"))?;
    let ts = text(payload, &["message", "ts"])
        .or_else(|| text(payload, &["message_ts"]))
        .ok_or_else(|| bad("a message shortcut needs `message.ts`"))?;
    let cited = Cited {
        platform: Platform::Slack,
        author: text(payload, &["message", "user"]).unwrap_or_default(),
        channel: channel.clone(),
        message: ts.clone(),
        guild: None,
    };
    Ok(Inbound::Interaction {
        user,
        interaction: Interaction::Pressed {
            action: for_message::SHORTCUT.to_owned(),
            value: cited.encode(),
        },
        trigger_id,
        message: Some(MessageRef { channel, id: ts }),
    })
}

/// An Events API request's raw body (`/slack/events`).
pub fn event_body(body: &[u8]) -> Result<Inbound, BadPayload> {
    let json = serde_json::from_slice(body)
        .map_err(|error| bad(format!("the body is not JSON: {error}")))?;
    event(&json)
}

/// An Events API body, or a Socket Mode `events_api` payload.
pub fn event(body: &Value) -> Result<Inbound, BadPayload> {
    match text(body, &["type"]).as_deref() {
        Some("url_verification") => Ok(Inbound::UrlVerification {
            challenge: text(body, &["challenge"])
                .ok_or_else(|| bad("url_verification needs a `challenge`"))?,
        }),
        Some("event_callback") => {
            let event_id = text(body, &["event_id"])
                .ok_or_else(|| bad("an event callback needs an `event_id`"))?;
            let kind = text(body, &["event", "type"]).unwrap_or_default();
            match body.get("event").filter(|_| kind == "reaction_added") {
                Some(event) => reaction(event, event_id),
                None => Ok(Inbound::Event { event_id, kind }),
            }
        }
        Some(other) => Ok(Inbound::Ignored(format!("event `{other}`"))),
        None => Err(bad("an event needs a `type`")),
    }
}

#[cfg(test)]
mod tests;
