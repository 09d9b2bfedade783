//! Request bodies checked against Discord's OpenAPI spec: violations are recorded, naming
//! the route and the JSON path, and refused only where Discord refuses too.

use rhythm_testing::discord::{FakeDiscord, dm_channel_id, payloads, spec};
use serde_json::json;

use super::{ANA, Api, fake_with_people};

const SEND: &str = "POST /channels/{channel_id}/messages";

#[tokio::test]
async fn a_body_within_the_spec_has_no_violations() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let body = json!({
        "content": "Weekly check-in",
        "components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "Start", "custom_id": "checkin:start"},
            {"type": 2, "style": 5, "label": "Guide", "url": "https://example.com/guide"},
        ]}],
        "nonce": "4f1c2d",
        "enforce_nonce": true,
        "allowed_mentions": {"parse": [], "replied_user": false},
        "flags": 4096,
        "tts": false,
    });

    let answer = api.send_message(&dm_channel_id(ANA), &body).await;

    assert_eq!(answer.status, 200);
    assert_eq!(fake.spec_violations(), Vec::<String>::new());
}

#[tokio::test]
async fn an_unknown_field_a_wrong_type_and_a_too_long_string_are_recorded_not_refused() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let dm = dm_channel_id(ANA);

    let unknown = api
        .send_message(&dm, &json!({"content": "hi", "colour": "red"}))
        .await;
    let wrong_type = api
        .send_message(&dm, &json!({"content": "hi", "tts": "yes"}))
        .await;
    let too_long = api
        .send_message(&dm, &json!({"content": "hi", "nonce": "n".repeat(26)}))
        .await;

    assert_eq!(
        (unknown.status, wrong_type.status, too_long.status),
        (200, 200, 200)
    );
    assert_eq!(
        fake.spec_violations(),
        [
            format!("{SEND}: $.colour: unknown property"),
            format!("{SEND}: $.tts: expected boolean or null, got string"),
            format!("{SEND}: $.nonce: 26 characters, more than maxLength 25"),
        ]
    );
}

#[tokio::test]
async fn unions_are_told_apart_by_their_type_field() {
    let fake = fake_with_people().await;
    let api = Api::new(&fake);
    let command = payloads::slash_command(ANA, "checkin", None);
    fake.register_interaction(&command);
    let label = "l".repeat(81);

    api.send_message(
        &dm_channel_id(ANA),
        &json!({"components": [{"type": 1, "components": [
            {"type": 2, "style": 1, "label": label, "custom_id": "a"},
        ]}]}),
    )
    .await;
    let callback = format!(
        "/interactions/{}/{}/callback",
        command["id"].as_str().unwrap(),
        command["token"].as_str().unwrap()
    );
    api.post(
        &callback,
        &json!({"type": 4, "data": {"content": "ok", "ephemeral": true}}),
    )
    .await;

    assert_eq!(
        fake.spec_violations(),
        [
            format!("{SEND}: $.components[0].components[0].label: 81 characters, more than maxLength 80"),
            "POST /interactions/{interaction_id}/{token}/callback: $.data.ephemeral: unknown property"
                .to_owned(),
        ]
    );
}

#[test]
fn discord_coerces_digits_to_integers_and_integers_to_snowflakes() {
    let spec = spec::discord();
    let command = json!({"$ref": "#/components/schemas/ApplicationCommandUpdateRequest"});
    let dm = json!({"$ref": "#/components/schemas/CreatePrivateChannelRequest"});

    let permissions = spec.check(
        &command,
        &json!({"name": "checkin", "default_member_permissions": "8"}),
    );
    let numeric_id = spec.check(&dm, &json!({"recipient_id": 80_351_110_224_678_912_u64}));
    let not_a_snowflake = spec.check(&dm, &json!({"recipient_id": "ana"}));
    let missing_name = spec.check(&command, &json!({"description": "x"}));

    assert_eq!(permissions, Vec::<String>::new());
    assert_eq!(numeric_id, Vec::<String>::new());
    assert_eq!(
        not_a_snowflake,
        ["$.recipient_id: \"ana\" is not a snowflake"]
    );
    assert_eq!(missing_name, ["$.name: required, missing"]);
}

#[test]
fn the_fakes_messages_and_users_are_what_the_spec_describes() {
    let spec = spec::discord();
    let user = payloads::slash_command(ANA, "checkin", None)["user"].clone();
    let schema = json!({"$ref": "#/components/schemas/UserResponse"});

    assert_eq!(spec.check(&schema, &user), Vec::<String>::new());
    assert!(
        spec.request_schema("post", "/channels/{channel_id}/messages")
            .is_some()
    );
    assert_eq!(
        spec::check_response(
            "GET /gateway",
            200,
            &json!({"url": "ws://127.0.0.1:1/gateway", "shards": 1})
        ),
        ["GET /gateway: $.shards: unknown property"]
    );
    assert!(
        FakeDiscord::APPLICATION_ID
            .bytes()
            .all(|b| b.is_ascii_digit())
    );
}
