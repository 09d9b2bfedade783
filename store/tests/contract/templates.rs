//! Check-in templates: written with the schedules, upserted by name, read back by the
//! check-ins port.

use rhythm_domain::checkin::Template;
use rhythm_domain::ports::{AuditEntry, CheckIns as _, Commit, SchedulePlan, Schedules as _};
use rhythm_domain::schedule::Policy;
use rhythm_testing::TestDb;

const RETRO: &str = "[[checkin_template]]\nname = \"retro\"\nvisibility = \"manager\"\ncloses = \"12:30\"\n\
    [[checkin_template.questions]]\nid = \"keep\"\nprompt = \"What should we keep?\"\n\
    [[checkin_template.questions]]\nid = \"pace\"\nprompt = \"The pace?\"\nkind = \"choice\"\n\
    options = [\"Slow\", \"Fine\", \"Fast\"]\noptional = true\n";

fn template(text: &str) -> Template {
    Policy::parse(text).unwrap().templates.remove(0)
}

fn writing(templates: Vec<Template>) -> SchedulePlan {
    SchedulePlan {
        templates,
        audit: Some(AuditEntry {
            actor: "test".into(),
            action: "schedule.apply".into(),
            details: serde_json::json!({}),
        }),
        ..SchedulePlan::default()
    }
}

async fn write(db: &TestDb, plan: SchedulePlan, commit: Commit) {
    db.store
        .change_schedules(|_| Ok(plan), commit)
        .await
        .unwrap()
        .unwrap();
}

#[tokio::test]
async fn templates_are_written_with_their_audit_entry_and_read_back_by_check_ins() {
    let db = TestDb::new().await;
    let retro = template(RETRO);
    let mut default = template(&RETRO.replace("\"retro\"", "\"default\""));
    default.questions.truncate(1);
    write(
        &db,
        writing(vec![retro.clone(), default.clone()]),
        Commit::Write,
    )
    .await;

    let snapshot = db.store.schedule_snapshot().await.unwrap();
    assert_eq!(
        snapshot.templates,
        [default.clone(), retro.clone()],
        "by name"
    );
    assert_eq!(
        db.store.checkin_template("retro").await.unwrap(),
        Some(retro)
    );
    assert_eq!(
        db.store.checkin_template("default").await.unwrap(),
        Some(default),
        "a written `default` replaces the built-in"
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'schedule.apply'")
            .await,
        1
    );
}

#[tokio::test]
async fn a_template_is_replaced_by_name_and_a_dry_run_writes_nothing() {
    let db = TestDb::new().await;
    let retro = template(RETRO);
    write(&db, writing(vec![retro.clone()]), Commit::Write).await;

    let edited = template(&RETRO.replace("The pace?", "How was the pace?"));
    write(&db, writing(vec![edited.clone()]), Commit::DryRun).await;
    assert_eq!(
        db.store.schedule_snapshot().await.unwrap().templates,
        [retro]
    );

    write(&db, writing(vec![edited.clone()]), Commit::Write).await;
    assert_eq!(
        db.store.schedule_snapshot().await.unwrap().templates,
        std::slice::from_ref(&edited)
    );
    assert_eq!(db.count("SELECT COUNT(*) FROM checkin_templates").await, 1);
    assert_eq!(
        db.store.checkin_template("retro").await.unwrap(),
        Some(edited)
    );
}

#[tokio::test]
async fn a_plan_of_templates_alone_is_not_empty() {
    assert!(SchedulePlan::default().is_empty());
    assert!(!writing(vec![template(RETRO)]).is_empty());
}
