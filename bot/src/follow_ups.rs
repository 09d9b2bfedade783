//! Work a handler starts after it has answered (Web API calls, deferred work), tracked so
//! that tests and shutdown can wait for it.

use tokio_util::task::TaskTracker;

/// Waits for the work `tracker` holds now to finish; it keeps accepting new work after.
pub async fn settle(tracker: &TaskTracker) {
    tracker.close();
    tracker.wait().await;
    tracker.reopen();
}
