//! The dispatcher: leases due deliveries, sends them through the `Messenger`, and records
//! how each ended — sent (with the platform's id), retried later (with backoff that honours
//! Retry-After), or parked as a dead letter with its reason.
//!
//! A delivery is leased to one dispatcher at a time. If a dispatcher stalls past its lease,
//! another may take the delivery; the stalled one can then no longer finish it, so the worst
//! a crash or a pause can cause is a send repeated, never a delivery recorded twice.
//!
//! A leased batch is sent `concurrency` at a time and recorded in one transaction, so the
//! database pays one commit per batch rather than one per message; a crash between the sends
//! and their record repeats at most one batch. Rate limits are the messenger's business
//! (see [`crate::pace`]).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use rhythm_domain::clock::Clock;
use rhythm_domain::ports::{
    DeliveryId, Finish, Messenger, Outbox, Outgoing, SendError, StoreError,
};
use tokio::sync::Notify;
use tokio_util::sync::CancellationToken;

/// What one dispatch run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchStep {
    /// Sent and recorded.
    pub sent: usize,
    /// Failed for now; due again later.
    pub retried: usize,
    /// Failed for good.
    pub dead: usize,
    /// Sent or failed, but the lease had been lost: nothing recorded.
    pub lost: usize,
}

/// The dispatcher's settings.
#[derive(Debug, Clone)]
pub struct DispatchSettings {
    /// This dispatcher's name in leases (unique per process).
    pub owner: String,
    /// How long a lease lasts; a dispatcher silent for longer loses its deliveries.
    pub lease: Duration,
    /// Deliveries leased (and recorded) at once.
    pub batch: usize,
    /// Sends in flight at once.
    pub concurrency: usize,
    /// Attempts before a retryable failure becomes a dead letter.
    pub max_attempts: u32,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        Self {
            owner: format!("rhythm-{}", std::process::id()),
            lease: Duration::from_secs(60),
            batch: 100,
            concurrency: 16,
            max_attempts: 10,
        }
    }
}

/// Sends what is due, again and again.
pub struct Dispatcher<S, M> {
    store: S,
    messenger: M,
    clock: Arc<dyn Clock>,
    settings: DispatchSettings,
    wake: Arc<Notify>,
}

impl<S: Outbox, M: Messenger> Dispatcher<S, M> {
    /// A dispatcher over `store`, sending through `messenger`.
    pub fn new(store: S, messenger: M, clock: Arc<dyn Clock>, settings: DispatchSettings) -> Self {
        Self {
            store,
            messenger,
            clock,
            settings,
            wake: Arc::new(Notify::new()),
        }
    }

    /// Wakes the loop early, such as after the planner wrote deliveries.
    pub fn waker(&self) -> Arc<Notify> {
        Arc::clone(&self.wake)
    }

    /// Sends everything due now, a batch at a time, until nothing is due.
    pub async fn run_due(&self) -> Result<DispatchStep, StoreError> {
        let mut step = DispatchStep::default();
        let lease =
            chrono::Duration::from_std(self.settings.lease).unwrap_or(chrono::Duration::minutes(1));
        loop {
            let now = self.clock.now();
            let leased = self
                .store
                .lease_due(&self.settings.owner, now, now + lease, self.settings.batch)
                .await?;
            let count = leased.len();
            let outcomes: Vec<(Outgoing, Finish)> = futures_util::stream::iter(leased)
                .map(|message| async move {
                    let outcome = self.send(&message).await;
                    (message, outcome)
                })
                .buffer_unordered(self.settings.concurrency.max(1))
                .collect()
                .await;
            self.record(&outcomes, &mut step).await?;
            if count < self.settings.batch {
                return Ok(step);
            }
        }
    }

    /// Sends one delivery and says how it ended.
    async fn send(&self, message: &Outgoing) -> Finish {
        match self.messenger.send(message).await {
            Ok(sent) => Finish::Sent {
                message_id: sent.message_id,
                at: self.clock.now(),
            },
            Err(SendError::Fatal { reason }) => Finish::Dead { error: reason },
            Err(SendError::Retryable { reason, .. })
                if message.attempts + 1 >= self.settings.max_attempts =>
            {
                Finish::Dead {
                    error: format!("gave up after {} attempts: {reason}", message.attempts + 1),
                }
            }
            Err(SendError::Retryable { after, reason }) => {
                let wait = backoff(message.attempts, message.id.0).max(after.unwrap_or_default());
                Finish::Retry {
                    at: self.clock.now() + chrono::Duration::from_std(wait).unwrap_or_default(),
                    error: reason,
                }
            }
        }
    }

    /// Records how a batch ended, in one transaction, and counts it.
    async fn record(
        &self,
        outcomes: &[(Outgoing, Finish)],
        step: &mut DispatchStep,
    ) -> Result<(), StoreError> {
        let rows: Vec<(DeliveryId, Finish)> = outcomes
            .iter()
            .map(|(message, outcome)| (message.id, outcome.clone()))
            .collect();
        let recorded = self.store.finish_all(&self.settings.owner, &rows).await?;
        for ((message, outcome), recorded) in outcomes.iter().zip(recorded) {
            if !recorded {
                metrics::counter!("rhythm_deliveries_total", "outcome" => "lease_lost")
                    .increment(1);
                step.lost += 1;
                tracing::warn!(
                    delivery.id = message.id.0,
                    "lease lost (or the delivery cancelled) before it was recorded"
                );
                continue;
            }
            let (count, label) = match outcome {
                Finish::Sent { at, .. } => {
                    let lag = (*at - message.due_at).to_std().unwrap_or_default();
                    metrics::histogram!("rhythm_fire_lag_seconds").record(lag.as_secs_f64());
                    (&mut step.sent, "sent")
                }
                Finish::Retry { .. } => (&mut step.retried, "retried"),
                Finish::Dead { .. } => (&mut step.dead, "dead"),
            };
            *count += 1;
            metrics::counter!("rhythm_deliveries_total", "outcome" => label).increment(1);
        }
        Ok(())
    }

    /// Runs until `shutdown` is cancelled, waking every `poll` or when woken.
    pub async fn run(self, poll: Duration, shutdown: CancellationToken) {
        while !shutdown.is_cancelled() {
            match self.run_due().await {
                Ok(step) if step.sent + step.retried + step.dead + step.lost > 0 => tracing::info!(
                    dispatch.sent = step.sent,
                    dispatch.retried = step.retried,
                    dispatch.dead = step.dead,
                    dispatch.lost = step.lost,
                    "dispatched deliveries"
                ),
                Ok(_) => {}
                Err(error) => tracing::error!(error = %error, "dispatch failed; retrying"),
            }
            tokio::select! {
                () = shutdown.cancelled() => break,
                () = self.wake.notified() => {}
                () = tokio::time::sleep(poll) => {}
            }
        }
    }
}

/// Exponential backoff from 10 s, doubling per attempt up to an hour, with ±20% jitter
/// spread by delivery so that a burst of failures does not retry in lockstep.
fn backoff(attempts: u32, spread: i64) -> Duration {
    let base = 10u64.saturating_mul(1u64 << attempts.min(9)).min(3_600);
    // A cheap, deterministic spread in [-20%, +20%].
    let jitter = (spread.unsigned_abs().wrapping_mul(2_654_435_761) % 41) as i64 - 20;
    let millis = (base as i64 * 1_000) * (100 + jitter) / 100;
    Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour_with_bounded_jitter() {
        for attempts in 0..15 {
            let base = (10u64 << attempts.min(9)).min(3_600) as f64;
            for spread in 0..50 {
                let wait = backoff(attempts, spread).as_secs_f64();
                assert!(
                    wait >= base * 0.8 && wait <= base * 1.2,
                    "{attempts}/{spread}: {wait}"
                );
            }
        }
        let spreads: std::collections::HashSet<u128> =
            (0..50).map(|s| backoff(3, s).as_millis()).collect();
        assert!(spreads.len() > 10, "retries are spread out");
    }
}
