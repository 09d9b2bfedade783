//! Schedules: what HR writes to set the cadence, parsed once.
//!
//! - [`CronSpec`]: a 5-field cron expression in croner's syntax.
//! - [`fields`](self): the schedule's name, kind, zone, audience, business days and what
//!   happens on a day off.
//! - [`HolidayCalendar`], [`QuietHours`], [`OutOfOffice`]: days and hours without reminders.
//!
//! When a schedule fires is worked out by `rhythm-scheduler`'s recurrence module.

mod calendar;
mod cron;
mod fields;

pub use calendar::{HolidayCalendar, OutOfOffice, QuietHours, parse_date};
pub use cron::CronSpec;
pub use fields::{Audience, BusinessDays, DayOffPolicy, ScheduleKind, ScheduleName, ZoneChoice};
