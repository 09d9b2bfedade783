use rhythm_domain::people::{DisplayName, Email, PersonId, Role, Roster, Timezone};
use rhythm_domain::ports::{ScheduleId, StoredSchedule};
use rhythm_domain::schedule::Policy;

use super::*;

fn person(id: i64, email: &str, zone: &str, manager: Option<&str>) -> Person {
    let at: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    Person {
        id: PersonId(id),
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse(email).unwrap(),
        timezone: Timezone::parse(zone).unwrap(),
        timezone_source: Default::default(),
        role: Role::Employee,
        manager: manager.map(|m| Email::parse(m).unwrap()),
        teams: Vec::new(),
        region: None,
        active: true,
        identities: Vec::new(),
        quiet_hours: None,
        out_of_office: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}

fn stored(keys: &str, next_fire_at: &str) -> StoredSchedule {
    let text = format!("[[schedule]]\nname = \"S\"\naudience = \"everyone\"\n{keys}");
    StoredSchedule {
        id: ScheduleId(7),
        schedule: Policy::parse(&text).unwrap().schedules.remove(0),
        paused: false,
        next_fire_at: Some(utc(next_fire_at)),
        version: 3,
        updated_at: utc("2026-01-01T00:00:00Z"),
    }
}

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn people() -> Vec<Person> {
    vec![
        person(1, "boss@x.com", "Europe/Berlin", None),
        person(2, "ana@x.com", "Europe/Berlin", Some("boss@x.com")),
        person(3, "kai@x.com", "Asia/Tokyo", Some("boss@x.com")),
    ]
}

/// Plans `stored` at `now` against `people`.
fn plan_with(stored: &StoredSchedule, people: &[Person], now: DateTime<Utc>) -> Advance {
    let roster = Roster::new(people);
    let world = World {
        roster: &roster,
        calendars: &[],
    };
    plan(stored, world, now)
}

fn summary(advance: &Advance) -> Vec<String> {
    advance
        .occurrences
        .iter()
        .map(|o| {
            let mut deliveries: Vec<String> = o
                .deliveries
                .iter()
                .map(|d| {
                    format!(
                        "{}:{}@{}",
                        d.person.0,
                        d.step,
                        d.due_at.format("%m-%dT%H:%M")
                    )
                })
                .collect();
            deliveries.sort();
            format!(
                "{} {} [{}]",
                o.fire_at.format("%m-%dT%H:%M"),
                o.status.as_str(),
                deliveries.join(" ")
            )
        })
        .collect()
}

#[test]
fn a_due_fixed_zone_schedule_fires_once_to_everyone_and_looks_a_week_ahead() {
    let s = stored(
        "kind = \"check_in\"\ncron = \"0 9 * * MON\"\ntimezone = \"Europe/Berlin\"",
        "2026-03-09T08:00:00Z",
    );
    let people = people();
    let advance = plan_with(&s, &people, utc("2026-03-09T08:00:10Z"));
    assert_eq!(
        summary(&advance),
        [
            "03-09T08:00 on_time [1:reminder@03-09T08:00 2:reminder@03-09T08:00 3:reminder@03-09T08:00]"
        ]
    );
    assert_eq!((advance.schedule, advance.version), (ScheduleId(7), 3));
    assert_eq!(advance.next_fire_at, Some(utc("2026-03-16T08:00:00Z")));
}

#[test]
fn recipient_zones_fire_at_their_own_instants_and_the_next_look_is_the_next_zone() {
    let s = stored(
        "kind = \"check_in\"\ncron = \"0 9 * * MON\"",
        "2026-03-09T00:00:00Z",
    );
    let people = people();
    let advance = plan_with(&s, &people, utc("2026-03-09T00:00:05Z"));
    assert_eq!(
        summary(&advance),
        ["03-09T00:00 on_time [3:reminder@03-09T00:00]"]
    );
    assert_eq!(
        advance.next_fire_at,
        Some(utc("2026-03-09T08:00:00Z")),
        "Berlin's 09:00 is next"
    );
}

#[test]
fn after_downtime_within_grace_it_fires_late_and_beyond_grace_it_is_missed() {
    let keys = "kind = \"check_in\"\ncron = \"0 * * * *\"\ntimezone = \"UTC\"\ngrace = \"1h\"\nbusiness_days = [\"mon\", \"tue\", \"wed\", \"thu\", \"fri\", \"sat\", \"sun\"]";
    let mut quiet_free = people();
    for person in &mut quiet_free {
        person.quiet_hours =
            Some(rhythm_domain::schedule::QuietHours::parse("00:00-00:01").unwrap());
    }
    let s = stored(keys, "2026-03-09T10:00:00Z");
    // Down from 09:59 to 13:30: 10:00, 11:00 and 12:00 are more than an hour old; 13:00 is not.
    let advance = plan_with(&s, &quiet_free, utc("2026-03-09T13:30:00Z"));
    let statuses: Vec<(String, &str, usize)> = advance
        .occurrences
        .iter()
        .map(|o| {
            (
                o.fire_at.format("%H:%M").to_string(),
                o.status.as_str(),
                o.deliveries.len(),
            )
        })
        .collect();
    assert_eq!(
        statuses,
        [
            ("10:00".into(), "missed", 0),
            ("11:00".into(), "missed", 0),
            ("12:00".into(), "missed", 0),
            ("13:00".into(), "late", 3)
        ]
    );
    assert_eq!(advance.next_fire_at, Some(utc("2026-03-09T14:00:00Z")));
}

#[test]
fn a_deadline_writes_every_reminder_when_first_looked_at() {
    let s = stored(
        "kind = \"appraisal_deadline\"\nat = \"2026-12-15T17:00:00\"\ntimezone = \"Europe/Berlin\"",
        "2026-12-08T16:00:00Z",
    );
    let s = StoredSchedule {
        schedule: {
            let mut schedule = s.schedule.clone();
            schedule.audience =
                rhythm_domain::schedule::Audience::parse("people:ana@x.com").unwrap();
            schedule
        },
        ..s
    };
    let people = people();
    let advance = plan_with(&s, &people, utc("2026-12-08T16:00:00Z"));
    assert_eq!(
        summary(&advance),
        [
            "12-15T16:00 on_time [1:escalation:2@12-16T16:00 2:deadline:-1d@12-14T16:00 2:deadline:-7d@12-08T16:00 2:deadline:0d@12-15T16:00]"
        ]
    );
    assert_eq!(advance.next_fire_at, None, "a one-off fires once");
}

#[test]
fn a_deadline_escalates_to_the_manager_a_day_after_and_to_hr_three_days_after_unless_told_otherwise()
 {
    let mut people = people();
    people[0].role = Role::HrAdmin;
    people.push(Person {
        role: Role::HrAdmin,
        ..person(4, "hr@x.com", "Europe/Berlin", None)
    });
    let keys = "kind = \"appraisal_deadline\"\nat = \"2026-12-15T17:00:00\"\ntimezone = \"Europe/Berlin\"\naudience = \"people:ana@x.com\"\ndeadline_offsets = [\"0d\"]";
    let plan_for = |extra: &str| {
        let text = format!("[[schedule]]\nname = \"S\"\n{keys}\n{extra}");
        let s = StoredSchedule {
            schedule: Policy::parse(&text).unwrap().schedules.remove(0),
            ..stored(
                "kind = \"announcement\"\ncron = \"0 9 * * *\"",
                "2026-12-15T16:00:00Z",
            )
        };
        summary(&plan_with(&s, &people, utc("2026-12-15T16:00:00Z")))
    };
    assert_eq!(
        plan_for(""),
        [
            "12-15T16:00 on_time [1:escalation:2@12-16T16:00 1:escalation_hr:2@12-18T16:00 2:deadline:0d@12-15T16:00 4:escalation_hr:2@12-18T16:00]"
        ],
        "the manager a day after the deadline, each HR admin three days after"
    );
    assert_eq!(
        plan_for("follow_up = {}"),
        ["12-15T16:00 on_time [2:deadline:0d@12-15T16:00]"],
        "an empty follow_up turns the escalations off"
    );
    assert_eq!(
        plan_for("follow_up = { escalate_hr_after = \"12h\" }"),
        [
            "12-15T16:00 on_time [1:escalation_hr:2@12-16T04:00 2:deadline:0d@12-15T16:00 4:escalation_hr:2@12-16T04:00]"
        ],
        "a follow_up given replaces the default whole"
    );
}

#[test]
fn follow_ups_nudge_the_person_and_escalate_to_their_manager() {
    let s = stored(
        "kind = \"check_in\"\ncron = \"0 9 * * MON\"\ntimezone = \"Europe/Berlin\"\nfollow_up = { nudge_after = \"4h\", escalate_after = \"1d\" }",
        "2026-03-09T08:00:00Z",
    );
    let people = people();
    let advance = plan_with(&s, &people[..2], utc("2026-03-09T08:00:00Z"));
    assert_eq!(
        summary(&advance),
        [
            "03-09T08:00 on_time [1:escalation:2@03-10T08:00 1:nudge@03-09T12:00 1:reminder@03-09T08:00 2:nudge@03-09T12:00 2:reminder@03-09T08:00]"
        ]
    );
}

#[test]
fn nothing_is_due_before_the_next_look() {
    let s = stored(
        "kind = \"check_in\"\ncron = \"0 9 * * MON\"\ntimezone = \"Europe/Berlin\"",
        "2026-03-09T08:00:00Z",
    );
    let people = people();
    let advance = plan_with(&s, &people, utc("2026-03-09T07:59:59Z"));
    assert!(advance.occurrences.is_empty());
    assert_eq!(advance.next_fire_at, Some(utc("2026-03-09T08:00:00Z")));
}
