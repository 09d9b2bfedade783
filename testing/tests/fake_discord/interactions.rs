//! Interaction callbacks and follow-ups: once, in time, with the right token.

use std::time::Duration;

use reqwest::Method;
use rhythm_testing::discord::{FakeDiscord, FieldValue, payloads};
use serde_json::{Value, json};

use super::{ANA, Api, fake_with_people};

fn callback_path(payload: &Value) -> String {
    format!(
        "/interactions/{}/{}/callback",
        payload["id"].as_str().unwrap(),
        payload["token"].as_str().unwrap()
    )
}

fn webhook_path(payload: &Value) -> String {
    format!(
        "/webhooks/{}/{}",
        FakeDiscord::APPLICATION_ID,
        payload["token"].as_str().unwrap()
    )
}

#[tokio::test]
async fn a_slash_command_is_answered_once_with_a_message_in_the_dm() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "checkin", None);
    let id = fake.dispatch_interaction(command.clone());
    let answer = json!({"type": 4, "data": {"content": "Let's check in", "flags": 64}});

    let first = api.post(&callback_path(&command), &answer).await;
    let second = api.post(&callback_path(&command), &answer).await;

    assert_eq!(first.status, 204, "{first:?}");
    assert_eq!(first.body, Value::Null);
    assert_eq!(second.status, 400);
    assert_eq!(
        second.body,
        json!({"message": "Interaction has already been acknowledged.", "code": 40060})
    );
    assert_eq!(fake.callbacks(&id), vec![answer]);
    let shown = fake.messages_to(ANA);
    assert_eq!(shown.len(), 1);
    assert_eq!(shown[0]["content"], "Let's check in");
    assert_eq!(shown[0]["type"], 20, "a slash command's response");
    assert_eq!(shown[0]["flags"], 64);
    assert_eq!(shown[0]["interaction_metadata"]["id"], id);
    assert_eq!(shown[0]["interaction_metadata"]["user"]["id"], ANA);
    assert!(
        fake.spec_violations().is_empty(),
        "{:?}",
        fake.spec_violations()
    );
}

#[tokio::test]
async fn an_unknown_interaction_a_wrong_token_or_a_late_answer_is_unknown() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "kudos", None);
    let answer = json!({"type": 5});

    let never_sent = api.post(&callback_path(&command), &answer).await;
    fake.register_interaction(&command);
    let path = format!(
        "/interactions/{}/not-the-token/callback",
        command["id"].as_str().unwrap()
    );
    let wrong_token = api.post(&path, &answer).await;
    fake.set_callback_window(Duration::ZERO);
    let late = api.post(&callback_path(&command), &answer).await;

    for refused in [&never_sent, &wrong_token, &late] {
        assert_eq!(refused.status, 404);
        assert_eq!(
            refused.body,
            json!({"message": "Unknown interaction", "code": 10062})
        );
    }
    assert!(fake.callbacks(command["id"].as_str().unwrap()).is_empty());
}

#[tokio::test]
async fn callbacks_and_follow_ups_need_no_bot_token_but_refuse_a_wrong_one() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "goals", None);
    fake.register_interaction(&command);
    let answer = json!({"type": 4, "data": {"content": "Your goals"}});

    let wrong = api
        .http
        .post(format!("{}{}", api.base, callback_path(&command)))
        .header("Authorization", "Bot wrong")
        .json(&answer)
        .send()
        .await
        .unwrap();
    let anonymous = api
        .anonymous(Method::POST, &callback_path(&command), Some(&answer))
        .await;
    let followup = api
        .anonymous(
            Method::POST,
            &webhook_path(&command),
            Some(&json!({"content": "More"})),
        )
        .await;

    assert_eq!(wrong.status(), 401);
    assert_eq!(anonymous.status, 204);
    assert_eq!(followup.status, 200, "{followup:?}");
}

#[tokio::test]
async fn a_deferred_answer_thinks_until_the_original_is_edited_then_follow_ups_come() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "review", Some(("start", &[("cycle", "2026-H1")])));
    let token = command["token"].as_str().unwrap().to_owned();
    fake.dispatch_interaction(command.clone());

    let early = api
        .post(&webhook_path(&command), &json!({"content": "too soon"}))
        .await;
    assert_eq!(
        (early.status, early.body["code"].clone()),
        (404, json!(10015))
    );
    api.post(&callback_path(&command), &json!({"type": 5}))
        .await;
    let thinking = fake.messages_to(ANA);
    assert_eq!(thinking[0]["flags"], 128, "LOADING");
    assert_eq!(thinking[0]["content"], "");

    let original = format!("{}/messages/@original", webhook_path(&command));
    let edited = api
        .patch(&original, &json!({"content": "Review started"}))
        .await;
    assert_eq!(edited.status, 200, "{edited:?}");
    assert_eq!(edited.body["flags"], 0, "no longer thinking");
    let followup = api
        .post(
            &webhook_path(&command),
            &json!({"content": "One more thing"}),
        )
        .await;
    assert_eq!(followup.status, 200);
    let followup_id = followup.body["id"].as_str().unwrap();
    let changed = api
        .patch(
            &format!("{}/messages/{followup_id}", webhook_path(&command)),
            &json!({"content": "One more thing, edited"}),
        )
        .await;
    assert_eq!(changed.status, 200);

    let contents: Vec<Value> = fake
        .messages_to(ANA)
        .iter()
        .map(|m| m["content"].clone())
        .collect();
    assert_eq!(
        contents,
        [json!("Review started"), json!("One more thing, edited")]
    );
    assert_eq!(fake.followups(&token), vec![changed.body.clone()]);
    assert_eq!(changed.body["webhook_id"], FakeDiscord::APPLICATION_ID);
    let not_ours = api
        .patch(
            &format!("{}/messages/1", webhook_path(&command)),
            &json!({"content": "x"}),
        )
        .await;
    assert_eq!(not_ours.body["code"], 10008);
    let wrong_app = api
        .post(&format!("/webhooks/1/{token}"), &json!({"content": "x"}))
        .await;
    assert_eq!(
        (wrong_app.status, wrong_app.body["code"].clone()),
        (404, json!(10015))
    );
}

#[tokio::test]
async fn updating_the_message_of_a_pressed_button_edits_it() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = api.open_dm(ANA).await;
    let row = json!([{"type": 1, "components": [{"type": 2, "style": 3, "label": "Done", "custom_id": "checkin:done"}]}]);
    api.send_message(&dm, &json!({"content": "Check in?", "components": row}))
        .await;
    let message = fake.messages_to(ANA)[0].clone();
    let press = payloads::button(ANA, "checkin:done", &message);
    assert_eq!(press["data"]["id"], 2, "the button's id in its message");
    fake.dispatch_interaction(press.clone());

    let update = json!({"type": 7, "data": {"content": "Checked in", "components": []}});
    let answer = api.post(&callback_path(&press), &update).await;

    assert_eq!(answer.status, 204, "{answer:?}");
    let shown = fake.messages_to(ANA);
    assert_eq!(shown.len(), 1, "updated, not added");
    assert_eq!(shown[0]["id"], message["id"]);
    assert_eq!(shown[0]["content"], "Checked in");
    assert_eq!(shown[0]["components"], json!([]));
    let original = format!("{}/messages/@original", webhook_path(&press));
    let edited = api
        .patch(&original, &json!({"content": "Checked in ✓"}))
        .await;
    assert_eq!(
        edited.body["id"], message["id"],
        "@original is the component's message"
    );
}

#[tokio::test]
async fn a_callback_type_the_interaction_cannot_take_is_a_form_error() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "checkin", None);
    fake.register_interaction(&command);

    let update = api
        .post(
            &callback_path(&command),
            &json!({"type": 7, "data": {"content": "x"}}),
        )
        .await;
    let untitled = api
        .post(
            &callback_path(&command),
            &json!({"type": 9, "data": {"custom_id": "m", "components": []}}),
        )
        .await;
    let too_long = api
        .post(
            &callback_path(&command),
            &json!({"type": 4, "data": {"content": "x".repeat(2001)}}),
        )
        .await;

    assert_eq!(update.status, 400);
    assert_eq!(
        update.body["errors"]["type"]["_errors"][0]["code"],
        "BASE_TYPE_CHOICES"
    );
    assert_eq!(
        untitled.body["errors"]["data"]["title"]["_errors"][0]["code"],
        "BASE_TYPE_REQUIRED"
    );
    assert_eq!(
        too_long.body["errors"]["data"]["content"]["_errors"][0]["code"],
        "BASE_TYPE_MAX_LENGTH"
    );
    let modal = json!({"type": 9, "data": {"custom_id": "checkin", "title": "Check-in", "components": [
        {"type": 18, "label": "How was your week?", "component": {"type": 4, "custom_id": "week", "style": 2}},
    ]}});
    let opened = api.post(&callback_path(&command), &modal).await;
    assert_eq!(opened.status, 204, "{opened:?}");
    assert_eq!(fake.callbacks(command["id"].as_str().unwrap()), vec![modal]);
    assert!(fake.messages_to(ANA).is_empty(), "a modal is no message");
}

#[tokio::test]
async fn response_messages_say_which_interaction_made_them() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "checkin", None);
    fake.dispatch_interaction(command.clone());
    let modal = json!({"type": 9, "data": {"custom_id": "checkin", "title": "Check-in", "components": [
        {"type": 18, "label": "How was your week?", "component": {"type": 4, "custom_id": "week", "style": 2}},
    ]}});
    api.post(&callback_path(&command), &modal).await;

    let submit = payloads::modal_submit(
        ANA,
        "checkin",
        &[("week", FieldValue::Text("Good".to_owned()))],
    );
    fake.dispatch_interaction(submit.clone());
    api.post(
        &callback_path(&submit),
        &json!({"type": 4, "data": {"content": "Saved"}}),
    )
    .await;
    let followup = api
        .post(&webhook_path(&submit), &json!({"content": "Also saved"}))
        .await;

    let original = fake.messages_to(ANA)[0].clone();
    let metadata = &original["interaction_metadata"];
    assert_eq!(metadata["id"], submit["id"]);
    assert_eq!(metadata["type"], 5);
    assert_eq!(metadata["user"]["id"], ANA);
    assert_eq!(
        metadata["authorizing_integration_owners"],
        json!({"0": "0"})
    );
    assert_eq!(
        metadata["triggering_interaction_metadata"]["id"],
        command["id"]
    );
    assert_eq!(metadata["triggering_interaction_metadata"]["type"], 2);
    assert_eq!(
        followup.body["interaction_metadata"]["original_response_message_id"],
        original["id"]
    );

    let press = payloads::button(ANA, "again", &original);
    fake.dispatch_interaction(press.clone());
    api.post(
        &callback_path(&press),
        &json!({"type": 4, "data": {"content": "Pressed"}}),
    )
    .await;
    let pressed = fake.messages_to(ANA).last().cloned().unwrap();
    assert_eq!(
        pressed["interaction_metadata"]["interacted_message_id"],
        original["id"]
    );
    assert_eq!(pressed["type"], 0);
}
