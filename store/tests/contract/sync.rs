//! Directory sync with Slack: where each zone came from, links and zones written once and
//! audited, and zones someone chose left alone.

use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::{
    ChatUserId, Email, Person, PersonId, Platform, Timezone, TimezoneSource,
};
use rhythm_domain::ports::{Commit, DirectorySync as _, PersonSettings as _};
use rhythm_domain::sync::{Link, MemberKind, SlackMember, SyncPlan, ZoneChange, sync_slack};
use rhythm_testing::TestDb;

use crate::support::person;

const PEOPLE: &str = "email,name,timezone,slack_user_id\n\
                      hr@example.com,Hana Ross,America/New_York,\n\
                      zoe@example.com,Zoë Smith,,\n\
                      ben@example.com,Ben Okafor,,U0000000B\n\
                      carl@example.com,Carl Berg,,\n";

fn member(id: &str, email: &str, zone: &str) -> SlackMember {
    SlackMember {
        id: id.to_owned(),
        team_id: Some("T0RHYTHM01".to_owned()),
        name: None,
        email: Some(email.to_owned()),
        timezone: Some(zone.to_owned()),
        kind: MemberKind::Person,
    }
}

fn workspace() -> Vec<SlackMember> {
    vec![
        member("U0000000H", "HR@example.com", "Asia/Tokyo"),
        member("U0000000Z", "zoe@example.com", "Asia/Tokyo"),
        member("U0000000B", "ben@example.com", "Europe/London"),
        member("U0000000X", "contractor@example.com", "UTC"),
    ]
}

async fn with_people() -> TestDb {
    let db = TestDb::new().await;
    let options = ImportOptions {
        default_timezone: Timezone::parse("Europe/Berlin").unwrap(),
        deactivate_missing: false,
    };
    import_people(
        &db.store,
        PEOPLE.as_bytes(),
        &options,
        Commit::Write,
        "test",
        &|_, _| {},
    )
    .await
    .unwrap();
    db
}

fn slack_ids(person: &Person) -> Vec<&str> {
    person
        .identities
        .iter()
        .filter(|identity| identity.platform == Platform::Slack)
        .map(|identity| identity.user_id.as_str())
        .collect()
}

#[tokio::test]
async fn an_import_records_whether_hr_gave_the_zone_or_the_default_applied() {
    let db = with_people().await;
    let hr = person(&db.store, "hr@example.com").await;
    assert_eq!(hr.timezone_source, TimezoneSource::Hr);
    let zoe = person(&db.store, "zoe@example.com").await;
    assert_eq!(
        (zoe.timezone.as_str(), zoe.timezone_source),
        ("Europe/Berlin", TimezoneSource::Default)
    );
    db.store
        .set_timezone(
            zoe.id,
            &Timezone::parse("Asia/Kolkata").unwrap(),
            "slack:U1",
        )
        .await
        .unwrap();
    let zoe = person(&db.store, "zoe@example.com").await;
    assert_eq!(zoe.timezone_source, TimezoneSource::Person);
}

#[tokio::test]
async fn a_sync_links_by_email_takes_unchosen_zones_and_is_audited_once() {
    let db = with_people().await;
    let dry = sync_slack(&db.store, &workspace(), Commit::DryRun, "cli:hr")
        .await
        .unwrap();
    assert!(dry.dry_run);
    assert_eq!(dry.plan.linked.len(), 2);
    assert!(slack_ids(&person(&db.store, "zoe@example.com").await).is_empty());

    let report = sync_slack(&db.store, &workspace(), Commit::Write, "cli:hr")
        .await
        .unwrap();
    let linked: Vec<&str> = report
        .plan
        .linked
        .iter()
        .map(|l| l.email.as_str())
        .collect();
    assert_eq!(linked, ["hr@example.com", "zoe@example.com"]);
    let people: Vec<&str> = report
        .plan
        .people_without_slack
        .iter()
        .map(|p| p.email.as_str())
        .collect();
    assert_eq!(people, ["carl@example.com"]);
    assert_eq!(report.plan.slack_users_without_person.len(), 1);

    let hr = person(&db.store, "hr@example.com").await;
    assert_eq!(slack_ids(&hr), ["U0000000H"]);
    assert_eq!(hr.identities[0].workspace_id.as_deref(), Some("T0RHYTHM01"));
    assert_eq!(
        (hr.timezone.as_str(), hr.timezone_source),
        ("America/New_York", TimezoneSource::Hr),
        "HR's zone stays"
    );
    let zoe = person(&db.store, "zoe@example.com").await;
    assert_eq!(slack_ids(&zoe), ["U0000000Z"]);
    assert_eq!(
        (zoe.timezone.as_str(), zoe.timezone_source),
        ("Asia/Tokyo", TimezoneSource::Slack)
    );
    let ben = person(&db.store, "ben@example.com").await;
    assert_eq!(
        (ben.timezone.as_str(), ben.timezone_source),
        ("Europe/London", TimezoneSource::Slack),
        "an account linked by import gives its zone too"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'slack.sync' AND actor = 'cli:hr'")
            .await,
        1
    );

    let again = sync_slack(&db.store, &workspace(), Commit::Write, "slack-sync")
        .await
        .unwrap();
    assert!(again.plan.is_empty(), "{:?}", again.plan);
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'slack.sync'")
            .await,
        1,
        "a sync that changes nothing writes nothing"
    );
}

#[tokio::test]
async fn a_zone_set_by_hr_or_the_person_after_a_sync_is_never_replaced() {
    let db = with_people().await;
    sync_slack(&db.store, &workspace(), Commit::Write, "slack-sync")
        .await
        .unwrap();
    let zoe = person(&db.store, "zoe@example.com").await;
    let kolkata = Timezone::parse("Asia/Kolkata").unwrap();
    db.store
        .set_timezone(zoe.id, &kolkata, "slack:U0000000Z")
        .await
        .unwrap();
    let moved = "email,name,timezone\nben@example.com,Ben Okafor,Africa/Lagos\n";
    let options = ImportOptions {
        default_timezone: Timezone::UTC,
        deactivate_missing: false,
    };
    import_people(
        &db.store,
        moved.as_bytes(),
        &options,
        Commit::Write,
        "test",
        &|_, _| {},
    )
    .await
    .unwrap();

    let report = sync_slack(&db.store, &workspace(), Commit::Write, "slack-sync")
        .await
        .unwrap();
    assert!(report.plan.timezones.is_empty(), "{:?}", report.plan);
    let zoe = person(&db.store, "zoe@example.com").await;
    assert_eq!(
        (zoe.timezone, zoe.timezone_source),
        (kolkata, TimezoneSource::Person)
    );
    let ben = person(&db.store, "ben@example.com").await;
    assert_eq!(
        (ben.timezone.as_str(), ben.timezone_source),
        ("Africa/Lagos", TimezoneSource::Hr)
    );
}

#[tokio::test]
async fn what_changed_since_the_snapshot_is_not_written_and_not_reported() {
    let db = with_people().await;
    let hr = person(&db.store, "hr@example.com").await;
    let carl = person(&db.store, "carl@example.com").await;
    let ben = person(&db.store, "ben@example.com").await;
    let slack = |id: &str| ChatUserId::parse(Platform::Slack, id).unwrap();
    // A plan as a stale snapshot would make it: HR's zone as if nobody chose it, and Ben's
    // account as if nobody had it.
    let stale = |_: &_| SyncPlan {
        linked: vec![
            Link {
                person: carl.id,
                email: carl.email.clone(),
                name: carl.name.clone(),
                slack_user_id: slack("U0000000B"),
                workspace_id: None,
            },
            Link {
                person: carl.id,
                email: carl.email.clone(),
                name: carl.name.clone(),
                slack_user_id: slack("U0000000C"),
                workspace_id: None,
            },
        ],
        timezones: vec![
            zone_change(hr.id, &hr.email, "Asia/Tokyo"),
            zone_change(carl.id, &carl.email, "Asia/Tokyo"),
        ],
        ..SyncPlan::default()
    };
    let written = db
        .store
        .sync_directory(stale, Commit::Write, "slack-sync")
        .await
        .unwrap();
    let linked: Vec<&str> = written
        .linked
        .iter()
        .map(|l| l.slack_user_id.as_str())
        .collect();
    assert_eq!(linked, ["U0000000C"]);
    let zones: Vec<&str> = written.timezones.iter().map(|z| z.email.as_str()).collect();
    assert_eq!(zones, ["carl@example.com"]);
    assert_eq!(
        slack_ids(&person(&db.store, "ben@example.com").await),
        ["U0000000B"]
    );
    assert_eq!(ben.id, person(&db.store, "ben@example.com").await.id);
    let hr = person(&db.store, "hr@example.com").await;
    assert_eq!(hr.timezone.as_str(), "America/New_York");
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'slack.sync' \
             AND details LIKE '%\"linked\":1%' AND details LIKE '%\"timezones\":1%'"
        )
        .await,
        1,
        "the audit entry counts what was written"
    );
}

fn zone_change(person: PersonId, email: &Email, zone: &str) -> ZoneChange {
    ZoneChange {
        person,
        email: email.clone(),
        from: Timezone::parse("Europe/Berlin").unwrap(),
        from_source: TimezoneSource::Default,
        to: Timezone::parse(zone).unwrap(),
    }
}
