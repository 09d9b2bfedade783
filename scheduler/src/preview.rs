//! Who gets pinged when: a schedule's next deliveries, person by person, after their zones,
//! calendars, quiet hours and out-of-office — what `rhythm schedule preview` prints.

use chrono::{DateTime, Duration, FixedOffset, Utc};
use chrono_tz::Tz;
use rhythm_domain::people::{Email, Person, Roster};
use rhythm_domain::schedule::{HolidayCalendar, Recurrence, Schedule, ZoneChoice};
use serde::Serialize;

use crate::first_fire::local_instant;
use crate::placement::{DayRules, PersonCalendar, Placement, place};
use crate::recurrence::fires_after;

/// One delivery a person would get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PreviewEntry {
    /// Who.
    pub person: Email,
    /// When, in UTC.
    pub fire_at: DateTime<Utc>,
    /// When, on their clock.
    pub local: DateTime<FixedOffset>,
}

/// How many fires of one person are looked at, at most, to find deliveries that are not
/// skipped (a schedule that only ever falls on days off would otherwise loop).
const MAX_FIRES_PER_PERSON: usize = 1_000;

/// The first `count` deliveries at or after `from`, in time order (ties by email).
pub fn preview(
    schedule: &Schedule,
    people: &[Person],
    calendars: &[HolidayCalendar],
    from: DateTime<Utc>,
    count: usize,
) -> Vec<PreviewEntry> {
    let rules = DayRules {
        business_days: &schedule.business_days,
        on_day_off: schedule.on_day_off,
    };
    let mut entries = Vec::new();
    let roster = Roster::new(people);
    for person in schedule.audience.members(&roster) {
        let zone = match schedule.zone {
            ZoneChoice::Fixed(zone) => zone.tz(),
            ZoneChoice::Recipient => person.timezone.tz(),
        };
        let calendar_name = schedule.holidays.clone().or_else(|| {
            person
                .region
                .as_ref()
                .map(|region| region.as_str().to_owned())
        });
        let holidays = calendar_name.and_then(|name| calendars.iter().find(|c| c.name == name));
        let calendar = PersonCalendar {
            zone: person.timezone.tz(),
            holidays,
            quiet: person.quiet_hours.unwrap_or_default(),
            away: &person.out_of_office,
        };
        let deliveries = fires(schedule, zone, from)
            .take(MAX_FIRES_PER_PERSON)
            .filter_map(|fire| match place(fire, rules, calendar) {
                Placement::At(at) => Some(at),
                Placement::Skipped(_) => None,
            })
            .take(count);
        entries.extend(deliveries.map(|at| PreviewEntry {
            person: person.email.clone(),
            fire_at: at,
            local: at.with_timezone(&person.timezone.tz()).fixed_offset(),
        }));
    }
    entries.sort_by(|a, b| (a.fire_at, &a.person).cmp(&(b.fire_at, &b.person)));
    entries.truncate(count);
    entries
}

/// The schedule's fires in `zone`, each deadline fire expanded into its reminders, within
/// its dates, at or after `from`.
fn fires(
    schedule: &Schedule,
    zone: Tz,
    from: DateTime<Utc>,
) -> Box<dyn Iterator<Item = DateTime<Utc>> + '_> {
    let date = move |fire: &DateTime<Utc>| fire.with_timezone(&zone).date_naive();
    let mut offsets: Vec<Duration> = schedule
        .deadline_offsets
        .iter()
        .map(|offset| offset.0)
        .collect();
    if offsets.is_empty() {
        offsets.push(Duration::zero());
    }
    offsets.sort();
    // A fire whose last reminder is still ahead matters, even if the fire itself is not.
    let latest = offsets.last().copied().unwrap_or_default();
    let base: Box<dyn Iterator<Item = DateTime<Utc>>> = match &schedule.recurrence {
        Recurrence::Cron(spec) => Box::new(fires_after(
            spec,
            zone,
            from - latest - Duration::milliseconds(1),
        )),
        Recurrence::Once(at) => Box::new(std::iter::once(local_instant(zone, *at))),
    };
    Box::new(
        base.skip_while(move |fire| schedule.starts.is_some_and(|starts| date(fire) < starts))
            .take_while(move |fire| schedule.ends.is_none_or(|ends| date(fire) <= ends))
            .flat_map(move |fire| offsets.clone().into_iter().map(move |offset| fire + offset))
            .filter(move |at| *at >= from),
    )
}

#[cfg(test)]
mod tests;
