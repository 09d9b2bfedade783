//! Applying policies and changing schedules, as HR does.

use chrono::{DateTime, Utc};
use rhythm_domain::ports::{Commit, Schedules as _};
use rhythm_domain::schedule::{Policy, ScheduleDoc};
use rhythm_scheduler::admin::{
    Action, AdminError, Change, Toggle, act_on, add_schedule, apply_policy,
};
use rhythm_testing::TestDb;

const EXAMPLE: &str = include_str!("../../../config/policy.example.toml");

fn change(now: &str) -> Change<'static> {
    Change {
        actor: "test",
        now: now.parse::<DateTime<Utc>>().unwrap(),
        zones: &[chrono_tz::Europe::Berlin, chrono_tz::America::New_York],
    }
}

const NOW: &str = "2026-03-04T12:00:00Z";

#[tokio::test]
async fn applying_a_policy_creates_then_changes_nothing_then_updates_and_pauses() {
    let db = TestDb::new().await;
    let policy = Policy::parse(EXAMPLE).unwrap();

    let dry = apply_policy(&db.store, &policy, change(NOW), Commit::DryRun)
        .await
        .unwrap();
    assert_eq!(dry.created.len(), 4);
    assert!(
        db.store
            .schedule_snapshot()
            .await
            .unwrap()
            .schedules
            .is_empty(),
        "a dry run writes nothing"
    );

    let first = apply_policy(&db.store, &policy, change(NOW), Commit::Write)
        .await
        .unwrap();
    assert_eq!(first.created.len(), 4);
    assert_eq!(first.calendars, ["de", "us"]);
    let again = apply_policy(&db.store, &policy, change(NOW), Commit::Write)
        .await
        .unwrap();
    assert_eq!(
        (again.unchanged, again.created.len(), again.updated.len()),
        (4, 0, 0)
    );

    // Drop the 1:1s, move the check-in to 10:00.
    let edited = EXAMPLE.replace("cron = \"0 9 * * MON\"", "cron = \"0 10 * * MON\"");
    let start = edited
        .find("[[schedule]]\nname = \"Platform 1:1s\"")
        .unwrap();
    let end = edited[start..].find("[[schedule]]\nname = \"H2").unwrap() + start;
    let edited = format!("{}{}", &edited[..start], &edited[end..]);
    let report = apply_policy(
        &db.store,
        &Policy::parse(&edited).unwrap(),
        change(NOW),
        Commit::Write,
    )
    .await
    .unwrap();
    assert_eq!(report.updated.len(), 1);
    assert_eq!(report.updated[0].name, "Weekly check-in");
    assert_eq!(report.updated[0].keys, ["cron"]);
    assert_eq!(report.paused, ["Platform 1:1s"]);

    let snapshot = db.store.schedule_snapshot().await.unwrap();
    assert_eq!(snapshot.schedules.len(), 4, "nothing is deleted by apply");
    assert!(snapshot.find("Platform 1:1s").unwrap().paused);
    // Recipient zone: 10:00 Berlin on Monday 2026-03-09 is the earliest of the two zones.
    let weekly = snapshot.find("Weekly check-in").unwrap();
    assert_eq!(
        weekly.next_fire_at,
        Some("2026-03-09T09:00:00Z".parse().unwrap())
    );

    // Back in the file: resumed.
    let report = apply_policy(&db.store, &policy, change(NOW), Commit::Write)
        .await
        .unwrap();
    assert_eq!(report.resumed, ["Platform 1:1s"]);
}

fn doc(name: &str) -> ScheduleDoc {
    ScheduleDoc {
        name: name.into(),
        kind: "announcement".into(),
        cron: Some("0 16 * * FRI".into()),
        timezone: Some("Europe/Berlin".into()),
        audience: "everyone".into(),
        ..ScheduleDoc::default()
    }
}

#[tokio::test]
async fn a_schedule_is_added_once_and_its_calendar_must_exist() {
    let db = TestDb::new().await;
    let added = add_schedule(&db.store, &doc("Friday wins"), change(NOW))
        .await
        .unwrap();
    assert_eq!(
        added.next_fire_at,
        Some("2026-03-06T15:00:00Z".parse().unwrap())
    );
    let Err(AdminError::Refused(why)) =
        add_schedule(&db.store, &doc("Friday wins"), change(NOW)).await
    else {
        panic!("a second schedule of the same name is refused");
    };
    assert!(
        why[0].starts_with("a schedule named `Friday wins` already exists"),
        "{why:?}"
    );

    let mut with_calendar = doc("Holiday-aware");
    with_calendar.holidays = Some("fr".into());
    let Err(AdminError::Refused(why)) = add_schedule(&db.store, &with_calendar, change(NOW)).await
    else {
        panic!("an unknown calendar is refused");
    };
    assert_eq!(
        why,
        [
            "schedule `Holiday-aware`: holidays: no holiday calendar named `fr`; define it with [[holiday_calendar]] in the policy file"
        ]
    );
    assert_eq!(
        db.store.schedule_snapshot().await.unwrap().schedules.len(),
        1
    );
}

async fn act(db: &TestDb, key: &str, action: Action) -> Result<(String, Toggle), AdminError> {
    act_on(&db.store, key, action, change(NOW)).await
}

#[tokio::test]
async fn pause_resume_and_delete_by_name_or_id() {
    let db = TestDb::new().await;
    add_schedule(&db.store, &doc("Friday wins"), change(NOW))
        .await
        .unwrap();
    assert_eq!(
        act(&db, "Friday wins", Action::Pause).await.unwrap().1,
        Toggle::Changed
    );
    assert_eq!(
        act(&db, "Friday wins", Action::Pause).await.unwrap().1,
        Toggle::AlreadySo
    );
    let id = db.store.schedule_snapshot().await.unwrap().schedules[0]
        .id
        .0
        .to_string();
    assert_eq!(
        act(&db, &id, Action::Resume).await.unwrap().1,
        Toggle::Changed
    );
    let Err(AdminError::Refused(why)) = act(&db, "Nope", Action::Delete).await else {
        panic!("an unknown schedule is refused");
    };
    assert_eq!(why, ["no schedule `Nope`; the schedules are: Friday wins"]);
    assert_eq!(
        act(&db, "Friday wins", Action::Delete).await.unwrap().1,
        Toggle::Changed
    );
    assert!(
        db.store
            .schedule_snapshot()
            .await
            .unwrap()
            .schedules
            .is_empty()
    );
}
