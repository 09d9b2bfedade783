//! One handler for both transports: translate, call the workflow, render the reply. What it
//! returns is the interaction's initial response (the HTTP endpoint's answer, or the body of
//! the callback the gateway transport posts). Each interaction is keyed by its id, so a
//! repeat (a gateway replay, a second replica) changes nothing twice.
//!
//! Discord waits 3 s for the initial response. Work that takes longer than
//! [`DEFER_AFTER`] is answered with a deferred response ("Rhythm is thinking…") and
//! finished in the background; its result then replaces that response through the
//! interaction's token, which Discord honours for 15 minutes.

use std::sync::Arc;
use std::time::Duration;

use rhythm_domain::chat::{Block, Message, Reply};
use rhythm_domain::clock::Clock;
use rhythm_domain::command;
use rhythm_domain::kudos::for_message::{self, Reaction};
use rhythm_domain::link;
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{ChatStore, MessageRef, StoreError};
use serde_json::{Value, json};

use crate::follow_ups::Context;
use crate::once;

use super::client::DiscordApi;
use super::inbound::Inbound;
use super::messenger::PLATFORM;
use super::render;

/// How long the work may take before the response is deferred: Discord's 3 s, less a margin
/// for the network.
pub const DEFER_AFTER: Duration = Duration::from_secs(2);

/// Ephemeral: only the person who acted sees it.
const EPHEMERAL: u64 = 1 << 6;

/// Interaction callback types.
mod callback {
    pub(super) const PONG: u64 = 1;
    pub(super) const MESSAGE: u64 = 4;
    pub(super) const DEFERRED_MESSAGE: u64 = 5;
    pub(super) const DEFERRED_UPDATE: u64 = 6;
    pub(super) const UPDATE_MESSAGE: u64 = 7;
    pub(super) const MODAL: u64 = 9;
}

/// Handles what Discord sends.
pub struct DiscordHandler<S> {
    api: DiscordApi,
    store: S,
    clock: Arc<dyn Clock>,
    defer_after: Duration,
    /// Follow-up work, and couriers to other platforms.
    context: Context,
}

impl<S> DiscordHandler<S>
where
    S: ChatStore + Send + Sync + 'static,
{
    /// A handler replying through `api`, storing in `store`.
    pub fn new(api: DiscordApi, store: S, clock: Arc<dyn Clock>) -> Self {
        Self {
            api,
            store,
            clock,
            defer_after: DEFER_AFTER,
            context: Context::default(),
        }
    }

    /// Defers after `after` instead of [`DEFER_AFTER`] (for tests).
    #[must_use]
    pub fn deferring_after(mut self, after: Duration) -> Self {
        self.defer_after = after;
        self
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

    /// The REST client.
    pub fn api(&self) -> &DiscordApi {
        &self.api
    }

    /// Handles `inbound` once: the initial response, or `None` for a repeat of an
    /// interaction already answered. If handling fails, the id is forgotten (a replay is
    /// handled) and the error returned: no response is given, and Discord tells the person
    /// the interaction failed.
    pub async fn handle(self: &Arc<Self>, inbound: Inbound) -> Result<Option<Value>, StoreError> {
        if let Inbound::Ping = inbound {
            return Ok(Some(json!({ "type": callback::PONG })));
        }
        let key = inbound.key().map(str::to_owned);
        if !once::first(&self.store, PLATFORM, key.as_deref(), self.clock.now()).await? {
            return Ok(None);
        }
        let token = token_of(&inbound).map(str::to_owned);
        let pressed = matches!(
            inbound,
            Inbound::Interaction {
                message: Some(_),
                ..
            }
        );
        let this = Arc::clone(self);
        let mut work = self.context.follow_ups.spawn(async move {
            let answer = this.answer(inbound).await;
            once::finished(&this.store, PLATFORM, key.as_deref(), &answer).await;
            answer
        });
        tokio::select! {
            done = &mut work => Ok(Some(joined(done)?)),
            () = tokio::time::sleep(self.defer_after) => {
                let Some(token) = token else {
                    return Ok(Some(joined(work.await)?));
                };
                tracing::info!("slow work: the response is deferred and followed up");
                let api = self.api.clone();
                self.context.follow_ups.spawn(async move {
                    let answer = joined(work.await).unwrap_or_else(|error| {
                        tracing::error!(error = %error, "deferred work failed");
                        private("Something went wrong on Rhythm's side; please try again.")
                    });
                    if let Err(error) = follow_up(&api, &token, &answer, pressed).await {
                        tracing::warn!(error = %error, "could not follow up a deferred response");
                    }
                });
                Ok(Some(if pressed {
                    json!({ "type": callback::DEFERRED_UPDATE })
                } else {
                    json!({ "type": callback::DEFERRED_MESSAGE, "data": { "flags": EPHEMERAL } })
                }))
            }
        }
    }

    /// A reaction by `user`: the kudos emoji gives the message's author kudos, and the giver
    /// is told in a DM (Discord has no whisper outside an interaction). A repeat, another
    /// emoji, or one on their own message says nothing. The DM is sent after this returns.
    pub async fn react(&self, user: &str, reaction: &Reaction) -> Result<(), StoreError> {
        let Some(giver) = link::holder(&self.store, Platform::Discord, user, true).await? else {
            return Ok(());
        };
        let now = self.clock.now();
        if let Some(text) = for_message::react(&self.store, &giver, reaction, now).await? {
            let (api, user) = (self.api.clone(), user.to_owned());
            let body = render::message(&said(&text));
            self.context.follow_ups.spawn(async move {
                let sent = match api.open_dm(&user).await {
                    Ok(channel) => api.post(&channel, &body, None).await.map(|_| ()),
                    Err(error) => Err(error),
                };
                if let Err(error) = sent {
                    tracing::warn!(error = %error, "could not tell a giver about their reaction");
                }
            });
        }
        Ok(())
    }

    /// The work, and the response it gives.
    async fn answer(&self, inbound: Inbound) -> Result<Value, StoreError> {
        let now = self.clock.now();
        match inbound {
            Inbound::Ping => Ok(json!({ "type": callback::PONG })),
            Inbound::Ignored(what) => {
                tracing::debug!(what = %what, "ignored");
                Ok(json!({ "type": callback::DEFERRED_UPDATE }))
            }
            Inbound::Command {
                user, name, text, ..
            } => {
                let reply = command::answer(
                    &self.store,
                    &self.context.couriers,
                    Platform::Discord,
                    &user,
                    &format!("/{name}"),
                    &text,
                    now,
                )
                .await?;
                Ok(self.respond(reply, None))
            }
            Inbound::Interaction {
                user,
                interaction,
                message,
                ..
            } => {
                let reply =
                    command::interaction(&self.store, Platform::Discord, &user, &interaction, now)
                        .await?;
                Ok(self.respond(reply, message.as_ref()))
            }
        }
    }

    /// `reply` as the initial response; `message` is the message a button was on.
    fn respond(&self, reply: Reply, message: Option<&MessageRef>) -> Value {
        match reply {
            Reply::Nothing | Reply::Close(None) if message.is_some() => {
                json!({ "type": callback::DEFERRED_UPDATE })
            }
            Reply::Nothing | Reply::Close(None) => private("Done."),
            Reply::Private(text) => private(&text),
            Reply::Open(form) => match render::modal(&form) {
                Ok(modal) => json!({ "type": callback::MODAL, "data": modal }),
                Err(error) => {
                    tracing::error!(error = %error, "a form Discord cannot show");
                    private("This form does not fit in Discord; ask HR to shorten the template.")
                }
            },
            Reply::Update(update) if message.is_some() => {
                json!({ "type": callback::UPDATE_MESSAGE, "data": render::message(&update) })
            }
            Reply::Update(update) => ephemeral(&update),
            Reply::FieldErrors(errors) => {
                let mut problems: Vec<&String> = errors.values().collect();
                problems.dedup();
                let lines: Vec<String> = problems.iter().map(|p| format!("• {p}")).collect();
                private(&format!("Not saved:\n{}", lines.join("\n")))
            }
            Reply::Close(Some(update)) => {
                if update.platform != PLATFORM {
                    return ephemeral(&update.message);
                }
                if message == Some(&update.at) {
                    return json!({
                        "type": callback::UPDATE_MESSAGE,
                        "data": render::message(&update.message),
                    });
                }
                // The form was opened from a command: say so here, and update the prompt.
                let api = self.api.clone();
                let body = render::message(&update.message);
                let response = ephemeral(&update.message);
                self.context.follow_ups.spawn(async move {
                    if let Err(error) = api.edit(&update.at.channel, &update.at.id, &body).await {
                        tracing::warn!(error = %error, "could not update the prompt");
                    }
                });
                response
            }
        }
    }
}

/// A message only the person sees, as an initial response.
fn private(text: &str) -> Value {
    ephemeral(&said(text))
}

/// `text` as a message.
fn said(text: &str) -> Message {
    Message {
        summary: text.to_owned(),
        blocks: vec![Block::Text(text.to_owned())],
    }
}

fn ephemeral(message: &Message) -> Value {
    let mut data = render::message(message);
    data["flags"] = json!(EPHEMERAL);
    json!({ "type": callback::MESSAGE, "data": data })
}

/// Delivers what the work answered after its response was deferred: an update replaces the
/// message (a pressed button's, or the "thinking…" one); a private message is a follow-up
/// after a press, or replaces the "thinking…" one. A form cannot be opened any more (Discord
/// opens one only as the first response).
async fn follow_up(
    api: &DiscordApi,
    token: &str,
    answer: &Value,
    pressed: bool,
) -> Result<(), super::client::ApiError> {
    let too_late;
    let answer = if answer["type"].as_u64() == Some(callback::MODAL) {
        too_late = private("That took too long to open the form; please try again.");
        &too_late
    } else {
        answer
    };
    match answer["type"].as_u64() {
        Some(callback::UPDATE_MESSAGE) => api.edit_original(token, &answer["data"]).await,
        Some(callback::MESSAGE) if pressed => api.follow_up(token, &answer["data"]).await,
        Some(callback::MESSAGE) => api.edit_original(token, &answer["data"]).await,
        _ => Ok(()),
    }
}

fn token_of(inbound: &Inbound) -> Option<&str> {
    match inbound {
        Inbound::Command { token, .. } | Inbound::Interaction { token, .. } => Some(token),
        Inbound::Ping | Inbound::Ignored(_) => None,
    }
}

fn joined(
    done: Result<Result<Value, StoreError>, tokio::task::JoinError>,
) -> Result<Value, StoreError> {
    done.map_err(|error| StoreError::Unexpected(anyhow::anyhow!("the handler panicked: {error}")))?
}
