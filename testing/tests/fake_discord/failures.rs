//! Scripted and seeded random failures, and calls that came before a 429's `retry_after`.

use std::time::Duration;

use rhythm_testing::discord::{DiscordFailure, FakeDiscord, RANDOM_RETRY_AFTER, dm_channel_id};
use serde_json::json;

use super::{ANA, Api, BEN, fake_with_people};

const SEND: &str = "POST /channels/{channel_id}/messages";

/// Longer than the fake's grace for calls that were in flight when a 429 was answered.
const IN_FLIGHT_GRACE: Duration = Duration::from_millis(300);

#[tokio::test]
async fn a_scripted_429_says_how_long_to_wait_and_a_call_before_then_is_counted() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = dm_channel_id(ANA);
    let failure = DiscordFailure::RateLimited {
        retry_after: 1.234,
        global: false,
    };
    fake.fail_next(SEND, 1, failure.clone());

    let limited = api.send_message(&dm, &json!({"content": "hi"})).await;
    // Past the grace for calls already in flight when the 429 was answered.
    tokio::time::sleep(IN_FLIGHT_GRACE).await;
    let too_soon = api.send_message(&dm, &json!({"content": "hi"})).await;
    let other_channel = api
        .send_message(&dm_channel_id(BEN), &json!({"content": "hi"}))
        .await;

    assert_eq!(limited.status, 429);
    assert_eq!(
        limited.body,
        json!({"message": "You are being rate limited.", "retry_after": 1.234, "global": false})
    );
    assert_eq!(
        limited.header("retry-after"),
        "2",
        "whole seconds, rounded up"
    );
    assert_eq!(limited.header("x-ratelimit-remaining"), "0");
    assert_eq!(limited.header("x-ratelimit-scope"), "user");
    assert_eq!(limited.header("x-ratelimit-reset-after"), "1.234");
    assert!(limited.headers.get("x-ratelimit-global").is_none());
    assert_eq!((too_soon.status, other_channel.status), (200, 200));
    assert_eq!(
        fake.retry_after_violations(),
        1,
        "only the call to the limited bucket"
    );
    let calls = fake.calls(SEND);
    assert_eq!(calls[0].failure, Some(failure));
    assert_eq!(calls[0].status, 429);
    assert_eq!(
        fake.messages_to(ANA).len(),
        1,
        "the limited send stored nothing"
    );
}

#[tokio::test]
async fn a_client_that_waits_out_retry_after_commits_no_violation() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = dm_channel_id(ANA);
    fake.fail_next(
        SEND,
        2,
        DiscordFailure::RateLimited {
            retry_after: 0.05,
            global: false,
        },
    );

    let mut statuses = Vec::new();
    loop {
        let answer = api.send_message(&dm, &json!({"content": "hi"})).await;
        statuses.push(answer.status);
        if answer.status != 429 {
            break;
        }
        // The client under test honours the body's retry_after, as a real one must.
        let wait = answer.body["retry_after"].as_f64().unwrap();
        tokio::time::sleep(Duration::from_secs_f64(wait)).await;
    }

    assert_eq!(statuses, [429, 429, 200]);
    assert_eq!(fake.retry_after_violations(), 0);
}

#[tokio::test]
async fn a_global_429_closes_every_route() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    fake.fail_next(
        "GET /users/@me",
        1,
        DiscordFailure::RateLimited {
            retry_after: 30.0,
            global: true,
        },
    );

    let limited = api.get("/users/@me").await;
    tokio::time::sleep(IN_FLIGHT_GRACE).await;
    api.open_dm(ANA).await;

    assert_eq!(limited.status, 429);
    assert_eq!(limited.body["global"], true);
    assert_eq!(limited.header("x-ratelimit-global"), "true");
    assert_eq!(limited.header("x-ratelimit-scope"), "global");
    assert_eq!(limited.header("retry-after"), "30");
    assert_eq!(fake.retry_after_violations(), 1);
}

#[tokio::test]
async fn server_errors_look_like_discords_edge_and_pass() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = dm_channel_id(ANA);
    for status in [500, 502, 503] {
        fake.fail_next(SEND, 1, DiscordFailure::Status(status));
    }

    let answers = [
        api.send_message(&dm, &json!({"content": "1"})).await,
        api.send_message(&dm, &json!({"content": "2"})).await,
        api.send_message(&dm, &json!({"content": "3"})).await,
        api.send_message(&dm, &json!({"content": "4"})).await,
    ];

    assert_eq!(answers[0].status, 500);
    assert_eq!(
        answers[0].body,
        json!({"message": "500: Internal Server Error", "code": 0})
    );
    assert_eq!(answers[1].status, 502);
    assert!(answers[1].header("content-type").starts_with("text/html"));
    assert!(
        answers[1]
            .body
            .as_str()
            .unwrap()
            .contains("502 Bad Gateway")
    );
    assert_eq!(answers[2].status, 503);
    assert!(
        answers[2]
            .body
            .as_str()
            .unwrap()
            .starts_with("upstream connect error")
    );
    assert_eq!(answers[3].status, 200, "scripted failures run out");
    for answer in &answers {
        assert!(answer.headers.contains_key("x-ratelimit-bucket"));
    }
    assert_eq!(fake.messages_to(ANA).len(), 1);
}

#[tokio::test]
async fn json_error_codes_can_be_scripted() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    fake.fail_next(
        "POST /users/@me/channels",
        1,
        DiscordFailure::opening_dms_too_fast(),
    );
    fake.fail_next(SEND, 1, DiscordFailure::cannot_dm());
    fake.fail_next(
        SEND,
        1,
        DiscordFailure::Code {
            status: 403,
            code: 50001,
            message: "Missing Access".to_owned(),
        },
    );

    let too_fast = api
        .post("/users/@me/channels", &json!({"recipient_id": ANA}))
        .await;
    let blocked = api
        .send_message(&dm_channel_id(ANA), &json!({"content": "hi"}))
        .await;
    let missing = api
        .send_message(&dm_channel_id(ANA), &json!({"content": "hi"}))
        .await;

    assert_eq!(too_fast.status, 400);
    assert_eq!(
        too_fast.body,
        json!({"message": "You are opening direct messages too fast.", "code": 40003})
    );
    assert_eq!(
        (blocked.status, blocked.body["code"].clone()),
        (403, json!(50007))
    );
    assert_eq!(
        (missing.status, missing.body["code"].clone()),
        (403, json!(50001))
    );
}

#[tokio::test]
async fn a_timeout_holds_the_request_until_the_client_gives_up() {
    let fake = fake_with_people().await;
    fake.fail_next(SEND, 1, DiscordFailure::Timeout);
    let client = reqwest::Client::builder()
        .timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let error = say_hi_to_ana(&fake, &client).await.unwrap_err();

    assert!(error.is_timeout(), "{error:?}");
    let calls = fake.calls(SEND);
    assert_eq!(
        (calls[0].status, calls[0].failure.clone()),
        (0, Some(DiscordFailure::Timeout))
    );
    assert!(fake.messages_to(ANA).is_empty());
}

/// The statuses of `n` sends to Ana with random failures from `seed`.
async fn statuses_with_seed(seed: u64, n: usize) -> (Vec<u16>, usize) {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    fake.fail_randomly(0.5, seed);
    let mut statuses = Vec::new();
    for i in 0..n {
        let answer = api
            .send_message(&dm_channel_id(ANA), &json!({"content": format!("#{i}")}))
            .await;
        statuses.push(answer.status);
        if answer.status == 429 {
            assert_eq!(answer.body["retry_after"], RANDOM_RETRY_AFTER);
        }
    }
    assert_eq!(
        api.open_dm(ANA).await,
        dm_channel_id(ANA),
        "other routes never fail"
    );
    (statuses, fake.messages_to(ANA).len())
}

#[tokio::test]
async fn random_failures_mix_429s_and_5xx_the_same_way_for_a_seed() {
    let (first, stored) = statuses_with_seed(7, 40).await;
    let (again, _) = statuses_with_seed(7, 40).await;
    let (other, _) = statuses_with_seed(8, 40).await;

    assert_eq!(first, again);
    assert_ne!(first, other);
    let count = |status: u16| first.iter().filter(|s| **s == status).count();
    assert!(
        count(429) > 0 && count(500) + count(502) + count(503) > 0,
        "{first:?}"
    );
    assert!(
        (10..=30).contains(&count(200)),
        "about half fail: {first:?}"
    );
    assert_eq!(stored, count(200));
}

#[tokio::test]
async fn a_dropped_connection_is_an_error_and_sends_nothing() {
    let fake = fake_with_people().await;
    fake.fail_next(SEND, 1, DiscordFailure::Dropped);

    let error = say_hi_to_ana(&fake, &reqwest::Client::new())
        .await
        .and_then(reqwest::Response::error_for_status);

    assert!(error.is_err(), "{error:?}");
    assert_eq!(
        fake.calls(SEND)[0].failure.clone(),
        Some(DiscordFailure::Dropped)
    );
    assert!(fake.messages_to(ANA).is_empty());
}

/// `client` posts "hi" in Ana's DM with the bot token.
async fn say_hi_to_ana(
    fake: &FakeDiscord,
    client: &reqwest::Client,
) -> reqwest::Result<reqwest::Response> {
    client
        .post(format!(
            "{}/api/v10/channels/{}/messages",
            fake.api_url(),
            dm_channel_id(ANA)
        ))
        .header("Authorization", format!("Bot {}", FakeDiscord::BOT_TOKEN))
        .json(&json!({"content": "hi"}))
        .send()
        .await
}
