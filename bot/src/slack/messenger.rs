//! Deliveries to Slack: the workflow says what a delivery is (a check-in prompt, a nudge, an
//! escalation), and this sends it as a DM to the person's Slack account, then records where
//! the prompt landed so that answering it can update it.

use rhythm_domain::chat::Message;
use rhythm_domain::checkin::workflow::{Composed, compose};
use rhythm_domain::people::PersonId;
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{
    Announcer, CheckIns, Destination, Directory, Goals, MessageRef, Messenger, Outgoing, SendError,
    Sent,
};

use super::client::SlackApi;
use crate::accounts::{DmChannels, account_on, storage};

/// The platform name recorded with prompts sent here.
pub const PLATFORM: &str = "slack";

/// Sends deliveries as Slack DMs.
pub struct SlackMessenger<S> {
    api: SlackApi,
    store: S,
    /// DM channel by Slack user, so each person's DM is opened once per process.
    dms: DmChannels,
}

impl<S> SlackMessenger<S> {
    /// A messenger sending through `api`, reading the directory and check-ins from `store`.
    pub fn new(api: SlackApi, store: S) -> Self {
        Self {
            api,
            store,
            dms: DmChannels::default(),
        }
    }

    async fn dm(&self, user: &str) -> Result<String, SendError> {
        Ok(self.dms.get_or_open(user, self.api.open_dm(user)).await?)
    }
}

impl<S: Directory> SlackMessenger<S> {
    /// The Slack member id of `person`.
    async fn slack_user(&self, person: PersonId) -> Result<String, SendError> {
        account_on(
            &self.store,
            person,
            Platform::Slack,
            "run `rhythm slack sync`, or import a slack_user_id",
        )
        .await
    }
}

impl<S: CheckIns + Directory + Goals> Messenger for SlackMessenger<S> {
    async fn send(&self, delivery: &Outgoing) -> Result<Sent, SendError> {
        let user = self.slack_user(delivery.person).await?;
        let (message, checkin) = match compose(&self.store, delivery).await.map_err(storage)? {
            Composed::Send { message, checkin } => (message, checkin),
            Composed::Nothing => {
                return Ok(Sent {
                    message_id: "not-needed".to_owned(),
                });
            }
        };
        let channel = self.dm(&user).await?;
        let at = self.api.post(&channel, &message).await?;
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

impl<S: Directory> Announcer for SlackMessenger<S> {
    fn platform(&self) -> &str {
        PLATFORM
    }

    async fn announce(&self, to: &Destination, message: &Message) -> Result<MessageRef, SendError> {
        let channel = match to {
            Destination::Channel(channel) => channel.clone(),
            Destination::Person(person) => self.dm(&self.slack_user(*person).await?).await?,
        };
        Ok(self.api.post(&channel, message).await?)
    }
}
