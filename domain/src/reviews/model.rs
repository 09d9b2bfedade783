//! A review cycle's parts: its phases and their deadlines, the cycle's state
//! (`draft → active → closed`), each review's state (`pending → in_progress → submitted`,
//! locked once submitted unless HR reopens it), and how many peers each person nominates.

use std::collections::BTreeMap;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::people::Invalid;

/// A cycle's phases, in the order they end.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Each participant nominates peers; their manager approves.
    Nominations,
    /// Each participant writes about themselves.
    SelfReviews,
    /// Approved peers review them.
    PeerReviews,
    /// Their manager reviews them.
    ManagerReviews,
    /// HR and managers compare ratings across teams (optional).
    Calibration,
    /// The results go to each person and their manager.
    Release,
}

impl Phase {
    /// Every phase, in order.
    pub const ALL: [Self; 6] = [
        Self::Nominations,
        Self::SelfReviews,
        Self::PeerReviews,
        Self::ManagerReviews,
        Self::Calibration,
        Self::Release,
    ];

    /// Its key in a policy file's `deadlines` table.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Nominations => "nominations",
            Self::SelfReviews => "self_reviews",
            Self::PeerReviews => "peer_reviews",
            Self::ManagerReviews => "manager_reviews",
            Self::Calibration => "calibration",
            Self::Release => "release",
        }
    }

    /// How people read it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Nominations => "Nominations",
            Self::SelfReviews => "Self-reviews",
            Self::PeerReviews => "Peer reviews",
            Self::ManagerReviews => "Manager reviews",
            Self::Calibration => "Calibration",
            Self::Release => "Release",
        }
    }

    /// Whether a cycle may leave it out.
    pub fn optional(self) -> bool {
        self == Self::Calibration
    }

    /// Reads a key such as `self_reviews`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        Self::ALL
            .into_iter()
            .find(|phase| phase.as_str() == text)
            .ok_or_else(|| {
                Invalid::new(format!(
                    "`{}` is not a phase: use nominations, self_reviews, peer_reviews, \
                     manager_reviews, calibration or release",
                    input.trim()
                ))
            })
    }
}

/// Each phase's last day, checked: every phase but calibration has one, and none ends
/// before the phase it follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines(BTreeMap<Phase, NaiveDate>);

impl Deadlines {
    /// Checks `dates`; every problem, each naming its phase.
    pub fn new(dates: BTreeMap<Phase, NaiveDate>) -> Result<Self, Vec<Invalid>> {
        let mut problems = Vec::new();
        for phase in Phase::ALL {
            if !phase.optional() && !dates.contains_key(&phase) {
                problems.push(Invalid::new(format!(
                    "deadlines: {} is missing; give its last day as \"2026-12-01\"",
                    phase.as_str()
                )));
            }
        }
        let mut before: Option<(Phase, NaiveDate)> = None;
        for (phase, date) in &dates {
            if let Some((earlier, last)) = before
                && *date < last
            {
                problems.push(Invalid::new(format!(
                    "deadlines: {} ({date}) ends before {} ({last}); phases end in order",
                    phase.as_str(),
                    earlier.as_str()
                )));
            }
            before = Some((*phase, *date));
        }
        if problems.is_empty() {
            Ok(Self(dates))
        } else {
            Err(problems)
        }
    }

    /// The last day of `phase`, if the cycle has it.
    pub fn of(&self, phase: Phase) -> Option<NaiveDate> {
        self.0.get(&phase).copied()
    }

    /// The phase under way on `date`: the first whose last day is not past; `None` once
    /// release day has passed.
    pub fn phase_on(&self, date: NaiveDate) -> Option<Phase> {
        self.0
            .iter()
            .find(|(_, last)| date <= **last)
            .map(|(phase, _)| *phase)
    }

    /// Every phase the cycle has, with its last day, in order.
    pub fn iter(&self) -> impl Iterator<Item = (Phase, NaiveDate)> + '_ {
        self.0.iter().map(|(phase, date)| (*phase, *date))
    }
}

/// Where a cycle stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CycleState {
    /// Being prepared by HR: nobody is asked anything yet.
    Draft,
    /// Running: reviews are asked for and chased.
    Active,
    /// Over: nothing is asked or changed any more.
    Closed,
}

impl CycleState {
    /// The stored name: `draft`, `active` or `closed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Active => "active",
            Self::Closed => "closed",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "draft" => Some(Self::Draft),
            "active" => Some(Self::Active),
            "closed" => Some(Self::Closed),
            _ => None,
        }
    }

    /// The state after HR starts the cycle, or why it cannot start.
    pub fn start(self) -> Result<Self, &'static str> {
        match self {
            Self::Draft => Ok(Self::Active),
            Self::Active => Err("The cycle is already running."),
            Self::Closed => Err("The cycle is closed; start a new one."),
        }
    }

    /// The state after HR closes the cycle, or why it cannot close.
    pub fn close(self) -> Result<Self, &'static str> {
        match self {
            Self::Active => Ok(Self::Closed),
            Self::Draft => Err("The cycle has not started; delete the draft instead."),
            Self::Closed => Err("The cycle is already closed."),
        }
    }
}

/// Where one review stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReviewState {
    /// Asked for, not started.
    Pending,
    /// A draft is saved.
    InProgress,
    /// Submitted: locked.
    Submitted,
}

impl ReviewState {
    /// The stored name: `pending`, `in_progress` or `submitted`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::InProgress => "in_progress",
            Self::Submitted => "submitted",
        }
    }

    /// Reads a stored name.
    pub fn parse(text: &str) -> Option<Self> {
        match text {
            "pending" => Some(Self::Pending),
            "in_progress" => Some(Self::InProgress),
            "submitted" => Some(Self::Submitted),
            _ => None,
        }
    }

    /// The state after a draft is saved, or why it cannot be.
    pub fn save_draft(self) -> Result<Self, &'static str> {
        match self {
            Self::Pending | Self::InProgress => Ok(Self::InProgress),
            Self::Submitted => Err("This review is submitted and locked; HR can reopen it."),
        }
    }

    /// The state after submission, or why it cannot be submitted.
    pub fn submit(self) -> Result<Self, &'static str> {
        match self {
            Self::Pending | Self::InProgress => Ok(Self::Submitted),
            Self::Submitted => Err("This review is already submitted and locked."),
        }
    }

    /// The state after HR reopens it (audited by the caller), or why it cannot be.
    pub fn reopen(self) -> Result<Self, &'static str> {
        match self {
            Self::Submitted => Ok(Self::InProgress),
            Self::Pending | Self::InProgress => Err("This review is not submitted: it is open."),
        }
    }
}

/// How many peers each participant nominates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Nominations {
    /// The fewest.
    pub min: u32,
    /// The most.
    pub max: u32,
}

impl Default for Nominations {
    fn default() -> Self {
        Self { min: 3, max: 5 }
    }
}

impl Nominations {
    /// The most a policy may ask for.
    pub const MOST: u32 = 10;

    /// Checks `min` and `max`: 1 ≤ min ≤ max ≤ [`Self::MOST`].
    pub fn new(min: u32, max: u32) -> Result<Self, Invalid> {
        if min >= 1 && min <= max && max <= Self::MOST {
            Ok(Self { min, max })
        } else {
            Err(Invalid::new(format!(
                "nominations: give min and max with 1 ≤ min ≤ max ≤ {}; got {min} and {max}",
                Self::MOST
            )))
        }
    }

    /// Why `count` nominations are not enough or too many, if they are not right.
    pub fn problem(self, count: usize) -> Option<String> {
        let count = u32::try_from(count).unwrap_or(u32::MAX);
        if count < self.min {
            Some(format!(
                "Nominate at least {} peers; you named {count}.",
                self.min
            ))
        } else if count > self.max {
            Some(format!(
                "Nominate at most {} peers; you named {count}.",
                self.max
            ))
        } else {
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 12, d).unwrap()
    }

    fn dates(rows: &[(Phase, u32)]) -> BTreeMap<Phase, NaiveDate> {
        rows.iter().map(|(phase, d)| (*phase, day(*d))).collect()
    }

    const ALL_BUT_CALIBRATION: [(Phase, u32); 5] = [
        (Phase::Nominations, 1),
        (Phase::SelfReviews, 8),
        (Phase::PeerReviews, 15),
        (Phase::ManagerReviews, 20),
        (Phase::Release, 22),
    ];

    #[test]
    fn deadlines_name_the_phase_under_way() {
        let deadlines = Deadlines::new(dates(&ALL_BUT_CALIBRATION)).unwrap();
        assert_eq!(deadlines.phase_on(day(1)), Some(Phase::Nominations));
        assert_eq!(deadlines.phase_on(day(2)), Some(Phase::SelfReviews));
        assert_eq!(deadlines.phase_on(day(21)), Some(Phase::Release));
        assert_eq!(deadlines.phase_on(day(23)), None);
        assert_eq!(deadlines.of(Phase::Calibration), None);
    }

    #[test]
    fn a_missing_phase_or_one_out_of_order_is_refused() {
        let problems = Deadlines::new(dates(&[
            (Phase::Nominations, 10),
            (Phase::SelfReviews, 8),
            (Phase::ManagerReviews, 20),
            (Phase::Release, 22),
        ]))
        .unwrap_err();
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            [
                "deadlines: peer_reviews is missing; give its last day as \"2026-12-01\"",
                "deadlines: self_reviews (2026-12-08) ends before nominations (2026-12-10); \
                 phases end in order",
            ]
        );
        assert!(Phase::parse("Self reviews").is_ok());
        assert!(Phase::parse("appraisal").is_err());
    }

    #[test]
    fn a_cycle_runs_once_and_a_submitted_review_is_locked_until_reopened() {
        assert_eq!(CycleState::Draft.start(), Ok(CycleState::Active));
        assert!(CycleState::Active.start().is_err());
        assert_eq!(CycleState::Active.close(), Ok(CycleState::Closed));
        assert!(CycleState::Closed.start().is_err());
        assert!(CycleState::Draft.close().is_err());

        let draft = ReviewState::Pending.save_draft().unwrap();
        assert_eq!(draft, ReviewState::InProgress);
        let submitted = draft.submit().unwrap();
        assert!(submitted.save_draft().is_err());
        assert!(submitted.submit().is_err());
        assert_eq!(submitted.reopen(), Ok(ReviewState::InProgress));
        assert!(ReviewState::Pending.reopen().is_err());
    }

    #[test]
    fn nominations_are_counted_against_the_policy() {
        let policy = Nominations::default();
        assert_eq!(
            policy.problem(2).as_deref(),
            Some("Nominate at least 3 peers; you named 2.")
        );
        assert_eq!(policy.problem(4), None);
        assert!(policy.problem(6).is_some());
        assert!(Nominations::new(0, 3).is_err());
        assert!(Nominations::new(4, 3).is_err());
        assert!(Nominations::new(2, 11).is_err());
    }
}
