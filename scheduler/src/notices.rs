//! Posting notices: the one-off messages a record leaves to send (a kudos announced in the
//! kudos channel, DM'd to its recipients; feedback asked for or given), written in the
//! record's transaction, and those planned ahead (1:1 agendas and notes prompts, review
//! cycles' deadline reminders and escalations, planned every [`PLAN_EVERY`] by
//! [`plan_all`] and `rhythm_domain::reviews::notices::plan_all`).
//!
//! Each platform's poster looks every [`POLL`] for notices due on its platform, claims each
//! in the database before posting it (so of several replicas one posts it; a claim held by
//! one that died lapses), composes it then (a kudos taken back meanwhile is skipped), and
//! records how it went: posted, retried with backoff (honouring Retry-After) up to five
//! tries, or failed with the reason. On Mondays it also adds the weekly kudos board
//! ([`weekly`]) for its platform's kudos channel.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, Utc};
use rhythm_domain::clock::Clock;
use rhythm_domain::kudos::weekly;
use rhythm_domain::notices::compose;
use rhythm_domain::oneonone::notices::plan_all;
use rhythm_domain::people::Platform;
use rhythm_domain::ports::{
    Announcer, ChatStore, Destination, NewNotice, Notice, NoticeOutcome, StoreError,
};
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
/// How often 1:1 notices are planned ahead (each replica plans; the store keeps one of
/// each).
pub const PLAN_EVERY: Duration = Duration::minutes(1);

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
    /// The weekly board (subject and channel) this process added last.
    board_added: Mutex<Option<String>>,
    /// When this poster last planned 1:1 notices.
    planned_at: Mutex<Option<DateTime<Utc>>>,
}

impl<S, A> NoticePoster<S, A>
where
    S: ChatStore,
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
            board_added: Mutex::new(None),
            planned_at: Mutex::new(None),
        })
    }

    /// Posts every notice due now, after adding this week's board if it is due.
    pub async fn run_once(&self) -> Result<NoticeRun, StoreError> {
        let mut run = NoticeRun::default();
        let now = self.clock.now();
        self.add_weekly_board(now).await?;
        self.plan_ahead(now).await?;
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

    /// Adds the weekly board's notice for this platform's kudos channel once it is due: once
    /// per process and week (the database ignores another replica's repeat).
    async fn add_weekly_board(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        let policy = self.store.kudos_policy().await?;
        let Some(subject) = weekly::due(&policy, now) else {
            return Ok(());
        };
        let Some(channel) = policy.channels.get(&self.platform) else {
            return Ok(());
        };
        let to = NewNotice {
            platform: self.platform,
            to: Destination::Channel(channel.clone()),
        };
        let added = format!("{subject} {}", to.to);
        if self.last_board().as_ref() == Some(&added) {
            return Ok(());
        }
        self.store.add_notices(&subject, &[to], now).await?;
        *self.last_board() = Some(added);
        Ok(())
    }

    /// Plans the 1:1 notices and review cycles' reminders ahead, if [`PLAN_EVERY`] has passed since this poster did.
    async fn plan_ahead(&self, now: DateTime<Utc>) -> Result<(), StoreError> {
        {
            let mut last = self
                .planned_at
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if last.is_some_and(|at| now - at < PLAN_EVERY && now >= at) {
                return Ok(());
            }
            *last = Some(now);
        }
        let planned = plan_all(&self.store, now).await?;
        let reviews = rhythm_domain::reviews::notices::plan_all(&self.store, now).await?;
        tracing::debug!(
            planned,
            reviews,
            "1:1 and review cycle notices planned ahead"
        );
        Ok(())
    }

    /// The weekly board this process added last (a poisoned lock holds a plain string).
    fn last_board(&self) -> std::sync::MutexGuard<'_, Option<String>> {
        self.board_added
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    async fn post(&self, notice: &Notice, run: &mut NoticeRun) -> Result<(), StoreError> {
        let attempt = notice.attempts + 1;
        let outcome = match compose(&self.store, notice, self.clock.now()).await? {
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
