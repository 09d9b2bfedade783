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

#[test]
fn a_real_reaction_added_event_names_the_giver_the_emoji_and_the_message() {
    let body = fixture!("slack-api-specs.event_callback_reaction_added.json");
    let inbound = event_body(body.as_bytes()).unwrap();
    assert_eq!(inbound.key(), Some("EvXXXXXXXX"));
    let Inbound::Reaction { user, reaction, .. } = inbound else {
        panic!("a reaction");
    };
    assert_eq!(user, "U024BE7LH");
    assert_eq!(reaction.emoji, "thumbsup");
    assert_eq!(
        reaction.cited,
        Cited {
            platform: Platform::Slack,
            author: "U0G9QF9C6".into(),
            channel: "C0G9QF9GZ".into(),
            message: "1360782400.498405".into(),
            guild: None,
        }
    );
    // On a file, it is no kudos: acknowledged and ignored.
    let mut on_a_file = json(body);
    on_a_file["event"]["item"] = serde_json::json!({ "type": "file", "file": "F1" });
    assert!(matches!(event(&on_a_file), Ok(Inbound::Event { .. })));
    // On a message with no author (a bot's), it names none.
    let mut by_a_bot = json(body);
    by_a_bot["event"]
        .as_object_mut()
        .unwrap()
        .remove("item_user");
    let Ok(Inbound::Reaction { reaction, .. }) = event(&by_a_bot) else {
        panic!("a reaction");
    };
    assert_eq!(reaction.cited.author, "");
    let mut malformed = json(body);
    malformed["event"]["item"]
        .as_object_mut()
        .unwrap()
        .remove("ts");
    assert!(event(&malformed).unwrap_err().0.contains("item.ts"));
}

#[test]
fn the_give_kudos_shortcut_is_a_press_on_the_message_it_was_used_on() {
    // A message_action payload as Slack documents it.
    let payload = serde_json::json!({
        "type": "message_action",
        "callback_id": for_message::SLACK_CALLBACK_ID,
        "trigger_id": "13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536",
        "team": { "id": "T0MJR11A4", "domain": "pandamonium" },
        "channel": { "id": "D0LFFBKLZ", "name": "cats" },
        "user": { "id": "U0D15K92L", "name": "dr_maomao" },
        "message": {
            "type": "message",
            "user": "U0MJRG1AL",
            "ts": "1516229207.000133",
            "text": "World's smallest big cat! <https://youtube.com/watch?v=W86cTIoMv2U>"
        },
        "message_ts": "1516229207.000133",
        "response_url": "https://hooks.slack.com/app-actions/T0MJR11A4/21974584944/yk1S9ndf35Q1flupVG5JbpM6"
    });
    let body = form_with_payload(&payload.to_string());
    let Inbound::Interaction {
        user,
        interaction: Interaction::Pressed { action, value },
        trigger_id,
        message,
    } = interaction_form(&body).unwrap()
    else {
        panic!("a press");
    };
    assert_eq!(user, "U0D15K92L");
    assert_eq!(
        trigger_id,
        "13345224609.8534564800.6f8ab1f53e13d0cd15f96106292d5536"
    );
    assert_eq!(action, for_message::SHORTCUT);
    let cited = Cited::decode(Platform::Slack, &value).unwrap();
    assert_eq!(cited.author, "U0MJRG1AL");
    assert_eq!(
        cited.link(),
        "https://slack.com/archives/D0LFFBKLZ/p1516229207000133"
    );
    assert_eq!(
        message,
        Some(MessageRef {
            channel: "D0LFFBKLZ".into(),
            id: "1516229207.000133".into()
        })
    );
    let mut another_apps = payload;
    another_apps["callback_id"] = "share_to_jira".into();
    assert!(matches!(
        interaction(&another_apps),
        Ok(Inbound::Ignored(what)) if what.contains("share_to_jira")
    ));
}

#[test]
fn the_app_manifest_asks_for_the_shortcut_and_the_reactions_rhythm_reads() {
    let manifest = include_str!(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../config/slack-app-manifest.yml"
    ));
    let line = |text: &str| manifest.lines().any(|line| line.trim() == text);
    assert!(line(&format!(
        "callback_id: {}",
        for_message::SLACK_CALLBACK_ID
    )));
    assert!(line(&format!("- name: {}", for_message::COMMAND_NAME)));
    assert!(line("- reaction_added"));
    assert!(line("- reactions:read"));
}
