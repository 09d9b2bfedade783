//! What 1:1s say: the notes prompt after a session and its form, an action item's
//! reminder, and `/oneonone`'s list.

use chrono::{DateTime, NaiveDate, Utc};
use chrono_tz::Tz;

use crate::chat::{
    Block, Button, ButtonStyle, Field, Form, Input, Message, escape_markup, truncate,
};
use crate::people::Person;
use crate::ports::{ActionItem, Series};

/// Open the notes form for a session (value `SERIES:START`).
pub const NOTES: &str = "oneonone:notes";
/// The notes form's submission (value `SERIES:START`).
pub const RECORD: &str = "oneonone:record";
/// The session did not happen (value `SERIES:START`).
pub const SKIPPED: &str = "oneonone:skipped";
/// An action item is done (value: its id).
pub const DONE_ACTION: &str = "oneonone:done";
/// Marks what is done.
pub const DONE: &str = "✅ ";
/// The longest notes.
pub const MAX_NOTES_CHARS: usize = 3_000;

/// `Thu 5 Mar, 15:00` in `zone`.
pub fn when(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone)
        .format("%a %-d %b, %H:%M")
        .to_string()
}

/// A session's value in buttons and forms: `SERIES:START` (seconds).
pub fn session_value(series: &Series, starts_at: DateTime<Utc>) -> String {
    format!("{}:{}", series.id.0, starts_at.timestamp())
}

/// `• Ben: send the draft (due Fri 20 Mar)`, overdue marked.
pub fn action_line(item: &ActionItem, owner: &str, today: NaiveDate) -> String {
    let due = item.due.format("%a %-d %b");
    let late = if item.due < today { " ⏰ overdue" } else { "" };
    format!(
        "• **{}**: {} (due {due}){late}",
        escape_markup(owner),
        escape_markup(&truncate(&item.text, 300))
    )
}

/// The prompt after a session, to its manager.
pub fn notes_prompt(
    series: &Series,
    starts_at: DateTime<Utc>,
    report: &Person,
    zone: Tz,
) -> Message {
    let value = session_value(series, starts_at);
    let title = format!("How did your 1:1 with {} go?", report.name);
    Message {
        summary: title.clone(),
        blocks: vec![
            Block::Text(format!(
                "**{}**\nRecord what you talked about and the action items you agreed \
                 ({}). Open items come back on the next agenda and remind their owner when due.",
                escape_markup(&title),
                when(starts_at, zone)
            )),
            Block::Buttons(vec![
                Button {
                    action: NOTES.to_owned(),
                    value: value.clone(),
                    label: "Record notes".to_owned(),
                    style: ButtonStyle::Primary,
                },
                Button {
                    action: SKIPPED.to_owned(),
                    value,
                    label: "It didn't happen".to_owned(),
                    style: ButtonStyle::Default,
                },
            ]),
        ],
    }
}

/// The notes form.
pub fn notes_form(series: &Series, starts_at: DateTime<Utc>, other: &Person) -> Form {
    Form {
        action: RECORD.to_owned(),
        value: session_value(series, starts_at),
        title: truncate(&format!("1:1 with {}", other.name), 24),
        submit: "Save".to_owned(),
        fields: vec![
            Field {
                id: "notes".to_owned(),
                label: "Notes (you both see them)".to_owned(),
                optional: true,
                input: Input::Text {
                    multiline: true,
                    max_chars: MAX_NOTES_CHARS,
                    initial: None,
                    placeholder: Some("What you talked about and decided".to_owned()),
                },
            },
            Field {
                id: "actions".to_owned(),
                label: "Action items, one per line".to_owned(),
                optional: true,
                input: Input::Text {
                    multiline: true,
                    max_chars: 1_500,
                    initial: None,
                    placeholder: Some(format!(
                        "{}: send the draft by 2026-03-20\nme: book the training by friday",
                        other
                            .name
                            .as_str()
                            .split_whitespace()
                            .next()
                            .unwrap_or("Ben")
                    )),
                },
            },
        ],
    }
}

/// An action item's reminder on its due day.
pub fn action_reminder(item: &ActionItem, other: &Person) -> Message {
    let title = format!("Due today: {}", truncate(&item.text, 120));
    Message {
        summary: title,
        blocks: vec![
            Block::Text(format!(
                "⏰ **Due today**, from your 1:1 with {}:\n{}",
                escape_markup(other.name.as_str()),
                escape_markup(&truncate(&item.text, 500))
            )),
            Block::Buttons(vec![Button {
                action: DONE_ACTION.to_owned(),
                value: item.id.0.to_string(),
                label: "Mark done".to_owned(),
                style: ButtonStyle::Primary,
            }]),
        ],
    }
}

/// One line of `/oneonone`: with whom, when next, and the cadence.
pub fn series_line(other: &Person, next: DateTime<Utc>, series: &Series, zone: Tz) -> String {
    format!(
        "• **{}**: next {} · {}, {} minutes",
        escape_markup(other.name.as_str()),
        when(next, zone),
        series.cadence,
        series.minutes
    )
}
