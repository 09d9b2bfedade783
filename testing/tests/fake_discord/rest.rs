//! The REST routes' happy paths and Discord's errors for each.

use reqwest::Method;
use rhythm_testing::discord::{FakeDiscord, dm_channel_id, spec};
use serde_json::json;

use super::{ANA, Api, BEN, fake_with_people};

#[tokio::test]
async fn the_gateway_url_needs_no_token_and_everything_else_does() {
    let fake = FakeDiscord::start().await;
    let api = Api::new(&fake);

    let gateway = api.anonymous(Method::GET, "/gateway", None).await;
    assert_eq!(gateway.status, 200);
    assert_eq!(gateway.body, json!({"url": fake.gateway_url()}));
    assert!(fake.gateway_url().starts_with("ws://127.0.0.1:"));

    let refused = api.anonymous(Method::GET, "/gateway/bot", None).await;
    assert_eq!(refused.status, 401);
    assert_eq!(
        refused.body,
        json!({"message": "401: Unauthorized", "code": 0})
    );
    assert_eq!(refused.header("content-type"), "application/json");

    let wrong = api
        .http
        .get(format!("{}/users/@me", api.base))
        .header("Authorization", "Bot not-the-token")
        .send()
        .await
        .unwrap();
    assert_eq!(wrong.status(), 401);

    let bot = api.get("/gateway/bot").await;
    assert_eq!(bot.status, 200);
    assert_eq!(
        bot.body,
        json!({
            "url": fake.gateway_url(),
            "shards": 1,
            "session_start_limit": {"total": 1000, "remaining": 999, "reset_after": 14_400_000, "max_concurrency": 1},
        })
    );
    let calls = fake.calls("GET /gateway/bot");
    assert_eq!(
        calls.iter().map(|c| c.status).collect::<Vec<_>>(),
        [401, 200]
    );
    assert_eq!(calls[1].header("authorization"), Some("Bot <ok>"));
}

#[tokio::test]
async fn every_answer_carries_rate_limit_headers() {
    let fake = FakeDiscord::start().await;
    let api = Api::new(&fake);

    let first = api.get("/users/@me").await;
    let second = api.get("/users/@me").await;
    let refused = api.anonymous(Method::GET, "/users/@me", None).await;

    for answer in [&first, &second, &refused] {
        let limit: i64 = answer.header("x-ratelimit-limit").parse().unwrap();
        let remaining: i64 = answer.header("x-ratelimit-remaining").parse().unwrap();
        let reset: f64 = answer.header("x-ratelimit-reset").parse().unwrap();
        let reset_after: f64 = answer.header("x-ratelimit-reset-after").parse().unwrap();
        assert!(remaining < limit);
        assert!(
            reset > 1_700_000_000.0 && reset_after <= 1.0,
            "{reset} {reset_after}"
        );
        assert_eq!(answer.header("x-ratelimit-bucket").len(), 16);
    }
    let number = |a: &super::Answer, name: &str| a.header(name).parse::<f64>().unwrap();
    let counted_down =
        number(&second, "x-ratelimit-remaining") < number(&first, "x-ratelimit-remaining");
    let window_rolled_over =
        number(&second, "x-ratelimit-reset-after") > number(&first, "x-ratelimit-reset-after");
    assert!(counted_down || window_rolled_over, "{first:?} {second:?}");
}

#[tokio::test]
async fn a_dm_is_the_same_channel_each_time_and_takes_messages() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);

    let opened = api
        .post("/users/@me/channels", &json!({"recipient_id": ANA}))
        .await;
    assert_eq!(opened.status, 200);
    assert_eq!(opened.body["id"], dm_channel_id(ANA));
    assert_eq!(opened.body["type"], 1);
    assert_eq!(opened.body["recipients"][0]["id"], ANA);
    assert_eq!(opened.body["recipients"][0]["global_name"], "Ana Lima");
    let violations = spec::check_response("POST /users/@me/channels", 200, &opened.body);
    assert_eq!(violations, Vec::<String>::new());
    assert_eq!(api.open_dm(ANA).await, dm_channel_id(ANA));
    assert_ne!(api.open_dm(BEN).await, dm_channel_id(ANA));

    let body = json!({
        "content": "Time for your weekly check-in",
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "Start", "custom_id": "checkin:start"},
        ]}],
        "nonce": "delivery-1",
        "enforce_nonce": true,
        "allowed_mentions": {"parse": []},
    });
    let sent = api.send_message(&dm_channel_id(ANA), &body).await;
    assert_eq!(sent.status, 200, "{sent:?}");
    let message = &sent.body;
    assert_eq!(message["author"]["id"], FakeDiscord::BOT_USER_ID);
    assert_eq!(message["channel_id"], dm_channel_id(ANA));
    assert_eq!(message["nonce"], "delivery-1");
    assert_eq!(
        message["components"][0]["id"], 1,
        "Discord numbers components"
    );
    assert_eq!(message["components"][0]["components"][0]["id"], 2);
    assert_eq!(
        spec::check_response("POST /channels/{channel_id}/messages", 200, message),
        Vec::<String>::new()
    );
    assert_eq!(fake.messages_to(ANA), vec![message.clone()]);
    assert!(fake.messages_to(BEN).is_empty());
    assert!(
        fake.spec_violations().is_empty(),
        "{:?}",
        fake.spec_violations()
    );
}

#[tokio::test]
async fn a_stranger_is_an_invalid_recipient_and_a_bad_id_a_form_error() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);

    let stranger = api
        .post(
            "/users/@me/channels",
            &json!({"recipient_id": "80351110224678999"}),
        )
        .await;
    assert_eq!(stranger.status, 400);
    assert_eq!(
        stranger.body,
        json!({"message": "Invalid Recipient(s)", "code": 50033})
    );

    let garbage = api
        .post("/users/@me/channels", &json!({"recipient_id": "ana"}))
        .await;
    assert_eq!(garbage.status, 400);
    assert_eq!(garbage.body["code"], 50035);
    assert_eq!(
        garbage.body["errors"]["recipient_id"]["_errors"][0]["code"],
        "NUMBER_TYPE_COERCE"
    );
}

#[tokio::test]
async fn closed_dms_open_but_refuse_messages() {
    let fake = fake_with_people().await;
    fake.close_dms(ANA);
    let api = Api::new(&fake);

    let channel = api.open_dm(ANA).await;
    let sent = api
        .send_message(&channel, &json!({"content": "hello"}))
        .await;

    assert_eq!(sent.status, 403);
    assert_eq!(
        sent.body,
        json!({"message": "Cannot send messages to this user", "code": 50007})
    );
    assert!(fake.messages_to(ANA).is_empty());
    let to_ben = api
        .send_message(&dm_channel_id(BEN), &json!({"content": "hi"}))
        .await;
    assert_eq!(to_ben.status, 200, "a DM exists before the bot opens it");
}

#[tokio::test]
async fn unknown_channels_and_messages_are_404s_with_their_codes() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);

    let channel = api
        .send_message("1170000000000009999", &json!({"content": "hi"}))
        .await;
    assert_eq!(
        (channel.status, channel.body["code"].clone()),
        (404, json!(10003))
    );
    assert_eq!(channel.body["message"], "Unknown Channel");

    let dm = api.open_dm(ANA).await;
    let message = api
        .patch(
            &format!("/channels/{dm}/messages/1"),
            &json!({"content": "x"}),
        )
        .await;
    assert_eq!(
        (message.status, message.body["code"].clone()),
        (404, json!(10008))
    );
}

#[tokio::test]
async fn an_edit_changes_the_message_in_place() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let channel = FakeDiscord::GUILD_CHANNEL_ID;
    let row = json!([{"type": 1, "components": [{"type": 2, "style": 1, "label": "Go", "custom_id": "go"}]}]);
    let sent = api
        .send_message(channel, &json!({"content": "before", "components": row}))
        .await;
    let id = sent.body["id"].as_str().unwrap();

    let edited = api
        .patch(
            &format!("/channels/{channel}/messages/{id}"),
            &json!({"content": "after", "components": []}),
        )
        .await;

    assert_eq!(edited.status, 200);
    assert_eq!(edited.body["id"], id);
    assert_eq!(edited.body["content"], "after");
    assert_eq!(edited.body["components"], json!([]));
    assert!(edited.body["edited_timestamp"].is_string());
    assert_eq!(fake.messages_in(channel), vec![edited.body.clone()]);

    let emptied = api
        .patch(
            &format!("/channels/{channel}/messages/{id}"),
            &json!({"content": ""}),
        )
        .await;
    assert_eq!(
        (emptied.status, emptied.body["code"].clone()),
        (400, json!(50006))
    );
}

#[tokio::test]
async fn an_enforced_nonce_gives_back_the_earlier_message() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = api.open_dm(ANA).await;
    let body = json!({"content": "Reminder", "nonce": "d-42", "enforce_nonce": true});

    let first = api.send_message(&dm, &body).await;
    let again = api.send_message(&dm, &body).await;

    assert_eq!(again.status, 200);
    assert_eq!(again.body["id"], first.body["id"]);
    assert_eq!(fake.messages_to(ANA).len(), 1);
    assert_eq!(fake.nonce_repeats(), 1);

    let unenforced = json!({"content": "Reminder", "nonce": "d-42"});
    let third = api.send_message(&dm, &unenforced).await;
    assert_ne!(
        third.body["id"], first.body["id"],
        "without enforce_nonce, a new message"
    );
    let elsewhere = api.send_message(&dm_channel_id(BEN), &body).await;
    assert_ne!(
        elsewhere.body["id"], first.body["id"],
        "nonces are per channel"
    );
    let numeric = json!({"content": "Reminder", "nonce": 42, "enforce_nonce": true});
    let numeric_first = api.send_message(&dm, &numeric).await;
    let numeric_again = api.send_message(&dm, &numeric).await;
    assert_eq!(numeric_again.body["id"], numeric_first.body["id"]);
    assert_eq!(fake.nonce_repeats(), 2);
    assert_eq!(fake.messages_to(ANA).len(), 3);
}

#[tokio::test]
async fn unknown_routes_are_404_code_0_and_recorded() {
    let fake = FakeDiscord::start().await;
    let api = Api::new(&fake);

    let guild = api.get("/guilds/1170000000000000100").await;
    let method = api.call(Method::DELETE, "/users/@me/channels", None).await;
    let unversioned = api
        .http
        .get(format!("{}/api/users/@me", fake.api_url()))
        .send()
        .await
        .unwrap();

    assert_eq!(guild.status, 404);
    assert_eq!(guild.body, json!({"message": "404: Not Found", "code": 0}));
    assert_eq!(method.status, 405);
    assert_eq!(method.body["code"], 0);
    assert_eq!(unversioned.status(), 404);
    let unknown: Vec<(String, String)> = fake
        .unknown_calls()
        .into_iter()
        .map(|call| (call.method, call.path))
        .collect();
    assert_eq!(
        unknown,
        [
            (
                "GET".to_owned(),
                "/api/v10/guilds/1170000000000000100".to_owned()
            ),
            (
                "DELETE".to_owned(),
                "/api/v10/users/@me/channels".to_owned()
            ),
            ("GET".to_owned(), "/api/users/@me".to_owned()),
        ]
    );
}

#[tokio::test]
async fn each_call_is_recorded_with_its_route_body_headers_and_status() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = api.open_dm(ANA).await;
    let body = json!({"content": "hi", "nonce": "n-1", "enforce_nonce": true});

    api.send_message(&dm, &body).await;
    api.send_message("1", &body).await;

    let calls = fake.calls("POST /channels/{channel_id}/messages");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].path, format!("/api/v10/channels/{dm}/messages"));
    assert_eq!(calls[0].body, body);
    assert_eq!(calls[0].body["nonce"], "n-1");
    assert_eq!(calls[0].header("content-type"), Some("application/json"));
    assert!(
        calls[0]
            .header("user-agent")
            .unwrap()
            .starts_with("DiscordBot")
    );
    assert_eq!(calls[0].header("authorization"), Some("Bot <ok>"));
    assert_eq!((calls[0].status, calls[1].status), (200, 404));
    assert!(calls[0].failure.is_none());
    assert!(fake.unknown_calls().is_empty());
    let all: Vec<Option<&str>> = fake.all_calls().iter().map(|c| c.route).collect();
    assert_eq!(
        all,
        [
            Some("POST /users/@me/channels"),
            Some("POST /channels/{channel_id}/messages"),
            Some("POST /channels/{channel_id}/messages"),
        ]
    );
}

#[tokio::test]
#[should_panic(expected = "has no route")]
async fn a_route_name_with_a_typo_fails_the_test_instead_of_matching_nothing() {
    let fake = FakeDiscord::start().await;
    fake.calls("POST /channels/{id}/messages");
}
