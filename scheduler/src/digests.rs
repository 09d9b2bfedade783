//! Posting digests: every minute, each check-in day whose windows have closed gets its
//! team digests and manager summaries posted, once.
//!
//! A digest is claimed in the database before it is posted, so of several replicas one
//! posts it; a replica that dies mid-post leaves a claim that lapses, and another posts it
//! then (so a crash between posting and recording can post it twice: at least once, like
//! the deliveries). A platform's refusal is retried with backoff up to five tries, then
//! recorded as failed with the reason. A digest more than a day late (Rhythm was down) is
//! skipped: yesterday's news, and the people in it have moved on.

use std::collections::HashSet;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::checkin::Template;
use rhythm_domain::checkin::digest::{Day, PlannedDigest, plan};
use rhythm_domain::clock::Clock;
use rhythm_domain::oneonone::overdue::overdue;
use rhythm_domain::ports::{
    Announcer, CheckIns, DigestOutcome, Digests, Directory, OneOnOnes, PeopleFilter, StoreError,
};
use tokio_util::sync::CancellationToken;

use crate::retry::{AfterFailure, after_failure};

/// How often the poster looks for digests that came due.
pub const POLL: std::time::Duration = std::time::Duration::from_secs(60);

/// How digests are posted.
#[derive(Debug, Clone, Copy)]
pub struct DigestSettings {
    /// A digest this late is skipped.
    pub lookback: Duration,
    /// A claim lapses after this long, and another replica may post the digest.
    pub claim: Duration,
    /// Tries before a digest is recorded as failed.
    pub max_attempts: u32,
}

impl Default for DigestSettings {
    fn default() -> Self {
        Self {
            lookback: Duration::hours(24),
            claim: Duration::minutes(5),
            max_attempts: 5,
        }
    }
}

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DigestRun {
    /// Digests posted.
    pub posted: u32,
    /// Digests that failed and will be tried again.
    pub retried: u32,
    /// Digests given up on.
    pub failed: u32,
}

/// Posts digests through one platform's announcer.
pub struct DigestPoster<S, A> {
    store: S,
    announcer: A,
    clock: Arc<dyn Clock>,
    settings: DigestSettings,
}

impl<S, A> DigestPoster<S, A>
where
    S: Digests + CheckIns + Directory + OneOnOnes,
    A: Announcer,
{
    /// A poster reading `store` and posting through `announcer`.
    pub fn new(store: S, announcer: A, clock: Arc<dyn Clock>, settings: DigestSettings) -> Self {
        Self {
            store,
            announcer,
            clock,
            settings,
        }
    }

    /// Posts every digest due now and not posted yet.
    pub async fn run_once(&self) -> Result<DigestRun, StoreError> {
        let now = self.clock.now();
        // A window closes at most a day after its prompt (a prompt sent late in the evening
        // keeps two hours), so days opened within lookback + a day cover every digest due.
        let from = now - self.settings.lookback - Duration::days(1);
        let days = self.store.checkin_days(from, now).await?;
        let mut run = DigestRun::default();
        // Read once a day needs them: the directory is the biggest read here.
        let mut directory = None;
        for day in &days {
            let checkins = self.store.checkins_of_day(day.schedule, day.date).await?;
            // A digest is due once every window of its group has closed, so none of a day
            // whose first window is still open.
            let Some(first) = checkins.iter().min_by_key(|c| c.closes_at) else {
                continue;
            };
            if first.closes_at > now {
                continue;
            }
            let template = self
                .store
                .checkin_template(&first.template)
                .await?
                .unwrap_or_else(Template::default_template);
            let settled: HashSet<String> = self
                .store
                .settled_digests(day.schedule, day.date, now)
                .await?
                .into_iter()
                .collect();
            let (channels, people, flagged) = match &directory {
                Some(read) => read,
                None => {
                    let people = self.store.people(&PeopleFilter::default()).await?;
                    let policy = self.store.coaching_policy().await?;
                    let held = self.store.last_held().await?;
                    let flagged = overdue(&people, &held, &policy, now);
                    directory.insert((self.store.team_channels().await?, people, flagged))
                }
            };
            let planned = plan(
                Day {
                    day,
                    template: &template,
                    checkins: &checkins,
                    people,
                    overdue: flagged,
                },
                channels,
                self.announcer.platform(),
            );
            for digest in planned {
                let due = digest.due_at <= now && digest.due_at > now - self.settings.lookback;
                if due && !settled.contains(&digest.key.audience) {
                    self.post(&digest, now, &mut run).await?;
                }
            }
        }
        Ok(run)
    }

    async fn post(
        &self,
        digest: &PlannedDigest<'_>,
        now: DateTime<Utc>,
        run: &mut DigestRun,
    ) -> Result<(), StoreError> {
        let key = &digest.key;
        let Some(attempt) = self
            .store
            .claim_digest(key, now, now + self.settings.claim)
            .await?
        else {
            return Ok(());
        };
        let outcome = match self.announcer.announce(&digest.to, &digest.message()).await {
            Ok(at) => {
                run.posted += 1;
                tracing::info!(digest = %key.audience, schedule.id = key.schedule.0, date = %key.date, to = %digest.to, "digest posted");
                DigestOutcome::Posted(at)
            }
            Err(error) => match after_failure(
                error,
                attempt,
                self.settings.max_attempts,
                Duration::minutes(1),
            ) {
                AfterFailure::Retry { after, reason } => {
                    run.retried += 1;
                    tracing::warn!(digest = %key.audience, attempt, error = %reason, "digest not posted; will retry");
                    DigestOutcome::Retry {
                        at: self.clock.now() + after,
                        error: reason,
                    }
                }
                AfterFailure::GiveUp(reason) => {
                    run.failed += 1;
                    tracing::error!(digest = %key.audience, to = %digest.to, attempt, error = %reason, "digest could not be posted; giving up");
                    DigestOutcome::Failed(reason)
                }
            },
        };
        let label = match &outcome {
            DigestOutcome::Posted(_) => "posted",
            DigestOutcome::Retry { .. } => "retry",
            DigestOutcome::Failed(_) => "failed",
        };
        metrics::counter!("rhythm_digests_total", "outcome" => label).increment(1);
        self.store
            .finish_digest(key, &outcome, self.clock.now())
            .await
    }

    /// Posts due digests every [`POLL`] until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.run_once().await {
                tracing::warn!(error = %error, "could not post digests; trying again in a minute");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
