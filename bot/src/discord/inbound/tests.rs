use rhythm_domain::chat::{Field, Form, Input};
use serde_json::json;

use super::super::render;
use super::*;

macro_rules! fixture {
    ($name:literal) => {
        include_str!(concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/tests/fixtures/discord/",
            $name
        ))
    };
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap()
}

/// The message the fixtures' buttons are on (discord-api-docs' example message).
fn docs_message() -> Option<MessageRef> {
    Some(MessageRef {
        channel: "290926798999357250".into(),
        id: "334385199974967042".into(),
    })
}

#[test]
fn a_ping_is_read_from_the_signed_body() {
    let kat = json(fixture!("ed25519_signature_kat.json"));
    let body = kat["vectors"][0]["body"].as_str().unwrap();
    let ping = interaction_body(body.as_bytes()).unwrap();
    assert_eq!(ping, Inbound::Ping);
    assert_eq!(ping.key(), None);
}

#[test]
fn a_real_guild_slash_command_is_read_with_its_interaction_id_as_key() {
    let inbound =
        interaction_body(fixture!("interaction_application_command_slash.json").as_bytes())
            .unwrap();
    assert_eq!(
        inbound,
        Inbound::Command {
            id: "786008729715212338".into(),
            token: "A_UNIQUE_TOKEN".into(),
            user: "53908232506183680".into(),
            name: "cardsearch".into(),
            text: "The Gitrog Monster".into(),
            channel: Some("645027906669510667".into()),
        }
    );
    assert_eq!(inbound.key(), Some("786008729715212338"));
}

#[test]
fn a_real_dm_slash_command_names_the_user_and_channel_outside_member() {
    let inbound = interaction(&json(fixture!("interaction_user_installable_sample.json"))).unwrap();
    let Inbound::Command {
        user,
        name,
        text,
        channel,
        ..
    } = inbound
    else {
        panic!("a command");
    };
    assert_eq!(user, "53908232506183680");
    assert_eq!(name, "link");
    assert_eq!(text, "");
    assert_eq!(channel.as_deref(), Some("1234563982236504123"));

    let mut no_channel_id = json(fixture!("interaction_user_installable_sample.json"));
    no_channel_id.as_object_mut().unwrap().remove("channel_id");
    let Inbound::Command { channel, .. } = interaction(&no_channel_id).unwrap() else {
        panic!("a command");
    };
    assert_eq!(
        channel.as_deref(),
        Some("1234563982236504123"),
        "from `channel.id`"
    );
}

#[test]
fn subcommands_and_their_options_become_the_text_a_slack_user_would_type() {
    let mut payload = json(fixture!("interaction_application_command_slash.json"));
    payload["data"]["name"] = "rhythm".into();
    payload["data"]["options"] = json!([{
        "type": 1, "name": "ooo", "options": [
            {"type": 3, "name": "from", "value": "2026-12-20"},
            {"type": 3, "name": "to", "value": " 2027-01-02 "},
        ]
    }]);
    let Inbound::Command { name, text, .. } = interaction(&payload).unwrap() else {
        panic!("a command");
    };
    assert_eq!(
        (name.as_str(), text.as_str()),
        ("rhythm", "ooo 2026-12-20 2027-01-02")
    );

    payload["data"]["options"] = json!([{
        "type": 2, "name": "admin", "options": [{
            "type": 1, "name": "remind", "options": [
                {"type": 5, "name": "loud", "value": true},
                {"type": 5, "name": "quiet", "value": false},
                {"type": 4, "name": "days", "value": 3},
                {"type": 6, "name": "who", "value": "80351110224678912"},
            ]
        }]
    }]);
    let Inbound::Command { text, .. } = interaction(&payload).unwrap() else {
        panic!("a command");
    };
    assert_eq!(
        text, "admin remind <@80351110224678912> 3 --loud",
        "groups and numbers too; people first, as mentions; true flags last"
    );
}

#[test]
fn context_menu_commands_and_autocomplete_are_ignored() {
    let user_command = interaction(&json(fixture!("interaction_application_command_user.json")));
    assert!(
        matches!(&user_command, Ok(Inbound::Ignored(what)) if what.contains("context-menu-user-2")),
        "{user_command:?}"
    );
    assert_eq!(user_command.unwrap().key(), None);
    let mut autocomplete = json(fixture!("interaction_application_command_slash.json"));
    autocomplete["type"] = 4.into();
    assert_eq!(
        interaction(&autocomplete).unwrap(),
        Inbound::Ignored("an autocomplete request".into())
    );
    assert_eq!(
        interaction(&json(r#"{"type": 99}"#)).unwrap(),
        Inbound::Ignored("an interaction of type 99".into())
    );
}

#[test]
fn a_real_button_press_names_its_action_value_and_message() {
    let inbound =
        interaction(&json(fixture!("interaction_message_component_button.json"))).unwrap();
    assert_eq!(
        inbound,
        Inbound::Interaction {
            id: "846462639134605312".into(),
            token: "A_UNIQUE_TOKEN".into(),
            user: "53908232506183680".into(),
            interaction: Interaction::Pressed {
                action: "click_me".into(),
                value: String::new(),
            },
            message: docs_message(),
        }
    );
}

#[test]
fn a_rendered_buttons_custom_id_comes_back_as_its_action_and_value() {
    let mut payload = json(fixture!("interaction_message_component_button.json"));
    payload["data"]["custom_id"] = render::custom_id("checkin:start", "42").into();
    let Inbound::Interaction { interaction, .. } = super::interaction(&payload).unwrap() else {
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
fn a_select_menu_on_a_message_is_ignored() {
    let mut payload = json(fixture!("interaction_message_component_button.json"));
    payload["data"] =
        json!({"component_type": 3, "custom_id": "favorite_bug", "values": ["butterfly"]});
    assert_eq!(
        interaction(&payload).unwrap(),
        Inbound::Ignored("a message component of type 3".into())
    );
}

#[test]
fn a_real_text_input_submission_in_a_dm_carries_its_answer_and_message() {
    let inbound = interaction(&json(fixture!("interaction_modal_submit_text_input.json"))).unwrap();
    assert_eq!(
        inbound,
        Inbound::Interaction {
            id: "846462639134605313".into(),
            token: "A_UNIQUE_TOKEN".into(),
            user: "53908232506183680".into(),
            interaction: Interaction::Submitted {
                action: "game_feedback_modal".into(),
                value: String::new(),
                answers: BTreeMap::from([(
                    "game_feedback".into(),
                    "The recent changes to acceleration feel much better, but shadows still need help".into()
                )]),
            },
            message: docs_message(),
        }
    );
}

#[test]
fn a_real_string_select_submission_answers_with_its_first_value() {
    let inbound = interaction(&json(fixture!(
        "interaction_modal_submit_string_select.json"
    )))
    .unwrap();
    let Inbound::Interaction {
        interaction: Interaction::Submitted {
            action, answers, ..
        },
        message,
        ..
    } = inbound
    else {
        panic!("a submission");
    };
    assert_eq!(action, "bug_modal");
    assert_eq!(
        answers,
        BTreeMap::from([("favorite_bug".into(), "butterfly".into())])
    );
    assert_eq!(message, None, "opened from a command, not a message");
}

#[test]
fn a_legacy_action_row_submission_is_read_too_and_empty_answers_are_absent() {
    // The shape before Label components: rows (type 1) of text inputs (type 4).
    let mut payload = json(fixture!("interaction_modal_submit_text_input.json"));
    payload["data"] = json!({
        "custom_id": "checkin:submit|42",
        "components": [
            {"type": 1, "components": [{"type": 4, "custom_id": "done", "value": "Shipped it"}]},
            {"type": 1, "components": [{"type": 4, "custom_id": "blockers", "value": ""}]},
            {"type": 18, "component": {"type": 3, "custom_id": "mood", "values": []}},
            {"type": 10, "content": "Some text display"},
        ]
    });
    let Inbound::Interaction {
        interaction:
            Interaction::Submitted {
                action,
                value,
                answers,
            },
        ..
    } = interaction(&payload).unwrap()
    else {
        panic!("a submission");
    };
    assert_eq!((action.as_str(), value.as_str()), ("checkin:submit", "42"));
    assert_eq!(
        answers,
        BTreeMap::from([("done".into(), "Shipped it".into())])
    );
}

/// What Discord sends back for a rendered modal once each input is answered.
fn submitted(modal: &Value, answer: impl Fn(&Value) -> Value) -> Value {
    let components: Vec<Value> = modal["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|label| {
            let input = &label["component"];
            let mut sent = json!({"type": input["type"], "custom_id": input["custom_id"]});
            let (key, value) = match input["type"].as_u64() {
                Some(4) => ("value", answer(input)),
                Some(3) => ("values", json!([answer(input)])),
                other => panic!("unexpected input {other:?}"),
            };
            sent[key] = value;
            json!({"type": 18, "component": sent})
        })
        .collect();
    let mut payload = json(fixture!("interaction_modal_submit_text_input.json"));
    payload["data"] = json!({"custom_id": modal["custom_id"], "components": components});
    payload
}

#[test]
fn every_answer_to_a_rendered_modal_comes_back_by_field_id() {
    let text = |id: &str| Field {
        id: id.into(),
        label: id.into(),
        optional: false,
        input: Input::Text {
            multiline: true,
            max_chars: 100,
            initial: None,
            placeholder: None,
        },
    };
    let form = Form {
        action: "checkin:submit".into(),
        value: "42".into(),
        title: "Check-in".into(),
        submit: "Submit".into(),
        fields: vec![
            text("done"),
            text("next"),
            Field {
                id: "mood".into(),
                label: "Mood".into(),
                optional: false,
                input: Input::Choice {
                    options: vec![("1".into(), "Rough".into()), ("5".into(), "Great".into())],
                    initial: None,
                },
            },
        ],
    };
    let modal = render::modal(&form).unwrap();
    let payload = submitted(&modal, |input| match input["type"].as_u64() {
        Some(3) => input["options"][1]["value"].clone(),
        _ => format!("answer to {}", input["custom_id"].as_str().unwrap()).into(),
    });
    let Inbound::Interaction {
        interaction:
            Interaction::Submitted {
                action,
                value,
                answers,
            },
        ..
    } = interaction(&payload).unwrap()
    else {
        panic!("a submission");
    };
    assert_eq!((action.as_str(), value.as_str()), ("checkin:submit", "42"));
    assert_eq!(
        answers,
        BTreeMap::from([
            ("done".into(), "answer to done".into()),
            ("mood".into(), "5".into()),
            ("next".into(), "answer to next".into()),
        ])
    );
}

#[test]
fn malformed_payloads_get_a_sentence_not_a_panic() {
    assert!(
        interaction_body(b"{not json")
            .unwrap_err()
            .0
            .starts_with("the body is not JSON")
    );
    assert_eq!(
        interaction(&json(r#"{"id": "1"}"#)).unwrap_err().0,
        "an interaction needs a numeric `type`"
    );
    let slash = json(fixture!("interaction_application_command_slash.json"));
    let without = |path: &[&str]| {
        let mut payload = slash.clone();
        let (last, parents) = path.split_last().unwrap();
        let parent = parents
            .iter()
            .fold(&mut payload, |value, key| &mut value[*key]);
        parent.as_object_mut().unwrap().remove(*last);
        interaction(&payload).unwrap_err().0
    };
    assert_eq!(without(&["id"]), "an interaction needs an `id`");
    assert_eq!(without(&["token"]), "an interaction needs a `token`");
    assert_eq!(
        without(&["member", "user"]),
        "an interaction needs `member.user.id` or `user.id`"
    );
    assert_eq!(without(&["data"]), "an interaction needs `data`");
    assert_eq!(without(&["data", "name"]), "a command needs `data.name`");

    let mut button = json(fixture!("interaction_message_component_button.json"));
    button["data"].as_object_mut().unwrap().remove("custom_id");
    assert_eq!(
        interaction(&button).unwrap_err().0,
        "a message component needs `data.custom_id`"
    );
    let mut button = json(fixture!("interaction_message_component_button.json"));
    button["message"].as_object_mut().unwrap().remove("id");
    assert_eq!(
        interaction(&button).unwrap_err().0,
        "a component's `message` needs an `id` and a channel"
    );
    let mut submission = json(fixture!("interaction_modal_submit_string_select.json"));
    submission["data"]
        .as_object_mut()
        .unwrap()
        .remove("custom_id");
    assert_eq!(
        interaction(&submission).unwrap_err().0,
        "a modal submission needs `data.custom_id`"
    );
}

#[test]
fn a_real_message_command_named_give_kudos_is_a_press_naming_the_message() {
    let mut payload = json(fixture!("interaction_application_command_message.json"));
    // The docs' example is called `context-menu-message-2`: under any other name it is
    // another app's command, and ignored.
    assert!(matches!(interaction(&payload), Ok(Inbound::Ignored(_))));
    payload["data"]["name"] = for_message::COMMAND_NAME.into();
    let Inbound::Interaction {
        id,
        user,
        interaction: Interaction::Pressed { action, value },
        message: None,
        ..
    } = interaction(&payload).unwrap()
    else {
        panic!("a press with no message to update");
    };
    assert_eq!(
        (id.as_str(), user.as_str()),
        ("867793873336926249", "167348773423415296")
    );
    assert_eq!(action, for_message::SHORTCUT);
    let cited = Cited::decode(Platform::Discord, &value).unwrap();
    assert_eq!(
        cited,
        Cited {
            platform: Platform::Discord,
            author: "167348773423415296".into(),
            channel: "772908445358620702".into(),
            message: "867793854505943041".into(),
            guild: Some("772904309264089089".into()),
        }
    );
    // A bot's message names no author: kudos go to people.
    payload["data"]["resolved"]["messages"]["867793854505943041"]["author"]["bot"] = true.into();
    let Ok(Inbound::Interaction {
        interaction: Interaction::Pressed { value, .. },
        ..
    }) = interaction(&payload)
    else {
        panic!("a press");
    };
    assert_eq!(Cited::decode(Platform::Discord, &value).unwrap().author, "");
    // Without the message it names, it is malformed.
    payload["data"]["resolved"] = json!({});
    assert!(
        interaction(&payload)
            .unwrap_err()
            .0
            .contains("resolved.messages")
    );
}

#[test]
fn a_gateway_reaction_names_the_giver_the_emoji_and_the_message() {
    // MESSAGE_REACTION_ADD's data, as Discord's gateway docs list its fields.
    let mut data = json!({
        "user_id": "80351110224678912",
        "channel_id": "772908445358620702",
        "message_id": "867793854505943041",
        "guild_id": "772904309264089089",
        "message_author_id": "167348773423415296",
        "member": { "user": { "id": "80351110224678912" }, "roles": [] },
        "emoji": { "id": null, "name": "👏" },
        "burst": false,
        "type": 0
    });
    let (user, reaction) = super::reaction(&data).unwrap();
    assert_eq!(user, "80351110224678912");
    assert_eq!(reaction.emoji, "👏");
    assert_eq!(reaction.cited.author, "167348773423415296");
    assert_eq!(
        reaction.cited.link(),
        "https://discord.com/channels/772904309264089089/772908445358620702/867793854505943041"
    );
    data.as_object_mut().unwrap().remove("message_author_id");
    assert_eq!(super::reaction(&data).unwrap().1.cited.author, "");
    data.as_object_mut().unwrap().remove("emoji");
    assert!(super::reaction(&data).unwrap_err().0.contains("emoji.name"));
}

/// The text a `/command` with these options arrives as.
fn command_text_of(name: &str, options: Value) -> String {
    let mut payload = json(fixture!("interaction_application_command_slash.json"));
    payload["data"]["name"] = name.into();
    payload["data"]["options"] = options;
    let Inbound::Command { text, .. } = interaction(&payload).unwrap() else {
        panic!("a command");
    };
    text
}

#[test]
fn review_puts_the_report_then_the_peers_by_field_whatever_order_they_were_filled_in() {
    assert_eq!(
        command_text_of("review", json!([{"type": 1, "name": "mine"}])),
        "",
        "a bare /review"
    );
    assert_eq!(
        command_text_of(
            "review",
            json!([{"type": 1, "name": "approve", "options": [
                {"type": 6, "name": "peer2", "value": "3"},
                {"type": 6, "name": "peer1", "value": "2"},
                {"type": 6, "name": "report", "value": "1"},
            ]}])
        ),
        "approve <@1> <@2> <@3>"
    );
    assert_eq!(
        command_text_of(
            "review",
            json!([{"type": 1, "name": "nominate", "options": [
                {"type": 6, "name": "peer3", "value": "3"},
                {"type": 6, "name": "peer1", "value": "1"},
            ]}])
        ),
        "nominate <@1> <@3>"
    );
    assert_eq!(
        command_text_of("review", json!([{"type": 1, "name": "results"}])),
        "results"
    );
}

#[test]
fn a_cycle_subcommand_group_quotes_the_name_where_more_words_follow_it() {
    let cycle = |verb: &str, options: Value| {
        command_text_of(
            "rhythm",
            json!([{"type": 2, "name": "cycle", "options": [
                {"type": 1, "name": verb, "options": options}
            ]}]),
        )
    };
    assert_eq!(
        cycle(
            "start",
            json!([{"type": 3, "name": "name", "value": " 2026 H2 "}])
        ),
        "cycle start 2026 H2"
    );
    assert_eq!(
        cycle(
            "threshold",
            json!([
                {"type": 4, "name": "peers", "value": 3},
                {"type": 3, "name": "name", "value": "2026 H2"},
            ])
        ),
        "cycle threshold \"2026 H2\" 3"
    );
    assert_eq!(
        cycle(
            "threshold",
            json!([
                {"type": 3, "name": "name", "value": "“2026 H2”"},
                {"type": 4, "name": "peers", "value": 4},
            ])
        ),
        "cycle threshold \"2026 H2\" 4",
        "quotes typed around the name are not doubled"
    );
    assert_eq!(
        cycle(
            "threshold",
            json!([
                {"type": 3, "name": "name", "value": "Ana's"},
                {"type": 4, "name": "peers", "value": 5},
            ])
        ),
        "cycle threshold Ana's 5",
        "a one-word name holding a quote is left as it is"
    );
    let unwritable = cycle(
        "threshold",
        json!([
            {"type": 3, "name": "name", "value": "the “big” one"},
            {"type": 4, "name": "peers", "value": 3},
        ]),
    );
    assert_eq!(unwritable, "cycle threshold \"the \"big\" one\" 3");
    assert!(
        rhythm_domain::command::parse("rhythm", &unwritable).is_err(),
        "refused, not read as another cycle"
    );
    assert_eq!(
        cycle(
            "reopen",
            json!([
                {"type": 3, "name": "reason", "value": "the ratings were swapped"},
                {"type": 6, "name": "reviewer", "value": "2"},
                {"type": 6, "name": "subject", "value": "1"},
                {"type": 3, "name": "name", "value": "2026 H2"},
            ])
        ),
        "cycle reopen \"2026 H2\" <@1> <@2> the ratings were swapped"
    );
    assert_eq!(cycle("list", json!([])), "cycle list");
    assert_eq!(
        command_text_of(
            "rhythm",
            json!([{"type": 2, "name": "cycle", "options": []}])
        ),
        "cycle"
    );
}
