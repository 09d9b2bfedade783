use chrono::{NaiveDate, TimeZone as _};
use chrono_tz::Tz;
use rhythm_domain::schedule::{
    BusinessDays, DayOffPolicy, HolidayCalendar, OutOfOffice, QuietHours,
};

use super::*;

const BERLIN: Tz = chrono_tz::Europe::Berlin;

/// The instant of a Berlin wall-clock time.
fn berlin(text: &str) -> DateTime<Utc> {
    let local = NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").unwrap();
    BERLIN
        .from_local_datetime(&local)
        .earliest()
        .unwrap()
        .with_timezone(&Utc)
}

fn local(placement: Placement) -> String {
    match placement {
        Placement::At(at) => at
            .with_timezone(&BERLIN)
            .format("%a %Y-%m-%d %H:%M")
            .to_string(),
        Placement::Skipped(skip) => format!("{skip:?}"),
    }
}

struct Case {
    days: BusinessDays,
    policy: DayOffPolicy,
    holidays: Option<HolidayCalendar>,
    quiet: QuietHours,
    away: Vec<OutOfOffice>,
}

impl Case {
    fn new() -> Self {
        Self {
            days: BusinessDays::default(),
            policy: DayOffPolicy::NextBusinessDay,
            holidays: None,
            quiet: QuietHours::default(),
            away: Vec::new(),
        }
    }

    fn place(&self, at: &str) -> String {
        let rules = DayRules {
            business_days: &self.days,
            on_day_off: self.policy,
        };
        let person = PersonCalendar {
            zone: BERLIN,
            holidays: self.holidays.as_ref(),
            quiet: self.quiet,
            away: &self.away,
        };
        local(place(berlin(at), rules, person))
    }
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}

#[test]
fn a_working_day_inside_working_hours_is_untouched() {
    assert_eq!(
        Case::new().place("2026-03-02 09:00"),
        "Mon 2026-03-02 09:00"
    );
}

#[test]
fn a_weekend_fire_moves_to_monday_or_is_skipped() {
    let mut case = Case::new();
    assert_eq!(case.place("2026-03-07 09:00"), "Mon 2026-03-09 09:00");
    case.policy = DayOffPolicy::Skip;
    assert_eq!(case.place("2026-03-07 09:00"), "DayOff");
}

#[test]
fn holidays_are_days_off_and_a_run_of_them_is_jumped() {
    let mut case = Case::new();
    case.holidays = Some(HolidayCalendar::parse("de", ["2026-12-24", "2026-12-25"]).unwrap());
    // Thursday and Friday are holidays, then the weekend.
    assert_eq!(case.place("2026-12-24 09:00"), "Mon 2026-12-28 09:00");
}

#[test]
fn custom_business_days_are_honoured() {
    let mut case = Case::new();
    case.days = BusinessDays::parse(["sun", "mon", "tue", "wed", "thu"]).unwrap();
    assert_eq!(case.place("2026-03-06 09:00"), "Sun 2026-03-08 09:00");
}

#[test]
fn quiet_hours_hold_a_delivery_until_they_end() {
    let case = Case::new();
    assert_eq!(case.place("2026-03-03 21:30"), "Wed 2026-03-04 08:00");
    assert_eq!(case.place("2026-03-03 06:00"), "Tue 2026-03-03 08:00");
}

#[test]
fn a_friday_evening_held_by_quiet_hours_moves_past_the_weekend() {
    assert_eq!(
        Case::new().place("2026-03-06 21:00"),
        "Mon 2026-03-09 08:00"
    );
}

#[test]
fn out_of_office_skips_and_is_not_a_day_off() {
    let mut case = Case::new();
    case.away = vec![OutOfOffice::new(day("2026-03-02"), day("2026-03-04")).unwrap()];
    assert_eq!(case.place("2026-03-03 09:00"), "OutOfOffice");
    assert_eq!(case.place("2026-03-05 09:00"), "Thu 2026-03-05 09:00");
    // Moved off the weekend onto a day away: skipped.
    case.away = vec![OutOfOffice::new(day("2026-03-09"), day("2026-03-09")).unwrap()];
    assert_eq!(case.place("2026-03-07 09:00"), "OutOfOffice");
}

#[test]
fn a_quiet_end_inside_the_spring_gap_lands_right_after_it() {
    // Quiet until 02:30, which does not exist in Berlin on Sunday 2026-03-29; Sunday is a
    // working day here.
    let mut case = Case::new();
    case.days = BusinessDays::parse(["sun"]).unwrap();
    case.quiet = QuietHours::parse("01:00-02:30").unwrap();
    assert_eq!(case.place("2026-03-29 01:30"), "Sun 2026-03-29 03:00");
}
