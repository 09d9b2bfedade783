//! Schedules: what HR writes to set the cadence, parsed once.
//!
//! - [`CronSpec`]: a 5-field cron expression in croner's syntax.
//! - `fields`: the schedule's name, kind, zone, audience, business days and what happens on
//!   a day off.
//! - [`HolidayCalendar`], [`QuietHours`], [`OutOfOffice`]: days and hours without reminders.
//! - [`Schedule`]: a whole schedule, with the rules between its parts checked.
//! - [`Policy`]: the policy file, schedules, calendars and check-in templates as code.
//!
//! When a schedule fires, and where a fire lands for each person, is worked out by
//! `rhythm-scheduler`.

mod calendar;
mod cron;
mod fields;
mod policy;
mod spec;

pub use calendar::{HolidayCalendar, OutOfOffice, QuietHours, parse_date};
pub use cron::CronSpec;
pub use fields::{Audience, BusinessDays, DayOffPolicy, ScheduleKind, ScheduleName, ZoneChoice};
pub use policy::{FollowUpDoc, Policy, ScheduleDoc, TemplateChanges, UpdatedTemplate};
pub use spec::{FollowUp, Offset, Recurrence, Schedule};
