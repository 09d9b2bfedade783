//! Goal achievement per owner and quarter, computed from the history: each goal as it stood
//! at a moment (the last update at or before it), so a report for a closed quarter does not
//! move when someone edits a goal later.
//!
//! A goal is **achieved** if it was marked done or its key results reached their targets
//! (progress 1). Dropped goals count for nothing. The **rate** is achieved goals over goals;
//! the **score** is the goals' progress averaged by their weights.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use super::model::{GoalId, GoalPeriod, GoalStatus, Measure};
use crate::ports::{Goal, GoalHistoryEntry};

/// How one owner did in one quarter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Achievement {
    /// Whose goals: a person's name, a team's name, or "company".
    pub owner: String,
    /// The quarter.
    pub period: String,
    /// Goals counted (dropped ones are not).
    pub goals: u32,
    /// Goals achieved.
    pub achieved: u32,
    /// `achieved / goals`, 0 to 1; 0 with no goals.
    pub rate: f64,
    /// The goals' progress, averaged by weight, 0 to 1.
    pub score: f64,
}

/// Where a goal stood at a moment.
#[derive(Debug, Clone, PartialEq)]
pub struct Standing {
    /// Its measure then.
    pub measure: Measure,
    /// Its status then.
    pub status: GoalStatus,
}

impl Standing {
    /// Whether it counts as achieved.
    pub fn achieved(&self) -> bool {
        self.status == GoalStatus::Done || self.measure.progress() >= 1.0
    }
}

/// Each goal's standing as of the last of its `history` entries (which must be cut at the
/// moment wanted); a goal with no entry by then is left out (it did not exist yet).
pub fn standings(history: &[GoalHistoryEntry]) -> HashMap<GoalId, Standing> {
    let mut latest: HashMap<GoalId, &GoalHistoryEntry> = HashMap::new();
    for entry in history {
        let newer = latest
            .get(&entry.goal)
            .is_none_or(|seen| seen.at <= entry.at);
        if newer {
            latest.insert(entry.goal, entry);
        }
    }
    latest
        .into_iter()
        .map(|(goal, entry)| {
            let standing = Standing {
                measure: entry.measure.clone(),
                status: entry.status,
            };
            (goal, standing)
        })
        .collect()
}

/// Achievement per group and quarter: `group` names the groups a goal counts in (its
/// owner's name, and for a person's goal their teams', say). Sorted by quarter, then group.
pub fn achievement<'a>(
    goals: &'a [Goal],
    history: &[GoalHistoryEntry],
    group: impl Fn(&'a Goal) -> Vec<String>,
) -> Vec<Achievement> {
    let standings = standings(history);
    let mut tally: BTreeMap<(GoalPeriod, String), Tally> = BTreeMap::new();
    for goal in goals {
        let Some(standing) = standings.get(&goal.id) else {
            continue;
        };
        if standing.status == GoalStatus::Dropped {
            continue;
        }
        for name in group(goal) {
            tally
                .entry((goal.period, name))
                .or_default()
                .add(standing, goal.weight);
        }
    }
    tally
        .into_iter()
        .map(|((period, owner), tally)| tally.finish(owner, period))
        .collect()
}

#[derive(Default)]
struct Tally {
    goals: u32,
    achieved: u32,
    weighted: f64,
    weights: f64,
}

impl Tally {
    fn add(&mut self, standing: &Standing, weight: u32) {
        self.goals += 1;
        self.achieved += u32::from(standing.achieved());
        let weight = f64::from(weight.max(1));
        let progress = if standing.status == GoalStatus::Done {
            1.0
        } else {
            standing.measure.progress()
        };
        self.weighted += progress * weight;
        self.weights += weight;
    }

    fn finish(self, owner: String, period: GoalPeriod) -> Achievement {
        let ratio = |part: f64, whole: f64| if whole > 0.0 { part / whole } else { 0.0 };
        Achievement {
            owner,
            period: period.to_string(),
            goals: self.goals,
            achieved: self.achieved,
            rate: ratio(f64::from(self.achieved), f64::from(self.goals)),
            score: ratio(self.weighted, self.weights),
        }
    }
}
