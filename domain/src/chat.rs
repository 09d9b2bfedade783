//! What the bot says and asks, with no platform in it.
//!
//! Workflows build a [`Message`] (text, sections, buttons) or a [`Form`] (a modal's fields);
//! the Slack adapter renders them as Block Kit and the Discord adapter as components, each
//! within its platform's limits. What people do comes back as an [`Interaction`], already
//! translated from the platform's payload.
//!
//! Text is plain, with two marks that each platform renders its own way: `**bold**`, and
//! `` `code` `` for what to type (`/rhythm link 123456`). Bold a person typed is never
//! interpreted ([`escape_markup`]); backticks they typed show as code on both platforms, as
//! in any chat, and nothing inside a code span is read as markup or a mention.

use std::collections::BTreeMap;

use crate::ports::MessageRef;

/// A message from Rhythm.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Message {
    /// One line for notifications and clients that show no blocks.
    pub summary: String,
    /// What the message shows, in order.
    pub blocks: Vec<Block>,
}

/// One part of a message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// A title line.
    Header(String),
    /// A paragraph.
    Text(String),
    /// Label–value pairs, shown side by side where the platform can.
    Fields(Vec<(String, String)>),
    /// Small print.
    Context(String),
    /// A line between parts.
    Divider,
    /// A row of buttons.
    Buttons(Vec<Button>),
}

/// A button: what it says, and what pressing it asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Button {
    /// What a press asks for, such as `checkin:start`; platforms echo it back.
    pub action: String,
    /// Which thing it is about (a check-in id), echoed back with the action.
    pub value: String,
    /// What it says.
    pub label: String,
    /// How it looks.
    pub style: ButtonStyle,
}

/// A button's look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ButtonStyle {
    /// The platform's default.
    #[default]
    Default,
    /// The main thing to do.
    Primary,
    /// Something to think twice about.
    Danger,
}

/// A form (a modal) asking for a few answers.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Form {
    /// What submitting it asks for, such as `checkin:submit`.
    pub action: String,
    /// What it is about (a check-in id), echoed back on submission.
    pub value: String,
    /// Its title.
    pub title: String,
    /// The submit button's label.
    pub submit: String,
    /// Its fields, in order.
    pub fields: Vec<Field>,
}

/// One field of a form.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Field {
    /// Its id, the key of its answer.
    pub id: String,
    /// The question.
    pub label: String,
    /// Whether it may be left empty.
    pub optional: bool,
    /// How it is answered.
    pub input: Input,
}

/// How a field is answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// Free text.
    Text {
        /// Several lines.
        multiline: bool,
        /// At most this many characters.
        max_chars: usize,
        /// What it holds already (an edit).
        initial: Option<String>,
        /// A hint shown while empty.
        placeholder: Option<String>,
    },
    /// One of a few options.
    Choice {
        /// `(value, label)` pairs.
        options: Vec<(String, String)>,
        /// The value chosen already (an edit).
        initial: Option<String>,
    },
}

/// What a person did in chat, translated from the platform.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Interaction {
    /// Pressed a button.
    Pressed {
        /// The button's action.
        action: String,
        /// The button's value.
        value: String,
    },
    /// Submitted a form.
    Submitted {
        /// The form's action.
        action: String,
        /// The form's value.
        value: String,
        /// Each field's answer by field id; a field left empty is absent.
        answers: BTreeMap<String, String>,
    },
}

impl Interaction {
    /// What the button or form asks for.
    pub fn action(&self) -> &str {
        match self {
            Self::Pressed { action, .. } | Self::Submitted { action, .. } => action,
        }
    }

    /// What it is about.
    pub fn value(&self) -> &str {
        match self {
            Self::Pressed { value, .. } | Self::Submitted { value, .. } => value,
        }
    }
}

/// What the bot does in answer to an interaction or a command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Nothing to show.
    Nothing,
    /// A message only the person sees.
    Private(String),
    /// Open this form.
    Open(Form),
    /// Replace the message the button was on.
    Update(Message),
    /// The form has problems: show them by field and keep it open.
    FieldErrors(BTreeMap<String, String>),
    /// Close the form, and update an earlier message of Rhythm's if there is one (the
    /// prompt the form was opened from).
    Close(Option<Update>),
}

/// A message of Rhythm's to replace: where it is, and what it now says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Update {
    /// The platform it was sent on (`slack`, `discord`).
    pub platform: String,
    /// Where it is.
    pub at: MessageRef,
    /// What it now says.
    pub message: Message,
}

/// Doubles the markup character, so text a person typed is shown as typed.
pub fn escape_markup(text: &str) -> String {
    text.replace("**", "*\u{200B}*")
}

/// Shortens `text` to at most `max` characters, ending with `…` if it was cut.
pub fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_owned();
    }
    let kept: String = text.chars().take(max.saturating_sub(1)).collect();
    format!("{kept}…")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_counts_characters_not_bytes_and_marks_the_cut() {
        assert_eq!(truncate("Überprüfung", 20), "Überprüfung");
        assert_eq!(truncate("Überprüfung", 5), "Über…");
        assert_eq!(truncate("🎉🎉🎉", 2), "🎉…");
    }

    #[test]
    fn typed_text_cannot_turn_itself_bold() {
        assert_eq!(
            escape_markup("**not bold**"),
            "*\u{200B}*not bold*\u{200B}*"
        );
    }
}
