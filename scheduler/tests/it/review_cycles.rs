//! `[[review_cycle]]` tables in a policy file: applying creates each as a draft after the
//! schedules are written, audited; applying again leaves the stored cycle as it is; a dry
//! run writes nothing; a bad cycle refuses the whole file, with nothing written.

use chrono::{DateTime, Utc};
use rhythm_domain::ports::{Commit, Reviews as _, Schedules as _};
use rhythm_domain::reviews::model::CycleState;
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{Change, CycleOutcome, apply_policy};
use rhythm_testing::TestDb;

const PEOPLE: &str = "email,name,manager_email,role\n\
    hr@x.com,Hana,,hr_admin\n\
    ana@x.com,Ana,hr@x.com,manager\n\
    ben@x.com,Ben,ana@x.com,employee\n";

const SCHEDULE: &str = "[[schedule]]\nname = \"Daily check-in\"\nkind = \"check_in\"\n\
    cron = \"0 10 * * *\"\ntimezone = \"UTC\"\naudience = \"everyone\"\n";

const CYCLE: &str = r#"
[[review_cycle]]
name = "2026 H2"
participants = "everyone"
min_responses = 3
deadlines = { nominations = "2026-12-01", self_reviews = "2026-12-08", peer_reviews = "2026-12-15", manager_reviews = "2026-12-20", release = "2027-01-08" }

[[review_cycle.section]]
title = "Craft"

[[review_cycle.section.question]]
id = "quality"
prompt = "Quality of their work"
kind = "rating"
levels = ["Often needs rework", "Needs some rework", "Solid", "Raises the bar", "Sets the bar"]
"#;

fn change() -> Change<'static> {
    Change {
        actor: "cli:hr",
        now: "2026-11-02T12:00:00Z".parse::<DateTime<Utc>>().unwrap(),
        zones: &[chrono_tz::UTC],
    }
}

fn policy(text: &str) -> Policy {
    Policy::parse(text).unwrap_or_else(|problems| panic!("{problems:?}"))
}

fn outcome(name: &str, outcome: &'static str) -> CycleOutcome {
    CycleOutcome {
        name: name.to_owned(),
        outcome,
    }
}

#[tokio::test]
async fn a_policy_cycle_is_created_once_as_a_draft() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let file = policy(&format!("{SCHEDULE}{CYCLE}"));

    let dry = apply_policy(&db.store, &file, change(), Commit::DryRun)
        .await
        .unwrap();
    assert_eq!(
        dry.review_cycles,
        [outcome("2026 H2", CycleOutcome::WOULD_CREATE)]
    );
    assert!(
        db.store.cycles().await.unwrap().is_empty(),
        "a dry run writes nothing"
    );

    let first = apply_policy(&db.store, &file, change(), Commit::Write)
        .await
        .unwrap();
    assert_eq!(first.created, ["Daily check-in"]);
    assert_eq!(
        first.review_cycles,
        [outcome("2026 H2", CycleOutcome::CREATED)]
    );
    let cycles = db.store.cycles().await.unwrap();
    assert_eq!(cycles.len(), 1);
    assert_eq!(cycles[0].spec, file.review_cycles[0]);
    assert_eq!(cycles[0].state, CycleState::Draft);
    assert_eq!(cycles[0].released_at, None);
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM audit_log WHERE action = 'review_cycle.create' \
             AND actor = 'cli:hr'"
        )
        .await,
        1
    );
    let json = serde_json::to_value(&first).unwrap();
    assert_eq!(
        json["review_cycles"],
        serde_json::json!([{ "name": "2026 H2", "outcome": "created" }])
    );

    // Again, with a changed cycle: reported as existing, the stored one left as it was.
    let changed =
        policy(&format!("{SCHEDULE}{CYCLE}").replace("min_responses = 3", "min_responses = 4"));
    let again = apply_policy(&db.store, &changed, change(), Commit::Write)
        .await
        .unwrap();
    assert_eq!(
        again.review_cycles,
        [outcome("2026 H2", CycleOutcome::EXISTS)]
    );
    assert_eq!(again.unchanged, 1);
    let dry = apply_policy(&db.store, &changed, change(), Commit::DryRun)
        .await
        .unwrap();
    assert_eq!(
        dry.review_cycles,
        [outcome("2026 H2", CycleOutcome::EXISTS)]
    );
    let cycles = db.store.cycles().await.unwrap();
    assert_eq!(cycles.len(), 1, "still one cycle");
    assert_eq!(cycles[0].spec.min_responses, 3, "left as it is");
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action = 'review_cycle.create'")
            .await,
        1
    );

    // Without the table the cycle stays too.
    let without = apply_policy(&db.store, &policy(SCHEDULE), change(), Commit::Write)
        .await
        .unwrap();
    assert!(without.review_cycles.is_empty());
    assert_eq!(db.store.cycles().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_bad_cycle_refuses_the_whole_file_and_writes_nothing() {
    let db = TestDb::new().await;
    db.import(PEOPLE).await;
    let bad = format!("{SCHEDULE}{CYCLE}").replace("min_responses = 3", "min_responses = 2");
    let problems = Policy::parse(&bad).expect_err("the file is refused");
    assert_eq!(
        problems,
        [
            "review_cycle `2026 H2`: min_responses: 2 would let too few answers point to a \
             reviewer; use at least 3"
        ]
    );
    // Nothing reached the store: with no policy there is nothing to apply.
    assert!(db.store.cycles().await.unwrap().is_empty());
    assert!(
        db.store
            .schedule_snapshot()
            .await
            .unwrap()
            .schedules
            .is_empty()
    );
    assert_eq!(
        db.count("SELECT COUNT(*) FROM audit_log WHERE action LIKE 'review_cycle.%' OR action = 'schedule.apply'")
            .await,
        0
    );
}
