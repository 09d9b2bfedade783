//! When a cron schedule fires, in a zone, across daylight-saving changes.
//!
//! Daylight saving follows classic cron (Vixie) semantics, as croner implements them:
//!
//! - a **fixed-time** schedule (one minute and one hour, such as `0 9 * * MON` or `30 2 * * *`)
//!   whose time falls in the spring-forward gap fires right after the gap (02:30 that does not
//!   exist fires at 03:00); in the fall-back overlap it fires once, at the first of the two
//!   02:30s;
//! - an **interval** schedule (a `*`, a step, a range or a list in the minute or hour, such as
//!   `*/15 * * * *`) keeps its rhythm in wall-clock time: the times inside a gap do not exist
//!   and are skipped, and the repeated hour of an overlap runs again.
//!
//! Either way the fire times are strictly increasing and no instant fires twice.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use rhythm_domain::schedule::CronSpec;

/// The first instant strictly after `after` at which `spec`, read in `zone`, fires; `None`
/// if it never fires again (a pattern such as `0 0 30 2 *`).
pub fn next_fire(spec: &CronSpec, zone: Tz, after: DateTime<Utc>) -> Option<DateTime<Utc>> {
    // Converting the exact instant keeps the offset, so a search from inside an overlap knows
    // which of its two passes it is on.
    let local = after.with_timezone(&zone);
    spec.cron()
        .find_next_occurrence(&local, false)
        .ok()
        .map(|fire| fire.with_timezone(&Utc))
}

/// Every fire strictly after `after`, in order.
pub fn fires_after(
    spec: &CronSpec,
    zone: Tz,
    after: DateTime<Utc>,
) -> impl Iterator<Item = DateTime<Utc>> + '_ {
    std::iter::successors(next_fire(spec, zone, after), move |&last| {
        next_fire(spec, zone, last)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn utc(text: &str) -> DateTime<Utc> {
        text.parse().unwrap()
    }

    fn fires(cron: &str, zone: Tz, after: &str, count: usize) -> Vec<String> {
        let spec = CronSpec::parse(cron).unwrap();
        fires_after(&spec, zone, utc(after))
            .take(count)
            .map(|fire| fire.with_timezone(&zone).to_rfc3339())
            .collect()
    }

    #[test]
    fn a_weekly_check_in_stays_at_nine_local_across_the_spring_change() {
        // Europe/Berlin moves to summer time on Sunday 2026-03-29.
        assert_eq!(
            fires(
                "0 9 * * MON",
                chrono_tz::Europe::Berlin,
                "2026-03-20T00:00:00Z",
                3
            ),
            [
                "2026-03-23T09:00:00+01:00",
                "2026-03-30T09:00:00+02:00",
                "2026-04-06T09:00:00+02:00"
            ]
        );
    }

    #[test]
    fn a_fixed_time_in_the_gap_fires_right_after_it() {
        // America/New_York skips 02:00-03:00 on 2026-03-08.
        assert_eq!(
            fires(
                "30 2 * * *",
                chrono_tz::America::New_York,
                "2026-03-07T12:00:00Z",
                3
            ),
            [
                "2026-03-08T03:00:00-04:00",
                "2026-03-09T02:30:00-04:00",
                "2026-03-10T02:30:00-04:00"
            ]
        );
    }

    #[test]
    fn a_fixed_time_in_the_overlap_fires_once() {
        // America/New_York repeats 01:00-02:00 on 2026-11-01.
        assert_eq!(
            fires(
                "30 1 * * *",
                chrono_tz::America::New_York,
                "2026-10-31T12:00:00Z",
                2
            ),
            ["2026-11-01T01:30:00-04:00", "2026-11-02T01:30:00-05:00"]
        );
    }

    #[test]
    fn an_interval_keeps_wall_clock_rhythm_through_the_overlap() {
        assert_eq!(
            fires(
                "*/30 1 * * *",
                chrono_tz::America::New_York,
                "2026-11-01T04:00:00Z",
                5
            ),
            [
                "2026-11-01T01:00:00-04:00",
                "2026-11-01T01:30:00-04:00",
                "2026-11-01T01:00:00-05:00",
                "2026-11-01T01:30:00-05:00",
                "2026-11-02T01:00:00-05:00",
            ]
        );
    }

    #[test]
    fn an_impossible_date_never_fires() {
        let spec = CronSpec::parse("0 0 30 2 *").unwrap();
        assert_eq!(
            next_fire(&spec, chrono_tz::UTC, utc("2026-01-01T00:00:00Z")),
            None
        );
    }
}
