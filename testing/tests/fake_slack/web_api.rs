//! The Web API methods Rhythm calls, through slack-morphism and as raw HTTP.

use rhythm_testing::slack::{CallOutcome, FakeSlack, FakeUser};
use serde_json::{Value, json};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;

use super::{assert_keys_within, bot_token, client, json_fixture};

fn section(text: &str) -> SlackBlock {
    SlackSectionBlock::new().with_text(md!(text)).into()
}

#[tokio::test]
async fn auth_test_names_the_bot() {
    let fake = FakeSlack::start().await;
    let client = client(&fake);
    let token = bot_token();

    let answer = client.open_session(&token).auth_test().await.unwrap();

    assert_eq!(answer.user_id.0, FakeSlack::BOT_USER_ID);
    assert_eq!(answer.team_id.0, FakeSlack::TEAM_ID);
    assert_eq!(answer.bot_id.unwrap().0, FakeSlack::BOT_ID);
    assert_eq!(fake.calls("auth.test"), vec![json!({})]);
}

#[tokio::test]
async fn a_missing_or_wrong_token_is_refused_like_slack() {
    let fake = FakeSlack::start().await;
    let http = reqwest::Client::new();
    let url = format!("{}/auth.test", fake.api_url());

    let response = http.post(&url).send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(content_type, "application/json; charset=utf-8");
    assert_eq!(
        response.json::<Value>().await.unwrap(),
        json!({"ok": false, "error": "not_authed"})
    );

    let wrong = SlackApiToken::new("xoxb-wrong".into());
    let error = client(&fake)
        .open_session(&wrong)
        .auth_test()
        .await
        .unwrap_err();
    assert!(
        matches!(error, SlackClientError::ApiError(ref e) if e.code == "invalid_auth"),
        "{error:?}"
    );

    let app = super::app_token();
    let error = client(&fake)
        .open_session(&app)
        .auth_test()
        .await
        .unwrap_err();
    assert!(
        matches!(error, SlackClientError::ApiError(ref e) if e.code == "not_allowed_token_type")
    );
    let outcomes: Vec<CallOutcome> = fake
        .calls_with_outcome("auth.test")
        .into_iter()
        .map(|c| c.outcome)
        .collect();
    assert_eq!(outcomes[0], CallOutcome::SlackError("not_authed".into()));
}

#[tokio::test]
async fn a_dm_is_opened_posted_to_and_updated() {
    let fake = FakeSlack::start().await;
    fake.add_user(FakeUser::person("U1", "ana@example.com", "Ana Lima"));
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    let open = SlackApiConversationsOpenRequest::new().with_users(vec!["U1".into()]);
    let dm = session.conversations_open(&open).await.unwrap().channel.id;
    let again = session.conversations_open_full(&open).await.unwrap();
    assert_eq!(again.channel.id, dm, "a user's DM keeps its id");
    assert_eq!(again.already_open, Some(true));

    let content = SlackMessageContent::new()
        .with_text("Time for your weekly check-in".into())
        .with_blocks(vec![section("*Weekly check-in*")]);
    let posted = session
        .chat_post_message(&SlackApiChatPostMessageRequest::new(dm.clone(), content))
        .await
        .unwrap();
    assert_eq!(posted.channel, dm);
    assert_eq!(
        posted.ts.0, "1700000000.000100",
        "ts grows from a fixed start"
    );
    assert_eq!(posted.message.origin.ts, posted.ts);

    let done = SlackMessageContent::new().with_text("Check-in done, thanks!".into());
    let updated = session
        .chat_update(&SlackApiChatUpdateRequest::new(
            dm.clone(),
            done,
            posted.ts.clone(),
        ))
        .await
        .unwrap();
    assert_eq!(updated.ts, posted.ts);

    let messages = fake.messages_to("U1");
    assert_eq!(messages.len(), 1);
    assert_eq!(messages[0].text, "Check-in done, thanks!");
    assert_eq!(
        messages[0].blocks[0]["text"]["text"], "*Weekly check-in*",
        "blocks not sent are kept"
    );
    assert_eq!(
        fake.calls("chat.postMessage")[0]["blocks"][0]["type"],
        "section"
    );
    // slack-morphism posts JSON, `users` as an array where Slack documents a
    // comma-separated string; the fake takes both.
    let opens = fake.calls("conversations.open");
    assert_eq!(opens[0], json!({"users": ["U1"]}));
    assert_eq!(opens[1], json!({"users": ["U1"], "return_im": true}));

    let unknown = SlackApiChatUpdateRequest::new(
        dm,
        SlackMessageContent::new().with_text("x".into()),
        "1.2".into(),
    );
    let error = session.chat_update(&unknown).await.unwrap_err();
    assert!(matches!(error, SlackClientError::ApiError(ref e) if e.code == "message_not_found"));
}

#[tokio::test]
async fn posting_to_an_unknown_channel_is_channel_not_found() {
    let fake = FakeSlack::start().await;
    let client = client(&fake);
    let token = bot_token();
    let content = SlackMessageContent::new().with_text("hello".into());
    let request = SlackApiChatPostMessageRequest::new("C404".into(), content);

    let error = client
        .open_session(&token)
        .chat_post_message(&request)
        .await
        .unwrap_err();

    let SlackClientError::ApiError(error) = error else {
        panic!("{error:?}")
    };
    assert_eq!(error.code, "channel_not_found");
    assert!(fake.messages_in("C404").is_empty());
}

#[tokio::test]
async fn an_ephemeral_message_is_shown_to_one_person() {
    let fake = FakeSlack::start().await;
    fake.add_user(FakeUser::person("U1", "ana@example.com", "Ana Lima"));
    fake.add_channel("C1");
    let client = client(&fake);
    let token = bot_token();
    let content = SlackMessageContent::new().with_text("Only you can see this".into());
    let request = SlackApiChatPostEphemeralRequest::new("C1".into(), "U1".into(), content);

    client
        .open_session(&token)
        .chat_post_ephemeral(&request)
        .await
        .unwrap();

    assert_eq!(fake.ephemerals_to("U1")[0].text, "Only you can see this");
    assert!(fake.messages_in("C1").is_empty());
}

#[tokio::test]
async fn views_open_needs_a_trigger_id_and_returns_the_stored_view() {
    let fake = FakeSlack::start().await;
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);
    let modal = SlackView::Modal(
        SlackModalView::new("Check-in".into(), vec![section("How was your week?")])
            .with_callback_id("checkin".into())
            .with_private_metadata("occurrence:42".into()),
    );

    let trigger = fake.new_trigger_id();
    let opened = session
        .views_open(&SlackApiViewsOpenRequest::new(
            trigger.into(),
            modal.clone(),
        ))
        .await
        .unwrap();
    let id = opened.view.state_params.id.clone();
    assert!(id.0.starts_with('V'), "{id:?}");
    assert_eq!(fake.views_opened()[0]["private_metadata"], "occurrence:42");

    let replaced = SlackView::Modal(SlackModalView::new("Thanks".into(), vec![section("Saved")]));
    let update = SlackApiViewsUpdateRequest::new(replaced).with_view_id(id.clone());
    let updated = session.views_update(&update).await.unwrap();
    assert_eq!(updated.view.state_params.id, id);
    assert_eq!(fake.views_opened()[0]["title"]["text"], "Thanks");

    let error = session
        .views_open(&SlackApiViewsOpenRequest::new("".into(), modal))
        .await
        .unwrap_err();
    assert!(
        matches!(error, SlackClientError::ApiError(ref e) if e.code == "invalid_arguments"),
        "{error:?}"
    );
}

#[tokio::test]
async fn users_list_pages_with_a_cursor() {
    let fake = FakeSlack::start().await;
    for n in 1..=5 {
        fake.add_user(FakeUser::person(
            &format!("U{n}"),
            &format!("p{n}@example.com"),
            &format!("Person {n}"),
        ));
    }
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    let mut ids = Vec::new();
    let mut pages = 0;
    let mut cursor: Option<SlackCursorId> = None;
    loop {
        let request = SlackApiUsersListRequest::new()
            .with_limit(2)
            .opt_cursor(cursor.clone());
        let page = session.users_list(&request).await.unwrap();
        pages += 1;
        ids.extend(page.members.iter().map(|user| user.id.0.clone()));
        cursor = page
            .response_metadata
            .and_then(|metadata| metadata.next_cursor);
        if cursor.is_none() {
            break;
        }
    }

    assert_eq!(pages, 3);
    assert_eq!(ids, ["U1", "U2", "U3", "U4", "U5"]);
    let calls = fake.calls("users.list");
    assert_eq!(
        calls[0]["limit"], "2",
        "slack-morphism sends users.list as a GET query"
    );
    assert!(calls[1]["cursor"].is_string());
}

#[tokio::test]
async fn users_info_has_slacks_shape() {
    let fake = FakeSlack::start().await;
    fake.add_user(
        FakeUser::person("U1", "ana@example.com", "Ana Lima").in_zone("America/New_York"),
    );
    let client = client(&fake);
    let token = bot_token();
    let session = client.open_session(&token);

    let user = session
        .users_info(&SlackApiUsersInfoRequest::new("U1".into()))
        .await
        .unwrap()
        .user;
    assert_eq!(user.tz.as_deref(), Some("America/New_York"));
    assert_eq!(user.profile.unwrap().email.unwrap().0, "ana@example.com");

    let raw = reqwest::Client::new()
        .get(format!("{}/users.info?user=U1", fake.api_url()))
        .bearer_auth(FakeSlack::BOT_TOKEN)
        .send()
        .await
        .unwrap()
        .json::<Value>()
        .await
        .unwrap();
    let sample = json_fixture("java-slack-sdk-samples/api/users.info.json");
    assert_keys_within(&raw, &[&sample], "users.info");
    assert_keys_within(&raw["user"], &[&sample["user"]], "users.info user");
    assert_keys_within(
        &raw["user"]["profile"],
        &[&sample["user"]["profile"]],
        "users.info profile",
    );

    let error = session
        .users_info(&SlackApiUsersInfoRequest::new("U404".into()))
        .await
        .unwrap_err();
    assert!(matches!(error, SlackClientError::ApiError(ref e) if e.code == "user_not_found"));
}

#[tokio::test]
async fn form_and_json_bodies_are_recorded_alike() {
    let fake = FakeSlack::start().await;
    fake.add_user(FakeUser::person("U1", "ana@example.com", "Ana Lima"));
    let http = reqwest::Client::new();
    let url = format!("{}/chat.postMessage", fake.api_url());
    let blocks = json!([{"type": "divider"}]);

    let form = [
        ("channel", "U1"),
        ("text", "by form"),
        ("blocks", &blocks.to_string()),
    ];
    let answer: Value = http
        .post(&url)
        .bearer_auth(FakeSlack::BOT_TOKEN)
        .form(&form)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["ok"], true, "{answer}");
    let body = json!({"channel": "U1", "text": "by json", "blocks": blocks});
    let answer: Value = http
        .post(&url)
        .bearer_auth(FakeSlack::BOT_TOKEN)
        .json(&body)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(answer["channel"], "D1", "a user id posts to the DM");

    let calls = fake.calls("chat.postMessage");
    assert_eq!(
        calls[0],
        json!({"channel": "U1", "text": "by form", "blocks": blocks})
    );
    assert_eq!(calls[1], body);
    let texts: Vec<String> = fake.messages_to("U1").into_iter().map(|m| m.text).collect();
    assert_eq!(texts, ["by form", "by json"]);

    let auth = json_fixture("java-slack-sdk-samples/api/auth.test.json");
    let ours: Value = http
        .get(format!("{}/auth.test", fake.api_url()))
        .bearer_auth(FakeSlack::BOT_TOKEN)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_keys_within(&ours, &[&auth], "auth.test");
    assert_eq!(fake.all_calls().len(), 3);
}
