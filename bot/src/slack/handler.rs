//! One handler for both transports: translate, call the workflow, render the reply. What
//! it returns is the acknowledgement's body (the HTTP response, or the Socket Mode ack's
//! payload), given only after the work is committed. Each command and interaction is keyed
//! by its `trigger_id` and each event by its `event_id`, so Slack's retries and double
//! clicks change nothing twice.

use std::sync::Arc;

use rhythm_domain::chat::Reply;
use rhythm_domain::checkin::workflow::interact;
use rhythm_domain::clock::Clock;
use rhythm_domain::command;
use rhythm_domain::people::{Person, Platform};
use rhythm_domain::ports::{
    CheckIns, Directory, MessageRef, PeopleFilter, PersonSettings, StoreError,
};
use serde_json::{Value, json};

use super::client::SlackApi;
use super::inbound::Inbound;
use super::messenger::PLATFORM;
use super::render;

/// What to answer someone Rhythm does not know.
const STRANGER: &str = "I don't know you yet: ask HR to add you to Rhythm with your Slack \
     account (or to run `rhythm slack sync`).";

/// What the acknowledgement carries.
#[derive(Debug, Clone, PartialEq)]
pub enum Ack {
    /// Nothing: an empty 200, or an ack with no payload (closes a modal).
    Empty,
    /// A JSON body: an ephemeral reply to a command, or a modal's field errors.
    Json(Value),
    /// The Events API's URL check: answer with the challenge.
    Challenge(String),
}

/// Handles what Slack sends.
pub struct SlackHandler<S> {
    api: SlackApi,
    store: S,
    clock: Arc<dyn Clock>,
}

impl<S: CheckIns + Directory + PersonSettings> SlackHandler<S> {
    /// A handler replying through `api`, storing in `store`.
    pub fn new(api: SlackApi, store: S, clock: Arc<dyn Clock>) -> Self {
        Self { api, store, clock }
    }

    /// Handles `inbound` once; a repeat of its key is acknowledged and ignored. If handling
    /// fails, the key is forgotten, so that Slack's retry is handled; if the process dies
    /// while handling, the key is never marked handled, and a retry after 30 s is handled.
    pub async fn handle(&self, inbound: Inbound) -> Result<Ack, StoreError> {
        let key = inbound.key().map(str::to_owned);
        if let Some(key) = &key
            && !self
                .store
                .first_seen(PLATFORM, key, self.clock.now())
                .await?
        {
            tracing::info!(slack.key = %key, "a repeat of something already handled");
            return Ok(Ack::Empty);
        }
        let handled = self.handle_new(inbound).await;
        if let Some(key) = &key {
            let recorded = match &handled {
                Ok(_) => self.store.handled_seen(PLATFORM, key).await,
                Err(_) => self.store.forget_seen(PLATFORM, key).await,
            };
            if let Err(error) = recorded {
                tracing::warn!(slack.key = %key, error = %error, "could not record how an event was handled; a retry of it may be handled again (after 30 s) or ignored");
            }
        }
        handled
    }

    async fn handle_new(&self, inbound: Inbound) -> Result<Ack, StoreError> {
        let now = self.clock.now();
        match inbound {
            Inbound::UrlVerification { challenge } => Ok(Ack::Challenge(challenge)),
            Inbound::Event { .. } | Inbound::Ignored(_) => Ok(Ack::Empty),
            Inbound::Command {
                user,
                command: name,
                text,
                trigger_id,
                ..
            } => {
                let Some(person) = self.person(&user).await? else {
                    return Ok(ephemeral(STRANGER));
                };
                let reply = match command::parse(&name, &text) {
                    Ok(parsed) => {
                        let actor = format!("slack:{user}");
                        command::run(&self.store, &person, &parsed, &actor, now).await?
                    }
                    Err(sentence) => Reply::Private(sentence),
                };
                Ok(self.answer_command(reply, &trigger_id).await)
            }
            Inbound::Interaction {
                user,
                interaction,
                trigger_id,
                message,
            } => {
                let Some(person) = self.person(&user).await? else {
                    return Ok(self.whisper(message.as_ref(), &user, STRANGER).await);
                };
                let reply = interact(&self.store, &person, &interaction, now).await?;
                Ok(self
                    .answer_interaction(reply, &user, &trigger_id, message.as_ref())
                    .await)
            }
        }
    }

    async fn person(&self, user: &str) -> Result<Option<Person>, StoreError> {
        let filter = PeopleFilter {
            chat_user: Some((Platform::Slack, user.to_owned())),
            active_only: true,
            ..PeopleFilter::default()
        };
        Ok(self.store.people(&filter).await?.into_iter().next())
    }

    async fn answer_command(&self, reply: Reply, trigger_id: &str) -> Ack {
        match reply {
            Reply::Private(text) => ephemeral(&text),
            Reply::Open(form) => match self.api.open_form(trigger_id, &form).await {
                Ok(()) => Ack::Empty,
                Err(error) => {
                    tracing::warn!(error = %error, "views.open failed");
                    ephemeral("I could not open the form just now; please try again.")
                }
            },
            other => {
                self.apply(other).await;
                Ack::Empty
            }
        }
    }

    async fn answer_interaction(
        &self,
        reply: Reply,
        user: &str,
        trigger_id: &str,
        message: Option<&MessageRef>,
    ) -> Ack {
        match reply {
            Reply::Private(text) => self.whisper(message, user, &text).await,
            Reply::Open(form) => {
                if let Err(error) = self.api.open_form(trigger_id, &form).await {
                    tracing::warn!(error = %error, "views.open failed");
                }
                Ack::Empty
            }
            Reply::Update(update) => {
                if let Some(at) = message
                    && let Err(error) = self.api.update(at, &update).await
                {
                    tracing::warn!(error = %error, "chat.update failed");
                }
                Ack::Empty
            }
            Reply::FieldErrors(errors) => Ack::Json(render::field_errors(&errors)),
            other => {
                self.apply(other).await;
                Ack::Empty
            }
        }
    }

    /// The rest: closing a form, and updating the prompt it came from.
    async fn apply(&self, reply: Reply) {
        if let Reply::Close(Some(update)) = reply
            && update.platform == PLATFORM
            && let Err(error) = self.api.update(&update.at, &update.message).await
        {
            tracing::warn!(error = %error, "could not update the prompt");
        }
    }

    /// Shows `text` to `user` alone, where the button was.
    async fn whisper(&self, message: Option<&MessageRef>, user: &str, text: &str) -> Ack {
        if let Some(at) = message
            && let Err(error) = self.api.whisper(&at.channel, user, text).await
        {
            tracing::warn!(error = %error, "chat.postEphemeral failed");
        }
        Ack::Empty
    }
}

/// A reply to a slash command only its author sees.
fn ephemeral(text: &str) -> Ack {
    Ack::Json(json!({ "response_type": "ephemeral", "text": text }))
}
