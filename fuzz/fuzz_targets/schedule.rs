//! What HR writes to set a cadence, read from any UTF-8 text: [`CronSpec::parse`] (and the
//! next fires the scheduler computes from it), each schedule field's parser, holiday
//! calendars, quiet hours, deadline offsets, [`HumanDuration::parse`],
//! [`Timezone::parse`], and a whole policy file ([`Policy::parse`]).
//!
//! Invariants: nothing panics; what parses prints back as text that parses to the same
//! value; a schedule read from a policy file reads the same from its own document; fires
//! come strictly after the instant they follow, in order.

#![no_main]

use std::collections::HashSet;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use libfuzzer_sys::fuzz_target;
use rhythm_domain::duration::HumanDuration;
use rhythm_domain::people::Timezone;
use rhythm_domain::schedule::{
    Audience, BusinessDays, CronSpec, DayOffPolicy, HolidayCalendar, Offset, Policy, QuietHours,
    ScheduleKind, ScheduleName, ZoneChoice, parse_date,
};
use rhythm_scheduler::recurrence::fires_after;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    cron(text);
    fields(text);
    if let Ok(duration) = HumanDuration::parse(text) {
        assert_eq!(HumanDuration::parse(&duration.to_string()), Ok(duration));
    }
    if let Ok(offset) = Offset::parse(text) {
        assert_eq!(Offset::parse(&offset.to_string()), Ok(offset));
    }
    if let Ok(zone) = Timezone::parse(text) {
        assert_eq!(Timezone::parse(zone.as_str()), Ok(zone));
    }
    policy(text);
});

fn cron(text: &str) {
    let Ok(spec) = CronSpec::parse(text) else {
        return;
    };
    assert_eq!(CronSpec::parse(spec.as_str()).as_ref(), Ok(&spec));
    let _ = spec.describe();
    let after: DateTime<Utc> = "2026-03-07T12:34:56Z".parse().expect("an instant");
    for zone in [Tz::UTC, Tz::America__New_York, Tz::Australia__Lord_Howe] {
        let mut last = after;
        for fire in fires_after(&spec, zone, after).take(3) {
            assert!(fire > last, "`{spec}` in {zone}: {fire} after {last}");
            last = fire;
        }
    }
}

fn fields(text: &str) {
    if let Ok(name) = ScheduleName::parse(text) {
        assert_eq!(ScheduleName::parse(name.as_str()).as_ref(), Ok(&name));
    }
    if let Ok(kind) = ScheduleKind::parse(text) {
        assert_eq!(ScheduleKind::parse(kind.as_str()), Ok(kind));
    }
    if let Ok(zone) = ZoneChoice::parse(text) {
        assert_eq!(ZoneChoice::parse(&zone.to_string()), Ok(zone));
    }
    if let Ok(audience) = Audience::parse(text) {
        assert_eq!(
            Audience::parse(&audience.to_string()).as_ref(),
            Ok(&audience)
        );
    }
    if let Ok(days) = BusinessDays::parse(text.split(',')) {
        assert_eq!(BusinessDays::parse(days.names()).as_ref(), Ok(&days));
    }
    if let Ok(policy) = DayOffPolicy::parse(text) {
        assert_eq!(DayOffPolicy::parse(policy.as_str()), Ok(policy));
    }
    if let Ok(quiet) = QuietHours::parse(text) {
        let written = format!(
            "{}-{}",
            quiet.start.format("%H:%M"),
            quiet.end.format("%H:%M")
        );
        assert_eq!(QuietHours::parse(&written), Ok(quiet));
    }
    if let Ok(date) = parse_date(text, "a date") {
        assert_eq!(
            parse_date(&date.format("%Y-%m-%d").to_string(), "a date"),
            Ok(date)
        );
    }
    let mut lines = text.lines();
    let name = lines.next().unwrap_or_default();
    let _ = HolidayCalendar::parse(name, lines);
}

fn policy(text: &str) {
    let Ok(policy) = Policy::parse(text) else {
        return;
    };
    let calendars: HashSet<String> = policy.calendars.iter().map(|c| c.name.clone()).collect();
    for schedule in &policy.schedules {
        let again = schedule.to_doc().read(&calendars);
        assert_eq!(again.as_ref(), Ok(schedule), "{schedule:?}");
    }
}
