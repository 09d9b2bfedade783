//! When the planner should first look at a schedule: its earliest fire at or after now, in
//! any zone it fires in, within its start and end dates, brought forward by its earliest
//! deadline offset.

use chrono::{DateTime, Duration, NaiveDate, NaiveDateTime, TimeZone as _, Timelike as _, Utc};
use chrono_tz::Tz;
use rhythm_domain::schedule::{Recurrence, Schedule, ZoneChoice};

use crate::recurrence::next_fire;

/// The earliest instant at or after `now` the planner must look at `schedule`, or `None` if
/// it will never fire again. `people_zones` are the zones of the people a `recipient`-zone
/// schedule may reach (UTC if there are none yet).
pub fn first_look(
    schedule: &Schedule,
    people_zones: &[Tz],
    now: DateTime<Utc>,
) -> Option<DateTime<Utc>> {
    let (earliest, latest) = offset_range(schedule);
    // A deadline's reminders run from its earliest offset (-7d) to its latest (0d): a fire
    // whose latest reminder is still ahead counts, and is looked at from its earliest.
    fire_zones(schedule, people_zones)
        .into_iter()
        .filter_map(|zone| first_fire_in(schedule, zone, now - latest))
        .map(|fire| (fire + earliest).max(now))
        .min()
}

/// The zones a schedule fires in: its own, or the zones of the people it may reach (UTC if
/// there are none yet).
pub(crate) fn fire_zones(schedule: &Schedule, people_zones: &[Tz]) -> Vec<Tz> {
    match schedule.zone {
        ZoneChoice::Fixed(zone) => vec![zone.tz()],
        ZoneChoice::Recipient if people_zones.is_empty() => vec![chrono_tz::UTC],
        ZoneChoice::Recipient => people_zones.to_vec(),
    }
}

/// The earliest and latest deadline offsets, each counting the fire itself (zero).
pub(crate) fn offset_range(schedule: &Schedule) -> (Duration, Duration) {
    let offsets = || {
        schedule
            .deadline_offsets
            .iter()
            .map(|offset| offset.0)
            .chain([Duration::zero()])
    };
    (
        offsets().min().unwrap_or_default(),
        offsets().max().unwrap_or_default(),
    )
}

/// The first fire at or after `from` in `zone`, inside the schedule's dates.
fn first_fire_in(schedule: &Schedule, zone: Tz, from: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let starts = schedule.starts.map(|date| local_midnight(zone, date));
    let from = starts.map_or(from, |starts| starts.max(from));
    let fire = match &schedule.recurrence {
        Recurrence::Cron(spec) => next_fire(spec, zone, from - Duration::milliseconds(1))?,
        Recurrence::Once(at) => Some(local_instant(zone, *at)).filter(|fire| *fire >= from)?,
    };
    let within_end = schedule
        .ends
        .is_none_or(|ends| fire.with_timezone(&zone).date_naive() <= ends);
    within_end.then_some(fire)
}

fn local_midnight(zone: Tz, date: NaiveDate) -> DateTime<Utc> {
    local_instant(zone, date.and_hms_opt(0, 0, 0).unwrap_or_default())
}

/// A wall-clock time as an instant: in a daylight-saving gap, the first minute after it; if
/// ambiguous, its first occurrence. The one rule for schedules, quiet hours and previews.
pub(crate) fn local_instant(zone: Tz, local: NaiveDateTime) -> DateTime<Utc> {
    let mut probe = local;
    // No gap lasts a day; the bound keeps a broken zone table from looping forever.
    for _ in 0..(24 * 60) {
        if let Some(at) = zone.from_local_datetime(&probe).earliest() {
            return at.with_timezone(&Utc);
        }
        probe = (probe + Duration::minutes(1))
            .with_second(0)
            .unwrap_or(probe);
    }
    Utc.from_utc_datetime(&local)
}

#[cfg(test)]
mod tests {
    use rhythm_domain::schedule::Policy;

    use super::*;

    fn schedule(extra: &str, kind: &str, when: &str) -> Schedule {
        let text = format!(
            "[[schedule]]\nname = \"S\"\nkind = \"{kind}\"\n{when}\naudience = \"everyone\"\n{extra}"
        );
        Policy::parse(&text).unwrap().schedules.remove(0)
    }

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    const NOW: &str = "2026-03-04T12:00:00Z"; // a Wednesday

    #[test]
    fn a_fixed_zone_schedule_looks_at_its_next_fire() {
        let s = schedule(
            "timezone = \"Europe/Berlin\"",
            "check_in",
            "cron = \"0 9 * * MON\"",
        );
        assert_eq!(
            first_look(&s, &[], utc(NOW)),
            Some(utc("2026-03-09T08:00:00Z"))
        );
    }

    #[test]
    fn a_recipient_schedule_looks_at_the_earliest_zone() {
        let s = schedule("", "check_in", "cron = \"0 9 * * MON\"");
        let zones = [chrono_tz::America::New_York, chrono_tz::Asia::Tokyo];
        assert_eq!(
            first_look(&s, &zones, utc(NOW)),
            Some(utc("2026-03-09T00:00:00Z"))
        );
    }

    #[test]
    fn start_and_end_dates_bound_the_fires() {
        let s = schedule(
            "timezone = \"UTC\"\nstarts = \"2026-04-01\"",
            "check_in",
            "cron = \"0 9 * * MON\"",
        );
        assert_eq!(
            first_look(&s, &[], utc(NOW)),
            Some(utc("2026-04-06T09:00:00Z"))
        );
        let s = schedule(
            "timezone = \"UTC\"\nends = \"2026-03-08\"",
            "check_in",
            "cron = \"0 9 * * MON\"",
        );
        assert_eq!(first_look(&s, &[], utc(NOW)), None);
    }

    #[test]
    fn a_one_off_in_the_past_never_fires_and_a_deadline_looks_a_week_early() {
        let s = schedule(
            "timezone = \"UTC\"",
            "announcement",
            "at = \"2026-03-01T10:00:00\"",
        );
        assert_eq!(first_look(&s, &[], utc(NOW)), None);
        let s = schedule(
            "timezone = \"UTC\"",
            "appraisal_deadline",
            "at = \"2026-03-20T17:00:00\"",
        );
        assert_eq!(
            first_look(&s, &[], utc(NOW)),
            Some(utc("2026-03-13T17:00:00Z"))
        );
        // Already inside the week before: look now.
        let s = schedule(
            "timezone = \"UTC\"",
            "appraisal_deadline",
            "at = \"2026-03-06T17:00:00\"",
        );
        assert_eq!(first_look(&s, &[], utc(NOW)), Some(utc(NOW)));
    }
}
