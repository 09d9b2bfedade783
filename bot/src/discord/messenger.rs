//! Deliveries to Discord: the workflow says what a delivery is, and this sends it as a DM to
//! the person's Discord account, then records where the prompt landed so that answering it
//! can update it.
//!
//! - Every send carries a nonce made from the delivery's id, with `enforce_nonce`, so a send
//!   retried after a lost answer is not posted twice.
//! - A person Discord refuses to DM (50007: DMs closed, or no server in common) is parked at
//!   once and remembered for a day: until then their deliveries are parked without asking
//!   Discord again, since refused requests count toward Discord's ban of 10,000 bad requests
//!   in 10 minutes.

use chrono::Utc;
use rhythm_domain::chat::Message;
use rhythm_domain::checkin::workflow::{Composed, compose};
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{
    Announcer, CheckIns, Destination, Directory, Goals, MessageRef, Messenger, Outgoing,
    Reachability, SendError, Sent,
};

use super::client::{ApiError, CANNOT_DM, DiscordApi};
use super::render;
use crate::accounts::{DmChannels, account_on, storage};

/// The platform name recorded with prompts sent here.
pub const PLATFORM: &str = "discord";

/// How long a refusal to DM someone is remembered.
pub const UNREACHABLE_FOR: chrono::Duration = chrono::Duration::hours(24);

/// Sends deliveries as Discord DMs.
pub struct DiscordMessenger<S> {
    api: DiscordApi,
    store: S,
    /// DM channel by Discord user, so each person's DM is opened once per process.
    dms: DmChannels,
}

impl<S> DiscordMessenger<S> {
    /// A messenger sending through `api`, reading the directory and check-ins from `store`.
    pub fn new(api: DiscordApi, store: S) -> Self {
        Self {
            api,
            store,
            dms: DmChannels::default(),
        }
    }

    async fn dm(&self, user: &str) -> Result<String, ApiError> {
        self.dms.get_or_open(user, self.api.open_dm(user)).await
    }
}

impl<S: Directory + Reachability> DiscordMessenger<S> {
    /// The Discord user id of `person`, unless Discord refused to reach them lately.
    async fn discord_user(&self, person: PersonId) -> Result<String, SendError> {
        let user = account_on(
            &self.store,
            person,
            Platform::Discord,
            "import a discord_user_id, or they can type `/rhythm link` with their email in Discord",
        )
        .await?;
        let refused = self
            .store
            .unreachable(Platform::Discord, &user, Utc::now())
            .await
            .map_err(storage)?;
        if let Some((until, reason)) = refused {
            return Err(SendError::Fatal {
                reason: format!(
                    "Discord refused to reach them earlier ({reason}); not tried again until {}",
                    until.format("%Y-%m-%d %H:%M UTC")
                ),
            });
        }
        Ok(user)
    }

    /// Posts `message` in `user`'s DM, remembering a refusal to reach them.
    async fn post_dm(
        &self,
        user: &str,
        message: &Message,
        nonce: Option<&str>,
    ) -> Result<MessageRef, SendError> {
        let sent = async {
            let channel = self.dm(user).await?;
            let id = self
                .api
                .post(&channel, &render::message(message), nonce)
                .await?;
            Ok::<_, ApiError>(MessageRef { channel, id })
        }
        .await;
        if let Err(ApiError::Fatal {
            code: CANNOT_DM,
            reason,
        }) = &sent
        {
            let until = Utc::now() + UNREACHABLE_FOR;
            if let Err(error) = self
                .store
                .mark_unreachable(Platform::Discord, user, until, reason)
                .await
            {
                tracing::warn!(discord.user = %user, error = %error, "could not remember that Discord refused to reach someone");
            }
        }
        Ok(sent?)
    }
}

impl<S: CheckIns + Directory + Goals + Reachability> Messenger for DiscordMessenger<S> {
    async fn send(&self, delivery: &Outgoing) -> Result<Sent, SendError> {
        let user = self.discord_user(delivery.person).await?;
        let (message, checkin) = match compose(&self.store, delivery).await.map_err(storage)? {
            Composed::Send { message, checkin } => (message, checkin),
            Composed::Nothing => {
                return Ok(Sent {
                    message_id: "not-needed".to_owned(),
                });
            }
        };
        // At most 25 characters; the same for every try of this delivery.
        let nonce = format!("d{}", delivery.id.0);
        let at = self.post_dm(&user, &message, Some(&nonce)).await?;
        if let Some(checkin) = checkin {
            // Sent already: failing to record where only costs the later "Checked in" edit.
            if let Err(error) = self.store.set_prompt(checkin, PLATFORM, &at).await {
                tracing::warn!(checkin.id = checkin.0, error = %error, "could not record a prompt");
            }
        }
        Ok(Sent {
            message_id: at.to_string(),
        })
    }
}

impl<S: Directory + Reachability> Announcer for DiscordMessenger<S> {
    fn platform(&self) -> &str {
        PLATFORM
    }

    async fn announce(&self, to: &Destination, message: &Message) -> Result<MessageRef, SendError> {
        match to {
            Destination::Channel(channel) => {
                let id = self
                    .api
                    .post(channel, &render::message(message), None)
                    .await?;
                Ok(MessageRef {
                    channel: channel.clone(),
                    id,
                })
            }
            Destination::Person(person) => {
                let user = self.discord_user(*person).await?;
                self.post_dm(&user, message, None).await
            }
        }
    }
}
