use std::collections::BTreeMap;

use chrono::{DateTime, NaiveDate, Utc};

use super::*;
use crate::people::{DisplayName, Email, Role, TeamName, Timezone};
use crate::ports::{CheckInId, ScheduleId};
use crate::schedule::OutOfOffice;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 3, 2).unwrap()
}

fn person(id: i64, name: &str, zone: &str, manager: Option<&str>) -> Person {
    let at = utc("2026-01-01T00:00:00Z");
    Person {
        id: PersonId(id),
        email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
        name: DisplayName::parse(name).unwrap(),
        timezone: Timezone::parse(zone).unwrap(),
        timezone_source: Default::default(),
        role: Role::Employee,
        manager: manager.map(|m| Email::parse(&format!("{m}@example.com")).unwrap()),
        teams: vec![TeamName::parse("Platform").unwrap()],
        region: None,
        active: true,
        identities: Vec::new(),
        quiet_hours: None,
        out_of_office: Vec::new(),
        created_at: at,
        updated_at: at,
    }
}

fn checkin(
    person: i64,
    status: CheckInStatus,
    closes_at: &str,
    answers: &[(&str, &str)],
) -> CheckIn {
    let answers = (status == CheckInStatus::Submitted).then(|| {
        Answers(
            answers
                .iter()
                .map(|(q, a)| ((*q).to_owned(), (*a).to_owned()))
                .collect::<BTreeMap<_, _>>(),
        )
    });
    CheckIn {
        id: CheckInId(person),
        person: PersonId(person),
        schedule: Some(ScheduleId(7)),
        occurrence: None,
        date: monday(),
        template: "default".to_owned(),
        status,
        answers,
        opened_at: utc("2026-03-02T08:00:00Z"),
        closes_at: utc(closes_at),
        submitted_at: None,
        late: false,
        prompt: None,
    }
}

/// Mia manages Ana (Berlin, answered with a blocker) and Ben (New York, answered late);
/// Cy is away, Dee skipped, Eve said nothing.
fn team() -> (Vec<Person>, Vec<CheckIn>) {
    let mut people = vec![
        person(1, "Mia", "Europe/Berlin", None),
        person(2, "Ana", "Europe/Berlin", Some("mia")),
        person(3, "Ben", "America/New_York", Some("mia")),
        person(4, "Cy", "Europe/Berlin", None),
        person(5, "Dee", "Europe/Berlin", None),
        person(6, "Eve", "America/New_York", None),
    ];
    people[0].teams.clear();
    people[3].out_of_office = vec![OutOfOffice::new(monday(), monday()).unwrap()];
    let mut ben = checkin(
        3,
        CheckInStatus::Submitted,
        "2026-03-02T22:00:00Z",
        &[
            ("mood", "3"),
            ("done", "the migration"),
            ("next", "the rollout"),
        ],
    );
    ben.late = true;
    let checkins = vec![
        checkin(
            2,
            CheckInStatus::Submitted,
            "2026-03-02T16:00:00Z",
            &[
                ("mood", "4"),
                ("done", "shipped *it*"),
                ("next", "docs"),
                ("blockers", "waiting for API keys"),
            ],
        ),
        ben,
        checkin(5, CheckInStatus::Skipped, "2026-03-02T16:00:00Z", &[]),
        checkin(6, CheckInStatus::Open, "2026-03-02T22:00:00Z", &[]),
    ];
    (people, checkins)
}

fn the_day() -> CheckInDay {
    CheckInDay {
        schedule: ScheduleId(7),
        name: "Weekly check-in".to_owned(),
        date: monday(),
    }
}

fn channels() -> Vec<TeamChannel> {
    vec![
        TeamChannel {
            team: TeamName::parse("Platform").unwrap(),
            platform: "slack".to_owned(),
            channel: "C0PLATFORM".to_owned(),
        },
        TeamChannel {
            team: TeamName::parse("Platform").unwrap(),
            platform: "discord".to_owned(),
            channel: "1234567890".to_owned(),
        },
    ]
}

/// Everything a message says, as one text.
fn text(message: &Message) -> String {
    message
        .blocks
        .iter()
        .map(|block| match block {
            Block::Header(t) | Block::Text(t) | Block::Context(t) => t.clone(),
            Block::Fields(pairs) => pairs
                .iter()
                .map(|(l, v)| format!("{l}: {v}"))
                .collect::<Vec<_>>()
                .join("\n"),
            Block::Divider => "---".to_owned(),
            Block::Buttons(_) => String::new(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A planned digest with its message written.
#[derive(Debug)]
struct Rendered {
    key: DigestKey,
    to: Destination,
    due_at: DateTime<Utc>,
    message: Message,
}

fn planned(template: &Template) -> Vec<Rendered> {
    let (people, checkins) = team();
    let day = the_day();
    plan(
        Day {
            day: &day,
            template,
            checkins: &checkins,
            people: &people,
            overdue: &[],
        },
        &channels(),
        "slack",
    )
    .into_iter()
    .map(|planned| Rendered {
        message: planned.message(),
        key: planned.key,
        to: planned.to,
        due_at: planned.due_at,
    })
    .collect()
}

#[test]
fn a_team_digest_waits_for_the_last_window_and_says_who_answered_what() {
    let digests = planned(&Template::default_template());
    let team = digests
        .iter()
        .find(|d| d.key.audience == "team:platform:slack")
        .expect("a digest for the team's Slack channel");
    assert_eq!(team.to, Destination::Channel("C0PLATFORM".to_owned()));
    assert_eq!(
        team.due_at,
        utc("2026-03-02T22:00:00Z"),
        "New York's window"
    );
    assert_eq!(
        (team.key.schedule, team.key.date),
        (ScheduleId(7), monday())
    );
    assert_eq!(
        team.message.blocks[0],
        Block::Header("Weekly check-in · Platform".to_owned())
    );
    let said = text(&team.message);
    assert!(
        said.contains("**2 of 4 answered** · mood 3.5 / 5 · 1 blocker"),
        "{said}"
    );
    assert!(
        said.contains("🚧 **Blockers**\n• **Ana**: waiting for API keys"),
        "{said}"
    );
    assert!(
        said.contains("What did you get done?: shipped *it*"),
        "{said}"
    );
    assert!(said.contains("**Ben** (late)"), "{said}");
    assert!(
        said.contains("No answer: Eve · Skipped: Dee · Out of office: Cy"),
        "{said}"
    );
    assert!(!said.contains("Mia"), "Mia is not in the team: {said}");
    assert!(
        digests
            .iter()
            .all(|d| !d.key.audience.ends_with(":discord")),
        "only the announcer's platform"
    );
}

#[test]
fn manager_visibility_keeps_answers_out_of_the_team_digest_but_not_the_managers() {
    let mut template = Template::default_template();
    template.visibility = Visibility::Manager;
    let digests = planned(&template);
    let team = text(
        &digests
            .iter()
            .find(|d| d.key.audience.starts_with("team:"))
            .unwrap()
            .message,
    );
    assert!(
        team.contains("**2 of 4 answered**. Answers are shared with managers only."),
        "{team}"
    );
    assert!(team.contains("Answered: Ana, Ben"), "{team}");
    for secret in ["API keys", "migration", "mood", "Blockers"] {
        assert!(!team.contains(secret), "{secret} shown to the team: {team}");
    }
    let summary = digests
        .iter()
        .find(|d| d.key.audience == "manager:1")
        .expect("Mia's summary");
    assert_eq!(summary.to, Destination::Person(PersonId(1)));
    let said = text(&summary.message);
    assert!(
        said.contains("**2 of 2 answered** · mood 3.5 / 5 · 1 blocker"),
        "{said}"
    );
    assert!(
        said.contains("waiting for API keys") && said.contains("the migration"),
        "{said}"
    );
    assert!(!said.contains("Eve"), "Eve is not Mia's report: {said}");
    assert_eq!(
        digests.len(),
        2,
        "one team digest, one manager: {digests:?}"
    );
}

#[test]
fn a_member_not_asked_yet_holds_the_digest_until_their_window_closes() {
    let (mut people, checkins) = team();
    people.push(person(8, "Lou", "America/Los_Angeles", None));
    let day = the_day();
    let template = Template::default_template();
    let digests = plan(
        Day {
            day: &day,
            template: &template,
            checkins: &checkins,
            people: &people,
            overdue: &[],
        },
        &channels(),
        "slack",
    );
    let team = digests
        .iter()
        .find(|d| d.key.audience.starts_with("team:"))
        .unwrap();
    assert_eq!(
        team.due_at,
        utc("2026-03-03T01:00:00Z"),
        "17:00 in Los Angeles"
    );
}

#[test]
fn no_digest_for_a_team_nobody_was_asked_in() {
    let (people, _) = team();
    let day = the_day();
    let template = Template::default_template();
    let digests = plan(
        Day {
            day: &day,
            template: &template,
            checkins: &[],
            people: &people,
            overdue: &[],
        },
        &channels(),
        "slack",
    );
    assert!(digests.is_empty(), "{digests:?}");
}

#[test]
fn a_managers_summary_flags_the_reports_overdue_for_a_one_on_one() {
    use crate::oneonone::CoachingPolicy;
    use crate::oneonone::overdue::overdue;
    let (mut people, checkins) = team();
    for person in &mut people {
        person.created_at = utc("2026-01-01T00:00:00Z");
    }
    let flagged = overdue(
        &people,
        &[],
        &CoachingPolicy::default(),
        utc("2026-03-02T12:00:00Z"),
    );
    assert_eq!(
        flagged
            .iter()
            .map(|o| o.report_name.as_str())
            .collect::<Vec<_>>(),
        ["Ana", "Ben"],
        "Mia's two reports, none held since they joined 60 days ago"
    );
    let day = the_day();
    let template = Template::default_template();
    let digests = plan(
        Day {
            day: &day,
            template: &template,
            checkins: &checkins,
            people: &people,
            overdue: &flagged,
        },
        &channels(),
        "slack",
    );
    let text = |audience: &str| {
        let digest = digests
            .iter()
            .find(|d| d.key.audience.starts_with(audience))
            .unwrap();
        format!("{:?}", digest.message().blocks)
    };
    assert!(
        text("manager:1").contains("1:1s overdue: Ana (none yet), Ben (none yet)"),
        "{}",
        text("manager:1")
    );
    assert!(
        !text("team:").contains("overdue"),
        "a team's digest says nothing of it"
    );
}
