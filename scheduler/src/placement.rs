//! Where one fire lands for one person: business days and holidays (move or skip),
//! out-of-office (skip, not missed) and quiet hours (wait for their end), all judged on the
//! person's own calendar and clock.

use chrono::{DateTime, Datelike as _, Duration, NaiveDate, NaiveDateTime, Utc};
use chrono_tz::Tz;

use crate::first_fire::local_instant;
use rhythm_domain::schedule::{
    BusinessDays, DayOffPolicy, HolidayCalendar, OutOfOffice, QuietHours,
};

/// The schedule's rules for days off.
#[derive(Debug, Clone, Copy)]
pub struct DayRules<'a> {
    /// The days people work.
    pub business_days: &'a BusinessDays,
    /// Move to the next business day, or skip.
    pub on_day_off: DayOffPolicy,
}

/// One person's calendar and clock.
#[derive(Debug, Clone, Copy)]
pub struct PersonCalendar<'a> {
    /// Their zone.
    pub zone: Tz,
    /// Their region's holidays (or the schedule's calendar).
    pub holidays: Option<&'a HolidayCalendar>,
    /// Their quiet hours.
    pub quiet: QuietHours,
    /// When they are away.
    pub away: &'a [OutOfOffice],
}

/// Why a fire reaches a person at no time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Skip {
    /// It fell on a day off and the schedule skips those.
    DayOff,
    /// They are out of office: not sent, and not counted as missed.
    OutOfOffice,
}

/// Where a fire lands for a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placement {
    /// Deliver at this instant (the fire time, or later if moved).
    At(DateTime<Utc>),
    /// Deliver nothing.
    Skipped(Skip),
}

/// How far a fire may be moved looking for a working, non-quiet moment.
const MAX_DAYS_AHEAD: i64 = 366;

/// Where `fire_at` lands for the person: moved off days off (or skipped), skipped while they
/// are away, and held until their quiet hours end. Each move is re-checked against the
/// others, so a Friday-evening reminder held by quiet hours moves past the weekend too.
pub fn place(fire_at: DateTime<Utc>, rules: DayRules<'_>, person: PersonCalendar<'_>) -> Placement {
    let mut local = fire_at.with_timezone(&person.zone).naive_local();
    let limit = local + Duration::days(MAX_DAYS_AHEAD);
    while local < limit {
        let date = local.date();
        if !is_working_day(date, rules.business_days, person.holidays) {
            if rules.on_day_off == DayOffPolicy::Skip {
                return Placement::Skipped(Skip::DayOff);
            }
            local =
                next_working_day(date, rules.business_days, person.holidays).and_time(local.time());
            continue;
        }
        if person.away.iter().any(|away| away.contains(date)) {
            return Placement::Skipped(Skip::OutOfOffice);
        }
        if person.quiet.contains(local.time()) {
            local = end_of_quiet(local, person.quiet);
            continue;
        }
        return Placement::At(local_instant(person.zone, local).max(fire_at));
    }
    Placement::Skipped(Skip::DayOff)
}

fn is_working_day(
    date: NaiveDate,
    days: &BusinessDays,
    holidays: Option<&HolidayCalendar>,
) -> bool {
    days.contains(date.weekday()) && !holidays.is_some_and(|calendar| calendar.contains(date))
}

fn next_working_day(
    date: NaiveDate,
    days: &BusinessDays,
    holidays: Option<&HolidayCalendar>,
) -> NaiveDate {
    let mut next = date;
    for _ in 0..MAX_DAYS_AHEAD {
        next = next.succ_opt().unwrap_or(next);
        if is_working_day(next, days, holidays) {
            break;
        }
    }
    next
}

/// The first wall-clock moment at or after `local` when the quiet hours have ended.
fn end_of_quiet(local: NaiveDateTime, quiet: QuietHours) -> NaiveDateTime {
    let today = local.date().and_time(quiet.end);
    if today > local {
        today
    } else {
        today + Duration::days(1)
    }
}

#[cfg(test)]
mod tests;
