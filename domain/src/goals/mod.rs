//! Goals: what each person, team and the company set out to do in a quarter, measured by
//! key results or a done/not-done check, cascading from company to team to person.
//!
//! - [`model`]: a goal's parts (title, quarter, weight, status, key results), parsed once.
//! - [`parse`]: key results as typed (`Teams onboarded: 0 -> 20 teams`) and `/goals`.
//! - [`progress`]: goal progress as lines of text, for the check-in question of kind `goals`.
//! - [`messages`]: the lists, the goal review's DM and the forms.
//! - [`workflow`]: `/goals`, the forms' answers, who may do what.
//! - [`achievement`]: achievement rate and score per owner and quarter, from the history.

pub mod achievement;
pub mod messages;
pub mod model;
pub mod parse;
pub mod progress;
pub mod workflow;

pub use model::{
    Direction, GoalId, GoalOwner, GoalPeriod, GoalStatus, GoalTitle, KeyResult, Measure,
};

#[cfg(test)]
mod tests;
