//! The payload builders against Discord's documented examples, and the signature against
//! the known-answer vectors.

use rhythm_testing::discord::{FakeDiscord, FieldValue, dm_channel_id, payloads};
use ring::signature::{ED25519, UnparsedPublicKey};
use serde_json::{Value, json};

use super::{ANA, assert_keys_within, json_fixture};

/// Interaction fields Discord sends today that none of the documented examples has (see
/// the `payloads` module's docs).
const ADDED: [&str; 2] = ["attachment_size_limit", "guild"];

/// The documented interactions: the slash and user command examples, and the
/// user-installable app's sample (which has `user`, `channel`, `context`…).
fn documented_interactions() -> [Value; 3] {
    [
        json_fixture("discord-api-docs/interaction_application_command_slash.json"),
        json_fixture("discord-api-docs/interaction_application_command_user.json"),
        json_fixture("discord-api-docs/interaction_user_installable_sample.fragment.jsonc"),
    ]
}

fn hex(text: &str) -> Vec<u8> {
    (0..text.len() / 2)
        .map(|i| u8::from_str_radix(&text[2 * i..2 * i + 2], 16).unwrap())
        .collect()
}

#[test]
fn the_signature_matches_the_known_answers() {
    let kat = json_fixture("ed25519_signature_kat.json");
    assert_eq!(kat["public_key_hex"], FakeDiscord::PUBLIC_KEY_HEX);
    assert_eq!(
        kat["private_key_hex_rfc8032_test1"],
        FakeDiscord::PRIVATE_KEY_HEX
    );

    for vector in kat["vectors"].as_array().unwrap() {
        let headers = &vector["headers"];
        let timestamp: i64 = headers["X-Signature-Timestamp"]
            .as_str()
            .unwrap()
            .parse()
            .unwrap();
        let body = vector["body"].as_str().unwrap().as_bytes();
        let ours = payloads::sign(timestamp, body);
        let valid = vector["expect"].as_str().unwrap().starts_with("valid");
        assert_eq!(
            ours == headers["X-Signature-Ed25519"],
            valid,
            "{}",
            vector["name"]
        );
    }
}

#[test]
fn signed_headers_verify_with_the_public_key() {
    let body = payloads::ping().to_string();
    let headers = payloads::signed_headers(1_700_000_123, body.as_bytes());

    assert_eq!(headers[0].0, "X-Signature-Ed25519");
    assert_eq!(
        headers[1],
        ("X-Signature-Timestamp", "1700000123".to_owned())
    );
    let mut signed = b"1700000123".to_vec();
    signed.extend_from_slice(body.as_bytes());
    let key = UnparsedPublicKey::new(&ED25519, hex(FakeDiscord::PUBLIC_KEY_HEX));
    assert!(key.verify(&signed, &hex(&headers[0].1)).is_ok());
}

#[test]
fn a_slash_command_in_the_dm_is_shaped_like_discords() {
    let ours = payloads::slash_command(ANA, "rhythm", Some(("ooo", &[("until", "2026-01-09")])));
    let [slash, user_command, installable] = documented_interactions();

    assert_keys_within(
        &ours,
        &[&slash, &user_command, &installable],
        &ADDED,
        "a slash command",
    );
    assert_keys_within(&ours["data"], &[&slash["data"]], &[], "its data");
    assert_eq!(ours["type"], 2);
    assert_eq!(ours["user"]["id"], ANA);
    assert!(ours.get("member").is_none() && ours.get("guild_id").is_none());
    assert_eq!(ours["channel_id"], dm_channel_id(ANA));
    assert_eq!(ours["channel"]["type"], 1);
    assert_eq!(ours["application_id"], FakeDiscord::APPLICATION_ID);
    assert_eq!(ours["data"]["name"], "rhythm");
    assert_eq!(
        ours["data"]["options"],
        json!([{"type": 1, "name": "ooo", "options": [{"type": 3, "name": "until", "value": "2026-01-09"}]}])
    );
    let other = payloads::slash_command(ANA, "rhythm", None);
    assert_ne!(other["id"], ours["id"]);
    assert_ne!(other["token"], ours["token"]);
    assert_eq!(
        other["data"]["id"], ours["data"]["id"],
        "one command, one id"
    );
    assert!(other["data"].get("options").is_none());
}

#[test]
fn in_a_guild_the_user_comes_as_a_member() {
    let ours = payloads::in_guild(payloads::slash_command(ANA, "kudos", None));
    let [slash, user_command, installable] = documented_interactions();

    assert_keys_within(
        &ours,
        &[&slash, &user_command, &installable],
        &ADDED,
        "a guild slash command",
    );
    assert!(ours.get("user").is_none());
    assert_eq!(ours["member"]["user"]["id"], ANA);
    assert_keys_within(
        &ours["member"],
        &[&slash["member"]],
        &[
            "avatar",
            "banner",
            "communication_disabled_until",
            "flags",
            "unusual_dm_activity_until",
        ],
        "the member",
    );
    assert_eq!(ours["guild_id"], FakeDiscord::GUILD_ID);
    assert_eq!(ours["channel_id"], FakeDiscord::GUILD_CHANNEL_ID);
    assert_eq!(ours["context"], 0);
}

#[test]
fn a_button_press_carries_its_message_and_the_buttons_id() {
    let message = json!({
        "id": "1170000000000000300",
        "channel_id": dm_channel_id(ANA),
        "components": [{"type": 1, "id": 1, "components": [
            {"type": 2, "id": 2, "style": 1, "label": "Yes", "custom_id": "kudos:yes"},
        ]}],
    });
    let ours = payloads::button(ANA, "kudos:yes", &message);
    let documented =
        json_fixture("discord-api-docs/interaction_message_component_button.fragment.jsonc");

    assert_eq!(ours["type"], documented["type"]);
    assert_eq!(
        ours["data"],
        json!({"component_type": 2, "custom_id": "kudos:yes", "id": 2})
    );
    assert_keys_within(
        &ours["data"],
        &[&documented["data"]],
        &[],
        "the button's data",
    );
    assert_eq!(ours["message"], message);
    assert_eq!(ours["channel_id"], dm_channel_id(ANA));

    let in_guild = payloads::button(
        ANA,
        "kudos:yes",
        &json!({"id": "1", "channel_id": FakeDiscord::GUILD_CHANNEL_ID}),
    );
    assert_eq!(in_guild["member"]["user"]["id"], ANA);
    assert_eq!(in_guild["channel_id"], FakeDiscord::GUILD_CHANNEL_ID);
    assert!(
        in_guild["data"].get("id").is_none(),
        "no such button in the message"
    );
}

#[test]
fn modal_submissions_use_labels_or_the_older_action_rows() {
    let ours = payloads::modal_submit(
        ANA,
        "checkin",
        &[
            ("week", FieldValue::Text("Shipped the importer".to_owned())),
            ("mood", FieldValue::Select(vec!["good".to_owned()])),
        ],
    );
    let text = json_fixture("discord-api-docs/interaction_modal_submit_text_input.fragment.jsonc");
    let select =
        json_fixture("discord-api-docs/interaction_modal_submit_string_select.fragment.jsonc");

    assert_eq!(ours["type"], 5);
    assert_eq!(ours["data"]["custom_id"], "checkin");
    let (first, second) = (
        &ours["data"]["components"][0],
        &ours["data"]["components"][1],
    );
    assert_eq!(shape(first), shape(&text["data"]["components"][0]));
    assert_eq!(shape(second), shape(&select["data"]["components"][0]));
    assert_eq!(first["component"]["value"], "Shipped the importer");
    assert_eq!(second["component"]["values"], json!(["good"]));
    assert_ne!(first["id"], second["id"]);

    let legacy = payloads::modal_submit_legacy(ANA, "checkin", &[("week", "Quiet")]);
    assert_eq!(
        legacy["data"]["components"],
        json!([{"type": 1, "id": 1, "components": [{"type": 4, "id": 2, "custom_id": "week", "value": "Quiet"}]}])
    );
}

/// A component's types and keys, without the values.
fn shape(component: &Value) -> Value {
    let keys = |value: &Value| {
        let mut keys: Vec<String> = value.as_object().unwrap().keys().cloned().collect();
        keys.sort();
        keys
    };
    json!({
        "type": component["type"],
        "keys": keys(component),
        "inner_type": component["component"]["type"],
        "inner_keys": keys(&component["component"]),
    })
}

#[test]
fn a_ping_is_the_kats_ping_without_a_user() {
    let kat = json_fixture("ed25519_signature_kat.json");
    let documented: Value =
        serde_json::from_str(kat["vectors"][0]["body"].as_str().unwrap()).unwrap();
    let ours = payloads::ping();

    assert_eq!(ours["type"], 1);
    assert_keys_within(&ours, &[&documented], &["entitlements"], "a ping");
    assert_eq!(ours["application_id"], FakeDiscord::APPLICATION_ID);
}
