//! The daylight-saving property: the engine's fire times against a brute-force oracle that
//! scans every wall-clock minute of two years and applies the Vixie rules itself.
//!
//! The oracle uses croner only to ask whether a wall-clock minute matches the pattern (no zone
//! involved); where each match lands on the time line — the gap, the overlap — it decides on
//! its own:
//! - a wall-clock time that exists once fires then;
//! - in an overlap, a fixed-time pattern fires at the first pass only, an interval pattern at
//!   both;
//! - in a gap, a fixed-time pattern fires at the first wall-clock minute after the gap, an
//!   interval pattern not at all.

use chrono::{DateTime, Duration, LocalResult, NaiveDate, NaiveDateTime, TimeZone, Utc};
use chrono_tz::Tz;
use croner::JobType;
use rhythm_domain::schedule::CronSpec;
use rhythm_scheduler::recurrence::fires_after;

const PATTERNS: [&str; 10] = [
    // fixed times, several inside the gaps and overlaps of the zones below
    "30 2 * * *",
    "0 2 * * SUN",
    "0 9 * * MON",
    "30 1 * * *",
    "15 2 L * *",
    "45 2 * * SUN#1",
    "0 3 15W * *",
    // intervals
    "*/20 * * * *",
    "0,30 0-3 * * SUN",
    "45 */2 * * *",
];

/// Zones with the years simulated: classic DST north and south, a 30-minute DST
/// (Lord Howe), no DST (Kolkata), and Apia while it still had DST.
fn zones() -> [(Tz, i32); 5] {
    [
        (chrono_tz::America::New_York, 2026),
        (chrono_tz::Europe::Berlin, 2026),
        (chrono_tz::Australia::Lord_Howe, 2026),
        (chrono_tz::Asia::Kolkata, 2026),
        (chrono_tz::Pacific::Apia, 2013),
    ]
}

fn midnight(year: i32) -> NaiveDateTime {
    NaiveDate::from_ymd_opt(year, 1, 1)
        .unwrap()
        .and_hms_opt(0, 0, 0)
        .unwrap()
}

/// Every wall-clock minute in `[from, to)` that the pattern matches.
fn matching_minutes(spec: &CronSpec, from: NaiveDateTime, to: NaiveDateTime) -> Vec<NaiveDateTime> {
    let mut minutes = Vec::new();
    let mut minute = from;
    while minute < to {
        if spec.cron().is_time_matching(&minute).unwrap() {
            minutes.push(minute);
        }
        minute += Duration::minutes(1);
    }
    minutes
}

/// Where the oracle says the matching wall-clock minutes fire.
fn oracle(spec: &CronSpec, zone: Tz, minutes: &[NaiveDateTime]) -> Vec<DateTime<Utc>> {
    let fixed = spec.cron().determine_job_type() == JobType::FixedTime;
    let mut fires = Vec::new();
    for &minute in minutes {
        match zone.from_local_datetime(&minute) {
            LocalResult::Single(at) => fires.push(at.with_timezone(&Utc)),
            LocalResult::Ambiguous(first, second) => {
                fires.push(first.with_timezone(&Utc));
                if !fixed {
                    fires.push(second.with_timezone(&Utc));
                }
            }
            LocalResult::None if fixed => {
                let mut after = minute;
                let end_of_gap = loop {
                    after += Duration::minutes(1);
                    if let Some(at) = zone.from_local_datetime(&after).earliest() {
                        break at;
                    }
                };
                fires.push(end_of_gap.with_timezone(&Utc));
            }
            LocalResult::None => {}
        }
    }
    fires.sort();
    fires
}

#[test]
fn fire_times_match_the_oracle_over_two_years_in_five_zones() {
    let mut checked = 0;
    for pattern in PATTERNS {
        let spec = CronSpec::parse(pattern).unwrap();
        for (zone, year) in zones() {
            let (from, to) = (midnight(year), midnight(year + 2));
            let minutes = matching_minutes(&spec, from, to);
            let start = zone
                .from_local_datetime(&from)
                .earliest()
                .unwrap()
                .with_timezone(&Utc);
            let end = zone
                .from_local_datetime(&to)
                .earliest()
                .unwrap()
                .with_timezone(&Utc);
            let expected = oracle(&spec, zone, &minutes);
            let actual: Vec<DateTime<Utc>> = fires_after(&spec, zone, start - Duration::seconds(1))
                .take_while(|fire| *fire < end)
                .collect();

            assert!(
                actual.windows(2).all(|pair| pair[0] < pair[1]),
                "{pattern} in {zone}: fire times are not strictly increasing"
            );
            if actual != expected {
                let first = actual.iter().zip(&expected).position(|(a, e)| a != e);
                let local = |fire: Option<&DateTime<Utc>>| {
                    fire.map(|f| f.with_timezone(&zone).to_rfc3339())
                };
                let at = first.unwrap_or(actual.len().min(expected.len()));
                panic!(
                    "{pattern} in {zone}: {} fires, oracle {}; first difference at #{at}: engine {:?}, oracle {:?}",
                    actual.len(),
                    expected.len(),
                    local(actual.get(at)),
                    local(expected.get(at)),
                );
            }
            checked += actual.len();
        }
    }
    assert!(checked > 100_000, "the property checked {checked} fires");
}
