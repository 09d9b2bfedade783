//! Deliveries reach people as Slack DMs: the prompt with its buttons, recorded so it can be
//! updated; nobody is prompted twice when Slack throttles and fails; a person with no Slack
//! account is a dead letter saying why.

use std::sync::Arc;

use chrono::Duration;
use rhythm_bot::slack::client::SlackApi;
use rhythm_bot::slack::messenger::SlackMessenger;
use rhythm_domain::clock::Clock as _;
use rhythm_domain::import::{ImportOptions, import_people};
use rhythm_domain::people::Timezone;
use rhythm_domain::ports::{CheckIns as _, Commit};
use rhythm_domain::schedule::Policy;
use rhythm_scheduler::admin::{Change, apply_policy};
use rhythm_scheduler::dispatcher::{DispatchSettings, Dispatcher};
use rhythm_scheduler::pace::{Limits, Paced, Rate};
use rhythm_scheduler::planner::Planner;
use rhythm_store::Store;
use rhythm_testing::TestDb;
use rhythm_testing::slack::{Failure, FakeSlack, FakeUser};

/// A Slack member id.
fn uid(n: usize) -> String {
    format!("U{n:08}")
}

/// `n` people with Slack accounts U00000000…, and a daily check-in at 10:00 UTC planned for them.
async fn org(n: usize, slack: &FakeSlack) -> TestDb {
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
    let options = ImportOptions {
        default_timezone: Timezone::UTC,
        deactivate_missing: false,
    };
    import_people(
        &db.store,
        csv.as_bytes(),
        &options,
        Commit::Write,
        "test",
        &|_, _| {},
    )
    .await
    .unwrap();
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

fn dispatcher(db: &TestDb, slack: &FakeSlack) -> Dispatcher<Store, Paced<SlackMessenger<Store>>> {
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let clock: Arc<dyn rhythm_domain::clock::Clock> = Arc::new(db.clock.clone());
    let limits = Limits {
        overall: None,
        per_recipient: Rate::per_second(1.0),
    };
    let messenger = Paced::new(
        SlackMessenger::new(api, db.store.clone()),
        limits,
        Arc::clone(&clock),
    );
    let settings = DispatchSettings {
        owner: "test".into(),
        ..DispatchSettings::default()
    };
    Dispatcher::new(db.store.clone(), messenger, clock, settings)
}

#[tokio::test]
async fn each_person_gets_the_prompt_as_a_dm_and_it_is_recorded_for_updates() {
    let slack = FakeSlack::start().await;
    let db = org(2, &slack).await;
    let step = dispatcher(&db, &slack).run_due().await.unwrap();
    assert_eq!((step.sent, step.dead), (2, 1), "{step:?}");

    let dms = slack.messages_to(&uid(0));
    assert_eq!(dms.len(), 1);
    let blocks = serde_json::to_string(&dms[0].blocks).unwrap();
    for action in ["checkin:start", "checkin:snooze", "checkin:skip"] {
        assert!(blocks.contains(action), "{action} in {blocks}");
    }
    let checkin = rhythm_domain::ports::CheckInId(db.count(
            "SELECT c.id FROM checkins c JOIN people p ON p.id = c.person_id WHERE p.email = 'p0@x.com'",
        )
        .await);
    let stored = db.store.checkin(checkin).await.unwrap().unwrap();
    let (platform, at) = stored.prompt.expect("the prompt is recorded");
    assert_eq!(platform, "slack");
    assert_eq!(
        at.id,
        dms.iter()
            .find(|m| m.channel == at.channel)
            .map_or(String::new(), |m| m.ts.clone())
    );
    assert_eq!(
        db.count(
            "SELECT COUNT(*) FROM deliveries WHERE status = 'dead' AND last_error LIKE '%no Slack account%'"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn with_a_fifth_of_calls_throttled_or_failing_every_prompt_arrives_once() {
    let slack = FakeSlack::start().await;
    let db = org(30, &slack).await;
    slack.fail_randomly(
        0.2,
        7,
        &[
            Failure::RateLimited {
                retry_after_secs: 2,
            },
            Failure::ServerError(503),
        ],
    );
    let dispatcher = dispatcher(&db, &slack);
    for _ in 0..40 {
        dispatcher.run_due().await.unwrap();
        if db
            .count("SELECT COUNT(*) FROM deliveries WHERE status = 'pending'")
            .await
            == 0
        {
            break;
        }
        db.clock.advance(Duration::minutes(5));
    }
    assert_eq!(
        db.count("SELECT COUNT(*) FROM deliveries WHERE status = 'sent'")
            .await,
        30
    );
    for i in 0..30 {
        assert_eq!(
            slack.messages_to(&uid(i)).len(),
            1,
            "{} prompted once",
            uid(i)
        );
    }
    let failed = slack
        .calls_with_outcome("chat.postMessage")
        .iter()
        .filter(|call| !matches!(call.outcome, rhythm_testing::slack::CallOutcome::Ok))
        .count();
    assert!(failed > 0, "the fake did fail some sends");
}
