//! One-off DMs on whichever platform a workflow names (a link code to a person's other
//! account): the connected platforms' announcers behind one [`Notify`].

use std::future::Future;
use std::pin::Pin;
use std::sync::Arc;

use rhythm_domain::chat::Message;
use rhythm_domain::people::{PersonId, Platform};
use rhythm_domain::ports::{Announcer, Destination, Notify, SendError};

type Sending<'a> = Pin<Box<dyn Future<Output = Result<(), SendError>> + Send + 'a>>;

/// DMs a person on one platform.
trait Courier: Send + Sync {
    fn dm<'a>(&'a self, person: PersonId, message: &'a Message) -> Sending<'a>;
}

impl<A: Announcer> Courier for A {
    fn dm<'a>(&'a self, person: PersonId, message: &'a Message) -> Sending<'a> {
        Box::pin(async move {
            self.announce(&Destination::Person(person), message)
                .await
                .map(|_| ())
        })
    }
}

/// The connected platforms' announcers, by platform.
#[derive(Clone, Default)]
pub struct Couriers {
    slack: Option<Arc<dyn Courier>>,
    discord: Option<Arc<dyn Courier>>,
}

impl Couriers {
    /// None: every notification fails, saying the platform is not connected.
    pub fn none() -> Self {
        Self::default()
    }

    /// Sends Slack DMs through `announcer`.
    #[must_use]
    pub fn with_slack(mut self, announcer: impl Announcer + 'static) -> Self {
        self.slack = Some(Arc::new(announcer));
        self
    }

    /// Sends Discord DMs through `announcer`.
    #[must_use]
    pub fn with_discord(mut self, announcer: impl Announcer + 'static) -> Self {
        self.discord = Some(Arc::new(announcer));
        self
    }
}

impl Notify for Couriers {
    async fn notify(
        &self,
        platform: Platform,
        person: PersonId,
        message: &Message,
    ) -> Result<(), SendError> {
        let courier = match platform {
            Platform::Slack => &self.slack,
            Platform::Discord => &self.discord,
        };
        let Some(courier) = courier else {
            return Err(SendError::Fatal {
                reason: format!("{} is not connected", platform.name()),
            });
        };
        courier.dm(person, message).await
    }
}
