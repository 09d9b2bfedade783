//! Block Kit from the neutral chat model, and the way back.
//!
//! - [`message_blocks`] and [`message_text`] render a [`Message`] for `chat.postMessage` and
//!   `chat.update`; [`modal`] renders a [`Form`] for `views.open`.
//! - [`action_of`] turns a button's `action_id` back into its action; [`view_answers`] reads a
//!   `view_submission`'s answers by field id; [`field_errors`] is the answer that keeps a modal
//!   open with an error under each field.
//!
//! **Text.** The neutral markup `**bold**` becomes mrkdwn `*bold*`; in `plain_text`, which
//! cannot be bold, the markers are dropped. `&`, `<` and `>` become `&amp;`, `&lt;` and `&gt;`
//! in every text object (mrkdwn and plain_text) and in the `text` fallback, so a typed
//! `<!channel>` or `<@U123>` is shown as typed and pings nobody. Strings Slack hands back
//! unread (action ids, button and option values, a text field's initial value, callback id,
//! private metadata) are sent as they are.
//!
//! **Limits.** Each is a `const` below. Text is cut the way [`truncate`] cuts it (ending with
//! `…`), counted after escaping and never inside an entity. Ids are never cut: Slack refuses an
//! over-long id loudly, where a cut one would be misrouted quietly. The exceptions: an option
//! value over 150 characters is shortened without collisions (see [`option_value`]), and a text
//! field's initial value is cut to the field's `max_length`, which Slack insists on.
//!
//! **Empty parts.** Slack refuses empty text objects and empty blocks, so a `Header`, `Text`
//! or `Context` with no text, and a `Fields` or `Buttons` with nothing in it, are left out.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashMap};

use rhythm_domain::chat::{Block, Button, ButtonStyle, Field, Form, Input, Message, truncate};
use serde_json::{Value, json};

use crate::text::{is_blank, shortened};
use slack_morphism::blocks::{
    SlackActionsBlock, SlackBlock, SlackBlockButtonElement, SlackBlockButtonStyle,
    SlackBlockChoiceItem, SlackBlockMarkDownText, SlackBlockPlainTextInputElement,
    SlackBlockPlainTextOnly, SlackBlockStaticSelectElement, SlackBlockText, SlackContextBlock,
    SlackDividerBlock, SlackHeaderBlock, SlackInputBlock, SlackInputBlockElement, SlackModalView,
    SlackSectionBlock, SlackView,
};

/// Blocks in one message (Slack's limit).
pub const MAX_MESSAGE_BLOCKS: usize = 50;
/// Blocks in one modal (Slack's limit).
pub const MAX_MODAL_BLOCKS: usize = 100;
/// The `text` fallback. Slack allows far more; past this, nobody reads a notification.
pub const MAX_FALLBACK_TEXT: usize = 3000;
/// A header block's plain text.
pub const MAX_HEADER_TEXT: usize = 150;
/// A section's or a context element's text.
pub const MAX_SECTION_TEXT: usize = 3000;
/// Fields in one section; more are split over several sections.
pub const MAX_SECTION_FIELDS: usize = 10;
/// One section field's text.
pub const MAX_FIELD_TEXT: usize = 2000;
/// Elements in one actions block; more buttons are split over several blocks.
pub const MAX_ACTIONS_ELEMENTS: usize = 25;
/// A button's text.
pub const MAX_BUTTON_TEXT: usize = 75;
/// A modal's title, and its submit and close labels.
pub const MAX_MODAL_TITLE: usize = 24;
/// An input block's label.
pub const MAX_INPUT_LABEL: usize = 2000;
/// A placeholder's text.
pub const MAX_PLACEHOLDER: usize = 150;
/// A plain-text input's `max_length`: a field asking for more gets this much.
pub const MAX_TEXT_INPUT_LENGTH: usize = 3000;
/// Options in one static select; the rest are left out.
pub const MAX_SELECT_OPTIONS: usize = 100;
/// An option's text.
pub const MAX_OPTION_TEXT: usize = 75;
/// An option's value: see [`option_value`] for longer ones.
pub const MAX_OPTION_VALUE: usize = 150;

/// The last block of a message cut to [`MAX_MESSAGE_BLOCKS`].
const MESSAGE_SHORTENED: &str = "… (message shortened)";
/// The last block of a modal cut to [`MAX_MODAL_BLOCKS`].
const FORM_SHORTENED: &str = "… (form shortened)";
/// A modal's close button: forms have no label of their own for it.
const CLOSE_LABEL: &str = "Cancel";

/// A message's blocks, within Slack's limits.
///
/// A button's `action_id` is its action, made unique within the message by a `#2`, `#3`…
/// suffix on the second and later buttons sharing it; [`action_of`] strips it again.
pub fn message_blocks(message: &Message) -> Vec<SlackBlock> {
    let mut actions = ActionIds::default();
    let blocks = message
        .blocks
        .iter()
        .flat_map(|block| render_block(block, &mut actions))
        .collect();
    within(blocks, MAX_MESSAGE_BLOCKS, MESSAGE_SHORTENED)
}

/// A message's `text` fallback (notifications, clients without blocks): its summary.
pub fn message_text(message: &Message) -> String {
    mrkdwn(&message.summary, MAX_FALLBACK_TEXT)
}

/// The action a button's `action_id` stands for: the id without the `#N` suffix
/// [`message_blocks`] adds to the second and later buttons sharing an action.
///
/// So an action must not itself end in `#` and a number from 2 up.
pub fn action_of(action_id: &str) -> &str {
    match action_id.rsplit_once('#') {
        Some((action, n)) if is_duplicate_suffix(n) => action,
        _ => action_id,
    }
}

/// A form as a modal view.
///
/// `callback_id` is the form's action and `private_metadata` its value. Each field is an input
/// block whose `block_id` and element `action_id` are both the field's id, so its answer is at
/// `view.state.values[id][id]` (see [`view_answers`]), and errors can be shown under it by
/// the same id (see [`field_errors`]).
pub fn modal(form: &Form) -> SlackView {
    let blocks = form.fields.iter().map(input_block).collect();
    let view = SlackModalView::new(
        plain(&form.title, MAX_MODAL_TITLE).into(),
        within(blocks, MAX_MODAL_BLOCKS, FORM_SHORTENED),
    )
    .with_submit(plain(&form.submit, MAX_MODAL_TITLE).into())
    .with_close(plain(CLOSE_LABEL, MAX_MODAL_TITLE).into())
    .with_callback_id(form.action.clone().into())
    .with_private_metadata(form.value.clone());
    SlackView::Modal(view)
}

/// The value a choice's option is given in Slack, which a select sends back as its answer.
///
/// A value of up to [`MAX_OPTION_VALUE`] characters is sent as it is. A longer one cannot be,
/// and a plain cut would let two values with the same beginning come back as the same answer,
/// so it becomes its first 133 characters, `~`, and 16 hex digits of an FNV-1a hash of the
/// whole value: 150 characters, stable across releases (a modal opened before an upgrade is
/// still understood after it). Code matching an answer against a form's options compares it
/// with `option_value(value)`.
pub fn option_value(value: &str) -> Cow<'_, str> {
    if value.chars().count() <= MAX_OPTION_VALUE {
        return Cow::Borrowed(value);
    }
    Cow::Owned(shortened(value, MAX_OPTION_VALUE))
}

/// The answers in a `view_submission`'s `view.state.values`, by field id (the block id).
///
/// Reads text inputs (`value`), selects and radio buttons (`selected_option.value`), and date,
/// time, user, channel and conversation pickers. A field left empty is absent, as is anything
/// that is not the shape Slack sends (a missing `values` gives no answers).
pub fn view_answers(state_values: &Value) -> BTreeMap<String, String> {
    let Some(blocks) = state_values.as_object() else {
        return BTreeMap::new();
    };
    blocks
        .iter()
        .filter_map(|(block_id, actions)| {
            let answer = actions.as_object()?.values().find_map(answer_of)?;
            Some((block_id.clone(), answer))
        })
        .collect()
}

/// The response to a `view_submission` that keeps the modal open and shows each message under
/// the field (block id) it is keyed by.
pub fn field_errors(errors: &BTreeMap<String, String>) -> Value {
    json!({ "response_action": "errors", "errors": errors })
}

/// The response to a `view_submission` that replaces the form with `text` (what submitting
/// it did) and a button to close it: said where the person is looking, as a form opened from
/// a message shortcut has no conversation to whisper in.
pub fn said_in_form(text: &str) -> Value {
    let said = SlackSectionBlock::new()
        .with_text(markdown(mrkdwn(text, MAX_SECTION_TEXT)))
        .into();
    let view = SlackModalView::new(plain("Rhythm", MAX_MODAL_TITLE).into(), vec![said])
        .with_close(plain("Close", MAX_MODAL_TITLE).into());
    json!({ "response_action": "update", "view": SlackView::Modal(view) })
}

/// One neutral block as zero or more Slack blocks.
fn render_block(block: &Block, actions: &mut ActionIds) -> Vec<SlackBlock> {
    match block {
        Block::Header(text) if !is_blank(text) => {
            vec![SlackHeaderBlock::new(plain(text, MAX_HEADER_TEXT).into()).into()]
        }
        Block::Text(text) if !is_blank(text) => vec![
            SlackSectionBlock::new()
                .with_text(markdown(mrkdwn(text, MAX_SECTION_TEXT)))
                .into(),
        ],
        Block::Context(text) if !is_blank(text) => vec![context(&mrkdwn(text, MAX_SECTION_TEXT))],
        Block::Fields(fields) => {
            let fields: Vec<SlackBlockText> = fields
                .iter()
                .filter_map(|(label, value)| field_text(label, value))
                .map(markdown)
                .collect();
            fields
                .chunks(MAX_SECTION_FIELDS)
                .map(|chunk| SlackSectionBlock::new().with_fields(chunk.to_vec()).into())
                .collect()
        }
        Block::Divider => vec![SlackDividerBlock::new().into()],
        Block::Buttons(buttons) => {
            let buttons: Vec<_> = buttons
                .iter()
                .map(|button| button_element(button, actions).into())
                .collect();
            buttons
                .chunks(MAX_ACTIONS_ELEMENTS)
                .map(|chunk| SlackActionsBlock::new(chunk.to_vec()).into())
                .collect()
        }
        Block::Header(_) | Block::Text(_) | Block::Context(_) => Vec::new(),
    }
}

/// A field as `*label*` over its value; `None` if both are empty.
fn field_text(label: &str, value: &str) -> Option<String> {
    // The label is bold already, so markup inside it is dropped rather than nested.
    let label = plain(label.trim(), MAX_FIELD_TEXT / 2);
    let label = if label.is_empty() {
        String::new()
    } else {
        format!("*{label}*")
    };
    let room = MAX_FIELD_TEXT - label.chars().count() - 1;
    match (label.is_empty(), is_blank(value)) {
        (true, true) => None,
        (false, true) => Some(label),
        (true, false) => Some(mrkdwn(value, MAX_FIELD_TEXT)),
        (false, false) => Some(format!("{label}\n{}", mrkdwn(value, room))),
    }
}

/// A button, its action id made unique within the message.
fn button_element(button: &Button, actions: &mut ActionIds) -> SlackBlockButtonElement {
    let style = match button.style {
        ButtonStyle::Default => None,
        ButtonStyle::Primary => Some(SlackBlockButtonStyle::Primary),
        ButtonStyle::Danger => Some(SlackBlockButtonStyle::Danger),
    };
    // Slack refuses an empty value; a button without one is sent back without one.
    let value = (!button.value.is_empty()).then(|| button.value.clone());
    SlackBlockButtonElement::new(plain(&button.label, MAX_BUTTON_TEXT).into())
        .with_action_id(actions.unique(&button.action).into())
        .opt_value(value)
        .opt_style(style)
}

/// Hands out action ids, suffixing `#2`, `#3`… to repeats (Slack wants them unique).
#[derive(Default)]
struct ActionIds {
    seen: HashMap<String, usize>,
}

impl ActionIds {
    fn unique(&mut self, action: &str) -> String {
        let count = self.seen.entry(action.to_owned()).or_default();
        *count += 1;
        match *count {
            1 => action.to_owned(),
            n => format!("{action}#{n}"),
        }
    }
}

/// Whether `n` is a suffix [`ActionIds`] hands out: a number from 2 up, no leading zero.
fn is_duplicate_suffix(n: &str) -> bool {
    !n.is_empty() && n != "1" && !n.starts_with('0') && n.bytes().all(|b| b.is_ascii_digit())
}

/// A field as an input block, its block id and action id both the field's id.
fn input_block(field: &Field) -> SlackBlock {
    let element: SlackInputBlockElement = match &field.input {
        Input::Text {
            multiline,
            max_chars,
            initial,
            placeholder,
        } => {
            let max = (*max_chars).clamp(1, MAX_TEXT_INPUT_LENGTH);
            SlackBlockPlainTextInputElement::new()
                .with_action_id(field.id.clone().into())
                .with_multiline(*multiline)
                .with_max_length(max as u64)
                // Slack refuses an initial value longer than the field allows: cut it, visibly.
                .opt_initial_value(initial.as_deref().map(|text| truncate(text, max)))
                .opt_placeholder(
                    placeholder
                        .as_deref()
                        .map(|text| plain(text, MAX_PLACEHOLDER).into()),
                )
                .into()
        }
        Input::Choice { options, initial } => {
            let options = &options[..options.len().min(MAX_SELECT_OPTIONS)];
            // Slack refuses an initial option that is not one of the options.
            let initial = initial
                .as_deref()
                .and_then(|initial| options.iter().find(|(value, _)| value == initial));
            SlackBlockStaticSelectElement::new()
                .with_action_id(field.id.clone().into())
                .with_options(options.iter().map(choice_item).collect())
                .opt_initial_option(initial.map(choice_item))
                .into()
        }
    };
    SlackInputBlock::new(plain(&field.label, MAX_INPUT_LABEL).into(), element)
        .with_block_id(field.id.clone().into())
        .with_optional(field.optional)
        .into()
}

/// An option of a static select.
fn choice_item((value, label): &(String, String)) -> SlackBlockChoiceItem<SlackBlockPlainTextOnly> {
    SlackBlockChoiceItem::new(
        plain(label, MAX_OPTION_TEXT).into(),
        option_value(value).into_owned(),
    )
}

/// Where an element's state holds its answer as a string (text inputs and pickers).
const ANSWER_KEYS: [&str; 6] = [
    "value",
    "selected_date",
    "selected_time",
    "selected_user",
    "selected_channel",
    "selected_conversation",
];

/// The answer in one element's state, if it holds one.
fn answer_of(state: &Value) -> Option<String> {
    let answer = ANSWER_KEYS
        .into_iter()
        .find_map(|key| state.get(key).and_then(Value::as_str))
        .or_else(|| state.get("selected_option")?.get("value")?.as_str())?;
    (!answer.is_empty()).then(|| answer.to_owned())
}

/// Keeps the first `max - 1` blocks and a note saying so, when there are more than `max`.
fn within(mut blocks: Vec<SlackBlock>, max: usize, note: &str) -> Vec<SlackBlock> {
    if blocks.len() > max {
        blocks.truncate(max - 1);
        blocks.push(context(note));
    }
    blocks
}

/// A context block of one mrkdwn element, from text already converted.
fn context(text: &str) -> SlackBlock {
    SlackContextBlock::new(vec![SlackBlockMarkDownText::new(text.to_owned()).into()]).into()
}

/// A mrkdwn text object, from text already converted.
fn markdown(text: String) -> SlackBlockText {
    SlackBlockMarkDownText::new(text).into()
}

/// Neutral text as mrkdwn: `**bold**` as `*bold*`, escaped, within `max` characters.
fn mrkdwn(text: &str, max: usize) -> String {
    escaped_within(&text.replace("**", "*"), max)
}

/// Neutral text as plain text: bold markers dropped, escaped, within `max` characters.
fn plain(text: &str, max: usize) -> String {
    escaped_within(&text.replace("**", ""), max)
}

/// `text` escaped, and cut like [`truncate`] to at most `max` characters once escaped, never
/// inside an entity.
fn escaped_within(text: &str, max: usize) -> String {
    let fits = text.chars().map(escaped_width).sum::<usize>() <= max;
    // Room for the `…` that marks a cut.
    let mut room = if fits { max } else { max.saturating_sub(1) };
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        let width = escaped_width(c);
        if width > room {
            break;
        }
        room -= width;
        match entity(c) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        }
    }
    if !fits {
        out.push('…');
    }
    out
}

/// The entity Slack wants in text for `&`, `<` and `>`.
fn entity(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    }
}

/// How many characters `c` takes once escaped.
fn escaped_width(c: char) -> usize {
    entity(c).map_or(1, str::len)
}

#[cfg(test)]
mod tests;
