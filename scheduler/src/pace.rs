//! Pacing sends to a platform's rate limits.
//!
//! [`Paced`] wraps a [`Messenger`] and holds each send until the platform would accept it:
//! an overall rate (Discord: 50 requests a second), a rate per recipient's channel (Slack:
//! about one message a second to a channel), and a pause for everyone after the platform
//! answers 429 with a Retry-After. Each platform's messenger gets its own `Paced`, so a
//! router over several platforms keeps their limits apart.
//!
//! Each lane spaces its sends evenly (at `n` a second, one every `1/n` s), so no window of a
//! second ever holds more than `n`: the platforms count in windows, and a burst allowance
//! would let a window hold more. Each send reserves its slot before it waits, so concurrent
//! sends queue in order instead of racing. Time is read and waited on through the
//! [`Clock`], so tests see the pacing without sleeping.

use std::collections::HashMap;
use std::sync::{Arc, Mutex, PoisonError};

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::chat::Message;
use rhythm_domain::clock::Clock;
use rhythm_domain::ports::{
    Announcer, Destination, MessageRef, Messenger, Outgoing, SendError, Sent,
};

/// Recipients' lanes kept before the idle ones are forgotten.
const LANES_KEPT: usize = 10_000;

/// A rate, as the spacing between sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rate {
    interval: Duration,
}

impl Rate {
    /// `count` sends a second (fractions allowed: 0.5 is one every two seconds); `None`
    /// unless it is positive and finite.
    pub fn per_second(count: f64) -> Option<Self> {
        if !(count.is_finite() && count > 0.0) {
            return None;
        }
        let nanos = (1e9 / count).round().clamp(1.0, 1e15);
        Some(Self {
            interval: Duration::nanoseconds(nanos as i64),
        })
    }
}

/// The limits one platform imposes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Limits {
    /// Every send, to anyone.
    pub overall: Option<Rate>,
    /// Sends to one recipient's channel.
    pub per_recipient: Option<Rate>,
}

#[derive(Debug, Default)]
struct State {
    /// The earliest the next send may go.
    overall: Option<DateTime<Utc>>,
    /// The earliest the next send to each recipient may go.
    recipients: HashMap<String, DateTime<Utc>>,
    /// After a 429 with Retry-After: nobody sends before this.
    hold_until: Option<DateTime<Utc>>,
}

impl State {
    /// Reserves the slot for a send to `recipient` at `now`: the first instant every lane
    /// and the hold allow. Each lane's next slot is then an interval after it.
    fn reserve(&mut self, limits: Limits, recipient: &str, now: DateTime<Utc>) -> DateTime<Utc> {
        let mut at = self.hold_until.unwrap_or(now).max(now);
        if limits.overall.is_some() {
            at = at.max(self.overall.unwrap_or(at));
        }
        if limits.per_recipient.is_some() {
            if self.recipients.len() >= LANES_KEPT {
                self.recipients.retain(|_, next| *next > now);
            }
            at = at.max(self.recipients.get(recipient).copied().unwrap_or(at));
        }
        if let Some(rate) = limits.overall {
            self.overall = Some(at + rate.interval);
        }
        if let Some(rate) = limits.per_recipient {
            self.recipients
                .insert(recipient.to_owned(), at + rate.interval);
        }
        at
    }
}

/// A messenger held to a platform's rate limits.
pub struct Paced<M> {
    inner: M,
    limits: Limits,
    clock: Arc<dyn Clock>,
    state: Mutex<State>,
}

impl<M> Paced<M> {
    /// `inner`, sending no faster than `limits` allow.
    pub fn new(inner: M, limits: Limits, clock: Arc<dyn Clock>) -> Self {
        Self {
            inner,
            limits,
            clock,
            state: Mutex::new(State::default()),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

impl<M> Paced<M> {
    /// Runs `send` once `lane`'s turn comes, and holds every lane after a 429.
    async fn paced<T>(
        &self,
        lane: &str,
        send: impl Future<Output = Result<T, SendError>>,
    ) -> Result<T, SendError> {
        let now = self.clock.now();
        let at = self.state().reserve(self.limits, lane, now);
        if at > now {
            metrics::histogram!("rhythm_send_paced_seconds")
                .record((at - now).to_std().unwrap_or_default().as_secs_f64());
            self.clock.sleep_until(at).await;
        }
        let result = send.await;
        if let Err(SendError::Retryable {
            after: Some(after), ..
        }) = &result
        {
            let until = self.clock.now() + Duration::from_std(*after).unwrap_or_default();
            let mut state = self.state();
            state.hold_until = Some(state.hold_until.map_or(until, |held| held.max(until)));
        }
        result
    }
}

impl<M: Messenger> Messenger for Paced<M> {
    /// Sends once the delivery's turn comes, unless its lease ran out while it waited
    /// ([`SendError::Expired`]): by then another dispatcher may be sending it.
    async fn send(&self, message: &Outgoing) -> Result<Sent, SendError> {
        let send = async {
            if message.expired(self.clock.now()) {
                return Err(SendError::Expired);
            }
            self.inner.send(message).await
        };
        self.paced(message.email.as_str(), send).await
    }
}

impl<M: Announcer> Announcer for Paced<M> {
    fn platform(&self) -> &str {
        self.inner.platform()
    }

    async fn announce(&self, to: &Destination, message: &Message) -> Result<MessageRef, SendError> {
        self.paced(&to.to_string(), self.inner.announce(to, message))
            .await
    }
}

#[cfg(test)]
mod tests;
