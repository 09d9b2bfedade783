//! Deliveries when both platforms are connected: each goes to the platform the person has
//! an account on, Slack first when they have both (one prompt each, never two).

use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{Directory, Messenger, Outgoing, PeopleFilter, SendError, Sent};

use crate::accounts::storage;

/// Sends each delivery through the messenger of the person's platform.
pub struct Routed<S, A, B> {
    store: S,
    slack: Option<A>,
    discord: Option<B>,
}

impl<S, A, B> Routed<S, A, B> {
    /// Routes to `slack` and `discord`, whichever are connected.
    pub fn new(store: S, slack: Option<A>, discord: Option<B>) -> Self {
        Self {
            store,
            slack,
            discord,
        }
    }
}

impl<S: Directory, A, B> Routed<S, A, B> {
    /// The platforms `person` has an account on.
    async fn platforms_of(&self, person: PersonId) -> Result<Vec<Platform>, SendError> {
        let filter = PeopleFilter {
            id: Some(person),
            ..PeopleFilter::default()
        };
        let found = self.store.people(&filter).await.map_err(storage)?;
        Ok(found
            .first()
            .map(|person| {
                person
                    .identities
                    .iter()
                    .map(|identity| identity.platform)
                    .collect()
            })
            .unwrap_or_default())
    }
}

impl<S: Directory, A: Messenger, B: Messenger> Messenger for Routed<S, A, B> {
    async fn send(&self, delivery: &Outgoing) -> Result<Sent, SendError> {
        let platforms = self.platforms_of(delivery.person).await?;
        match (&self.slack, &self.discord) {
            (Some(slack), _) if platforms.contains(&Platform::Slack) => slack.send(delivery).await,
            (_, Some(discord)) if platforms.contains(&Platform::Discord) => {
                discord.send(delivery).await
            }
            // Let the connected platform say why it cannot reach them.
            (Some(slack), _) => slack.send(delivery).await,
            (None, Some(discord)) => discord.send(delivery).await,
            (None, None) => Err(SendError::Fatal {
                reason: "no chat platform is connected".to_owned(),
            }),
        }
    }
}
