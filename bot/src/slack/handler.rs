//! One handler for both transports: translate, call the workflow, render the reply. What
//! it returns is the acknowledgement's body (the HTTP response, or the Socket Mode ack's
//! payload), given only after the work is committed; the Web API calls a reply needs
//! (`views.open`, `chat.update`, `chat.postEphemeral`) are made beside the ack, never before
//! it, so a slow Slack does not slow the ack. Each command and interaction is keyed
//! by its `trigger_id` and each event by its `event_id`, so Slack's retries and double
//! clicks change nothing twice.

use std::sync::Arc;

use rhythm_domain::chat::Reply;
use rhythm_domain::clock::Clock;
use rhythm_domain::command;
use rhythm_domain::kudos::for_message;
use rhythm_domain::link;
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{ChatStore, MessageRef, StoreError};
use serde_json::{Value, json};

use crate::follow_ups::Context;
use crate::once;

use super::client::SlackApi;
use super::inbound::Inbound;
use super::messenger::PLATFORM;
use super::render;

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
    /// Follow-up work, and couriers to other platforms.
    context: Context,
}

impl<S: ChatStore> SlackHandler<S> {
    /// A handler replying through `api`, storing in `store`.
    pub fn new(api: SlackApi, store: S, clock: Arc<dyn Clock>) -> Self {
        Self {
            api,
            store,
            clock,
            context: Context::default(),
        }
    }

    /// Runs in `context`: its follow-up work tracked there (shared by every handler, so
    /// that shutdown can wait for it all), one-off DMs sent through its couriers.
    #[must_use]
    pub fn in_context(mut self, context: Context) -> Self {
        self.context = context;
        self
    }

    /// Waits for the follow-up work started so far to finish.
    pub async fn settle(&self) {
        self.context.settle().await;
    }

    /// Handles `inbound` once; a repeat of its key is acknowledged and ignored. If handling
    /// fails, the key is forgotten, so that Slack's retry is handled; if the process dies
    /// while handling, the key is never marked handled, and a retry after 30 s is handled.
    pub async fn handle(&self, inbound: Inbound) -> Result<Ack, StoreError> {
        let key = inbound.key().map(str::to_owned);
        if !once::first(&self.store, PLATFORM, key.as_deref(), self.clock.now()).await? {
            return Ok(Ack::Empty);
        }
        let handled = self.handle_new(inbound).await;
        once::finished(&self.store, PLATFORM, key.as_deref(), &handled).await;
        handled
    }

    async fn handle_new(&self, inbound: Inbound) -> Result<Ack, StoreError> {
        let now = self.clock.now();
        match inbound {
            Inbound::UrlVerification { challenge } => Ok(Ack::Challenge(challenge)),
            Inbound::Event { .. } | Inbound::Ignored(_) => Ok(Ack::Empty),
            Inbound::Reaction { user, reaction, .. } => {
                let Some(giver) = link::holder(&self.store, Platform::Slack, &user, true).await?
                else {
                    return Ok(Ack::Empty);
                };
                if let Some(text) = for_message::react(&self.store, &giver, &reaction, now).await? {
                    let at = MessageRef {
                        channel: reaction.cited.channel,
                        id: reaction.cited.message,
                    };
                    return Ok(self.whisper(Some(&at), &user, &text));
                }
                Ok(Ack::Empty)
            }
            Inbound::Command {
                user,
                command: name,
                text,
                trigger_id,
                channel,
            } => {
                let reply = command::answer(
                    &self.store,
                    &self.context.couriers,
                    Platform::Slack,
                    &user,
                    &name,
                    &text,
                    now,
                )
                .await?;
                Ok(self.answer_command(reply, &user, &trigger_id, channel.as_deref()))
            }
            Inbound::Interaction {
                user,
                interaction,
                trigger_id,
                message,
            } => {
                let reply =
                    command::interaction(&self.store, Platform::Slack, &user, &interaction, now)
                        .await?;
                Ok(self.answer_interaction(reply, &user, &trigger_id, message.as_ref()))
            }
        }
    }

    fn answer_command(
        &self,
        reply: Reply,
        user: &str,
        trigger_id: &str,
        channel: Option<&str>,
    ) -> Ack {
        match reply {
            Reply::Private(text) => ephemeral(&text),
            // A command's answer with buttons (`/goals`): shown to the person alone.
            Reply::Update(message) => Ack::Json(json!({
                "response_type": "ephemeral",
                "text": render::message_text(&message),
                "blocks": render::message_blocks(&message),
            })),
            Reply::Open(form) => {
                let (api, trigger_id) = (self.api.clone(), trigger_id.to_owned());
                let whisper_to = channel.map(|channel| (channel.to_owned(), user.to_owned()));
                self.after_ack("views.open", async move {
                    let opened = api.open_form(&trigger_id, &form).await;
                    if opened.is_err()
                        && let Some((channel, user)) = whisper_to
                    {
                        let sorry = "I could not open the form just now; please try again.";
                        if let Err(error) = api.whisper(&channel, &user, sorry).await {
                            tracing::warn!(error = %error, "chat.postEphemeral failed");
                        }
                    }
                    opened
                });
                Ack::Empty
            }
            other => {
                self.apply(other);
                Ack::Empty
            }
        }
    }

    fn answer_interaction(
        &self,
        reply: Reply,
        user: &str,
        trigger_id: &str,
        message: Option<&MessageRef>,
    ) -> Ack {
        match reply {
            // A form submitted: what happened replaces the form, for the person to close.
            Reply::Private(text) if message.is_none() => Ack::Json(render::said_in_form(&text)),
            Reply::Private(text) => self.whisper(message, user, &text),
            Reply::Open(form) => {
                let (api, trigger_id) = (self.api.clone(), trigger_id.to_owned());
                self.after_ack("views.open", async move {
                    api.open_form(&trigger_id, &form).await
                });
                Ack::Empty
            }
            Reply::Update(update) => {
                let api = self.api.clone();
                if let Some(at) = message.cloned() {
                    self.after_ack("chat.update", async move { api.update(&at, &update).await });
                } else {
                    // A form's answer with buttons (a review's next page): Slack can't say
                    // which message the form came from, so it arrives as a DM of its own.
                    let user = user.to_owned();
                    self.after_ack("chat.postMessage", async move {
                        let channel = api.open_dm(&user).await?;
                        api.post(&channel, &update).await.map(|_| ())
                    });
                }
                Ack::Empty
            }
            Reply::FieldErrors(errors) => Ack::Json(render::field_errors(&errors)),
            other => {
                self.apply(other);
                Ack::Empty
            }
        }
    }

    /// The rest: closing a form, and updating the prompt it came from.
    fn apply(&self, reply: Reply) {
        if let Reply::Close(Some(update)) = reply
            && update.platform == PLATFORM
        {
            let api = self.api.clone();
            self.after_ack("chat.update", async move {
                api.update(&update.at, &update.message).await
            });
        }
    }

    /// Shows `text` to `user` alone, where the button was.
    fn whisper(&self, message: Option<&MessageRef>, user: &str, text: &str) -> Ack {
        if let Some(at) = message {
            let (api, channel, user, text) = (
                self.api.clone(),
                at.channel.clone(),
                user.to_owned(),
                text.to_owned(),
            );
            self.after_ack("chat.postEphemeral", async move {
                api.whisper(&channel, &user, &text).await
            });
        }
        Ack::Empty
    }

    /// Makes a Web API call without holding up the ack: what was received is committed
    /// already, and Slack waits at most 3 s for the ack while a Web API call can take longer
    /// than that. A call that fails is logged; the person can press the button again.
    fn after_ack<E: std::fmt::Display>(
        &self,
        method: &'static str,
        call: impl Future<Output = Result<(), E>> + Send + 'static,
    ) {
        self.context.follow_ups.spawn(async move {
            if let Err(error) = call.await {
                tracing::warn!(slack.method = method, error = %error, "a Web API call after the ack failed");
            }
        });
    }
}

/// A reply to a slash command only its author sees.
fn ephemeral(text: &str) -> Ack {
    Ack::Json(json!({ "response_type": "ephemeral", "text": text }))
}
