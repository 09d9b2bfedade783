//! The organisation the bot's tests start from: people with chat accounts on one platform,
//! one person without, and a daily check-in at 10:00 UTC planned for them all; and the
//! dispatcher that sends what is due to them. Shared by the test targets with
//! `#[path = "../common/org.rs"] mod org;`.

use std::sync::Arc;

use chrono::Duration;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::{Commit, Messenger};
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{Change, apply_policy};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::pace::{Limits, Paced};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::TestDb;

/// A database holding `people` people, `p{n}@x.com` ("Person {n}") with chat account
/// `account(n)` in the people file's `column` (`slack_user_id`, `discord_user_id`), one
/// person with no account (`nobody@x.com`), and today's 10:00 UTC check-in planned for them
/// all. The clock stands at Monday 10:00 UTC.
pub(crate) async fn org(people: usize, column: &str, account: impl Fn(usize) -> String) -> TestDb {
    let db = TestDb::new().await;
    let mut csv = format!("email,name,timezone,{column}\n");
    for n in 0..people {
        csv.push_str(&format!("p{n}@x.com,Person {n},UTC,{}\n", account(n)));
    }
    csv.push_str("nobody@x.com,No Chat,UTC,\n");
    db.import(&csv).await;
    daily_check_in(&db).await;
    db.clock.advance(Duration::hours(1));
    assert_eq!(plan(&db).await, people + 1, "one delivery each");
    db
}

/// Runs the planner once; how many deliveries it planned.
pub(crate) async fn plan(db: &TestDb) -> usize {
    let planner = Planner::new(db.store.clone(), Arc::new(db.clock.clone()), 1_000);
    planner.run_due().await.unwrap().deliveries
}

/// The daily check-in at 10:00 UTC, to everyone, as a policy file says it.
pub(crate) const DAILY_CHECK_IN: &str = "[[schedule]]\nname = \"Daily check-in\"\n\
    kind = \"check_in\"\ncron = \"0 10 * * *\"\ntimezone = \"UTC\"\naudience = \"everyone\"\n";

/// Applies the daily check-in at 10:00 UTC, to everyone.
pub(crate) async fn daily_check_in(db: &TestDb) {
    apply(db, DAILY_CHECK_IN).await;
}

/// Applies the policy file `text`.
pub(crate) async fn apply(db: &TestDb, text: &str) {
    let policy =
        Policy::parse(text).unwrap_or_else(|problems| panic!("the test's policy: {problems:?}"));
    let change = Change {
        actor: "test",
        now: db.clock.now(),
        zones: &[chrono_tz::UTC],
    };
    apply_policy(&db.store, &policy, change, Commit::Write)
        .await
        .unwrap();
}

/// `messenger` paced by `limits`, on the test's clock.
pub(crate) fn paced<M>(db: &TestDb, messenger: M, limits: Limits) -> Paced<M> {
    Paced::new(messenger, limits, Arc::new(db.clock.clone()))
}

/// A dispatcher (owner `test`) sending through `messenger`, on the test's clock.
pub(crate) fn dispatcher<M: Messenger>(db: &TestDb, messenger: M) -> Dispatcher<Store, M> {
    let settings = DispatchSettings {
        owner: "test".into(),
        ..DispatchSettings::default()
    };
    Dispatcher::new(
        db.store.clone(),
        messenger,
        Arc::new(db.clock.clone()),
        settings,
    )
}
