//! The sync's rules, without Slack or a database: members and a snapshot stand in for both.

use chrono::{DateTime, Utc};

use super::*;
use crate::people::{ChatIdentity, Person, Platform, Role};
use crate::ports::DirectorySnapshot;

fn member(id: &str, email: &str, zone: &str) -> SlackMember {
    SlackMember {
        id: id.to_owned(),
        team_id: Some("T0RHYTHM01".to_owned()),
        name: Some(format!("Member {id}")),
        email: Some(email.to_owned()),
        timezone: Some(zone.to_owned()),
        kind: MemberKind::Person,
    }
}

fn person(id: i64, email: &str, zone: &str, source: TimezoneSource) -> Person {
    let at: DateTime<Utc> = "2026-01-01T00:00:00Z".parse().unwrap();
    Person {
        id: PersonId(id),
        email: Email::parse(email).unwrap(),
        name: DisplayName::parse(email).unwrap(),
        timezone: Timezone::parse(zone).unwrap(),
        timezone_source: source,
        role: Role::Employee,
        manager: None,
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

fn on_slack(mut person: Person, id: &str) -> Person {
    person.identities.push(ChatIdentity {
        platform: Platform::Slack,
        workspace_id: None,
        user_id: ChatUserId::parse(Platform::Slack, id).unwrap(),
    });
    person
}

fn planned(members: &[SlackMember], people: Vec<Person>) -> SyncPlan {
    plan(members, &DirectorySnapshot { people })
}

fn linked(plan: &SyncPlan) -> Vec<(&str, &str)> {
    plan.linked
        .iter()
        .map(|link| (link.email.as_str(), link.slack_user_id.as_str()))
        .collect()
}

fn zones(plan: &SyncPlan) -> Vec<(&str, &str)> {
    plan.timezones
        .iter()
        .map(|change| (change.email.as_str(), change.to.as_str()))
        .collect()
}

#[test]
fn people_are_linked_by_email_whatever_its_case() {
    let plan = planned(
        &[member("U00000001", "Ana.Lopez@Example.com", "UTC")],
        vec![person(
            1,
            "ana.lopez@example.com",
            "UTC",
            TimezoneSource::Hr,
        )],
    );
    assert_eq!(linked(&plan), [("ana.lopez@example.com", "U00000001")]);
    assert_eq!(plan.linked[0].person, PersonId(1));
    assert_eq!(plan.linked[0].workspace_id.as_deref(), Some("T0RHYTHM01"));
    assert!(plan.slack_users_without_person.is_empty());
    assert!(plan.people_without_slack.is_empty());
}

#[test]
fn a_zone_nobody_chose_is_taken_from_slack_and_a_chosen_one_stays() {
    let members = [
        member("U00000001", "default@example.com", "Asia/Tokyo"),
        member("U00000002", "earlier@example.com", "Europe/Berlin"),
        member("U00000003", "hr@example.com", "Asia/Tokyo"),
        member("U00000004", "self@example.com", "Asia/Tokyo"),
    ];
    let plan = planned(
        &members,
        vec![
            person(1, "default@example.com", "UTC", TimezoneSource::Default),
            on_slack(
                person(2, "earlier@example.com", "UTC", TimezoneSource::Slack),
                "U00000002",
            ),
            person(3, "hr@example.com", "America/New_York", TimezoneSource::Hr),
            person(
                4,
                "self@example.com",
                "Europe/Berlin",
                TimezoneSource::Person,
            ),
        ],
    );
    assert_eq!(
        zones(&plan),
        [
            ("default@example.com", "Asia/Tokyo"),
            ("earlier@example.com", "Europe/Berlin"),
        ]
    );
    assert_eq!(plan.timezones[0].from.as_str(), "UTC");
    assert_eq!(plan.timezones[0].from_source, TimezoneSource::Default);
    assert_eq!(
        plan.linked.len(),
        3,
        "everyone without an account is linked"
    );
}

#[test]
fn a_zone_already_right_or_not_iana_is_not_taken() {
    let plan = planned(
        &[
            member("U00000001", "same@example.com", "UTC"),
            member("U00000002", "odd@example.com", "Mars/Olympus"),
        ],
        vec![
            person(1, "odd@example.com", "UTC", TimezoneSource::Default),
            person(2, "same@example.com", "UTC", TimezoneSource::Default),
        ],
    );
    assert!(plan.timezones.is_empty(), "{:?}", plan.timezones);
    assert_eq!(plan.unknown_zones.len(), 1);
    assert_eq!(plan.unknown_zones[0].timezone, "Mars/Olympus");
}

#[test]
fn bots_app_users_deactivated_accounts_and_slackbot_are_ignored() {
    let kind = |kind, m: SlackMember| SlackMember { kind, ..m };
    let members = [
        kind(
            MemberKind::Bot,
            member("U0000000B", "bot@example.com", "Asia/Tokyo"),
        ),
        kind(
            MemberKind::Deactivated,
            member("U0000000D", "gone@example.com", "Asia/Tokyo"),
        ),
        member(SLACKBOT_ID, "slackbot@example.com", "America/Los_Angeles"),
    ];
    let plan = planned(
        &members,
        vec![
            person(1, "bot@example.com", "UTC", TimezoneSource::Default),
            person(2, "gone@example.com", "UTC", TimezoneSource::Default),
        ],
    );
    assert!(plan.linked.is_empty() && plan.timezones.is_empty());
    assert!(plan.slack_users_without_person.is_empty());
    assert_eq!(plan.members, 0);
    assert_eq!(plan.people_without_slack.len(), 2);
}

#[test]
fn an_account_linked_to_someone_else_is_a_conflict_not_a_link() {
    let plan = planned(
        &[member("U00000001", "ana@example.com", "Asia/Tokyo")],
        vec![
            person(1, "ana@example.com", "UTC", TimezoneSource::Default),
            on_slack(
                person(2, "ben@example.com", "UTC", TimezoneSource::Default),
                "U00000001",
            ),
        ],
    );
    assert!(plan.linked.is_empty());
    assert_eq!(plan.conflicts.len(), 1);
    let conflict = &plan.conflicts[0];
    assert_eq!(conflict.email.as_str(), "ana@example.com");
    assert!(
        conflict.reason.contains("linked to ben@example.com"),
        "{}",
        conflict.reason
    );
    // Ben keeps his account and takes its zone; Ana has none.
    assert_eq!(zones(&plan), [("ben@example.com", "Asia/Tokyo")]);
    let without: Vec<&str> = plan
        .people_without_slack
        .iter()
        .map(|p| p.email.as_str())
        .collect();
    assert_eq!(without, ["ana@example.com"]);
    assert!(plan.slack_users_without_person.is_empty());
}

#[test]
fn an_email_slack_gives_another_account_than_the_linked_one_is_reported() {
    let plan = planned(
        &[
            member("U00000001", "old@example.com", "UTC"),
            member("U00000002", "ana@example.com", "UTC"),
        ],
        vec![on_slack(
            person(1, "ana@example.com", "UTC", TimezoneSource::Hr),
            "U00000001",
        )],
    );
    assert!(plan.linked.is_empty());
    assert_eq!(plan.conflicts.len(), 1);
    assert_eq!(plan.conflicts[0].slack_user_id.as_str(), "U00000002");
    assert!(plan.slack_users_without_person.is_empty());
}

#[test]
fn an_email_on_two_accounts_links_neither() {
    let plan = planned(
        &[
            member("U00000001", "ana@example.com", "UTC"),
            member("U00000002", "ANA@example.com", "UTC"),
        ],
        vec![person(1, "ana@example.com", "UTC", TimezoneSource::Hr)],
    );
    assert!(plan.linked.is_empty());
    assert_eq!(plan.conflicts.len(), 2);
    assert!(plan.conflicts[0].reason.contains("U00000001, U00000002"));
}

#[test]
fn who_matched_nobody_is_reported_on_both_sides() {
    let mut no_email = member("U00000003", "", "UTC");
    no_email.email = None;
    let inactive = Person {
        active: false,
        ..person(3, "left@example.com", "UTC", TimezoneSource::Hr)
    };
    let plan = planned(
        &[
            member("U00000001", "ana@example.com", "UTC"),
            member("U00000002", "contractor@example.com", "UTC"),
            no_email,
        ],
        vec![
            person(1, "ana@example.com", "UTC", TimezoneSource::Hr),
            person(2, "ben@example.com", "UTC", TimezoneSource::Hr),
            inactive,
        ],
    );
    let members: Vec<&str> = plan
        .slack_users_without_person
        .iter()
        .map(|m| m.slack_user_id.as_str())
        .collect();
    assert_eq!(members, ["U00000002", "U00000003"]);
    let people: Vec<&str> = plan
        .people_without_slack
        .iter()
        .map(|p| p.email.as_str())
        .collect();
    assert_eq!(people, ["ben@example.com"], "only active people are listed");
    assert_eq!(plan.members, 3);
    assert_eq!(plan.members_without_email, 1);
}

#[test]
fn a_second_sync_changes_nothing() {
    let members = [member("U00000001", "ana@example.com", "Asia/Tokyo")];
    let first = planned(
        &members,
        vec![person(1, "ana@example.com", "UTC", TimezoneSource::Default)],
    );
    assert!(!first.is_empty());
    let mut ana = on_slack(
        person(1, "ana@example.com", "Asia/Tokyo", TimezoneSource::Slack),
        "U00000001",
    );
    ana.identities[0].workspace_id = Some("T0RHYTHM01".to_owned());
    let second = planned(&members, vec![ana]);
    assert!(second.is_empty(), "{second:?}");
    assert!(second.conflicts.is_empty());
}

#[test]
fn the_audit_entry_counts_the_change() {
    let plan = planned(
        &[member("U00000001", "ana@example.com", "Asia/Tokyo")],
        vec![person(1, "ana@example.com", "UTC", TimezoneSource::Default)],
    );
    let entry = plan.audit("cli:hr");
    assert_eq!(entry.action, "slack.sync");
    assert_eq!(entry.actor, "cli:hr");
    assert_eq!(entry.details["linked"], 1);
    assert_eq!(entry.details["timezones"], 1);
}
