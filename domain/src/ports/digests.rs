//! The digests port: where each team's digest goes, the check-ins a digest sums up, and the
//! claims that make each digest posted once, whichever replica posts it.

use std::future::Future;

use chrono::{DateTime, NaiveDate, Utc};

use super::{CheckIn, MessageRef, ScheduleId, StoreError};
use crate::people::TeamName;

/// A team's channel for digests on one platform.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct TeamChannel {
    /// The team.
    pub team: TeamName,
    /// `slack` or `discord`.
    pub platform: String,
    /// The channel's id there.
    pub channel: String,
}

/// A day of a check-in schedule: what one digest per audience sums up.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CheckInDay {
    /// The schedule.
    pub schedule: ScheduleId,
    /// Its name, for the digest's title.
    pub name: String,
    /// The local day its check-ins were asked on.
    pub date: NaiveDate,
}

/// One digest: a day of a schedule, for one audience (`team:ID:PLATFORM` or `manager:ID`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct DigestKey {
    /// The schedule.
    pub schedule: ScheduleId,
    /// The local day.
    pub date: NaiveDate,
    /// Who it is for.
    pub audience: String,
}

/// How posting a claimed digest ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DigestOutcome {
    /// Posted there.
    Posted(MessageRef),
    /// Not posted; try again at this instant (the claim lapses then).
    Retry {
        /// When.
        at: DateTime<Utc>,
        /// What went wrong.
        error: String,
    },
    /// Never going to be posted (the channel is gone, the bot is not in it).
    Failed(String),
}

/// Digests and what they sum up.
pub trait Digests: Send + Sync {
    /// Every team's digest channel, by team and platform.
    fn team_channels(&self) -> impl Future<Output = Result<Vec<TeamChannel>, StoreError>> + Send;

    /// Sets (or with `None` removes) `team`'s digest channel on `platform`, audited as
    /// `actor`; `false` if there is no such team.
    fn set_team_channel(
        &self,
        team: &TeamName,
        platform: &str,
        channel: Option<&str>,
        actor: &str,
    ) -> impl Future<Output = Result<bool, StoreError>> + Send;

    /// The days of schedules with a check-in opened in `[from, to]`.
    fn checkin_days(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<CheckInDay>, StoreError>> + Send;

    /// Every check-in of `schedule` on the local day `date`.
    fn checkins_of_day(
        &self,
        schedule: ScheduleId,
        date: NaiveDate,
    ) -> impl Future<Output = Result<Vec<CheckIn>, StoreError>> + Send;

    /// The audiences of a day whose digest needs nothing now: posted, given up on, or
    /// claimed until after `now`.
    fn settled_digests(
        &self,
        schedule: ScheduleId,
        date: NaiveDate,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<String>, StoreError>> + Send;

    /// Claims a digest until `until`, unless it is posted, given up on, or claimed by
    /// someone else until after `now`; the attempt's number if claimed.
    fn claim_digest(
        &self,
        key: &DigestKey,
        now: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<Option<u32>, StoreError>> + Send;

    /// Records how posting a claimed digest ended.
    fn finish_digest(
        &self,
        key: &DigestKey,
        outcome: &DigestOutcome,
        now: DateTime<Utc>,
    ) -> impl Future<Output = Result<(), StoreError>> + Send;
}
