use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/slack/",
            $name
        ))
    };
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

fn form_with_payload(payload: &str) -> Vec<u8> {
    url::form_urlencoded::Serializer::new(String::new())
        .append_pair("payload", payload)
        .finish()
        .into_bytes()
}

#[test]
fn a_real_slash_command_is_read_with_its_trigger_id_as_key() {
    let inbound = command_form(
        fixture!("bolt-python.slash_command.form.txt")
            .trim()
            .as_bytes(),
    )
    .unwrap();
    assert_eq!(
        inbound,
        Inbound::Command {
            user: "W111".into(),
            command: "/hello-world".into(),
            text: "Hi".into(),
            trigger_id: "111.111.xxx".into(),
            channel: Some("C111".into()),
        }
    );
    assert_eq!(inbound.key(), Some("111.111.xxx"));
}

#[test]
fn a_real_button_press_names_its_action_value_and_message() {
    let body = form_with_payload(fixture!("bolt-python.block_actions.json"));
    let Inbound::Interaction {
        user,
        interaction: Interaction::Pressed { action, .. },
        trigger_id,
        message,
    } = interaction_form(&body).unwrap()
    else {
        panic!("a press");
    };
    assert_eq!(
        (user.as_str(), trigger_id.as_str()),
        ("W111", "111.222.valid")
    );
    assert_eq!(action, "a");
    assert_eq!(
        message,
        Some(MessageRef {
            channel: "C111".into(),
            id: "111.222".into()
        })
    );
}

#[test]
fn a_numbered_duplicate_action_is_read_as_its_action() {
    let mut payload = json(fixture!("bolt-python.block_actions.json"));
    payload["actions"][0]["action_id"] = "checkin:start#2".into();
    payload["actions"][0]["value"] = "42".into();
    let Inbound::Interaction { interaction, .. } = interaction(&payload).unwrap() else {
        panic!("a press");
    };
    assert_eq!(
        interaction,
        Interaction::Pressed {
            action: "checkin:start".into(),
            value: "42".into()
        }
    );
}

#[test]
fn a_real_view_submission_carries_its_callback_metadata_and_answers() {
    let body = form_with_payload(fixture!("bolt-python.view_submission.json"));
    let Inbound::Interaction {
        interaction: Interaction::Submitted {
            action, answers, ..
        },
        ..
    } = interaction_form(&body).unwrap()
    else {
        panic!("a submission");
    };
    assert_eq!(action, "view-id");
    assert_eq!(answers.get("hspI").map(String::as_str), Some("test"));
}

#[test]
fn url_verification_and_event_callbacks_are_read() {
    let verification = event(&json(fixture!("bolt-python.url_verification.json"))).unwrap();
    assert!(
        matches!(verification, Inbound::UrlVerification { challenge } if challenge.starts_with("3eZbrw"))
    );
    let callback = event(&json(fixture!(
        "bolt-python.event_callback_message_im.json"
    )))
    .unwrap();
    let Inbound::Event { event_id, kind } = &callback else {
        panic!("an event");
    };
    assert_eq!(kind, "message");
    assert_eq!(callback.key(), Some(event_id.as_str()));
}

#[test]
fn malformed_bodies_get_a_sentence_not_a_panic() {
    assert_eq!(
        interaction_form(b"nothing=here").unwrap_err().0,
        "an interaction needs a `payload` field"
    );
    assert!(
        interaction_form(&form_with_payload("{not json"))
            .unwrap_err()
            .0
            .starts_with("the payload is not JSON")
    );
    assert_eq!(
        interaction(&json(
            r#"{"type":"block_actions","user":{"id":"U1"},"trigger_id":"t"}"#
        ))
        .unwrap_err()
        .0,
        "block_actions needs an action"
    );
    assert_eq!(
        command_form(b"user_id=U1&command=%2Fcheckin")
            .unwrap_err()
            .0,
        "a slash command needs `trigger_id`"
    );
    assert_eq!(event(&json("{}")).unwrap_err().0, "an event needs a `type`");
}
