//! What feedback says: the ask and its reminder, the form, and the feedback as its subject
//! and their manager read it.

use chrono::{DateTime, Utc};
use chrono_tz::Tz;

use crate::chat::{
    Block, Button, ButtonStyle, Field, Form, Input, Message, escape_markup, truncate,
};
use crate::ports::{FeedbackRecord, FeedbackRequest, FeedbackVisibility};

/// Open the form for a request (value: its id).
pub const GIVE: &str = "feedback:give";
/// Decline a request (value: its id).
pub const DECLINE: &str = "feedback:decline";
/// The form's submission (value `r:REQUEST` or `p:PERSON`).
pub const SUBMIT: &str = "feedback:submit";
/// The shortest feedback.
pub const MIN_CHARS: usize = 20;
/// The longest feedback.
pub const MAX_CHARS: usize = 2_000;

/// The ask to a person asked, or its reminder.
pub fn ask(request: &FeedbackRequest, requester: &str, zone: Tz, reminder: bool) -> Message {
    let until = request
        .expires_at
        .with_timezone(&zone)
        .format("%a %-d %b, %H:%M");
    let lead = if reminder { "⏰ Reminder: " } else { "" };
    let summary = format!("{lead}{requester} asked for your feedback");
    Message {
        summary,
        blocks: vec![
            Block::Text(format!(
                "{lead}**{}** asked for your feedback about **{}**.\nA few honest sentences \
                 help: what went well, and what could be even better. Open until {until}.",
                escape_markup(requester),
                escape_markup(&request.about)
            )),
            Block::Buttons(vec![
                Button {
                    action: GIVE.to_owned(),
                    value: request.id.0.to_string(),
                    label: "Give feedback".to_owned(),
                    style: ButtonStyle::Primary,
                },
                Button {
                    action: DECLINE.to_owned(),
                    value: request.id.0.to_string(),
                    label: "Decline".to_owned(),
                    style: ButtonStyle::Default,
                },
            ]),
        ],
    }
}

/// The form: the feedback, and who may read it.
pub fn form(value: String, subject: &str, about: Option<&str>) -> Form {
    let label = match about {
        Some(about) => truncate(&format!("About {about}"), 45),
        None => "Your feedback".to_owned(),
    };
    Form {
        action: SUBMIT.to_owned(),
        value,
        title: truncate(&format!("Feedback for {subject}"), 24),
        submit: "Send".to_owned(),
        fields: vec![
            Field {
                id: "text".to_owned(),
                label,
                optional: false,
                input: Input::Text {
                    multiline: true,
                    max_chars: MAX_CHARS,
                    initial: None,
                    placeholder: Some("What went well, and what could be even better".to_owned()),
                },
            },
            Field {
                id: "visibility".to_owned(),
                label: "Who reads it".to_owned(),
                optional: false,
                input: Input::Choice {
                    options: vec![
                        (
                            FeedbackVisibility::Shared.as_str().to_owned(),
                            truncate(&format!("{subject} and their manager"), 75),
                        ),
                        (
                            FeedbackVisibility::ManagerOnly.as_str().to_owned(),
                            truncate(&format!("{subject}'s manager only"), 75),
                        ),
                    ],
                    initial: Some(FeedbackVisibility::Shared.as_str().to_owned()),
                },
            },
        ],
    }
}

/// Feedback as `reader` reads it: its subject (`None`) or their manager (the subject's
/// name).
pub fn feedback(record: &FeedbackRecord, giver: &str, manager_of: Option<&str>) -> Message {
    let about = record
        .request
        .as_ref()
        .map(|(_, about)| format!(" about {}", escape_markup(about)))
        .unwrap_or_default();
    let (summary, lead) = match manager_of {
        None => (
            format!("Feedback from {giver}"),
            format!("🗣️ **Feedback from {}**{about}", escape_markup(giver)),
        ),
        Some(subject) => {
            let only = match record.visibility {
                FeedbackVisibility::ManagerOnly => " (for you only)",
                FeedbackVisibility::Shared => "",
            };
            (
                format!("Feedback about {subject} from {giver}"),
                format!(
                    "🗣️ **Feedback about {} from {}**{about}{only}",
                    escape_markup(subject),
                    escape_markup(giver)
                ),
            )
        }
    };
    Message {
        summary,
        blocks: vec![Block::Text(format!(
            "{lead}\n{}",
            escape_markup(&truncate(&record.text, MAX_CHARS))
        ))],
    }
}

/// `• from Ben (Tue 3 Mar): …` for `/feedback`.
pub fn line(record: &FeedbackRecord, giver: &str, zone: Tz) -> String {
    format!(
        "• from **{}** ({}): {}",
        escape_markup(giver),
        record.given_at.with_timezone(&zone).format("%a %-d %b"),
        escape_markup(&truncate(&record.text, 300))
    )
}

/// When a request expires, for the requester.
pub fn until(at: DateTime<Utc>, zone: Tz) -> String {
    at.with_timezone(&zone).format("%a %-d %b").to_string()
}
