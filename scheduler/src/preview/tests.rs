use chrono::NaiveDate;
use rhythm_domain::people::{DisplayName, PersonId, Region, Role, TeamName, Timezone};
use rhythm_domain::schedule::{OutOfOffice, Policy, QuietHours};

use super::*;

fn person(email: &str, zone: &str, region: Option<&str>) -> Person {
    let at: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    Person {
        id: PersonId(1),
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse(email).unwrap(),
        timezone: Timezone::parse(zone).unwrap(),
        timezone_source: Default::default(),
        role: Role::Employee,
        manager: None,
        teams: vec![TeamName::parse("Platform").unwrap()],
        region: region.map(|r| Region::parse(r).unwrap()),
        active: true,
        identities: Vec::new(),
        quiet_hours: None,
        out_of_office: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}

fn schedule(keys: &str) -> (Schedule, Vec<HolidayCalendar>) {
    let text = format!(
        "[[holiday_calendar]]\nname = \"de\"\ndates = [\"2026-12-24\", \"2026-12-25\"]\n\n\
         [[schedule]]\nname = \"S\"\naudience = \"everyone\"\n{keys}"
    );
    let mut policy = Policy::parse(&text).unwrap();
    (policy.schedules.remove(0), policy.calendars)
}

fn lines(entries: &[PreviewEntry]) -> Vec<String> {
    entries
        .iter()
        .map(|e| format!("{} {}", e.person, e.local.to_rfc3339()))
        .collect()
}

fn from(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

#[test]
fn each_person_is_pinged_at_nine_on_their_own_clock_in_time_order() {
    let people = [
        person("ana@x.com", "Europe/Berlin", None),
        person("bob@x.com", "America/New_York", None),
        person("kai@x.com", "Asia/Tokyo", None),
    ];
    let (s, calendars) = schedule("kind = \"check_in\"\ncron = \"0 9 * * MON\"");
    let entries = preview(&s, &people, &calendars, from("2026-03-04T00:00:00Z"), 4);
    assert_eq!(
        lines(&entries),
        [
            "kai@x.com 2026-03-09T09:00:00+09:00",
            "ana@x.com 2026-03-09T09:00:00+01:00",
            "bob@x.com 2026-03-09T09:00:00-04:00",
            "kai@x.com 2026-03-16T09:00:00+09:00",
        ]
    );
}

#[test]
fn a_fixed_zone_reaches_everyone_at_the_same_instant_held_by_their_quiet_hours() {
    let people = [
        person("ana@x.com", "Europe/Berlin", None),
        person("kai@x.com", "Asia/Tokyo", None),
    ];
    let (s, calendars) =
        schedule("kind = \"announcement\"\ncron = \"0 10 * * TUE\"\ntimezone = \"Europe/Berlin\"");
    let entries = preview(&s, &people, &calendars, from("2026-03-04T00:00:00Z"), 2);
    // 10:00 Berlin is 18:00 in Tokyo: fine. The next Tuesday is the same.
    assert_eq!(
        lines(&entries),
        [
            "ana@x.com 2026-03-10T10:00:00+01:00",
            "kai@x.com 2026-03-10T18:00:00+09:00"
        ]
    );
    let (s, calendars) =
        schedule("kind = \"announcement\"\ncron = \"0 14 * * TUE\"\ntimezone = \"Europe/Berlin\"");
    let entries = preview(&s, &people, &calendars, from("2026-03-04T00:00:00Z"), 2);
    // 14:00 Berlin is 22:00 in Tokyo: held until 08:00 Wednesday there.
    assert_eq!(
        lines(&entries),
        [
            "ana@x.com 2026-03-10T14:00:00+01:00",
            "kai@x.com 2026-03-11T08:00:00+09:00"
        ]
    );
}

#[test]
fn regions_pick_holiday_calendars_and_out_of_office_skips() {
    let mut away = person("bob@x.com", "Europe/Berlin", None);
    away.out_of_office = vec![OutOfOffice::new(day("2026-12-30"), day("2027-01-01")).unwrap()];
    let people = [person("ana@x.com", "Europe/Berlin", Some("de")), away];
    let (s, calendars) = schedule("kind = \"check_in\"\ncron = \"0 9 * * THU\"");
    let entries = preview(&s, &people, &calendars, from("2026-12-20T00:00:00Z"), 5);
    assert_eq!(
        lines(&entries),
        [
            // Bob has no region: the 24th is a working day for him.
            "bob@x.com 2026-12-24T09:00:00+01:00",
            // 24 and 25 December are holidays in `de`: Ana's moves to Monday the 28th.
            "ana@x.com 2026-12-28T09:00:00+01:00",
            // Bob is away on the 31st: skipped, not moved.
            "ana@x.com 2026-12-31T09:00:00+01:00",
            "ana@x.com 2027-01-07T09:00:00+01:00",
            "bob@x.com 2027-01-07T09:00:00+01:00",
        ]
    );
}

#[test]
fn stored_quiet_hours_replace_the_default() {
    let mut late = person("ana@x.com", "Europe/Berlin", None);
    late.quiet_hours = Some(QuietHours::parse("07:00-10:00").unwrap());
    let (s, calendars) = schedule("kind = \"check_in\"\ncron = \"0 9 * * MON\"");
    let entries = preview(&s, &[late], &calendars, from("2026-03-04T00:00:00Z"), 1);
    assert_eq!(lines(&entries), ["ana@x.com 2026-03-09T10:00:00+01:00"]);
}

#[test]
fn a_deadline_sends_its_reminders_before_and_on_the_day() {
    let people = [person("ana@x.com", "Europe/Berlin", None)];
    let (s, calendars) = schedule("kind = \"appraisal_deadline\"\nat = \"2026-12-15T17:00:00\"");
    let entries = preview(&s, &people, &calendars, from("2026-12-01T00:00:00Z"), 5);
    assert_eq!(
        lines(&entries),
        [
            "ana@x.com 2026-12-08T17:00:00+01:00",
            "ana@x.com 2026-12-14T17:00:00+01:00",
            "ana@x.com 2026-12-15T17:00:00+01:00",
        ]
    );
}

#[test]
fn the_audience_limits_who_is_pinged_and_inactive_people_never_are() {
    let mut gone = person("old@x.com", "Europe/Berlin", None);
    gone.active = false;
    let mut other = person("sam@x.com", "Europe/Berlin", None);
    other.teams = vec![TeamName::parse("Sales").unwrap()];
    let people = [person("ana@x.com", "Europe/Berlin", None), gone, other];
    let (s, calendars) = schedule("kind = \"check_in\"\ncron = \"0 9 * * MON\"");
    let mut s = s;
    s.audience = rhythm_domain::schedule::Audience::parse("team:platform").unwrap();
    let entries = preview(&s, &people, &calendars, from("2026-03-04T00:00:00Z"), 3);
    assert!(
        entries.iter().all(|e| e.person.as_str() == "ana@x.com"),
        "{:?}",
        lines(&entries)
    );
}

fn day(text: &str) -> NaiveDate {
    text.parse().unwrap()
}
