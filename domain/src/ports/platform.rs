//! What the chat adapters keep in the database besides check-ins: who holds a job that only
//! one replica may run (the Discord gateway), and who a platform refuses to reach.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::people::Platform;

/// Named leases: one holder at a time across replicas, taken over once it lapses.
pub trait Leases: Send + Sync {
    /// Takes lease `name` for `holder` until `until`, or renews it if `holder` has it.
    /// `true` if `holder` holds it now; `false` if another holder's lease is still running
    /// at `now`.
    fn take_lease(
        &self,
        name: &str,
        holder: &str,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// Gives lease `name` up, if `holder` has it, so another replica may take it at once.
    fn release_lease(
        &self,
        name: &str,
        holder: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}

/// People a platform refused to reach (Discord's 50007), remembered for a while so that
/// Rhythm does not keep asking.
pub trait Reachability: Send + Sync {
    /// Until when (and why) `user` on `platform` is not to be sent to, if that is after
    /// `now`.
    fn unreachable(
        &self,
        platform: Platform,
        user: &str,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<(DateTime<Utc>, String)>, StoreError>> + Send;

    /// Remembers that `user` on `platform` cannot be reached until `until`, because of
    /// `reason`.
    fn mark_unreachable(
        &self,
        platform: Platform,
        user: &str,
        until: DateTime<Utc>,
        reason: &str,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
