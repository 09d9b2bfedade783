//! Fixed UTC housekeeping on tokio-cron-scheduler: gauges of the outbox every minute, and a
//! nightly purge of old finished deliveries.
//!
//! Only jobs like these run on tokio-cron-scheduler. People's schedules do not: its zoned
//! jobs keep the UTC offset they had when created (wrong after a DST change), and it drops
//! activations past 200 a tick. The planner handles those.
//!
//! A lease that expired needs no sweep: the dispatcher's lease query takes expired leases
//! over by itself.

use std::sync::Arc;

use chrono::Duration;
use rhythm_domain::clock::Clock;
use rhythm_domain::ports::{Outbox, OutboxHealth, StoreError};
use tokio_cron_scheduler::{Job, JobScheduler, JobSchedulerError};

/// Every minute, at second 0 (tokio-cron-scheduler reads 6 fields, seconds first).
const REFRESH: &str = "0 * * * * *";
/// Every night at 03:17 UTC, away from the top of the hour.
const PURGE: &str = "0 17 3 * * *";

/// The housekeeping jobs over a store.
pub struct Maintenance<S> {
    store: S,
    clock: Arc<dyn Clock>,
    retention: Duration,
}

impl<S: Outbox + Clone + 'static> Maintenance<S> {
    /// Housekeeping that keeps finished deliveries for `retention`.
    pub fn new(store: S, clock: Arc<dyn Clock>, retention: Duration) -> Self {
        Self {
            store,
            clock,
            retention,
        }
    }

    /// Reads how the outbox stands and publishes it as gauges.
    pub async fn refresh_gauges(&self) -> Result<OutboxHealth, StoreError> {
        let now = self.clock.now();
        let health = self.store.outbox_health(now).await?;
        metrics::gauge!("rhythm_deliveries_pending").set(health.pending as f64);
        metrics::gauge!("rhythm_deliveries_due").set(health.due as f64);
        metrics::gauge!("rhythm_dead_letters").set(health.dead as f64);
        let oldest = health.oldest_due_at.map_or(0.0, |due| {
            (now - due).num_milliseconds().max(0) as f64 / 1000.0
        });
        metrics::gauge!("rhythm_oldest_due_delivery_age_seconds").set(oldest);
        Ok(health)
    }

    /// Deletes sent and cancelled deliveries older than the retention; dead letters stay.
    pub async fn purge(&self) -> Result<u64, StoreError> {
        let purged = self
            .store
            .purge_finished(self.clock.now() - self.retention)
            .await?;
        if purged > 0 {
            tracing::info!(
                deliveries.purged = purged,
                "purged finished deliveries past retention"
            );
        }
        Ok(purged)
    }

    /// Starts the jobs; shut the returned scheduler down to stop them.
    pub async fn start(self) -> Result<JobScheduler, JobSchedulerError> {
        let this = Arc::new(self);
        let scheduler = JobScheduler::new().await?;
        let refresh = Arc::clone(&this);
        scheduler
            .add(Job::new_async(REFRESH, move |_, _| {
                let this = Arc::clone(&refresh);
                Box::pin(async move {
                    if let Err(error) = this.refresh_gauges().await {
                        tracing::warn!(error = %error, "could not refresh outbox gauges");
                    }
                })
            })?)
            .await?;
        let purge = Arc::clone(&this);
        scheduler
            .add(Job::new_async(PURGE, move |_, _| {
                let this = Arc::clone(&purge);
                Box::pin(async move {
                    if let Err(error) = this.purge().await {
                        tracing::error!(error = %error, "could not purge finished deliveries");
                    }
                })
            })?)
            .await?;
        scheduler.start().await?;
        Ok(scheduler)
    }
}
