//! Answers to interactions: `POST /interactions/{interaction_id}/{token}/callback` (one per
//! interaction, within the callback window) and the follow-ups the token allows for 15
//! minutes: `POST /webhooks/{application_id}/{token}` and `PATCH …/messages/@original|{id}`.

use std::time::{Duration, Instant};

use serde_json::{Value, json};

use super::FakeDiscord;
use super::errors::{DiscordError, FieldError, Step};
use super::messages::{check_limits, data_of, edit, is_empty, new_message, push_message};
use super::rest::{Answer, Request};
use super::snowflake::dm_channel_id;
use super::state::{Interaction, State, text};

/// How long an interaction token takes follow-ups.
const TOKEN_LIFETIME: Duration = Duration::from_secs(15 * 60);
/// `flags`: only the person who interacted sees the message.
const EPHEMERAL: u64 = 1 << 6;
/// `flags`: the "Bot is thinking…" of a deferred response.
const LOADING: u64 = 1 << 7;

/// `POST /interactions/{interaction_id}/{token}/callback`: 204 once taken.
pub(crate) fn callback(state: &mut State, request: &Request<'_>) -> Answer {
    let id = request.matched.param("interaction_id");
    let token = request.matched.param("token");
    let known = state
        .interactions
        .get(id)
        .is_some_and(|interaction| interaction.token == token);
    if !known {
        return Err(DiscordError::unknown_interaction());
    }
    apply_callback(state, id, request.body, request.now)?;
    Ok(None)
}

/// Takes `body` as interaction `id`'s one callback, as Discord would: refused if one was
/// taken already (40060) or the window has passed (10062); its effect on the channel
/// applied (a response message, a deferred one, or the component's message updated).
pub(crate) fn apply_callback(
    state: &mut State,
    id: &str,
    body: &Value,
    now: Instant,
) -> Result<(), DiscordError> {
    let window = state.callback_window;
    let interaction = state
        .interactions
        .get(id)
        .ok_or_else(DiscordError::unknown_interaction)?;
    if !interaction.callbacks.is_empty() {
        return Err(DiscordError::already_acknowledged());
    }
    if now.duration_since(interaction.sent_at) > window {
        return Err(DiscordError::unknown_interaction());
    }
    let Some(kind) = body["type"].as_u64() else {
        let path = vec![Step::Key("type")];
        return Err(DiscordError::form(&[FieldError::required(path)]));
    };
    let allowed = allowed_callbacks(interaction);
    if !allowed.contains(&kind) {
        return Err(DiscordError::form(&[FieldError {
            path: vec![Step::Key("type")],
            code: "BASE_TYPE_CHOICES",
            message: format!("Value must be one of {allowed:?}."),
        }]));
    }
    let data = data_of(body);
    let mut errors = check_limits(&data);
    if kind == 9 {
        errors.extend(
            ["custom_id", "title", "components"]
                .into_iter()
                .filter(|key| data.get(*key).is_none_or(Value::is_null))
                .map(|key| FieldError::required(vec![Step::Key(key)])),
        );
    }
    if !errors.is_empty() {
        for error in &mut errors {
            error.path.insert(0, Step::Key("data"));
        }
        return Err(DiscordError::form(&errors));
    }
    let original = respond(state, id, kind, &data)?;
    if let Some(interaction) = state.interactions.get_mut(id) {
        interaction.callbacks.push(body.clone());
        interaction.original = original.or(interaction.original.take());
    }
    Ok(())
}

/// Remembers an interaction the fake is about to send, so its callbacks are accepted, and
/// what messages made for it will carry as `interaction_metadata`. Returns its id.
pub(crate) fn register(state: &mut State, payload: &Value, now: Instant) -> String {
    let id = text(&payload["id"]);
    let user = if payload["member"]["user"].is_object() {
        &payload["member"]["user"]
    } else {
        &payload["user"]
    };
    let message = &payload["message"];
    let channel_id = payload["channel_id"]
        .as_str()
        .or_else(|| message["channel_id"].as_str())
        .map(str::to_owned);
    if let Some(channel_id) = &channel_id {
        if let Some(user_id) = user["id"].as_str()
            && *channel_id == dm_channel_id(user_id)
        {
            state.open_dm(user_id);
        }
        state.channels.entry(channel_id.clone()).or_default();
    }
    let metadata = metadata(state, payload, user);
    state.interactions.insert(
        id.clone(),
        Interaction {
            token: text(&payload["token"]),
            kind: payload["type"].as_u64().unwrap_or(0),
            channel_id,
            source_message: message["id"].as_str().map(str::to_owned),
            metadata,
            sent_at: now,
            callbacks: Vec::new(),
            original: None,
            followups: Vec::new(),
        },
    );
    id
}

/// `interaction_metadata` as Discord puts it on a response: who, where it was authorized,
/// and by type the message a component is on, or the interaction that opened a modal (the
/// latest one this person answered with that modal, when the fake saw it).
fn metadata(state: &State, payload: &Value, user: &Value) -> Value {
    let kind = payload["type"].as_u64().unwrap_or(0);
    let owners = match &payload["authorizing_integration_owners"] {
        owners @ Value::Object(_) => owners.clone(),
        _ => json!({}),
    };
    let mut metadata = json!({
        "id": payload["id"],
        "type": kind,
        "user": user,
        "authorizing_integration_owners": owners,
    });
    if let Some(message_id) = payload["message"]["id"].as_str() {
        metadata["interacted_message_id"] = json!(message_id);
    }
    if kind == 5 {
        let custom_id = &payload["data"]["custom_id"];
        let opener = state
            .interactions
            .values()
            .filter(|opener| {
                opener.metadata["user"]["id"] == user["id"]
                    && opener.callbacks.first().is_some_and(|callback| {
                        callback["type"] == 9 && callback["data"]["custom_id"] == *custom_id
                    })
            })
            .max_by_key(|opener| opener.sent_at);
        if let Some(opener) = opener {
            metadata["triggering_interaction_metadata"] = opener.metadata.clone();
        }
    }
    metadata
}

/// The callback types Discord takes for an interaction, by its type.
fn allowed_callbacks(interaction: &Interaction) -> Vec<u64> {
    let on_message = interaction.source_message.is_some();
    match interaction.kind {
        1 => vec![1],
        2 => vec![4, 5, 9],
        3 => vec![4, 5, 6, 7, 9],
        4 => vec![8],
        5 if on_message => vec![4, 5, 6, 7],
        5 => vec![4, 5],
        _ => Vec::new(),
    }
}

/// What a callback does in the channel; returns the original response's message id.
fn respond(
    state: &mut State,
    id: &str,
    kind: u64,
    data: &Value,
) -> Result<Option<String>, DiscordError> {
    let Some(interaction) = state.interactions.get(id) else {
        return Err(DiscordError::unknown_interaction());
    };
    let channel_id = interaction.channel_id.clone().unwrap_or_default();
    let source = interaction.source_message.clone();
    match kind {
        4 | 5 => {
            let mut body = data.clone();
            if kind == 5 {
                let ephemeral = data["flags"].as_u64().unwrap_or(0) & EPHEMERAL;
                body = json!({"content": "", "flags": LOADING | ephemeral});
            } else if is_empty(&body) {
                return Err(DiscordError::empty_message());
            }
            let message = response_message(interaction, &channel_id, &body);
            let message_id = text(&message["id"]);
            push_message(state, &channel_id, message);
            Ok(Some(message_id))
        }
        6 => Ok(source),
        7 => {
            if let Some(message) = source
                .as_deref()
                .and_then(|source| state.message_mut(&channel_id, source))
            {
                edit(message, data)?;
            }
            Ok(source)
        }
        _ => Ok(None),
    }
}

/// A message the application sends for an interaction: a webhook message carrying
/// `interaction_metadata`; type 20 for a slash command's response.
fn response_message(interaction: &Interaction, channel_id: &str, body: &Value) -> Value {
    let kind = if interaction.kind == 2 { 20 } else { 0 };
    let mut message = new_message(channel_id, body, kind);
    message["webhook_id"] = json!(FakeDiscord::APPLICATION_ID);
    message["application_id"] = json!(FakeDiscord::APPLICATION_ID);
    message["interaction_metadata"] = interaction.metadata.clone();
    message
}

/// The interaction a webhook route's application id and token point at, if the token is
/// still good and the interaction was answered (follow-ups need the first answer).
fn webhook_interaction(state: &State, request: &Request<'_>) -> Result<String, DiscordError> {
    if request.matched.param("application_id") != FakeDiscord::APPLICATION_ID {
        return Err(DiscordError::unknown_webhook());
    }
    let token = request.matched.param("token");
    let id = state
        .interaction_id_by_token(token)
        .ok_or_else(DiscordError::unknown_webhook)?;
    let interaction = state
        .interactions
        .get(&id)
        .ok_or_else(DiscordError::unknown_webhook)?;
    if request.now.duration_since(interaction.sent_at) > TOKEN_LIFETIME {
        return Err(DiscordError::invalid_webhook_token());
    }
    if interaction.callbacks.is_empty() {
        return Err(DiscordError::unknown_webhook());
    }
    Ok(id)
}

/// `POST /webhooks/{application_id}/{token}`: a follow-up message in the interaction's
/// channel.
pub(crate) fn followup(state: &mut State, request: &Request<'_>) -> Answer {
    let id = webhook_interaction(state, request)?;
    let errors = check_limits(request.body);
    if !errors.is_empty() {
        return Err(DiscordError::form(&errors));
    }
    if is_empty(request.body) {
        return Err(DiscordError::empty_message());
    }
    let Some(interaction) = state.interactions.get(&id) else {
        return Err(DiscordError::unknown_webhook());
    };
    let channel_id = interaction.channel_id.clone().unwrap_or_default();
    let mut message = response_message(interaction, &channel_id, request.body);
    message["type"] = json!(0);
    if let Some(original) = &interaction.original {
        message["interaction_metadata"]["original_response_message_id"] = json!(original);
    }
    let message_id = text(&message["id"]);
    push_message(state, &channel_id, message.clone());
    if let Some(interaction) = state.interactions.get_mut(&id) {
        interaction.followups.push((channel_id, message_id));
    }
    Ok(Some(message))
}

/// `PATCH /webhooks/{application_id}/{token}/messages/@original` or `/{message_id}`: edits
/// the original response (a deferred one stops "thinking") or a follow-up.
pub(crate) fn edit_webhook_message(state: &mut State, request: &Request<'_>) -> Answer {
    let id = webhook_interaction(state, request)?;
    let Some(interaction) = state.interactions.get(&id) else {
        return Err(DiscordError::unknown_webhook());
    };
    let channel_id = interaction.channel_id.clone().unwrap_or_default();
    let wanted = request.matched.param("message_id");
    let target = if wanted.is_empty() {
        interaction.original.clone()
    } else {
        let ours = interaction.original.as_deref() == Some(wanted)
            || interaction.followups.iter().any(|(_, m)| m == wanted);
        ours.then(|| wanted.to_owned())
    };
    let message = target
        .and_then(|target| state.message_mut(&channel_id, &target))
        .ok_or_else(DiscordError::unknown_message)?;
    edit(message, request.body)?;
    if let Some(flags) = message["flags"].as_u64() {
        message["flags"] = json!(flags & !LOADING);
    }
    Ok(Some(message.clone()))
}

impl FakeDiscord {
    /// Remembers an interaction (its `id`, `token`, `type`, channel and, for a component,
    /// its message) as sent now, so the bot's callbacks and follow-ups for it are accepted.
    /// [`FakeDiscord::dispatch_interaction`] and [`FakeDiscord::post_interaction`] do this
    /// themselves. Returns the id.
    pub fn register_interaction(&self, payload: &Value) -> String {
        register(&mut self.state(), payload, Instant::now())
    }
}

#[cfg(test)]
mod tests {
    use axum::http::StatusCode;

    use super::*;

    fn interaction(kind: u64, on_message: bool) -> Interaction {
        Interaction {
            token: "t".to_owned(),
            kind,
            channel_id: Some("1".to_owned()),
            source_message: on_message.then(|| "2".to_owned()),
            metadata: json!({"user": {"id": "3"}}),
            sent_at: Instant::now(),
            callbacks: Vec::new(),
            original: None,
            followups: Vec::new(),
        }
    }

    #[test]
    fn each_interaction_type_takes_its_own_callback_types() {
        assert_eq!(allowed_callbacks(&interaction(1, false)), [1]);
        assert_eq!(allowed_callbacks(&interaction(2, false)), [4, 5, 9]);
        assert_eq!(allowed_callbacks(&interaction(3, true)), [4, 5, 6, 7, 9]);
        assert_eq!(allowed_callbacks(&interaction(5, false)), [4, 5]);
        assert_eq!(allowed_callbacks(&interaction(5, true)), [4, 5, 6, 7]);
        assert_eq!(
            StatusCode::BAD_REQUEST,
            DiscordError::already_acknowledged().status
        );
    }
}
