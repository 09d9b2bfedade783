//! Scripted failures, and how slack-morphism reports each.

use std::time::Duration;

use rhythm_testing::slack::{CallOutcome, Failure, FakeSlack, FakeUser};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use super::{bot_token, client};

fn hello_to(channel: &str) -> SlackApiChatPostMessageRequest {
    SlackApiChatPostMessageRequest::new(
        channel.into(),
        SlackMessageContent::new().with_text("hello".into()),
    )
}

async fn fake_with_ana() -> FakeSlack {
    let fake = FakeSlack::start().await;
    fake.add_user(FakeUser::person("U1", "ana@example.com", "Ana Lima"));
    fake
}

#[tokio::test]
async fn a_scripted_429_is_a_rate_limit_error_with_retry_after() {
    let fake = fake_with_ana().await;
    fake.fail_next(
        "chat.postMessage",
        1,
        Failure::RateLimited {
            retry_after_secs: 7,
        },
    );
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    let error = session
        .chat_post_message(&hello_to("U1"))
        .await
        .unwrap_err();

    let SlackClientError::RateLimitError(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.retry_after, Some(Duration::from_secs(7)));
    assert_eq!(error.code.as_deref(), Some("ratelimited"));
    assert!(
        fake.messages_to("U1").is_empty(),
        "a failed post stores nothing"
    );
    let calls = fake.calls_with_outcome("chat.postMessage");
    assert_eq!(
        calls[0].outcome,
        CallOutcome::Injected(Failure::RateLimited {
            retry_after_secs: 7
        })
    );

    session.chat_post_message(&hello_to("U1")).await.unwrap();
    assert_eq!(
        fake.messages_to("U1").len(),
        1,
        "the next call goes through"
    );
}

#[tokio::test]
async fn a_server_error_is_an_http_error_with_its_status() {
    let fake = fake_with_ana().await;
    fake.fail_next("chat.postMessage", 2, Failure::ServerError(503));
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    for _ in 0..2 {
        let error = session
            .chat_post_message(&hello_to("U1"))
            .await
            .unwrap_err();
        let SlackClientError::HttpError(error) = error else {
            panic!("{error:?}")
        };
        assert_eq!(error.status_code.as_u16(), 503);
    }
    assert!(fake.messages_to("U1").is_empty());
}

#[tokio::test]
async fn a_scripted_slack_error_is_an_api_error() {
    let fake = fake_with_ana().await;
    fake.fail_next("chat.postMessage", 1, Failure::Slack("channel_not_found"));
    let client = client(&fake);
    let token = bot_token();

    let error = client
        .open_session(&token)
        .chat_post_message(&hello_to("U1"))
        .await
        .unwrap_err();

    let SlackClientError::ApiError(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.code, "channel_not_found");
    assert!(fake.messages_to("U1").is_empty());
}

#[tokio::test]
async fn a_timeout_holds_the_request_until_the_client_gives_up() {
    let fake = fake_with_ana().await;
    fake.fail_next("chat.postMessage", 1, Failure::Timeout);
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    let waited = tokio::time::timeout(
        Duration::from_millis(300),
        session.chat_post_message(&hello_to("U1")),
    )
    .await;

    assert!(waited.is_err(), "the call must not be answered: {waited:?}");
    assert_eq!(
        fake.calls_with_outcome("chat.postMessage")[0].outcome,
        CallOutcome::Injected(Failure::Timeout)
    );
    assert!(fake.messages_to("U1").is_empty());
    // Dropping the fake releases the held request; the test ends at once.
}

/// The outcome of each of 40 posts with 20% random failures.
async fn random_run(seed: u64) -> Vec<CallOutcome> {
    let fake = fake_with_ana().await;
    fake.fail_randomly(
        0.2,
        seed,
        &[
            Failure::ServerError(500),
            Failure::RateLimited {
                retry_after_secs: 1,
            },
        ],
    );
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);
    session
        .auth_test()
        .await
        .expect("auth.test is spared from random failures");
    for _ in 0..40 {
        let _ = session.chat_post_message(&hello_to("U1")).await;
    }
    let outcomes: Vec<CallOutcome> = fake
        .calls_with_outcome("chat.postMessage")
        .into_iter()
        .map(|c| c.outcome)
        .collect();
    let delivered = outcomes.iter().filter(|o| **o == CallOutcome::Ok).count();
    assert_eq!(fake.messages_to("U1").len(), delivered);
    outcomes
}

#[tokio::test]
async fn random_failures_are_the_same_for_the_same_seed() {
    let first = random_run(2026).await;
    let second = random_run(2026).await;
    let other = random_run(7).await;

    assert_eq!(first, second);
    assert_ne!(first, other);
    let failed = first.iter().filter(|o| **o != CallOutcome::Ok).count();
    assert!(
        (2..=16).contains(&failed),
        "about 20% of 40 should fail, {failed} did"
    );
}

#[tokio::test]
async fn a_delayed_call_is_recorded_at_once_and_answered_late() {
    let fake = fake_with_ana().await;
    fake.delay_next("chat.postMessage", 1, Duration::from_millis(300));
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    let hello = hello_to("U1");
    let started = std::time::Instant::now();
    let (posted, recorded) = tokio::join!(session.chat_post_message(&hello), async {
        tokio::time::sleep(Duration::from_millis(100)).await;
        fake.calls("chat.postMessage").len()
    });
    posted.unwrap();
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(recorded, 1, "the call is recorded before it is answered");
    assert_eq!(fake.messages_to("U1").len(), 1);
}

#[tokio::test]
async fn a_dropped_connection_is_an_error_and_posts_nothing() {
    let fake = fake_with_ana().await;
    fake.fail_next("chat.postMessage", 1, Failure::Dropped);
    let client = client(&fake);
    let token = bot_token();

    let error = client
        .open_session(&token)
        .chat_post_message(&hello_to("U1"))
        .await
        .unwrap_err();

    assert!(
        !matches!(error, SlackClientError::ApiError(_)),
        "no answer at all, not an API error: {error:?}"
    );
    assert!(fake.messages_to("U1").is_empty());
    assert_eq!(
        fake.calls_with_outcome("chat.postMessage")[0].outcome,
        CallOutcome::Injected(Failure::Dropped)
    );
}

#[tokio::test]
async fn a_call_that_does_not_wait_out_a_retry_after_is_counted() {
    let fake = fake_with_ana().await;
    fake.fail_next(
        "chat.postMessage",
        1,
        Failure::RateLimited {
            retry_after_secs: 2,
        },
    );
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);
    assert!(session.chat_post_message(&hello_to("U1")).await.is_err());
    // Another method is not held.
    let _ = session.auth_test().await;
    assert_eq!(fake.retry_after_violations(), 0);
    tokio::time::sleep(Duration::from_millis(300)).await;
    let _ = session.chat_post_message(&hello_to("U1")).await;
    assert_eq!(fake.retry_after_violations(), 1, "sent within the 2 s");
}
