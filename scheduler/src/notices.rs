//! Posting notices: the one-off messages a record leaves to send (a kudos announced in the
//! kudos channel, DM'd to its recipients), written in the record's transaction.
//!
//! Each platform's poster looks every [`POLL`] for notices due on its platform, claims each
//! in the database before posting it (so of several replicas one posts it; a claim held by
//! one that died lapses), composes it then (a kudos taken back meanwhile is skipped), and
//! records how it went: posted, retried with backoff (honouring Retry-After) up to five
//! tries, or failed with the reason.

use std::sync::Arc;

use chrono::Duration;
use rhythm_domain::clock::Clock;
use rhythm_domain::kudos::notices::compose;
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{Announcer, Directory, Kudos, Notice, NoticeOutcome, StoreError};
use tokio_util::sync::CancellationToken;

use crate::retry::{AfterFailure, after_failure};

/// How often a poster looks for notices.
pub const POLL: std::time::Duration = std::time::Duration::from_secs(2);
/// How long a claim holds off other replicas.
const CLAIM: Duration = Duration::minutes(2);
/// Tries before a notice is recorded as failed.
const MAX_ATTEMPTS: u32 = 5;
/// The wait before the second try; it doubles with each try after.
const FIRST_BACKOFF: Duration = Duration::seconds(10);
/// Notices read per look.
const BATCH: u32 = 50;

/// What one pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct NoticeRun {
    /// Posted.
    pub posted: u32,
    /// Skipped: nothing to say any more.
    pub skipped: u32,
    /// To be tried again.
    pub retried: u32,
    /// Given up on.
    pub failed: u32,
}

/// Posts one platform's notices through its announcer.
pub struct NoticePoster<S, A> {
    store: S,
    announcer: A,
    platform: Platform,
    clock: Arc<dyn Clock>,
}

impl<S, A> NoticePoster<S, A>
where
    S: Kudos + Directory,
    A: Announcer,
{
    /// A poster of `announcer`'s platform's notices; `None` for an announcer that is not a
    /// chat platform (the console).
    pub fn new(store: S, announcer: A, clock: Arc<dyn Clock>) -> Option<Self> {
        let platform = Platform::parse(announcer.platform()).ok()?;
        Some(Self {
            store,
            announcer,
            platform,
            clock,
        })
    }

    /// Posts every notice due now.
    pub async fn run_once(&self) -> Result<NoticeRun, StoreError> {
        let mut run = NoticeRun::default();
        let now = self.clock.now();
        for notice in self.store.due_notices(self.platform, now, BATCH).await? {
            if self
                .store
                .claim_notice(notice.id, now, self.clock.now() + CLAIM)
                .await?
            {
                self.post(&notice, &mut run).await?;
            }
        }
        Ok(run)
    }

    async fn post(&self, notice: &Notice, run: &mut NoticeRun) -> Result<(), StoreError> {
        let attempt = notice.attempts + 1;
        let outcome = match compose(&self.store, notice).await? {
            None => {
                run.skipped += 1;
                NoticeOutcome::Skipped
            }
            Some(message) => match self.announcer.announce(&notice.to, &message).await {
                Ok(at) => {
                    run.posted += 1;
                    tracing::info!(notice.id = notice.id.0, notice.subject = notice.subject, to = %notice.to, "notice posted");
                    NoticeOutcome::Posted(at)
                }
                Err(error) => match after_failure(error, attempt, MAX_ATTEMPTS, FIRST_BACKOFF) {
                    AfterFailure::Retry { after, reason } => {
                        run.retried += 1;
                        tracing::warn!(notice.id = notice.id.0, attempt, error = %reason, "notice not posted; will retry");
                        NoticeOutcome::Retry {
                            at: self.clock.now() + after,
                            error: reason,
                        }
                    }
                    AfterFailure::GiveUp(reason) => {
                        run.failed += 1;
                        tracing::error!(notice.id = notice.id.0, to = %notice.to, attempt, error = %reason, "notice could not be posted; giving up");
                        NoticeOutcome::Failed(reason)
                    }
                },
            },
        };
        let label = match &outcome {
            NoticeOutcome::Posted(_) => "posted",
            NoticeOutcome::Skipped => "skipped",
            NoticeOutcome::Retry { .. } => "retry",
            NoticeOutcome::Failed(_) => "failed",
        };
        metrics::counter!("rhythm_notices_total", "outcome" => label).increment(1);
        self.store
            .finish_notice(notice.id, &outcome, self.clock.now())
            .await
    }

    /// Posts due notices every [`POLL`] until `shutdown`.
    pub async fn run(self, shutdown: CancellationToken) {
        loop {
            if let Err(error) = self.run_once().await {
                tracing::warn!(error = %error, "could not post notices; trying again shortly");
            }
            tokio::select! {
                () = shutdown.cancelled() => return,
                () = tokio::time::sleep(POLL) => {}
            }
        }
    }
}
