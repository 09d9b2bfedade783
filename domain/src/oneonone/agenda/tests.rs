use chrono::{DateTime, NaiveTime, Utc, Weekday};

use super::*;
use crate::oneonone::Cadence;
use crate::people::{DisplayName, Email, Role, TeamName, Timezone};
use crate::ports::{FeedbackId, FeedbackRecord, FeedbackVisibility, SeriesId, TalkingPointId};
use crate::record::Span;

fn utc(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn person(id: i64, name: &str, manager: Option<&str>) -> Person {
    let at = utc("2026-01-01T00:00:00Z");
    Person {
        id: PersonId(id),
        email: Email::parse(&format!("{}@example.com", name.to_lowercase())).unwrap(),
        name: DisplayName::parse(name).unwrap(),
        timezone: Timezone::parse("Europe/Berlin").unwrap(),
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

fn point(id: i64, author: i64, text: &str, private: bool) -> TalkingPoint {
    TalkingPoint {
        id: TalkingPointId(id),
        series: SeriesId(1),
        author: PersonId(author),
        text: text.to_owned(),
        private,
        created_at: utc("2026-03-03T09:00:00Z"),
        covered_by: None,
    }
}

fn feedback(id: i64, text: &str, visibility: FeedbackVisibility) -> (FeedbackRecord, String) {
    let record = FeedbackRecord {
        id: FeedbackId(id),
        subject: PersonId(2),
        giver: PersonId(3),
        request: None,
        text: text.to_owned(),
        visibility,
        given_at: utc("2026-03-03T10:00:00Z"),
    };
    (record, "Cy".to_owned())
}

fn record() -> Record {
    let now = utc("2026-03-02T09:00:00Z");
    let at = NaiveTime::from_hms_opt(15, 0, 0).unwrap();
    let zone = Timezone::parse("Europe/Berlin").unwrap();
    let cadence = Cadence::starting_after(2, Weekday::Thu, at, zone, now).unwrap();
    let series = Series {
        id: SeriesId(1),
        manager: PersonId(1),
        report: PersonId(2),
        cadence,
        minutes: 30,
        active: true,
        created_at: now,
    };
    let starts_at = cadence.session(0);
    Record {
        series,
        manager: person(1, "Mia", None),
        starts_at,
        span: record_of(person(2, "Ben", Some("mia")), now, starts_at),
        actions: Vec::new(),
        points: vec![
            point(1, 1, "the promotion case", true),
            point(2, 2, "a raise", true),
            point(3, 2, "the offsite", false),
        ],
        last: None,
    }
}

fn record_of(person: Person, from: DateTime<Utc>, to: DateTime<Utc>) -> Span {
    Span {
        person,
        from,
        to,
        checkins: Vec::new(),
        goals: Vec::new(),
        kudos: Vec::new(),
        feedback: vec![
            feedback(
                1,
                "Clear writing in the design doc",
                FeedbackVisibility::Shared,
            ),
            feedback(2, "Comes late to standups", FeedbackVisibility::ManagerOnly),
        ],
    }
}

fn text(message: &Message) -> String {
    format!("{:?}", message.blocks)
}

#[test]
fn each_of_the_pair_sees_their_own_private_points_and_the_shared_ones_only() {
    let record = record();
    let manager = text(&agenda(&record, &record.manager));
    let report = text(&agenda(&record, record.report()));
    assert!(manager.contains("the promotion case") && manager.contains("the offsite"));
    assert!(!manager.contains("a raise"), "{manager}");
    assert!(report.contains("a raise") && report.contains("the offsite"));
    assert!(!report.contains("the promotion case"), "{report}");
}

#[test]
fn the_report_never_sees_feedback_kept_for_the_manager() {
    let record = record();
    let manager = text(&agenda(&record, &record.manager));
    let report = text(&agenda(&record, record.report()));
    assert!(manager.contains("Comes late to standups"), "{manager}");
    assert!(manager.contains("(for you only)"), "{manager}");
    assert!(
        report.contains("Clear writing in the design doc"),
        "{report}"
    );
    assert!(!report.contains("Comes late"), "{report}");
}

#[test]
fn the_title_names_the_other_and_the_time_in_the_viewers_zone() {
    let record = record();
    assert_eq!(
        agenda(&record, record.report()).summary,
        "1:1 with Mia · Thu 5 Mar, 15:00"
    );
    assert_eq!(
        agenda(&record, &record.manager).summary,
        "1:1 with Ben · Thu 5 Mar, 15:00"
    );
}
