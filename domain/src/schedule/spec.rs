//! A whole schedule, checked as a unit: the parts parse on their own, and the rules between
//! them (one recurrence, an end after the start, follow-ups only for what can be completed)
//! are checked here.

use chrono::{NaiveDate, NaiveDateTime};

use super::{
    Audience, BusinessDays, CronSpec, DayOffPolicy, ScheduleKind, ScheduleName, ZoneChoice,
};
use crate::duration::HumanDuration;
use crate::people::Invalid;

/// When a schedule fires.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Recurrence {
    /// Repeatedly, as the cron expression says.
    Cron(CronSpec),
    /// Once, at this wall-clock time in the schedule's zone.
    Once(NaiveDateTime),
}

/// A signed offset from a deadline, such as `-7d`, `0d` or `+1d`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Offset(pub chrono::Duration);

impl Offset {
    /// Reads `-7d`, `-12h`, `0d`, `+1d`.
    pub fn parse(input: &str) -> Result<Self, Invalid> {
        let text = input.trim();
        let (sign, rest) = match text.strip_prefix('-') {
            Some(rest) => (-1, rest),
            None => (1, text.strip_prefix('+').unwrap_or(text)),
        };
        let duration = HumanDuration::parse(rest).map_err(|_| {
            Invalid::new(format!(
                "`{text}` is not an offset: write it like -7d, -1d, 0d or +1d"
            ))
        })?;
        let span = chrono::Duration::from_std(duration.as_std())
            .map_err(|_| Invalid::new(format!("the offset `{text}` is too long")))?;
        Ok(Self(span * sign))
    }
}

impl std::fmt::Display for Offset {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.0.is_zero() {
            return f.write_str("0d");
        }
        let sign = if self.0 < chrono::Duration::zero() {
            "-"
        } else {
            ""
        };
        let magnitude = HumanDuration::from(self.0.abs().to_std().unwrap_or_default());
        write!(f, "{sign}{magnitude}")
    }
}

/// Reminders after the first, for kinds that can be completed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct FollowUp {
    /// Nudge the recipient this long after the reminder if it is not done.
    pub nudge_after: Option<HumanDuration>,
    /// Tell their manager this long after the reminder if it is still not done.
    pub escalate_after: Option<HumanDuration>,
    /// Tell HR this long after the reminder if it is still not done.
    pub escalate_hr_after: Option<HumanDuration>,
}

impl FollowUp {
    /// What a deadline does when its policy says nothing: tell the manager a day after the
    /// deadline and HR three days after.
    pub fn deadline_default() -> Self {
        let days = |n: u64| {
            Some(HumanDuration::from(std::time::Duration::from_secs(
                n * 86_400,
            )))
        };
        Self {
            nudge_after: None,
            escalate_after: days(1),
            escalate_hr_after: days(3),
        }
    }

    /// What a schedule of `kind` does when its policy says nothing: deadlines escalate,
    /// nothing else follows up.
    pub fn default_for(kind: ScheduleKind) -> Self {
        if kind == ScheduleKind::AppraisalDeadline {
            Self::deadline_default()
        } else {
            Self::default()
        }
    }

    /// Whether any follow-up is set.
    pub fn any(&self) -> bool {
        self.nudge_after.is_some()
            || self.escalate_after.is_some()
            || self.escalate_hr_after.is_some()
    }
}

/// A schedule as HR wrote it, with every rule between its parts checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Schedule {
    /// Unique; its identity across policy applies.
    pub name: ScheduleName,
    /// What it reminds people of.
    pub kind: ScheduleKind,
    /// When it fires.
    pub recurrence: Recurrence,
    /// The zone its times are read in.
    pub zone: ZoneChoice,
    /// Who it reaches.
    pub audience: Audience,
    /// The days people work.
    pub business_days: BusinessDays,
    /// What happens on a day off.
    pub on_day_off: DayOffPolicy,
    /// A holiday calendar for everyone; `None`: each person's region's.
    pub holidays: Option<String>,
    /// How late an occurrence missed while Rhythm was down may still fire.
    pub grace: HumanDuration,
    /// First day it may fire.
    pub starts: Option<NaiveDate>,
    /// Last day it may fire.
    pub ends: Option<NaiveDate>,
    /// The message or check-in template.
    pub template: String,
    /// Nudges and escalations.
    pub follow_up: FollowUp,
    /// Reminders around each fire, for deadlines (empty for other kinds).
    pub deadline_offsets: Vec<Offset>,
}

impl Schedule {
    /// The default missed-fire grace window: one hour.
    pub const DEFAULT_GRACE: std::time::Duration = std::time::Duration::from_secs(3_600);

    /// The default deadline reminders: a week before, the day before, and on the day.
    pub fn default_deadline_offsets() -> Vec<Offset> {
        [-7, -1, 0]
            .into_iter()
            .map(|days| Offset(chrono::Duration::days(days)))
            .collect()
    }

    /// Checks the rules between the parts; every broken rule is reported.
    pub fn check(self) -> Result<Self, Vec<Invalid>> {
        let mut problems = Vec::new();
        if let (Some(starts), Some(ends)) = (self.starts, self.ends)
            && ends < starts
        {
            problems.push(Invalid::new(format!(
                "ends ({ends}) is before starts ({starts})"
            )));
        }
        if self.follow_up.any() && !self.kind.can_be_completed() {
            problems.push(Invalid::new(
                "follow_up needs something to complete; an announcement has nothing",
            ));
        }
        if let Some(nudge) = self.follow_up.nudge_after {
            for (key, escalate) in [
                ("escalate_after", self.follow_up.escalate_after),
                ("escalate_hr_after", self.follow_up.escalate_hr_after),
            ] {
                if let Some(escalate) = escalate
                    && escalate <= nudge
                {
                    problems.push(Invalid::new(format!(
                        "follow_up.{key} is {escalate}, which is not after the nudge at {nudge}"
                    )));
                }
            }
        }
        if !self.deadline_offsets.is_empty() && self.kind != ScheduleKind::AppraisalDeadline {
            problems.push(Invalid::new(
                "deadline_offsets are only for kind = \"appraisal_deadline\"",
            ));
        }
        if let (Recurrence::Once(at), Some(ends)) = (&self.recurrence, self.ends)
            && at.date() > ends
        {
            problems.push(Invalid::new(format!("at ({at}) is after ends ({ends})")));
        }
        if problems.is_empty() {
            Ok(self)
        } else {
            Err(problems)
        }
    }
}
