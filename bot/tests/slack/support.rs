//! A database with people on Slack and a daily check-in, and a dispatcher sending to the
//! fake Slack.

use std::sync::Arc;

use chrono::Duration;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::ports::Commit;
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{Change, apply_policy};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::pace::{Limits, Paced, Rate};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::slack::{FakeSlack, FakeUser};

/// A Slack member id.
pub(crate) fn uid(n: usize) -> String {
    format!("U{n:08}")
}

/// `n` people with Slack accounts U00000000…, and a daily check-in at 10:00 UTC planned for them.
pub(crate) async fn org(n: usize, slack: &FakeSlack) -> TestDb {
    let db = TestDb::new().await;
    let mut csv = String::from("email,name,timezone,slack_user_id\n");
    for i in 0..n {
        csv.push_str(&format!("p{i}@x.com,Person {i},UTC,{}\n", uid(i)));
        slack.add_user(FakeUser::person(
            &uid(i),
            &format!("p{i}@x.com"),
            &format!("Person {i}"),
        ));
    }
    csv.push_str("nobody@x.com,No Slack,UTC,\n");
    db.import(&csv).await;
    let policy = Policy::parse(
        "[[schedule]]\nname = \"Daily check-in\"\nkind = \"check_in\"\ncron = \"0 10 * * *\"\n\
         timezone = \"UTC\"\naudience = \"everyone\"\n",
    )
    .unwrap();
    let zones = [chrono_tz::UTC];
    let change = Change {
        actor: "test",
        now: db.clock.now(),
        zones: &zones,
    };
    apply_policy(&db.store, &policy, change, Commit::Write)
        .await
        .unwrap();
    db.clock.advance(Duration::hours(1)); // Monday 10:00 UTC
    let planner = Planner::new(db.store.clone(), Arc::new(db.clock.clone()), 100);
    assert_eq!(planner.run_due().await.unwrap().deliveries, n + 1);
    db
}

/// The Slack messenger on the fake, paced one message a second per recipient, on the
/// test's clock.
pub(crate) fn paced_slack(db: &TestDb, slack: &FakeSlack) -> Paced<SlackMessenger<Store>> {
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let limits = Limits {
        overall: None,
        per_recipient: Rate::per_second(1.0),
    };
    Paced::new(
        SlackMessenger::new(api, db.store.clone()),
        limits,
        Arc::new(db.clock.clone()),
    )
}

pub(crate) fn dispatcher(
    db: &TestDb,
    slack: &FakeSlack,
) -> Dispatcher<Store, Paced<SlackMessenger<Store>>> {
    let clock: Arc<dyn rhythm_domain::clock::Clock> = Arc::new(db.clock.clone());
    let messenger = paced_slack(db, slack);
    let settings = DispatchSettings {
        owner: "test".into(),
        ..DispatchSettings::default()
    };
    Dispatcher::new(db.store.clone(), messenger, clock, settings)
}

pub(crate) use rhythm_testing::eventually;

/// The value of the button for `action` in a message's Block Kit blocks.
pub(crate) fn find_button(blocks: &serde_json::Value, action: &str) -> String {
    blocks
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|block| block["elements"].as_array())
        .flatten()
        .find(|element| element["action_id"] == action)
        .and_then(|element| element["value"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no {action} button in {blocks}"))
}
