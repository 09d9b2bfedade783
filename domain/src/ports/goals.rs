//! The goals port: goals with their key results, the history of their progress, and the
//! reads that reports and chat need.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::StoreError;
use crate::goals::{GoalId, GoalOwner, GoalPeriod, GoalStatus, GoalTitle, Measure};
use crate::people::PersonId;

/// A goal to record.
#[derive(Debug, Clone, PartialEq)]
pub struct NewGoal {
    /// Whose it is.
    pub owner: GoalOwner,
    /// Its quarter.
    pub period: GoalPeriod,
    /// What it sets out to do.
    pub title: GoalTitle,
    /// More about it.
    pub description: Option<String>,
    /// How much it counts beside its owner's other goals of the quarter (1–100).
    pub weight: u32,
    /// The goal it contributes to (a company goal for a team's, a team's for a person's).
    pub parent: Option<GoalId>,
    /// How it is measured, at its start.
    pub measure: Measure,
    /// Who set it, for the audit log (`slack:U123`, `cli`, `import`).
    pub actor: String,
    /// When.
    pub at: DateTime<Utc>,
}

/// A goal as stored, as it stands now.
#[derive(Debug, Clone, PartialEq)]
pub struct Goal {
    /// Storage id.
    pub id: GoalId,
    /// Whose it is.
    pub owner: GoalOwner,
    /// Its quarter.
    pub period: GoalPeriod,
    /// What it sets out to do.
    pub title: GoalTitle,
    /// More about it.
    pub description: Option<String>,
    /// How much it counts beside its owner's other goals of the quarter.
    pub weight: u32,
    /// The goal it contributes to.
    pub parent: Option<GoalId>,
    /// How it is measured, with the latest values.
    pub measure: Measure,
    /// Where it stands.
    pub status: GoalStatus,
    /// When it was set.
    pub created_at: DateTime<Utc>,
    /// When its progress was last recorded (its creation if never).
    pub updated_at: DateTime<Utc>,
}

/// How adding a goal ended.
#[derive(Debug, Clone, PartialEq)]
pub enum AddGoal {
    /// Recorded.
    Added(Goal),
    /// The owner is a team that does not exist: nothing recorded.
    NoSuchTeam,
    /// The parent goal does not exist: nothing recorded.
    NoSuchParent,
}

/// Progress recorded on a goal: the values of its key results (or its check), its status
/// and a comment. Stored as a history entry, and as the goal's current state.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalUpdate {
    /// Which goal.
    pub goal: GoalId,
    /// Who recorded it.
    pub by: PersonId,
    /// The measure with its new values: the same key results as the goal's.
    pub measure: Measure,
    /// Where it stands now.
    pub status: GoalStatus,
    /// What the owner says about it.
    pub comment: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// One entry of a goal's history.
#[derive(Debug, Clone, PartialEq)]
pub struct GoalHistoryEntry {
    /// Which goal.
    pub goal: GoalId,
    /// Who recorded it; `None` for the goal's creation from the CLI or an import.
    pub by: Option<PersonId>,
    /// The measure with its values then.
    pub measure: Measure,
    /// Where it stood.
    pub status: GoalStatus,
    /// What was said.
    pub comment: Option<String>,
    /// When.
    pub at: DateTime<Utc>,
}

/// Which goals to list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GoalFilter {
    /// Only goals of these owners (any of them); empty means every owner.
    pub owners: Vec<GoalOwner>,
    /// Only goals of this quarter.
    pub period: Option<GoalPeriod>,
    /// Only goals with this parent.
    pub parent: Option<GoalId>,
    /// Leave out dropped goals.
    pub skip_dropped: bool,
}

/// Goals and their progress.
pub trait Goals: Send + Sync {
    /// Records `goal` with its first history entry (its starting values, `status` on track),
    /// audited as `goal.actor`, unless its owner is a team that does not exist or its
    /// parent does not exist.
    fn add_goal(&self, goal: &NewGoal) -> impl Future<Output = Result<AddGoal, StoreError>> + Send;

    /// Goal `id`.
    fn goal(&self, id: GoalId) -> impl Future<Output = Result<Option<Goal>, StoreError>> + Send;

    /// Goals matching `filter`, by quarter, then owner (company, teams, people), then id.
    fn goals(
        &self,
        filter: &GoalFilter,
    ) -> impl Future<Output = Result<Vec<Goal>, StoreError>> + Send;

    /// Records `update` as a history entry and as the goal's current measure and status, in
    /// one transaction; the goal as it now stands, or `None` if there is no such goal.
    fn update_goal(
        &self,
        update: &GoalUpdate,
    ) -> impl Future<Output = Result<Option<Goal>, StoreError>> + Send;

    /// The history of each of `goals`, oldest first, entries after `until` left out.
    fn goal_history(
        &self,
        goals: &[GoalId],
        until: DateTime<Utc>,
    ) -> impl Future<Output = Result<Vec<GoalHistoryEntry>, StoreError>> + Send;
}
