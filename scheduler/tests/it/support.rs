//! A database with people and a schedule, as the planner and dispatcher tests need it.

use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::Commit;
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{Change, apply_policy};
use rhythm_testing::TestDb;

/// A fresh database with the people of `people_csv` and one schedule named `S` for
/// everyone, given by its other policy keys, applied at the test clock's start.
pub(crate) async fn with_people_and_schedule(people_csv: &str, keys: &str) -> TestDb {
    let db = TestDb::new().await;
    db.import(people_csv).await;
    let policy = Policy::parse(&format!(
        "[[schedule]]\nname = \"S\"\naudience = \"everyone\"\n{keys}"
    ))
    .unwrap();
    let zones: Vec<chrono_tz::Tz> = ["Europe/Berlin", "UTC"]
        .iter()
        .map(|z| z.parse().unwrap())
        .collect();
    let change = Change {
        actor: "test",
        now: db.clock.now(),
        zones: &zones,
    };
    apply_policy(&db.store, &policy, change, Commit::Write)
        .await
        .unwrap();
    db
}
