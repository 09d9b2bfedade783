//! Schedules, holiday calendars and the templates written with them.

use chrono::{DateTime, Utc};
use rhythm_domain::ports::{AuditEntry, Commit, ScheduleChange, SchedulePlan, Schedules};
use rhythm_domain::schedule::Policy;
use rhythm_testing::TestDb;

fn example() -> Policy {
    Policy::parse(include_str!("../../../config/policy.example.toml")).unwrap()
}

fn at(text: &str) -> DateTime<Utc> {
    text.parse().unwrap()
}

fn create_all(policy: &Policy) -> SchedulePlan {
    SchedulePlan {
        calendars: policy.calendars.clone(),
        changes: policy
            .schedules
            .iter()
            .map(|schedule| ScheduleChange::Create {
                schedule: schedule.clone(),
                next_fire_at: Some(at("2026-03-02T08:00:00Z")),
            })
            .collect(),
        templates: policy.templates.clone(),
        kudos: policy.kudos.clone(),
        coaching: policy.coaching,
        one_on_ones: Vec::new(),
        audit: Some(AuditEntry {
            actor: "test".into(),
            action: "schedule.apply".into(),
            details: serde_json::json!({}),
        }),
    }
}

#[tokio::test]
async fn schedules_and_calendars_round_trip_exactly() {
    let db = TestDb::new().await;
    let policy = example();
    let plan = create_all(&policy);
    db.store
        .change_schedules(|_| Ok(plan), Commit::Write)
        .await
        .unwrap()
        .unwrap();

    let snapshot = db.store.schedule_snapshot().await.unwrap();
    assert_eq!(snapshot.calendars, policy.calendars);
    assert_eq!(snapshot.templates, policy.templates);
    let mut stored: Vec<_> = snapshot
        .schedules
        .iter()
        .map(|s| s.schedule.clone())
        .collect();
    let mut written = policy.schedules.clone();
    stored.sort_by(|a, b| a.name.cmp(&b.name));
    written.sort_by(|a, b| a.name.cmp(&b.name));
    assert_eq!(stored, written);
    assert!(
        snapshot
            .schedules
            .iter()
            .all(|s| !s.paused && s.next_fire_at == Some(at("2026-03-02T08:00:00Z")))
    );
    assert_eq!(
        snapshot
            .find("Weekly check-in")
            .unwrap()
            .schedule
            .name
            .as_str(),
        "Weekly check-in"
    );
    let id = snapshot.schedules[0].id.0.to_string();
    assert_eq!(snapshot.find(&id).unwrap().id, snapshot.schedules[0].id);
}

#[tokio::test]
async fn updates_pause_and_deletes_are_written_and_a_dry_run_writes_nothing() {
    let db = TestDb::new().await;
    let plan = create_all(&example());
    db.store
        .change_schedules(|_| Ok(plan), Commit::Write)
        .await
        .unwrap()
        .unwrap();
    let snapshot = db.store.schedule_snapshot().await.unwrap();
    let weekly = snapshot.find("Weekly check-in").unwrap().clone();
    let goals = snapshot.find("Monthly goal review").unwrap().id;

    let dry = SchedulePlan {
        changes: vec![ScheduleChange::Delete { id: goals }],
        ..SchedulePlan::default()
    };
    db.store
        .change_schedules(|_| Ok(dry), Commit::DryRun)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(
        db.store.schedule_snapshot().await.unwrap().schedules.len(),
        4
    );

    let mut renamed = weekly.schedule.clone();
    renamed.template = "weekly-v2".into();
    let plan = SchedulePlan {
        changes: vec![
            ScheduleChange::Update {
                id: weekly.id,
                schedule: renamed,
                paused: true,
                next_fire_at: None,
            },
            ScheduleChange::Delete { id: goals },
        ],
        ..SchedulePlan::default()
    };
    db.store
        .change_schedules(|_| Ok(plan), Commit::Write)
        .await
        .unwrap()
        .unwrap();
    let after = db.store.schedule_snapshot().await.unwrap();
    assert_eq!(after.schedules.len(), 3);
    let weekly = after.find("Weekly check-in").unwrap();
    assert!(weekly.paused);
    assert_eq!(weekly.next_fire_at, None);
    assert_eq!(weekly.schedule.template, "weekly-v2");
}

#[tokio::test]
async fn a_refused_plan_changes_nothing() {
    let db = TestDb::new().await;
    let outcome = db
        .store
        .change_schedules(|_| Err(vec!["no".to_owned()]), Commit::Write)
        .await
        .unwrap();
    assert_eq!(outcome.unwrap_err(), ["no"]);
    assert!(
        db.store
            .schedule_snapshot()
            .await
            .unwrap()
            .schedules
            .is_empty()
    );
}
