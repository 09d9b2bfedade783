//! The dispatcher: leases due deliveries, sends them through the `Messenger`, and records
//! how each ended — sent (with the platform's id), retried later (with backoff that honours
//! Retry-After), or parked as a dead letter with its reason.
//!
//! A delivery is leased to one dispatcher at a time. If a dispatcher stalls past its lease,
//! another may take the delivery; the stalled one can then no longer finish it: it neither
//! sends what it had queued (each send first checks the lease has time left, see
//! [`SEND_MARGIN`]) nor records what it had sent, so the worst a crash or a pause can cause
//! is a send repeated, never a delivery recorded twice.
//!
//! Leasing, sending and recording overlap: sends go `concurrency` at a time while the next
//! deliveries are leased and the finished ones recorded, a batch to a transaction, so the
//! database pays one commit per batch rather than one per message and sending never waits
//! for it. A crash between sends and their record repeats at most what was in flight: up
//! to two batches of outcomes waiting to be recorded, and the sends under way. Rate limits
//! are the messenger's business (see [`crate::pace`]).

use std::sync::Arc;
use std::time::Duration;

use futures_util::StreamExt as _;
use rhythm_domain::clock::Clock;
use rhythm_domain::ports::{
    DeliveryId, Finish, Messenger, Outbox, Outgoing, SendError, StoreError,
};
use tokio::sync::{Notify, mpsc};
use tokio_util::sync::CancellationToken;

/// How long finished sends wait for more to be recorded with them.
const RECORD_LINGER: Duration = Duration::from_millis(20);

/// The share of the lease (1/4) that must be left for a send to start: the send and its
/// record must end before the lease does, or another dispatcher may take the delivery and
/// send it too. A delivery with less left is not sent; it waits for the next lease.
const SEND_MARGIN: u32 = 4;

/// What one dispatch run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DispatchStep {
    /// Sent and recorded.
    pub sent: usize,
    /// Failed for now; due again later.
    pub retried: usize,
    /// Failed for good.
    pub dead: usize,
    /// Not sent because the lease ran out first, or sent but the lease had been lost:
    /// nothing recorded.
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
    /// The wait before the first retry; it doubles per attempt, up to an hour.
    pub retry_backoff: Duration,
}

impl Default for DispatchSettings {
    fn default() -> Self {
        Self {
            owner: format!("rhythm-{}", std::process::id()),
            lease: Duration::from_secs(60),
            batch: 100,
            concurrency: 16,
            max_attempts: 10,
            retry_backoff: Duration::from_secs(10),
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

    /// Sends everything due now, until nothing is due.
    ///
    /// Three stages run at once, so that sending never waits on the database: leasing keeps
    /// a queue of at most one batch filled, `concurrency` sends are in flight, and their
    /// outcomes are recorded a batch at a time (whatever has finished, up to `batch`, in one
    /// transaction).
    pub async fn run_due(&self) -> Result<DispatchStep, StoreError> {
        let batch = self.settings.batch.max(1);
        let (leased_tx, leased_rx) = mpsc::channel::<Outgoing>(batch);
        let (done_tx, mut done_rx) = mpsc::channel::<(Outgoing, Option<Finish>)>(batch);
        let lease = async move {
            let until = chrono::Duration::from_std(self.settings.lease)
                .unwrap_or(chrono::Duration::minutes(1));
            loop {
                let now = self.clock.now();
                let leased = self
                    .store
                    .lease_due(&self.settings.owner, now, now + until, batch)
                    .await?;
                let count = leased.len();
                for message in leased {
                    if leased_tx.send(message).await.is_err() {
                        return Ok(());
                    }
                }
                if count < batch {
                    return Ok::<(), StoreError>(());
                }
            }
        };
        let send = async move {
            let mut outcomes = ReceiverStream(leased_rx)
                .map(|message| async move {
                    let outcome = self.send(&message).await;
                    (message, outcome)
                })
                .buffer_unordered(self.settings.concurrency.max(1));
            while let Some(done) = outcomes.next().await {
                if done_tx.send(done).await.is_err() {
                    break;
                }
            }
            Ok::<(), StoreError>(())
        };
        let record = async {
            let mut step = DispatchStep::default();
            let mut finished = Vec::with_capacity(batch);
            while done_rx.recv_many(&mut finished, batch).await > 0 {
                // Wait a moment for a fuller batch: one commit for many sends.
                let linger = tokio::time::Instant::now() + RECORD_LINGER;
                while finished.len() < batch {
                    let room = batch - finished.len();
                    match tokio::time::timeout_at(linger, done_rx.recv_many(&mut finished, room))
                        .await
                    {
                        Ok(0) | Err(_) => break,
                        Ok(_) => {}
                    }
                }
                self.record(&finished, &mut step).await?;
                finished.clear();
            }
            Ok::<DispatchStep, StoreError>(step)
        };
        let ((), (), step) = tokio::try_join!(lease, send, record)?;
        Ok(step)
    }

    /// Sends one delivery and says how it ended; `None` if it was not sent because its
    /// lease ran out (or nearly: see [`SEND_MARGIN`]) before its turn.
    async fn send(&self, message: &Outgoing) -> Option<Finish> {
        let margin =
            chrono::Duration::from_std(self.settings.lease / SEND_MARGIN).unwrap_or_default();
        if message.expired(self.clock.now() + margin) {
            return None;
        }
        Some(match self.messenger.send(message).await {
            Ok(sent) => Finish::Sent {
                message_id: sent.message_id,
                at: self.clock.now(),
            },
            Err(SendError::Expired) => return None,
            Err(SendError::Fatal { reason }) => Finish::Dead { error: reason },
            Err(SendError::Retryable { reason, .. })
                if message.attempts + 1 >= self.settings.max_attempts =>
            {
                Finish::Dead {
                    error: format!("gave up after {} attempts: {reason}", message.attempts + 1),
                }
            }
            Err(SendError::Retryable { after, reason }) => {
                let wait = backoff(self.settings.retry_backoff, message.attempts, message.id.0)
                    .max(after.unwrap_or_default());
                Finish::Retry {
                    at: self.clock.now() + chrono::Duration::from_std(wait).unwrap_or_default(),
                    error: reason,
                }
            }
        })
    }

    /// Records how a batch ended, in one transaction, and counts it. What was not sent
    /// because its lease ran out is left as it is, for the next lease.
    async fn record(
        &self,
        outcomes: &[(Outgoing, Option<Finish>)],
        step: &mut DispatchStep,
    ) -> Result<(), StoreError> {
        let finished: Vec<(&Outgoing, &Finish)> = outcomes
            .iter()
            .filter_map(|(message, outcome)| Some((message, outcome.as_ref()?)))
            .collect();
        let expired = outcomes.len() - finished.len();
        if expired > 0 {
            metrics::counter!("rhythm_deliveries_total", "outcome" => "lease_expired")
                .increment(expired as u64);
            step.lost += expired;
            tracing::warn!(
                dispatch.expired = expired,
                "the lease ran out before these were sent (did this process stall?); not sent, left for the next lease"
            );
        }
        if finished.is_empty() {
            return Ok(());
        }
        let rows: Vec<(DeliveryId, Finish)> = finished
            .iter()
            .map(|(message, outcome)| (message.id, (*outcome).clone()))
            .collect();
        let recorded = self.store.finish_all(&self.settings.owner, &rows).await?;
        for ((message, outcome), recorded) in finished.into_iter().zip(recorded) {
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

/// Exponential backoff from `first` (10 s by default), doubling per attempt up to an hour,
/// with ±20% jitter spread by delivery so that a burst of failures does not retry in
/// lockstep.
fn backoff(first: Duration, attempts: u32, spread: i64) -> Duration {
    let first = u64::try_from(first.as_millis()).unwrap_or(u64::MAX);
    let base = first
        .saturating_mul(1u64 << attempts.min(12))
        .min(3_600_000);
    // A cheap, deterministic spread in [-20%, +20%].
    let jitter = (spread.unsigned_abs().wrapping_mul(2_654_435_761) % 41) as i64 - 20;
    let millis = (base as i64) * (100 + jitter) / 100;
    Duration::from_millis(u64::try_from(millis).unwrap_or(0))
}

/// A `Stream` over an mpsc receiver.
struct ReceiverStream<T>(mpsc::Receiver<T>);

impl<T> futures_util::Stream for ReceiverStream<T> {
    type Item = T;

    fn poll_next(
        mut self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<T>> {
        self.0.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_up_to_an_hour_with_bounded_jitter() {
        for attempts in 0..15 {
            let base = (10u64 << attempts.min(12)).min(3_600) as f64;
            for spread in 0..50 {
                let wait = backoff(Duration::from_secs(10), attempts, spread).as_secs_f64();
                assert!(
                    wait >= base * 0.8 && wait <= base * 1.2,
                    "{attempts}/{spread}: {wait}"
                );
            }
        }
        let spreads: std::collections::HashSet<u128> = (0..50)
            .map(|s| backoff(Duration::from_secs(10), 3, s).as_millis())
            .collect();
        assert!(spreads.len() > 10, "retries are spread out");
        let quick = backoff(Duration::from_secs(1), 2, 0).as_secs_f64();
        assert!(
            (3.2..=4.8).contains(&quick),
            "from a shorter first wait: {quick}"
        );
    }
}
