//! Deliveries reach people as Slack DMs: the prompt with its buttons, recorded so it can be
//! updated; nobody is prompted twice when Slack throttles and fails; a person with no Slack
//! account is a dead letter saying why.

use chrono::Duration;
use rhythm_domain::ports::CheckIns as _;
use rhythm_testing::slack::{Failure, FakeSlack};

use crate::support::{dispatcher, org, uid};

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

#[tokio::test]
async fn a_call_made_after_a_429_waits_out_its_retry_after_and_other_methods_do_not() {
    use rhythm_bot::slack::client::{ApiError, SlackApi};
    use rhythm_domain::chat::Message;

    let slack = FakeSlack::start().await;
    slack.add_user(rhythm_testing::FakeUser::person(&uid(0), "p0@x.com", "P0"));
    let api = SlackApi::new(&slack.api_url(), FakeSlack::BOT_TOKEN);
    let channel = api.open_dm(&uid(0)).await.unwrap();
    let hello = Message {
        summary: "hello".into(),
        blocks: Vec::new(),
    };
    slack.fail_next(
        "chat.postMessage",
        1,
        Failure::RateLimited {
            retry_after_secs: 1,
        },
    );
    let refused = api.post(&channel, &hello).await.unwrap_err();
    assert!(
        matches!(refused, ApiError::Retryable { after: Some(after), .. } if after.as_secs() == 1),
        "{refused:?}"
    );
    let started = std::time::Instant::now();
    assert!(api.whoami().await.is_ok(), "another method is not held");
    assert!(started.elapsed() < std::time::Duration::from_millis(500));
    api.post(&channel, &hello).await.unwrap();
    assert!(started.elapsed() >= std::time::Duration::from_millis(900));
    assert_eq!(slack.retry_after_violations(), 0);
    assert_eq!(slack.messages_to(&uid(0)).len(), 1);
}
