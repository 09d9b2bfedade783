//! The messenger port: how a delivery reaches a person (Slack, Discord, or the console).

use std::future::Future;
use std::time::Duration;

use chrono::{DateTime, Utc};

use super::{MessageRef, ScheduleId};
use crate::chat::Message;
use crate::people::{DisplayName, Email, PersonId, Timezone};

/// A delivery's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DeliveryId(pub i64);

/// An occurrence's storage id: one schedule firing at one instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OccurrenceId(pub i64);

/// A delivery leased for sending, with what the message needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outgoing {
    /// Which delivery.
    pub id: DeliveryId,
    /// The occurrence it belongs to (what completing it refers to).
    pub occurrence: OccurrenceId,
    /// To whom.
    pub person: PersonId,
    /// Their email.
    pub email: Email,
    /// Their name.
    pub name: DisplayName,
    /// Their time zone.
    pub timezone: Timezone,
    /// The schedule it comes from.
    pub schedule_id: ScheduleId,
    /// The schedule's name.
    pub schedule: String,
    /// The schedule's message or check-in template.
    pub template: String,
    /// The schedule's kind (`check_in`, …).
    pub kind: String,
    /// `reminder`, `nudge`, `escalation:ID` or `deadline:-7d`.
    pub step: String,
    /// When it was due.
    pub due_at: DateTime<Utc>,
    /// Sends tried before this one.
    pub attempts: u32,
    /// When this dispatcher's lease on it runs out. Past it another dispatcher may have
    /// taken the delivery, so it must not be sent from here any more: a process that
    /// stalled (paused, swapped out) with it queued finds its lease gone and leaves it.
    pub lease_until: DateTime<Utc>,
}

impl Outgoing {
    /// Whether the lease has run out at `now`: see [`SendError::Expired`].
    pub fn expired(&self, now: DateTime<Utc>) -> bool {
        now >= self.lease_until
    }
}

/// A message the platform accepted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sent {
    /// The platform's id for it (Slack `ts`, Discord message id).
    pub message_id: String,
}

/// Why a send failed: a type, so the dispatcher cannot confuse the two.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SendError {
    /// Try again later (a 429, a 5xx, a timeout), no sooner than `after` if the platform
    /// said so.
    #[error("retryable: {reason}")]
    Retryable {
        /// The platform's Retry-After, if any.
        after: Option<Duration>,
        /// What happened, for the logs and HR.
        reason: String,
    },
    /// Never going to work (unknown user, DMs closed): park it with the reason.
    #[error("fatal: {reason}")]
    Fatal {
        /// What happened, for HR.
        reason: String,
    },
    /// Not sent: the delivery's lease ran out before its turn came (the process stalled,
    /// or waited on a rate limit past the lease). Nothing is recorded; whoever holds the
    /// lease now sends it.
    #[error("not sent: the lease ran out before the send")]
    Expired,
}

/// Sends deliveries.
pub trait Messenger: Send + Sync {
    /// Sends one delivery.
    fn send(&self, message: &Outgoing) -> impl Future<Output = Result<Sent, SendError>> + Send;
}

/// Where an announcement goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Destination {
    /// A channel on the announcer's platform, by its id there.
    Channel(String),
    /// A person, in a DM on the announcer's platform.
    Person(PersonId),
}

impl std::fmt::Display for Destination {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Channel(channel) => write!(f, "channel:{channel}"),
            Self::Person(person) => write!(f, "person:{}", person.0),
        }
    }
}

/// Posts messages that are not a person's delivery: digests to a team's channel, summaries
/// to a manager.
pub trait Announcer: Send + Sync {
    /// The platform it posts to (`slack`, `discord`, `console`): which of a team's channels
    /// it can reach.
    fn platform(&self) -> &str;

    /// Posts `message` to `to`.
    fn announce(
        &self,
        to: &Destination,
        message: &Message,
    ) -> impl Future<Output = Result<MessageRef, SendError>> + Send;
}

impl<T: Messenger> Messenger for std::sync::Arc<T> {
    fn send(&self, message: &Outgoing) -> impl Future<Output = Result<Sent, SendError>> + Send {
        (**self).send(message)
    }
}

impl<T: Announcer> Announcer for std::sync::Arc<T> {
    fn platform(&self) -> &str {
        (**self).platform()
    }

    fn announce(
        &self,
        to: &Destination,
        message: &Message,
    ) -> impl Future<Output = Result<MessageRef, SendError>> + Send {
        (**self).announce(to, message)
    }
}
