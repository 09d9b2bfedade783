//! Discord messages and modals from the neutral chat model, as the JSON the REST API takes.
//!
//! - [`message`] renders a [`Message`] for `POST /channels/{id}/messages` and for edits:
//!   markdown `content` (the `markdown` submodule says how text is escaped) and action rows
//!   of buttons.
//! - [`modal`] renders a [`Form`] as the `data` of a MODAL interaction callback (type 9).
//! - [`custom_id`] and [`parse_custom_id`] carry a button's or a form's action and value
//!   through Discord and back; [`option_value`] does the same for a choice's values.
//!
//! **Layout.** Blocks become lines of markdown in order: a `## ` heading, paragraphs,
//! `**label**: value` lines, `-# ` small print, and an empty line for a divider. Discord shows
//! a message's buttons under its text whatever the order of the blocks, so every `Buttons`
//! block becomes one or more action rows below it.
//!
//! **Limits.** Each is a `const` below. Text is cut the way
//! [`rhythm_domain::chat::truncate`] cuts it (ending with `…`), counted in characters; content
//! is cut after escaping and never inside an escape. Buttons past the fifth row are left out.
//! Ids are never simply cut, which could route a press to the wrong thing: an id over its
//! limit is shortened without collisions (see [`custom_id`] and [`option_value`]), and a
//! field id Discord could not carry is an error.
//!
//! **Empty parts.** A `Header`, `Text` or `Context` with no text and a `Fields` or `Buttons`
//! with nothing in it add nothing. A message with no text shows its summary.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use rhythm_domain::chat::{Block, Button, ButtonStyle, Field, Form, Input, Message, truncate};
use serde_json::{Value, json};

use crate::text::{is_blank, shortened};

mod markdown;
#[cfg(test)]
pub(crate) mod openapi;

/// A message's `content` (Discord's limit without Nitro).
pub const MAX_CONTENT: usize = 2000;
/// Action rows in one message.
pub const MAX_ACTION_ROWS: usize = 5;
/// Buttons in one action row; more wrap into the next row.
pub const MAX_ROW_BUTTONS: usize = 5;
/// A button's label.
pub const MAX_BUTTON_LABEL: usize = 80;
/// A `custom_id` (buttons, modals, their fields).
pub const MAX_CUSTOM_ID: usize = 100;
/// A modal's title.
pub const MAX_MODAL_TITLE: usize = 45;
/// Fields in one modal (Discord allows five top-level components).
pub const MAX_MODAL_FIELDS: usize = 5;
/// A label component's label; a longer question is cut here and shown whole in the
/// description.
pub const MAX_LABEL: usize = 45;
/// A label component's description.
pub const MAX_DESCRIPTION: usize = 100;
/// A text input's `max_length`: a field asking for more gets this much.
pub const MAX_TEXT_INPUT_LENGTH: usize = 4000;
/// A text input's placeholder.
pub const MAX_PLACEHOLDER: usize = 100;
/// Options in one string select; the rest are left out.
pub const MAX_SELECT_OPTIONS: usize = 25;
/// An option's label.
pub const MAX_OPTION_LABEL: usize = 100;
/// An option's value: see [`option_value`] for longer ones.
pub const MAX_OPTION_VALUE: usize = 100;

/// What stands between a custom id's action and its value.
const SEPARATOR: char = '|';
/// A modal's title when the form has none (Discord insists on one).
const DEFAULT_TITLE: &str = "Rhythm";

/// Why a form cannot be shown as a Discord modal. Each is a bug in the form, not something
/// a person did; the text is for the log.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RenderError {
    /// More fields than a modal holds (templates are capped at five already).
    #[error("a Discord modal holds at most {MAX_MODAL_FIELDS} fields")]
    TooManyFields,
    /// No fields: Discord refuses an empty modal.
    #[error("a Discord modal needs at least one field")]
    NoFields,
    /// A field Discord could not carry or hand back.
    #[error("field `{id}` cannot be shown in a Discord modal: {problem}")]
    BadField {
        /// The field's id.
        id: String,
        /// What is wrong with it.
        problem: &'static str,
    },
}

/// A message as the body of `POST /channels/{id}/messages` or of an edit (`PATCH`):
/// `content`, `components` (always present, so an edit removes buttons that are gone) and
/// `allowed_mentions` that ping nobody. (Discord refuses a message with neither text nor
/// buttons: one with no blocks and an empty summary.)
pub fn message(message: &Message) -> Value {
    let mut content = markdown::content(&message.blocks);
    if content.is_empty() {
        content = markdown::escape(message.summary.trim());
    }
    json!({
        "content": markdown::cut(&content, MAX_CONTENT),
        "components": action_rows(&message.blocks),
        "allowed_mentions": { "parse": [] },
    })
}

/// The `custom_id` carrying `action` and `value`: `action|value` (`checkin:start|42`).
///
/// [`parse_custom_id`] splits it at the first `|`, so an action must not contain one (a
/// value may). Rhythm's ids are far shorter than [`MAX_CUSTOM_ID`]; one that would be
/// longer keeps its first 83 characters and ends with `~` and 16 hex digits of an FNV-1a hash
/// of the whole: 100 characters that Discord accepts and that cannot be read as another
/// action's or value's id (the workflow then answers as it does to a stale button).
pub fn custom_id(action: &str, value: &str) -> String {
    within_id(format!("{action}{SEPARATOR}{value}"))
}

/// The action and value a `custom_id` from [`custom_id`] (or [`message`]) carries.
///
/// The `#2`, `#3`… that [`message`] adds to the action of the second and later buttons
/// sharing an id is dropped again; an id without `|` is all action, with an empty value.
pub fn parse_custom_id(custom_id: &str) -> (&str, &str) {
    let (action, value) = custom_id.split_once(SEPARATOR).unwrap_or((custom_id, ""));
    (action_of(action), value)
}

/// A form as the `data` of a MODAL interaction callback (type 9).
///
/// Its `custom_id` is [`custom_id`]`(action, value)`. Each field is a Label component (type 18)
/// around a text input (type 4) or a string select (type 3) whose `custom_id` is the field's
/// id, so answers come back keyed by it. Discord modals have no submit label of their own:
/// `form.submit` is not shown.
pub fn modal(form: &Form) -> Result<Value, RenderError> {
    if form.fields.len() > MAX_MODAL_FIELDS {
        return Err(RenderError::TooManyFields);
    }
    if form.fields.is_empty() {
        return Err(RenderError::NoFields);
    }
    let mut ids = BTreeSet::new();
    let components = form
        .fields
        .iter()
        .map(|field| {
            if !ids.insert(field.id.as_str()) {
                return Err(bad_field(field, "another field has the same id"));
            }
            label(field)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let mut title = plain(&form.title, MAX_MODAL_TITLE);
    if title.is_empty() {
        title = DEFAULT_TITLE.to_owned();
    }
    Ok(json!({
        "custom_id": custom_id(&form.action, &form.value),
        "title": title,
        "components": components,
    }))
}

/// The value a choice's option is given in Discord, which a select sends back as its answer.
///
/// A value of up to [`MAX_OPTION_VALUE`] characters is sent as it is. A longer one becomes its
/// first 83 characters, `~`, and 16 hex digits of an FNV-1a hash of the whole value (the same
/// in every build), so two values with the same beginning stay distinct. Code matching an
/// answer against a form's options compares it with `option_value(value)`.
pub fn option_value(value: &str) -> Cow<'_, str> {
    if value.chars().count() <= MAX_OPTION_VALUE {
        return Cow::Borrowed(value);
    }
    Cow::Owned(shortened(value, MAX_OPTION_VALUE))
}

/// The message's buttons as action rows: each `Buttons` block starts a row, five buttons to
/// a row, at most five rows. Ids are made unique within the message, as Discord requires.
fn action_rows(blocks: &[Block]) -> Vec<Value> {
    let mut ids = UniqueIds::default();
    blocks
        .iter()
        .filter_map(|block| match block {
            Block::Buttons(buttons) => Some(buttons),
            _ => None,
        })
        .flat_map(|buttons| buttons.chunks(MAX_ROW_BUTTONS))
        .take(MAX_ACTION_ROWS)
        .map(|row| {
            let buttons: Vec<Value> = row
                .iter()
                .map(|button| button_json(button, &mut ids))
                .collect();
            json!({ "type": 1, "components": buttons })
        })
        .collect()
}

/// One button (type 2).
fn button_json(button: &Button, ids: &mut UniqueIds) -> Value {
    let style = match button.style {
        ButtonStyle::Primary => 1,
        ButtonStyle::Default => 2,
        ButtonStyle::Danger => 4,
    };
    json!({
        "type": 2,
        "style": style,
        "label": plain(&button.label, MAX_BUTTON_LABEL),
        "custom_id": ids.unique(&button.action, &button.value),
    })
}

/// Hands out custom ids, adding `#2`, `#3`… to the action of repeats.
#[derive(Default)]
struct UniqueIds {
    seen: HashMap<String, usize>,
}

impl UniqueIds {
    fn unique(&mut self, action: &str, value: &str) -> String {
        let id = custom_id(action, value);
        let count = self.seen.entry(id.clone()).or_default();
        *count += 1;
        match *count {
            1 => id,
            n => custom_id(&format!("{action}#{n}"), value),
        }
    }
}

/// The action a custom id's action part stands for: without the `#N` (N ≥ 2) suffix
/// [`UniqueIds`] adds to repeats. So an action must not itself end in `#` and such a number.
fn action_of(action: &str) -> &str {
    match action.rsplit_once('#') {
        Some((base, n)) if is_duplicate_suffix(n) => base,
        _ => action,
    }
}

/// Whether `n` is a suffix [`UniqueIds`] hands out: a number from 2 up, no leading zero.
fn is_duplicate_suffix(n: &str) -> bool {
    !n.is_empty() && n != "1" && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
}

/// A field as a Label component around its input.
fn label(field: &Field) -> Result<Value, RenderError> {
    if field.id.is_empty() || field.id.chars().count() > MAX_CUSTOM_ID {
        return Err(bad_field(field, "its id must be 1 to 100 characters"));
    }
    let question = field.label.replace("**", "");
    let question = question.trim();
    let shown = if question.is_empty() {
        field.id.as_str()
    } else {
        question
    };
    let mut label = json!({
        "type": 18,
        "label": truncate(shown, MAX_LABEL),
        "component": input(field)?,
    });
    // A question too long for the label is cut there and shown whole underneath.
    if question.chars().count() > MAX_LABEL {
        label["description"] = truncate(question, MAX_DESCRIPTION).into();
    }
    Ok(label)
}

/// A field's text input (type 4) or string select (type 3).
fn input(field: &Field) -> Result<Value, RenderError> {
    match &field.input {
        Input::Text {
            multiline,
            max_chars,
            initial,
            placeholder,
        } => {
            let max = (*max_chars).clamp(1, MAX_TEXT_INPUT_LENGTH);
            let mut input = json!({
                "type": 4,
                "custom_id": field.id,
                "style": if *multiline { 2 } else { 1 },
                "max_length": max,
                "required": !field.optional,
            });
            // Discord refuses an initial value longer than the field allows: cut it, visibly.
            if let Some(initial) = initial.as_deref().filter(|text| !text.is_empty()) {
                input["value"] = truncate(initial, max).into();
            }
            if let Some(placeholder) = placeholder.as_deref().filter(|text| !is_blank(text)) {
                input["placeholder"] = plain(placeholder, MAX_PLACEHOLDER).into();
            }
            Ok(input)
        }
        Input::Choice { options, initial } => {
            if options.is_empty() {
                return Err(bad_field(field, "a choice needs at least one option"));
            }
            if options.iter().any(|(value, _)| value.is_empty()) {
                return Err(bad_field(field, "an option's value is empty"));
            }
            let mut values = BTreeSet::new();
            if !options
                .iter()
                .all(|(value, _)| values.insert(option_value(value)))
            {
                return Err(bad_field(field, "two options have the same value"));
            }
            let options: Vec<Value> = options
                .iter()
                .take(MAX_SELECT_OPTIONS)
                .map(|(value, label)| {
                    let mut shown = plain(label, MAX_OPTION_LABEL);
                    if shown.is_empty() {
                        shown = truncate(value, MAX_OPTION_LABEL);
                    }
                    json!({
                        "label": shown,
                        "value": option_value(value),
                        "default": initial.as_deref() == Some(value.as_str()),
                    })
                })
                .collect();
            Ok(json!({
                "type": 3,
                "custom_id": field.id,
                "options": options,
                "min_values": if field.optional { 0 } else { 1 },
                "max_values": 1,
                "required": !field.optional,
            }))
        }
    }
}

fn bad_field(field: &Field, problem: &'static str) -> RenderError {
    RenderError::BadField {
        id: field.id.clone(),
        problem,
    }
}

/// Neutral text where Discord shows no markdown (labels, titles, placeholders): bold markers
/// dropped, within `max` characters.
fn plain(text: &str, max: usize) -> String {
    truncate(text.replace("**", "").trim(), max)
}

/// An id of at most `MAX_CUSTOM_ID` characters: itself, or shortened.
fn within_id(id: String) -> String {
    if id.chars().count() <= MAX_CUSTOM_ID {
        return id;
    }
    shortened(&id, MAX_CUSTOM_ID)
}

#[cfg(test)]
mod tests;
