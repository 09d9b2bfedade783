//! What a platform's handler shares with the rest of the process: the work it starts after
//! it has answered (Web API calls, deferred work), tracked so that tests and shutdown can
//! wait for it, and the couriers that reach people on other platforms.

use tokio_util::task::TaskTracker;

use crate::couriers::Couriers;

/// A handler's context, shared by every handler of a process (clones share it).
#[derive(Clone, Default)]
pub struct Context {
    /// Work started after answering.
    pub follow_ups: TaskTracker,
    /// One-off DMs on any connected platform (link codes).
    pub couriers: Couriers,
}

impl Context {
    /// Tracks follow-up work in `follow_ups`, and sends one-off DMs through `couriers`.
    pub fn new(follow_ups: TaskTracker, couriers: Couriers) -> Self {
        Self {
            follow_ups,
            couriers,
        }
    }

    /// Waits for the follow-up work started so far to finish; more may start after.
    pub async fn settle(&self) {
        settle(&self.follow_ups).await;
    }
}

/// Waits for the work `tracker` holds now to finish; it keeps accepting new work after.
pub async fn settle(tracker: &TaskTracker) {
    tracker.close();
    tracker.wait().await;
    tracker.reopen();
}
