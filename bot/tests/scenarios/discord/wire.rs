//! Discord's JSON in the driver's terms: a message as a person sees it, a modal as a form,
//! an answer as Discord reports it in a submission, and a Slack-style command's text as the
//! subcommand and options Discord sends.

use rhythm_testing::discord::payloads::FieldValue;
use serde_json::Value;

use crate::chat::{Form, Shown};

/// The `/rhythm` (or `/goals`) subcommand and its options for what a Slack user would type after it
/// (`ooo 2026-03-03 2026-03-03`), by the option names of `bot/src/discord/commands.rs`.
pub(super) fn subcommand(text: &str) -> (Option<&str>, Vec<(&'static str, String)>) {
    let mut words = text.split_whitespace();
    let Some(verb) = words.next() else {
        return (None, Vec::new());
    };
    let names: &[&'static str] = match verb {
        // `/goals add team Platform`: whose goal is one option, `for`.
        "add" => {
            let whose = words.collect::<Vec<_>>().join(" ");
            let options = (!whose.is_empty()).then_some(("for", whose));
            return (Some(verb), options.into_iter().collect());
        }
        "help" | "mine" | "team" => &[],
        "timezone" => &["zone"],
        "ooo" => &["from", "to"],
        "link" => &["email_or_code"],
        other => panic!("Discord has no subcommand {other}"),
    };
    let options = names
        .iter()
        .zip(words)
        .map(|(name, word)| (*name, word.to_owned()));
    (Some(verb), options.collect())
}

/// A message's `content`, as shown, and its buttons' actions.
pub(super) fn shown(message: &Value) -> Shown {
    let rows = message["components"].as_array().into_iter().flatten();
    let buttons = rows.flat_map(|row| row["components"].as_array().into_iter().flatten());
    let actions = buttons
        .filter_map(|button| button["custom_id"].as_str())
        .map(|id| {
            id.split_once('|')
                .map_or(id, |(action, _)| action)
                .to_owned()
        })
        .collect();
    Shown {
        text: unescaped(message["content"].as_str().unwrap_or_default()),
        actions,
    }
}

/// Markdown as Discord shows it: a backslash before punctuation (`1\.`) is not shown.
fn unescaped(content: &str) -> String {
    let mut text = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(c) = chars.next() {
        match chars.peek() {
            Some(next) if c == '\\' && next.is_ascii_punctuation() => {}
            _ => text.push(c),
        }
    }
    text
}

/// The custom id of the button for `action` on `message`.
pub(super) fn button(message: &Value, action: &str) -> String {
    let rows = message["components"].as_array().into_iter().flatten();
    rows.flat_map(|row| row["components"].as_array().into_iter().flatten())
        .filter_map(|button| button["custom_id"].as_str())
        .find(|id| id.starts_with(&format!("{action}|")))
        .unwrap_or_else(|| panic!("no {action} button on {message}"))
        .to_owned()
}

/// A modal's inputs: each inside a label (type 18), or in an action row (type 1).
fn inputs(modal: &Value) -> impl Iterator<Item = &Value> {
    let components = modal["components"].as_array().into_iter().flatten();
    components.map(|c| match c["type"].as_u64() {
        Some(18) => &c["component"],
        _ => &c["components"][0],
    })
}

pub(super) fn form_of(modal: &Value) -> Form {
    let mut form = Form {
        fields: Vec::new(),
        initial: Default::default(),
    };
    for input in inputs(modal) {
        let id = input["custom_id"].as_str().unwrap().to_owned();
        let options = input["options"].as_array().into_iter().flatten();
        let chosen = options.into_iter().find(|option| option["default"] == true);
        let initial = input["value"]
            .as_str()
            .or_else(|| chosen.and_then(|option| option["value"].as_str()));
        if let Some(initial) = initial {
            form.initial.insert(id.clone(), initial.to_owned());
        }
        form.fields.push(id);
    }
    form
}

/// `answer` as Discord reports it for `field` of `modal`: chosen in a select, or typed.
pub(super) fn field_value(modal: &Value, field: &str, answer: &str) -> FieldValue {
    let Some(input) = inputs(modal).find(|input| input["custom_id"] == field) else {
        panic!("no field {field} in {modal}");
    };
    if input["type"] == 3 {
        FieldValue::Select(vec![answer.to_owned()])
    } else {
        FieldValue::Text(answer.to_owned())
    }
}
