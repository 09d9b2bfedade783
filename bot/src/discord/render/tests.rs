use serde_json::json;

use super::openapi::Spec;
use super::*;

mod markdown;
mod modal;

const MESSAGES: &str = "/channels/{channel_id}/messages";
const MESSAGE: &str = "/channels/{channel_id}/messages/{message_id}";
const CALLBACK: &str = "/interactions/{interaction_id}/{interaction_token}/callback";
fn rendered(blocks: Vec<Block>) -> Value {
    message(&Message {
        summary: "Summary".to_owned(),
        blocks,
    })
}

fn content(blocks: Vec<Block>) -> String {
    rendered(blocks)["content"].as_str().unwrap().to_owned()
}

fn text(text: &str) -> Block {
    Block::Text(text.to_owned())
}

fn button(action: &str, value: &str, label: &str, style: ButtonStyle) -> Button {
    Button {
        action: action.to_owned(),
        value: value.to_owned(),
        label: label.to_owned(),
        style,
    }
}
/// Asserts `body` fits the JSON request schema of `method path` in Discord's spec.
fn assert_fits(method: &str, path: &str, body: &Value) {
    let problems = Spec::load().request_problems(method, path, body);
    assert!(
        problems.is_empty(),
        "{method} {path}: {problems:#?}\n{body:#}"
    );
}
#[test]
fn a_header_is_a_second_level_heading_on_one_line() {
    assert_eq!(
        content(vec![Block::Header("Weekly\n**check-in**".to_owned())]),
        "## Weekly **check-in**"
    );
}

#[test]
fn a_paragraph_keeps_bold_and_its_lines() {
    assert_eq!(
        content(vec![text(
            "Time for your **weekly** check-in.\nIt takes a minute."
        )]),
        "Time for your **weekly** check-in.\nIt takes a minute."
    );
}

#[test]
fn paragraphs_in_a_row_are_set_apart_by_an_empty_line() {
    assert_eq!(
        content(vec![
            text("One"),
            text("Two"),
            Block::Fields(vec![("A".to_owned(), "b".to_owned())]),
            text("Three"),
            Block::Divider,
            text("Four"),
        ]),
        "One\n\nTwo\n**A**: b\nThree\n\nFour"
    );
}

#[test]
fn fields_are_lines_of_bold_labels_and_values() {
    assert_eq!(
        content(vec![Block::Fields(vec![
            ("Goal".to_owned(), "Ship the **importer**".to_owned()),
            ("**Due**".to_owned(), String::new()),
            (String::new(), "No label".to_owned()),
            (" ".to_owned(), String::new()),
        ])]),
        "**Goal**: Ship the **importer**\n**Due**\nNo label"
    );
}

#[test]
fn small_print_is_subtext_on_every_line() {
    assert_eq!(
        content(vec![Block::Context("Due **Friday**\n\nAsk HR".to_owned())]),
        "-# Due **Friday**\n-# Ask HR"
    );
}

#[test]
fn a_divider_is_one_empty_line_between_parts_never_first_last_or_doubled() {
    assert_eq!(
        content(vec![
            Block::Divider,
            text("One"),
            Block::Divider,
            Block::Divider,
            text("Two"),
            Block::Divider,
        ]),
        "One\n\nTwo"
    );
}

#[test]
fn every_block_kind_in_order_makes_one_message() {
    let body = rendered(vec![
        Block::Header("Weekly check-in · Platform".to_owned()),
        Block::Context("Monday 1 June 2026".to_owned()),
        text("**3 of 5 answered**"),
        Block::Buttons(vec![button(
            "checkin:start",
            "42",
            "Start",
            ButtonStyle::Primary,
        )]),
        Block::Divider,
        Block::Fields(vec![("Mood".to_owned(), "4 · Good".to_owned())]),
    ]);
    assert_eq!(
        body,
        json!({
            "content": "## Weekly check-in · Platform\n-# Monday 1 June 2026\n**3 of 5 answered**\n\n**Mood**: 4 · Good",
            "components": [{"type": 1, "components": [
                {"type": 2, "style": 1, "label": "Start", "custom_id": "checkin:start|42"}
            ]}],
            "allowed_mentions": {"parse": []},
        })
    );
}

#[test]
fn buttons_are_action_rows_with_their_styles_and_custom_ids() {
    let body = rendered(vec![Block::Buttons(vec![
        button(
            "checkin:start",
            "42",
            "Start check-in",
            ButtonStyle::Primary,
        ),
        button("checkin:snooze", "42", "Snooze 1 h", ButtonStyle::Default),
        button("checkin:skip", "42", "Skip today", ButtonStyle::Danger),
    ])]);
    assert_eq!(
        body["components"],
        json!([{"type": 1, "components": [
            {"type": 2, "style": 1, "label": "Start check-in", "custom_id": "checkin:start|42"},
            {"type": 2, "style": 2, "label": "Snooze 1 h", "custom_id": "checkin:snooze|42"},
            {"type": 2, "style": 4, "label": "Skip today", "custom_id": "checkin:skip|42"},
        ]}])
    );
    // Text-less: the summary is the content.
    assert_eq!(body["content"], "Summary");
}

#[test]
fn twelve_buttons_wrap_into_rows_of_five_and_no_more_than_five_rows_are_sent() {
    let buttons = |n: usize| {
        (0..n)
            .map(|i| button(&format!("pick:{i}"), "1", "Pick", ButtonStyle::Default))
            .collect::<Vec<_>>()
    };
    let rows = rendered(vec![Block::Buttons(buttons(12))])["components"].clone();
    let sizes: Vec<usize> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|row| row["components"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [5, 5, 2]);
    assert_eq!(rows[2]["components"][1]["custom_id"], "pick:11|1");

    let many = rendered(vec![
        Block::Buttons(buttons(3)),
        Block::Buttons(buttons(30)),
    ]);
    let rows = many["components"].as_array().unwrap();
    assert_eq!(rows.len(), MAX_ACTION_ROWS);
    assert_eq!(rows[0]["components"].as_array().unwrap().len(), 3);
    assert_eq!(rows[1]["components"][0]["custom_id"], "pick:0#2|1");
    assert_eq!(rows[4]["components"][4]["custom_id"], "pick:19|1");
    assert_fits("post", MESSAGES, &many);
}

#[test]
fn buttons_sharing_an_id_are_told_apart_and_parse_back_to_their_action() {
    let body = rendered(vec![Block::Buttons(vec![
        button("kudos:react", "7", "👏", ButtonStyle::Default),
        button("kudos:react", "7", "🎉", ButtonStyle::Default),
        button("kudos:react", "8", "🙌", ButtonStyle::Default),
    ])]);
    let ids: Vec<&str> = body["components"][0]["components"]
        .as_array()
        .unwrap()
        .iter()
        .map(|button| button["custom_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["kudos:react|7", "kudos:react#2|7", "kudos:react|8"]);
    let parsed: Vec<_> = ids.iter().map(|id| parse_custom_id(id)).collect();
    assert_eq!(
        parsed,
        [
            ("kudos:react", "7"),
            ("kudos:react", "7"),
            ("kudos:react", "8")
        ]
    );
}

#[test]
fn a_custom_id_carries_its_action_and_value_and_parses_back() {
    assert_eq!(custom_id("checkin:start", "42"), "checkin:start|42");
    assert_eq!(parse_custom_id("checkin:start|42"), ("checkin:start", "42"));
    assert_eq!(parse_custom_id("a|b|c"), ("a", "b|c"));
    assert_eq!(parse_custom_id("click_me"), ("click_me", ""));
    assert_eq!(parse_custom_id("checkin:start|"), ("checkin:start", ""));
    for id in ["a#1|x", "a#02|x", "a#x|x", "a#|x"] {
        assert_eq!(parse_custom_id(id).0, id.split_once('|').unwrap().0);
    }
}

#[test]
fn an_over_long_custom_id_is_shortened_to_100_characters_without_collisions() {
    let (a, b) = (
        format!("{}a", "é".repeat(120)),
        format!("{}b", "é".repeat(120)),
    );
    let (id_a, id_b) = (
        custom_id("checkin:start", &a),
        custom_id("checkin:start", &b),
    );
    assert_eq!(id_a.chars().count(), MAX_CUSTOM_ID);
    assert_eq!(id_b.chars().count(), MAX_CUSTOM_ID);
    assert_ne!(id_a, id_b);
    assert_eq!(id_a, custom_id("checkin:start", &a), "stable");
    let (action, value) = parse_custom_id(&id_a);
    assert_eq!(action, "checkin:start");
    assert_ne!(value, a, "a value that cannot be another's");
    let exactly = "x".repeat(100 - "checkin:start|".len());
    assert_eq!(
        custom_id("checkin:start", &exactly),
        format!("checkin:start|{exactly}")
    );
}

#[test]
fn an_empty_message_shows_its_summary_escaped_and_cut() {
    let body = message(&Message {
        summary: "**Kudos** from _Ana_".to_owned(),
        blocks: vec![
            Block::Header(" ".to_owned()),
            text(""),
            Block::Fields(Vec::new()),
        ],
    });
    assert_eq!(body["content"], r"**Kudos** from \_Ana\_");
    assert_eq!(body["components"], json!([]));
    let long = message(&Message {
        summary: "y".repeat(5000),
        blocks: Vec::new(),
    });
    assert_eq!(
        long["content"].as_str().unwrap().chars().count(),
        MAX_CONTENT
    );
}

#[test]
fn button_labels_are_plain_and_cut_to_80_characters() {
    let body = rendered(vec![Block::Buttons(vec![
        button("a", "1", &"ü".repeat(100), ButtonStyle::Default),
        button("b", "1", "**Start** <@1> _now_", ButtonStyle::Primary),
    ])]);
    let label = body["components"][0]["components"][0]["label"]
        .as_str()
        .unwrap();
    assert_eq!(label, format!("{}…", "ü".repeat(79)));
    assert_eq!(
        body["components"][0]["components"][1]["label"], "Start <@1> _now_",
        "labels are not markdown: nothing to escape"
    );
}

#[test]
fn messages_fit_discords_create_and_edit_request_schemas() {
    let bodies = [
        rendered(vec![
            Block::Header("x".repeat(300)),
            text(&"é".repeat(3000)),
            Block::Buttons(
                (0..12)
                    .map(|n| button("pick", &n.to_string(), &"L".repeat(90), ButtonStyle::Danger))
                    .collect(),
            ),
        ]),
        rendered(vec![Block::Context("Skipped today.".to_owned())]),
        rendered(Vec::new()),
    ];
    for body in &bodies {
        assert_fits("post", MESSAGES, body);
        assert_fits("patch", MESSAGE, body);
    }
}
