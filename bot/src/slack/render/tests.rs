use rhythm_domain::chat::escape_markup;
use serde_json::json;

use super::*;

const BOLT_VIEW_SUBMISSION: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/slack/bolt-python.view_submission.json"
));
const JAVA_VIEW_SUBMISSION: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/slack/java-slack-sdk.ViewSubmissionPayload.json"
));

fn message(blocks: Vec<Block>) -> Message {
    Message {
        summary: "Summary".to_owned(),
        blocks,
    }
}

/// The blocks of a message as Slack receives them.
fn blocks_json(blocks: Vec<Block>) -> Vec<Value> {
    message_blocks(&message(blocks))
        .iter()
        .map(|block| serde_json::to_value(block).unwrap())
        .collect()
}

fn button(action: &str, value: &str, label: &str, style: ButtonStyle) -> Button {
    Button {
        action: action.to_owned(),
        value: value.to_owned(),
        label: label.to_owned(),
        style,
    }
}

fn check_in_form() -> Form {
    Form {
        action: "checkin:submit".to_owned(),
        value: "42".to_owned(),
        title: "Weekly check-in".to_owned(),
        submit: "Send".to_owned(),
        fields: vec![
            Field {
                id: "done".to_owned(),
                label: "What did you get done?".to_owned(),
                optional: false,
                input: Input::Text {
                    multiline: true,
                    max_chars: 2000,
                    initial: Some("Shipped <the> importer".to_owned()),
                    placeholder: Some("A few lines".to_owned()),
                },
            },
            Field {
                id: "blockers".to_owned(),
                label: "Anything in your way?".to_owned(),
                optional: true,
                input: Input::Text {
                    multiline: false,
                    max_chars: 300,
                    initial: None,
                    placeholder: None,
                },
            },
            Field {
                id: "mood".to_owned(),
                label: "How was your week?".to_owned(),
                optional: false,
                input: Input::Choice {
                    options: vec![
                        ("3".to_owned(), "Great".to_owned()),
                        ("2".to_owned(), "Fine".to_owned()),
                        ("1".to_owned(), "Rough".to_owned()),
                    ],
                    initial: Some("2".to_owned()),
                },
            },
        ],
    }
}

fn modal_json(form: &Form) -> Value {
    serde_json::to_value(modal(form)).unwrap()
}

#[test]
fn a_header_is_a_header_block_of_plain_text_without_bold_markers() {
    assert_eq!(
        blocks_json(vec![Block::Header("**Weekly** check-in".to_owned())]),
        [json!({"type": "header", "text": {"type": "plain_text", "text": "Weekly check-in"}})]
    );
}

#[test]
fn a_paragraph_is_a_mrkdwn_section_with_bold_as_slack_writes_it() {
    assert_eq!(
        blocks_json(vec![Block::Text(
            "Time for your **weekly** check-in".to_owned()
        )]),
        [json!({
            "type": "section",
            "text": {"type": "mrkdwn", "text": "Time for your *weekly* check-in"}
        })]
    );
}

#[test]
fn typed_mentions_are_escaped_so_they_ping_nobody() {
    let typed = "<!channel> & <@U123> > all";
    let escaped = "&lt;!channel&gt; &amp; &lt;@U123&gt; &gt; all";
    let blocks = blocks_json(vec![
        Block::Header(typed.to_owned()),
        Block::Text(typed.to_owned()),
        Block::Context(typed.to_owned()),
        Block::Fields(vec![(typed.to_owned(), typed.to_owned())]),
        Block::Buttons(vec![button("a", "<!here>", typed, ButtonStyle::Default)]),
    ]);
    assert_eq!(blocks[0]["text"]["text"], escaped);
    assert_eq!(blocks[1]["text"]["text"], escaped);
    assert_eq!(blocks[2]["elements"][0]["text"], escaped);
    assert_eq!(
        blocks[3]["fields"][0]["text"],
        format!("*{escaped}*\n{escaped}")
    );
    assert_eq!(blocks[4]["elements"][0]["text"]["text"], escaped);
    // A value is echoed back to Rhythm, never shown: it goes as it is.
    assert_eq!(blocks[4]["elements"][0]["value"], "<!here>");
    let summary = Message {
        summary: typed.to_owned(),
        blocks: Vec::new(),
    };
    assert_eq!(message_text(&summary), escaped);
}

#[test]
fn text_a_person_wrote_with_double_stars_is_not_made_bold() {
    let blocks = blocks_json(vec![Block::Text(escape_markup("**not bold**"))]);
    assert_eq!(
        blocks[0]["text"]["text"], "*\u{200B}*not bold*\u{200B}*",
        "the neutral escape keeps its zero-width space, so no `*…*` pair forms"
    );
}

#[test]
fn fields_are_a_section_of_bold_labels_over_values() {
    assert_eq!(
        blocks_json(vec![Block::Fields(vec![
            ("Goal".to_owned(), "Ship the **importer**".to_owned()),
            ("Due".to_owned(), String::new()),
        ])]),
        [json!({
            "type": "section",
            "fields": [
                {"type": "mrkdwn", "text": "*Goal*\nShip the *importer*"},
                {"type": "mrkdwn", "text": "*Due*"},
            ]
        })]
    );
}

#[test]
fn eleven_fields_are_split_into_sections_of_at_most_ten() {
    let fields = (1..=11)
        .map(|n| (format!("Label {n}"), format!("Value {n}")))
        .collect();
    let blocks = blocks_json(vec![Block::Fields(fields)]);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0]["fields"].as_array().unwrap().len(), 10);
    assert_eq!(
        blocks[1]["fields"],
        json!([{"type": "mrkdwn", "text": "*Label 11*\nValue 11"}])
    );
    assert!(blocks.iter().all(|block| block["type"] == "section"));
}

#[test]
fn small_print_is_a_context_block_and_a_divider_is_a_divider() {
    assert_eq!(
        blocks_json(vec![
            Block::Context("Due **Friday**".to_owned()),
            Block::Divider
        ]),
        [
            json!({"type": "context", "elements": [{"type": "mrkdwn", "text": "Due *Friday*"}]}),
            json!({"type": "divider"}),
        ]
    );
}

#[test]
fn buttons_are_an_actions_block_with_action_ids_values_and_styles() {
    assert_eq!(
        blocks_json(vec![Block::Buttons(vec![
            button("checkin:start", "42", "Start", ButtonStyle::Primary),
            button("checkin:skip", "42", "Skip this week", ButtonStyle::Danger),
            button("checkin:later", "", "Later", ButtonStyle::Default),
        ])]),
        [json!({
            "type": "actions",
            "elements": [
                {
                    "type": "button",
                    "action_id": "checkin:start",
                    "text": {"type": "plain_text", "text": "Start"},
                    "value": "42",
                    "style": "primary"
                },
                {
                    "type": "button",
                    "action_id": "checkin:skip",
                    "text": {"type": "plain_text", "text": "Skip this week"},
                    "value": "42",
                    "style": "danger"
                },
                {
                    "type": "button",
                    "action_id": "checkin:later",
                    "text": {"type": "plain_text", "text": "Later"}
                },
            ]
        })]
    );
}

#[test]
fn buttons_sharing_an_action_get_unique_action_ids_that_action_of_reverses() {
    let blocks = blocks_json(vec![
        Block::Buttons(vec![
            button("kudos:react", "1", "👏", ButtonStyle::Default),
            button("kudos:react", "2", "🎉", ButtonStyle::Default),
        ]),
        Block::Buttons(vec![button("kudos:react", "3", "🙌", ButtonStyle::Default)]),
    ]);
    let ids: Vec<&str> = blocks
        .iter()
        .flat_map(|block| block["elements"].as_array().unwrap())
        .map(|element| element["action_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["kudos:react", "kudos:react#2", "kudos:react#3"]);
    assert!(ids.iter().all(|id| action_of(id) == "kudos:react"));
}

#[test]
fn action_of_leaves_ids_it_did_not_suffix_alone() {
    for id in ["checkin:start", "a#1", "a#02", "a#x", "a#", "a#+2", "#"] {
        assert_eq!(action_of(id), id);
    }
    assert_eq!(action_of("a#b#10"), "a#b");
}

#[test]
fn twenty_six_buttons_are_split_over_two_actions_blocks() {
    let buttons = (0..26)
        .map(|n| button(&format!("pick:{n}"), "", "Pick", ButtonStyle::Default))
        .collect();
    let blocks = blocks_json(vec![Block::Buttons(buttons)]);
    assert_eq!(blocks.len(), 2);
    assert_eq!(blocks[0]["elements"].as_array().unwrap().len(), 25);
    assert_eq!(blocks[1]["elements"][0]["action_id"], "pick:25");
}

#[test]
fn a_message_of_more_than_fifty_blocks_keeps_forty_nine_and_says_it_was_shortened() {
    let texts = (1..=60).map(|n| Block::Text(format!("Line {n}"))).collect();
    let blocks = blocks_json(texts);
    assert_eq!(blocks.len(), MAX_MESSAGE_BLOCKS);
    assert_eq!(blocks[48]["text"]["text"], "Line 49");
    assert_eq!(
        blocks[49],
        json!({"type": "context", "elements": [{"type": "mrkdwn", "text": "… (message shortened)"}]})
    );
    let exactly_fifty = (1..=50).map(|n| Block::Text(format!("Line {n}"))).collect();
    assert_eq!(blocks_json(exactly_fifty)[49]["text"]["text"], "Line 50");
}

#[test]
fn long_text_is_cut_to_slacks_limit_counted_after_escaping_and_never_inside_an_entity() {
    let blocks = blocks_json(vec![
        Block::Text("&".repeat(MAX_SECTION_TEXT)),
        Block::Header("x".repeat(200)),
        Block::Buttons(vec![button("a", "", &"<".repeat(80), ButtonStyle::Default)]),
    ]);
    let text = blocks[0]["text"]["text"].as_str().unwrap();
    assert_eq!(text.chars().count(), 2996);
    assert!(text.ends_with("&amp;…"));
    let header = blocks[1]["text"]["text"].as_str().unwrap();
    assert_eq!(header, format!("{}…", "x".repeat(149)));
    let label = blocks[2]["elements"][0]["text"]["text"].as_str().unwrap();
    assert_eq!(label, format!("{}…", "&lt;".repeat(18)));
}

#[test]
fn empty_parts_are_left_out_because_slack_refuses_them() {
    let blocks = blocks_json(vec![
        Block::Header(" ".to_owned()),
        Block::Text(String::new()),
        Block::Context(String::new()),
        Block::Fields(vec![(String::new(), " ".to_owned())]),
        Block::Buttons(Vec::new()),
        Block::Divider,
    ]);
    assert_eq!(blocks, [json!({"type": "divider"})]);
}

#[test]
fn the_fallback_text_is_the_summary_in_mrkdwn_within_3000_characters() {
    let short = Message {
        summary: "**Kudos** from Ana".to_owned(),
        blocks: Vec::new(),
    };
    assert_eq!(message_text(&short), "*Kudos* from Ana");
    let long = Message {
        summary: "y".repeat(5000),
        blocks: Vec::new(),
    };
    assert_eq!(message_text(&long).chars().count(), MAX_FALLBACK_TEXT);
}

#[test]
fn a_form_becomes_a_modal_with_one_input_block_per_field_keyed_by_field_id() {
    assert_eq!(
        modal_json(&check_in_form()),
        json!({
            "type": "modal",
            "callback_id": "checkin:submit",
            "private_metadata": "42",
            "title": {"type": "plain_text", "text": "Weekly check-in"},
            "submit": {"type": "plain_text", "text": "Send"},
            "close": {"type": "plain_text", "text": "Cancel"},
            "blocks": [
                {
                    "type": "input",
                    "block_id": "done",
                    "label": {"type": "plain_text", "text": "What did you get done?"},
                    "optional": false,
                    "element": {
                        "type": "plain_text_input",
                        "action_id": "done",
                        "multiline": true,
                        "max_length": 2000,
                        "initial_value": "Shipped <the> importer",
                        "placeholder": {"type": "plain_text", "text": "A few lines"}
                    }
                },
                {
                    "type": "input",
                    "block_id": "blockers",
                    "label": {"type": "plain_text", "text": "Anything in your way?"},
                    "optional": true,
                    "element": {
                        "type": "plain_text_input",
                        "action_id": "blockers",
                        "multiline": false,
                        "max_length": 300
                    }
                },
                {
                    "type": "input",
                    "block_id": "mood",
                    "label": {"type": "plain_text", "text": "How was your week?"},
                    "optional": false,
                    "element": {
                        "type": "static_select",
                        "action_id": "mood",
                        "options": [
                            {"text": {"type": "plain_text", "text": "Great"}, "value": "3"},
                            {"text": {"type": "plain_text", "text": "Fine"}, "value": "2"},
                            {"text": {"type": "plain_text", "text": "Rough"}, "value": "1"},
                        ],
                        "initial_option": {"text": {"type": "plain_text", "text": "Fine"}, "value": "2"}
                    }
                },
            ]
        })
    );
}

#[test]
fn a_modal_keeps_its_title_and_labels_within_slacks_limits() {
    let mut form = check_in_form();
    form.title = "Quarterly appraisal: self review".to_owned();
    form.submit = "Submit my self review now".to_owned();
    form.fields[0].label = "q".repeat(2100);
    form.fields[0].input = Input::Text {
        multiline: true,
        max_chars: 10_000,
        initial: Some("i".repeat(3500)),
        placeholder: Some("p".repeat(200)),
    };
    let view = modal_json(&form);
    assert_eq!(view["title"]["text"], "Quarterly appraisal: se…");
    assert_eq!(view["submit"]["text"], "Submit my self review n…");
    let done = &view["blocks"][0];
    assert_eq!(
        done["label"]["text"].as_str().unwrap().chars().count(),
        2000
    );
    assert_eq!(done["element"]["max_length"], 3000);
    let initial = done["element"]["initial_value"].as_str().unwrap();
    assert_eq!(initial.chars().count(), 3000);
    let placeholder = done["element"]["placeholder"]["text"].as_str().unwrap();
    assert_eq!(placeholder.chars().count(), 150);
}

#[test]
fn an_initial_choice_that_is_not_an_option_is_left_out() {
    let mut form = check_in_form();
    form.fields[2].input = Input::Choice {
        options: vec![("1".to_owned(), "One".to_owned())],
        initial: Some("9".to_owned()),
    };
    let element = &modal_json(&form)["blocks"][2]["element"];
    assert_eq!(element["type"], "static_select");
    assert!(element.get("initial_option").is_none());
}

#[test]
fn option_values_too_long_for_slack_stay_distinct_within_150_characters() {
    let a = format!("{}a", "v".repeat(200));
    let b = format!("{}b", "v".repeat(200));
    let (value_a, value_b) = (option_value(&a).into_owned(), option_value(&b).into_owned());
    assert_eq!(value_a.chars().count(), MAX_OPTION_VALUE);
    assert_eq!(value_b.chars().count(), MAX_OPTION_VALUE);
    assert_ne!(value_a, value_b);
    assert!(value_a.starts_with(&"v".repeat(133)));
    assert_eq!(option_value("short"), "short");
    assert_eq!(
        option_value(&a),
        value_a,
        "the same value, the same encoding"
    );

    let mut form = check_in_form();
    form.fields[2].input = Input::Choice {
        options: vec![(a.clone(), "A".to_owned()), (b, "B".to_owned())],
        initial: Some(a),
    };
    let element = &modal_json(&form)["blocks"][2]["element"];
    assert_eq!(element["options"][0]["value"], value_a);
    assert_eq!(element["options"][1]["value"], value_b);
    assert_eq!(element["initial_option"]["value"], value_a);
}

#[test]
fn a_modal_of_more_than_a_hundred_fields_keeps_ninety_nine_and_says_so() {
    let mut form = check_in_form();
    form.fields = (0..120)
        .map(|n| Field {
            id: format!("q{n}"),
            label: format!("Question {n}"),
            optional: true,
            input: Input::Text {
                multiline: false,
                max_chars: 100,
                initial: None,
                placeholder: None,
            },
        })
        .collect();
    let blocks = modal_json(&form)["blocks"].as_array().unwrap().clone();
    assert_eq!(blocks.len(), MAX_MODAL_BLOCKS);
    assert_eq!(blocks[98]["block_id"], "q98");
    assert_eq!(blocks[99]["type"], "context");
    assert_eq!(blocks[99]["elements"][0]["text"], "… (form shortened)");
}

#[test]
fn answers_are_read_from_the_bolt_python_view_submission() {
    let payload: Value = serde_json::from_str(BOLT_VIEW_SUBMISSION).unwrap();
    let answers = view_answers(&payload["view"]["state"]["values"]);
    assert_eq!(
        answers,
        BTreeMap::from([("hspI".to_owned(), "test".to_owned())])
    );
}

#[test]
fn the_java_sdk_sample_without_state_values_has_no_answers() {
    let payload: Value = serde_json::from_str(JAVA_VIEW_SUBMISSION).unwrap();
    assert_eq!(payload["view"]["state"], json!({}));
    assert!(view_answers(&payload["view"]["state"]["values"]).is_empty());
}

#[test]
fn answers_come_from_selects_and_radio_buttons_and_empty_ones_are_left_out() {
    let values = json!({
        "mood": {"mood": {
            "type": "static_select",
            "selected_option": {"text": {"type": "plain_text", "text": "Fine"}, "value": "2"}
        }},
        "scale": {"scale": {
            "type": "radio_buttons",
            "selected_option": {"text": {"type": "plain_text", "text": "4"}, "value": "4"}
        }},
        "blockers": {"blockers": {"type": "plain_text_input", "value": null}},
        "notes": {"notes": {"type": "plain_text_input", "value": ""}},
        "unpicked": {"unpicked": {"type": "static_select", "selected_option": null}},
        "due": {"due": {"type": "datepicker", "selected_date": "2026-03-01"}},
    });
    assert_eq!(
        view_answers(&values),
        BTreeMap::from([
            ("due".to_owned(), "2026-03-01".to_owned()),
            ("mood".to_owned(), "2".to_owned()),
            ("scale".to_owned(), "4".to_owned()),
        ])
    );
    assert!(view_answers(&json!(null)).is_empty());
    assert!(view_answers(&json!({"x": "not an object"})).is_empty());
}

#[test]
fn field_errors_are_the_errors_response_slack_expects() {
    let errors = BTreeMap::from([
        ("done".to_owned(), "Say what you got done.".to_owned()),
        ("mood".to_owned(), "Pick one.".to_owned()),
    ]);
    assert_eq!(
        field_errors(&errors),
        json!({
            "response_action": "errors",
            "errors": {"done": "Say what you got done.", "mood": "Pick one."}
        })
    );
}

/// What Slack would send back for `view` once each input block is answered by `answer`.
fn submitted_state(view: &Value, answer: impl Fn(&Value) -> Value) -> Value {
    let values = view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|block| {
            let element = &block["element"];
            let action_id = element["action_id"].as_str().unwrap().to_owned();
            let block_id = block["block_id"].as_str().unwrap().to_owned();
            (block_id, json!({ action_id: answer(element) }))
        })
        .collect::<serde_json::Map<_, _>>();
    Value::Object(values)
}

#[test]
fn every_answer_to_a_rendered_modal_comes_back_by_field_id() {
    let form = check_in_form();
    let state = submitted_state(&modal_json(&form), |element| {
        match element["type"].as_str() {
            Some("plain_text_input") => json!({
                "type": "plain_text_input",
                "value": format!("answer to {}", element["action_id"].as_str().unwrap())
            }),
            Some("static_select") => json!({
                "type": "static_select",
                "selected_option": element["options"][2].clone()
            }),
            other => panic!("unexpected element {other:?}"),
        }
    });
    let answers = view_answers(&state);
    let ids: Vec<&str> = form.fields.iter().map(|field| field.id.as_str()).collect();
    assert_eq!(answers.keys().map(String::as_str).collect::<Vec<_>>(), {
        let mut ids = ids.clone();
        ids.sort_unstable();
        ids
    });
    assert_eq!(answers["done"], "answer to done");
    assert_eq!(answers["blockers"], "answer to blockers");
    assert_eq!(answers["mood"], "1");
}
