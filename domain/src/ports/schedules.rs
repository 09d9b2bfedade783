//! The schedules port: what HR's schedule commands read and change — schedules, holiday
//! calendars and check-in templates, which a policy file applies together.

use std::future::Future;

use chrono::{DateTime, Utc};

use super::{AuditEntry, Commit, StoreError};
use crate::checkin::Template;
use crate::kudos::KudosPolicy;
use crate::schedule::{HolidayCalendar, Schedule};

/// A schedule's storage id.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(transparent)]
pub struct ScheduleId(pub i64);

/// A schedule as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredSchedule {
    /// Storage id.
    pub id: ScheduleId,
    /// The schedule.
    pub schedule: Schedule,
    /// A paused schedule does not fire.
    pub paused: bool,
    /// The next instant the planner must look at; `None` once it will never fire again.
    pub next_fire_at: Option<DateTime<Utc>>,
    /// Bumped by every change; the planner advances a schedule only at the version it read.
    pub version: i64,
    /// When it last changed.
    pub updated_at: DateTime<Utc>,
}

/// Every schedule, calendar and check-in template, as read inside a change's transaction.
#[derive(Debug, Clone, Default)]
pub struct ScheduleSnapshot {
    /// Every schedule, by name.
    pub schedules: Vec<StoredSchedule>,
    /// Every holiday calendar, by name.
    pub calendars: Vec<HolidayCalendar>,
    /// Every stored check-in template, by name. The built-in `default` is not among them
    /// unless a policy file replaced it.
    pub templates: Vec<Template>,
}

impl ScheduleSnapshot {
    /// The schedule with this name, or with this id if `key` is a number.
    pub fn find(&self, key: &str) -> Option<&StoredSchedule> {
        let key = key.trim();
        self.schedules
            .iter()
            .find(|stored| stored.schedule.name.as_str() == key)
            .or_else(|| {
                let id: i64 = key.parse().ok()?;
                self.schedules.iter().find(|stored| stored.id.0 == id)
            })
    }
}

/// One change to the schedules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ScheduleChange {
    /// A new schedule.
    Create {
        /// It.
        schedule: Schedule,
        /// When the planner should first look at it.
        next_fire_at: Option<DateTime<Utc>>,
    },
    /// A changed schedule (and whether it is paused afterwards).
    Update {
        /// Which.
        id: ScheduleId,
        /// Its new definition.
        schedule: Schedule,
        /// Paused afterwards.
        paused: bool,
        /// When the planner should next look at it.
        next_fire_at: Option<DateTime<Utc>>,
    },
    /// A schedule removed for good.
    Delete {
        /// Which.
        id: ScheduleId,
    },
}

/// What a schedule change writes.
#[derive(Debug, Clone, Default)]
pub struct SchedulePlan {
    /// Holiday calendars to create or replace.
    pub calendars: Vec<HolidayCalendar>,
    /// Schedule changes, in order.
    pub changes: Vec<ScheduleChange>,
    /// Check-in templates to create or replace, by name. None is ever deleted: check-ins
    /// already asked name their template.
    pub templates: Vec<Template>,
    /// The kudos policy to write (it replaces the stored one whole).
    pub kudos: Option<KudosPolicy>,
    /// The coaching policy to write (it replaces the stored one whole).
    pub coaching: Option<crate::oneonone::CoachingPolicy>,
    /// 1:1 series to set up or change (see [`crate::oneonone::pairs`]).
    pub one_on_ones: Vec<super::NewSeries>,
    /// The audit-log entry written with them.
    pub audit: Option<AuditEntry>,
}

impl SchedulePlan {
    /// Whether applying the plan writes nothing.
    pub fn is_empty(&self) -> bool {
        self.calendars.is_empty()
            && self.changes.is_empty()
            && self.templates.is_empty()
            && self.kudos.is_none()
            && self.coaching.is_none()
            && self.one_on_ones.is_empty()
    }
}

/// The schedules, holiday calendars and check-in templates.
pub trait Schedules: Send + Sync {
    /// Every schedule, calendar and stored check-in template.
    fn schedule_snapshot(
        &self,
    ) -> impl Future<Output = Result<ScheduleSnapshot, StoreError>> + Send;

    /// Every holiday calendar.
    fn holiday_calendars(
        &self,
    ) -> impl Future<Output = Result<Vec<HolidayCalendar>, StoreError>> + Send;

    /// Runs `plan` against a snapshot taken inside one write transaction and, if it returns a
    /// plan and `commit` is [`Commit::Write`], applies it there with its audit entry. A name
    /// taken by another schedule meanwhile fails the whole change.
    fn change_schedules<F>(
        &self,
        plan: F,
        commit: Commit,
    ) -> impl Future<Output = Result<Result<SchedulePlan, Vec<String>>, StoreError>> + Send
    where
        F: FnOnce(&ScheduleSnapshot) -> Result<SchedulePlan, Vec<String>> + Send;
}
