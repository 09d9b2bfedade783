//! Forms as modals: shapes, limits, errors, and the interaction callback's schema.

use super::*;

const DOCS_MODAL: &str = include_str!(concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/tests/fixtures/discord/modal_text_input_create.json"
));

fn text_field(id: &str, label: &str, optional: bool, multiline: bool) -> Field {
    Field {
        id: id.to_owned(),
        label: label.to_owned(),
        optional,
        input: Input::Text {
            multiline,
            max_chars: 1000,
            initial: None,
            placeholder: None,
        },
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
                    max_chars: 1000,
                    initial: Some("Shipped <the> **importer**".to_owned()),
                    placeholder: Some("A few lines".to_owned()),
                },
            },
            text_field("blockers", "Anything in your way?", true, false),
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
#[test]
fn the_checker_itself_catches_what_discord_would_refuse() {
    let spec = Spec::load();
    let mut body = rendered(vec![Block::Buttons(vec![button(
        "a",
        "1",
        "Go",
        ButtonStyle::Primary,
    )])]);
    body["components"][0]["components"][0]["lable"] = "typo".into();
    body["components"][0]["components"][0]["custom_id"] = "x".repeat(101).into();
    let problems = spec.request_problems("post", MESSAGES, &body);
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert!(
        problems[0].contains("lable: no such property"),
        "{problems:#?}"
    );
    assert!(problems[0].contains("maxLength 100"), "{problems:#?}");

    let mut callback: Value = serde_json::from_str(DOCS_MODAL).unwrap();
    assert!(
        spec.request_problems("post", CALLBACK, &callback)
            .is_empty(),
        "Discord's own example fits"
    );
    callback["data"]["title"] = "t".repeat(46).into();
    assert!(
        !spec
            .request_problems("post", CALLBACK, &callback)
            .is_empty()
    );
}

#[test]
fn a_form_like_discords_example_renders_like_it() {
    let docs: Value = serde_json::from_str(DOCS_MODAL).unwrap();
    let form = Form {
        action: "game_feedback_modal".to_owned(),
        value: String::new(),
        title: "Game Feedback".to_owned(),
        submit: "Send".to_owned(),
        fields: vec![Field {
            id: "game_feedback".to_owned(),
            label: "What did you find interesting about the game?".to_owned(),
            optional: false,
            input: Input::Text {
                multiline: true,
                max_chars: 4000,
                initial: None,
                placeholder: Some("Write your feedback here...".to_owned()),
            },
        }],
    };
    let mut expected = docs["data"].clone();
    expected["custom_id"] = "game_feedback_modal|".into();
    // Rhythm's fields have no minimum length and no description of their own.
    let label = &mut expected["components"][0];
    label.as_object_mut().unwrap().remove("description");
    label["component"]
        .as_object_mut()
        .unwrap()
        .remove("min_length");
    assert_eq!(modal(&form).unwrap(), expected);
}

#[test]
fn a_form_becomes_a_modal_of_labelled_inputs_keyed_by_field_id() {
    assert_eq!(
        modal(&check_in_form()).unwrap(),
        json!({
            "custom_id": "checkin:submit|42",
            "title": "Weekly check-in",
            "components": [
                {
                    "type": 18,
                    "label": "What did you get done?",
                    "component": {
                        "type": 4, "custom_id": "done", "style": 2, "max_length": 1000,
                        "required": true, "value": "Shipped <the> **importer**",
                        "placeholder": "A few lines",
                    }
                },
                {
                    "type": 18,
                    "label": "Anything in your way?",
                    "component": {
                        "type": 4, "custom_id": "blockers", "style": 1, "max_length": 1000,
                        "required": false,
                    }
                },
                {
                    "type": 18,
                    "label": "How was your week?",
                    "component": {
                        "type": 3, "custom_id": "mood",
                        "options": [
                            {"label": "Great", "value": "3", "default": false},
                            {"label": "Fine", "value": "2", "default": true},
                            {"label": "Rough", "value": "1", "default": false},
                        ],
                        "min_values": 1, "max_values": 1, "required": true,
                    }
                },
            ]
        })
    );
}

#[test]
fn an_optional_choice_may_be_left_empty_and_without_a_default() {
    let mut form = check_in_form();
    form.fields[2].optional = true;
    form.fields[2].input = Input::Choice {
        options: vec![
            ("1".to_owned(), "One".to_owned()),
            ("2".to_owned(), " ".to_owned()),
        ],
        initial: Some("9".to_owned()),
    };
    let select = &modal(&form).unwrap()["components"][2]["component"];
    assert_eq!(select["min_values"], 0);
    assert_eq!(select["required"], false);
    assert_eq!(
        select["options"],
        json!([
            {"label": "One", "value": "1", "default": false},
            {"label": "2", "value": "2", "default": false},
        ])
    );
}

#[test]
fn a_modal_keeps_its_title_labels_and_inputs_within_discords_limits() {
    let mut form = check_in_form();
    form.title = "Quarterly appraisal: a self review of the **last** three months".to_owned();
    form.fields[0].label = format!("Looking back, {}?", "what went well ".repeat(10));
    form.fields[0].input = Input::Text {
        multiline: true,
        max_chars: 10_000,
        initial: Some("i".repeat(5000)),
        placeholder: Some("p".repeat(200)),
    };
    form.fields[2].input = Input::Choice {
        options: (0..30)
            .map(|n| (format!("{n}"), format!("{n} {}", "l".repeat(120))))
            .collect(),
        initial: None,
    };
    let data = modal(&form).unwrap();
    assert_eq!(
        data["title"],
        "Quarterly appraisal: a self review of the la…"
    );
    let done = &data["components"][0];
    assert_eq!(done["label"].as_str().unwrap().chars().count(), MAX_LABEL);
    assert_eq!(
        done["description"].as_str().unwrap().chars().count(),
        MAX_DESCRIPTION
    );
    assert!(
        done["description"]
            .as_str()
            .unwrap()
            .starts_with("Looking back, what")
    );
    let input = &done["component"];
    assert_eq!(input["max_length"], MAX_TEXT_INPUT_LENGTH);
    assert_eq!(input["value"].as_str().unwrap().chars().count(), 4000);
    assert_eq!(input["placeholder"].as_str().unwrap().chars().count(), 100);
    let options = data["components"][2]["component"]["options"]
        .as_array()
        .unwrap();
    assert_eq!(options.len(), MAX_SELECT_OPTIONS);
    assert_eq!(options[0]["label"].as_str().unwrap().chars().count(), 100);
    assert_fits("post", CALLBACK, &json!({"type": 9, "data": data}));
}

#[test]
fn option_values_too_long_for_discord_stay_distinct_within_100_characters() {
    let a = format!("{}a", "v".repeat(150));
    let b = format!("{}b", "v".repeat(150));
    let (value_a, value_b) = (option_value(&a).into_owned(), option_value(&b).into_owned());
    assert_eq!(value_a.chars().count(), MAX_OPTION_VALUE);
    assert_ne!(value_a, value_b);
    assert_eq!(option_value("short"), "short");

    let mut form = check_in_form();
    form.fields[2].input = Input::Choice {
        options: vec![(a.clone(), "A".to_owned()), (b, "B".to_owned())],
        initial: Some(a),
    };
    let options = &modal(&form).unwrap()["components"][2]["component"]["options"];
    assert_eq!(options[0]["value"], value_a);
    assert_eq!(options[0]["default"], true);
    assert_eq!(options[1]["value"], value_b);
}

#[test]
fn rendered_modals_fit_discords_interaction_callback_schema() {
    let mut empty_title = check_in_form();
    empty_title.title = " ".to_owned();
    for form in [check_in_form(), empty_title] {
        let data = modal(&form).unwrap();
        assert!(!data["title"].as_str().unwrap().trim().is_empty());
        assert_fits("post", CALLBACK, &json!({"type": 9, "data": data}));
    }
}

#[test]
fn forms_discord_cannot_show_are_errors_that_say_why() {
    let mut six = check_in_form();
    six.fields = (0..6)
        .map(|n| text_field(&format!("q{n}"), "Q", false, false))
        .collect();
    assert_eq!(modal(&six), Err(RenderError::TooManyFields));
    let mut five = six;
    five.fields.pop();
    assert!(modal(&five).is_ok());

    let mut none = check_in_form();
    none.fields.clear();
    assert_eq!(modal(&none), Err(RenderError::NoFields));

    let mut twice = check_in_form();
    twice.fields[1].id = "done".to_owned();
    assert_eq!(
        modal(&twice).unwrap_err().to_string(),
        "field `done` cannot be shown in a Discord modal: another field has the same id"
    );

    let mut long = check_in_form();
    long.fields[1].id = "q".repeat(101);
    assert!(matches!(modal(&long), Err(RenderError::BadField { .. })));

    let mut same_value = check_in_form();
    same_value.fields[2].input = Input::Choice {
        options: vec![
            ("1".to_owned(), "One".to_owned()),
            ("1".to_owned(), "Uno".to_owned()),
        ],
        initial: None,
    };
    assert_eq!(
        modal(&same_value).unwrap_err().to_string(),
        "field `mood` cannot be shown in a Discord modal: two options have the same value"
    );

    let mut no_options = check_in_form();
    no_options.fields[2].input = Input::Choice {
        options: Vec::new(),
        initial: None,
    };
    assert!(matches!(
        modal(&no_options),
        Err(RenderError::BadField { problem, .. }) if problem.contains("option")
    ));
}
