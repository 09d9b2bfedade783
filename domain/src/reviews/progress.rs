//! A cycle's progress, for HR (`/rhythm cycle status`, `rhythm cycle show`): per phase,
//! how much is done, of how much, and how much was late (done after the phase's last day,
//! or still owed after it); and how many acknowledged their released results. Counts only:
//! no one's review is named.

use std::fmt::Write as _;

use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::model::{Phase, ReviewState};
use super::standing::{Standing, end_of, phase_of};
use crate::ports::{Cycle, Directory, NominationStatus, Reviews, StoreError};

/// A phase's progress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PhaseProgress {
    /// Its key: `self_reviews`.
    pub phase: &'static str,
    /// Its last day.
    pub deadline: NaiveDate,
    /// Done.
    pub done: usize,
    /// Expected in all.
    pub total: usize,
    /// Done after the deadline, or still owed after it.
    pub late: usize,
}

/// A cycle's progress, for HR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Progress {
    /// The cycle.
    pub name: String,
    /// `draft`, `active`, `closed`.
    pub state: &'static str,
    /// When its results were released.
    pub released_at: Option<DateTime<Utc>>,
    /// People reviewed.
    pub participants: usize,
    /// Per phase with work in it.
    pub phases: Vec<PhaseProgress>,
    /// Results acknowledged.
    pub acknowledged: usize,
}

impl Progress {
    /// Where `standing` is at `now`, with `acknowledged` results acknowledged.
    pub fn of(standing: &Standing, acknowledged: usize, now: DateTime<Utc>) -> Self {
        let deadlines = &standing.cycle.spec.deadlines;
        let mut phases = Vec::new();
        for (phase, deadline) in deadlines.iter() {
            let due = end_of(deadline);
            let (done, total, late) = match phase {
                Phase::Nominations => {
                    let total = standing.participants.len();
                    let approved = standing
                        .participants
                        .iter()
                        .filter(|p| {
                            standing
                                .nominations_of(p.person)
                                .iter()
                                .any(|n| n.status == NominationStatus::Approved)
                        })
                        .count();
                    let late = if now > due { total - approved } else { 0 };
                    (approved, total, late)
                }
                Phase::Calibration | Phase::Release => continue,
                _ => {
                    let reviews: Vec<_> = standing
                        .reviews
                        .iter()
                        .filter(|r| phase_of(r.kind) == phase)
                        .collect();
                    let done = reviews
                        .iter()
                        .filter(|r| r.state == ReviewState::Submitted)
                        .count();
                    let late = reviews
                        .iter()
                        .filter(|r| match (r.state, r.submitted_at) {
                            (ReviewState::Submitted, Some(at)) => at > due,
                            _ => now > due,
                        })
                        .count();
                    (done, reviews.len(), late)
                }
            };
            phases.push(PhaseProgress {
                phase: phase.as_str(),
                deadline,
                done,
                total,
                late,
            });
        }
        Self {
            name: standing.cycle.spec.name.clone(),
            state: standing.cycle.state.as_str(),
            released_at: standing.cycle.released_at,
            participants: standing.participants.len(),
            phases,
            acknowledged,
        }
    }

    /// Reads `cycle`'s progress at `now`.
    pub async fn load<S: Reviews + Directory>(
        store: &S,
        cycle: &Cycle,
        now: DateTime<Utc>,
    ) -> Result<Option<Self>, StoreError> {
        let Some(standing) = Standing::load(store, cycle.id).await? else {
            return Ok(None);
        };
        let acknowledged = store.acknowledgements(cycle.id).await?.len();
        Ok(Some(Self::of(&standing, acknowledged, now)))
    }

    /// How it reads in chat and a terminal.
    pub fn text(&self) -> String {
        let mut text = format!(
            "{} · {} · {} people",
            self.name,
            match (self.state, self.released_at) {
                (_, Some(at)) => format!("released {}", at.format("%-d %b %Y")),
                (state, None) => state.to_owned(),
            },
            self.participants
        );
        for phase in &self.phases {
            let label = Phase::parse(phase.phase).map_or(phase.phase, Phase::label);
            let _ = write!(
                text,
                "\n• {label} (due {}): {} of {} done{}",
                phase.deadline.format("%a %-d %b"),
                phase.done,
                phase.total,
                if phase.late > 0 {
                    format!(", {} late", phase.late)
                } else {
                    String::new()
                }
            );
        }
        if self.released_at.is_some() {
            let _ = write!(
                text,
                "\n• Acknowledged: {} of {}",
                self.acknowledged, self.participants
            );
        }
        text
    }
}
