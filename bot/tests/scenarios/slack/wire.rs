//! Slack's JSON in the driver's terms: a message as a person sees it, a view as a form, and
//! an answer as Slack reports it in a submission.

use rhythm_testing::slack::FakeMessage;
use rhythm_testing::slack::payloads::ValueKind;
use serde_json::Value;

use crate::chat::{Form, Shown};

/// A message's text (every text object outside its buttons) and its buttons' actions.
pub(super) fn shown(message: &FakeMessage) -> Shown {
    let mut lines = Vec::new();
    let mut actions = Vec::new();
    for block in &message.blocks {
        if block["type"] == "actions" {
            let elements = block["elements"].as_array().into_iter().flatten();
            actions.extend(elements.filter_map(|e| e["action_id"].as_str().map(str::to_owned)));
        } else {
            texts(block, &mut lines);
        }
    }
    if lines.is_empty() {
        lines.push(message.text.clone());
    }
    Shown {
        text: lines.join("\n"),
        actions,
    }
}

/// Every `text` string in `value`.
pub(super) fn texts(value: &Value, into: &mut Vec<String>) {
    match value {
        Value::Object(fields) => {
            for (key, field) in fields {
                match field {
                    Value::String(text) if key == "text" => into.push(text.clone()),
                    _ => texts(field, into),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| texts(item, into)),
        _ => {}
    }
}

/// The value of the button for `action` on `message`.
pub(super) fn button_value(message: &FakeMessage, action: &str) -> String {
    message
        .blocks
        .iter()
        .filter_map(|block| block["elements"].as_array())
        .flatten()
        .find(|element| element["action_id"] == action)
        .and_then(|element| element["value"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("no {action} button on {message:?}"))
}

/// A view's input blocks.
fn inputs(view: &Value) -> impl Iterator<Item = &Value> {
    let blocks = view["blocks"].as_array().into_iter().flatten();
    blocks.filter(|block| block["type"] == "input")
}

pub(super) fn form_of(view: &Value) -> Form {
    let mut form = Form {
        fields: Vec::new(),
        initial: Default::default(),
    };
    for input in inputs(view) {
        let id = input["block_id"].as_str().unwrap().to_owned();
        let element = &input["element"];
        let initial = element["initial_value"]
            .as_str()
            .or_else(|| element["initial_option"]["value"].as_str());
        if let Some(initial) = initial {
            form.initial.insert(id.clone(), initial.to_owned());
        }
        form.fields.push(id);
    }
    form
}

/// `answer` as Slack reports it for `field` of `view`: a chosen option, or typed text.
pub(super) fn value_kind(view: &Value, field: &str, answer: &str) -> ValueKind {
    let Some(input) = inputs(view).find(|input| input["block_id"] == field) else {
        panic!("no field {field} in {view}");
    };
    let element = &input["element"];
    if element["type"] != "static_select" {
        return ValueKind::PlainText(answer.to_owned());
    }
    let options = element["options"].as_array().into_iter().flatten();
    let Some(option) = options.into_iter().find(|option| option["value"] == answer) else {
        panic!("{answer} is not an option of {field}");
    };
    ValueKind::StaticSelect {
        value: answer.to_owned(),
        text: option["text"]["text"].as_str().unwrap().to_owned(),
    }
}
