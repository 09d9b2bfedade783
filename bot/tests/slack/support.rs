//! A database with people on Slack and a daily check-in, and a dispatcher sending to the
//! fake Slack.

use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_scheduler::dispatcher::Dispatcher;
use rhythm_scheduler::pace::{Limits, Paced, Rate};
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::slack::{FakeSlack, FakeUser};

/// A Slack member id.
pub(crate) fn uid(n: usize) -> String {
    format!("U{n:08}")
}

/// `n` people with Slack accounts U00000000…, and a daily check-in at 10:00 UTC planned for them.
pub(crate) async fn org(n: usize, slack: &FakeSlack) -> TestDb {
    for i in 0..n {
        slack.add_user(FakeUser::person(
            &uid(i),
            &format!("p{i}@x.com"),
            &format!("Person {i}"),
        ));
    }
    crate::org::org(n, "slack_user_id", uid).await
}

/// The Slack messenger on the fake, paced one message a second per recipient, on the
/// test's clock.
pub(crate) fn paced_slack(db: &TestDb, slack: &FakeSlack) -> Paced<SlackMessenger<Store>> {
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let limits = Limits {
        overall: None,
        per_recipient: Rate::per_second(1.0),
    };
    crate::org::paced(db, SlackMessenger::new(api, db.store.clone()), limits)
}

/// A dispatcher sending through [`paced_slack`].
pub(crate) fn dispatcher(
    db: &TestDb,
    slack: &FakeSlack,
) -> Dispatcher<Store, Paced<SlackMessenger<Store>>> {
    crate::org::dispatcher(db, paced_slack(db, slack))
}

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
