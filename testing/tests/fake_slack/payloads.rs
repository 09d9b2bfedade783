//! Payload builders and signing, against Slack's published examples.

use rhythm_testing::slack::payloads::{self, ValueKind};
use rhythm_testing::slack::{FakeSlack, dm_channel_id};
use serde_json::{Value, json};
use slack_morphism::prelude::*;

use super::{assert_keys_within, fixture, json_fixture};

#[test]
fn sign_matches_slacks_documented_example() {
    let kat = json_fixture("signature_kat_slack_docs.json");
    let secret = kat["signing_secret"].as_str().unwrap();
    let timestamp: i64 = kat["headers"]["X-Slack-Request-Timestamp"]
        .as_str()
        .unwrap()
        .parse()
        .unwrap();
    let body = kat["body"].as_str().unwrap().as_bytes();

    assert_eq!(
        payloads::sign(secret, timestamp, body),
        kat["headers"]["X-Slack-Signature"]
    );
    let [(ts_name, ts), (signature_name, signature)] =
        payloads::signed_headers(secret, timestamp, body);
    assert_eq!(
        (ts_name, ts.as_str()),
        ("X-Slack-Request-Timestamp", "1531420618")
    );
    assert_eq!(
        (signature_name, signature.as_str()),
        (
            "X-Slack-Signature",
            kat["headers"]["X-Slack-Signature"].as_str().unwrap()
        )
    );
    assert_ne!(
        payloads::sign(secret, timestamp + 1, body),
        signature,
        "the timestamp is signed too"
    );
}

fn form_keys(form: &str) -> Vec<String> {
    url::form_urlencoded::parse(form.as_bytes())
        .map(|(key, _)| key.into_owned())
        .collect()
}

#[test]
fn a_slash_command_form_has_slacks_fields_in_slacks_order() {
    let ours = payloads::slash_command_form("U1", "/kudos", "@ana for the demo", "1.2.3");
    let bolt = form_keys(fixture("bolt-python/slash_command.form.txt").trim());
    let java =
        json_fixture("java-slack-sdk-samples/app-backend/slash-commands/SlashCommandPayload.json");

    let keys = form_keys(&ours);
    let common: Vec<&String> = keys.iter().filter(|key| bolt.contains(key)).collect();
    let bolt_order: Vec<&String> = bolt.iter().filter(|key| keys.contains(key)).collect();
    assert_eq!(common, bolt_order);
    let as_json = Value::Object(keys.iter().map(|k| (k.clone(), json!(""))).collect());
    let bolt_json = Value::Object(bolt.iter().map(|k| (k.clone(), json!(""))).collect());
    assert_keys_within(&as_json, &[&bolt_json, &java], "slash command form");
    assert!(
        ours.contains("command=%2Fkudos&text=%40ana+for+the+demo"),
        "{ours}"
    );
    assert!(ours.contains(&format!("channel_id={}", dm_channel_id("U1"))));
}

#[test]
fn a_slash_command_reads_as_slack_morphisms_command_event() {
    let payload = payloads::slash_command("U1", "/kudos", "@ana", "1.2.3");
    let event: SlackCommandEvent = serde_json::from_value(payload).unwrap();
    assert_eq!(
        (event.user_id.0.as_str(), event.command.0.as_str()),
        ("U1", "/kudos")
    );
    assert_eq!(event.team_id.0, FakeSlack::TEAM_ID);
}

#[test]
fn a_button_click_has_the_shape_of_slacks_block_actions() {
    let ours = payloads::block_actions(
        "U1",
        "checkin:start",
        "42",
        "D1",
        "1700000000.000100",
        "1.2.3",
    );
    let bolt = json_fixture("bolt-python/block_actions.json");
    let java = json_fixture(
        "java-slack-sdk-samples/app-backend/interactive-components/BlockActionPayload.json",
    );

    assert_keys_within(&ours, &[&bolt, &java], "block_actions");
    assert_keys_within(
        &ours["actions"][0],
        &[&bolt["actions"][0]],
        "block_actions action",
    );
    assert_keys_within(
        &ours["container"],
        &[&bolt["container"], &java["container"]],
        "block_actions container",
    );
    let SlackInteractionEvent::BlockActions(event) = serde_json::from_value(ours).unwrap() else {
        panic!()
    };
    assert_eq!(event.actions.unwrap()[0].value.as_deref(), Some("42"));
}

#[test]
fn a_modal_submission_carries_state_values_like_slack() {
    let values = [
        (
            "note",
            "text",
            ValueKind::PlainText("Shipped the importer".into()),
        ),
        (
            "team",
            "pick",
            ValueKind::StaticSelect {
                value: "platform".into(),
                text: "Platform".into(),
            },
        ),
        (
            "mood",
            "choice",
            ValueKind::RadioButtons {
                value: "good".into(),
                text: "Good".into(),
            },
        ),
        ("blocker", "text", ValueKind::Blank("plain_text_input")),
    ];
    let ours = payloads::view_submission("U1", "checkin", "occurrence:42", &values);
    let bolt = json_fixture("bolt-python/view_submission.json");
    let java = json_fixture("java-slack-sdk-samples/app-backend/views/ViewSubmissionPayload.json");

    assert_keys_within(&ours, &[&bolt, &java], "view_submission");
    assert_keys_within(
        &ours["view"],
        &[&bolt["view"], &java["view"]],
        "view_submission view",
    );
    let state = &ours["view"]["state"]["values"];
    let slacks_text_input = &bolt["view"]["state"]["values"]["hspI"]["maBWU"];
    assert_keys_within(
        &state["note"]["text"],
        &[slacks_text_input],
        "plain_text_input value",
    );
    assert_eq!(
        state["note"]["text"],
        json!({"type": "plain_text_input", "value": "Shipped the importer"})
    );
    assert_eq!(
        state["team"]["pick"]["selected_option"]["value"],
        "platform"
    );
    assert_eq!(
        state["blocker"]["text"],
        json!({"type": "plain_text_input", "value": null})
    );

    let SlackInteractionEvent::ViewSubmission(event) = serde_json::from_value(ours).unwrap() else {
        panic!()
    };
    let SlackView::Modal(modal) = event.view.view else {
        panic!()
    };
    assert_eq!(modal.private_metadata.as_deref(), Some("occurrence:42"));
}

#[test]
fn an_event_callback_has_the_shape_of_slacks() {
    let ours = payloads::event_callback(
        "Ev1",
        payloads::dm_message("U1", "hello", "1700000000.000200"),
    );
    let bolt = json_fixture("bolt-python/event_callback_message_im.json");
    let envelopes = json_fixture("python-slack-sdk/socket_mode_envelopes.json");

    assert_keys_within(&ours, &[&bolt, &envelopes[1]["payload"]], "event_callback");
    assert_keys_within(&ours["event"], &[&bolt["event"]], "message.im event");
    assert_eq!(ours["event_time"], 1_700_000_000);
    let event: SlackPushEventCallback = serde_json::from_value(ours).unwrap();
    assert_eq!(event.event_id.0, "Ev1");
}

#[test]
fn an_interaction_goes_over_http_as_a_payload_field() {
    let click = payloads::block_actions("U1", "a", "b", "D1", "1.2", "1.2.3");
    let body = payloads::interactive_form_body(&click);

    let fields: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(fields.len(), 1);
    assert_eq!(fields[0].0, "payload");
    assert_eq!(serde_json::from_str::<Value>(&fields[0].1).unwrap(), click);
}
